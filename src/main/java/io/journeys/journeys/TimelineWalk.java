package io.journeys.journeys;

import io.journeys.spark.ProjectionChain;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One walk over each device's events, sorted by (visitor, time, event id, raw time) within a
 * partition that holds all of a device's events: the {@link Sessionizer}'s work without window
 * operators, which copy every row into buffers once per operator. The walk keeps a device's
 * state (its session, the last campaign, counts) and one row of look-ahead, since a row is the
 * session's last exactly when the next one starts a session.
 *
 * <p>Per device, rows with a quarantine reason are set aside untouched, as is every copy of an
 * event id after the first (a duplicate; with a {@link DuplicateHorizon}, after the first the
 * horizon lets it see). Rows the horizon reads only to count against later copies
 * ({@link DuplicateHorizon#onlyCounts}) give no row. The remaining rows form the timeline. Each row gets the
 * {@link #EXTRA} columns appended; set-aside rows only {@code duplicate}. With {@code outputsOnly},
 * only the rows some table is made of come out: set-aside rows, the last row of each session,
 * rows where a conversion fires and the rows where a run of one user starts or ends (user edges:
 * a run is cut at each UTC midnight, so each day's first and last sighting of a user is on one);
 * the first event's page, referrer and campaign are then on the session's last row only.
 *
 * <p>With a date column to count by, each partition also ends with one row per date it holds
 * whose {@code input_rows} counts the rows of that date the walk read and {@code duplicate_rows}
 * those of them that are duplicates for their date's last writer (every other column null but the
 * date): the input's rows per date come out of the pass that reads them, not a scan of their own.
 */
final class TimelineWalk implements Function2<Integer, Iterator<InternalRow>, Iterator<InternalRow>> {
  private static final long serialVersionUID = 1L;
  private static final UTF8String PAGE_VIEW = UTF8String.fromString("page_view");
  /** Bigger per-device id sets are dropped rather than cleared: clearing costs their capacity. */
  private static final int REUSED_SET_LIMIT = 4096;
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  /**
   * A tracker's session id seen again after more than this (a day) starts a session anew. Trackers
   * end a session after half an hour or so, so such an id was reused; and a daily run does not read
   * back far enough to join the two, so only a range would (a black-box test: one session of four
   * days, its later events counted again by a rerun of its last day).
   */
  static final long REUSED_TRACKER_ID_GAP_MICROS = MICROS_PER_DAY;

  /** Columns the walk appends, in this order. */
  static final StructType EXTRA = new StructType()
      .add(Sessionizer.DUPLICATE, DataTypes.BooleanType, false)
      .add(Sessionizer.SESSION_NO, DataTypes.IntegerType)
      .add(io.journeys.Columns.SESSION_START, DataTypes.TimestampType)
      .add(Sessionizer.IN_SESSION_ORDER, DataTypes.IntegerType)
      .add(Sessionizer.PAGE_VIEWS_SO_FAR, DataTypes.IntegerType)
      .add(Sessionizer.FIRST_PAGE_URL, DataTypes.StringType)
      .add(Sessionizer.FIRST_REFERRER_URL, DataTypes.StringType)
      .add(Sessionizer.FIRST_UTM_SOURCE, DataTypes.StringType)
      .add(Sessionizer.FIRST_UTM_MEDIUM, DataTypes.StringType)
      .add(Sessionizer.FIRST_UTM_CAMPAIGN, DataTypes.StringType)
      .add(io.journeys.Columns.CHANNEL, DataTypes.StringType)
      .add(Sessionizer.LAST_IN_SESSION, DataTypes.BooleanType)
      .add(Sessionizer.USER_EDGE, DataTypes.BooleanType)
      .add(ConversionDetector.FIRED, DataTypes.createArrayType(DataTypes.IntegerType, false))
      .add(Sessionizer.WALK_SESSION_ID, DataTypes.StringType)
      .add(Sessionizer.INPUT_ROWS, DataTypes.LongType)
      .add(Sessionizer.DUPLICATE_ROWS, DataTypes.LongType);

  private static final int DUPLICATE = 0;
  private static final int SESSION_NO = 1;
  private static final int SESSION_START = 2;
  private static final int ORDER = 3;
  private static final int PAGE_VIEWS = 4;
  private static final int FIRST_PAGE = 5;
  private static final int FIRST_CAMPAIGN = 9;
  private static final int CHANNEL = 10;
  private static final int LAST = 11;
  private static final int USER_EDGE = 12;
  private static final int FIRED = 13;
  private static final int SESSION_ID_OF_ROW = 14;
  private static final int INPUT_ROWS = 15;
  private static final int DUPLICATE_ROWS = 16;
  private static final HexFormat HEX = HexFormat.of();

  /**
   * Where the walk's inputs are in a row, and how it decides; -1 for an absent column.
   * {@code matchMasks} are the columns of the rules' matches, 64 rules to a column
   * ({@link ConversionDetector#matchMasks}), and the rule arrays have one entry per rule.
   * {@code width} is the input row's; {@code countedDate} the date column whose rows are counted
   * (-1: none). With a {@code horizon}, {@code inputDate} is the input partition's date column, and
   * a copy of an id is a duplicate only of earlier copies from the partitions the horizon names;
   * without one (-1), of every earlier copy.
   */
  record Layout(int visitor, int time, int eventId, int userId, int sessionId, int reason, int eventName, int pageUrl,
      int referrerUrl, int utmSource, int utmMedium, int utmCampaign, int[] matchMasks, boolean[] counted, int[] minCounts,
      boolean[] perJourney, boolean[] macro, long timeoutMicros, boolean inputSessions, boolean outputsOnly,
      int width, int countedDate, int inputDate, DuplicateHorizon horizon, ZoneId reportingZone) implements Serializable {}

  private final Layout layout;
  private final ProjectionChain channel;
  private final int channelField;

  /** {@code channel} (may be null) derives a row whose {@code channelField} is the row's channel. */
  TimelineWalk(Layout layout, ProjectionChain channel, int channelField) {
    this.layout = layout;
    this.channel = channel;
    this.channelField = channelField;
  }

  @Override
  public Iterator<InternalRow> call(Integer partition, Iterator<InternalRow> rows) {
    if (channel != null) {
      channel.initialize(partition);
    }
    return new Walk(rows);
  }

  /** The walk over one partition: pulls input rows until at least one output row is ready. */
  private final class Walk implements Iterator<InternalRow> {
    private final Iterator<InternalRow> rows;
    private final ArrayDeque<InternalRow> ready = new ArrayDeque<>();
    private final int rules = layout.counted().length;
    /** The reporting zone where its days are not UTC's, else null: decided once, not per event. */
    private final ZoneId localZone = layout.reportingZone() == null
        || ReportingDate.isUtc(layout.reportingZone()) ? null : layout.reportingZone();

    private boolean anyDevice;
    private UTF8String visitor;
    /** Per event id of the device, the latest input partition (days since the epoch) of its valid copies so far. */
    private Map<UTF8String, Integer> seenIds = new HashMap<>();
    private Integer boxedPartition = 0;
    // The timeline row before the current one, its extras, and what the look-ahead decides for it.
    private InternalRow pending;
    private Object[] pendingExtra;

    private UTF8String previousUser;
    private long previousTime;
    /** The tracker's id of the session in progress (sessions.source = input), null if it began without one. */
    private UTF8String sessionKey;
    private UTF8String[] sessionCampaign;
    // The current session.
    private int sessionNo;
    private int rowNo;
    private int headRowNo;
    private long start;
    /** How many sessions of this device began before this one at the same instant. */
    private int sameStart;
    private int pageViews;
    private final int[] counts;
    /** A macro conversion fired at {@link #journeyEndedAt}: the per-journey counts restart after that instant. */
    private boolean journeyEnded;
    private long journeyEndedAt;
    private final int[] firedRules;
    private Object[] head;
    private final MessageDigest sha256;
    // Rows read per date (days since the epoch): a partition holds a handful of dates.
    private int[] countedDays = new int[8];
    private long[] countedRows = new long[8];
    private long[] countedDuplicates = new long[8];
    private int dates;
    private boolean countsOut;

    Walk(Iterator<InternalRow> rows) {
      this.rows = rows;
      this.counts = new int[rules];
      this.firedRules = new int[rules];
      try {
        this.sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("Every Java platform has SHA-256", e);
      }
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && rows.hasNext()) {
        accept(rows.next());
      }
      if (ready.isEmpty() && pending != null) {
        closeDevice();
      }
      if (ready.isEmpty() && !countsOut) {
        countsOut = true;
        emitCounts();
      }
      return !ready.isEmpty();
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void accept(InternalRow input) {
      // The reader keeps only rows of its dates, so the date is never null here.
      int counted = layout.countedDate() >= 0 && !input.isNullAt(layout.countedDate())
          ? count(input.getInt(layout.countedDate()))
          : -1;
      UTF8String rowVisitor = input.isNullAt(layout.visitor()) ? null : input.getUTF8String(layout.visitor());
      if (!anyDevice || !Objects.equals(rowVisitor, visitor)) {
        if (pending != null) {
          closeDevice();
        }
        startDevice(rowVisitor);
      }
      DuplicateHorizon horizon = layout.horizon();
      boolean onlyCounts =
          horizon != null && horizon.onlyCounts(input.getInt(layout.inputDate()), input.getLong(layout.time()));
      if (layout.reason() >= 0 && !input.isNullAt(layout.reason())) {
        if (!onlyCounts) {
          setAside(input, false);
        }
        return;
      }
      UTF8String id = input.isNullAt(layout.eventId()) ? null : input.getUTF8String(layout.eventId());
      Integer latest = seenIds.get(id);
      // A copy counts against later ones whether or not it was kept: a daily run that reads its
      // partition sees it first either way.
      Integer partition = horizon == null ? boxedPartition : partition(input.getInt(layout.inputDate()));
      if (latest == null) {
        seenIds.put(id == null ? null : id.clone(), partition);
      } else if (partition > latest) {
        seenIds.replace(id, partition);
      }
      if (onlyCounts) {
        return;
      }
      if (latest != null && (horizon == null || latest >= horizon.firstCountedPartition(input.getLong(layout.time())))) {
        // This run's last date may come before the copy's last writer, which reads from a later
        // partition and may keep it: it is counted as that writer counts it (DuplicateHorizon).
        if (counted >= 0 && (horizon == null || horizon.duplicateForLastWriter(latest, input.getLong(layout.time())))) {
          countedDuplicates[counted]++;
        }
        setAside(input, true);
        return;
      }
      onTimeline(input.copy());
    }

    /**
     * The row's input date, boxed once for each run of rows that share it rather than once per row
     * (a device's rows come in time order, so most runs are long).
     */
    private Integer partition(int day) {
      if (boxedPartition != day) {
        boxedPartition = day;
      }
      return boxedPartition;
    }

    private void startDevice(UTF8String rowVisitor) {
      anyDevice = true;
      visitor = rowVisitor == null ? null : rowVisitor.clone();
      if (seenIds.size() > REUSED_SET_LIMIT) {
        seenIds = new HashMap<>();
      } else {
        seenIds.clear();
      }
      previousUser = null;
      journeyEnded = false;
      sessionKey = null;
      sessionCampaign = null;
      sessionNo = 0;
      rowNo = 0;
    }

    private void setAside(InternalRow input, boolean duplicate) {
      Object[] extra = new Object[EXTRA.size()];
      extra[DUPLICATE] = duplicate;
      ready.add(new JoinedRow(input.copy(), new GenericInternalRow(extra)));
    }

    /** Counts a row read of {@code day} and returns the day's index in the counts. */
    private int count(int day) {
      for (int i = 0; i < dates; i++) {
        if (countedDays[i] == day) {
          countedRows[i]++;
          return i;
        }
      }
      if (dates == countedDays.length) {
        countedDays = Arrays.copyOf(countedDays, dates * 2);
        countedRows = Arrays.copyOf(countedRows, dates * 2);
        countedDuplicates = Arrays.copyOf(countedDuplicates, dates * 2);
      }
      countedDays[dates] = day;
      countedRows[dates] = 1;
      return dates++;
    }

    private void emitCounts() {
      for (int i = 0; i < dates; i++) {
        Object[] input = new Object[layout.width()];
        input[layout.countedDate()] = countedDays[i];
        Object[] extra = new Object[EXTRA.size()];
        extra[DUPLICATE] = false;
        extra[INPUT_ROWS] = countedRows[i];
        extra[DUPLICATE_ROWS] = countedDuplicates[i];
        ready.add(new JoinedRow(new GenericInternalRow(input), new GenericInternalRow(extra)));
      }
    }

    /** A row of the timeline: decides whether it starts a session, which settles the row before it. */
    private void onTimeline(InternalRow row) {
      long time = row.getLong(layout.time());
      boolean first = rowNo == 0;
      boolean newSession;
      if (layout.inputSessions()) {
        // The tracker's id decides; an event without one (a server-side purchase, say) belongs to
        // the session in progress unless the inactivity rule ends it.
        UTF8String key = string(row, layout.sessionId());
        key = key == null || key.numBytes() == 0 ? null : key;
        newSession = key == null
            ? first || time - previousTime > layout.timeoutMicros()
            : first || !key.equals(sessionKey) || time - previousTime > REUSED_TRACKER_ID_GAP_MICROS;
        if (newSession) {
          sessionKey = key;
        }
      } else {
        boolean gap = first || time - previousTime > layout.timeoutMicros();
        UTF8String[] campaign = campaign(row);
        if (gap) {
          sessionCampaign = null;
        }
        // A campaign other than the last one seen in this inactivity session starts a session;
        // events without utm fields never do.
        newSession = gap || (campaign != null && !Arrays.equals(campaign, sessionCampaign));
        if (campaign != null) {
          sessionCampaign = campaign;
        }
      }
      UTF8String user = string(row, layout.userId());
      if (pending != null) {
        closePending(user, time, newSession);
      }
      long timeBefore = previousTime;
      previousTime = time;

      rowNo++;
      if (newSession) {
        // A campaign change at the instant the session began (its events all at that instant)
        // starts a second session at the same time: its id takes an ordinal, or the two shared one
        // (a review), and journeys counted them as one session.
        sameStart = sessionNo > 0 && time == start ? sameStart + 1 : 0;
        sessionNo++;
        headRowNo = rowNo;
        start = time;
        pageViews = 0;
        Arrays.fill(counts, 0);
        head = new Object[] {string(row, layout.pageUrl()), string(row, layout.referrerUrl()),
            string(row, layout.utmSource()), string(row, layout.utmMedium()), string(row, layout.utmCampaign()),
            channelOf(row), sessionKey != null ? sessionKey : hashedId(start, sameStart)};
      }
      if (PAGE_VIEW.equals(string(row, layout.eventName()))) {
        pageViews++;
      }
      Object[] extra = new Object[EXTRA.size()];
      extra[DUPLICATE] = false;
      extra[SESSION_NO] = sessionNo;
      extra[SESSION_START] = start;
      extra[ORDER] = rowNo - headRowNo + 1;
      extra[PAGE_VIEWS] = pageViews;
      System.arraycopy(head, 0, extra, FIRST_PAGE, FIRST_CAMPAIGN - FIRST_PAGE + 1);
      extra[CHANNEL] = head[5];
      extra[SESSION_ID_OF_ROW] = head[6];
      if (journeyEnded && time != journeyEndedAt) {
        // A macro conversion ends the journey: the next one counts its matches from the first
        // instant after it. Stage 2 puts a match at the conversion's own instant in the journey
        // the conversion closes, whatever the event ids; reset at the conversion's row, a match
        // at its instant with a greater id was counted for the next journey, which then lacked
        // its last match (a review).
        for (int i = 0; i < rules; i++) {
          if (layout.perJourney()[i]) {
            counts[i] = 0;
          }
        }
        journeyEnded = false;
      }
      int firing = 0;
      boolean macroFired = false;
      for (int i = 0; i < rules; i++) {
        boolean match = (row.getLong(layout.matchMasks()[i / ConversionDetector.RULES_PER_MASK])
            & (1L << (i % ConversionDetector.RULES_PER_MASK))) != 0;
        boolean fire = match;
        if (match && layout.counted()[i]) {
          counts[i]++;
          // A per-journey rule hands on every match a journey starting in this session could count.
          fire = layout.perJourney()[i] ? counts[i] <= layout.minCounts()[i] : counts[i] == layout.minCounts()[i];
        }
        if (fire) {
          firedRules[firing++] = i;
          macroFired |= layout.macro()[i];
        }
      }
      if (macroFired) {
        journeyEnded = true;
        journeyEndedAt = time;
      }
      extra[FIRED] = firing == 0 ? null : new GenericArrayData(Arrays.copyOf(firedRules, firing));
      // An edge when the user or the UTC day differs from the row before; whether they differ from
      // the row after is settled with the look-ahead.
      extra[USER_EDGE] = layout.userId() >= 0
          ? user != null && (!Objects.equals(user, previousUser) || !sameDay(time, timeBefore))
          : null;
      previousUser = user;
      pending = row;
      pendingExtra = extra;
    }

    /** Settles the pending row at its device's end: it ends its session, and no user follows. */
    private void closeDevice() {
      closePending(null, 0L, true);
    }

    /** Settles the pending row once the next timeline row (or the device's end) is known. */
    private void closePending(UTF8String nextUser, long nextTime, boolean nextStartsSession) {
      pendingExtra[LAST] = nextStartsSession;
      if (layout.userId() >= 0) {
        UTF8String user = string(pending, layout.userId());
        pendingExtra[USER_EDGE] = (Boolean) pendingExtra[USER_EDGE]
            || (user != null && (!Objects.equals(user, nextUser) || !sameDay(pending.getLong(layout.time()), nextTime)));
      }
      boolean edge = Boolean.TRUE.equals(pendingExtra[USER_EDGE]);
      if (!layout.outputsOnly()) {
        ready.add(new JoinedRow(pending, new GenericInternalRow(pendingExtra)));
      } else if (nextStartsSession || pendingExtra[FIRED] != null || edge) {
        if (!nextStartsSession) {
          // Only the session's row reads them; kept rows are cached, and these are long strings.
          Arrays.fill(pendingExtra, FIRST_PAGE, FIRST_CAMPAIGN + 1, null);
        }
        ready.add(new JoinedRow(pending, new GenericInternalRow(pendingExtra)));
      }
      pending = null;
    }

    /**
     * Whether two instants share their UTC day and, outside UTC, their day in the reporting zone:
     * a link row spanning a local midnight could not tell which user a device saw last before it,
     * and a day's key is the user seen last by its midnight (a black-box test: a login at 04:00
     * UTC, another user's at 04:30 and the first's again at 10:00 keyed New York's evening by the first).
     */
    private boolean sameDay(long micros, long otherMicros) {
      if (Math.floorDiv(micros, MICROS_PER_DAY) != Math.floorDiv(otherMicros, MICROS_PER_DAY)) {
        return false;
      }
      return localZone == null || ReportingDate.dayOf(micros, localZone) == ReportingDate.dayOf(otherMicros, localZone);
    }

    private UTF8String[] campaign(InternalRow row) {
      UTF8String source = string(row, layout.utmSource());
      UTF8String medium = string(row, layout.utmMedium());
      UTF8String name = string(row, layout.utmCampaign());
      if (source == null && medium == null && name == null) {
        return null;
      }
      return new UTF8String[] {orEmpty(source), orEmpty(medium), orEmpty(name)};
    }

    /**
     * The first 32 hex digits of SHA-256 over "visitor|start micros": SQL's {@code
     * substring(sha2(concat_ws('|', visitor_id, unix_micros(session_start)), 256), 1, 32)},
     * computed once per session here rather than on every row kept for the tables. The n-th further
     * session of the device starting at the same instant hashes "visitor|start micros|n".
     */
    private UTF8String hashedId(long startMicros, int sameStart) {
      sha256.reset();
      if (visitor != null) {
        sha256.update(visitor.getBytes());
        sha256.update((byte) '|');
      }
      String text = sameStart == 0 ? Long.toString(startMicros) : startMicros + "|" + sameStart;
      byte[] digest = sha256.digest(text.getBytes(StandardCharsets.US_ASCII));
      return UTF8String.fromString(HEX.formatHex(digest, 0, 16));
    }

    private UTF8String channelOf(InternalRow row) {
      if (channel == null) {
        return null;
      }
      InternalRow derived = channel.apply(row);
      return derived.isNullAt(channelField) ? null : derived.getUTF8String(channelField).clone();
    }
  }

  private static UTF8String string(InternalRow row, int field) {
    return field < 0 || row.isNullAt(field) ? null : row.getUTF8String(field);
  }

  private static UTF8String orEmpty(UTF8String value) {
    return value == null ? UTF8String.EMPTY_UTF8 : value;
  }
}
