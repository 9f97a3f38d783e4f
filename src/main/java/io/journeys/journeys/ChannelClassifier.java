package io.journeys.journeys;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.when;

import io.journeys.Columns;
import io.journeys.config.ChannelRule;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
    Dataset<Row> withHosts =
        firstEvents
            .withColumn("referrer_host", host(Columns.REFERRER_URL))
            .withColumn("page_host", host(Columns.PAGE_URL));
    Column channel = lit(defaultChannel);
    for (int i = rules.size() - 1; i >= 0; i--) {
      ChannelRule rule = rules.get(i);
      channel = when(expr("coalesce(" + rule.when() + ", false)"), lit(rule.name())).otherwise(channel);
    }
    return withHosts.withColumn(Columns.CHANNEL, channel).drop("referrer_host", "page_host");
  }

  private static Column host(String urlColumn) {
    Column extracted = regexp_extract(lower(col(urlColumn)), "^[a-z][a-z0-9+.-]*://([^/:?#]+)", 1);
    return when(extracted.equalTo(""), lit(null).cast("string")).otherwise(extracted);
  }
}
