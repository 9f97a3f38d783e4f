package io.journeys.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.journeys.io.DeltaTableWriter;
import io.journeys.io.OutputTable;
import io.journeys.io.TableLocations;
import io.journeys.journeys.IdentityLinks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The identity keys of one daily run against the length of the links' history: an
 * {@code identities} table of DAYS days (generated once under OUTPUT, reused after), where each of
 * DEVICES devices is seen on about PERCENT% of the days (its own user, or on every third day a
 * second one for one device in twenty), then, for the last day, stage 1's keys of 2 × DEVICES
 * devices (half of them never linked) and stage 2's epochs over a 61-day window, each filled and
 * timed three times. Prints {@code keys: days=D links=N stage=1|2 seconds=S,S,S shuffled_mb=M}
 * (the shuffle bytes of the last round).
 *
 * <p>Usage: {@code IdentityKeysBench OUTPUT DAYS DEVICES PERCENT}
 */
public final class IdentityKeysBench {
  private static final LocalDate FIRST = LocalDate.parse("2025-01-01");

  private IdentityKeysBench() {}

  public static void main(String[] args) throws Exception {
    String output = Path.of(args[0]).toAbsolutePath().toString();
    int days = Integer.parseInt(args[1]);
    long devices = Long.parseLong(args[2]);
    int percent = Integer.parseInt(args[3]);
    SparkSession spark = BenchSessions.local("bench-identity-keys");
    AtomicLong shuffled = new AtomicLong();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
          shuffled.addAndGet(end.taskMetrics().shuffleWriteMetrics().bytesWritten());
        }
      }
    });
    TableLocations locations = new TableLocations(output, "bench");
    String table = locations.path(OutputTable.IDENTITIES);
    if (!Files.isDirectory(Path.of(output, OutputTable.IDENTITIES.tableName(), "_delta_log"))) {
      history(spark, days, devices, percent).write().format("delta").partitionBy("last_seen_date").save(table);
    }
    long links = spark.read().format("delta").load(table).count();
    IdentityLinks identities = new IdentityLinks(spark, new DeltaTableWriter(spark, locations));
    LocalDate last = FIRST.plusDays(days - 1);
    Dataset<Row> runDevices = spark.range(2 * devices).select(concat(lit("d"), col("id")).as("visitor_id"));
    for (int stage = 1; stage <= 2; stage++) {
      StringBuilder seconds = new StringBuilder();
      for (int round = 0; round < 3; round++) {
        Dataset<Row> keys = stage == 1
            ? identities.keysAsOf(runDevices, last, last, ZoneOffset.UTC)
            : identities.epochs(true, last.minusDays(61), last, last, ZoneOffset.UTC);
        Thread.sleep(500);  // the listener bus delivers the last task ends late
        shuffled.set(0);
        long start = System.nanoTime();
        keys.write().format("noop").mode("overwrite").save();
        seconds.append(round == 0 ? "" : ",").append(String.format("%.1f", (System.nanoTime() - start) / 1e9));
      }
      Thread.sleep(500);
      System.out.printf("keys: days=%d links=%d stage=%d seconds=%s shuffled_mb=%.1f%n",
          days, links, stage, seconds, shuffled.get() / 1e6);
    }
    spark.stop();
  }

  /** One row per device, user and day seen, as the job writes them. */
  private static Dataset<Row> history(SparkSession spark, int days, long devices, int percent) {
    Dataset<Row> sightings = spark.range((long) days * devices)
        .withColumn("day", expr("CAST(id DIV " + devices + " AS INT)"))
        .withColumn("device", pmod(col("id"), lit(devices)))
        .filter(pmod(xxhash64(col("id")), lit(100)).lt(percent));
    return sightings.select(
        date_add(lit(java.sql.Date.valueOf(FIRST)), col("day")).as("last_seen_date"),
        concat(lit("d"), col("device")).as("visitor_id"),
        when(pmod(col("device"), lit(20)).equalTo(0).and(pmod(col("day"), lit(3)).equalTo(0)),
            concat(lit("second-"), col("device")))
            .otherwise(concat(lit("user-"), col("device"))).as("user_id"),
        expr("timestamp_seconds(unix_date(date_add(DATE'" + FIRST + "', day)) * 86400"
            + " + pmod(xxhash64(id, 1), 80000))").as("first_seen"),
        expr("timestamp_seconds(unix_date(date_add(DATE'" + FIRST + "', day)) * 86400"
            + " + pmod(xxhash64(id, 1), 80000) + pmod(xxhash64(id, 2), 6000))").as("last_seen"));
  }
}
