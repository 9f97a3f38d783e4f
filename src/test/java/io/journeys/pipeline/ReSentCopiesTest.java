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
import java.time.Instant;
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

/** Copies of an event re-sent with a new time: the daily runs keep or drop them as a range does. */
class ReSentCopiesTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void aCopyReSentADayLaterLinksNoUserInTheDailyRunsWhereTheRangeDropsIt(@TempDir Path dir) {
    // One late day; each run reads from two days before its first rewritten date. d logs in as u
    // at 05-30 20:00 and as w at 23:00; the u login (id r1) is re-sent at 05-31 00:05. The 06-01
    // run reads 05-30 and drops the re-send. The 06-02 run rewrites 06-01 and 06-02, and reading
    // from 05-31 only, it kept the re-send and merged (d, u, seen 05-31 00:05): d's session of
    // 06-01, re-keyed by that run, was keyed u (the user d was seen with last) where the range keys
    // it w.
    // g logs in as v at 05-29 23:00 (id a1), stored in 05-29's partition, re-sent at 05-30 23:50
    // and stored a day late, in 05-31's. The 05-31 run reads 05-29 and drops it. The 06-01 run,
    // reading from 05-30, kept it and merged (g, v, 05-30), which neither the range nor the
    // re-send's date's last writer (05-31) has.
    Dataset<Row> events = new EventFixtures()
        .event("r1", "d", "2026-05-30 20:00:00", "login", "https://s.com/", null, null, "u")
        .event("r2", "d", "2026-05-30 23:00:00", "login", "https://s.com/", null, null, "w")
        .event("r1", "d", "2026-05-31 00:05:00", "login", "https://s.com/", null, null, "u")
        .event("p1", "d", "2026-06-01 10:00:00", "page_view", "https://s.com/a", null, null, null)
        .event("a1", "g", "2026-05-29 23:00:00", "login", "https://s.com/", null, null, "v")
        .event("a1", "g", "2026-05-30 23:50:00", "login", "https://s.com/", null, null, "v")
        .event("q1", "q", "2026-06-02 10:00:00", "page_view", "https://s.com/", null, null, null)
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW);
    events.withColumn("event_date",
            functions.when(events.col("event_time").equalTo(functions.lit(java.sql.Timestamp.valueOf("2026-05-30 23:50:00"))),
                    java.sql.Date.valueOf("2026-05-31"))
                .otherwise(events.col("event_date")))
        .write().partitionBy("event_date").parquet(dir.resolve("events").toString());

    Instant now = Instant.parse("2026-06-10T00:00:00Z");
    DeltaTableWriter daily = writer(dir, "daily");
    Optional<LocalDate> last = Optional.empty();
    for (String day : List.of("2026-05-31", "2026-06-01", "2026-06-02")) {
      Optional<LocalDate> before = last;
      new Stage1Job(spark, settings(dir, "daily"), daily, now).run(LocalDate.parse(day), LocalDate.parse(day), () -> before, day);
      last = Optional.of(LocalDate.parse(day));
    }
    new Stage1Job(spark, settings(dir, "range"), writer(dir, "range"), now)
        .run(LocalDate.parse("2026-05-31"), LocalDate.parse("2026-06-02"), Optional::empty, "range");

    // By hand: each login's first copy, on the day it was seen; every session of d keyed by w, the
    // user d was seen with last by the end of 05-30.
    List<String> links = List.of("d u 2026-05-30 20:00 20:00", "d w 2026-05-30 23:00 23:00", "g v 2026-05-29 23:00 23:00");
    List<String> sessions = List.of("2026-05-30 05-30 20:00 w", "2026-05-30 05-30 23:00 w", "2026-06-01 06-01 10:00 w");
    for (String warehouse : List.of("daily", "range")) {
      assertThat(strings(table(dir, warehouse, "identities"), "concat_ws(' ', visitor_id, user_id, last_seen_date,"
              + " date_format(first_seen, 'HH:mm'), date_format(last_seen, 'HH:mm'))"))
          .as(warehouse).containsExactlyInAnyOrderElementsOf(links);
      assertThat(strings(table(dir, warehouse, "sessions").filter("visitor_id = 'd'"),
              "concat_ws(' ', session_date, date_format(session_start, 'MM-dd HH:mm'), visitor_key)"))
          .as(warehouse).containsExactlyInAnyOrderElementsOf(sessions);
    }
  }

  private static List<String> strings(Dataset<Row> rows, String expression) {
    return rows.selectExpr(expression).as(Encoders.STRING()).collectAsList();
  }

  private JobSettings settings(Path dir, String warehouse) {
    return SettingsLoader.load(Optional.empty(), List.of("input.path=" + dir.resolve("events"),
        "output.path=" + dir.resolve(warehouse), "output.database=resent_" + warehouse, "input.late-days=1"));
  }

  private DeltaTableWriter writer(Path dir, String warehouse) {
    return new DeltaTableWriter(spark, new TableLocations(dir.resolve(warehouse).toString(), "resent_" + warehouse));
  }

  private Dataset<Row> table(Path dir, String warehouse, String table) {
    return spark.read().format("delta").load(dir.resolve(warehouse).resolve(table).toString());
  }
}
