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

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.ArraySeq;

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
    // Collapsed in a plain loop: as the array lambda of collapsed(), it cost a third of the
    // grouping of a month of training journeys.
    return journeys.filter(size(col(TOUCHPOINTS)).gt(0))
        .select(col(CLOSE_DATE), col(TOUCHPOINTS), col(CONVERTED))
        .map((MapFunction<Row, Row>) TrainingPaths::collapsedRow, Encoders.row(COLLAPSED))
        .groupBy(col(CLOSE_DATE), col(PATH))
        .agg(count_if(col(CONVERTED)).as(CONVERSIONS), count(lit(1)).as(JOURNEYS));
  }

  private static final StructType COLLAPSED =
      StructType.fromDDL("close_date DATE, path ARRAY<STRING>, converted BOOLEAN");

  private static Row collapsedRow(Row journey) {
    List<String> touchpoints = journey.getList(1);
    List<String> path = new ArrayList<>(touchpoints.size());
    for (int i = 0; i < touchpoints.size(); i++) {
      String touchpoint = touchpoints.get(i);
      String previous = i == 0 ? null : touchpoints.get(i - 1);
      // As collapsed()'s SQL: after the first, a touchpoint next to a null compares as null: dropped.
      if (i == 0 || (touchpoint != null && previous != null && !touchpoint.equals(previous))) {
        path.add(touchpoint);
      }
    }
    return RowFactory.create(journey.get(0), ArraySeq.unsafeWrapArray(path.toArray(String[]::new)), journey.get(2));
  }

  /** Consecutive repeats collapsed: a > a > b > a becomes a > b > a. */
  public static Column collapsed(Column touchpoints) {
    return filter(touchpoints, (x, i) -> i.equalTo(0).or(x.notEqual(element_at(touchpoints, i))));
  }
}
