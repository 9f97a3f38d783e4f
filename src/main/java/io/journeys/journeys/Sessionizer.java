package io.journeys.journeys;

import static io.journeys.Columns.CHANNEL;
import static io.journeys.Columns.EVENT_ID;
import static io.journeys.Columns.EVENT_TIME;
import static io.journeys.Columns.PAGE_URL;
import static io.journeys.Columns.REFERRER_URL;
import static io.journeys.Columns.SESSION_ID;
import static io.journeys.Columns.SESSION_START;
import static io.journeys.Columns.UTM_CAMPAIGN;
import static io.journeys.Columns.UTM_MEDIUM;
import static io.journeys.Columns.UTM_SOURCE;
import static io.journeys.Columns.USER_ID;
import static io.journeys.Columns.VISITOR_ID;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.last_value;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.journeys.Columns;
import io.journeys.config.JobSettings.SessionSettings;
import io.journeys.config.JobSettings.SessionSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  /** True on the last event of its session, which then carries the session's totals. */
  public static final String LAST_IN_SESSION = "last_in_session";
  /** True where the event's user_id starts or ends a run of that user on the device's timeline. */
  public static final String USER_EDGE = "user_edge";
  /** Page views of the session up to and including this event. */
  public static final String PAGE_VIEWS_SO_FAR = "page_views_so_far";
  static final String SESSION_NO = "session_no";
  public static final String IN_SESSION_ORDER = "in_session_order";

  /** The event columns sessions are made of; other columns pass through untouched. */
  public static final List<String> COLUMNS = List.of(VISITOR_ID, EVENT_ID, EVENT_TIME, USER_ID, SESSION_ID, Columns.EVENT_NAME,
      PAGE_URL, REFERRER_URL, UTM_SOURCE, UTM_MEDIUM, UTM_CAMPAIGN);

  private final SessionSettings settings;

  public Sessionizer(SessionSettings settings) {
    this.settings = settings;
  }

  /**
   * Adds {@link #DUPLICATE} to validated rows: among the rows without a quarantine {@code reason},
   * every copy of an event id on a device after the first by time. A quarantined row is never a
   * duplicate, and does not make a valid copy of its id one.
   */
  public static Dataset<Row> markDuplicates(Dataset<Row> validated) {
    String reason = io.journeys.Columns.REASON;
    WindowSpec byId = Window.partitionBy(col(VISITOR_ID), col(EVENT_ID), col(reason).isNull())
        .orderBy(col(EVENT_TIME), col(EventsColumns.EVENT_TIME_RAW));
    return validated.withColumn(DUPLICATE, col(reason).isNull().and(row_number().over(byId).gt(1)));
  }

  /**
   * Adds session_no, session_id, session_start, in_session_order, the first event's page,
   * referrer and campaign, {@link #LAST_IN_SESSION}, {@link #PAGE_VIEWS_SO_FAR} and (when the events
   * have a user_id) {@link #USER_EDGE} to every event.
   *
   * <p>Every window here shares one specification, the device's timeline (visitor partition,
   * time order), so Spark sorts the events once, and they run in three Window operators.
   * Per-session values are read off the timeline instead of from windows partitioned by session
   * (each of which would sort again): a session's first row carries a struct of its values, and
   * later rows take the last such struct seen. A session's last row therefore holds the whole
   * session (end, events, page views), and the sessions table needs no aggregation.
   */
  public Dataset<Row> sessionize(Dataset<Row> events) {
    return sessionize(events, null, null);
  }

  /**
   * As {@link #sessionize(Dataset)}, and adds {@code channel}: the session's, classified on its
   * first event alone (whose own fields are the session's first values) and carried to the rest
   * of the session with the other first-event values.
   */
  public Dataset<Row> sessionize(Dataset<Row> events, ChannelClassifier channels) {
    return sessionize(events, channels, null);
  }

  /**
   * As {@link #sessionize(Dataset, ChannelClassifier)} (channels may be null), and, with a
   * detector, adds its {@link ConversionDetector#FIRED} column: the detector's running counts
   * are computed in the same Window operators, so conversions cost no operator of their own.
   */
  public Dataset<Row> sessionize(Dataset<Row> events, ChannelClassifier channels, ConversionDetector detector) {
    return sessionize(events, channels, detector, null);
  }

  /**
   * As {@link #sessionize(Dataset, ChannelClassifier, ConversionDetector)}, with each device's
   * events split into separate timelines by the value of {@code segment} (when not null): rows of
   * different segments never share a session, so rows that must not take part (say, rejected
   * ones) can ride along in the same pass and be set aside afterwards.
   */
  public Dataset<Row> sessionize(Dataset<Row> events, ChannelClassifier channels, ConversionDetector detector,
      String segment) {
    WindowSpec timeline = (segment == null ? Window.partitionBy(VISITOR_ID) : Window.partitionBy(VISITOR_ID, segment))
        .orderBy(EVENT_TIME, EVENT_ID);
    WindowSpec soFar = timeline.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec before = timeline.rowsBetween(Window.unboundedPreceding(), -1);
    long timeoutMicros = settings.timeout().toNanos() / 1000;
    Column previousTime = lag(col(EVENT_TIME), 1).over(timeline);
    Column nextTime = lead(col(EVENT_TIME), 1).over(timeline);
    Column gapStart = previousTime.isNull().or(unix_micros(col(EVENT_TIME)).minus(unix_micros(previousTime)).gt(timeoutMicros));
    Column gapAfter = nextTime.isNull().or(unix_micros(nextTime).minus(unix_micros(col(EVENT_TIME))).gt(timeoutMicros));

    Map<String, Column> plain = new LinkedHashMap<>();
    plain.put("is_page_view", when(col(Columns.EVENT_NAME).equalTo("page_view"), 1).otherwise(0));
    Map<String, Column> running = new LinkedHashMap<>();
    running.put("page_views_total", sum(col("is_page_view")).over(soFar));
    Map<String, Column> bases = new LinkedHashMap<>();
    bases.put("page_views_base", col("page_views_total").minus(col("is_page_view")));
    if (detector != null) {
      plain.putAll(detector.matches());
      running.putAll(detector.runningTotals(soFar));
      bases.putAll(detector.sessionBases());
    }

    // Window expressions given together, in one withColumns, share one Window operator: each
    // operator buffers whole rows, so there are three of them here, not one per expression.
    // Whether the next event starts a session is decided from the same facts as for this one, so
    // a session's last row is known without another pass.
    Dataset<Row> marked;
    if (settings.source() == SessionSource.INPUT) {
      Column id = coalesce(col(SESSION_ID), lit(""));
      Map<String, Column> first = ordered(
          "new_session", previousTime.isNull().or(not(id.equalTo(lag(id, 1).over(timeline)))),
          "last_in_session", nextTime.isNull().or(not(id.equalTo(lead(id, 1).over(timeline)))),
          "row_no", row_number().over(timeline));
      first.putAll(userEdge(events, timeline));
      first.putAll(running);
      marked = events.withColumns(plain).withColumns(first);
    } else {
      Column campaign =
          when(col(UTM_SOURCE).isNotNull().or(col(UTM_MEDIUM).isNotNull()).or(col(UTM_CAMPAIGN).isNotNull()),
              concat_ws("\u0001", coalesce(col(UTM_SOURCE), lit("")), coalesce(col(UTM_MEDIUM), lit("")),
                  coalesce(col(UTM_CAMPAIGN), lit(""))));
      Column tagged = when(col("campaign").isNotNull(), struct(col(EVENT_TIME).as("t"), col("campaign").as("c")));
      // The last campaign seen earlier on the timeline with its time. It belongs to the current
      // inactivity session when it is no older than that session's first event: every event
      // before a gap is more than the timeout older than the event after it.
      Map<String, Column> second = ordered(
          "gap_session_start", last_value(when(col("gap_start"), col(EVENT_TIME)), lit(true)).over(soFar),
          "previous_tagged", last_value(tagged, lit(true)).over(before),
          "tagged_so_far", last_value(tagged, lit(true)).over(soFar));
      second.putAll(running);
      plain.put("campaign", campaign);
      Map<String, Column> first = ordered("gap_start", gapStart, "gap_after", gapAfter, "row_no", row_number().over(timeline),
          "next_campaign", lead(col("campaign"), 1).over(timeline));
      first.putAll(userEdge(events, timeline));
      marked =
          events
              .withColumns(plain)
              .withColumns(first)
              .withColumns(second)
              .withColumn("previous_campaign",
                  when(col("previous_tagged.t").geq(col("gap_session_start")), col("previous_tagged.c")))
              .withColumn("campaign_so_far",
                  when(col("tagged_so_far.t").geq(col("gap_session_start")), col("tagged_so_far.c")))
              .withColumn("new_session",
                  col("gap_start").or(col("campaign").isNotNull().and(not(col("campaign").eqNullSafe(col("previous_campaign"))))))
              .withColumn("last_in_session",
                  col("gap_after").or(col("next_campaign").isNotNull()
                      .and(not(col("next_campaign").eqNullSafe(col("campaign_so_far"))))))
              .drop("gap_start", "gap_after", "gap_session_start", "campaign", "next_campaign", "previous_tagged",
                  "tagged_so_far", "previous_campaign", "campaign_so_far");
    }
    if (channels != null) {
      marked = channels.classifyWhere(marked, col("new_session"));
    }
    List<Column> headFields = new ArrayList<>(List.of(col(EVENT_TIME).as("start"), col("row_no").as("row_no"),
        col(PAGE_URL).as("page_url"), col(REFERRER_URL).as("referrer_url"), col(UTM_SOURCE).as("utm_source"),
        col(UTM_MEDIUM).as("utm_medium"), col(UTM_CAMPAIGN).as("utm_campaign"),
        channels != null ? col(CHANNEL).as("channel") : lit(null).cast("string").as("channel")));
    bases.forEach((name, base) -> headFields.add(base.as(name)));
    Column head = when(col("new_session"), struct(headFields.toArray(Column[]::new)));
    Dataset<Row> numbered =
        marked
            .withColumns(ordered(
                SESSION_NO, sum(when(col("new_session"), 1).otherwise(0)).over(soFar),
                "head", last_value(head, lit(true)).over(soFar)))
            .withColumn(SESSION_START, col("head.start"))
            .withColumn(IN_SESSION_ORDER, col("row_no").minus(col("head.row_no")).plus(1).cast("int"))
            .withColumn(PAGE_VIEWS_SO_FAR, col("page_views_total").minus(col("head.page_views_base")).cast("int"))
            .withColumn(FIRST_PAGE_URL, col("head.page_url"))
            .withColumn(FIRST_REFERRER_URL, col("head.referrer_url"))
            .withColumn(FIRST_UTM_SOURCE, col("head.utm_source"))
            .withColumn(FIRST_UTM_MEDIUM, col("head.utm_medium"))
            .withColumn(FIRST_UTM_CAMPAIGN, col("head.utm_campaign"));
    if (channels != null) {
      numbered = numbered.withColumn(CHANNEL, col("head.channel"));
    }
    if (detector != null) {
      numbered = detector.addFirings(numbered, name -> col("head." + name));
    }
    numbered = numbered.drop("new_session", "row_no", "head", "is_page_view", "page_views_total");

    Column hashedId =
        substring(sha2(concat_ws("|", col(VISITOR_ID), unix_micros(col(SESSION_START)).cast("string")), 256), 1, 32);
    Column sessionId =
        settings.source() == SessionSource.INPUT ? coalesce(col(SESSION_ID), hashedId) : hashedId;
    return numbered.withColumn(SESSION_ID, sessionId);
  }

  /**
   * {@link #USER_EDGE}, when the events have a user_id: true where a run of events with the same
   * user_id starts or ends on the timeline. A device's first and last sighting of each user is on
   * such an event, so links need only those rows.
   */
  private static Map<String, Column> userEdge(Dataset<Row> events, WindowSpec timeline) {
    if (!java.util.Arrays.asList(events.columns()).contains(USER_ID)) {
      return Map.of();
    }
    Column user = col(USER_ID);
    return ordered(USER_EDGE, user.isNotNull()
        .and(not(user.eqNullSafe(lag(user, 1).over(timeline))).or(not(user.eqNullSafe(lead(user, 1).over(timeline))))));
  }

  /** Name, column, name, column...: an insertion-ordered map for {@code withColumns}. */
  static Map<String, Column> ordered(Object... nameColumnPairs) {
    Map<String, Column> columns = new LinkedHashMap<>();
    for (int i = 0; i < nameColumnPairs.length; i += 2) {
      columns.put((String) nameColumnPairs[i], (Column) nameColumnPairs[i + 1]);
    }
    return columns;
  }

  /** Column names shared with the reader, kept here to avoid a dependency cycle in javadoc. */
  static final class EventsColumns {
    static final String EVENT_TIME_RAW = io.journeys.io.EventReader.EVENT_TIME_RAW;
  }
}
