package io.journeys;

import java.nio.file.AccessDeniedException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The one line of an error that goes to the operator. */
public final class ErrorMessages {
  /**
   * What the AWS SDK says of a 403 to a HEAD request (S3's answer to one has no body): Hadoop's
   * getFileStatus, the first call on any path, gives it for wrong keys or a bucket's policy.
   */
  private static final Pattern BODILESS_403 =
      Pattern.compile("(software\\.amazon\\.awssdk\\.services\\.s3\\.model\\.)?S3Exception: null \\(Service: S3, Status Code: 403, Request ID: [^)]*\\):null");

  /**
   * The AWS SDK's text for a bucket that does not exist: the class name, and the sentence twice
   * with its request ids (a black-box test against s3proxy). Only that text: whatever follows it
   * stays.
   */
  private static final Pattern NO_SUCH_BUCKET = Pattern.compile(
      "(software\\.amazon\\.awssdk\\.services\\.s3\\.model\\.)?NoSuchBucketException: The specified bucket does not exist"
          + " \\(Service: S3, Status Code: 404, Request ID: [^)]*\\)(:NoSuchBucket: The specified bucket does not exist \\([^)]*\\))?");

  /**
   * The AWS SDK's text for an endpoint that refused or did not take a connection, which says it
   * twice. The host and port, the addresses tried (a name that resolved to the wrong one shows
   * there) and the reason are kept.
   */
  private static final Pattern NO_CONNECTION = Pattern.compile(
      "(software\\.amazon\\.awssdk\\.core\\.exception\\.)?SdkClientException: Unable to execute HTTP request:"
          + " Connect to (\\S+ \\[[^\\]]*\\]) failed: ([^:]+)"
          + "(:\\s*(software\\.amazon\\.awssdk\\.core\\.exception\\.)?SdkClientException: Unable to execute HTTP request:"
          + " Connect to \\S+ \\[[^\\]]*\\] failed: [^:]+(: [^:]+)?)?");

  private static final String CONCURRENT_COMMIT = " (another writer committed to this table meanwhile: two runs on one"
      + " output.path? This write was not committed; run it again once the other has finished)";

  private static final String UNOPENED_METASTORE =
      "Unable to instantiate org.apache.hadoop.hive.ql.metadata.SessionHiveMetaStoreClient";

  private ErrorMessages() {}

  /**
   * A user's text (a rule's expression, written over several lines in HOCON's triple quotes) on one
   * line, so that the failure line that quotes it keeps its reason and where it was set (a review
   * found them cut off after the expression's first line).
   */
  public static String inline(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /**
   * The first line with text of {@code message}. Spark's parse errors begin with an empty line, and
   * its analysis errors add the plan below the first.
   */
  public static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    return message.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst().orElse("unknown error");
  }

  /**
   * The first line of the first message in {@code error}'s cause chain that says what went wrong:
   * wrappers are skipped, a failed Spark job ("Job aborted due to stage failure: ... Exception
   * thrown in awaitResult:"), a failed write task ("[TASK_WRITE_FAILED] Task failed while writing
   * rows to …": the caller names the table) and any message that only announces its cause (blank,
   * ending in a colon, as "Error while instantiating '...HiveSessionStateBuilder':" does, or in
   * Derby's "see the next exception for details.").
   */
  public static String reason(Throwable error) {
    Throwable t = error;
    while (isWrapper(t) && next(t) != null) {
      t = next(t);
    }
    String line = t.getMessage() == null ? t.getClass().getSimpleName() : firstLine(t.getMessage());
    if (line.endsWith(UNOPENED_METASTORE)) {
      // Hive names the client it could not create, not why (a black-box test: a metastore URL
      // with no driver for it gave only this line, three times nested); the why is further down.
      Throwable cause = t;
      while (next(cause) != null && (isWrapper(cause) || firstLine(cause.getMessage()).endsWith(UNOPENED_METASTORE))) {
        cause = next(cause);
      }
      if (!firstLine(cause.getMessage()).endsWith(UNOPENED_METASTORE)) {
        String why = reason(cause);
        if (derbyBootedElsewhere(cause)) {
          // Two processes that passed the lock check together (a black-box test): the settings are fine.
          return "the Hive metastore is open in another process (embedded Derby admits one at a time: another run,"
              + " sql or notebook on it?): " + why;
        }
        return "the Hive metastore could not be opened (check its settings in spark.conf): " + why;
      }
    }
    if (line.startsWith("[FAILED_READ_FILE") && t.getCause() != null && t.getCause() != t) {
      // "[FAILED_READ_FILE.NO_HINT] Encountered error while reading file …" names the file; what is
      // wrong with it ("… is not a Parquet file", a truncated footer) is only in its cause.
      line = line.replaceFirst("\\.?\\s*SQLSTATE: \\w+$", "") + ": " + reason(t.getCause());
    }
    if (line.startsWith("[CONFLICTING_PARTITION_COLUMN_NAMES]")) {
      // Spark's first line ends at a colon: the column lists and the directories are below it.
      line = conflictingPartitions(t.getMessage());
    }
    if (line.contains("Found duplicate field(s)") && line.endsWith("in case-insensitive mode.")) {
      // Two input columns differing only in case (a black-box test): even one no mapping names stops
      // the read, and nothing said that Spark can be told to tell them apart.
      line += " Spark matches column names regardless of case; to read these files set"
          + " spark.conf.\"spark.sql.caseSensitive\" = true, and name the columns in input.columns and the rules"
          + " in their exact case.";
    }
    if (concurrentCommit(error) && !line.endsWith(CONCURRENT_COMMIT)) {
      // Delta's "Please try the operation again" alone, when two runs write one output.path through
      // two catalogs (a black-box test): its commit lost to another writer's and left the table as it was.
      line += CONCURRENT_COMMIT;
    }
    if (deniedAccess(error) && !line.toLowerCase(Locale.ROOT).contains("access denied")) {
      // "S3Exception: null (… 403 …):null" named neither the cause nor what to check.
      line = BODILESS_403.matcher(line).replaceAll("403 Forbidden")
          + " (access denied: check the credentials and the bucket's permissions)";
    }
    line = NO_SUCH_BUCKET.matcher(line)
        .replaceFirst("404 NoSuchBucket (the bucket does not exist: check its name in the path and s3.endpoint)");
    line = NO_CONNECTION.matcher(line).replaceFirst("cannot connect to $2: $3 (check s3.endpoint and that the store is up)");
    return line;
  }

  /**
   * Spark's conflict of partition columns on one line: the column lists it found and a directory of
   * each depth, the deepest first. Key=value folders inside a day (a sink's {@code hour=08}) are what
   * an event input meets: partition columns to Spark, which days of flat files lack. Spark lists the
   * directories with the fewest partition columns first, so with a few flat days in the range the
   * first three named none of the folders (a review). Spark's first line where its text is not as expected.
   */
  static String conflictingPartitions(String message) {
    List<String> columns = new ArrayList<>();
    List<String> directories = new ArrayList<>();
    boolean listing = false;
    for (String raw : message.lines().skip(1).toList()) {
      String line = raw.strip().replaceFirst("\\s*SQLSTATE: \\w+$", "");
      if (line.startsWith("Please check")) {
        listing = true;
      } else if (listing && !line.isEmpty()) {
        directories.add(line);
      } else if (!listing && line.startsWith("Partition column name list #") && line.contains(":")) {
        columns.add("(" + line.substring(line.indexOf(':') + 1).strip() + ")");
      }
    }
    if (columns.size() < 2 || directories.isEmpty()) {
      return firstLine(message);
    }
    Map<Long, String> byDepth = new TreeMap<>(Comparator.reverseOrder());
    for (String directory : directories) {
      byDepth.putIfAbsent(directory.chars().filter(c -> c == '=').count(), directory);
    }
    int more = directories.size() - byDepth.size();
    return "[CONFLICTING_PARTITION_COLUMN_NAMES] the directories read have different partition columns, "
        + String.join(" against ", columns) + ", such as " + String.join(" and ", byDepth.values())
        + (more > 0 ? " (" + more + " more)" : "")
        + ": a folder named key=value, such as hour=08, is a partition column to Spark, so a day's files must all"
        + " be in such folders or none, in every day read";
  }

  /**
   * The exception that says more of {@code t}: its cause, or where it has none a JDBC driver's next
   * exception (Derby sets both; a driver may set only the next one), null at the chain's end.
   */
  private static Throwable next(Throwable t) {
    Throwable cause = t.getCause();
    if (cause == null && t instanceof SQLException sql) {
      cause = sql.getNextException();
    }
    return cause == t ? null : cause;
  }

  /**
   * Derby's refusal of a database another JVM has booted (SQL state XSDB6), anywhere below: a
   * connection pool's own line may come first.
   */
  private static boolean derbyBootedElsewhere(Throwable error) {
    for (Throwable t = error; t != null; t = next(t)) {
      if ((t instanceof SQLException sql && "XSDB6".equals(sql.getSQLState()))
          || (t.getMessage() != null && t.getMessage().contains("Another instance of Derby may have already booted"))) {
        return true;
      }
    }
    return false;
  }

  /** Delta's optimistic concurrency refusing a commit: its exceptions are ConcurrentModificationExceptions. */
  private static boolean concurrentCommit(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.util.ConcurrentModificationException && t.getClass().getName().contains(".delta.")) {
        return true;
      }
    }
    return false;
  }

  private static boolean deniedAccess(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AccessDeniedException) {
        return true;
      }
    }
    return false;
  }

  private static boolean isWrapper(Throwable t) {
    // No message of its own: a reflective call's InvocationTargetException, whose cause says it.
    String line = t.getMessage() == null ? "" : firstLine(t.getMessage());
    // Derby puts its reason in the next exception: "Failed to create database 'data/metastore', see
    // the next exception for details." was all a failed run's line said of a metastore it could not create.
    return line.isEmpty() || line.equals("unknown error") || line.endsWith(":") || line.startsWith("Job aborted due to stage failure")
        || line.startsWith("[TASK_WRITE_FAILED]") || line.endsWith("see the next exception for details.");
  }
}
