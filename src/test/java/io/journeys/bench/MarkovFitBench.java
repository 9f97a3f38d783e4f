package io.journeys.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

import io.journeys.attribution.ModelResult;
import io.journeys.attribution.TrainingPaths;
import io.journeys.attribution.datadriven.MarkovModel;
import io.journeys.config.JobSettings.AttributionSettings;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Fit time of the Markov model by order, on the journeys a bench run wrote: for each order, the
 * distributed transition counts, the driver's absorbing-chain solves (one per close date) and the
 * credits, all materialised. Prints one line per order:
 * {@code markov: order=K states=S journeys=J converting=C seconds=X}.
 *
 * <p>Usage: {@code MarkovFitBench JOURNEYS_TABLE_PATH FIRST_DATE LAST_DATE [ORDERS...]}
 */
public final class MarkovFitBench {
  private MarkovFitBench() {}

  public static void main(String[] args) {
    String path = args[0];
    LocalDate first = LocalDate.parse(args[1]);
    LocalDate last = LocalDate.parse(args[2]);
    List<Integer> orders = args.length > 3
        ? java.util.Arrays.stream(args).skip(3).map(Integer::parseInt).toList() : List.of(1, 2, 3);
    SparkSession spark = BenchSessions.local("bench-markov");
    Dataset<Row> journeys = spark.read().format("delta").load(path).cache();
    long all = journeys.count();
    Dataset<Row> converting = journeys.filter(col("converted").and(size(col("touchpoints")).gt(0)));
    long convertingCount = converting.count();
    List<LocalDate> dates = first.datesUntil(last.plusDays(1)).toList();
    for (int order : orders) {
      AttributionSettings settings = new AttributionSettings(null, java.time.Duration.ofDays(30), List.of("markov"),
          java.time.Duration.ofDays(7), order, java.time.Duration.ofDays(30));
      long start = System.nanoTime();
      ModelResult result = new MarkovModel().attribute(converting, TrainingPaths.of(journeys), dates, settings);
      long credits = result.credits().count();
      double seconds = (System.nanoTime() - start) / 1e9;
      long states = MarkovModel.transitions(TrainingPaths.of(journeys), order).select("from").distinct().count();
      System.out.printf("markov: order=%d states=%d journeys=%d converting=%d credit_rows=%d seconds=%.1f%n",
          order, states, all, convertingCount, credits, seconds);
    }
    spark.stop();
  }
}
