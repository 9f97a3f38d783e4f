package io.journeys.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RowSettingsTest {
  private static Map<String, String> recorded(String... overrides) {
    return RowSettings.of(SettingsLoader.load(Optional.empty(), List.of(overrides)));
  }

  /** The keys whose values differ, each as "key old → new" ("-" where one side lacks it). */
  private static List<String> differing(Map<String, String> a, Map<String, String> b) {
    SortedSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    return keys.stream().filter(k -> !Objects.equals(a.get(k), b.get(k)))
        .map(k -> k + " " + a.getOrDefault(k, "-") + " → " + b.getOrDefault(k, "-")).toList();
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
  void whereTheJobReadsAndWritesChangesNothingRecorded() {
    assertThat(differing(recorded(), recorded("input.path=/elsewhere/events", "input.allow-empty-days=true",
        "output.path=/elsewhere/warehouse", "output.database=other", "spark.master=local[2]",
        "spark.conf.\"spark.sql.shuffle.partitions\"=4", "report.enabled=true", "s3.region=eu-west-1"))).isEmpty();
    // How it reads them can change rows (types inferred from JSON, a column the ends of a day miss).
    assertThat(differing(recorded(), recorded("input.format=json", "input.schema-files=ALL")))
        .containsExactly("input.format parquet → json", "input.schema-files ends → all");
    assertThat(differing(recorded("input.schema=event_id STRING, revenue DOUBLE"),
        recorded("input.schema=event_id string,revenue double"))).isEmpty();
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
            + " last_touch, first_touch]", "[markov, linear]",
            "attribution.models [\"first_touch\",\"last_touch\",\"linear\",\"markov\",\"position_based\","
                + "\"shapley\",\"shapley_simplified\",\"time_decay\"] → [\"linear\",\"markov\"]")));
    sameAndOther.forEach((key, values) -> {
      assertThat(differing(defaults, recorded(key + "=" + values.get(0)))).as(key + " the same").isEmpty();
      assertThat(differing(defaults, recorded(key + "=" + values.get(1)))).as(key + " another")
          .containsExactly(values.get(2));
    });
  }

  @Test
  void aRuleIsTheSameWrittenWithItsDefaultsOrAnotherCaseAndChangedByAnyOfItsParts() {
    String micro = "conversions.micro=[{ name = a, when = \"event_name = 'a'\" }, { name = b, when = \"event_name = 'b'\","
        + " min-count = 3, per = %s }]";
    Map<String, String> before = recorded(micro.formatted("journey"));
    assertThat(differing(before, recorded(("conversions.micro=[{ name = a, when = \"event_name = 'a'\","
        + " min-count = 1, per = session }, { name = b, when = \"event_name = 'b'\", min-count = 3, per = JOURNEY }]"))))
        .isEmpty();
    assertThat(differing(before, recorded(micro.formatted("session")))).singleElement().asString()
        .startsWith("conversions.micro ");
    // One match per journey fires once a journey, not once a session.
    assertThat(differing(recorded("conversions.micro=[{ name = a, when = \"event_name = 'a'\" }]"),
        recorded("conversions.micro=[{ name = a, when = \"event_name = 'a'\", per = journey }]")))
        .singleElement().asString().startsWith("conversions.micro ");
    // The order of the channel rules is what they mean: the first that matches names the session.
    String channels = "channels.rules=[{ name = A, when = \"utm_medium = 'a'\" }, { name = B, when = \"true\" }]";
    assertThat(differing(recorded(channels), recorded(
        "channels.rules=[{ name = B, when = \"true\" }, { name = A, when = \"utm_medium = 'a'\" }]")))
        .singleElement().asString().startsWith("channels.rules ");
    // Funnels are counted each on its own.
    assertThat(differing(
        recorded("funnels=[{ name = f, steps = [viewed_3_pages, purchase] }, { name = g, steps = [add_to_cart, purchase] }]"),
        recorded("funnels=[{ name = g, steps = [add_to_cart, purchase] }, { name = f, steps = [viewed_3_pages, purchase] }]")))
        .isEmpty();
  }

  @Test
  void anExpressionIsRecordedAsADigestOfItsTextAndAColumnsNameAsItIs() {
    Map<String, String> peppered = recorded("input.columns.user_id=sha2(concat(user_id, 'S3cretPepper'), 256)",
        "input.columns.page_url=lower(page_url)");
    assertThat(recorded("input.columns.page_url=ctx.`page-url`", "input.columns.referrer_url=`referrer url`"))
        .containsEntry("input.columns.page_url", "ctx.`page-url`").containsEntry("input.columns.referrer_url", "`referrer url`");
    assertThat(peppered).containsEntry("input.columns.event_name", "event_name")
        .containsEntry("input.columns.page_url", RowSettings.expression("lower(page_url)"));
    assertThat(peppered.get("input.columns.user_id")).matches("sha256:[0-9a-f]{16}")
        .isNotEqualTo(peppered.get("input.columns.page_url"));
    assertThat(peppered.values()).noneMatch(v -> v.contains("S3cretPepper"));
    assertThat(peppered.get("conversions.macro")).doesNotContain("event_name = 'purchase'").contains("\"name\":\"purchase\"");
    // The same text, the same digest; another, another.
    assertThat(recorded("input.columns.page_url=lower(page_url)")).isEqualTo(recorded("input.columns.page_url=lower(page_url)"));
    assertThat(RowSettings.expression("lower(page_url)")).isNotEqualTo(RowSettings.expression("upper(page_url)"));
  }

  @Test
  void anEmptyMappingIsRecordedEmpty() {
    assertThat(differing(recorded(), recorded("input.columns.user_id="))).containsExactly("input.columns.user_id user_id → ");
  }
}
