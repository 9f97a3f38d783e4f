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
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import io.journeys.Columns;
import io.journeys.config.JobSettings.AttributionSettings;
import io.journeys.spark.OrderFreeSums;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Runs the enabled models over the converting journeys and aggregates their credits into the
 * {@code attribution} table's rows: per conversion date, macro conversion, touchpoint and model,
 * the credited conversions and value. A conversion without touchpoints credits {@code (none)}
 * under every model. One union and one aggregation for all models; the rule-based models in one
 * pass ({@link HeuristicCredits}).
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
    if (models.isEmpty()) {
      throw new IllegalStateException("Cannot attribute: attribution.models is empty");
    }
    Dataset<Row> converting = journeys.filter(col(CONVERTED));
    Dataset<Row> withTouchpoints = converting.filter(size(col(TOUCHPOINTS)).gt(0));
    // The union below runs as one stage whose every task deserializes all of its children: the
    // rule-based models share one child, and the journeys without touchpoints are read once for
    // every model.
    Column names = array(models.stream().map(model -> lit(model.name())).toArray(Column[]::new));
    Dataset<Row> credits =
        converting.filter(size(col(TOUCHPOINTS)).equalTo(0))
            .select(col(JOURNEY_ID), col(CLOSE_DATE), col(MACRO_CONVERSION), lit(Columns.NO_TOUCHPOINT).as(TOUCHPOINT),
                lit(1.0).as("credit"), col(VALUE), explode(names).as(MODEL));
    List<HeuristicModel> heuristic = new ArrayList<>();
    List<Dataset<Row>> weights = new ArrayList<>();
    List<Dataset<Row>> persisted = new ArrayList<>();
    for (AttributionModel model : models) {
      if (model instanceof HeuristicModel rule) {
        heuristic.add(rule);
        continue;
      }
      ModelResult result = model.attribute(withTouchpoints, trainingPaths, dates, settings);
      credits = credits.unionByName(
          result.credits().select(col(JOURNEY_ID), col(CLOSE_DATE), col(MACRO_CONVERSION), col(TOUCHPOINT),
              col("credit"), col(VALUE), lit(model.name()).as(MODEL)));
      result.weights().ifPresent(weights::add);
      persisted.addAll(result.persisted());
    }
    if (!heuristic.isEmpty()) {
      credits = credits.unionByName(HeuristicCredits.credits(withTouchpoints, heuristic, HeuristicModel.Parameters.of(settings)));
    }
    Dataset<Row> attribution =
        credits
            .groupBy(col(CLOSE_DATE).as(CONVERSION_DATE), col(MACRO_CONVERSION), col(TOUCHPOINT), col(MODEL))
            .agg(OrderFreeSums.sum(col("credit")).as(CREDITED_CONVERSIONS),
                OrderFreeSums.sum(col("credit").multiply(coalesce(col(VALUE), lit(0.0)))).as(CREDITED_VALUE));
    return new Output(attribution, weights.stream().reduce(Dataset::unionByName), persisted);
  }
}
