package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
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
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void checkConfigPrintsEffectiveConfigAndExitsZero() {
    Result r = run("check-config", "--set", "sessions.timeout=10m");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("timeout=\"10m\"").contains("# config OK");
    assertThat(r.err()).isEmpty();
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
  void aMalformedDateIsAUsageErrorOfOneLineThatSaysTheForm() {
    for (String bad : new String[] {"2026/04/01", "2026-02-30"}) {
      Result r = run("run", "--date", bad);
      assertThat(r.code()).as(bad).isEqualTo(2);
      assertThat(r.err().lines().toList()).as(bad).singleElement().asString()
          .isEqualTo("journeys: Invalid value for option '--date': '" + bad
              + "' is not a date of the form YYYY-MM-DD (try 'journeys run --help')");
    }
  }

  @Test
  void aRangeThatEndsBeforeItStartsIsAUsageError() {
    Result r = run("run", "--date", "2026-04-03", "--to", "2026-04-01");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().toList()).singleElement().asString()
        .isEqualTo("journeys: --to 2026-04-01 is before --date 2026-04-03 (try 'journeys run --help')");
  }

  @Test
  void missingCommandIsAUsageError() {
    Result r = run();
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().toList()).containsExactly(
        "journeys: Missing command: run, generate, sql or check-config (try 'journeys --help')");
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
}
