package io.journeys.attribution;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.JOURNEY_ID;
import static io.journeys.Columns.MACRO_CONVERSION;
import static io.journeys.Columns.TOUCHPOINT;
import static io.journeys.Columns.TOUCHPOINTS;
import static io.journeys.Columns.VALUE;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import io.journeys.config.JobSettings.AttributionSettings;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A rule-based model: each journey's credits are an array aligned with its touchpoints, computed
 * with array functions inside the row (no shuffle, no window), then exploded.
 */
abstract class HeuristicModel implements AttributionModel {

  /** The credit array for a journey, given its touchpoints and times; sums to 1. */
  abstract Column credits(AttributionSettings settings);

  @Override
  public ModelResult attribute(
      Dataset<Row> converting, Dataset<Row> training, List<LocalDate> dates, AttributionSettings settings) {
    Dataset<Row> credited =
        converting
            .withColumn("credit_pairs", explode(transform(credits(settings),
                (credit, i) -> struct(element_at(col(TOUCHPOINTS), i.plus(1)).as("t"), credit.as("c")))))
            .select(
                col(JOURNEY_ID),
                col(CLOSE_DATE),
                col(MACRO_CONVERSION),
                col("credit_pairs.t").as(TOUCHPOINT),
                col("credit_pairs.c").as("credit"),
                col(VALUE))
            .filter(col("credit").notEqual(0.0));
    return ModelResult.creditsOnly(credited);
  }
}
