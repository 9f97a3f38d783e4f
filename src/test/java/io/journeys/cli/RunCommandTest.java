package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {

  @Test
  void unreadableInputExitsOneWithOneLineNamingThePath(@TempDir Path dir) {
    JourneysCliTest.Result r = JourneysCliTest.run("run", "--date", "2026-01-01",
        "--set", "input.path=" + dir.resolve("missing"), "--set", "output.path=" + dir.resolve("out"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("journeys: Cannot read events: input.path").contains("missing").contains("does not exist");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void badDateIsAUsageError() {
    JourneysCliTest.Result r = JourneysCliTest.run("run", "--date", "2026-13-01");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--date");
  }

  @Test
  void generateReplacesItsOwnOutputWhichSqlThenReads(@TempDir Path dir) throws Exception {
    Path events = dir.resolve("events");
    // A directory holding only a hidden file (a desktop's .DS_Store) counts as empty, and the file
    // is not the generator's to delete (it went with the directory, until 2026-12-08).
    Path hidden = Files.writeString(Files.createDirectories(events).resolve(".DS_Store"), "x");
    JourneysCliTest.Result g = JourneysCliTest.run("generate", "--out", events.toString(),
        "--visitors", "50", "--days", "2", "--set", "spark.master=local[2]");
    assertThat(g.code()).as(g.err()).isZero();
    assertThat(g.out()).contains("generated").contains("50 visitors").contains("(2026-01-01 .. 2026-01-02)");
    assertThat(events.resolve("event_date=2026-01-02")).isDirectory();
    assertThat(events.resolve("_journeys_generated")).exists();
    // The marker comes before the events, so a run stopped half-way leaves it with some of the days,
    // and the next run replaces them (a review: it came last, and such a directory was refused).
    java.nio.file.attribute.FileTime marked = Files.getLastModifiedTime(events.resolve("_journeys_generated"));
    try (var files = Files.walk(events)) {
      assertThat(files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()).isNotEmpty()
          .allSatisfy(f -> assertThat(Files.getLastModifiedTime(f)).isGreaterThanOrEqualTo(marked));
    }
    // A second run replaces the first's days rather than adding to them (a review: nothing looked).
    JourneysCliTest.Result again = JourneysCliTest.run("generate", "--out", events.toString(),
        "--visitors", "20", "--days", "1", "--set", "spark.master=local[2]");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("20 visitors");
    assertThat(events.resolve("event_date=2026-01-01")).isDirectory();
    assertThat(events.resolve("event_date=2026-01-02")).doesNotExist();
    assertThat(hidden).hasContent("x");
    JourneysCliTest.Result q = JourneysCliTest.run("sql",
        "SELECT count(DISTINCT event_date) AS days, min(event_date) AS first FROM parquet.`" + events + "`", "--format", "csv",
        "--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=cli_test");
    assertThat(q.code()).as(q.err()).isZero();
    assertThat(q.out()).isEqualTo("days,first\n1,2026-01-01\n");
  }

  @Test
  void generateRefusesAFileOrADirectoryOfOtherDataAndLeavesThemAsTheyWere(@TempDir Path dir) throws Exception {
    // Spark's overwrite deleted both without a word (a black-box test).
    Path file = Files.writeString(dir.resolve("notes.txt"), "hello");
    JourneysCliTest.Result onFile = JourneysCliTest.run("generate", "--out", file.toString(), "--visitors", "5", "--days", "1");
    assertThat(onFile.code()).isEqualTo(1);
    assertThat(onFile.err().lines().toList()).containsExactly(
        "journeys: Cannot generate: --out " + file + " is a file; generate writes a directory of event_date= partitions");
    assertThat(Files.readString(file)).isEqualTo("hello");
    Path data = Files.createDirectories(dir.resolve("data").resolve("warehouse")).getParent();
    JourneysCliTest.Result onData = JourneysCliTest.run("generate", "--out", data.toString(), "--visitors", "5", "--days", "1");
    assertThat(onData.code()).isEqualTo(1);
    assertThat(onData.err().lines().toList()).containsExactly("journeys: Cannot generate: --out " + data
        + " holds data generate did not write (warehouse), which it would delete: give it a new or empty directory,"
        + " or one generate wrote (marked by its _journeys_generated file)");
    assertThat(data.resolve("warehouse")).isDirectory();
  }

  /**
   * Real events in the input's layout, and a Delta table partitioned by event_date, hold only names
   * a generator's output holds too (event_date=, _SUCCESS, _delta_log): both were replaced (a review).
   */
  @Test
  void generateRefusesRealEventsAndADeltaTableThatLookLikeItsOutput(@TempDir Path dir) throws Exception {
    Path events = Files.createDirectories(dir.resolve("events").resolve("event_date=2026-03-10"));
    Files.writeString(events.resolve("part-00000.parquet"), "real events");
    Files.writeString(events.getParent().resolve("_SUCCESS"), "");
    Path table = Files.createDirectories(dir.resolve("conversions").resolve("_delta_log"));
    Files.writeString(table.resolve("00000000000000000000.json"), "{}");
    Files.createDirectories(table.resolveSibling("event_date=2026-03-10"));
    for (Path out : new Path[] {events.getParent(), table.getParent()}) {
      JourneysCliTest.Result r = JourneysCliTest.run("generate", "--out", out.toString(), "--visitors", "5", "--days", "1");
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.err().lines().toList()).singleElement().asString()
          .startsWith("journeys: Cannot generate: --out " + out + " holds data generate did not write (");
    }
    assertThat(Files.readString(events.resolve("part-00000.parquet"))).isEqualTo("real events");
    assertThat(events.getParent().resolve("_SUCCESS")).exists();
    assertThat(table.resolve("00000000000000000000.json")).exists();
  }

  @Test
  void sqlPrintsNestedValuesAsJsonAndTimesAsSparkSqlWritesThem(@TempDir Path dir) {
    // Two columns named n: taken by position. Before, a map printed as Scala's Map(a -> 1) and a
    // timestamp as 2026-01-05 10:00:00.0; a struct's NULL field was left out of the table and the
    // CSV, and JSON cut the instant to milliseconds (GA4's times are in microseconds).
    String query = "SELECT map('a', 1) AS m, array('x', 'y') AS a, named_struct('k', 1, 'v', 'w', 'z', CAST(NULL AS INT)) AS s,"
        + " TIMESTAMP'2026-01-05 10:00:00.123456' AS t, CAST(NULL AS STRING) AS n, 2 AS n";
    String[] where = {"--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=cli_text"};
    JourneysCliTest.Result csv = JourneysCliTest.run(concat(new String[] {"sql", query, "--format", "csv"}, where));
    assertThat(csv.code()).as(csv.err()).isZero();
    assertThat(csv.out()).isEqualTo("m,a,s,t,n,n\n"
        + "\"{\"\"a\"\":1}\",\"[\"\"x\"\",\"\"y\"\"]\",\"{\"\"k\"\":1,\"\"v\"\":\"\"w\"\",\"\"z\"\":null}\",2026-01-05 10:00:00.123456,,2\n");
    JourneysCliTest.Result table = JourneysCliTest.run(concat(new String[] {"sql", query}, where));
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).isEqualTo("m       | a         | s                        | t                          | n    | n\n"
        + "--------+-----------+--------------------------+----------------------------+------+--\n"
        + "{\"a\":1} | [\"x\",\"y\"] | {\"k\":1,\"v\":\"w\",\"z\":null} | 2026-01-05 10:00:00.123456 | NULL | 2\n"
        + "(1 row)\n");
    // JSON lines keep every column, the NULL one as null, and the instant in JSON's ISO form.
    JourneysCliTest.Result json = JourneysCliTest.run(concat(new String[] {"sql", query, "--format", "json"}, where));
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out()).isEqualTo("{\"m\":{\"a\":1},\"a\":[\"x\",\"y\"],\"s\":{\"k\":1,\"v\":\"w\",\"z\":null},"
        + "\"t\":\"2026-01-05T10:00:00.123456Z\",\"n\":null,\"n\":2}\n");
    // A local date-time, alone and in an array, kept its microseconds' first three only (a black-box test).
    JourneysCliTest.Result local = JourneysCliTest.run(concat(new String[] {"sql",
        "SELECT TIMESTAMP_NTZ'2026-01-05 10:00:00.123456' AS a, array(TIMESTAMP_NTZ'2026-01-05 10:00:00.000001') AS b",
        "--format", "json"}, where));
    assertThat(local.code()).as(local.err()).isZero();
    assertThat(local.out()).isEqualTo("{\"a\":\"2026-01-05T10:00:00.123456\",\"b\":[\"2026-01-05T10:00:00.000001\"]}\n");
  }

  /**
   * An export to a full disk or a closed pipe: PrintStream and PrintWriter each swallow the
   * IOException, so the CSV came out cut off and the command exited 0 (a review). Here stdout takes
   * 100 bytes and then fails, as /dev/full does from the first.
   */
  @Test
  void anOutputThatCannotBeWrittenFailsTheCommandAndStopsTheExport(@TempDir Path dir) {
    String[] where = {"--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=cli_full"};
    Failing csvOut = new Failing(100);
    JourneysCliTest.Result csv = runWithOut(csvOut, concat(new String[] {"sql", "SELECT id FROM range(5000)", "--format", "csv"}, where));
    assertThat(csv.code()).isEqualTo(1);
    // The rows are checked every thousand: the export stopped there, not at row 5000.
    assertThat(csv.err().lines().toList()).containsExactly("journeys: " + JourneysCli.OUTPUT_LOST + " (after 1000 rows)");
    assertThat(csvOut.attempts).isLessThan(1100);
    JourneysCliTest.Result json = runWithOut(new Failing(100), concat(new String[] {"sql", "SELECT id FROM range(5000)", "--format", "json"}, where));
    assertThat(json.code()).isEqualTo(1);
    assertThat(json.err().lines().toList()).containsExactly("journeys: " + JourneysCli.OUTPUT_LOST + " (after 1000 rows)");
    // A short output fails when the command ends.
    // The process's own writer, over a PrintStream, which keeps the error to itself: the export
    // stops there too.
    Failing streamOut = new Failing(100);
    JourneysCliTest.Result overStream = runWithOut(JourneysCli.stdoutWriter(new java.io.PrintStream(streamOut), false),
        concat(new String[] {"sql", "SELECT id FROM range(5000)", "--format", "csv"}, where));
    assertThat(overStream.code()).isEqualTo(1);
    assertThat(overStream.err().lines().toList()).containsExactly("journeys: " + JourneysCli.OUTPUT_LOST + " (after 1000 rows)");
    assertThat(streamOut.attempts).isLessThan(1100);
    JourneysCliTest.Result config = runWithOut(new Failing(0), "check-config");
    assertThat(config.code()).isEqualTo(1);
    assertThat(config.err().lines().toList()).containsExactly("journeys: " + JourneysCli.OUTPUT_LOST);
    JourneysCliTest.Result table = runWithOut(new Failing(0), concat(new String[] {"sql", "SELECT 1 AS x"}, where));
    assertThat(table.code()).isEqualTo(1);
    assertThat(table.err().lines().toList()).containsExactly("journeys: " + JourneysCli.OUTPUT_LOST);
  }

  /** CSV and JSON to a file or a pipe are UTF-8, whatever the locale (LANG=C printed "?t?" on Java 19+). */
  @Test
  void theProcesssOutputIsUtf8WhenItIsNoTerminal(@TempDir Path dir) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    JourneysCliTest.Result r = runWithOut(JourneysCli.stdoutWriter(new java.io.PrintStream(bytes), false), "sql",
        "SELECT 'Été ✓' AS c", "--format", "csv", "--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=cli_utf8");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(bytes.toByteArray()).isEqualTo("c\nÉté ✓\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Takes {@code capacity} bytes, then fails every write; counts the writes tried. */
  private static final class Failing extends java.io.OutputStream {
    private long left;
    int attempts;

    Failing(long capacity) {
      this.left = capacity;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      attempts++;
      if (len > left) {
        left = 0;
        throw new java.io.IOException("No space left on device");
      }
      left -= len;
    }
  }

  private static JourneysCliTest.Result runWithOut(java.io.OutputStream stdout, String... args) {
    return runWithOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(stdout, java.nio.charset.StandardCharsets.UTF_8), true), args);
  }

  private static JourneysCliTest.Result runWithOut(java.io.PrintWriter stdout, String... args) {
    io.journeys.TestSpark.session();
    picocli.CommandLine cli = JourneysCli.commandLine();
    java.io.StringWriter err = new java.io.StringWriter();
    cli.setOut(stdout);
    cli.setErr(new java.io.PrintWriter(err));
    int code = JourneysCli.execute(cli, args);
    return new JourneysCliTest.Result(code, "", err.toString());
  }

  /** CSV printed an empty string and a NULL alike, as nothing (a black-box test). */
  @Test
  void sqlCsvTellsAnEmptyStringFromNull(@TempDir Path dir) {
    JourneysCliTest.Result csv = JourneysCliTest.run("sql", "SELECT '' AS e, CAST(NULL AS STRING) AS n, 'x' AS x",
        "--format", "csv", "--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=cli_empty");
    assertThat(csv.code()).as(csv.err()).isZero();
    assertThat(csv.out()).isEqualTo("e,n,x\n\"\",,x\n");
  }

  @Test
  void sqlPrintsBinaryAsBase64InEveryFormat(@TempDir Path dir) {
    // Bytes 00 FF 41: 000000 001111 111101 000001 in sixes, base64 A P 9 B. Before, the table and
    // the CSV printed the bytes as UTF-8: a NUL, a replacement character and A.
    String[] where = {"--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=cli_binary"};
    String query = "SELECT X'00FF41' AS b, named_struct('b', X'00FF41') AS s";
    JourneysCliTest.Result table = JourneysCliTest.run(concat(new String[] {"sql", query}, where));
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).isEqualTo("b    | s\n"
        + "-----+-------------\n"
        + "AP9B | {\"b\":\"AP9B\"}\n"
        + "(1 row)\n");
    JourneysCliTest.Result csv = JourneysCliTest.run(concat(new String[] {"sql", query, "--format", "csv"}, where));
    assertThat(csv.code()).as(csv.err()).isZero();
    assertThat(csv.out()).isEqualTo("b,s\nAP9B,\"{\"\"b\"\":\"\"AP9B\"\"}\"\n");
    JourneysCliTest.Result json = JourneysCliTest.run(concat(new String[] {"sql", query, "--format", "json"}, where));
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out()).isEqualTo("{\"b\":\"AP9B\",\"s\":{\"b\":\"AP9B\"}}\n");
  }

  @Test
  void sqlOnAnOutputPathWithoutTablesFailsRatherThanReadingTheCatalogsEarlierOne(@TempDir Path dir) {
    // The catalog (one metastore for every output.path) still named the first warehouse's table,
    // and the query answered from it with exit 0 (a black-box test).
    org.apache.spark.sql.SparkSession spark = io.journeys.TestSpark.session();
    new io.journeys.io.DeltaTableWriter(spark, new io.journeys.io.TableLocations(dir.resolve("one").toString(), "cli_stale"))
        .replaceDates(io.journeys.io.OutputTable.QUARANTINE,
            spark.sql("SELECT DATE'2026-01-01' AS event_date, 'r' AS reason, 'run' AS run_id, '{}' AS raw"),
            java.time.LocalDate.parse("2026-01-01"), java.time.LocalDate.parse("2026-01-01"));
    String[] query = {"sql", "SELECT count(*) AS n FROM quarantine", "--format", "csv", "--set", "output.database=cli_stale"};
    JourneysCliTest.Result there = JourneysCliTest.run(concat(query, new String[] {"--set", "output.path=" + dir.resolve("one")}));
    assertThat(there.code()).as(there.err()).isZero();
    assertThat(there.out()).isEqualTo("n\n1\n");

    JourneysCliTest.Result elsewhere = JourneysCliTest.run(concat(query, new String[] {"--set", "output.path=" + dir.resolve("two")}));
    assertThat(elsewhere.code()).isEqualTo(1);
    assertThat(elsewhere.out()).isEmpty();
    assertThat(elsewhere.err().lines().toList()).singleElement().asString()
        .startsWith("journeys: Cannot run query: [TABLE_OR_VIEW_NOT_FOUND] The table or view `quarantine` cannot be found.")
        .endsWith("(output.path " + dir.resolve("two") + " holds no tables: check output.path, or run the job first)");
    assertThat(spark.read().format("delta").load(dir.resolve("one/quarantine").toString()).count()).isEqualTo(1);
  }

  @Test
  void aTableRowStaysOnOneLineWhateverItsValuesHold(@TempDir Path dir) {
    // a, line feed, b, tab, c, backslash, n, carriage return, d: shown as a\nb\tc\\n\rd (13 characters).
    JourneysCliTest.Result table = JourneysCliTest.run("sql",
        "SELECT concat('a', chr(10), 'b', chr(9), 'c', chr(92), 'n', chr(13), 'd') AS s, 1 AS k",
        "--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=cli_lines");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).isEqualTo("s             | k\n"
        + "--------------+--\n"
        + "a\\nb\\tc\\\\n\\rd | 1\n"
        + "(1 row)\n");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
