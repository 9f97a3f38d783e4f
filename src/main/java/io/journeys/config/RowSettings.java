package io.journeys.config;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.journeys.config.JobSettings.AttributionSettings;
import io.journeys.config.JobSettings.InputSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

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
   * Keys of reference.conf that are not recorded, and why: where and how the job runs. Spark's
   * settings can change rows too (ANSI mode, case sensitivity on a mapping), but they may hold
   * secrets, so a run does not record them.
   */
  static final List<String> NOT_RECORDED = List.of("spark", "output", "input.path", "input.format",
      "input.schema-files", "input.allow-empty-days", "report", "s3");

  /** A value longer than this (a list of rules) is said to have changed, not printed. */
  private static final int PRINTED_LENGTH = 60;

  private RowSettings() {}

  /** The recorded settings, sorted by key. */
  public static SortedMap<String, String> of(JobSettings s) {
    SortedMap<String, String> values = new TreeMap<>();
    InputSettings input = s.input();
    input.columns().forEach((logical, expression) -> values.put("input.columns." + logical, expression.orElse("")));
    values.put("input.schema", input.schema().orElse(""));
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
    values.put("funnels", json(s.funnels().stream()
        .map(f -> (Object) Map.of("name", f.name(), "steps", f.steps())).toList()));
    // UTC, Etc/UTC and Z are one zone; Europe/Paris stays itself.
    values.put("reporting.timezone", s.reportingTimezone().normalized().getId());
    return java.util.Collections.unmodifiableSortedMap(values);
  }

  private static Map<String, Object> rule(String name, String when) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("name", name);
    rule.put("when", when);
    return rule;
  }

  private static Object rule(ConversionRule r) {
    Map<String, Object> rule = rule(r.name(), r.when());
    // A rule of one match fires at it whatever its scope says.
    if (r.isCountRule()) {
      rule.put("min-count", r.minCount());
      rule.put("per", label(r.per()));
    }
    r.valueExpression().ifPresent(v -> rule.put("value", v));
    return rule;
  }

  private static String label(Enum<?> choice) {
    return choice.name().toLowerCase(Locale.ROOT);
  }

  private static String json(List<?> values) {
    return ConfigValueFactory.fromIterable(values).render(ConfigRenderOptions.concise());
  }

  /**
   * What differs between recorded settings and these, one item per key, in key order: {@code key
   * old → new}, {@code key changed} where either value is long (a list of rules), and {@code key
   * added} / {@code key removed} where one side lacks it (a setting a version added or dropped).
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
    if (value.isEmpty()) {
      return "(empty)";
    }
    return value.length() > PRINTED_LENGTH ? value.substring(0, PRINTED_LENGTH - 3) + "..." : value;
  }
}
