package io.journeys.report;

import static io.journeys.Columns.CHANNEL;
import static io.journeys.Columns.DATE;
import static io.journeys.Columns.EVENT_DATE;
import static io.journeys.Columns.KIND;
import static io.journeys.Columns.MACRO_CONVERSIONS;
import static io.journeys.Columns.MICRO_CONVERSIONS;
import static io.journeys.Columns.SESSIONS;
import static io.journeys.Columns.SESSION_DATE;
import static io.journeys.Columns.VALUE;
import static io.journeys.Columns.VISITORS;
import static io.journeys.Columns.VISITOR_KEY;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.journeys.Columns;
import io.journeys.spark.OrderFreeSums;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code channel_performance} table: per day and session channel, sessions started, distinct
 * visitors, and the micro and macro conversions (with value) that happened that day in sessions of
 * the channel.
 */
public final class ChannelPerformanceReport {
  private ChannelPerformanceReport() {}

  /**
   * {@code defaultChannel} ({@code channels.default}) stands for a channel the stored rows lack: the
   * classifier gives every session one, but a row written without it would otherwise be a NULL
   * channel of its own, or, as it was, a channel named Other that no config names.
   */
  public static Dataset<Row> performance(Dataset<Row> sessions, Dataset<Row> conversions, String defaultChannel) {
    Dataset<Row> bySessions =
        sessions.groupBy(col(SESSION_DATE).as(DATE), coalesce(col(CHANNEL), lit(defaultChannel)).as(CHANNEL))
            .agg(count(lit(1)).as(SESSIONS), count_distinct(col(VISITOR_KEY)).as(VISITORS));
    Dataset<Row> byConversions =
        conversions.groupBy(col(EVENT_DATE).as(DATE), coalesce(col(CHANNEL), lit(defaultChannel)).as(CHANNEL))
            .agg(count_if(col(KIND).equalTo("micro")).as(MICRO_CONVERSIONS),
                count_if(col(KIND).equalTo("macro")).as(MACRO_CONVERSIONS),
                OrderFreeSums.sum(when(col(KIND).equalTo("macro"), col(VALUE))).as(VALUE));
    return bySessions
        .join(byConversions, new String[] {DATE, CHANNEL}, "full_outer")
        .select(col(DATE), col(CHANNEL),
            coalesce(col(SESSIONS), lit(0L)).as(SESSIONS), coalesce(col(VISITORS), lit(0L)).as(VISITORS),
            coalesce(col(MICRO_CONVERSIONS), lit(0L)).as(MICRO_CONVERSIONS),
            coalesce(col(MACRO_CONVERSIONS), lit(0L)).as(MACRO_CONVERSIONS),
            coalesce(col(VALUE), lit(0.0)).as(Columns.VALUE));
  }
}
