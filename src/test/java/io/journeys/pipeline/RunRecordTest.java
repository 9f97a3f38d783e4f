package io.journeys.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.io.DeltaPaths.Commit;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunRecordTest {
  private static final RunRecord RECORD = new RunRecord("run-1", "1.2.0",
      Map.of("sessions.timeout", "PT30M", "conversions.macro", "[{\"name\":\"buy\",\"when\":\"event_name = \\\"buy\\\"\"}]"));

  @Test
  void aRecordReadsBackAsItselfAndIsJsonWithItsKeysWhole() {
    String json = RECORD.toJson();
    assertThat(RunRecord.parse(json)).contains(RECORD);
    assertThat(json).startsWith("{").contains("\"run_id\":\"run-1\"", "\"version\":\"1.2.0\"",
        "\"settings\":{", "\"sessions.timeout\":\"PT30M\"");
  }

  @Test
  void anythingElseIsNoRecord() {
    for (String text : new String[] {null, "", "nightly backfill by ops", "{\"run_id\":\"r\",\"version\":\"1\"}",
        "{\"run_id\":\"r\",\"settings\":{}}", "{\"run_id\":\"r\",\"version\":\"1\",\"settings\":{\"a\":1}}",
        "{\"run_id\":\"r\",\"version\":\"1\",\"settings\":[]}"}) {
      assertThat(RunRecord.parse(text)).as(String.valueOf(text)).isEmpty();
    }
  }

  @Test
  void theLastRunIsTheNewestWriteWithARecordAndNoneAfterARestore() {
    Instant t = Instant.parse("2026-03-11T06:00:00Z");
    Commit optimize = new Commit(t.plusSeconds(60), "OPTIMIZE", Optional.empty());
    Commit recorded = new Commit(t, "WRITE", Optional.of(RECORD.toJson()));
    Commit older = new Commit(t.minusSeconds(60), "WRITE", Optional.of(RECORD.toJson().replace("run-1", "run-0")));
    Commit unrecorded = new Commit(t.plusSeconds(120), "WRITE", Optional.empty());
    Commit foreign = new Commit(t.plusSeconds(120), "WRITE", Optional.of("backfill"));
    Commit restore = new Commit(t.plusSeconds(120), "RESTORE", Optional.empty());
    assertThat(RunRecord.lastOf(List.of(optimize, recorded, older))).contains(new RunRecord.Recorded(RECORD, t));
    // An operator's INSERT, or a version before records, wrote last: the run before it.
    assertThat(RunRecord.lastOf(List.of(unrecorded, optimize, recorded))).contains(new RunRecord.Recorded(RECORD, t));
    assertThat(RunRecord.lastOf(List.of(foreign, recorded))).contains(new RunRecord.Recorded(RECORD, t));
    assertThat(RunRecord.lastOf(List.of(unrecorded, foreign))).isEmpty();
    // Restored to some earlier version: which run's rows are left is not known.
    assertThat(RunRecord.lastOf(List.of(restore, optimize, recorded))).isEmpty();
    assertThat(RunRecord.lastOf(List.of(optimize))).isEmpty();
    assertThat(RunRecord.lastOf(List.of())).isEmpty();
  }
}
