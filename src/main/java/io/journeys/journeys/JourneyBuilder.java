package io.journeys.journeys;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.CONVERTED;
import static io.journeys.Columns.DAYS_TO_CONVERT;
import static io.journeys.Columns.EVENT_ID;
import static io.journeys.Columns.EXIT_TOUCHPOINT;
import static io.journeys.Columns.JOURNEY_END;
import static io.journeys.Columns.JOURNEY_ID;
import static io.journeys.Columns.JOURNEY_START;
import static io.journeys.Columns.MACRO_CONVERSION;
import static io.journeys.Columns.PATH;
import static io.journeys.Columns.SESSIONS_TO_CONVERT;
import static io.journeys.Columns.SESSION_ID;
import static io.journeys.Columns.TOUCHPOINTS;
import static io.journeys.Columns.TOUCHPOINT_TIMES;
import static io.journeys.Columns.VALUE;
import static io.journeys.Columns.VISITOR_KEY;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.journeys.Columns;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Builds closed journeys (SPEC §4) from a stitched timeline of touchpoints and macro conversions.
 *
 * <p>Per visitor_key in time order (touchpoints before a macro conversion at the same instant,
 * then by event id), the timeline is cut after every macro conversion and after every event
 * followed by nothing within {@code lookback}. Each piece is one journey:
 *
 * <ul>
 *   <li>ending in a macro conversion: a converting journey, closed at the conversion, holding the
 *       piece's touchpoints at most {@code lookback} before it (possibly none: credited to
 *       {@code (none)});
 *   <li>ending in a touchpoint: a non-converting journey, closed at last touchpoint + lookback,
 *       holding the piece's touchpoints at most {@code lookback} before its last one; it is closed
 *       only if nothing follows within the lookback, which the input must cover.
 * </ul>
 *
 * Only journeys whose close day (in the reporting time zone) lies in [from, to] are returned, so a
 * range gives the rows of its days run one by one, provided the input reaches {@code 2 × lookback}
 * before {@code from}. Windows are per visitor_key; one collect per journey, which lookback bounds;
 * only the visitors who can have a journey closing in the range are ordered and grouped.
 */
public final class JourneyBuilder {
  /** Timeline columns: visitor_key, event_time, is_macro, name, session_id, event_id, value. */
  public static final String TIME = "t";
  public static final String IS_MACRO = "is_macro";
  public static final String NAME = "name";

  private final long lookbackMicros;
  private final ZoneId zone;

  public JourneyBuilder(Duration lookback, ZoneId zone) {
    this.lookbackMicros = lookback.toNanos() / 1000;
    this.zone = zone;
  }

  public Dataset<Row> build(Dataset<Row> timeline, LocalDate from, LocalDate to) {
    return build(timeline, closingVisitors(timeline, from, to), from, to);
  }

  /**
   * Journeys closing on [from, to] of the given visitors only.
   *
   * @param closingVisitors {@link #closingVisitors} of the timeline or of any part of it that holds
   *     every row able to close a journey on [from, to] (see {@link #closingDates})
   */
  public Dataset<Row> build(Dataset<Row> timeline, Dataset<Row> closingVisitors, LocalDate from, LocalDate to) {
    return journeys(timeline.join(closingVisitors, new String[] {VISITOR_KEY}, "left_semi"), from, to);
  }

  Dataset<Row> closingIn(Dataset<Row> timeline, LocalDate from, LocalDate to) {
    return timeline.join(closingVisitors(timeline, from, to), new String[] {VISITOR_KEY}, "left_semi");
  }

  /**
   * The visitors who can have a journey closing on [from, to] ({@code visitor_key}): a journey
   * closes at its macro conversion, or lookback after its last touchpoint, so such a visitor has a
   * macro conversion in the range or a touchpoint in the range moved back by lookback. The others'
   * journeys all close on other days: their rows are dropped before the shuffle, so a daily run on
   * a long history orders and groups the few visitors closing that day, not all of them.
   */
  public Dataset<Row> closingVisitors(Dataset<Row> candidates, LocalDate from, LocalDate to) {
    java.time.Instant start = from.atStartOfDay(zone).toInstant();
    java.time.Instant end = to.plusDays(1).atStartOfDay(zone).toInstant();
    java.time.Instant touchStart = start.minusNanos(lookbackMicros * 1000);
    java.time.Instant touchEnd = end.minusNanos(lookbackMicros * 1000);
    Column closing =
        when(col(IS_MACRO), col(TIME).geq(instant(start)).and(col(TIME).lt(instant(end))))
            .otherwise(col(TIME).geq(instant(touchStart)).and(col(TIME).lt(instant(touchEnd))));
    return candidates.filter(closing).select(col(VISITOR_KEY)).distinct();
  }

  /**
   * A filter on a row's date (its time's day in the reporting zone) that keeps every row able to
   * close a journey on [from, to]: macro conversions on those days, touchpoints lookback earlier.
   */
  public Column closingDates(Column date, LocalDate from, LocalDate to) {
    java.time.Instant start = from.atStartOfDay(zone).toInstant();
    java.time.Instant end = to.plusDays(1).atStartOfDay(zone).toInstant();
    LocalDate touchFirst = LocalDate.ofInstant(start.minusNanos(lookbackMicros * 1000), zone);
    LocalDate touchLast = LocalDate.ofInstant(end.minusNanos(lookbackMicros * 1000 + 1000), zone);
    return date.between(java.sql.Date.valueOf(from), java.sql.Date.valueOf(to))
        .or(date.between(java.sql.Date.valueOf(touchFirst), java.sql.Date.valueOf(touchLast)));
  }

  private static Column instant(java.time.Instant instant) {
    return lit(java.sql.Timestamp.from(instant));
  }

  /** Journeys closing on [from, to] among every visitor of {@code timeline}. */
  Dataset<Row> journeys(Dataset<Row> timeline, LocalDate from, LocalDate to) {
    WindowSpec ordered = Window.partitionBy(VISITOR_KEY).orderBy(col(TIME), col(IS_MACRO), col(EVENT_ID));
    Column micros = unix_micros(col(TIME));
    Column nextMicros = lead(micros, 1).over(ordered);
    Column cutAfter = col(IS_MACRO).or(nextMicros.isNull()).or(nextMicros.minus(micros).gt(lookbackMicros));
    Dataset<Row> pieces =
        timeline
            .withColumn("cut_after", cutAfter)
            .withColumn("piece", sum(when(lag(col("cut_after"), 1, false).over(ordered), 1).otherwise(0)).over(ordered));

    Column touch = struct(col(TIME).as("t"), col(NAME).as("name"), col(SESSION_ID).as("session_id"));
    Dataset<Row> grouped =
        pieces
            .groupBy(col(VISITOR_KEY), col("piece"))
            .agg(
                collect_list(when(col(IS_MACRO).equalTo(false), touch)).as("touches"),
                max_by(struct(col(TIME).as("t"), col(IS_MACRO).as("is_macro"), col(NAME).as("name"),
                        col(EVENT_ID).as("event_id"), col(VALUE).as("value"), col(SESSION_ID).as("session_id")),
                    struct(col(TIME), col(IS_MACRO), col(EVENT_ID))).as("last"));

    Column converted = col("last.is_macro");
    Column lastTouchMicros = unix_micros(col("last.t"));
    Column closeMicros = when(converted, lastTouchMicros).otherwise(lastTouchMicros.plus(lookbackMicros));
    Column closeInstant = timestamp_micros(closeMicros);
    Column closeDate = to_date(from_utc_timestamp(closeInstant, zone.getId()));
    Column windowStart = closeMicros.minus(when(converted, lookbackMicros).otherwise(2 * lookbackMicros));
    Dataset<Row> closed =
        grouped
            .withColumn(CONVERTED, converted)
            .withColumn(CLOSE_DATE, closeDate)
            .filter(col(CLOSE_DATE).between(java.sql.Date.valueOf(from), java.sql.Date.valueOf(to)))
            .withColumn("close_instant", closeInstant)
            .withColumn("window_start", windowStart);

    Column kept = array_sort(filter(col("touches"), x -> unix_micros(x.getField("t")).geq(col("window_start"))));
    Dataset<Row> journeys =
        closed
            .withColumn("kept", kept)
            .withColumn(TOUCHPOINTS, transform(col("kept"), x -> x.getField("name")))
            .withColumn(TOUCHPOINT_TIMES, transform(col("kept"), x -> x.getField("t")))
            .withColumn(MACRO_CONVERSION, when(converted, col("last.name")))
            .withColumn(VALUE, when(converted, col("last.value")))
            .withColumn(PATH, when(size(col(TOUCHPOINTS)).gt(0), array_join(col(TOUCHPOINTS), Columns.PATH_SEPARATOR))
                .otherwise(lit(Columns.NO_TOUCHPOINT)))
            .withColumn(JOURNEY_START, try_element_at(col(TOUCHPOINT_TIMES), lit(1)))
            .withColumn(JOURNEY_END, col("last.t"))
            .withColumn(EXIT_TOUCHPOINT, try_element_at(col(TOUCHPOINTS), lit(-1)))
            .withColumn(DAYS_TO_CONVERT,
                when(converted.and(size(col(TOUCHPOINTS)).gt(0)),
                    unix_micros(col("last.t")).minus(unix_micros(col(JOURNEY_START))).divide(86_400_000_000.0)))
            .withColumn(SESSIONS_TO_CONVERT,
                size(array_distinct(array_compact(org.apache.spark.sql.functions.concat(
                    transform(col("kept"), x -> x.getField("session_id")),
                    org.apache.spark.sql.functions.array(when(converted, col("last.session_id"))))))))
            .withColumn(JOURNEY_ID,
                substring(sha2(concat_ws("|", col(VISITOR_KEY), closeMicros.cast("string"),
                    coalesce(when(converted, col("last.event_id")), lit(""))), 256), 1, 32));
    return journeys.select(
        CLOSE_DATE, JOURNEY_ID, VISITOR_KEY, CONVERTED, MACRO_CONVERSION, VALUE, PATH, TOUCHPOINTS, TOUCHPOINT_TIMES,
        JOURNEY_START, JOURNEY_END, EXIT_TOUCHPOINT, DAYS_TO_CONVERT, SESSIONS_TO_CONVERT);
  }

}
