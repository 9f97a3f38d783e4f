package io.journeys.pipeline;

import static io.journeys.Columns.EVENTS;
import static io.journeys.Columns.PAGE_VIEWS;
import static io.journeys.Columns.SESSION_DATE;
import static io.journeys.Columns.SESSION_END;
import static io.journeys.Columns.SESSION_ID;
import static io.journeys.Columns.SESSION_START;
import static io.journeys.Columns.VISITOR_ID;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.journeys.io.DeltaTableWriter;
import io.journeys.io.OutputTable;
import io.journeys.journeys.ReportingDate;
import java.sql.Date;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Sessions that began on the day a run reads but does not rewrite (the day before its first
 * rewritten day) and that the run's walk carried into the rewritten days.
 *
 * <p>Such a session's row was last written by an earlier run. An event that reaches a later
 * partition late and falls inside the session (within the inactivity timeout of its last event,
 * or carrying its tracker session id within a day of it), or that cuts it before midnight (another
 * campaign, another tracker id), changes the row, and no other run sees both: the runs that
 * rewrite that day read partitions up to the day before the event arrived. Only the columns an
 * event after the session's first can change are updated, in place, by one MERGE on that day,
 * and only where they differ, so a daily run without such an event adds no commit. The session's
 * start, first page, channel and visitor key stay as the run that rewrote the day wrote them.
 *
 * <p>Mostly in UTC: with another zone the last run that rewrites a day reads one UTC partition past
 * its dates, which holds every late event allowed to extend its sessions. There only a re-sent copy
 * with a new time changes such a row: the runs that rewrote the day dropped it as a duplicate of a
 * copy in a partition this run no longer reads for ids (README, Duplicates; a review found "in
 * UTC only" written here, while the update runs in every zone). The
 * day's events stored in the partition before it (a device clock ahead, or out of order) are in
 * the walk: Stage1Job reads that partition, as the run that last wrote the day did, and of its
 * earlier events only their ids ({@link io.journeys.journeys.DuplicateHorizon}).
 */
public final class ContinuedSessions {
  /** What identifies a session's row within a day: a tracker's session id may name two sessions of one device. */
  private static final List<String> KEY = List.of(VISITOR_ID, SESSION_ID, SESSION_START);
  private static final List<String> UPDATED = List.of(SESSION_END, EVENTS, PAGE_VIEWS);

  private final SparkSession spark;
  private final DeltaTableWriter writer;

  public ContinuedSessions(SparkSession spark, DeltaTableWriter writer) {
    this.spark = spark;
    this.writer = writer;
  }

  /**
   * Of {@code walked} (rows as the sessions table has them), those dated {@code firstRewritten − 1}
   * whose row may have changed: those that end on or after {@code firstRewritten}, and those whose
   * stored row ({@code stored}, that day's) did. A late event can shorten a session as well as
   * extend it (a campaign or tracker id splitting it before midnight): the stored row ended past
   * midnight and the walked one does not, and the days run in order kept the stored one while a
   * range wrote the shorter (a review).
   */
  public static Dataset<Row> crossingInto(Dataset<Row> walked, Dataset<Row> stored, LocalDate firstRewritten, ZoneId zone) {
    Dataset<Row> dayBefore = walked.filter(col(SESSION_DATE).equalTo(Date.valueOf(firstRewritten.minusDays(1))));
    Column crossing = ReportingDate.of(col(SESSION_END), zone).geq(Date.valueOf(firstRewritten));
    // The stored rows across midnight are a small share of a day's: a broadcast, so the day's
    // walked sessions are read once and not shuffled for them. Distinct keys, so no walked row is
    // doubled (two rows of one key would be two MERGE sources for one target).
    Dataset<Row> storedCrossing = broadcast(stored.filter(crossing)
        .select(KEY.stream().map(c -> col(c)).toArray(Column[]::new)).distinct().withColumn(STORED_CROSSING, lit(true)));
    return dayBefore.join(storedCrossing, KEY.toArray(String[]::new), "left_outer")
        .filter(crossing.or(col(STORED_CROSSING).isNotNull()))
        .drop(STORED_CROSSING);
  }

  private static final String STORED_CROSSING = "stored_crossing";

  /** The rows of {@code recomputed} whose stored row (same key) differs in an updated column; a row with no stored row is not one. */
  public static Dataset<Row> changed(Dataset<Row> recomputed, Dataset<Row> stored) {
    Dataset<Row> s = recomputed.alias("s");
    Dataset<Row> t = stored.alias("t");
    Column sameKey = null;
    for (String c : KEY) {
      Column eq = col("s." + c).equalTo(col("t." + c));
      sameKey = sameKey == null ? eq : sameKey.and(eq);
    }
    Column differs = null;
    for (String c : UPDATED) {
      Column ne = not(col("s." + c).eqNullSafe(col("t." + c)));
      differs = differs == null ? ne : differs.or(ne);
    }
    return s.join(t, sameKey.and(differs), "left_semi");
  }

  /**
   * Updates the stored rows of the day before {@code firstRewritten} that {@code walked} (the
   * sessions this run walked) changes.
   *
   * @return rows updated
   */
  public long update(Dataset<Row> walked, LocalDate firstRewritten, ZoneId zone) {
    LocalDate day = firstRewritten.minusDays(1);
    String path = writer.locations().path(OutputTable.SESSIONS);
    Column[] columns = Stream.concat(KEY.stream(), UPDATED.stream()).map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> stored = spark.read().format("delta").load(path).filter(col(SESSION_DATE).equalTo(Date.valueOf(day)));
    Dataset<Row> recomputed = crossingInto(walked, stored, firstRewritten, zone);
    // Small (sessions across one midnight), and read twice: by the count and by the MERGE.
    Dataset<Row> changes = changed(recomputed.select(columns), stored.select(columns)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long n = changes.count();
      if (n == 0) {
        return 0;
      }
      StringBuilder on = new StringBuilder("t." + SESSION_DATE + " = DATE'" + day + "'");
      KEY.forEach(c -> on.append(" AND t.").append(c).append(" = s.").append(c));
      Map<String, String> set = new LinkedHashMap<>();
      UPDATED.forEach(c -> set.put(c, "s." + c));
      writer.updateMatched(OutputTable.SESSIONS, changes, on.toString(), set);
      return n;
    } finally {
      changes.unpersist();
    }
  }
}
