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
 * SPEC §6: a failing run exits non-zero with one clear line on stderr. Checked on the whole of
 * stderr of a JVM started as {@code scripts/journeys} starts it, with the project's own log4j
 * configuration, so a warning from the JVM, Spark or a library that comes before the line fails it.
 */
class FailingRunStderrIT {
  @TempDir Path dir;

  @Test
  void aMissingInputPathGivesExactlyOneLine() throws Exception {
    Path missing = dir.resolve("no-such-events");
    String stderr = failingRun(1, "run", "--date", "2026-01-01",
        "--set", "spark.master=local[1]", "--set", "input.path=" + missing.toUri(),
        "--set", "output.path=" + dir.resolve("warehouse").toUri());
    assertThat(stderr.lines().toList())
        .containsExactly("journeys: Cannot read events: input.path " + missing.toUri() + " does not exist");
    assertThat(dir.resolve("warehouse")).as("nothing written").doesNotExist();
  }

  /**
   * Hadoop refuses an s3a:// path with user info by an IllegalArgumentException: the line named no
   * key, Hadoop's warning came before it, and both quoted the secret (a black-box test).
   */
  @Test
  void anS3aPathWithAPasswordGivesOneLineNamingTheKeyWithThePasswordMasked() throws Exception {
    String stderr = failingRun(1, "run", "--date", "2026-01-01", "--set", "spark.master=local[1]",
        "--set", "input.path=s3a://AKIATEST:S3cretInPath@bucket/events",
        "--set", "output.path=" + dir.resolve("warehouse").toUri());
    assertThat(stderr.lines().toList()).as(stderr).singleElement().asString()
        .startsWith("journeys: Cannot read events: input.path s3a://AKIATEST:********@bucket/events is not readable: ")
        .contains("login details");
    assertThat(stderr).doesNotContain("S3cretInPath");
    assertThat(dir.resolve("warehouse")).as("nothing written").doesNotExist();
  }

  /** main's own stdout, over the file descriptor: a PrintStream would have kept the error to itself. */
  @Test
  void anOutputToAFullDiskGivesExactlyOneLine() throws Exception {
    Path err = dir.resolve("stderr.log");
    Process p = new ProcessBuilder(JourneysProcess.command(Path.of("conf/log4j2.properties").toAbsolutePath(), "--version"))
        .directory(dir.toFile()).redirectOutput(new java.io.File("/dev/full")).redirectError(err.toFile()).start();
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stderr).isEqualTo(1);
    assertThat(stderr.lines().toList()).containsExactly("journeys: " + JourneysCli.OUTPUT_LOST);
  }

  @Test
  void theJarRunByJavaAloneSaysWhatIsMissingInOneLineNotThatASignalCame() throws Exception {
    // Spark is provided by the cluster, so `java -jar` finds no Spark. Before, the JVM printed the
    // NoClassDefFoundError's trace, and then the shutdown hook said a signal had stopped the command.
    Path err = dir.resolve("stderr.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
            System.getProperty("journeys.jar"), "--version")
        .directory(dir.toFile()).redirectOutput(dir.resolve("stdout.log").toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stderr).isEqualTo(1);
    assertThat(stderr.lines().toList()).as(stderr).singleElement().asString()
        .startsWith("journeys: Cannot start: a class is missing from the classpath (org.apache.")
        .endsWith("): Spark comes from the cluster, so run the jar with spark-submit, or use scripts/journeys");
  }

  @Test
  void aMisspeltKeyGivesExactlyOneLine() throws Exception {
    String stderr = failingRun(1, "run", "--date", "2026-01-01", "--set", "sessions.timeot=10m");
    assertThat(stderr.lines().toList()).singleElement().asString()
        .startsWith("journeys: ").contains("'sessions.timeot'", "did you mean 'sessions.timeout'");
  }

  /**
   * A metastore that cannot be opened (here: no driver for its URL) fails the run on the catalog's
   * own thread too, which opens it while stage 1 runs: its exception went to the JVM's handler,
   * whose trace printed the URL's user and passwords on stderr, past the log's masking (a
   * black-box test). Hive's retries are cut to one to keep the test short.
   */
  @Test
  void aMetastoreThatCannotBeOpenedPrintsNoPassword() throws Exception {
    Path events = aViewAndAPurchaseOn20260310();
    String stderr = failingRun(1, "run", "--date", "2026-03-10", "--set", "input.path=" + events.toUri(),
        "--set", "output.path=" + dir.resolve("warehouse").toUri(), "--set", "input.late-days=0",
        "--set", "spark.conf.\"spark.hadoop.javax.jdo.option.ConnectionURL\"="
            + "\"jdbc:postgresql://metauser:MetaPw9@127.0.0.1:1/metastore?password=MetaQ9\"",
        "--set", "spark.conf.\"spark.hadoop.hive.hmshandler.retry.attempts\"=1");
    assertThat(stderr).as(stderr).doesNotContain("MetaPw9").doesNotContain("MetaQ9")
        .doesNotContain("Exception in thread");
    List<String> lines = stderr.lines().toList();
    assertThat(lines.get(lines.size() - 1)).as(stderr).startsWith("journeys: ")
        .contains("the Hive metastore could not be opened (check its settings in spark.conf): ")
        .contains("No suitable driver found for \"jdbc:postgresql://metauser:********@127.0.0.1:1/metastore?password=********");
  }

  /**
   * The note that reference.conf's funnel is left out (these rules lack its add_to_cart) came
   * before the line (a black-box test). The rule fails only when Spark's analyzer resolves it: at
   * the end of check-config's checks, and in run after Spark has started.
   */
  @Test
  void aBadRuleGivesItsLineWithoutTheNotesOfItsConfig() throws Exception {
    String badRule = "conversions.micro=[{name = bad_rule, when = \"no_such_col = 1\"}]";
    String checked = failingRun(1, "check-config", "--set", badRule);
    assertThat(checked.lines().toList()).as(checked).singleElement().asString()
        .startsWith("journeys: ").contains("'bad_rule'", "no_such_col");
    Path events = aViewAndAPurchaseOn20260310();
    String ran = failingRun(1, "run", "--date", "2026-03-10", "--set", "spark.master=local[1]", "--set", badRule,
        "--set", "input.path=" + events.toUri(), "--set", "output.path=" + dir.resolve("warehouse").toUri());
    List<String> lines = ran.lines().toList();
    assertThat(lines.get(lines.size() - 1)).as(ran).startsWith("journeys: ").contains("'bad_rule'", "no_such_col");
    assertThat(ran).doesNotContain("is left out");
  }

  @Test
  void aMasterOnlySparkCanRefuseGivesExactlyOneLineNamingTheSettings() throws Exception {
    // A URL passes the config check (another cluster manager may take it); Spark refuses it when it
    // starts. Its own ERROR with the stack trace and a WARN came before the line, until the shipped
    // logging left those two out.
    String stderr = failingRun(1, "run", "--date", "2026-01-01", "--set", "spark.master=nosuch://127.0.0.1:1",
        "--set", "output.path=" + dir.resolve("warehouse").toUri());
    assertThat(stderr.lines().toList()).containsExactly(
        "journeys: Cannot start Spark (spark.master 'nosuch://127.0.0.1:1', spark.conf): Could not parse Master URL: 'nosuch://127.0.0.1:1'");
    assertThat(dir.resolve("warehouse")).as("nothing written").doesNotExist();
  }

  /** A cluster's config run by scripts/journeys: the line said "from spark-submit", which was not involved (a black-box test). */
  @Test
  void noMasterAtAllGivesOneLineSayingHowToGiveOne() throws Exception {
    String stderr = failingRun(1, "run", "--date", "2026-01-01", "--set", "spark.master=",
        "--set", "output.path=" + dir.resolve("warehouse").toUri());
    assertThat(stderr.lines().toList()).containsExactly("journeys: Cannot start Spark (no spark.master: give one with"
        + " --set spark.master=local[*], in the config, or by spark-submit's --master): A master URL must be set"
        + " in your configuration");
  }

  @Test
  void aStandaloneMasterThatIsDownGivesExactlyOneLineNamingIt() throws Exception {
    // Spark alone retried for about 70 s, printed 113 lines, and ended on "Cannot call methods on
    // a stopped SparkContext".
    try (RefusingPort refusing = RefusingPort.open()) {
      String master = "spark://127.0.0.1:" + refusing.port();
      String stderr = failingRun(1, "run", "--date", "2026-01-01", "--set", "spark.master=" + master,
          "--set", "output.path=" + dir.resolve("warehouse").toUri());
      assertThat(stderr.lines().toList()).containsExactly(
          "journeys: Cannot reach the cluster manager (spark.master '" + master + "'): 127.0.0.1:" + refusing.port()
              + ": Connection refused");
    }
    assertThat(dir.resolve("warehouse")).as("nothing written").doesNotExist();
  }

  @Test
  void aMappingThatRaisesOnSomeRowsGivesItsOneLineAfterOnlyTheJobsProgress() throws Exception {
    // CAST of a page_view's name to DOUBLE raises (ANSI): the run stops, and the search for the
    // expression behind it fails once more. Spark's task failures (each a stack trace at ERROR or
    // WARN, 170 to 300 lines in all) used to come before the line that names the key.
    Path events = aViewAndAPurchaseOn20260310();
    String stderr = failingRun(1, "run", "--date", "2026-03-10", "--set", "spark.master=local[2]",
        "--set", "input.path=" + events.toUri(), "--set", "output.path=" + dir.resolve("warehouse").toUri(),
        "--set", "input.late-days=0", "--set", "input.columns.revenue=CAST(event_name AS DOUBLE)");
    List<String> lines = stderr.lines().toList();
    assertThat(lines.get(lines.size() - 1)).as(stderr).startsWith(
        "journeys: Cannot run: input.columns.revenue = 'CAST(event_name AS DOUBLE)' raises on some events: [CAST_INVALID_INPUT]");
    assertThat(lines.subList(0, lines.size() - 1)).as(stderr)
        .allMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d INFO  \\w+: .*"), "a progress line of the job's");
  }

  @Test
  void aRunStoppedBySigtermSaysSoInItsOneLine() throws Exception {
    // A scheduler's timeout or stop sends SIGTERM. Spark's shutdown hook stopped Spark under the
    // run, which then failed with "Cannot call methods on a stopped SparkContext" or Spark's
    // "[INTERNAL_ERROR] ... You hit a bug in Spark".
    Path events = aViewAndAPurchaseOn20260310();
    Path warehouse = dir.resolve("warehouse");
    Path err = dir.resolve("stderr.log");
    Process p = new ProcessBuilder(JourneysProcess.command(Path.of("conf/log4j2.properties").toAbsolutePath(),
            "run", "--date", "2026-03-10", "--set", "spark.master=local[2]", "--set", "input.path=" + events.toUri(),
            "--set", "output.path=" + warehouse.toUri(), "--set", "input.late-days=0",
            "--config", Path.of("conf/local.conf").toAbsolutePath().toString()))
        .directory(dir.toFile()).redirectOutput(dir.resolve("stdout.log").toFile()).redirectError(err.toFile())
        .start();
    // Stopped once it writes its first table: Spark is up and stage 1 under way.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!Files.exists(warehouse) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(p.isAlive()).as("the run is still going when its first table appears").isTrue();
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).as("the run ends").isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stderr).isEqualTo(128 + 15);
    List<String> lines = stderr.lines().toList();
    assertThat(lines.get(lines.size() - 1)).as(stderr).isEqualTo("journeys: " + JourneysCli.STOPPED);
    assertThat(lines.subList(0, lines.size() - 1)).as(stderr)
        .allMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d INFO  \\w+: .*"), "a progress line of the job's");
  }

  /** A page view and a purchase of one visitor on 2026-03-10, as parquet in {@code event_date=} directories. */
  private Path aViewAndAPurchaseOn20260310() {
    Path events = dir.resolve("events");
    new io.journeys.EventFixtures()
        .event("a", "v", "2026-03-10 10:00:00", "page_view")
        .event("b", "v", "2026-03-10 10:01:00", "purchase")
        .toDataset(io.journeys.TestSpark.session()).drop(io.journeys.io.EventReader.EVENT_TIME_RAW)
        .write().partitionBy("event_date").parquet(events.toString());
    return events;
  }

  /** The write logged its failure with the trace, 200 lines before sql's line (a black-box test). */
  @Test
  void aSqlWriteThatFailsGivesExactlyOneLine() throws Exception {
    String stderr = failingRun(1, "sql", "--set", "output.path=" + dir.resolve("warehouse").toUri(),
        "INSERT OVERWRITE DIRECTORY '" + dir.resolve("out") + "' USING orc SELECT NULL AS x");
    assertThat(stderr.lines().toList()).as(stderr).singleElement().asString()
        .startsWith("journeys: Cannot run query: [UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE]");
  }

  private String failingRun(int exitCode, String... args) throws Exception {
    String[] withConfig = new String[args.length + 2];
    System.arraycopy(args, 0, withConfig, 0, args.length);
    withConfig[args.length] = "--config";
    withConfig[args.length + 1] = Path.of("conf/local.conf").toAbsolutePath().toString();
    Path err = dir.resolve("stderr.log");
    Process p = new ProcessBuilder(JourneysProcess.command(Path.of("conf/log4j2.properties").toAbsolutePath(), withConfig))
        .directory(dir.toFile()).redirectOutput(dir.resolve("stdout.log").toFile()).redirectError(err.toFile())
        .start();
    boolean ended = p.waitFor(3, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly(); // a hung run must not outlive the test
    }
    assertThat(ended).as("the run ends").isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stderr).isEqualTo(exitCode);
    return stderr;
  }
}
