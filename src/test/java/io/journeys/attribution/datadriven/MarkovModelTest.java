package io.journeys.attribution.datadriven;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import io.journeys.attribution.TrainingPaths;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class MarkovModelTest {
  private final SparkSession spark = TestSpark.session();

  private Dataset<Row> journeys() {
    return spark.sql("SELECT * FROM VALUES"
        + " (DATE'2026-01-05', array('a', 'a', 'b', 'c'), true),"
        + " (DATE'2026-01-05', array('b', 'c', 'c'), false),"
        + " (DATE'2026-01-05', array(), true)"
        + " AS t(close_date, touchpoints, converted)");
  }

  private List<String> transitions(int order) {
    return MarkovModel.transitions(TrainingPaths.of(journeys()), order)
        .selectExpr("concat(replace(from, '\u001f', '|'), ' -> ', replace(to, '\u001f', '|'), ' x', journeys)")
        .as(Encoders.STRING()).collectAsList();
  }

  @Test
  void firstOrderCollapsesRepeatsAndSkipsEmptyJourneys() {
    // a>a>b>c collapses to a>b>c (converts); b>c>c to b>c (null); the empty journey is left out.
    assertThat(transitions(1)).containsExactlyInAnyOrder(
        "(start) -> a x1", "a -> b x1", "b -> c x2", "c -> (conversion) x1", "(start) -> b x1", "c -> (null) x1");
  }

  @Test
  void secondOrderStatesAreTheLastTwoTouchpoints() {
    assertThat(transitions(2)).containsExactlyInAnyOrder(
        "(start) -> a x1", "a -> a|b x1", "a|b -> b|c x1", "b|c -> (conversion) x1",
        "(start) -> b x1", "b -> b|c x1", "b|c -> (null) x1");
  }

  @Test
  void thirdOrderKeepsUpToThree() {
    // a>a>b>c collapses to a>b>c: a, a|b, a|b|c, then the conversion; b>c>c to b>c: b, b|c, null.
    assertThat(transitions(3)).containsExactlyInAnyOrder(
        "(start) -> a x1", "a -> a|b x1", "a|b -> a|b|c x1", "a|b|c -> (conversion) x1",
        "(start) -> b x1", "b -> b|c x1", "b|c -> (null) x1");
  }

  @Test
  void journeysSharingAPathEachAddTheirTransitionsAndTheirOwnEnd() {
    // b>c three times (one converts, b>b>c collapses to it) and a>b>c once, converting.
    Dataset<Row> journeys = spark.sql("SELECT * FROM VALUES"
        + " (DATE'2026-01-05', array('a', 'b', 'c'), true),"
        + " (DATE'2026-01-05', array('b', 'c'), true),"
        + " (DATE'2026-01-05', array('b', 'c'), false),"
        + " (DATE'2026-01-05', array('b', 'b', 'c'), false)"
        + " AS t(close_date, touchpoints, converted)");
    List<String> rows = MarkovModel.transitions(TrainingPaths.of(journeys), 1)
        .selectExpr("concat(from, ' -> ', to, ' x', journeys)").as(Encoders.STRING()).collectAsList();
    assertThat(rows).containsExactlyInAnyOrder("(start) -> a x1", "(start) -> b x3", "a -> b x1", "b -> c x4",
        "c -> (conversion) x2", "c -> (null) x2");
  }
}
