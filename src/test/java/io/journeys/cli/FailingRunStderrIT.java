package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §6: a failing run exits non-zero with one clear line on stderr. Checked on the whole of
 * stderr of a JVM started as {@code scripts/journeys} starts it, with the project's own log4j
 * configuration, so a warning from the JVM, Spark or a library that comes before the line fails it.
 */
class FailingRunStderrIT {
  @TempDir Path dir;

  @Test
  void aMissingInputPathGivesExactlyOneLine() throws Exception {
    Path missing = dir.resolve("no-such-events");
    String stderr = failingRun(1, "run", "--date", "2026-01-01",
        "--set", "spark.master=local[1]", "--set", "input.path=" + missing.toUri(),
        "--set", "output.path=" + dir.resolve("warehouse").toUri());
    assertThat(stderr.lines().toList())
        .containsExactly("journeys: Cannot read events: input.path " + missing.toUri() + " does not exist");
    assertThat(dir.resolve("warehouse")).as("nothing written").doesNotExist();
  }

  @Test
  void aMisspeltKeyGivesExactlyOneLine() throws Exception {
    String stderr = failingRun(1, "run", "--date", "2026-01-01", "--set", "sessions.timeot=10m");
    assertThat(stderr.lines().toList()).singleElement().asString()
        .startsWith("journeys: ").contains("'sessions.timeot'", "did you mean 'sessions.timeout'");
  }

  private String failingRun(int exitCode, String... args) throws Exception {
    String[] withConfig = new String[args.length + 2];
    System.arraycopy(args, 0, withConfig, 0, args.length);
    withConfig[args.length] = "--config";
    withConfig[args.length + 1] = Path.of("conf/local.conf").toAbsolutePath().toString();
    Path err = dir.resolve("stderr.log");
    Process p = new ProcessBuilder(JourneysProcess.command(Path.of("conf/log4j2.properties").toAbsolutePath(), withConfig))
        .directory(dir.toFile()).redirectOutput(dir.resolve("stdout.log").toFile()).redirectError(err.toFile())
        .start();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("the run ends").isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stderr).isEqualTo(exitCode);
    return stderr;
  }
}
