package io.journeys.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.journeys.ErrorMessages;
import io.journeys.cli.JobFailure;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the output tables. A write for a date range replaces exactly those date partitions with
 * Delta's {@code replaceWhere} (one atomic commit), so a rerun gives the same rows and a crash
 * leaves the previous version readable. Each table is created on first use with its schema, column
 * comments and table comment, and registered in the catalog as {@code <database>.<table>}.
 */
public final class DeltaTableWriter {
  /** Delta's session setting for the metadata of the commits made without a write option. */
  private static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

  private final SparkSession spark;
  private final TableLocations locations;
  private final Set<OutputTable> synced;
  private final AtomicBoolean databaseCreated;
  private final Optional<String> commitMetadata;

  public DeltaTableWriter(SparkSession spark, TableLocations locations) {
    this(spark, locations, ConcurrentHashMap.newKeySet(), new AtomicBoolean(), Optional.empty());
  }

  private DeltaTableWriter(SparkSession spark, TableLocations locations, Set<OutputTable> synced,
      AtomicBoolean databaseCreated, Optional<String> commitMetadata) {
    this.spark = spark;
    this.locations = locations;
    this.synced = synced;
    this.databaseCreated = databaseCreated;
    this.commitMetadata = commitMetadata;
  }

  /**
   * This writer, its replacing commits carrying {@code metadata} as Delta's {@code userMetadata}
   * (a run's record of itself, shown by {@code DESCRIBE HISTORY}). What it knows of the tables
   * already made is shared with this one.
   */
  public DeltaTableWriter withCommitMetadata(String metadata) {
    return new DeltaTableWriter(spark, locations, synced, databaseCreated, Optional.of(metadata));
  }

  public TableLocations locations() {
    return locations;
  }

  /**
   * Updates the rows of {@code table} that {@code condition} matches to {@code changes} (aliased
   * {@code t} and {@code s}) by Delta's MERGE, in one commit. MERGE takes no write option, so the
   * commit's metadata goes through the session's setting for it, set for this commit and restored
   * after: it is session-wide, and no other commit of the run is made meanwhile.
   */
  public void updateMatched(OutputTable table, Dataset<Row> changes, String condition, Map<String, String> set) {
    Runnable merge = () -> DeltaTable.forPath(spark, locations.path(table)).as("t").merge(changes.as("s"), condition)
        .whenMatched().updateExpr(set).execute();
    if (commitMetadata.isEmpty()) {
      merge.run();
      return;
    }
    scala.Option<String> before = spark.conf().getOption(USER_METADATA);
    spark.conf().set(USER_METADATA, commitMetadata.get());
    try {
      merge.run();
    } finally {
      if (before.isDefined()) {
        spark.conf().set(USER_METADATA, before.get());
      } else {
        spark.conf().unset(USER_METADATA);
      }
    }
  }

  /**
   * Replaces the partitions {@code from..to} (inclusive) of {@code table} with {@code rows}.
   *
   * @return rows written, counted by an observation during the write (no second pass over the data)
   */
  public long replaceDates(OutputTable table, Dataset<Row> rows, LocalDate from, LocalDate to) {
    return replaceWhere(table, rows, dateRange(table.partitionColumn(), from, to), from, to);
  }

  /**
   * SQL for {@code date} (a DATE expression) in [{@code from}, {@code to}], as replaceWhere takes
   * it: no BETWEEN, which Spark 4 rewrites to an expression Delta's replaceWhere fails to resolve.
   */
  public static String dateRange(String date, LocalDate from, LocalDate to) {
    return date + " >= DATE'" + from + "' AND " + date + " <= DATE'" + to + "'";
  }

  /**
   * Replaces the rows of {@code table} that match {@code predicate} (SQL over its columns), those
   * of the dates {@code from..to} by some rule of the table's, with {@code rows}, which must all
   * match it; as {@link #replaceDates}, in one commit.
   */
  public long replaceWhere(OutputTable table, Dataset<Row> rows, String predicate, LocalDate from, LocalDate to) {
    Observation written = new Observation(table.tableName() + "_rows_written");
    Dataset<Row> conformed = conform(table, rows);
    if (table.rebalancedByDate()) {
      conformed = conformed.hint("rebalance", col(table.partitionColumn()));
    }
    try {
      ensureTable(table);
      DataFrameWriter<Row> write = conformed
          .observe(written, count(lit(1)).as("rows"))
          .write()
          .format("delta")
          .mode(SaveMode.Overwrite)
          .option("replaceWhere", predicate);
      commitMetadata.ifPresent(m -> write.option("userMetadata", m));
      write.save(locations.path(table));
    } catch (JobFailure e) {
      throw e;
    } catch (Exception e) { // Hadoop's IOExceptions too, thrown through Scala undeclared
      // The operator's one line says which table and dates the run was writing, not only what the
      // storage or a query said ("getFileStatus on s3a://.../_delta_log/...json: ..."). The cause
      // is kept: a run that failed on a value still finds the expression behind it.
      throw new JobFailure("Cannot write table " + locations.qualifiedName(table) + " (" + from
          + (from.equals(to) ? "" : " to " + to) + "): " + ErrorMessages.reason(e), e);
    }
    return observedCount(written);
  }

  /** The count an {@link Observation} saw; the action that fills it has already finished. */
  public static long observedCount(Observation observation) {
    try {
      return ((Number) observation.get().get("rows").get()).longValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading a row count", e);
    }
  }

  /**
   * Creates the database and the table (schema, comments, partitioning) if they do not exist. A
   * catalog entry pointing elsewhere (output.path changed, same database), or at a location whose
   * table was deleted (a persistent metastore outlives the files), is dropped first. Only the entry
   * goes, through the session catalog and without loading the table: never any data. A table
   * written by an earlier version keeps its data and gets this version's statistics columns.
   */
  public void ensureTable(OutputTable table) {
    ensureTable(table, true);
  }

  /** @param forWriting bring an existing table's properties to this version's (a commit) */
  private void ensureTable(OutputTable table, boolean forWriting) {
    ensureDatabase();
    org.apache.spark.sql.catalyst.catalog.SessionCatalog catalog = spark.sessionState().catalog();
    org.apache.spark.sql.catalyst.TableIdentifier id = catalogId(table);
    if (catalog.tableExists(id)) {
      String registered;
      try {
        registered = catalog.getTableMetadata(id).location().toString();
      } catch (Exception e) { // Scala's checked NoSuchTable/NoSuchNamespace: it was just seen to exist
        throw new IllegalStateException("Cannot read the catalog entry of " + locations.qualifiedName(table), e);
      }
      if (sameLocation(registered, locations.path(table)) && DeltaPaths.isDeltaTable(spark, locations.path(table))) {
        if (forWriting) {
          syncToThisVersion(table);
        }
        return;
      }
      catalog.dropTable(id, true, false);
    }
    // Delta refuses to register a location whose table differs from the DDL in any way, a column's
    // comment included: an existing table is registered as it is (schema, comments and partitioning
    // from its own log), then brought to this version's properties.
    if (DeltaPaths.isDeltaTable(spark, locations.path(table))) {
      spark.sql("CREATE TABLE IF NOT EXISTS " + locations.qualifiedName(table) + " USING DELTA LOCATION "
          + quote(locations.path(table)));
      if (forWriting) {
        syncToThisVersion(table);
      }
      return;
    }
    StringBuilder ddl = new StringBuilder();
    ddl.append("CREATE TABLE IF NOT EXISTS ").append(locations.qualifiedName(table)).append(" (");
    List<String> columns = new ArrayList<>();
    for (StructField field : table.schema().fields()) {
      String comment = field.getComment().isDefined() ? " COMMENT " + quote(field.getComment().get()) : "";
      columns.add("`" + field.name() + "` " + field.dataType().sql() + comment);
    }
    ddl.append(String.join(", ", columns)).append(") USING DELTA");
    ddl.append(" PARTITIONED BY (").append(table.partitionColumn()).append(")");
    ddl.append(" LOCATION ").append(quote(locations.path(table)));
    ddl.append(" COMMENT ").append(quote(table.comment()));
    if (!table.statsColumns().isEmpty()) {
      ddl.append(" TBLPROPERTIES (").append(quote(STATS_COLUMNS)).append(" = ")
          .append(quote(String.join(",", table.statsColumns()))).append(")");
    }
    spark.sql(ddl.toString());
  }

  private static final String STATS_COLUMNS = "delta.dataSkippingStatsColumns";

  /**
   * Creates the database once per writer (and the copies it makes), not once per table: a run writes twelve tables, and
   * against a remote metastore each {@code CREATE DATABASE IF NOT EXISTS} is a round trip.
   */
  private void ensureDatabase() {
    if (!databaseCreated.get()) {
      spark.sql("CREATE DATABASE IF NOT EXISTS " + locations.database());
      databaseCreated.set(true);
    }
  }

  /**
   * Brings a table an earlier version wrote to this version's statistics columns, table comment and
   * column comments, by metadata-only commits where they differ; checked once per table and writer.
   * All three come from one load of the table's log metadata (its snapshot, which the write reads
   * anyway): {@code DESCRIBE DETAIL} would also count the table's files, a rebuild of its state.
   */
  private void syncToThisVersion(OutputTable table) {
    if (!synced.add(table)) {
      return;
    }
    org.apache.spark.sql.connector.catalog.Table current = loadTable(table);
    java.util.Map<String, String> properties = current.properties();
    java.util.Map<String, String> changed = new java.util.LinkedHashMap<>();
    if (!table.statsColumns().isEmpty()) {
      String wanted = String.join(",", table.statsColumns());
      if (!wanted.equals(properties.get(STATS_COLUMNS))) {
        changed.put(STATS_COLUMNS, wanted);
      }
    }
    // Delta keeps the table comment as its description, set through the reserved 'comment' property.
    if (!table.comment().equals(properties.get(TableCatalog.PROP_COMMENT))) {
      changed.put(TableCatalog.PROP_COMMENT, table.comment());
    }
    if (!changed.isEmpty()) {
      List<String> assignments = new ArrayList<>();
      changed.forEach((key, value) -> assignments.add(quote(key) + " = " + quote(value)));
      spark.sql("ALTER TABLE " + locations.qualifiedName(table) + " SET TBLPROPERTIES ("
          + String.join(", ", assignments) + ")");
    }
    syncComments(table, current.schema());
  }

  private org.apache.spark.sql.connector.catalog.Table loadTable(OutputTable table) {
    TableCatalog catalog = (TableCatalog) spark.sessionState().catalogManager().v2SessionCatalog();
    try {
      return catalog.loadTable(Identifier.of(new String[] {locations.database()}, table.tableName()));
    } catch (Exception e) { // Scala's checked NoSuchTable: the table was just registered
      throw new IllegalStateException("Cannot load table " + locations.qualifiedName(table), e);
    }
  }

  /** Rewords the columns whose comment differs from this version's, so that analysts read the current meaning. */
  private void syncComments(OutputTable table, StructType current) {
    List<String> names = List.of(current.fieldNames());
    for (StructField wanted : table.schema().fields()) {
      if (wanted.getComment().isEmpty() || !names.contains(wanted.name())) {
        continue;
      }
      scala.Option<String> comment = current.apply(wanted.name()).getComment();
      if (comment.isEmpty() || !comment.get().equals(wanted.getComment().get())) {
        spark.sql("ALTER TABLE " + locations.qualifiedName(table) + " ALTER COLUMN `" + wanted.name() + "` COMMENT "
            + quote(wanted.getComment().get()));
      }
    }
  }

  /**
   * Registers every output table that exists on storage (a fresh process, a new catalog), as it
   * is: a query commits nothing to the tables. The entry of a table that does not exist there is
   * dropped, so a query on it fails instead of reading another output.path's table.
   *
   * @return how many of the tables exist
   */
  public int registerExisting() {
    int found = 0;
    for (OutputTable table : OutputTable.values()) {
      boolean exists;
      try {
        exists = DeltaPaths.isDeltaTable(spark, locations.path(table));
      } catch (Exception e) { // Hadoop's IOException comes through Scala undeclared; name the setting too
        throw new JobFailure("Cannot open the tables under output.path " + locations.root() + ": " + ErrorMessages.reason(e), e);
      }
      if (exists) {
        ensureTable(table, false);
        found++;
      } else {
        dropEntry(table);
      }
    }
    return found;
  }

  /**
   * A table missing under output.path must not answer from the location its catalog entry still
   * names: an earlier output.path with the same database would give plausible, wrong rows. Only the
   * entry goes, as in {@link #ensureTable}: never any data.
   */
  private org.apache.spark.sql.catalyst.TableIdentifier catalogId(OutputTable table) {
    return new org.apache.spark.sql.catalyst.TableIdentifier(
        table.tableName(), scala.Option.apply(locations.database()), scala.Option.empty());
  }

  private void dropEntry(OutputTable table) {
    org.apache.spark.sql.catalyst.catalog.SessionCatalog catalog = spark.sessionState().catalog();
    org.apache.spark.sql.catalyst.TableIdentifier id = catalogId(table);
    if (catalog.tableExists(id)) {
      catalog.dropTable(id, true, false);
    }
  }

  /**
   * Selects the table's columns in schema order, cast to the schema's types, with their comments.
   * Fails naming the table and column when the Dataset lacks one.
   */
  public static Dataset<Row> conform(OutputTable table, Dataset<Row> rows) {
    List<String> present = List.of(rows.columns());
    List<Column> columns = new ArrayList<>();
    for (StructField field : table.schema().fields()) {
      if (!present.contains(field.name())) {
        throw new IllegalStateException(
            "Cannot write table " + table.tableName() + ": column " + field.name() + " is missing from " + present);
      }
      Metadata metadata =
          field.getComment().isDefined()
              ? new MetadataBuilder().putString("comment", field.getComment().get()).build()
              : Metadata.empty();
      columns.add(col(field.name()).cast(field.dataType()).as(field.name(), metadata));
    }
    return rows.select(columns.toArray(Column[]::new));
  }

  /**
   * @param registered the catalog's location, a URI (a space in it is "%20")
   * @param path a Hadoop path string, as {@link TableLocations} gives them (a space is a space)
   */
  static boolean sameLocation(String registered, String path) {
    return normalised(new org.apache.hadoop.fs.Path(java.net.URI.create(registered)))
        .equals(normalised(new org.apache.hadoop.fs.Path(path)));
  }

  private static String normalised(org.apache.hadoop.fs.Path location) {
    return location.toString().replaceFirst("^file:/+", "/").replaceAll("/+$", "");
  }

  private static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
