package io.journeys.journeys;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Which earlier copies of an event id make a later copy a duplicate in a run whose last date is
 * {@code lastDate} (in a rerun, a later one: {@link #lastDate}): only those stored in an input
 * partition that the last daily run writing the later copy's date reads. Days run in order rewrite
 * a date for the last time in the run for min(date + late-days, last date), which reads the
 * partitions from {@code readBack} days before its date. A range reads further back than that run,
 * and without this limit it dropped a copy re-sent with a new time days after the first, which the
 * daily runs, no longer reading the first copy's partition, keep as an event: the range then
 * differed from its days run in order.
 *
 * <p>A run reads from {@code readFrom}, one partition before its own read-back (with two late days
 * or more, from further back, for ids only: below): a copy dated the day before its first
 * rewritten date (the day it reads but does not rewrite) counts copies from that partition, and
 * that day's sessions may be continued by this run ({@code ContinuedSessions}) and its user links
 * are rewritten. A copy whose counted copies are all read is <em>complete</em>: this run keeps or
 * drops it as the date's last writer did, and the copies of every date from
 * {@link #firstCompleteDate} on are. An incomplete copy may be kept where that writer dropped it,
 * so nothing dated before that date is written; of partition {@code readFrom}, such copies are
 * read only to count against later copies, as are the rows of any partition a run reads before it
 * ({@link #firstRead}: with two late days or more).
 *
 * @param lastDate the last date of the runs whose decisions this run repeats ({@link #lastDate})
 * @param readBack days before a run's first date that its dates' last writers read (late-days +
 *     1, one more outside UTC)
 * @param readFrom the partition before the run's read-back: its rows, and those of any partition
 *     before it, dated before the run's extra day only count against later copies
 */
public record DuplicateHorizon(LocalDate lastDate, int lateDays, int readBack, ZoneId zone, LocalDate readFrom)
    implements Serializable {
  private static final long serialVersionUID = 2L;

  /**
   * The last date of the horizon of a run whose last date is {@code to}, after earlier runs
   * reached {@code lastRun}: {@code to} for a run moving forward. A rerun also reads partitions
   * after {@code to}, for the rest of its sessions that went on past its last midnight; the run
   * that last wrote them, continuing the sessions of {@code to} (ContinuedSessions), is the one for
   * to + late-days + 1, or the last date run if the runs stopped before it, and its copies are
   * decided as that run decided them. Capped at this run's own last writer instead (to +
   * late-days), a rerun of 03-10 dropped a re-sent copy at 03-11 00:05 (its first copy two
   * partitions earlier) that the run for 03-11 had kept, and the session of 03-10 lost that event.
   */
  public static LocalDate lastDate(LocalDate to, Optional<LocalDate> lastRun, int lateDays) {
    LocalDate continuing = to.plusDays(lateDays + 1L);
    return lastRun.filter(last -> last.isAfter(to)).map(last -> last.isBefore(continuing) ? last : continuing).orElse(to);
  }

  /**
   * The first input partition (days since the epoch) whose copies count against a copy at
   * {@code micros} (Spark's timestamp: microseconds since the epoch).
   */
  long firstCountedPartition(long micros) {
    long lastWriter = Math.min(ReportingDate.dayOf(micros, zone) + lateDays, lastDate.toEpochDay());
    return lastWriter - readBack;
  }

  /**
   * Whether a copy at {@code micros}, the latest of whose earlier copies is in input partition
   * {@code latest}, is a duplicate for the last daily run that writes its date (the run for date +
   * late-days, not capped at this run's last date). That is how run_metrics counts it, so that a
   * partition's counts do not depend on which run wrote them: a copy stored a day early in the
   * partition a run rewrites last is dated after it, and its date's last writer is a later run,
   * reading from a later partition. The partitions before the copy's that this rule counts are
   * read when {@link #complete} holds; an earlier copy stored after the last partition this run
   * reads is not seen, as by any run before its arrival.
   */
  boolean duplicateForLastWriter(int latest, long micros) {
    return latest >= ReportingDate.dayOf(micros, zone) + lateDays - readBack;
  }

  /** Whether every copy that counts against a copy at {@code micros} is in a partition the run reads. */
  boolean complete(long micros) {
    return firstCountedPartition(micros) >= readFrom.toEpochDay();
  }

  /**
   * Whether a row of input partition {@code partition} (days since the epoch) at {@code micros} is
   * read only to count against later copies: it is in no session, conversion or link of this run.
   */
  boolean onlyCounts(int partition, long micros) {
    return partition <= readFrom.toEpochDay() && !complete(micros);
  }

  /**
   * The first input partition the run reads: {@code readFrom}, and with two late days or more the
   * partitions before it too, for ids only. A row of the run's first rewritten partition may be
   * dated late-days before that partition, and the copies that count against it go back readBack
   * days from there: read, they make every row of the partitions the run rewrites (and counts in
   * run_metrics) a duplicate or not as for its date's last writer and for a range.
   */
  public LocalDate firstRead() {
    return readFrom.minusDays(Math.max(0, lateDays - 1));
  }

  /**
   * The first date (in {@code zone}) whose copies are complete: firstCountedPartition(t) ≥ readFrom
   * holds for every date from here on, since a run's last date is after readFrom + readBack.
   */
  public LocalDate firstCompleteDate() {
    return readFrom.plusDays(readBack - lateDays);
  }
}
