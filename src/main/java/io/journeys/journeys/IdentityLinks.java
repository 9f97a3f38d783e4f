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
