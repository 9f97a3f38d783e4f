package io.journeys.attribution.datadriven;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.JOURNEY_ID;
import static io.journeys.Columns.MACRO_CONVERSION;
import static io.journeys.Columns.TOUCHPOINT;
import static io.journeys.Columns.VALUE;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Credits journeys by a key computed in Spark (a touchpoint set or an exposure path): the distinct
 * (close_date, key) pairs of the converting journeys — as many as distinct paths, not events —
 * reach the driver, the model turns each into credit shares, and the small result is broadcast
 * back and joined to the journeys. Journeys are never collected.
 */
final class KeyedCredits {
  static final String KEY = "credit_key";
  static final String SEPARATOR = "\u001f";

  private KeyedCredits() {}

  static Dataset<Row> credit(Dataset<Row> converting, Column key,
      BiFunction<LocalDate, String, Map<String, Double>> sharesOf) {
    Dataset<Row> keyed = converting.withColumn(KEY, key);
    List<Row> pairs = keyed.select(col(CLOSE_DATE), col(KEY)).distinct().collectAsList();
    List<Row> rows = new ArrayList<>();
    for (Row pair : pairs) {
      java.sql.Date date = pair.getDate(0);
      String k = pair.getString(1);
      for (Map.Entry<String, Double> share : sharesOf.apply(date.toLocalDate(), k).entrySet()) {
        if (share.getValue() != 0.0) {
          rows.add(RowFactory.create(date, k, share.getKey(), share.getValue()));
        }
      }
    }
    SparkSession spark = converting.sparkSession();
    Dataset<Row> shares =
        spark.createDataFrame(rows, StructType.fromDDL("close_date DATE, credit_key STRING, touchpoint STRING, credit DOUBLE"));
    return keyed
        .join(broadcast(shares), new String[] {CLOSE_DATE, KEY})
        .select(col(JOURNEY_ID), col(CLOSE_DATE), col(MACRO_CONVERSION), col(TOUCHPOINT), col("credit"), col(VALUE));
  }

  /** Rows of a per-close-date aggregate that fall in the training window of {@code date}. */
  static List<Row> window(List<Row> byCloseDate, int dateIndex, LocalDate date, java.time.Duration trainingWindow) {
    LocalDate firstExcluded = date.minusDays(trainingWindow.toDays());
    List<Row> result = new ArrayList<>();
    for (Row row : byCloseDate) {
      LocalDate d = row.getDate(dateIndex).toLocalDate();
      if (d.isAfter(firstExcluded) && !d.isAfter(date)) {
        result.add(row);
      }
    }
    return result;
  }

  static List<String> split(String key) {
    return key.isEmpty() ? List.of() : List.of(key.split(SEPARATOR, -1));
  }
}
