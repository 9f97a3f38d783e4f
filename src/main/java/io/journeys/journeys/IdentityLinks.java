package io.journeys.journeys;

import static io.journeys.Columns.EVENT_TIME;
import static io.journeys.Columns.FIRST_SEEN;
import static io.journeys.Columns.LAST_SEEN;
import static io.journeys.Columns.USER_ID;
import static io.journeys.Columns.VISITOR_ID;
import static io.journeys.Columns.VISITOR_KEY;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.to_date;

import io.delta.tables.DeltaTable;
import io.journeys.io.DeltaTableWriter;
import io.journeys.io.OutputTable;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Device to user links (SPEC §4 identity). Each (visitor_id, user_id) pair seen in valid events
 * is merged into {@code identities}: first_seen is the earliest, last_seen the latest sighting.
 *
 * <p>The MERGE condition carries a predicate on the partition column {@code last_seen_date}: only
 * links last seen from the first rewritten day on are matched, so a daily run reads a few
 * partitions, not the whole table. A link last seen earlier that shows up again gets a new row
 * (its first_seen is then the new sighting); stitching takes each device's most recent user, so
 * the extra row changes no visitor_key.
 */
public final class IdentityLinks {
  private final SparkSession spark;
  private final DeltaTableWriter writer;

  public IdentityLinks(SparkSession spark, DeltaTableWriter writer) {
    this.spark = spark;
    this.writer = writer;
  }

  /** Pairs seen in {@code events}, one row each. */
  public static Dataset<Row> links(Dataset<Row> events) {
    return events
        .filter(col(USER_ID).isNotNull())
        .groupBy(VISITOR_ID, USER_ID)
        .agg(min(EVENT_TIME).as(FIRST_SEEN), max(EVENT_TIME).as(LAST_SEEN))
        .withColumn("last_seen_date", to_date(col(LAST_SEEN)));
  }

  /** Merges the links of {@code events}; returns the number of links merged. */
  public long merge(Dataset<Row> events, LocalDate firstRewritten, LocalDate lastRewritten) {
    writer.ensureTable(OutputTable.IDENTITIES);
    Dataset<Row> links = DeltaTableWriter.conform(OutputTable.IDENTITIES, links(events)).cache();
    try {
      long n = links.count();
      String path = writer.locations().path(OutputTable.IDENTITIES);
      DeltaTable.forPath(spark, path)
          .as("t")
          .merge(
              links.as("s"),
              "t.last_seen_date >= DATE'" + firstRewritten.minusDays(1) + "'"
                  + " AND t.visitor_id = s.visitor_id AND t.user_id = s.user_id")
          .whenMatched()
          .updateExpr(
              Map.of(
                  "first_seen", "least(t.first_seen, s.first_seen)",
                  "last_seen", "greatest(t.last_seen, s.last_seen)",
                  "last_seen_date", "greatest(t.last_seen_date, s.last_seen_date)"))
          .whenNotMatched()
          .insertAll()
          .execute();
      return n;
    } finally {
      links.unpersist();
    }
  }

  /**
   * Re-keys rows by the device's user as known at the end of each row's date: among the links
   * first seen by then, the one seen most recently (sightings after that date not counted). So the
   * stage-1 tables of a day are the same whether it ran alone or inside a backfill range.
   *
   * @param key columns that identify a row (the aggregation key after the link join)
   */
  public Dataset<Row> stitchAsOf(Dataset<Row> rows, String dateColumn, boolean stitching, String... key) {
    if (!stitching) {
      return rows.withColumn(VISITOR_KEY, col(VISITOR_ID));
    }
    Dataset<Row> links = spark.read().format("delta").load(writer.locations().path(OutputTable.IDENTITIES))
        .select(col(VISITOR_ID).as("link_visitor"), col(USER_ID).as("link_user"), col(FIRST_SEEN).as("link_first"),
            col(LAST_SEEN).as("link_last"));
    org.apache.spark.sql.Column dayEnd = org.apache.spark.sql.functions.date_add(col(dateColumn), 1).cast("timestamp");
    org.apache.spark.sql.Column[] keyColumns =
        java.util.Arrays.stream(key).map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new);
    Dataset<Row> keys =
        rows.select(java.util.stream.Stream.concat(java.util.Arrays.stream(keyColumns), java.util.stream.Stream.of(dayEnd.as("key_day_end")))
                .toArray(org.apache.spark.sql.Column[]::new))
            .join(links, col(VISITOR_ID).equalTo(col("link_visitor")).and(col("link_first").lt(col("key_day_end"))))
            .groupBy(keyColumns)
            .agg(max_by(col("link_user"), org.apache.spark.sql.functions.least(col("link_last"), col("key_day_end"))).as(VISITOR_KEY));
    return rows.drop(VISITOR_KEY).join(keys, key, "left")
        .withColumn(VISITOR_KEY, org.apache.spark.sql.functions.coalesce(col(VISITOR_KEY), col(VISITOR_ID)));
  }

  /**
   * The stitched key of every linked device: its most recent user_id. Devices without a link are
   * absent (their key is their visitor_id). Empty when stitching is off.
   */
  public Dataset<Row> visitorKeys(boolean stitching) {
    Dataset<Row> identities = spark.read().format("delta").load(writer.locations().path(OutputTable.IDENTITIES));
    Dataset<Row> keys =
        identities.groupBy(VISITOR_ID).agg(max_by(col(USER_ID), col(LAST_SEEN)).as(VISITOR_KEY));
    return stitching ? keys : keys.limit(0);
  }
}
