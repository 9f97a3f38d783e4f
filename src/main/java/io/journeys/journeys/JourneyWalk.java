package io.journeys.journeys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.ArraySeq;

/**
 * Cuts each visitor's timeline into journeys in one walk over a partition sorted by (visitor_key,
 * segment, time, is_macro, event_id, name, session_id), and returns those closing in their segment — the rules of
 * {@link JourneyBuilder}. A piece ends after a macro conversion, after the visitor's last row, or
 * before a gap longer than the lookback; only the current piece's touchpoints are held, and the
 * journeys come out as they close, so a partition is never buffered.
 *
 * <p>A row with a {@code min_count} is a match of a per-journey rule, not a touchpoint: the piece
 * counts its matches per rule, and the match that brings a rule to its count becomes a touchpoint
 * (once per piece). Matches neither extend nor cut a piece that has touchpoints or a conversion;
 * before the first of those, consecutive matches more than lookback apart start the count again.
 */
final class JourneyWalk implements MapPartitionsFunction<Row, Row> {
  // Input rows: visitor_key STRING, t BIGINT (epoch µs), is_macro BOOLEAN, name STRING,
  // session_id STRING, event_id STRING, value DOUBLE, min_count INT (matches of per-journey rules only),
  // seg_start BIGINT, seg_end BIGINT (epoch µs: the copy's segment, KeySegments; journeys closing in
  // [seg_start, seg_end) are returned).

  /**
   * Output: the journey's visitor_key, whether it converted, its close instant, its last row
   * (the macro conversion, or the last touchpoint) and its touchpoints in the lookback window,
   * ordered by (time, name, session_id); sessions counts the distinct sessions of the touchpoints
   * and of the macro conversion.
   */
  static final StructType OUTPUT = StructType.fromDDL(
      "visitor_key STRING, converted BOOLEAN, close_micros BIGINT, last_t BIGINT, last_name STRING,"
          + " last_event_id STRING, last_session_id STRING, last_value DOUBLE, touchpoints ARRAY<STRING>,"
          + " touchpoint_micros ARRAY<BIGINT>, sessions INT");

  private final long lookbackMicros;

  JourneyWalk(long lookbackMicros) {
    this.lookbackMicros = lookbackMicros;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Journeys(rows);
  }

  /** One touchpoint of the current piece. */
  private record Touch(long t, String name, String sessionId) {}

  private final class Journeys implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final List<Touch> touches = new ArrayList<>();
    // The piece's last touchpoint or macro conversion, and its last match of a per-journey rule.
    private Row previous;
    private Row lastMatch;
    private final Map<String, Integer> counts = new HashMap<>();
    private Row next;

    Journeys(Iterator<Row> rows) {
      this.rows = rows;
    }

    @Override
    public boolean hasNext() {
      while (next == null && (rows.hasNext() || open())) {
        Row row = rows.hasNext() ? rows.next() : null;
        if (open() && (row == null || endsPiece(row))) {
          if (previous != null) {
            next = close(previous);
          }
          touches.clear();
          counts.clear();
          previous = null;
          lastMatch = null;
        }
        if (row != null) {
          accept(row);
        }
      }
      return next != null;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row out = next;
      next = null;
      return out;
    }

    private boolean open() {
      return previous != null || lastMatch != null;
    }

    private void accept(Row row) {
      if (!row.isNullAt(7)) {
        lastMatch = row;
        if (counts.merge(row.getString(3), 1, Integer::sum) != row.getInt(7)) {
          return;
        }
      } else if (row.getBoolean(2)) {
        previous = row;
        return;
      }
      touches.add(new Touch(row.getLong(1), row.getString(3), row.getString(4)));
      previous = row;
    }

    private boolean endsPiece(Row row) {
      Row last = previous != null ? previous : lastMatch;
      return !Objects.equals(row.getString(0), last.getString(0)) || row.getLong(8) != last.getLong(8)
          || (previous != null && previous.getBoolean(2))
          || row.getLong(1) - last.getLong(1) > lookbackMicros;
    }

    /** The journey the piece ending at {@code last} forms, or null when it closes outside the range. */
    private Row close(Row last) {
      boolean converted = last.getBoolean(2);
      long lastT = last.getLong(1);
      long close = converted ? lastT : lastT + lookbackMicros;
      if (close < last.getLong(8) || close >= last.getLong(9)) {
        return null;
      }
      long windowStart = close - (converted ? lookbackMicros : 2 * lookbackMicros);
      List<Touch> kept = new ArrayList<>(touches.size());
      for (Touch touch : touches) {
        if (touch.t() >= windowStart) {
          kept.add(touch);
        }
      }
      kept.sort(JourneyWalk::compare);
      String[] names = new String[kept.size()];
      Long[] times = new Long[kept.size()];
      Set<String> sessions = new HashSet<>();
      for (int i = 0; i < names.length; i++) {
        Touch touch = kept.get(i);
        names[i] = touch.name();
        times[i] = touch.t();
        if (touch.sessionId() != null) {
          sessions.add(touch.sessionId());
        }
      }
      if (converted && last.getString(4) != null) {
        sessions.add(last.getString(4));
      }
      return RowFactory.create(last.getString(0), converted, close, lastT, last.getString(3), last.getString(5),
          last.getString(4), last.isNullAt(6) ? null : last.getDouble(6), ArraySeq.unsafeWrapArray(names), ArraySeq.unsafeWrapArray(times),
          sessions.size());
    }
  }

  /** Spark's order of the touch structs (t, name, session_id): fields ascending, nulls first, strings by code point. */
  private static int compare(Touch a, Touch b) {
    int c = Long.compare(a.t(), b.t());
    if (c == 0) {
      c = compare(a.name(), b.name());
    }
    return c != 0 ? c : compare(a.sessionId(), b.sessionId());
  }

  /** Code point order, which is the byte order of UTF-8 that Spark compares strings in. */
  private static int compare(String a, String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
  }
}
