package io.journeys.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import io.journeys.config.JobSettings.TouchpointKind;
import io.journeys.io.DeltaTableWriter;
import io.journeys.io.OutputTable;
import io.journeys.io.TableLocations;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  private final SparkSession spark = TestSpark.session();

  /**
   * A range's funnel rates are those of the visitors summed over its days, which the report shows
   * beside them. It showed the mean of the days' rates, which a reader could not work out from the
   * counts (a black-box test): here 0.75 and 0.25 from previous where the sums give 0.5455 and 0.0833.
   */
  @Test
  void aRangesFunnelRatesAreThoseOfItsSummedVisitors(@TempDir Path dir) {
    TableLocations locations = new TableLocations(dir.toString(), "html_report_test");
    DeltaTableWriter writer = tables(locations);
    // Day 1: 100, 50, 0 visitors; day 2: 10, 10, 5. Summed: 110, 60, 5.
    writer.replaceDates(OutputTable.FUNNELS, spark.sql("SELECT * FROM VALUES"
            + " (DATE'2026-03-01', 'buy', 1, 'viewed_pricing', 100L, 1.0D, 1.0D),"
            + " (DATE'2026-03-01', 'buy', 2, 'add_to_cart', 50L, 0.5D, 0.5D),"
            + " (DATE'2026-03-01', 'buy', 3, 'purchase', 0L, 0.0D, 0.0D),"
            + " (DATE'2026-03-02', 'buy', 1, 'viewed_pricing', 10L, 1.0D, 1.0D),"
            + " (DATE'2026-03-02', 'buy', 2, 'add_to_cart', 10L, 1.0D, 1.0D),"
            + " (DATE'2026-03-02', 'buy', 3, 'purchase', 5L, 0.5D, 0.5D)"
            + " AS t(date, funnel, step, step_name, visitors, rate_from_previous, rate_from_start)"),
        LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));
    // Ten million and more: a double would print as 1.2345678945E7.
    writer.replaceDates(OutputTable.PATHS, spark.sql("SELECT * FROM VALUES"
            + " (DATE'2026-03-01', 'purchase', 'add_to_cart', 3L, 1L, 12345678.9D),"
            + " (DATE'2026-03-02', 'purchase', 'add_to_cart', 1L, 0L, 0.0049D)"
            + " AS t(close_date, macro_conversion, path, conversions, non_conversions, value)"),
        LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));

    String html = new HtmlReport(spark, locations, TouchpointKind.MICRO_CONVERSION).render(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));

    // 60 / 110 = 0.54545… and 5 / 60 = 0.08333…, 5 / 110 = 0.04545…, to 4 places, trailing zeros kept.
    assertThat(html)
        .contains("<tr><td>add_to_cart</td><td>4</td><td>1</td><td>12345678.90</td></tr>")
        .contains("<tr><td>buy</td><td>1</td><td>viewed_pricing</td><td>110</td><td>1.0000</td><td>1.0000</td></tr>")
        .contains("<tr><td>buy</td><td>2</td><td>add_to_cart</td><td>60</td><td>0.5455</td><td>0.5455</td></tr>")
        .contains("<tr><td>buy</td><td>3</td><td>purchase</td><td>5</td><td>0.0833</td><td>0.0455</td></tr>");
  }

  /**
   * A range's micro conversion lift and median are those of its journeys: the days' rows could only
   * give the mean of their lifts and the median of their medians (a black-box test found the lift
   * unlike the journeys shown). Figures of {@link RangeJourneys}, worked out by hand.
   */
  @Test
  void aRangesMicroConversionLiftAndMedianAreThoseOfItsJourneys(@TempDir Path dir) {
    TableLocations locations = new TableLocations(dir.toString(), "html_report_test");
    tables(locations).replaceDates(OutputTable.JOURNEYS, RangeJourneys.rows(spark),
        LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));

    String html = new HtmlReport(spark, locations, TouchpointKind.MICRO_CONVERSION).render(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));

    // Ordered by lift; 0.625 rounds half up to 0.63; each column to its own number of places.
    assertThat(html).contains("<th>micro conversion</th><th>journeys</th><th>conversion rate (fraction)</th><th>lift</th>"
            + "<th>median days to convert</th></tr>"
            + "<tr><td>add_to_cart</td><td>5</td><td>0.8000</td><td>1.60</td><td>1.75</td></tr>"
            + "<tr><td>signup</td><td>4</td><td>0.5000</td><td>0.63</td><td>2.50</td></tr></table>");
    // The same rows from journeys whose touchpoints are channels are labelled so (they were "micro conversions").
    assertThat(new HtmlReport(spark, locations, TouchpointKind.CHANNEL).render(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02")))
        .contains("<h2>Channels as touchpoints: lift</h2>", "<th>channel</th><th>journeys</th>")
        .doesNotContain("Micro conversions: lift", "<th>micro conversion</th>");
  }

  /**
   * Dates no run processed have no rows, as quiet days have none: a report of them showed zeros
   * alone (a black-box test). run_metrics, which has a row for each date a run processed, tells.
   */
  @Test
  void aReportSaysWhichOfItsDatesNoRunProcessed(@TempDir Path dir) {
    TableLocations locations = new TableLocations(dir.toString(), "html_report_test");
    tables(locations).replaceDates(OutputTable.RUN_METRICS, spark.sql("SELECT date, 'r1' AS run_id,"
            + " TIMESTAMP'2026-03-04 00:00:00' AS started_at, 0L AS rows_read, 0L AS rows_valid, 0L AS rows_quarantined,"
            + " 0L AS rows_duplicate, map('x', 0L) AS quarantined_by_reason, map('x', 0L) AS rows_written,"
            + " map('x', 0.0D) AS stage_seconds FROM VALUES (DATE'2026-03-01'), (DATE'2026-03-03') AS t(date)"),
        LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-03"));
    HtmlReport report = new HtmlReport(spark, locations, TouchpointKind.MICRO_CONVERSION);
    String run = "<p><b>Not run:</b>";

    assertThat(report.render(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-01"))).doesNotContain(run);
    assertThat(report.render(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-03")))
        .contains(run + " no run processed the date 2026-03-02 (no row in run_metrics): their figures below are"
            + " missing, not zero.</p>");
    assertThat(report.render(LocalDate.parse("2026-02-27"), LocalDate.parse("2026-03-04")))
        .contains(run + " no run processed the dates 2026-02-27, 2026-02-28, 2026-03-02, 2026-03-04 (no row");
    assertThat(report.render(LocalDate.parse("2026-02-20"), LocalDate.parse("2026-03-03")))
        .contains(run + " no run processed 10 of its 12 dates, from 2026-02-20 to 2026-03-02 (no row");
    assertThat(report.render(LocalDate.parse("2026-04-01"), LocalDate.parse("2026-04-02")))
        .contains(run + " no run processed any of its 2 dates (no row");
    assertThat(report.render(LocalDate.parse("2026-04-01"), LocalDate.parse("2026-04-01")))
        .contains(run + " no run processed its date 2026-04-01 (no row");
  }

  private DeltaTableWriter tables(TableLocations locations) {
    DeltaTableWriter writer = new DeltaTableWriter(spark, locations);
    for (OutputTable table : OutputTable.values()) {
      writer.ensureTable(table);
    }
    return writer;
  }
}
