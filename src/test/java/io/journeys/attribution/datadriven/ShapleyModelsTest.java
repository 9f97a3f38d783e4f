package io.journeys.attribution.datadriven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.journeys.TestSpark;
import io.journeys.attribution.AttributionModel;
import io.journeys.attribution.ModelResult;
import io.journeys.attribution.TrainingPaths;
import io.journeys.config.JobSettings.AttributionSettings;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Both Shapley models through Spark, on a training set whose rates are worked out by hand. With
 * D = 2026-01-10 and a 30-day window (close dates in (D − 30, D]):
 *
 * <pre>
 *   a > b  (exposure of a>a>b and a>b): 1 of 2 converted        p(a>b) = v({a,b}) = 1/2
 *   a: 1 of 4 converted                                          p(a)   = v({a})   = 1/4
 *   b: 0 of 1 on D − 6; 1 of 1 on D − 30 (outside) → on D        p(b)   = v({b})   = 0
 *      and 1 more converted on D + 1                → on D + 1   p(b)   = v({b})   = 1/2
 * </pre>
 *
 * Conversions on D: J1 a>a>b, J2 a>b, J3 b; on D + 1: J4 a>b.
 */
class ShapleyModelsTest {
  private static final LocalDate D = LocalDate.of(2026, 1, 10);
  private static final AttributionSettings SETTINGS = new AttributionSettings(null, Duration.ofDays(30),
      List.of("shapley", "shapley_simplified"), Duration.ofDays(7), 1, Duration.ofDays(30));

  private final SparkSession spark = TestSpark.session();

  private Dataset<Row> training() {
    return spark.sql("SELECT * FROM VALUES"
        + " (DATE'2026-01-10', array('a', 'a', 'b'), true),"
        + " (DATE'2026-01-09', array('a', 'b'), false),"
        + " (DATE'2026-01-08', array('a'), true),"
        + " (DATE'2026-01-07', array('a'), false),"
        + " (DATE'2026-01-06', array('a'), false),"
        + " (DATE'2026-01-05', array('a'), false),"
        + " (DATE'2026-01-04', array('b'), false),"
        + " (DATE'2025-12-11', array('b'), true),"
        + " (DATE'2026-01-11', array('b'), true),"
        + " (DATE'2026-01-10', array(), true)"
        + " AS t(close_date, touchpoints, converted)");
  }

  private Dataset<Row> converting() {
    return spark.sql("SELECT * FROM VALUES"
        + " ('J1', DATE'2026-01-10', 'purchase', 10.0D, array('a', 'a', 'b')),"
        + " ('J2', DATE'2026-01-10', 'purchase', 20.0D, array('a', 'b')),"
        + " ('J3', DATE'2026-01-10', 'quote', 5.0D, array('b')),"
        + " ('J4', DATE'2026-01-11', 'purchase', 8.0D, array('a', 'b'))"
        + " AS t(journey_id, close_date, macro_conversion, value, touchpoints)");
  }

  private ModelResult run(AttributionModel model) {
    return model.attribute(converting(), TrainingPaths.of(training()), List.of(D, D.plusDays(1)), SETTINGS);
  }

  private static Map<String, Double> byKey(Dataset<Row> rows, String key, String value) {
    Map<String, Double> result = new TreeMap<>();
    for (Row r : rows.selectExpr(key, value).collectAsList()) {
      result.put(r.getString(0), r.getDouble(1));
    }
    return result;
  }

  @Test
  void simplifiedShapleyCreditsEachPathFromTheRatesOfItsOwnWindow() {
    ModelResult result = run(new SimplifiedShapleyModel());
    // a>b on D: a gets p(a>b) − p(b) = 1/2, b gets p(a>b) − p(a) = 1/4 → 2/3, 1/3.
    // b alone on D: p(b) = 0 → everything to the last touchpoint, b.
    // a>b on D + 1: a gets 1/2 − 1/2 = 0, b gets 1/4 → b takes all; a's zero share is no credit.
    Map<String, Double> credits = byKey(result.credits(), "concat(journey_id, ' ', touchpoint)", "credit");
    assertThat(credits.keySet()).containsExactly("J1 a", "J1 b", "J2 a", "J2 b", "J3 b", "J4 b");
    assertThat(credits.get("J1 a")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(credits.get("J1 b")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(credits.get("J2 a")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(credits.get("J3 b")).isEqualTo(1.0);
    assertThat(credits.get("J4 b")).isEqualTo(1.0);
    assertThat(byKey(result.credits(), "journey_id", "value")).containsEntry("J3", 5.0).containsEntry("J4", 8.0);

    // Weights: the mean share over the date's conversions containing the touchpoint.
    // D: a (2/3 + 2/3) / 2; b (1/3 + 1/3 + 1) / 3 = 5/9. D + 1: a 0, b 1.
    Dataset<Row> weights = result.weights().orElseThrow();
    Map<String, Double> w = byKey(weights, "concat(date, ' ', model, ' ', touchpoint)", "weight");
    assertThat(w.keySet()).containsExactly("2026-01-10 shapley_simplified a", "2026-01-10 shapley_simplified b",
        "2026-01-11 shapley_simplified a", "2026-01-11 shapley_simplified b");
    assertThat(w.get("2026-01-10 shapley_simplified a")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(w.get("2026-01-10 shapley_simplified b")).isCloseTo(5.0 / 9, within(1e-12));
    assertThat(w.get("2026-01-11 shapley_simplified a")).isEqualTo(0.0);
    assertThat(w.get("2026-01-11 shapley_simplified b")).isEqualTo(1.0);
    // Journeys with a touchpoint in the window: 7 on D, 8 on D + 1.
    assertThat(byKey(weights, "cast(date AS STRING)", "cast(journeys_in_training AS DOUBLE)"))
        .containsExactly(Map.entry("2026-01-10", 7.0), Map.entry("2026-01-11", 8.0));
  }

  @Test
  void shapleyCreditsEachSetFromTheGameOfItsOwnWindow() {
    ModelResult result = run(new ShapleyModel());
    // {a,b} on D: φa = ½(v(a) + v(ab) − v(b)) = ½(1/4 + 1/2) = 3/8, φb = ½(v(b) + v(ab) − v(a)) = 1/8 → 3/4, 1/4.
    // {b} on D: v(b) = 0 → last touchpoint. {a,b} on D + 1 with v(b) = 1/2: φa = 1/8, φb = 3/8 → 1/4, 3/4.
    Map<String, Double> credits = byKey(result.credits(), "concat(journey_id, ' ', touchpoint)", "credit");
    assertThat(credits.keySet()).containsExactly("J1 a", "J1 b", "J2 a", "J2 b", "J3 b", "J4 a", "J4 b");
    assertThat(credits.get("J1 a")).isCloseTo(0.75, within(1e-12));
    assertThat(credits.get("J1 b")).isCloseTo(0.25, within(1e-12));
    assertThat(credits.get("J2 a")).isCloseTo(0.75, within(1e-12));
    assertThat(credits.get("J2 b")).isCloseTo(0.25, within(1e-12));
    assertThat(credits.get("J3 b")).isEqualTo(1.0);
    assertThat(credits.get("J4 a")).isCloseTo(0.25, within(1e-12));
    assertThat(credits.get("J4 b")).isCloseTo(0.75, within(1e-12));

    // D: a 3/4; b (1/4 + 1/4 + 1) / 3 = 1/2.
    Map<String, Double> w = byKey(result.weights().orElseThrow(), "concat(date, ' ', touchpoint)", "weight");
    assertThat(w.get("2026-01-10 a")).isCloseTo(0.75, within(1e-12));
    assertThat(w.get("2026-01-10 b")).isCloseTo(0.5, within(1e-12));
    assertThat(w.get("2026-01-11 a")).isCloseTo(0.25, within(1e-12));
    assertThat(w.get("2026-01-11 b")).isCloseTo(0.75, within(1e-12));
  }

  /**
   * Spark sorts a training set's names by their UTF-8 bytes, Java's String order by UTF-16 units:
   * the two disagree on a name beyond U+FFFF (an emoji) against one from U+E000 (a full-width
   * letter). A channel may be named so (README, Semantics). On D, {Ａ, 😀} converts 1 of 1, each
   * alone 0 of 1: φ = ½(v(one) − v(∅)) + ½(v(both) − v(other)) = ½ each. Looked up in the other
   * order, v(both) was 0, every value 0, and the last touchpoint took the whole conversion.
   */
  @Test
  void shapleyFindsASetWhateverOrderItsNamesSortIn() {
    String fullWidthA = "\uFF21";
    String emoji = "\uD83D\uDE00";
    Dataset<Row> training = spark.sql("SELECT * FROM VALUES"
        + " (DATE'2026-01-10', array('" + fullWidthA + "', '" + emoji + "'), true),"
        + " (DATE'2026-01-09', array('" + fullWidthA + "'), false),"
        + " (DATE'2026-01-08', array('" + emoji + "'), false)"
        + " AS t(close_date, touchpoints, converted)");
    Dataset<Row> converting = spark.sql("SELECT * FROM VALUES"
        + " ('J5', DATE'2026-01-10', 'purchase', 10.0D, array('" + fullWidthA + "', '" + emoji + "'))"
        + " AS t(journey_id, close_date, macro_conversion, value, touchpoints)");
    ModelResult result = new ShapleyModel().attribute(converting, TrainingPaths.of(training), List.of(D), SETTINGS);
    Map<String, Double> credits = byKey(result.credits(), "touchpoint", "credit");
    assertThat(credits.keySet()).containsExactlyInAnyOrder(fullWidthA, emoji);
    assertThat(credits.get(fullWidthA)).isCloseTo(0.5, within(1e-12));
    assertThat(credits.get(emoji)).isCloseTo(0.5, within(1e-12));
  }
}
