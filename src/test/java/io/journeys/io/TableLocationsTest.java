package io.journeys.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableLocationsTest {
  @TempDir Path dir;

  @Test
  void aLocalPathIsAbsoluteAndUnencodedWithoutATrailingSlashEvenWhenItExists() throws Exception {
    Path existing = Files.createDirectories(dir.resolve("my entrepôt"));
    assertThat(new TableLocations(existing.toString(), "db").path(OutputTable.SESSIONS))
        .isEqualTo("file:" + existing + "/sessions");
    assertThat(new TableLocations(existing + "/", "db").root()).isEqualTo("file:" + existing);
    assertThat(new TableLocations("data/warehouse", "db").root())
        .isEqualTo("file:" + Path.of("data/warehouse").toAbsolutePath());
  }

  @Test
  void aLocalPathWithAPercentSignOrABarIsALocalPath() {
    // URI.create refused them: the run stopped on an IllegalArgumentException.
    assertThat(new TableLocations(dir.resolve("100% a|b").toString(), "db").root()).isEqualTo("file:" + dir + "/100% a|b");
  }

  /** Versions before 2026-12-07 wrote such a path's tables under its encoded name. */
  @Test
  void aPathWhoseTablesAnEarlierVersionWroteUnderItsEncodedNameSaysToMoveThem() throws Exception {
    Path plain = dir.resolve("old wh");
    Path encoded = Files.createDirectories(dir.resolve("old%20wh"));
    assertThatThrownBy(() -> new TableLocations(plain.toString(), "db"))
        .isInstanceOf(io.journeys.cli.JobFailure.class)
        .hasMessage("Cannot use output.path " + plain + ": it does not exist, but " + encoded
            + " does, where versions before 2026-12-07 wrote its tables: move " + encoded + " to " + plain);
    Files.createDirectories(plain);
    assertThat(new TableLocations(plain.toString(), "db").root()).as("once moved").isEqualTo("file:" + plain);
  }

  @Test
  void aPathWithASchemeIsKeptAsWritten() {
    assertThat(new TableLocations("s3a://bucket/my wh/", "db").path(OutputTable.JOURNEYS)).isEqualTo("s3a://bucket/my wh/journeys");
    assertThat(new TableLocations("file:/tmp/wh", "db").root()).isEqualTo("file:/tmp/wh");
  }
}
