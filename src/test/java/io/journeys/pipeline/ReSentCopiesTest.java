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
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copies of an event re-sent with a new time: the daily runs keep or drop them as a range does. */
class ReSentCopiesTest {
  /** An identities row as one line: device, user, day, first and last sighting. */
  private static final String LINK = "concat_ws(' ', visitor_id, user_id, last_seen_date,"
      + " date_format(first_seen, 'HH:mm'), date_format(last_seen, 'HH:mm'))";
  /** A sessions row as one line: date, start, key. */
  private static final String SESSION = "concat_ws(' ', session_date, date_format(session_start, 'MM-dd HH:mm'), visitor_key)";
  private final SparkSession spark = TestSpark.session();

  @Test
  void copiesReSentOrStoredOutOfOrderAreKeptOrDroppedInTheDailyRunsAsInTheRange(@TempDir Path dir) {
    // One late day. d logs in as u at 05-30 20:00 and as w at 23:00; the u login (id r1) is re-sent
    // at 05-31 00:05. The 06-01 and 06-02 runs both read 05-30's partition and drop the re-send.
    // Until 2026-12-06 the 06-02 run read from 05-31 only, kept the re-send and merged (d, u, seen
    // 05-31 00:05): d's session of 06-01, re-keyed by that run, was keyed u (the user d was seen
    // with last) where the range keys it w.
    // g logs in as v at 05-29 23:00 (id a1), stored in 05-29's partition, re-sent at 05-30 23:50
    // and stored a day late, in 05-31's. The 05-31 and 06-01 runs read 05-29 and drop it. The
    // 06-02 run, reading from 05-30, keeps it, but writes nothing dated before 05-31, the day it
    // reads and does not rewrite. Until 2026-12-06 the 06-01 run read from 05-30 and merged (g, v,
    // 05-30), which neither the range nor the date's last writer (05-31) has.
    // h logs in as u at 06-01 14:00 (id k), an event that reaches 06-02's partition, and its copy
    // timed 15:00 is stored in 06-01's; h logs in as w at 14:30. The 06-01 run has only the 15:00
    // copy and keeps it; the 06-02 run, as the range, keeps 14:00 and drops 15:00. Until 2026-12-06
    // the links were merged and kept the 06-01 run's sighting: u seen 14:00 to 15:00, after w, so
    // the daily runs keyed h's sessions u where the range keys them w (a review).
    Dataset<Row> events = withDeviceH(new EventFixtures()
        .event("r1", "d", "2026-05-30 20:00:00", "login", "https://s.com/", null, null, "u")
        .event("r2", "d", "2026-05-30 23:00:00", "login", "https://s.com/", null, null, "w")
        .event("r1", "d", "2026-05-31 00:05:00", "login", "https://s.com/", null, null, "u")
        .event("p1", "d", "2026-06-01 10:00:00", "page_view", "https://s.com/a", null, null, null)
        .event("a1", "g", "2026-05-29 23:00:00", "login", "https://s.com/", null, null, "v")
        .event("a1", "g", "2026-05-30 23:50:00", "login", "https://s.com/", null, null, "v"));
    storeMoving(events, Map.of("2026-05-30 23:50:00", "2026-05-31", "2026-06-01 14:00:00", "2026-06-02"), dir);
    runDailyAndRange(dir, List.of("2026-05-31", "2026-06-01", "2026-06-02"));

    // By hand: each login's first copy, on the day it was seen; every session of d keyed by w, the
    // user d was seen with last by the end of 05-30, and h's by w, seen at 14:30, after u's 14:00.
    List<String> links = List.of("d u 2026-05-30 20:00 20:00", "d w 2026-05-30 23:00 23:00", "g v 2026-05-29 23:00 23:00",
        "h u 2026-06-01 14:00 14:00", "h w 2026-06-01 14:30 14:30");
    List<String> sessions = List.of("d 2026-05-30 05-30 20:00 w", "d 2026-05-30 05-30 23:00 w", "d 2026-06-01 06-01 10:00 w",
        "h 2026-06-01 06-01 14:00 w", "h 2026-06-02 06-02 16:00 w");
    for (String warehouse : List.of("daily", "range")) {
      assertThat(strings(table(dir, warehouse, "identities"), LINK)).as(warehouse).containsExactlyInAnyOrderElementsOf(links);
      assertThat(strings(table(dir, warehouse, "sessions").filter("visitor_id IN ('d', 'h')"), "concat_ws(' ', visitor_id, "
          + SESSION + ")")).as(warehouse).containsExactlyInAnyOrderElementsOf(sessions);
    }
  }

  @Test
  void outsideUtcTooACopyAnEarlierRunKeptLeavesNoSighting(@TempDir Path dir) {
    // h of the test above in New York (UTC-4 in June) with two late days, as a run there reads one
    // UTC partition past its date: the 14:00 login (10:00 there) reaches 06-03's partition, which
    // the 06-01 run does not read and the 06-02 run does.
    storeMoving(withDeviceH(new EventFixtures()), Map.of("2026-06-01 14:00:00", "2026-06-03"), dir);
    runDailyAndRange(dir, List.of("2026-06-01", "2026-06-02"), "input.late-days=2", "reporting.timezone=America/New_York");

    // By hand, in UTC: u seen at 14:00 only, w at 14:30; both sessions keyed w.
    for (String warehouse : List.of("daily", "range")) {
      assertThat(strings(table(dir, warehouse, "identities"), LINK)).as(warehouse)
          .containsExactlyInAnyOrder("h u 2026-06-01 14:00 14:00", "h w 2026-06-01 14:30 14:30");
      assertThat(strings(table(dir, warehouse, "sessions"), SESSION)).as(warehouse)
          .containsExactlyInAnyOrder("2026-06-01 06-01 14:00 w", "2026-06-02 06-02 16:00 w");
    }
  }

  @Test
  void aCopyTwoLateDaysBeforeItsPartitionIsDroppedAsItsDateDropsIt(@TempDir Path dir) {
    // Two late days, a 36-hour timeout. c's page view at 06-02 10:00 (id c1) is re-sent at 06-03
    // 01:00 and stored in 06-05's partition; c views a page at 06-04 12:00 and buys at 06-05 08:00.
    // 06-03's last writer, the run for 06-05, reads from 06-01 and drops the re-send, as the range
    // does: c's session begins at 12:00, 50 hours after 06-02 10:00. The run for 06-07 rewrites
    // 06-05 last (its conversions and run_metrics row); until 2026-12-06 it read from 06-03, kept
    // the re-send, began the session at 01:00 (35 hours before 12:00) and counted the copy valid
    // (a review). x, dated 06-05 but stored in 06-02's partition, is future-dated for that
    // partition; the run for 06-07 now reads 06-02 and must not quarantine it (not its date).
    // f's page views give each run date its partition.
    EventFixtures fixtures = new EventFixtures()
        .event("c1", "c", "2026-06-02 10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("c1", "c", "2026-06-03 01:00:00", "page_view", "https://s.com/", null, null, null)
        .event("c2", "c", "2026-06-04 12:00:00", "page_view", "https://s.com/a", null, null, null)
        .event("c3", "c", "2026-06-05 08:00:00", "purchase", "https://s.com/done", null, null, null)
        .event("x1", "x", "2026-06-05 12:00:00", "page_view", "https://s.com/", null, null, null);
    for (int day = 3; day <= 7; day++) {
      fixtures.event("f" + day, "f", "2026-06-0" + day + " 10:00:00", "page_view", "https://s.com/", null, null, null);
    }
    storeMoving(fixtures.toDataset(spark).drop(EventReader.EVENT_TIME_RAW),
        Map.of("2026-06-03 01:00:00", "2026-06-05", "2026-06-05 12:00:00", "2026-06-02"), dir);
    String[] overrides = {"input.late-days=2", "sessions.timeout=36h"};
    Map<LocalDate, Stage1Job.DateCounts> daily = new Stage1Job(spark, settings(dir, "daily", overrides),
        writer(dir, "daily")).run(LocalDate.parse("2026-06-07"), LocalDate.parse("2026-06-07"),
            () -> Optional.of(LocalDate.parse("2026-06-06")), "daily").counts();
    Map<LocalDate, Stage1Job.DateCounts> range = new Stage1Job(spark, settings(dir, "range", overrides),
        writer(dir, "range")).run(LocalDate.parse("2026-06-03"), LocalDate.parse("2026-06-07"), Optional::empty,
            "range").counts();

    // By hand: partition 06-05 holds the re-send (a duplicate), f5 and c3 (valid); the purchase's
    // session is named by the hash of c and its start, 06-04 12:00, computed here by Spark's sha2.
    String sessionAtNoon = strings(spark.sql("SELECT 1"),
        "substring(sha2(concat_ws('|', 'c', CAST(unix_micros(TIMESTAMP'2026-06-04 12:00:00') AS STRING)), 256), 1, 32)").get(0);
    for (String warehouse : List.of("daily", "range")) {
      Stage1Job.DateCounts partition = (warehouse.equals("daily") ? daily : range).get(LocalDate.parse("2026-06-05"));
      assertThat(List.of(partition.read(), partition.valid(), partition.quarantined(), partition.duplicate()))
          .as(warehouse).containsExactly(3L, 2L, 0L, 1L);
      assertThat(strings(table(dir, warehouse, "conversions").filter("event_id = 'c3'"), "session_id")).as(warehouse)
          .containsExactly(sessionAtNoon);
    }
    assertThat(table(dir, "daily", "quarantine").count()).isZero();
  }

  @Test
  void aCopyStoredADayEarlyIsCountedAsItsDatesLastWriterCountsIt(@TempDir Path dir) {
    // Two late days. e's page view at 06-04 10:00 (id e1) is stored in 06-04's partition, and a
    // copy timed 06-06 00:30 (a device clock ahead) a day early, in 06-05's. The copy's date is
    // last written by the run for 06-08, which reads from 06-05 and keeps it as an event of its
    // time, as the range 06-03..06-08 does. The run for 06-07, which rewrites partition 06-05 last,
    // reads 06-04 and sets the copy aside, as every run before 06-08 does; until 2026-12-06 it also
    // counted it a duplicate in 06-05's run_metrics row, where the range counts it valid.
    // g's page view at 06-05 23:00 (id g1) and its copy timed 06-06 00:40 are both in 06-05's
    // partition, which the run for 06-08 reads: the copy is a duplicate for every run.
    EventFixtures fixtures = new EventFixtures()
        .event("e1", "e", "2026-06-04 10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("e1", "e", "2026-06-06 00:30:00", "page_view", "https://s.com/", null, null, null)
        .event("g1", "g", "2026-06-05 23:00:00", "page_view", "https://s.com/", null, null, null)
        .event("g1", "g", "2026-06-06 00:40:00", "page_view", "https://s.com/", null, null, null);
    for (int day = 3; day <= 8; day++) {
      fixtures.event("f" + day, "f", "2026-06-0" + day + " 10:00:00", "page_view", "https://s.com/", null, null, null);
    }
    storeMoving(fixtures.toDataset(spark).drop(EventReader.EVENT_TIME_RAW),
        Map.of("2026-06-06 00:30:00", "2026-06-05", "2026-06-06 00:40:00", "2026-06-05"), dir);
    String[] overrides = {"input.late-days=2"};
    Stage1Job daily = new Stage1Job(spark, settings(dir, "daily", overrides), writer(dir, "daily"));
    Map<LocalDate, Stage1Job.DateCounts> lastOf0605 = daily.run(LocalDate.parse("2026-06-07"), LocalDate.parse("2026-06-07"),
        () -> Optional.of(LocalDate.parse("2026-06-06")), "2026-06-07").counts();
    String eSessions = "visitor_id = 'e' AND session_date >= '2026-06-05'";
    List<String> afterTheSeventh = strings(table(dir, "daily", "sessions").filter(eSessions), SESSION);
    daily.run(LocalDate.parse("2026-06-08"), LocalDate.parse("2026-06-08"), () -> Optional.of(LocalDate.parse("2026-06-07")),
        "2026-06-08");
    Map<LocalDate, Stage1Job.DateCounts> range = new Stage1Job(spark, settings(dir, "range", overrides),
        writer(dir, "range")).run(LocalDate.parse("2026-06-03"), LocalDate.parse("2026-06-08"), Optional::empty,
            "range").counts();
    Map<LocalDate, Stage1Job.DateCounts> rangeTo0607 = new Stage1Job(spark, settings(dir, "range7", overrides),
        writer(dir, "range7")).run(LocalDate.parse("2026-06-03"), LocalDate.parse("2026-06-07"), Optional::empty,
            "range7").counts();

    // By hand: partition 06-05 holds f5, the e copy and g1 (valid) and g1's copy (a duplicate). Of
    // the dates from 06-05 on, the run for 06-07 gives e no session, and the run for 06-08, as the
    // range, the copy's.
    Map<String, Map<LocalDate, Stage1Job.DateCounts>> runs =
        Map.of("run for 06-07", lastOf0605, "range to 06-08", range, "range to 06-07", rangeTo0607);
    runs.forEach((run, counts) -> {
      Stage1Job.DateCounts partition = counts.get(LocalDate.parse("2026-06-05"));
      assertThat(List.of(partition.read(), partition.valid(), partition.quarantined(), partition.duplicate()))
          .as(run).containsExactly(4L, 3L, 0L, 1L);
    });
    assertThat(afterTheSeventh).isEmpty();
    for (String warehouse : List.of("daily", "range")) {
      assertThat(strings(table(dir, warehouse, "sessions").filter(eSessions), SESSION)).as(warehouse)
          .containsExactly("2026-06-06 06-06 00:30 e");
    }
  }

  /** Device h's logins: k at 14:00 and its copy at 15:00, l at 14:30, and a page view the day after. */
  private Dataset<Row> withDeviceH(EventFixtures fixtures) {
    return fixtures
        .event("k", "h", "2026-06-01 14:00:00", "login", "https://s.com/", null, null, "u")
        .event("k", "h", "2026-06-01 15:00:00", "login", "https://s.com/", null, null, "u")
        .event("l", "h", "2026-06-01 14:30:00", "login", "https://s.com/", null, null, "w")
        .event("p", "h", "2026-06-02 16:00:00", "page_view", "https://s.com/a", null, null, null)
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW);
  }

  /** Writes the events as input partitions, those at the times in {@code moved} into the partition given. */
  private static void storeMoving(Dataset<Row> events, Map<String, String> moved, Path dir) {
    Column partition = events.col("event_date");
    for (Map.Entry<String, String> move : moved.entrySet()) {
      partition = functions.when(events.col("event_time").equalTo(functions.lit(java.sql.Timestamp.valueOf(move.getKey()))),
          java.sql.Date.valueOf(move.getValue())).otherwise(partition);
    }
    events.withColumn("event_date", partition).write().partitionBy("event_date").parquet(dir.resolve("events").toString());
  }

  /** Runs the days one after another into warehouse "daily", and all of them as one range into "range". */
  private void runDailyAndRange(Path dir, List<String> days, String... overrides) {
    DeltaTableWriter daily = writer(dir, "daily");
    Optional<LocalDate> last = Optional.empty();
    for (String day : days) {
      Optional<LocalDate> before = last;
      new Stage1Job(spark, settings(dir, "daily", overrides), daily)
          .run(LocalDate.parse(day), LocalDate.parse(day), () -> before, day);
      last = Optional.of(LocalDate.parse(day));
    }
    new Stage1Job(spark, settings(dir, "range", overrides), writer(dir, "range"))
        .run(LocalDate.parse(days.get(0)), LocalDate.parse(days.get(days.size() - 1)), Optional::empty, "range");
  }

  private static List<String> strings(Dataset<Row> rows, String expression) {
    return rows.selectExpr(expression).as(Encoders.STRING()).collectAsList();
  }

  /** One late day in UTC, unless {@code overrides} say otherwise. */
  private JobSettings settings(Path dir, String warehouse, String... overrides) {
    List<String> all = new java.util.ArrayList<>(List.of("input.path=" + dir.resolve("events"),
        "output.path=" + dir.resolve(warehouse), "output.database=resent_" + warehouse, "input.late-days=1"));
    all.addAll(List.of(overrides));
    return SettingsLoader.load(Optional.empty(), all);
  }

  private DeltaTableWriter writer(Path dir, String warehouse) {
    return new DeltaTableWriter(spark, new TableLocations(dir.resolve(warehouse).toString(), "resent_" + warehouse));
  }

  private Dataset<Row> table(Path dir, String warehouse, String table) {
    return spark.read().format("delta").load(dir.resolve(warehouse).resolve(table).toString());
  }
}
