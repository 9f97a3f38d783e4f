package io.journeys.report;

import static io.journeys.Columns.CONVERSION;
import static io.journeys.Columns.DATE;
import static io.journeys.Columns.EVENT_TIME;
import static io.journeys.Columns.FUNNEL;
import static io.journeys.Columns.RATE_FROM_PREVIOUS;
import static io.journeys.Columns.RATE_FROM_START;
import static io.journeys.Columns.STEP;
import static io.journeys.Columns.STEP_NAME;
import static io.journeys.Columns.VISITORS;
import static io.journeys.Columns.VISITOR_KEY;
import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.first_value;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;

import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.journeys.config.FunnelDefinition;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The {@code funnels} table. For each funnel, date D and visitor, the visitor's conversions in the
 * lookback window ending at the end of D are matched against the steps in order, greedily (the
 * earliest step 1, then the earliest step 2 after it, ...); {@code visitors} at step k counts the
 * visitors who reached step k that way. Rates are against the previous step and step 1. Each
 * visitor's conversions are gathered once for the whole range (bounded by lookback + range),
 * keeping only the funnel's step names.
 */
public final class FunnelReport {
  private FunnelReport() {}

  public static Dataset<Row> funnels(Dataset<Row> conversions, List<FunnelDefinition> funnels, LocalDate from,
      LocalDate to, Duration lookback) {
    Dataset<Row> result = null;
    for (FunnelDefinition funnel : funnels) {
      Dataset<Row> one = funnel(conversions, funnel, from, to, lookback);
      result = result == null ? one : result.unionByName(one);
    }
    return result == null
        ? conversions.sparkSession().createDataFrame(List.of(), io.journeys.io.OutputTable.FUNNELS.schema())
        : result;
  }

  private static Dataset<Row> funnel(Dataset<Row> conversions, FunnelDefinition funnel, LocalDate from, LocalDate to,
      Duration lookback) {
    List<String> steps = funnel.steps();
    long lookbackMicros = lookback.toNanos() / 1000;
    Column stepNames = org.apache.spark.sql.functions.array(steps.stream().map(org.apache.spark.sql.functions::lit).toArray(Column[]::new));
    Dataset<Row> perVisitor =
        conversions
            .filter(col(CONVERSION).isin((Object[]) steps.toArray(String[]::new)))
            .groupBy(col(VISITOR_KEY))
            .agg(array_sort(collect_list(struct(col(EVENT_TIME).as("t"), col(CONVERSION).as("c")))).as("events"));
    Column dayEndMicros = unix_micros(col(DATE).cast("timestamp")).plus(86_400_000_000L);
    Column inWindow = filter(col("events"), e -> unix_micros(e.getField("t")).lt(dayEndMicros)
        .and(unix_micros(e.getField("t")).geq(dayEndMicros.minus(lookbackMicros))));
    Column reached =
        aggregate(inWindow, lit(0), (acc, e) ->
            when(acc.lt(steps.size()).and(e.getField("c").equalTo(element_at(stepNames, acc.plus(1)))), acc.plus(1))
                .otherwise(acc));
    Dataset<Row> byVisitorDay =
        perVisitor
            .withColumn(DATE, explode(sequence(lit(java.sql.Date.valueOf(from)), lit(java.sql.Date.valueOf(to)))))
            .withColumn("reached", reached);
    List<Column> stepRows = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      stepRows.add(struct(lit(i + 1).as(STEP), lit(steps.get(i)).as(STEP_NAME)));
    }
    // Visitor-days that reached no step drop out at the step filter; a filter on reached > 0 first
    // would be pushed below the projection and match every visitor's events once more.
    Dataset<Row> counted =
        byVisitorDay
            .withColumn("s", explode(org.apache.spark.sql.functions.array(stepRows.toArray(Column[]::new))))
            .filter(col("reached").geq(col("s." + STEP)))
            .groupBy(col(DATE), col("s." + STEP).as(STEP), col("s." + STEP_NAME).as(STEP_NAME))
            .agg(count(lit(1)).as(VISITORS));
    var byStep = Window.partitionBy(DATE).orderBy(STEP);
    return counted
        .withColumn(FUNNEL, lit(funnel.name()))
        .withColumn(RATE_FROM_PREVIOUS,
            col(VISITORS).divide(org.apache.spark.sql.functions.lag(col(VISITORS), 1).over(byStep)))
        .withColumn(RATE_FROM_PREVIOUS, when(col(STEP).equalTo(1), lit(1.0)).otherwise(col(RATE_FROM_PREVIOUS)))
        .withColumn(RATE_FROM_START, col(VISITORS).divide(first_value(col(VISITORS)).over(byStep)));
  }

}
