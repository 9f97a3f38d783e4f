package io.journeys.attribution.datadriven;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.JOURNEY_ID;
import static io.journeys.Columns.MACRO_CONVERSION;
import static io.journeys.Columns.TOUCHPOINT;
import static io.journeys.Columns.TOUCHPOINTS;
import static io.journeys.Columns.VALUE;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import io.journeys.attribution.AttributionModel;
import io.journeys.attribution.ModelResult;
import io.journeys.attribution.TrainingPaths;
import io.journeys.config.JobSettings.AttributionSettings;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * fractribution's simplified Shapley (SPEC §4 {@code shapley_simplified}); see {@link
 * SimplifiedShapley}, computed on the executors: the training paths are as many as the distinct
 * journeys, so neither they nor the converting paths go through the driver. {@code model_weights}
 * holds, per touchpoint, the mean share it received over that date's conversions whose journey
 * contains it.
 */
public final class SimplifiedShapleyModel implements AttributionModel {

  @Override
  public String name() {
    return "shapley_simplified";
  }

  static Column exposureKey() {
    return array_join(TrainingPaths.collapsed(col(TOUCHPOINTS)), KeyedCredits.SEPARATOR);
  }

  @Override
  public ModelResult attribute(
      Dataset<Row> converting, Dataset<Row> trainingPaths, List<LocalDate> dates, AttributionSettings settings) {
    int window = Math.toIntExact(settings.trainingWindow().toDays());
    Dataset<Row> trained =
        trainingPaths.select(col(CLOSE_DATE).as(TRAINED_ON),
            array_join(col(TrainingPaths.PATH), KeyedCredits.SEPARATOR).as(QUERY),
            col(TrainingPaths.CONVERSIONS).as("conversions"), col(TrainingPaths.JOURNEYS).as("journeys"));
    Dataset<Row> pathShares = pathShares(converting, trained, window);
    Column pathKey = exposureKey();
    Dataset<Row> shares =
        converting.withColumn(KeyedCredits.KEY, pathKey)
            .join(pathShares, new String[] {CLOSE_DATE, KeyedCredits.KEY})
            .select(col(JOURNEY_ID), col(CLOSE_DATE), col(MACRO_CONVERSION), col(TOUCHPOINT), col(KeyedCredits.CREDIT),
                col(VALUE))
            // The credits and the weights both read the shares: the window's joins run once.
            .persist(StorageLevel.MEMORY_AND_DISK());
    return new ModelResult(KeyedCredits.credits(shares),
        java.util.Optional.of(KeyedCredits.meanShares(shares, name(), trainingSize(trained, dates, window))),
        List.of(shares));
  }

  /**
   * Shares of each distinct (close date, exposure path) of the converting journeys: {@code
   * close_date, credit_key, touchpoint, credit}. The path asks for p of itself and of itself
   * without each position; the answers are summed over the training window by a join in Spark,
   * since the training paths grow with the events. The questions come from a loop over each path,
   * and a path's answers are grouped once, by path, and summed per position in its solve.
   */
  static Dataset<Row> pathShares(Dataset<Row> converting, Dataset<Row> trained, int window) {
    Dataset<Row> asked =
        converting.select(col(CLOSE_DATE), TrainingPaths.collapsed(col(TOUCHPOINTS)).as("path")).distinct()
            .flatMap((FlatMapFunction<Row, Row>) SimplifiedShapleyModel::questions, Encoders.row(QUESTIONS))
            .withColumn(QUERY_HASH, xxhash64(col(QUERY)));
    Dataset<Row> answers = trained.withColumn(QUERY_HASH, xxhash64(col(QUERY)));
    // The paths' hashes lead the join's and the grouping's keys, so that their sorts order by a
    // number: on the paths' text, which share their first bytes, nearly every comparison read the
    // strings (at 20 M events the join's stage took 5.8 s of CPU, 4.4 s with the hashes).
    Column inWindow = asked.col(QUERY_HASH).equalTo(answers.col(QUERY_HASH))
        .and(asked.col(QUERY).equalTo(answers.col(QUERY)))
        .and(answers.col(TRAINED_ON).gt(date_sub(asked.col(CLOSE_DATE), window)))
        .and(answers.col(TRAINED_ON).leq(asked.col(CLOSE_DATE)));
    return asked.join(answers, inWindow, "left")
        .groupBy(xxhash64(col(KeyedCredits.KEY), asked.col(CLOSE_DATE)).as("key_hash"),
            asked.col(CLOSE_DATE).cast("string").as(CLOSE_DATE), col(KeyedCredits.KEY))
        .agg(collect_list(struct(col("position"), col("conversions"), col("journeys"))).as("answers"))
        .drop("key_hash")
        .flatMap((FlatMapFunction<Row, Row>) SimplifiedShapleyModel::solve, Encoders.row(PATH_SHARES))
        .withColumn(CLOSE_DATE, col(CLOSE_DATE).cast("date"));
  }

  private static final StructType QUESTIONS =
      StructType.fromDDL("close_date DATE, credit_key STRING, position INT, query STRING");

  /** A path's questions: position 0 asks for the path, position i for the path without position i. */
  private static Iterator<Row> questions(Row row) {
    List<String> path = row.getList(1);
    String key = String.join(KeyedCredits.SEPARATOR, path);
    List<Row> out = new ArrayList<>(path.size() + 1);
    out.add(RowFactory.create(row.get(0), key, 0, key));
    for (int i = 1; i <= path.size(); i++) {
      List<String> without = new ArrayList<>(path);
      without.remove(i - 1);
      out.add(RowFactory.create(row.get(0), key, i, String.join(KeyedCredits.SEPARATOR, without)));
    }
    return out.iterator();
  }

  private static final StructType PATH_SHARES =
      StructType.fromDDL("close_date STRING, credit_key STRING, touchpoint STRING, credit DOUBLE");

  /**
   * One path's share rows, from its answers (position, conversions, journeys), one per training
   * date that knows the question (nulls when none does): p of the path (position 0) and of the
   * path without position i (position i) are their summed conversions over summed journeys.
   */
  private static Iterator<Row> solve(Row row) {
    String key = row.getString(1);
    List<String> path = KeyedCredits.split(key);
    long[] conversions = new long[path.size() + 1];
    long[] journeys = new long[path.size() + 1];
    for (Row answer : row.<Row>getList(2)) {
      int position = answer.getInt(0);
      conversions[position] += answer.isNullAt(1) ? 0 : answer.getLong(1);
      journeys[position] += answer.isNullAt(2) ? 0 : answer.getLong(2);
    }
    Map<List<String>, Double> probability = new HashMap<>();
    for (int i = 1; i <= path.size(); i++) {
      List<String> without = new ArrayList<>(path);
      without.remove(i - 1);
      probability.put(without, rate(conversions[i], journeys[i]));
    }
    probability.put(path, rate(conversions[0], journeys[0]));
    List<Row> out = new ArrayList<>();
    new SimplifiedShapley(q -> probability.getOrDefault(q, 0.0)).shares(path).forEach((touchpoint, share) ->
        out.add(RowFactory.create(row.getString(0), key, touchpoint, share)));
    return out.iterator();
  }

  private static double rate(long conversions, long journeys) {
    return journeys > 0 ? (double) conversions / journeys : 0.0;
  }

  /** Training journeys (with a touchpoint) per date's window: {@code date, journeys_in_training}. */
  private static Dataset<Row> trainingSize(Dataset<Row> trained, List<LocalDate> dates, int window) {
    List<Row> rows = dates.stream().map(d -> RowFactory.create(java.sql.Date.valueOf(d))).toList();
    Dataset<Row> days = trained.sparkSession().createDataFrame(rows, StructType.fromDDL("date DATE"));
    Dataset<Row> perDay = trained.groupBy(col(TRAINED_ON)).agg(sum(col("journeys")).as("journeys"));
    return days.join(perDay, col(TRAINED_ON).gt(date_sub(col("date"), window)).and(col(TRAINED_ON).leq(col("date"))))
        .groupBy(col("date"))
        .agg(sum(col("journeys")).as("journeys_in_training"));
  }

  private static final String TRAINED_ON = "trained_on";
  private static final String QUERY = "query";
  private static final String QUERY_HASH = "query_hash";
}
