package io.journeys.pipeline;

import static io.journeys.Columns.CHANNEL;
import static io.journeys.Columns.EVENT_DATE;
import static io.journeys.Columns.EVENT_TIME;
import static io.journeys.Columns.REASON;
import static io.journeys.Columns.SESSION_DATE;
import static io.journeys.Columns.SESSION_ID;
import static io.journeys.Columns.VISITOR_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import io.journeys.Columns;
import io.journeys.config.JobSettings;
import io.journeys.io.DeltaTableWriter;
import io.journeys.io.EventReader;
import io.journeys.io.OutputTable;
import io.journeys.journeys.ChannelClassifier;
import io.journeys.journeys.ConversionDetector;
import io.journeys.journeys.EventValidator;
import io.journeys.journeys.IdentityLinks;
import io.journeys.journeys.Sessionizer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Stage 1: events to quarantine, sessions, conversions and identities, for the dates
 * [from − input.late-days, to] in one pass.
 *
 * <p>Reads input partitions one day further back than it writes, so sessions crossing midnight
 * into the first rewritten day continue. Rows are validated, then the stage's one shuffle
 * partitions them by visitor (kept in memory/disk, since quarantine, accounting, sessions and
 * conversions all derive from it); duplicates, sessions and conversions come out of window
 * functions over that partitioning. Dates are days in {@code reporting.timezone}; with a zone other
 * than UTC one more UTC partition is read on each side.
 */
public final class Stage1Job {
  private final SparkSession spark;
  private final JobSettings settings;
  private final DeltaTableWriter writer;
  private final Instant now;

  public Stage1Job(SparkSession spark, JobSettings settings, DeltaTableWriter writer, Instant now) {
    this.spark = spark;
    this.settings = settings;
    this.writer = writer;
    this.now = now;
  }

  /** Rows counted for one recomputed date: input accounting and rows written per table. */
  public record DateCounts(long read, long valid, long quarantined, long duplicate, Map<String, Long> byReason) {}

  public record Result(LocalDate firstRewritten, Map<LocalDate, DateCounts> counts, Map<String, Long> rowsWritten) {}

  public Result run(LocalDate from, LocalDate to, String runId) {
    LocalDate firstRewritten = from.minusDays(settings.input().lateDays());
    boolean utc = settings.reportingTimezone().normalized().equals(ZoneOffset.UTC);
    LocalDate firstRead = firstRewritten.minusDays(utc ? 1 : 2);
    LocalDate lastRead = utc ? to : to.plusDays(1);

    EventReader reader = new EventReader(spark, settings);
    reader.checkAvailable(from.datesUntil(to.plusDays(1)).toList());
    Dataset<Row> events = reader.read(firstRead, lastRead);
    checkPredicates(events);

    EventValidator validator =
        new EventValidator(now, settings.input().futureTolerance(), settings.input().minEventTime());
    // The stage's one shuffle; duplicates are marked inside it and the rows kept, since quarantine,
    // accounting, identities and sessions all read them.
    Dataset<Row> byVisitor = Sessionizer.markDuplicates(validator.validate(events).repartition(col(VISITOR_ID)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return process(byVisitor, firstRewritten, to, runId);
    } finally {
      byVisitor.unpersist();
    }
  }

  private Result process(Dataset<Row> byVisitor, LocalDate first, LocalDate last, String runId) {
    Column inInputWindow = col(EVENT_DATE).between(java.sql.Date.valueOf(first), java.sql.Date.valueOf(last));
    Map<String, Long> written = new TreeMap<>();

    // The first action over byVisitor: it fills the cache once, before any query reads it twice.
    Dataset<Row> quarantine =
        byVisitor.filter(col(REASON).isNotNull().and(inInputWindow)).withColumn(Columns.RUN_ID, lit(runId));
    written.put(OutputTable.QUARANTINE.tableName(), writer.replaceDates(OutputTable.QUARANTINE, quarantine, first, last));

    Map<LocalDate, DateCounts> counts = accounting(byVisitor.filter(inInputWindow), first, last);
    IdentityLinks identities = new IdentityLinks(spark, writer);
    Dataset<Row> kept = byVisitor.filter(col(REASON).isNull().and(col(Sessionizer.DUPLICATE).equalTo(false)));
    written.put(OutputTable.IDENTITIES.tableName(), identities.merge(kept, first, last));
    ConversionDetector detector = new ConversionDetector(settings.allRules(), settings.touchpointDedupe());
    ChannelClassifier channels = new ChannelClassifier(settings.channelRules(), settings.defaultChannel());
    // The sort and every Window operator copy whole rows: only the columns sessions, rules and
    // channels read go in.
    java.util.Set<String> needed = new java.util.HashSet<>(Sessionizer.COLUMNS);
    needed.addAll(detector.referencedColumns(kept));
    needed.addAll(channels.referencedColumns(kept));
    Dataset<Row> narrow = kept.select(java.util.Arrays.stream(kept.columns()).filter(needed::contains).map(
        org.apache.spark.sql.functions::col).toArray(Column[]::new));
    // Only the rows the two tables are made of are kept: each session's last event (which holds
    // the session's totals) and the events where a conversion fires — a fraction of the events.
    Dataset<Row> sessionized = new Sessionizer(settings.sessions())
        .sessionize(narrow, channels, detector)
        .filter(col(Sessionizer.LAST_IN_SESSION).or(col(ConversionDetector.FIRED).isNotNull()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Filled here, by one plain action, rather than by two branches of the sessions query at once.
      sessionized.count();
      byVisitor.unpersist();
      Column reportingDate = to_date(org.apache.spark.sql.functions.from_utc_timestamp(col(EVENT_TIME), settings.reportingTimezone().getId()));
      Column sessionInWindow = col(SESSION_DATE).between(java.sql.Date.valueOf(first), java.sql.Date.valueOf(last));
      Dataset<Row> sessions = identities.stitchAsOf(sessions(sessionized).filter(sessionInWindow), SESSION_DATE,
          settings.identityStitching(), first, last);
      written.put(OutputTable.SESSIONS.tableName(), writer.replaceDates(OutputTable.SESSIONS, sessions, first, last));

      Dataset<Row> conversions =
          detector.conversions(sessionized)
              .withColumn(EVENT_DATE, reportingDate)
              .filter(col(EVENT_DATE).between(java.sql.Date.valueOf(first), java.sql.Date.valueOf(last)));
      Dataset<Row> stitched = identities.stitchAsOf(conversions, EVENT_DATE, settings.identityStitching(), first, last);
      written.put(OutputTable.CONVERSIONS.tableName(),
          writer.replaceDates(OutputTable.CONVERSIONS, stitched, first, last));
    } finally {
      sessionized.unpersist();
    }
    return new Result(first, counts, written);
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
        .withColumn(SESSION_DATE, to_date(org.apache.spark.sql.functions.from_utc_timestamp(
            col(Columns.SESSION_START), settings.reportingTimezone().getId())));
  }

  /**
   * Per input date: rows read, valid, quarantined (by reason) and duplicate, from one aggregation
   * over the persisted rows; only one row per date, reason and duplicate flag reaches the driver.
   */
  private Map<LocalDate, DateCounts> accounting(Dataset<Row> all, LocalDate first, LocalDate last) {
    Map<LocalDate, long[]> totals = new TreeMap<>();
    Map<LocalDate, Map<String, Long>> reasons = new TreeMap<>();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      totals.put(d, new long[4]);
      reasons.put(d, new TreeMap<>());
    }
    for (Row row : all.groupBy(col(EVENT_DATE), col(REASON), col(Sessionizer.DUPLICATE)).count().collectAsList()) {
      LocalDate date = row.getDate(0).toLocalDate();
      long n = row.getLong(3);
      long[] t = totals.get(date);
      t[0] += n;
      if (!row.isNullAt(1)) {
        t[2] += n;
        reasons.get(date).merge(row.getString(1), n, Long::sum);
      } else if (row.getBoolean(2)) {
        t[3] += n;
      }
    }
    Map<LocalDate, DateCounts> counts = new TreeMap<>();
    totals.forEach((date, t) -> counts.put(date, new DateCounts(t[0], t[0] - t[2] - t[3], t[2], t[3], reasons.get(date))));
    return counts;
  }

  /** Every rule's predicate and value must resolve against the mapped events, before any write. */
  private void checkPredicates(Dataset<Row> events) {
    for (var rule : settings.allRules()) {
      try {
        events.select(org.apache.spark.sql.functions.expr(rule.when())).schema();
        if (rule.valueExpression().isPresent()) {
          events.select(org.apache.spark.sql.functions.expr(rule.valueExpression().get())).schema();
        }
      } catch (Exception e) { // Spark's AnalysisException is checked
        throw new io.journeys.cli.JobFailure(
            "Cannot evaluate conversion rule '" + rule.name() + "': " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
      }
    }
  }
}
