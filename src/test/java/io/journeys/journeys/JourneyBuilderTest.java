package io.journeys.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class JourneyBuilderTest {
  private final SparkSession spark = TestSpark.session();
  private final JourneyBuilder builder = new JourneyBuilder(Duration.ofDays(30), ZoneOffset.UTC);

  /** Timeline rows: (visitor_key, time, is_macro, name, id[, min_count of a per-journey rule's match]). */
  private Dataset<Row> timeline(String... rows) {
    StringBuilder values = new StringBuilder();
    for (String row : rows) {
      String[] f = row.split(",");
      values.append(values.length() == 0 ? "" : ", ").append(String.format(
          "('%s', TIMESTAMP'%s', %s, '%s', 's-%s', '%s', %s, %s)", f[0], f[1], f[2], f[3], f[4], f[4],
          f[2].equals("true") ? "10.0" : "CAST(NULL AS DOUBLE)", f.length > 5 ? f[5] : "CAST(NULL AS INT)"));
    }
    return spark.sql("SELECT * FROM VALUES " + values
        + " AS t(visitor_key, t, is_macro, name, session_id, event_id, value, min_count)");
  }

  @Test
  void aPerJourneyRuleFiresOnceAtItsNthMatchAcrossDays() {
    // pages counts per journey to 3: its matches 02-01, 02-05, 02-09 10:00 (the 3rd: a touchpoint
    // there), 02-09 11:00 (a 4th: nothing); a is an ordinary touchpoint on 02-08.
    Dataset<Row> t = timeline(
        "u,2026-02-01 10:00:00,false,pages,1,3",
        "u,2026-02-05 10:00:00,false,pages,2,3",
        "u,2026-02-08 10:00:00,false,a,3",
        "u,2026-02-09 10:00:00,false,pages,4,3",
        "u,2026-02-09 11:00:00,false,pages,5,3",
        "u,2026-02-10 10:00:00,true,purchase,6");
    assertThat(journeys(t, "2026-02-10", "2026-02-10")).containsExactly("u 2026-02-10 true purchase a > pages");
    Row journey = builder.build(t, LocalDate.parse("2026-02-10"), LocalDate.parse("2026-02-10")).first();
    assertThat(journey.<java.sql.Timestamp>getAs("journey_start")).isEqualTo(java.sql.Timestamp.valueOf("2026-02-08 10:00:00"));
    assertThat(journey.<Integer>getAs("sessions_to_convert")).isEqualTo(3); // s-3, s-4 and the purchase's s-6
  }

  @Test
  void aMacroConversionStartsAPerJourneyCountAgain() {
    // Two matches, a purchase, then a third match: it is the new journey's first, so nothing fires
    // until two more (02-06); carried over, the count would have fired on 02-04.
    Dataset<Row> t = timeline(
        "u,2026-02-01 10:00:00,false,pages,1,3",
        "u,2026-02-02 10:00:00,false,pages,2,3",
        "u,2026-02-03 10:00:00,true,purchase,3",
        "u,2026-02-04 10:00:00,false,pages,4,3",
        "u,2026-02-05 10:00:00,false,pages,5,3",
        "u,2026-02-06 10:00:00,false,pages,6,3",
        "u,2026-02-07 10:00:00,true,purchase,7");
    assertThat(journeys(t, "2026-02-01", "2026-02-28"))
        .containsExactly("u 2026-02-03 true purchase (none)", "u 2026-02-07 true purchase pages");
  }

  @Test
  void matchesNeitherExtendNorCutAJourney() {
    // a on 01-01 closes 01-31 whatever matches follow: the match on 01-20 does not keep it open.
    // The match on 02-10 comes after a's journey closed, so the count starts again there, and the
    // rule (2 matches) fires on 02-12: a journey of its own, closing 30 days later.
    Dataset<Row> t = timeline(
        "u,2026-01-01 10:00:00,false,a,1",
        "u,2026-01-20 10:00:00,false,pages,2,2",
        "u,2026-02-10 10:00:00,false,pages,3,2",
        "u,2026-02-12 10:00:00,false,pages,4,2");
    assertThat(journeys(t, "2026-01-01", "2026-03-31"))
        .containsExactly("u 2026-01-31 false - a", "u 2026-03-14 false - pages");
  }

  @Test
  void matchesMoreThanLookbackApartStartTheCountAgain() {
    // No touchpoint yet: 01-01 and 02-15 are 45 days apart, so 02-15 counts 1 and 02-16 fires.
    Dataset<Row> t = timeline(
        "u,2026-01-01 10:00:00,false,pages,1,2",
        "u,2026-02-15 10:00:00,false,pages,2,2",
        "u,2026-02-16 10:00:00,false,pages,3,2",
        "v,2026-01-01 10:00:00,false,pages,4,2");
    assertThat(journeys(t, "2026-01-01", "2026-03-31")).containsExactly("u 2026-03-18 false - pages");
  }

  @Test
  void eachCopyOfASegmentedKeyClosesOnlyTheJourneysOfItsOwnDates() {
    // v buys on 02-01 before logging in as U on 02-03; w (U's) adds to cart on 02-02 and buys on
    // 02-04. Segmented (KeySegments): v's rows serve key v on 02-01..02-02 and U on 02-03..02-04;
    // w's serve U on both segments. v's purchase closes on 02-01 as v's alone; U's journey of 02-04
    // starts after v's purchase (on U's 02-03.. copy), and U's 02-01.. copy closes nothing on its dates.
    Dataset<Row> before = segment(timeline(
        "v,2026-02-01 09:00:00,false,a,1",
        "v,2026-02-01 10:00:00,true,purchase,2",
        "U,2026-02-02 10:00:00,false,cart,3",
        "U,2026-02-04 10:00:00,true,purchase,4"), "2026-02-01", "2026-02-02");
    Dataset<Row> after = segment(timeline(
        "U,2026-02-01 09:00:00,false,a,1",
        "U,2026-02-01 10:00:00,true,purchase,2",
        "U,2026-02-02 10:00:00,false,cart,3",
        "U,2026-02-04 10:00:00,true,purchase,4"), "2026-02-03", "2026-02-04");
    Dataset<Row> t = before.unionByName(after);
    assertThat(journeys(t, "2026-02-01", "2026-02-04"))
        .containsExactly("U 2026-02-04 true purchase cart", "v 2026-02-01 true purchase a");
  }

  private static Dataset<Row> segment(Dataset<Row> timeline, String from, String to) {
    return timeline.withColumn(KeySegments.SEG_FROM, org.apache.spark.sql.functions.lit(java.sql.Date.valueOf(from)))
        .withColumn(KeySegments.SEG_TO, org.apache.spark.sql.functions.lit(java.sql.Date.valueOf(to)));
  }

  private List<String> journeys(Dataset<Row> timeline, String from, String to) {
    return journeys(builder, timeline, from, to);
  }

  private static List<String> journeys(JourneyBuilder builder, Dataset<Row> timeline, String from, String to) {
    return builder.build(timeline, LocalDate.parse(from), LocalDate.parse(to))
        .orderBy("visitor_key", "close_date")
        .selectExpr("concat(visitor_key, ' ', close_date, ' ', converted, ' ', coalesce(macro_conversion, '-'), ' ', path)")
        .as(Encoders.STRING()).collectAsList();
  }

  /**
   * By hand (README): a at 02-01 10:00, b at 02-02 16:00, the purchase at 02-03 22:00, each in a
   * session of its own: 2.5 days from the first touchpoint, 3 sessions. v's purchase without a
   * touchpoint: NULL days, its own 1 session. w's touchpoints c and d (one session, s-5 twice)
   * never convert: NULL days, 1 session. (No test computed them, a review.)
   */
  @Test
  void daysAndSessionsToConvertAreThoseWorkedOutByHand() {
    Dataset<Row> t = timeline(
        "u,2026-02-01 10:00:00,false,a,1",
        "u,2026-02-02 16:00:00,false,b,2",
        "u,2026-02-03 22:00:00,true,purchase,3",
        "v,2026-02-03 09:00:00,true,purchase,4",
        "w,2026-01-01 09:00:00,false,c,5",
        "w,2026-01-01 09:10:00,false,d,6")
        .withColumn("session_id", org.apache.spark.sql.functions.expr("if(event_id = '6', 's-5', session_id)"));
    assertThat(builder.build(t, LocalDate.parse("2026-01-31"), LocalDate.parse("2026-02-03"))
        .orderBy("visitor_key")
        .selectExpr("concat_ws(' ', visitor_key, close_date, coalesce(cast(days_to_convert AS STRING), '-'), sessions_to_convert)")
        .as(Encoders.STRING()).collectAsList())
        .containsExactly("u 2026-02-03 2.5 3", "v 2026-02-03 - 1", "w 2026-01-31 - 1");
  }

  @Test
  void lookbackBoundaryKeepsExactly30DaysAndDropsOneSecondMore() {
    // Purchase 2026-02-10 12:00. a at 2026-01-11 12:00 is exactly 30 days before: kept.
    // b at 2026-01-11 11:59:59 is 30 days + 1 s before: dropped from the journey.
    Dataset<Row> t = timeline(
        "u,2026-01-11 11:59:59,false,b,1",
        "u,2026-01-11 12:00:00,false,a,2",
        "u,2026-02-10 12:00:00,true,purchase,3");
    assertThat(journeys(t, "2026-02-10", "2026-02-10")).containsExactly("u 2026-02-10 true purchase a");
  }

  @Test
  void previousMacroConversionResetsTheJourney() {
    // a, purchase, b, purchase: the second purchase's journey is only b.
    Dataset<Row> t = timeline(
        "u,2026-02-01 10:00:00,false,a,1",
        "u,2026-02-01 11:00:00,true,purchase,2",
        "u,2026-02-03 10:00:00,false,b,3",
        "u,2026-02-03 11:00:00,true,purchase,4");
    assertThat(journeys(t, "2026-02-01", "2026-02-03"))
        .containsExactly("u 2026-02-01 true purchase a", "u 2026-02-03 true purchase b");
  }

  /**
   * One purchase event firing two macro rules (a review): two journeys with their own ids, and the
   * touchpoint goes to the rule first by name, as between two macro events of one instant, whatever
   * the rows' order (here purchase's row comes first).
   */
  @Test
  void anEventFiringTwoMacroRulesClosesTwoJourneysWithTheirOwnIds() {
    Dataset<Row> t = timeline(
        "u,2026-02-01 10:00:00,false,a,1",
        "u,2026-02-01 11:00:00,true,purchase,2",
        "u,2026-02-01 11:00:00,true,any_order,2");
    assertThat(journeys(t, "2026-02-01", "2026-02-01"))
        .containsExactlyInAnyOrder("u 2026-02-01 true any_order a", "u 2026-02-01 true purchase (none)");
    assertThat(builder.build(t, LocalDate.parse("2026-02-01"), LocalDate.parse("2026-02-01"))
        .select("journey_id").distinct().count()).isEqualTo(2);
  }

  /**
   * Two devices of one user send one event id at one instant (two events, README): the purchase
   * whose session sorts first takes the touchpoint, whatever the rows' order, and each journey has
   * its own id (a review found the choice left to the sort's ties, and one id for both).
   */
  @Test
  void oneEventIdFromTwoDevicesAtOneInstantClosesTwoJourneysTheSameWayInEitherOrder() {
    String touch = "('u', TIMESTAMP'2026-02-01 09:00:00', false, 'a', 's1', 'e1', CAST(NULL AS DOUBLE), CAST(NULL AS INT))";
    String fromS1 = "('u', TIMESTAMP'2026-02-01 10:00:00', true, 'purchase', 's1', 'X', 10.0D, CAST(NULL AS INT))";
    String fromS2 = "('u', TIMESTAMP'2026-02-01 10:00:00', true, 'purchase', 's2', 'X', 20.0D, CAST(NULL AS INT))";
    for (List<String> order : List.of(List.of(touch, fromS2, fromS1), List.of(touch, fromS1, fromS2))) {
      Dataset<Row> t = spark.sql("SELECT * FROM VALUES " + String.join(", ", order)
          + " AS t(visitor_key, t, is_macro, name, session_id, event_id, value, min_count)");
      Dataset<Row> built = builder.build(t, LocalDate.parse("2026-02-01"), LocalDate.parse("2026-02-01"));
      // s1's purchase: touchpoint a (session s1), value 10, one session; s2's: no touchpoint, value 20.
      assertThat(built.selectExpr("concat_ws(' ', path, CAST(value AS STRING), CAST(sessions_to_convert AS STRING))")
              .as(Encoders.STRING()).collectAsList()).as(order.toString())
          .containsExactlyInAnyOrder("a 10.0 1", "(none) 20.0 1");
      assertThat(built.select("journey_id").distinct().count()).as(order.toString()).isEqualTo(2);
    }
  }

  @Test
  void conversionWithoutTouchpointsHasPathNone() {
    Dataset<Row> t = timeline("u,2026-02-01 10:00:00,true,purchase,1");
    assertThat(journeys(t, "2026-02-01", "2026-02-01")).containsExactly("u 2026-02-01 true purchase (none)");
  }

  @Test
  void nonConvertingJourneyClosesLookbackAfterItsLastTouchpoint() {
    // a 01-01, b 01-20 (19 days later: same journey), nothing after: closes 01-20 + 30 d = 02-19.
    Dataset<Row> t = timeline(
        "u,2026-01-01 10:00:00,false,a,1",
        "u,2026-01-20 10:00:00,false,b,2");
    assertThat(journeys(t, "2026-02-18", "2026-02-18")).isEmpty();
    assertThat(journeys(t, "2026-02-19", "2026-02-19")).containsExactly("u 2026-02-19 false - a > b");
  }

  @Test
  void aRangeGivesTheJourneysOfItsDaysOneByOne() {
    Dataset<Row> t = timeline(
        "u,2026-01-01 10:00:00,false,a,1",
        "u,2026-01-02 10:00:00,true,purchase,2",
        "v,2026-01-01 09:00:00,false,c,3",
        "w,2026-01-02 08:00:00,false,d,4",
        "w,2026-01-03 08:00:00,true,quote_request,5");
    List<String> range = journeys(t, "2026-01-01", "2026-02-05");
    List<String> byDay = new java.util.ArrayList<>();
    for (LocalDate d = LocalDate.parse("2026-01-01"); !d.isAfter(LocalDate.parse("2026-02-05")); d = d.plusDays(1)) {
      byDay.addAll(journeys(t, d.toString(), d.toString()));
    }
    assertThat(range).containsExactlyInAnyOrderElementsOf(byDay)
        .containsExactlyInAnyOrder("u 2026-01-02 true purchase a", "v 2026-01-31 false - c", "w 2026-01-03 true quote_request d");
  }

  /**
   * With lookback 30 days, on 2026-02-10: u buys that day; v's last touchpoint is 01-11 10:00
   * (closes 02-10); w's is 01-12 (closes 02-11); x bought on 02-09; y touched on 01-11 but again on
   * 01-20 (closes 02-19).
   */
  private Dataset<Row> closingAround0210() {
    return timeline(
        "u,2026-02-01 10:00:00,false,a,1",
        "u,2026-02-10 10:00:00,true,purchase,2",
        "v,2026-01-11 10:00:00,false,b,3",
        "w,2026-01-12 10:00:00,false,c,4",
        "x,2026-02-09 10:00:00,true,purchase,5",
        "y,2026-01-11 10:00:00,false,d,6",
        "y,2026-01-20 10:00:00,false,e,7");
  }

  @Test
  void onlyVisitorsWithAJourneyClosingInTheRangeAreBuiltAndNoJourneyChanges() {
    // Range 2026-02-10 (see the fixture): y is kept for the look, and has no journey closing that day.
    Dataset<Row> t = closingAround0210();
    LocalDate day = LocalDate.parse("2026-02-10");
    assertThat(builder.closingIn(t, day, day).select("visitor_key").distinct().as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("u", "v", "y");
    assertThat(journeys(t, "2026-02-10", "2026-02-10"))
        .containsExactly("u 2026-02-10 true purchase a", "v 2026-02-10 false - b");
    // Every day of a long range: the journeys of all visitors, unfiltered, are the same rows.
    LocalDate from = LocalDate.parse("2026-01-01");
    LocalDate to = LocalDate.parse("2026-03-31");
    assertThat(builder.build(t, from, to).collectAsList())
        .containsExactlyInAnyOrderElementsOf(builder.journeys(t, from, to).collectAsList());
    // And the range's journeys by hand (a review: the line above compares the builder with itself).
    assertThat(journeys(t, from.toString(), to.toString())).containsExactlyInAnyOrder(
        "u 2026-02-10 true purchase a", "v 2026-02-10 false - b", "w 2026-02-11 false - c",
        "x 2026-02-09 true purchase (none)", "y 2026-02-19 false - d > e");
  }

  @Test
  void closingDatesAreTheRangeAndTheRangeMovedBackByLookbackAndFindTheSameJourneys() {
    Dataset<Row> days = spark.sql("SELECT explode(sequence(DATE'2026-01-01', DATE'2026-02-28')) AS d");
    LocalDate day = LocalDate.parse("2026-02-10");
    // 30 days: macros on 02-10, touchpoints in [01-11 00:00, 01-12 00:00).
    assertThat(days.filter(builder.closingDates(days.col("d"), day, day)).selectExpr("cast(d AS STRING)")
        .as(Encoders.STRING()).collectAsList()).containsExactly("2026-01-11", "2026-02-10");
    // 36 hours: touchpoints in [02-08 12:00, 02-09 12:00) span two days.
    JourneyBuilder hours = new JourneyBuilder(Duration.ofHours(36), ZoneOffset.UTC);
    assertThat(days.filter(hours.closingDates(days.col("d"), day, day)).selectExpr("cast(d AS STRING)")
        .as(Encoders.STRING()).collectAsList()).containsExactly("2026-02-08", "2026-02-09", "2026-02-10");

    // Candidates read from those dates only name the same visitors: the same journeys, day by day.
    Dataset<Row> t = closingAround0210();
    // The days around each closing under either lookback, and a two-month range.
    List<String[]> ranges = List.of(new String[] {"2026-01-12", "2026-01-12"}, new String[] {"2026-01-21", "2026-01-21"},
        new String[] {"2026-02-09", "2026-02-09"}, new String[] {"2026-02-10", "2026-02-10"},
        new String[] {"2026-02-11", "2026-02-11"}, new String[] {"2026-02-19", "2026-02-19"},
        new String[] {"2026-01-01", "2026-02-28"});
    // By hand over two months: with 36 hours every gap of the fixture (9 days and more) splits a
    // journey, and each touchpoint alone closes 36 hours after it (10:00 + 36 h is 22:00 the next day).
    assertThat(journeys(hours, t, "2026-01-01", "2026-02-28")).containsExactlyInAnyOrder(
        "u 2026-02-02 false - a", "u 2026-02-10 true purchase (none)", "v 2026-01-12 false - b",
        "w 2026-01-13 false - c", "x 2026-02-09 true purchase (none)", "y 2026-01-12 false - d", "y 2026-01-21 false - e");
    for (JourneyBuilder b : List.of(builder, hours)) {
      for (String[] r : ranges) {
        LocalDate from = LocalDate.parse(r[0]);
        LocalDate to = LocalDate.parse(r[1]);
        Dataset<Row> candidates = t.filter(b.closingDates(org.apache.spark.sql.functions.to_date(t.col("t")), from, to));
        assertThat(b.build(t, b.closingVisitors(candidates, from, to), from, to).collectAsList())
            .containsExactlyInAnyOrderElementsOf(b.journeys(t, from, to).collectAsList());
      }
    }
  }
}
