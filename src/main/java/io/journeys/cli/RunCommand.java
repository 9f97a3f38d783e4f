package io.journeys.cli;

import io.journeys.ErrorMessages;
import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import io.journeys.io.TableLocations;
import io.journeys.pipeline.DailyJob;
import io.journeys.pipeline.RunSummary;
import io.journeys.report.HtmlReport;
import io.journeys.spark.SparkSessionFactory;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "The daily job: stage 1 (sessions, conversions) and stage 2 (journeys, attribution) for a date or a range (a backfill).")
final class RunCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The day to process (the first day of a range).")
  LocalDate date;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day of a backfill range, inclusive.")
  LocalDate to;

  @Option(names = "--summary", description = "Print conversions, attribution and lift for --date..--to (not the late days the run also rewrites).")
  boolean summary;

  @Override
  public Integer call() {
    if (to != null && to.isBefore(date)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--to " + to + " is before --date " + date);
    }
    SettingsLoader.LoadedConfig loaded = options.config();
    JobSettings settings = SettingsLoader.parse(loaded.config());
    SparkSession spark = SparkSessionFactory.createWithCatalog(settings);
    LocalDate last = to == null ? date : to;
    DailyJob.Outcome outcome = new DailyJob(spark, settings).run(date, last);
    loaded.logNotes();
    PrintWriter out = spec.commandLine().getOut();
    outcome.counts().forEach((day, c) -> out.printf(
        "%s: read %d, valid %d, quarantined %d, duplicate %d%n", day, c.read(), c.valid(), c.quarantined(), c.duplicate()));
    out.println("rows written: " + outcome.rowsWritten());
    // The scheduler's log then names the build that made the dates' rows.
    out.printf("run %s (conversion-journeys %s) done in %.1f s%n", outcome.runId(), BuildVersion.version(),
        outcome.stageSeconds().values().stream().mapToDouble(Double::doubleValue).sum());
    TableLocations tables = new TableLocations(settings.output().path(), settings.output().database());
    if (settings.report().enabled()) {
      String file = new org.apache.hadoop.fs.Path(settings.report().path(),
          "report-" + date + (to == null ? "" : "-" + to) + ".html").toString();
      String written;
      try {
        written = io.journeys.io.TextFileOutput.write(spark, file, new HtmlReport(spark, tables, settings.attribution().touchpoint()).render(date, last));
      } catch (java.io.IOException e) {
        throw new JobFailure("Cannot write the report " + file + " (report.path): " + ErrorMessages.reason(e), e);
      }
      out.println("report written to " + written);
    }
    if (summary) {
      new RunSummary(spark, tables, settings.attribution().touchpoint()).print(date, last, out);
    }
    out.flush();
    return 0;
  }
}
