package io.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorMessagesTest {
  @Test
  void aFailedWriteGivesItsTasksErrorNotTheWrappers() {
    // The chain of a Delta write whose task overflowed (two values of 5e18, by a black-box test):
    // the line said only "[TASK_WRITE_FAILED] Task failed while writing rows to file:/…".
    ArithmeticException overflow = new ArithmeticException(
        "[ARITHMETIC_OVERFLOW] long overflow. Use 'try_add' to tolerate overflow and return NULL instead. SQLSTATE: 22003");
    SparkException task = new SparkException(
        "[TASK_WRITE_FAILED] Task failed while writing rows to file:/wh/attribution. SQLSTATE: 58030", overflow);
    SparkException job = new SparkException("Job aborted due to stage failure: Task 0 in stage 3.0 failed 1 times", task);
    assertThat(ErrorMessages.reason(job))
        .isEqualTo("[ARITHMETIC_OVERFLOW] long overflow. Use 'try_add' to tolerate overflow and return NULL instead. SQLSTATE: 22003");
  }

  @Test
  void conflictingPartitionColumnsAreNamedWithADirectoryOfEachDepthTheDeepestFirst() {
    // Spark 4.0.1's text for 24 hourly folders of one day beside three flat days, which it lists
    // first (its line ended at the colon; the first three it lists are the flat days).
    StringBuilder message = new StringBuilder("[CONFLICTING_PARTITION_COLUMN_NAMES] Conflicting partition column names detected:\n\n"
        + "\tPartition column name list #0: event_date\n\tPartition column name list #1: event_date, hour\n\n"
        + "For partitioned table directories, data files should only live in leaf directories.\n"
        + "And directories at the same level should have the same partition column name.\n"
        + "Please check the following directories for unexpected files or inconsistent partition column names:\n");
    for (int day = 1; day <= 3; day++) {
      message.append("\n\ts3a://b/in/event_date=2026-03-0").append(day);
    }
    for (int hour = 0; hour < 24; hour++) {
      message.append("\n\ts3a://b/in/event_date=2026-03-04/hour=").append(hour);
    }
    message.append(" SQLSTATE: KD009");
    assertThat(ErrorMessages.reason(new SparkException(message.toString()))).isEqualTo(
        "[CONFLICTING_PARTITION_COLUMN_NAMES] the directories read have different partition columns, (event_date)"
            + " against (event_date, hour), such as s3a://b/in/event_date=2026-03-04/hour=0 and"
            + " s3a://b/in/event_date=2026-03-01 (25 more): a folder named key=value, such as hour=08, is a partition"
            + " column to Spark, so a day's files must all be in such folders or none, in every day read");
    // Text not as expected: Spark's own first line, not a sentence with gaps.
    assertThat(ErrorMessages.reason(new SparkException("[CONFLICTING_PARTITION_COLUMN_NAMES] Conflicting partition"
        + " column names detected: a, b"))).isEqualTo("[CONFLICTING_PARTITION_COLUMN_NAMES] Conflicting partition column"
        + " names detected: a, b");
  }

  @Test
  void aFileThatCannotBeReadIsNamedWithWhatIsWrongWithIt() {
    // The chain of a run whose partition held a README.txt beside its Parquet files (a black-box
    // test): the line was Spark's wrapper alone, which names the file but not what is wrong.
    RuntimeException cause = new RuntimeException("file:/in/event_date=2026-01-02/README.txt is not a Parquet file (length is too low: 5)");
    SparkException read = new SparkException(
        "[FAILED_READ_FILE.NO_HINT] Encountered error while reading file file:///in/event_date=2026-01-02/README.txt.  SQLSTATE: KD001", cause);
    SparkException job = new SparkException("Job aborted due to stage failure: Task 1 in stage 2.0 failed 1 times", read);
    assertThat(ErrorMessages.reason(job)).isEqualTo(
        "[FAILED_READ_FILE.NO_HINT] Encountered error while reading file file:///in/event_date=2026-01-02/README.txt: "
            + "file:/in/event_date=2026-01-02/README.txt is not a Parquet file (length is too low: 5)");
  }

  @Test
  void aWrapperWithoutACauseIsTheReasonItself() {
    SparkException task = new SparkException("[TASK_WRITE_FAILED] Task failed while writing rows to file:/wh/attribution.", null);
    assertThat(ErrorMessages.reason(task)).isEqualTo("[TASK_WRITE_FAILED] Task failed while writing rows to file:/wh/attribution.");
  }

  @Test
  void aMessageThatAnnouncesItsCauseOrHasNoTextIsSkipped() {
    IllegalStateException cause = new IllegalStateException("\n  Derby is locked by another process\nmore detail");
    RuntimeException announcing = new RuntimeException("Error while instantiating 'HiveSessionStateBuilder':", cause);
    assertThat(ErrorMessages.reason(new RuntimeException(announcing))).isEqualTo("Derby is locked by another process");
    assertThat(ErrorMessages.reason(new UnsupportedOperationException())).isEqualTo("UnsupportedOperationException");
  }

  @Test
  void anS3AccessDeniedSaysSoAndWhatToCheck() {
    // Hadoop's translation of a 403 to getFileStatus's HEAD request (wrong keys, by a black-box
    // test against s3proxy): the line ended "S3Exception: null (… Status Code: 403 …):null".
    AccessDeniedException denied = new AccessDeniedException("s3a://b/events", null, "getFileStatus on s3a://b/events:"
        + " software.amazon.awssdk.services.s3.model.S3Exception: null (Service: S3, Status Code: 403, Request ID: 4D5D76A2):null");
    assertThat(ErrorMessages.reason(denied))
        .isEqualTo("s3a://b/events: getFileStatus on s3a://b/events: 403 Forbidden"
            + " (access denied: check the credentials and the bucket's permissions)");
    // A message that already says it is left as it is.
    AccessDeniedException said = new AccessDeniedException("s3a://b/k", null, "PUT: Access Denied");
    assertThat(ErrorMessages.reason(said)).isEqualTo("s3a://b/k: PUT: Access Denied");
  }

  @Test
  void aMissingBucketAndAnEndpointThatRefusesAreSaidOnceInWords() {
    // The lines of two runs against s3proxy (a black-box test): the SDK's class names, request ids
    // and each sentence twice made them 300 characters long.
    FileNotFoundException bucket = new FileNotFoundException("`s3a://nosuchbucket/events': getFileStatus on"
        + " s3a://nosuchbucket/events: software.amazon.awssdk.services.s3.model.NoSuchBucketException: The specified"
        + " bucket does not exist (Service: S3, Status Code: 404, Request ID: AF1E9C06968934C5):NoSuchBucket: The"
        + " specified bucket does not exist (Service: S3, Status Code: 404, Request ID: AF1E9C06968934C5)");
    assertThat(ErrorMessages.reason(bucket)).isEqualTo("`s3a://nosuchbucket/events': getFileStatus on s3a://nosuchbucket/events:"
        + " 404 NoSuchBucket (the bucket does not exist: check its name in the path and s3.endpoint)");
    IOException refused = new IOException("getFileStatus on s3a://journeys/events:"
        + " software.amazon.awssdk.core.exception.SdkClientException: Unable to execute HTTP request: Connect to"
        + " 127.0.0.1:19770 [/127.0.0.1] failed: Connection refused:    software.amazon.awssdk.core.exception.SdkClientException:"
        + " Unable to execute HTTP request: Connect to 127.0.0.1:19770 [/127.0.0.1] failed: Connection refused: Connection refused");
    assertThat(ErrorMessages.reason(refused)).isEqualTo("getFileStatus on s3a://journeys/events:"
        + " cannot connect to 127.0.0.1:19770 [/127.0.0.1]: Connection refused (check s3.endpoint and that the store is up)");
    // A name that resolves to several addresses keeps them: a wrong one is the diagnosis.
    IOException byName = new IOException("getFileStatus on s3a://b/e: SdkClientException: Unable to execute HTTP request:"
        + " Connect to minio:9000 [minio/10.0.0.5, minio/0:0:0:0:0:0:0:1] failed: Connect timed out");
    assertThat(ErrorMessages.reason(byName)).isEqualTo("getFileStatus on s3a://b/e: cannot connect to"
        + " minio:9000 [minio/10.0.0.5, minio/0:0:0:0:0:0:0:1]: Connect timed out (check s3.endpoint and that the store is up)");
  }

  @Test
  void aMetastoreThatCannotBeOpenedGivesWhyNotTheClientHiveCouldNotCreate() {
    // The chain's shape of a run whose metastore URL had no driver (a black-box test): three
    // levels naming the client, a reflective call's exception without a message, then the why.
    String unable = "Unable to instantiate org.apache.hadoop.hive.ql.metadata.SessionHiveMetaStoreClient";
    RuntimeException why = new RuntimeException("No suitable driver found for jdbc:postgresql://h:1/ms\nNestedThrowables: …");
    RuntimeException client = new RuntimeException(unable, new InvocationTargetException(why));
    RuntimeException hive = new RuntimeException("java.lang.RuntimeException: " + unable, client);
    RuntimeException analysis = new RuntimeException("org.apache.hadoop.hive.ql.metadata.HiveException: java.lang.RuntimeException: " + unable, hive);
    assertThat(ErrorMessages.reason(analysis)).isEqualTo(
        "the Hive metastore could not be opened (check its settings in spark.conf): No suitable driver found for jdbc:postgresql://h:1/ms");
    assertThat(ErrorMessages.reason(new RuntimeException(unable))).as("nothing below it").isEqualTo(unable);
    RuntimeException twice = new RuntimeException(unable, new InvocationTargetException(client));
    assertThat(ErrorMessages.reason(twice)).as("said once").isEqualTo(
        "the Hive metastore could not be opened (check its settings in spark.conf): No suitable driver found for jdbc:postgresql://h:1/ms");
  }

  @Test
  void derbysReasonIsInItsNextException(@TempDir Path dir) throws Exception {
    // A real Derby refusal (a directory without a database in it), wrapped as Hive wraps it.
    Files.createDirectories(dir.resolve("metastore/tmp"));
    SQLException derby = catchThrowableOfType(SQLException.class,
        () -> DriverManager.getConnection("jdbc:derby:;databaseName=" + dir.resolve("metastore") + ";create=true"));
    assertThat(derby.getMessage()).endsWith("see the next exception for details.");
    String unable = "Unable to instantiate org.apache.hadoop.hive.ql.metadata.SessionHiveMetaStoreClient";
    RuntimeException hive = new RuntimeException(unable, new InvocationTargetException(
        new RuntimeException("Failed to create database 'metastore', see the next exception for details.", derby)));
    assertThat(ErrorMessages.reason(hive)).isEqualTo("the Hive metastore could not be opened (check its settings in"
        + " spark.conf): Directory " + dir.resolve("metastore") + " already exists.");
  }

  @Test
  void aMetastoreAnotherProcessHasOpenIsSaidToBeSoNotItsSettings() {
    // Two runs that passed the lock check together (a black-box test): Derby's words, as Hive chains them.
    SQLException failed = new SQLException("Failed to start database '/x/data/metastore' with class loader"
        + " jdk.internal.loader.ClassLoaders$AppClassLoader@1, see the next exception for details.");
    failed.setNextException(new SQLException("Another instance of Derby may have already booted the database /x/data/metastore."));
    String unable = "Unable to instantiate org.apache.hadoop.hive.ql.metadata.SessionHiveMetaStoreClient";
    assertThat(ErrorMessages.reason(new RuntimeException(unable, failed))).isEqualTo("the Hive metastore is open in"
        + " another process (embedded Derby admits one at a time: another run, sql or notebook on it?): Another instance"
        + " of Derby may have already booted the database /x/data/metastore.");
    // Under a connection pool's line of its own, known by Derby's SQL state.
    SQLException booted = new SQLException("Failed to start database '/x/data/metastore'", "XSDB6");
    RuntimeException pool = new RuntimeException("Unable to open a test connection to the given database.", booted);
    assertThat(ErrorMessages.reason(new RuntimeException(unable, pool))).startsWith("the Hive metastore is open in"
        + " another process").endsWith("): Unable to open a test connection to the given database.");
  }

  @Test
  void aDeltaCommitThatLostToAnotherWritersSaysWhatToDo() {
    // Two runs on one output.path through two catalogs (a black-box test): Delta's line alone
    // said to try again, not that another run was writing.
    String delta = "[DELTA_CONCURRENT_APPEND] ConcurrentAppendException: Files were added to partition"
        + " [event_date=2026-01-04] by a concurrent update. Please try the operation again.";
    RuntimeException write = new RuntimeException("write failed:",
        new io.delta.exceptions.ConcurrentAppendException(delta + "\nConflicting commit: {\"timestamp\":1}"));
    String hint = " (another writer committed to this table meanwhile: two runs on one output.path? This write was"
        + " not committed; run it again once the other has finished)";
    assertThat(ErrorMessages.reason(write)).isEqualTo(delta + hint);
    assertThat(ErrorMessages.reason(new RuntimeException(ErrorMessages.reason(write), write))).as("said once")
        .isEqualTo(delta + hint);
    assertThat(ErrorMessages.reason(new java.util.ConcurrentModificationException("a list changed")))
        .as("not Delta's").isEqualTo("a list changed");
  }

  @Test
  void aDriverThatGivesItsReasonOnlyAsTheNextExceptionIsFollowed() {
    // JDBC chains a driver's further errors by setNextException; Derby also sets the cause, another
    // driver may not. The reason, Derby's own words for a directory it will not create a database in.
    SQLException failed = new SQLException("Failed to create database 'data/metastore', see the next exception for details.");
    failed.setNextException(new SQLException("Directory /x/data/metastore already exists."));
    String unable = "Unable to instantiate org.apache.hadoop.hive.ql.metadata.SessionHiveMetaStoreClient";
    assertThat(ErrorMessages.reason(new RuntimeException(unable, failed))).isEqualTo("the Hive metastore could not be"
        + " opened (check its settings in spark.conf): Directory /x/data/metastore already exists.");
    assertThat(ErrorMessages.reason(failed)).isEqualTo("Directory /x/data/metastore already exists.");
  }

  @Test
  void anExceptionWithoutAMessageOfItsOwnGivesItsCauses() {
    ExceptionInInitializerError init = new ExceptionInInitializerError(new IllegalStateException("no config for the store"));
    assertThat(ErrorMessages.reason(init)).isEqualTo("no config for the store");
  }
}
