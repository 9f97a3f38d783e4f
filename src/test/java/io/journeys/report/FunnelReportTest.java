package io.journeys.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import io.journeys.config.FunnelDefinition;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class FunnelReportTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void stepsAreMatchedInOrderGreedilyWithinTheLookbackEndingAtTheDaysEnd() {
    // Funnel a > b > c on 2026-01-10, lookback 7 days: events from 01-04 00:00 to 01-11 00:00 count.
    // v1: a, b, c in order -> 3. v2: b before a, nothing after a -> 1. v3: its a is on 01-01, too old
    // -> 0. v4: c alone -> 0. v5: a, a, b -> 2. x is no step and is ignored.
    Dataset<Row> conversions = spark.sql("SELECT * FROM VALUES"
        + " ('v1', TIMESTAMP'2026-01-09 10:00:00', 'a'), ('v1', TIMESTAMP'2026-01-09 11:00:00', 'x'),"
        + " ('v1', TIMESTAMP'2026-01-09 12:00:00', 'b'), ('v1', TIMESTAMP'2026-01-10 09:00:00', 'c'),"
        + " ('v2', TIMESTAMP'2026-01-09 10:00:00', 'b'), ('v2', TIMESTAMP'2026-01-09 11:00:00', 'a'),"
        + " ('v3', TIMESTAMP'2026-01-01 10:00:00', 'a'), ('v3', TIMESTAMP'2026-01-09 10:00:00', 'b'),"
        + " ('v4', TIMESTAMP'2026-01-10 10:00:00', 'c'),"
        + " ('v5', TIMESTAMP'2026-01-08 10:00:00', 'a'), ('v5', TIMESTAMP'2026-01-09 10:00:00', 'a'),"
        + " ('v5', TIMESTAMP'2026-01-10 23:59:59', 'b'), ('v5', TIMESTAMP'2026-01-11 00:00:00', 'c')"
        + " AS t(visitor_key, event_time, conversion)");
    List<String> rows = FunnelReport.funnels(conversions, List.of(new FunnelDefinition("abc", List.of("a", "b", "c"))),
            LocalDate.parse("2026-01-10"), LocalDate.parse("2026-01-10"), Duration.ofDays(7), ZoneOffset.UTC)
        .orderBy("step")
        .selectExpr("concat_ws(' ', date, funnel, step, step_name, visitors, round(rate_from_previous, 4),"
            + " round(rate_from_start, 4))")
        .as(Encoders.STRING()).collectAsList();
    // Reached: a by v1, v2, v5 (3); b by v1, v5 (2); c by v1 (1; v5's c is past the day's end).
    assertThat(rows).containsExactly(
        "2026-01-10 abc 1 a 3 1.0 1.0",
        "2026-01-10 abc 2 b 2 0.6667 0.6667",
        "2026-01-10 abc 3 c 1 0.5 0.3333");
  }

  /**
   * One event may fire two rules (the third page view is the pricing page): conversions at one
   * instant match the next steps in any order, not only in their names' order, and each matches
   * one step at most (a review found [b, a] unreached where b and a came at once).
   */
  @Test
  void conversionsAtOneInstantMatchTheNextStepsInAnyOrder() {
    // v1: a and b at 10:00, c at 11:00. v2: a twice at 10:00. v3: a at 10:00.
    // b > a > c: v1 reaches all three (b, then a, of the same instant; c later); v2, v3 nothing.
    // a > b > c: v1 3, v2 1, v3 1. a > a: v1 1 (its one a matches one step), v2 2, v3 1.
    Dataset<Row> conversions = spark.sql("SELECT * FROM VALUES"
        + " ('v1', TIMESTAMP'2026-01-10 10:00:00', 'a'), ('v1', TIMESTAMP'2026-01-10 10:00:00', 'b'),"
        + " ('v1', TIMESTAMP'2026-01-10 11:00:00', 'c'),"
        + " ('v2', TIMESTAMP'2026-01-10 10:00:00', 'a'), ('v2', TIMESTAMP'2026-01-10 10:00:00', 'a'),"
        + " ('v3', TIMESTAMP'2026-01-10 10:00:00', 'a')"
        + " AS t(visitor_key, event_time, conversion)");
    List<String> rows = FunnelReport.funnels(conversions, List.of(
                new FunnelDefinition("bac", List.of("b", "a", "c")), new FunnelDefinition("abc", List.of("a", "b", "c")),
                new FunnelDefinition("aa", List.of("a", "a"))),
            LocalDate.parse("2026-01-10"), LocalDate.parse("2026-01-10"), Duration.ofDays(7), ZoneOffset.UTC)
        .orderBy("funnel", "step")
        .selectExpr("concat_ws(' ', funnel, step, step_name, visitors, round(rate_from_previous, 4),"
            + " round(rate_from_start, 4))")
        .as(Encoders.STRING()).collectAsList();
    assertThat(rows).containsExactly(
        "aa 1 a 3 1.0 1.0",
        "aa 2 a 1 0.3333 0.3333",
        "abc 1 a 3 1.0 1.0",
        "abc 2 b 1 0.3333 0.3333",
        "abc 3 c 1 1.0 0.3333",
        "bac 1 b 1 1.0 1.0",
        "bac 2 a 1 1.0 1.0",
        "bac 3 c 1 1.0 1.0");
  }

  @Test
  void eachCopyOfASegmentedKeyCountsOnItsOwnDaysOnly() {
    // Funnel a > b, lookback 7 days, days 01-09 and 01-10. Device v1 (a on 01-08) joins user U on
    // 01-10; U's other device has b on 01-09. Segmented (KeySegments): v1's row serves key v1 on
    // 01-09 and U on 01-10; the b serves U on both days. 01-09: v1 reaches a, U nothing (b without
    // a) -> 1, 0. 01-10: U reaches a then b -> 1, 1.
    Dataset<Row> conversions = spark.sql("SELECT visitor_key, event_time, conversion, DATE(seg_from) AS seg_from,"
        + " DATE(seg_to) AS seg_to FROM VALUES"
        + " ('v1', TIMESTAMP'2026-01-08 10:00:00', 'a', '2026-01-09', '2026-01-09'),"
        + " ('U', TIMESTAMP'2026-01-09 10:00:00', 'b', '2026-01-09', '2026-01-09'),"
        + " ('U', TIMESTAMP'2026-01-08 10:00:00', 'a', '2026-01-10', '2026-01-10'),"
        + " ('U', TIMESTAMP'2026-01-09 10:00:00', 'b', '2026-01-10', '2026-01-10')"
        + " AS t(visitor_key, event_time, conversion, seg_from, seg_to)");
    List<String> rows = FunnelReport.funnels(conversions, List.of(new FunnelDefinition("ab", List.of("a", "b"))),
            LocalDate.parse("2026-01-09"), LocalDate.parse("2026-01-10"), Duration.ofDays(7), ZoneOffset.UTC)
        .orderBy("date", "step")
        .selectExpr("concat_ws(' ', date, step, visitors)")
        .as(Encoders.STRING()).collectAsList();
    assertThat(rows).containsExactly("2026-01-09 1 1", "2026-01-09 2 0", "2026-01-10 1 1", "2026-01-10 2 1");
  }

  @Test
  void everyDayOfARangeAndEveryFunnelHasItsOwnWindow() {
    // Lookback 2 days: day D counts conversions from D-1 00:00 to D+1 00:00. Funnels a > b > c and
    // c > b over the same conversions.
    //   01-09: v1 has a, b -> abc 2, cb 0; v2 has c, b -> abc 0, cb 2.
    //   01-10: v1 has b, c (its a too old, its next b not yet) -> abc 0, cb 1; v2 still c, b -> cb 2.
    //   01-11: v1 has c, b -> cb 2; v2 has only a -> abc 1.
    Dataset<Row> conversions = spark.sql("SELECT * FROM VALUES"
        + " ('v1', TIMESTAMP'2026-01-08 12:00:00', 'a'), ('v1', TIMESTAMP'2026-01-09 12:00:00', 'b'),"
        + " ('v1', TIMESTAMP'2026-01-09 13:00:00', 'x'), ('v1', TIMESTAMP'2026-01-10 12:00:00', 'c'),"
        + " ('v1', TIMESTAMP'2026-01-11 12:00:00', 'b'),"
        + " ('v2', TIMESTAMP'2026-01-09 08:00:00', 'c'), ('v2', TIMESTAMP'2026-01-09 09:00:00', 'b'),"
        + " ('v2', TIMESTAMP'2026-01-11 10:00:00', 'a')"
        + " AS t(visitor_key, event_time, conversion)");
    List<String> rows = FunnelReport.funnels(conversions,
            List.of(new FunnelDefinition("abc", List.of("a", "b", "c")), new FunnelDefinition("cb", List.of("c", "b"))),
            LocalDate.parse("2026-01-09"), LocalDate.parse("2026-01-11"), Duration.ofDays(2), ZoneOffset.UTC)
        .selectExpr("concat_ws(' ', date, funnel, step, step_name, visitors, round(rate_from_previous, 4),"
            + " round(rate_from_start, 4))")
        .as(Encoders.STRING()).collectAsList();
    // Every step of every funnel on every day, 0 included; a rate against a step of 0 is null
    // (concat_ws leaves it out).
    assertThat(rows).containsExactlyInAnyOrder(
        "2026-01-09 abc 1 a 1 1.0 1.0", "2026-01-09 abc 2 b 1 1.0 1.0", "2026-01-09 abc 3 c 0 0.0 0.0",
        "2026-01-10 abc 1 a 0", "2026-01-10 abc 2 b 0", "2026-01-10 abc 3 c 0",
        "2026-01-11 abc 1 a 1 1.0 1.0", "2026-01-11 abc 2 b 0 0.0 0.0", "2026-01-11 abc 3 c 0 0.0",
        "2026-01-09 cb 1 c 1 1.0 1.0", "2026-01-09 cb 2 b 1 1.0 1.0",
        "2026-01-10 cb 1 c 2 1.0 1.0", "2026-01-10 cb 2 b 1 0.5 0.5",
        "2026-01-11 cb 1 c 1 1.0 1.0", "2026-01-11 cb 2 b 1 1.0 1.0");
  }

  @Test
  void theDayEndsAtMidnightInTheReportingTimeZone() {
    // Funnel a > b, lookback 1 day, in Europe/Paris (UTC+1 in January). Day 01-10 ends at 01-10
    // 23:00 UTC, so its window is [01-09 23:00, 01-10 23:00) UTC: v's a counts and its b (23:30 UTC,
    // 00:30 on 01-11 in Paris) does not; w's a and b both count. Day 01-11 holds only v's b, which
    // is not step 1, so 01-11 has steps of 0. With UTC days, 01-10 would hold only the two b's, and no
    // visitor.
    Dataset<Row> conversions = spark.sql("SELECT * FROM VALUES"
        + " ('v', TIMESTAMP'2026-01-09 23:30:00', 'a'), ('v', TIMESTAMP'2026-01-10 23:30:00', 'b'),"
        + " ('w', TIMESTAMP'2026-01-09 23:10:00', 'a'), ('w', TIMESTAMP'2026-01-10 22:59:00', 'b')"
        + " AS t(visitor_key, event_time, conversion)");
    List<String> rows = FunnelReport.funnels(conversions, List.of(new FunnelDefinition("ab", List.of("a", "b"))),
            LocalDate.parse("2026-01-10"), LocalDate.parse("2026-01-11"), Duration.ofDays(1), ZoneId.of("Europe/Paris"))
        .selectExpr("concat_ws(' ', date, step, visitors)")
        .as(Encoders.STRING()).collectAsList();
    assertThat(rows).containsExactlyInAnyOrder("2026-01-10 1 2", "2026-01-10 2 1", "2026-01-11 1 0", "2026-01-11 2 0");
  }
}
