package io.journeys.attribution.datadriven;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.TOUCHPOINTS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

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
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
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
    // A plain loop per path, not higher-order array functions: those are interpreted per element
    // and took most of the fit on a month of training paths. Each task counts its transitions
    // itself, so only distinct ones leave it, not one row per step of every path.
    return trainingPaths
        .select(col(CLOSE_DATE), col(TrainingPaths.PATH), col(TrainingPaths.CONVERSIONS), col(TrainingPaths.JOURNEYS))
        .mapPartitions((MapPartitionsFunction<Row, Row>) paths -> counted(paths, order), Encoders.row(STEPS))
        .groupBy(col(CLOSE_DATE), col("from"), col("to"))
        .agg(sum(col("n")).as("journeys"));
  }

  private static final StructType STEPS = new StructType()
      .add(CLOSE_DATE, DataTypes.DateType)
      .add("from", DataTypes.StringType)
      .add("to", DataTypes.StringType)
      .add("n", DataTypes.LongType);

  private record Step(Object date, String from, String to) {}

  /** The transitions of a partition's training paths, counted per (close date, from, to). */
  private static Iterator<Row> counted(Iterator<Row> paths, int order) {
    Map<Step, long[]> counts = new HashMap<>();
    while (paths.hasNext()) {
      steps(paths.next(), order, (step, n) -> counts.computeIfAbsent(step, k -> new long[1])[0] += n);
    }
    return counts.entrySet().stream()
        .map(e -> RowFactory.create(e.getKey().date(), e.getKey().from(), e.getKey().to(), e.getValue()[0]))
        .iterator();
  }

  /**
   * One training path's transitions: start → the state at each touchpoint (its last {@code order}
   * touchpoints, fewer at the start) → conversion for its converting journeys and null for the rest.
   */
  private static void steps(Row row, int order, java.util.function.ObjLongConsumer<Step> step) {
    Object date = row.get(0);
    List<String> path = row.getList(1);
    long conversions = row.getLong(2);
    long journeys = row.getLong(3);
    String from = AbsorbingMarkovChain.START;
    for (int i = 0; i < path.size(); i++) {
      String state = String.join(AbsorbingMarkovChain.STATE_SEPARATOR, path.subList(Math.max(0, i - order + 1), i + 1));
      step.accept(new Step(date, from, state), journeys);
      from = state;
    }
    if (conversions > 0) {
      step.accept(new Step(date, from, AbsorbingMarkovChain.CONVERSION), conversions);
    }
    if (journeys > conversions) {
      step.accept(new Step(date, from, AbsorbingMarkovChain.NULL), journeys - conversions);
    }
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
    // The removal effects (dates x states) travel to the executors; the journeys stay there.
    Dataset<Row> credits = KeyedCredits.credits(KeyedCredits.shares(converting, KeyedCredits.setAndLast(col(TOUCHPOINTS)),
        (date, k) -> proportional(KeyedCredits.setOf(k), KeyedCredits.lastOf(k), effects.getOrDefault(date, Map.of()))));
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
