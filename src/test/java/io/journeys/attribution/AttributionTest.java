package io.journeys.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.journeys.TestSpark;
import io.journeys.config.JobSettings.AttributionSettings;
import io.journeys.config.JobSettings.TouchpointKind;
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
 * The attribution table's rows for the five rule-based models, which run in one pass, beside the
 * conversion without touchpoints, which every model credits to {@code (none)}. On 2026-02-01:
 *
 * <pre>
 *   A: a (3 days before), b (2 days), a (1 day) → purchase of 30
 *   B: no touchpoint                            → purchase of 10
 *   C: a, not converting                        → no credit
 * </pre>
 *
 * By hand: first and last touch give a 1; linear a 2/3, b 1/3; position-based a 0.4 + 0.4, b 0.2;
 * time decay (half-life 7 days) weighs 2^(−3/7), 2^(−2/7), 2^(−1/7) = 0.742997, 0.820335,
 * 0.905724, so a gets 0.667753 and b 0.332247.
 */
class AttributionTest {
  private static final List<String> RULES = List.of("first_touch", "last_touch", "linear", "time_decay", "position_based");
  private final SparkSession spark = TestSpark.session();
  private final AttributionSettings settings = new AttributionSettings(
      TouchpointKind.MICRO_CONVERSION, Duration.ofDays(30), RULES, Duration.ofDays(7), 1, Duration.ofDays(30));

  private Dataset<Row> journeys() {
    return spark.sql("SELECT * FROM VALUES"
        + " ('A', DATE'2026-02-01', true, 'purchase', 30.0D, array('a', 'b', 'a'), array(TIMESTAMP'2026-01-29 12:00:00',"
        + "   TIMESTAMP'2026-01-30 12:00:00', TIMESTAMP'2026-01-31 12:00:00'), TIMESTAMP'2026-02-01 12:00:00'),"
        + " ('B', DATE'2026-02-01', true, 'purchase', 10.0D, CAST(array() AS ARRAY<STRING>),"
        + "   CAST(array() AS ARRAY<TIMESTAMP>), TIMESTAMP'2026-02-01 13:00:00'),"
        + " ('C', DATE'2026-02-01', false, NULL, NULL, array('a'), array(TIMESTAMP'2026-01-02 12:00:00'),"
        + "   TIMESTAMP'2026-01-02 12:00:00')"
        + " AS t(journey_id, close_date, converted, macro_conversion, value, touchpoints, touchpoint_times, journey_end)");
  }

  @Test
  void everyRuleBasedModelInOnePassBesideTheConversionWithoutTouchpoints() {
    List<AttributionModel> models = RULES.stream().map(AttributionModels::named).toList();
    Attribution.Output output = new Attribution(models, settings)
        .attribute(journeys(), journeys().limit(0), List.of(LocalDate.parse("2026-02-01")));
    Map<String, double[]> rows = new TreeMap<>();
    for (Row r : output.attribution().collectAsList()) {
      assertThat(r.getDate(r.fieldIndex("conversion_date")).toString()).isEqualTo("2026-02-01");
      assertThat(r.getString(r.fieldIndex("macro_conversion"))).isEqualTo("purchase");
      rows.put(r.getString(r.fieldIndex("model")) + " " + r.getString(r.fieldIndex("touchpoint")),
          new double[] {r.getDouble(r.fieldIndex("credited_conversions")), r.getDouble(r.fieldIndex("credited_value"))});
    }
    assertThat(output.weights()).isEmpty();
    assertThat(rows.keySet()).containsExactly(
        "first_touch (none)", "first_touch a",
        "last_touch (none)", "last_touch a",
        "linear (none)", "linear a", "linear b",
        "position_based (none)", "position_based a", "position_based b",
        "time_decay (none)", "time_decay a", "time_decay b");
    for (String model : RULES) {
      assertThat(rows.get(model + " (none)")).containsExactly(new double[] {1.0, 10.0}, within(1e-12));
    }
    assertThat(rows.get("first_touch a")).containsExactly(new double[] {1.0, 30.0}, within(1e-12));
    assertThat(rows.get("last_touch a")).containsExactly(new double[] {1.0, 30.0}, within(1e-12));
    assertThat(rows.get("linear a")).containsExactly(new double[] {2.0 / 3, 20.0}, within(1e-12));
    assertThat(rows.get("linear b")).containsExactly(new double[] {1.0 / 3, 10.0}, within(1e-12));
    assertThat(rows.get("position_based a")).containsExactly(new double[] {0.8, 24.0}, within(1e-12));
    assertThat(rows.get("position_based b")).containsExactly(new double[] {0.2, 6.0}, within(1e-12));
    assertThat(rows.get("time_decay a")).containsExactly(new double[] {0.667753, 20.0326}, within(1e-4));
    assertThat(rows.get("time_decay b")).containsExactly(new double[] {0.332247, 9.9674}, within(1e-4));
  }
  /**
   * The data-driven models on the same day, trained on its journeys with touchpoints (A and C;
   * training leaves out B, which has none): B's purchase, with no
   * touchpoint, credits (none) its 1 conversion and 10 under each of them too (only the
   * rule-based models were checked, a review), and A's 30 goes whole to its touchpoints.
   */
  @Test
  void everyDataDrivenModelCreditsAConversionWithoutTouchpointsToNone() {
    List<String> dataDriven = List.of("markov", "shapley", "shapley_simplified");
    AttributionSettings trained = new AttributionSettings(
        TouchpointKind.MICRO_CONVERSION, Duration.ofDays(30), dataDriven, Duration.ofDays(7), 1, Duration.ofDays(30));
    Attribution.Output output = new Attribution(dataDriven.stream().map(AttributionModels::named).toList(), trained)
        .attribute(journeys(), TrainingPaths.of(journeys()), List.of(LocalDate.parse("2026-02-01")));
    Map<String, double[]> sums = new TreeMap<>();
    for (Row r : output.attribution().collectAsList()) {
      String key = r.getString(r.fieldIndex("model")) + (r.getString(r.fieldIndex("touchpoint")).equals("(none)") ? " (none)" : " touchpoints");
      double[] sum = sums.computeIfAbsent(key, k -> new double[2]);
      sum[0] += r.getDouble(r.fieldIndex("credited_conversions"));
      sum[1] += r.getDouble(r.fieldIndex("credited_value"));
    }
    assertThat(sums.keySet()).containsExactly("markov (none)", "markov touchpoints", "shapley (none)", "shapley touchpoints",
        "shapley_simplified (none)", "shapley_simplified touchpoints");
    for (String model : dataDriven) {
      assertThat(sums.get(model + " (none)")).as(model).containsExactly(new double[] {1.0, 10.0}, within(1e-12));
      assertThat(sums.get(model + " touchpoints")).as(model).containsExactly(new double[] {1.0, 30.0}, within(1e-9));
    }
  }
}
