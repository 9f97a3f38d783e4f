package io.journeys.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Training journeys counted per close date and exposure path. By hand, on 2026-02-01:
 * a > a > b > a (converted) and a > b > a (not) share the path a > b > a: 1 conversion in 2
 * journeys; b > b (converted) is b: 1 in 1; a journey without touchpoints is not a training path.
 * On 2026-02-02, a > b (not) is its own path: 0 in 1.
 */
class TrainingPathsTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void consecutiveRepeatsCollapseAndJourneysCountPerCloseDateAndPath() {
    List<String> rows = TrainingPaths.of(spark.sql("SELECT * FROM VALUES"
            + " (DATE'2026-02-01', array('a', 'a', 'b', 'a'), true),"
            + " (DATE'2026-02-01', array('a', 'b', 'a'), false),"
            + " (DATE'2026-02-01', array('b', 'b'), true),"
            + " (DATE'2026-02-01', CAST(array() AS ARRAY<STRING>), true),"
            + " (DATE'2026-02-02', array('a', 'b'), false)"
            + " AS t(close_date, touchpoints, converted)"))
        .collectAsList().stream()
        .map(TrainingPathsTest::describe)
        .toList();
    assertThat(rows).containsExactlyInAnyOrder(
        "2026-02-01 a>b>a 1/2",
        "2026-02-01 b 1/1",
        "2026-02-02 a>b 0/1");
  }

  private static String describe(Row row) {
    return row.getAs("close_date").toString() + " " + String.join(">", row.<String>getList(row.fieldIndex("path")))
        + " " + row.getAs("conversions") + "/" + row.getAs("journeys");
  }
}
