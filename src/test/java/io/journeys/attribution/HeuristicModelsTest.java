package io.journeys.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.journeys.TestSpark;
import io.journeys.config.JobSettings.AttributionSettings;
import io.journeys.config.JobSettings.TouchpointKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class HeuristicModelsTest {
  private final SparkSession spark = TestSpark.session();
  private final AttributionSettings settings = new AttributionSettings(
      TouchpointKind.MICRO_CONVERSION, Duration.ofDays(30), List.of(), Duration.ofDays(7), 1, Duration.ofDays(30));

  /** One converting journey with touchpoints named t1..tn at the given days before a conversion at 2026-02-01. */
  private Dataset<Row> journey(double... daysBefore) {
    StringBuilder names = new StringBuilder();
    StringBuilder times = new StringBuilder();
    for (int i = 0; i < daysBefore.length; i++) {
      names.append(i == 0 ? "" : ", ").append("'t").append(i + 1).append("'");
      times.append(i == 0 ? "" : ", ").append(String.format(
          "TIMESTAMP'2026-02-01 00:00:00' - make_interval(0, 0, 0, 0, 0, 0, %f)", daysBefore[i] * 86400));
    }
    return spark.sql("SELECT 'j' AS journey_id, DATE'2026-02-01' AS close_date, 'purchase' AS macro_conversion,"
        + " 50.0 AS value, array(" + names + ") AS touchpoints, array(" + times + ") AS touchpoint_times,"
        + " TIMESTAMP'2026-02-01 00:00:00' AS journey_end");
  }

  private Map<String, Double> credit(AttributionModel model, Dataset<Row> journey) {
    return credit(model, journey, settings);
  }

  private Map<String, Double> credit(AttributionModel model, Dataset<Row> journey, AttributionSettings settings) {
    Map<String, Double> result = new TreeMap<>();
    for (Row r : model.attribute(journey, journey, List.of(), settings).credits().collectAsList()) {
      result.merge(r.getString(r.fieldIndex("touchpoint")), r.getDouble(r.fieldIndex("credit")), Double::sum);
    }
    return result;
  }

  @Test
  void firstAndLastTouch() {
    Dataset<Row> j = journey(3, 2, 1);
    assertThat(credit(new HeuristicModels.FirstTouch(), j)).containsExactly(Map.entry("t1", 1.0));
    assertThat(credit(new HeuristicModels.LastTouch(), j)).containsExactly(Map.entry("t3", 1.0));
  }

  @Test
  void linearOnOneTwoThreeAndFive() {
    assertThat(credit(new HeuristicModels.Linear(), journey(1))).containsExactly(Map.entry("t1", 1.0));
    assertThat(credit(new HeuristicModels.Linear(), journey(2, 1))).containsEntry("t1", 0.5).containsEntry("t2", 0.5);
    Map<String, Double> three = credit(new HeuristicModels.Linear(), journey(3, 2, 1));
    assertThat(three).containsOnlyKeys("t1", "t2", "t3");
    assertThat(three.values()).allSatisfy(v -> assertThat(v).isCloseTo(1.0 / 3, within(1e-12)));
    Map<String, Double> five = credit(new HeuristicModels.Linear(), journey(5, 4, 3, 2, 1));
    assertThat(five).containsOnlyKeys("t1", "t2", "t3", "t4", "t5");
    assertThat(five.values()).allSatisfy(v -> assertThat(v).isCloseTo(0.2, within(1e-12)));
  }

  @Test
  void positionBasedOnOneTwoThreeAndFive() {
    assertThat(credit(new HeuristicModels.PositionBased(), journey(1))).containsExactly(Map.entry("t1", 1.0));
    assertThat(credit(new HeuristicModels.PositionBased(), journey(2, 1))).containsEntry("t1", 0.5).containsEntry("t2", 0.5);
    // n = 3: 0.4 / 0.2 / 0.4.
    Map<String, Double> three = credit(new HeuristicModels.PositionBased(), journey(3, 2, 1));
    assertThat(three.get("t1")).isCloseTo(0.4, within(1e-12));
    assertThat(three.get("t2")).isCloseTo(0.2, within(1e-12));
    assertThat(three.get("t3")).isCloseTo(0.4, within(1e-12));
    // n = 5: 0.4, then 0.2 / 3 each for the three middle ones, 0.4.
    Map<String, Double> five = credit(new HeuristicModels.PositionBased(), journey(5, 4, 3, 2, 1));
    assertThat(five).containsOnlyKeys("t1", "t2", "t3", "t4", "t5");
    assertThat(five.get("t1")).isCloseTo(0.4, within(1e-12));
    for (String middle : List.of("t2", "t3", "t4")) {
      assertThat(five.get(middle)).as(middle).isCloseTo(0.2 / 3, within(1e-12));
    }
    assertThat(five.get("t5")).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void timeDecayWithAKnownDelta() {
    // Half-life 7 d: 7 days before weighs 2^-1 = 0.5, at the conversion 2^0 = 1 -> 1/3 and 2/3.
    Map<String, Double> c = credit(new HeuristicModels.TimeDecay(), journey(7, 0));
    assertThat(c.get("t1")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(c.get("t2")).isCloseTo(2.0 / 3, within(1e-12));
    // 14 and 7 days: 0.25 and 0.5 -> 1/3 and 2/3 again; a lone touchpoint gets 1.
    Map<String, Double> d = credit(new HeuristicModels.TimeDecay(), journey(14, 7));
    assertThat(d.get("t1")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(credit(new HeuristicModels.TimeDecay(), journey(3)).get("t1")).isCloseTo(1.0, within(1e-12));
  }

  /**
   * Touchpoints far back in half-lives still share the conversion: 23 days are 1,104 half-lives of
   * 30 minutes, past the double's 2^-1074, so both weights were 0 and the credits 0 / 0 (a review).
   * The later one is one half-life closer: 1 and 0.5 relative, 2/3 and 1/3.
   */
  @Test
  void timeDecayFarBackInHalfLivesStillSharesTheConversion() {
    AttributionSettings halfHour = new AttributionSettings(
        TouchpointKind.MICRO_CONVERSION, Duration.ofDays(30), List.of(), Duration.ofMinutes(30), 1, Duration.ofDays(30));
    Map<String, Double> c = credit(new HeuristicModels.TimeDecay(), journey(23, 23 - 1.0 / 48), halfHour);
    assertThat(c.get("t1")).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(c.get("t2")).isCloseTo(2.0 / 3, within(1e-9));
  }
}
