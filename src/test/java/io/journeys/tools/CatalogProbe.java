package io.journeys.tools;

import io.journeys.spark.SparkSessionFactory;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalog.Column;
import org.apache.spark.sql.catalog.Table;

/**
 * A plain Spark process, not the job, pointed at the job's Hive metastore: it lists a database's
 * tables by name, reads their comments and queries them, as a BI engine sharing the metastore
 * would. It registers nothing, so what it finds was persisted by the process that wrote it.
 *
 * <p>Usage: {@code CatalogProbe METASTORE_DIR DATABASE}. Prints, per table or view,
 * {@code table <name> <type> rows=<n> comment=<text>} and, per column,
 * {@code column <table>.<column> comment=<text>}.
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
        .config("spark.hadoop.javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=" + metastore + ";create=false");
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
    } finally {
      spark.stop();
    }
  }
}
