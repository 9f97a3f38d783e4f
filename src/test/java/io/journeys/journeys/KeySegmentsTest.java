package io.journeys.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class KeySegmentsTest {
  private final SparkSession spark = TestSpark.session();
  private static final LocalDate FROM = LocalDate.parse("2026-03-01");
  private static final LocalDate TO = LocalDate.parse("2026-03-04");

  /** v logs in as U on 03-03; w has been U's all along (its link is recent). */
  private Dataset<Row> epochs() {
    return spark.sql("SELECT key_visitor, key_user, DATE(key_from) AS key_from, DATE(key_to) AS key_to FROM VALUES"
        + " ('v', 'v', '2026-03-01', '2026-03-02'), ('v', 'U', '2026-03-03', '2026-03-04'),"
        + " ('w', 'U', '2026-03-01', '2026-03-04')"
        + " AS t(key_visitor, key_user, key_from, key_to)");
  }

  private static String describe(Dataset<Row> rows) {
    return String.join(", ", rows.orderBy("id", "seg_from").selectExpr("concat(id, ' ', visitor_key, ' ', seg_from, '..', seg_to)")
        .as(Encoders.STRING()).collectAsList());
  }

  @Test
  void aKeyWhoseDevicesChangeIsCutWhereTheyDoAndEachRowGoesToTheSegmentsItsDeviceServes() {
    // U gains v on 03-03: U's segments are 03-01..03-02 and 03-03..03-04, and so are v's own.
    assertThat(String.join(", ", KeySegments.segments(epochs(), FROM, TO).orderBy("seg_key", "seg_from")
        .selectExpr("concat(seg_key, ' ', seg_from, '..', seg_to)").as(Encoders.STRING()).collectAsList()))
        .isEqualTo("U 2026-03-01..2026-03-02, U 2026-03-03..2026-03-04, v 2026-03-01..2026-03-02, v 2026-03-03..2026-03-04");

    // Rows keyed by stage 1 (as of their own date): r1 of v; r2 of w; r3 of o, an old device of U
    // without a recent link (no epoch); r4 of z, never linked.
    Dataset<Row> rows = spark.sql("SELECT * FROM VALUES ('r1', 'v', 'v'), ('r2', 'w', 'U'), ('r3', 'o', 'U'), ('r4', 'z', 'z')"
        + " AS t(id, visitor_id, visitor_key)");
    // v's row serves v's journeys before the login and U's after; w's and o's rows serve U on
    // both sides of the cut, as two copies; z's row is one copy for the whole range.
    assertThat(describe(new KeySegments(epochs(), FROM, TO).apply(rows)))
        .isEqualTo("r1 v 2026-03-01..2026-03-02, r1 U 2026-03-03..2026-03-04,"
            + " r2 U 2026-03-01..2026-03-02, r2 U 2026-03-03..2026-03-04,"
            + " r3 U 2026-03-01..2026-03-02, r3 U 2026-03-03..2026-03-04,"
            + " r4 z 2026-03-01..2026-03-04");
  }
}
