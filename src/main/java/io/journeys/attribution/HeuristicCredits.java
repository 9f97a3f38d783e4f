package io.journeys.attribution;

import static io.journeys.Columns.CLOSE_DATE;
import static io.journeys.Columns.JOURNEY_END;
import static io.journeys.Columns.JOURNEY_ID;
import static io.journeys.Columns.MACRO_CONVERSION;
import static io.journeys.Columns.TOUCHPOINTS;
import static io.journeys.Columns.TOUCHPOINT_TIMES;
import static io.journeys.Columns.VALUE;
import static org.apache.spark.sql.functions.col;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The credits of several rule-based models in one pass: each journey is read once and every
 * model's loop runs over its touchpoints. One pass instead of one per model matters twice: the
 * journeys are scanned once, and the attribution's union has one child for all of them, so each
 * of its tasks deserializes a smaller plan.
 */
final class HeuristicCredits {
  static final StructType CREDIT_ROWS = StructType.fromDDL(
      "journey_id STRING, close_date DATE, macro_conversion STRING, touchpoint STRING, credit DOUBLE, value DOUBLE,"
          + " model STRING");

  private HeuristicCredits() {}

  /**
   * Rows {@code journey_id, close_date, macro_conversion, touchpoint, credit, value, model}: one per
   * model and touchpoint with a non-zero credit.
   *
   * @param converting converting journeys with at least one touchpoint
   */
  static Dataset<Row> credits(
      Dataset<Row> converting, List<HeuristicModel> models, HeuristicModel.Parameters parameters) {
    return converting
        .select(col(JOURNEY_ID), col(CLOSE_DATE), col(MACRO_CONVERSION), col(VALUE).cast("double"), col(TOUCHPOINTS),
            col(TOUCHPOINT_TIMES), col(JOURNEY_END))
        .flatMap((FlatMapFunction<Row, Row>) journey -> credited(journey, models, parameters), Encoders.row(CREDIT_ROWS));
  }

  private static Iterator<Row> credited(Row journey, List<HeuristicModel> models, HeuristicModel.Parameters parameters) {
    List<String> touchpoints = journey.getList(4);
    List<Object> times = journey.getList(5);
    long[] timesMicros = new long[times.size()];
    for (int i = 0; i < timesMicros.length; i++) {
      timesMicros[i] = micros(times.get(i));
    }
    long endMicros = micros(journey.get(6));
    Object value = journey.get(3);
    List<Row> out = new ArrayList<>(models.size() * touchpoints.size());
    for (HeuristicModel model : models) {
      double[] credits = model.credits(timesMicros, endMicros, parameters);
      for (int i = 0; i < credits.length; i++) {
        if (credits[i] != 0.0) {
          out.add(RowFactory.create(journey.get(0), journey.get(1), journey.get(2), touchpoints.get(i), credits[i],
              value, model.name()));
        }
      }
    }
    return out.iterator();
  }

  /** A timestamp as µs since the epoch, whichever Java type the session's date API hands out. */
  private static long micros(Object timestamp) {
    if (timestamp instanceof Instant instant) {
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }
    java.sql.Timestamp ts = (java.sql.Timestamp) timestamp;
    return Math.addExact(Math.multiplyExact(Math.floorDiv(ts.getTime(), 1000L), 1_000_000L), ts.getNanos() / 1000);
  }
}
