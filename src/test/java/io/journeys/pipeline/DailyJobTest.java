package io.journeys.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.journeys.EventFixtures;
import io.journeys.TestSpark;
import io.journeys.Warnings;
import io.journeys.cli.JobFailure;
import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import io.journeys.io.EventReader;
import io.journeys.io.OutputTable;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on hand-made events over two days (2026-03-10 and 11; one more page view on 03-09,
 * the day before, which a run reads but does not rewrite), lookback 1 day so that non-converting
 * journeys close inside the fixture. Delta round trips are expensive, so the job
 * runs three times in all: the range, the range again (idempotence), and day by day elsewhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DailyJobTest {
  private Path dir;

  private final SparkSession spark = TestSpark.session();
  private JobSettings settings;
  private DailyJob.Outcome first;

  private JobSettings settings(String warehouse, String database) {
    return SettingsLoader.load(Optional.empty(), List.of(
        "input.path=" + dir.resolve("events"),
        "output.path=" + dir.resolve(warehouse),
        "output.database=" + database,
        "attribution.lookback=1d",
        "attribution.training-window=30d",
        "input.late-days=0"));
  }

  @BeforeAll
  void runTheRange(@TempDir Path tempDir) {
    dir = tempDir;
    Dataset<Row> events = new EventFixtures()
        // Visitor e (email), day 1: 3 page views (viewed_3_pages fires at the 3rd, once), a signup
        // twice in the session (dedupe: one touchpoint), then a purchase of 100.
        .event("e1", "e", "2026-03-10 09:00:00", "page_view", "https://s.com/", null, "email", null)
        .event("e2", "e", "2026-03-10 09:01:00", "page_view", "https://s.com/a", null, null, null)
        .event("e3", "e", "2026-03-10 09:02:00", "newsletter_signup", "https://s.com/a", null, null, null)
        .event("e4", "e", "2026-03-10 09:03:00", "newsletter_signup", "https://s.com/a", null, null, null)
        .event("e5", "e", "2026-03-10 09:04:00", "page_view", "https://s.com/b", null, null, null)
        .event("e6", "e", "2026-03-10 09:05:00", "page_view", "https://s.com/c", null, null, null)
        .event("e7", "e", "2026-03-10 09:06:00", "purchase", "https://s.com/done", null, null, null)
        // Device d2, day 1, anonymous, from Google: adds to cart. Day 2 it logs in as user U.
        .event("g1", "d2", "2026-03-10 10:00:00", "page_view", "https://s.com/", "https://www.google.com/", null, null)
        .event("g2", "d2", "2026-03-10 10:01:00", "add_to_cart", "https://s.com/p", null, null, null)
        .event("g3", "d2", "2026-03-11 08:00:00", "page_view", "https://s.com/", null, null, "U")
        // Device d1 of user U, day 2: wishlist, then a purchase (direct).
        .event("h1", "d1", "2026-03-11 09:00:00", "page_view", "https://s.com/", null, null, "U")
        .event("h2", "d1", "2026-03-11 09:01:00", "add_to_wishlist", "https://s.com/p", null, null, "U")
        .event("h3", "d1", "2026-03-11 09:02:00", "purchase", "https://s.com/done", null, null, "U")
        // Visitor n, day 1: downloads and leaves: non-converting, closes 2026-03-11 (lookback 1 d).
        .event("n1", "n", "2026-03-10 07:00:00", "download", "https://s.com/blog", null, null, null)
        // Visitor r: a page view in partition 03-09, re-sent with a new time in 03-11. The daily
        // run for 03-11 reads 03-10 and 03-11 only and keeps the re-send as an event; so must
        // the range, which reads 03-09 too (it used to drop it as a duplicate). The re-send comes
        // 15 minutes after r2, just before midnight: it extends r2's session of 03-10, which the
        // daily run for 03-10 wrote without it and the one for 03-11 continues.
        .event("r1", "r", "2026-03-09 10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("r2", "r", "2026-03-10 23:50:00", "page_view", "https://s.com/", null, null, null)
        .event("r1", "r", "2026-03-11 00:05:00", "page_view", "https://s.com/", null, null, null)
        // Dirt: a duplicate of e1 (later copy), no visitor, far future.
        .event("e1", "e", "2026-03-10 09:00:30", "page_view", "https://s.com/", null, "email", null)
        .event("x1", null, "2026-03-10 11:00:00", "page_view")
        .event("x2", "z", "2099-01-01 00:00:00", "page_view")
        .toDataset(spark)
        .drop(EventReader.EVENT_TIME_RAW);
    // The future row sits in the 03-11 partition (arrival day), as trackers deliver it.
    events = events.withColumn("event_date",
        org.apache.spark.sql.functions.when(events.col("event_id").equalTo("x2"), java.sql.Date.valueOf("2026-03-11"))
            .otherwise(events.col("event_date")));
    events.write().partitionBy("event_date").parquet(dir.resolve("events").toString());
    settings = settings("warehouse", "job_test");
    first = new DailyJob(spark, settings).run(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-11"));
  }

  private Dataset<Row> table(String warehouse, OutputTable table) {
    return spark.read().format("delta").load(dir.resolve(warehouse).resolve(table.tableName()).toString());
  }

  private List<String> strings(Dataset<Row> rows, String expression) {
    return rows.selectExpr(expression).as(Encoders.STRING()).collectAsList();
  }

  @Test
  void inputAccountingAddsUp() {
    // Day 1: e1..e7, g1, g2, n1, r2, the copy of e1 and x1 = 13 rows; x1 (no visitor) quarantined,
    // e1's later copy a duplicate, 11 kept. Day 2: g3, h1, h2, h3, r1's re-send, x2 = 6 rows; x2
    // (2099) quarantined, r1's re-send kept (its first copy's partition, 03-09, is one that the
    // daily run for 03-11 does not read).
    Stage1Job.DateCounts day1 = first.counts().get(LocalDate.parse("2026-03-10"));
    Stage1Job.DateCounts day2 = first.counts().get(LocalDate.parse("2026-03-11"));
    assertThat(day1).isEqualTo(new Stage1Job.DateCounts(13, 11, 1, 1, java.util.Map.of("missing_visitor_id", 1L)));
    assertThat(day2).isEqualTo(new Stage1Job.DateCounts(6, 5, 1, 0, java.util.Map.of("future_event_time", 1L)));
    for (Stage1Job.DateCounts c : first.counts().values()) {
      assertThat(c.read()).isEqualTo(c.valid() + c.quarantined() + c.duplicate());
    }
    assertThat(strings(table("warehouse", OutputTable.QUARANTINE), "concat(event_date, ' ', reason)"))
        .containsExactlyInAnyOrder("2026-03-10 missing_visitor_id", "2026-03-11 future_event_time");
    Row metrics = table("warehouse", OutputTable.RUN_METRICS).filter("date = DATE'2026-03-10'").first();
    assertThat(metrics.<Long>getAs("rows_read")).isEqualTo(13L);
    assertThat(metrics.<Long>getAs("rows_duplicate")).isEqualTo(1L);
  }

  @Test
  void sessionsAndChannels() {
    // e: one session (email); d2: day 1 (Organic Search) and day 2 (Direct); d1: Direct; n: Direct;
    // r: r2 on day 1 and its re-sent page view 15 minutes later, on day 2: one session of day 1.
    assertThat(strings(table("warehouse", OutputTable.SESSIONS), "concat(visitor_id, ' ', session_date, ' ', channel, ' ', events)"))
        .containsExactlyInAnyOrder(
            "e 2026-03-10 Email 7", "d2 2026-03-10 Organic Search 2", "d2 2026-03-11 Direct 1",
            "d1 2026-03-11 Direct 3", "n 2026-03-10 Direct 1", "r 2026-03-10 Direct 2");
  }

  @Test
  void conversionsFireOncePerSessionAndCountRulesAtTheNthMatch() {
    // e: viewed_3_pages at e5 (3rd page view: e1, e2, e5), newsletter_signup once (e3), purchase.
    assertThat(strings(table("warehouse", OutputTable.CONVERSIONS).filter("visitor_id = 'e'"),
        "concat(conversion, '@', event_id, ' ', kind, ' ', channel)"))
        .containsExactlyInAnyOrder("viewed_3_pages@e5 micro Email", "newsletter_signup@e3 micro Email",
            "purchase@e7 macro Email");
  }

  @Test
  void loginStitchesTheDevicesEarlierAnonymousTouchpointsIntoTheUsersJourney() {
    // U's purchase on 03-11 at 09:02: touchpoints within 1 d: d2's add_to_cart (03-10 10:01) and
    // d1's add_to_wishlist. Visitor n's download closes non-converting on 03-11 07:00. e's signup
    // (e3, 09:02) comes before its third page view (e5, 09:04), where viewed_3_pages fires.
    assertThat(strings(table("warehouse", OutputTable.JOURNEYS),
        "concat(close_date, ' ', visitor_key, ' ', converted, ' ', path)"))
        .containsExactlyInAnyOrder(
            "2026-03-10 e true newsletter_signup > viewed_3_pages",
            "2026-03-11 U true add_to_cart > add_to_wishlist",
            "2026-03-11 n false download");
  }

  @Test
  void aRunWhoseSettingsDifferFromTheLastRunsSaysWhichAndEveryCommitRecordsItsRunsSettings(@TempDir Path changed) {
    new EventFixtures()
        .event("s1", "s", "2026-03-10 10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("s2", "s", "2026-03-11 10:00:00", "purchase", "https://s.com/done", null, null, null)
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW)
        .write().partitionBy("event_date").parquet(changed.resolve("events").toString());
    List<String> common = List.of("input.path=" + changed.resolve("events"), "output.path=" + changed.resolve("warehouse"),
        "output.database=job_test_changed", "input.late-days=0");
    DailyJob.Outcome before = new DailyJob(spark, SettingsLoader.load(Optional.empty(), common))
        .run(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10"));
    // Three settings change (a choice's case is no part of that); the database the tables are
    // registered in is no setting that shapes rows.
    List<String> now = new ArrayList<>(common);
    now.addAll(List.of("sessions.timeout=45 minutes", "touchpoints.dedupe=NONE", "attribution.models=[markov, linear]",
        "output.database=job_test_changed_too"));
    DailyJob.Outcome[] ran = new DailyJob.Outcome[1];
    List<String> warnings = Warnings.during(ChangedSettings.class.getName()::equals, () -> ran[0] =
        new DailyJob(spark, SettingsLoader.load(Optional.empty(), now)).run(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11")));
    DailyJob.Outcome after = ran[0];
    // Of the 8 models, 6 are gone; the range is run_metrics' one date and this run's.
    assertThat(warnings).singleElement().asString().matches(Pattern.quote(
        "WARN The settings that shape the tables' rows, or the job's version, differ from the last run's ("
            + before.runId() + ", ") + "[0-9T:.Z-]+" + Pattern.quote("): attribution.models (removed: first_touch, last_touch, position_based,"
        + " shapley, shapley_simplified, time_decay);"
        + " sessions.timeout PT30M → PT45M; touchpoints.dedupe session → none. This run makes its own dates with"
        + " these; the tables' other dates keep the rows the earlier ones made (run_metrics has 2026-03-10 to"
        + " 2026-03-10): to make every date with these, run --date 2026-03-10 --to 2026-03-11 as one range."));
    java.util.function.Function<OutputTable, List<String>> records = table -> strings(
        spark.sql("DESCRIBE HISTORY delta.`" + changed.resolve("warehouse").resolve(table.tableName()) + "`")
            .filter("operation = 'WRITE'").orderBy("version"),
        "concat(get_json_object(userMetadata, '$.run_id'), ' ', from_json(get_json_object(userMetadata, '$.settings'),"
            + " 'map<string, string>')['sessions.timeout'])");
    assertThat(records.apply(OutputTable.RUN_METRICS))
        .containsExactly(before.runId() + " PT30M", after.runId() + " PT45M");
    assertThat(records.apply(OutputTable.SESSIONS))
        .containsExactly(before.runId() + " PT30M", after.runId() + " PT45M");
  }

  @Test
  void aDeviceThatLoggedInLongBeforeTheWindowStaysStitched(@TempDir Path quiet) {
    // q logs in as Q on 01-05 and comes back anonymous on 03-20 to buy. Stage 2 of 03-20 re-keys
    // only devices with recent links, so the journey is Q's through the key stage 1 stored.
    new EventFixtures()
        .event("q1", "q", "2026-01-05 10:00:00", "page_view", "https://s.com/", null, null, "Q")
        .event("q2", "q", "2026-03-20 10:00:00", "add_to_cart", "https://s.com/p", null, null, null)
        .event("q3", "q", "2026-03-20 10:05:00", "purchase", "https://s.com/done", null, null, null)
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW)
        .write().partitionBy("event_date").parquet(quiet.resolve("events").toString());
    JobSettings longAfter = SettingsLoader.load(Optional.empty(), List.of(
        "input.path=" + quiet.resolve("events"), "output.path=" + quiet.resolve("warehouse"),
        "output.database=job_test_quiet", "attribution.lookback=1d", "input.late-days=0"));
    new DailyJob(spark, longAfter).run(LocalDate.parse("2026-01-05"), LocalDate.parse("2026-01-05"));
    new DailyJob(spark, longAfter).run(LocalDate.parse("2026-03-20"), LocalDate.parse("2026-03-20"));
    Dataset<Row> journeys = spark.read().format("delta").load(quiet.resolve("warehouse").resolve("journeys").toString());
    assertThat(strings(journeys, "concat(close_date, ' ', visitor_key, ' ', converted, ' ', path)"))
        .containsExactly("2026-03-20 Q true add_to_cart");
  }

  @Test
  void channelTouchpointsAreTheSessionsChannelsAndAStoredSessionWithoutOneIsTheDefaults(@TempDir Path channels) {
    // k and c each come from Google on 03-10 (Organic Search) and come back direct on 03-11 to buy.
    // Between the runs c's stored 03-10 session loses its channel, as a table written by some other
    // tool may: it is channels.default's touchpoint, as channel_performance counts it, not NULL.
    new EventFixtures()
        .event("k1", "k", "2026-03-10 10:00:00", "page_view", "https://s.com/", "https://www.google.com/", null, null)
        .event("k2", "k", "2026-03-11 09:00:00", "page_view", "https://s.com/", null, null, null)
        .event("k3", "k", "2026-03-11 09:01:00", "purchase", "https://s.com/done", null, null, null)
        .event("c1", "c", "2026-03-10 11:00:00", "page_view", "https://s.com/", "https://www.google.com/", null, null)
        .event("c2", "c", "2026-03-11 10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("c3", "c", "2026-03-11 10:01:00", "purchase", "https://s.com/done", null, null, null)
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW)
        .write().partitionBy("event_date").parquet(channels.resolve("events").toString());
    JobSettings byChannel = SettingsLoader.load(Optional.empty(), List.of(
        "input.path=" + channels.resolve("events"), "output.path=" + channels.resolve("warehouse"),
        "output.database=job_test_channels", "attribution.touchpoint=channel", "attribution.lookback=2d",
        "input.late-days=0"));
    new DailyJob(spark, byChannel).run(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10"));
    String sessions = channels.resolve("warehouse").resolve(OutputTable.SESSIONS.tableName()).toString();
    io.delta.tables.DeltaTable.forPath(spark, sessions).update(org.apache.spark.sql.functions.expr("visitor_id = 'c'"),
        java.util.Map.of("channel", org.apache.spark.sql.functions.lit(null).cast("string")));
    new DailyJob(spark, byChannel).run(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11"));

    java.util.function.Function<OutputTable, Dataset<Row>> read = table ->
        spark.read().format("delta").load(channels.resolve("warehouse").resolve(table.tableName()).toString());
    assertThat(strings(read.apply(OutputTable.JOURNEYS), "concat(visitor_key, ' ', path)"))
        .containsExactlyInAnyOrder("k Organic Search > Direct", "c Other > Direct");
    // Two touchpoints each: first touch, last touch and linear (1/2 each) by hand.
    assertThat(strings(read.apply(OutputTable.ATTRIBUTION).filter("model IN ('first_touch', 'last_touch', 'linear')"),
        "concat(model, ' ', touchpoint, ' ', credited_conversions)"))
        .containsExactlyInAnyOrder("first_touch Organic Search 1.0", "first_touch Other 1.0", "last_touch Direct 2.0",
            "linear Organic Search 0.5", "linear Other 0.5", "linear Direct 1.0");
  }

  @Test
  void aPurchaseADayLateIsAttributedByTheNextDailyRunAndOneTooLateIsQuarantined(@TempDir Path late) {
    // w1 adds to cart on 03-05 and buys five minutes later, but the purchase reaches 03-06's
    // partition. With one late day the 03-06 run rewrites 03-05, in stage 1 and in stage 2, so the
    // purchase closes w1's journey on 03-05 and is attributed there (before, stage 2 wrote 03-06
    // only, and the journey closed on no day). What the 03-05 run wrote is all rewritten, so the
    // test runs 03-06 alone. w3 adds to cart on 03-04 and buys five minutes later, but that
    // purchase reaches 03-06's partition, two days late: no run reading 03-06 rewrites 03-04, so it
    // goes to quarantine, counted for its partition (before, it was counted valid and lost).
    Dataset<Row> events = new EventFixtures()
        .event("w3a", "w3", "2026-03-04 10:00:00", "add_to_cart", "https://s.com/p", null, null, null)
        .event("w3b", "w3", "2026-03-04 10:05:00", "purchase", "https://s.com/done", null, null, null)
        .event("w1a", "w1", "2026-03-05 10:00:00", "add_to_cart", "https://s.com/p", null, null, null)
        .event("w1b", "w1", "2026-03-05 10:05:00", "purchase", "https://s.com/done", null, null, null)
        .event("w2a", "w2", "2026-03-06 10:00:00", "add_to_cart", "https://s.com/p", null, null, null)
        .event("w2b", "w2", "2026-03-06 10:05:00", "purchase", "https://s.com/done", null, null, null)
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW);
    events.withColumn("event_date",
            org.apache.spark.sql.functions.when(events.col("event_id").isin("w1b", "w3b"), java.sql.Date.valueOf("2026-03-06"))
                .otherwise(events.col("event_date")))
        .write().partitionBy("event_date").parquet(late.resolve("events").toString());
    new DailyJob(spark, SettingsLoader.load(Optional.empty(), List.of("input.path=" + late.resolve("events"),
        "output.path=" + late.resolve("warehouse"), "output.database=job_test_late", "attribution.lookback=1d",
        "input.late-days=1"))).run(LocalDate.parse("2026-03-06"), LocalDate.parse("2026-03-06"));

    java.util.function.Function<OutputTable, Dataset<Row>> read = table ->
        spark.read().format("delta").load(late.resolve("warehouse").resolve(table.tableName()).toString());
    assertThat(strings(read.apply(OutputTable.JOURNEYS), "concat(close_date, ' ', visitor_key, ' ', converted, ' ', path)"))
        .containsExactlyInAnyOrder("2026-03-05 w1 true add_to_cart", "2026-03-06 w2 true add_to_cart");
    assertThat(strings(read.apply(OutputTable.ATTRIBUTION).filter("model = 'last_touch'"),
        "concat(conversion_date, ' ', touchpoint, ' ', credited_conversions)"))
        .containsExactlyInAnyOrder("2026-03-05 add_to_cart 1.0", "2026-03-06 add_to_cart 1.0");
    // A late day's reports agree with its rewritten sessions: one session and one purchase a day.
    assertThat(strings(read.apply(OutputTable.CHANNEL_PERFORMANCE), "concat(date, ' ', sessions, ' ', macro_conversions)"))
        .containsExactlyInAnyOrder("2026-03-05 1 1", "2026-03-06 1 1");
    assertThat(strings(read.apply(OutputTable.SESSIONS), "concat(session_date, ' ', events)"))
        .containsExactlyInAnyOrder("2026-03-05 2", "2026-03-06 2");
    // Partition 03-06 holds w1b, w2a, w2b and w3b: 4 read, w3b quarantined with its raw row.
    assertThat(strings(read.apply(OutputTable.QUARANTINE),
        "concat(event_date, ' ', reason, ' ', get_json_object(raw, '$.event_id'))"))
        .containsExactly("2026-03-06 arrived_too_late w3b");
    assertThat(strings(read.apply(OutputTable.RUN_METRICS),
        "concat(date, ' ', rows_read, ' ', rows_valid, ' ', rows_quarantined, ' ', rows_duplicate)"))
        .containsExactlyInAnyOrder("2026-03-05 1 1 0 0", "2026-03-06 4 3 1 0");
  }

  @Test
  void everyModelHandsOutExactlyTheConversionsAndTheirValue() {
    // Two purchases of 100 each (one per day): per model and date, credit 1 and value 100.
    List<Row> sums = table("warehouse", OutputTable.ATTRIBUTION)
        .groupBy("conversion_date", "model").sum("credited_conversions", "credited_value").collectAsList();
    assertThat(sums).hasSize(2 * JobSettings.MODELS.size());
    for (Row r : sums) {
      assertThat(r.getDouble(2)).isCloseTo(1.0, within(1e-9));
      assertThat(r.getDouble(3)).isCloseTo(100.0, within(1e-9));
    }
    // U's journey: last touch is add_to_wishlist, first touch add_to_cart.
    assertThat(strings(table("warehouse", OutputTable.ATTRIBUTION)
        .filter("conversion_date = DATE'2026-03-11' AND model IN ('first_touch', 'last_touch')"),
        "concat(model, ' ', touchpoint)")).containsExactlyInAnyOrder("first_touch add_to_cart", "last_touch add_to_wishlist");
  }

  @Test
  void rerunGivesIdenticalRowsAndRangeEqualsDayByDay() {
    List<OutputTable> compared = List.of(OutputTable.SESSIONS, OutputTable.CONVERSIONS, OutputTable.JOURNEYS,
        OutputTable.ATTRIBUTION, OutputTable.PATHS, OutputTable.MICRO_CONVERSION_PERFORMANCE,
        OutputTable.CHANNEL_PERFORMANCE, OutputTable.FUNNELS, OutputTable.QUARANTINE);
    List<List<Row>> before = new ArrayList<>();
    for (OutputTable t : compared) {
      before.add(sorted(table("warehouse", t), t));
    }
    new DailyJob(spark, settings).run(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-11"));
    JobSettings daily = settings("daily", "job_test_daily");
    java.util.function.Predicate<String> job = name -> name.equals(DailyJob.class.getName())
        || name.equals(ChangedSettings.class.getName());
    assertThat(Warnings.during(job, () -> {
      new DailyJob(spark, daily).run(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10"));
      new DailyJob(spark, daily).run(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11"));
    })).as("runs moving forward").isEmpty();
    // 03-10 again after 03-11, as a scheduler's rerun of a day: the same input gives the same
    // rows, and the run says that 03-11 was made from 03-10's rows as they were before it.
    assertThat(Warnings.during(job,
        () -> new DailyJob(spark, daily).run(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10"))))
        .containsExactly("WARN The runs before this one reached 2026-03-11, after its last date 2026-03-10: the"
            + " tables of the dates after it were made from its dates' rows as they were then. If this run's rows"
            + " are new or changed (a backfill, corrected input, another config), run --date 2026-03-11"
            + " --to 2026-03-11 again, as one range.");
    for (int i = 0; i < compared.size(); i++) {
      OutputTable t = compared.get(i);
      assertThat(sorted(table("warehouse", t), t)).as("rerun " + t).isEqualTo(before.get(i));
      assertThat(sorted(table("daily", t), t)).as("day by day, 03-10 rerun " + t).isEqualTo(before.get(i));
    }
  }

  @Test
  void aLoginAfterAJourneyClosedLeavesThatJourneyAsItsDayKeyedItInARangeAsDayByDay(@TempDir Path login) {
    // w is U's device, logged in from 03-10: three page views. v, anonymous on 03-10: three page
    // views, add to cart, buys. v logs in as U on 03-12, and w buys. Lookback 3 d, no late days.
    // On 03-10 and 03-11 v is not yet U's: its journey is its own, and the funnel and the channel
    // report count v and U apart. On 03-12 v's rows are U's: U's journey starts after v's purchase.
    new EventFixtures()
        .event("w1", "w", "2026-03-10 08:00:00", "page_view", "https://s.com/", null, null, "U")
        .event("w2", "w", "2026-03-10 08:01:00", "page_view", "https://s.com/a", null, null, "U")
        .event("w3", "w", "2026-03-10 08:02:00", "page_view", "https://s.com/b", null, null, "U")
        .event("v1", "v", "2026-03-10 10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("v2", "v", "2026-03-10 10:01:00", "page_view", "https://s.com/a", null, null, null)
        .event("v3", "v", "2026-03-10 10:02:00", "page_view", "https://s.com/b", null, null, null)
        .event("v4", "v", "2026-03-10 10:04:00", "add_to_cart", "https://s.com/p", null, null, null)
        .event("v5", "v", "2026-03-10 10:05:00", "purchase", "https://s.com/done", null, null, null)
        .event("q1", "q", "2026-03-11 10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("v6", "v", "2026-03-12 09:00:00", "page_view", "https://s.com/", null, null, "U")
        .event("w4", "w", "2026-03-12 09:31:00", "add_to_wishlist", "https://s.com/p", null, null, "U")
        .event("w5", "w", "2026-03-12 09:40:00", "purchase", "https://s.com/done", null, null, "U")
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW)
        .write().partitionBy("event_date").parquet(login.resolve("events").toString());
    java.util.function.BiFunction<String, String, JobSettings> config = (warehouse, database) ->
        SettingsLoader.load(Optional.empty(), List.of("input.path=" + login.resolve("events"),
            "output.path=" + login.resolve(warehouse), "output.database=" + database,
            "attribution.lookback=3d", "input.late-days=0"));
    new DailyJob(spark, config.apply("range", "job_test_login_range"))
        .run(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-12"));
    JobSettings daily = config.apply("daily", "job_test_login_daily");
    for (String date : List.of("2026-03-10", "2026-03-11", "2026-03-12")) {
      new DailyJob(spark, daily).run(LocalDate.parse(date), LocalDate.parse(date));
    }

    java.util.function.BiFunction<String, OutputTable, Dataset<Row>> read = (warehouse, table) ->
        spark.read().format("delta").load(login.resolve(warehouse).resolve(table.tableName()).toString());
    assertThat(strings(read.apply("range", OutputTable.JOURNEYS), "concat(close_date, ' ', visitor_key, ' ', converted, ' ', path)"))
        .containsExactlyInAnyOrder("2026-03-10 v true viewed_3_pages > add_to_cart", "2026-03-12 U true add_to_wishlist");
    // Funnel viewed_3_pages > add_to_cart > purchase over the 3 days to each day's end: v reaches
    // all three steps, U (w) the first, until 03-12, when U is both devices: one visitor, all steps.
    assertThat(strings(read.apply("range", OutputTable.FUNNELS), "concat(date, ' ', step, ' ', visitors)"))
        .containsExactlyInAnyOrder("2026-03-10 1 2", "2026-03-10 2 1", "2026-03-10 3 1",
            "2026-03-11 1 2", "2026-03-11 2 1", "2026-03-11 3 1",
            "2026-03-12 1 1", "2026-03-12 2 1", "2026-03-12 3 1");
    assertThat(strings(read.apply("range", OutputTable.CHANNEL_PERFORMANCE), "concat(date, ' ', sessions, ' ', visitors)"))
        .containsExactlyInAnyOrder("2026-03-10 2 2", "2026-03-11 1 1", "2026-03-12 2 1");
    for (OutputTable t : List.of(OutputTable.SESSIONS, OutputTable.CONVERSIONS, OutputTable.JOURNEYS,
        OutputTable.ATTRIBUTION, OutputTable.PATHS, OutputTable.MICRO_CONVERSION_PERFORMANCE,
        OutputTable.CHANNEL_PERFORMANCE, OutputTable.FUNNELS, OutputTable.MODEL_WEIGHTS, OutputTable.IDENTITIES)) {
      assertThat(sorted(read.apply("daily", t), t)).as("day by day " + t).isEqualTo(sorted(read.apply("range", t), t));
    }
  }

  private List<Row> sorted(Dataset<Row> rows, OutputTable table) {
    Dataset<Row> withoutRunId = table == OutputTable.QUARANTINE ? rows.drop("run_id") : rows;
    return withoutRunId.orderBy(java.util.Arrays.stream(withoutRunId.columns())
        .filter(c -> !c.contains("touchpoint_times")).map(withoutRunId::col).toArray(org.apache.spark.sql.Column[]::new))
        .collectAsList();
  }

  @Test
  void biViewsPutTheModelsSideBySide() {
    // U's purchase on 03-11: first touch credits add_to_cart 1, last touch add_to_wishlist 1.
    Row row = spark.sql("SELECT first_touch, last_touch, linear FROM job_test.attribution_by_model"
        + " WHERE conversion_date = DATE'2026-03-11' AND touchpoint = 'add_to_cart'").first();
    assertThat(row.getDouble(0)).isEqualTo(1.0);
    assertThat(row.isNullAt(1)).isTrue();
    assertThat(row.getDouble(2)).isEqualTo(0.5);
    Row card = spark.sql("SELECT journeys, converted_journeys, last_touch_conversions FROM job_test.micro_conversion_scorecard"
        + " WHERE date = DATE'2026-03-11' AND micro_conversion = 'add_to_wishlist'").first();
    assertThat(card.getLong(0)).isEqualTo(1L);
    assertThat(card.getLong(1)).isEqualTo(1L);
    assertThat(card.getDouble(2)).isEqualTo(1.0);
  }

  @Test
  void everyNotebookIsCleanAndEveryQueryInItRuns() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.regex.Pattern sql = java.util.regex.Pattern.compile("spark\\.sql\\(\"\"\"(.*?)\"\"\"\\)", java.util.regex.Pattern.DOTALL);
    List<Path> notebooks;
    try (var files = java.nio.file.Files.list(Path.of("notebooks"))) {
      notebooks = files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertThat(notebooks).hasSize(4);
    // The same statements again on the tables with a row the job writes but this run's data lacks:
    // a channel whose only conversion came in a session of the day before, so sessions = 0 (README,
    // Aggregates). Notebook 04's macro_per_session divided by it, and ANSI SQL stopped the query.
    spark.sql("CREATE DATABASE IF NOT EXISTS notebook_edges");
    for (io.journeys.io.OutputTable table : io.journeys.io.OutputTable.values()) {
      spark.sql("CREATE OR REPLACE VIEW notebook_edges." + table.tableName() + " AS SELECT * FROM job_test." + table.tableName()
          + (table == io.journeys.io.OutputTable.CHANNEL_PERFORMANCE
              ? " UNION ALL SELECT DATE'2026-03-10', 'Affiliates', 0, 0, 1, 1, 50.0" : ""));
    }
    io.journeys.report.BiViews.create(spark, "notebook_edges");
    int statements = 0;
    for (String database : List.of("job_test", "notebook_edges")) {
      for (Path notebook : notebooks) {
        var root = json.readTree(notebook.toFile());
        assertThat(root.get("nbformat").asInt()).as(notebook.toString()).isEqualTo(4);
        for (var cell : root.get("cells")) {
          assertThat(cell.get("cell_type").asText()).isIn("markdown", "code");
          if (!cell.get("cell_type").asText().equals("code")) {
            continue;
          }
          assertThat(cell.get("outputs")).as("outputs stripped in " + notebook).isEmpty();
          assertThat(cell.get("execution_count").isNull()).isTrue();
          StringBuilder source = new StringBuilder();
          cell.get("source").forEach(line -> source.append(line.asText()));
          var matcher = sql.matcher(source);
          while (matcher.find()) {
            String statement = matcher.group(1).strip().replace("USE journeys", "USE " + database);
            spark.sql(statement).collectAsList();
            statements++;
          }
        }
      }
    }
    spark.sql("USE default");
    assertThat(statements).isGreaterThanOrEqualTo(2 * 14);
  }

  @Test
  void htmlReportShowsTheRunAndRendersInABrowser(@TempDir Path browserDir) throws Exception {
    String html = new io.journeys.report.HtmlReport(spark,
            new io.journeys.io.TableLocations(settings.output().path(), settings.output().database()),
            settings.attribution().touchpoint())
        .render(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-11"));
    // 3 journeys closed (e and U converting, n not): 2 conversions, 66.67%, value 200.
    assertThat(html).contains("<b>3</b>journeys closed", "<b>2</b>conversions", "<b>66.67%</b>", "<b>200.00</b>value")
        .contains("<h3>markov</h3>", "Data quality", "Email")
        // A visitor of two days is counted on each, in channels as in funnels: the header says so.
        .contains("<th>visitors (sum over days)</th><th>micro conversions</th>")
        .contains("<th>micro conversion</th><th>journeys</th><th>conversion rate (fraction)</th><th>lift</th><th>median days to convert</th>")
        .doesNotContain("http://", "https://");
    io.journeys.report.HtmlReportBrowserTest.check(html, browserDir);
  }

  @Test
  void missingRunDatePartitionFailsBeforeAnyWrite() {
    // A warehouse of its own, so a table written before the check would show (a review: the shared
    // warehouse already held every table).
    JobSettings missing = settings("missing_day", "missing_day_test");
    assertThatThrownBy(() -> new DailyJob(spark, missing).run(LocalDate.parse("2026-03-12"), LocalDate.parse("2026-03-12")))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("Cannot run for 2026-03-12: input partition")
        .hasMessageContaining("event_date=2026-03-12");
    assertThat(dir.resolve("missing_day")).doesNotExist();
    // Nor is the warehouse read (the last run's settings, its dates): a store that is down is named
    // by the input's path first.
    List<String> asked = new ArrayList<>();
    assertThatThrownBy(() -> new Stage1Job(spark, missing, new io.journeys.io.DeltaTableWriter(spark,
            new io.journeys.io.TableLocations(dir.resolve("missing_day").toString(), "missing_day_test")))
        .run(LocalDate.parse("2026-03-12"), LocalDate.parse("2026-03-12"), () -> asked.add("settings"),
            () -> { asked.add("last run"); return Optional.empty(); }, "r"))
        .isInstanceOf(JobFailure.class);
    assertThat(asked).isEmpty();
  }

  @Test
  void aFileTheRunCannotReadAtInputSchemasTypeFailsItAsTheInputs() {
    // event_time INT96 one day, BIGINT the next: Spark fails a file only when a task reads it, and
    // the run's line began with Spark's own words, naming neither the input nor the setting.
    Path flipped = dir.resolve("flipped-events");
    spark.sql("SELECT 'a' AS event_id, 'va' AS visitor_id, 'page_view' AS event_name, TIMESTAMP'2026-05-01 10:00:00' AS event_time")
        .coalesce(1).write().parquet(flipped.resolve("event_date=2026-05-01").toString());
    spark.sql("SELECT 'b' AS event_id, 'vb' AS visitor_id, 'page_view' AS event_name, 1777716000000L AS event_time")
        .coalesce(1).write().parquet(flipped.resolve("event_date=2026-05-02").toString());
    JobSettings schema = SettingsLoader.load(Optional.empty(), List.of("input.path=" + flipped,
        "output.path=" + dir.resolve("flipped"), "output.database=flipped_test", "input.late-days=1",
        "input.schema=event_id STRING, visitor_id STRING, event_name STRING, event_time STRING"));
    assertThatThrownBy(() -> new DailyJob(spark, schema).run(LocalDate.parse("2026-05-02"), LocalDate.parse("2026-05-02")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: input.path " + flipped + ": [FAILED_READ_FILE.PARQUET_COLUMN_DATA_TYPE_MISMATCH]")
        .hasMessageEndingWith(" (input.schema gives the column a type Spark cannot read that file's as; Spark reads no Parquet"
            + " type as another but a wider one of its kind, so a column whose type changes between files cannot be read as one)");
  }

  @Test
  void readsOnlyTheRunsPartitions() {
    Dataset<Row> read = new EventReader(spark, settings).read(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11"));
    String plan = read.queryExecution().executedPlan().toString();
    assertThat(plan).contains("PartitionFilters: [isnotnull(event_date").contains("2026-03-11");
    // The fixture has partitions 03-09 to 03-11 (a review: the date could be anywhere in the plan).
    assertThat(read.inputFiles()).isNotEmpty().allMatch(f -> f.contains("/event_date=2026-03-11/"));
  }

  @Test
  void missingRequiredColumnIsNamed() {
    JobSettings mapped = SettingsLoader.load(Optional.empty(), List.of(
        "input.path=" + dir.resolve("events"), "input.columns.visitor_id=device_id"));
    assertThatThrownBy(() -> new EventReader(spark, mapped).read(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10")))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("required column visitor_id (input.columns.visitor_id = device_id) is missing");
  }

  @Test
  void everyMissingRequiredColumnIsNamedInTheOneMessage() {
    JobSettings mapped = SettingsLoader.load(Optional.empty(), List.of(
        "input.path=" + dir.resolve("events"), "input.columns.visitor_id=device_id", "input.columns.event_name=action"));
    assertThatThrownBy(() -> new EventReader(spark, mapped).read(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10")))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("required columns visitor_id (input.columns.visitor_id = device_id), "
            + "event_name (input.columns.event_name = action) are missing from");
  }

  @Test
  void aQuotedSetValueMakesAConstantIdAndIsRefused() {
    // --set takes the expression unquoted: quoted, it is a SQL string literal.
    JobSettings quoted = SettingsLoader.load(Optional.empty(), List.of(
        "input.path=" + dir.resolve("events"), "input.columns.event_id=\"concat(visitor_id, event_time)\""));
    assertThatThrownBy(() -> new EventReader(spark, quoted).read(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10")))
        .isInstanceOf(JobFailure.class)
        .hasMessage("Cannot read events: input.columns.event_id = '\"concat(visitor_id, event_time)\"' reads no column of "
            + dir.resolve("events") + ", so every event would have the same event_id (--set takes the expression unquoted)");
    JobSettings unquoted = SettingsLoader.load(Optional.empty(), List.of(
        "input.path=" + dir.resolve("events"), "input.columns.event_id=concat(visitor_id, event_time)"));
    // n's one event, 2026-03-10 07:00:00: its id is the two columns' text (a review: any mapping gave the column).
    assertThat(new EventReader(spark, unquoted).read(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10"))
        .filter("visitor_id = 'n'").select("event_id").as(Encoders.STRING()).collectAsList())
        .containsExactly("n2026-03-10 07:00:00");
  }

  /** A run of 2026-03-10 on the events with {@code overrides}, expected to fail, writing to ./never. */
  private AbstractThrowableAssert<?, ? extends Throwable> failingRun(String... overrides) {
    List<String> all = new ArrayList<>(List.of(
        "input.path=" + dir.resolve("events"), "output.path=" + dir.resolve("never"), "input.late-days=0"));
    all.addAll(List.of(overrides));
    JobSettings bad = SettingsLoader.load(Optional.empty(), all);
    return assertThatThrownBy(() -> new DailyJob(spark, bad).run(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10")))
        .isInstanceOf(JobFailure.class);
  }

  @Test
  void predicateOverAnUnknownColumnFailsWithTheRuleName() {
    failingRun("conversions.micro=[{name = broken_rule, when = \"no_such_column = 1\"}]", "funnels=[]")
        .hasMessageContaining("Cannot evaluate conversion rule 'broken_rule'");
    assertThat(dir.resolve("never").resolve("sessions")).doesNotExist();
  }

  @Test
  void aChannelRuleOverAnUnknownColumnFailsWithItsNameBeforeAnyWrite() {
    failingRun("channels.rules=[{name = Search, when = \"referrer_host LIKE '%google%'\"},"
            + " {name = Partners, when = \"referer_host = 'partner.example'\"}]")
        .hasMessageStartingWith("Cannot evaluate channel rule 'Partners': [UNRESOLVED_COLUMN")
        .hasMessageContaining("`referrer_host`");
    assertThat(dir.resolve("never").resolve("sessions")).doesNotExist();
  }

  @Test
  void aRuleSeesTheLogicalColumnsOnlyNotTheReadersOwn() {
    failingRun("conversions.micro=[{name = raw_rule, when = \"input_row.event_id IS NOT NULL\"}]", "funnels=[]")
        .hasMessageStartingWith("Cannot evaluate conversion rule 'raw_rule': [UNRESOLVED_COLUMN")
        .hasMessageNotContaining(EventReader.EVENT_TIME_RAW);
  }
}
