package io.journeys.pipeline;

import static io.journeys.Columns.CONVERSION_RATE;
import static io.journeys.Columns.LIFT;
import static io.journeys.Columns.MICRO_CONVERSION;
import static io.journeys.Columns.VISITORS;
import static org.apache.spark.sql.functions.col;

import io.journeys.config.JobSettings.TouchpointKind;
import io.journeys.io.OutputTable;
import io.journeys.io.TableLocations;
import io.journeys.report.MicroConversionPerformanceReport;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The short summary printed by {@code journeys run --summary} (README command 1): conversions and
 * conversion rate of the journeys closed in the range, the top touchpoints by attributed
 * conversions under each model, and the lift of each micro conversion. Small aggregates only.
 */
public final class RunSummary {
  private final SparkSession spark;
  private final TableLocations locations;
  private final TouchpointKind touchpoint;

  /** @param touchpoint what the journeys' touchpoints are (attribution.touchpoint), for the labels */
  public RunSummary(SparkSession spark, TableLocations locations, TouchpointKind touchpoint) {
    this.spark = spark;
    this.locations = locations;
    this.touchpoint = touchpoint;
  }

  public void print(LocalDate from, LocalDate to, PrintWriter out) {
    String range = "BETWEEN DATE'" + from + "' AND DATE'" + to + "'";
    Row totals = spark.sql(
        "SELECT count(*) AS journeys, count_if(converted) AS conversions, coalesce(sum(value), 0) AS value"
            + " FROM delta.`" + locations.path(OutputTable.JOURNEYS) + "` WHERE close_date " + range).first();
    long journeys = totals.getLong(0);
    long conversions = totals.getLong(1);
    out.printf("%nSummary %s .. %s%n", from, to);
    out.printf("  journeys closed: %d, converting: %d, conversion rate: %.2f%%, value: %.2f%n",
        journeys, conversions, journeys == 0 ? 0.0 : 100.0 * conversions / journeys, totals.getDouble(2));

    out.println("  top touchpoints by attributed conversions:");
    List<Row> top = spark.sql(
        "SELECT model, touchpoint, credited FROM (SELECT model, touchpoint, sum(credited_conversions) AS credited,"
            + " row_number() OVER (PARTITION BY model ORDER BY sum(credited_conversions) DESC, touchpoint) AS rank"
            + " FROM delta.`" + locations.path(OutputTable.ATTRIBUTION) + "` WHERE conversion_date " + range
            + " GROUP BY model, touchpoint) WHERE rank <= 3 ORDER BY model, rank").collectAsList();
    String model = null;
    StringBuilder line = new StringBuilder();
    for (Row row : top) {
      if (!row.getString(0).equals(model)) {
        if (model != null) {
          out.println(line);
        }
        model = row.getString(0);
        line = new StringBuilder(String.format("    %-20s", model));
      }
      line.append(String.format(" %s %.1f;", row.getString(1), row.getDouble(2)));
    }
    if (model != null) {
      out.println(line);
    }

    out.println("  " + (touchpoint == TouchpointKind.CHANNEL ? "channels as touchpoints" : "micro conversions")
        + " (journeys containing it, conversion rate, lift vs journeys without it):");
    List<Row> lift = MicroConversionPerformanceReport.overall(spark.sql(
            "SELECT touchpoints, converted, days_to_convert FROM delta.`" + locations.path(OutputTable.JOURNEYS)
                + "` WHERE close_date " + range))
        .orderBy(col(LIFT).desc_nulls_last(), col(MICRO_CONVERSION))
        .select(col(MICRO_CONVERSION), col(VISITORS), col(CONVERSION_RATE), col(LIFT))
        .collectAsList();
    for (Row row : lift) {
      out.printf("    %-20s %8d  %6.2f%%  lift %s%n", row.getString(0), row.getLong(1), 100 * row.getDouble(2),
          row.isNullAt(3) ? "n/a" : String.format("%.2f", row.getDouble(3)));
    }
  }
}
