package io.journeys.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.EventFixtures;
import io.journeys.TestSpark;
import io.journeys.config.ConversionRule;
import io.journeys.config.ConversionRule.CountScope;
import io.journeys.config.ConversionRule.Kind;
import io.journeys.config.JobSettings.SessionSettings;
import io.journeys.config.JobSettings.SessionSource;
import io.journeys.config.JobSettings.TouchpointDedupe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ConversionDetectorTest {
  private final SparkSession spark = TestSpark.session();

  private static final List<ConversionRule> RULES = List.of(
      new ConversionRule("viewed_3_pages", Kind.MICRO, "event_name = 'page_view'", 3, CountScope.SESSION, Optional.empty()),
      new ConversionRule("newsletter_signup", Kind.MICRO, "event_name = 'newsletter_signup'", 1, CountScope.SESSION,
          Optional.empty()),
      new ConversionRule("purchase", Kind.MACRO, "event_name = 'purchase'", 1, CountScope.SESSION, Optional.of("revenue")));

  /**
   * Two sessions of one visitor (an hour apart). Session 1: four page views, two signups, a
   * purchase; session 2: two page views, one signup, a purchase. By hand: viewed_3_pages fires at
   * p3 only (the 4th view and session 2's two views do not reach a new 3rd); the signup fires at
   * its first match per session (s1, s3); every purchase fires, with its revenue.
   */
  private Dataset<Row> events() {
    return new EventFixtures()
        .event("p1", "v1", "10:00:00", "page_view")
        .event("s1", "v1", "10:01:00", "newsletter_signup")
        .event("p2", "v1", "10:02:00", "page_view")
        .event("s2", "v1", "10:03:00", "newsletter_signup")
        .event("p3", "v1", "10:04:00", "page_view")
        .event("p4", "v1", "10:05:00", "page_view")
        .event("b1", "v1", "10:06:00", "purchase")
        .event("p5", "v1", "11:10:00", "page_view")
        .event("s3", "v1", "11:11:00", "newsletter_signup")
        .event("p6", "v1", "11:12:00", "page_view")
        .event("b2", "v1", "11:13:00", "purchase")
        .toDataset(spark);
  }

  /** The events walked with a 30-minute timeout, each with the rules firing at it. */
  private static Dataset<Row> sessionized(Dataset<Row> events, ConversionDetector detector) {
    return new Sessionizer(new SessionSettings(Duration.ofMinutes(30), SessionSource.INACTIVITY))
        .sessionize(events.repartition(events.col("visitor_id")), null, detector);
  }

  private List<String> firings(TouchpointDedupe dedupe) {
    ConversionDetector detector = new ConversionDetector(RULES, dedupe);
    return detector.conversions(sessionized(events(), detector))
        .orderBy("event_time", "conversion")
        .selectExpr("concat_ws(' ', event_id, kind, conversion, coalesce(cast(value AS STRING), '-'))")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Test
  void aPerJourneyRuleHandsOnTheFirstNMatchesOfASessionAndAgainAfterEachMacroConversion() {
    // One session p1..p6 with a purchase after p3, and q1 an hour later. Counting 2 per journey,
    // a journey starting in the session can need only its first 2 matches, or 2 after the purchase.
    List<ConversionRule> rules = List.of(
        new ConversionRule("pages", Kind.MICRO, "event_name = 'page_view'", 2, CountScope.JOURNEY, Optional.empty()),
        RULES.get(2));
    Dataset<Row> events = new EventFixtures()
        .event("p1", "v1", "10:00:00", "page_view")
        .event("p2", "v1", "10:01:00", "page_view")
        .event("p3", "v1", "10:02:00", "page_view")
        .event("b1", "v1", "10:03:00", "purchase")
        .event("p4", "v1", "10:04:00", "page_view")
        .event("p5", "v1", "10:05:00", "page_view")
        .event("p6", "v1", "10:06:00", "page_view")
        .event("q1", "v1", "11:10:00", "page_view")
        .toDataset(spark);
    ConversionDetector detector = new ConversionDetector(rules, TouchpointDedupe.SESSION);
    Dataset<Row> sessionized = sessionized(events, detector);
    assertThat(detector.countsPerJourney()).isTrue();
    assertThat(detector.journeyMatches(sessionized).orderBy("event_time").selectExpr("concat_ws(' ', event_id, conversion)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("p1 pages", "p2 pages", "p4 pages", "p5 pages", "q1 pages");
    // Not a touchpoint of the session: only stage 2 decides where it fires.
    assertThat(detector.conversions(sessionized).selectExpr("concat_ws(' ', event_id, conversion)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("b1 purchase");
  }

  @Test
  void countRulesFireOnceAtTheNthMatchOfTheSessionAndMicroConversionsOncePerSession() {
    assertThat(firings(TouchpointDedupe.SESSION)).containsExactly(
        "s1 micro newsletter_signup -",
        "p3 micro viewed_3_pages -",
        "b1 macro purchase 100.0",
        "s3 micro newsletter_signup -",
        "b2 macro purchase 100.0");
  }

  /**
   * Stage 2 puts a match at a purchase's own instant in the journey the purchase closes, whatever
   * the event ids (matches sort before the macro at one instant). So the next journey counts from
   * the first instant after it: with the purchase's id sorting first (a), b at its instant is one
   * of the closing journey's matches, and c and d are the next journey's first two. Reset at the
   * purchase's row, b was counted for the next journey and d was not handed on (a review).
   */
  @Test
  void aPerJourneyRuleCountsAMatchAtAPurchasesInstantInTheJourneyThePurchaseCloses() {
    List<ConversionRule> rules = List.of(
        new ConversionRule("pages", Kind.MICRO, "event_name = 'page_view'", 2, CountScope.JOURNEY, Optional.empty()),
        RULES.get(2));
    Dataset<Row> events = new EventFixtures()
        .event("p1", "v1", "09:59:00", "page_view")
        .event("p2", "v1", "09:59:30", "page_view")
        .event("a", "v1", "10:00:00", "purchase")
        .event("b", "v1", "10:00:00", "page_view")
        .event("c", "v1", "10:05:00", "page_view")
        .event("d", "v1", "10:06:00", "page_view")
        .toDataset(spark);
    ConversionDetector detector = new ConversionDetector(rules, TouchpointDedupe.SESSION);
    assertThat(detector.journeyMatches(sessionized(events, detector)).orderBy("event_time", "event_id")
        .selectExpr("concat_ws(' ', event_id, conversion)").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("p1 pages", "p2 pages", "c pages", "d pages");
  }

  /**
   * A predicate or value may end in a SQL line comment, which check-config accepts: the rules
   * above with comments fire as they do without (the comment swallowed the ", false)" the
   * predicate was once spliced into, and the run failed on an error naming no rule, a review).
   */
  @Test
  void aPredicateEndingInALineCommentMatchesAsWithoutIt() {
    List<ConversionRule> commented = List.of(
        new ConversionRule("viewed_3_pages", Kind.MICRO, "event_name = 'page_view' -- any page", 3, CountScope.SESSION,
            Optional.empty()),
        new ConversionRule("newsletter_signup", Kind.MICRO, "event_name = 'newsletter_signup'\n-- the form's event",
            1, CountScope.SESSION, Optional.empty()),
        new ConversionRule("purchase", Kind.MACRO, "event_name = 'purchase' -- server-side too", 1, CountScope.SESSION,
            Optional.of("revenue -- in EUR")));
    ConversionDetector detector = new ConversionDetector(commented, TouchpointDedupe.SESSION);
    assertThat(detector.conversions(sessionized(events(), detector))
        .orderBy("event_time", "conversion")
        .selectExpr("concat_ws(' ', event_id, kind, conversion, coalesce(cast(value AS STRING), '-'))")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactlyElementsOf(firings(TouchpointDedupe.SESSION));
  }

  @Test
  void withoutDedupeEveryMatchOfAPlainMicroRuleFires() {
    assertThat(firings(TouchpointDedupe.NONE)).containsExactly(
        "s1 micro newsletter_signup -",
        "s2 micro newsletter_signup -",
        "p3 micro viewed_3_pages -",
        "b1 macro purchase 100.0",
        "s3 micro newsletter_signup -",
        "b2 macro purchase 100.0");
  }

  @Test
  void rulesBeyondTheSixtyFourthMatchOnTheirOwnPredicates() {
    // Seventy rules, rule i matching events named e<i>, then a macro rule whose predicate is null
    // on events without revenue. The matches are carried 64 rules to a column: rule 63 is the
    // first column's last bit (its sign), rule 64 the second column's first.
    List<ConversionRule> rules = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      rules.add(new ConversionRule("r" + i, Kind.MICRO, "event_name = 'e" + i + "'", 1, CountScope.SESSION,
          Optional.empty()));
    }
    rules.add(new ConversionRule("big_purchase", Kind.MACRO, "revenue > 50", 1, CountScope.SESSION,
        Optional.of("revenue")));
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "10:00:00", "e0")
        .event("b", "v1", "10:01:00", "e62")
        .event("c", "v1", "10:02:00", "e63")
        .event("d", "v1", "10:03:00", "e64")
        .event("e", "v1", "10:04:00", "page_view")
        .event("f", "v1", "10:05:00", "e69")
        .event("g", "v1", "10:06:00", "purchase")
        .event("h", "v1", "10:07:00", "e70")
        .toDataset(spark);
    ConversionDetector detector = new ConversionDetector(rules, TouchpointDedupe.SESSION);
    assertThat(detector.conversions(sessionized(events, detector)).orderBy("event_time")
        .selectExpr("concat_ws(' ', event_id, conversion)").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("a r0", "b r62", "c r63", "d r64", "f r69", "g big_purchase");
  }

  @Test
  void aValueThatIsNaNInfiniteOrOf2To53OrMoreIsNoAmountAndNull() {
    Dataset<Row> purchases = new EventFixtures().event("b1", "v1", "10:00:00", "purchase")
        .event("b2", "v1", "10:01:00", "purchase").event("b3", "v1", "10:02:00", "purchase")
        .event("b4", "v1", "10:03:00", "purchase").event("b5", "v1", "10:04:00", "purchase").toDataset(spark);
    // In place of the fixtures' 100.0: NaN, an infinity, an amount, 2^53 = 9007199254740992 and
    // -(2^53 - 1). Two values of 5e18 overflowed the sums' long and stopped a run (a black-box test).
    String revenues = "CASE event_id WHEN 'b1' THEN double('NaN') WHEN 'b2' THEN -double('Infinity') WHEN 'b3' THEN 25.5D"
        + " WHEN 'b4' THEN 9007199254740992D ELSE -9007199254740991D END";
    Dataset<Row> events = purchases.withColumn("revenue", org.apache.spark.sql.functions.expr(revenues));
    ConversionDetector detector = new ConversionDetector(RULES, TouchpointDedupe.NONE);
    assertThat(detector.conversions(sessionized(events, detector)).orderBy("event_time")
        .selectExpr("concat_ws(' ', event_id, coalesce(cast(value AS STRING), '-'))")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("b1 -", "b2 -", "b3 25.5", "b4 -", "b5 -9.007199254740991E15");
  }
}
