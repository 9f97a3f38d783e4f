package io.journeys.attribution.datadriven;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.TOUCHPOINTS;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.journeys.attribution.AttributionModel;
import io.journeys.attribution.ModelResult;
import io.journeys.attribution.TrainingPaths;
import io.journeys.config.JobSettings.AttributionSettings;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Shapley attribution over touchpoint sets (SPEC §4 {@code shapley}); see {@link ShapleyGame}.
 * Spark counts the training journeys (with at least one touchpoint) per close date and exact
 * touchpoint set, from the {@link TrainingPaths}; the driver sums each date's window into v(T), which the executors use to solve
 * the game of each distinct set among that date's conversions. {@code model_weights} holds, per
 * touchpoint, the mean share it received over that date's conversions whose journey contains it.
 */
public final class ShapleyModel implements AttributionModel {

  @Override
  public String name() {
    return "shapley";
  }

  @Override
  public ModelResult attribute(
      Dataset<Row> converting, Dataset<Row> trainingPaths, List<LocalDate> dates, AttributionSettings settings) {
    List<Row> sets =
        trainingPaths
            .groupBy(col(CLOSE_DATE), array_join(array_sort(array_distinct(col(TrainingPaths.PATH))), KeyedCredits.SEPARATOR)
                .as("set"))
            .agg(sum(col(TrainingPaths.CONVERSIONS)).as("conversions"), sum(col(TrainingPaths.JOURNEYS)).as("journeys"))
            .collectAsList();
    // v(T) per date: as many entries as touchpoint sets seen in training, whatever the events.
    HashMap<LocalDate, ShapleyGame> games = new HashMap<>();
    List<Row> sizes = new ArrayList<>();
    for (LocalDate date : dates) {
      HashMap<List<String>, double[]> byDate = new HashMap<>();
      long n = 0;
      for (Row row : KeyedCredits.window(sets, 0, date, settings.trainingWindow())) {
        // One entry per set, its members in Java's String order (UTF-16 units) as the game sorts
        // them; array_sort's is UTF-8 bytes, which differs between a name beyond U+FFFF and one from U+E000.
        List<String> set = new ArrayList<>(KeyedCredits.split(row.getString(1)));
        Collections.sort(set);
        double[] c = byDate.computeIfAbsent(set, k -> new double[2]);
        c[0] += row.getLong(2);
        c[1] += row.getLong(3);
        n += row.getLong(3);
      }
      Map<List<String>, Double> worth = new HashMap<>();
      byDate.forEach((set, c) -> worth.put(set, c[1] == 0 ? 0.0 : c[0] / c[1]));
      games.put(date, new ShapleyGame(worth));
      sizes.add(RowFactory.create(java.sql.Date.valueOf(date), n));
    }
    ShapleyGame none = new ShapleyGame(Map.of());
    Dataset<Row> shares = KeyedCredits.shares(converting, KeyedCredits.setAndLast(col(TOUCHPOINTS)),
        (date, k) -> games.getOrDefault(date, none).shares(KeyedCredits.setOf(k), KeyedCredits.lastOf(k)));
    Dataset<Row> trainingSize =
        converting.sparkSession().createDataFrame(sizes, StructType.fromDDL("date DATE, journeys_in_training BIGINT"));
    return new ModelResult(KeyedCredits.credits(shares),
        java.util.Optional.of(KeyedCredits.meanShares(shares, name(), trainingSize)));
  }
}
