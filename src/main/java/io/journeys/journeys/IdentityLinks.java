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
   * first seen by then, the one seen most recently (sightings after that date not counted; ties
   * to the greater user_id). So the stage-1 tables of a day are the same whether it ran alone or
   * inside a backfill range. Rows must be dated within [first, last].
   *
   * <p>The key depends only on the device and the date, so it is computed from the links and the
   * run's dates alone, one row per linked device and date, and joined to the rows once: the rows
   * themselves are read once and, when the links are small, not exchanged at all.
   */
  public Dataset<Row> stitchAsOf(Dataset<Row> rows, String dateColumn, boolean stitching, LocalDate first, LocalDate last) {
    if (!stitching) {
      return rows.withColumn(VISITOR_KEY, col(VISITOR_ID));
    }
    Dataset<Row> links = spark.read().format("delta").load(writer.locations().path(OutputTable.IDENTITIES));
    Dataset<Row> keys = keysAsOf(links, first, last);
    Dataset<Row> joined = rows.drop(VISITOR_KEY).join(keys,
        rows.col(VISITOR_ID).equalTo(keys.col("key_visitor")).and(rows.col(dateColumn).equalTo(keys.col("key_date"))), "left");
    return joined
        .withColumn(VISITOR_KEY, org.apache.spark.sql.functions.coalesce(col("key_user"), col(VISITOR_ID)))
        .drop("key_visitor", "key_date", "key_user");
  }

  /** Per linked device and date in [first, last]: key_visitor, key_date, key_user. */
  static Dataset<Row> keysAsOf(Dataset<Row> links, LocalDate first, LocalDate last) {
    Dataset<Row> dates = links.sparkSession()
        .sql("SELECT explode(sequence(DATE'" + first + "', DATE'" + last + "')) AS key_date");
    org.apache.spark.sql.Column dayEnd = org.apache.spark.sql.functions.date_add(col("key_date"), 1).cast("timestamp");
    return links
        .select(col(VISITOR_ID), col(USER_ID), col(FIRST_SEEN), col(LAST_SEEN))
        .crossJoin(org.apache.spark.sql.functions.broadcast(dates))
        .filter(col(FIRST_SEEN).lt(dayEnd))
        .groupBy(col(VISITOR_ID).as("key_visitor"), col("key_date"))
        .agg(max_by(col(USER_ID), org.apache.spark.sql.functions.struct(
            org.apache.spark.sql.functions.least(col(LAST_SEEN), dayEnd), col(USER_ID))).as("key_user"));
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
