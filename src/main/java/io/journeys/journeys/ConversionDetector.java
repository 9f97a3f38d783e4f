package io.journeys.journeys;

import static io.journeys.Columns.CONVERSION;
import static io.journeys.Columns.KIND;
import static io.journeys.Columns.VALUE;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.journeys.config.ConversionRule;
import io.journeys.config.JobSettings.TouchpointDedupe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Finds micro and macro conversions in sessionized events (SPEC §3, §4). Each rule's predicate is
 * evaluated per event; a running count per session, kept by the {@link Sessionizer}'s walk over the
 * device's timeline, then decides when it fires:
 *
 * <ul>
 *   <li>a count rule ({@code min-count = N}) fires once, at its N-th matching event of the session;
 *   <li>another micro rule fires at its first match of the session with {@code touchpoints.dedupe =
 *       session}, at every match with {@code none};
 *   <li>a macro rule fires at every match, with its value expression as {@code value}.
 *   <li>a rule counted per journey ({@code per = journey}) is not a touchpoint here: journeys are
 *       per stitched visitor and span days, so stage 2 decides where it fires. Stage 1 hands on
 *       the matches it needs, which the session bounds: its first N matches in the session, and
 *       again after each macro conversion of the device ({@link #journeyMatches}).
 * </ul>
 *
 * The sessionizer adds {@link #FIRED} to every event; {@link #conversions} turns it into one row
 * per firing.
 */
public final class ConversionDetector {
  /** The rules firing at an event: array of their positions in the rules, null when none fires. */
  public static final String FIRED = "fired";

  private final List<ConversionRule> rules;
  private final TouchpointDedupe dedupe;

  public ConversionDetector(List<ConversionRule> rules, TouchpointDedupe dedupe) {
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

  /** The columns of {@code events} the rules' value expressions read: what a firing row must keep. */
  public java.util.Set<String> valueColumns(Dataset<Row> events) {
    List<String> expressions = new ArrayList<>();
    for (ConversionRule rule : rules) {
      rule.valueExpression().ifPresent(expressions::add);
    }
    return io.journeys.spark.ReferencedColumns.of(events, expressions);
  }

  /**
   * Whether a value expression is more than a column's name. Only such an expression can raise on
   * a value (ANSI SQL), and it is evaluated where its rule fires, after the walk.
   */
  public boolean valuesMayRaise() {
    return rules.stream().flatMap(r -> r.valueExpression().stream())
        .anyMatch(v -> !io.journeys.spark.ReferencedColumns.isColumnName(v));
  }

  /** Rules per match column: the bits of a long. */
  static final int RULES_PER_MASK = Long.SIZE;

  /**
   * Whether the event matches each rule's predicate, as plain columns added before the walk: rule
   * i is bit {@code i % 64} of the {@code i / 64}-th column (a null predicate does not match). The
   * sort before the walk copies whole rows, and a boolean column per rule made each row 8 bytes
   * wider per rule (88 of a row's 347 bytes with the default rules).
   */
  Map<String, Column> matchMasks() {
    Map<String, Column> masks = new LinkedHashMap<>();
    for (int first = 0; first < rules.size(); first += RULES_PER_MASK) {
      Column mask = lit(0L);
      for (int i = first; i < Math.min(rules.size(), first + RULES_PER_MASK); i++) {
        Column match = coalesce(expr(rules.get(i).when()), lit(false));
        mask = mask.bitwiseOR(when(match, lit(1L << (i - first))).otherwise(lit(0L)));
      }
      masks.put(MATCHES + first / RULES_PER_MASK, mask);
    }
    return masks;
  }

  /** How many rules there are; {@link #matchMasks} holds their matches. */
  int ruleCount() {
    return rules.size();
  }

  /** The rule's count at which it fires, for the rules that count within a session. */
  int minCount(int rule) {
    return rules.get(rule).minCount();
  }

  /**
   * One row per firing of events sessionized with this detector: the event's columns plus
   * {@code kind}, {@code conversion} and {@code value}. Value expressions are evaluated here, on
   * the firing events only.
   */
  public Dataset<Row> conversions(Dataset<Row> sessionized) {
    return firings(sessionized, false);
  }

  /**
   * One row per match handed on for a per-journey rule, in the columns of {@link #conversions}
   * ({@code kind} micro): the candidates from which stage 2 picks each journey's N-th.
   */
  public Dataset<Row> journeyMatches(Dataset<Row> sessionized) {
    return firings(sessionized, true);
  }

  /** Whether some rule counts per journey, so that stage 1 hands matches on to stage 2. */
  public boolean countsPerJourney() {
    return rules.stream().anyMatch(ConversionRule::isJourneyRule);
  }

  private Dataset<Row> firings(Dataset<Row> sessionized, boolean perJourney) {
    List<Integer> selected = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).isJourneyRule() == perJourney) {
        selected.add(i);
      }
    }
    Column rule = col(FIRED);
    Column kind = lit(null).cast(DataTypes.StringType);
    Column name = lit(null).cast(DataTypes.StringType);
    Column value = lit(null).cast(DataTypes.DoubleType);
    for (int i = rules.size() - 1; i >= 0; i--) {
      ConversionRule r = rules.get(i);
      kind = when(rule.equalTo(i), lit(r.kind().label())).otherwise(kind);
      name = when(rule.equalTo(i), lit(r.name())).otherwise(name);
      if (r.valueExpression().isPresent()) {
        value = when(rule.equalTo(i), amount(expr(r.valueExpression().get()).try_cast(DataTypes.DoubleType))).otherwise(value);
      }
    }
    Dataset<Row> fired = sessionized.filter(col(FIRED).isNotNull()).withColumn(FIRED, explode(col(FIRED)));
    if (selected.size() < rules.size()) {
      fired = fired.filter(col(FIRED).isin(selected.toArray()));
    }
    return fired
        .withColumn(KIND, kind)
        .withColumn(CONVERSION, name)
        .withColumn(VALUE, value)
        .drop(FIRED);
  }

  /**
   * A value that is no amount (NaN, infinite, or of 2^53 or more, where a double holds no cents and
   * two such values could overflow the exact sums' long and stop the run) is null, as one that does
   * not parse, so {@code journeys.value} and {@code conversions.value} agree with the sums.
   */
  private static Column amount(Column value) {
    // Spark orders NaN above every number, so NaN and the infinities fail the test.
    return when(abs(value).lt(lit(MAX_AMOUNT)), value);
  }

  /** 2^53: below it every whole number is a double. */
  private static final double MAX_AMOUNT = 9007199254740992.0;

  /**
   * Micro rules that count matches within the session: count rules, per-journey rules, and all with
   * dedupe per session.
   */
  List<Integer> countedRules() {
    List<Integer> counted = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      ConversionRule rule = rules.get(i);
      if (rule.kind() == ConversionRule.Kind.MICRO
          && (rule.isCountRule() || rule.isJourneyRule() || dedupe == TouchpointDedupe.SESSION)) {
        counted.add(i);
      }
    }
    return counted;
  }

  /** Whether the rule counts per journey: it fires at each of its first N matches of a session. */
  boolean perJourney(int rule) {
    return rules.get(rule).isJourneyRule();
  }

  /** Whether the rule is a macro conversion, after which a per-journey count starts again. */
  boolean isMacro(int rule) {
    return rules.get(rule).kind() == ConversionRule.Kind.MACRO;
  }

  /** Prefix of the match columns, which exist only between the shuffle and the walk. */
  private static final String MATCHES = "_rule_matches_";

}
