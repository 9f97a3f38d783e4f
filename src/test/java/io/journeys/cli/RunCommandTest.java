package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {

  @Test
  void unreadableInputExitsOneWithOneLineNamingThePath(@TempDir Path dir) {
    JourneysCliTest.Result r = JourneysCliTest.run("run", "--date", "2026-01-01",
        "--set", "input.path=" + dir.resolve("missing"), "--set", "output.path=" + dir.resolve("out"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("journeys: Cannot read events: input.path").contains("missing").contains("does not exist");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void badDateIsAUsageError() {
    JourneysCliTest.Result r = JourneysCliTest.run("run", "--date", "2026-13-01");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--date");
  }

  @Test
  void generateThenSqlReadsTheTablesByName(@TempDir Path dir) {
    JourneysCliTest.Result g = JourneysCliTest.run("generate", "--out", dir.resolve("events").toString(),
        "--visitors", "50", "--days", "2", "--set", "spark.master=local[2]");
    assertThat(g.code()).as(g.err()).isZero();
    assertThat(g.out()).contains("generated").contains("50 visitors");
    JourneysCliTest.Result q = JourneysCliTest.run("sql", "SELECT 1 + 1 AS two", "--format", "csv",
        "--set", "output.path=" + dir.resolve("warehouse"), "--set", "output.database=cli_test");
    assertThat(q.code()).as(q.err()).isZero();
    assertThat(q.out()).isEqualTo("two\n2\n");
  }
}
