package io.journeys.journeys;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One device's as-of keys over the dates [first, last], from all of its links at once: for each
 * date, among the links first seen before the date ends in the reporting zone, the one seen most
 * recently by then (ties to the greater user_id, compared as Spark compares strings), and runs of
 * consecutive dates with one user as one range. Computed per device after one grouping of the
 * links: the same rule in SQL (links × dates, a grouping, a window, a grouping, a join for the
 * dates before the first key) took a shuffle per step.
 *
 * <p>Input rows: visitor_id, links (array of struct user_id, first_micros, last_micros).
 * Output rows ({@link #OUTPUT}): key_visitor, from_day, to_day (days after {@code first}), key_user.
 * With {@code ownIdFirst}, the dates before the device's first key are a range keyed by its own id.
 */
final class DeviceKeyRanges implements FlatMapFunction<Row, Row> {
  static final StructType OUTPUT = new StructType()
      .add("key_visitor", DataTypes.StringType, false)
      .add("from_day", DataTypes.IntegerType, false)
      .add("to_day", DataTypes.IntegerType, false)
      .add("key_user", DataTypes.StringType, false);

  private final long[] dayEnds;
  private final boolean ownIdFirst;

  DeviceKeyRanges(LocalDate first, LocalDate last, ZoneId zone, boolean ownIdFirst) {
    // The instant each date ends in the zone, as ReportingDate.endOf gives it: the next midnight,
    // or the first instant of the next day where a clock change skips midnight.
    this.dayEnds = first.datesUntil(last.plusDays(1))
        .mapToLong(d -> ReportingDate.startMicros(d.plusDays(1), zone))
        .toArray();
    this.ownIdFirst = ownIdFirst;
  }

  @Override
  public Iterator<Row> call(Row device) {
    String visitor = device.getString(0);
    List<Row> links = device.getList(1);
    List<Row> ranges = new ArrayList<>();
    String current = null;
    int runStart = 0;
    int firstKeyed = -1;
    for (int day = 0; day < dayEnds.length; day++) {
      String user = keyAt(links, dayEnds[day]);
      if (user == null) {
        continue;  // a link known by a date's end stays known: the dates without one come first
      }
      if (firstKeyed < 0) {
        firstKeyed = day;
      }
      if (!user.equals(current)) {
        if (current != null) {
          ranges.add(RowFactory.create(visitor, runStart, day - 1, current));
        }
        current = user;
        runStart = day;
      }
    }
    if (current != null) {
      ranges.add(RowFactory.create(visitor, runStart, dayEnds.length - 1, current));
    }
    if (ownIdFirst && firstKeyed != 0) {
      ranges.add(RowFactory.create(visitor, 0, (firstKeyed < 0 ? dayEnds.length : firstKeyed) - 1, visitor));
    }
    return ranges.iterator();
  }

  private static String keyAt(List<Row> links, long dayEnd) {
    String best = null;
    long bestSeen = Long.MIN_VALUE;
    for (Row link : links) {
      if (link.getLong(1) >= dayEnd) {
        continue;
      }
      long seen = Math.min(link.getLong(2), dayEnd);
      String user = link.getString(0);
      if (best == null || seen > bestSeen || (seen == bestSeen && compareUtf8(user, best) > 0)) {
        best = user;
        bestSeen = seen;
      }
    }
    return best;
  }

  /** Spark orders strings by their UTF-8 bytes, unsigned; Java's compareTo by UTF-16 units differs beyond U+FFFF. */
  static int compareUtf8(String a, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.compareUnsigned(x, y);
  }

}
