package io.journeys.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The settings that shape the tables' rows (how events are read into logical columns, sessions,
 * identities, channels, conversions, attribution, paths, funnels, the reporting day), as one flat
 * map of key to value, so that a run can record them with its commits and the next run can say
 * which of them changed. Where and how the job runs (Spark, the output, the input's location and
 * format, which footers are read, the report, object storage) is left out: changing it changes no
 * row. Values are normalized where one setting can be written several ways: durations as ISO-8601
 * ({@code 30m} and {@code 30 minutes} are one value), choices in lower case.
 */
public final class RowSettings {
  /** Subtrees and keys that shape rows; every leaf below them is recorded. */
  static final List<String> RECORDED = List.of("input.columns", "input.schema", "input.late-days",
      "input.min-event-time", "sessions", "identity", "touchpoints", "channels", "conversions", "attribution",
      "paths", "funnels", "reporting");

  private static final Set<String> DURATIONS = Set.of("sessions.timeout", "attribution.lookback",
      "attribution.time-decay.half-life", "attribution.training-window");
  private static final Set<String> CHOICES = Set.of("sessions.source", "touchpoints.dedupe", "attribution.touchpoint",
      "paths.transform");

  /** A value longer than this (a list of rules) is said to have changed, not printed. */
  private static final int PRINTED_LENGTH = 60;
  private static final String SETTINGS = "settings";
  private static final String RUN_ID = "run_id";

  private RowSettings() {}

  /** The recorded settings of a validated config, sorted by key. */
  public static SortedMap<String, String> of(Config c) {
    SortedMap<String, String> values = new TreeMap<>();
    for (String path : RECORDED) {
      if (!c.hasPath(path)) {
        continue;
      }
      for (Map.Entry<String, ConfigValue> e : c.withOnlyPath(path).entrySet()) {
        values.put(e.getKey(), text(c, e.getKey(), e.getValue()));
      }
    }
    return java.util.Collections.unmodifiableSortedMap(values);
  }

  private static String text(Config c, String key, ConfigValue value) {
    if (DURATIONS.contains(key)) {
      return c.getDuration(key).toString();
    }
    if (value.valueType() != ConfigValueType.STRING) {
      return value.render(ConfigRenderOptions.concise());
    }
    String s = ((String) value.unwrapped()).trim();
    return CHOICES.contains(key) ? s.toLowerCase(Locale.ROOT) : s;
  }

  /**
   * What differs between the settings a run recorded and these, one item per key, in key order:
   * {@code key old → new}, {@code key changed} where either value is long (a list of rules), and
   * {@code key added} / {@code key removed} where one side lacks it.
   */
  public static List<String> changes(Map<String, String> before, Map<String, String> now) {
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
        changes.add(was.length() > PRINTED_LENGTH || is.length() > PRINTED_LENGTH ? key + " changed"
            : key + " " + shown(was) + " → " + shown(is));
      }
    }
    return changes;
  }

  private static String shown(String value) {
    return value.length() > PRINTED_LENGTH ? value.substring(0, PRINTED_LENGTH - 3) + "..." : value.isEmpty() ? "\"\"" : value;
  }

  /**
   * The record a run leaves in its commits (Delta's {@code userMetadata}, shown by {@code DESCRIBE
   * HISTORY}): a JSON object of the run's id and its settings.
   */
  public static String record(String runId, Map<String, String> settings) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put(RUN_ID, runId);
    // fromMap takes the map's keys as keys, not paths: "sessions.timeout" stays one key.
    record.put(SETTINGS, ConfigValueFactory.fromMap(new TreeMap<String, Object>(settings)));
    return ConfigValueFactory.fromMap(record).render(ConfigRenderOptions.concise());
  }

  /** A run's id and settings, read back from its record. */
  public record Recorded(String runId, Map<String, String> settings) {}

  /** The record in {@code text}; empty where the text is not one (another writer's metadata). */
  public static Optional<Recorded> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      ConfigObject root = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)).root();
      ConfigValue id = root.get(RUN_ID);
      ConfigValue settings = root.get(SETTINGS);
      if (id == null || id.valueType() != ConfigValueType.STRING || settings == null
          || settings.valueType() != ConfigValueType.OBJECT) {
        return Optional.empty();
      }
      Map<String, String> values = new TreeMap<>();
      for (Map.Entry<String, ConfigValue> e : ((ConfigObject) settings).entrySet()) {
        if (e.getValue().valueType() != ConfigValueType.STRING) {
          return Optional.empty();
        }
        values.put(e.getKey(), (String) e.getValue().unwrapped());
      }
      return Optional.of(new Recorded((String) id.unwrapped(), values));
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }
}
