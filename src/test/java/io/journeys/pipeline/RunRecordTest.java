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
  void theLastRunIsTheNewestWriteAndOnlyItsRecordCounts() {
    Instant t = Instant.parse("2026-03-11T06:00:00Z");
    Commit optimize = new Commit(9, t.plusSeconds(60), "OPTIMIZE", Optional.empty());
    Commit recorded = new Commit(8, t, "WRITE", Optional.of(RECORD.toJson()));
    Commit older = new Commit(7, t.minusSeconds(60), "WRITE", Optional.of(RECORD.toJson().replace("run-1", "run-0")));
    Commit unrecorded = new Commit(10, t.plusSeconds(120), "WRITE", Optional.empty());
    Commit foreign = new Commit(10, t.plusSeconds(120), "WRITE", Optional.of("backfill"));
    assertThat(RunRecord.lastOf(List.of(optimize, recorded, older))).contains(new RunRecord.Recorded(RECORD, t));
    // A version before records wrote last, or someone else's write: nothing to compare with.
    assertThat(RunRecord.lastOf(List.of(unrecorded, optimize, recorded))).isEmpty();
    assertThat(RunRecord.lastOf(List.of(foreign, recorded))).isEmpty();
    assertThat(RunRecord.lastOf(List.of(optimize))).isEmpty();
    assertThat(RunRecord.lastOf(List.of())).isEmpty();
  }
}
