package io.journeys.spark;

import io.journeys.config.JobSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the job's SparkSession from settings: Delta Lake enabled, UTC session time zone, s3a
 * settings, then the user's free-form {@code spark.conf} (which wins). The master is set only when
 * configured, so under spark-submit the cluster's master applies.
 */
public final class SparkSessionFactory {

  private SparkSessionFactory() {}

  public static SparkSession create(JobSettings settings) {
    SparkSession.Builder builder = SparkSession.builder().appName(settings.spark().appName());
    settings.spark().master().ifPresent(master -> {
      builder.master(master);
      if (master.startsWith("local")) {
        // A laptop run stays on loopback instead of binding the machine's outside interface.
        builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1");
      }
    });
    for (Map.Entry<String, String> e : baseConfBeside(key -> System.getProperty(key) != null).entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : settings.s3().hadoopConf().entrySet()) {
      builder.config("spark.hadoop." + e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : settings.spark().conf().entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    if (SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty()) {
      // Under spark-submit the master comes as a system property; a session that already runs
      // (tests, a second command in one JVM) reached its master long ago.
      settings.spark().master().or(() -> Optional.ofNullable(System.getProperty("spark.master")))
          .ifPresent(master -> StandaloneMasterReach.require(master, StandaloneMasterReach.CONNECT_TIMEOUT));
    }
    SparkSession spark;
    try {
      spark = builder.getOrCreate();
    } catch (Exception e) { // SparkException is checked, though Scala does not declare it
      // Settings config validation cannot know (a cluster manager's URL, a plugin's setting) fail
      // here; the operator's line says where to look, not only what Spark's innermost call said.
      throw new io.journeys.cli.JobFailure("Cannot start Spark (" + whereToLook(settings) + "): "
          + io.journeys.ErrorMessages.reason(e), e);
    }
    // Unless set (spark.conf here, or --conf of spark-submit), and on one machine only: a cluster's
    // executors register after the context starts (none yet under dynamic allocation), so its
    // parallelism read here was 2, and every state rebuild of the run took 2 tasks (a review).
    if (!spark.conf().contains(SNAPSHOT_PARTITIONS) && spark.sparkContext().isLocal()) {
      spark.conf().set(SNAPSHOT_PARTITIONS, snapshotPartitions(spark.sparkContext().defaultParallelism()));
    }
    return spark;
  }

  /**
   * Where the master came from, for a failure's line. With none at all (a cluster's config such as
   * conf/production.conf run by scripts/journeys) the line said "from spark-submit", which was not
   * involved (a black-box test): it says how to give one instead.
   */
  private static String whereToLook(JobSettings settings) {
    return settings.spark().master().map(m -> "'" + m + "'")
        .or(() -> Optional.ofNullable(settings.spark().conf().get("spark.master")).map(m -> "'" + m + "' in spark.conf"))
        .or(() -> Optional.ofNullable(System.getProperty("spark.master")).map(m -> "'" + m + "' from spark-submit"))
        .map(master -> "spark.master " + master + ", spark.conf")
        .orElse("no spark.master: give one with --set spark.master=local[*], in the config, or by spark-submit's --master");
  }

  /**
   * The session of a command that opens the catalog (run, sql, report), refused first when its
   * embedded metastore is another process's or cannot be created. Checked only before this process
   * has a session: its own catalog may already hold the metastore.
   */
  public static SparkSession createWithCatalog(JobSettings settings) {
    if (SparkSession.getDefaultSession().isEmpty()) {
      EmbeddedMetastore.requireUsable(settings.spark().conf());
    }
    return create(settings);
  }

  static final String SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";

  /**
   * Partitions for rebuilding a Delta table's state from its log: one per core the application
   * has, up to Delta's default of 50. A run makes about 40 such rebuilds of small logs (one or
   * more per table written), and at 50 tasks each on 2 cores they took 24 s of a 20 M-event run.
   */
  static int snapshotPartitions(int cores) {
    return Math.max(2, Math.min(50, cores));
  }

  /**
   * Columns whose values are (nearly) unique per row: ids and instants. Parquet's writer tries a
   * dictionary for every column of every file and only gives up once it outgrows its page;
   * profiling the 20 M-event run put 8% of all CPU in those attempts, so these are written plain.
   */
  static final List<String> UNIQUE_COLUMNS = List.of("event_id", "visitor_id", "visitor_key", "user_id", "session_id",
      "journey_id", "raw", "event_time", "session_start", "session_end", "journey_start", "journey_end", "first_seen",
      "last_seen");

  /**
   * {@link #baseConf} less the tuning that {@code given} already sets. The builder's settings win
   * over spark-submit's --conf (system properties by then): only what the job cannot run without
   * is forced, and its tuning yields to a value given there.
   */
  static Map<String, String> baseConfBeside(java.util.function.Predicate<String> given) {
    Map<String, String> conf = new LinkedHashMap<>(baseConf());
    conf.keySet().removeIf(key -> !REQUIRED.contains(key) && given.test(key));
    return conf;
  }

  /** The settings of {@link #baseConf} the job's semantics rest on: the rest is tuning. */
  static final java.util.Set<String> REQUIRED = java.util.Set.of("spark.sql.extensions",
      "spark.sql.catalog.spark_catalog", "spark.sql.session.timeZone", "spark.sql.sources.partitionOverwriteMode");

  /** Settings every session of ours needs, tests included. */
  public static Map<String, String> baseConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.put("spark.sql.session.timeZone", "UTC");
    conf.put("spark.ui.showConsoleProgress", "false");
    conf.put("spark.sql.sources.partitionOverwriteMode", "static");
    // The job caches each stage's rows once and reads them a few times: profiling at 20 M events
    // put 15-20% of all CPU in the cache's dictionary-encoding statistics. Spark spills what does
    // not fit (MEMORY_AND_DISK), so uncompressed batches cost disk, not failures.
    conf.put("spark.sql.inMemoryColumnarStorage.compressed", "false");
    // A run compiles about 460 distinct generated classes (one job over 7 days of events, any
    // size); Spark's cache of compiled code holds 100, so about 90 were compiled a second time
    // after being evicted: 553 compilations, 7.4 s of compiling, against 463 and 6.4 s.
    conf.put("spark.sql.codegen.cache.maxEntries", "1000");
    // A partitioned write sorts each task's rows by date before writing unless it may keep a file
    // open per date: the sort copied all of a task's rows into its buffers first (1.6 and 2.2 GB
    // of execution memory in the sessions and conversions writes at 20 M events, 7 days). Tasks
    // hold a few dates (the date rebalance) or few rows; past 16 open files a task sorts the rest.
    conf.put("spark.sql.maxConcurrentOutputFileWriters", "16");
    // Parquet's TIMESTAMP(NANOS) (what pandas and pyarrow write by default) is a type Spark cannot
    // read: any such column, even one no mapping names, failed the whole read. As epoch nanos in a
    // long it reads, and event_time takes nanos by magnitude.
    conf.put("spark.sql.legacy.parquet.nanosAsLong", "true");
    for (String column : UNIQUE_COLUMNS) {
      conf.put("spark.hadoop.parquet.enable.dictionary#" + column, "false");
    }
    // Local files without a chmod or readlink process per file created or renamed.
    conf.put("spark.hadoop.fs.file.impl", io.journeys.io.ShellFreeLocalFileSystem.class.getName());
    conf.put("spark.hadoop.fs.AbstractFileSystem.file.impl", io.journeys.io.ShellFreeLocalFs.class.getName());
    return conf;
  }
}
