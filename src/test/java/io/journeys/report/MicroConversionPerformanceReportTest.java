package io.journeys.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.journeys.TestSpark;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Expected figures are {@link RangeJourneys}', worked out by hand. */
class MicroConversionPerformanceReportTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void eachDaysMicroConversionsAreMeasuredAgainstThatDaysJourneysWithoutThem() {
    Map<String, Row> byKey = byKey(MicroConversionPerformanceReport.performance(RangeJourneys.rows(spark)), true);

    assertThat(byKey).hasSize(4);
    expect(byKey.get("2026-03-01 signup"), 3, 1, 1.0 / 3, 1.0 / 3, 2.0);
    expect(byKey.get("2026-03-01 add_to_cart"), 2, 2, 1.0, null, 3.0);
    expect(byKey.get("2026-03-02 signup"), 1, 1, 1.0, 4.0 / 3, 3.0);
    expect(byKey.get("2026-03-02 add_to_cart"), 3, 2, 2.0 / 3, 2.0 / 3, 1.25);
  }

  @Test
  void overAllJourneysTheLiftAndMedianAreTheRangesOwnNotTheDaysMeanAndMedianOfMedians() {
    Map<String, Row> byKey = byKey(MicroConversionPerformanceReport.overall(RangeJourneys.rows(spark)), false);

    assertThat(byKey).hasSize(2);
    expect(byKey.get("signup"), 4, 2, 0.5, 0.625, 2.5);
    expect(byKey.get("add_to_cart"), 5, 4, 0.8, 1.6, 1.75);
  }

  private static Map<String, Row> byKey(Dataset<Row> performance, boolean perDay) {
    Map<String, Row> byKey = new TreeMap<>();
    List<Row> rows = performance
        .selectExpr((perDay ? "concat(date, ' ', micro_conversion)" : "micro_conversion") + " AS key",
            "visitors", "converted_visitors", "conversion_rate", "lift", "median_days_to_convert")
        .collectAsList();
    rows.forEach(r -> byKey.put(r.getString(0), r));
    return byKey;
  }

  private static void expect(Row row, long journeys, long converted, double rate, Double lift, double median) {
    assertThat(row.getLong(1)).isEqualTo(journeys);
    assertThat(row.getLong(2)).isEqualTo(converted);
    assertThat(row.getDouble(3)).isCloseTo(rate, within(1e-9));
    if (lift == null) {
      assertThat(row.isNullAt(4)).isTrue();
    } else {
      assertThat(row.getDouble(4)).isCloseTo(lift, within(1e-9));
    }
    assertThat(row.getDouble(5)).isCloseTo(median, within(1e-9));
  }
}
