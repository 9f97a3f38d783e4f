package io.journeys.cli;

import io.journeys.ErrorMessages;
import io.journeys.config.JobSettings;
import io.journeys.io.TableLocations;
import io.journeys.io.TextFileOutput;
import io.journeys.report.HtmlReport;
import io.journeys.spark.SparkSessionFactory;
import java.io.IOException;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write a self-contained HTML report of the tables for a date or a range.")
final class ReportCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "First day.")
  LocalDate date;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day, inclusive.")
  LocalDate to;

  @Option(names = "--out", required = true, paramLabel = "FILE.html",
      description = "Output file: a local path or a Hadoop filesystem URI (s3a://...).")
  String out;

  @Override
  public Integer call() {
    if (to != null && to.isBefore(date)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--to " + to + " is before --date " + date);
    }
    JobSettings settings = options.settings();
    var spark = SparkSessionFactory.createWithCatalog(settings);
    TableLocations locations = new TableLocations(settings.output().path(), settings.output().database());
    String html;
    try {
      html = new HtmlReport(spark, locations, settings.attribution().touchpoint()).render(date, to == null ? date : to);
    } catch (Exception e) { // also Hadoop's IOException, undeclared through Scala: name the setting that gave the path
      throw new JobFailure("Cannot read the tables under output.path " + locations.root() + ": " + ErrorMessages.reason(e), e);
    }
    String written;
    try {
      written = TextFileOutput.write(spark, out, html);
    } catch (IOException e) {
      throw new JobFailure("Cannot write the report " + out + ": " + ErrorMessages.reason(e), e);
    }
    spec.commandLine().getOut().println("report written to " + written);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
