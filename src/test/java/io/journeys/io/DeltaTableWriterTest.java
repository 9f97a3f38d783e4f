package io.journeys.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeys.TestSpark;
import io.journeys.cli.JobFailure;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaTableWriterTest {
  @TempDir Path dir;

  private final SparkSession spark = TestSpark.session();

  private Dataset<Row> quarantineRows(String... dateAndReason) {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < dateAndReason.length; i += 2) {
      values.append(i == 0 ? "" : ", ")
          .append("(DATE'").append(dateAndReason[i]).append("', '").append(dateAndReason[i + 1])
          .append("', 'r1', '{}')");
    }
    return spark.sql("SELECT * FROM VALUES " + values + " AS t(event_date, reason, run_id, raw)");
  }

  @Test
  void replacesOnlyTheGivenDatesAndKeepsComments() {
    DeltaTableWriter writer = new DeltaTableWriter(spark, new TableLocations(dir.toString(), "writer_test"));
    long first = writer.replaceDates(
        OutputTable.QUARANTINE,
        quarantineRows("2026-01-01", "a", "2026-01-02", "b", "2026-01-02", "c"),
        LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-02"));
    assertThat(first).isEqualTo(3);

    // Rerun of 01-02 only, with one row: 01-01 untouched, 01-02 replaced.
    writer.replaceDates(
        OutputTable.QUARANTINE, quarantineRows("2026-01-02", "d"),
        LocalDate.parse("2026-01-02"), LocalDate.parse("2026-01-02"));
    List<String> reasons =
        spark.table("writer_test.quarantine").orderBy("reason").select("reason").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(reasons).containsExactly("a", "d");

    List<Row> described = spark.sql("DESCRIBE TABLE writer_test.quarantine").collectAsList();
    assertThat(described).anySatisfy(r -> {
      assertThat(r.getString(0)).isEqualTo("reason");
      assertThat(r.getString(2)).isEqualTo("Why the row was rejected");
    });
    String tableComment = spark.sql("DESCRIBE TABLE EXTENDED writer_test.quarantine")
        .filter("col_name = 'Comment'").first().getString(1);
    assertThat(tableComment).startsWith("Input rows rejected by validation");
  }

  /**
   * A task holding more dates than the files it may keep open (spark.sql.maxConcurrentOutputFileWriters,
   * 16) sorts the rest of its rows by date, and no row is lost either way.
   */
  @Test
  void aTaskHoldingMoreDatesThanItKeepsFilesOpenForWritesEveryRowOnce() {
    assertThat(spark.conf().get("spark.sql.maxConcurrentOutputFileWriters")).isEqualTo("16");
    DeltaTableWriter writer = new DeltaTableWriter(spark, new TableLocations(dir.toString(), "writer_many_dates"));
    // 400 rows over 40 dates, interleaved (row i on day i % 40), all in one task.
    Dataset<Row> rows = spark.sql("SELECT date_add(DATE'2026-01-01', CAST(id % 40 AS INT)) AS event_date,"
        + " concat('r', id) AS reason, 'r1' AS run_id, '{}' AS raw FROM range(400)").coalesce(1);
    long written = writer.replaceDates(OutputTable.QUARANTINE, rows, LocalDate.parse("2026-01-01"), LocalDate.parse("2026-02-09"));

    assertThat(written).isEqualTo(400);
    Dataset<Row> table = spark.table("writer_many_dates.quarantine");
    assertThat(table.select("reason").distinct().count()).isEqualTo(400);
    List<Row> perDate = table.groupBy("event_date").count().collectAsList();
    assertThat(perDate).hasSize(40).allSatisfy(r -> assertThat(r.getLong(1)).isEqualTo(10));
  }

  @Test
  void idColumnsAreWrittenWithoutADictionaryAndRepeatedValuesWithOne() throws Exception {
    DeltaTableWriter writer = new DeltaTableWriter(spark, new TableLocations(dir.toString(), "writer_encoding"));
    Dataset<Row> rows = spark.sql("SELECT DATE'2026-01-01' AS event_date, concat('v', id % 7) AS visitor_key,"
        + " concat('v', id % 7) AS visitor_id, 's' AS session_id, uuid() AS event_id, TIMESTAMP'2026-01-01 10:00:00' AS event_time,"
        + " 'micro' AS kind, 'add_to_cart' AS conversion, 'Direct' AS channel, CAST(NULL AS DOUBLE) AS value FROM range(500)");
    writer.replaceDates(OutputTable.CONVERSIONS, rows.coalesce(1), LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-01"));

    Path file;
    try (var files = java.nio.file.Files.walk(dir.resolve("conversions"))) {
      file = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    java.util.Map<String, java.util.Set<org.apache.parquet.column.Encoding>> encodings = new java.util.HashMap<>();
    try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(file.toUri()), spark.sparkContext().hadoopConfiguration()))) {
      for (var column : reader.getFooter().getBlocks().get(0).getColumns()) {
        encodings.put(column.getPath().toDotString(), column.getEncodings());
      }
    }
    java.util.function.Predicate<java.util.Set<org.apache.parquet.column.Encoding>> dictionary =
        e -> e.stream().anyMatch(org.apache.parquet.column.Encoding::usesDictionary);
    assertThat(encodings.get("event_id")).noneMatch(org.apache.parquet.column.Encoding::usesDictionary);
    assertThat(encodings.get("visitor_id")).noneMatch(org.apache.parquet.column.Encoding::usesDictionary);
    assertThat(encodings.get("event_time")).noneMatch(org.apache.parquet.column.Encoding::usesDictionary);
    assertThat(dictionary.test(encodings.get("conversion"))).isTrue();
    assertThat(dictionary.test(encodings.get("channel"))).isTrue();
  }

  @Test
  void aBigTablesDateIsWrittenAsOneFileWhateverTheTasksThatHoldItsRows() {
    DeltaTableWriter writer = new DeltaTableWriter(spark, new TableLocations(dir.toString(), "writer_files"));
    // Four tasks, each holding rows of both dates, as stage 1's pass by visitor leaves them.
    Dataset<Row> rows = spark.sql("SELECT IF(id % 2 = 0, DATE'2026-01-01', DATE'2026-01-02') AS event_date,"
        + " concat('v', id) AS visitor_key, concat('v', id) AS visitor_id, 's' AS session_id, uuid() AS event_id,"
        + " TIMESTAMP'2026-01-01 10:00:00' AS event_time, 'micro' AS kind, 'add_to_cart' AS conversion,"
        + " 'Direct' AS channel, CAST(NULL AS DOUBLE) AS value FROM range(0, 400, 1, 4)");
    LocalDate first = LocalDate.parse("2026-01-01");
    LocalDate last = LocalDate.parse("2026-01-02");
    // Spark ignores a rebalance without adaptive execution, which the job runs with and the shared
    // test session turns off.
    spark.conf().set("spark.sql.adaptive.enabled", "true");
    try {
      assertThat(writer.replaceDates(OutputTable.CONVERSIONS, rows, first, last)).isEqualTo(400);
    } finally {
      spark.conf().set("spark.sql.adaptive.enabled", "false");
    }
    Dataset<Row> quarantine = spark.sql("SELECT IF(id % 2 = 0, DATE'2026-01-01', DATE'2026-01-02') AS event_date,"
        + " 'r' AS reason, 'run' AS run_id, '{}' AS raw FROM range(0, 400, 1, 4)");
    writer.replaceDates(OutputTable.QUARANTINE, quarantine, first, last);

    Dataset<Row> conversions = spark.read().format("delta").load(dir.resolve("conversions").toString());
    assertThat(conversions.filter("event_date = DATE'2026-01-01'").inputFiles()).hasSize(1);
    assertThat(conversions.filter("event_date = DATE'2026-01-02'").inputFiles()).hasSize(1);
    assertThat(conversions.count()).isEqualTo(400);
    assertThat(spark.read().format("delta").load(dir.resolve("quarantine").toString())
            .filter("event_date = DATE'2026-01-01'").inputFiles())
        .as("a small table is written as its tasks hold it").hasSize(4);
  }

  @Test
  void theBigTablesKeepFileStatisticsOnTheirTimesOnly() throws Exception {
    DeltaTableWriter writer = new DeltaTableWriter(spark, new TableLocations(dir.toString(), "writer_stats"));
    Dataset<Row> rows = spark.sql("SELECT DATE'2026-01-01' AS session_date, 'u1' AS visitor_key, 'v1' AS visitor_id,"
        + " 's1' AS session_id, TIMESTAMP'2026-01-01 10:00:00' AS session_start, TIMESTAMP'2026-01-01 10:05:00' AS session_end,"
        + " 'Direct' AS channel, 'https://s.com/' AS landing_page, 'https://r.com/' AS referrer_url, 'src' AS utm_source,"
        + " 'cpc' AS utm_medium, 'spring' AS utm_campaign, 3L AS events, 2L AS page_views");
    // The shared test session collects no statistics (speed); the job's sessions do.
    spark.conf().set("spark.databricks.delta.stats.collect", "true");
    try {
      writer.replaceDates(OutputTable.SESSIONS, rows, LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-01"));
    } finally {
      spark.conf().set("spark.databricks.delta.stats.collect", "false");
    }

    // The add action of the written file, as Delta logged it: its stats hold min values per column.
    Dataset<Row> log = spark.read().json(dir.resolve("sessions").resolve("_delta_log").toString() + "/*.json")
        .filter("add IS NOT NULL").select("add.stats");
    Row stats = spark.read().json(log.as(org.apache.spark.sql.Encoders.STRING())).select("minValues.*").first();
    assertThat(stats.schema().fieldNames()).containsExactlyInAnyOrder("session_start", "session_end");
    assertThat(stats.getAs("session_start").toString()).startsWith("2026-01-01T10:00:00");
  }

  /** Hadoop reads "%20" in a path string as three characters: the tables went to "my%20entrep%C3%B4t". */
  @Test
  void anOutputPathWithASpaceOrAnAccentHoldsTheTablesUnderThatVeryName() throws Exception {
    Path named = dir.resolve("my entrepôt");
    TableLocations locations = new TableLocations(named.toString(), "writer_spaced");
    LocalDate day = LocalDate.parse("2026-01-01");
    new DeltaTableWriter(spark, locations).replaceDates(OutputTable.QUARANTINE, quarantineRows("2026-01-01", "first"), day, day);
    new DeltaTableWriter(spark, locations).replaceDates(OutputTable.QUARANTINE, quarantineRows("2026-01-01", "second"), day, day);

    assertThat(named.resolve("quarantine").resolve("_delta_log")).isDirectory();
    try (var entries = java.nio.file.Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString())).doesNotContain("my%20entrep%C3%B4t");
    }
    assertThat(spark.table("writer_spaced.quarantine").select("reason").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).containsExactly("second");
    java.net.URI registered = spark.sessionState().catalog()
        .getTableMetadata(new org.apache.spark.sql.catalyst.TableIdentifier("quarantine", scala.Option.apply("writer_spaced")))
        .location();
    assertThat(registered.getPath()).isEqualTo(named.resolve("quarantine").toString());
    assertThat(DeltaTableWriter.sameLocation(registered.toString(), locations.path(OutputTable.QUARANTINE)))
        .as("the next run keeps the entry").isTrue();
  }

  @Test
  void aNewOutputPathWithTheSameDatabaseReRegistersTheTable() {
    new DeltaTableWriter(spark, new TableLocations(dir.resolve("one").toString(), "writer_move"))
        .replaceDates(OutputTable.QUARANTINE, quarantineRows("2026-01-01", "first"),
            LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-01"));
    new DeltaTableWriter(spark, new TableLocations(dir.resolve("two").toString(), "writer_move"))
        .replaceDates(OutputTable.QUARANTINE, quarantineRows("2026-01-01", "second"),
            LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-01"));
    assertThat(spark.table("writer_move.quarantine").select("reason").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).containsExactly("second");
    assertThat(spark.read().format("delta").load(dir.resolve("one/quarantine").toString()).count())
        .as("the first table's data is untouched").isEqualTo(1);
  }

  @Test
  void aQueryUnderAnOutputPathWithoutTheTableCannotReadTheOneItsOldEntryNames() {
    new DeltaTableWriter(spark, new TableLocations(dir.resolve("one").toString(), "writer_stale"))
        .replaceDates(OutputTable.QUARANTINE, quarantineRows("2026-01-01", "first"),
            LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-01"));
    assertThat(spark.catalog().tableExists("writer_stale.quarantine")).isTrue();

    // `sql` with output.path pointing at a directory holding no tables, the database unchanged.
    new DeltaTableWriter(spark, new TableLocations(dir.resolve("two").toString(), "writer_stale")).registerExisting();

    assertThat(spark.catalog().tableExists("writer_stale.quarantine")).isFalse();
    assertThat(spark.read().format("delta").load(dir.resolve("one/quarantine").toString()).count())
        .as("the first table's data is untouched").isEqualTo(1);
    // A database never created has no entries to drop.
    new DeltaTableWriter(spark, new TableLocations(dir.resolve("three").toString(), "writer_never")).registerExisting();
  }

  @Test
  void aTableWhoseFilesWereDeletedIsCreatedAgainUnderItsRegisteredName() throws Exception {
    TableLocations locations = new TableLocations(dir.resolve("gone").toString(), "writer_gone");
    new DeltaTableWriter(spark, locations).replaceDates(OutputTable.QUARANTINE, quarantineRows("2026-01-01", "before"),
        LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-01"));
    // What `rm -rf data/warehouse` does under a metastore that outlives the files.
    try (var files = java.nio.file.Files.walk(dir.resolve("gone"))) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    new DeltaTableWriter(spark, locations).replaceDates(OutputTable.QUARANTINE, quarantineRows("2026-01-01", "after"),
        LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-01"));
    assertThat(spark.table("writer_gone.quarantine").select("reason").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).containsExactly("after");
  }

  @Test
  void missingColumnFailsBeforeWriting() {
    Dataset<Row> rows = spark.sql("SELECT DATE'2026-01-01' AS event_date, 'x' AS reason");
    assertThatThrownBy(() -> DeltaTableWriter.conform(OutputTable.QUARANTINE, rows))
        .hasMessageContaining("Cannot write table quarantine: column run_id is missing");
  }

  @Test
  void rowsOutsideTheReplacedRangeAreRefused() {
    DeltaTableWriter writer = new DeltaTableWriter(spark, new TableLocations(dir.toString(), "writer_test2"));
    assertThatThrownBy(() -> writer.replaceDates(
            OutputTable.QUARANTINE, quarantineRows("2026-03-05", "late"),
            LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-01")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot write table writer_test2.quarantine (2026-03-01): ")
        .hasMessageContaining("DELTA_REPLACE_WHERE_MISMATCH");
    // Refused by Delta's check of the replaced dates, not by anything before it: the table is there, empty.
    assertThat(spark.table("writer_test2.quarantine").count()).isZero();
  }

  @Test
  void aTableWrittenByAnEarlierVersionIsRegisteredAndGetsThisVersionsStatisticsColumns() {
    // An earlier version kept statistics on the ids too; a new process (empty catalog) must register
    // the table as it is (Delta refuses a DDL whose properties differ), and a writer narrows them.
    String path = dir.resolve("sessions").toString();
    Dataset<Row> row = spark.sql("SELECT DATE'2026-01-01' AS session_date, 'v1' AS visitor_key, 'v1' AS visitor_id,"
        + " 's1' AS session_id, TIMESTAMP'2026-01-01 10:00:00' AS session_start, TIMESTAMP'2026-01-01 10:05:00' AS session_end,"
        + " 'Direct' AS channel, NULL AS landing_page, NULL AS referrer_url, NULL AS utm_source, NULL AS utm_medium,"
        + " NULL AS utm_campaign, 1L AS events, 1L AS page_views");
    DeltaTableWriter.conform(OutputTable.SESSIONS, row).write().format("delta").partitionBy("session_date").save(path);
    spark.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES"
        + " ('delta.dataSkippingStatsColumns' = 'visitor_key,session_id,session_start')");

    DeltaTableWriter writer = new DeltaTableWriter(spark, new TableLocations(dir.toString(), "writer_upgrade"));
    // A query registers the table as it is and commits nothing; the next write brings it up to date.
    writer.registerExisting();
    assertThat(spark.sql("SHOW TBLPROPERTIES writer_upgrade.sessions ('delta.dataSkippingStatsColumns')")
        .first().getString(1)).isEqualTo("visitor_key,session_id,session_start");
    writer.ensureTable(OutputTable.SESSIONS);

    assertThat(spark.sql("SHOW TBLPROPERTIES writer_upgrade.sessions ('delta.dataSkippingStatsColumns')")
        .first().getString(1)).isEqualTo("session_start,session_end");
    assertThat(spark.table("writer_upgrade.sessions").select("visitor_key").first().getString(0)).isEqualTo("v1");

    // Up to date now: another writer (a later run) reads the columns and commits nothing.
    long version = latestVersion(path);
    new DeltaTableWriter(spark, new TableLocations(dir.toString(), "writer_upgrade")).ensureTable(OutputTable.SESSIONS);
    assertThat(latestVersion(path)).isEqualTo(version);
  }

  @Test
  void aTableWhoseCommentsAnEarlierVersionWordedOtherwiseIsRegisteredWrittenAndReworded() {
    // A later version may reword a table's or a column's comment. Delta refuses to register a location whose
    // table differs from the DDL in any way, so a new catalog must take the table as it is.
    String path = dir.resolve("quarantine").toString();
    DeltaTableWriter.conform(OutputTable.QUARANTINE, quarantineRows("2026-01-01", "earlier"))
        .write().format("delta").partitionBy("event_date").save(path);
    spark.sql("ALTER TABLE delta.`" + path + "` ALTER COLUMN reason COMMENT 'Reason, as an earlier version put it'");
    spark.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES ('comment' = 'Rejected rows, as an earlier version put it')");

    DeltaTableWriter writer = new DeltaTableWriter(spark, new TableLocations(dir.toString(), "writer_reworded"));
    writer.replaceDates(OutputTable.QUARANTINE, quarantineRows("2026-01-02", "later"),
        LocalDate.parse("2026-01-02"), LocalDate.parse("2026-01-02"));

    assertThat(spark.table("writer_reworded.quarantine").select("reason").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).containsExactlyInAnyOrder("earlier", "later");
    // The write brought the comments to this version's wording; a later writer commits nothing.
    assertThat(spark.sql("DESCRIBE TABLE writer_reworded.quarantine").filter("col_name = 'reason'").first().getString(2))
        .isEqualTo("Why the row was rejected");
    assertThat(spark.sql("DESCRIBE TABLE EXTENDED writer_reworded.quarantine").filter("col_name = 'Comment'").first()
        .getString(1)).isEqualTo("Input rows rejected by validation, with the reason and the raw row as JSON.");
    long version = latestVersion(path);
    new DeltaTableWriter(spark, new TableLocations(dir.toString(), "writer_reworded")).ensureTable(OutputTable.QUARANTINE);
    assertThat(latestVersion(path)).isEqualTo(version);
  }

  @Test
  void aWriterCreatesItsDatabaseOnceWhateverTheTablesItWrites() throws Exception {
    List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
    org.apache.spark.sql.util.QueryExecutionListener listener = new org.apache.spark.sql.util.QueryExecutionListener() {
      @Override
      public void onSuccess(String funcName, org.apache.spark.sql.execution.QueryExecution qe, long durationNs) {
        commands.add(qe.logical().nodeName());
      }

      @Override
      public void onFailure(String funcName, org.apache.spark.sql.execution.QueryExecution qe, Exception exception) {}
    };
    spark.listenerManager().register(listener);
    try {
      DeltaTableWriter writer = new DeltaTableWriter(spark, new TableLocations(dir.toString(), "writer_once"));
      writer.replaceDates(OutputTable.QUARANTINE, quarantineRows("2026-01-01", "a"),
          LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-01"));
      writer.ensureTable(OutputTable.IDENTITIES);
      writer.replaceDates(OutputTable.QUARANTINE, quarantineRows("2026-01-02", "b"),
          LocalDate.parse("2026-01-02"), LocalDate.parse("2026-01-02"));
      writer.registerExisting();
      // The listeners hear of each query on Spark's listener bus, after it finished.
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.listenerManager().unregister(listener);
    }
    assertThat(commands).filteredOn(name -> name.equals("CreateNamespace")).hasSize(1);
    assertThat(commands).filteredOn(name -> name.startsWith("CreateTable")).hasSize(2);
    assertThat(spark.catalog().tableExists("writer_once.quarantine")).isTrue();
    assertThat(spark.catalog().tableExists("writer_once.identities")).isTrue();
  }

  private long latestVersion(String path) {
    return io.delta.tables.DeltaTable.forPath(spark, path).history(1).select("version").first().getLong(0);
  }
}
