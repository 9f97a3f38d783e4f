package io.journeys.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class OrderFreeSumsTest {
  private final SparkSession spark = TestSpark.session();

  /** One partition holding the values in the given order, so a plain sum adds them in that order. */
  private Dataset<Row> inOrder(List<Double> values) {
    List<Row> rows = new ArrayList<>();
    values.forEach(v -> rows.add(RowFactory.create(v)));
    return spark.createDataFrame(rows, StructType.fromDDL("x DOUBLE")).coalesce(1);
  }

  @Test
  void theSumAndTheMeanDoNotDependOnTheOrderOfTheRows() {
    // In doubles (0.1 + 0.2) + 0.3 = 0.6000000000000001 but 0.3 + 0.2 + 0.1 = 0.6.
    List<Double> values = List.of(0.1, 0.2, 0.3);
    List<Double> reversed = new ArrayList<>(values);
    Collections.reverse(reversed);
    Row forward = inOrder(values).agg(functions.sum(col("x")), OrderFreeSums.sum(col("x")), OrderFreeSums.avg(col("x"))).first();
    Row backward = inOrder(reversed).agg(functions.sum(col("x")), OrderFreeSums.sum(col("x")), OrderFreeSums.avg(col("x"))).first();
    assertThat(forward.getDouble(0)).as("a plain sum, the hazard").isEqualTo(0.6000000000000001);
    assertThat(backward.getDouble(0)).isEqualTo(0.6);
    assertThat(forward.getDouble(1)).isEqualTo(0.6);
    assertThat(backward.getDouble(1)).isEqualTo(0.6);
    // The mean is the exact sum's double divided by the count.
    assertThat(forward.getDouble(2)).isEqualTo(0.6 / 3);
    assertThat(backward.getDouble(2)).isEqualTo(0.6 / 3);
  }

  @Test
  void theSumIsTheTermsExactSumToAnUlpInAnyOrderAndPartitioning() {
    // Terms of mixed sign and magnitude, as credited values are shares of revenues.
    java.util.Random random = new java.util.Random(7);
    List<Double> values = new ArrayList<>();
    java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
    for (int i = 0; i < 2000; i++) {
      double v = (random.nextDouble() - 0.2) * Math.pow(10, random.nextInt(8) - 2);
      values.add(v);
      exact = exact.add(new java.math.BigDecimal(v)); // a double's exact binary value
    }
    double expected = exact.doubleValue();
    List<Double> reversed = new ArrayList<>(values);
    Collections.reverse(reversed);
    double forward = inOrder(values).agg(OrderFreeSums.sum(col("x"))).first().getDouble(0);
    double backward = inOrder(reversed).agg(OrderFreeSums.sum(col("x"))).first().getDouble(0);
    double shuffled = inOrder(values).repartition(7).agg(OrderFreeSums.sum(col("x"))).first().getDouble(0);
    double plainForward = inOrder(values).agg(functions.sum(col("x"))).first().getDouble(0);
    double plainBackward = inOrder(reversed).agg(functions.sum(col("x"))).first().getDouble(0);
    assertThat(plainBackward).as("a plain sum, the hazard").isNotEqualTo(plainForward);
    assertThat(backward).isEqualTo(forward);
    assertThat(shuffled).isEqualTo(forward);
    assertThat(Math.abs(forward - expected)).isLessThanOrEqualTo(Math.ulp(expected));
  }

  @Test
  void aSmallNegativeTermKeepsItsValue() {
    // -2^-60 - floor(-2^-60) = 1 - 2^-60, which no double holds: cut that way the term became 0.
    double tiny = -Math.scalb(1.0, -60);
    assertThat(inOrder(List.of(tiny)).agg(OrderFreeSums.sum(col("x"))).first().getDouble(0)).isEqualTo(tiny);
    assertThat(inOrder(List.of(-2.5, 0.75)).agg(OrderFreeSums.sum(col("x"))).first().getDouble(0)).isEqualTo(-1.75);
  }

  @Test
  void termsOf2To53AndMoreAreWholeNumbersSummedExactly() {
    // 2^53 + 2 and 2^60 are doubles; 2^53 + 2 - 2 = 2^53 and 2^60 + 2^60 = 2^61, all exact.
    double twoTo53 = Math.scalb(1.0, 53);
    assertThat(inOrder(List.of(twoTo53 + 2, -2.0)).agg(OrderFreeSums.sum(col("x"))).first().getDouble(0)).isEqualTo(twoTo53);
    double twoTo60 = Math.scalb(1.0, 60);
    assertThat(inOrder(List.of(twoTo60, 0.5, twoTo60, -0.5)).agg(OrderFreeSums.sum(col("x"))).first().getDouble(0))
        .isEqualTo(Math.scalb(1.0, 61));
  }

  @Test
  void nullsAreLeftOutNanAndInfinityCountAsZeroAndNoValueGivesNull() {
    List<Row> rows = new ArrayList<>();
    for (Double v : new Double[] {1.5, null, Double.NaN, Double.POSITIVE_INFINITY, 2.5}) {
      rows.add(RowFactory.create("a", v));
    }
    rows.add(RowFactory.create("b", null));
    List<Row> out = spark.createDataFrame(rows, StructType.fromDDL("k STRING, x DOUBLE"))
        .groupBy(col("k")).agg(OrderFreeSums.sum(col("x")), OrderFreeSums.avg(col("x"))).orderBy(col("k"))
        .collectAsList();
    // a: 1.5 + 0 + 0 + 2.5 over four values that are not NULL.
    assertThat(out.get(0).getDouble(1)).isEqualTo(4.0);
    assertThat(out.get(0).getDouble(2)).isEqualTo(1.0);
    assertThat(out.get(1).isNullAt(1)).isTrue();
    assertThat(out.get(1).isNullAt(2)).isTrue();
  }
}
