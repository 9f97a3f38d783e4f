package io.journeys.report;

import static io.journeys.Columns.CONVERSION_RATE;
import static io.journeys.Columns.LIFT;
import static io.journeys.Columns.MEDIAN_DAYS_TO_CONVERT;
import static io.journeys.Columns.MICRO_CONVERSION;
import static io.journeys.Columns.VISITORS;
import static org.apache.spark.sql.functions.col;

import io.journeys.config.JobSettings.TouchpointKind;
import io.journeys.io.OutputTable;
import io.journeys.io.TableLocations;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One self-contained HTML page for a date range: conversions and rate, attribution by model (an
 * inline SVG bar chart), micro conversion lift, top paths, funnel drop-off, channels, and the run's
 * data-quality figures. No network: CSS and SVG are inline and there is no external script. Only
 * small aggregates (top-N) reach the driver; every text is HTML-escaped.
 */
public final class HtmlReport {
  private static final Logger LOG = LoggerFactory.getLogger(HtmlReport.class);
  private final SparkSession spark;
  private final TableLocations locations;
  private final TouchpointKind touchpoint;

  /** @param touchpoint what the journeys' touchpoints are (attribution.touchpoint), for the labels */
  public HtmlReport(SparkSession spark, TableLocations locations, TouchpointKind touchpoint) {
    this.spark = spark;
    this.locations = locations;
    this.touchpoint = touchpoint;
  }

  public String render(LocalDate from, LocalDate to) {
    String range = " BETWEEN DATE'" + from + "' AND DATE'" + to + "'";
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Conversion journeys ")
        .append(from).append(" .. ").append(to).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}")
        .append("h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}")
        .append("table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .7em;border-bottom:1px solid #eee;text-align:right}")
        .append("td:first-child,th:first-child{text-align:left}.kpi{display:inline-block;margin-right:2em}")
        .append(".kpi b{display:block;font-size:1.8em}.bar{fill:#3b7dd8}.bar2{fill:#e8913a}svg text{font-size:12px}")
        .append("</style></head><body>");
    html.append("<h1>Conversion journeys, ").append(from).append(" .. ").append(to).append("</h1>");

    List<Row> quality = spark.sql("SELECT date, rows_read, rows_valid, rows_quarantined, rows_duplicate FROM "
        + table(OutputTable.RUN_METRICS) + " WHERE date" + range + " ORDER BY date").collectAsList();
    Set<LocalDate> run = new HashSet<>();
    for (Row r : quality) {
      run.add(LocalDate.parse(String.valueOf(r.get(0))));
    }
    List<LocalDate> notRun = from.datesUntil(to.plusDays(1)).filter(d -> !run.contains(d)).toList();
    if (!notRun.isEmpty()) {
      // A date no run processed has no rows, as a quiet day has none: said, so that its zeros are
      // not read as a quiet day's (a black-box test).
      String which = notRun(notRun, to.toEpochDay() - from.toEpochDay() + 1);
      LOG.warn("Report of {} .. {}: no run processed {} (no row in run_metrics): their figures are missing, not zero",
          from, to, which);
      html.append("<p><b>Not run:</b> no run processed ").append(escape(which))
          .append(" (no row in run_metrics): their figures below are missing, not zero.</p>");
    }

    Row totals = spark.sql("SELECT count(*), count_if(converted), coalesce(sum(value), 0) FROM "
        + table(OutputTable.JOURNEYS) + " WHERE close_date" + range).first();
    long journeys = totals.getLong(0);
    long conversions = totals.getLong(1);
    html.append("<div>");
    kpi(html, "journeys closed", Long.toString(journeys));
    kpi(html, "conversions", Long.toString(conversions));
    kpi(html, "conversion rate", journeys == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100.0 * conversions / journeys));
    kpi(html, "value", String.format(Locale.ROOT, "%.2f", totals.getDouble(2)));
    html.append("</div>");

    html.append("<h2>Attribution by model</h2>");
    List<Row> attribution = spark.sql("SELECT model, touchpoint, sum(credited_conversions) AS c FROM "
        + table(OutputTable.ATTRIBUTION) + " WHERE conversion_date" + range
        + " GROUP BY model, touchpoint ORDER BY model, c DESC").collectAsList();
    String currentModel = null;
    List<Row> bars = new java.util.ArrayList<>();
    for (Row r : attribution) {
      if (!r.getString(0).equals(currentModel)) {
        if (currentModel != null) {
          barChart(html, currentModel, bars);
        }
        currentModel = r.getString(0);
        bars = new java.util.ArrayList<>();
      }
      bars.add(r);
    }
    if (currentModel != null) {
      barChart(html, currentModel, bars);
    }

    // Under attribution.touchpoint = channel the journeys' touchpoints, and so these rows, are channels.
    boolean channels = touchpoint == TouchpointKind.CHANNEL;
    html.append(channels ? "<h2>Channels as touchpoints: lift</h2>" : "<h2>Micro conversions: lift</h2>");
    // The range's own lift and median, from its journeys: its days' rows could only give a mean of
    // lifts and a median of medians, which a black-box test found unlike the journeys shown.
    table(html, MicroConversionPerformanceReport.overall(spark.sql("SELECT touchpoints, converted, days_to_convert FROM "
            + table(OutputTable.JOURNEYS) + " WHERE close_date" + range))
        .orderBy(col(LIFT).desc_nulls_last(), col(MICRO_CONVERSION))
        .select(col(MICRO_CONVERSION), col(VISITORS), fixed(col(CONVERSION_RATE), 4), fixed(col(LIFT), 2),
            fixed(col(MEDIAN_DAYS_TO_CONVERT), 2))
        .collectAsList(),
        channels ? "channel" : "micro conversion", "journeys", "conversion rate (fraction)", "lift", "median days to convert");

    html.append("<h2>Top paths</h2>");
    table(html, spark.sql("SELECT path, sum(conversions) AS c, sum(non_conversions) AS n, CAST(sum(value) AS DECIMAL(38, 2)) FROM "
        + table(OutputTable.PATHS) + " WHERE close_date" + range + " GROUP BY path ORDER BY c DESC, n DESC LIMIT 15")
        .collectAsList(), "path", "conversions", "non-conversions", "value");

    html.append("<h2>Funnels</h2>");
    // The rates are those of the summed visitors beside them, as the table defines them per day (1 at
    // step 1, null after a step of 0): the mean of the days' rates, a quiet day's 0 counting as much
    // as a busy one's, could not be worked out from the counts shown (a black-box test).
    table(html, spark.sql("SELECT funnel, step, step_name, visitors,"
        + " CAST(try_divide(visitors, coalesce(lag(visitors) OVER w, visitors)) AS DECIMAL(38, 4)),"
        + " CAST(try_divide(visitors, first_value(visitors) OVER w) AS DECIMAL(38, 4))"
        + " FROM (SELECT funnel, step, step_name, sum(visitors) AS visitors FROM " + table(OutputTable.FUNNELS)
        + " WHERE date" + range + " GROUP BY funnel, step, step_name)"
        + " WINDOW w AS (PARTITION BY funnel ORDER BY step) ORDER BY funnel, step").collectAsList(),
        "funnel", "step", "step name", "visitors (sum over days)", "rate from previous", "rate from start");

    html.append("<h2>Channels</h2>");
    table(html, spark.sql("SELECT channel, sum(sessions), sum(visitors), sum(micro_conversions), sum(macro_conversions),"
        + " CAST(sum(value) AS DECIMAL(38, 2)) FROM " + table(OutputTable.CHANNEL_PERFORMANCE) + " WHERE date" + range
        + " GROUP BY channel ORDER BY 2 DESC").collectAsList(),
        "channel", "sessions", "visitors (sum over days)", "micro conversions", "macro conversions", "value");

    html.append("<h2>Data quality</h2>");
    table(html, quality, "date", "rows read", "valid", "quarantined", "duplicate");
    html.append("<p>Generated by conversion-journeys.</p></body></html>\n");
    return html.toString();
  }

  /** The dates not run, in words: all of them, a few named, or how many and the first and last. */
  private static String notRun(List<LocalDate> dates, long days) {
    if (dates.size() == days) {
      return days == 1 ? "its date " + dates.get(0) : "any of its " + days + " dates";
    }
    if (dates.size() <= 5) {
      return (dates.size() == 1 ? "the date " : "the dates ")
          + String.join(", ", dates.stream().map(LocalDate::toString).toList());
    }
    return dates.size() + " of its " + days + " dates, from " + dates.get(0) + " to " + dates.get(dates.size() - 1);
  }

  /**
   * A figure rounded to a fixed number of decimals, as a decimal: a rounded double prints without
   * its trailing zeros (0.6 beside 0.07, a black-box test) and ten million as 1.0E7.
   */
  private static Column fixed(Column figure, int decimals) {
    return figure.cast(DataTypes.createDecimalType(38, decimals));
  }

  private String table(OutputTable table) {
    return "delta.`" + locations.path(table) + "`";
  }

  private static void kpi(StringBuilder html, String label, String value) {
    html.append("<span class=\"kpi\"><b>").append(escape(value)).append("</b>").append(escape(label)).append("</span>");
  }

  private static void barChart(StringBuilder html, String title, List<Row> bars) {
    double max = bars.stream().mapToDouble(r -> r.getDouble(2)).max().orElse(1.0);
    int rowHeight = 20;
    int height = bars.size() * rowHeight + 24;
    html.append("<h3>").append(escape(title)).append("</h3><svg class=\"chart\" width=\"720\" height=\"").append(height)
        .append("\" role=\"img\" aria-label=\"").append(escape(title)).append("\">");
    for (int i = 0; i < bars.size(); i++) {
      Row r = bars.get(i);
      double width = max <= 0 ? 0 : 480 * r.getDouble(2) / max;
      int y = i * rowHeight + 4;
      html.append(String.format(Locale.ROOT,
          "<text x=\"0\" y=\"%d\">%s</text><rect class=\"bar\" x=\"170\" y=\"%d\" width=\"%.1f\" height=\"14\"></rect>"
              + "<text x=\"%.1f\" y=\"%d\">%.2f</text>",
          y + 12, escape(r.getString(1)), y, width, 176 + width, y + 12, r.getDouble(2)));
    }
    html.append("</svg>");
  }

  private static void table(StringBuilder html, List<Row> rows, String... headers) {
    html.append("<table><tr>");
    for (String h : headers) {
      html.append("<th>").append(escape(h)).append("</th>");
    }
    html.append("</tr>");
    for (Row r : rows) {
      html.append("<tr>");
      for (int i = 0; i < r.length(); i++) {
        html.append("<td>").append(r.isNullAt(i) ? "" : escape(String.valueOf(r.get(i)))).append("</td>");
      }
      html.append("</tr>");
    }
    html.append("</table>");
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }
}
