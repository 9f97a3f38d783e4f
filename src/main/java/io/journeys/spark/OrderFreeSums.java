package io.journeys.spark;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Sums and means of doubles for the tables, the same whatever order their rows reach the
 * aggregation. Floating-point addition is not associative, and that order follows the partitions,
 * which differ between a range run and a rerun of some of its dates: such a rerun wrote credits
 * different in their last bits (found by hand, 2026-12-05). Each term's magnitude is cut into three
 * integers (its whole part and two 31-bit parts of its fraction, so it is kept to 2^-62), the signed
 * integers are added exactly as longs, and the three sums make one double. A NaN or infinite term, or one of
 * 2^63 or more (no long holds its whole part), counts as 0, like NULL; whole parts whose sum passes 2^63
 * fail with Spark's overflow error.
 */
public final class OrderFreeSums {
  private static final double TWO_31 = 2147483648.0;
  // Below 2^63 a double's whole part is a long and its fraction is exactly x - floor(x) (from 2^53
  // on, a double is a whole number and its fraction 0).
  private static final double LIMIT = 9223372036854775808.0;

  private OrderFreeSums() {}

  /** The sum of a double column, NULL when it has no value (as {@code sum}). */
  public static Column sum(Column x) {
    // Spark orders NaN above every number, so NaN and the infinities fail the test and become NULL.
    Column term = when(abs(x).lt(LIMIT), x);
    // Cut the magnitude, not the term: for a small negative term x - floor(x) is near 1 and rounds.
    Column magnitude = abs(term);
    Column sign = when(term.lt(0), lit(-1L)).otherwise(lit(1L));
    Column whole = floor(magnitude);
    Column fraction = magnitude.minus(whole).multiply(TWO_31); // [0, 2^31): both steps exact
    Column high = floor(fraction);
    Column low = floor(fraction.minus(high).multiply(TWO_31)); // what is below 2^-62 is cut off
    // Decimals of 18 places were as order-free, and 2-3 s slower on the benchmark's attribution (README).
    return asDouble(functions.sum(whole.multiply(sign))).plus(asDouble(functions.sum(high.multiply(sign)))
        .plus(asDouble(functions.sum(low.multiply(sign))).divide(TWO_31)).divide(TWO_31));
  }

  /** The mean of a double column's values, NULL when it has none (as {@code avg}). */
  public static Column avg(Column x) {
    Column n = count(x);
    return when(n.gt(0), sum(x).divide(n));
  }

  private static Column asDouble(Column c) {
    return c.cast(DataTypes.DoubleType);
  }
}
