package io.journeys.pipeline;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.journeys.ErrorMessages;
import io.journeys.config.RowSettings;
import io.journeys.io.DeltaPaths;
import io.journeys.io.DeltaPaths.DateSpan;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says which of the settings that shape rows, and whether the job's version, differ from those the
 * last run that finished recorded: the tables' other dates keep the rows the earlier ones made. Said,
 * not acted on, as a run of earlier dates is: changing a setting on purpose and going on from
 * there is the operator's call. Nothing is said where the last run recorded nothing (a new
 * warehouse, or one a version before records wrote).
 */
final class ChangedSettings {
  private static final Logger LOG = LoggerFactory.getLogger(ChangedSettings.class);

  /** A value longer than this (a list of rules) is said to have changed, not printed. */
  private static final int PRINTED_LENGTH = 60;

  /** run_metrics' commits searched for the last run's write (RunRecord#lastOf). */
  static final int COMMITS_SEARCHED = 20;

  private ChangedSettings() {}

  /**
   * Reads the last run's record from run_metrics and logs the warning where this run's differs.
   *
   * @param lateDays this run's input.late-days, where the last run recorded none
   * @param runDates the dates run_metrics has, for the range to rerun
   */
  static void warnIfChanged(SparkSession spark, String runMetrics, RunRecord now, int lateDays,
      Supplier<Optional<DateSpan>> runDates, LocalDate from, LocalDate to) {
    Optional<RunRecord.Recorded> last;
    try {
      List<DeltaPaths.Commit> commits = DeltaPaths.recentCommits(spark, runMetrics, COMMITS_SEARCHED);
      last = RunRecord.lastOf(commits);
      if (last.isEmpty() && commits.stream().anyMatch(c -> c.operation().equals("RESTORE"))) {
        LOG.info("run_metrics was restored after the last run's write: this run's settings are not compared with"
            + " an earlier run's");
      } else if (last.isEmpty() && commits.size() == COMMITS_SEARCHED) {
        LOG.info("No run's record among run_metrics' last {} commits: this run's settings are not compared with"
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
      LOG.warn(note(last.get().record().runId(), last.get().at(), changes, runDates.get(),
          recordedLateDays(last.get().record()).orElse(lateDays), from, to));
    }
  }

  /**
   * The last run's input.late-days: where late-days is what changed, run_metrics' first date is
   * still that many days before the first date run (the first run's is not known; a change of it
   * before the last run shifts the range's start).
   */
  static Optional<Integer> recordedLateDays(RunRecord record) {
    try {
      return Optional.ofNullable(record.settings().get("input.late-days")).map(Integer::valueOf);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The job's version first, then each setting that changed. */
  static List<String> changes(RunRecord before, RunRecord now) {
    List<String> changes = new ArrayList<>();
    if (!before.version().equals(now.version())) {
      changes.add("conversion-journeys " + before.version() + " → " + now.version());
    }
    changes.addAll(settingChanges(before.settings(), now.settings()));
    return changes;
  }

  /**
   * The warning: what changed, and the one range that would make every date alike. run_metrics'
   * first date is the first run's first rewritten date, late-days before the first date run, whose
   * input partition may not exist: the range starts late-days after it.
   */
  static String note(String lastRunId, Instant at, List<String> changes, Optional<DateSpan> recordedDates,
      int lateDays, LocalDate from, LocalDate to) {
    String note = "The settings that shape the tables' rows, or the job's version, differ from the last run's ("
        + lastRunId + ", " + at + "): " + String.join("; ", changes) + ". This run makes its own dates with these;"
        + " the tables' other dates keep the rows the earlier ones made";
    if (recordedDates.isEmpty()) {
      return note + ".";
    }
    DateSpan dates = recordedDates.get();
    LocalDate firstRun = min(dates.first().plusDays(lateDays), dates.last());
    return note + " (run_metrics has " + dates.first() + " to " + dates.last() + "): to make every date with these,"
        + " run --date " + min(firstRun, from) + " --to " + (dates.last().isAfter(to) ? dates.last() : to)
        + " as one range.";
  }

  private static LocalDate min(LocalDate a, LocalDate b) {
    return a.isBefore(b) ? a : b;
  }

  /**
   * What differs between two runs' settings, one item per key, in key order: {@code key old →
   * new} and the like ({@link #change}), and {@code key added} / {@code key removed} where one
   * side lacks it (a setting a version added or dropped).
   */
  static List<String> settingChanges(Map<String, String> before, Map<String, String> now) {
    List<String> changes = new ArrayList<>();
    Set<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(now.keySet());
    for (String key : keys) {
      String was = before.get(key);
      String is = now.get(key);
      if (was == null) {
        changes.add(key + " added (" + shown(is) + ")");
      } else if (is == null) {
        changes.add(key + " removed (was " + shown(was) + ")");
      } else if (!was.equals(is)) {
        changes.add(key + " " + change(was, is));
      }
    }
    return changes;
  }

  /**
   * One value's change: both values where they are short and no digest; for a list of names (the
   * models) or of rules by their names, the items changed, added and removed, or that it was
   * reordered; else "changed".
   */
  private static String change(String was, String is) {
    if (RowSettings.isDigest(was) || RowSettings.isDigest(is)) {
      return "changed";
    }
    Optional<Map<String, String>> before = items(was);
    Optional<Map<String, String>> after = items(is);
    if (before.isPresent() && after.isPresent()) {
      List<String> common = new ArrayList<>(before.get().keySet());
      common.retainAll(after.get().keySet());
      List<String> parts = new ArrayList<>();
      part(parts, "changed", common.stream().filter(n -> !before.get().get(n).equals(after.get().get(n))).toList());
      part(parts, "added", after.get().keySet().stream().filter(n -> !before.get().containsKey(n)).toList());
      part(parts, "removed", before.get().keySet().stream().filter(n -> !after.get().containsKey(n)).toList());
      List<String> order = new ArrayList<>(after.get().keySet());
      order.retainAll(common);
      if (!order.equals(common)) {
        parts.add("reordered");
      }
      return parts.isEmpty() ? "changed" : "(" + String.join("; ", parts) + ")";
    }
    return was.length() > PRINTED_LENGTH || is.length() > PRINTED_LENGTH ? "changed" : shown(was) + " → " + shown(is);
  }

  private static void part(List<String> parts, String what, List<String> names) {
    if (!names.isEmpty()) {
      parts.add(what + ": " + String.join(", ", names));
    }
  }

  /**
   * A list's items by name in its order, each with its text: a list of names, or of rules that
   * have one (a name's second rule as {@code name#2}); empty for any other value.
   */
  private static Optional<Map<String, String>> items(String value) {
    ConfigValue list;
    try {
      list = ConfigFactory.parseString("{\"v\": " + value + "}", ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON))
          .root().get("v");
    } catch (ConfigException e) {
      return Optional.empty();
    }
    if (list == null || list.valueType() != ConfigValueType.LIST) {
      return Optional.empty();
    }
    Map<String, String> items = new LinkedHashMap<>();
    for (ConfigValue item : (ConfigList) list) {
      String name;
      if (item.valueType() == ConfigValueType.STRING) {
        name = (String) item.unwrapped();
      } else if (item.valueType() == ConfigValueType.OBJECT && ((ConfigObject) item).get("name") != null) {
        name = String.valueOf(((ConfigObject) item).get("name").unwrapped());
      } else {
        return Optional.empty();
      }
      String key = name;
      for (int n = 2; items.containsKey(key); n++) {
        key = name + "#" + n;
      }
      items.put(key, item.render(ConfigRenderOptions.concise()));
    }
    return Optional.of(items);
  }

  private static String shown(String value) {
    if (value.isEmpty()) {
      return "(empty)";
    }
    return value.length() > PRINTED_LENGTH ? value.substring(0, PRINTED_LENGTH - 3) + "..." : value;
  }
}
