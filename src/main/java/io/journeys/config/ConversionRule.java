package io.journeys.config;

import java.util.Optional;

/**
 * One micro or macro conversion: a Spark SQL predicate over the logical event columns.
 *
 * <p>A count rule ({@code minCount > 1}) fires once, at the time of its N-th matching event within
 * {@code per} (a session or a journey). {@code valueExpression} only applies to macro conversions.
 * {@code nameOrigin}, {@code whenOrigin} and {@code valueOrigin} are where the name, the predicate and
 * the value (without one, the rule) were set (file and line, or the {@code --set}), for errors;
 * empty for a rule made in code.
 */
public record ConversionRule(
    String name, Kind kind, String when, int minCount, CountScope per, Optional<String> valueExpression,
    String nameOrigin, String whenOrigin, String valueOrigin) {

  /** A rule made in code, not read from config. */
  public ConversionRule(String name, Kind kind, String when, int minCount, CountScope per, Optional<String> valueExpression) {
    this(name, kind, when, minCount, per, valueExpression, "", "", "");
  }

  public enum Kind {
    MICRO,
    MACRO;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public enum CountScope {
    SESSION,
    JOURNEY
  }

  public boolean isCountRule() {
    return minCount > 1;
  }

  /**
   * A micro rule counted within the visitor's journey ({@code per = journey}): it fires once per
   * journey, at its N-th match since the journey began, which only stage 2 sees.
   */
  public boolean isJourneyRule() {
    return kind == Kind.MICRO && per == CountScope.JOURNEY;
  }
}
