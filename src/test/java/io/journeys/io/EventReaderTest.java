package io.journeys.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.journeys.EventFixtures;
import io.journeys.TestSpark;
import io.journeys.Warnings;
import io.journeys.cli.JobFailure;
import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which input partitions a read lists: one event on each of 2026-03-10, 11 and 12, an empty
 * directory for 2026-03-13 (a quiet day the tracker created) and a writer's leftover directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventReaderTest {
  private final SparkSession spark = TestSpark.session();
  private Path events;
  private EventReader reader;

  @BeforeAll
  void writeEvents(@TempDir Path dir) throws Exception {
    events = dir.resolve("events");
    new EventFixtures()
        .event("a", "v1", "2026-03-10 10:00:00", "page_view")
        .event("b", "v1", "2026-03-11 10:00:00", "page_view")
        .event("c", "v2", "2026-03-12 23:59:59", "page_view")
        .toDataset(spark)
        .drop(EventReader.EVENT_TIME_RAW)
        .write().partitionBy("event_date").parquet(events.toString());
    Files.createDirectories(events.resolve("event_date=2026-03-13"));
    Files.createDirectories(events.resolve("_temporary"));
    JobSettings settings = SettingsLoader.load(Optional.empty(), List.of("input.path=" + events));
    reader = new EventReader(spark, settings);
  }

  private List<String> ids(Dataset<Row> rows) {
    return rows.select("event_id").as(Encoders.STRING()).collectAsList();
  }

  @Test
  void aDayListsItsOwnDirectoryNotTheHistory() {
    Dataset<Row> day = reader.read(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11"));
    assertThat(ids(day)).containsExactly("b");
    String plan = day.queryExecution().executedPlan().toString();
    assertThat(plan)
        .as("the scan's file index is rooted at the day's directory")
        .containsPattern("InMemoryFileIndex\\(1 paths\\)\\[\\S*/events/event_date=2026-03-11\\]");
  }

  @Test
  void aRangeReadsEachOfItsDaysAndSkipsAnEmptyOne() {
    Dataset<Row> range = reader.read(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-13"));
    assertThat(ids(range)).containsExactlyInAnyOrder("b", "c");
    assertThat(range.select("event_date").distinct().as(Encoders.DATE()).collectAsList())
        .containsExactlyInAnyOrder(java.sql.Date.valueOf("2026-03-11"), java.sql.Date.valueOf("2026-03-12"));
  }

  /** The properties each row maps to, null where there are none. */
  private List<Map<String, String>> properties(Dataset<Row> raw, String... settings) {
    List<String> set = new java.util.ArrayList<>(List.of("input.path=" + events));
    set.addAll(List.of(settings));
    return new EventReader(spark, SettingsLoader.load(Optional.empty(), set)).mapColumns(raw)
        .select("properties").collectAsList().stream()
        .map(r -> r.isNullAt(0) ? null : r.<String, String>getJavaMap(0)).toList();
  }

  @Test
  void propertiesAsAStructOrAsJsonTextBecomeTheMapAndAStructCannotBeRevenue() {
    Dataset<Row> raw = spark.sql("SELECT * FROM VALUES"
        + " ('a', named_struct('plan', 'pro', 'qty', 2, 'cart', named_struct('n', 1)), '{\"plan\": \"pro\", \"tags\": [1, 2]}'),"
        + " ('b', named_struct('plan', 'free', 'qty', 0, 'cart', CAST(NULL AS STRUCT<n: INT>)), 'plan=pro')"
        + " AS t(event_id, properties, props_text)")
        .selectExpr("*", "'v' AS visitor_id", "TIMESTAMP'2026-03-10 10:00:00' AS event_time", "'page_view' AS event_name",
            "DATE'2026-03-10' AS event_date");
    java.util.HashMap<String, String> free = new java.util.HashMap<>(Map.of("plan", "free", "qty", "0"));
    // A field that is null in the struct is left out of its JSON, so of the map.
    assertThat(properties(raw)).containsExactly(Map.of("plan", "pro", "qty", "2", "cart", "{\"n\":1}"), free);
    // A nested value keeps its JSON text; text that is not a JSON object gives no properties.
    assertThat(properties(raw, "input.columns.properties=props_text"))
        .containsExactly(Map.of("plan", "pro", "tags", "[1,2]"), null);
    assertThatThrownBy(() -> properties(raw, "input.columns.revenue=properties"))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("input.columns.revenue = 'properties' is STRUCT<")
        .hasMessageContaining("which cannot become DOUBLE");
  }

  @Test
  void anEventTimeThatIsAStructAnArrayOrABooleanIsRefusedNamingTheKey() {
    // Each would make every row unparseable: quarantined, and the run's dates rewritten empty.
    Dataset<Row> raw = spark.sql("SELECT 'a' AS event_id, 'v' AS visitor_id, 'page_view' AS event_name,"
        + " named_struct('ts', TIMESTAMP'2026-03-10 10:00:00') AS s, array(TIMESTAMP'2026-03-10 10:00:00') AS arr,"
        + " true AS flag, CAST(1773136800 AS DECIMAL(12, 0)) AS dec, DATE'2026-03-10' AS event_date");
    for (String mapping : List.of("s", "arr", "flag")) {
      assertThatThrownBy(() -> new EventReader(spark, SettingsLoader.load(Optional.empty(),
              List.of("input.path=" + events, "input.columns.event_time=" + mapping))).mapColumns(raw))
          .isInstanceOf(JobFailure.class)
          .hasMessageStartingWith("Cannot read events: input.columns.event_time = '" + mapping + "' is ")
          .hasMessageContaining("which cannot be an event time");
    }
    // A field of the struct is a timestamp, and a whole decimal is epoch seconds (1773136800 is
    // 2026-03-10 10:00:00 UTC: 20522 days of 86400 s, plus 36000 s).
    for (String mapping : List.of("s.ts", "dec")) {
      Dataset<Row> mapped = new EventReader(spark, SettingsLoader.load(Optional.empty(),
          List.of("input.path=" + events, "input.columns.event_time=" + mapping))).mapColumns(raw);
      assertThat(mapped.selectExpr("CAST(event_time AS STRING)").as(Encoders.STRING()).first())
          .as(mapping).isEqualTo("2026-03-10 10:00:00");
    }
  }

  @Test
  void aWholeDecimalBeyondALongIsAnUnparseableTimeNotAFailedRun() {
    // 10^20 - 1 fits DECIMAL(20, 0) but no long (at most about 9.2 * 10^18): a bad value of one
    // row, which validation quarantines as unparseable (a null time with its text), where the cast
    // to a long used to raise and stop the run.
    Dataset<Row> raw = spark.sql("SELECT 'a' AS event_id, 'v' AS visitor_id, 'page_view' AS event_name,"
        + " CAST('99999999999999999999' AS DECIMAL(20, 0)) AS dec, DATE'2026-03-10' AS event_date");
    Row mapped = new EventReader(spark, SettingsLoader.load(Optional.empty(),
            List.of("input.path=" + events, "input.columns.event_time=dec"))).mapColumns(raw)
        .select("event_time", EventReader.EVENT_TIME_RAW).first();
    assertThat(mapped.isNullAt(0)).isTrue();
    assertThat(mapped.getString(1)).isEqualTo("99999999999999999999");
  }

  @Test
  void aFractionalTimeIsToldApartByMagnitudeAndOneBeyondAnyInstantIsABadRowNotAFailedRun() {
    // 1773136800 s is 2026-03-10T10:00:00Z (1767225600 for 2026-01-01 plus 68 days and 10 hours),
    // here as seconds, millis, micros and nanos with a fraction: pandas writes an int column with a
    // null as float64, and its millis were read as seconds (year 58,000), every row a future time.
    // Beyond any instant, NaN and infinity: no time (unparseable); saturated at a long's ends
    // before, a date in a zone then overflowed and stopped the run (a review). 2^63 nanos / 1000
    // is 2^63 micros, which try_cast takes for Long.MAX_VALUE.
    Dataset<Row> raw = spark.sql("SELECT 'a' AS event_id, 'v' AS visitor_id, 'page_view' AS event_name,"
        + " d, DATE'2026-03-10' AS event_date FROM VALUES (1773136800.5D), (1773136800500.0D), (1773136800500000.0D),"
        + " (1773136800000000000.0D), (1e30D), (-1e30D), (CAST('NaN' AS DOUBLE)), (CAST('Infinity' AS DOUBLE)),"
        + " (9.2233720368547758e21D), (-9.2233720368547758e21D) AS t(d)");
    List<Row> mapped = timeFrom(raw, "d").selectExpr("CAST(event_time AS STRING)",
            "CAST(to_date(from_utc_timestamp(event_time, 'Europe/Berlin')) AS STRING)").collectAsList();
    assertThat(mapped.stream().map(r -> r.getString(0)).toList()).containsExactly("2026-03-10 10:00:00.5",
        "2026-03-10 10:00:00.5", "2026-03-10 10:00:00.5", "2026-03-10 10:00:00", null, null, null, null, null, null);
    assertThat(mapped.get(0).getString(1)).isEqualTo("2026-03-10");
  }

  @Test
  void theLeastLongAsATimeIsOneRowsBadTimeAndAFractionInTextIsEpochToo() {
    // abs() of the least long raises under ANSI: pandas' NaT as an int64 stopped the run (a review).
    // Epoch text with a fraction was parsed as a date-time text and every row was unparseable.
    Dataset<Row> raw = spark.sql("SELECT 'a' AS event_id, 'v' AS visitor_id, 'page_view' AS event_name,"
        + " n, s, DATE'2026-03-10' AS event_date FROM VALUES (-9223372036854775808L, '1773136800.25'),"
        + " (1773136800L, ' 1773136800500.5 ') AS t(n, s)");
    List<Row> byLong = timeFrom(raw, "n").selectExpr("unix_micros(event_time)").collectAsList();
    // Nanos by magnitude: −9223372036854775808 / 1000, truncated, a time validation finds too old.
    assertThat(byLong.get(0).getLong(0)).isEqualTo(-9_223_372_036_854_775L);
    assertThat(byLong.get(1).getLong(0)).isEqualTo(1_773_136_800_000_000L);
    List<Row> byText = timeFrom(raw, "s").selectExpr("CAST(event_time AS STRING)").collectAsList();
    assertThat(byText.stream().map(r -> r.getString(0)).toList())
        .containsExactly("2026-03-10 10:00:00.25", "2026-03-10 10:00:00.5005");
  }

  /** {@code raw} mapped with event_time read from its column {@code column}. */
  private Dataset<Row> timeFrom(Dataset<Row> raw, String column) {
    return new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + events, "input.columns.event_time=" + column))).mapColumns(raw);
  }

  @Test
  void aMappingOfOnesOwnThatNamesNoColumnWarnsAndTheDefaultDoesNot() {
    Dataset<Row> raw = spark.sql("SELECT 'a' AS event_id, 'v' AS visitor_id, 'page_view' AS event_name,"
        + " TIMESTAMP'2026-03-10 10:00:00' AS event_time, DATE'2026-03-10' AS event_date");
    List<String> warnings = Warnings.during(EventReader.class.getName()::equals, () -> {
      // The input has no user_id: under its own name it is simply absent; under another a typo.
      Dataset<Row> mapped = new EventReader(spark, SettingsLoader.load(Optional.empty(),
          List.of("input.path=" + events, "input.columns.user_id=usr_id"))).mapColumns(raw);
      assertThat(mapped.select("user_id").first().isNullAt(0)).isTrue();
      new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + events))).mapColumns(raw);
    });
    assertThat(warnings).containsExactly("WARN input.columns.user_id = 'usr_id' names no column of " + events
        + ": user_id is null on these events");
  }

  @Test
  void sessionsThatFollowTheTrackerStopTheRunWhereItsSessionIdIsNotInTheInput(@TempDir Path dir) {
    Dataset<Row> raw = spark.sql("SELECT 'a' AS event_id, 'v' AS visitor_id, 'page_view' AS event_name,"
        + " TIMESTAMP'2026-03-10 10:00:00' AS event_time, 's1' AS sid, DATE'2026-03-10' AS event_date");
    // Under the inactivity rule the session id is optional: absent, it is null without a word.
    assertThat(new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + events)))
        .mapColumns(raw).select("session_id").first().isNullAt(0)).isTrue();
    // Following the tracker, it was a warning at most (none under the default name): every session
    // then came from the inactivity rule.
    for (String mapping : List.of("session_id", "sess_id")) {
      assertThatThrownBy(() -> new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + events,
              "sessions.source=input", "input.columns.session_id=" + mapping))).mapColumns(raw))
          .isInstanceOf(JobFailure.class)
          .hasMessage("Cannot read events: required column session_id (input.columns.session_id = " + mapping
              + ", which sessions.source = input follows) is missing from " + events);
    }
    assertThat(new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + events,
            "sessions.source=input", "input.columns.session_id=sid"))).mapColumns(raw)
        .select("session_id").as(Encoders.STRING()).collectAsList()).containsExactly("s1");
    // A day of Parquet files without it, beside a day with it, read at the ends of each day.
    raw.drop("event_date").write().parquet(dir.resolve("days/event_date=2026-03-10").toString());
    raw.drop("event_date", "sid").write().parquet(dir.resolve("days/event_date=2026-03-11").toString());
    assertThatThrownBy(() -> new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path="
            + dir.resolve("days"), "sessions.source=input", "input.columns.session_id=sid")))
        .read(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-11")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: required column session_id (input.columns.session_id = sid, which"
            + " sessions.source = input follows) is missing from every file of file:" + dir.resolve("days/event_date=2026-03-11"));
  }

  @Test
  void anOptionalStructFieldMissingFromTheDaysReadIsNullWithAWarningAndARequiredOneStopsTheRun() {
    // Segment's context.campaign (absent from days without campaigns), GA4's
    // collected_traffic_source before mid-2023: the run stopped on "does not resolve" (a review).
    Dataset<Row> raw = spark.sql("SELECT 'a' AS event_id, 'v' AS visitor_id, 'page_view' AS event_name,"
        + " TIMESTAMP'2026-03-10 10:00:00' AS event_time, named_struct('page', named_struct('url', 'https://x/p')) AS context,"
        + " DATE'2026-03-10' AS event_date");
    List<String> set = List.of("input.path=" + events, "input.columns.page_url=context.page.url",
        "input.columns.utm_source=context.campaign.source", "input.columns.utm_medium=context.page.medium");
    List<String> warnings = Warnings.during(EventReader.class.getName()::equals, () -> {
      Row mapped = new EventReader(spark, SettingsLoader.load(Optional.empty(), set)).mapColumns(raw)
          .select("page_url", "utm_source", "utm_medium").first();
      assertThat(mapped.getString(0)).isEqualTo("https://x/p");
      assertThat(mapped.isNullAt(1)).isTrue();
      assertThat(mapped.isNullAt(2)).isTrue();
    });
    assertThat(warnings).containsExactly(
        "WARN input.columns.utm_source = 'context.campaign.source' names no column of " + events
            + ": utm_source is null on these events",
        "WARN input.columns.utm_medium = 'context.page.medium' names no column of " + events
            + ": utm_medium is null on these events");
    // A path through a field that is no struct is Spark's to judge, and a required one must resolve.
    assertThatThrownBy(() -> new EventReader(spark, SettingsLoader.load(Optional.empty(),
            List.of("input.path=" + events, "input.columns.visitor_id=context.device.id"))).mapColumns(raw))
        .isInstanceOf(io.journeys.cli.JobFailure.class)
        .hasMessageStartingWith("Cannot read events: input.columns.visitor_id = 'context.device.id' does not resolve against ");
    assertThatThrownBy(() -> new EventReader(spark, SettingsLoader.load(Optional.empty(),
            List.of("input.path=" + events, "input.columns.utm_source=context.page.url.host"))).mapColumns(raw))
        .isInstanceOf(io.journeys.cli.JobFailure.class)
        .hasMessageContaining("input.columns.utm_source = 'context.page.url.host' does not resolve");
  }

  @Test
  void aFileColumnNamedEventDateGivesWayToTheDirectorysDateWithoutAWarning(@TempDir Path dir) {
    // A GA4 export carries its own event_date, as YYYYMMDD text: the run's dates are the
    // directories' (SPEC), and Spark used to warn of the clash (COLUMN_ALREADY_EXISTS) on every run.
    spark.sql("SELECT 'g1' AS event_id, 'v1' AS visitor_id, 'page_view' AS event_name,"
            + " TIMESTAMP'2026-01-05 10:00:00' AS event_time, '20260105' AS event_date")
        .write().parquet(dir.resolve("ga4/event_date=2026-01-05").toString());
    EventReader ga4 = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("ga4"))));
    List<String> read = new ArrayList<>();
    List<String> warnings = Warnings.during(name -> name.startsWith("org.apache.spark"), () -> read.addAll(
        ga4.read(LocalDate.parse("2026-01-05"), LocalDate.parse("2026-01-05"))
            .selectExpr("concat_ws(' ', event_id, CAST(event_date AS STRING))")
            .as(Encoders.STRING()).collectAsList()));
    assertThat(read).containsExactly("g1 2026-01-05");
    assertThat(warnings).isEmpty();
  }

  @Test
  void aColumnUpstreamAddedIsReadFromTheFilesThatHaveItAndAnIntRevenueWidensToDouble(@TempDir Path dir) throws Exception {
    // Upstream added the campaign columns and made revenue a DOUBLE on 03-02, after its first file
    // of the day. Spark took the schema of one file, 03-01's: the new campaign was read as null (a
    // Paid Search visit became Direct), and the DOUBLE revenue failed to read as an INT. Spark's
    // merge of the two types then failed in a task, which logged an ERROR on every such run.
    spark.sql("SELECT 'a' AS event_id, 'va' AS visitor_id, 'purchase' AS event_name,"
            + " TIMESTAMP'2026-03-01 10:00:00' AS event_time, 40 AS revenue")
        .write().parquet(dir.resolve("evolved/event_date=2026-03-01").toString());
    spark.sql("SELECT 'c' AS event_id, 'vc' AS visitor_id, 'purchase' AS event_name,"
            + " TIMESTAMP'2026-03-02 01:00:00' AS event_time, 5 AS revenue")
        .coalesce(1).write().parquet(dir.resolve("evolved/event_date=2026-03-02").toString());
    for (Path file : parquetFiles(dir.resolve("evolved/event_date=2026-03-02"))) {
      Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(1_000_000L));
    }
    spark.sql("SELECT 'b' AS event_id, 'vb' AS visitor_id, 'purchase' AS event_name,"
            + " TIMESTAMP'2026-03-02 10:00:00' AS event_time, 'google' AS utm_source, 'cpc' AS utm_medium, 12.5D AS revenue")
        .write().mode("append").parquet(dir.resolve("evolved/event_date=2026-03-02").toString());
    EventReader evolved = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("evolved"))));
    List<String> read = new ArrayList<>();
    List<String> warnings = Warnings.during(name -> name.startsWith("org.apache.spark"), () -> read.addAll(
        evolved.read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"))
            .selectExpr("concat_ws(' ', event_id, coalesce(utm_source, '-'), coalesce(utm_medium, '-'), CAST(revenue AS STRING))")
            .as(Encoders.STRING()).collectAsList()));
    assertThat(read).containsExactlyInAnyOrder("a - - 40.0", "c - - 5.0", "b google cpc 12.5");
    assertThat(warnings).isEmpty();
  }

  @Test
  void aRequiredColumnEveryFileOfADayLacksStopsTheReadNamingTheDayAndAnExpressionOverEitherNameReadsIt(@TempDir Path dir) {
    // 03-02's files have no event_name (upstream renamed it to ev): read as null, every event of the
    // day went to quarantine and the run succeeded (a black-box test, with DuckDB's files).
    spark.sql("SELECT 'a' AS event_id, 'va' AS visitor_id, 'page_view' AS event_name,"
            + " TIMESTAMP'2026-03-01 10:00:00' AS event_time")
        .write().parquet(dir.resolve("renamed/event_date=2026-03-01").toString());
    spark.sql("SELECT 'b' AS event_id, 'vb' AS visitor_id, 'purchase' AS ev, TIMESTAMP'2026-03-02 10:00:00' AS event_time")
        .write().parquet(dir.resolve("renamed/event_date=2026-03-02").toString());
    EventReader plain = new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + dir.resolve("renamed"))));
    assertThatThrownBy(() -> plain.read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02")))
        .isInstanceOf(JobFailure.class)
        .hasMessage("Cannot read events: required column event_name (input.columns.event_name = event_name)"
            + " is missing from every file of file:" + dir.resolve("renamed/event_date=2026-03-02")
            + ", though files of other days read have it (if upstream renamed a column, map an expression that reads"
            + " either name, such as coalesce(new_name, old_name))");
    // Each day alone has the columns it has: the day without event_name is refused as before.
    assertThat(ids(plain.read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-01")))).containsExactly("a");
    assertThatThrownBy(() -> plain.read(LocalDate.parse("2026-03-02"), LocalDate.parse("2026-03-02")))
        .hasMessageStartingWith("Cannot read events: required column event_name (input.columns.event_name = event_name) is missing from");
    // A day with a file that has the column and rows is read: the rows of its other file lack a
    // field (quarantine's missing_event_name), as do those of a file whose value is null. A file
    // without rows lacks nothing.
    spark.sql("SELECT 'c' AS event_id, 'vc' AS visitor_id, 'page_view' AS event_name, TIMESTAMP'2026-03-01 10:00:00' AS event_time")
        .write().parquet(dir.resolve("batches/event_date=2026-03-01").toString());
    spark.sql("SELECT 'x' AS event_id, TIMESTAMP'2026-03-03 11:00:00' AS event_time").where("false")
        .write().parquet(dir.resolve("batches/event_date=2026-03-03").toString());
    spark.sql("SELECT 'd' AS event_id, 'vd' AS visitor_id, TIMESTAMP'2026-03-02 10:00:00' AS event_time")
        .write().parquet(dir.resolve("batches/event_date=2026-03-02").toString());
    spark.sql("SELECT 'e' AS event_id, 've' AS visitor_id, 'purchase' AS event_name, TIMESTAMP'2026-03-02 11:00:00' AS event_time")
        .write().mode("append").parquet(dir.resolve("batches/event_date=2026-03-02").toString());
    EventReader batches = new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + dir.resolve("batches"))));
    assertThat(batches.read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-03"))
        .selectExpr("concat_ws(' ', event_id, coalesce(event_name, '-'))").as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("c page_view", "d -", "e purchase");
    EventReader either = new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + dir.resolve("renamed"), "input.columns.event_name=coalesce(event_name, ev)")));
    assertThat(either.read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"))
        .selectExpr("concat_ws(' ', event_id, event_name)").as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("a page_view", "b purchase");
  }

  @Test
  void aColumnOnlyAMiddleFileOfADayHasIsReadWhenEveryFilesSchemaIsAsked(@TempDir Path dir) throws Exception {
    // Three files of one day, by time: the middle one alone has utm_source (a day restored from a
    // copy has its files in no particular order by time). The ends of the day do not show it.
    Path day = dir.resolve("copied/event_date=2026-03-01");
    String[] extra = {"", ", 'google' AS utm_source", ""};
    for (int i = 0; i < 3; i++) {
      List<Path> before = Files.exists(day) ? parquetFiles(day) : List.of();
      spark.sql("SELECT 'e" + i + "' AS event_id, 'v' AS visitor_id, 'page_view' AS event_name,"
              + " TIMESTAMP'2026-03-01 10:0" + i + ":00' AS event_time" + extra[i])
          .coalesce(1).write().mode("append").parquet(day.toString());
      for (Path file : parquetFiles(day)) {
        if (!before.contains(file)) {
          Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(1_000_000L * (i + 1)));
        }
      }
    }
    assertThat(utmSources(dir.resolve("copied"), "ends")).containsExactlyInAnyOrder("e0 -", "e1 -", "e2 -");
    assertThat(utmSources(dir.resolve("copied"), "all")).containsExactlyInAnyOrder("e0 -", "e1 google", "e2 -");
  }

  private List<String> utmSources(Path input, String schemaFiles) {
    EventReader reader = new EventReader(spark,
        SettingsLoader.load(Optional.empty(), List.of("input.path=" + input, "input.schema-files=" + schemaFiles)));
    return reader.read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-01"))
        .selectExpr("concat_ws(' ', event_id, coalesce(utm_source, '-'))").as(Encoders.STRING()).collectAsList();
  }

  @Test
  void withEveryFilesSchemaDaysWhoseTypesNoTypeReadsBothAsFailNamingTheColumnAndTheFiles(@TempDir Path dir) {
    // As with the ends of each day: Spark merges each day's files at once, and on its conflict
    // every footer is read, so that a file without rows yields its types.
    writeRevenueOfThreeTypes(dir.resolve("clash"));
    EventReader clash = new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + dir.resolve("clash"), "input.schema-files=all")));
    assertThatThrownBy(() -> clash.read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-03")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: column revenue is DOUBLE in file:" + dir + "/clash/event_date=2026-03-02/part-")
        .hasMessageContaining(".parquet but BIGINT in file:" + dir + "/clash/event_date=2026-03-03/part-")
        .hasMessageEndingWith(".parquet, and Spark cannot read one as the other; input.columns.revenue = 'revenue' reads it");
  }

  /** Revenue as INT on 03-01, DOUBLE on 03-02 and BIGINT on 03-03. */
  private void writeRevenueOfThreeTypes(Path input) {
    String[] revenues = {"40", "12.5D", "7L"};
    for (int day = 1; day <= 3; day++) {
      spark.sql("SELECT 'e" + day + "' AS event_id, 'v' AS visitor_id, 'purchase' AS event_name,"
              + " TIMESTAMP'2026-03-0" + day + " 10:00:00' AS event_time, " + revenues[day - 1] + " AS revenue")
          .write().parquet(input.resolve("event_date=2026-03-0" + day).toString());
    }
  }

  private static List<Path> parquetFiles(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList();
    }
  }

  @Test
  void aFileWithoutRowsWhoseTypesDifferDoesNotStopTheRunWhileFilesWithRowsStillConflict(@TempDir Path dir) throws Exception {
    // A writer that took an empty frame's schema left a file of no rows, every column text, beside
    // the day's rows (a black-box test: the run stopped on event_time TIMESTAMP against STRING).
    // Older than the rows, so that it comes first among the day's files.
    Path input = dir.resolve("empty-batch");
    String day = input.resolve("event_date=2026-03-01").toString();
    spark.sql("SELECT 'a' AS event_id, 'va' AS visitor_id, 'page_view' AS event_name,"
        + " TIMESTAMP'2026-03-01 10:00:00' AS event_time, 2.5D AS revenue").coalesce(1).write().parquet(day);
    List<Path> withRows = parquetFiles(Path.of(day));
    spark.sql("SELECT 'x' AS event_id, 'x' AS visitor_id, 'x' AS event_name, 'x' AS event_time, 'x' AS revenue,"
        + " 'x' AS utm_source").where("false").coalesce(1).write().mode("append").parquet(day);
    for (Path file : parquetFiles(Path.of(day))) {
      if (!withRows.contains(file)) {
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(
            Files.getLastModifiedTime(withRows.get(0)).toMillis() - 3_600_000));
      }
    }
    LocalDate first = LocalDate.parse("2026-03-01");
    for (String files : List.of("ends", "all")) {
      EventReader reader = new EventReader(spark, SettingsLoader.load(Optional.empty(),
          List.of("input.path=" + input, "input.schema-files=" + files)));
      assertThat(reader.read(first, first).selectExpr("concat_ws(' ', event_id, event_time, revenue, coalesce(utm_source, '-'))")
          .as(Encoders.STRING()).collectAsList()).as(files).containsExactly("a 2026-03-01 10:00:00 2.5 -");
    }
    // Spark's other Parquet reader fails such a file when it opens it: there the conflict is named.
    spark.conf().set("spark.sql.parquet.enableVectorizedReader", "false");
    try {
      EventReader reader = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + input)));
      assertThatThrownBy(() -> reader.read(first, first)).isInstanceOf(JobFailure.class)
          .hasMessageContaining("column event_time is STRING in file:" + day + "/part-00000-");
    } finally {
      spark.conf().unset("spark.sql.parquet.enableVectorizedReader");
    }
    // A struct against text is still a conflict: Spark's reader fails a file whose column is not a
    // group where the read has a struct, rows or none.
    Path nested = dir.resolve("empty-nested/event_date=2026-03-01");
    spark.sql("SELECT 'a' AS event_id, named_struct('page', 'x') AS ctx").coalesce(1).write().parquet(nested.toString());
    spark.sql("SELECT 'x' AS event_id, 'x' AS ctx").where("false").coalesce(1).write().mode("append").parquet(nested.toString());
    assertThat(InputSchema.of(spark, "parquet", InputSchema.list(spark, List.of(nested.toString())), JobSettings.SchemaFiles.ENDS, java.util.Set.of())
        .conflicts()).singleElement().extracting(c -> c.message()).asString()
        .startsWith("column ctx is STRUCT<page: STRING NOT NULL> in file:").contains(" but STRING in file:");
    // Rows of another day with the text type conflict with the first day's rows, named by those two files.
    spark.sql("SELECT 'b' AS event_id, 'vb' AS visitor_id, 'page_view' AS event_name, '2026-03-02 10:00:00' AS event_time")
        .coalesce(1).write().parquet(input.resolve("event_date=2026-03-02").toString());
    for (String files : List.of("ends", "all")) {
      EventReader reader = new EventReader(spark, SettingsLoader.load(Optional.empty(),
          List.of("input.path=" + input, "input.schema-files=" + files)));
      assertThatThrownBy(() -> reader.read(first, LocalDate.parse("2026-03-02"))).as(files)
          .isInstanceOf(JobFailure.class)
          .hasMessageStartingWith("Cannot read events: column event_time is TIMESTAMP in file:" + day + "/part-00000-")
          .hasMessageContaining(" but STRING in file:" + input + "/event_date=2026-03-02/part-00000-");
    }
  }

  @Test
  void aFileSparkCannotReadAtTheSchemasTypeFailsTheRunAsTheInputsNamingInputSchema(@TempDir Path dir) {
    // input.schema cannot settle a time column that is a TIMESTAMP one day and a BIGINT the next:
    // Spark fails the file only when a task reads it, and the run's line named no setting.
    Path input = dir.resolve("flipped");
    spark.sql("SELECT 'a' AS event_id, 'va' AS visitor_id, 'page_view' AS event_name, TIMESTAMP'2026-05-01 10:00:00' AS event_time")
        .coalesce(1).write().parquet(input.resolve("event_date=2026-05-01").toString());
    spark.sql("SELECT 'b' AS event_id, 'vb' AS visitor_id, 'page_view' AS event_name, 1777716000000L AS event_time")
        .coalesce(1).write().parquet(input.resolve("event_date=2026-05-02").toString());
    EventReader reader = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + input,
        "input.schema=event_id STRING, visitor_id STRING, event_name STRING, event_time STRING")));
    Exception failure = (Exception) catchThrowable(
        () -> reader.read(LocalDate.parse("2026-05-01"), LocalDate.parse("2026-05-02")).write().format("noop").mode("overwrite").save());
    assertThat(failure).isNotNull().isNotInstanceOf(JobFailure.class);
    assertThat(reader.readFailure(failure)).get().asString()
        .startsWith("io.journeys.cli.JobFailure: Cannot read events: input.path " + input
            + ": [FAILED_READ_FILE.PARQUET_COLUMN_DATA_TYPE_MISMATCH] Encountered error while reading file file://" + input + "/event_date=2026-05-0")
        .contains("Expected Spark type string, actual Parquet type ")
        .endsWith(" (input.schema gives the column a type Spark cannot read that file's as; Spark reads no Parquet type as"
            + " another but a wider one of its kind, so a column whose type changes between files cannot be read as one)");
    assertThat(reader.readFailure(new IllegalStateException("something else"))).isEmpty();
    // The same file read from outside input.path (stage 1 also reads its own tables) is not the input's.
    Path elsewhere = dir.resolve("flipped-copy");
    spark.sql("SELECT 1777716000000L AS event_time").coalesce(1).write().parquet(elsewhere.toString());
    Exception notInput = (Exception) catchThrowable(
        () -> spark.read().schema("event_time STRING").parquet(elsewhere.toString()).write().format("noop").mode("overwrite").save());
    assertThat(notInput).hasMessageContaining("FAILED_READ_FILE");
    assertThat(reader.readFailure(notInput)).isEmpty();
    assertThat(reader.readFailure(new JobFailure("Cannot write table journeys.sessions (2026-05-01): " + failure.getMessage())))
        .as("already said").isEmpty();
  }

  @Test
  void daysWhoseColumnTypesNoTypeReadsBothAsFailNamingTheColumnAndTheFilesThatGaveThem(@TempDir Path dir) {
    // INT on 03-01 and DOUBLE on 03-02 read as DOUBLE; a BIGINT on 03-03 does not (Spark's Parquet
    // readers do not read BIGINT as DOUBLE). Spark's own merge says only "Failed to merge
    // incompatible data types", without the column or the files.
    writeRevenueOfThreeTypes(dir.resolve("clash"));
    EventReader clash = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("clash"))));
    assertThatThrownBy(() -> clash.read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-03")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: column revenue is DOUBLE in file:" + dir + "/clash/event_date=2026-03-02/part-")
        .hasMessageContaining(".parquet but BIGINT in file:" + dir + "/clash/event_date=2026-03-03/part-")
        .hasMessageEndingWith(".parquet, and Spark cannot read one as the other; input.columns.revenue = 'revenue' reads it");
  }

  @Test
  void aColumnNoMappingReadsWhoseTypesConflictIsLeftOutWithAWarningAndOneAMappingReadsStopsTheRun(@TempDir Path dir) {
    // A tracker's debug field and a build number inside ctx changed type upstream between the two
    // days; only ctx.page is mapped. Every column went into the raw row, so the run stopped.
    Path input = dir.resolve("drift");
    spark.sql("SELECT 'a' AS event_id, 'va' AS visitor_id, 'page_view' AS event_name,"
            + " TIMESTAMP'2026-03-01 10:00:00' AS event_time, 7L AS debug, named_struct('build', 3L, 'page', 'x') AS ctx")
        .write().parquet(input.resolve("event_date=2026-03-01").toString());
    spark.sql("SELECT 'b' AS event_id, 'vb' AS visitor_id, 'page_view' AS event_name,"
            + " TIMESTAMP'2026-03-02 10:00:00' AS event_time, 1.5D AS debug, named_struct('build', 'beta', 'page', 'y') AS ctx")
        .write().parquet(input.resolve("event_date=2026-03-02").toString());
    LocalDate first = LocalDate.parse("2026-03-01");
    LocalDate last = LocalDate.parse("2026-03-02");
    List<String> pageUrls = new ArrayList<>();
    List<String> rawColumns = new ArrayList<>();
    List<String> warnings = Warnings.during(EventReader.class.getName()::equals, () -> {
      Dataset<Row> read = new EventReader(spark, SettingsLoader.load(Optional.empty(),
          List.of("input.path=" + input, "input.columns.page_url=ctx.page"))).read(first, last);
      pageUrls.addAll(read.selectExpr("concat(event_id, ' ', page_url)").as(Encoders.STRING()).collectAsList());
      rawColumns.add(read.schema().apply(EventReader.INPUT_ROW).dataType().simpleString());
    });
    assertThat(pageUrls).containsExactlyInAnyOrder("a x", "b y");
    assertThat(rawColumns).containsExactly(
        "struct<event_id:string,visitor_id:string,event_name:string,event_time:timestamp,ctx:struct<page:string>,event_date:date>");
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0))
        .startsWith("WARN Events read without debug: column debug is BIGINT in file:" + input + "/event_date=2026-03-01/part-")
        .contains(".parquet but DOUBLE in file:" + input + "/event_date=2026-03-02/part-")
        .endsWith(".parquet, and Spark cannot read one as the other; no input.columns mapping reads it,"
            + " so it is also left out of quarantine.raw");
    assertThat(warnings.get(1)).startsWith("WARN Events read without ctx.build: column ctx.build is BIGINT in file:")
        .contains(" but STRING in file:");
    // A mapping that reads the field, alone or within its struct, cannot read both days; a struct
    // read whole as text, whose type does not change without the field, reads it too.
    for (String mapping : List.of("utm_source=ctx.build", "properties=ctx", "properties=to_json(ctx)")) {
      EventReader reading = new EventReader(spark, SettingsLoader.load(Optional.empty(),
          List.of("input.path=" + input, "input.columns." + mapping)));
      String[] logical = mapping.split("=", 2);
      assertThatThrownBy(() -> reading.read(first, last))
          .isInstanceOf(JobFailure.class)
          .hasMessageStartingWith("Cannot read events: column ctx.build is BIGINT in file:")
          .hasMessageEndingWith(", and Spark cannot read one as the other; input.columns." + logical[0] + " = '"
              + logical[1] + "' reads it");
    }
  }

  @Test
  void aMappingThatResolvesOnlyUnderTheLaterTypeStillReadsTheConflictingColumn(@TempDir Path dir) {
    // context was text in older files and a struct in newer ones; utm_source reads a field of the
    // struct. Judged by the older type alone, it read nothing of context, which was then left out:
    // utm_source null on every day, with only warnings (a review).
    Path input = dir.resolve("turned");
    spark.sql("SELECT 'a' AS event_id, 'va' AS visitor_id, 'page_view' AS event_name,"
            + " TIMESTAMP'2026-03-01 10:00:00' AS event_time, 'legacy' AS context")
        .write().parquet(input.resolve("event_date=2026-03-01").toString());
    spark.sql("SELECT 'b' AS event_id, 'vb' AS visitor_id, 'page_view' AS event_name,"
            + " TIMESTAMP'2026-03-02 10:00:00' AS event_time, named_struct('campaign', named_struct('source', 'google')) AS context")
        .write().parquet(input.resolve("event_date=2026-03-02").toString());
    EventReader reader = new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + input, "input.columns.utm_source=context.campaign.source")));
    assertThatThrownBy(() -> reader.read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: column context is STRING in ")
        .hasMessageEndingWith("; input.columns.utm_source = 'context.campaign.source' reads it");
  }

  @Test
  void decimalsOfOtherDigitsAndTimesWithAndWithoutZoneAcrossDaysAreReadAsOneType(@TempDir Path dir) {
    // DuckDB writes 5.12 as DECIMAL(3,2) and 1.999 as DECIMAL(4,3), and a TIMESTAMP column beside
    // a TIMESTAMPTZ one in another export: read as DECIMAL(4,3) and TIMESTAMP (a black-box test:
    // the run stopped, saying Spark could not read one as the other).
    Path input = dir.resolve("digits");
    spark.sql("SELECT 'a' AS event_id, 'va' AS visitor_id, 'purchase' AS event_name,"
            + " TIMESTAMP'2026-03-01 10:00:00' AS event_time, CAST(5.12 AS DECIMAL(3,2)) AS revenue")
        .write().parquet(input.resolve("event_date=2026-03-01").toString());
    spark.sql("SELECT 'b' AS event_id, 'vb' AS visitor_id, 'purchase' AS event_name,"
            + " TIMESTAMP_NTZ'2026-03-02 00:10:00' AS event_time, CAST(1.999 AS DECIMAL(4,3)) AS revenue")
        .write().parquet(input.resolve("event_date=2026-03-02").toString());
    // DECIMAL(12,4), which Parquet stores as an INT64 where the others are INT32: DECIMAL(12,4) reads all three.
    spark.sql("SELECT 'c' AS event_id, 'vc' AS visitor_id, 'purchase' AS event_name,"
            + " TIMESTAMP'2026-03-03 10:00:00' AS event_time, CAST(12345678.1234 AS DECIMAL(12,4)) AS revenue")
        .write().parquet(input.resolve("event_date=2026-03-03").toString());
    for (String vectorized : List.of("true", "false")) {
      spark.conf().set("spark.sql.parquet.enableVectorizedReader", vectorized);
      try {
        for (String schemaFiles : List.of("ends", "all")) {
          List<String> read = new EventReader(spark, SettingsLoader.load(Optional.empty(),
                  List.of("input.path=" + input, "input.schema-files=" + schemaFiles)))
              .read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-03"))
              .selectExpr("concat_ws(' ', event_id, date_format(event_time, 'yyyy-MM-dd HH:mm'), CAST(revenue AS STRING),"
                  + " CAST(" + EventReader.INPUT_ROW + ".revenue AS STRING))")
              .as(Encoders.STRING()).collectAsList();
          assertThat(read).as(schemaFiles + ", vectorized " + vectorized).containsExactlyInAnyOrder(
              "a 2026-03-01 10:00 5.12 5.1200", "b 2026-03-02 00:10 1.999 1.9990", "c 2026-03-03 10:00 1.23456781234E7 12345678.1234");
        }
      } finally {
        spark.conf().unset("spark.sql.parquet.enableVectorizedReader");
      }
    }
  }

  @Test
  void aNestedConflictNamesTheFileThatGaveTheFieldItsTypeNotTheLastToChangeItsStruct(@TempDir Path dir) {
    // ctx.a is INT on 03-01, 03-02 adds ctx.b, 03-03 has ctx.a as text: the INT came from 03-01.
    Path input = dir.resolve("nested");
    String[] contexts = {"named_struct('a', 1)", "named_struct('b', 'x')", "named_struct('a', 'one')"};
    for (int day = 1; day <= 3; day++) {
      spark.sql("SELECT 'e" + day + "' AS event_id, 'v' AS visitor_id, 'page_view' AS event_name,"
              + " TIMESTAMP'2026-03-0" + day + " 10:00:00' AS event_time, " + contexts[day - 1] + " AS ctx")
          .write().parquet(input.resolve("event_date=2026-03-0" + day).toString());
    }
    EventReader reader = new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + input, "input.columns.utm_source=ctx.a")));
    assertThatThrownBy(() -> reader.read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-03")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: column ctx.a is INT in file:" + input + "/event_date=2026-03-01/part-")
        .hasMessageContaining(" but STRING in file:" + input + "/event_date=2026-03-03/part-");
  }

  @Test
  void everyConflictAMappingReadsIsNamedInOneMessage(@TempDir Path dir) {
    Path input = dir.resolve("two");
    spark.sql("SELECT 'a' AS event_id, 'va' AS visitor_id, 'purchase' AS event_name,"
            + " TIMESTAMP'2026-03-01 10:00:00' AS event_time, 7L AS revenue, 1 AS user_id")
        .write().parquet(input.resolve("event_date=2026-03-01").toString());
    spark.sql("SELECT 'b' AS event_id, 'vb' AS visitor_id, 'purchase' AS event_name,"
            + " TIMESTAMP'2026-03-02 10:00:00' AS event_time, 2.5D AS revenue, 'u' AS user_id")
        .write().parquet(input.resolve("event_date=2026-03-02").toString());
    EventReader reader = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + input)));
    assertThatThrownBy(() -> reader.read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: column revenue is BIGINT in ")
        .hasMessageContaining("; input.columns.revenue = 'revenue' reads it; column user_id is INT in ")
        .hasMessageEndingWith("; input.columns.user_id = 'user_id' reads it");
  }

  @Test
  void idsStoredAsBytesAreTheirHexDigitsAndTimesAndIntervalsSparkCannotReadAreTheirStoredValues(@TempDir Path dir)
      throws Exception {
    // DuckDB's BLOB ids FF AA and FE AA were both U+FFFD U+FFFD in the tables: two devices as one
    // id; UTF-8 stored without its annotation (older Hive writers) stays text. DuckDB's TIME and
    // INTERVAL columns, which Spark 4.0 refuses, stopped the read of the whole file.
    writeWithParquetMr(dir.resolve("bytes/event_date=2026-01-05"), "message event { required binary event_id (STRING); "
        + "required binary visitor_id; required binary event_name (STRING); required int64 event_time (TIMESTAMP(MICROS,true)); "
        + "optional int64 opened (TIME(MICROS,false)); optional fixed_len_byte_array(12) waited (INTERVAL); }",
        row -> row.append("event_id", "b1").append("visitor_id", org.apache.parquet.io.api.Binary.fromConstantByteArray(
                new byte[] {(byte) 0xFF, (byte) 0xAA})).append("event_name", "page_view")
            .append("event_time", 1767607200000000L).append("opened", 3_600_000_000L)
            .append("waited", org.apache.parquet.io.api.Binary.fromConstantByteArray(new byte[12])));
    writeWithParquetMr(dir.resolve("bytes/event_date=2026-01-06"), "message event { required binary event_id (STRING); "
        + "required binary visitor_id; required binary event_name (STRING); required int64 event_time (TIMESTAMP(MICROS,true)); }",
        row -> row.append("event_id", "b2").append("visitor_id", org.apache.parquet.io.api.Binary.fromConstantByteArray(
                new byte[] {'a', 'b'})).append("event_name", "page_view")
            .append("event_time", 1767693600000000L));
    // The text "0xffaa" is another device than the bytes FF AA (black box P2: both were 0xffaa).
    writeWithParquetMr(dir.resolve("bytes/event_date=2026-01-07"), "message event { required binary event_id (STRING); "
        + "required binary visitor_id; required binary event_name (STRING); required int64 event_time (TIMESTAMP(MICROS,true)); }",
        row -> row.append("event_id", "b3").append("visitor_id", org.apache.parquet.io.api.Binary.fromString("0xffaa"))
            .append("event_name", "page_view").append("event_time", 1767780000000000L));
    for (String schemaFiles : List.of("ends", "all")) {
      Dataset<Row> read = new EventReader(spark, SettingsLoader.load(Optional.empty(),
          List.of("input.path=" + dir.resolve("bytes"), "input.schema-files=" + schemaFiles)))
          .read(LocalDate.parse("2026-01-05"), LocalDate.parse("2026-01-07"));
      assertThat(read.selectExpr("concat_ws(' ', event_id, visitor_id, coalesce(CAST(" + EventReader.INPUT_ROW
              + ".opened AS STRING), '-'), coalesce(CAST(length(" + EventReader.INPUT_ROW + ".waited) AS STRING), '-'))")
          .as(Encoders.STRING()).collectAsList())
          .as(schemaFiles).containsExactlyInAnyOrder("b1 0xffaa 3600000000 12", "b2 ab - -", "b3 0x307866666161 - -");
    }
  }

  @Test
  void anInputOfEmptyPartitionsOnlyHasNoEventsAndAMissingInputStillStopsTheRun(@TempDir Path dir) throws Exception {
    // A new input whose first day upstream marked quiet: Spark found no file to take a schema from.
    Files.createDirectories(dir.resolve("quiet/event_date=2026-03-10"));
    EventReader quiet = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("quiet"))));
    Dataset<Row> read = quiet.read(LocalDate.parse("2026-03-08"), LocalDate.parse("2026-03-10"));
    assertThat(read.count()).isZero();
    assertThat(read.columns()).contains("event_date", "event_id", "visitor_id", "event_time", EventReader.INPUT_ROW);
    EventReader missing = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("none"))));
    assertThatThrownBy(() -> missing.read(LocalDate.parse("2026-03-08"), LocalDate.parse("2026-03-10")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: input.path " + dir.resolve("none") + " is not readable: [PATH_NOT_FOUND]");
  }

  /**
   * A day whose files sit in a subdirectory (a writer's batch folders): its columns were taken from
   * the other days' files, or, read alone, from the history's first file, so a column only it has
   * was null without a word (a review). 03-01's file lacks utm_source; 03-02's, in batch1/, has it.
   */
  @Test
  void aDayWhoseFilesSitInASubdirectoryIsReadWithItsOwnColumns(@TempDir Path dir) {
    spark.sql("SELECT 'a' AS event_id, 'va' AS visitor_id, 'page_view' AS event_name, TIMESTAMP'2026-03-01 10:00:00' AS event_time")
        .write().parquet(dir.resolve("nested/event_date=2026-03-01").toString());
    spark.sql("SELECT 'b' AS event_id, 'vb' AS visitor_id, 'page_view' AS event_name, TIMESTAMP'2026-03-02 10:00:00' AS event_time,"
            + " 'google' AS utm_source")
        .write().parquet(dir.resolve("nested/event_date=2026-03-02/batch1").toString());
    EventReader nested = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("nested"))));
    for (String from : List.of("2026-03-01", "2026-03-02")) {
      assertThat(nested.read(LocalDate.parse(from), LocalDate.parse("2026-03-02"))
              .selectExpr("concat_ws(' ', event_id, coalesce(utm_source, '-'))").as(Encoders.STRING()).collectAsList())
          .as("from " + from).contains("b google");
    }
  }

  /**
   * Hourly key=value folders inside a day (a Firehose or Kafka Connect sink's): Spark reads them as
   * a partition column, which days of flat files lack. The line ended at Spark's colon, naming
   * neither the columns nor a directory (a black-box test).
   */
  @Test
  void hourlyKeyValueFoldersInADayAreReadAndBesideFlatDaysStopTheRunNamingTheConflict(@TempDir Path dir) {
    spark.sql("SELECT 'a' AS event_id, 'va' AS visitor_id, 'page_view' AS event_name, TIMESTAMP'2026-03-01 10:00:00' AS event_time")
        .write().parquet(dir.resolve("hourly/event_date=2026-03-01").toString());
    for (String hour : List.of("08", "12")) {
      spark.sql("SELECT 'b" + hour + "' AS event_id, 'vb' AS visitor_id, 'page_view' AS event_name,"
              + " TIMESTAMP'2026-03-02 " + hour + ":00:00' AS event_time")
          .write().parquet(dir.resolve("hourly/event_date=2026-03-02/hour=" + hour).toString());
    }
    EventReader hourly = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("hourly"))));
    assertThat(ids(hourly.read(LocalDate.parse("2026-03-02"), LocalDate.parse("2026-03-02")))).containsExactlyInAnyOrder("b08", "b12");
    assertThatThrownBy(() -> hourly.read(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: input.path " + dir.resolve("hourly") + " is not readable:"
            + " [CONFLICTING_PARTITION_COLUMN_NAMES] the directories read have different partition columns, (event_date")
        // Spark lists the column sets in no fixed order, and the hourly folders too.
        .satisfies(e -> assertThat(e.getMessage())
            .containsAnyOf("(event_date) against (event_date, hour)", "(event_date, hour) against (event_date)")
            .containsAnyOf("such as file:" + dir.resolve("hourly/event_date=2026-03-02/hour=08") + " and ",
                "such as file:" + dir.resolve("hourly/event_date=2026-03-02/hour=12") + " and "))
        .hasMessageContaining(" and file:" + dir.resolve("hourly/event_date=2026-03-01") + " (1 more): ")
        .hasMessageEndingWith(": a folder named key=value, such as hour=08, is a partition column to Spark, so a day's"
            + " files must all be in such folders or none, in every day read");
  }

  /**
   * Quiet days of an input with a history (input.allow-empty-days): loaded from the root, they were
   * read with the columns of one file of it, so a mapping of the column as renamed since stopped the
   * run, and so did a stray file at the root (a review). Upstream renamed event_name to ev on 03-02.
   */
  @Test
  void quietDaysOfAHistoryHaveNoEventsWhateverItsFilesHold(@TempDir Path dir) throws Exception {
    spark.sql("SELECT 'a' AS event_id, 'va' AS visitor_id, 'page_view' AS event_name, TIMESTAMP'2026-03-01 10:00:00' AS event_time")
        .write().parquet(dir.resolve("renamed/event_date=2026-03-01").toString());
    spark.sql("SELECT 'b' AS event_id, 'vb' AS visitor_id, 'page_view' AS ev, TIMESTAMP'2026-03-02 10:00:00' AS event_time")
        .write().parquet(dir.resolve("renamed/event_date=2026-03-02").toString());
    Files.writeString(dir.resolve("renamed/README.txt"), "events from the tracker\n");
    Files.createDirectories(dir.resolve("renamed/event_date=2026-03-06"));
    EventReader renamed = new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + dir.resolve("renamed"), "input.columns.event_name=ev")));
    for (String day : List.of("2026-03-05", "2026-03-06")) { // no directory; an empty one
      Dataset<Row> read = renamed.read(LocalDate.parse(day), LocalDate.parse(day));
      assertThat(read.count()).as(day).isZero();
      assertThat(read.columns()).as(day).contains("event_date", "event_id", "event_name", EventReader.INPUT_ROW);
    }
    assertThat(ids(renamed.read(LocalDate.parse("2026-03-02"), LocalDate.parse("2026-03-06")))).containsExactly("b");
  }

  /**
   * A JSON line Spark cannot parse, read with input.schema (as the README advises for Segment), is
   * quarantined as malformed_record with its text in raw; it was a row of nulls, quarantined as
   * missing_event_id, its text lost (a review). The valid line is read as before; inferred, the
   * same (Spark adds the column where it meets such a line). A line of one mistyped field is not
   * malformed (a review of the first version, which quarantined it).
   */
  @Test
  void aLineSparkCannotParseIsQuarantinedAsMalformedWithItsText(@TempDir Path dir) throws Exception {
    LocalDate day = LocalDate.parse("2026-03-10");
    String good = "{\"event_id\":\"a\",\"visitor_id\":\"va\",\"event_name\":\"page_view\",\"event_time\":\"2026-03-10T10:00:00Z\"}";
    String bad = "{\"event_id\":\"b\",\"visitor_id\":\"vb\",\"event_name\":\"purchase\",\"event_time\":\"2026-03-10T11:00:00Z\"";
    // c's revenue is text where input.schema says DOUBLE: Spark keeps its other fields and sets
    // the corrupt column too; it is a valid event without a value, as before. d lacks its visitor:
    // quarantined for that, its raw without the corrupt column's null.
    String mistyped = "{\"event_id\":\"c\",\"visitor_id\":\"vc\",\"event_name\":\"purchase\",\"event_time\":\"2026-03-10T12:00:00Z\",\"revenue\":\"29.99\"}";
    String noVisitor = "{\"event_id\":\"d\",\"event_name\":\"page_view\",\"event_time\":\"2026-03-10T13:00:00Z\"}";
    Files.writeString(Files.createDirectories(dir.resolve("json/event_date=2026-03-10")).resolve("part-0.json"),
        good + "\n" + bad + "\n" + mistyped + "\n" + noVisitor + "\n");
    String schema = "input.schema=event_id STRING, visitor_id STRING, event_name STRING, event_time STRING, revenue DOUBLE";
    io.journeys.journeys.EventValidator validator =
        new io.journeys.journeys.EventValidator(java.time.Instant.parse("2000-01-01T00:00:00Z"), 2, 3, java.time.ZoneOffset.UTC);
    for (List<String> settings : List.of(List.of("input.path=" + dir.resolve("json"), "input.format=json", schema),
        List.of("input.path=" + dir.resolve("json"), "input.format=json"))) {
      EventReader reader = new EventReader(spark, SettingsLoader.load(Optional.empty(), settings));
      List<Row> rows = validator.validate(reader.read(day, day)).orderBy(org.apache.spark.sql.functions.col("event_id").asc_nulls_last())
          .select("event_id", "reason", "raw", "event_name").collectAsList();
      assertThat(rows).as(settings.toString()).hasSize(4);
      assertThat(rows.get(0).getString(0)).isEqualTo("a");
      assertThat(rows.get(0).isNullAt(1)).as(settings.toString()).isTrue();
      assertThat(rows.get(1).getString(0)).isEqualTo("c");
      assertThat(rows.get(1).isNullAt(1)).as(settings.toString()).isTrue();
      assertThat(rows.get(1).getString(3)).isEqualTo("purchase");
      assertThat(rows.get(2).getString(0)).isEqualTo("d");
      assertThat(rows.get(2).getString(1)).isEqualTo("missing_visitor_id");
      assertThat(rows.get(2).getString(2)).as(settings.toString()).doesNotContain("_corrupt_record");
      assertThat(rows.get(3).getString(1)).as(settings.toString()).isEqualTo("malformed_record");
      assertThat(rows.get(3).getString(2)).as(settings.toString())
          .contains("\\\"event_id\\\":\\\"b\\\"");
    }
  }

  /**
   * Spark writes a quiet day's JSON as an empty file, from which no column can be inferred: the run
   * said the required columns were missing, with input.allow-empty-days too (a black-box test).
   */
  @Test
  void jsonDaysOfEmptyFilesOnlyHaveNoEvents(@TempDir Path dir) throws Exception {
    Files.createFile(Files.createDirectories(dir.resolve("quiet/event_date=2026-03-09")).resolve("part-0.json"));
    Files.createFile(Files.createDirectories(dir.resolve("quiet/event_date=2026-03-10")).resolve("part-0.json"));
    EventReader quiet = new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + dir.resolve("quiet"), "input.format=json")));
    Dataset<Row> read = quiet.read(LocalDate.parse("2026-03-08"), LocalDate.parse("2026-03-10"));
    assertThat(read.count()).isZero();
    assertThat(read.columns()).contains("event_date", "event_id", "visitor_id", "event_time", EventReader.INPUT_ROW);
  }

  @Test
  void aFileThatIsNotParquetFailsNamingTheFile(@TempDir Path dir) throws Exception {
    // Spark's own message for this ends at "Exception thrown in awaitResult:", its cause two
    // wrappers further down.
    Path day = Files.createDirectories(dir.resolve("corrupt/event_date=2026-03-10"));
    Files.writeString(day.resolve("part-0.parquet"), "event_id,visitor_id\na,v\n");
    EventReader corrupt = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("corrupt"))));
    assertThatThrownBy(() -> corrupt.read(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10")).count())
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: input.path " + dir.resolve("corrupt") + " is not readable: ")
        .hasMessageContaining(day.resolve("part-0.parquet").toString())
        .hasMessageNotContaining("awaitResult");
  }

  /**
   * A partition directory whose date is not YYYY-MM-DD stops the run naming it (a black-box test:
   * Spark's discovery typed the column as text and the date filter's cast failed, blamed on a
   * conversion rule); Hive's directory of null dates is no date of any run and is passed over.
   */
  @Test
  void aPartitionDirectoryThatIsNoDateStopsTheRunNamingItAndHivesNullDirectoryIsPassedOverWithAWarning(@TempDir Path dir)
      throws Exception {
    Path input = dir.resolve("named");
    new EventFixtures().event("a", "va", "2026-03-10 10:00:00", "page_view")
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW)
        .write().partitionBy("event_date").parquet(input.toString());
    LocalDate day = LocalDate.parse("2026-03-10");
    Path hiveNull = Files.createDirectories(input.resolve("event_date=__HIVE_DEFAULT_PARTITION__"));
    Files.copy(parquetFiles(input.resolve("event_date=2026-03-10")).get(0), hiveNull.resolve("part-0.parquet"));
    EventReader reader = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + input)));
    // Passed over, but said: SPEC's rows are never dropped without a word.
    List<String> warnings = Warnings.during(EventReader.class.getName()::equals,
        () -> assertThat(ids(reader.read(day, day))).containsExactly("a"));
    assertThat(warnings).containsExactly("WARN input.path " + input + " has a directory event_date=__HIVE_DEFAULT_PARTITION__:"
        + " its rows have no event_date, and no run reads them");

    Path notADate = Files.createDirectories(input.resolve("event_date=2026-13-01"));
    Files.copy(hiveNull.resolve("part-0.parquet"), notADate.resolve("part-0.parquet"));
    assertThatThrownBy(() -> reader.read(day, day))
        .isInstanceOf(JobFailure.class)
        .hasMessage("Cannot read events: input.path " + input + " has a partition directory event_date=2026-13-01"
            + " whose date is not YYYY-MM-DD (file:" + input.resolve("event_date=2026-13-01") + ")");
  }

  /**
   * Rows no run will read are said, not passed over without a word (a review): a Delta input's
   * rows of a null event_date, and a directory dated after tomorrow (2099).
   */
  @Test
  void rowsOfNoDateInADeltaInputAndDirectoriesDatedAfterTomorrowAreSaid(@TempDir Path dir) throws Exception {
    LocalDate day = LocalDate.parse("2026-03-10");
    String delta = dir.resolve("delta").toString();
    new EventFixtures().event("a", "va", "2026-03-10 10:00:00", "page_view").event("b", "vb", "2026-03-10 11:00:00", "page_view")
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW)
        .withColumn("event_date", org.apache.spark.sql.functions.expr("if(event_id = 'b', CAST(NULL AS DATE), event_date)"))
        .write().format("delta").partitionBy("event_date").save(delta);
    EventReader deltaReader = new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + delta, "input.format=delta")));
    List<String> deltaWarnings = Warnings.during(EventReader.class.getName()::equals,
        () -> assertThat(ids(deltaReader.read(day, day))).containsExactly("a"));
    assertThat(deltaWarnings).containsExactly("WARN the Delta table " + delta
        + " has 1 file(s) that may hold rows with no event_date: no run reads such rows");

    Path input = dir.resolve("parquet");
    new EventFixtures().event("a", "va", "2026-03-10 10:00:00", "page_view")
        .event("c", "vc", "2099-01-02 10:00:00", "page_view").event("d", "vd", "2099-01-01 10:00:00", "page_view")
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW)
        .write().partitionBy("event_date").parquet(input.toString());
    EventReader reader = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + input)));
    List<String> warnings = Warnings.during(EventReader.class.getName()::equals,
        () -> assertThat(ids(reader.read(day, day))).containsExactly("a"));
    assertThat(warnings).containsExactly("WARN input.path " + input + " has partition directories dated after tomorrow,"
        + " the first event_date=2099-01-01: no run reads them before their date");
  }

  /** Events a and b, one page view each on 2026-03-10, in a Parquet file each under {@code input}. */
  private void twoFilesOfOneDay(Path input) {
    for (String id : List.of("a", "b")) {
      new EventFixtures().event(id, "v" + id, "2026-03-10 10:00:00", "page_view")
          .toDataset(spark).drop(EventReader.EVENT_TIME_RAW)
          .write().mode("append").partitionBy("event_date").parquet(input.toString());
    }
  }

  /**
   * A stray file beside the partitions is not read; one inside a partition is read as data, as by
   * Spark (skipping names without ".parquet" would skip the data of writers that give none), so it
   * fails the run naming the file and what is wrong with it. Found by a black-box test: the line
   * was Spark's wrapper alone, or named the root's README.txt instead of the partition's.
   */
  @Test
  void aStrayFileBesideThePartitionsIsIgnoredAndOneInsideFailsNamingItAndWhy(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("stray");
    twoFilesOfOneDay(input);
    Files.writeString(input.resolve("README.txt"), "hi\n");
    EventReader stray = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + input)));
    LocalDate day = LocalDate.parse("2026-03-10");
    assertThat(ids(stray.read(day, day))).containsExactlyInAnyOrder("a", "b");

    // Inside, between the day's oldest and newest files: the schema is read from those two, the
    // stray file at the scan.
    Path partition = input.resolve("event_date=2026-03-10");
    List<Path> files = parquetFiles(partition);
    assertThat(files).hasSize(2);
    Path readme = partition.resolve("README.txt");
    Files.writeString(readme, "junk\n");
    long now = System.currentTimeMillis();
    Files.setLastModifiedTime(files.get(0), java.nio.file.attribute.FileTime.fromMillis(now - 20_000));
    Files.setLastModifiedTime(readme, java.nio.file.attribute.FileTime.fromMillis(now - 10_000));
    Files.setLastModifiedTime(files.get(1), java.nio.file.attribute.FileTime.fromMillis(now));
    Throwable scan = org.assertj.core.api.Assertions.catchThrowable(() -> stray.read(day, day).count());
    assertThat(io.journeys.ErrorMessages.reason(scan))
        .startsWith("[FAILED_READ_FILE.NO_HINT] Encountered error while reading file ")
        .contains("README.txt: ")
        .endsWith("README.txt is not a Parquet file (length is too low: 5)");

    // The day's newest file: its schema cannot be read, and the day's file is named, not the root's.
    Files.setLastModifiedTime(readme, java.nio.file.attribute.FileTime.fromMillis(now + 10_000));
    assertThatThrownBy(() -> stray.read(day, day))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: input.path " + input + " is not readable: ")
        .hasMessageContaining(readme.toString())
        .hasMessageContaining("is not a Parquet file");
  }

  /**
   * A zero-byte file in a day (an upload cut short, an object store's placeholder) has no rows and
   * no footer: Spark's scan skips it, and so does the reading of the days' schemas, which stopped
   * the run on it where it was a day's oldest or newest file, or under input.schema-files = all (a
   * black-box test); a day of only such a file reads as a day of no file. Each read says so once.
   */
  @Test
  void aZeroByteFileInADayIsSkippedWhereverItIsAndSaidSo(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("zero");
    twoFilesOfOneDay(input);
    Path partition = input.resolve("event_date=2026-03-10");
    List<Path> files = parquetFiles(partition);
    Path empty = Files.createFile(partition.resolve("part-99999-cut-short.snappy.parquet"));
    Path onlyFile = Files.createFile(Files.createDirectories(input.resolve("event_date=2026-03-11")).resolve("part-0.parquet"));
    long now = System.currentTimeMillis();
    Files.setLastModifiedTime(files.get(0), FileTime.fromMillis(now - 20_000));
    Files.setLastModifiedTime(files.get(1), FileTime.fromMillis(now - 10_000));
    LocalDate day = LocalDate.parse("2026-03-10");
    LocalDate next = LocalDate.parse("2026-03-11");
    Predicate<String> schema = InputSchema.class.getName()::equals;
    for (String schemaFiles : List.of("ends", "all")) {
      EventReader reader = new EventReader(spark, SettingsLoader.load(Optional.empty(),
          List.of("input.path=" + input, "input.schema-files=" + schemaFiles)));
      for (long at : new long[] {now, now - 30_000, now - 15_000}) { // newest, oldest, between
        Files.setLastModifiedTime(empty, FileTime.fromMillis(at));
        List<String> read = new ArrayList<>();
        assertThat(Warnings.during(schema, () -> read.addAll(ids(reader.read(day, day)))))
            .as(schemaFiles + " " + at).containsExactly("WARN Events read without 1 zero-byte file (no rows; an upload cut"
                + " short?): " + new org.apache.hadoop.fs.Path(empty.toUri()));
        assertThat(read).as(schemaFiles + " " + at).containsExactlyInAnyOrder("a", "b");
      }
      List<String> alone = new ArrayList<>();
      assertThat(Warnings.during(schema, () -> alone.addAll(ids(reader.read(next, next))))).as(schemaFiles)
          .containsExactly("WARN Events read without 1 zero-byte file (no rows; an upload cut short?): "
              + new org.apache.hadoop.fs.Path(onlyFile.toUri()));
      assertThat(alone).as(schemaFiles + ", a day of one zero-byte file").isEmpty();
      assertThat(ids(reader.read(day, next))).as(schemaFiles + ", both").containsExactlyInAnyOrder("a", "b");
    }
  }

  /**
   * A run day whose Parquet partition holds only zero-byte files or copies under way (Hadoop's
   * name._COPYING_, which Spark skips), in its subdirectories too, is an upload cut short, not a
   * quiet day (a Parquet writer's empty file has its footer): it fails as a missing day does, unless
   * empty days are allowed. It read as a day of no events, with only the
   * WARN of the read (until 2026-12-08). An empty directory stays a day upstream marked quiet, and
   * a day of data keeps a zero-byte file beside it; an ORC writer's empty files are its quiet days.
   * A partition path that is a file is no partition.
   */
  @Test
  void aRunDayOfOnlyZeroByteParquetFilesFailsAsAMissingDayUnlessEmptyDaysAreAllowed(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("cut");
    twoFilesOfOneDay(input); // 03-10: two files of data
    Path dataFile = parquetFiles(input.resolve("event_date=2026-03-10")).get(0);
    Files.createFile(input.resolve("event_date=2026-03-10").resolve("part-99999-cut-short.snappy.parquet"));
    Path cut = Files.createDirectories(input.resolve("event_date=2026-03-11"));
    Files.createFile(cut.resolve("part-00001.snappy.parquet"));
    Files.setLastModifiedTime(Files.createFile(cut.resolve("part-00000.snappy.parquet")),
        FileTime.fromMillis(System.currentTimeMillis() - 60_000)); // the oldest, which the WARN names
    Files.createFile(cut.resolve("_SUCCESS"));
    Files.createDirectories(input.resolve("event_date=2026-03-12")); // marked quiet
    Files.createFile(Files.createDirectories(input.resolve("event_date=2026-03-13")).resolve("_SUCCESS"));
    Path hours = input.resolve("event_date=2026-03-14");
    Files.createFile(Files.createDirectories(hours.resolve("hour=07")).resolve("part-00000.snappy.parquet"));
    Files.createDirectories(hours.resolve("hour=08"));
    Files.createFile(input.resolve("event_date=2026-03-15"));
    Path hoursOfData = input.resolve("event_date=2026-03-16");
    Files.createFile(Files.createDirectories(hoursOfData.resolve("hour=07")).resolve("part-00000.snappy.parquet"));
    Files.copy(dataFile, Files.createDirectories(hoursOfData.resolve("hour=08")).resolve("part-00000.snappy.parquet"));
    Path copying = Files.createDirectories(input.resolve("event_date=2026-03-17"));
    Files.copy(dataFile, copying.resolve("part-00000.snappy.parquet._COPYING_"));
    java.util.function.Function<List<String>, EventReader> reader = extra -> {
      List<String> settings = new ArrayList<>(List.of("input.path=" + input));
      settings.addAll(extra);
      return new EventReader(spark, SettingsLoader.load(Optional.empty(), settings));
    };
    EventReader parquet = reader.apply(List.of());
    parquet.checkAvailable(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10"));
    parquet.checkAvailable(LocalDate.parse("2026-03-12"), LocalDate.parse("2026-03-13"));
    parquet.checkAvailable(LocalDate.parse("2026-03-16"), LocalDate.parse("2026-03-16"));
    String cutShort = " (an upload cut short? deliver the day again, or, if it had no events, delete those files)";
    String only = " holds only zero-byte or ._COPYING_ files (";
    assertThatThrownBy(() -> parquet.checkAvailable(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-12")))
        .isInstanceOf(JobFailure.class)
        .hasMessage("Cannot run for 2026-03-11: input partition " + cut + only + "part-00000.snappy.parquet and 1 more)"
            + cutShort);
    assertThatThrownBy(() -> parquet.checkAvailable(LocalDate.parse("2026-03-14"), LocalDate.parse("2026-03-14")))
        .isInstanceOf(JobFailure.class)
        .hasMessage("Cannot run for 2026-03-14: input partition " + hours + only + "hour=07/part-00000.snappy.parquet)"
            + cutShort);
    assertThatThrownBy(() -> parquet.checkAvailable(LocalDate.parse("2026-03-17"), LocalDate.parse("2026-03-17")))
        .isInstanceOf(JobFailure.class)
        .hasMessage("Cannot run for 2026-03-17: input partition " + copying + only
            + "part-00000.snappy.parquet._COPYING_)" + cutShort);
    assertThatThrownBy(() -> parquet.checkAvailable(LocalDate.parse("2026-03-15"), LocalDate.parse("2026-03-15")))
        .isInstanceOf(JobFailure.class)
        .hasMessage("Cannot run for 2026-03-15: input partition " + input.resolve("event_date=2026-03-15")
            + " is a file, not a directory (remove or rename it)");
    // West of UTC the partition after the last day holds its end: required, and so refused alike.
    assertThatThrownBy(() -> reader.apply(List.of("reporting.timezone=America/New_York"))
        .checkAvailable(LocalDate.parse("2026-03-13"), LocalDate.parse("2026-03-13")))
        .isInstanceOf(JobFailure.class)
        .hasMessage("Cannot run for 2026-03-13: input partition " + hours + only + "hour=07/part-00000.snappy.parquet)"
            + "; it holds the end of 2026-03-13 in America/New_York" + cutShort);
    reader.apply(List.of("input.format=orc")).checkAvailable(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11"));
    // With empty days allowed the day is read, as a day of no file, and said.
    List<String> read = new ArrayList<>();
    assertThat(Warnings.during(InputSchema.class.getName()::equals, () -> read.addAll(ids(reader.apply(
        List.of("input.allow-empty-days=true")).read(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11"))))))
        .containsExactly("WARN Events read without 2 zero-byte files (no rows; an upload cut short?): "
            + new org.apache.hadoop.fs.Path(cut.resolve("part-00000.snappy.parquet").toUri()) + ", ...");
    assertThat(read).isEmpty();
  }

  /**
   * One row in {@code partition}/part-0.parquet, written by parquet-mr's example writer rather than
   * Spark, for files Spark would not write: {@code schema} is Parquet's message type text.
   */
  private static void writeWithParquetMr(Path partition, String schema, java.util.function.UnaryOperator<Group> row)
      throws java.io.IOException {
    MessageType type = MessageTypeParser.parseMessageType(schema);
    Path file = Files.createDirectories(partition).resolve("part-0.parquet");
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
        .withType(type).withConf(new org.apache.hadoop.conf.Configuration()).build()) {
      writer.write(row.apply(new SimpleGroupFactory(type).newGroup()));
    }
  }

  @Test
  void parquetNanosecondTimestampsAreReadAsTheirInstant(@TempDir Path dir) throws Exception {
    // pandas and pyarrow write TIMESTAMP(NANOS), a type Spark itself refuses to read, failing the
    // whole input even for a column no mapping names (received_at here). Written by parquet-mr's
    // example writer, not Spark: 2026-01-05T10:00:00.123456789Z is 1767607200123456789 ns, cut to
    // Spark's micros.
    writeWithParquetMr(dir.resolve("nanos/event_date=2026-01-05"), "message event { required binary event_id (STRING); "
        + "required binary visitor_id (STRING); required binary event_name (STRING); "
        + "required int64 event_time (TIMESTAMP(NANOS,true)); required int64 received_at (TIMESTAMP(NANOS,false)); }",
        row -> row.append("event_id", "n1").append("visitor_id", "v1").append("event_name", "page_view")
            .append("event_time", 1767607200123456789L).append("received_at", 1767607201000000000L));
    EventReader nanos = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("nanos"))));
    List<String> read = nanos.read(LocalDate.parse("2026-01-05"), LocalDate.parse("2026-01-05"))
        .select(org.apache.spark.sql.functions.concat_ws(" ", org.apache.spark.sql.functions.col("event_id"),
            org.apache.spark.sql.functions.date_format(org.apache.spark.sql.functions.col("event_time"), "yyyy-MM-dd HH:mm:ss.SSSSSS")))
        .as(Encoders.STRING()).collectAsList();
    assertThat(read).containsExactly("n1 2026-01-05 10:00:00.123456");
  }

  @Test
  void parquetUuidColumnsAreReadAsTheirTextWhereverTheDaysSchemaIsReadFrom(@TempDir Path dir) throws Exception {
    // DuckDB, pyarrow and Iceberg write a UUID as 16 bytes annotated UUID, which Spark 4.0's schema
    // converter refuses for the whole file: an export with a UUID visitor id could not be read.
    java.util.UUID visitor = java.util.UUID.fromString("5b1f0c3e-8f6a-4d2b-9c1e-0a1b2c3d4e5f");
    java.util.UUID device = java.util.UUID.fromString("ffffffff-0000-4000-8000-00000000000a"); // the high bits set
    writeWithParquetMr(dir.resolve("uuids/event_date=2026-01-05"), "message event { required binary event_id (STRING); "
        + "required fixed_len_byte_array(16) visitor_id (UUID); required binary event_name (STRING); "
        + "required int64 event_time (TIMESTAMP(MICROS,true)); "
        + "optional group ctx { optional fixed_len_byte_array(16) device (UUID); optional binary page (STRING); } "
        + "optional group ids (LIST) { repeated group list { optional fixed_len_byte_array(16) element (UUID); } } }",
        row -> {
          row.append("event_id", "u1").append("visitor_id", bytes(visitor)).append("event_name", "page_view")
              .append("event_time", 1767607200000000L);
          row.addGroup("ctx").append("device", bytes(device)).append("page", "https://x/p");
          row.addGroup("ids").addGroup("list").append("element", bytes(device));
          return row;
        });
    for (String schemaFiles : List.of("ends", "all")) {
      Dataset<Row> read = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("uuids"),
          "input.schema-files=" + schemaFiles, "input.columns.user_id=ctx.device"))).read(LocalDate.parse("2026-01-05"), LocalDate.parse("2026-01-05"));
      Row row = read.select("event_id", "visitor_id", "user_id").first();
      assertThat(List.of(row.getString(0), row.getString(1), row.getString(2)))
          .as(schemaFiles).containsExactly("u1", visitor.toString(), device.toString());
      // In the raw row too, as text where a struct reaches it; inside a list, as the bytes Spark reads.
      Row raw = read.select(EventReader.INPUT_ROW + ".visitor_id", EventReader.INPUT_ROW + ".ctx.device",
          EventReader.INPUT_ROW + ".ids").first();
      assertThat(raw.getString(0)).isEqualTo(visitor.toString());
      assertThat(raw.getString(1)).isEqualTo(device.toString());
      assertThat(raw.getList(2)).hasSize(1);
      assertThat((byte[]) raw.getList(2).get(0)).isEqualTo(bytes(device).getBytes());
    }
  }

  @Test
  void aUuidColumnThatIsTextInOtherFilesIsAConflictNamingTheUuid(@TempDir Path dir) throws Exception {
    // Upstream moved visitor_id from text to DuckDB's UUID type: Spark reads no 16 bytes as text.
    writeWithParquetMr(dir.resolve("moved/event_date=2026-01-05"), "message event { required binary event_id (STRING); "
        + "required binary visitor_id (STRING); required binary event_name (STRING); required int64 event_time (TIMESTAMP(MICROS,true)); }",
        row -> row.append("event_id", "t1").append("visitor_id", "5b1f0c3e-8f6a-4d2b-9c1e-0a1b2c3d4e5f")
            .append("event_name", "page_view").append("event_time", 1767607200000000L));
    writeWithParquetMr(dir.resolve("moved/event_date=2026-01-06"), "message event { required binary event_id (STRING); "
        + "required fixed_len_byte_array(16) visitor_id (UUID); required binary event_name (STRING); "
        + "required int64 event_time (TIMESTAMP(MICROS,true)); }",
        row -> row.append("event_id", "t2").append("visitor_id", bytes(java.util.UUID.fromString("5b1f0c3e-8f6a-4d2b-9c1e-0a1b2c3d4e5f")))
            .append("event_name", "page_view").append("event_time", 1767693600000000L));
    EventReader moved = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("moved"))));
    assertThatThrownBy(() -> moved.read(LocalDate.parse("2026-01-05"), LocalDate.parse("2026-01-06")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: column visitor_id is STRING in ")
        .hasMessageContaining(" but UUID in ")
        .hasMessageEndingWith("; input.columns.visitor_id = 'visitor_id' reads it");
  }

  private static org.apache.parquet.io.api.Binary bytes(java.util.UUID uuid) {
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(16);
    buffer.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return org.apache.parquet.io.api.Binary.fromConstantByteArray(buffer.array());
  }

  @Test
  void twoColumnsDifferingOnlyInCaseStopTheReadWithTheSettingThatReadsThem(@TempDir Path dir) throws Exception {
    // An export with event_name and EVENT_NAME (a black-box test, written by DuckDB): the line named
    // both, but not that Spark can be told to tell them apart. Written by parquet-mr, not Spark,
    // which refuses to write such a file in its default mode.
    writeWithParquetMr(dir.resolve("cased/event_date=2026-01-05"), "message event { required binary event_id (STRING); "
        + "required binary visitor_id (STRING); required binary event_name (STRING); required binary EVENT_NAME (STRING); "
        + "required int64 event_time (TIMESTAMP(MICROS,true)); }",
        row -> row.append("event_id", "c1").append("visitor_id", "v1").append("event_name", "page_view")
            .append("EVENT_NAME", "PAGE_VIEW").append("event_time", 1767607200000000L));
    EventReader cased = new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("cased"))));
    LocalDate day = LocalDate.parse("2026-01-05");
    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> cased.read(day, day).collectAsList());
    assertThat(io.journeys.ErrorMessages.reason(failure))
        .contains("Found duplicate field(s) \"event_name\": [event_name, EVENT_NAME] in case-insensitive mode.")
        .endsWith(" to read these files set spark.conf.\"spark.sql.caseSensitive\" = true, and name the columns in"
            + " input.columns and the rules in their exact case.");

    // With the setting both are columns, the day's schema read from its files' footers included
    // (a black-box test: the second of the two was dropped there, so no mapping could name it).
    spark.conf().set("spark.sql.caseSensitive", "true");
    try {
      EventReader upper = new EventReader(spark, SettingsLoader.load(Optional.empty(),
          List.of("input.path=" + dir.resolve("cased"), "input.columns.event_name=EVENT_NAME")));
      assertThat(upper.read(day, day).select("event_name").as(Encoders.STRING()).collectAsList()).containsExactly("PAGE_VIEW");
      assertThat(cased.read(day, day).select("event_name").as(Encoders.STRING()).collectAsList()).containsExactly("page_view");
    } finally {
      spark.conf().unset("spark.sql.caseSensitive");
    }
  }

  @Test
  void orcAndDeltaInputsGiveTheParquetDaysRowsAndAMissingDayFailsAlike(@TempDir Path dir) {
    Dataset<Row> written = new EventFixtures()
        .event("a", "v1", "2026-03-10 10:00:00", "page_view")
        .event("b", "v1", "2026-03-11 10:00:00", "add_to_cart")
        .event("c", "v2", "2026-03-12 23:59:59", "page_view")
        .toDataset(spark)
        .drop(EventReader.EVENT_TIME_RAW);
    written.write().partitionBy("event_date").orc(dir.resolve("orc").toString());
    written.write().format("delta").partitionBy("event_date").save(dir.resolve("delta").toString());
    for (String format : List.of("orc", "delta")) {
      EventReader formatReader = new EventReader(spark, SettingsLoader.load(Optional.empty(),
          List.of("input.path=" + dir.resolve(format), "input.format=" + format)));
      List<String> rows = formatReader.read(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-12"))
          .selectExpr("concat_ws(' ', event_id, event_date, date_format(event_time, 'yyyy-MM-dd HH:mm:ss'), event_name)")
          .as(Encoders.STRING()).collectAsList();
      assertThat(rows).as(format).containsExactlyInAnyOrder(
          "b 2026-03-11 2026-03-11 10:00:00 add_to_cart", "c 2026-03-12 2026-03-12 23:59:59 page_view");
      formatReader.checkAvailable(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-12"));
      assertThatThrownBy(() -> formatReader.checkAvailable(LocalDate.parse("2026-03-12"), LocalDate.parse("2026-03-13")))
          .as(format)
          .isInstanceOf(JobFailure.class)
          .hasMessageStartingWith("Cannot run for 2026-03-13: input partition ")
          .hasMessageContaining(format.equals("orc")
              ? "orc/event_date=2026-03-13 does not exist"
              : "event_date=2026-03-13 is not in the Delta table " + dir.resolve("delta"))
          .hasMessageEndingWith("(upstream late? set input.allow-empty-days = true for quiet days)");
    }
  }

  @Test
  void aDeltaDayDeletedToBeRewrittenIsMissingThoughItsDirectoryRemains(@TempDir Path dir) {
    String table = dir.resolve("delta").toString();
    new EventFixtures()
        .event("a", "v1", "2026-03-10 10:00:00", "page_view")
        .event("b", "v1", "2026-03-11 10:00:00", "page_view")
        .toDataset(spark)
        .drop(EventReader.EVENT_TIME_RAW)
        .write().format("delta").partitionBy("event_date").save(table);
    io.delta.tables.DeltaTable.forPath(spark, table).delete("event_date = DATE'2026-03-11'");
    assertThat(dir.resolve("delta").resolve("event_date=2026-03-11")).isDirectoryContaining("glob:**.parquet");
    EventReader deltaReader = new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + table, "input.format=delta")));
    deltaReader.checkAvailable(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10"));
    assertThatThrownBy(() -> deltaReader.checkAvailable(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-11")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot run for 2026-03-11: input partition event_date=2026-03-11 is not in the Delta table ");
  }

  /**
   * A Delta input partitioned by GA4's YYYYMMDD text: the date filter's cast failed the run in a
   * line naming neither the input nor the column, or, with allow-empty-days, blaming a rule (a
   * review). ISO text reads as dates.
   */
  @Test
  void aDeltaInputWhoseEventDateIsTextOfAnotherFormStopsTheRunNamingItAndIsoTextReads(@TempDir Path dir) {
    String compact = dir.resolve("compact").toString();
    spark.sql("SELECT 'a' AS event_id, 'v1' AS visitor_id, 'page_view' AS event_name,"
            + " TIMESTAMP'2026-03-10 10:00:00' AS event_time, '20260310' AS event_date")
        .write().format("delta").partitionBy("event_date").save(compact);
    for (boolean allowEmptyDays : List.of(false, true)) {
      EventReader compactReader = new EventReader(spark, SettingsLoader.load(Optional.empty(),
          List.of("input.path=" + compact, "input.format=delta", "input.allow-empty-days=" + allowEmptyDays)));
      assertThatThrownBy(() -> {
        compactReader.checkAvailable(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10"));
        compactReader.read(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10"));
      }).as("allow-empty-days " + allowEmptyDays).isInstanceOf(JobFailure.class)
          .hasMessage("Cannot read events: the Delta table " + compact + " has event_date values that are no date"
              + " ('20260310'): it must be a DATE, or text of the form YYYY-MM-DD");
    }
    String iso = dir.resolve("iso").toString();
    spark.sql("SELECT 'b' AS event_id, 'v1' AS visitor_id, 'page_view' AS event_name,"
            + " TIMESTAMP'2026-03-10 10:00:00' AS event_time, '2026-03-10' AS event_date")
        .write().format("delta").partitionBy("event_date").save(iso);
    EventReader isoReader = new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + iso, "input.format=delta")));
    isoReader.checkAvailable(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10"));
    assertThat(ids(isoReader.read(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10")))).containsExactly("b");
  }

  @Test
  void aRangeOfOnlyAnEmptyDirectoryOrNoDirectoryIsEmpty() {
    assertThat(ids(reader.read(LocalDate.parse("2026-03-13"), LocalDate.parse("2026-03-13")))).isEmpty();
    assertThat(ids(reader.read(LocalDate.parse("2026-03-20"), LocalDate.parse("2026-03-21")))).isEmpty();
  }

  @Test
  void westOfUtcTheNextPartitionHoldsTheEndOfTheRunDayAndMustExist() {
    // New York's 2026-03-13 ends at 03-14 04:00 UTC (EDT from 03-08), inside partition 03-14,
    // which is missing. Kolkata's 03-10 began at 03-09 18:30 UTC, in partition 03-09, also missing:
    // input arrives in time order, so only a trailing partition can be late, and that one is not
    // checked. UTC's 03-13 needs its own partition only (present, empty).
    EventReader newYork = readerIn("America/New_York");
    assertThatThrownBy(() -> newYork.checkAvailable(LocalDate.parse("2026-03-12"), LocalDate.parse("2026-03-13")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot run for 2026-03-13: input partition ")
        .hasMessageContaining("event_date=2026-03-14 does not exist; it holds the end of 2026-03-13 in America/New_York");
    newYork.checkAvailable(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-12"));
    readerIn("Asia/Kolkata").checkAvailable(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10"));
    readerIn("UTC").checkAvailable(LocalDate.parse("2026-03-13"), LocalDate.parse("2026-03-13"));
    new EventReader(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + events,
        "reporting.timezone=America/New_York", "input.allow-empty-days=true")))
        .checkAvailable(LocalDate.parse("2026-03-13"), LocalDate.parse("2026-03-13"));
  }

  private EventReader readerIn(String zone) {
    return new EventReader(spark, SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + events, "reporting.timezone=" + zone)));
  }

  @Test
  void epochNumbersWrittenAsTextAreReadByMagnitudeLikeNumbers() {
    // 2026-01-05T10:00:00Z is 1767607200 s since 1970 (1767225600 for 2026-01-01, plus 4 days
    // and 10 hours); the same instant in millis and micros, then ISO text, a year alone and junk.
    // Nanos are cut to micros, Spark's precision; 20 digits are no epoch number.
    List<String> read = timesOfText("yyyy-MM-dd HH:mm:ss.SSSSSS", "1767607200", " 1767607200123 ",
        "1767607200123456", "1767607200123456789", "2026-01-05T10:00:00Z", "2026", "12x4", "17676072001234567890");
    assertThat(read).containsExactly("2026-01-05 10:00:00.000000", "2026-01-05 10:00:00.123000",
        "2026-01-05 10:00:00.123456", "2026-01-05 10:00:00.123456", "2026-01-05 10:00:00.000000",
        "2026-01-01 00:00:00.000000", null, null);
  }

  @Test
  void javasZonedFormIsReadByItsOffsetOrElseItsRegion() {
    // ZonedDateTime.toString(): the offset when present decides (it settles the hour a clock change
    // repeats); without one the region does: Paris is UTC+1 in January, UTC+2 in July. Last, the
    // offset form that ISO-8601 itself has, and a region that does not exist.
    List<String> read = timesOfText("yyyy-MM-dd HH:mm:ss.SSS", "2026-01-05T10:00:00+02:00[Europe/Paris]",
        "2026-01-05T10:00:00.5Z[UTC]", "2026-01-05T10:00:00[Europe/Paris]", "2026-07-05T10:00:00[Europe/Paris]",
        "2026-10-25T02:30:00+01:00[Europe/Paris]", "2026-01-05T10:00:00+02:00", "2026-01-05T10:00:00[Mars/Olympus]");
    assertThat(read).containsExactly("2026-01-05 08:00:00.000", "2026-01-05 10:00:00.500",
        "2026-01-05 09:00:00.000", "2026-07-05 08:00:00.000", "2026-10-25 01:30:00.000",
        "2026-01-05 08:00:00.000", null);
  }

  /**
   * ISO-8601 forms Spark's cast alone leaves null: a zone after a time without seconds or minutes,
   * lower-case t and z, a comma before the fraction. Then forms it read already, unchanged (a date
   * alone, a time without a zone, a zone id after a space), one-digit minutes as Spark reads them,
   * and forms that stay unparseable: the basic format, a leap second, 24:00, a fraction of a minute
   * or an hour (it became a fraction of the second when ":00" went in before it).
   */
  @Test
  void isoTimesWithoutSecondsBeforeAZoneOrInLowerCaseAreRead() {
    List<String> read = timesOfText("yyyy-MM-dd HH:mm:ss.SSS", "2026-03-03T10:00Z", "2026-03-03T10:00+02:00",
        "2026-03-03T10Z", "2026-03-03 10:00 UTC", "2026-03-03t10:00:00z", "2026-03-03T10:00:00,5Z",
        "2026-03-03T10:00-05:00[America/New_York]", "2026-03-03", "2026-03-03T10:05", "2026-03-03T10:00:00.25 Europe/Paris",
        "2026-03-03T10:5Z", "20260303T100000Z", "2026-03-03T23:59:60Z", "2026-03-03T24:00:00Z", "2026-03-03T10:30.5Z",
        "2026-03-03T10.5Z", "2026-03-03T10:30,5");
    assertThat(read).containsExactly("2026-03-03 10:00:00.000", "2026-03-03 08:00:00.000",
        "2026-03-03 10:00:00.000", "2026-03-03 10:00:00.000", "2026-03-03 10:00:00.000", "2026-03-03 10:00:00.500",
        "2026-03-03 15:00:00.000", "2026-03-03 00:00:00.000", "2026-03-03 10:05:00.000", "2026-03-03 09:00:00.250",
        "2026-03-03 10:05:00.000", null, null, null, null, null, null);
  }

  /** Each text as event_time reads it, formatted in UTC with the pattern (null: unparseable). */
  private List<String> timesOfText(String pattern, String... texts) {
    Dataset<Row> text = spark.createDataset(List.of(texts), Encoders.STRING()).toDF("t");
    return text.select(org.apache.spark.sql.functions.date_format(
            EventReader.normaliseTime(text.col("t"), org.apache.spark.sql.types.DataTypes.StringType), pattern))
        .as(Encoders.STRING()).collectAsList();
  }
}
