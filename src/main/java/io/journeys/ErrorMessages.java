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
}
