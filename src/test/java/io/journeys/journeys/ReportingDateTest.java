package io.journeys.journeys;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ReportingDateTest {
  private final SparkSession spark = TestSpark.session();

  /** Instants on both sides of midnight in UTC and in the zones below, and across a DST change. */
  private static final List<String> INSTANTS = List.of("2026-03-10T23:59:59.999999Z", "2026-03-11T00:00:00Z",
      "2026-03-11T07:59:59Z", "2026-03-11T08:00:00Z", "2026-03-28T23:30:00Z", "2026-03-29T22:30:00Z",
      "1999-12-31T23:00:00Z");

  @Test
  void aDateIsTheInstantsDayInTheZoneForUtcSpellingsAndOtherZones() {
    for (String zoneName : List.of("UTC", "Etc/UTC", "GMT", "Z", "+00:00", "Europe/Paris", "America/Los_Angeles")) {
      ZoneId zone = ZoneId.of(zoneName);
      List<Row> rows = spark.sql(values())
          .select(col("n"), ReportingDate.of(col("t"), zone).as("d"))
          .orderBy("n").collectAsList();
      List<LocalDate> got = new ArrayList<>();
      rows.forEach(r -> got.add(r.getDate(1).toLocalDate()));
      // Expected independently, by java.time.
      List<LocalDate> expected = INSTANTS.stream().map(i -> Instant.parse(i).atZone(zone).toLocalDate()).toList();
      assertThat(got).as("zone %s", zoneName).isEqualTo(expected);
    }
  }

  @Test
  void nullStaysNull() {
    Row row = spark.sql("SELECT CAST(NULL AS TIMESTAMP) AS t")
        .select(ReportingDate.of(col("t"), ZoneId.of("UTC")), ReportingDate.of(col("t"), ZoneId.of("Europe/Paris")))
        .first();
    assertThat(row.isNullAt(0)).isTrue();
    assertThat(row.isNullAt(1)).isTrue();
  }

  @Test
  void aDayStartsAtItsMidnightOrWhereAClockChangeSkipsItAtTheFirstInstantAfter() {
    // By hand: New York on 2026-03-08 is still on EST (-05:00) at midnight, the change is at 02:00;
    // Santiago skips 00:00-01:00 on 2026-09-06, so that day starts at 01:00 -03:00.
    assertThat(ReportingDate.startMicros(LocalDate.of(2026, 3, 8), ZoneId.of("America/New_York")))
        .isEqualTo(Instant.parse("2026-03-08T05:00:00Z").getEpochSecond() * 1_000_000L);
    assertThat(ReportingDate.startMicros(LocalDate.of(2026, 9, 6), ZoneId.of("America/Santiago")))
        .isEqualTo(Instant.parse("2026-09-06T04:00:00Z").getEpochSecond() * 1_000_000L);
    // And where the SQL side says the day before ends.
    for (String zoneName : List.of("UTC", "America/New_York", "America/Santiago", "Asia/Kolkata")) {
      ZoneId zone = ZoneId.of(zoneName);
      for (LocalDate day : List.of(LocalDate.of(2026, 3, 8), LocalDate.of(2026, 9, 6), LocalDate.of(2026, 11, 1))) {
        long sql = spark.sql("SELECT DATE'" + day.minusDays(1) + "' AS d")
            .select(org.apache.spark.sql.functions.unix_micros(ReportingDate.endOf(col("d"), zone)))
            .first().getLong(0);
        assertThat(ReportingDate.startMicros(day, zone)).as("%s in %s", day, zoneName).isEqualTo(sql);
      }
    }
  }

  private static String values() {
    StringBuilder sql = new StringBuilder("SELECT * FROM VALUES ");
    for (int i = 0; i < INSTANTS.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("(").append(i).append(", TIMESTAMP'")
          .append(INSTANTS.get(i).replace("T", " ").replace("Z", "")).append("')");
    }
    return sql.append(" AS t(n, t)").toString();
  }
}
