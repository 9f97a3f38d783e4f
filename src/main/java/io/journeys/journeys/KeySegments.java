package io.journeys.journeys;

import static io.journeys.Columns.VISITOR_ID;
import static io.journeys.Columns.VISITOR_KEY;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;

import java.math.BigInteger;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;

/**
 * Keys the rows of a computation that serves every date of [from, to] at once (stage 2: the
 * journeys closing on those dates, the funnels of those days) by the links known at the end of each
 * of those dates, from the device epochs of {@link IdentityLinks#epochs}.
 *
 * <p>A key whose devices change inside [from, to] (a device logs in, or moves to another user) is
 * split into segments: runs of consecutive dates over which its devices stay the same. Each row
 * goes to every segment of the key its device has on those dates, so a computation grouped by
 * (visitor_key, {@link #SEG_FROM}) that keeps only what falls on its segment's dates gives each date
 * what a run of that date alone would give. Keys whose devices do not change are one segment,
 * [from, to], and their rows are not copied: most runs copy none.
 */
public final class KeySegments {
  /** The first and last date a row's key and copy serve. */
  public static final String SEG_FROM = "seg_from";
  public static final String SEG_TO = "seg_to";

  private final Dataset<Row> epochs;
  private final Dataset<Row> segments;
  private final LocalDate from;
  private final LocalDate to;
  private final List<Dataset<Row>> cached;

  /** {@code epochs}: key_visitor, key_from, key_to, key_user, covering [from, to] per device listed. */
  public KeySegments(Dataset<Row> epochs, LocalDate from, LocalDate to) {
    this(epochs, segments(epochs, from, to), from, to, List.of());
  }

  private KeySegments(Dataset<Row> epochs, Dataset<Row> segments, LocalDate from, LocalDate to,
      List<Dataset<Row>> cached) {
    this.epochs = epochs;
    this.segments = segments;
    this.from = from;
    this.to = to;
    this.cached = cached;
  }

  /**
   * The keys that some device joins or leaves inside [from, to], each cut at every date where that
   * happens: seg_key, seg_from, seg_to, covering [from, to] per key.
   */
  static Dataset<Row> segments(Dataset<Row> epochs, LocalDate from, LocalDate to) {
    Column first = lit(java.sql.Date.valueOf(from));
    Column last = lit(java.sql.Date.valueOf(to));
    Dataset<Row> partial = epochs.filter(col("key_from").gt(first).or(col("key_to").lt(last)));
    Dataset<Row> starts = partial.select(col("key_user").as("seg_key"), col("key_from").as(SEG_FROM))
        .union(partial.filter(col("key_to").lt(last)).select(col("key_user"), date_add(col("key_to"), 1)))
        .union(partial.select(col("key_user"), first))
        .distinct();
    WindowSpec byKey = Window.partitionBy(col("seg_key")).orderBy(col(SEG_FROM));
    return starts.withColumn(SEG_TO, coalesce(date_sub(lead(col(SEG_FROM), 1).over(byKey), 1), last));
  }

  /**
   * Both small tables filled, each as a plan of one leaf, broadcast when its real size is below
   * {@code spark.sql.autoBroadcastJoinThreshold}. Every stitched read joins them: with their own
   * plans (link scans, windows, unions) repeated in each join, stage 2's plans grew so large that
   * analysing them took minutes. The leaves still read the cache, and recompute from the links if
   * it is lost. {@link #unpersist()} frees it.
   */
  public KeySegments persist() {
    Dataset<Row> epochsCached = epochs.persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> epochsLeaf = leaf(epochsCached);
    Dataset<Row> segmentsCached = segments(epochsLeaf, from, to).persist(StorageLevel.MEMORY_AND_DISK());
    return new KeySegments(forJoins(epochsCached, epochsLeaf), forJoins(segmentsCached, leaf(segmentsCached)),
        from, to, List.of(epochsCached, segmentsCached));
  }

  private static Dataset<Row> leaf(Dataset<Row> cached) {
    cached.count();
    return cached.sparkSession().createDataFrame(cached.javaRDD(), cached.schema());
  }

  /** {@code leaf}, hinted to be broadcast when the cached table is no bigger than the threshold. */
  private static Dataset<Row> forJoins(Dataset<Row> cached, Dataset<Row> leaf) {
    SparkSession spark = cached.sparkSession();
    BigInteger size = cached.queryExecution().optimizedPlan().stats().sizeInBytes().bigInteger();
    long threshold = spark.sessionState().conf().autoBroadcastJoinThreshold();
    return threshold >= 0 && size.compareTo(BigInteger.valueOf(threshold)) <= 0 ? broadcast(leaf) : leaf;
  }

  public void unpersist() {
    cached.forEach(Dataset::unpersist);
  }

  /**
   * {@code rows} (visitor_id, and visitor_key as stage 1 keyed the row's own date) with visitor_key
   * as of the dates each copy serves, [{@link #SEG_FROM}, {@link #SEG_TO}]. A device without an
   * epoch keeps its rows' key: its links all ended before the window, so that key holds for every date.
   */
  public Dataset<Row> apply(Dataset<Row> rows) {
    Dataset<Row> keyed = rows
        .join(epochs, rows.col(VISITOR_ID).equalTo(epochs.col("key_visitor")), "left")
        .withColumn(VISITOR_KEY, coalesce(col("key_user"), col(VISITOR_KEY)))
        .withColumn("key_from", coalesce(col("key_from"), lit(java.sql.Date.valueOf(from))))
        .withColumn("key_to", coalesce(col("key_to"), lit(java.sql.Date.valueOf(to))))
        .drop("key_visitor", "key_user");
    // A key's segments start at every edge of its devices' epochs, so a copy's dates hold whole segments.
    Column inEpoch = keyed.col(VISITOR_KEY).equalTo(segments.col("seg_key"))
        .and(segments.col(SEG_FROM).between(keyed.col("key_from"), keyed.col("key_to")));
    return keyed.join(segments, inEpoch, "left")
        .withColumn(SEG_FROM, coalesce(col(SEG_FROM), lit(java.sql.Date.valueOf(from))))
        .withColumn(SEG_TO, coalesce(col(SEG_TO), lit(java.sql.Date.valueOf(to))))
        .drop("seg_key", "key_from", "key_to");
  }
}
