package io.journeys.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Writes one text file (the HTML report) to any Hadoop filesystem's URI, or a local path: a report
 * path of s3a://… went through java.nio as the relative local directory "s3a:/…", on a cluster
 * the driver's container, and was lost (a review).
 */
public final class TextFileOutput {
  private TextFileOutput() {}

  /** Writes {@code text} as UTF-8 to {@code location}, replacing a file there; returns the qualified path. */
  public static String write(SparkSession spark, String location, String text) throws IOException {
    Path path = new Path(location);
    // A path without a scheme is the local disk's, as it always was, not fs.defaultFS's (HDFS on
    // a cluster's edge node).
    FileSystem fs = path.toUri().getScheme() == null ? FileSystem.getLocal(spark.sparkContext().hadoopConfiguration())
        : path.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (fs instanceof ChecksumFileSystem checksummed) {
      // No .crc file beside a page that people open, as java.nio wrote it before.
      fs = checksummed.getRawFileSystem();
    }
    Path qualified = fs.makeQualified(path);
    if (qualified.getParent() != null) {
      fs.mkdirs(qualified.getParent());
    }
    try (OutputStream out = fs.create(qualified, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return qualified.toString();
  }
}
