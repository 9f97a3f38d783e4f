package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar under the real {@code org.apache.spark.deploy.SparkSubmit} (spark-core's class,
 * no Spark distribution), in child processes whose classpath has Spark but neither our classes nor
 * Delta: so Delta must resolve from the jar. It generates events, runs the job over them, and
 * queries a table through {@code journeys sql}.
 */
class SparkSubmitIT {
  @TempDir Path dir;

  private record Result(int code, String out) {}

  private Result submit(String... args) throws Exception {
    String jar = System.getProperty("journeys.jar");
    assertThat(Path.of(jar)).as("shaded jar from `mvn package`").exists();
    String sparkClasspath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.contains("delta-") && !e.endsWith("classes") && !e.contains("picocli") && !e.contains("/config/"))
        .collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("journeys.jvm.flags").trim().split("\\s+")));
    command.addAll(List.of("-Xmx2g", "-cp", sparkClasspath, "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]", "--class", "io.journeys.cli.JourneysCli",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2", jar));
    command.addAll(Arrays.asList(args));
    Path log = dir.resolve("submit-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("spark-submit finished").isTrue();
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  @Test
  void jarRunsTheJobUnderSparkSubmitWithDeltaFromTheJar() throws Exception {
    String[] common = {"--set", "spark.master=", "--set", "input.path=" + dir.resolve("events"),
        "--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=submit_it",
        "--set", "attribution.lookback=1d", "--set", "input.late-days=0"};
    Result generated = submit(concat(new String[] {"generate", "--out", dir.resolve("events").toString(),
        "--visitors", "150", "--days", "3"}, common));
    assertThat(generated.code()).as(generated.out()).isZero();

    Result run = submit(concat(new String[] {"run", "--date", "2026-01-01", "--to", "2026-01-03"}, common));
    assertThat(run.code()).as(run.out()).isZero();
    assertThat(run.out()).contains("rows written:");

    Result query = submit(concat(new String[] {"sql", "SELECT count(*) > 0 AS has_sessions FROM sessions",
        "--format", "csv"}, common));
    assertThat(query.code()).as(query.out()).isZero();
    // stdout and Spark's log share the stream: look for the CSV lines among them.
    assertThat(query.out().lines().toList()).contains("has_sessions", "true");
    assertThat(dir.resolve("warehouse/journeys/_delta_log")).isDirectory();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
