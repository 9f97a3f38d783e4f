package io.journeys.attribution;

import static io.journeys.Columns.MODEL;

import io.journeys.config.JobSettings.AttributionSettings;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A rule-based model: a journey's credits follow from its touchpoint count and times alone, in a
 * plain loop per journey (no shuffle, no window, no array lambdas). {@link Attribution} runs every
 * enabled rule-based model in one pass over the journeys ({@link HeuristicCredits}).
 */
abstract class HeuristicModel implements AttributionModel, Serializable {

  /** What the rules read from the settings, shipped to the executors with the models. */
  record Parameters(double timeDecayHalfLifeMicros) implements Serializable {
    static Parameters of(AttributionSettings settings) {
      return new Parameters(settings.timeDecayHalfLife().toNanos() / 1000.0);
    }
  }

  /**
   * The credits of a journey's touchpoints, in time order; they sum to 1.
   *
   * @param timesMicros the touchpoints' times (µs since the epoch), at least one
   * @param endMicros the macro conversion's time
   */
  abstract double[] credits(long[] timesMicros, long endMicros, Parameters parameters);

  @Override
  public ModelResult attribute(
      Dataset<Row> converting, Dataset<Row> training, List<LocalDate> dates, AttributionSettings settings) {
    return ModelResult.creditsOnly(HeuristicCredits.credits(converting, List.of(this), Parameters.of(settings)).drop(MODEL));
  }
}
