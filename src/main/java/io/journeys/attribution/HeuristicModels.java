package io.journeys.attribution;

import java.util.Arrays;

/** The rule-based models of SPEC §4. Repeats count as touchpoints of their own, in time order. */
final class HeuristicModels {
  private HeuristicModels() {}

  /** All credit to the first touchpoint. */
  static final class FirstTouch extends HeuristicModel {
    @Override
    public String name() {
      return "first_touch";
    }

    @Override
    double[] credits(long[] timesMicros, long endMicros, Parameters parameters) {
      double[] credits = new double[timesMicros.length];
      credits[0] = 1.0;
      return credits;
    }
  }

  /** All credit to the last touchpoint. */
  static final class LastTouch extends HeuristicModel {
    @Override
    public String name() {
      return "last_touch";
    }

    @Override
    double[] credits(long[] timesMicros, long endMicros, Parameters parameters) {
      double[] credits = new double[timesMicros.length];
      credits[credits.length - 1] = 1.0;
      return credits;
    }
  }

  /** 1/n to each of the n touchpoints. */
  static final class Linear extends HeuristicModel {
    @Override
    public String name() {
      return "linear";
    }

    @Override
    double[] credits(long[] timesMicros, long endMicros, Parameters parameters) {
      double[] credits = new double[timesMicros.length];
      Arrays.fill(credits, 1.0 / credits.length);
      return credits;
    }
  }

  /**
   * Weight 2^(−Δt / half-life), Δt the time from the touchpoint to the conversion, normalised so
   * a journey's weights sum to 1. Computed as 2^(−(Δt − Δt of the latest touchpoint) / half-life),
   * the same after normalising: the latest weighs 1, so a journey whose touchpoints all lie more than
   * about 1,074 half-lives back (a half-life of 30 minutes, a lookback of 30 days) does not weigh 0
   * in all and divide 0 by 0 (a review).
   */
  static final class TimeDecay extends HeuristicModel {
    @Override
    public String name() {
      return "time_decay";
    }

    @Override
    double[] credits(long[] timesMicros, long endMicros, Parameters parameters) {
      double halfLifeMicros = parameters.timeDecayHalfLifeMicros();
      double[] credits = new double[timesMicros.length];
      long latest = Long.MIN_VALUE;
      for (long t : timesMicros) {
        latest = Math.max(latest, t);
      }
      double total = 0.0;
      for (int i = 0; i < credits.length; i++) {
        // StrictMath, as Spark's pow: the same bits on every JVM.
        credits[i] = StrictMath.pow(2.0, (latest - timesMicros[i]) / -halfLifeMicros);
        total += credits[i];
      }
      for (int i = 0; i < credits.length; i++) {
        credits[i] /= total;
      }
      return credits;
    }
  }

  /** 40% first, 40% last, 20% shared by the middle; n = 1 gets all, n = 2 splits 50/50. */
  static final class PositionBased extends HeuristicModel {
    @Override
    public String name() {
      return "position_based";
    }

    @Override
    double[] credits(long[] timesMicros, long endMicros, Parameters parameters) {
      int n = timesMicros.length;
      double[] credits = new double[n];
      if (n <= 2) {
        Arrays.fill(credits, 1.0 / n);
        return credits;
      }
      Arrays.fill(credits, 0.2 / (n - 2));
      credits[0] = 0.4;
      credits[n - 1] = 0.4;
      return credits;
    }
  }
}
