package io.journeys;

/** The one line of an error that goes to the operator. */
public final class ErrorMessages {
  private ErrorMessages() {}

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
   * or ending in a colon, as "Error while instantiating '...HiveSessionStateBuilder':" does).
   */
  public static String reason(Throwable error) {
    Throwable t = error;
    while (isWrapper(t) && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : firstLine(t.getMessage());
  }

  private static boolean isWrapper(Throwable t) {
    String line = t.getMessage() == null ? "" : firstLine(t.getMessage());
    return line.equals("unknown error") || line.endsWith(":") || line.startsWith("Job aborted due to stage failure")
        || line.startsWith("[TASK_WRITE_FAILED]");
  }
}
