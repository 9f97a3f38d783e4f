package io.journeys.pipeline;

import io.journeys.cli.BuildVersion;
import io.journeys.config.JobSettings;
import io.journeys.config.RowSettings;
import io.journeys.io.DeltaPaths;
import io.journeys.io.DeltaTableWriter;
import io.journeys.io.OutputTable;
import io.journeys.io.TableLocations;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code journeys run --date D1 [--to D2]}: stage 1 for [D1 − late-days, D2], then stage 2 for
 * the same dates, then {@code run_metrics}. A range is one pass per stage (one read, one shuffle, one
 * commit per table), not a loop over days; each table's partitions of those dates are replaced, so
 * a rerun gives the same rows.
 */
public final class DailyJob {
  private static final Logger LOG = LoggerFactory.getLogger(DailyJob.class);
  private static final String STAGE1 = "conversion-journeys stage 1: events to sessions and conversions";

  private final SparkSession spark;
  private final JobSettings settings;
  private final TableLocations locations;

  public DailyJob(SparkSession spark, JobSettings settings) {
    this.spark = spark;
    this.settings = settings;
    this.locations = new TableLocations(settings.output().path(), settings.output().database());
  }

  /** What a run did, for the command line's summary. */
  public record Outcome(String runId, Map<LocalDate, Stage1Job.DateCounts> counts, Map<String, Long> rowsWritten,
      Map<String, Double> stageSeconds) {}

  public Outcome run(LocalDate from, LocalDate to) {
    if (to.isBefore(from)) {
      throw new io.journeys.cli.JobFailure("Cannot run: --to " + to + " is before --date " + from);
    }
    String runId = UUID.randomUUID().toString();
    Instant startedAt = Instant.now();
    // Each write and merge of the run says which run made it, with which version and settings.
    RunRecord record = new RunRecord(runId, BuildVersion.version(), RowSettings.of(settings));
    DeltaTableWriter writer = new DeltaTableWriter(spark, locations).withCommitMetadata(record.toJson());
    Map<String, Double> seconds = new LinkedHashMap<>();
    Map<String, Long> written = new TreeMap<>();

    long t0 = System.nanoTime();
    openCatalogMeanwhile();
    spark.sparkContext().setJobGroup("stage1", STAGE1, false);
    // run_metrics has a row for every date each run wrote: its last date is where the runs got to.
    String runMetrics = locations.path(OutputTable.RUN_METRICS);
    // Listed once, when first asked, and kept: before this run's own rows, where the runs had got to.
    AtomicReference<Optional<DeltaPaths.DateSpan>> listed = new AtomicReference<>();
    Supplier<Optional<DeltaPaths.DateSpan>> runDates = () -> listed.updateAndGet(known -> known != null ? known
        : DeltaPaths.partitionDates(spark, runMetrics, OutputTable.RUN_METRICS.partitionColumn()));
    Supplier<Optional<LocalDate>> lastRun = () -> runDates.get().map(DeltaPaths.DateSpan::last);
    // Once the input is found, as stage 1 reads the warehouse after it (a store that is down is
    // named by the input's path first).
    Runnable compareSettings = () -> {
      spark.sparkContext().setJobGroup("settings", "conversion-journeys: the last run's settings", false);
      try {
        ChangedSettings.warnIfChanged(spark, runMetrics, record, settings.input().lateDays(), runDates, from, to);
      } finally {
        spark.sparkContext().setJobGroup("stage1", STAGE1, false);
      }
    };
    Stage1Job.Result stage1 = new Stage1Job(spark, settings, writer).run(from, to, compareSettings, lastRun, runId);
    written.putAll(stage1.rowsWritten());
    seconds.put("stage1", (System.nanoTime() - t0) / 1e9);
    LOG.info("stage 1 done in {} s: {}", String.format("%.1f", seconds.get("stage1")), stage1.rowsWritten());

    long t1 = System.nanoTime();
    spark.sparkContext().setJobGroup("stage2", "conversion-journeys stage 2: journeys and attribution", false);
    // Stage 2 closes journeys on every date stage 1 rewrote: a macro conversion that arrives a day
    // late lands in a late day's conversions, and its journey, attribution and that day's reports
    // must follow, or daily runs would never attribute it while a range run would.
    written.putAll(new Stage2Job(spark, settings, writer).run(stage1.firstRewritten(), to));
    seconds.put("stage2", (System.nanoTime() - t1) / 1e9);
    LOG.info("stage 2 done in {} s", String.format("%.1f", seconds.get("stage2")));

    spark.sparkContext().setJobGroup("metrics", "conversion-journeys run metrics", false);
    writeMetrics(writer, runId, startedAt, stage1, written, seconds);
    io.journeys.report.BiViews.create(spark, settings.output().database());
    spark.sparkContext().clearJobGroup();
    lastRun.get().filter(last -> last.isAfter(to)).ifPresent(last -> LOG.warn(laterDatesNote(to, last)));
    return new Outcome(runId, stage1.counts(), written, seconds);
  }

  /**
   * A run of dates before the last date run (a backfill, a rerun after a fix) leaves the later
   * dates as they were made: from these dates' rows as they were then (their sessions continued,
   * identity keys, journeys' touchpoints, the models' training journeys). Said, not acted on: a
   * rerun of unchanged input changes no row, and rerunning the later dates is the operator's call.
   */
  static String laterDatesNote(LocalDate to, LocalDate lastRun) {
    LocalDate next = to.plusDays(1);
    return "The runs before this one reached " + lastRun + ", after its last date " + to + ": the tables of the"
        + " dates after it were made from its dates' rows as they were then. If this run's rows are new or changed"
        + " (a backfill, corrected input, another config), run --date " + next + " --to " + lastRun
        + " again, as one range.";
  }

  /**
   * Opens the catalog (with Hive, the metastore client and its database) on a thread of its own
   * while stage 1 reads and walks the events. Opened on first use instead, between the walk and
   * the first write, it took 2-3 s in which the driver, mostly loading classes, kept under half
   * a core busy and no task ran. No Spark job runs on the thread; a failure there is met again,
   * and reported, by the first table operation.
   */
  private void openCatalogMeanwhile() {
    initializeLog4j1Levels();
    Thread thread = new Thread(() -> {
      try {
        spark.sessionState().catalog().databaseExists(settings.output().database());
      } catch (Throwable e) {
        // Anything: what escapes goes to the JVM's own handler, which prints its trace unmasked on
        // stderr. Spark's AnalysisException (checked, so not caught as a RuntimeException) did, with
        // the metastore URL's password (a black-box test).
        LOG.debug("Opening the catalog ahead of the writes failed; the writes will report it", e);
      }
    }, "journeys-catalog-open");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The log4j 1 API's Priority creates Levels as it initializes, and Level is a Priority: the first
   * use of each from two threads at once deadlocks, each waiting for the class the other is
   * initializing. A CI run hung there for good (thread dump, 2026-12-06): this thread starting an
   * s3a client (the AWS SDK's commons-logging loads Priority) while the catalog's thread started
   * DataNucleus (log4j 1's LogManager loads Level). Both are initialized here first, in one thread.
   * Without that API on the classpath there is nothing to deadlock.
   */
  static void initializeLog4j1Levels() {
    try {
      Class.forName("org.apache.log4j.Level", true, DailyJob.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      LOG.debug("No log4j 1 API to initialize", e);
    }
  }

  private void writeMetrics(DeltaTableWriter writer, String runId, Instant startedAt, Stage1Job.Result stage1,
      Map<String, Long> written, Map<String, Double> seconds) {
    List<Row> rows = new ArrayList<>();
    stage1.counts().forEach((date, c) -> rows.add(RowFactory.create(
        java.sql.Date.valueOf(date), runId, java.sql.Timestamp.from(startedAt), c.read(), c.valid(), c.quarantined(),
        c.duplicate(), scala.jdk.javaapi.CollectionConverters.asScala(c.byReason()),
        scala.jdk.javaapi.CollectionConverters.asScala(written),
        scala.jdk.javaapi.CollectionConverters.asScala(seconds))));
    LocalDate first = stage1.firstRewritten();
    LocalDate last = stage1.counts().keySet().stream().max(LocalDate::compareTo).orElse(first);
    writer.replaceDates(
        OutputTable.RUN_METRICS, spark.createDataFrame(rows, OutputTable.RUN_METRICS.schema()), first, last);
  }
}
