package io.journeys.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.io.DeltaPaths.DateSpan;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ChangedSettingsTest {
  private static final Instant AT = Instant.parse("2026-03-11T06:02:11.402Z");

  private static LocalDate d(String date) {
    return LocalDate.parse(date);
  }

  @Test
  void theVersionComesFirstThenEachSettingInKeyOrder() {
    RunRecord before = new RunRecord("r0", "1.0", Map.of("b", "1", "a", "x"));
    RunRecord now = new RunRecord("r1", "1.1", Map.of("b", "2", "a", "x"));
    assertThat(ChangedSettings.changes(before, now)).containsExactly("conversion-journeys 1.0 → 1.1", "b 1 → 2");
    assertThat(ChangedSettings.changes(before, new RunRecord("r1", "1.0", before.settings()))).isEmpty();
  }

  @Test
  void theRangeStartsAtTheFirstRunsDateAndEndsAtTheLastDateEitherRan() {
    // Two late days: the first run, for 03-01, rewrote 02-27 to 03-01, so run_metrics starts at
    // 02-27, whose input partition need not exist; a range from 03-01 rewrites it again.
    assertThat(ChangedSettings.note("r0", AT, List.of("a 1 → 2"),
        Optional.of(new DateSpan(d("2026-02-27"), d("2026-03-11"))), 2, d("2026-03-12"), d("2026-03-12")))
        .isEqualTo("The settings that shape the tables' rows, or the job's version, differ from the last run's (r0,"
            + " 2026-03-11T06:02:11.402Z): a 1 → 2. This run makes its own dates with these; the tables' other dates"
            + " keep the rows the earlier ones made (run_metrics has 2026-02-27 to 2026-03-11): to make every date"
            + " with these, run --date 2026-03-01 --to 2026-03-12 as one range.");
    // A backfill before every date run, and a rerun inside them.
    assertThat(ChangedSettings.note("r0", AT, List.of("a 1 → 2"),
        Optional.of(new DateSpan(d("2026-02-27"), d("2026-03-11"))), 2, d("2026-02-01"), d("2026-02-03")))
        .endsWith("run --date 2026-02-01 --to 2026-03-11 as one range.");
    assertThat(ChangedSettings.note("r0", AT, List.of("a 1 → 2"),
        Optional.of(new DateSpan(d("2026-03-10"), d("2026-03-10"))), 2, d("2026-03-10"), d("2026-03-10")))
        .endsWith("run --date 2026-03-10 --to 2026-03-10 as one range.");
    assertThat(ChangedSettings.note("r0", AT, List.of("a 1 → 2"), Optional.empty(), 2, d("2026-03-10"), d("2026-03-10")))
        .endsWith("keep the rows the earlier ones made.");
  }

  @Test
  void theRangeStartsByTheLastRunsLateDaysWhereLateDaysIsWhatChanged() {
    RunRecord fiveLateDays = new RunRecord("r0", "1.0", Map.of("input.late-days", "5"));
    assertThat(ChangedSettings.recordedLateDays(fiveLateDays)).contains(5);
    assertThat(ChangedSettings.recordedLateDays(new RunRecord("r0", "1.0", Map.of()))).isEmpty();
    // The first run, for 03-01 with five late days, rewrote 02-24 to 03-01; this run has none.
    assertThat(ChangedSettings.note("r0", AT, List.of("input.late-days 5 → 0"),
        Optional.of(new DateSpan(d("2026-02-24"), d("2026-03-11"))), 5, d("2026-03-12"), d("2026-03-12")))
        .endsWith("run --date 2026-03-01 --to 2026-03-12 as one range.");
  }

  @Test
  void aListNamesTheItemsItGainedLostOrChangedAndAnExpressionOnlyThatItChanged() {
    Map<String, String> before = Map.of(
        "conversions.micro", "[{\"name\":\"a\",\"when\":\"x\"},{\"name\":\"b\",\"when\":\"x\"},{\"name\":\"d\"}]",
        "attribution.models", "[\"linear\",\"markov\",\"shapley\"]",
        "funnels", "[{\"name\":\"f\"},{\"name\":\"g\"}]",
        "input.columns.page_url", "page_url");
    Map<String, String> after = Map.of(
        "conversions.micro", "[{\"name\":\"a\",\"when\":\"y\"},{\"name\":\"c\",\"when\":\"x\"},{\"name\":\"d\"}]",
        "attribution.models", "[\"markov\",\"linear\"]",
        "funnels", "[{\"name\":\"g\"},{\"name\":\"f\"}]",
        "input.columns.page_url", "sha256:0123456789abcdef");
    assertThat(ChangedSettings.settingChanges(before, after)).containsExactly(
        "attribution.models (removed: shapley; reordered)",
        "conversions.micro (changed: a; added: c; removed: b)",
        "funnels (reordered)",
        "input.columns.page_url changed");
    // Two rules of one name (two Paid Search rules) are told apart by their place.
    assertThat(ChangedSettings.settingChanges(
        Map.of("channels.rules", "[{\"name\":\"P\",\"when\":\"x\"},{\"name\":\"P\",\"when\":\"y\"}]"),
        Map.of("channels.rules", "[{\"name\":\"P\",\"when\":\"x\"},{\"name\":\"P\",\"when\":\"z\"},{\"name\":\"Q\"}]")))
        .containsExactly("channels.rules (changed: P#2; added: Q)");
  }

  @Test
  void eachChangedSettingIsNamedWithBothValuesOrAsChangedWhereAValueIsLong() {
    Map<String, String> before = new TreeMap<>(Map.of("a.b", "1", "c", "x".repeat(70), "e", "", "f", "y".repeat(61)));
    Map<String, String> after = Map.of("a.b", "1", "d", "2", "e", "z", "f", "y");
    assertThat(ChangedSettings.settingChanges(before, after)).containsExactly(
        "c removed (was " + "x".repeat(57) + "...)", "d added (2)", "e (empty) → z", "f changed");
  }
}
