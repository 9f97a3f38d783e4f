package io.journeys.io;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.SparkSession;

/** Small questions about paths on any Hadoop filesystem. */
public final class DeltaPaths {
  private DeltaPaths() {}

  public static boolean isDeltaTable(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }
}
