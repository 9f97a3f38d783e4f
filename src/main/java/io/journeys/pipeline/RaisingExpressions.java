package io.journeys.pipeline;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.journeys.Columns;
import io.journeys.ErrorMessages;
import io.journeys.cli.JobFailure;
import io.journeys.config.ChannelRule;
import io.journeys.config.ConversionRule;
import io.journeys.config.JobSettings;
import io.journeys.journeys.ChannelClassifier;
import io.journeys.spark.ReferencedColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names the configured expression behind a run that failed on a value. Spark SQL is ANSI, so a
 * mapping or a rule that raises on some row ({@code arr[0]} on an empty array, {@code CAST('x' AS
 * INT)}) fails the whole run with Spark's message alone, which names no config key. Only then, each
 * expression is evaluated on its own over the run's events, in turn, and the first that raises is
 * named with the error.
 */
final class RaisingExpressions {
  private static final Logger LOG = LoggerFactory.getLogger(RaisingExpressions.class);

  /** A config key and the expression it holds, evaluated over the mapped events. */
  record Suspect(String key, String expression, Function<Dataset<Row>, Dataset<Row>> evaluate) {}

  private RaisingExpressions() {}

  /**
   * The failure to report: {@code failure} itself unless it is a data error (SQLSTATE class 22)
   * that one of the expressions raises on {@code events}, which is then named.
   */
  static RuntimeException explain(RuntimeException failure, Dataset<Row> events, JobSettings settings) {
    Optional<SparkThrowable> dataError = dataError(failure);
    if (dataError.isEmpty()) {
      return failure;
    }
    LOG.info("The run failed on a value ({}): looking for the configured expression that raises it",
        dataError.get().getCondition());
    return firstRaising(events, suspects(settings))
        .<RuntimeException>map(found -> new JobFailure("Cannot run: " + found.suspect().key() + " = '"
            + ErrorMessages.inline(found.suspect().expression()) + "' raises on some events: " + firstLine(found.error())
            + " (write it so that it cannot: get(array, i), try_cast, try_element_at, try_divide)", failure))
        .orElse(failure);
  }

  record Found(Suspect suspect, Throwable error) {}

  /** The first suspect whose evaluation over every row of {@code events} raises a data error. */
  static Optional<Found> firstRaising(Dataset<Row> events, List<Suspect> suspects) {
    for (Suspect suspect : suspects) {
      try {
        suspect.evaluate().apply(events).write().format("noop").mode("overwrite").save();
      } catch (Exception e) { // Spark's AnalysisException is checked
        if (dataError(e).isPresent()) {
          return Optional.of(new Found(suspect, e));
        }
        LOG.debug("Evaluating {} failed otherwise", suspect.key(), e);
      }
    }
    return Optional.empty();
  }

  /**
   * Input mappings (their columns of the mapped events), then rules and channels, as configured.
   * A column's name cannot raise: only expressions are evaluated.
   */
  static List<Suspect> suspects(JobSettings settings) {
    List<Suspect> suspects = new ArrayList<>();
    settings.input().columns().forEach((logical, mapping) -> mapping
        .filter(m -> !ReferencedColumns.isColumnName(m))
        .ifPresent(m -> suspects.add(new Suspect("input.columns." + logical, m, events -> events.select(col(logical))))));
    for (ConversionRule rule : settings.allRules()) {
      String kind = "conversions." + rule.kind().label() + " rule '" + rule.name() + "'";
      suspects.add(new Suspect(kind + " when", rule.when(), events -> events.select(expr(rule.when()))));
      // A value is evaluated only where its rule fires.
      rule.valueExpression().filter(value -> !ReferencedColumns.isColumnName(value)).ifPresent(value ->
          suspects.add(new Suspect(kind + " value", value,
              events -> events.select(when(coalesce(expr(rule.when()), lit(false)), expr(value))))));
    }
    for (ChannelRule rule : settings.channelRules()) {
      // The hosts its predicate may read are added as the classifier adds them.
      ChannelClassifier alone = new ChannelClassifier(List.of(rule), settings.defaultChannel());
      suspects.add(new Suspect("channels.rules '" + rule.name() + "' when", rule.when(),
          events -> alone.classify(events).select(col(Columns.CHANNEL))));
    }
    return suspects;
  }

  private static Optional<SparkThrowable> dataError(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SparkThrowable s && s.getSqlState() != null && s.getSqlState().startsWith("22")) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  private static String firstLine(Throwable error) {
    Throwable t = error;
    while (!(t instanceof SparkThrowable) && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return ErrorMessages.firstLine(t.getMessage());
  }
}
