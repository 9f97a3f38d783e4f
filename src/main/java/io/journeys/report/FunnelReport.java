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
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.first_value;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.journeys.config.FunnelDefinition;
import io.journeys.io.OutputTable;
import io.journeys.journeys.KeySegments;
import io.journeys.journeys.ReportingDate;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The {@code funnels} table. For each funnel, date D and visitor, the visitor's conversions in the
 * lookback window ending at the end of D are matched against the steps in order, greedily (the
 * earliest step 1, then the earliest step 2 after it, ...); {@code visitors} at step k counts the
 * visitors who reached step k that way, 0 included: every funnel has every step on every day.
 * Rates are against the previous step and step 1, null where that step has no visitor.
 *
 * <p>The conversions named in any funnel are shuffled once by visitor and sorted by time; one
 * walk over each visitor's ({@link FunnelCounter}) matches every funnel on every day of the range,
 * and only per-partition counts are aggregated. Day D ends at the midnight after D in
 * {@code reporting.timezone}, the zone that dates events.
 */
public final class FunnelReport {
  private FunnelReport() {}

  /** Days D in [from, to] end at midnight in {@code zone}, the zone that dates events. */
  public static Dataset<Row> funnels(Dataset<Row> conversions, List<FunnelDefinition> funnels, LocalDate from,
      LocalDate to, Duration lookback, ZoneId zone) {
    if (funnels.isEmpty()) {
      return conversions.sparkSession().createDataFrame(List.of(), OutputTable.FUNNELS.schema());
    }
    long[] dayEnds = from.datesUntil(to.plusDays(1))
        .mapToLong(d -> ReportingDate.startMicros(d.plusDays(1), zone))
        .toArray();
    Object[] stepNames = funnels.stream().flatMap(f -> f.steps().stream()).distinct().toArray();
    // A segmented input (KeySegments) counts each copy of a visitor on its own days only.
    boolean segmented = Arrays.asList(conversions.columns()).contains(KeySegments.SEG_FROM);
    Column firstDay = lit(java.sql.Date.valueOf(from));
    Dataset<Row> reached =
        conversions
            .filter(col(CONVERSION).isin(stepNames))
            .select(col(VISITOR_KEY), unix_micros(col(EVENT_TIME)).as("t"), col(CONVERSION),
                (segmented ? datediff(col(KeySegments.SEG_FROM), firstDay) : lit(0)).as("day_from"),
                (segmented ? datediff(col(KeySegments.SEG_TO), firstDay) : lit(dayEnds.length - 1)).as("day_to"))
            .repartition(col(VISITOR_KEY))
            .sortWithinPartitions(col(VISITOR_KEY), col("day_from"), col("t"), col(CONVERSION))
            .mapPartitions(new FunnelCounter(funnels, dayEnds, lookback.toNanos() / 1000), Encoders.row(FunnelCounter.COUNTS));
    Dataset<Row> counted = reached
        .unionByName(everyStep(conversions.sparkSession(), funnels, dayEnds.length))
        .groupBy(col(FUNNEL), col("day"), col(STEP), col(STEP_NAME))
        .agg(sum(col(VISITORS)).as(VISITORS))
        .withColumn(DATE, date_add(lit(java.sql.Date.valueOf(from)), col("day")))
        .drop("day");
    WindowSpec byStep = Window.partitionBy(FUNNEL, DATE).orderBy(STEP);
    Column previous = lag(col(VISITORS), 1).over(byStep);
    Column start = first_value(col(VISITORS)).over(byStep);
    return counted
        .withColumn(RATE_FROM_PREVIOUS, when(col(STEP).equalTo(1), when(col(VISITORS).gt(0), lit(1.0)))
            .otherwise(when(previous.gt(0), col(VISITORS).divide(previous))))
        .withColumn(RATE_FROM_START, when(start.gt(0), col(VISITORS).divide(start)));
  }

  /**
   * A zero count for every funnel, day and step: a BI funnel chart needs its empty steps and quiet
   * days as rows of 0, not as missing bars. Funnels × days × steps rows, whatever the events.
   */
  private static Dataset<Row> everyStep(SparkSession spark, List<FunnelDefinition> funnels, int days) {
    List<Row> zeros = new ArrayList<>();
    for (FunnelDefinition funnel : funnels) {
      for (int d = 0; d < days; d++) {
        for (int k = 0; k < funnel.steps().size(); k++) {
          zeros.add(RowFactory.create(funnel.name(), d, k + 1, funnel.steps().get(k), 0L));
        }
      }
    }
    return spark.createDataFrame(zeros, FunnelCounter.COUNTS);
  }
}
