package io.journeys.journeys;

import static io.journeys.Columns.CONVERSION;
import static io.journeys.Columns.EVENT_ID;
import static io.journeys.Columns.EVENT_TIME;
import static io.journeys.Columns.KIND;
import static io.journeys.Columns.VALUE;
import static io.journeys.Columns.VISITOR_ID;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.last_value;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.journeys.config.ConversionRule;
import io.journeys.config.ConversionRule.CountScope;
import io.journeys.config.JobSettings.TouchpointDedupe;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Finds micro and macro conversions in sessionized events (SPEC §3, §4). Each rule's predicate is
 * evaluated per event; a running count per session (a window over the visitor's partition, no
 * exchange) then decides when it fires:
 *
 * <ul>
 *   <li>a count rule ({@code min-count = N}) fires once, at its N-th matching event of the session;
 *   <li>another micro rule fires at its first match of the session with {@code touchpoints.dedupe =
 *       session}, at every match with {@code none};
 *   <li>a macro rule fires at every match, with its value expression as {@code value}.
 * </ul>
 *
 * Output: one row per firing with the event's columns plus {@code kind}, {@code conversion} and
 * {@code value}.
 */
public final class ConversionDetector {
  private final List<ConversionRule> rules;
  private final TouchpointDedupe dedupe;

  public ConversionDetector(List<ConversionRule> rules, TouchpointDedupe dedupe) {
    for (ConversionRule rule : rules) {
      if (rule.isCountRule() && rule.per() == CountScope.JOURNEY) {
        throw new IllegalArgumentException(
            "Cannot detect conversions: rule '" + rule.name() + "' counts per journey, which stage 1 cannot see");
      }
    }
    this.rules = rules;
    this.dedupe = dedupe;
  }

  public Dataset<Row> detect(Dataset<Row> sessionized) {
    // The sessionizer's window (the device's timeline), so the events, sorted once, are not sorted
    // again: a count within the session is the running count on the timeline minus its value just
    // before the session's first event.
    WindowSpec soFar =
        Window.partitionBy(VISITOR_ID).orderBy(EVENT_TIME, EVENT_ID)
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column sessionStarts = col(Sessionizer.IN_SESSION_ORDER).equalTo(1);
    // All running counts in one Window operator, all session bases in a second: each operator
    // buffers whole rows, so two of them whatever the number of rules.
    java.util.Map<String, Column> matches = new java.util.LinkedHashMap<>();
    java.util.Map<String, Column> totals = new java.util.LinkedHashMap<>();
    java.util.Map<String, Column> bases = new java.util.LinkedHashMap<>();
    List<Column> firings = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      ConversionRule rule = rules.get(i);
      String match = "m" + i;
      matches.put(match, expr("coalesce(" + rule.when() + ", false)"));
      Column fires;
      boolean needsCount = rule.kind() == ConversionRule.Kind.MICRO && (rule.isCountRule() || dedupe == TouchpointDedupe.SESSION);
      if (needsCount) {
        Column matchCount = when(col(match), 1).otherwise(0);
        totals.put("t" + i, sum(matchCount).over(soFar));
        bases.put("b" + i, last_value(when(sessionStarts, col("t" + i).minus(matchCount)), lit(true)).over(soFar));
        fires = col(match).and(col("t" + i).minus(col("b" + i)).equalTo(rule.minCount()));
      } else {
        fires = col(match);
      }
      Column value =
          rule.valueExpression().isPresent()
              ? expr(rule.valueExpression().get()).try_cast(DataTypes.DoubleType)
              : lit(null).cast(DataTypes.DoubleType);
      firings.add(when(fires, struct(lit(rule.kind().label()).as(KIND), lit(rule.name()).as(CONVERSION), value.as(VALUE))));
    }
    Dataset<Row> flagged = sessionized.withColumns(matches);
    if (!totals.isEmpty()) {
      flagged = flagged.withColumns(totals).withColumns(bases);
    }
    // Most events match no rule: drop them before building the per-row array of firings.
    Column anyMatch = matches.keySet().stream().map(org.apache.spark.sql.functions::col)
        .reduce(Column::or).orElse(lit(false));
    Column fired = filter(array(firings.toArray(Column[]::new)), x -> x.isNotNull());
    Dataset<Row> exploded = flagged.filter(anyMatch).withColumn("fired", explode(fired));
    return exploded
        .withColumn(KIND, col("fired." + KIND))
        .withColumn(CONVERSION, col("fired." + CONVERSION))
        .withColumn(VALUE, col("fired." + VALUE))
        .drop("fired");
  }
}
