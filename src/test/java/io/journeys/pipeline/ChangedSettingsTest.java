package io.journeys.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.io.DeltaPaths.DateSpan;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        .isEqualTo("The settings that shape the tables' rows differ from those of the last run (r0,"
            + " 2026-03-11T06:02:11.402Z): a 1 → 2. This run makes its own dates with these settings; the tables'"
            + " other dates keep the rows the earlier settings made (run_metrics has 2026-02-27 to 2026-03-11): to"
            + " make every date with these settings, run --date 2026-03-01 --to 2026-03-12 as one range.");
    // A backfill before every date run, and a rerun inside them.
    assertThat(ChangedSettings.note("r0", AT, List.of("a 1 → 2"),
        Optional.of(new DateSpan(d("2026-02-27"), d("2026-03-11"))), 2, d("2026-02-01"), d("2026-02-03")))
        .endsWith("run --date 2026-02-01 --to 2026-03-11 as one range.");
    assertThat(ChangedSettings.note("r0", AT, List.of("a 1 → 2"),
        Optional.of(new DateSpan(d("2026-03-10"), d("2026-03-10"))), 2, d("2026-03-10"), d("2026-03-10")))
        .endsWith("run --date 2026-03-10 --to 2026-03-10 as one range.");
    assertThat(ChangedSettings.note("r0", AT, List.of("a 1 → 2"), Optional.empty(), 2, d("2026-03-10"), d("2026-03-10")))
        .endsWith("keep the rows the earlier settings made.");
  }
}
