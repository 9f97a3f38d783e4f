package io.journeys.journeys;

import static io.journeys.Columns.CHANNEL;
import static io.journeys.Columns.EVENT_DATE;
import static io.journeys.Columns.EVENT_ID;
import static io.journeys.Columns.EVENT_TIME;
import static io.journeys.Columns.PAGE_URL;
import static io.journeys.Columns.REASON;
import static io.journeys.Columns.REFERRER_URL;
import static io.journeys.Columns.SESSION_ID;
import static io.journeys.Columns.SESSION_START;
import static io.journeys.Columns.UTM_CAMPAIGN;
import static io.journeys.Columns.UTM_MEDIUM;
import static io.journeys.Columns.UTM_SOURCE;
import static io.journeys.Columns.USER_ID;
import static io.journeys.Columns.VISITOR_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

import io.journeys.Columns;
import io.journeys.config.JobSettings.SessionSettings;
import io.journeys.config.JobSettings.SessionSource;
import io.journeys.spark.ProjectionChain;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Marks duplicates and assigns sessions on events already partitioned by {@code visitor_id}
 * (the stage's one shuffle): it sorts each partition by device and time once, then walks each
 * device's events in code ({@link TimelineWalk}), so no visitor's events are gathered into a list
 * and no window operator copies them again.
 *
 * <p>Sessions (SPEC §4), per device in time order (ties: {@link #timelines}): a new session starts at the
 * first event, after a gap longer than {@code sessions.timeout} (a gap of exactly the timeout
 * stays), or when an event carries a campaign (any of utm source / medium / campaign) that differs
 * from the last campaign seen earlier in the same inactivity session (so a direct session that
 * turns into a campaign visit splits, while later events without utm fields do not). With {@code
 * sessions.source = input} the tracker's session id is followed instead: a new session starts
 * when an event carries an id other than the session's, or the session's own id more than a day
 * after the event before it (a reused id); an event without one (null or empty) stays in the
 * session in progress unless it comes more than the timeout after the event before it. {@code
 * session_id} is the tracker's id in that mode (every event of the session carries it), else, and
 * for a session begun without an id, a hash of the device and the session start, so reruns give
 * the same ids.
 *
 * <p>Rows with a quarantine {@code reason} and every copy of an event id on a device after the
 * first by time ({@link #DUPLICATE}; with a {@link DuplicateHorizon}, after the first it lets the
 * copy see) take no part in sessions: they come out with {@code
 * duplicate} set and the session columns null.
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
  /**
   * True where the event's user_id starts or ends a run of that user on the device's timeline, a
   * run being cut at each UTC midnight and each midnight of the reporting zone: each such day's
   * first and last sighting of a user are edges.
   */
  public static final String USER_EDGE = "user_edge";
  /** Page views of the session up to and including this event. */
  public static final String PAGE_VIEWS_SO_FAR = "page_views_so_far";
  static final String SESSION_NO = "session_no";
  /**
   * The session id the walk sets: the tracker's (sessions.source = input), else a hash of the
   * device and the session start.
   */
  static final String WALK_SESSION_ID = "walk_session_id";
  public static final String IN_SESSION_ORDER = "in_session_order";
  /**
   * Only on {@link #outputRows}' counting rows (null elsewhere): the input rows of one date
   * (event_date) that one partition's walk read.
   */
  public static final String INPUT_ROWS = "input_rows";
  /**
   * Only on counting rows: of their {@link #INPUT_ROWS}, the duplicates as the last daily run
   * writing each one's date finds them ({@link DuplicateHorizon#duplicateForLastWriter}; without a
   * horizon, every duplicate). A run whose last date comes before that writer sets aside some
   * copies that the writer keeps: those are set aside here and counted valid.
   */
  public static final String DUPLICATE_ROWS = "duplicate_rows";

  /** The event columns sessions are made of; other columns pass through untouched. */
  public static final List<String> COLUMNS = List.of(VISITOR_ID, EVENT_ID, EVENT_TIME, USER_ID, SESSION_ID, Columns.EVENT_NAME,
      PAGE_URL, REFERRER_URL, UTM_SOURCE, UTM_MEDIUM, UTM_CAMPAIGN);

  private final SessionSettings settings;
  private final ZoneId reportingZone;

  /** Sessions whose user edges fall on UTC days only: as {@code reporting.timezone = UTC}. */
  public Sessionizer(SessionSettings settings) {
    this(settings, ZoneOffset.UTC);
  }

  /** {@code reportingZone}: a user's sightings are also cut at its midnights (the identity links' rows). */
  public Sessionizer(SessionSettings settings, ZoneId reportingZone) {
    this.settings = settings;
    this.reportingZone = reportingZone;
  }

  /**
   * The event columns the walk reads: {@link #COLUMNS}, less the tracker's session id unless
   * sessions follow it. Every column read goes through the shuffle and the sort.
   */
  public List<String> readColumns() {
    return settings.source() == SessionSource.INPUT
        ? COLUMNS
        : COLUMNS.stream().filter(column -> !column.equals(SESSION_ID)).toList();
  }

  /**
   * Adds {@link #DUPLICATE}, session_no, session_id, session_start, in_session_order, the first
   * event's page, referrer and campaign, {@link #LAST_IN_SESSION}, {@link #PAGE_VIEWS_SO_FAR} and
   * (when the events have a user_id) {@link #USER_EDGE} to every event. A session's last row
   * holds the whole session (end, events, page views), so the sessions table needs no aggregation.
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
   * detector, adds its {@link ConversionDetector#FIRED} column, counted in the same walk.
   */
  public Dataset<Row> sessionize(Dataset<Row> events, ChannelClassifier channels, ConversionDetector detector) {
    return walk(events, channels, detector, false, null);
  }

  /**
   * As {@link #sessionize(Dataset, ChannelClassifier, ConversionDetector)}, but only the rows some
   * output is made of: set-aside rows (quarantined or duplicate), each session's last row, rows
   * where a conversion fires and rows where a run of one user starts or ends. Those are a fraction
   * of the events, and the rest never leave the walk. The first event's page, referrer and
   * campaign are on each session's last row only (the sessions table's row).
   *
   * <p>When the events have event_date, each partition also gives one counting row per date it
   * read, with {@link #INPUT_ROWS} and {@link #DUPLICATE_ROWS} set and every other column null but
   * event_date and {@link #DUPLICATE} (false): summed per date, the input's row and duplicate
   * counts, taken in the same pass.
   */
  public Dataset<Row> outputRows(Dataset<Row> events, ChannelClassifier channels, ConversionDetector detector) {
    return walk(events, channels, detector, true, null);
  }

  /**
   * As {@link #outputRows(Dataset, ChannelClassifier, ConversionDetector)}, with a copy of an id a
   * duplicate only of earlier copies stored in the input partitions (event_date) that {@code
   * horizon} lets it see.
   */
  public Dataset<Row> outputRows(Dataset<Row> events, ChannelClassifier channels, ConversionDetector detector,
      DuplicateHorizon horizon) {
    return walk(events, channels, detector, true, horizon);
  }

  /**
   * The walk's input: the events with the rules' match columns, sorted by device and time within
   * their partitions, ties by event id, so the first copy of an id by time comes first. Copies of
   * one id at one time are then ordered by the input partition (the copy stored first is the one
   * kept; a re-send is the duplicate on the date it arrived), the raw time, and last a hash of the
   * whole row: which copy is kept never depends on the order the rows arrive in, so a rerun keeps
   * the same one even when the copies differ in some other field. The later keys are compared
   * only on ties, so they cost nothing on events without copies.
   */
  Dataset<Row> timelines(Dataset<Row> events, ConversionDetector detector) {
    Dataset<Row> withMatches = detector == null ? events : events.withColumns(detector.matchMasks());
    List<Column> order = new ArrayList<>(List.of(col(VISITOR_ID), col(EVENT_TIME), col(EVENT_ID)));
    if (has(events, EVENT_DATE)) {
      order.add(col(EVENT_DATE));
    }
    if (has(events, EventsColumns.EVENT_TIME_RAW)) {
      order.add(col(EventsColumns.EVENT_TIME_RAW));
    }
    order.add(rowHash(events.schema()));
    return withMatches.sortWithinPartitions(order.toArray(Column[]::new));
  }

  /**
   * A hash of every column. Spark refuses to hash maps (their entry order is not part of their
   * value), so a column holding one is hashed as its JSON text: two copies that differ only in a
   * map's entry order may then order either way, but each by its stored bytes, not by arrival.
   */
  private static Column rowHash(StructType schema) {
    return xxhash64(Arrays.stream(schema.fields())
        .map(field -> holdsMap(field.dataType()) ? to_json(col(field.name())) : col(field.name()))
        .toArray(Column[]::new));
  }

  private static boolean holdsMap(DataType type) {
    if (type instanceof MapType) {
      return true;
    }
    if (type instanceof ArrayType array) {
      return holdsMap(array.elementType());
    }
    return type instanceof StructType struct && Arrays.stream(struct.fields()).anyMatch(f -> holdsMap(f.dataType()));
  }

  private Dataset<Row> walk(Dataset<Row> events, ChannelClassifier channels, ConversionDetector detector,
      boolean outputsOnly, DuplicateHorizon horizon) {
    Dataset<Row> sorted = timelines(events, detector);
    StructType schema = sorted.schema();
    List<String> masks = detector == null ? List.of() : new ArrayList<>(detector.matchMasks().keySet());
    int rules = detector == null ? 0 : detector.ruleCount();
    boolean[] counted = new boolean[rules];
    int[] minCounts = new int[rules];
    boolean[] perJourney = new boolean[rules];
    boolean[] macro = new boolean[rules];
    if (detector != null) {
      detector.countedRules().forEach(i -> counted[i] = true);
      for (int i = 0; i < rules; i++) {
        minCounts[i] = detector.minCount(i);
        perJourney[i] = detector.perJourney(i);
        macro[i] = detector.isMacro(i);
      }
    }
    TimelineWalk.Layout layout = new TimelineWalk.Layout(
        schema.fieldIndex(VISITOR_ID), schema.fieldIndex(EVENT_TIME), schema.fieldIndex(EVENT_ID),
        index(schema, USER_ID), index(schema, SESSION_ID), index(schema, REASON), index(schema, Columns.EVENT_NAME),
        index(schema, PAGE_URL), index(schema, REFERRER_URL), index(schema, UTM_SOURCE), index(schema, UTM_MEDIUM),
        index(schema, UTM_CAMPAIGN), masks.stream().mapToInt(schema::fieldIndex).toArray(), counted, minCounts,
        perJourney, macro, settings.timeout().toNanos() / 1000, settings.source() == SessionSource.INPUT, outputsOnly,
        schema.size(), outputsOnly ? index(schema, Columns.EVENT_DATE) : -1,
        horizon == null ? -1 : schema.fieldIndex(Columns.EVENT_DATE), horizon, reportingZone);

    ProjectionChain channel = null;
    int channelField = -1;
    if (channels != null) {
      // The rules are compiled against the walk's row layout and run on each session's first row.
      Dataset<Row> classified = channels.classify(sorted.sparkSession().createDataFrame(List.of(), schema));
      channel = ProjectionChain.of(classified, CHANNEL);
      channelField = 0;
    }

    // Counting rows hold nulls in every input column but the date.
    StructType walked = new StructType();
    for (StructField field : schema.fields()) {
      walked = walked.add(layout.countedDate() < 0 ? field : field.copy(field.name(), field.dataType(), true, field.metadata()));
    }
    for (StructField field : TimelineWalk.EXTRA.fields()) {
      walked = walked.add(field);
    }
    // With adaptive execution, turning the plan into rows runs the shuffle under it now.
    JavaRDD<InternalRow> rows = sorted.queryExecution().toRdd().toJavaRDD()
        .mapPartitionsWithIndex(new TimelineWalk(layout, channel, channelField), true);
    Dataset<Row> out =
        ((org.apache.spark.sql.classic.SparkSession) sorted.sparkSession()).internalCreateDataFrame(rows.rdd(), walked, false);

    List<String> dropped = new ArrayList<>(masks);
    dropped.add(WALK_SESSION_ID);
    if (channels == null) {
      dropped.add(CHANNEL);
    }
    if (!has(events, USER_ID)) {
      dropped.add(USER_EDGE);
    }
    if (detector == null) {
      dropped.add(ConversionDetector.FIRED);
    }
    if (layout.countedDate() < 0) {
      dropped.add(INPUT_ROWS);
      dropped.add(DUPLICATE_ROWS);
    }
    // Null on set-aside rows, which belong to no session.
    return out.withColumn(SESSION_ID, col(WALK_SESSION_ID)).drop(dropped.toArray(String[]::new));
  }

  private static int index(StructType schema, String name) {
    return Arrays.asList(schema.fieldNames()).indexOf(name);
  }

  private static boolean has(Dataset<Row> rows, String column) {
    return Arrays.asList(rows.columns()).contains(column);
  }

  /** Column names shared with the reader, kept here to avoid a dependency cycle in javadoc. */
  static final class EventsColumns {
    static final String EVENT_TIME_RAW = io.journeys.io.EventReader.EVENT_TIME_RAW;
  }
}
