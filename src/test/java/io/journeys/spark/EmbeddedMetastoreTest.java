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
import java.sql.SQLException;
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
    // A name in front wins over the databaseName attribute, as in Derby (checked on 10.16: it opened
    // the first of jdbc:derby:/x/A;databaseName=/x/B;create=true).
    assertThat(EmbeddedMetastore.derbyDirectory("jdbc:derby:/srv/real;databaseName=/srv/ignored")).contains(Path.of("/srv/real"));
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
    assertThatCode(() -> EmbeddedMetastore.requireUsable(conf)).as("never booted").doesNotThrowAnyException();

    Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dderby.stream.error.file=" + dir.resolve("derby.log"), "-cp", System.getProperty("java.class.path"),
        BootDerby.class.getName(), db.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("booted");
      assertThatThrownBy(() -> EmbeddedMetastore.requireUsable(conf))
          .isInstanceOf(JobFailure.class)
          .hasMessageContaining("the embedded Derby metastore " + db + " is in use by another process");
    } finally {
      other.getOutputStream().close();
      assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(db.resolve("dbex.lck")).as("Derby leaves its lock file behind").satisfies(p -> Files.exists(p));
    assertThatCode(() -> EmbeddedMetastore.requireUsable(conf)).as("its process ended").doesNotThrowAnyException();
  }

  @Test
  void aDirectoryWithoutADatabaseIsRefusedWhereDerbyWouldRefuseToCreateOne(@TempDir Path dir) throws Exception {
    // What a checkout held: the metastore's directory with only tmp/ in it.
    Path leftover = dir.resolve("leftover");
    Files.createDirectories(leftover.resolve("tmp"));
    Map<String, String> conf = Map.of(EmbeddedMetastore.URL_KEY, "jdbc:derby:;databaseName=" + leftover + ";create=true");
    assertThatThrownBy(() -> EmbeddedMetastore.requireUsable(conf))
        .isInstanceOf(JobFailure.class)
        .hasMessage("Cannot open the catalog: the embedded Derby metastore " + leftover + " is a directory without a"
            + " Derby database in it (no service.properties), where Derby will not create one: move it away, and the"
            + " next run or sql creates the metastore and registers the tables found under output.path");
    // Derby itself, asked to create the database there, refuses.
    assertThatThrownBy(() -> DriverManager.getConnection(conf.get(EmbeddedMetastore.URL_KEY)).close())
        .isInstanceOf(SQLException.class)
        .hasStackTraceContaining("XBM0J");

    // So is an empty directory, and Derby agrees.
    Path empty = Files.createDirectories(dir.resolve("empty"));
    String emptyUrl = "jdbc:derby:;databaseName=" + empty + ";create=true";
    assertThatThrownBy(() -> EmbeddedMetastore.requireUsable(Map.of(EmbeddedMetastore.URL_KEY, emptyUrl)))
        .hasMessageContaining(empty + " is a directory without a Derby database in it");
    assertThatThrownBy(() -> DriverManager.getConnection(emptyUrl).close()).hasStackTraceContaining("XBM0J");

    // Without create=true Derby creates nothing, and says itself that the database is not there;
    // restoring a backup replaces the directory.
    for (String url : List.of("jdbc:derby:" + leftover, "jdbc:derby:" + leftover + ";create=true;restoreFrom=/backups/ms")) {
      assertThatCode(() -> EmbeddedMetastore.requireUsable(Map.of(EmbeddedMetastore.URL_KEY, url))).as(url)
          .doesNotThrowAnyException();
    }
    // A database Derby was upgrading can hold its service.properties only as the backup it boots from.
    Path upgrading = Files.createDirectories(dir.resolve("upgrading"));
    Files.writeString(upgrading.resolve("service.propertiesold"), "");
    assertThatCode(() -> EmbeddedMetastore.requireUsable(
        Map.of(EmbeddedMetastore.URL_KEY, "jdbc:derby:" + upgrading + ";create=true"))).doesNotThrowAnyException();
  }

  @Test
  void aMissingDirectoryAndTheDatabaseDerbyMakesThereAreUsable(@TempDir Path dir) throws Exception {
    Path created = dir.resolve("missing");
    Map<String, String> conf = Map.of(EmbeddedMetastore.URL_KEY, "jdbc:derby:;databaseName=" + created + ";create=true");
    assertThatCode(() -> EmbeddedMetastore.requireUsable(conf)).as("missing").doesNotThrowAnyException();
    try {
      DriverManager.getConnection(conf.get(EmbeddedMetastore.URL_KEY)).close();
    } finally {
      // Shut down before the check below: closing a handle of dbex.lck in this JVM would release
      // Derby's own lock on it (see requireUsable).
      assertThatThrownBy(() -> DriverManager.getConnection("jdbc:derby:;databaseName=" + created + ";shutdown=true"))
          .as("Derby reports a database shut down as an exception").hasFieldOrPropertyWithValue("SQLState", "08006");
    }
    assertThat(created.resolve("service.properties")).satisfies(p -> Files.exists(p));
    assertThatCode(() -> EmbeddedMetastore.requireUsable(conf)).as("made").doesNotThrowAnyException();
  }
}
