package io.journeys.pipeline;

import static io.journeys.Columns.CHANNEL;
import static io.journeys.Columns.EVENT_DATE;
import static io.journeys.Columns.EVENT_TIME;
import static io.journeys.Columns.REASON;
import static io.journeys.Columns.SESSION_DATE;
import static io.journeys.Columns.SESSION_ID;
import static io.journeys.Columns.VISITOR_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;

import io.journeys.Columns;
import io.journeys.cli.JobFailure;
import io.journeys.config.JobSettings;
import io.journeys.io.DeltaTableWriter;
import io.journeys.io.EventReader;
import io.journeys.io.OutputTable;
import io.journeys.journeys.ChannelClassifier;
import io.journeys.journeys.ConversionDetector;
import io.journeys.journeys.DuplicateHorizon;
import io.journeys.journeys.EventValidator;
import io.journeys.journeys.IdentityLinks;
import io.journeys.journeys.ReportingDate;
import io.journeys.journeys.Sessionizer;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Stage 1: events to quarantine, sessions, conversions and identities, for the dates
 * [from − input.late-days, to] in one pass.
 *
 * <p>Reads input partitions one day further back than it writes, so sessions crossing midnight
 * into the first rewritten day continue; of that day's sessions, only those a late event extended
 * are updated ({@link ContinuedSessions}). One partition before that is read too, its rows dated
 * before that day only to count against later copies ({@link DuplicateHorizon}), so that the day's
 * copies are kept or dropped as its last writer did; with two late days or more, the partitions
 * before it as well, back to where the copies that count against the first rewritten partition's
 * late rows may be. Rows are validated, then the stage's one shuffle
 * partitions them by visitor; duplicates, sessions, conversions and identity edges come out of
 * one walk over each device's sorted events, and only the rows the tables are made of are kept
 * for the writes. Dates are days in {@code reporting.timezone}; with a zone other
 * than UTC one more UTC partition is read on each side.
 */
public final class Stage1Job {
  /** Rejected, duplicate or a count of input rows: in no session, kept only for quarantine and accounting. */
  private static final String SET_ASIDE = "set_aside";

  /**
   * The walk's columns the writes read from its kept rows: quarantine and accounting, identities,
   * sessions (from their last rows) and conversions (from their firing rows, plus what the rules'
   * value expressions read).
   */
  private static final List<String> WRITTEN_COLUMNS = List.of(EVENT_DATE, REASON, Columns.RAW, SET_ASIDE,
      Sessionizer.DUPLICATE, VISITOR_ID, Columns.USER_ID, Sessionizer.USER_EDGE, Columns.EVENT_ID, EVENT_TIME, SESSION_ID,
      Columns.SESSION_START, Sessionizer.IN_SESSION_ORDER, Sessionizer.PAGE_VIEWS_SO_FAR, Sessionizer.FIRST_PAGE_URL,
      Sessionizer.FIRST_REFERRER_URL, Sessionizer.FIRST_UTM_SOURCE, Sessionizer.FIRST_UTM_MEDIUM,
      Sessionizer.FIRST_UTM_CAMPAIGN, CHANNEL, Sessionizer.LAST_IN_SESSION, ConversionDetector.FIRED,
      Sessionizer.INPUT_ROWS, Sessionizer.DUPLICATE_ROWS);

  private final SparkSession spark;
  private final JobSettings settings;
  private final DeltaTableWriter writer;

  public Stage1Job(SparkSession spark, JobSettings settings, DeltaTableWriter writer) {
    this.spark = spark;
    this.settings = settings;
    this.writer = writer;
  }

  /** Rows counted for one recomputed date: input accounting and rows written per table. */
  public record DateCounts(long read, long valid, long quarantined, long duplicate, Map<String, Long> byReason) {}

  public record Result(LocalDate firstRewritten, Map<LocalDate, DateCounts> counts, Map<String, Long> rowsWritten) {}

  /**
   * @param lastRun the latest date earlier runs wrote, if any: when it is after {@code to}, this
   *     run is a rerun of dates that later runs rewrote since, and it reads what they read. Asked
   *     after the input is found, so that a store that is down or refuses is named by its input
   *     path first, once, not after a round of retries on the warehouse.
   */
  public Result run(LocalDate from, LocalDate to, Supplier<Optional<LocalDate>> lastRun, String runId) {
    return run(from, to, () -> { }, lastRun, runId);
  }

  /** @param inputFound run once the input is found, before {@code lastRun} is asked */
  public Result run(LocalDate from, LocalDate to, Runnable inputFound, Supplier<Optional<LocalDate>> lastRun,
      String runId) {
    int lateDays = settings.input().lateDays();
    LocalDate firstRewritten = from.minusDays(lateDays);
    boolean utc = ReportingDate.isUtc(settings.reportingTimezone());
    int readBack = lateDays + (utc ? 1 : 2);
    LocalDate firstRead = from.minusDays(readBack);
    LocalDate lastRead = utc ? to : to.plusDays(1);

    EventReader reader = new EventReader(spark, settings);
    reader.checkAvailable(from, to);
    inputFound.run();
    Optional<LocalDate> lastRunDate = lastRun.get();
    // The run that last rewrote a date d is the one for min(d + late-days, the last date run). When
    // that is after `to`, it read partitions after `to`: late events of these dates stored there,
    // and the events of sessions that go on past their last midnight. Read to where it read (in
    // UTC one day more: the run after it continued those sessions, ContinuedSessions), or a rerun
    // of a middle day cut such sessions at midnight and lost those events until the later days
    // were rerun (a black-box test). A run moving forward reads nothing more.
    LocalDate lastWriter = to;
    if (lastRunDate.isPresent() && lastRunDate.get().isAfter(to)) {
      lastWriter = min(lastRunDate.get(), to.plusDays(lateDays));
      lastRead = utc ? min(lastRunDate.get(), lastWriter.plusDays(1)) : lastWriter.plusDays(1);
    }
    // One partition more, read for its copies of ids (DuplicateHorizon): a copy dated the day read
    // but not rewritten was a duplicate of them for that day's last writer. Without them, a re-send
    // just after midnight of a copy stored the evening before was kept, its user link merged; and,
    // in UTC, that day's events stored a day early (a device clock ahead) were missing from the
    // sessions this run continues (ContinuedSessions): both differed from the range.
    LocalDate readFrom = firstRead.minusDays(1);
    DuplicateHorizon horizon = new DuplicateHorizon(DuplicateHorizon.lastDate(to, lastRunDate, lateDays), lateDays,
        readBack, settings.reportingTimezone(), readFrom);
    // With two late days or more, further back still, for ids only (a valid row of a partition
    // before readFrom is dated before the extra day: EventValidator). Without them this run kept a
    // late copy of its first rewritten partition where its date's last writer and a range drop it:
    // counted valid in run_metrics (which keeps each partition's counts from the last run that
    // rewrites it), and on the timeline, where it could begin the session of later events.
    Dataset<Row> events = reader.read(horizon.firstRead(), lastRead);
    RuleResolution.check(events.drop(EventReader.INPUT_ROW, EventReader.EVENT_TIME_RAW), settings);

    EventValidator validator =
        new EventValidator(settings.input().minEventTime(), lateDays, readBack, settings.reportingTimezone());
    try {
      return process(validator.validate(events), firstRewritten, to, horizon, runId);
    } catch (Exception e) { // a failed Spark job's SparkException is checked, thrown undeclared
      if (e instanceof RuntimeException r) {
        RuntimeException explained = RaisingExpressions.explain(r, events, settings);
        if (explained != r) {
          throw explained;
        }
      }
      Optional<JobFailure> unread = reader.readFailure(e);
      if (unread.isPresent()) {
        throw unread.get();
      }
      throw e;
    }
  }

  private static LocalDate min(LocalDate a, LocalDate b) {
    return a.isBefore(b) ? a : b;
  }

  /**
   * One pass: the stage's one shuffle (by visitor), then one walk over each device's sorted events
   * that sets rejected and duplicate rows aside and finds sessions, conversions and user edges on
   * the rest. Only the rows the outputs are made of are kept (in memory/disk): rejected and
   * duplicate rows, each session's last event, events where a conversion fires and the edges of
   * each device's user runs — a fraction of the events, so no cache of all events is built.
   */
  private Result process(Dataset<Row> validated, LocalDate first, LocalDate last, DuplicateHorizon horizon,
      String runId) {
    Column inInputWindow = col(EVENT_DATE).between(java.sql.Date.valueOf(first), java.sql.Date.valueOf(last));
    Map<String, Long> written = new TreeMap<>();

    ConversionDetector detector = new ConversionDetector(settings.allRules(), settings.touchpointDedupe());
    ChannelClassifier channels = new ChannelClassifier(settings.channelRules(), settings.defaultChannel());
    // The shuffle and the sort copy whole rows: only the columns the outputs, the rules and the
    // channels read go in.
    Sessionizer sessionizer = new Sessionizer(settings.sessions(), settings.reportingTimezone());
    Set<String> needed = new HashSet<>(sessionizer.readColumns());
    needed.addAll(List.of(EVENT_DATE, REASON, Columns.RAW, EventReader.EVENT_TIME_RAW));
    needed.addAll(detector.referencedColumns(validated));
    needed.addAll(channels.referencedColumns(validated));
    // Rows read only for their ids go through the shuffle and the sort with nothing else.
    Column onlyCounts = col(EVENT_DATE).leq(java.sql.Date.valueOf(horizon.readFrom()))
        .and(ReportingDate.of(col(EVENT_TIME), settings.reportingTimezone()).lt(java.sql.Date.valueOf(horizon.firstCompleteDate())));
    Set<String> idColumns = Set.of(VISITOR_ID, EVENT_TIME, Columns.EVENT_ID, EVENT_DATE, REASON);
    Dataset<Row> narrow = validated.select(Arrays.stream(validated.schema().fields())
        .filter(field -> needed.contains(field.name()))
        .map(field -> idColumns.contains(field.name())
            ? col(field.name())
            : functions.when(onlyCounts, lit(null).cast(field.dataType())).otherwise(col(field.name())).as(field.name()))
        .toArray(Column[]::new));
    Column kept = not(col(SET_ASIDE));
    Dataset<Row> keys = null;
    Dataset<Row> sideRows = null;
    // The walk needs the events' pages, referrers, campaigns and names; the tables do not (a
    // session's first values are on its last row): only what the writes below read is kept.
    Set<String> keptColumns = new HashSet<>(WRITTEN_COLUMNS);
    keptColumns.addAll(detector.valueColumns(validated));
    Dataset<Row> walked = sessionizer
        .outputRows(narrow.repartition(col(VISITOR_ID)), channels, detector, horizon)
        .withColumn(SET_ASIDE,
            col(REASON).isNotNull().or(col(Sessionizer.DUPLICATE)).or(col(Sessionizer.INPUT_ROWS).isNotNull()));
    Dataset<Row> outputRows = walked
        .select(Arrays.stream(walked.columns()).filter(keptColumns::contains).map(functions::col).toArray(Column[]::new))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Filled here, by one plain action, rather than by several queries reading it at once.
      outputRows.count();
      if (detector.valuesMayRaise()) {
        // Met here, before the first write, rather than at the conversions', after three others.
        detector.conversions(outputRows.filter(kept)).select(col(Columns.VALUE)).write().format("noop").mode("overwrite").save();
      }
      // Rejected rows, the walk's counts of input rows (and of duplicates) and the user edges, a
      // small share of the kept rows, are taken out by one scan (the quarantine write's) for the
      // quarantine, the accounting and the links. Duplicate rows are not: the counting rows count
      // them as their dates' last writers do, and no table holds them.
      sideRows = outputRows.filter(col(SET_ASIDE).and(not(col(Sessionizer.DUPLICATE))).or(col(Sessionizer.USER_EDGE)))
          .select(col(EVENT_DATE), col(REASON), col(Columns.RAW), col(SET_ASIDE),
              col(VISITOR_ID), col(Columns.USER_ID), col(EVENT_TIME), col(Sessionizer.USER_EDGE),
              col(Sessionizer.INPUT_ROWS), col(Sessionizer.DUPLICATE_ROWS))
          .persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> quarantine =
          sideRows.filter(col(REASON).isNotNull().and(inInputWindow)).select(col(EVENT_DATE), col(REASON), col(Columns.RAW))
              .withColumn(Columns.RUN_ID, lit(runId));
      written.put(OutputTable.QUARANTINE.tableName(), writer.replaceDates(OutputTable.QUARANTINE, quarantine, first, last));
      Map<LocalDate, DateCounts> counts = accounting(sideRows.filter(col(SET_ASIDE).and(inInputWindow)), first, last);

      IdentityLinks identities = new IdentityLinks(spark, writer);
      // From the day read but not rewritten on: the run's view of those dates' links is their last
      // writer's (DuplicateHorizon), and it replaces any an earlier run left (a copy it kept that a
      // copy stored later but timed before it made a duplicate).
      written.put(OutputTable.IDENTITIES.tableName(), identities.replaceDates(
          sideRows.filter(kept.and(col(Sessionizer.USER_EDGE))), horizon.firstCompleteDate(), last, settings.reportingTimezone()));

      Column reportingDate = ReportingDate.of(col(EVENT_TIME), settings.reportingTimezone());
      Column sessionInWindow = col(SESSION_DATE).between(java.sql.Date.valueOf(first), java.sql.Date.valueOf(last));
      Dataset<Row> walkedSessions = sessions(outputRows.filter(kept));
      Dataset<Row> sessions = walkedSessions.filter(sessionInWindow);
      Column eventInWindow = col(EVENT_DATE).between(java.sql.Date.valueOf(first), java.sql.Date.valueOf(last));
      Dataset<Row> conversions =
          detector.conversions(outputRows.filter(kept)).withColumn(EVENT_DATE, reportingDate).filter(eventInWindow);
      Dataset<Row> journeyMatches = detector.countsPerJourney()
          ? detector.journeyMatches(outputRows.filter(kept)).withColumn(EVENT_DATE, reportingDate).filter(eventInWindow)
          : null;
      if (settings.identityStitching()) {
        // The keys of this run's devices, computed once for the tables and filled before they are
        // joined, so that the planner sees their real size: broadcast while small, shuffled, not
        // collected to the driver, when a run brings many linked devices.
        // Every device with kept rows has a session, so its sessions' last events name them all.
        Dataset<Row> devices = outputRows.filter(kept.and(col(Sessionizer.LAST_IN_SESSION))).select(col(VISITOR_ID)).distinct();
        keys = identities.keysAsOf(devices, first, last, settings.reportingTimezone())
            .persist(StorageLevel.MEMORY_AND_DISK());
        keys.count();
        sessions = IdentityLinks.stitchAsOf(sessions, SESSION_DATE, keys);
        conversions = IdentityLinks.stitchAsOf(conversions, EVENT_DATE, keys);
        journeyMatches = journeyMatches == null ? null : IdentityLinks.stitchAsOf(journeyMatches, EVENT_DATE, keys);
      } else {
        sessions = sessions.withColumn(Columns.VISITOR_KEY, col(VISITOR_ID));
        conversions = conversions.withColumn(Columns.VISITOR_KEY, col(VISITOR_ID));
        journeyMatches = journeyMatches == null ? null : journeyMatches.withColumn(Columns.VISITOR_KEY, col(VISITOR_ID));
      }
      long sessionRows = writer.replaceDates(OutputTable.SESSIONS, sessions, first, last);
      // The day read before the first rewritten one: a late event may have extended or cut a session begun there.
      sessionRows += new ContinuedSessions(spark, writer).update(walkedSessions, first, settings.reportingTimezone());
      written.put(OutputTable.SESSIONS.tableName(), sessionRows);
      written.put(OutputTable.CONVERSIONS.tableName(),
          writer.replaceDates(OutputTable.CONVERSIONS, conversions, first, last));
      if (journeyMatches != null) {
        written.put(OutputTable.JOURNEY_RULE_MATCHES.tableName(),
            writer.replaceDates(OutputTable.JOURNEY_RULE_MATCHES, journeyMatches, first, last));
      } else {
        // Every table exists after a run; without a per-journey rule this one is not written.
        writer.ensureTable(OutputTable.JOURNEY_RULE_MATCHES);
      }
      return new Result(first, counts, written);
    } finally {
      outputRows.unpersist();
      if (sideRows != null) {
        sideRows.unpersist();
      }
      if (keys != null) {
        keys.unpersist();
      }
    }
  }

  /** One row per session, from its last event: the timeline there holds the session's totals. */
  private Dataset<Row> sessions(Dataset<Row> sessionized) {
    return sessionized
        .filter(col(Sessionizer.LAST_IN_SESSION))
        .select(
            col(VISITOR_ID),
            col(SESSION_ID),
            col(Columns.SESSION_START),
            col(EVENT_TIME).as(Columns.SESSION_END),
            col(Sessionizer.IN_SESSION_ORDER).cast("long").as(Columns.EVENTS),
            col(Sessionizer.PAGE_VIEWS_SO_FAR).cast("long").as(Columns.PAGE_VIEWS),
            col(Sessionizer.FIRST_PAGE_URL).as(Columns.PAGE_URL),
            col(Sessionizer.FIRST_REFERRER_URL).as(Columns.REFERRER_URL),
            col(Sessionizer.FIRST_UTM_SOURCE).as(Columns.UTM_SOURCE),
            col(Sessionizer.FIRST_UTM_MEDIUM).as(Columns.UTM_MEDIUM),
            col(Sessionizer.FIRST_UTM_CAMPAIGN).as(Columns.UTM_CAMPAIGN),
            col(CHANNEL))
        .withColumn(Columns.LANDING_PAGE, col(Columns.PAGE_URL))
        .withColumn(SESSION_DATE, ReportingDate.of(col(Columns.SESSION_START), settings.reportingTimezone()));
  }

  /**
   * Per input date: rows read, valid, quarantined (by reason) and duplicate. Reads and duplicates
   * are the sums of the walk's counting rows; rejected rows are counted from the set-aside rows, in
   * one aggregation of which one row per date and reason reaches the driver. The walk counts a copy
   * as a duplicate as its date's last writer does, also where this run, ending before that writer,
   * sets it aside: so a date's counts are the same whichever run wrote them last, unless an earlier
   * copy is stored in a partition after the last this run reads (it had not arrived).
   */
  private Map<LocalDate, DateCounts> accounting(Dataset<Row> setAside, LocalDate first, LocalDate last) {
    Map<LocalDate, long[]> totals = new TreeMap<>();
    Map<LocalDate, Map<String, Long>> reasons = new TreeMap<>();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      totals.put(d, new long[] {0, 0, 0});
      reasons.put(d, new TreeMap<>());
    }
    Column counting = col(Sessionizer.INPUT_ROWS).isNotNull();
    // A counting row stands for input_rows rows read and duplicate_rows duplicates; a rejected row for itself.
    List<Row> groups = setAside
        .filter(counting.or(col(REASON).isNotNull()))
        .groupBy(col(EVENT_DATE), col(REASON), counting.as("counting"))
        .agg(count(lit(1)), sum(col(Sessionizer.INPUT_ROWS)), sum(col(Sessionizer.DUPLICATE_ROWS)))
        .collectAsList();
    for (Row row : groups) {
      LocalDate date = row.getDate(0).toLocalDate();
      long[] t = totals.get(date);
      if (row.getBoolean(2)) {
        t[0] += row.getLong(4);
        t[2] += row.getLong(5);
        continue;
      }
      long n = row.getLong(3);
      t[1] += n;
      reasons.get(date).merge(row.getString(1), n, Long::sum);
    }
    Map<LocalDate, DateCounts> counts = new TreeMap<>();
    totals.forEach((date, t) -> counts.put(date, new DateCounts(t[0], t[0] - t[1] - t[2], t[1], t[2], reasons.get(date))));
    return counts;
  }
}
