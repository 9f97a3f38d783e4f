package io.journeys.io;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Starts the logging of the AWS SDK bundle that s3a uses, with its start-up lines discarded. The
 * bundle shades SLF4J 1.7, and its bridge to the application's SLF4J looks for a 1.x binding that
 * SLF4J 2 no longer has (aws-sdk-java-v2 issue 5312): on the first s3a use it printed three
 * "SLF4J: Failed to load class ..." lines straight to stderr, on every run and before the one
 * line of a failure, and logs nowhere either way.
 */
public final class AwsSdkLogging {
  private static final String SHADED_FACTORY = "software.amazon.awssdk.thirdparty.org.slf4j.LoggerFactory";

  private AwsSdkLogging() {}

  /** Once per process, before anything else writes to stderr; nothing when the bundle is absent. */
  public static void startQuietly() {
    Class<?> factory;
    try {
      factory = Class.forName(SHADED_FACTORY, false, AwsSdkLogging.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return;
    }
    // Our own logging first, so that its console appender holds the real stderr, not the muted one.
    org.slf4j.LoggerFactory.getLogger(AwsSdkLogging.class);
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    try {
      factory.getMethod("getILoggerFactory").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      // The SDK then logs nowhere, as it would have anyway.
    } finally {
      System.setErr(stderr);
    }
  }
}
