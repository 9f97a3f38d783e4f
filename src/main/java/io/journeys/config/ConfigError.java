package io.journeys.config;

/** A configuration problem found at start-up, before Spark reads any data. */
public final class ConfigError extends RuntimeException {
  public ConfigError(String message) {
    super(message);
  }

  public ConfigError(String message, Throwable cause) {
    super(message, cause);
  }
}
