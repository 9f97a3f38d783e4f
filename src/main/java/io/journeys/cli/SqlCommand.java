package io.journeys.cli;

import io.journeys.ErrorMessages;
import io.journeys.config.JobSettings;
import io.journeys.io.DeltaTableWriter;
import io.journeys.io.TableLocations;
import io.journeys.spark.SparkSessionFactory;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = "Query the result tables; the output database is the current one, so plain table names work.")
final class SqlCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "QUERY", description = "A Spark SQL statement.")
  String query;

  @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
  ResultFormat format;

  @Option(names = "--limit", defaultValue = "1000", description = "Most rows printed in table format (default: ${DEFAULT-VALUE}).")
  int limit;

  /** A lone word of an option's form, which no query is: --fromat or --fromat=csv. */
  static boolean looksLikeAnOption(String word) {
    return word.matches("--?[A-Za-z][\\w-]*(=\\S*)?");
  }

  @Override
  public Integer call() {
    if (looksLikeAnOption(query)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Unknown option: '" + query + "'");
    }
    if (limit < 0) {
      // A usage error, before Spark starts: it read "Cannot run query: fromIndex(0) > toIndex(-1)" (a review).
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be 0 or more, got " + limit);
    }
    JobSettings settings = options.settings();
    SparkSession spark = SparkSessionFactory.createWithCatalog(settings);
    TableLocations locations = new TableLocations(settings.output().path(), settings.output().database());
    int tables = new DeltaTableWriter(spark, locations).registerExisting();
    spark.sql("CREATE DATABASE IF NOT EXISTS " + locations.database());
    if (spark.catalog().tableExists(locations.database(), "attribution")
        && spark.catalog().tableExists(locations.database(), "micro_conversion_performance")) {
      io.journeys.report.BiViews.create(spark, locations.database());
    }
    spark.catalog().setCurrentDatabase(locations.database());
    PrintWriter out = spec.commandLine().getOut();
    try {
      // A query fails when it is analysed (a name) or while its rows are computed (an overflow, a
      // cast): either way the operator reads the same kind of line.
      format.print(spark.sql(query), out, limit);
      out.flush();
    } catch (JobFailure e) {
      throw e; // the output failed, not the query
    } catch (Exception e) { // Spark's AnalysisException is checked
      String reason = ErrorMessages.reason(e);
      if (tables == 0 && reason.startsWith("[TABLE_OR_VIEW_NOT_FOUND]")) {
        reason += " (output.path " + settings.output().path() + " holds no tables: check output.path, or run the job first)";
      }
      throw new JobFailure("Cannot run query: " + reason, e);
    }
    return 0;
  }
}
