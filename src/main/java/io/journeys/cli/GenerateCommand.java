package io.journeys.cli;

import io.journeys.generate.SampleEventGenerator;
import io.journeys.generate.SampleEventGenerator.Options;
import io.journeys.spark.SparkSessionFactory;
import java.io.IOException;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Write realistic sample events with planted, known effects (parquet partitioned by event_date).")
final class GenerateCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "PATH", description = "Output directory (any Hadoop filesystem): new, empty or generated before (then replaced).")
  String out;

  @Option(names = "--visitors", defaultValue = "10000", description = "Visitors (default: ${DEFAULT-VALUE}).")
  long visitors;

  @Option(names = "--days", defaultValue = "14", description = "Days (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed; the same seed gives the same rows (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--start-date", defaultValue = "2026-01-01", description = "First day, UTC (default: ${DEFAULT-VALUE}).")
  LocalDate startDate;

  @Option(names = "--bot-events", defaultValue = "0", description = "Add one bot visitor with this many page views (skew tests).")
  long botEvents;

  @Option(names = "--no-dirt", description = "Leave out duplicates, lost ids and bad clocks.")
  boolean noDirt;

  @Override
  public Integer call() {
    // Usage errors (exit 2, which a scheduler does not retry), as sql's negative --limit is: they
    // exited 1, as a failure worth retrying (a black-box test).
    if (visitors < 1 || days < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--visitors and --days must be at least 1, got " + visitors + " and " + days);
    }
    if (botEvents < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--bot-events must be 0 or more, got " + botEvents);
    }
    SparkSession spark = SparkSessionFactory.create(options.settings());
    emptyAndMark(spark);
    long start = System.nanoTime();
    Options generation = new Options(visitors, days, seed, startDate, botEvents, !noDirt);
    new SampleEventGenerator(spark).write(generation, out);
    double seconds = (System.nanoTime() - start) / 1e9;
    long events = spark.read().parquet(out).count();
    spec.commandLine().getOut().printf(
        "generated %d events for %d visitors over %d day%s (%s .. %s) into %s in %.1f s (%.0f events/s)%n",
        events, visitors, days, days == 1 ? "" : "s", startDate, startDate.plusDays(days - 1L), out, seconds, events / seconds);
    spec.commandLine().getOut().flush();
    return 0;
  }

  /**
   * Put in the output before the events, so a run stopped half-way leaves a directory the next
   * one may replace (a review: Spark's overwrite deleted a marker written after); Spark's readers
   * skip names starting with "_", as they skip _SUCCESS.
   */
  static final String MARKER = "_journeys_generated";

  /**
   * Spark's overwrite deletes whatever the path holds: a file given by mistake, or a directory of
   * other data (`--out data` would have taken the warehouse with it), went without a word (a
   * black-box test). Nor can a directory's names tell generated events from real ones: the input's
   * own layout (event_date= directories and _SUCCESS) and a Delta table partitioned by event_date
   * (its _delta_log) look just like a generator's output (a review). So only an empty directory
   * (hidden files aside: .DS_Store), or one this command marked, is emptied; then it is marked
   * before anything is written. Emptied of all but hidden names: a hidden file or directory is not
   * the generator's (a .gitkeep went with the directory, until 2026-12-08). The marker stays until
   * it is written again: deleted first (it sorts first), a failed delete after it left events no
   * later run would replace.
   */
  private void emptyAndMark(SparkSession spark) {
    Path path = new Path(out);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(path)) {
        if (!fs.getFileStatus(path).isDirectory()) {
          throw new JobFailure("Cannot generate: --out " + out + " is a file; generate writes a directory of event_date= partitions");
        }
        java.util.List<String> data = java.util.Arrays.stream(fs.listStatus(path))
            .filter(c -> c.isDirectory() || !c.getPath().getName().startsWith("."))
            .map(c -> c.getPath().getName()).sorted().toList();
        if (!data.isEmpty() && !fs.exists(new Path(path, MARKER))) {
          throw new JobFailure("Cannot generate: --out " + out + " holds data generate did not write (" + data.get(0)
              + "), which it would delete: give it a new or empty directory, or one generate wrote (marked by its "
              + MARKER + " file)");
        }
        for (FileStatus child : fs.listStatus(path)) {
          String name = child.getPath().getName();
          if (!name.startsWith(".") && !name.equals(MARKER) && !fs.delete(child.getPath(), true)) {
            throw new JobFailure("Cannot generate: --out " + out + " could not be emptied (" + name + ")");
          }
        }
      }
      fs.mkdirs(path);
      fs.create(new Path(path, MARKER), true).close();
    } catch (IOException e) {
      throw new JobFailure("Cannot generate: --out " + out + " is not usable: " + io.journeys.ErrorMessages.reason(e), e);
    }
  }
}
