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

  private static String path(Dataset<Row> journey, PathTransform transform) {
    return journey.select(array_join(PathsReport.transformed(col("touchpoints"), transform), " > "))
        .as(Encoders.STRING()).first();
  }
}
