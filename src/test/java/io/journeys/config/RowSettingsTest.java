package io.journeys.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RowSettingsTest {
  private static Map<String, String> recorded(String... overrides) {
    return RowSettings.of(SettingsLoader.load(Optional.empty(), List.of(overrides)));
  }

  @Test
  void everyKeyOfReferenceConfIsRecordedOrLeftOutByName() {
    Map<String, String> recorded = recorded();
    for (Map.Entry<String, ConfigValue> leaf : ConfigFactory.parseResources("reference.conf").entrySet()) {
      String key = leaf.getKey();
      boolean isRecorded = recorded.keySet().stream().anyMatch(r -> key.equals(r) || key.startsWith(r + "."));
      boolean leftOut = RowSettings.NOT_RECORDED.stream().anyMatch(n -> key.equals(n) || key.startsWith(n + "."));
      assertThat(isRecorded ^ leftOut).as(key + " is recorded or left out, not both").isTrue();
    }
  }

  @Test
  void whereAndHowTheJobRunsChangesNothingRecorded() {
    assertThat(RowSettings.changes(recorded(), recorded("input.path=/elsewhere/events", "input.format=json",
        "input.schema-files=all", "input.allow-empty-days=true", "output.path=/elsewhere/warehouse",
        "output.database=other", "spark.master=local[2]", "spark.conf.\"spark.sql.shuffle.partitions\"=4",
        "report.enabled=true", "s3.region=eu-west-1"))).isEmpty();
  }

  /** Each key: written another way, no change; another value, a change named with both. */
  @Test
  void oneValueWrittenAnotherWayIsNoChangeAndAnotherValueIs() {
    Map<String, String> defaults = recorded();
    Map<String, List<String>> sameAndOther = new TreeMap<>(Map.of(
        "sessions.timeout", List.of("30 minutes", "45m", "sessions.timeout PT30M → PT45M"),
        "attribution.lookback", List.of("720h", "7d", "attribution.lookback PT720H → PT168H"),
        "touchpoints.dedupe", List.of("SESSION", "none", "touchpoints.dedupe session → none"),
        "identity.stitching", List.of("yes", "off", "identity.stitching true → false"),
        "reporting.timezone", List.of("Etc/UTC", "Europe/Paris", "reporting.timezone Z → Europe/Paris"),
        "input.min-event-time", List.of("2000-01-01T01:00:00+01:00", "2001-01-01T00:00:00Z",
            "input.min-event-time 2000-01-01T00:00:00Z → 2001-01-01T00:00:00Z"),
        "input.late-days", List.of("2", "3", "input.late-days 2 → 3"),
        "attribution.models", List.of("[shapley_simplified, shapley, markov, position_based, time_decay, linear,"
            + " last_touch, first_touch]", "[markov, linear]", "attribution.models changed")));
    sameAndOther.forEach((key, values) -> {
      assertThat(RowSettings.changes(defaults, recorded(key + "=" + values.get(0)))).as(key + " the same").isEmpty();
      assertThat(RowSettings.changes(defaults, recorded(key + "=" + values.get(1)))).as(key + " another")
          .containsExactly(values.get(2));
    });
  }

  @Test
  void aRuleIsTheSameWrittenWithItsDefaultsOrAnotherCaseAndChangedByAnyOfItsParts() {
    String micro = "conversions.micro=[{ name = a, when = \"event_name = 'a'\" }, { name = b, when = \"event_name = 'b'\","
        + " min-count = 3, per = %s }]";
    Map<String, String> before = recorded(micro.formatted("journey"));
    assertThat(RowSettings.changes(before, recorded(("conversions.micro=[{ name = a, when = \"event_name = 'a'\","
        + " min-count = 1, per = session }, { name = b, when = \"event_name = 'b'\", min-count = 3, per = JOURNEY }]"))))
        .isEmpty();
    assertThat(RowSettings.changes(before, recorded(micro.formatted("session")))).containsExactly("conversions.micro changed");
    // The order of the channel rules is what they mean: the first that matches names the session.
    String channels = "channels.rules=[{ name = A, when = \"utm_medium = 'a'\" }, { name = B, when = \"true\" }]";
    assertThat(RowSettings.changes(recorded(channels), recorded(
        "channels.rules=[{ name = B, when = \"true\" }, { name = A, when = \"utm_medium = 'a'\" }]")))
        .containsExactly("channels.rules changed");
  }

  @Test
  void anEmptyMappingIsShownAsEmptyAndAKeyOnOneSideOnlyAsAddedOrRemoved() {
    assertThat(RowSettings.changes(recorded(), recorded("input.columns.user_id=")))
        .containsExactly("input.columns.user_id user_id → (empty)");
    Map<String, String> before = new TreeMap<>(Map.of("a.b", "1", "c", "x".repeat(70)));
    Map<String, String> after = Map.of("a.b", "1", "d", "2");
    assertThat(RowSettings.changes(before, after))
        .containsExactly("c removed (was " + "x".repeat(57) + "...)", "d added (2)");
  }
}
