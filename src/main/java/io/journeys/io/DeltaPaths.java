package io.journeys.io;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
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

  /** A commit of a table: its operation ({@code WRITE}, {@code MERGE}, ...) and its writer's metadata, if any. */
  public record Commit(Instant timestamp, String operation, Optional<String> userMetadata) {}

  /**
   * A table's last {@code depth} commits, newest first; none where there is no Delta table at the
   * path. Delta's history: its log's listing and those commit files, after the table's state is
   * loaded (two small Spark jobs where this process has not loaded it yet).
   */
  public static List<Commit> recentCommits(SparkSession spark, String tablePath, int depth) {
    if (!isDeltaTable(spark, tablePath)) {
      return List.of();
    }
    return DeltaTable.forPath(spark, tablePath).history(depth)
        .orderBy(col("version").desc())
        .select("timestamp", "operation", "userMetadata").collectAsList().stream()
        .map(r -> new Commit(r.getTimestamp(0).toInstant(), r.getString(1), Optional.ofNullable(r.getString(2))))
        .toList();
  }

  /** The first and last of a table's dates. */
  public record DateSpan(LocalDate first, LocalDate last) {}

  /**
   * The earliest and latest dates among the {@code column=YYYY-MM-DD} directories of a table the
   * job wrote, by one listing (no Spark job, no replay of the table's log).
   * Empty when there is no table or no such directory. The job's tables are replaced date by date
   * and never lose a date, so a directory is a date that a run wrote.
   */
  public static Optional<DateSpan> partitionDates(SparkSession spark, String tablePath, String column) {
    Path table = new Path(tablePath);
    LocalDate first = null;
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
          first = first == null || date.isBefore(first) ? date : first;
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
    return last == null ? Optional.empty() : Optional.of(new DateSpan(first, last));
  }
}
