package io.journeys.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaPathsTest {
  @Test
  void thePartitionDatesAreTheEarliestAndLatestDateDirectoriesOfTheColumn(@TempDir Path dir) throws Exception {
    Path table = dir.resolve("run_metrics");
    Files.createDirectories(table.resolve("_delta_log"));
    Files.createDirectories(table.resolve("date=2026-03-01"));
    Files.createDirectories(table.resolve("date=2026-03-10"));
    Files.createDirectories(table.resolve("date=2026-02-28"));
    // Not dates of the column: another column, a name that is no date, and a file.
    Files.createDirectories(table.resolve("close_date=2026-05-01"));
    Files.createDirectories(table.resolve("date=__HIVE_DEFAULT_PARTITION__"));
    Files.writeString(table.resolve("date=2026-04-01"), "not a directory");
    assertThat(DeltaPaths.partitionDates(TestSpark.session(), table.toString(), "date"))
        .contains(new DeltaPaths.DateSpan(LocalDate.parse("2026-02-28"), LocalDate.parse("2026-03-10")));
  }

  @Test
  void aTableWithoutDateDirectoriesOrNoTableHasNone(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("empty").resolve("_delta_log"));
    assertThat(DeltaPaths.partitionDates(TestSpark.session(), dir.resolve("empty").toString(), "date")).isEmpty();
    assertThat(DeltaPaths.partitionDates(TestSpark.session(), dir.resolve("missing").toString(), "date")).isEmpty();
  }
}
