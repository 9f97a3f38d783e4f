package io.journeys.bench;

import io.journeys.spark.SparkSessionFactory;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The Spark session of a bench that times one step in its own JVM, configured as the job's. */
final class BenchSessions {
  private BenchSessions() {}

  /** {@code local[2]} on 127.0.0.1, no UI, 16 shuffle partitions as the harness gives the job, and the job's base settings. */
  static SparkSession local(String appName) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName).master("local[2]")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "16");
    for (Map.Entry<String, String> e : SparkSessionFactory.baseConf().entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    return builder.getOrCreate();
  }
}
