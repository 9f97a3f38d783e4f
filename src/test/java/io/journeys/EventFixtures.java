package io.journeys;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Hand-made events in the logical layout: each event is written as a short spec and turned into a
 * row with every logical column, plus event_date and event_time_raw as the reader adds them.
 */
public final class EventFixtures {
  private final List<String> rows = new ArrayList<>();

  /** An event on 2026-03-10 at HH:MM:SS (or a full "YYYY-MM-DD HH:MM:SS"). */
  public EventFixtures event(String id, String visitor, String time, String name) {
    return event(id, visitor, time, name, null, null, null, null);
  }

  public EventFixtures event(String id, String visitor, String time, String name, String page, String referrer,
      String utmMedium, String userId) {
    String ts = time.length() <= 8 ? "2026-03-10 " + time : time;
    rows.add(String.format("(%s, TIMESTAMP'%s', %s, %s, CAST(NULL AS STRING), %s, %s, %s, CAST(NULL AS STRING), %s, CAST(NULL AS STRING), %s, CAST(NULL AS MAP<STRING,STRING>), DATE'%s', '%s')",
        q(id), ts, q(visitor), q(userId), q(name), q(page), q(referrer), q(utmMedium),
        name != null && name.equals("purchase") ? "100.0" : "CAST(NULL AS DOUBLE)", ts.substring(0, 10), ts));
    return this;
  }

  public Dataset<Row> toDataset(SparkSession spark) {
    return spark.sql("SELECT * FROM VALUES " + String.join(", ", rows)
        + " AS t(event_id, event_time, visitor_id, user_id, session_id, event_name, page_url, referrer_url,"
        + " utm_source, utm_medium, utm_campaign, revenue, properties, event_date, event_time_raw)");
  }

  private static String q(String s) {
    return s == null ? "CAST(NULL AS STRING)" : "'" + s.replace("'", "\\'") + "'";
  }
}
