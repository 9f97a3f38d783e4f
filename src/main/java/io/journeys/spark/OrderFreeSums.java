package io.journeys.spark;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Sums and means of doubles for the tables, the same whatever order their rows reach the
 * aggregation. Floating-point addition is not associative, and that order follows the partitions,
 * which differ between a range run and a rerun of some of its dates: such a rerun wrote credits
 * different in their last bits (found by hand, 2026-12-05). Each term is rounded to 18 decimals and
 * the decimals are added exactly. A NaN or infinite term, which no decimal holds, counts as 0, like NULL.
 */
public final class OrderFreeSums {
  private static final DataType EXACT = DataTypes.createDecimalType(38, 18);

  private OrderFreeSums() {}

  /** The sum of a double column, NULL when it has no value (as {@code sum}). */
  public static Column sum(Column x) {
    return functions.sum(x.try_cast(EXACT)).cast(DataTypes.DoubleType);
  }

  /** The mean of a double column's values, NULL when it has none (as {@code avg}). */
  public static Column avg(Column x) {
    Column n = count(x);
    return when(n.gt(0), sum(x).divide(n));
  }
}
