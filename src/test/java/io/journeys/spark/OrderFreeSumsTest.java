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
