package io.journeys.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFileOutputTest {

  @Test
  void writesToAFilesystemUriAndReplacesTheFileThere(@TempDir Path dir) throws Exception {
    // A URI went through java.nio as the relative directory "file:/…" (s3a:/… alike) before.
    Path target = dir.resolve("reports").resolve("daily").resolve("report-2026-01-01.html");
    String written = TextFileOutput.write(TestSpark.session(), target.toUri().toString(), "<p>é first</p>");
    assertThat(Files.readString(target)).isEqualTo("<p>é first</p>");
    assertThat(written).isEqualTo("file:" + target);
    // A path without a scheme is the local disk's, whatever fs.defaultFS says (HDFS on an edge node).
    var hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
    String defaultFs = hadoop.get("fs.defaultFS");
    hadoop.set("fs.defaultFS", "hdfs://127.0.0.1:1");
    try {
      assertThat(TextFileOutput.write(TestSpark.session(), target.toString(), "second")).isEqualTo("file:" + target);
    } finally {
      hadoop.set("fs.defaultFS", defaultFs);
    }
    assertThat(Files.readString(target)).isEqualTo("second");
    assertThat(Path.of("file:")).doesNotExist();
    try (var files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);  // no .crc beside it
    }
  }
}
