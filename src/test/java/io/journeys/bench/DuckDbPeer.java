package io.journeys.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The benchmark peer: DuckDB (2 threads) running the same sessionization as {@link
 * SessionizeFloor} on the same parquet files, written to parquet.
 *
 * <p>Usage: {@code DuckDbPeer EVENTS_PATH OUT_FILE [THREADS]}; prints {@code peer: events=N
 * sessions=S seconds=X}.
 */
public final class DuckDbPeer {
  private DuckDbPeer() {}

  public static void main(String[] args) throws Exception {
    String events = args[0].replaceFirst("^file:", "");
    String out = args[1];
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    long start = System.nanoTime();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute("SET threads = " + threads);
      statement.execute("SET preserve_insertion_order = false");
      String sql =
          "COPY ("
              + " WITH e AS ("
              + "   SELECT visitor_id, event_time, event_id, event_name FROM read_parquet('" + events
              + "/*/*.parquet', hive_partitioning = true)"
              + "   WHERE visitor_id IS NOT NULL AND event_time IS NOT NULL),"
              + " m AS ("
              + "   SELECT *, CASE WHEN lag(event_time) OVER w IS NULL"
              + "     OR epoch(event_time) - epoch(lag(event_time) OVER w) > 1800 THEN 1 ELSE 0 END AS new_session"
              + "   FROM e WINDOW w AS (PARTITION BY visitor_id ORDER BY event_time, event_id)),"
              + " s AS (SELECT *, sum(new_session) OVER (PARTITION BY visitor_id ORDER BY event_time, event_id"
              + "   ROWS UNBOUNDED PRECEDING) AS session_no FROM m)"
              + " SELECT visitor_id, session_no, min(event_time) AS session_start, max(event_time) AS session_end,"
              + "   count(*) AS events, sum(CASE WHEN event_name = 'page_view' THEN 1 ELSE 0 END) AS page_views"
              + " FROM s GROUP BY visitor_id, session_no"
              + ") TO '" + out + "' (FORMAT parquet)";
      statement.execute(sql);
      double seconds = (System.nanoTime() - start) / 1e9;
      try (ResultSet rs = statement.executeQuery("SELECT count(*), sum(events) FROM read_parquet('" + out + "')")) {
        rs.next();
        System.out.printf("peer: events=%d sessions=%d seconds=%.1f%n", rs.getLong(2), rs.getLong(1), seconds);
      }
    }
  }
}
