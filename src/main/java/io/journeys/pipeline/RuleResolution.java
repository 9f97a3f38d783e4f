package io.journeys.pipeline;

import static org.apache.spark.sql.functions.expr;

import io.journeys.ErrorMessages;
import io.journeys.cli.JobFailure;
import io.journeys.config.ChannelRule;
import io.journeys.config.ConversionRule;
import io.journeys.config.JobSettings;
import io.journeys.journeys.ChannelClassifier;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every configured rule's predicate and value must resolve against the logical event columns:
 * an unknown column or function, or a value of the wrong type, fails naming the rule. The same
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
    for (ConversionRule rule : settings.allRules()) {
      try {
        events.select(expr(rule.when())).schema();
      } catch (Exception e) { // Spark's AnalysisException is checked
        throw new JobFailure("Cannot evaluate conversion rule '" + rule.name() + "': " + ErrorMessages.reason(e)
            + where(rule.whenOrigin()), e);
      }
      if (rule.valueExpression().isPresent()) {
        try {
          events.select(expr(rule.valueExpression().get())).schema();
        } catch (Exception e) { // Spark's AnalysisException is checked
          throw new JobFailure("Cannot evaluate the value of conversion rule '" + rule.name() + "': "
              + ErrorMessages.reason(e) + where(rule.valueOrigin()), e);
        }
      }
    }
    for (ChannelRule rule : settings.channelRules()) {
      try {
        // With the hosts the classifier adds for its rules.
        new ChannelClassifier(List.of(rule), settings.defaultChannel()).classify(events).schema();
      } catch (Exception e) { // Spark's AnalysisException is checked
        throw new JobFailure(
            "Cannot evaluate channel rule '" + rule.name() + "': " + ErrorMessages.reason(e) + where(rule.origin()), e);
      }
    }
  }

  /** Where the expression was set, as the config's syntax errors say it. */
  private static String where(String origin) {
    return origin.isEmpty() ? "" : " (" + origin + ")";
  }
}
