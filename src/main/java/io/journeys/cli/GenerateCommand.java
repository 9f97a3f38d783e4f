package io.journeys.cli;

import io.journeys.generate.SampleEventGenerator;
import io.journeys.generate.SampleEventGenerator.Options;
import io.journeys.spark.SparkSessionFactory;
import java.time.LocalDate;
import java.util.concurrent.Callable;
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

  @Option(names = "--out", required = true, paramLabel = "PATH", description = "Output path (any Hadoop filesystem); overwritten.")
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
    if (visitors < 1 || days < 1) {
      throw new JobFailure("Cannot generate: --visitors and --days must be at least 1");
    }
    SparkSession spark = SparkSessionFactory.create(options.settings());
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
}
