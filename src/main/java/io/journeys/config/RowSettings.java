package io.journeys.config;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.journeys.config.JobSettings.AttributionSettings;
import io.journeys.config.JobSettings.InputSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.StructType;

/**
 * The settings that shape the tables' rows (how events are read into logical columns, sessions,
 * identities, channels, conversions, attribution, paths, funnels, the reporting day) as one flat
 * map of config key to value, so that a run can record them and the next run can say which of
 * them changed. Taken from the validated settings, not the config's text, so that one setting
 * written two ways ({@code 30m} and {@code 30 minutes}, {@code per = JOURNEY}, {@code Etc/UTC} and
 * {@code UTC}, the models in another order) is one value.
 */
public final class RowSettings {
  /**
   * Keys of reference.conf that are not recorded: where the job reads and writes, whether a day
   * without input stops it, its report and object storage's client. Spark's settings can change
   * rows too (ANSI mode, case sensitivity on a mapping), but they may hold secrets, so a run does
   * not record them.
   */
  static final List<String> NOT_RECORDED = List.of("spark", "output", "input.path", "input.allow-empty-days",
      "report", "s3");

  private RowSettings() {}

  /** The recorded settings, sorted by key. */
  public static SortedMap<String, String> of(JobSettings s) {
    SortedMap<String, String> values = new TreeMap<>();
    InputSettings input = s.input();
    input.columns().forEach((logical, expression) ->
        values.put("input.columns." + logical, expression.map(RowSettings::expression).orElse("")));
    values.put("input.format", input.format().toLowerCase(Locale.ROOT));
    values.put("input.schema-files", label(input.schemaFiles()));
    // As Spark reads it: `id STRING` and `id string` are one schema.
    values.put("input.schema", input.schema().map(ddl -> StructType.fromDDL(ddl).toDDL()).orElse(""));
    values.put("input.late-days", Integer.toString(input.lateDays()));
    values.put("input.min-event-time", input.minEventTime().toString());
    values.put("sessions.timeout", s.sessions().timeout().toString());
    values.put("sessions.source", label(s.sessions().source()));
    values.put("identity.stitching", Boolean.toString(s.identityStitching()));
    values.put("touchpoints.dedupe", label(s.touchpointDedupe()));
    // First match wins: the channel rules' order is part of what they mean.
    values.put("channels.rules", json(s.channelRules().stream().map(r -> rule(r.name(), r.when())).toList()));
    values.put("channels.default", s.defaultChannel());
    values.put("conversions.micro", json(s.microRules().stream().map(RowSettings::rule).toList()));
    values.put("conversions.macro", json(s.macroRules().stream().map(RowSettings::rule).toList()));
    AttributionSettings attribution = s.attribution();
    values.put("attribution.touchpoint", label(attribution.touchpoint()));
    values.put("attribution.lookback", attribution.lookback().toString());
    values.put("attribution.models", json(List.copyOf(new TreeSet<>(attribution.models()))));
    values.put("attribution.time-decay.half-life", attribution.timeDecayHalfLife().toString());
    values.put("attribution.markov.order", Integer.toString(attribution.markovOrder()));
    values.put("attribution.training-window", attribution.trainingWindow().toString());
    values.put("paths.transform", label(s.pathTransform()));
    // Each funnel is counted on its own: their order is no part of what they mean.
    values.put("funnels", json(s.funnels().stream().sorted(Comparator.comparing(FunnelDefinition::name))
        .map(f -> (Object) Map.of("name", f.name(), "steps", f.steps())).toList()));
    // UTC, Etc/UTC and Z are one zone; Europe/Paris stays itself.
    values.put("reporting.timezone", s.reportingTimezone().normalized().getId());
    return Collections.unmodifiableSortedMap(values);
  }

  private static Map<String, Object> rule(String name, String when) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("name", name);
    rule.put("when", expression(when));
    return rule;
  }

  /** A column's name, of nested parts too, each plain or in backquotes (`event name`, ctx.`page-url`). */
  private static final Pattern COLUMN_NAME =
      Pattern.compile("(?:[A-Za-z_][A-Za-z0-9_]*|`(?:[^`]|``)+`)(?:\\.(?:[A-Za-z_][A-Za-z0-9_]*|`(?:[^`]|``)+`))*");
  private static final String DIGEST = "sha256:";

  /**
   * A SQL expression as recorded: a column's name as it is, any other expression as a digest of
   * its text. An expression can hold a literal that is a secret (a pepper hashed into user_id),
   * and the record is read by whoever reads the tables' history; a digest still tells a change.
   */
  static String expression(String sql) {
    if (COLUMN_NAME.matcher(sql).matches()) {
      return sql;
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8));
      return DIGEST + HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }

  /** Whether a recorded value is an expression's digest ({@link #expression}). */
  public static boolean isDigest(String value) {
    return value.startsWith(DIGEST);
  }

  private static Object rule(ConversionRule r) {
    Map<String, Object> rule = rule(r.name(), r.when());
    if (r.kind() == ConversionRule.Kind.MICRO) {
      // Both also where min-count is 1: a rule per journey then fires once a journey, not a session.
      rule.put("min-count", r.minCount());
      rule.put("per", label(r.per()));
    }
    r.valueExpression().ifPresent(v -> rule.put("value", expression(v)));
    return rule;
  }

  private static String label(Enum<?> choice) {
    return choice.name().toLowerCase(Locale.ROOT);
  }

  private static String json(List<?> values) {
    return ConfigValueFactory.fromIterable(values).render(ConfigRenderOptions.concise());
  }
}
