package io.journeys.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import io.journeys.generate.SampleEventGenerator.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleEventGeneratorTest {
  private final SparkSession spark = TestSpark.session();
  private final SampleEventGenerator generator = new SampleEventGenerator(spark);

  private Options options(long visitors, long seed, boolean dirt) {
    return new Options(visitors, 10, seed, LocalDate.parse("2026-01-01"), 0, dirt);
  }

  @Test
  void sameSeedSameRowsOtherSeedOtherRows() {
    // MAP columns cannot take part in EXCEPT: compare them as JSON.
    Dataset<Row> a = generator.events(options(300, 42, true)).withColumn("properties", org.apache.spark.sql.functions.to_json(org.apache.spark.sql.functions.col("properties")));
    Dataset<Row> b = generator.events(options(300, 42, true)).withColumn("properties", org.apache.spark.sql.functions.to_json(org.apache.spark.sql.functions.col("properties")));
    Dataset<Row> c = generator.events(options(300, 43, true)).withColumn("properties", org.apache.spark.sql.functions.to_json(org.apache.spark.sql.functions.col("properties")));
    assertThat(a.exceptAll(b).count()).isZero();
    assertThat(b.exceptAll(a).count()).isZero();
    assertThat(a.exceptAll(c).count()).isPositive();
  }

  @Test
  void writesTheSpecLayoutPartitionedByEventDate(@TempDir Path dir) {
    generator.write(options(200, 1, false), dir.toString());
    assertThat(dir.resolve("event_date=2026-01-01")).isDirectory();
    Dataset<Row> read = spark.read().parquet(dir.toString());
    assertThat(read.columns()).contains("event_id", "event_time", "visitor_id", "user_id", "session_id", "event_name",
        "page_url", "referrer_url", "utm_source", "utm_medium", "utm_campaign", "revenue", "properties", "event_date");
    assertThat(read.schema().apply("event_time").dataType().typeName()).isEqualTo("timestamp");
    // Ten days without dirt: one partition for each, and every row's time on its partition's day.
    assertThat(read.selectExpr("CAST(event_date AS STRING)").distinct().as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).containsExactlyInAnyOrder("2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04",
            "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09", "2026-01-10");
    assertThat(read.filter("to_date(event_time) <> event_date").count()).isZero();
    assertThat(read.count()).isGreaterThan(200);
  }

  @Test
  void dirtInTheStatedSharesAndPlantedEffectsMeasurable() {
    // 20,000 visitors (about 190k events): a share s shows as s ± 3·sqrt(s/n), e.g. 0.2% ± 0.03%.
    Dataset<Row> events = generator.events(options(20_000, 7, true)).cache();
    events.createOrReplaceTempView("generated");
    Row shares = spark.sql("SELECT count(*) AS n, count_if(visitor_id IS NULL) / count(*) AS null_visitor,"
        + " count_if(year(event_time) = 2099) / count(*) AS future,"
        + " count_if(event_name IS NULL) / count(*) AS null_name,"
        + " (count(*) - count(DISTINCT event_id)) / count(*) AS duplicate FROM generated").first();
    assertThat(shares.getDouble(1)).isBetween(0.0014, 0.0026);
    assertThat(shares.getDouble(2)).isBetween(0.0005, 0.0015);
    assertThat(shares.getDouble(3)).isBetween(0.0005, 0.0015);
    assertThat(shares.getDouble(4)).isBetween(0.0035, 0.0065);

    // Planted effects, measured from the events with no code of ours: among sessions with an
    // add_to_cart, the purchase rate when the person had done the cause by the end of the session
    // over the rate when not: newsletter x3, wishlist x2, video x1. Engaged people do several of
    // these, so each cause is measured among sessions without the other planted causes (without
    // that, video_view shows a spurious ratio of about 1.6).
    spark.sql("SELECT split(event_id, '-')[0] AS person, session_id, max(event_time) AS ended,"
        + " count_if(event_name = 'add_to_cart') > 0 AS cart, count_if(event_name = 'purchase') > 0 AS bought,"
        + " first(utm_medium, true) AS medium FROM generated WHERE event_name IS NOT NULL AND year(event_time) < 2099"
        + " AND year(event_time) > 2000 GROUP BY 1, 2").createOrReplaceTempView("gen_sessions");
    assertThat(ratio("newsletter_signup", "add_to_wishlist")).isBetween(2.2, 4.0);
    assertThat(ratio("add_to_wishlist", "newsletter_signup")).isBetween(1.4, 2.8);
    assertThat(ratio("video_view", "newsletter_signup", "add_to_wishlist")).isBetween(0.7, 1.35);
    Row email = spark.sql("SELECT avg(CASE WHEN medium = 'email' THEN CAST(bought AS INT) END) AS email,"
        + " avg(CASE WHEN medium = 'display' THEN CAST(bought AS INT) END) AS display FROM gen_sessions WHERE cart").first();
    assertThat(email.getDouble(0)).isGreaterThan(2 * email.getDouble(1));
    events.unpersist();
  }

  /** Purchase-rate ratio with / without {@code cause}, among cart sessions with none of {@code others}. */
  private double ratio(String cause, String... others) {
    StringBuilder sql = new StringBuilder("WITH first_at AS (SELECT split(event_id, '-')[0] AS person, event_name,"
        + " min(event_time) AS at FROM generated WHERE event_name IS NOT NULL GROUP BY 1, 2)"
        + " SELECT avg(CASE WHEN f.at <= s.ended THEN CAST(bought AS INT) END),"
        + " avg(CASE WHEN f.at IS NULL OR f.at > s.ended THEN CAST(bought AS INT) END)"
        + " FROM gen_sessions s LEFT JOIN first_at f ON s.person = f.person AND f.event_name = '" + cause + "'"
        + " WHERE s.cart");
    for (String other : others) {
      sql.append(" AND NOT EXISTS (SELECT 1 FROM first_at o WHERE o.person = s.person AND o.event_name = '")
          .append(other).append("' AND o.at <= s.ended)");
    }
    Row r = spark.sql(sql.toString()).first();
    return r.getDouble(0) / r.getDouble(1);
  }
}
