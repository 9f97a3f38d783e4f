package io.journeys.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import io.journeys.config.JobSettings.TouchpointKind;
import io.journeys.io.DeltaTableWriter;
import io.journeys.io.OutputTable;
import io.journeys.io.TableLocations;
import io.journeys.report.RangeJourneys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSummaryTest {
  private final SparkSession spark = TestSpark.session();

  /**
   * The summary of a range gives its journeys' own lift, as the report does (figures of {@link
   * RangeJourneys}, worked out by hand); it gave the mean of the days' lifts (0.67 and 0.83 here).
   */
  @Test
  void aRangesSummaryGivesTheLiftOfItsJourneys(@TempDir Path dir) {
    TableLocations locations = new TableLocations(dir.toString(), "run_summary_test");
    DeltaTableWriter writer = new DeltaTableWriter(spark, locations);
    for (OutputTable table : OutputTable.values()) {
      writer.ensureTable(table);
    }
    writer.replaceDates(OutputTable.JOURNEYS, RangeJourneys.rows(spark),
        LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));
    StringWriter text = new StringWriter();

    new RunSummary(spark, locations, TouchpointKind.MICRO_CONVERSION)
        .print(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"), new PrintWriter(text));

    // 9 journeys, 6 converting (j1, j2, j5, j6, j8, j9), no value set.
    assertThat(text.toString())
        .contains("journeys closed: 9, converting: 6, conversion rate: 66.67%, value: 0.00")
        .contains("  micro conversions (journeys containing it, conversion rate, lift vs journeys without it):\n"
            + "    add_to_cart                 5   80.00%  lift 1.60\n"
            + "    signup                      4   50.00%  lift 0.63\n");
    // Journeys whose touchpoints are channels are labelled so (they were "micro conversions").
    StringWriter channels = new StringWriter();
    new RunSummary(spark, locations, TouchpointKind.CHANNEL)
        .print(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"), new PrintWriter(channels));
    assertThat(channels.toString()).contains("  channels as touchpoints (journeys containing it,").doesNotContain("micro conversions");
  }
}
