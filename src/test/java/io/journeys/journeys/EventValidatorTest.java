package io.journeys.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class EventValidatorTest {
  private final SparkSession spark = TestSpark.session();
  // Two late days in UTC, so a run reads from three days before its first date: a row may be dated
  // up to a day after its partition's date.
  private final EventValidator validator = new EventValidator(Instant.parse("2000-01-01T00:00:00Z"), 2, 3, ZoneOffset.UTC);

  /** Each event's reason (or valid) when it sits in the partition of its row. */
  private List<String> lateness(int lateDays, String zone, String rows) {
    // As a run reads: late-days + 1 partitions before its first date, + 2 outside UTC.
    int readBack = zone.equals("UTC") ? lateDays + 1 : lateDays + 2;
    EventValidator late = new EventValidator(Instant.parse("2000-01-01T00:00:00Z"), lateDays, readBack, ZoneId.of(zone));
    var events = spark.sql("SELECT event_id, CAST(t AS TIMESTAMP) AS event_time, t AS event_time_raw, 'v' AS visitor_id,"
        + " 'page_view' AS event_name, CAST(p AS DATE) AS event_date, struct(event_id) AS input_row FROM VALUES " + rows
        + " AS r(event_id, t, p)");
    return late.validate(events).selectExpr("concat(event_id, '=', coalesce(reason, 'valid'))")
        .as(Encoders.STRING()).collectAsList();
  }

  @Test
  void anEventDatedOutsideTheDatesItsPartitionsRunsWriteIsQuarantined() {
    // Times are UTC. With two late days a date D is written by the runs of D to D + 2, each reading from three days before
    // its own date. Partition 03-12: 03-10 is written last by the run of 03-12, which reads it
    // (03-10 23:59 kept); 03-09 by that of 03-11, which does not (arrived too late). 03-13 is written
    // last by the run of 03-15, reading from 03-12 (03-13 23:59 kept); 03-14 by that of 03-16,
    // reading from 03-13: 03-14 00:00 would be written by the runs of 03-14 and 03-15, then left out
    // (future-dated; it was kept, a review).
    assertThat(lateness(2, "UTC", "('a', '2026-03-10 23:59:00', '2026-03-12'), ('b', '2026-03-09 23:59:00', '2026-03-12'),"
        + " ('c', '2026-03-12 00:00:00', '2026-03-12'), ('d', '2026-03-13 08:00:00', '2026-03-12'),"
        + " ('i', '2026-03-13 23:59:00', '2026-03-12'), ('j', '2026-03-14 00:00:00', '2026-03-12'),"
        + " ('m', '2026-03-15 23:59:00', '2026-03-12')"))
        .containsExactlyInAnyOrder("a=valid", "b=arrived_too_late", "c=valid", "d=valid", "i=valid", "j=future_event_time",
            "m=future_event_time");
    // The date is the local one. New York, one late day, so three days back: 03-11 03:00 UTC is
    // 03-10 23:00 there, a day before partition 03-11 (kept) and two before 03-12 (too late);
    // (EDT from 03-08) 03-11 03:59 UTC is 03-10 23:59 there, two days after partition 03-08, and
    // 03-10 is written last by the run of 03-11, reading from 03-08 (kept); 03-11 04:00 UTC is 03-11
    // 00:00 there, written last by the run of 03-12, reading from 03-09 (future-dated).
    assertThat(lateness(1, "America/New_York",
        "('e', '2026-03-11 03:00:00', '2026-03-11'), ('f', '2026-03-11 03:00:00', '2026-03-12'),"
        + " ('k', '2026-03-11 03:59:00', '2026-03-08'), ('l', '2026-03-11 04:00:00', '2026-03-08')"))
        .containsExactlyInAnyOrder("e=valid", "f=arrived_too_late", "k=valid", "l=future_event_time");
    // Tokyo, no late day: 03-10 16:00 UTC is 03-11 01:00 there, after its partition 03-10 (kept);
    // 03-09 14:00 UTC is 03-09 23:00 there, a day before partition 03-10 (too late).
    assertThat(lateness(0, "Asia/Tokyo",
        "('g', '2026-03-10 16:00:00', '2026-03-10'), ('h', '2026-03-09 14:00:00', '2026-03-10')"))
        .containsExactlyInAnyOrder("g=valid", "h=arrived_too_late");
    // UTC, no late day, so a run reads from one day before its date. 03-11 04:00 in partition 03-10
    // (a device clock hours ahead) is dated 03-11, written by the run of 03-11, which reads 03-10:
    // kept. It was future-dated when the run of 03-10, the last to count that partition, started
    // before 03-11 03:00, and then kept by the run of 03-11 too: quarantined and kept (a review).
    // 03-12 00:00 there is future-dated: the run of 03-12 reads from 03-11.
    assertThat(lateness(0, "UTC", "('n', '2026-03-11 04:00:00', '2026-03-10'), ('o', '2026-03-12 00:00:00', '2026-03-10')"))
        .containsExactlyInAnyOrder("n=valid", "o=future_event_time");
  }

  @Test
  void aBlankUserIdIsNoUser() {
    // Exports write "" for a visitor not logged in; as an id it made every such device one user.
    // A tab, a line feed, a no-break space, an ideographic space and a byte-order mark are blank too
    // (Spark's trim removes only the space; a review); a letter after any of them is an id.
    var rows = spark.sql("SELECT * FROM VALUES ('e1', CAST(NULL AS STRING)), ('e2', ''), ('e3', '   '), ('e4', ' u'),"
            + " ('e5', 'u'), ('e6', '\\t \\n'), ('e7', '\u00A0\u3000\uFEFF'), ('e8', '\u00A0u'), ('e9', 'é')"
            + " AS t(event_id, user_id)")
        .selectExpr("event_id", "TIMESTAMP'2026-03-10 10:00:00' AS event_time", "'x' AS event_time_raw", "'v' AS visitor_id",
            "user_id", "'page_view' AS event_name", "struct(event_id) AS input_row");
    assertThat(validator.validate(rows).selectExpr("concat(event_id, '=', coalesce(concat('[', user_id, ']'), 'null'))")
            .as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("e1=null", "e2=null", "e3=null", "e4=[ u]", "e5=[u]", "e6=null", "e7=null",
            "e8=[\u00A0u]", "e9=[é]");
  }

  @Test
  void aBlankUtmFieldIsNone() {
    // Exports write "" for no campaign; as a value it split a session and missed the Direct rule.
    var rows = spark.sql("SELECT * FROM VALUES ('e1', CAST(NULL AS STRING), ''), ('e2', '', 'cpc'), ('e3', '  ', ' '),"
            + " ('e4', 'google', 'cpc') AS t(event_id, utm_source, utm_medium)")
        .selectExpr("event_id", "TIMESTAMP'2026-03-10 10:00:00' AS event_time", "'x' AS event_time_raw", "'v' AS visitor_id",
            "utm_source", "utm_medium", "'' AS utm_campaign", "'page_view' AS event_name", "struct(event_id) AS input_row");
    assertThat(validator.validate(rows).selectExpr(
            "concat_ws(' ', event_id, coalesce(utm_source, 'null'), coalesce(utm_medium, 'null'), coalesce(utm_campaign, 'null'))")
            .as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("e1 null null null", "e2 null cpc null", "e3 null null null", "e4 google cpc null");
  }

  /** With sessions.source = input a blank id cut the session in progress; a missing one stays in it. */
  @Test
  void aBlankTrackerSessionIdIsNone() {
    var rows = spark.sql("SELECT * FROM VALUES ('e1', CAST(NULL AS STRING)), ('e2', ''), ('e3', ' '), ('e4', '\t\u00A0'),"
            + " ('e5', 'S1'), ('e6', ' S1') AS t(event_id, session_id)")
        .selectExpr("event_id", "TIMESTAMP'2026-03-10 10:00:00' AS event_time", "'x' AS event_time_raw", "'v' AS visitor_id",
            "session_id", "'page_view' AS event_name", "struct(event_id) AS input_row");
    assertThat(validator.validate(rows).selectExpr("concat(event_id, '=', coalesce(concat('[', session_id, ']'), 'null'))")
            .as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("e1=null", "e2=null", "e3=null", "e4=null", "e5=[S1]", "e6=[ S1]");
  }

  @Test
  void eachBadRowGetsItsReasonAndItsRawRow() {
    var rows = spark.sql("SELECT * FROM VALUES"
        + " ('ok', TIMESTAMP'2026-03-11 00:59:00', '2026-03-11 00:59:00', 'v', 'page_view'),"
        + " (NULL, TIMESTAMP'2026-03-10 10:00:00', 'x', 'v', 'page_view'),"
        + " ('e2', TIMESTAMP'2026-03-10 10:00:00', 'x', '  ', 'page_view'),"
        + " ('e3', CAST(NULL AS TIMESTAMP), NULL, 'v', 'page_view'),"
        + " ('e4', CAST(NULL AS TIMESTAMP), 'yesterday-ish', 'v', 'page_view'),"
        + " ('e5', TIMESTAMP'2026-03-12 00:00:00', 'x', 'v', 'page_view'),"
        + " ('e6', TIMESTAMP'1970-01-01 00:00:00', 'x', 'v', 'page_view'),"
        + " ('e7', TIMESTAMP'2026-03-10 10:00:00', 'x', 'v', NULL),"
        + " ('later', TIMESTAMP'2026-03-11 23:59:59', 'x', 'v', 'page_view'),"
        + " ('e8', TIMESTAMP'2099-01-01 00:00:00', 'x', 'v', 'page_view')"
        + " AS t(event_id, event_time, event_time_raw, visitor_id, event_name)")
        .selectExpr("*", "struct(event_id, visitor_id) AS input_row", "DATE'2026-03-10' AS event_date");
    List<String> reasons = validator.validate(rows).orderBy("event_id")
        .selectExpr("concat(coalesce(event_id, 'null'), '=', coalesce(reason, 'valid'))").as(Encoders.STRING()).collectAsList();
    assertThat(reasons).containsExactlyInAnyOrder(
        "null=missing_event_id", "ok=valid", "e2=missing_visitor_id", "e3=missing_event_time",
        "e4=unparseable_event_time", "e5=future_event_time", "e6=too_old_event_time", "e7=missing_event_name",
        "later=valid", "e8=future_event_time");
    String raw = validator.validate(rows).filter("event_id = 'e5'").select("raw").as(Encoders.STRING()).first();
    assertThat(raw).isEqualTo("{\"event_id\":\"e5\",\"visitor_id\":\"v\"}");
  }

  @Test
  void theRawRowKeepsMicrosecondsAndNullFields() {
    // Spark's default JSON cut an instant to milliseconds and left NULL fields out, so the kept
    // row was not the row read (a review).
    var rows = spark.sql("SELECT 'e5' AS event_id, TIMESTAMP'2026-03-12 00:00:00.123456' AS event_time, 'v' AS visitor_id,"
            + " 'page_view' AS event_name, DATE'2026-03-10' AS event_date")
        .selectExpr("*", "struct(event_id, event_time AS t, CAST(event_time AS TIMESTAMP_NTZ) AS ntz,"
            + " CAST(NULL AS STRING) AS user_id, map('k', CAST(NULL AS STRING)) AS properties) AS input_row");
    String raw = validator.validate(rows).select("raw").as(Encoders.STRING()).first();
    assertThat(raw).isEqualTo("{\"event_id\":\"e5\",\"t\":\"2026-03-12T00:00:00.123456Z\","
        + "\"ntz\":\"2026-03-12T00:00:00.123456\",\"user_id\":null,\"properties\":{\"k\":null}}");
  }

  @Test
  void withoutRawTimeTextANullTimeIsMissing() {
    var rows = spark.sql("SELECT * FROM VALUES"
        + " ('ok', TIMESTAMP'2026-03-10 10:00:00', 'v', 'page_view'),"
        + " ('e3', CAST(NULL AS TIMESTAMP), 'v', 'page_view')"
        + " AS t(event_id, event_time, visitor_id, event_name)")
        .selectExpr("*", "struct(event_id, visitor_id) AS input_row");
    List<String> reasons = validator.validate(rows)
        .selectExpr("concat(event_id, '=', coalesce(reason, 'valid'))").as(Encoders.STRING()).collectAsList();
    assertThat(reasons).containsExactlyInAnyOrder("ok=valid", "e3=missing_event_time");
  }

  @Test
  void aBlankIdIsNullEmptyOrOnlyWhiteSpace() {
    // Expected by hand, and each checked against Java's own classes of characters: white space and
    // Unicode's separators (plus the zero-width space and the byte-order mark). Spark's trim
    // removes only the space, and until 2026-12-06 a tab or a no-break space was an id (a review).
    List<String> ids = List.of("", " ", "   ", " v", "v ", " v ", "v", "\t", " \t ", "\u00a0", "\u3000", "\n\r",
        "\u200b\ufeff", "\u2003v", "\u00e9", "!", "\u001f", " \u0085");
    List<Boolean> blank = List.of(true, true, true, false, false, false, false, true, true, true, true, true, true,
        false, false, false, true, false);
    StringBuilder values = new StringBuilder("SELECT * FROM VALUES (CAST(NULL AS STRING), 0)");
    for (int i = 0; i < ids.size(); i++) {
      values.append(", ('").append(ids.get(i).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))
          .append("', ").append(i + 1).append(")");
    }
    var rows = spark.sql(values + " AS t(visitor_id, n)")
        .selectExpr("concat('e', n) AS event_id", "TIMESTAMP'2026-03-10 10:00:00' AS event_time", "'x' AS event_time_raw",
            "visitor_id", "'page_view' AS event_name", "n", "struct(visitor_id) AS input_row");
    var checked = validator.validate(rows).orderBy("n").collectAsList();
    assertThat(checked).hasSize(ids.size() + 1);
    assertThat(checked.get(0).<String>getAs("reason")).isEqualTo(EventValidator.MISSING_VISITOR_ID);
    for (int i = 0; i < ids.size(); i++) {
      var row = checked.get(i + 1);
      assertThat(row.<String>getAs("visitor_id")).isEqualTo(ids.get(i));
      boolean javaBlank = ids.get(i).codePoints()
          .allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x200B || c == 0xFEFF);
      assertThat(javaBlank).as("Java's classes on '%s'", ids.get(i)).isEqualTo(blank.get(i));
      assertThat(row.<String>getAs("reason")).as("reason of '%s'", ids.get(i))
          .isEqualTo(blank.get(i) ? EventValidator.MISSING_VISITOR_ID : null);
    }
  }
}
