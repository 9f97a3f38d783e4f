package io.journeys.attribution;

import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a model returns.
 *
 * @param credits one row per journey and credited touchpoint: {@code journey_id STRING, close_date
 *     DATE, macro_conversion STRING, touchpoint STRING, credit DOUBLE, value DOUBLE} where the
 *     credits of a journey sum to 1 and {@code value} is the journey's macro value (the caller
 *     multiplies); a touchpoint repeated in the journey may appear once with the summed credit
 * @param weights rows of the {@code model_weights} table for data-driven models ({@code date,
 *     model, touchpoint, weight, removal_effect, conversion_probability, journeys_in_training})
 */
public record ModelResult(Dataset<Row> credits, Optional<Dataset<Row>> weights) {

  public static ModelResult creditsOnly(Dataset<Row> credits) {
    return new ModelResult(credits, Optional.empty());
  }
}
