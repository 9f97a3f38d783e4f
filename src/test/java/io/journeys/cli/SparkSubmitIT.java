package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.io.OutputTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar under the real {@code org.apache.spark.deploy.SparkSubmit} (spark-core's class,
 * no Spark distribution), in child processes whose classpath has Spark but neither our classes nor
 * Delta: so Delta must resolve from the jar. It generates events, runs the job over them with the
 * embedded default config (whose Derby metastore lands in the test's directory), then the same run
 * on a standalone cluster (master, worker and executors in their own JVMs); a second, unrelated
 * Spark process finds the first run's tables by name in that metastore and finds the same rows in
 * both runs' tables, and {@code journeys sql} queries a table.
 */
class SparkSubmitIT {
  @TempDir Path dir;

  private record Result(int code, String out) {}

  private Result submit(String... args) throws Exception {
    return submitTo("local[2]", args);
  }

  private Result submitTo(String master, String... args) throws Exception {
    String jar = System.getProperty("journeys.jar");
    assertThat(Path.of(jar)).as("shaded jar from `mvn package`").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags());
    command.addAll(List.of("-Xmx2g", "-cp", sparkClasspath(), "org.apache.spark.deploy.SparkSubmit",
        "--master", master, "--class", "io.journeys.cli.JourneysCli",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2",
        "--conf", "spark.executor.memory=1g", "--conf", "spark.databricks.delta.snapshotPartitions=2", jar));
    command.addAll(Arrays.asList(args));
    return runIn(command, "spark-submit");
  }

  /** Spark and Hadoop as a cluster provides them: neither our classes nor Delta nor our libraries. */
  private static String sparkClasspath() {
    return StandaloneCluster.sparkOnly(System.getProperty("java.class.path"));
  }

  private static List<String> jvmFlags() {
    return Arrays.asList(System.getProperty("journeys.jvm.flags").trim().split("\\s+"));
  }

  /** Runs a command in the test directory, so relative paths of conf/local.conf land there. */
  private Result runIn(List<String> command, String what) throws Exception {
    Path log = dir.resolve("process-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(what + " finished").isTrue();
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /**
   * A plain Spark process (CatalogProbe) with Delta and Hive on its classpath, none of the job:
   * the catalog of {@code database}, then the tables of two warehouses compared.
   */
  private Result probeCatalog(String database, Path expected, Path actual) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags());
    command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"),
        "io.journeys.tools.CatalogProbe", "data/metastore", database, expected.toString(), actual.toString()));
    return runIn(command, "catalog probe");
  }

  @Test
  void jarRunsTheJobUnderSparkSubmitWithDeltaFromTheJar() throws Exception {
    String[] common = options("warehouse", "submit_it");
    Result generated = submit(concat(new String[] {"generate", "--out", dir.resolve("events").toString(),
        "--visitors", "150", "--days", "3"}, common));
    assertThat(generated.code()).as(generated.out()).isZero();

    Result run = submit(concat(new String[] {"run", "--date", "2026-01-01", "--to", "2026-01-03"}, common));
    assertThat(run.code()).as(run.out()).isZero();
    assertThat(run.out()).contains("rows written:");

    // The same run distributed: a standalone master and worker, executors in their own JVMs.
    try (StandaloneCluster cluster = StandaloneCluster.start(Files.createDirectories(dir.resolve("cluster")),
        sparkClasspath(), jvmFlags(), 2, "2g")) {
      Result distributed = submitTo(cluster.masterUrl(), concat(new String[] {"run", "--date", "2026-01-01",
          "--to", "2026-01-03"}, options("warehouse-cluster", "submit_cluster")));
      assertThat(distributed.code()).as(distributed.out() + cluster.logs()).isZero();
      assertThat(cluster.logs()).as("tasks ran in an executor JVM forked by the worker")
          .contains("Asked to launch executor").contains("Executor: Finished task");
    }

    Result probe = probeCatalog("submit_it", dir.resolve("warehouse"), dir.resolve("warehouse-cluster"));
    assertThat(probe.code()).as(probe.out()).isZero();
    List<String> found = probe.out().lines().filter(l -> l.startsWith("table ") || l.startsWith("column ")).toList();
    for (OutputTable table : OutputTable.values()) {
      assertThat(found).as(probe.out())
          .anyMatch(l -> l.startsWith("table " + table.tableName() + " EXTERNAL rows=")
              && l.endsWith(" comment=" + table.comment()));
      for (StructField field : table.schema().fields()) {
        assertThat(found).contains("column " + table.tableName() + "." + field.name() + " comment="
            + (field.getComment().isDefined() ? field.getComment().get() : "null"));
      }
    }
    assertThat(found).anyMatch(l -> l.startsWith("table attribution_by_model VIEW rows="))
        .anyMatch(l -> l.startsWith("table micro_conversion_scorecard VIEW rows="))
        .anyMatch(l -> l.matches("table sessions EXTERNAL rows=[1-9][0-9]* .*"));
    // Every output table of the cluster run holds the rows of the local[2] run, run_metrics aside.
    for (OutputTable table : OutputTable.values()) {
      if (table != OutputTable.RUN_METRICS) {
        assertThat(probe.out().lines().toList()).as(probe.out()).contains("same " + table.tableName());
      }
    }
    assertThat(probe.out()).as(probe.out()).doesNotContain("differs ");

    Result query = submit(concat(new String[] {"sql", "SELECT count(*) > 0 AS has_sessions FROM sessions",
        "--format", "csv"}, common));
    assertThat(query.code()).as(query.out()).isZero();
    // stdout and Spark's log share the stream: look for the CSV lines among them.
    assertThat(query.out().lines().toList()).contains("has_sessions", "true");
    assertThat(dir.resolve("warehouse/journeys/_delta_log")).isDirectory();
  }

  private String[] options(String warehouse, String database) {
    String localConf = Path.of("conf/local.conf").toAbsolutePath().toString();
    return new String[] {"--config", localConf, "--set", "spark.master=", "--set", "input.path=" + dir.resolve("events"),
        "--set", "output.path=" + dir.resolve(warehouse), "--set", "output.database=" + database,
        "--set", "attribution.lookback=1d", "--set", "input.late-days=0"};
  }

  private static String[] concat(String[] a, String[] b) {
    String[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
