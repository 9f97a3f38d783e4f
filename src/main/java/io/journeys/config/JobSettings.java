package io.journeys.config;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job's settings, parsed and validated once at start-up by {@link SettingsLoader}. Immutable,
 * built from plain config without a SparkSession, so every option is tested on its own.
 */
public record JobSettings(
    SparkSettings spark,
    InputSettings input,
    OutputSettings output,
    SessionSettings sessions,
    boolean identityStitching,
    TouchpointDedupe touchpointDedupe,
    List<ChannelRule> channelRules,
    String defaultChannel,
    List<ConversionRule> microRules,
    List<ConversionRule> macroRules,
    AttributionSettings attribution,
    PathTransform pathTransform,
    List<FunnelDefinition> funnels,
    ZoneId reportingTimezone,
    ReportSettings report,
    S3Settings s3) {

  /** Logical input columns (SPEC §2), in their documented order. */
  public static final List<String> LOGICAL_COLUMNS =
      List.of(
          "event_id",
          "event_time",
          "visitor_id",
          "user_id",
          "session_id",
          "event_name",
          "page_url",
          "referrer_url",
          "utm_source",
          "utm_medium",
          "utm_campaign",
          "revenue",
          "properties");

  /** Logical columns a run cannot do without. */
  public static final List<String> REQUIRED_COLUMNS =
      List.of("event_id", "event_time", "visitor_id", "event_name");

  /** Attribution model names (SPEC §4), in their documented order. */
  public static final List<String> MODELS =
      List.of(
          "first_touch",
          "last_touch",
          "linear",
          "time_decay",
          "position_based",
          "markov",
          "shapley",
          "shapley_simplified");

  public record SparkSettings(Optional<String> master, String appName, Map<String, String> conf) {}

  /**
   * @param columns logical column to the user's column name or SQL expression; empty when the input
   *     does not have it (only optional columns may be empty)
   */
  public record InputSettings(
      String path,
      String format,
      Optional<String> schema,
      SchemaFiles schemaFiles,
      int lateDays,
      boolean allowEmptyDays,
      Instant minEventTime,
      Map<String, Optional<String>> columns) {}

  public record OutputSettings(String path, String database) {}

  public record SessionSettings(Duration timeout, SessionSource source) {}

  public record AttributionSettings(
      TouchpointKind touchpoint,
      Duration lookback,
      List<String> models,
      Duration timeDecayHalfLife,
      int markovOrder,
      Duration trainingWindow) {

    public boolean enabled(String model) {
      return models.contains(model);
    }
  }

  public record ReportSettings(boolean enabled, String path) {}

  /** Whose footers give the columns of a Parquet or ORC input without {@code input.schema}. */
  public enum SchemaFiles {
    /** The oldest and the newest file of each day read. */
    ENDS,
    /** Every file of the days read. */
    ALL
  }

  public enum SessionSource {
    INACTIVITY,
    INPUT
  }

  public enum TouchpointDedupe {
    SESSION,
    NONE
  }

  public enum TouchpointKind {
    MICRO_CONVERSION,
    CHANNEL
  }

  public enum PathTransform {
    EXPOSURE,
    UNIQUE,
    FIRST,
    FREQUENCY,
    NONE
  }

  public List<ConversionRule> allRules() {
    return java.util.stream.Stream.concat(microRules.stream(), macroRules.stream()).toList();
  }
}
