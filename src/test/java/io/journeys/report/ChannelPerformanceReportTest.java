package io.journeys.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ChannelPerformanceReportTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void perDayAndChannelSessionsDistinctVisitorsAndTheConversionsOfThatDaysSessionsWithMacroValueOnly() {
    // 03-01: v1 has two Paid Search sessions, v2 one; v3 one Direct session. 03-02: one session
    // without a channel (a row stored without one), and a conversion in a channel with no session
    // that day (its session began the day before).
    Dataset<Row> sessions = spark.sql("SELECT * FROM VALUES"
        + " (DATE'2026-03-01', 'Paid Search', 'v1'), (DATE'2026-03-01', 'Paid Search', 'v1'),"
        + " (DATE'2026-03-01', 'Paid Search', 'v2'), (DATE'2026-03-01', 'Direct', 'v3'),"
        + " (DATE'2026-03-02', CAST(NULL AS STRING), 'v4')"
        + " AS s(session_date, channel, visitor_key)");
    Dataset<Row> conversions = spark.sql("SELECT * FROM VALUES"
        + " (DATE'2026-03-01', 'Paid Search', 'micro', CAST(NULL AS DOUBLE)),"
        + " (DATE'2026-03-01', 'Paid Search', 'micro', CAST(NULL AS DOUBLE)),"
        + " (DATE'2026-03-01', 'Paid Search', 'macro', 40.0D), (DATE'2026-03-01', 'Paid Search', 'macro', 2.5D),"
        + " (DATE'2026-03-01', 'Direct', 'micro', 9.0D),"
        + " (DATE'2026-03-02', 'Direct', 'macro', 10.0D), (DATE'2026-03-02', CAST(NULL AS STRING), 'micro', CAST(NULL AS DOUBLE))"
        + " AS c(event_date, channel, kind, value)");

    List<String> rows = ChannelPerformanceReport.performance(sessions, conversions, "Unattributed")
        .selectExpr("concat_ws(' ', date, channel, sessions, visitors, micro_conversions, macro_conversions, value)")
        .as(Encoders.STRING()).collectAsList();

    assertThat(rows).containsExactlyInAnyOrder(
        "2026-03-01 Paid Search 3 2 2 2 42.5",
        "2026-03-01 Direct 1 1 1 0 0.0", // a micro conversion's value is not the channel's value
        "2026-03-02 Unattributed 1 1 1 0 0.0",
        "2026-03-02 Direct 0 0 0 1 10.0");
  }
}
