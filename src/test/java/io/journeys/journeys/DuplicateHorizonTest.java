package io.journeys.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which partitions a run must read for the copies that count against the rows it rewrites. */
class DuplicateHorizonTest {
  private static final LocalDate D = LocalDate.parse("2026-06-10");

  /**
   * Every valid row of every partition a run rewrites, by enumeration: partition P in [from −
   * late-days, to], the row's date in its zone from P − late-days (earlier arrived too late) to P
   * + readBack − late-days (later is future-dated: EventValidator). The first partition whose
   * copies count against any of them must be read, and with a late day or more the first one
   * read is exactly that partition, so a run reads no partition that no row needs.
   */
  @Test
  void theFirstPartitionReadHoldsEveryCopyCountedAgainstTheRewrittenRows() {
    for (ZoneId zone : List.of(ZoneOffset.UTC, ZoneId.of("America/New_York"), ZoneId.of("Asia/Tokyo"))) {
      for (int lateDays = 0; lateDays <= 3; lateDays++) {
        int readBack = lateDays + (ReportingDate.isUtc(zone) ? 1 : 2);
        // A daily run, a range, and a rerun of D after later runs (its last writer D + late-days).
        for (LocalDate[] run : List.of(new LocalDate[] {D, D, D}, new LocalDate[] {D.minusDays(4), D, D},
            new LocalDate[] {D, D, D.plusDays(lateDays)})) {
          LocalDate from = run[0];
          LocalDate to = run[1];
          // As Stage1Job builds it: readFrom one partition before the run's read-back.
          DuplicateHorizon horizon = new DuplicateHorizon(run[2], lateDays, readBack, zone, from.minusDays(readBack + 1));
          long needed = Long.MAX_VALUE;
          for (LocalDate partition = from.minusDays(lateDays); !partition.isAfter(to); partition = partition.plusDays(1)) {
            for (LocalDate date = partition.minusDays(lateDays); !date.isAfter(partition.plusDays(readBack - lateDays));
                date = date.plusDays(1)) {
              for (LocalTime time : List.of(LocalTime.MIDNIGHT, LocalTime.NOON, LocalTime.of(23, 59))) {
                long micros = date.atTime(time).atZone(zone).toInstant().toEpochMilli() * 1000;
                needed = Math.min(needed, horizon.firstCountedPartition(micros));
              }
            }
          }
          String what = zone + ", " + lateDays + " late days, run " + from + ".." + to + " written last by " + run[2];
          assertThat(horizon.firstRead().toEpochDay()).as(what).isLessThanOrEqualTo(needed);
          if (lateDays >= 1) {
            assertThat(horizon.firstRead().toEpochDay()).as(what).isEqualTo(needed);
          }
          assertThat(horizon.firstRead()).as(what).isBeforeOrEqualTo(horizon.readFrom());
        }
      }
    }
  }
  /**
   * run_metrics counts a copy as the daily run for its date + late-days (the horizon that run
   * builds, with its own last date) finds it, whatever run counts it: a daily run, a range, or a
   * run ending the day after a copy's partition (which sets aside a copy stored a day early that
   * its date's last writer keeps). And a copy so counted is one this run sets aside too.
   */
  @Test
  void aCopyIsCountedAsTheRunForItsDatePlusLateDaysFindsIt() {
    for (ZoneId zone : List.of(ZoneOffset.UTC, ZoneId.of("America/New_York"), ZoneId.of("Asia/Tokyo"))) {
      for (int lateDays = 0; lateDays <= 3; lateDays++) {
        int readBack = lateDays + (ReportingDate.isUtc(zone) ? 1 : 2);
        for (LocalDate last : List.of(D, D.plusDays(1), D.plusDays(5))) {
          DuplicateHorizon run = new DuplicateHorizon(last, lateDays, readBack, zone, D.minusDays(readBack + 1));
          for (LocalDate date = D.minusDays(lateDays); !date.isAfter(D.plusDays(1)); date = date.plusDays(1)) {
            LocalDate writer = date.plusDays(lateDays);
            DuplicateHorizon lastWriter = new DuplicateHorizon(writer, lateDays, readBack, zone, writer.minusDays(readBack + 1));
            for (LocalTime time : List.of(LocalTime.MIDNIGHT, LocalTime.NOON, LocalTime.of(23, 59))) {
              long micros = date.atTime(time).atZone(zone).toInstant().toEpochMilli() * 1000;
              for (int latest = (int) D.minusDays(8).toEpochDay(); latest <= D.plusDays(2).toEpochDay(); latest++) {
                String what = zone + ", " + lateDays + " late days, last date " + last + ", a copy at " + date + " " + time
                    + ", an earlier one in " + LocalDate.ofEpochDay(latest);
                boolean counted = run.duplicateForLastWriter(latest, micros);
                assertThat(counted).as(what).isEqualTo(latest >= lastWriter.firstCountedPartition(micros));
                if (counted) {
                  assertThat(latest).as(what).isGreaterThanOrEqualTo((int) run.firstCountedPartition(micros));
                }
              }
            }
          }
        }
      }
    }
  }
  /**
   * A rerun of D after runs up to a later date decides the rows it reads as the runs that last
   * wrote them did: a row of its rewritten dates as the run for that date + late-days (or the last
   * date run), a row dated after D, read for a session of D going on past midnight, as the run that
   * last continued that session: the one for D + late-days + 1, or the last date run before it. A
   * run moving forward is its own last writer.
   */
  @Test
  void aRerunDecidesTheRowsItReadsAsTheRunsThatLastWroteThem() {
    for (ZoneId zone : List.of(ZoneOffset.UTC, ZoneId.of("America/New_York"), ZoneId.of("Asia/Tokyo"))) {
      for (int lateDays = 0; lateDays <= 3; lateDays++) {
        int readBack = lateDays + (ReportingDate.isUtc(zone) ? 1 : 2);
        assertThat(DuplicateHorizon.lastDate(D, java.util.Optional.empty(), lateDays)).isEqualTo(D);
        assertThat(DuplicateHorizon.lastDate(D, java.util.Optional.of(D), lateDays)).isEqualTo(D);
        assertThat(DuplicateHorizon.lastDate(D, java.util.Optional.of(D.minusDays(3)), lateDays)).isEqualTo(D);
        for (int ahead = 1; ahead <= lateDays + 4; ahead++) {
          LocalDate lastRun = D.plusDays(ahead);
          DuplicateHorizon rerun = new DuplicateHorizon(DuplicateHorizon.lastDate(D, java.util.Optional.of(lastRun), lateDays),
              lateDays, readBack, zone, D.minusDays(readBack + 1));
          for (LocalDate date = D.minusDays(lateDays); !date.isAfter(D.plusDays(2)); date = date.plusDays(1)) {
            LocalDate writer = date.isAfter(D) ? D.plusDays(lateDays + 1) : date.plusDays(lateDays);
            writer = writer.isAfter(lastRun) ? lastRun : writer;
            DuplicateHorizon byWriter = new DuplicateHorizon(writer, lateDays, readBack, zone, writer.minusDays(readBack + 1));
            for (LocalTime time : List.of(LocalTime.MIDNIGHT, LocalTime.of(0, 30), LocalTime.NOON, LocalTime.of(23, 59))) {
              long micros = date.atTime(time).atZone(zone).toInstant().toEpochMilli() * 1000;
              assertThat(rerun.firstCountedPartition(micros))
                  .as(zone + ", " + lateDays + " late days, last run " + lastRun + ", a row at " + date + " " + time
                      + ", last written by the run for " + writer)
                  .isEqualTo(byWriter.firstCountedPartition(micros));
            }
          }
        }
      }
    }
  }

  /**
   * By hand, two late days, a run whose last date is 06-07: the copy's date in its zone, its last
   * writer (that date + 2) and the first partition that writer reads (3 days back in UTC, 4
   * elsewhere); an earlier copy there or later makes it a duplicate.
   */
  @Test
  void byHandACopyIsADuplicateOfCopiesFromItsLastWritersFirstPartitionOn() {
    LocalDate last = LocalDate.parse("2026-06-07");
    // UTC: 06-06 00:30, written last by 06-08, which reads from 06-05 (the run itself from 06-04).
    assertCountedFrom(ZoneOffset.UTC, 3, last, "2026-06-06T00:30:00Z", "2026-06-05");
    // Tokyo: 06-05 16:30 UTC is 06-06 01:30 there; 06-08 reads from 06-04.
    assertCountedFrom(ZoneId.of("Asia/Tokyo"), 4, last, "2026-06-05T16:30:00Z", "2026-06-04");
    // New York: 06-06 02:00 UTC is 06-05 22:00 there; 06-07 reads from 06-03.
    assertCountedFrom(ZoneId.of("America/New_York"), 4, last, "2026-06-06T02:00:00Z", "2026-06-03");
  }

  private static void assertCountedFrom(ZoneId zone, int readBack, LocalDate last, String instant, String first) {
    DuplicateHorizon run = new DuplicateHorizon(last, 2, readBack, zone, last.minusDays(readBack + 1));
    long micros = java.time.Instant.parse(instant).toEpochMilli() * 1000;
    int from = (int) LocalDate.parse(first).toEpochDay();
    assertThat(run.duplicateForLastWriter(from - 1, micros)).as(zone + " " + instant + ", a copy the day before " + first).isFalse();
    assertThat(run.duplicateForLastWriter(from, micros)).as(zone + " " + instant + ", a copy in " + first).isTrue();
  }
}
