package io.journeys.report;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.CONVERSION_RATE;
import static io.journeys.Columns.CONVERTED;
import static io.journeys.Columns.CONVERTED_VISITORS;
import static io.journeys.Columns.DATE;
import static io.journeys.Columns.DAYS_TO_CONVERT;
import static io.journeys.Columns.LIFT;
import static io.journeys.Columns.MEDIAN_DAYS_TO_CONVERT;
import static io.journeys.Columns.MICRO_CONVERSION;
import static io.journeys.Columns.TOUCHPOINTS;
import static io.journeys.Columns.VISITORS;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code micro_conversion_performance} table, per close date and micro conversion (touchpoint):
 * journeys closed that day containing it ({@code visitors}), how many converted, their rate, lift
 * = that rate ÷ the rate of the day's journeys without it (null when that rate is 0 or undefined),
 * and the exact median days to convert of the converting ones. A visitor with two journeys closing
 * the same day counts twice.
 */
public final class MicroConversionPerformanceReport {
  private MicroConversionPerformanceReport() {}

  public static Dataset<Row> performance(Dataset<Row> journeys) {
    return measure(journeys, CLOSE_DATE).withColumnRenamed(CLOSE_DATE, DATE);
  }

  /**
   * The same figures over all the given journeys at once, without a date column: a range's own
   * lift and median, which its days' rows cannot give (neither a mean of lifts nor a median of
   * medians is the range's).
   */
  public static Dataset<Row> overall(Dataset<Row> journeys) {
    return measure(journeys.withColumn(ALL_JOURNEYS, lit(true)), ALL_JOURNEYS).drop(ALL_JOURNEYS);
  }

  private static final String ALL_JOURNEYS = "all_journeys";

  private static Dataset<Row> measure(Dataset<Row> journeys, String group) {
    Dataset<Row> perGroup =
        journeys.groupBy(col(group)).agg(count(lit(1)).as("group_journeys"), count_if(col(CONVERTED)).as("group_converted"));
    Dataset<Row> perMicro =
        journeys
            .withColumn(MICRO_CONVERSION, explode(array_distinct(col(TOUCHPOINTS))))
            .groupBy(col(group), col(MICRO_CONVERSION))
            .agg(count(lit(1)).as(VISITORS), count_if(col(CONVERTED)).as(CONVERTED_VISITORS),
                percentile(when(col(CONVERTED), col(DAYS_TO_CONVERT)), lit(0.5)).as(MEDIAN_DAYS_TO_CONVERT));
    Column rate = col(CONVERTED_VISITORS).divide(col(VISITORS));
    Column without = col("group_journeys").minus(col(VISITORS));
    Column rateWithout = when(without.gt(0), col("group_converted").minus(col(CONVERTED_VISITORS)).divide(without));
    return perMicro
        .join(perGroup, group)
        .withColumn(CONVERSION_RATE, rate)
        .withColumn(LIFT, when(rateWithout.gt(0), rate.divide(rateWithout)));
  }
}
