package io.journeys.attribution;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.CONVERSION_DATE;
import static io.journeys.Columns.CONVERTED;
import static io.journeys.Columns.CREDITED_CONVERSIONS;
import static io.journeys.Columns.CREDITED_VALUE;
import static io.journeys.Columns.JOURNEY_ID;
import static io.journeys.Columns.MACRO_CONVERSION;
import static io.journeys.Columns.MODEL;
import static io.journeys.Columns.TOUCHPOINT;
import static io.journeys.Columns.TOUCHPOINTS;
import static io.journeys.Columns.VALUE;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import io.journeys.Columns;
import io.journeys.config.JobSettings.AttributionSettings;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Runs the enabled models over the converting journeys and aggregates their credits into the
 * {@code attribution} table's rows: per conversion date, macro conversion, touchpoint and model,
 * the credited conversions and value. A conversion without touchpoints credits {@code (none)}
 * under every model. One union and one aggregation for all models.
 */
public final class Attribution {
  private final List<AttributionModel> models;
  private final AttributionSettings settings;

  public Attribution(List<AttributionModel> models, AttributionSettings settings) {
    this.models = models;
    this.settings = settings;
  }

  /** The two tables' rows; {@link #release()} once both are written. */
  public record Output(Dataset<Row> attribution, Optional<Dataset<Row>> weights, List<Dataset<Row>> persisted) {
    public void release() {
      persisted.forEach(Dataset::unpersist);
    }
  }

  /**
   * @param journeys journeys closed on {@code dates}
   * @param trainingPaths the {@link TrainingPaths} of the journeys closed in the training windows
   *     of {@code dates}
   */
  public Output attribute(Dataset<Row> journeys, Dataset<Row> trainingPaths, List<LocalDate> dates) {
    Dataset<Row> converting = journeys.filter(col(CONVERTED));
    Dataset<Row> withTouchpoints = converting.filter(size(col(TOUCHPOINTS)).gt(0));
    Dataset<Row> without =
        converting.filter(size(col(TOUCHPOINTS)).equalTo(0))
            .select(col(JOURNEY_ID), col(CLOSE_DATE), col(MACRO_CONVERSION), lit(Columns.NO_TOUCHPOINT).as(TOUCHPOINT),
                lit(1.0).as("credit"), col(VALUE));
    Dataset<Row> credits = null;
    List<Dataset<Row>> weights = new ArrayList<>();
    List<Dataset<Row>> persisted = new ArrayList<>();
    for (AttributionModel model : models) {
      ModelResult result = model.attribute(withTouchpoints, trainingPaths, dates, settings);
      Dataset<Row> modelCredits =
          result.credits().select(JOURNEY_ID, CLOSE_DATE, MACRO_CONVERSION, TOUCHPOINT, "credit", VALUE)
              .unionByName(without)
              .withColumn(MODEL, lit(model.name()));
      credits = credits == null ? modelCredits : credits.unionByName(modelCredits);
      result.weights().ifPresent(weights::add);
      persisted.addAll(result.persisted());
    }
    if (credits == null) {
      throw new IllegalStateException("Cannot attribute: attribution.models is empty");
    }
    Dataset<Row> attribution =
        credits
            .groupBy(col(CLOSE_DATE).as(CONVERSION_DATE), col(MACRO_CONVERSION), col(TOUCHPOINT), col(MODEL))
            .agg(sum(col("credit")).as(CREDITED_CONVERSIONS),
                sum(col("credit").multiply(coalesce(col(VALUE), lit(0.0)))).as(CREDITED_VALUE));
    return new Output(attribution, weights.stream().reduce(Dataset::unionByName), persisted);
  }
}
