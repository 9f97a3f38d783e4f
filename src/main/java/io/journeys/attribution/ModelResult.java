package io.journeys.attribution;

import java.util.List;
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
 * @param persisted datasets the model persisted because its credits and its weights both read
 *     them; the caller unpersists them once both are written
 */
public record ModelResult(Dataset<Row> credits, Optional<Dataset<Row>> weights, List<Dataset<Row>> persisted) {

  public ModelResult(Dataset<Row> credits, Optional<Dataset<Row>> weights) {
    this(credits, weights, List.of());
  }

  public static ModelResult creditsOnly(Dataset<Row> credits) {
    return new ModelResult(credits, Optional.empty());
  }
}
