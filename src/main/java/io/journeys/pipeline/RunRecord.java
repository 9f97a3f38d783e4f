package io.journeys.pipeline;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.journeys.io.DeltaPaths;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a run writes into each of its commits (Delta's {@code userMetadata}, shown by {@code
 * DESCRIBE HISTORY}): its id, the job's version and the settings that shaped its rows
 * ({@link io.journeys.config.RowSettings}), as a JSON object that other tools read too.
 */
public record RunRecord(String runId, String version, Map<String, String> settings) {
  private static final String RUN_ID = "run_id";
  private static final String VERSION = "version";
  private static final String SETTINGS = "settings";

  public String toJson() {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put(RUN_ID, runId);
    record.put(VERSION, version);
    // fromMap takes the map's keys as keys, not paths: "sessions.timeout" stays one key.
    record.put(SETTINGS, ConfigValueFactory.fromMap(new TreeMap<String, Object>(settings)));
    return ConfigValueFactory.fromMap(record).render(ConfigRenderOptions.concise());
  }

  /** The record in {@code text}; empty where the text is not one (another writer's metadata). */
  public static Optional<RunRecord> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      ConfigObject root = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)).root();
      Optional<String> id = string(root.get(RUN_ID));
      Optional<String> version = string(root.get(VERSION));
      ConfigValue settings = root.get(SETTINGS);
      if (id.isEmpty() || version.isEmpty() || settings == null || settings.valueType() != ConfigValueType.OBJECT) {
        return Optional.empty();
      }
      Map<String, String> values = new TreeMap<>();
      for (Map.Entry<String, ConfigValue> e : ((ConfigObject) settings).entrySet()) {
        Optional<String> value = string(e.getValue());
        if (value.isEmpty()) {
          return Optional.empty();
        }
        values.put(e.getKey(), value.get());
      }
      return Optional.of(new RunRecord(id.get(), version.get(), values));
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> string(ConfigValue value) {
    return value != null && value.valueType() == ConfigValueType.STRING
        ? Optional.of((String) value.unwrapped()) : Optional.empty();
  }

  /**
   * The record of the last run that finished, from run_metrics' commits (newest first): that of
   * the newest write with one, run_metrics being written last and once by each run. Others are an
   * operator's (OPTIMIZE, VACUUM, a DELETE, an INSERT), a version's before records, or the table's
   * comments brought up to date. Empty where none has one, or where a RESTORE came first: the
   * newest write may then be one it undid, and which run's rows are left is not known.
   */
  public static Optional<Recorded> lastOf(List<DeltaPaths.Commit> commits) {
    for (DeltaPaths.Commit c : commits) {
      if (c.operation().equals("RESTORE")) {
        return Optional.empty();
      }
      Optional<RunRecord> record = c.operation().equals("WRITE") ? c.userMetadata().flatMap(RunRecord::parse)
          : Optional.empty();
      if (record.isPresent()) {
        return Optional.of(new Recorded(record.get(), c.timestamp()));
      }
    }
    return Optional.empty();
  }

  /** A run's record and when its run_metrics commit was made. */
  public record Recorded(RunRecord record, Instant at) {}
}
