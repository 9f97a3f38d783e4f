package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.RefusingPort;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code journeys run} as an operator runs it, in its own JVM, against an S3 endpoint that refuses
 * connections (a closed port on 127.0.0.1), with credentials from the environment as the AWS
 * provider chain reads them: it fails after its bounded retries with exit code 1 and one line on
 * stderr naming the input path, and the secret appears nowhere in its output, logs at INFO
 * included. (Writes against a stopped server leaving the table as it was: S3ObjectStorageTest.)
 */
class ObjectStorageDownIT {
  private static final String SECRET = "it-secret-" + Long.toHexString(System.nanoTime());

  @TempDir Path dir;

  @Test
  void refusedEndpointFailsWithOneLineAndLeaksNoSecret() throws Exception {
    Path log4j = dir.resolve("log4j2.properties");
    // INFO everywhere: a secret that any component logged would show.
    Files.writeString(log4j, String.join("\n", "rootLogger.level = info", "rootLogger.appenderRef.stderr.ref = stderr",
        "appender.stderr.type = Console", "appender.stderr.name = stderr", "appender.stderr.target = SYSTEM_ERR",
        "appender.stderr.layout.type = PatternLayout", "appender.stderr.layout.pattern = %p %c: %m%n"));
    Failed run = runAgainstRefusingEndpoint(log4j);
    List<String> ours = run.stderr().lines().filter(l -> l.startsWith("journeys: ")).toList();
    assertThat(ours).as(run.stderr()).hasSize(1);
    assertThat(ours.get(0)).startsWith("journeys: Cannot read events: input.path s3a://journeys/events")
        .endsWith(": cannot connect to 127.0.0.1:" + run.port() + " [/127.0.0.1]: Connection refused (check s3.endpoint and that the store is up)");
    assertThat(run.stderr()).as("INFO logs were on").contains("INFO ");
    assertThat(run.stdout() + run.stderr()).doesNotContain(SECRET);
    assertThat(dir.resolve("warehouse")).as("nothing written").doesNotExist();
  }

  /**
   * With the shipped logging config the failure is the only line on stderr: s3a's warning about its
   * metrics file and the AWS SDK's own "SLF4J: Failed to load class" lines came before it.
   */
  @Test
  void withTheShippedLoggingTheFailureIsTheOnlyLineOnStderr() throws Exception {
    Failed run = runAgainstRefusingEndpoint(Path.of("conf/log4j2.properties").toAbsolutePath());
    assertThat(run.stderr().lines().toList()).as(run.stderr()).hasSize(1)
        .allMatch(l -> l.startsWith("journeys: Cannot read events: input.path s3a://journeys/events"));
  }

  private record Failed(String stdout, String stderr, int port) {}

  /** {@code journeys run} against a closed port on 127.0.0.1, credentials in the environment; it must exit 1. */
  private Failed runAgainstRefusingEndpoint(Path log4j) throws Exception {
    try (RefusingPort refusing = RefusingPort.open()) {
      return runAgainst(log4j, refusing.port());
    }
  }

  private Failed runAgainst(Path log4j, int closed) throws Exception {
    List<String> command = JourneysProcess.command(log4j,
        "run", "--date", "2026-01-01", "--config", Path.of("conf/local.conf").toAbsolutePath().toString(),
        "--set", "spark.master=local[1]",
        "--set", "input.path=s3a://journeys/events", "--set", "output.path=" + dir.resolve("warehouse"),
        "--set", "s3.endpoint=http://127.0.0.1:" + closed, "--set", "s3.path-style-access=true",
        "--set", "s3.region=us-east-1",
        "--set", "spark.conf.\"spark.hadoop.fs.s3a.connection.ssl.enabled\"=false",
        "--set", "spark.conf.\"spark.hadoop.fs.s3a.attempts.maximum\"=2",
        "--set", "spark.conf.\"spark.hadoop.fs.s3a.retry.limit\"=2",
        "--set", "spark.conf.\"spark.hadoop.fs.s3a.retry.interval\"=100ms");
    Path out = Files.createTempFile(dir, "stdout", ".log");
    Path err = Files.createTempFile(dir, "stderr", ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("AWS_ACCESS_KEY_ID", "it-access-key");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", SECRET);
    Process p = pb.start();
    boolean ended = p.waitFor(4, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly(); // a hung run must not outlive the test (one did, in log4j 1's class-init deadlock)
    }
    assertThat(ended).as("bounded retries: the run gives up").isTrue();
    Failed run = new Failed(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8), closed);
    assertThat(p.exitValue()).as(run.stderr()).isEqualTo(1);
    return run;
  }
}
