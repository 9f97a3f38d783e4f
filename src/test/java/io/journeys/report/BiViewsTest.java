package io.journeys.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BiViewsTest {
  private final SparkSession spark = TestSpark.session();
  // Tables at a location of the test's own: a managed table's directory outlives the in-memory
  // catalog, and a later JVM's CREATE TABLE failed on it (LOCATION_ALREADY_EXISTS).
  @TempDir Path dir;

  /**
   * On 01-01 first_touch and linear ran and credited add_to_cart, not signup; on 01-02 only
   * first_touch ran; on 01-03 no journey converted. A model's column is 0 for a step it did not
   * credit on a day it ran, and NULL on a day it credited nothing (markov: never run).
   */
  @Test
  void theScorecardSaysZeroWhereAModelCreditedOthersAndNullWhereItCreditedNothing() {
    spark.sql("DROP DATABASE IF EXISTS views_test CASCADE");
    spark.sql("CREATE DATABASE views_test");
    spark.sql("CREATE TABLE views_test.attribution USING parquet LOCATION '" + dir.resolve("attribution") + "' AS SELECT * FROM VALUES"
        + " (DATE'2026-01-01', 'purchase', 'add_to_cart', 'first_touch', 1.0D, 10.0D),"
        + " (DATE'2026-01-01', 'purchase', 'add_to_cart', 'linear', 1.0D, 10.0D),"
        + " (DATE'2026-01-02', 'purchase', 'signup', 'first_touch', 1.0D, 5.0D)"
        + " AS t(conversion_date, macro_conversion, touchpoint, model, credited_conversions, credited_value)");
    spark.sql("CREATE TABLE views_test.micro_conversion_performance USING parquet LOCATION '" + dir.resolve("performance")
        + "' AS SELECT * FROM VALUES"
        + " (DATE'2026-01-01', 'add_to_cart', 1L, 1L, 1.0D, CAST(NULL AS DOUBLE), 0.0D),"
        + " (DATE'2026-01-01', 'signup', 1L, 0L, 0.0D, 0.0D, CAST(NULL AS DOUBLE)),"
        + " (DATE'2026-01-02', 'add_to_cart', 1L, 0L, 0.0D, 0.0D, CAST(NULL AS DOUBLE)),"
        + " (DATE'2026-01-02', 'signup', 1L, 1L, 1.0D, CAST(NULL AS DOUBLE), 0.0D),"
        + " (DATE'2026-01-03', 'signup', 1L, 0L, 0.0D, CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE))"
        + " AS t(date, micro_conversion, visitors, converted_visitors, conversion_rate, lift, median_days_to_convert)");

    BiViews.create(spark, "views_test");

    List<String> rows = spark.sql("SELECT concat_ws(' ', date, micro_conversion, coalesce(CAST(first_touch_conversions AS STRING), 'NULL'),"
            + " coalesce(CAST(linear_conversions AS STRING), 'NULL'), coalesce(CAST(markov_conversions AS STRING), 'NULL'))"
            + " FROM views_test.micro_conversion_scorecard")
        .as(Encoders.STRING()).collectAsList();
    assertThat(rows).containsExactlyInAnyOrder(
        "2026-01-01 add_to_cart 1.0 1.0 NULL",
        "2026-01-01 signup 0.0 0.0 NULL",
        "2026-01-02 add_to_cart 0.0 NULL NULL",
        "2026-01-02 signup 1.0 NULL NULL",
        "2026-01-03 signup NULL NULL NULL");
    spark.sql("DROP DATABASE views_test CASCADE");
  }
}
