package io.journeys.attribution;

import static io.journeys.Columns.JOURNEY_END;
import static io.journeys.Columns.TOUCHPOINTS;
import static io.journeys.Columns.TOUCHPOINT_TIMES;
import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.journeys.config.JobSettings.AttributionSettings;
import org.apache.spark.sql.Column;

/** The rule-based models of SPEC §4. Repeats count as touchpoints of their own, in time order. */
final class HeuristicModels {
  private HeuristicModels() {}

  private static Column n() {
    return size(col(TOUCHPOINTS));
  }

  /** All credit to the first touchpoint. */
  static final class FirstTouch extends HeuristicModel {
    @Override
    public String name() {
      return "first_touch";
    }

    @Override
    Column credits(AttributionSettings settings) {
      return transform(col(TOUCHPOINTS), (x, i) -> when(i.equalTo(0), 1.0).otherwise(0.0));
    }
  }

  /** All credit to the last touchpoint. */
  static final class LastTouch extends HeuristicModel {
    @Override
    public String name() {
      return "last_touch";
    }

    @Override
    Column credits(AttributionSettings settings) {
      return transform(col(TOUCHPOINTS), (x, i) -> when(i.equalTo(n().minus(1)), 1.0).otherwise(0.0));
    }
  }

  /** 1/n to each of the n touchpoints. */
  static final class Linear extends HeuristicModel {
    @Override
    public String name() {
      return "linear";
    }

    @Override
    Column credits(AttributionSettings settings) {
      return transform(col(TOUCHPOINTS), x -> lit(1.0).divide(n()));
    }
  }

  /**
   * Weight 2^(−Δt / half-life), Δt the time from the touchpoint to the conversion, normalised so
   * a journey's weights sum to 1.
   */
  static final class TimeDecay extends HeuristicModel {
    @Override
    public String name() {
      return "time_decay";
    }

    @Override
    Column credits(AttributionSettings settings) {
      double halfLifeMicros = settings.timeDecayHalfLife().toNanos() / 1000.0;
      Column weights =
          transform(col(TOUCHPOINT_TIMES),
              t -> pow(lit(2.0), unix_micros(col(JOURNEY_END)).minus(unix_micros(t)).divide(-halfLifeMicros)));
      // The total is the aggregate's accumulator, handed to its finish: a total written inside the
      // division's lambda would be summed again for every element (n² powers per journey).
      return aggregate(weights, lit(0.0), (acc, w) -> acc.plus(w), total -> transform(weights, w -> w.divide(total)));
    }
  }

  /** 40% first, 40% last, 20% shared by the middle; n = 1 gets all, n = 2 splits 50/50. */
  static final class PositionBased extends HeuristicModel {
    @Override
    public String name() {
      return "position_based";
    }

    @Override
    Column credits(AttributionSettings settings) {
      return transform(col(TOUCHPOINTS), (x, i) ->
          when(n().equalTo(1), 1.0)
              .when(n().equalTo(2), 0.5)
              .when(i.equalTo(0).or(i.equalTo(n().minus(1))), 0.4)
              .otherwise(lit(0.2).divide(n().minus(2))));
    }
  }
}
