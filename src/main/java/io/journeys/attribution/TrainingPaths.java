package io.journeys.attribution;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.CONVERTED;
import static io.journeys.Columns.TOUCHPOINTS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the data-driven models learn from: the training journeys with at least one touchpoint,
 * counted per close date and exposure path (consecutive repeats collapsed), as {@code close_date
 * DATE, path ARRAY<STRING>, conversions BIGINT, journeys BIGINT}. Markov transitions, Shapley's
 * touchpoint sets and fractribution's paths all follow from the exposure path, so the training
 * journeys are read and grouped once for every model, into far fewer rows than journeys.
 */
public final class TrainingPaths {
  public static final String PATH = "path";
  public static final String CONVERSIONS = "conversions";
  public static final String JOURNEYS = "journeys";

  private TrainingPaths() {}

  public static Dataset<Row> of(Dataset<Row> journeys) {
    return journeys.filter(size(col(TOUCHPOINTS)).gt(0))
        .groupBy(col(CLOSE_DATE), collapsed(col(TOUCHPOINTS)).as(PATH))
        .agg(count_if(col(CONVERTED)).as(CONVERSIONS), count(lit(1)).as(JOURNEYS));
  }

  /** Consecutive repeats collapsed: a > a > b > a becomes a > b > a. */
  public static Column collapsed(Column touchpoints) {
    return filter(touchpoints, (x, i) -> i.equalTo(0).or(x.notEqual(element_at(touchpoints, i))));
  }
}
