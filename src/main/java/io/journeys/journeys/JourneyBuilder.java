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
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.journeys.Columns;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

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
 * A match of a per-journey rule ({@link #MIN_COUNT} set) counts toward its rule in the piece; the
 * match that reaches the rule's count is a touchpoint of the piece, once per piece. Matches do not
 * extend or cut a piece (see {@link JourneyWalk}).
 *
 * <p>Only journeys whose close day (in the reporting time zone) lies in [from, to] are returned, so a
 * range gives the rows of its days run one by one, provided the input reaches {@code 2 × lookback}
 * before {@code from}. A timeline cut into key segments ({@link KeySegments}) is walked per
 * (visitor_key, segment), each closing only the journeys of its segment's dates. The timeline is shuffled once by visitor_key and each partition walked in
 * order ({@link JourneyWalk}), holding one piece's touchpoints at a time, which lookback bounds;
 * only the visitors who can have a journey closing in the range are shuffled and walked.
 */
public final class JourneyBuilder {
  /** Timeline columns: visitor_key, event_time, is_macro, name, session_id, event_id, value. */
  public static final String TIME = "t";
  public static final String IS_MACRO = "is_macro";
  public static final String NAME = "name";
  /** On the matches of per-journey rules only: the rule's count; a timeline may lack the column. */
  public static final String MIN_COUNT = "min_count";

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
    List<String> columns = Arrays.asList(timeline.columns());
    // A segmented timeline (KeySegments) closes each copy's journeys on its own dates only.
    boolean segmented = columns.contains(KeySegments.SEG_FROM);
    Column segStart = segmented ? unix_micros(ReportingDate.endOf(date_sub(col(KeySegments.SEG_FROM), 1), zone))
        : lit(ReportingDate.startMicros(from, zone));
    Column segEnd = segmented ? unix_micros(ReportingDate.endOf(col(KeySegments.SEG_TO), zone))
        : lit(ReportingDate.startMicros(to.plusDays(1), zone));
    // One shuffle by visitor, then one walk per partition: windows over each piece, a grouping and
    // array lambdas cost several times more per row on the few visitors a daily run closes.
    Dataset<Row> walked =
        timeline
            .select(col(VISITOR_KEY), unix_micros(col(TIME)).as("t"), col(IS_MACRO), col(NAME), col(SESSION_ID),
                col(EVENT_ID), col(VALUE).cast("double").as(VALUE),
                (columns.contains(MIN_COUNT) ? col(MIN_COUNT) : lit(null)).cast("int").as(MIN_COUNT),
                segStart.as("seg_start"), segEnd.as("seg_end"))
            .repartition(col(VISITOR_KEY))
            // The name, then the session: one event firing two macro rules closes two journeys, as does
            // one event id sent by two devices of one user at one instant, and which one the
            // touchpoints go to must not be the input's order (reviews).
            .sortWithinPartitions(col(VISITOR_KEY), col("seg_start"), col("t"), col(IS_MACRO), col(EVENT_ID), col(NAME),
                col(SESSION_ID))
            .mapPartitions(new JourneyWalk(lookbackMicros), Encoders.row(JourneyWalk.OUTPUT));

    Column converted = col("converted");
    Column times = transform(col("touchpoint_micros"), x -> timestamp_micros(x));
    Dataset<Row> journeys =
        walked
            .withColumn(CONVERTED, converted)
            .withColumn(CLOSE_DATE, ReportingDate.of(timestamp_micros(col("close_micros")), zone))
            .withColumn(TOUCHPOINT_TIMES, times)
            .withColumn(MACRO_CONVERSION, when(converted, col("last_name")))
            .withColumn(VALUE, when(converted, col("last_value")))
            .withColumn(PATH, when(size(col(TOUCHPOINTS)).gt(0), array_join(col(TOUCHPOINTS), Columns.PATH_SEPARATOR))
                .otherwise(lit(Columns.NO_TOUCHPOINT)))
            .withColumn(JOURNEY_START, try_element_at(col(TOUCHPOINT_TIMES), lit(1)))
            .withColumn(JOURNEY_END, timestamp_micros(col("last_t")))
            .withColumn(EXIT_TOUCHPOINT, try_element_at(col(TOUCHPOINTS), lit(-1)))
            .withColumn(DAYS_TO_CONVERT,
                when(converted.and(size(col(TOUCHPOINTS)).gt(0)),
                    col("last_t").minus(unix_micros(col(JOURNEY_START))).divide(86_400_000_000.0)))
            .withColumn(SESSIONS_TO_CONVERT, col("sessions"))
            // A converting journey's macro conversion is its event, its rule and its session: one
            // event firing two macro rules, or one event id from two devices, closes two journeys,
            // which had one id (reviews).
            .withColumn(JOURNEY_ID,
                substring(sha2(concat_ws("|", col(VISITOR_KEY), col("close_micros").cast("string"),
                    coalesce(when(converted, concat_ws("|", col("last_event_id"), col("last_name"),
                        col("last_session_id"))), lit(""))), 256),
                    1, 32));
    return journeys.select(
        CLOSE_DATE, JOURNEY_ID, VISITOR_KEY, CONVERTED, MACRO_CONVERSION, VALUE, PATH, TOUCHPOINTS, TOUCHPOINT_TIMES,
        JOURNEY_START, JOURNEY_END, EXIT_TOUCHPOINT, DAYS_TO_CONVERT, SESSIONS_TO_CONVERT);
  }
}
