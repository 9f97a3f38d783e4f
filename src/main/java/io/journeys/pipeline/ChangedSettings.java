package io.journeys.pipeline;

import io.journeys.ErrorMessages;
import io.journeys.config.RowSettings;
import io.journeys.io.DeltaPaths;
import io.journeys.io.DeltaPaths.DateSpan;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says which of the settings that shape rows (and the job's version) differ from those the last
 * run that finished recorded: the tables' other dates keep the rows the earlier ones made. Said,
 * not acted on, as a run of earlier dates is: changing a setting on purpose and going on from
 * there is the operator's call. Nothing is said where the last run recorded nothing (a new
 * warehouse, or one a version before records wrote).
 */
final class ChangedSettings {
  private static final Logger LOG = LoggerFactory.getLogger(ChangedSettings.class);

  /** run_metrics' commits searched for the last run's write (RunRecord#lastOf). */
  static final int COMMITS_SEARCHED = 20;

  private ChangedSettings() {}

  /**
   * Reads the last run's record from run_metrics and logs the warning where this run's differs.
   *
   * @param runDates the dates run_metrics has, for the range to rerun
   */
  static void warnIfChanged(SparkSession spark, String runMetrics, RunRecord now, int lateDays,
      Supplier<Optional<DateSpan>> runDates, LocalDate from, LocalDate to) {
    Optional<RunRecord.Recorded> last;
    try {
      List<DeltaPaths.Commit> commits = DeltaPaths.recentCommits(spark, runMetrics, COMMITS_SEARCHED);
      last = RunRecord.lastOf(commits);
      if (last.isEmpty() && commits.size() == COMMITS_SEARCHED
          && commits.stream().noneMatch(c -> c.operation().equals("WRITE"))) {
        LOG.info("No run's write among run_metrics' last {} commits: this run's settings are not compared with"
            + " an earlier run's", COMMITS_SEARCHED);
      }
    } catch (Exception e) { // Spark's AnalysisException is checked
      LOG.warn("The last run's settings could not be read from {} ({}): this run's are not compared with them",
          runMetrics, ErrorMessages.reason(e));
      return;
    }
    if (last.isEmpty()) {
      return;
    }
    List<String> changes = changes(last.get().record(), now);
    if (!changes.isEmpty()) {
      LOG.warn(note(last.get().record().runId(), last.get().at(), changes, runDates.get(), lateDays, from, to));
    }
  }

  /** The job's version first, then each setting that changed. */
  static List<String> changes(RunRecord before, RunRecord now) {
    List<String> changes = new ArrayList<>();
    if (!before.version().equals(now.version())) {
      changes.add("conversion-journeys " + before.version() + " → " + now.version());
    }
    changes.addAll(RowSettings.changes(before.settings(), now.settings()));
    return changes;
  }

  /**
   * The warning: what changed, and the one range that would make every date with these settings.
   * run_metrics' first date is the first run's first rewritten date, late-days before the first
   * date run, whose input partition may not exist: the range starts late-days after it.
   */
  static String note(String lastRunId, Instant at, List<String> changes, Optional<DateSpan> recordedDates,
      int lateDays, LocalDate from, LocalDate to) {
    String note = "The settings that shape the tables' rows differ from those of the last run (" + lastRunId + ", "
        + at + "): " + String.join("; ", changes) + ". This run makes its own dates with these settings; the"
        + " tables' other dates keep the rows the earlier settings made";
    if (recordedDates.isEmpty()) {
      return note + ".";
    }
    DateSpan dates = recordedDates.get();
    LocalDate firstRun = min(dates.first().plusDays(lateDays), dates.last());
    return note + " (run_metrics has " + dates.first() + " to " + dates.last() + "): to make every date with these"
        + " settings, run --date " + min(firstRun, from) + " --to " + (dates.last().isAfter(to) ? dates.last() : to)
        + " as one range.";
  }

  private static LocalDate min(LocalDate a, LocalDate b) {
    return a.isBefore(b) ? a : b;
  }
}
