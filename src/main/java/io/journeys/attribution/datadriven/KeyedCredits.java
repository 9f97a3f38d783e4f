package io.journeys.attribution.datadriven;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.JOURNEY_ID;
import static io.journeys.Columns.MACRO_CONVERSION;
import static io.journeys.Columns.TOUCHPOINT;
import static io.journeys.Columns.VALUE;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;

import io.journeys.spark.OrderFreeSums;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Credits converting journeys by a key computed in Spark (a touchpoint set, or a set and its last
 * touchpoint). The shares are computed on the executors, once per distinct (close date, key) in
 * each partition, by a function that carries the fitted model with it: the model follows the
 * states or touchpoint sets, never the events, and neither the keys nor the credits reach the
 * driver.
 */
final class KeyedCredits {
  static final String KEY = "credit_key";
  static final String SEPARATOR = "\u001f";
  static final String CREDIT = "credit";

  /** Credit shares of one key on one close date, by touchpoint. */
  @FunctionalInterface
  interface Shares extends Serializable {
    Map<String, Double> of(LocalDate date, String key);
  }

  static final StructType SHARE_ROWS = StructType.fromDDL(
      "journey_id STRING, close_date STRING, macro_conversion STRING, touchpoint STRING, credit DOUBLE, value DOUBLE");

  private KeyedCredits() {}

  /**
   * Every touchpoint's share of each converting journey, zero shares included (the weights
   * average them): {@code journey_id, close_date, macro_conversion, touchpoint, credit, value}.
   */
  static Dataset<Row> shares(Dataset<Row> converting, Column key, Shares shares) {
    // The date travels as text so that the rows read the same whatever the session's date API.
    Dataset<Row> keyed = converting.select(col(JOURNEY_ID), col(CLOSE_DATE).cast("string"), col(MACRO_CONVERSION),
        col(VALUE), key.as(KEY));
    return keyed
        .mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new ShareRows(rows, shares), Encoders.row(SHARE_ROWS))
        .withColumn(CLOSE_DATE, col(CLOSE_DATE).cast("date"));
  }

  /** The non-zero shares: a model's credits. */
  static Dataset<Row> credits(Dataset<Row> shares) {
    return shares.filter(col(CREDIT).notEqual(0.0))
        .select(col(JOURNEY_ID), col(CLOSE_DATE), col(MACRO_CONVERSION), col(TOUCHPOINT), col(CREDIT), col(VALUE));
  }

  /**
   * {@code model_weights} rows of a share-based model: per date and touchpoint, the mean share it
   * received over that date's conversions whose journey contains it.
   *
   * @param trainingSize rows {@code date DATE, journeys_in_training BIGINT}
   */
  static Dataset<Row> meanShares(Dataset<Row> shares, String model, Dataset<Row> trainingSize) {
    return shares.groupBy(col(CLOSE_DATE).as("date"), col(TOUCHPOINT))
        .agg(OrderFreeSums.avg(col(CREDIT)).as("weight"))
        .join(trainingSize, "date")
        .select(col("date"), lit(model).as("model"), col(TOUCHPOINT), col("weight"),
            lit(null).cast("double").as("removal_effect"), lit(null).cast("double").as("conversion_probability"),
            col("journeys_in_training"));
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

  /**
   * A journey's distinct touchpoints (sorted) and its last one, all parted by {@link #SEPARATOR},
   * which no touchpoint name holds (config refuses control characters in names): a printable mark
   * such as {@code |} could be inside a channel's name and split it (a review found Markov and
   * Shapley crediting a {@code Search} out of {@code Paid|Search}).
   */
  static Column setAndLast(Column touchpoints) {
    return concat(array_join(array_sort(array_distinct(touchpoints)), SEPARATOR), lit(SEPARATOR),
        element_at(touchpoints, -1));
  }

  /** The distinct touchpoints of a {@link #setAndLast} key. */
  static List<String> setOf(String setAndLast) {
    return split(setAndLast.substring(0, setAndLast.lastIndexOf(SEPARATOR)));
  }

  /** The last touchpoint of a {@link #setAndLast} key. */
  static String lastOf(String setAndLast) {
    return setAndLast.substring(setAndLast.lastIndexOf(SEPARATOR) + 1);
  }

  /** One partition's journeys turned into share rows; each distinct (date, key) is solved once. */
  private static final class ShareRows implements Iterator<Row> {
    private final Iterator<Row> journeys;
    private final Shares shares;
    private final Map<String, Map<String, Double>> solved = new HashMap<>();
    private final ArrayDeque<Row> pending = new ArrayDeque<>();

    ShareRows(Iterator<Row> journeys, Shares shares) {
      this.journeys = journeys;
      this.shares = shares;
    }

    @Override
    public boolean hasNext() {
      while (pending.isEmpty() && journeys.hasNext()) {
        Row j = journeys.next();
        String date = j.getString(1);
        String key = j.getString(4);
        Map<String, Double> byTouchpoint =
            solved.computeIfAbsent(date + '\n' + key, k -> shares.of(LocalDate.parse(date), key));
        for (Map.Entry<String, Double> share : byTouchpoint.entrySet()) {
          pending.add(RowFactory.create(j.getString(0), date, j.getString(2), share.getKey(), share.getValue(),
              j.isNullAt(3) ? null : j.getDouble(3)));
        }
      }
      return !pending.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return pending.poll();
    }
  }
}
