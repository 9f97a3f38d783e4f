package io.journeys.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import io.journeys.io.DeltaTableWriter;
import io.journeys.io.TableLocations;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityLinksTest {
  private final SparkSession spark = TestSpark.session();

  /**
   * d1: U on 03-01, then V on 03-05. d2: U from 03-02 to 03-08, W once on 03-04. d3: Z from 02-01
   * to 03-06. d4: A and B at the same instant on 03-03. d5: P and Q both last seen 03-09 10:00.
   * d6: M on 03-01 and 03-02, N on 03-04, M again on 03-05 (a second row of the same pair).
   */
  private Dataset<Row> links() {
    return spark.sql("SELECT visitor_id, user_id, TIMESTAMP(first_seen) AS first_seen, TIMESTAMP(last_seen) AS last_seen,"
        + " to_date(last_seen) AS last_seen_date FROM VALUES"
        + " ('d1', 'U', '2026-03-01 10:00:00', '2026-03-01 10:00:00'),"
        + " ('d1', 'V', '2026-03-05 09:00:00', '2026-03-05 09:00:00'),"
        + " ('d2', 'U', '2026-03-02 10:00:00', '2026-03-08 10:00:00'),"
        + " ('d2', 'W', '2026-03-04 12:00:00', '2026-03-04 13:00:00'),"
        + " ('d3', 'Z', '2026-02-01 10:00:00', '2026-03-06 10:00:00'),"
        + " ('d4', 'A', '2026-03-03 10:00:00', '2026-03-03 10:00:00'),"
        + " ('d4', 'B', '2026-03-03 10:00:00', '2026-03-03 10:00:00'),"
        + " ('d5', 'P', '2026-03-01 10:00:00', '2026-03-09 10:00:00'),"
        + " ('d5', 'Q', '2026-03-02 10:00:00', '2026-03-09 10:00:00'),"
        + " ('d6', 'M', '2026-03-01 10:00:00', '2026-03-02 10:00:00'),"
        + " ('d6', 'N', '2026-03-04 08:00:00', '2026-03-04 09:00:00'),"
        + " ('d6', 'M', '2026-03-05 07:00:00', '2026-03-05 08:00:00')"
        + " AS t(visitor_id, user_id, first_seen, last_seen)");
  }

  private Dataset<Row> devices(String... ids) {
    return spark.createDataset(List.of(ids), Encoders.STRING()).toDF("visitor_id");
  }

  private static List<String> strings(Dataset<Row> rows, String expression) {
    return rows.selectExpr(expression).as(Encoders.STRING()).collectAsList();
  }

  @Test
  void asOfKeysAreTheUserSeenMostRecentlyByTheEndOfEachDateForTheRunsDevicesOnly() {
    // d1 is U until V shows up on 03-05. d2: W is seen on 03-04, but U is seen after W that day
    // (up to the end of it, its last sighting being 03-08), so U. d4: tie at the same instant,
    // the greater user_id. d6: M (last seen 03-02) on 03-03; N, seen later, on 03-04; M again on
    // 03-05, seen after N: two ranges of M around one of N. d3 and d5 are linked but not in the
    // run; x is in the run with no link. Consecutive dates with one key are one range.
    Dataset<Row> keys = IdentityLinks.keysAsOf(links(), devices("d1", "d2", "d4", "d6", "x"),
        LocalDate.parse("2026-03-03"), LocalDate.parse("2026-03-05"), ZoneOffset.UTC);
    assertThat(strings(keys, "concat_ws(' ', key_visitor, key_from, key_to, key_user)")).containsExactlyInAnyOrder(
        "d1 2026-03-03 2026-03-04 U", "d1 2026-03-05 2026-03-05 V",
        "d2 2026-03-03 2026-03-05 U",
        "d4 2026-03-03 2026-03-05 B",
        "d6 2026-03-03 2026-03-03 M", "d6 2026-03-04 2026-03-04 N", "d6 2026-03-05 2026-03-05 M");
  }

  /**
   * New York's midnight after 03-02 is 03-03 05:00 UTC. Device t1 sees P at 04:00 and Q at 04:30,
   * before it, and P again at 10:00, after it: Q is the user seen last by the end of 03-02, P by the
   * end of 03-03. A link row per UTC day, P's from 04:00 to 10:00, counted P's last sighting up to
   * that midnight as 05:00, and keyed 03-02 by P (a black-box test). The rows are now cut at local
   * midnights too, and written again they stay three.
   */
  @Test
  void outsideUtcTheLinksAreCutAtLocalMidnightsSoADaysKeyIsTheUserSeenLastBeforeIt(@TempDir Path dir) {
    ZoneId newYork = ZoneId.of("America/New_York");
    Dataset<Row> events = spark.sql("SELECT 't1' AS visitor_id, user_id, TIMESTAMP(t) AS event_time FROM VALUES"
        + " ('P', '2026-03-03 04:00:00'), ('Q', '2026-03-03 04:30:00'), (NULL, '2026-03-03 04:45:00'),"
        + " ('P', '2026-03-03 10:00:00') AS e(user_id, t)");
    Dataset<Row> keys = IdentityLinks.keysAsOf(IdentityLinks.links(events, newYork), devices("t1"),
        LocalDate.parse("2026-03-02"), LocalDate.parse("2026-03-03"), newYork);
    assertThat(strings(keys, "concat_ws(' ', key_visitor, key_from, key_to, key_user)")).containsExactlyInAnyOrder(
        "t1 2026-03-02 2026-03-02 Q", "t1 2026-03-03 2026-03-03 P");
    IdentityLinks identities = new IdentityLinks(spark, new DeltaTableWriter(spark, new TableLocations(dir.toString(), "links_ny")));
    for (int run = 0; run < 2; run++) {
      assertThat(identities.replaceDates(events, LocalDate.parse("2026-03-02"), LocalDate.parse("2026-03-03"), newYork))
          .isEqualTo(3);
    }
    assertThat(strings(spark.read().format("delta").load(dir.resolve("identities").toString()),
        "concat_ws(' ', visitor_id, user_id, first_seen, last_seen, last_seen_date)")).containsExactlyInAnyOrder(
        "t1 P 2026-03-03 04:00:00 2026-03-03 04:00:00 2026-03-03",
        "t1 Q 2026-03-03 04:30:00 2026-03-03 04:30:00 2026-03-03",
        "t1 P 2026-03-03 10:00:00 2026-03-03 10:00:00 2026-03-03");
    // Rewriting New York's 03-03 without its sighting takes P's 10:00 row only: the other two lie
    // in the same UTC day but in New York's 03-02.
    Dataset<Row> without = events.filter("event_time <> TIMESTAMP'2026-03-03 10:00:00'");
    assertThat(identities.replaceDates(without, LocalDate.parse("2026-03-03"), LocalDate.parse("2026-03-03"), newYork))
        .isZero();
    assertThat(strings(spark.read().format("delta").load(dir.resolve("identities").toString()),
        "concat_ws(' ', user_id, first_seen)")).containsExactlyInAnyOrder("P 2026-03-03 04:00:00", "Q 2026-03-03 04:30:00");
  }

  @Test
  void asOfStitchingKeysEachRowByItsDateAndLeavesUnlinkedDevicesOnTheirOwnId() {
    Dataset<Row> keys = IdentityLinks.keysAsOf(links(), devices("d1", "d6", "x"),
        LocalDate.parse("2026-03-03"), LocalDate.parse("2026-03-05"), ZoneOffset.UTC);
    Dataset<Row> rows = spark.sql("SELECT visitor_id, DATE(d) AS event_date, 'stale' AS visitor_key FROM VALUES"
        + " ('d1', '2026-03-04'), ('d1', '2026-03-05'), ('d6', '2026-03-03'), ('d6', '2026-03-04'), ('d6', '2026-03-04'),"
        + " ('d6', '2026-03-05'), ('x', '2026-03-05') AS t(visitor_id, d)");
    assertThat(strings(IdentityLinks.stitchAsOf(rows, "event_date", keys), "concat(visitor_id, ' ', event_date, ' ', visitor_key)"))
        .containsExactlyInAnyOrder("d1 2026-03-04 U", "d1 2026-03-05 V", "d6 2026-03-03 M", "d6 2026-03-04 N",
            "d6 2026-03-04 N", "d6 2026-03-05 M", "x 2026-03-05 x");
  }

  /**
   * A row's date is its day in reporting.timezone, so its key is the user known when that local
   * day ends. New York is UTC−5 until 2026-03-08 02:00 and UTC−4 from then; Kolkata is UTC+5:30.
   */
  @Test
  void asOfKeysFollowTheEndOfTheDayInTheReportingTimeZone() {
    Dataset<Row> links = spark.sql("SELECT visitor_id, user_id, TIMESTAMP(first_seen) AS first_seen,"
        + " TIMESTAMP(first_seen) AS last_seen, to_date(first_seen) AS last_seen_date FROM VALUES"
        // 02:41Z on 03-04 is 21:41 on 03-03 in New York, 08:11 on 03-04 in Kolkata.
        + " ('n1', 'E', '2026-03-04 02:41:00'),"
        // 20:15Z on 03-04 is 15:15 on 03-04 in New York, 01:45 on 03-05 in Kolkata.
        + " ('k1', 'K', '2026-03-04 20:15:00'),"
        // P, then Q at 03:00Z on 03-05: 22:00 on 03-04 in New York.
        + " ('n2', 'P', '2026-03-01 10:00:00'), ('n2', 'Q', '2026-03-05 03:00:00'),"
        // After the clock change: 03:30Z on 03-09 is 23:30 on 03-08, 04:30Z is 00:30 on 03-09.
        + " ('n3', 'R', '2026-03-09 03:30:00'), ('n4', 'S', '2026-03-09 04:30:00')"
        + " AS t(visitor_id, user_id, first_seen)");
    Dataset<Row> devices = devices("n1", "k1", "n2", "n3", "n4");
    LocalDate first = LocalDate.parse("2026-03-03");
    LocalDate last = LocalDate.parse("2026-03-09");
    assertThat(strings(IdentityLinks.keysAsOf(links, devices, first, last, ZoneId.of("America/New_York")),
        "concat_ws(' ', key_visitor, key_from, key_to, key_user)")).containsExactlyInAnyOrder(
        "n1 2026-03-03 2026-03-09 E", "k1 2026-03-04 2026-03-09 K",
        "n2 2026-03-03 2026-03-03 P", "n2 2026-03-04 2026-03-09 Q",
        "n3 2026-03-08 2026-03-09 R", "n4 2026-03-09 2026-03-09 S");
    assertThat(strings(IdentityLinks.keysAsOf(links, devices, first, last, ZoneId.of("Asia/Kolkata")),
        "concat_ws(' ', key_visitor, key_from, key_to, key_user)")).containsExactlyInAnyOrder(
        "n1 2026-03-04 2026-03-09 E", "k1 2026-03-05 2026-03-09 K",
        "n2 2026-03-03 2026-03-04 P", "n2 2026-03-05 2026-03-09 Q",
        "n3 2026-03-09 2026-03-09 R", "n4 2026-03-09 2026-03-09 S");
  }

  /**
   * A rerun writes the same links again and leaves one row per link and day. A date's rows are
   * replaced, so a sighting that a later run no longer has (a copy it found to be a duplicate) is
   * taken back; sightings of other dates are not written.
   */
  @Test
  void writingADatesLinksReplacesThatDatesRowsOnly(@TempDir Path dir) {
    IdentityLinks identities = new IdentityLinks(spark, new DeltaTableWriter(spark, new TableLocations(dir.toString(), "links_test")));
    Dataset<Row> events = spark.sql("SELECT visitor_id, user_id, TIMESTAMP(t) AS event_time FROM VALUES"
        + " ('d1', 'U', '2026-03-01 10:00:00'), ('d1', 'U', '2026-03-01 18:00:00'), ('d1', 'U', '2026-03-03 09:00:00'),"
        + " ('d2', 'W', '2026-02-20 08:00:00'), ('d2', NULL, '2026-02-20 09:00:00'), ('d3', 'Z', '2026-03-04 08:00:00')"
        + " AS e(visitor_id, user_id, t)");
    LocalDate from = LocalDate.parse("2026-02-20");
    LocalDate to = LocalDate.parse("2026-03-03");
    assertThat(identities.replaceDates(events, from, to, ZoneOffset.UTC)).isEqualTo(3);
    assertThat(identities.replaceDates(events, from, to, ZoneOffset.UTC)).isEqualTo(3);
    String table = dir.resolve("identities").toString();
    String row = "concat_ws(' ', visitor_id, user_id, first_seen, last_seen, last_seen_date)";
    assertThat(strings(spark.read().format("delta").load(table), row)).containsExactlyInAnyOrder(
        "d1 U 2026-03-01 10:00:00 2026-03-01 18:00:00 2026-03-01",
        "d1 U 2026-03-03 09:00:00 2026-03-03 09:00:00 2026-03-03",
        "d2 W 2026-02-20 08:00:00 2026-02-20 08:00:00 2026-02-20");
    // 03-01 again without its 18:00 sighting, and 03-03 without any.
    Dataset<Row> later = events.filter("event_time <> TIMESTAMP'2026-03-01 18:00:00'"
        + " AND event_time <> TIMESTAMP'2026-03-03 09:00:00'");
    assertThat(identities.replaceDates(later, LocalDate.parse("2026-03-01"), to, ZoneOffset.UTC)).isEqualTo(1);
    assertThat(strings(spark.read().format("delta").load(table), row)).containsExactlyInAnyOrder(
        "d1 U 2026-03-01 10:00:00 2026-03-01 10:00:00 2026-03-01",
        "d2 W 2026-02-20 08:00:00 2026-02-20 08:00:00 2026-02-20");
  }

  /**
   * Daily runs with two late days read the four days before their own (03-02's reads 02-26..03-02)
   * and write the links of the three before it and its own. d2 is U's on 03-02 and 03-03, then, after nothing in the days the run of 03-09
   * reads, on 03-09; V's once, late: its 03-03 event stored in 03-05's partition. The days run
   * in order, the range 03-02..03-09 run once, and a rerun of 03-03 after either all leave the
   * same rows, one per pair and day (by hand: the earliest and latest sighting of each day).
   * Rows spanning the days each run read made the range one U row (03-02..03-09) and the days
   * two (03-02..03-03 and 03-09).
   */
  @Test
  void aRangeAndItsDaysRunInOrderLeaveTheSameRows(@TempDir Path dir) {
    String sightings = "SELECT visitor_id, user_id, TIMESTAMP(t) AS event_time, DATE(stored) AS stored FROM VALUES"
        + " ('d2', 'U', '2026-03-02 12:00:00', '2026-03-02'), ('d2', 'U', '2026-03-02 12:02:00', '2026-03-02'),"
        + " ('d2', 'U', '2026-03-03 12:00:00', '2026-03-03'), ('d2', 'V', '2026-03-03 23:00:00', '2026-03-05'),"
        + " ('d2', 'U', '2026-03-09 08:00:00', '2026-03-09'), ('d2', 'U', '2026-03-09 23:30:00', '2026-03-09')"
        + " AS e(visitor_id, user_id, t, stored)";
    java.util.function.BiFunction<String, String, Dataset<Row>> read = (from, to) -> spark.sql(sightings)
        .filter("stored BETWEEN DATE'" + from + "' AND DATE'" + to + "'").drop("stored");
    IdentityLinks daily = new IdentityLinks(spark, new DeltaTableWriter(spark, new TableLocations(dir.resolve("daily").toString(), "links_daily")));
    // A run for D reads from D - 4 and writes the links of D - 3 to D.
    for (LocalDate day = LocalDate.parse("2026-03-02"); !day.isAfter(LocalDate.parse("2026-03-09")); day = day.plusDays(1)) {
      daily.replaceDates(read.apply(day.minusDays(4).toString(), day.toString()), day.minusDays(3), day, ZoneOffset.UTC);
    }
    IdentityLinks range = new IdentityLinks(spark, new DeltaTableWriter(spark, new TableLocations(dir.resolve("range").toString(), "links_range")));
    range.replaceDates(read.apply("2026-02-26", "2026-03-09"), LocalDate.parse("2026-02-27"), LocalDate.parse("2026-03-09"),
        ZoneOffset.UTC);
    List<String> expected = List.of("d2 U 2026-03-02 12:00:00 2026-03-02 12:02:00 2026-03-02",
        "d2 U 2026-03-03 12:00:00 2026-03-03 12:00:00 2026-03-03", "d2 V 2026-03-03 23:00:00 2026-03-03 23:00:00 2026-03-03",
        "d2 U 2026-03-09 08:00:00 2026-03-09 23:30:00 2026-03-09");
    String row = "concat_ws(' ', visitor_id, user_id, first_seen, last_seen, last_seen_date)";
    for (String warehouse : List.of("daily", "range")) {
      IdentityLinks identities = warehouse.equals("daily") ? daily : range;
      // A rerun of 03-03 reads, as the later runs did, up to 03-06.
      identities.replaceDates(read.apply("2026-02-27", "2026-03-06"), LocalDate.parse("2026-02-28"), LocalDate.parse("2026-03-03"),
          ZoneOffset.UTC);
      assertThat(strings(spark.read().format("delta").load(dir.resolve(warehouse).resolve("identities").toString()), row))
          .as(warehouse).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void stageTwoEpochsCoverTheRangeWithTheAsOfKeysOfDevicesWithARecentLink() {
    // Rows from 03-07: links last seen from 03-05 on count: d1, d2, d3, d5, d6 and d7, not d4
    // (its rows already carry B). Keys at the end of each date of [03-01, 03-06]: d1 U, then V from
    // 03-05; d2 its own id on 03-01 (U first seen 03-02), then U (W on 03-04 was seen before U's
    // end of that day); d3 Z; d5 P on 03-01, then Q (P and Q both seen to the end of each day: the
    // greater user_id); d6 M, N on 03-04 (seen after M's 03-02), M again from its 03-05 sighting;
    // d7, first seen after the range, its own id throughout.
    Dataset<Row> links = links().unionByName(spark.sql("SELECT 'd7' AS visitor_id, 'L' AS user_id,"
        + " TIMESTAMP'2026-03-08 10:00:00' AS first_seen, TIMESTAMP'2026-03-08 10:00:00' AS last_seen,"
        + " DATE'2026-03-08' AS last_seen_date"));
    assertThat(strings(IdentityLinks.epochs(links, LocalDate.parse("2026-03-07"), LocalDate.parse("2026-03-01"),
            LocalDate.parse("2026-03-06"), ZoneOffset.UTC),
        "concat(key_visitor, ' ', key_user, ' ', key_from, ' ', key_to)"))
        .containsExactlyInAnyOrder(
            "d1 U 2026-03-01 2026-03-04", "d1 V 2026-03-05 2026-03-06",
            "d2 d2 2026-03-01 2026-03-01", "d2 U 2026-03-02 2026-03-06",
            "d3 Z 2026-03-01 2026-03-06",
            "d5 P 2026-03-01 2026-03-01", "d5 Q 2026-03-02 2026-03-06",
            "d6 M 2026-03-01 2026-03-03", "d6 N 2026-03-04 2026-03-04", "d6 M 2026-03-05 2026-03-06",
            "d7 d7 2026-03-01 2026-03-06");
  }

  /**
   * g: user G once a day from 01-01 to 02-09 (40 rows), H and J both last seen 02-20 11:00, G again
   * on 03-04, K first seen 03-06. For [03-03, 03-05] (UTC) every row last seen before 03-03 ends
   * counts alike on each date, so only J (the later of the tie at 02-20 11:00; the G rows end on
   * 02-09) can key one: 03-03 is J, and G's sighting on 03-04 makes 03-04 and 03-05 G. K, first
   * seen after the range, keys none. What goes on from the grouping is G's 03-04 row and J: not
   * the 42 rows before the range.
   */
  @Test
  void aDevicesLinksBeforeTheDatesAreHandedOnAsTheOneSeenLast() {
    Dataset<Row> daily = spark.sql("SELECT 'g' AS visitor_id, 'G' AS user_id, t AS first_seen, t AS last_seen,"
        + " to_date(t) AS last_seen_date"
        + " FROM (SELECT explode(sequence(TIMESTAMP'2026-01-01 10:00:00', TIMESTAMP'2026-02-09 10:00:00',"
        + " INTERVAL 1 DAY)) AS t)");
    assertThat(daily.count()).isEqualTo(40);
    Dataset<Row> links = daily.unionByName(spark.sql("SELECT visitor_id, user_id, TIMESTAMP(first_seen) AS first_seen,"
        + " TIMESTAMP(last_seen) AS last_seen, to_date(last_seen) AS last_seen_date FROM VALUES"
        + " ('g', 'H', '2026-02-20 10:00:00', '2026-02-20 11:00:00'),"
        + " ('g', 'J', '2026-02-20 10:30:00', '2026-02-20 11:00:00'),"
        + " ('g', 'G', '2026-03-04 09:00:00', '2026-03-04 09:30:00'),"
        + " ('g', 'K', '2026-03-06 08:00:00', '2026-03-06 08:00:00')"
        + " AS t(visitor_id, user_id, first_seen, last_seen)"));
    LocalDate first = LocalDate.parse("2026-03-03");
    LocalDate last = LocalDate.parse("2026-03-05");

    Row device = IdentityLinks.byDevice(links, first, last, ZoneOffset.UTC).first();
    assertThat(device.<Row>getList(1)).extracting(link -> link.getString(0) + " " + link.getLong(2))
        .containsExactlyInAnyOrder("G " + micros("2026-03-04T09:30:00Z"), "J " + micros("2026-02-20T11:00:00Z"));
    assertThat(device.getDate(2)).isEqualTo(java.sql.Date.valueOf("2026-03-06"));
    assertThat(strings(IdentityLinks.keysAsOf(links, devices("g"), first, last, ZoneOffset.UTC),
        "concat_ws(' ', key_visitor, key_from, key_to, key_user)"))
        .containsExactlyInAnyOrder("g 2026-03-03 2026-03-03 J", "g 2026-03-04 2026-03-05 G");
  }

  private static long micros(String instant) {
    return java.time.Instant.parse(instant).toEpochMilli() * 1000;
  }

  @Test
  void aTieGoesToTheUserIdThatSparkOrdersLast() {
    // U+FFFD and U+1F600 order one way as UTF-16 units (Java) and the other as UTF-8 bytes (Spark).
    String replacement = "\uFFFD";
    String emoji = new String(Character.toChars(0x1F600));
    assertThat(replacement.compareTo(emoji)).isPositive();
    String sparkGreater = spark.sql("SELECT greatest('" + replacement + "', '" + emoji + "')").first().getString(0);
    assertThat(sparkGreater).isEqualTo(emoji);
    Dataset<Row> links = spark.sql("SELECT 'e' AS visitor_id, u AS user_id, TIMESTAMP'2026-03-03 10:00:00' AS first_seen,"
        + " TIMESTAMP'2026-03-03 10:00:00' AS last_seen, DATE'2026-03-03' AS last_seen_date"
        + " FROM VALUES ('" + replacement + "'), ('" + emoji + "') AS t(u)");
    assertThat(strings(IdentityLinks.keysAsOf(links, devices("e"), LocalDate.parse("2026-03-03"),
        LocalDate.parse("2026-03-04"), ZoneOffset.UTC), "key_user")).containsExactly(emoji);
  }
}
