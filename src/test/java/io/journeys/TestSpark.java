package io.journeys;

import io.journeys.spark.SparkSessionFactory;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM: started on first use, stopped when the JVM exits. Settings
 * that cut Delta round trips from ~40 s to ~20 s on two cores (see shared/STACK.md).
 */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      SparkSession.Builder builder =
          SparkSession.builder()
              .appName("conversion-journeys-tests")
              .master("local[2]")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "1")
              .config("spark.default.parallelism", "2")
              .config("spark.sql.adaptive.enabled", "false")
              // Hand-made rows through dozens of plans per job run: compiling code for each cost
              // more than evaluating the rows it would run on (DailyJobTest and PerJourneyRuleJobTest
              // 174-177 s against 225-248 s, alternating). The job itself, with code generation, is
              // tested end to end by SparkSubmitIT.
              .config("spark.sql.codegen.wholeStage", "false")
              .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
              .config("spark.databricks.delta.snapshotPartitions", "1")
              .config("spark.databricks.delta.stats.collect", "false")
              .config("spark.sql.catalogImplementation", "in-memory")
              .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/journeys-test-warehouse");
      for (Map.Entry<String, String> e : SparkSessionFactory.baseConf().entrySet()) {
        builder.config(e.getKey(), e.getValue());
      }
      session = builder.getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
    }
    return session;
  }
}
