package io.journeys.journeys;

import static io.journeys.Columns.EVENT_DATE;
import static io.journeys.Columns.EVENT_ID;
import static io.journeys.Columns.EVENT_NAME;
import static io.journeys.Columns.EVENT_TIME;
import static io.journeys.Columns.RAW;
import static io.journeys.Columns.REASON;
import static io.journeys.Columns.SESSION_ID;
import static io.journeys.Columns.USER_ID;
import static io.journeys.Columns.UTM_CAMPAIGN;
import static io.journeys.Columns.UTM_MEDIUM;
import static io.journeys.Columns.UTM_SOURCE;
import static io.journeys.Columns.VISITOR_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.journeys.io.EventReader;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Row-level validation (SPEC §2): gives every event a quarantine {@code reason} (null when valid)
 * and, for rejected rows only, the input row as JSON in {@code raw}; a blank {@code user_id} becomes
 * null. The first failing check wins, in the order of {@link #REASONS}. Bad rows never stop the run
 * and are never silently dropped.
 */
public final class EventValidator {
  public static final String MISSING_EVENT_ID = "missing_event_id";
  public static final String MISSING_VISITOR_ID = "missing_visitor_id";
  public static final String MISSING_EVENT_TIME = "missing_event_time";
  public static final String UNPARSEABLE_EVENT_TIME = "unparseable_event_time";
  public static final String FUTURE_EVENT_TIME = "future_event_time";
  public static final String TOO_OLD_EVENT_TIME = "too_old_event_time";
  public static final String ARRIVED_TOO_LATE = "arrived_too_late";
  public static final String MISSING_EVENT_NAME = "missing_event_name";

  /** A JSON line Spark could not parse: quarantine.raw holds its text. */
  public static final String MALFORMED_RECORD = "malformed_record";

  /** Every reason, in the order they are checked. */
  public static final List<String> REASONS =
      List.of(MALFORMED_RECORD, MISSING_EVENT_ID, MISSING_VISITOR_ID, MISSING_EVENT_TIME, UNPARSEABLE_EVENT_TIME, FUTURE_EVENT_TIME,
          TOO_OLD_EVENT_TIME, ARRIVED_TOO_LATE, MISSING_EVENT_NAME);

  private static final String DAYS_AFTER_PARTITION = "_days_after_partition";

  private final Timestamp earliestAllowed;
  private final int lateDays;
  private final int readBack;
  private final ZoneId zone;

  /**
   * An event has arrived too late when its date (in {@code zone}) is before its input partition's
   * date minus {@code lateDays}: no run that reads that partition for its own dates rewrites the
   * event's date, so without this reason it would be counted as read and valid and land in no
   * table. Its mirror is future-dated: an event dated more than {@code readBack − lateDays} days
   * after its partition's date (a device clock ahead). A date is written last by the run {@code
   * lateDays} after it, which reads from {@code readBack} days before its first date, so from
   * {@code readBack − lateDays} days before that date: an event dated later than that after its
   * partition was kept by the runs that read its partition, then left out by the last one to write
   * its date (a review; the bound was {@code readBack}, the last date a run reading the partition
   * writes).
   *
   * <p>Both are properties of the row, so every run that reads it agrees. Until 2026-12-07 an event
   * later, by {@code input.future-tolerance}, than both the run's wall clock and its partition's
   * UTC day was future-dated too: with no late day the run that last counts a partition (and keeps
   * its quarantine) starts before such an event's time, and the next day's run, which writes the
   * event's date, starts after it, so one event was quarantined and kept (a review). Rows without
   * a partition date get neither check; the job reads only partitioned input ({@link
   * io.journeys.io.EventReader}).
   *
   * @param readBack how many days before the first date it writes a run reads partitions from
   */
  public EventValidator(Instant minEventTime, int lateDays, int readBack, ZoneId zone) {
    this.earliestAllowed = Timestamp.from(minEventTime);
    this.lateDays = lateDays;
    this.readBack = readBack;
    this.zone = zone;
  }

  /** Adds {@code reason} and {@code raw}; drops the carried input row. */
  public Dataset<Row> validate(Dataset<Row> events) {
    List<String> columns = java.util.Arrays.asList(events.columns());
    // Without the raw text (a timestamp input column), a missing time is a null one.
    Column missingTime = columns.contains(EventReader.EVENT_TIME_RAW)
        ? blank(EventReader.EVENT_TIME_RAW)
        : col(EVENT_TIME).isNull();
    // The event's date less its partition's, once a row for both checks (the zone conversion is a
    // row's dearest check); without a partition date (no input layout of the job's) none.
    boolean partitioned = columns.contains(EVENT_DATE);
    Column daysAfterPartition = partitioned ? col(DAYS_AFTER_PARTITION) : lit(null).cast("int");
    // Spark keeps the text of a JSON line it could not parse in a column of its own (in
    // the input row only when the reader met one or was given a schema), the row's fields null.
    String corrupt = EventReader.corruptRecordColumn(events.sparkSession());
    boolean withCorrupt = columns.contains(EventReader.INPUT_ROW)
        && events.schema().apply(EventReader.INPUT_ROW).dataType() instanceof org.apache.spark.sql.types.StructType row
        && List.of(row.fieldNames()).contains(corrupt);
    // A line of one wrongly typed field (a text where input.schema says DOUBLE) keeps its other
    // fields and sets the column too: it is judged on those fields, as before, and only a line
    // that gave none of the required ones is malformed (a review).
    Column malformed = withCorrupt
        ? col(EventReader.INPUT_ROW).getField(corrupt).isNotNull().and(blank(EVENT_ID)).and(blank(VISITOR_ID))
            .and(missingTime).and(blank(EVENT_NAME))
        : lit(false);
    Column reason =
        when(malformed, lit(MALFORMED_RECORD))
            .when(blank(EVENT_ID), lit(MISSING_EVENT_ID))
            .when(blank(VISITOR_ID), lit(MISSING_VISITOR_ID))
            .when(missingTime, lit(MISSING_EVENT_TIME))
            .when(col(EVENT_TIME).isNull(), lit(UNPARSEABLE_EVENT_TIME))
            .when(daysAfterPartition.gt(readBack - lateDays), lit(FUTURE_EVENT_TIME))
            .when(col(EVENT_TIME).lt(lit(earliestAllowed)), lit(TOO_OLD_EVENT_TIME))
            .when(daysAfterPartition.lt(-lateDays), lit(ARRIVED_TOO_LATE))
            .when(blank(EVENT_NAME), lit(MISSING_EVENT_NAME));
    Dataset<Row> dated = partitioned
        ? events.withColumn(DAYS_AFTER_PARTITION, datediff(ReportingDate.of(col(EVENT_TIME), zone), col(EVENT_DATE)))
        : events;
    // A blank user_id is no user: exports write "" for a visitor not logged in, and as an id it
    // stitched every such device into one user.
    Dataset<Row> normalised = columns.contains(USER_ID)
        ? dated.withColumn(USER_ID, when(not(blank(USER_ID)), col(USER_ID)))
        : dated;
    // A blank utm field is none too: "" after events without utm fields started a session of a
    // campaign of nothing, which the Direct rule (utm_source IS NULL) then did not match (a review).
    // So is a blank tracker session id: with sessions.source = input " " cut the session in
    // progress in three, where a missing id keeps the event in it (a review).
    for (String optional : List.of(UTM_SOURCE, UTM_MEDIUM, UTM_CAMPAIGN, SESSION_ID)) {
      if (columns.contains(optional)) {
        normalised = normalised.withColumn(optional, when(not(blank(optional)), col(optional)));
      }
    }
    return normalised
        .withColumn(REASON, reason)
        // The corrupt-record column only where it holds a line: every other row of a JSON input
        // read with input.schema had it as null in raw (a review).
        .withColumn(RAW, when(col(REASON).isNotNull(), withCorrupt
            ? when(col(EventReader.INPUT_ROW).getField(corrupt).isNull(),
                to_json(col(EventReader.INPUT_ROW).dropFields(scala.jdk.javaapi.CollectionConverters.asScala(List.of(corrupt)).toList()),
                    io.journeys.spark.LosslessJson.OPTIONS))
                .otherwise(to_json(col(EventReader.INPUT_ROW), io.journeys.spark.LosslessJson.OPTIONS))
            : to_json(col(EventReader.INPUT_ROW), io.journeys.spark.LosslessJson.OPTIONS)))
        .drop(EventReader.INPUT_ROW, DAYS_AFTER_PARTITION);
  }

  /**
   * Null, empty or only white space: ASCII's, and Unicode's separators (a no-break space, an
   * ideographic space), a zero-width space and a byte-order mark. Spark's {@code trim} removes only
   * the space, so an id of a tab or a no-break space was an id, one device of every such row (a
   * review). Every row of every required column goes through this: a value that is empty or
   * starts with an ASCII letter or digit is settled by its length and first byte; only the rare
   * one that does not is matched whole. Counting the characters of each trimmed value ({@code length})
   * took 2% of a run's CPU at 5 M events.
   */
  private static Column blank(String column) {
    Column value = col(column);
    // Strings compare by their UTF-8 bytes: below "!" starts with a space or a control character,
    // from U+00A0 on with a character beyond ASCII; ids start with neither.
    Column mayBeBlank = value.lt(lit("!")).or(value.geq(lit("\u00A0")));
    return value.isNull().or(value.equalTo(lit(""))).or(mayBeBlank.and(value.rlike(ONLY_BLANK)));
  }

  /**
   * Java's \s is ASCII's white space, U+001C to U+001F the rest of what Character.isWhitespace
   * counts, \p{Z} Unicode's separators; \z, since $ also matches before a final line terminator.
   */
  static final String ONLY_BLANK = "^[\\s\\x{1C}-\\x{1F}\\p{Z}\\x{200B}\\x{FEFF}]*\\z";
}
