package io.journeys.pipeline;

import static org.apache.spark.sql.functions.expr;

import io.journeys.ErrorMessages;
import io.journeys.cli.JobFailure;
import io.journeys.config.ChannelRule;
import io.journeys.config.ConversionRule;
import io.journeys.config.JobSettings;
import io.journeys.journeys.ChannelClassifier;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Every configured rule's predicate and value, conversion or channel, must resolve against the logical event columns:
 * an unknown column or function, or a value of the wrong type, fails naming the rule; so does a
 * predicate that is no BOOLEAN, and a predicate or value that is not one value of each event (an
 * aggregate, window or generator function) or not deterministic, the clock included (a rerun must
 * give the same rows).
 * Spark's analyzer accepted {@code count(*) > 1} and {@code page_url} as predicates, and the run
 * failed on them later without naming the rule (found by a black-box test). The same
 * check serves {@code run}, on the mapped events before any write, and {@code check-config}, on
 * no events at all, so that a config the one accepts the other does not refuse.
 */
public final class RuleResolution {
  private RuleResolution() {}

  /**
   * Fails on the first rule that does not resolve against {@code events}: the logical columns and
   * event_date, without the reader's own columns, which are no contract and which Spark would
   * otherwise offer among its suggestions for a misspelt name.
   */
  public static void check(Dataset<Row> events, JobSettings settings) {
    int eventsOwn = wholeSetNodes(events.queryExecution().analyzed());
    for (ConversionRule rule : settings.allRules()) {
      require("conversion rule '" + rule.name() + "'", rule.whenOrigin(),
          () -> problem(events.select(expr(rule.when())), eventsOwn, DataTypes.BooleanType));
      if (rule.valueExpression().isPresent()) {
        require("the value of conversion rule '" + rule.name() + "'", rule.valueOrigin(), () -> {
          Dataset<Row> value = events.select(expr(rule.valueExpression().get()));
          return problem(value, eventsOwn, null).or(() -> notAnAmount(value.schema().fields()[0].dataType()));
        });
      }
    }
    // With the hosts the classifier adds for its rules. A channel rule is held to what a
    // conversion rule is: a text predicate was cast to a boolean per session and stopped the run,
    // and a random one gave a rerun other channels (a review).
    Dataset<Row> withHosts = ChannelClassifier.withHostColumns(events);
    int withHostsOwn = wholeSetNodes(withHosts.queryExecution().analyzed());
    for (ChannelRule rule : settings.channelRules()) {
      require("channel rule '" + rule.name() + "'", rule.origin(),
          () -> problem(withHosts.select(expr(rule.when())), withHostsOwn, DataTypes.BooleanType));
    }
  }

  /** Fails naming {@code what} and where it was set when {@code check} finds a problem or Spark's analysis fails. */
  private static void require(String what, String origin, Callable<Optional<String>> check) {
    Optional<String> problem;
    Exception cause = null;
    try {
      problem = check.call();
    } catch (Exception e) { // Spark's AnalysisException is checked
      problem = Optional.of(ErrorMessages.reason(e));
      cause = e;
    }
    if (problem.isPresent()) {
      throw new JobFailure("Cannot evaluate " + what + ": " + problem.get() + where(origin), cause);
    }
  }

  private static final String NOT_PER_EVENT = "it is not one value of each event (an aggregate, window or generator function)";

  /**
   * What is wrong with {@code selected}, one expression over the events: not a value of each event,
   * not of {@code type} (when given), or not deterministic. Analysis errors are thrown.
   */
  private static Optional<String> problem(Dataset<Row> selected, int eventsOwn, DataType type) {
    LogicalPlan plan = selected.queryExecution().analyzed();
    if (wholeSetNodes(plan) > eventsOwn || !(plan instanceof Project project)) {
      return Optional.of(NOT_PER_EVENT);
    }
    DataType actual = selected.schema().fields()[0].dataType();
    if (type != null && !actual.equals(type)) {
      return Optional.of("it gives " + actual.sql() + ", not a condition (" + type.sql() + ")");
    }
    Expression expression = (Expression) project.projectList().head();
    if (!expression.deterministic()) {
      return Optional.of("it is not deterministic, so a rerun would not give the same rows");
    }
    Optional<String> clock = clockRead(expression);
    if (clock.isPresent()) {
      return Optional.of("it reads the clock (" + clock.get() + "), so a rerun would not give the same rows");
    }
    return Optional.empty();
  }

  /**
   * Spark's current date and time functions count as deterministic (one value per query), but each
   * run has its own: {@code event_time > current_timestamp() - INTERVAL 30 DAYS} passed the check,
   * and a rerun of a day counted other events (a review).
   */
  private static final java.util.Set<String> CLOCK_READS = java.util.Set.of("CurrentTimestamp", "Now", "LocalTimestamp",
      "CurrentDate", "CurrentTime", "CurrentTimeZone", "CurrentBatchTimestamp");

  /** The first node of {@code expression} that reads the clock, by its SQL name. */
  private static Optional<String> clockRead(Expression expression) {
    if (CLOCK_READS.contains(expression.getClass().getSimpleName())) {
      return Optional.of(expression.prettyName());
    }
    for (Expression child : CollectionConverters.asJava(expression.children())) {
      Optional<String> found = clockRead(child);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /**
   * A value is read as a DOUBLE ({@code try_cast}), which a map, array or struct cannot become:
   * with a plain column name the run first met it after the quarantine and identities writes, on
   * an error naming no rule, where check-config had accepted it (a review). A boolean, a date or an
   * instant would become a number with no meaning as an amount.
   */
  private static Optional<String> notAnAmount(DataType type) {
    // CHAR and VARCHAR are StringTypes in Spark 4.
    boolean amount = type instanceof org.apache.spark.sql.types.NumericType || type instanceof org.apache.spark.sql.types.StringType
        || type instanceof org.apache.spark.sql.types.NullType;
    return amount ? Optional.empty() : Optional.of("it gives " + type.sql() + ", not an amount (a number, or text holding one)");
  }

  /** Aggregates, windows and generators in {@code plan}: a value of each event adds none. */
  private static int wholeSetNodes(LogicalPlan plan) {
    int own = plan instanceof Aggregate || plan instanceof Window || plan instanceof Generate ? 1 : 0;
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      own += wholeSetNodes(child);
    }
    return own;
  }

  /** Where the expression was set, as the config's syntax errors say it. */
  private static String where(String origin) {
    return origin.isEmpty() ? "" : " (" + origin + ")";
  }
}
