package io.journeys.report;

import io.journeys.config.FunnelDefinition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Counts, over a partition of funnel-step conversions sorted by (visitor_key, time, name), the
 * visitors reaching each step of each funnel on each day: for day d, the visitor's conversions at
 * or after {@code dayEnds[d] − lookback} and before {@code dayEnds[d]} are matched to the steps in
 * order, greedily (those at one instant in any order). Only one visitor's conversions are held at
 * a time; the partition's counts come out as one row per funnel, day and reached step.
 */
final class FunnelCounter implements MapPartitionsFunction<Row, Row> {
  /**
   * Input: visitor_key STRING, t BIGINT (epoch micros), conversion STRING, day_from INT, day_to INT
   * (the days this copy of the visitor counts on, KeySegments), sorted by (visitor_key, day_from, t).
   */
  static final StructType COUNTS = new StructType()
      .add("funnel", DataTypes.StringType)
      .add("day", DataTypes.IntegerType)
      .add("step", DataTypes.IntegerType)
      .add("step_name", DataTypes.StringType)
      .add("visitors", DataTypes.LongType);

  private final String[] names;
  private final String[][] stepNames;
  private final long[] dayEnds;
  private final long lookbackMicros;

  FunnelCounter(List<FunnelDefinition> funnels, long[] dayEnds, long lookbackMicros) {
    this.names = funnels.stream().map(FunnelDefinition::name).toArray(String[]::new);
    this.stepNames = funnels.stream().map(f -> f.steps().toArray(String[]::new)).toArray(String[][]::new);
    this.dayEnds = dayEnds.clone();
    this.lookbackMicros = lookbackMicros;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    Map<String, Integer> codes = new HashMap<>();
    int[][] steps = new int[stepNames.length][];
    for (int f = 0; f < steps.length; f++) {
      steps[f] = Arrays.stream(stepNames[f]).mapToInt(s -> codes.computeIfAbsent(s, k -> codes.size())).toArray();
    }
    long[][][] reached = new long[steps.length][dayEnds.length][];
    for (int f = 0; f < steps.length; f++) {
      for (int d = 0; d < dayEnds.length; d++) {
        reached[f][d] = new long[steps[f].length];
      }
    }
    Visitor visitor = new Visitor();
    String current = null;
    while (rows.hasNext()) {
      Row row = rows.next();
      String key = row.getString(0);
      if (!key.equals(current) || row.getInt(3) != visitor.dayFrom) {
        visitor.count(steps, reached);
        visitor.clear(row.getInt(3), row.getInt(4));
        current = key;
      }
      Integer code = codes.get(row.getString(2));
      if (code != null) {
        visitor.add(row.getLong(1), code);
      }
    }
    visitor.count(steps, reached);

    List<Row> out = new ArrayList<>();
    for (int f = 0; f < steps.length; f++) {
      for (int d = 0; d < dayEnds.length; d++) {
        for (int k = 0; k < steps[f].length && reached[f][d][k] > 0; k++) {
          out.add(RowFactory.create(names[f], d, k + 1, stepNames[f][k], reached[f][d][k]));
        }
      }
    }
    return out.iterator();
  }

  /** One visitor's step conversions, in time order. */
  private final class Visitor {
    private long[] times = new long[16];
    private int[] codes = new int[16];
    /** Which conversions of one instant have matched a step. */
    private boolean[] used = new boolean[16];
    private int size;
    private int dayFrom;
    private int dayTo;

    void add(long time, int code) {
      if (size == times.length) {
        times = Arrays.copyOf(times, size * 2);
        codes = Arrays.copyOf(codes, size * 2);
        used = new boolean[size * 2];
      }
      times[size] = time;
      codes[size++] = code;
    }

    void clear(int dayFrom, int dayTo) {
      size = 0;
      this.dayFrom = dayFrom;
      this.dayTo = dayTo;
    }

    /**
     * How many of the funnel's steps the conversions in [start, end) reach, in order, greedily.
     * Conversions at one instant (one event firing two rules: the third page view is the pricing
     * page) may match the next steps in any order, so [viewed_pricing, viewed_3_pages] is reached
     * as [viewed_3_pages, viewed_pricing] is; each conversion matches one step at most.
     */
    int stepsReached(int[] funnel, int start, int end) {
      int k = 0;
      int i = start;
      while (i < end && k < funnel.length) {
        int next = i;
        while (next < end && times[next] == times[i]) {
          next++;
        }
        if (next - i == 1) {
          if (codes[i] == funnel[k]) {
            k++;
          }
        } else {
          Arrays.fill(used, 0, next - i, false);
          boolean matched = true;
          while (matched && k < funnel.length) {
            matched = false;
            for (int m = i; m < next; m++) {
              if (!used[m - i] && codes[m] == funnel[k]) {
                used[m - i] = true;
                k++;
                matched = true;
                break;
              }
            }
          }
        }
        i = next;
      }
      return k;
    }

    /** Adds this visitor to {@code reached[f][d][k]} for every step k it reaches. */
    void count(int[][] steps, long[][][] reached) {
      if (size == 0) {
        return;
      }
      // Day ends ascend, so both window edges only move forward.
      int start = 0;
      int end = 0;
      for (int d = dayFrom; d <= dayTo; d++) {
        while (end < size && times[end] < dayEnds[d]) {
          end++;
        }
        while (start < end && times[start] < dayEnds[d] - lookbackMicros) {
          start++;
        }
        for (int f = 0; f < steps.length; f++) {
          int k = stepsReached(steps[f], start, end);
          for (int j = 0; j < k; j++) {
            reached[f][d][j]++;
          }
        }
      }
    }
  }
}
