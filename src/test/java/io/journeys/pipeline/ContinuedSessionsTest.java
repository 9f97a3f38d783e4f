package io.journeys.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.EventFixtures;
import io.journeys.TestSpark;
import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import io.journeys.io.DeltaTableWriter;
import io.journeys.io.EventReader;
import io.journeys.io.TableLocations;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContinuedSessionsTest {
  private final SparkSession spark = TestSpark.session();

  /** A session row as one line: date, device, start-end, events, page views. */
  private static final String SESSION_ROW = "concat(session_date, ' ', visitor_id, ' ', date_format(session_start, 'MM-dd HH:mm'), '-',"
      + " date_format(session_end, 'MM-dd HH:mm'), ' ', events, ' ', page_views)";

  private static List<String> strings(Dataset<Row> rows, String expression) {
    return rows.selectExpr(expression).as(Encoders.STRING()).collectAsList();
  }

  private Dataset<Row> sessionRows(String values) {
    return spark.sql("SELECT visitor_id, session_id, TIMESTAMP(session_start) AS session_start,"
        + " TIMESTAMP(session_end) AS session_end, CAST(events AS BIGINT) AS events, CAST(page_views AS BIGINT) AS page_views"
        + " FROM VALUES " + values + " AS t(visitor_id, session_id, session_start, session_end, events, page_views)");
  }

  @Test
  void aRowChangesOnlyWhereItsStoredRowHasTheSameKeyAndDiffersInEndEventsOrPageViews() {
    // a: one more event. b: the same. c: no stored row. d: the same id and end, another start (a
    // tracker id naming two sessions). e: page views unknown before, known now.
    Dataset<Row> stored = sessionRows("('a', 'A', '2026-05-31 23:55:00', '2026-05-31 23:55:00', 1, 1),"
        + " ('b', 'B', '2026-05-31 23:50:00', '2026-06-01 00:10:00', 2, 2),"
        + " ('d', 'D', '2026-05-31 22:00:00', '2026-06-01 00:10:00', 2, 2),"
        + " ('e', 'E', '2026-05-31 23:00:00', '2026-06-01 00:10:00', 2, NULL)");
    Dataset<Row> recomputed = sessionRows("('a', 'A', '2026-05-31 23:55:00', '2026-06-01 00:05:00', 2, 1),"
        + " ('b', 'B', '2026-05-31 23:50:00', '2026-06-01 00:10:00', 2, 2),"
        + " ('c', 'C', '2026-05-31 23:40:00', '2026-06-01 00:10:00', 2, 2),"
        + " ('d', 'D', '2026-05-31 23:00:00', '2026-06-01 00:10:00', 2, 2),"
        + " ('e', 'E', '2026-05-31 23:00:00', '2026-06-01 00:10:00', 2, 2)");
    assertThat(strings(ContinuedSessions.changed(recomputed, stored), "concat(visitor_id, ' ', events, ' ', page_views)"))
        .containsExactlyInAnyOrder("a 2 1", "e 2 2");
  }

  @Test
  void aLateEventThatExtendsASessionBegunOnTheDayReadButNotRewrittenUpdatesItsRowAsARangeWould(@TempDir Path dir) {
    // One late day. d views a page at 05-31 23:55 and at 06-01 00:30 (35 minutes apart: two
    // sessions), and adds to cart at 06-01 00:05, an event that reaches 06-02's partition. The
    // 06-01 run rewrites 05-31 and 06-01 without it. The 06-02 run rewrites 06-01 and 06-02 and reads
    // 05-31 only to continue sessions: the late event joins d's two sessions into one that begins on
    // 05-31, 23:55 to 00:30, 3 events, 2 page views. c crosses midnight too, with nothing late; b
    // does not cross it.
    writeEvents(dir);

    DeltaTableWriter daily = writer(dir, "daily");
    JobSettings settings = settings(dir, "daily");
    new Stage1Job(spark, settings, daily).run(LocalDate.parse("2026-06-01"), LocalDate.parse("2026-06-01"), () -> Optional.empty(), "r1");
    assertThat(strings(sessions(dir, "daily"), SESSION_ROW)).containsExactlyInAnyOrder(
        "2026-05-31 b 05-31 12:00-05-31 12:00 1 1",
        "2026-05-31 c 05-31 23:50-06-01 00:10 2 2",
        "2026-05-31 d 05-31 23:55-05-31 23:55 1 1",
        "2026-06-01 d 06-01 00:30-06-01 00:30 1 1");

    // An operator's own metadata for the session's commits: the run's are its own, and the
    // operator's is back after the MERGE.
    String userMetadata = "spark.databricks.delta.commitInfo.userMetadata";
    spark.conf().set(userMetadata, "the operator's");
    Stage1Job.Result second = new Stage1Job(spark, settings, daily.withCommitMetadata("run r2"))
        .run(LocalDate.parse("2026-06-02"), LocalDate.parse("2026-06-02"), () -> Optional.of(LocalDate.parse("2026-06-01")), "r2");
    List<String> expected = List.of(
        "2026-05-31 b 05-31 12:00-05-31 12:00 1 1",
        "2026-05-31 c 05-31 23:50-06-01 00:10 2 2",
        "2026-05-31 d 05-31 23:55-06-01 00:30 3 2",
        "2026-06-02 e 06-02 10:00-06-02 10:00 1 1");
    assertThat(strings(sessions(dir, "daily"), SESSION_ROW)).containsExactlyInAnyOrderElementsOf(expected);
    // e's row in the rewritten days and d's row updated on 05-31.
    assertThat(second.rowsWritten().get("sessions")).isEqualTo(2L);
    // The conversion the late event fired names the session its row now describes.
    assertThat(strings(spark.read().format("delta").load(dir.resolve("daily").resolve("conversions").toString()),
        "session_id")).hasSize(1).allMatch(id -> strings(sessions(dir, "daily").filter("visitor_id = 'd'"), "session_id").contains(id));

    // One MERGE commit: the second run's, which carries that run's metadata as its write does.
    assertThat(spark.conf().get(userMetadata)).isEqualTo("the operator's");
    spark.conf().unset(userMetadata);
    assertThat(strings(spark.sql("DESCRIBE HISTORY delta.`" + dir.resolve("daily").resolve("sessions") + "`")
            .orderBy("version"), "concat(operation, ' ', coalesce(userMetadata, '-'))"))
        .filteredOn(c -> !c.startsWith("CREATE")).containsExactly("WRITE -", "WRITE run r2", "MERGE run r2");

    new Stage1Job(spark, settings(dir, "range"), writer(dir, "range"))
        .run(LocalDate.parse("2026-06-01"), LocalDate.parse("2026-06-02"), () -> Optional.empty(), "r3");
    assertThat(strings(sessions(dir, "range"), SESSION_ROW)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aLateEventThatCutsASessionBegunOnTheDayReadButNotRewrittenUpdatesItsRowAsARangeWould(@TempDir Path dir) {
    // One late day. f views pages at 05-31 23:50 (medium cpc), 06-01 00:10 and 00:20 (no campaign:
    // no split), one session across midnight. f4, a page view at 06-01 00:05 with medium
    // paid_social, reaches 06-02's partition: a campaign change, so a range cuts f's session at
    // 23:50 (05-31, 1 event) and starts another at 00:05 (06-01, 3 events). The 06-02 run rewrites
    // 06-01 and reads 05-31 only to continue sessions: it wrote 06-01's session, and left 05-31's
    // row ending at 00:20 with 3 events, so 00:10 and 00:20 counted twice (a review).
    Dataset<Row> events = new EventFixtures()
        .event("f1", "f", "2026-05-31 23:50:00", "page_view", "https://s.com/", null, "cpc", null)
        .event("f2", "f", "2026-06-01 00:10:00", "page_view", "https://s.com/a", null, null, null)
        .event("f3", "f", "2026-06-01 00:20:00", "page_view", "https://s.com/b", null, null, null)
        .event("f4", "f", "2026-06-01 00:05:00", "page_view", "https://s.com/c", null, "paid_social", null)
        .event("g1", "g", "2026-06-02 10:00:00", "page_view", "https://s.com/", null, null, null)
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW);
    events.withColumn("event_date", functions.when(events.col("event_id").equalTo("f4"), java.sql.Date.valueOf("2026-06-02"))
            .otherwise(events.col("event_date")))
        .write().partitionBy("event_date").parquet(dir.resolve("events").toString());

    JobSettings settings = settings(dir, "cut");
    DeltaTableWriter daily = writer(dir, "cut");
    new Stage1Job(spark, settings, daily).run(LocalDate.parse("2026-06-01"), LocalDate.parse("2026-06-01"), () -> Optional.empty(), "r1");
    assertThat(strings(sessions(dir, "cut"), SESSION_ROW)).containsExactlyInAnyOrder("2026-05-31 f 05-31 23:50-06-01 00:20 3 3");
    new Stage1Job(spark, settings, daily)
        .run(LocalDate.parse("2026-06-02"), LocalDate.parse("2026-06-02"), () -> Optional.of(LocalDate.parse("2026-06-01")), "r2");
    List<String> expected = List.of(
        "2026-05-31 f 05-31 23:50-05-31 23:50 1 1",
        "2026-06-01 f 06-01 00:05-06-01 00:20 3 3",
        "2026-06-02 g 06-02 10:00-06-02 10:00 1 1");
    assertThat(strings(sessions(dir, "cut"), SESSION_ROW)).containsExactlyInAnyOrderElementsOf(expected);

    new Stage1Job(spark, settings(dir, "cutrange"), writer(dir, "cutrange"))
        .run(LocalDate.parse("2026-06-01"), LocalDate.parse("2026-06-02"), () -> Optional.empty(), "r3");
    assertThat(strings(sessions(dir, "cutrange"), SESSION_ROW)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aRerunOfADayThatLaterRunsRewroteGivesTheRowsTheyLeft(@TempDir Path dir) {
    // The events of the test above, run day by day (06-01, then 06-02), then 06-01 again. The
    // 06-02 run rewrote 06-01 with d2, an add to cart of 06-01 stored in 06-02's partition, which
    // joins d's events into one session of 05-31, 23:55 to 06-01 00:30 (3 events, 2 page views).
    // A rerun of 06-01 that read its own partitions only wrote d's two sessions again, as the
    // first 06-01 run had (23:55 alone, and 00:30 alone on 06-01), and lost the add to cart.
    writeEvents(dir);
    JobSettings settings = settings(dir, "rerun");
    DeltaTableWriter rerun = writer(dir, "rerun");
    new Stage1Job(spark, settings, rerun).run(LocalDate.parse("2026-06-01"), LocalDate.parse("2026-06-01"), () -> Optional.empty(), "r1");
    new Stage1Job(spark, settings, rerun)
        .run(LocalDate.parse("2026-06-02"), LocalDate.parse("2026-06-02"), () -> Optional.of(LocalDate.parse("2026-06-01")), "r2");

    new Stage1Job(spark, settings, rerun)
        .run(LocalDate.parse("2026-06-01"), LocalDate.parse("2026-06-01"), () -> Optional.of(LocalDate.parse("2026-06-02")), "r3");
    assertThat(strings(sessions(dir, "rerun"), SESSION_ROW)).containsExactlyInAnyOrder(
        "2026-05-31 b 05-31 12:00-05-31 12:00 1 1",
        "2026-05-31 c 05-31 23:50-06-01 00:10 2 2",
        "2026-05-31 d 05-31 23:55-06-01 00:30 3 2",
        "2026-06-02 e 06-02 10:00-06-02 10:00 1 1");
    Dataset<Row> conversions = spark.read().format("delta").load(dir.resolve("rerun").resolve("conversions").toString());
    assertThat(strings(conversions, "concat(event_date, ' ', visitor_key, ' ', conversion, ' ', date_format(event_time, 'HH:mm'))"))
        .containsExactly("2026-06-01 d add_to_cart 00:05");
    assertThat(strings(conversions, "session_id"))
        .isEqualTo(strings(sessions(dir, "rerun").filter("visitor_id = 'd'"), "session_id"));
  }

  @Test
  void aTrackersIdReusedDaysLaterMakesTheSameSessionsInARangeAsInItsDaysRunInOrder(@TempDir Path dir) {
    // sessions.source = input, one late day. r carries tracker id R7 on 05-10 and again on 05-14: the
    // 05-14 run reads back to 05-12 and cannot join them, and the range joined them into one session
    // of 05-10 to 05-14 (a black-box test; a rerun of 05-14 then counted its event again). s keeps
    // S1 for 23 hours, which every run that writes it reads whole: one session. t keeps T1 for 25
    // hours, which the 05-13 run would still read whole: two sessions by the one-day rule.
    Dataset<Row> events = new EventFixtures()
        .event("r1", "r", "2026-05-10 10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("r2", "r", "2026-05-14 10:00:00", "page_view", "https://s.com/a", null, null, null)
        .event("s1", "s", "2026-05-11 23:00:00", "page_view", "https://s.com/", null, null, null)
        .event("s2", "s", "2026-05-12 22:00:00", "page_view", "https://s.com/a", null, null, null)
        .event("t1", "t", "2026-05-12 09:00:00", "page_view", "https://s.com/", null, null, null)
        .event("t2", "t", "2026-05-13 10:00:00", "page_view", "https://s.com/a", null, null, null)
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW)
        .withColumn("session_id", functions.expr("CASE visitor_id WHEN 'r' THEN 'R7' WHEN 's' THEN 'S1' ELSE 'T1' END"));
    events.write().partitionBy("event_date").parquet(dir.resolve("events").toString());
    List<String> expected = List.of(
        "2026-05-10 r 05-10 10:00-05-10 10:00 1 1",
        "2026-05-14 r 05-14 10:00-05-14 10:00 1 1",
        "2026-05-11 s 05-11 23:00-05-12 22:00 2 2",
        "2026-05-12 t 05-12 09:00-05-12 09:00 1 1",
        "2026-05-13 t 05-13 10:00-05-13 10:00 1 1");

    JobSettings days = inputSessions(dir, "reused");
    DeltaTableWriter daily = writer(dir, "reused");
    Optional<LocalDate> last = Optional.empty();
    for (LocalDate day = LocalDate.parse("2026-05-10"); !day.isAfter(LocalDate.parse("2026-05-14")); day = day.plusDays(1)) {
      Optional<LocalDate> before = last;
      new Stage1Job(spark, days, daily).run(day, day, () -> before, "d" + day);
      last = Optional.of(day);
    }
    assertThat(strings(sessions(dir, "reused"), SESSION_ROW)).containsExactlyInAnyOrderElementsOf(expected);

    new Stage1Job(spark, inputSessions(dir, "reusedrange"), writer(dir, "reusedrange"))
        .run(LocalDate.parse("2026-05-10"), LocalDate.parse("2026-05-14"), () -> Optional.empty(), "range");
    assertThat(strings(sessions(dir, "reusedrange"), SESSION_ROW)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void eventsOfTheDayReadButNotRewrittenStoredADayEarlierAreInTheSessionsItContinues(@TempDir Path dir) {
    // One late day. m views pages at 05-31 23:30, 23:40 and 23:50; 23:40
    // comes from a device clock ahead and is stored in 05-30's partition. f's first view, 23:40,
    // is stored there too, and its second at 23:55 in 05-31's. Each adds to cart at 06-01 00:05,
    // an event that reaches 06-02's partition. The 06-01 run reads 05-30 and writes m's and f's
    // sessions of 05-31 whole. The 06-02 run continues them from 05-31: reading from 05-31 only,
    // it walked m without 23:40 (updated to 3 events, 2 page views) and f from 23:55 (no stored
    // row of that start: left at 2 events).
    Dataset<Row> events = new EventFixtures()
        .event("m1", "m", "2026-05-31 23:30:00", "page_view", "https://s.com/", null, null, null)
        .event("m2", "m", "2026-05-31 23:40:00", "page_view", "https://s.com/a", null, null, null)
        .event("m3", "m", "2026-05-31 23:50:00", "page_view", "https://s.com/b", null, null, null)
        .event("m4", "m", "2026-06-01 00:05:00", "add_to_cart", "https://s.com/p", null, null, null)
        .event("f1", "f", "2026-05-31 23:40:00", "page_view", "https://s.com/", null, null, null)
        .event("f2", "f", "2026-05-31 23:55:00", "page_view", "https://s.com/a", null, null, null)
        .event("f3", "f", "2026-06-01 00:05:00", "add_to_cart", "https://s.com/p", null, null, null)
        .event("x1", "x", "2026-05-30 12:00:00", "page_view", "https://s.com/", null, null, null)
        .event("y1", "y", "2026-06-01 12:00:00", "page_view", "https://s.com/", null, null, null)
        .event("z1", "z", "2026-06-02 12:00:00", "page_view", "https://s.com/", null, null, null)
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW);
    events.withColumn("event_date",
            functions.when(events.col("event_id").isin("m2", "f1"), java.sql.Date.valueOf("2026-05-30"))
                .when(events.col("event_id").isin("m4", "f3"), java.sql.Date.valueOf("2026-06-02"))
                .otherwise(events.col("event_date")))
        .write().partitionBy("event_date").parquet(dir.resolve("events").toString());
    java.util.function.Function<String, JobSettings> settings = warehouse -> SettingsLoader.load(Optional.empty(),
        List.of("input.path=" + dir.resolve("events"), "output.path=" + dir.resolve(warehouse),
            "output.database=continued_" + warehouse, "input.late-days=1"));

    DeltaTableWriter daily = writer(dir, "daily");
    new Stage1Job(spark, settings.apply("daily"), daily)
        .run(LocalDate.parse("2026-06-01"), LocalDate.parse("2026-06-01"), () -> Optional.empty(), "r1");
    assertThat(strings(sessions(dir, "daily").filter("visitor_id IN ('m', 'f')"), SESSION_ROW)).containsExactlyInAnyOrder(
        "2026-05-31 m 05-31 23:30-05-31 23:50 3 3",
        "2026-05-31 f 05-31 23:40-05-31 23:55 2 2");
    Stage1Job.Result second = new Stage1Job(spark, settings.apply("daily"), daily)
        .run(LocalDate.parse("2026-06-02"), LocalDate.parse("2026-06-02"), () -> Optional.of(LocalDate.parse("2026-06-01")), "r2");
    List<String> expected = List.of(
        "2026-05-31 m 05-31 23:30-06-01 00:05 4 3",
        "2026-05-31 f 05-31 23:40-06-01 00:05 3 2");
    assertThat(strings(sessions(dir, "daily").filter("visitor_id IN ('m', 'f')"), SESSION_ROW))
        .containsExactlyInAnyOrderElementsOf(expected);
    // 05-30's partition gives those two events to the walk and x's only to the dedupe; it is
    // counted by no run, since none of these writes its date.
    assertThat(strings(sessions(dir, "daily"), "visitor_id")).doesNotContain("x");
    assertThat(second.counts()).containsOnlyKeys(LocalDate.parse("2026-06-01"), LocalDate.parse("2026-06-02"));
    assertThat(second.counts().get(LocalDate.parse("2026-06-01")).read()).isEqualTo(1L);
    assertThat(second.counts().get(LocalDate.parse("2026-06-02")).read()).isEqualTo(3L);

    new Stage1Job(spark, settings.apply("range"), writer(dir, "range"))
        .run(LocalDate.parse("2026-06-01"), LocalDate.parse("2026-06-02"), () -> Optional.empty(), "r3");
    assertThat(strings(sessions(dir, "range").filter("visitor_id IN ('m', 'f')"), SESSION_ROW))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  private JobSettings inputSessions(Path dir, String warehouse) {
    return SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("events"),
        "output.path=" + dir.resolve(warehouse), "output.database=continued_" + warehouse, "input.late-days=1",
        "input.allow-empty-days=true", "sessions.source=input"));
  }

  /** The events of the two tests above, as input partitions: d2 is stored in 06-02's partition. */
  private void writeEvents(Path dir) {
    Dataset<Row> events = new EventFixtures()
        .event("b1", "b", "2026-05-31 12:00:00", "page_view", "https://s.com/", null, null, null)
        .event("c1", "c", "2026-05-31 23:50:00", "page_view", "https://s.com/", null, null, null)
        .event("c2", "c", "2026-06-01 00:10:00", "page_view", "https://s.com/a", null, null, null)
        .event("d1", "d", "2026-05-31 23:55:00", "page_view", "https://s.com/", null, null, null)
        .event("d2", "d", "2026-06-01 00:05:00", "add_to_cart", "https://s.com/p", null, null, null)
        .event("d3", "d", "2026-06-01 00:30:00", "page_view", "https://s.com/b", null, null, null)
        .event("e1", "e", "2026-06-02 10:00:00", "page_view", "https://s.com/", null, null, null)
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW);
    events.withColumn("event_date", functions.when(events.col("event_id").equalTo("d2"), java.sql.Date.valueOf("2026-06-02"))
            .otherwise(events.col("event_date")))
        .write().partitionBy("event_date").parquet(dir.resolve("events").toString());
  }

  private JobSettings settings(Path dir, String warehouse) {
    return SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("events"),
        "output.path=" + dir.resolve(warehouse), "output.database=continued_" + warehouse, "input.late-days=1"));
  }

  private DeltaTableWriter writer(Path dir, String warehouse) {
    return new DeltaTableWriter(spark, new TableLocations(dir.resolve(warehouse).toString(), "continued_" + warehouse));
  }

  private Dataset<Row> sessions(Path dir, String warehouse) {
    return spark.read().format("delta").load(dir.resolve(warehouse).resolve("sessions").toString());
  }
}
