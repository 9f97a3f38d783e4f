package io.journeys.report;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import io.journeys.config.JobSettings.PathTransform;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class PathsReportTest {
  private final SparkSession spark = TestSpark.session();

  /** The path D > A > B > B > C > D > C > C under each transform, worked out by hand. */
  @Test
  void eachTransformMeansWhatFractributionsOfThatNameDoes() {
    Dataset<Row> journey = spark.sql("SELECT array('D', 'A', 'B', 'B', 'C', 'D', 'C', 'C') AS touchpoints");
    assertThat(path(journey, PathTransform.EXPOSURE)).isEqualTo("D > A > B > C > D > C");
    assertThat(path(journey, PathTransform.UNIQUE)).isEqualTo("D > A > B > B > C > D > C > C");
    assertThat(path(journey, PathTransform.NONE)).isEqualTo("D > A > B > B > C > D > C > C");
    assertThat(path(journey, PathTransform.FIRST)).isEqualTo("D > A > B > C");
    assertThat(path(journey, PathTransform.FREQUENCY)).isEqualTo("D(2) > A(1) > B(2) > C(3)");
  }

  /**
   * Journeys counted by close date, macro conversion and (exposure) path, by hand: on 03-01 two
   * purchases through A > B (one as A > A > B) worth 10 and 15, one with no value (counted, worth
   * 0), a quote through A > B, and two non-converting journeys through A > B under (none) beside
   * one without touchpoints; on 03-02 a purchase through A > B. (No test read the table's rows,
   * a review.)
   */
  @Test
  void journeysAreCountedByDateConversionAndPath() {
    Dataset<Row> journeys = spark.sql("SELECT * FROM VALUES"
        + " (DATE'2026-03-01', true, 'purchase', 10.0D, array('A', 'B')),"
        + " (DATE'2026-03-01', true, 'purchase', 15.0D, array('A', 'A', 'B')),"
        + " (DATE'2026-03-01', true, 'purchase', CAST(NULL AS DOUBLE), array('A', 'B')),"
        + " (DATE'2026-03-01', true, 'quote', 0.0D, array('A', 'B')),"
        + " (DATE'2026-03-01', false, CAST(NULL AS STRING), CAST(NULL AS DOUBLE), array('A', 'B')),"
        + " (DATE'2026-03-01', false, CAST(NULL AS STRING), CAST(NULL AS DOUBLE), array('A', 'B')),"
        + " (DATE'2026-03-01', false, CAST(NULL AS STRING), CAST(NULL AS DOUBLE), CAST(array() AS ARRAY<STRING>)),"
        + " (DATE'2026-03-02', true, 'purchase', 7.0D, array('A', 'B'))"
        + " AS t(close_date, converted, macro_conversion, value, touchpoints)");
    assertThat(PathsReport.paths(journeys, PathTransform.EXPOSURE)
        .selectExpr("concat_ws(' / ', close_date, macro_conversion, path, conversions, non_conversions, value)")
        .as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder(
            "2026-03-01 / purchase / A > B / 3 / 0 / 25.0",
            "2026-03-01 / quote / A > B / 1 / 0 / 0.0",
            "2026-03-01 / (none) / A > B / 0 / 2 / 0.0",
            "2026-03-01 / (none) / (none) / 0 / 1 / 0.0",
            "2026-03-02 / purchase / A > B / 1 / 0 / 7.0");
  }

  private static String path(Dataset<Row> journey, PathTransform transform) {
    return journey.select(array_join(PathsReport.transformed(col("touchpoints"), transform), " > "))
        .as(Encoders.STRING()).first();
  }
}
