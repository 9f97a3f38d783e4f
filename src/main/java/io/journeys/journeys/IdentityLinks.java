package io.journeys.journeys;

import static io.journeys.Columns.EVENT_TIME;
import static io.journeys.Columns.FIRST_SEEN;
import static io.journeys.Columns.LAST_SEEN;
import static io.journeys.Columns.USER_ID;
import static io.journeys.Columns.VISITOR_ID;
import static io.journeys.Columns.VISITOR_KEY;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.journeys.io.DeltaTableWriter;
import io.journeys.io.OutputTable;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Device to user links (SPEC §4 identity): one row per (visitor_id, user_id) pair and UTC day the
 * pair was seen in valid events, and outside UTC per part of that day between midnights of the
 * reporting zone; first_seen and last_seen its earliest and latest sighting there ({@code
 * last_seen_date} is the UTC day).
 *
 * <p>A run rewrites the links of the dates from the one it reads but does not rewrite to its last,
 * from its walk, which keeps or drops each copy of those dates as the date's last writer does
 * ({@link DuplicateHorizon}): so a date's rows are the last writer's, a range gives the rows its
 * days run in order give, and a rerun changes none. Until 2026-12-06 a run merged the links of
 * every event it read into the rows (the earlier first, the later last sighting), and a link could
 * not be taken back: a copy an earlier run kept, which a later one found to be a duplicate of a
 * copy timed before it but stored later, left its sighting (a review). Rows spanning days (one per
 * run of sightings, as the table held until 2026-12-03) made the rows depend on which days each
 * run read: sightings further apart than a daily run reads back were two rows in daily runs and
 * one in a range, and on a device shared by two users that could change which of them keyed the
 * days between.
 */
public final class IdentityLinks {
  private final SparkSession spark;
  private final DeltaTableWriter writer;

  public IdentityLinks(SparkSession spark, DeltaTableWriter writer) {
    this.spark = spark;
    this.writer = writer;
  }

  /**
   * Pairs seen in {@code events}, one row per pair and UTC day, and outside UTC per part of that
   * day in {@code zone}: a row spanning a local midnight could not say which user the device saw
   * last before it, which keys the day (a black-box test).
   */
  public static Dataset<Row> links(Dataset<Row> events, ZoneId zone) {
    // The UTC day whatever the session's time zone: the walk marks a user's first and last event of
    // each such part of a day (Sessionizer.USER_EDGE), so its links from the edges equal those from every event.
    Column utcDay = expr("date_from_unix_date(CAST(floor(unix_micros(" + EVENT_TIME + ") / 86400000000) AS INT))");
    List<Column> keys = new java.util.ArrayList<>(List.of(col(VISITOR_ID), col(USER_ID), utcDay.as("last_seen_date")));
    if (!ReportingDate.isUtc(zone)) {
      keys.add(ReportingDate.of(col(EVENT_TIME), zone).as("local_date"));
    }
    return events
        .filter(col(USER_ID).isNotNull())
        .groupBy(keys.toArray(Column[]::new))
        .agg(min(EVENT_TIME).as(FIRST_SEEN), max(EVENT_TIME).as(LAST_SEEN))
        .drop("local_date");
  }

  /**
   * Replaces the links of the dates [{@code from}, {@code to}] in {@code zone} (a row's date is its
   * sightings', which all fall on one date) with those of the sightings in {@code events} dated
   * there; returns the number of rows written. The events must hold, of every pair's sightings on
   * each of those dates that are kept as events, at least the earliest and the latest of each day
   * (the walk's user edges), from a run whose copies of those dates are complete
   * ({@link DuplicateHorizon#complete}).
   */
  public long replaceDates(Dataset<Row> events, LocalDate from, LocalDate to, ZoneId zone) {
    Dataset<Row> dated = events.filter(ReportingDate.of(col(EVENT_TIME), zone)
        .between(java.sql.Date.valueOf(from), java.sql.Date.valueOf(to)));
    // A local date's rows lie in the UTC days from the one before it to the one after.
    String predicate = ReportingDate.isUtc(zone)
        ? DeltaTableWriter.dateRange("last_seen_date", from, to)
        : DeltaTableWriter.dateRange("last_seen_date", from.minusDays(1), to.plusDays(1)) + " AND "
            + DeltaTableWriter.dateRange(localDate(zone), from, to);
    return writer.replaceWhere(OutputTable.IDENTITIES, links(dated, zone), predicate, from, to);
  }

  /** The date in {@code zone} of a row's first sighting, in SQL. */
  private static String localDate(ZoneId zone) {
    return "to_date(from_utc_timestamp(" + FIRST_SEEN + ", '" + zone.getId() + "'))";
  }

  /**
   * Re-keys rows by their device's user as known at the end of each row's date, from {@code keys}
   * ({@link #keysAsOf(Dataset, LocalDate, LocalDate, ZoneId)}); a device without a key keeps its own id.
   * So the stage-1 tables of a day are the same whether it ran alone or inside a backfill range.
   * A device's key ranges do not overlap, so each row matches at most one.
   */
  public static Dataset<Row> stitchAsOf(Dataset<Row> rows, String dateColumn, Dataset<Row> keys) {
    Dataset<Row> joined = rows.drop(VISITOR_KEY).join(keys,
        rows.col(VISITOR_ID).equalTo(keys.col("key_visitor"))
            .and(rows.col(dateColumn).between(keys.col("key_from"), keys.col("key_to"))),
        "left");
    return joined
        .withColumn(VISITOR_KEY, coalesce(col("key_user"), col(VISITOR_ID)))
        .drop("key_visitor", "key_from", "key_to", "key_user");
  }

  /**
   * The as-of keys of the devices in {@code devices} (a visitor_id column) for the dates in [first,
   * last], as ranges: key_visitor, key_from, key_to, key_user.
   */
  public Dataset<Row> keysAsOf(Dataset<Row> devices, LocalDate first, LocalDate last, ZoneId zone) {
    return keysAsOf(table(), devices, first, last, zone);
  }

  /**
   * Per device of {@code devices} with a link: its key for each date in [first, last], among the
   * links first seen by the end of the date in {@code zone} (the reporting time zone, which dates
   * the rows) the one seen most recently (later sightings not counted; ties to the greater
   * user_id). Consecutive dates with the same key are one row (key_visitor, key_from, key_to,
   * key_user): most devices keep one user for the whole run, so the keys are about one row per
   * linked device rather than one per device and date, small enough for the planner to broadcast
   * them to the rows they re-key while a run's linked devices are few. Each device's links are
   * grouped once ({@link #byDevice}) and its ranges computed from them ({@link DeviceKeyRanges}).
   * The run's devices are picked before the grouping: grouped first, every device's links went
   * through the partial aggregation, which on links seen on one or two days per device costs more
   * than it saves (stage 1's keys 3.8 s against 2.2 s on a daily run over 60 days of history).
   */
  static Dataset<Row> keysAsOf(Dataset<Row> allLinks, Dataset<Row> devices, LocalDate first, LocalDate last,
      ZoneId zone) {
    Dataset<Row> links = allLinks.join(devices.select(VISITOR_ID), new String[] {VISITOR_ID}, "left_semi");
    return ranges(byDevice(links, first, last, zone), first, last, zone, false);
  }

  /**
   * Each device's links that can key a date of [first, last], in one row (visitor_id, links,
   * latest: the last last_seen_date of all its links): one shuffle. A link last seen before the end
   * of {@code first} counts alike on every one of those dates (known, and seen up to its last
   * sighting), so of those only the one seen last (ties to the greater user_id) can ever be the
   * key, and it stands for them all; a link first seen after the end of {@code last} counts on
   * none. With one row per pair and day, a device's links grow with the days it is seen; this keeps
   * each device's row, and the walk over it, to the run's dates and one link. The partial
   * aggregation collapses the older rows before the shuffle where the links reach it unshuffled:
   * stage 2's epochs, and stage 1's keys when the run's devices are broadcast to the links.
   */
  static Dataset<Row> byDevice(Dataset<Row> links, LocalDate first, LocalDate last, ZoneId zone) {
    Column firstMicros = unix_micros(col(FIRST_SEEN));
    Column lastMicros = unix_micros(col(LAST_SEEN));
    Column settled = lastMicros.lt(lit(ReportingDate.startMicros(first.plusDays(1), zone)));
    Column open = not(settled).and(firstMicros.lt(lit(ReportingDate.startMicros(last.plusDays(1), zone))));
    // Ordered by last sighting, then user_id as Spark orders strings (DeviceKeyRanges' tie rule),
    // then first sighting, so that the one kept does not depend on the order rows arrive in.
    Column settledOrder = struct(lastMicros.as("last_micros"), col(USER_ID).as(USER_ID), firstMicros.as("first_micros"));
    return links
        .groupBy(col(VISITOR_ID))
        .agg(collect_list(when(open, link(col(USER_ID), firstMicros, lastMicros))).as("open"),
            max(when(settled, settledOrder)).as("settled"),
            max(col("last_seen_date")).as("latest"))
        .select(col(VISITOR_ID),
            when(col("settled").isNull(), col("open"))
                .otherwise(concat(col("open"),
                    array(link(col("settled." + USER_ID), col("settled.first_micros"), col("settled.last_micros")))))
                .as("links"),
            col("latest"));
  }

  private static Column link(Column user, Column firstMicros, Column lastMicros) {
    return struct(user.as(USER_ID), firstMicros.as("first_micros"), lastMicros.as("last_micros"));
  }

  private static Dataset<Row> ranges(Dataset<Row> byDevice, LocalDate first, LocalDate last, ZoneId zone,
      boolean ownIdFirst) {
    Column firstDate = lit(java.sql.Date.valueOf(first));
    return byDevice.select(col(VISITOR_ID), col("links"))
        .flatMap(new DeviceKeyRanges(first, last, zone, ownIdFirst), Encoders.row(DeviceKeyRanges.OUTPUT))
        .select(col("key_visitor"), date_add(firstDate, col("from_day")).as("key_from"),
            date_add(firstDate, col("to_day")).as("key_to"), col("key_user"));
  }

  /**
   * Stage 2's keys: per device with a link last seen from two days before {@code rowsFrom} on, its
   * as-of key ({@link #keysAsOf}) for every date in [from, to], as ranges (key_visitor, key_from,
   * key_to, key_user) that cover [from, to]; dates before the device's first link keep its own id.
   * A journey closing on a date, and a funnel counted on it, is keyed by the links known at the end
   * of that date, as the stage-1 rows of that date are: so a date's rows do not depend on the run
   * that wrote them (a range equals its days run in order) while a login still joins the device's
   * earlier anonymous touchpoints to every journey it closes after. The other devices' links all
   * ended before the rows' days, so the rows already carry that user as their key for every date
   * from {@code rowsFrom} on, and the keys follow the window, not the history of links. Empty when
   * stitching is off.
   */
  public Dataset<Row> epochs(boolean stitching, LocalDate rowsFrom, LocalDate from, LocalDate to, ZoneId zone) {
    Dataset<Row> epochs = epochs(table(), rowsFrom, from, to, zone);
    return stitching ? epochs : epochs.limit(0);
  }

  static Dataset<Row> epochs(Dataset<Row> links, LocalDate rowsFrom, LocalDate from, LocalDate to, ZoneId zone) {
    // Two days: a row's date is a day in reporting.timezone, last_seen_date a UTC day.
    Dataset<Row> devices = byDevice(links, from, to, zone).filter(col("latest").geq(java.sql.Date.valueOf(rowsFrom.minusDays(2))));
    return ranges(devices, from, to, zone, true);
  }

  private Dataset<Row> table() {
    return spark.read().format("delta").load(writer.locations().path(OutputTable.IDENTITIES));
  }
}
