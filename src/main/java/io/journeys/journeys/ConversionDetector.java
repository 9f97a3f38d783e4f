package io.journeys.journeys;

import static io.journeys.Columns.CONVERSION;
import static io.journeys.Columns.KIND;
import static io.journeys.Columns.VALUE;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.journeys.config.ConversionRule;
import io.journeys.config.ConversionRule.CountScope;
import io.journeys.config.JobSettings.TouchpointDedupe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Finds micro and macro conversions in sessionized events (SPEC §3, §4). Each rule's predicate is
 * evaluated per event; a running count per session, computed by the {@link Sessionizer} in its own
 * Window operators on the device's timeline, then decides when it fires:
 *
 * <ul>
 *   <li>a count rule ({@code min-count = N}) fires once, at its N-th matching event of the session;
 *   <li>another micro rule fires at its first match of the session with {@code touchpoints.dedupe =
 *       session}, at every match with {@code none};
 *   <li>a macro rule fires at every match, with its value expression as {@code value}.
 * </ul>
 *
 * The sessionizer adds {@link #FIRED} to every event; {@link #conversions} turns it into one row
 * per firing.
 */
public final class ConversionDetector {
  /** The rules firing at an event: array of (kind, conversion, value), null when none fires. */
  public static final String FIRED = "fired";

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

  /** The columns of {@code events} the rules' predicates and value expressions read. */
  public java.util.Set<String> referencedColumns(Dataset<Row> events) {
    List<String> expressions = new ArrayList<>();
    for (ConversionRule rule : rules) {
      expressions.add(rule.when());
      rule.valueExpression().ifPresent(expressions::add);
    }
    return io.journeys.spark.ReferencedColumns.of(events, expressions);
  }

  /** Per rule, whether the event matches its predicate: plain columns, added before any window. */
  Map<String, Column> matches() {
    Map<String, Column> matches = new LinkedHashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      matches.put(match(i), expr("coalesce(" + rules.get(i).when() + ", false)"));
    }
    return matches;
  }

  /** Running match counts on the device's timeline, for the rules that count within a session. */
  Map<String, Column> runningTotals(WindowSpec soFar) {
    Map<String, Column> totals = new LinkedHashMap<>();
    for (int i : countedRules()) {
      totals.put(total(i), sum(matchCount(i)).over(soFar));
    }
    return totals;
  }

  /**
   * Per counted rule, its running count just before the session started, as an expression the
   * sessionizer evaluates on the session's first event: a count within the session is the running
   * count minus that base.
   */
  Map<String, Column> sessionBases() {
    Map<String, Column> bases = new LinkedHashMap<>();
    for (int i : countedRules()) {
      bases.put(base(i), col(total(i)).minus(matchCount(i)));
    }
    return bases;
  }

  /**
   * Adds {@link #FIRED}, the rules that fire at each event, and drops the working columns;
   * {@code sessionBase} gives a counted rule's base (by name) as carried from the session's first
   * event.
   */
  Dataset<Row> addFirings(Dataset<Row> rows, Function<String, Column> sessionBase) {
    List<Integer> counted = countedRules();
    List<Column> firings = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      ConversionRule rule = rules.get(i);
      Column fires = counted.contains(i)
          ? col(match(i)).and(col(total(i)).minus(sessionBase.apply(base(i))).equalTo(rule.minCount()))
          : col(match(i));
      Column value =
          rule.valueExpression().isPresent()
              ? expr(rule.valueExpression().get()).try_cast(DataTypes.DoubleType)
              : lit(null).cast(DataTypes.DoubleType);
      firings.add(when(fires, struct(lit(rule.kind().label()).as(KIND), lit(rule.name()).as(CONVERSION), value.as(VALUE))));
    }
    // Most events match no rule: the array is built for the others only.
    Column anyMatch = matches().keySet().stream().map(org.apache.spark.sql.functions::col)
        .reduce(Column::or).orElse(lit(false));
    Column fired = filter(array(firings.toArray(Column[]::new)), x -> x.isNotNull());
    List<String> working = new ArrayList<>(matches().keySet());
    counted.forEach(i -> working.add(total(i)));
    // Two projections, so the array is built once per matching event, then emptied to null.
    return rows
        .withColumn(FIRED, when(anyMatch, fired))
        .withColumn(FIRED, when(size(col(FIRED)).gt(0), col(FIRED)))
        .drop(working.toArray(String[]::new));
  }

  /**
   * One row per firing of events sessionized with this detector: the event's columns plus
   * {@code kind}, {@code conversion} and {@code value}.
   */
  public Dataset<Row> conversions(Dataset<Row> sessionized) {
    return sessionized
        .filter(col(FIRED).isNotNull())
        .withColumn(FIRED, explode(col(FIRED)))
        .withColumn(KIND, col(FIRED + "." + KIND))
        .withColumn(CONVERSION, col(FIRED + "." + CONVERSION))
        .withColumn(VALUE, col(FIRED + "." + VALUE))
        .drop(FIRED);
  }

  /** Micro rules that count matches within the session: count rules, and all with dedupe per session. */
  private List<Integer> countedRules() {
    List<Integer> counted = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      ConversionRule rule = rules.get(i);
      if (rule.kind() == ConversionRule.Kind.MICRO && (rule.isCountRule() || dedupe == TouchpointDedupe.SESSION)) {
        counted.add(i);
      }
    }
    return counted;
  }

  private Column matchCount(int i) {
    return when(col(match(i)), 1).otherwise(0);
  }

  private static String match(int i) {
    return "m" + i;
  }

  private static String total(int i) {
    return "t" + i;
  }

  private static String base(int i) {
    return "b" + i;
  }
}
