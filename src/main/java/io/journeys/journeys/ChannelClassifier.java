package io.journeys.journeys;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.journeys.Columns;
import io.journeys.config.ChannelRule;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Names a session's channel with the first of {@code channels.rules} whose predicate holds for the
 * session's first event, else {@code channels.default}. Predicates see the logical columns of
 * that event plus {@code referrer_host} and {@code page_host} (lower-case host names).
 */
public final class ChannelClassifier {
  private final List<ChannelRule> rules;
  private final String defaultChannel;

  public ChannelClassifier(List<ChannelRule> rules, String defaultChannel) {
    this.rules = rules;
    this.defaultChannel = defaultChannel;
  }

  /**
   * Adds {@code channel} to rows holding the first event's fields in the logical column names
   * (page_url, referrer_url, utm_source, utm_medium, utm_campaign).
   */
  public Dataset<Row> classify(Dataset<Row> firstEvents) {
    return classifyWhere(firstEvents, lit(true));
  }

  /**
   * Adds {@code channel} to the rows where {@code first} holds (null elsewhere), classifying each
   * row's own fields. The host names and rules are evaluated on those rows only: on events, that
   * is one regular-expression pass per session rather than per event.
   */
  public Dataset<Row> classifyWhere(Dataset<Row> rows, Column first) {
    Dataset<Row> withHosts =
        rows
            .withColumn("referrer_host", when(first, host(col(Columns.REFERRER_URL))))
            .withColumn("page_host", when(first, host(col(Columns.PAGE_URL))));
    Column channel = lit(defaultChannel);
    for (int i = rules.size() - 1; i >= 0; i--) {
      ChannelRule rule = rules.get(i);
      channel = when(coalesce(expr(rule.when()), lit(false)), lit(rule.name())).otherwise(channel);
    }
    return withHosts.withColumn(Columns.CHANNEL, when(first, channel)).drop("referrer_host", "page_host");
  }

  /**
   * The columns of {@code events} the rules read: those their predicates name, and the URLs the
   * host names come from.
   */
  public java.util.Set<String> referencedColumns(Dataset<Row> events) {
    java.util.Set<String> names = io.journeys.spark.ReferencedColumns.of(withHostColumns(events),
        rules.stream().map(ChannelRule::when).toList());
    names.removeAll(List.of("referrer_host", "page_host"));
    names.addAll(List.of(Columns.REFERRER_URL, Columns.PAGE_URL));
    return names;
  }

  /** {@code events} with the host columns the rules may read, as nulls of their type: for resolving rules, not classifying. */
  public static Dataset<Row> withHostColumns(Dataset<Row> events) {
    return events
        .withColumn("referrer_host", lit(null).cast("string"))
        .withColumn("page_host", lit(null).cast("string"));
  }

  private static final UserDefinedFunction ASCII_HOST =
      udf((UDF1<String, String>) UrlHost::ofAscii, DataTypes.StringType);

  /**
   * The URL's lower-case host, null when it has none. The regular expression over the lower-cased
   * URL defines it; it runs only on URLs whose scheme or host is not ASCII.
   */
  static Column host(Column url) {
    Column extracted = coalesce(ASCII_HOST.apply(url), regexp_extract(lower(url), "^[a-z][a-z0-9+.-]*://([^/:?#]+)", 1));
    return when(extracted.equalTo(""), lit(null).cast("string")).otherwise(extracted);
  }
}
