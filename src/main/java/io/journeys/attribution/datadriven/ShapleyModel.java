package io.journeys.attribution.datadriven;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.CONVERTED;
import static io.journeys.Columns.TOUCHPOINTS;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import io.journeys.attribution.AttributionModel;
import io.journeys.attribution.ModelResult;
import io.journeys.config.JobSettings.AttributionSettings;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Shapley attribution over touchpoint sets (SPEC §4 {@code shapley}); see {@link ShapleyGame}.
 * Spark counts the training journeys (with at least one touchpoint) per close date and exact
 * touchpoint set; the driver sums each date's window into v(T) and solves the game of each
 * distinct set among that date's conversions. {@code model_weights} holds, per touchpoint, the mean
 * share it received over that date's conversions.
 */
public final class ShapleyModel implements AttributionModel {

  @Override
  public String name() {
    return "shapley";
  }

  static Column setKey() {
    return array_join(array_sort(array_distinct(col(TOUCHPOINTS))), KeyedCredits.SEPARATOR);
  }

  @Override
  public ModelResult attribute(
      Dataset<Row> converting, Dataset<Row> training, List<LocalDate> dates, AttributionSettings settings) {
    List<Row> sets =
        training.filter(size(col(TOUCHPOINTS)).gt(0))
            .groupBy(col(CLOSE_DATE), setKey().as("set"))
            .agg(count_if(col(CONVERTED)).as("conversions"), count(lit(1)).as("journeys"))
            .collectAsList();
    Map<LocalDate, ShapleyGame> games = new HashMap<>();
    Map<LocalDate, Long> trainingSize = new HashMap<>();
    for (LocalDate date : dates) {
      Map<List<String>, double[]> rates = new HashMap<>();
      long n = 0;
      for (Row row : KeyedCredits.window(sets, 0, date, settings.trainingWindow())) {
        double[] c = rates.computeIfAbsent(KeyedCredits.split(row.getString(1)), k -> new double[2]);
        c[0] += row.getLong(2);
        c[1] += row.getLong(3);
        n += row.getLong(3);
      }
      games.put(date, new ShapleyGame(t -> {
        double[] c = rates.get(t);
        return c == null || c[1] == 0 ? 0.0 : c[0] / c[1];
      }, settings.shapleyMaxPlayers()));
      trainingSize.put(date, n);
    }
    Map<LocalDate, Map<String, double[]>> shareSums = new TreeMap<>();
    Column key = concat(setKey(), lit("|"), element_at(col(TOUCHPOINTS), -1));
    Dataset<Row> credits = KeyedCredits.credit(converting, key, (date, k) -> {
      int bar = k.lastIndexOf('|');
      Map<String, Double> shares = games.get(date).shares(KeyedCredits.split(k.substring(0, bar)), k.substring(bar + 1));
      Map<String, double[]> sums = shareSums.computeIfAbsent(date, d -> new TreeMap<>());
      shares.forEach((t, s) -> {
        double[] acc = sums.computeIfAbsent(t, x -> new double[2]);
        acc[0] += s;
        acc[1] += 1;
      });
      return shares;
    });
    List<Row> weights = new ArrayList<>();
    shareSums.forEach((date, sums) -> sums.forEach((t, acc) -> weights.add(RowFactory.create(
        java.sql.Date.valueOf(date), name(), t, acc[0] / acc[1], null, null, trainingSize.get(date)))));
    return new ModelResult(credits,
        java.util.Optional.of(converting.sparkSession().createDataFrame(weights, MarkovModel.WEIGHTS_SCHEMA)));
  }
}
