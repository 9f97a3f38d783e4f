package io.journeys.report;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.CONVERSIONS;
import static io.journeys.Columns.CONVERTED;
import static io.journeys.Columns.MACRO_CONVERSION;
import static io.journeys.Columns.NON_CONVERSIONS;
import static io.journeys.Columns.PATH;
import static io.journeys.Columns.TOUCHPOINTS;
import static io.journeys.Columns.VALUE;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.journeys.Columns;
import io.journeys.config.JobSettings.PathTransform;
import io.journeys.spark.OrderFreeSums;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code paths} table: journeys counted by transformed path, per close date and macro
 * conversion; non-converting journeys are counted under macro_conversion {@code (none)}, so the
 * paths of the visitors who did not convert stay queryable beside those who did.
 *
 * <p>Transforms ({@code paths.transform}), as Google's fractribution names them: exposure
 * collapses consecutive repeats; unique keeps the path as it is (so does none); first keeps the
 * first occurrence of each touchpoint; frequency lists the distinct touchpoints in order of first
 * occurrence with their counts, {@code a(2) > b(1)}. A journey without touchpoints has path
 * {@code (none)}.
 */
public final class PathsReport {
  private PathsReport() {}

  public static Column transformed(Column touchpoints, PathTransform transform) {
    return switch (transform) {
      case EXPOSURE -> filter(touchpoints, (x, i) -> i.equalTo(0).or(x.notEqual(element_at(touchpoints, i))));
      case UNIQUE, NONE -> touchpoints;
      case FIRST -> array_distinct(touchpoints);
      case FREQUENCY -> transform(array_distinct(touchpoints),
          x -> concat(x, lit("("), size(filter(touchpoints, y -> y.equalTo(x))).cast("string"), lit(")")));
    };
  }

  public static Dataset<Row> paths(Dataset<Row> journeys, PathTransform transform) {
    Column path = transformed(col(TOUCHPOINTS), transform);
    return journeys
        .withColumn(PATH, when(size(path).gt(0), array_join(path, Columns.PATH_SEPARATOR)).otherwise(lit(Columns.NO_TOUCHPOINT)))
        .groupBy(col(CLOSE_DATE), coalesce(col(MACRO_CONVERSION), lit(Columns.NO_TOUCHPOINT)).as(MACRO_CONVERSION), col(PATH))
        .agg(count_if(col(CONVERTED)).as(CONVERSIONS), count_if(not(col(CONVERTED))).as(NON_CONVERSIONS),
            coalesce(OrderFreeSums.sum(when(col(CONVERTED), col(VALUE))), lit(0.0)).as(VALUE));
  }
}
