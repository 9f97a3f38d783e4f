package io.journeys.io;

import static org.assertj.core.api.Assertions.assertThat;

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
  void aPathWithASchemeIsKeptAsWritten() {
    assertThat(new TableLocations("s3a://bucket/my wh/", "db").path(OutputTable.JOURNEYS)).isEqualTo("s3a://bucket/my wh/journeys");
    assertThat(new TableLocations("file:/tmp/wh", "db").root()).isEqualTo("file:/tmp/wh");
  }
}
