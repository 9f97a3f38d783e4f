package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/**
 * The spark-submit command that {@code scripts/submit --dry-run} builds (no Spark runs): what the
 * README promises of it, and application arguments that parse with the job's real command line.
 */
class SubmitScriptTest {

  private record Submit(int code, List<String> words, String stderr) {}

  private static Submit dryRun(Map<String, String> env, String... args) throws Exception {
    // The printed command read back as bash reads it (printf %q quotes a checkout path with spaces),
    // one word per NUL-terminated record.
    List<String> command = new ArrayList<>(List.of("bash", "-c",
        "out=$(bash scripts/submit --dry-run \"$@\") || exit; eval \"words=($out)\"; printf '%s\\0' \"${words[@]}\"", "_"));
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("JOURNEYS_") || k.equals("SPARK_SUBMIT"));
    builder.environment().putAll(env);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    return new Submit(code, out.isEmpty() ? List.of() : Arrays.asList(out.split("\0")), err);
  }

  /** The words after the job's jar (not a classpath that ends in a jar): the job's own arguments. */
  private static String[] applicationArgs(List<String> words) {
    int jar = 0;
    while (!words.get(jar).matches("[^:]*/conversion-journeys-[^/:]*\\.jar")) {
      jar++;
    }
    return words.subList(jar + 1, words.size()).toArray(String[]::new);
  }

  private static String confValue(List<String> words, String key) {
    for (int i = 0; i + 1 < words.size(); i++) {
      if (words.get(i).equals("--conf") && words.get(i + 1).startsWith(key + "=")) {
        return words.get(i + 1).substring(key.length() + 1);
      }
    }
    return null;
  }

  private static String option(List<String> words, String name) {
    int i = words.indexOf(name);
    return i < 0 ? null : words.get(i + 1);
  }

  @Test
  void yarnClusterModeShipsTheConfigAndNamesItByItsBaseNameWithOneAttempt() throws Exception {
    Submit s = dryRun(Map.of(), "--master", "yarn", "--deploy-mode", "cluster", "--config", "conf/production.conf",
        "--", "run", "--date", "2026-01-31");
    assertThat(s.code()).as(s.stderr()).isZero();
    assertThat(s.words().get(0)).isEqualTo("spark-submit");
    assertThat(option(s.words(), "--class")).isEqualTo("io.journeys.cli.JourneysCli");
    assertThat(option(s.words(), "--files")).isEqualTo("conf/production.conf");
    // A cluster-mode driver keeps the cluster's logging: the file shipped under its name sets the
    // executors' too on YARN (a review).
    assertThat(confValue(s.words(), "spark.driver.extraJavaOptions")).isNull();
    assertThat(confValue(s.words(), "spark.yarn.maxAppAttempts")).isEqualTo("1");
    assertThat(confValue(s.words(), "spark.sql.session.timeZone")).isEqualTo("UTC");
    ParseResult parsed = JourneysCli.commandLine().parseArgs(applicationArgs(s.words()));
    assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("run");
    assertThat(parsed.subcommand().matchedOptionValue("--date", null).toString()).isEqualTo("2026-01-31");
    assertThat(parsed.subcommand().matchedOptionValue("--config", null).toString()).isEqualTo("production.conf");
  }

  @Test
  void clientModeReadsTheConfigByThePathGivenAndOnlyYarnGetsOneAttempt() throws Exception {
    Submit s = dryRun(Map.of("JOURNEYS_DRIVER_JAVA_OPTIONS", "-Dacme.agent=on -XX:+UseG1GC"), "--master", "spark://h:7077", "--deploy-mode", "client", "--config",
        "conf/production.conf", "--", "run", "--date", "2026-01-31");
    assertThat(s.code()).as(s.stderr()).isZero();
    assertThat(confValue(s.words(), "spark.yarn.maxAppAttempts")).isNull();
    assertThat(option(s.words(), "--files")).isEqualTo("conf/production.conf");
    // A client-mode driver runs here and logs as scripts/journeys does (Spark's default INFO came
    // before, a review); the path quoted, as spark-submit splits the options at spaces.
    assertThat(option(s.words(), "--driver-java-options")).isEqualTo("-Dlog4j2.configurationFile=\""
        + Path.of("conf/log4j2.properties").toAbsolutePath() + "\" -Dacme.agent=on -XX:+UseG1GC");
    ParseResult parsed = JourneysCli.commandLine().parseArgs(applicationArgs(s.words()));
    assertThat(parsed.subcommand().matchedOptionValue("--config", null).toString()).isEqualTo("conf/production.conf");
  }

  @Test
  void memoryAndTheSubmitCommandComeFromTheEnvironmentAndOptionsWin() throws Exception {
    Submit s = dryRun(Map.of("JOURNEYS_EXECUTOR_MEMORY", "12g", "JOURNEYS_NUM_EXECUTORS", "7",
        "JOURNEYS_DRIVER_MEMORY", "3g", "SPARK_SUBMIT", "/opt/spark/bin/spark-submit"),
        "--driver-memory", "5g", "--", "run", "--date", "2026-01-31");
    assertThat(s.code()).as(s.stderr()).isZero();
    assertThat(s.words().get(0)).isEqualTo("/opt/spark/bin/spark-submit");
    assertThat(option(s.words(), "--master")).isEqualTo("yarn");
    assertThat(option(s.words(), "--deploy-mode")).isEqualTo("cluster");
    assertThat(option(s.words(), "--executor-memory")).isEqualTo("12g");
    assertThat(option(s.words(), "--num-executors")).isEqualTo("7");
    assertThat(option(s.words(), "--driver-memory")).isEqualTo("5g");
    assertThat(option(s.words(), "--files")).isNull();
  }

  /**
   * --local: the real SparkSubmit class on the classpath a cluster gives (Spark, Hadoop, hadoop-aws
   * from Maven), so that Delta, Typesafe Config and picocli can only come from the jar, as on a
   * cluster; no test library either. The script asks Maven for that classpath and keeps it in
   * target/; the test removes it first, so that it checks the script's Maven call and filter, not a
   * list an earlier version wrote. That call is a plain {@code mvn} on the user's own settings and
   * local repository, which the build has already filled with the compile scope.
   */
  @Test
  void localPutsSparkAndHadoopAwsOnTheClasspathButNeitherWhatTheJarCarriesNorTestLibraries() throws Exception {
    Files.deleteIfExists(Path.of("target/spark-classpath.txt"));
    Submit s = dryRun(Map.of("JOURNEYS_DRIVER_JAVA_OPTIONS", "-Dacme.agent=on"), "--local", "--config", "conf/local.conf",
        "--", "run", "--date", "2026-01-31");
    assertThat(s.code()).as(s.stderr()).isZero();
    assertThat(s.words().get(0)).isEqualTo("java");
    assertThat(s.words()).contains("org.apache.spark.deploy.SparkSubmit");
    assertThat(s.words().subList(0, s.words().indexOf("org.apache.spark.deploy.SparkSubmit"))).contains("-Dacme.agent=on");
    assertThat(option(s.words(), "--master")).isEqualTo("local[2]");
    assertThat(option(s.words(), "--class")).isEqualTo("io.journeys.cli.JourneysCli");
    String logConfig = s.words().stream().filter(w -> w.startsWith("-Dlog4j2.configurationFile=")).findFirst().orElseThrow();
    assertThat(Path.of(logConfig.substring(logConfig.indexOf('=') + 1)).toRealPath())
        .isEqualTo(Path.of("conf/log4j2.properties").toRealPath());

    List<String> classpath = Arrays.asList(option(s.words(), "-cp").split(":"));
    List<String> names = classpath.stream().map(j -> Path.of(j).getFileName().toString()).toList();
    assertThat(names).anyMatch(n -> n.startsWith("spark-core_")).anyMatch(n -> n.startsWith("spark-sql_"))
        .anyMatch(n -> n.startsWith("hadoop-aws-"));
    assertThat(names).noneMatch(n -> n.startsWith("delta-") || n.startsWith("config-1.") || n.startsWith("picocli-")
        || n.startsWith("junit-") || n.startsWith("assertj-") || n.startsWith("duckdb_jdbc-") || n.startsWith("s3proxy-"));
    assertThat(classpath).allMatch(j -> Files.isRegularFile(Path.of(j)));
    // It runs from the checkout: a relative path is made absolute where the caller stands (here the
    // checkout too), as scripts/journeys does; it was passed on as given.
    ParseResult parsed = JourneysCli.commandLine().parseArgs(applicationArgs(s.words()));
    assertThat(parsed.subcommand().matchedOptionValue("--config", null).toString())
        .isEqualTo(Path.of("conf/local.conf").toAbsolutePath().toString());
    Submit report = dryRun(Map.of(), "--local", "--", "report", "--date", "2026-01-31", "--out=r.html", "--config", "s3a://b/c.conf");
    assertThat(report.code()).as(report.stderr()).isZero();
    assertThat(Arrays.asList(applicationArgs(report.words())))
        .containsExactly("report", "--date", "2026-01-31", "--out=" + Path.of("r.html").toAbsolutePath(), "--config", "s3a://b/c.conf");
  }

  /**
   * Run through a symlink elsewhere (one in ~/bin, say), from another directory, the script finds
   * its checkout: it looked for scripts/lib beside the link and failed (a review).
   */
  @Test
  void aSymlinkToTheScriptFindsItsCheckout(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path link = java.nio.file.Files.createSymbolicLink(java.nio.file.Files.createDirectories(dir.resolve("bin"))
        .resolve("journeys-submit"), java.nio.file.Path.of("scripts/submit").toAbsolutePath());
    ProcessBuilder builder = new ProcessBuilder("bash", link.toString(), "--dry-run", "--master", "yarn", "--", "run",
        "--date", "2026-01-31").directory(dir.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("JOURNEYS_") || k.equals("SPARK_SUBMIT"));
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(err).isZero();
    assertThat(out).contains(java.nio.file.Path.of("target").toAbsolutePath() + "/conversion-journeys-")
        .contains("--date 2026-01-31");
  }

  @Test
  void noJobArgumentsOrAnUnknownOptionIsAUsageError() throws Exception {
    Submit none = dryRun(Map.of(), "--master", "yarn");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.stderr()).isEqualTo("submit: no journeys arguments after --\n");
    Submit unknown = dryRun(Map.of(), "--date", "2026-01-31");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.stderr()).isEqualTo("submit: unknown option --date (journeys arguments go after --)\n");
    // An option's missing value was bash's "unbound variable" with exit 1 (a review).
    Submit noValue = dryRun(Map.of(), "--master");
    assertThat(noValue.code()).isEqualTo(2);
    assertThat(noValue.stderr()).isEqualTo("submit: --master needs a value\n");
    Submit swallowed = dryRun(Map.of(), "--config", "--", "run", "--date", "2026-01-31");
    assertThat(swallowed.code()).isEqualTo(2);
    assertThat(swallowed.stderr()).isEqualTo("submit: --config needs a value\n");
  }

  /** --local's master and heap follow the options, in either order; they were fixed (a review). */
  @Test
  void localHonoursMasterAndDriverMemory() throws Exception {
    Submit given = dryRun(Map.of(), "--master", "local[1]", "--local", "--driver-memory", "3g", "--", "run", "--date", "2026-01-31");
    assertThat(given.code()).as(given.stderr()).isZero();
    assertThat(option(given.words(), "--master")).isEqualTo("local[1]");
    assertThat(given.words()).contains("-Xmx3g").doesNotContain("-Xmx4g");
    Submit defaults = dryRun(Map.of("JOURNEYS_MASTER", "yarn"), "--local", "--", "run", "--date", "2026-01-31");
    assertThat(defaults.code()).as(defaults.stderr()).isZero();
    assertThat(option(defaults.words(), "--master")).isEqualTo("local[2]");
    assertThat(defaults.words()).contains("-Xmx4g");
    // Spark's sizes: a bare number is MiB, a "b" after the unit is dropped, anything else refused.
    assertThat(dryRun(Map.of("JOURNEYS_DRIVER_MEMORY", "4096"), "--local", "--", "run", "--date", "2026-01-31").words())
        .contains("-Xmx4096m");
    assertThat(dryRun(Map.of(), "--local", "--driver-memory", "2gb", "--", "run", "--date", "2026-01-31").words())
        .contains("-Xmx2g");
    Submit bad = dryRun(Map.of("JOURNEYS_DRIVER_MEMORY", "lots"), "--local", "--", "run", "--date", "2026-01-31");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.stderr()).isEqualTo("submit: --driver-memory 'lots' is not a size such as 4g or 4096m\n");
  }
}
