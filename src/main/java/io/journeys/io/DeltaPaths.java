package io.journeys.io;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Small questions about tables' paths on any Hadoop filesystem. */
public final class DeltaPaths {
  private DeltaPaths() {}

  public static boolean isDeltaTable(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /**
   * The latest date among the {@code column=YYYY-MM-DD} directories of a table the job wrote, by one
   * listing (no Spark job, no replay of the table's log: it runs before a run reads anything).
   * Empty when there is no table or no such directory. The job's tables are replaced date by date
   * and never lose a date, so a directory is a date that a run wrote.
   */
  public static Optional<LocalDate> lastPartitionDate(SparkSession spark, String tablePath, String column) {
    Path table = new Path(tablePath);
    LocalDate last = null;
    try {
      FileSystem fs = table.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(table)) {
        return Optional.empty();
      }
      for (FileStatus child : fs.listStatus(table)) {
        String name = child.getPath().getName();
        if (!child.isDirectory() || !name.startsWith(column + "=")) {
          continue;
        }
        try {
          LocalDate date = LocalDate.parse(name.substring(column.length() + 1));
          last = last == null || date.isAfter(last) ? date : last;
        } catch (DateTimeParseException e) {
          // not a date directory of ours
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // Unreadable here means unwritable later: the run's first write reports it. (Hadoop refuses
      // some URIs, user info in an s3a:// path, say, with an IllegalArgumentException.)
      return Optional.empty();
    }
    return Optional.ofNullable(last);
  }
}
