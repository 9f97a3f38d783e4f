package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class JourneysCliTest {

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    // Commands reuse the JVM's shared session rather than building one from conf/local.conf, whose
    // Derby metastore belongs to the checkout's ./data, not to tests.
    io.journeys.TestSpark.session();
    CommandLine cli = JourneysCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = JourneysCli.execute(cli, args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void checkConfigPrintsEffectiveConfigAndExitsZero() {
    Result r = run("check-config", "--set", "sessions.timeout=10m", "--set", "attribution.markov.order=3",
        "--set", "report.enabled=true", "--set", "spark.app-name=007");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("timeout=\"10m\"").contains("# config OK");
    // A --set number or boolean prints as one; only the canonical form, so 007 stays text.
    assertThat(r.out()).contains("order=3").contains("enabled=true").contains("app-name=\"007\"");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void checkConfigRefusesARuleOverAMissingColumnOrFunctionAsRunDoes() {
    // Both parse; only Spark's analyzer, as run uses it, knows the column and the function.
    Result column = run("check-config", "--set", "funnels=[]", "--set",
        "conversions.micro=[{name = pricing, when = \"page_path LIKE '%/pricing%'\"}]");
    assertThat(column.code()).isEqualTo(1);
    assertThat(column.out()).doesNotContain("# config OK");
    assertThat(column.err().strip().lines()).singleElement().asString()
        .startsWith("journeys: Cannot evaluate conversion rule 'pricing': ").contains("page_path");
    Result function = run("check-config", "--set",
        "channels.rules=[{name = Social, when = \"is_social(referrer_url)\"}]");
    assertThat(function.code()).isEqualTo(1);
    assertThat(function.err().strip().lines()).singleElement().asString()
        .startsWith("journeys: Cannot evaluate channel rule 'Social': ").contains("is_social");
    // Spark's analyzer resolves these, and run failed on them later without naming the rule: an
    // aggregate, a text where a condition belongs, a value drawn at random, and a value summed
    // over all events.
    String[][] refused = {
        {"conversions.micro=[{name = agg, when = \"count(*) > 1\"}]",
            "journeys: Cannot evaluate conversion rule 'agg': it is not one value of each event"
                + " (an aggregate, window or generator function) (--set conversions.micro: 1)"},
        {"conversions.micro=[{name = text, when = \"page_url\"}]",
            "journeys: Cannot evaluate conversion rule 'text': it gives STRING, not a condition (BOOLEAN) (--set conversions.micro: 1)"},
        {"conversions.micro=[{name = coin, when = \"rand() > 0.5\"}]",
            "journeys: Cannot evaluate conversion rule 'coin': it is not deterministic, so a rerun would not give the same rows"
                + " (--set conversions.micro: 1)"},
        {"conversions.macro=[{name = all, when = \"event_name = 'purchase'\", value = \"sum(revenue)\"}]",
            "journeys: Cannot evaluate the value of conversion rule 'all': it is not one value of each event"
                + " (an aggregate, window or generator function) (--set conversions.macro: 1)"},
        // A value that cannot be an amount: the map was accepted, and the run failed after two writes (a review).
        {"conversions.macro=[{name = basket, when = \"event_name = 'purchase'\", value = \"properties\"}]",
            "journeys: Cannot evaluate the value of conversion rule 'basket': it gives MAP<STRING, STRING>, not an amount"
                + " (a number, or text holding one) (--set conversions.macro: 1)"},
        {"conversions.macro=[{name = paid, when = \"event_name = 'purchase'\", value = \"revenue > 0\"}]",
            "journeys: Cannot evaluate the value of conversion rule 'paid': it gives BOOLEAN, not an amount"
                + " (a number, or text holding one) (--set conversions.macro: 1)"},
        // Channel rules alike: the text and the random one were accepted (a review).
        {"channels.rules=[{name = Many, when = \"count(*) > 1\"}]",
            "journeys: Cannot evaluate channel rule 'Many': it is not one value of each event"
                + " (an aggregate, window or generator function) (--set channels.rules: 1)"},
        {"channels.rules=[{name = Url, when = \"page_host\"}]",
            "journeys: Cannot evaluate channel rule 'Url': it gives STRING, not a condition (BOOLEAN) (--set channels.rules: 1)"},
        {"channels.rules=[{name = Coin, when = \"rand() > 0.5\"}]",
            "journeys: Cannot evaluate channel rule 'Coin': it is not deterministic, so a rerun would not give the same rows"
                + " (--set channels.rules: 1)"},
        // Spark counts the clock as deterministic, one value per query; each run has its own (a review).
        {"conversions.micro=[{name = recent, when = \"event_time > current_timestamp() - INTERVAL 30 DAYS\"}]",
            "journeys: Cannot evaluate conversion rule 'recent': it reads the clock (current_timestamp), so a rerun would"
                + " not give the same rows (--set conversions.micro: 1)"},
        {"conversions.macro=[{name = late, when = \"to_date(event_time) < curdate()\", value = \"revenue\"}]",
            "journeys: Cannot evaluate conversion rule 'late': it reads the clock (current_date), so a rerun would"
                + " not give the same rows (--set conversions.macro: 1)"},
        {"channels.rules=[{name = Fresh, when = \"unix_timestamp() - unix_timestamp(event_time) < 3600\"}]",
            "journeys: Cannot evaluate channel rule 'Fresh': it reads the clock (current_timestamp), so a rerun would"
                + " not give the same rows (--set channels.rules: 1)"}};
    for (String[] rule : refused) {
      Result r = run("check-config", "--set", "funnels=[]", "--set", rule[0]);
      assertThat(r.code()).as(rule[0]).isEqualTo(1);
      assertThat(r.err().strip().lines()).as(rule[0]).singleElement().asString().isEqualTo(rule[1]);
    }
    // A rule over a logical column, a map key and a higher-order function is fine.
    Result fine = run("check-config", "--set", "funnels=[]", "--set", "conversions.micro=[{name = pro, when = "
        + "\"properties['plan'] = 'pro' AND exists(split(page_url, '/'), p -> p = 'pricing')\"}]");
    assertThat(fine.code()).as(fine.err()).isZero();
    assertThat(fine.out()).contains("# config OK");
  }

  /** check-config resolved rules in a session without spark.conf, so EVENT_NAME passed here and failed at run (a review). */
  @Test
  void checkConfigResolvesRulesWithTheSqlSettingsOfSparkConf() {
    String rule = "conversions.micro=[{name = shout, when = \"EVENT_NAME = 'page_view'\"}]";
    Result insensitive = run("check-config", "--set", "funnels=[]", "--set", rule);
    assertThat(insensitive.code()).as(insensitive.err()).isZero();
    Result sensitive = run("check-config", "--set", "funnels=[]", "--set", rule,
        "--set", "spark.conf.\"spark.sql.caseSensitive\"=true");
    assertThat(sensitive.code()).isEqualTo(1);
    assertThat(sensitive.err().strip().lines()).singleElement().asString()
        .startsWith("journeys: Cannot evaluate conversion rule 'shout': [UNRESOLVED_COLUMN").contains("EVENT_NAME");
    // The setting stays in check-config's own session: the same rule still passes without it.
    Result again = run("check-config", "--set", "funnels=[]", "--set", rule);
    assertThat(again.code()).as(again.err()).isZero();
  }

  @Test
  void aRuleOverAMissingColumnNamesTheFileAndLineAndWhetherItsValueIsAtFault(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("rules.conf");
    java.nio.file.Files.writeString(conf, String.join("\n",
        "funnels = []",
        "conversions.macro = [",
        "  { name = purchase, when = \"event_name = 'purchase'\",",
        "    value = \"revenu\" }",
        "]",
        "conversions.micro = [",
        "  { name = pricing, when = \"page_path LIKE '%/pricing%'\" }",
        "]", ""));
    Result r = run("check-config", "--config", conf.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip().lines()).singleElement().asString()
        .startsWith("journeys: Cannot evaluate conversion rule 'pricing': [UNRESOLVED_COLUMN")
        .endsWith("(" + conf + ": 7)");
    java.nio.file.Files.writeString(conf, java.nio.file.Files.readString(conf).replace("page_path", "page_url"));
    Result value = run("check-config", "--config", conf.toString());
    assertThat(value.code()).isEqualTo(1);
    assertThat(value.err().strip().lines()).singleElement().asString()
        .startsWith("journeys: Cannot evaluate the value of conversion rule 'purchase': [UNRESOLVED_COLUMN")
        .contains("revenu").endsWith("(" + conf + ": 4)");
  }

  /**
   * As YARN's cluster-mode driver, main returns on success and throws on failure: System.exit,
   * even 0, made YARN report the run FAILED and try it again (a review, from Spark's
   * ApplicationMaster). Outside YARN the process exits (not callable here).
   */
  @Test
  void asTheDriverOfYarnsClusterModeSuccessReturnsAndFailureThrows() {
    System.setProperty("spark.yarn.app.id", "application_1_0001");
    System.setProperty("spark.submit.deployMode", "cluster");
    try {
      assertThat(JourneysCli.yarnClusterDriver()).isTrue();
      JourneysCli.exit(0);
      assertThatThrownBy(() -> JourneysCli.exit(2)).isInstanceOf(JourneysCli.CommandFailed.class)
          .hasMessage("conversion-journeys failed with exit code 2 (its line is above)");
      System.setProperty("spark.submit.deployMode", "client");
      assertThat(JourneysCli.yarnClusterDriver()).isFalse();
    } finally {
      System.clearProperty("spark.yarn.app.id");
      System.clearProperty("spark.submit.deployMode");
    }
  }

  /** An s3a:// --config was read as a local path with its "//" collapsed (a review). */
  @Test
  void configIsALocalFileOrAFileUriAndAnObjectStoreUriIsAUsageError(@TempDir Path dir) throws Exception {
    Result remote = run("check-config", "--config", "s3a://bucket/prod.conf");
    assertThat(remote.code()).isEqualTo(2);
    assertThat(remote.err().lines().toList()).singleElement().asString()
        .contains("'s3a://bucket/prod.conf' is not a local file: --config reads the local filesystem;");
    Path conf = java.nio.file.Files.writeString(dir.resolve("my conf.conf"), "sessions.timeout = 12m\n");
    Result local = run("check-config", "--config", conf.toUri().toString());
    assertThat(local.code()).as(local.err()).isZero();
    assertThat(local.out()).contains("timeout=\"12m\"");
    // A colon in a file's name is no scheme.
    Result named = run("check-config", "--config", "prod:v2.conf");
    assertThat(named.code()).isEqualTo(1);
    assertThat(named.err()).startsWith("journeys: Cannot load config: ").contains("prod:v2.conf");
  }

  /**
   * Databricks' JAR task, as YARN's driver: neither System.exit nor stopping the shared session nor
   * silencing its logging after a failure; told by the runtime's variable and a SparkContext that
   * was running before main.
   */
  @Test
  void aDatabricksJarTaskIsToldByItsRuntimesVariable() {
    java.util.Map<String, String> databricks = java.util.Map.of("DATABRICKS_RUNTIME_VERSION", "17.3");
    assertThat(JourneysCli.databricksDriver(databricks, () -> true)).isTrue();
    // A notebook's shell or a web terminal has the variable but starts a JVM of its own (a review).
    assertThat(JourneysCli.databricksDriver(databricks, () -> false)).isFalse();
    // Elsewhere Spark is not even asked: under `java -jar` it is missing, and the question threw
    // past main's one line (a review).
    assertThat(JourneysCli.databricksDriver(java.util.Map.of("SPARK_HOME", "/opt/spark"), () -> {
      throw new NoClassDefFoundError("org/apache/spark/SparkEnv");
    })).isFalse();
  }

  @Test
  void misspeltKeyExitsNonZeroWithOneLineNamingIt() {
    Result r = run("check-config", "--set", "sessions.timeot=10m");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("journeys: Cannot load config: unknown key 'sessions.timeot'");
  }

  @Test
  void aQueryWithASyntaxErrorFailsWithSparksReasonOnOneLine(@TempDir Path dir) {
    // Spark's parse message begins with an empty line; the reason is on the next.
    Result r = run("sql", "SELEC 1", "--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=cli_syntax");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("journeys: Cannot run query: [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'");
  }

  /** An Error passes picocli's handler to main's: --verbose gave no trace for it (a review). */
  @Test
  void anErrorOutsideTheCommandsHandlerGivesItsTraceWithVerboseOnly() {
    Error e = new ExceptionInInitializerError(new IllegalStateException("jdbc:postgresql://u:Secret7@h/db unreachable"));
    java.io.ByteArrayOutputStream verbose = new java.io.ByteArrayOutputStream();
    JourneysCli.sayUnhandled(e, new String[] {"run", "--date", "2026-01-01", "--verbose"},
        new java.io.PrintStream(verbose, true, java.nio.charset.StandardCharsets.UTF_8));
    List<String> lines = verbose.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).isEqualTo("journeys: " + JourneysCli.unhandledLine(e));
    assertThat(lines.get(1)).isEqualTo("java.lang.ExceptionInInitializerError");
    assertThat(lines).anyMatch(l -> l.startsWith("\tat io.journeys.cli.JourneysCliTest."))
        .anyMatch(l -> l.startsWith("Caused by: java.lang.IllegalStateException: jdbc:postgresql://u:********@h/db"))
        .noneMatch(l -> l.contains("Secret7"));
    java.io.ByteArrayOutputStream quiet = new java.io.ByteArrayOutputStream();
    JourneysCli.sayUnhandled(e, new String[] {"run", "--date", "2026-01-01"},
        new java.io.PrintStream(quiet, true, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(quiet.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList())
        .containsExactly("journeys: " + JourneysCli.unhandledLine(e));
  }

  /** picocli took a query starting with "--" for a misspelt option (a review). */
  @Test
  void sqlRunsAQueryThatStartsWithACommentAndStillRefusesAMisspeltOption(@TempDir Path dir) {
    String store = "output.path=" + dir.resolve("warehouse");
    Result commented = run("sql", "-- daily conversions\nSELECT 1 AS x", "--format", "csv", "--set", store,
        "--set", "output.database=cli_comment");
    assertThat(commented.code()).as(commented.err()).isZero();
    assertThat(commented.out()).isEqualTo("x\n1\n");
    Result misspelt = run("sql", "--fromat=csv", "--set", store);
    assertThat(misspelt.code()).isEqualTo(2);
    assertThat(misspelt.err().strip()).isEqualTo("journeys: Unknown option: '--fromat=csv' (try 'journeys sql --help')");
    // Before the query, it took the query's place, and the line named the words after it (a review).
    Result misspeltBeforeTheQuery = run("sql", "--fromat", "csv", "SELECT 1", "--set", store);
    assertThat(misspeltBeforeTheQuery.code()).isEqualTo(2);
    assertThat(misspeltBeforeTheQuery.err().strip()).isEqualTo("journeys: Unknown option: '--fromat' (try 'journeys sql --help')");
  }

  /** A negative --limit is a usage error; the largest int shows every row (both failed as the query's fault, a review). */
  @Test
  void sqlLimitIsAUsageErrorBelowZeroAndShowsAllAtTheLargestInt(@TempDir Path dir) {
    Result negative = run("sql", "SELECT 1", "--limit", "-1",
        "--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=cli_limit");
    assertThat(negative.code()).isEqualTo(2);
    assertThat(negative.err().strip()).isEqualTo("journeys: --limit must be 0 or more, got -1 (try 'journeys sql --help')");
    Result all = run("sql", "SELECT id FROM range(3)", "--limit", "2147483647",
        "--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=cli_limit");
    assertThat(all.code()).isEqualTo(0);
    assertThat(all.out()).contains("(3 rows)");
  }

  /** Numbers generate cannot take are usage errors, as sql's negative --limit is (they exited 1: a black-box test). */
  @Test
  void generateRefusesCountsBelowOneAsAUsageError(@TempDir Path dir) {
    String out = dir.resolve("events").toString();
    Result visitors = run("generate", "--out", out, "--visitors", "-5");
    assertThat(visitors.code()).isEqualTo(2);
    assertThat(visitors.err().strip())
        .isEqualTo("journeys: --visitors and --days must be at least 1, got -5 and 14 (try 'journeys generate --help')");
    Result days = run("generate", "--out", out, "--days", "0");
    assertThat(days.code()).isEqualTo(2);
    assertThat(days.err().strip()).startsWith("journeys: --visitors and --days must be at least 1, got 10000 and 0");
    Result bot = run("generate", "--out", out, "--bot-events", "-1");
    assertThat(bot.code()).isEqualTo(2);
    assertThat(bot.err().strip()).startsWith("journeys: --bot-events must be 0 or more, got -1");
    assertThat(dir.resolve("events")).doesNotExist();
  }

  /** --limit 0 printed "(0 rows, more not shown: raise --limit)", as if the query had found none (a black-box test). */
  @Test
  void sqlLimitZeroSaysTheRowsAreNotShownOnlyWhenThereAreRows(@TempDir Path dir) {
    String store = "output.path=" + dir.resolve("warehouse");
    Result some = run("sql", "SELECT id FROM range(3)", "--limit", "0", "--set", store, "--set", "output.database=cli_limit0");
    assertThat(some.code()).as(some.err()).isZero();
    assertThat(some.out()).isEqualTo("id\n--\n(rows not shown: --limit 0)\n");
    Result none = run("sql", "SELECT id FROM range(0)", "--limit", "0", "--set", store, "--set", "output.database=cli_limit0");
    assertThat(none.code()).as(none.err()).isZero();
    assertThat(none.out()).isEqualTo("id\n--\n(0 rows)\n");
  }

  /** A query that fails while its rows are computed reads like one that fails on a name (a black-box test). */
  @Test
  void aQueryFailingAtRunTimeSaysSoOnOneLine(@TempDir Path dir) {
    // The largest long plus 0 and 1: the second row overflows, and only when computed.
    Result r = run("sql", "SELECT 9223372036854775807 + id FROM range(2)", "--format", "csv",
        "--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=cli_overflow");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip().lines()).singleElement().asString()
        .startsWith("journeys: Cannot run query: [ARITHMETIC_OVERFLOW] long overflow.");
  }

  @Test
  void anOutputPathNoFileSystemServesIsNamedBySqlAndReport(@TempDir Path dir) {
    String store = "output.path=nosuch://bucket/wh";
    Result sql = run("sql", "SELECT 1", "--set", store, "--set", "output.database=cli_nosuch");
    assertThat(sql.code()).isEqualTo(1);
    assertThat(sql.err().strip()).isEqualTo(
        "journeys: Cannot open the tables under output.path nosuch://bucket/wh: No FileSystem for scheme \"nosuch\"");
    Result report = run("report", "--date", "2026-01-01", "--out", dir.resolve("r.html").toString(), "--set", store,
        "--set", "output.database=cli_nosuch");
    assertThat(report.code()).isEqualTo(1);
    assertThat(report.err().strip()).isEqualTo(
        "journeys: Cannot read the tables under output.path nosuch://bucket/wh: No FileSystem for scheme \"nosuch\"");
    assertThat(dir.resolve("r.html")).doesNotExist();
  }

  /**
   * The line goes to a scheduler's logs: a URL's password in it is masked as check-config masks
   * it, in the trace of --verbose too (a black-box test: spark.master's password in the line).
   */
  @Test
  void aPasswordInAUrlIsMaskedInTheLineAndTheTrace(@TempDir Path dir) {
    String store = "output.path=nosuch://analyst:Pw0rdInUrl@bucket/wh";
    Result r = run("sql", "SELECT 1", "--verbose", "--set", store, "--set", "output.database=cli_masked");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines().findFirst()).hasValue(
        "journeys: Cannot open the tables under output.path nosuch://analyst:********@bucket/wh: No FileSystem for scheme \"nosuch\"");
    assertThat(r.err()).as("the trace follows, masked").contains("at io.journeys.cli.SqlCommand")
        .contains("nosuch://analyst:********@bucket/wh").doesNotContain("Pw0rdInUrl");
  }

  @Test
  void verbosePrintsTheStackTrace() {
    Result r = run("check-config", "--verbose", "--set", "sessions.timeot=10m");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines().count()).isGreaterThan(3);
    assertThat(r.err()).contains("at io.journeys.config.SettingsLoader");
  }

  @Test
  void unknownOptionIsAUsageError() {
    Result r = run("check-config", "--no-such-option");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().toList()).singleElement().asString()
        .contains("Unknown option").endsWith("(try 'journeys check-config --help')");
  }

  @Test
  void aMalformedDateIsAUsageErrorOfOneLineThatSaysWhatIsWrong() {
    Result form = run("run", "--date", "2026/04/01");
    assertThat(form.code()).isEqualTo(2);
    assertThat(form.err().lines().toList()).singleElement().asString()
        .isEqualTo("journeys: Invalid value for option '--date': '2026/04/01' is not a date of the form YYYY-MM-DD"
            + " (try 'journeys run --help')");
    Result day = run("run", "--date", "2026-02-30");
    assertThat(day.code()).isEqualTo(2);
    assertThat(day.err().lines().toList()).singleElement().asString()
        .isEqualTo("journeys: Invalid value for option '--date': '2026-02-30' is not a day of the calendar"
            + " (try 'journeys run --help')");
  }

  @Test
  void aSetWithoutKeyAndValueIsAUsageError() {
    for (String set : new String[] {"novalue", "=10m"}) {
      Result r = run("check-config", "--set", set);
      assertThat(r.code()).as(set).isEqualTo(2);
      assertThat(r.err().lines().toList()).singleElement().asString()
          .isEqualTo("journeys: Invalid value for option '--set' (KEY=VALUE): '" + set + "' is not of the form KEY=VALUE"
              + " (try 'journeys check-config --help')");
    }
  }

  @Test
  void aRangeThatEndsBeforeItStartsIsAUsageErrorOfRunAndOfReport(@TempDir Path dir) {
    Result r = run("run", "--date", "2026-04-03", "--to", "2026-04-01");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().toList()).singleElement().asString()
        .isEqualTo("journeys: --to 2026-04-01 is before --date 2026-04-03 (try 'journeys run --help')");
    // report used to go on, reading the tables for no date at all.
    Path out = dir.resolve("report.html");
    Result report = run("report", "--date", "2026-04-03", "--to", "2026-04-01", "--out", out.toString());
    assertThat(report.code()).isEqualTo(2);
    assertThat(report.err().lines().toList()).singleElement().asString()
        .isEqualTo("journeys: --to 2026-04-01 is before --date 2026-04-03 (try 'journeys report --help')");
    assertThat(out).doesNotExist();
  }

  @Test
  void missingCommandIsAUsageError() {
    Result r = run();
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().toList()).containsExactly(
        "journeys: Missing command: run, generate, sql, report or check-config (try 'journeys --help')");
  }

  @Test
  void anUnknownCommandIsAUsageErrorWhoseHintNamesTheProgramOnce() {
    Result r = run("frobnicate");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().toList()).singleElement().asString()
        .startsWith("journeys: ").endsWith("(try 'journeys --help')");
  }

  @Test
  void helpOnEachCommand() {
    for (String command : new String[] {"check-config", "sql"}) {
      Result r = run(command, "--help");
      assertThat(r.code()).as(command).isZero();
      assertThat(r.out()).as(command).contains("Usage: journeys " + command);
    }
  }

  @Test
  void versionIsThePomsSoALogNamesTheBuildThatRan() {
    // Surefire passes the pom's version as a property of its own; the jar's resource is filtered.
    String pomVersion = System.getProperty("journeys.pom.version");
    assertThat(pomVersion).isNotBlank().doesNotStartWith("${");
    Result r = run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out().strip()).isEqualTo("conversion-journeys " + pomVersion);
  }
}
