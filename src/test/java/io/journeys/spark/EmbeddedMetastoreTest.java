package io.journeys.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeys.cli.JobFailure;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedMetastoreTest {
  @Test
  void theDirectoryIsTheEmbeddedDerbyDatabaseTheUrlNames() {
    Path here = Path.of(System.getProperty("user.dir"));
    assertThat(EmbeddedMetastore.derbyDirectory("jdbc:derby:;databaseName=data/metastore;create=true"))
        .contains(here.resolve("data/metastore"));
    assertThat(EmbeddedMetastore.derbyDirectory("jdbc:derby:/srv/hive/metastore_db;create=true"))
        .contains(Path.of("/srv/hive/metastore_db"));
    assertThat(EmbeddedMetastore.derbyDirectory("jdbc:derby:directory:/srv/db")).contains(Path.of("/srv/db"));
    // The databaseName attribute wins over the name in front of it.
    assertThat(EmbeddedMetastore.derbyDirectory("jdbc:derby:ignored;databaseName=/srv/real")).contains(Path.of("/srv/real"));
    for (String notEmbeddedOnDisk : List.of("jdbc:derby://metastore:1527/hive;create=true", "jdbc:derby:memory:db;create=true",
        "jdbc:postgresql://db/hive", "jdbc:derby:;create=true")) {
      assertThat(EmbeddedMetastore.derbyDirectory(notEmbeddedOnDisk)).as(notEmbeddedOnDisk).isEmpty();
    }
  }

  /** Boots the Derby database in args[0], says so, and keeps it until its stdin closes. */
  public static final class BootDerby {
    public static void main(String[] args) throws Exception {
      try (Connection c = DriverManager.getConnection("jdbc:derby:" + args[0] + ";create=true")) {
        System.out.println("booted");
        System.out.flush();
        System.in.read();
      }
    }
  }

  @Test
  void aMetastoreAnotherProcessHasBootedIsRefusedAndFreeOnceItEnds(@TempDir Path dir) throws Exception {
    Path db = dir.resolve("metastore");
    Map<String, String> conf = Map.of(EmbeddedMetastore.URL_KEY, "jdbc:derby:;databaseName=" + db + ";create=true");
    assertThatCode(() -> EmbeddedMetastore.requireFree(conf)).as("never booted").doesNotThrowAnyException();

    Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dderby.stream.error.file=" + dir.resolve("derby.log"), "-cp", System.getProperty("java.class.path"),
        BootDerby.class.getName(), db.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("booted");
      assertThatThrownBy(() -> EmbeddedMetastore.requireFree(conf))
          .isInstanceOf(JobFailure.class)
          .hasMessageContaining("the embedded Derby metastore " + db + " is in use by another process");
    } finally {
      other.getOutputStream().close();
      assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(db.resolve("dbex.lck")).as("Derby leaves its lock file behind").satisfies(p -> Files.exists(p));
    assertThatCode(() -> EmbeddedMetastore.requireFree(conf)).as("its process ended").doesNotThrowAnyException();
  }
}
