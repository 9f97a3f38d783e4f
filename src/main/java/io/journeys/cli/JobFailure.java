package io.journeys.cli;

/** A failure with a message meant for the operator, printed as the one line on stderr. */
public class JobFailure extends RuntimeException {
  public JobFailure(String message) {
    super(message);
  }

  public JobFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
