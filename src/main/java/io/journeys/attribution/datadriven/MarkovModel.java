package io.journeys.attribution.datadriven;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.TOUCHPOINTS;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;

import io.journeys.attribution.AttributionModel;
import io.journeys.attribution.ModelResult;
import io.journeys.attribution.TrainingPaths;
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
import org.apache.spark.sql.types.StructType;

/**
 * Markov-chain attribution of order {@code attribution.markov.order} (SPEC §4). For each date, the
 * chain is fitted on the journeys with at least one touchpoint closed in its training window:
 * Spark turns each training path into its transitions (start → states → conversion or null) and
 * counts them per close date; only those counts reach the driver, where {@link
 * AbsorbingMarkovChain} gives the exact removal effects. A conversion's credit goes to the distinct
 * touchpoints of its journey in proportion to their removal effects (negative effects count as 0;
 * all zero → the last touchpoint), computed on the executors with the effects shipped to them.
 */
public final class MarkovModel implements AttributionModel {

  @Override
  public String name() {
    return "markov";
  }

  /**
   * Transition counts per close date: rows (close_date, from, to, journeys), aggregated in Spark
   * from the {@link TrainingPaths}; their number follows the states, not the events. Each journey
   * adds 1 to every transition on its path: a path's steps weigh its journeys, its end goes to
   * conversion for its converting journeys and to null for the rest. Public for the fit-time
   * benchmark.
   */
  public static Dataset<Row> transitions(Dataset<Row> trainingPaths, int order) {
    Column path = col(TrainingPaths.PATH);
    Column states =
        transform(sequence(lit(1), size(path)),
            i -> array_join(slice(path, greatest(lit(1), i.minus(order - 1)), least(i, lit(order))),
                AbsorbingMarkovChain.STATE_SEPARATOR));
    Column journeys = col(TrainingPaths.JOURNEYS);
    Column conversions = col(TrainingPaths.CONVERSIONS);
    Column steps = transform(col("froms"), (f, i) -> struct(f.as("from"), element_at(col("states"), i.plus(1)).as("to"),
        journeys.as("n")));
    Column last = element_at(col("states"), -1);
    Column ends = array(
        struct(last.as("from"), lit(AbsorbingMarkovChain.CONVERSION).as("to"), conversions.as("n")),
        struct(last.as("from"), lit(AbsorbingMarkovChain.NULL).as("to"), journeys.minus(conversions).as("n")));
    return trainingPaths
        .withColumn("states", states)
        .withColumn("froms", concat(array(lit(AbsorbingMarkovChain.START)), slice(col("states"), lit(1), size(col("states")).minus(1))))
        .select(col(CLOSE_DATE), explode(concat(steps, ends)).as("step"))
        .filter(col("step.n").gt(0))
        .groupBy(col(CLOSE_DATE), col("step.from").as("from"), col("step.to").as("to"))
        .agg(sum(col("step.n")).as("journeys"));
  }

  /** The chain fitted on a training window's transition rows. */
  static AbsorbingMarkovChain fit(List<Row> window) {
    AbsorbingMarkovChain chain = new AbsorbingMarkovChain();
    for (Row row : window) {
      chain.add(row.getString(1), row.getString(2), row.getLong(3));
    }
    return chain;
  }

  @Override
  public ModelResult attribute(
      Dataset<Row> converting, Dataset<Row> trainingPaths, List<LocalDate> dates, AttributionSettings settings) {
    List<Row> counts = transitions(trainingPaths, settings.markovOrder()).collectAsList();
    Map<LocalDate, Map<String, Double>> effects = new HashMap<>();
    List<Row> weights = new ArrayList<>();
    for (LocalDate date : dates) {
      List<Row> window = KeyedCredits.window(counts, 0, date, settings.trainingWindow());
      AbsorbingMarkovChain chain = fit(window);
      Map<String, Double> re = chain.removalEffects();
      double p = chain.conversionProbability();
      long journeys = window.stream().filter(r -> r.getString(1).equals(AbsorbingMarkovChain.START))
          .mapToLong(r -> r.getLong(3)).sum();
      double total = re.values().stream().mapToDouble(v -> Math.max(0, v)).sum();
      for (Map.Entry<String, Double> e : re.entrySet()) {
        weights.add(RowFactory.create(java.sql.Date.valueOf(date), name(), e.getKey(),
            total > 0 ? Math.max(0, e.getValue()) / total : 0.0, e.getValue(), p, journeys));
      }
      effects.put(date, re);
    }
    Column key = concat(array_join(array_sort(array_distinct(col(TOUCHPOINTS))), KeyedCredits.SEPARATOR),
        lit("|"), element_at(col(TOUCHPOINTS), -1));
    // The removal effects (dates x states) travel to the executors; the journeys stay there.
    Dataset<Row> credits = KeyedCredits.credits(KeyedCredits.shares(converting, key, (date, k) -> {
      int bar = k.lastIndexOf('|');
      List<String> distinct = KeyedCredits.split(k.substring(0, bar));
      return proportional(distinct, k.substring(bar + 1), effects.getOrDefault(date, Map.of()));
    }));
    Dataset<Row> weightRows = converting.sparkSession().createDataFrame(weights, WEIGHTS_SCHEMA);
    return new ModelResult(credits, java.util.Optional.of(weightRows));
  }

  /** Shares ∝ max(0, effect); all zero → the last touchpoint. */
  static Map<String, Double> proportional(List<String> touchpoints, String last, Map<String, Double> effects) {
    Map<String, Double> shares = new TreeMap<>();
    double total = 0;
    for (String t : touchpoints) {
      double e = Math.max(0, effects.getOrDefault(t, 0.0));
      shares.put(t, e);
      total += e;
    }
    if (total <= 0) {
      shares.replaceAll((k, v) -> 0.0);
      shares.put(last, 1.0);
      return shares;
    }
    double sum = total;
    shares.replaceAll((k, v) -> v / sum);
    return shares;
  }

  static final StructType WEIGHTS_SCHEMA =
      StructType.fromDDL("date DATE, model STRING, touchpoint STRING, weight DOUBLE, removal_effect DOUBLE,"
          + " conversion_probability DOUBLE, journeys_in_training BIGINT");
}
