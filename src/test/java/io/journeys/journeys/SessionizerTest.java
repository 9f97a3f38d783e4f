package io.journeys.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.EventFixtures;
import io.journeys.TestSpark;
import io.journeys.config.JobSettings.SessionSettings;
import io.journeys.config.JobSettings.SessionSource;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.Test;

class SessionizerTest {
  /** A run's first partition read before every fixture's: no row is read only for its ids. */
  private static final java.time.LocalDate READS_ALL = java.time.LocalDate.parse("2026-02-01");
  private final SparkSession spark = TestSpark.session();
  private final Sessionizer sessionizer = new Sessionizer(new SessionSettings(Duration.ofMinutes(30), SessionSource.INACTIVITY));

  /** event_id -> session number in order of session start, for one visitor. */
  private List<String> sessionsOf(Dataset<Row> events) {
    Dataset<Row> out = sessionizer.sessionize(events.repartition(events.col("visitor_id")));
    return out.orderBy("event_time", "event_id").selectExpr("concat(event_id, ':', session_no)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Test
  void gapOfExactlyTheTimeoutStaysAndOneSecondMoreSplits() {
    // 10:00:00 -> 10:30:00 is exactly 30 min: same session (1). 10:30:00 -> 11:00:01 is 30:01: new (2).
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "page_view")
        .event("b", "v1", "10:30:00", "page_view")
        .event("c", "v1", "11:00:01", "page_view")
        .toDataset(spark);
    assertThat(sessionsOf(events)).containsExactly("a:1", "b:1", "c:2");
  }

  @Test
  void campaignChangeStartsASessionButLaterEventsWithoutUtmDoNot() {
    // a: direct; b (5 min later) arrives with utm_medium=email -> new session 2;
    // c without utm stays in 2; d with utm_medium=cpc differs from email -> session 3.
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("b", "v1", "10:05:00", "page_view", "https://s.com/", null, "email", null)
        .event("c", "v1", "10:06:00", "page_view", "https://s.com/p", null, null, null)
        .event("d", "v1", "10:07:00", "page_view", "https://s.com/", null, "cpc", null)
        .toDataset(spark);
    assertThat(sessionsOf(events)).containsExactly("a:1", "b:2", "c:2", "d:3");
  }

  @Test
  void aChangeOfSourceAloneOrOfCampaignAloneStartsASession() {
    // Every event is cpc. a google / brand (1); b bing / brand, only the source differs (2); c bing
    // / generic, only the campaign differs (3); d repeats c's campaign (3). (Only changes of
    // medium were tested, a review.)
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "page_view", "https://s.com/", null, "cpc", null)
        .event("b", "v1", "10:05:00", "page_view", "https://s.com/", null, "cpc", null)
        .event("c", "v1", "10:06:00", "page_view", "https://s.com/", null, "cpc", null)
        .event("d", "v1", "10:07:00", "page_view", "https://s.com/", null, "cpc", null)
        .toDataset(spark)
        .withColumn("utm_source", org.apache.spark.sql.functions.expr("if(event_id = 'a', 'google', 'bing')"))
        .withColumn("utm_campaign", org.apache.spark.sql.functions.expr("if(event_id IN ('a', 'b'), 'brand', 'generic')"));
    assertThat(sessionsOf(events)).containsExactly("a:1", "b:2", "c:3", "d:3");
  }

  @Test
  void aCampaignSeenBeforeTheLastGapDoesNotHoldTheNextSessionTogether() {
    // a: email (1). b an hour later: the gap starts 2. c 5 min later: email again, but the last
    // campaign of this inactivity session is none (a's was before the gap) -> c starts 3.
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "page_view", "https://s.com/", null, "email", null)
        .event("b", "v1", "11:00:00", "page_view", "https://s.com/", null, null, null)
        .event("c", "v1", "11:05:00", "page_view", "https://s.com/", null, "email", null)
        .toDataset(spark);
    assertThat(sessionsOf(events)).containsExactly("a:1", "b:2", "c:3");
  }

  @Test
  void everyEventCarriesItsSessionsStartOrderAndFirstEventValues() {
    // Sessions (by the campaign rule): {a}, {b, c}, {d}.
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "page_view", "https://s.com/a", null, null, null)
        .event("b", "v1", "10:05:00", "page_view", "https://s.com/b", "https://mail.example/", "email", null)
        .event("c", "v1", "10:06:00", "page_view", "https://s.com/c", null, null, null)
        .event("d", "v1", "10:07:00", "page_view", "https://s.com/d", null, "cpc", null)
        .toDataset(spark);
    List<String> rows = sessionizer.sessionize(events.repartition(events.col("visitor_id")))
        .orderBy("event_time")
        .selectExpr("concat_ws(' ', event_id, date_format(session_start, 'HH:mm'), in_session_order,"
            + " first_page_url, coalesce(first_referrer_url, '-'), coalesce(first_utm_medium, '-'))")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(rows).containsExactly(
        "a 10:00 1 https://s.com/a - -",
        "b 10:05 1 https://s.com/b https://mail.example/ email",
        "c 10:05 2 https://s.com/b https://mail.example/ email",
        "d 10:07 1 https://s.com/d - cpc");
  }

  @Test
  void theSessionsChannelComesFromItsFirstEventAndReachesEveryEvent() {
    // Sessions {a}, {b, c}: c has no campaign of its own but is in b's email session.
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "page_view", "https://s.com/a", null, null, null)
        .event("b", "v1", "10:05:00", "page_view", "https://s.com/b", null, "email", null)
        .event("c", "v1", "10:06:00", "page_view", "https://s.com/c", "https://www.google.com/", null, null)
        .toDataset(spark);
    ChannelClassifier channels = new ChannelClassifier(List.of(
        new io.journeys.config.ChannelRule("Email", "utm_medium = 'email'"),
        new io.journeys.config.ChannelRule("Organic Search", "referrer_host LIKE '%google.%'")), "Direct");
    List<String> rows = sessionizer.sessionize(events.repartition(events.col("visitor_id")), channels)
        .orderBy("event_time").selectExpr("concat(event_id, ':', channel)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(rows).containsExactly("a:Direct", "b:Email", "c:Email");
  }

  @Test
  void theWalkReadsEventsSortedOnceAfterTheVisitorShuffleWithNoWindowOperator() {
    // Two events: Spark drops a sort over at most one row.
    Dataset<Row> events = new EventFixtures().event("a", "v1", "10:00:00", "page_view")
        .event("b", "v1", "10:01:00", "page_view").toDataset(spark);
    ConversionDetector detector = new ConversionDetector(List.of(
        new io.journeys.config.ConversionRule("viewed_2_pages", io.journeys.config.ConversionRule.Kind.MICRO,
            "event_name = 'page_view'", 2, io.journeys.config.ConversionRule.CountScope.SESSION, java.util.Optional.empty())),
        io.journeys.config.JobSettings.TouchpointDedupe.SESSION);
    SparkPlan plan = sessionizer.timelines(events.repartition(events.col("visitor_id")), detector)
        .queryExecution().executedPlan();
    // The one exchange is the caller's repartition by visitor_id; duplicates, sessions and
    // conversions need one sort and nothing that copies the rows again.
    assertThat(nodes(plan, "Exchange")).isEqualTo(1);
    assertThat(nodes(plan, "Sort")).isEqualTo(1);
    assertThat(nodes(plan, "Window")).isZero();
  }

  @Test
  void outputRowsAreTheLastFiringEdgeAndSetAsideRowsOfTheFullWalk() {
    // Sessions {a, b, c} and {d}; b is a signup (fires), c is u1's only event (an edge), b2 is a
    // later copy of b (duplicate) and r is quarantined. a alone carries no output. The first
    // page of a session is on its last row (c, d) only.
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "page_view", "https://s.com/a", null, null, null)
        .event("b", "v1", "10:01:00", "newsletter_signup", "https://s.com/b", null, null, null)
        .event("b", "v1", "10:01:30", "newsletter_signup", "https://s.com/b", null, null, null)
        .event("c", "v1", "10:02:00", "page_view", "https://s.com/c", null, null, null)
        .event("r", "v1", "10:03:00", "page_view", "https://s.com/r", null, null, null)
        .event("d", "v1", "11:00:00", "page_view", "https://s.com/d", null, null, null)
        .toDataset(spark)
        .withColumn("user_id", org.apache.spark.sql.functions.expr("CASE WHEN event_id = 'c' THEN 'u1' END"))
        .withColumn("reason", org.apache.spark.sql.functions.expr("CASE WHEN event_id = 'r' THEN 'missing_x' END"));
    ConversionDetector detector = new ConversionDetector(List.of(
        new io.journeys.config.ConversionRule("signup", io.journeys.config.ConversionRule.Kind.MICRO,
            "event_name = 'newsletter_signup'", 1, io.journeys.config.ConversionRule.CountScope.SESSION,
            java.util.Optional.empty())),
        io.journeys.config.JobSettings.TouchpointDedupe.SESSION);
    Dataset<Row> out = sessionizer.outputRows(events.repartition(events.col("visitor_id")), null, detector)
        .filter("input_rows IS NULL");
    assertThat(out.orderBy("event_time").selectExpr(
            "concat_ws(' ', event_id, duplicate, coalesce(cast(last_in_session AS STRING), '-'), fired IS NOT NULL,"
                + " coalesce(cast(user_edge AS STRING), '-'), coalesce(first_page_url, '-'))")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("b false false true false -", "b true - false - -", "c false true false true https://s.com/a",
            "r false - false - -", "d false true false false https://s.com/d");
  }

  @Test
  void withAHorizonACopyIsADuplicateOnlyOfCopiesInThePartitionsTheLastDailyRunWritingItsDateReads() {
    // Each copy is stored in the partition of its UTC date. A run to 03-10 with two late days
    // (UTC): the last daily run writing date D is min(D + 2, 03-10), reading from 3 days before it.
    Dataset<Row> events = new EventFixtures()
        .event("a", "v", "2026-03-01 10:00:00", "page_view")
        // Date 03-05: its last writer, 03-07, reads 03-04 on: the copy of 03-01 is out of sight.
        .event("a", "v", "2026-03-05 10:00:00", "page_view")
        // Date 03-06: its last writer, 03-08, reads 03-05 on, which holds the copy above.
        .event("a", "v", "2026-03-06 09:00:00", "page_view")
        .event("d", "v", "2026-03-07 10:00:00", "page_view")
        // Date 03-09: its last writer is the run's last date, 03-10, which reads 03-07 on.
        .event("d", "v", "2026-03-09 10:00:00", "page_view")
        .toDataset(spark);
    DuplicateHorizon utc = new DuplicateHorizon(java.time.LocalDate.parse("2026-03-10"), 2, 3, java.time.ZoneOffset.UTC, READS_ALL);
    assertThat(duplicates(events, utc)).containsExactly("a false", "a false", "a true", "d false", "d true");
    // Without a horizon every later copy is a duplicate.
    assertThat(duplicates(events, null)).containsExactly("a false", "a true", "a true", "d false", "d true");

    // New York, two late days: a run reads 4 UTC partitions before its date. 03-06 03:00 UTC is
    // 03-05 22:00 there, so its last writer is 03-07, reading from 03-03: it sees e's first copy
    // (stored 03-03) but not f's (03-02). By its UTC date it would read from 03-04 and see neither.
    Dataset<Row> local = new EventFixtures()
        .event("f", "m", "2026-03-02 12:00:00", "page_view")
        .event("e", "n", "2026-03-03 12:00:00", "page_view")
        .event("f", "m", "2026-03-06 03:00:00", "page_view")
        .event("e", "n", "2026-03-06 03:00:01", "page_view")
        .toDataset(spark);
    DuplicateHorizon newYork =
        new DuplicateHorizon(java.time.LocalDate.parse("2026-03-10"), 2, 4, java.time.ZoneId.of("America/New_York"),
            READS_ALL);
    assertThat(duplicates(local, newYork)).containsExactly("f false", "e false", "f false", "e true");
  }

  @Test
  void rowsTheHorizonReadsOnlyForTheirIdsGiveNothing() {
    // One late day (UTC), a run to 03-10 reading from 03-07: copies dated 03-08 on count copies
    // from 03-07 on, all read; earlier dates' copies count some the run does not read.
    DuplicateHorizon horizon = new DuplicateHorizon(java.time.LocalDate.parse("2026-03-10"), 1, 2,
        java.time.ZoneOffset.UTC, java.time.LocalDate.parse("2026-03-07"));
    Dataset<Row> fixtures = new EventFixtures()
        // Dated 03-07, in 03-07's partition: read only for its id, and then a re-send after
        // midnight is its duplicate.
        .event("a", "v", "2026-03-07 22:00:00", "page_view")
        .event("a", "v", "2026-03-08 00:05:00", "page_view")
        // Dated 03-08 but stored in 03-07's partition (a clock ahead): walked.
        .event("b", "v", "2026-03-08 01:00:00", "page_view")
        // Dated 03-07 but stored a day late, in 03-08's partition: walked.
        .event("c", "w", "2026-03-07 23:00:00", "login", null, null, null, "u")
        .event("e", "w", "2026-03-08 10:00:00", "login", null, null, null, "u")
        .toDataset(spark);
    Dataset<Row> events = fixtures.withColumn("event_date",
        org.apache.spark.sql.functions.when(fixtures.col("event_id").equalTo("b"), java.sql.Date.valueOf("2026-03-07"))
            .when(fixtures.col("event_id").equalTo("c"), java.sql.Date.valueOf("2026-03-08"))
            .otherwise(fixtures.col("event_date")));
    assertThat(sessionizer.outputRows(events.repartition(2, events.col("visitor_id")), null, null, horizon)
        .filter("input_rows IS NULL")
        .orderBy("event_time")
        .selectExpr("concat_ws(' ', event_id, duplicate, coalesce(cast(user_edge AS STRING), '-'))")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("c false true", "a true -", "b false false", "e false true");
  }

  private List<String> duplicates(Dataset<Row> events, DuplicateHorizon horizon) {
    return sessionizer.outputRows(events.repartition(2, events.col("visitor_id")), null, null, horizon)
        .filter("input_rows IS NULL AND (duplicate OR last_in_session)")
        .orderBy("event_time")
        .selectExpr("concat_ws(' ', event_id, duplicate)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Test
  void outputRowsCountTheInputRowsOfEachDateTheWalkRead() {
    // By hand: 2026-03-10 has a, b and b's duplicate; 2026-03-11 r (quarantined), c and d;
    // 2026-03-12 e. Every row is counted, set aside or not, in whichever partition walks it.
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "2026-03-10 10:00:00", "page_view")
        .event("b", "v1", "2026-03-10 10:01:00", "page_view")
        .event("b", "v1", "2026-03-10 10:01:30", "page_view")
        .event("r", "v1", "2026-03-11 10:03:00", "page_view")
        .event("c", "v2", "2026-03-11 23:50:00", "page_view")
        .event("d", "v3", "2026-03-11 23:55:00", "page_view")
        .event("e", "v3", "2026-03-12 00:30:00", "page_view")
        .toDataset(spark)
        .withColumn("reason", org.apache.spark.sql.functions.expr("CASE WHEN event_id = 'r' THEN 'missing_x' END"));
    Dataset<Row> out =
        sessionizer.outputRows(events.repartition(3, events.col("visitor_id")), null, null).filter("input_rows IS NOT NULL");
    assertThat(out.groupBy("event_date").agg(org.apache.spark.sql.functions.sum("input_rows")).orderBy("event_date")
        .selectExpr("concat_ws(' ', cast(event_date AS STRING), cast(`sum(input_rows)` AS STRING))")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("2026-03-10 3", "2026-03-11 3", "2026-03-12 1");
    // A counting row is nothing else: no event, no session, not a duplicate.
    assertThat(out.filter("event_id IS NOT NULL OR visitor_id IS NOT NULL OR session_id IS NOT NULL OR duplicate"
        + " OR last_in_session IS NOT NULL OR reason IS NOT NULL").count()).isZero();
    // At most one per partition and date.
    assertThat(out.groupBy(org.apache.spark.sql.functions.spark_partition_id(), out.col("event_date")).count()
        .filter("count > 1").count()).isZero();
  }

  @Test
  void theLastEventOfASessionIsMarkedAndCarriesTheSessionsTotals() {
    // Sessions {a, b} (c's campaign splits), {c, d, f} (d repeats the campaign, f has none), {e}
    // (an hour's gap). Page views so far count within the session; b is an add_to_cart.
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("b", "v1", "10:02:00", "add_to_cart", "https://s.com/", null, null, null)
        .event("c", "v1", "10:05:00", "page_view", "https://s.com/", null, "email", null)
        .event("d", "v1", "10:06:00", "page_view", "https://s.com/", null, "email", null)
        .event("f", "v1", "10:07:00", "page_view", "https://s.com/", null, null, null)
        .event("e", "v1", "11:00:00", "page_view", "https://s.com/", null, null, null)
        .toDataset(spark);
    List<String> rows = sessionizer.sessionize(events.repartition(events.col("visitor_id")))
        .orderBy("event_time")
        .selectExpr("concat_ws(' ', event_id, session_no, in_session_order, page_views_so_far, last_in_session)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(rows).containsExactly(
        "a 1 1 1 false", "b 1 2 1 true", "c 2 1 1 false", "d 2 2 2 false", "f 2 3 3 true", "e 3 1 1 true");
  }

  @Test
  void theLastEventMarkAgreesWithTheNextEventsSessionInBothModes() {
    // Checked against an independent reading: an event is last when the next event of the device
    // (by time, then id) has another session number, or there is none.
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "page_view", "https://s.com/", null, "email", null)
        .event("b", "v1", "10:00:00", "page_view", "https://s.com/", null, "cpc", null)
        .event("c", "v1", "10:20:00", "page_view", "https://s.com/", null, null, null)
        .event("d", "v1", "10:51:00", "page_view", "https://s.com/", null, "cpc", null)
        .event("e", "v1", "10:52:00", "page_view", "https://s.com/", null, "cpc", null)
        .event("f", "v2", "10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("g", "v2", "10:40:00", "page_view", "https://s.com/", null, null, "spring")
        .event("h", "v2", "10:41:00", "page_view", "https://s.com/", null, null, null)
        .toDataset(spark)
        .withColumn("session_id", org.apache.spark.sql.functions.expr(
            "CASE WHEN event_id IN ('a', 'b', 'c') THEN 's1' WHEN event_id IN ('d', 'e') THEN 's2' END"));
    for (SessionSource source : SessionSource.values()) {
      Dataset<Row> out = new Sessionizer(new SessionSettings(Duration.ofMinutes(30), source))
          .sessionize(events.repartition(events.col("visitor_id")));
      long disagreeing = out
          .withColumn("next_no", org.apache.spark.sql.functions.expr(
              "lead(session_no) OVER (PARTITION BY visitor_id ORDER BY event_time, event_id)"))
          .filter("last_in_session <> (next_no IS NULL OR next_no <> session_no)")
          .count();
      assertThat(disagreeing).as(source.toString()).isZero();
      assertThat(out.filter("last_in_session").count()).as(source.toString())
          .isEqualTo(out.select("visitor_id", "session_no").distinct().count());
      // And by hand (a review: the two checks above hold for one session per device too). By
      // inactivity: b's campaign at a's instant splits, d comes 31 min after c, g 40 min after f. By
      // the tracker: s1 and s2 on v1; v2 has no ids, so inactivity splits it at g.
      assertThat(out.filter("last_in_session").orderBy("event_id").select("event_id").as(org.apache.spark.sql.Encoders.STRING())
          .collectAsList()).as(source.toString())
          .isEqualTo(source == SessionSource.INACTIVITY ? List.of("a", "c", "e", "f", "h") : List.of("c", "e", "f", "h"));
    }
  }

  @Test
  void sessionIdsAreTheHashOfTheDeviceAndTheStartAsSqlComputesItAndTheTrackersInInputMode() {
    // The expected ids come from Spark's own sha2 over the same text, not from the walk.
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("b", "v1", "10:05:00", "page_view", "https://s.com/", null, null, null)
        .event("c", "v1", "11:00:00", "page_view", "https://s.com/", null, null, null)
        .event("d", "vé2", "10:00:00", "page_view", "https://s.com/", null, null, null)
        .toDataset(spark)
        .withColumn("session_id", org.apache.spark.sql.functions.expr("CASE WHEN event_id = 'c' THEN 'tracker-7' END"));
    String expected = "substring(sha2(concat_ws('|', visitor_id, CAST(unix_micros(session_start) AS STRING)), 256), 1, 32)";
    Dataset<Row> out = new Sessionizer(new SessionSettings(Duration.ofMinutes(30), SessionSource.INACTIVITY))
        .sessionize(events.repartition(events.col("visitor_id")));
    assertThat(out.filter("session_id IS NULL OR session_id <> " + expected).count()).isZero();
    assertThat(out.select("session_id").distinct().count()).isEqualTo(3);
    assertThat(out.filter("length(session_id) <> 32").count()).isZero();

    Dataset<Row> input = new Sessionizer(new SessionSettings(Duration.ofMinutes(30), SessionSource.INPUT))
        .sessionize(events.repartition(events.col("visitor_id")));
    assertThat(input.filter("event_id = 'c'").select("session_id").as(org.apache.spark.sql.Encoders.STRING()).first())
        .isEqualTo("tracker-7");
    assertThat(input.filter("event_id <> 'c' AND (session_id IS NULL OR session_id <> " + expected + ")").count()).isZero();
  }

  /**
   * A campaign change at the instant the session began starts a second session at that instant:
   * it hashes an ordinal too, or both had one id (a review) and a journey through them counted one
   * session. The expected ids come from Spark's sha2.
   */
  @Test
  void twoSessionsOfADeviceStartingAtOneInstantHaveTheirOwnIds() {
    Dataset<Row> events = new EventFixtures()
        .event("e1", "v1", "10:00:00", "page_view", "https://s.com/pricing", null, "cpc", null)
        .event("e2", "v1", "10:00:00", "add_to_cart", "https://s.com/p", null, "paid_social", null)
        .event("e3", "v1", "10:05:00", "purchase", "https://s.com/p", null, null, null)
        .toDataset(spark);
    String micros = "CAST(unix_micros(session_start) AS STRING)";
    List<String> rows = new Sessionizer(new SessionSettings(Duration.ofMinutes(30), SessionSource.INACTIVITY))
        .sessionize(events.repartition(events.col("visitor_id")))
        .orderBy("event_id")
        .selectExpr("concat_ws(' ', event_id, date_format(session_start, 'HH:mm:ss'), CASE session_id"
            + " WHEN substring(sha2(concat_ws('|', visitor_id, " + micros + "), 256), 1, 32) THEN 'first'"
            + " WHEN substring(sha2(concat_ws('|', visitor_id, " + micros + ", '1'), 256), 1, 32) THEN 'second'"
            + " ELSE session_id END)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(rows).containsExactly("e1 10:00:00 first", "e2 10:00:00 second", "e3 10:00:00 second");
  }

  @Test
  void inInputModeAnEventWithoutTheTrackersIdStaysInTheSessionInProgressUnlessInactivityEndsIt() {
    // v1: A, no id, blank id, A again -> one session A of four events (the tracker's session was
    // never left); B starts one; no id 5 min later stays in B; no id 70 min later starts a session
    // of its own (a hash id), which the next event without an id, 10 min on, continues.
    // v2: an event without an id, then C 5 min later: a session the tracker named starts.
    Dataset<Row> events = new EventFixtures()
        .event("e1", "v1", "10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("e2", "v1", "10:05:00", "purchase", "https://s.com/", null, null, null)
        .event("e3", "v1", "10:06:00", "page_view", "https://s.com/", null, null, null)
        .event("e4", "v1", "10:10:00", "page_view", "https://s.com/", null, null, null)
        .event("e5", "v1", "10:20:00", "page_view", "https://s.com/", null, null, null)
        .event("e6", "v1", "10:25:00", "page_view", "https://s.com/", null, null, null)
        .event("e7", "v1", "11:35:00", "page_view", "https://s.com/", null, null, null)
        .event("e8", "v1", "11:45:00", "page_view", "https://s.com/", null, null, null)
        .event("f1", "v2", "09:00:00", "page_view", "https://s.com/", null, null, null)
        .event("f2", "v2", "09:05:00", "page_view", "https://s.com/", null, null, null)
        .toDataset(spark)
        .withColumn("session_id", org.apache.spark.sql.functions.expr(
            "CASE event_id WHEN 'e1' THEN 'A' WHEN 'e3' THEN '' WHEN 'e4' THEN 'A' WHEN 'e5' THEN 'B' WHEN 'f2' THEN 'C' END"));
    String hash = "substring(sha2(concat_ws('|', visitor_id, CAST(unix_micros(session_start) AS STRING)), 256), 1, 32)";
    List<String> rows = new Sessionizer(new SessionSettings(Duration.ofMinutes(30), SessionSource.INPUT))
        .sessionize(events.repartition(events.col("visitor_id")))
        .orderBy("event_id")
        .selectExpr("concat_ws(' ', event_id, if(session_id = " + hash + ", 'hash', session_id),"
            + " date_format(session_start, 'HH:mm'))")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(rows).containsExactly("e1 A 10:00", "e2 A 10:00", "e3 A 10:00", "e4 A 10:00", "e5 B 10:20", "e6 B 10:20",
        "e7 hash 11:35", "e8 hash 11:35", "f1 hash 09:00", "f2 C 09:05");
  }

  @Test
  void inInputModeATrackersIdSeenAgainMoreThanADayLaterStartsASessionOfThatName() {
    // A, then A exactly 24 h later: one session (as with the timeout, exactly the gap stays). A
    // again 24 h and 1 s after that: a reused id, so a session named A beginning there, which an
    // event without an id 10 min on continues. The gap is from the device's event before, whatever
    // its id: B, then an event without one 20 min later, then B 23 h 50 min after that (24 h 10 min
    // after the first B) is one session.
    Dataset<Row> events = new EventFixtures()
        .event("a1", "v1", "2026-05-10 10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("a2", "v1", "2026-05-11 10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("a3", "v1", "2026-05-12 10:00:01", "page_view", "https://s.com/", null, null, null)
        .event("a4", "v1", "2026-05-12 10:10:00", "page_view", "https://s.com/", null, null, null)
        .event("b1", "v2", "2026-05-10 10:00:00", "page_view", "https://s.com/", null, null, null)
        .event("b2", "v2", "2026-05-10 10:20:00", "page_view", "https://s.com/", null, null, null)
        .event("b3", "v2", "2026-05-11 10:10:00", "page_view", "https://s.com/", null, null, null)
        .toDataset(spark)
        .withColumn("session_id", org.apache.spark.sql.functions.expr(
            "CASE WHEN event_id IN ('a1', 'a2', 'a3') THEN 'A' WHEN event_id IN ('b1', 'b3') THEN 'B' END"));
    List<String> rows = new Sessionizer(new SessionSettings(Duration.ofMinutes(30), SessionSource.INPUT))
        .sessionize(events.repartition(events.col("visitor_id")))
        .orderBy("event_id")
        .selectExpr("concat_ws(' ', event_id, session_id, date_format(session_start, 'MM-dd HH:mm:ss'))")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(rows).containsExactly("a1 A 05-10 10:00:00", "a2 A 05-10 10:00:00", "a3 A 05-12 10:00:01",
        "a4 A 05-12 10:00:01", "b1 B 05-10 10:00:00", "b2 B 05-10 10:00:00", "b3 B 05-10 10:00:00");
  }

  @Test
  void userEdgesMarkWhereARunOfOneUserStartsOrEnds() {
    // user_id along the timeline: -, u1, u1, u1, -, u2, u1. Edges: b and d (the u1 run), f (a run
    // of one), g. Links from the edges alone equal links from every event (first/last sighting).
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "page_view")
        .event("b", "v1", "10:01:00", "login")
        .event("c", "v1", "10:02:00", "page_view")
        .event("d", "v1", "10:03:00", "page_view")
        .event("e", "v1", "10:04:00", "page_view")
        .event("f", "v1", "10:05:00", "login")
        .event("g", "v1", "10:06:00", "login")
        .toDataset(spark)
        .withColumn("user_id", org.apache.spark.sql.functions.expr(
            "CASE WHEN event_id IN ('b', 'c', 'd', 'g') THEN 'u1' WHEN event_id = 'f' THEN 'u2' END"));
    Dataset<Row> out = sessionizer.sessionize(events.repartition(events.col("visitor_id")));
    assertThat(out.filter("user_edge").orderBy("event_time").select("event_id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("b", "d", "f", "g");
    assertThat(IdentityLinks.links(out.filter("user_edge"), java.time.ZoneOffset.UTC).collectAsList())
        .containsExactlyInAnyOrderElementsOf(IdentityLinks.links(events, java.time.ZoneOffset.UTC).collectAsList());
  }

  /**
   * Outside UTC a run is cut at the reporting zone's midnights too. In New York (EDT from 03-08)
   * 03-11 begins at 04:00 UTC: u1 throughout one UTC day, a and b on the local 03-10, c and d on
   * 03-11. Edges: all four; with UTC days alone, a and d.
   */
  @Test
  void outsideUtcUserEdgesAlsoMarkEachLocalDaysFirstAndLastSighting() {
    java.time.ZoneId newYork = java.time.ZoneId.of("America/New_York");
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "2026-03-11 03:00:00", "page_view")
        .event("b", "v1", "2026-03-11 03:50:00", "page_view")
        .event("c", "v1", "2026-03-11 04:10:00", "page_view")
        .event("d", "v1", "2026-03-11 09:00:00", "page_view")
        .toDataset(spark)
        .withColumn("user_id", org.apache.spark.sql.functions.lit("u1"));
    Dataset<Row> out = new Sessionizer(new SessionSettings(Duration.ofMinutes(30), SessionSource.INACTIVITY), newYork)
        .sessionize(events.repartition(events.col("visitor_id")));
    assertThat(out.filter("user_edge").orderBy("event_time").select("event_id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("a", "b", "c", "d");
    assertThat(IdentityLinks.links(out.filter("user_edge"), newYork).selectExpr("concat_ws(' ', last_seen_date, first_seen, last_seen)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactlyInAnyOrder(
            "2026-03-11 2026-03-11 03:00:00 2026-03-11 03:50:00", "2026-03-11 2026-03-11 04:10:00 2026-03-11 09:00:00");
    assertThat(sessionizer.sessionize(events.repartition(events.col("visitor_id"))).filter("user_edge").orderBy("event_time")
        .select("event_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("a", "d");
  }

  @Test
  void userEdgesAlsoMarkEachUtcDaysFirstAndLastSightingOfARun() {
    // u1 throughout, over three UTC days: a, b on 03-10; c, d, e on 03-11 (c in the session b
    // began); f on 03-12. Edges: a, b, c, e, f; not d, inside 03-11's run.
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "2026-03-10 22:00:00", "page_view")
        .event("b", "v1", "2026-03-10 23:50:00", "page_view")
        .event("c", "v1", "2026-03-11 00:10:00", "page_view")
        .event("d", "v1", "2026-03-11 00:20:00", "page_view")
        .event("e", "v1", "2026-03-11 09:00:00", "page_view")
        .event("f", "v1", "2026-03-12 09:00:00", "page_view")
        .toDataset(spark)
        .withColumn("user_id", org.apache.spark.sql.functions.lit("u1"));
    Dataset<Row> out = sessionizer.sessionize(events.repartition(events.col("visitor_id")));
    assertThat(out.filter("user_edge").orderBy("event_time").select("event_id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("a", "b", "c", "e", "f");
    assertThat(IdentityLinks.links(out.filter("user_edge"), java.time.ZoneOffset.UTC).selectExpr("concat_ws(' ', last_seen_date, first_seen, last_seen)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactlyInAnyOrder(
            "2026-03-10 2026-03-10 22:00:00 2026-03-10 23:50:00", "2026-03-11 2026-03-11 00:10:00 2026-03-11 09:00:00",
            "2026-03-12 2026-03-12 09:00:00 2026-03-12 09:00:00");
  }

  /** Its date (by its start) is DailyJobTest's: here the walk only numbers sessions. */
  @Test
  void sessionOverMidnightStaysOneSession() {
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "2026-03-10 23:50:00", "page_view")
        .event("b", "v1", "2026-03-11 00:10:00", "page_view")
        .toDataset(spark);
    assertThat(sessionsOf(events)).containsExactly("a:1", "b:1");
  }

  @Test
  void visitorsAreSessionizedIndependently() {
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "page_view")
        .event("b", "v2", "10:10:00", "page_view")
        .event("c", "v1", "10:20:00", "page_view")
        .toDataset(spark);
    assertThat(sessionsOf(events)).containsExactly("a:1", "b:1", "c:1");
  }

  @Test
  void duplicatesKeepTheFirstByTimeAndQuarantinedRowsTakeNoPart() {
    // x twice (valid): the later copy is the duplicate. z: its earlier copy was quarantined, so the
    // valid one is kept, and the quarantined one is no duplicate either. Neither set-aside row is
    // in a session; the others make one session of x, y, z.
    Dataset<Row> events = new EventFixtures()
        .event("x", "v1", "10:00:05", "page_view")
        .event("x", "v1", "10:00:00", "page_view")
        .event("y", "v1", "10:01:00", "page_view")
        .event("z", "v1", "10:02:00", "page_view")
        .event("z", "v1", "10:03:00", "page_view")
        .toDataset(spark)
        .withColumn("reason", org.apache.spark.sql.functions.expr(
            "CASE WHEN event_id = 'z' AND event_time < TIMESTAMP'2026-03-10 10:02:30' THEN 'missing_event_name' END"));
    List<String> marked = sessionizer.sessionize(events.repartition(events.col("visitor_id")))
        .orderBy("event_time")
        .selectExpr("concat(event_id, '@', date_format(event_time, 'HH:mm:ss'), ':', duplicate, ':',"
            + " coalesce(cast(in_session_order AS STRING), '-'))")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(marked).containsExactly(
        "x@10:00:00:false:1", "x@10:00:05:true:-", "y@10:01:00:false:2", "z@10:02:00:false:-", "z@10:03:00:false:3");
  }

  @Test
  void ofTwoCopiesAtOneTimeTheCopyStoredFirstIsKeptWhicheverArrivesFirst() {
    // x was stored on 03-10 with page /a and re-sent, same time, into 03-11's partition with page
    // /b. In either input order, the 03-10 copy is the event and the re-send the duplicate.
    for (boolean resendFirst : List.of(true, false)) {
      EventFixtures fixtures = new EventFixtures();
      for (String page : resendFirst ? List.of("/b", "/a") : List.of("/a", "/b")) {
        fixtures.event("x", "v1", "10:00:00", "page_view", page, null, null, null);
      }
      Dataset<Row> events = fixtures.event("y", "v1", "10:01:00", "page_view").toDataset(spark)
          .withColumn("event_date", org.apache.spark.sql.functions.expr(
              "CASE WHEN page_url = '/b' THEN DATE'2026-03-11' ELSE event_date END"));
      assertThat(keptAndDuplicates(events)).as("re-send first: %s", resendFirst)
          .containsExactly("x /a 2026-03-10 false", "x /b 2026-03-11 true", "y - 2026-03-10 false");
    }
  }

  @Test
  void ofTwoCopiesAtOneTimeInOnePartitionTheSameIsKeptWhicheverArrivesFirst() {
    // Nothing tells the copies apart but their pages: which is kept is not worked out here, only
    // that it is one of them and the same in both input orders.
    List<List<String>> outcomes = new java.util.ArrayList<>();
    for (List<String> pages : List.of(List.of("/a", "/b"), List.of("/b", "/a"))) {
      EventFixtures fixtures = new EventFixtures();
      pages.forEach(page -> fixtures.event("x", "v1", "10:00:00", "page_view", page, null, null, null));
      outcomes.add(keptAndDuplicates(fixtures.toDataset(spark)));
    }
    assertThat(outcomes.get(0)).hasSize(2).isEqualTo(outcomes.get(1));
    assertThat(outcomes.get(0)).filteredOn(line -> line.endsWith("true")).hasSize(1);
  }

  /** "event_id page event_date duplicate" per row, ordered by the row, after one shuffle by device. */
  private List<String> keptAndDuplicates(Dataset<Row> events) {
    return sessionizer.sessionize(events.repartition(1, events.col("visitor_id")))
        .selectExpr("concat_ws(' ', event_id, coalesce(page_url, '-'), cast(event_date AS STRING), cast(duplicate AS STRING))")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList().stream().sorted().toList();
  }

  /** Plan nodes whose name contains {@code name}. */
  static long nodes(SparkPlan plan, String name) {
    return plan.collect(new scala.runtime.AbstractPartialFunction<SparkPlan, SparkPlan>() {
      @Override
      public boolean isDefinedAt(SparkPlan p) {
        return p.nodeName().contains(name);
      }

      @Override
      public SparkPlan apply(SparkPlan p) {
        return p;
      }
    }).size();
  }
}
