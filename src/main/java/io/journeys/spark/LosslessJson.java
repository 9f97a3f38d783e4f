package io.journeys.spark;

import java.util.Map;

/**
 * Options of {@code to_json} that keep what a value holds: a NULL field stays a key, as a NULL map
 * value does, and an instant keeps Spark's microseconds (Spark's default JSON form cuts it to
 * milliseconds: GA4's times are microseconds), a local date-time (TIMESTAMP_NTZ) too. For the
 * rows `sql` prints (a black-box test) and the raw rows `quarantine` keeps (a review).
 */
public final class LosslessJson {
  private LosslessJson() {}

  public static final Map<String, String> OPTIONS =
      Map.of("ignoreNullFields", "false", "timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
          "timestampNTZFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
}
