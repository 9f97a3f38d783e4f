package io.journeys.attribution;

import io.journeys.config.JobSettings.AttributionSettings;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One attribution model (SPEC §4): hands each macro conversion exactly 1 conversion of credit,
 * split over the touchpoints of its own journey.
 *
 * <p>Journeys without touchpoints are credited to {@code (none)} by the caller, so a model only
 * sees journeys with at least one touchpoint.
 */
public interface AttributionModel {

  /** The name used in {@code attribution.models} and in the tables' {@code model} column. */
  String name();

  /**
   * Credits converting journeys.
   *
   * @param converting converting journeys closed on {@code dates}, with at least one touchpoint;
   *     columns of the journeys table ({@code journey_id, close_date, macro_conversion, value,
   *     touchpoints, touchpoint_times, journey_end, ...})
   * @param trainingPaths {@link TrainingPaths} of the journeys (converting or not) closed in the
   *     training windows of {@code dates}: close_date in (min(dates) - training-window,
   *     max(dates)]; heuristic models ignore it
   * @param dates the close dates being attributed, ascending; a data-driven model fits once per
   *     date on the journeys closed in (date - training-window, date]
   * @return credits and, for data-driven models, fitted weights
   */
  ModelResult attribute(
      Dataset<Row> converting, Dataset<Row> trainingPaths, List<LocalDate> dates, AttributionSettings settings);
}
