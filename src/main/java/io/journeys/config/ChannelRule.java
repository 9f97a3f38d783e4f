package io.journeys.config;

/**
 * A session channel: the first rule whose predicate holds for the session's first event names it.
 * {@code origin} is where the predicate was set (file and line, or the {@code --set}), for errors.
 */
public record ChannelRule(String name, String when, String origin) {

  /** A rule made in code, not read from config. */
  public ChannelRule(String name, String when) {
    this(name, when, "");
  }
}
