package io.journeys.pipeline;

import static io.journeys.Columns.CHANNEL;
import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.CONVERSION;
import static io.journeys.Columns.EVENT_DATE;
import static io.journeys.Columns.EVENT_ID;
import static io.journeys.Columns.EVENT_TIME;
import static io.journeys.Columns.KIND;
import static io.journeys.Columns.SESSION_DATE;
import static io.journeys.Columns.SESSION_ID;
import static io.journeys.Columns.SESSION_START;
import static io.journeys.Columns.VALUE;
import static io.journeys.Columns.VISITOR_ID;
import static io.journeys.Columns.VISITOR_KEY;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.journeys.attribution.Attribution;
import io.journeys.attribution.AttributionModels;
import io.journeys.attribution.TrainingPaths;
import io.journeys.config.ConversionRule;
import io.journeys.config.JobSettings;
import io.journeys.config.JobSettings.TouchpointKind;
import io.journeys.io.DeltaTableWriter;
import io.journeys.io.OutputTable;
import io.journeys.journeys.IdentityLinks;
import io.journeys.journeys.JourneyBuilder;
import io.journeys.journeys.KeySegments;
import io.journeys.report.ChannelPerformanceReport;
import io.journeys.report.FunnelReport;
import io.journeys.report.MicroConversionPerformanceReport;
import io.journeys.report.PathsReport;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Stage 2: journeys closing on [from, to], their attribution under every enabled model, and the
 * aggregate tables. Built from the {@code conversions} and {@code sessions} tables — never from raw
 * events — over the window the closing rules need (2 × lookback before {@code from}), with each
 * device re-keyed through {@code identities} by the links known at the end of each date its rows
 * serve ({@link KeySegments}): a login joins that device's earlier anonymous touchpoints to the
 * user's journeys from that day on (retroactive stitching), and no date depends on the run that wrote it.
 */
public final class Stage2Job {
  private final SparkSession spark;
  private final JobSettings settings;
  private final DeltaTableWriter writer;

  public Stage2Job(SparkSession spark, JobSettings settings, DeltaTableWriter writer) {
    this.spark = spark;
    this.settings = settings;
    this.writer = writer;
  }

  public Map<String, Long> run(LocalDate from, LocalDate to) {
    LocalDate readFrom = from.minusDays(2 * days(settings.attribution().lookback()) + 1);
    // Filled first, like the closing visitors: broadcast while small, shuffled when not.
    KeySegments keys = new KeySegments(new IdentityLinks(spark, writer)
        .epochs(settings.identityStitching(), readFrom, from, to, settings.reportingTimezone()), from, to).persist();
    try {
      return run(from, to, readFrom, keys);
    } finally {
      keys.unpersist();
    }
  }

  private Map<String, Long> run(LocalDate from, LocalDate to, LocalDate readFrom, KeySegments keys) {
    Duration lookback = settings.attribution().lookback();
    Dataset<Row> conversions = stitched(table(OutputTable.CONVERSIONS, EVENT_DATE, readFrom, to), keys);

    Dataset<Row> sessionsRead = stitched(table(OutputTable.SESSIONS, SESSION_DATE, readFrom, to), keys);
    Dataset<Row> matches = journeyMatches(readFrom, to, keys);
    JourneyBuilder builder = new JourneyBuilder(lookback, settings.reportingTimezone());
    // The visitors closing a journey are found on the few days that can close one, not in the history.
    Dataset<Row> candidates = timeline(conversions.filter(builder.closingDates(col(EVENT_DATE), from, to)),
        sessionsRead.filter(builder.closingDates(col(SESSION_DATE), from, to)),
        matches == null ? null : matches.filter(builder.closingDates(col(EVENT_DATE), from, to)));
    Dataset<Row> closing = builder.closingVisitors(candidates, from, to).persist(StorageLevel.MEMORY_AND_DISK());
    // Filled first, so that the planner sees its real size: below the broadcast threshold the
    // history's rows are filtered where they are read, instead of all being shuffled to meet it.
    closing.count();
    Dataset<Row> journeys =
        builder.build(timeline(conversions, sessionsRead, matches), closing, from, to).persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> written = new TreeMap<>();
    Dataset<Row> trainingPaths = null;
    try {
      written.put(OutputTable.JOURNEYS.tableName(), writer.replaceDates(OutputTable.JOURNEYS, journeys, from, to));

      List<LocalDate> dates = from.datesUntil(to.plusDays(1)).toList();
      LocalDate trainingFrom = from.minusDays(days(settings.attribution().trainingWindow()) - 1);
      // Grouped once for every data-driven model, and kept for the attribution and the weights.
      trainingPaths = TrainingPaths.of(table(OutputTable.JOURNEYS, CLOSE_DATE, trainingFrom, to))
          .persist(StorageLevel.MEMORY_AND_DISK());
      Attribution.Output attribution =
          new Attribution(AttributionModels.forSettings(settings), settings.attribution())
              .attribute(journeys, trainingPaths, dates);
      try {
        written.put(OutputTable.ATTRIBUTION.tableName(),
            writer.replaceDates(OutputTable.ATTRIBUTION, attribution.attribution(), from, to));
        Dataset<Row> weights = attribution.weights().orElseGet(
            () -> spark.createDataFrame(List.of(), OutputTable.MODEL_WEIGHTS.schema()));
        written.put(OutputTable.MODEL_WEIGHTS.tableName(), writer.replaceDates(OutputTable.MODEL_WEIGHTS, weights, from, to));
      } finally {
        attribution.release();
      }

      written.put(OutputTable.PATHS.tableName(),
          writer.replaceDates(OutputTable.PATHS, PathsReport.paths(journeys, settings.pathTransform()), from, to));
      written.put(OutputTable.MICRO_CONVERSION_PERFORMANCE.tableName(),
          writer.replaceDates(OutputTable.MICRO_CONVERSION_PERFORMANCE,
              MicroConversionPerformanceReport.performance(journeys), from, to));
    } finally {
      closing.unpersist();
      journeys.unpersist();
      if (trainingPaths != null) {
        trainingPaths.unpersist();
      }
    }

    // A day's own rows carry the key known at the end of that day (stage 1), the key its reports count by.
    Dataset<Row> sessions = ownDayKeys(table(OutputTable.SESSIONS, SESSION_DATE, from, to));
    Dataset<Row> dayConversions = ownDayKeys(table(OutputTable.CONVERSIONS, EVENT_DATE, from, to));
    written.put(OutputTable.CHANNEL_PERFORMANCE.tableName(),
        writer.replaceDates(OutputTable.CHANNEL_PERFORMANCE,
            ChannelPerformanceReport.performance(sessions, dayConversions, settings.defaultChannel()), from, to));

    Dataset<Row> funnelConversions =
        conversions.filter(col(EVENT_DATE).geq(java.sql.Date.valueOf(from.minusDays(days(lookback) + 1))));
    written.put(OutputTable.FUNNELS.tableName(),
        writer.replaceDates(OutputTable.FUNNELS,
            FunnelReport.funnels(funnelConversions, settings.funnels(), from, to, lookback, settings.reportingTimezone()), from, to));
    return written;
  }

  /**
   * The matches of the per-journey rules, stitched, each with its rule's count; null when no rule
   * counts per journey or the touchpoints are channels. Days written before such a rule was
   * configured hold none of its matches.
   */
  private Dataset<Row> journeyMatches(LocalDate readFrom, LocalDate to, KeySegments keys) {
    List<ConversionRule> rules = settings.allRules().stream().filter(ConversionRule::isJourneyRule).toList();
    if (rules.isEmpty() || settings.attribution().touchpoint() != TouchpointKind.MICRO_CONVERSION) {
      return null;
    }
    Column minCount = lit(null).cast("int");
    for (ConversionRule rule : rules) {
      minCount = when(col(CONVERSION).equalTo(rule.name()), lit(rule.minCount())).otherwise(minCount);
    }
    Dataset<Row> read = io.journeys.io.DeltaPaths.isDeltaTable(spark, writer.locations().path(OutputTable.JOURNEY_RULE_MATCHES))
        ? table(OutputTable.JOURNEY_RULE_MATCHES, EVENT_DATE, readFrom, to)
        : spark.createDataFrame(List.of(), OutputTable.JOURNEY_RULE_MATCHES.schema());
    // Matches of a rule since removed from config count for nothing.
    return stitched(read, keys).withColumn(JourneyBuilder.MIN_COUNT, minCount)
        .filter(col(JourneyBuilder.MIN_COUNT).isNotNull());
  }

  /** Touchpoints, macro conversions and per-journey matches of every stitched visitor, in the builder's columns and segments. */
  private Dataset<Row> timeline(Dataset<Row> conversions, Dataset<Row> sessions, Dataset<Row> matches) {
    if (settings.attribution().touchpoint() == TouchpointKind.MICRO_CONVERSION) {
      // Touchpoints and macro conversions in one scan: a union of the two kinds reads the whole
      // window of conversions twice.
      Column macro = col(KIND).equalTo("macro");
      Dataset<Row> timeline = conversions.filter(col(KIND).isin("micro", "macro"))
          .select(col(VISITOR_KEY), col(EVENT_TIME).as(JourneyBuilder.TIME), macro.as(JourneyBuilder.IS_MACRO),
              col(CONVERSION).as(JourneyBuilder.NAME), col(SESSION_ID), col(EVENT_ID), when(macro, col(VALUE)).as(VALUE),
              col(KeySegments.SEG_FROM), col(KeySegments.SEG_TO));
      if (matches == null) {
        return timeline;
      }
      return timeline.withColumn(JourneyBuilder.MIN_COUNT, lit(null).cast("int")).unionByName(
          matches.select(col(VISITOR_KEY), col(EVENT_TIME).as(JourneyBuilder.TIME), lit(false).as(JourneyBuilder.IS_MACRO),
              col(CONVERSION).as(JourneyBuilder.NAME), col(SESSION_ID), col(EVENT_ID), lit(null).cast("double").as(VALUE),
              col(KeySegments.SEG_FROM), col(KeySegments.SEG_TO), col(JourneyBuilder.MIN_COUNT)));
    }
    Dataset<Row> macros =
        conversions.filter(col(KIND).equalTo("macro"))
            .select(col(VISITOR_KEY), col(EVENT_TIME).as(JourneyBuilder.TIME), lit(true).as(JourneyBuilder.IS_MACRO),
                col(CONVERSION).as(JourneyBuilder.NAME), col(SESSION_ID), col(EVENT_ID), col(VALUE),
                col(KeySegments.SEG_FROM), col(KeySegments.SEG_TO));
    // A stored session without a channel (written by something other than this job: its
    // classifier always names one) is channels.default's, as channel_performance counts it.
    Dataset<Row> touchpoints =
        sessions
            .select(col(VISITOR_KEY), col(SESSION_START).as(JourneyBuilder.TIME), lit(false).as(JourneyBuilder.IS_MACRO),
                coalesce(col(CHANNEL), lit(settings.defaultChannel())).as(JourneyBuilder.NAME), col(SESSION_ID), col(SESSION_ID).as(EVENT_ID),
                lit(null).cast("double").as(VALUE), col(KeySegments.SEG_FROM), col(KeySegments.SEG_TO));
    return touchpoints.unionByName(macros);
  }

  /**
   * Re-keys window rows by their device's user as known at the end of each date they serve
   * ({@link KeySegments}): a login joins the device's earlier anonymous rows to the journeys it
   * closes from that day on, and a journey closed before keeps the key it had on its day.
   */
  private Dataset<Row> stitched(Dataset<Row> rows, KeySegments keys) {
    return keys.apply(ownDayKeys(rows));
  }

  private Dataset<Row> ownDayKeys(Dataset<Row> rows) {
    return settings.identityStitching() ? rows : rows.withColumn(VISITOR_KEY, col(VISITOR_ID));
  }

  private Dataset<Row> table(OutputTable table, String dateColumn, LocalDate from, LocalDate to) {
    Column inRange = col(dateColumn).between(java.sql.Date.valueOf(from), java.sql.Date.valueOf(to));
    return spark.read().format("delta").load(writer.locations().path(table)).filter(inRange);
  }

  /** Whole days covering a duration (a 36h lookback reaches 2 days back). */
  private static long days(Duration duration) {
    return (duration.toHours() + 23) / 24;
  }
}
