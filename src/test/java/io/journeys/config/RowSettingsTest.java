package io.journeys.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RowSettingsTest {
  private static Map<String, String> recorded(String... overrides) {
    return SettingsLoader.load(Optional.empty(), List.of(overrides)).rowSettings();
  }

  @Test
  void whereAndHowTheJobRunsIsNotRecordedAndChangesNothing() {
    Map<String, String> defaults = recorded();
    Map<String, String> elsewhere = recorded("input.path=/elsewhere/events", "input.format=json",
        "input.schema-files=all", "input.allow-empty-days=true", "output.path=/elsewhere/warehouse",
        "output.database=other", "spark.master=local[2]", "spark.conf.\"spark.sql.shuffle.partitions\"=4",
        "report.enabled=true", "s3.region=eu-west-1");
    assertThat(RowSettings.changes(defaults, elsewhere)).isEmpty();
    assertThat(defaults.keySet()).noneMatch(k -> k.startsWith("spark.") || k.startsWith("output.")
        || k.startsWith("report.") || k.startsWith("s3.") || k.equals("input.path") || k.equals("input.format"));
    // reference.conf's values, as they are written there or normalized
    assertThat(defaults).containsEntry("sessions.timeout", "PT30M").containsEntry("sessions.source", "inactivity")
        .containsEntry("input.columns.event_name", "event_name").containsEntry("input.late-days", "2")
        .containsEntry("identity.stitching", "true").containsEntry("reporting.timezone", "UTC")
        .containsEntry("attribution.training-window", "PT720H").containsKeys("channels.rules", "conversions.micro",
            "conversions.macro", "funnels", "attribution.models", "input.schema", "input.min-event-time");
  }

  @Test
  void oneValueWrittenAnotherWayIsNoChange() {
    assertThat(RowSettings.changes(recorded(),
        recorded("sessions.timeout=30 minutes", "attribution.lookback=720h", "touchpoints.dedupe=SESSION",
            "attribution.touchpoint=Micro_Conversion")))
        .isEmpty();
  }

  @Test
  void eachChangedKeyIsNamedWithBothValuesOrAsChangedWhereAValueIsLong() {
    Map<String, String> before = recorded();
    Map<String, String> after = recorded("sessions.timeout=45m", "input.columns.user_id=\"\"", "input.late-days=3",
        "conversions.micro=[{ name = signup, when = \"event_name = 'signup'\" }]", "funnels=[]");
    assertThat(RowSettings.changes(before, after)).containsExactly(
        "conversions.micro changed",
        "funnels changed",
        "input.columns.user_id user_id → \"\"",
        "input.late-days 2 → 3",
        "sessions.timeout PT30M → PT45M");
  }

  @Test
  void aKeyOnOneSideOnlyIsAddedOrRemoved() {
    Map<String, String> before = new TreeMap<>(Map.of("a.b", "1", "c", "x".repeat(70)));
    Map<String, String> after = Map.of("a.b", "1", "d", "2");
    assertThat(RowSettings.changes(before, after))
        .containsExactly("c removed (was " + "x".repeat(57) + "...)", "d added (2)");
  }

  @Test
  void aRecordReadsBackAsTheRunAndItsSettingsAndAnythingElseAsNone() {
    Map<String, String> settings = recorded("conversions.macro=[{ name = buy, when = \"event_name = \\\"buy\\\"\", value = revenue }]");
    String record = RowSettings.record("run-1", settings);
    assertThat(RowSettings.parse(record)).contains(new RowSettings.Recorded("run-1", settings));
    // Keys with dots stay keys, and the record is JSON that other tools read.
    assertThat(record).startsWith("{\"run_id\":\"run-1\",\"settings\":{").contains("\"sessions.timeout\":\"PT30M\"");
    assertThat(RowSettings.parse(null)).isEmpty();
    assertThat(RowSettings.parse("")).isEmpty();
    assertThat(RowSettings.parse("nightly backfill by ops")).isEmpty();
    assertThat(RowSettings.parse("{\"run_id\":\"r\"}")).isEmpty();
    assertThat(RowSettings.parse("{\"run_id\":\"r\",\"settings\":{\"a\":1}}")).isEmpty();
  }
}
