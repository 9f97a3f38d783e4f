package io.journeys.tools;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.journeys.io.OutputTable;
import io.journeys.spark.SparkSessionFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalog.Column;
import org.apache.spark.sql.catalog.Table;
import org.apache.spark.sql.functions;

/**
 * A plain Spark process, not the job, pointed at the job's Hive metastore: it lists a database's
 * tables by name, reads their comments and queries them, as a BI engine sharing the metastore
 * would. It registers nothing, so what it finds was persisted by the process that wrote it.
 * Given two warehouses as well, it then tells whether their tables hold the same rows: in this
 * process, already warm from the queries, that took half the time it took in a fresh one.
 *
 * <p>Usage: {@code CatalogProbe METASTORE_DIR DATABASE [EXPECTED_WAREHOUSE ACTUAL_WAREHOUSE [QUERY]]}.
 * Prints, per table or view, {@code table <name> <type> rows=<n> comment=<text>} and, per column,
 * {@code column <table>.<column> comment=<text>}; per output table compared, {@code same <table>}
 * or up to five {@code differs <table> <row> in_expected=<n> in_actual=<n>}; then each row of
 * QUERY, run on DATABASE, as comma-separated values.
 */
public final class CatalogProbe {
  private CatalogProbe() {}

  public static void main(String[] args) throws Exception {
    String metastore = args[0];
    String database = args[1];
    SparkSession.Builder builder = SparkSession.builder().appName("catalog-probe").master("local[1]")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        // One core: Delta's default of 50 tasks to rebuild each table's state from its log took
        // 20 s of the probe's 59.
        .config("spark.databricks.delta.snapshotPartitions", "1").config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.catalogImplementation", "hive")
        .config("spark.hadoop.javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=" + metastore + ";create=false")
        // Beside the metastore, not a new <uuid>_resources in /tmp that Hive leaves there.
        .config("spark.hadoop.hive.downloaded.resources.dir",
            Path.of(metastore).toAbsolutePath().resolveSibling("hive-resources").toString());
    for (Map.Entry<String, String> e : SparkSessionFactory.baseConf().entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    SparkSession spark = builder.getOrCreate();
    try {
      List<Table> tables = spark.catalog().listTables(database).collectAsList();
      for (Table table : tables) {
        String name = database + "." + table.name();
        long rows = spark.sql("SELECT count(*) FROM " + name).first().getLong(0);
        System.out.printf("table %s %s rows=%d comment=%s%n", table.name(), table.tableType(), rows, table.description());
        for (Column column : spark.catalog().listColumns(name).collectAsList()) {
          System.out.printf("column %s.%s comment=%s%n", table.name(), column.name(), column.description());
        }
      }
      if (args.length >= 4) {
        compare(spark, Path.of(args[2]), Path.of(args[3]));
      }
      if (args.length == 5) {
        // Plain table names, as an analyst's session on this database would write them.
        spark.catalog().setCurrentDatabase(database);
        for (Row row : spark.sql(args[4]).collectAsList()) {
          System.out.println(row.mkString(","));
        }
      }
    } finally {
      spark.stop();
    }
  }

  /**
   * Every output table but run_metrics (whose timings and run ids differ by nature), without the
   * run id that quarantine rows carry, compared as multisets in one query per table: each
   * distinct row's count in one warehouse less its count in the other must be zero.
   */
  private static void compare(SparkSession spark, Path expected, Path actual) {
    for (OutputTable table : OutputTable.values()) {
      if (table == OutputTable.RUN_METRICS) {
        continue;
      }
      Dataset<Row> a = spark.read().format("delta").load(expected.resolve(table.tableName()).toString()).drop("run_id");
      Dataset<Row> b = spark.read().format("delta").load(actual.resolve(table.tableName()).toString()).drop("run_id");
      org.apache.spark.sql.Column[] columns =
          Arrays.stream(a.columns()).map(functions::col).toArray(org.apache.spark.sql.Column[]::new);
      List<Row> differing = a.withColumn("in_expected", lit(1)).withColumn("in_actual", lit(0))
          .unionByName(b.withColumn("in_expected", lit(0)).withColumn("in_actual", lit(1)))
          .groupBy(columns).agg(sum("in_expected").as("in_expected"), sum("in_actual").as("in_actual"))
          .where(col("in_expected").notEqual(col("in_actual"))).limit(5).collectAsList();
      if (differing.isEmpty()) {
        System.out.printf("same %s%n", table.tableName());
      }
      for (Row row : differing) {
        int n = row.length();
        System.out.printf("differs %s %s in_expected=%d in_actual=%d%n", table.tableName(),
            row.toSeq().take(n - 2).mkString("[", ",", "]"), row.getLong(n - 2), row.getLong(n - 1));
      }
    }
  }
}
