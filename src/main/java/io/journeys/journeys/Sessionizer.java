package io.journeys.journeys;

import static io.journeys.Columns.EVENT_ID;
import static io.journeys.Columns.EVENT_TIME;
import static io.journeys.Columns.PAGE_URL;
import static io.journeys.Columns.REFERRER_URL;
import static io.journeys.Columns.SESSION_ID;
import static io.journeys.Columns.SESSION_START;
import static io.journeys.Columns.UTM_CAMPAIGN;
import static io.journeys.Columns.UTM_MEDIUM;
import static io.journeys.Columns.UTM_SOURCE;
import static io.journeys.Columns.VISITOR_ID;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.first_value;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.last_value;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.journeys.config.JobSettings.SessionSettings;
import io.journeys.config.JobSettings.SessionSource;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Marks duplicates and assigns sessions on events already partitioned by {@code visitor_id}
 * (the stage's one shuffle): every window here is partitioned by the visitor, so Spark sorts
 * within partitions but exchanges nothing, and no visitor's events are ever gathered into a list.
 *
 * <p>Sessions (SPEC §4), per device in time order (ties by event_id): a new session starts at the
 * first event, after a gap longer than {@code sessions.timeout} (a gap of exactly the timeout
 * stays), or when an event carries a campaign (any of utm source / medium / campaign) that differs
 * from the last campaign seen earlier in the same inactivity session (so a direct session that
 * turns into a campaign visit splits, while later events without utm fields do not). With {@code
 * sessions.source = input} the tracker's session id is followed instead: a new session starts
 * when it changes. {@code session_id} is the tracker's id in that mode, else a hash of the device
 * and the session start, so reruns give the same ids.
 */
public final class Sessionizer {
  /** True for every copy of an event id after the first by time. */
  public static final String DUPLICATE = "duplicate";

  public static final String FIRST_PAGE_URL = "first_page_url";
  public static final String FIRST_REFERRER_URL = "first_referrer_url";
  public static final String FIRST_UTM_SOURCE = "first_utm_source";
  public static final String FIRST_UTM_MEDIUM = "first_utm_medium";
  public static final String FIRST_UTM_CAMPAIGN = "first_utm_campaign";
  static final String SESSION_NO = "session_no";
  static final String IN_SESSION_ORDER = "in_session_order";

  private final SessionSettings settings;

  public Sessionizer(SessionSettings settings) {
    this.settings = settings;
  }

  /** Adds {@link #DUPLICATE}: duplicates of an event id on a device, the first by time kept. */
  public static Dataset<Row> markDuplicates(Dataset<Row> events) {
    WindowSpec byId = Window.partitionBy(VISITOR_ID, EVENT_ID).orderBy(col(EVENT_TIME), col(EventsColumns.EVENT_TIME_RAW));
    return events.withColumn(DUPLICATE, row_number().over(byId).gt(1));
  }

  /**
   * Adds session_no, session_id, session_start and the first event's page, referrer and campaign
   * to every event.
   */
  public Dataset<Row> sessionize(Dataset<Row> events) {
    WindowSpec timeline = Window.partitionBy(VISITOR_ID).orderBy(EVENT_TIME, EVENT_ID);
    long timeoutMicros = settings.timeout().toNanos() / 1000;
    Column previousTime = lag(col(EVENT_TIME), 1).over(timeline);
    Column gapStart = previousTime.isNull().or(unix_micros(col(EVENT_TIME)).minus(unix_micros(previousTime)).gt(timeoutMicros));

    Dataset<Row> marked;
    if (settings.source() == SessionSource.INPUT) {
      Column previousId = lag(col(SESSION_ID), 1).over(timeline);
      marked = events.withColumn("new_session",
          previousTime.isNull().or(not(coalesce(col(SESSION_ID), lit("")).eqNullSafe(coalesce(previousId, lit(""))))));
    } else {
      Column campaign =
          when(col(UTM_SOURCE).isNotNull().or(col(UTM_MEDIUM).isNotNull()).or(col(UTM_CAMPAIGN).isNotNull()),
              concat_ws("\u0001", coalesce(col(UTM_SOURCE), lit("")), coalesce(col(UTM_MEDIUM), lit("")),
                  coalesce(col(UTM_CAMPAIGN), lit(""))));
      WindowSpec earlierInGapSession =
          Window.partitionBy(VISITOR_ID, "gap_session").orderBy(EVENT_TIME, EVENT_ID)
              .rowsBetween(Window.unboundedPreceding(), -1);
      marked =
          events
              .withColumn("gap_start", gapStart)
              .withColumn("gap_session", sum(when(col("gap_start"), 1).otherwise(0)).over(timeline))
              .withColumn("campaign", campaign)
              .withColumn("previous_campaign", last_value(col("campaign"), lit(true)).over(earlierInGapSession))
              .withColumn("new_session",
                  col("gap_start").or(col("campaign").isNotNull().and(not(col("campaign").eqNullSafe(col("previous_campaign"))))))
              .drop("gap_start", "gap_session", "campaign", "previous_campaign");
    }
    Dataset<Row> numbered =
        marked.withColumn(SESSION_NO, sum(when(col("new_session"), 1).otherwise(0)).over(timeline)).drop("new_session");

    WindowSpec session = Window.partitionBy(VISITOR_ID, SESSION_NO).orderBy(EVENT_TIME, EVENT_ID);
    WindowSpec wholeSession = session.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    Column hashedId =
        substring(sha2(concat_ws("|", col(VISITOR_ID), unix_micros(col(SESSION_START)).cast("string")), 256), 1, 32);
    Column sessionId =
        settings.source() == SessionSource.INPUT ? coalesce(col(SESSION_ID), hashedId) : hashedId;
    return numbered
        .withColumn(SESSION_START, min(col(EVENT_TIME)).over(Window.partitionBy(VISITOR_ID, SESSION_NO)))
        .withColumn(IN_SESSION_ORDER, row_number().over(session))
        .withColumn(FIRST_PAGE_URL, first_value(col(PAGE_URL)).over(wholeSession))
        .withColumn(FIRST_REFERRER_URL, first_value(col(REFERRER_URL)).over(wholeSession))
        .withColumn(FIRST_UTM_SOURCE, first_value(col(UTM_SOURCE)).over(wholeSession))
        .withColumn(FIRST_UTM_MEDIUM, first_value(col(UTM_MEDIUM)).over(wholeSession))
        .withColumn(FIRST_UTM_CAMPAIGN, first_value(col(UTM_CAMPAIGN)).over(wholeSession))
        .withColumn(SESSION_ID, sessionId);
  }

  /** Column names shared with the reader, kept here to avoid a dependency cycle in javadoc. */
  static final class EventsColumns {
    static final String EVENT_TIME_RAW = io.journeys.io.EventReader.EVENT_TIME_RAW;
  }
}
