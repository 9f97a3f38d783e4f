package io.journeys.attribution.datadriven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.journeys.TestSpark;
import io.journeys.attribution.AttributionModel;
import io.journeys.attribution.TrainingPaths;
import io.journeys.config.JobSettings.AttributionSettings;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A channel's name may hold any printable character when channels are the touchpoints. The
 * Markov and Shapley models parted a journey's key from its last touchpoint by {@code |} and
 * credited a {@code Search} out of {@code Paid|Search} (a review). Training, worked out by hand:
 *
 * <pre>
 *   Email > Paid|Search  converted
 *   Paid|Search          not converted
 * </pre>
 *
 * Markov (order 1): P(conversion) = ½ · 1 · ½ + ½ · ½ = ½; without Email ½ · ½ = ¼, removal effect
 * ½ − ¼ = ¼; without Paid|Search 0, removal effect ½: shares ⅓ and ⅔. Shapley: v({Email,
 * Paid|Search}) = 1, v({Paid|Search}) = 0, v({Email}) = 0 (never seen): ½ each.
 */
class KeyedCreditsTest {
  private static final LocalDate D = LocalDate.of(2026, 1, 10);
  private static final AttributionSettings SETTINGS = new AttributionSettings(null, Duration.ofDays(30),
      List.of("markov", "shapley"), Duration.ofDays(7), 1, Duration.ofDays(30));

  private final SparkSession spark = TestSpark.session();

  @Test
  void aTouchpointNameHoldingABarIsCreditedWhole() {
    assertThat(credits(new MarkovModel()))
        .containsOnlyKeys("Email", "Paid|Search")
        .hasEntrySatisfying("Email", c -> assertThat(c).isCloseTo(1.0 / 3, within(1e-12)))
        .hasEntrySatisfying("Paid|Search", c -> assertThat(c).isCloseTo(2.0 / 3, within(1e-12)));
    assertThat(credits(new ShapleyModel()))
        .containsOnlyKeys("Email", "Paid|Search")
        .hasEntrySatisfying("Email", c -> assertThat(c).isCloseTo(0.5, within(1e-12)))
        .hasEntrySatisfying("Paid|Search", c -> assertThat(c).isCloseTo(0.5, within(1e-12)));
  }

  /**
   * model_weights as SPEC §5 lists it, from the fit above: Markov's removal effects, their shares,
   * P(conversion) and the 2 training journeys; Shapley's mean share per touchpoint over the day's
   * one conversion, with no removal effect or probability.
   */
  @Test
  void theFittedWeightsAreThoseWorkedOutByHand() {
    assertThat(weights(new MarkovModel())).containsExactly(
        "markov Email 0.333333 0.250000 0.500000 2", "markov Paid|Search 0.666667 0.500000 0.500000 2");
    assertThat(weights(new ShapleyModel())).containsExactly(
        "shapley Email 0.500000 - - 2", "shapley Paid|Search 0.500000 - - 2");
  }

  @Test
  void aKeyGivesBackItsSetAndItsLastTouchpoint() {
    String key = spark.sql("SELECT array('Paid|Search', 'Email', 'Paid|Search') AS touchpoints")
        .select(KeyedCredits.setAndLast(org.apache.spark.sql.functions.col("touchpoints"))).first().getString(0);
    assertThat(KeyedCredits.setOf(key)).containsExactly("Email", "Paid|Search");
    assertThat(KeyedCredits.lastOf(key)).isEqualTo("Paid|Search");
  }

  private Map<String, Double> credits(AttributionModel model) {
    Map<String, Double> credits = new TreeMap<>();
    for (Row r : attribute(model).credits().selectExpr("touchpoint", "credit").collectAsList()) {
      credits.put(r.getString(0), r.getDouble(1));
    }
    return credits;
  }

  private List<String> weights(AttributionModel model) {
    return attribute(model).weights().orElseThrow()
        .where("date = DATE'2026-01-10'")
        .selectExpr("concat_ws(' ', model, touchpoint, format_number(weight, 6),"
            + " coalesce(format_number(removal_effect, 6), '-'), coalesce(format_number(conversion_probability, 6), '-'),"
            + " journeys_in_training)")
        .orderBy("touchpoint").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  private io.journeys.attribution.ModelResult attribute(AttributionModel model) {
    var training = spark.sql("SELECT * FROM VALUES"
        + " (DATE'2026-01-10', array('Email', 'Paid|Search'), true),"
        + " (DATE'2026-01-09', array('Paid|Search'), false)"
        + " AS t(close_date, touchpoints, converted)");
    var converting = spark.sql("SELECT * FROM VALUES"
        + " ('J1', DATE'2026-01-10', 'purchase', 100.0D, array('Email', 'Paid|Search'))"
        + " AS t(journey_id, close_date, macro_conversion, value, touchpoints)");
    return model.attribute(converting, TrainingPaths.of(training), List.of(D), SETTINGS);
  }
}
