package io.journeys.attribution.datadriven;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.CONVERTED;
import static io.journeys.Columns.TOUCHPOINTS;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
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
 * fractribution's simplified Shapley (SPEC §4 {@code shapley_simplified}); see {@link
 * SimplifiedShapley}. Spark counts training journeys per close date and exposure path; the driver
 * computes each distinct converting path's shares. {@code model_weights} holds the mean share per
 * touchpoint over the date's conversions.
 */
public final class SimplifiedShapleyModel implements AttributionModel {

  @Override
  public String name() {
    return "shapley_simplified";
  }

  static Column exposureKey() {
    return array_join(MarkovModel.collapsed(col(TOUCHPOINTS)), KeyedCredits.SEPARATOR);
  }

  @Override
  public ModelResult attribute(
      Dataset<Row> converting, Dataset<Row> training, List<LocalDate> dates, AttributionSettings settings) {
    List<Row> paths =
        training.filter(size(col(TOUCHPOINTS)).gt(0))
            .groupBy(col(CLOSE_DATE), exposureKey().as("path"))
            .agg(count_if(col(CONVERTED)).as("conversions"), count(lit(1)).as("journeys"))
            .collectAsList();
    Map<LocalDate, SimplifiedShapley> models = new HashMap<>();
    Map<LocalDate, Long> trainingSize = new HashMap<>();
    for (LocalDate date : dates) {
      Map<List<String>, double[]> rates = new HashMap<>();
      long n = 0;
      for (Row row : KeyedCredits.window(paths, 0, date, settings.trainingWindow())) {
        double[] c = rates.computeIfAbsent(KeyedCredits.split(row.getString(1)), k -> new double[2]);
        c[0] += row.getLong(2);
        c[1] += row.getLong(3);
        n += row.getLong(3);
      }
      models.put(date, new SimplifiedShapley(p -> {
        double[] c = rates.get(p);
        return c == null || c[1] == 0 ? 0.0 : c[0] / c[1];
      }));
      trainingSize.put(date, n);
    }
    Map<LocalDate, Map<String, double[]>> shareSums = new TreeMap<>();
    Dataset<Row> credits = KeyedCredits.credit(converting, exposureKey(), (date, k) -> {
      Map<String, Double> shares = models.get(date).shares(KeyedCredits.split(k));
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
