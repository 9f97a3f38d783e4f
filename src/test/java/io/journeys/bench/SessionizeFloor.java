package io.journeys.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.journeys.spark.SparkSessionFactory;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The benchmark floor: the least work any sort-based sessionizer does. Reads the columns the job
 * needs, repartitions by visitor once, sorts by time, marks a new session where the gap exceeds
 * the timeout (lag), numbers sessions with a running sum, aggregates sessions, writes parquet.
 *
 * <p>Usage: {@code SessionizeFloor EVENTS_PATH OUT_PATH [MASTER]}; prints one line
 * {@code floor: events=N sessions=S seconds=X}.
 */
public final class SessionizeFloor {
  private SessionizeFloor() {}

  public static void main(String[] args) {
    String events = args[0];
    String out = args[1];
    String master = args.length > 2 ? args[2] : "local[2]";
    SparkSession.Builder builder =
        SparkSession.builder().appName("bench-floor").master(master)
            .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
            .config("spark.ui.enabled", "false");
    for (Map.Entry<String, String> e : SparkSessionFactory.baseConf().entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    SparkSession spark = builder.getOrCreate();
    long start = System.nanoTime();
    Dataset<Row> input =
        spark.read().parquet(events)
            .select("event_id", "event_time", "visitor_id", "event_name", "utm_source", "utm_medium", "utm_campaign")
            .filter(col("visitor_id").isNotNull().and(col("event_time").isNotNull()));
    WindowSpec byTime = Window.partitionBy("visitor_id").orderBy("event_time", "event_id");
    Dataset<Row> marked =
        input.repartition(col("visitor_id"))
            .sortWithinPartitions("visitor_id", "event_time", "event_id")
            .withColumn("prev_time", lag("event_time", 1).over(byTime))
            .withColumn(
                "new_session",
                when(col("prev_time").isNull()
                        .or(col("event_time").cast("long").minus(col("prev_time").cast("long")).gt(30 * 60)), 1)
                    .otherwise(0))
            .withColumn("session_no", sum("new_session").over(byTime));
    Dataset<Row> sessions =
        marked.groupBy("visitor_id", "session_no")
            .agg(min("event_time").as("session_start"), max("event_time").as("session_end"),
                count("*").as("events"), sum(when(col("event_name").equalTo("page_view"), 1).otherwise(0)).as("page_views"));
    sessions.write().mode("overwrite").parquet(out);
    double seconds = (System.nanoTime() - start) / 1e9;
    long sessionCount = spark.read().parquet(out).count();
    long eventCount = spark.read().parquet(out).agg(sum("events")).first().getLong(0);
    System.out.printf("floor: events=%d sessions=%d seconds=%.1f%n", eventCount, sessionCount, seconds);
    spark.stop();
  }
}
