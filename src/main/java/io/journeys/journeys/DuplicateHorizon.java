package io.journeys.journeys;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Which earlier copies of an event id make a later copy a duplicate in a run whose last date is
 * {@code lastDate}: only those stored in an input partition that the last daily run writing the
 * later copy's date reads. Days run in order rewrite a date for the last time in the run for
 * min(date + late-days, last date), which reads the partitions from {@code readBack} days before
 * its date. A range reads further back than that run, and without this limit it dropped a copy
 * re-sent with a new time days after the first, which the daily runs, no longer reading the first
 * copy's partition, keep as an event: the range then differed from its days run in order.
 *
 * @param readBack days before a run's first date that it reads (late-days + 1, one more outside
 *     UTC)
 */
public record DuplicateHorizon(LocalDate lastDate, int lateDays, int readBack, ZoneId zone) implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * The first input partition (days since the epoch) whose copies count against a copy at
   * {@code micros} (Spark's timestamp: microseconds since the epoch).
   */
  long firstCountedPartition(long micros) {
    long lastWriter = Math.min(ReportingDate.dayOf(micros, zone) + lateDays, lastDate.toEpochDay());
    return lastWriter - readBack;
  }
}
