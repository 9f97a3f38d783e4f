package io.journeys.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.journeys.io.OutputTable;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * Nine closed journeys over two days, as rows of the {@code journeys} table (columns the micro
 * conversion figures do not read are null), with their figures worked out by hand:
 *
 * <pre>
 * 2026-03-01  j1 [signup, add_to_cart] converted 2.0 d   j2 [add_to_cart] converted 4.0 d
 *             j3 [signup] not                            j4 [signup, signup] not
 * 2026-03-02  j5 [add_to_cart] converted 1.0 d           j6 [signup] converted 3.0 d
 *             j7 [add_to_cart] not                       j8 [] converted (no touchpoint)
 *             j9 [add_to_cart] converted 1.5 d
 * </pre>
 *
 * Per day: signup 3 journeys, 1 converted, lift (1/3) / (1/1) = 0.3333, median 2.0, then 1, 1,
 * lift 1 / (3/4) = 1.3333, median 3.0; add_to_cart 2, 2, lift null (the day's journeys without it
 * never convert), median 3.0, then 3, 2, lift (2/3) / (2/2) = 0.6667, median 1.25.
 *
 * <p>Over both days (9 journeys, 6 converted): signup 4 journeys, 2 converted, rate 0.5, lift
 * 0.5 / (4/5) = 0.625, median of 2.0 and 3.0 = 2.5; add_to_cart 5, 4, rate 0.8, lift 0.8 / (2/4) =
 * 1.6, median of 1.0, 1.5, 2.0, 4.0 = 1.75. The days' mean lifts (0.8333 and 0.6667) and median of
 * medians (2.125 for add_to_cart) are not these.
 */
public final class RangeJourneys {
  private RangeJourneys() {}

  public static Dataset<Row> rows(SparkSession spark) {
    Dataset<Row> given = spark.sql("SELECT * FROM VALUES"
        + " (DATE'2026-03-01', 'j1', array('signup', 'add_to_cart'), true, 2.0D),"
        + " (DATE'2026-03-01', 'j2', array('add_to_cart'), true, 4.0D),"
        + " (DATE'2026-03-01', 'j3', array('signup'), false, CAST(NULL AS DOUBLE)),"
        + " (DATE'2026-03-01', 'j4', array('signup', 'signup'), false, CAST(NULL AS DOUBLE)),"
        + " (DATE'2026-03-02', 'j5', array('add_to_cart'), true, 1.0D),"
        + " (DATE'2026-03-02', 'j6', array('signup'), true, 3.0D),"
        + " (DATE'2026-03-02', 'j7', array('add_to_cart'), false, CAST(NULL AS DOUBLE)),"
        + " (DATE'2026-03-02', 'j8', CAST(array() AS ARRAY<STRING>), true, CAST(NULL AS DOUBLE)),"
        + " (DATE'2026-03-02', 'j9', array('add_to_cart'), true, 1.5D)"
        + " AS t(close_date, journey_id, touchpoints, converted, days_to_convert)");
    List<String> present = List.of(given.columns());
    List<Column> columns = new java.util.ArrayList<>();
    for (StructField field : OutputTable.JOURNEYS.schema().fields()) {
      columns.add((present.contains(field.name()) ? col(field.name()) : lit(null)).cast(field.dataType()).as(field.name()));
    }
    return given.select(columns.toArray(Column[]::new));
  }
}
