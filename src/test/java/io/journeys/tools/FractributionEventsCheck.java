package io.journeys.tools;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import io.journeys.pipeline.DailyJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * fractribution's integration fixture end to end: its 98 Snowplow atomic events (CSV) become
 * parquet in {@code event_date=} directories, the real job reads them through
 * {@code conf/layouts/snowplow.conf} with fractribution's test settings expressed as ours, and the
 * tables are compared with the package's expected sessions, paths to conversion, path summary
 * (its converting side) and last-touch credit.
 *
 * <p>fractribution's definitions, as our settings:
 * <ul>
 *   <li>a session is the tracker's ({@code domain_sessionid}: {@code sessions.source = input});
 *   <li>its channel is the package's default classification of the session's first page view
 *       (first matching case wins, anything else {@code Unmatched_Channel}), as {@code channels.rules};
 *   <li>a touchpoint is a session's first page view under that channel. Our rules fire on every
 *       page view, once per session and channel, which is the same here because each session of
 *       the fixture has one event. Not
 *       {@code attribution.touchpoint = channel}: that gives every session a touchpoint, and the
 *       fixture's one {@code checkout} event, with no page view, has a session of its own, which
 *       the package (reading page views only) does not see. So each channel is a micro conversion
 *       on page views, its predicate the classification's case up to it;
 *   <li>a conversion is an event with {@code tr_total > 0}, its value {@code tr_total};
 *   <li>the path reaches 30 days back ({@code snowplow__path_lookback_days}) and is cut at no
 *       step. It counts calendar days (a session later on the conversion's day is in its path),
 *       where our lookback is 30 times 24 hours before the conversion; no session of the fixture
 *       falls between the two. No customer converts twice, so our "since the previous macro
 *       conversion" does not come into it either.
 * </ul>
 * Its non-conversions are not compared: the package takes each customer without any conversion
 * once, over the 30 days before its last session, where a journey of ours closes a lookback after
 * its last touchpoint and also follows a conversion.
 */
final class FractributionEventsCheck {
  /** A result line: what was compared, its largest difference, the tolerance and the unit. */
  record Result(String name, double difference, double tolerance, String unit) {}

  private static final LocalDate FIRST = LocalDate.parse("2022-06-03");
  private static final LocalDate LAST = LocalDate.parse("2022-08-01");

  /** fractribution's default channel classification, in order, over our logical columns. */
  private static final List<String[]> CLASSIFICATION = List.of(
      new String[] {"Paid_Search_Brand", "lower(utm_medium) IN ('cpc', 'ppc') AND lower(utm_campaign) RLIKE 'brand'"},
      new String[] {"Paid_Search_Generic", "lower(utm_medium) IN ('cpc', 'ppc') AND lower(utm_campaign) RLIKE 'generic'"},
      new String[] {"Paid_Search_Other", "lower(utm_medium) IN ('cpc', 'ppc') AND NOT lower(utm_campaign) RLIKE 'brand|generic'"},
      new String[] {"Organic_Search", "lower(utm_medium) = 'organic'"},
      new String[] {"Display_Prospecting", "lower(utm_medium) IN ('display', 'cpm', 'banner') AND lower(utm_campaign) RLIKE 'prospect'"},
      new String[] {"Display_Retargeting", "lower(utm_medium) IN ('display', 'cpm', 'banner')"
          + " AND lower(utm_campaign) RLIKE 'retargeting|re-targeting|remarketing|re-marketing'"},
      new String[] {"Display_Other", "lower(utm_medium) IN ('display', 'cpm', 'banner')"
          + " AND NOT lower(utm_campaign) RLIKE 'prospect|retargeting|re-targeting|remarketing|re-marketing'"},
      new String[] {"Video", "lower(utm_campaign) RLIKE 'video|youtube' OR lower(utm_source) RLIKE 'video|youtube'"},
      new String[] {"Paid_Social_Prospecting", "lower(utm_medium) = 'social' AND lower(utm_campaign) RLIKE 'prospect'"},
      new String[] {"Paid_Social_Retargeting", "lower(utm_medium) = 'social'"
          + " AND lower(utm_campaign) RLIKE 'retargeting|re-targeting|remarketing|re-marketing'"},
      new String[] {"Paid_Social_Other", "lower(utm_medium) = 'social'"
          + " AND NOT lower(utm_campaign) RLIKE 'prospect|retargeting|re-targeting|remarketing|re-marketing'"},
      new String[] {"Direct", "utm_source = '(direct)'"},
      new String[] {"Referral", "lower(utm_medium) = 'referral'"},
      new String[] {"Email", "lower(utm_medium) = 'email'"},
      new String[] {"Other_Advertising", "lower(utm_medium) IN ('cpc', 'ppc', 'cpv', 'cpa', 'affiliates')"});
  private static final String UNMATCHED = "Unmatched_Channel";

  private FractributionEventsCheck() {}

  /** The job's settings for the check, their config written under {@code work}. */
  static JobSettings settings(Path work) throws IOException {
    return settings(work, events(work), warehouse(work));
  }

  private static Path events(Path work) {
    return work.resolve("fractribution-events").toAbsolutePath();
  }

  private static Path warehouse(Path work) {
    return work.resolve("fractribution-warehouse").toAbsolutePath();
  }

  /** Runs the job over the fixture's events with {@code settings} and compares its tables. */
  static List<Result> run(SparkSession spark, JobSettings settings, Path fixture, Path work) throws IOException {
    Path warehouse = warehouse(work);
    writeEvents(spark, fixture.resolve("snowplow_fractribution_events.csv"), events(work));
    new DailyJob(spark, settings).run(FIRST, LAST);
    Function<String, Dataset<Row>> table = name -> spark.read().format("delta").load(warehouse.resolve(name).toString());

    List<Result> results = new ArrayList<>();
    // Sessions: the package's are its page views' sessions; ours also include the checkout's own.
    List<String> ourSessions = table.apply("sessions").filter("page_views > 0")
        .selectExpr("concat('f', visitor_key, ',', date_format(session_start, 'yyyy-MM-dd HH:mm:ss'), ',', channel)")
        .as(Encoders.STRING()).collectAsList();
    List<String> theirSessions = expected(fixture, "sessions_by_customer_id").stream()
        .map(f -> f.get("customer_id") + "," + f.get("visit_start_tstamp") + "," + f.get("channel")).toList();
    results.add(new Result("fractribution's events: sessions (customer, start, channel)",
        differingRows(ourSessions, theirSessions), 0, "rows"));

    // Paths to conversion: customer, path and revenue of each converting journey.
    Map<String, String> ourPaths = new HashMap<>();
    Map<String, Double> ourValues = new HashMap<>();
    for (Row r : table.apply("journeys").filter("converted").select(col("visitor_key"), col("path"), col("value"))
        .collectAsList()) {
      String customer = "f" + r.getString(0);
      if (ourPaths.put(customer, r.getString(1)) != null) {
        ourPaths.put(customer, "(more than one conversion)");
      }
      ourValues.put(customer, r.isNullAt(2) ? 0.0 : r.getDouble(2));
    }
    Map<String, String> theirPaths = new HashMap<>();
    Map<String, Double> theirValues = new HashMap<>();
    for (Map<String, String> f : expected(fixture, "paths_to_conversion")) {
      theirPaths.put(f.get("customer_id"), f.get("path"));
      theirValues.put(f.get("customer_id"), Double.parseDouble(f.get("revenue")));
    }
    int pathsDiffering = 0;
    double worstValue = 0;
    for (String customer : union(ourPaths.keySet(), theirPaths.keySet())) {
      if (!Objects.equals(ourPaths.get(customer), theirPaths.get(customer))) {
        pathsDiffering++;
        System.out.printf("     path of %s: ours %s, fractribution's %s%n", customer, ourPaths.get(customer),
            theirPaths.get(customer));
      }
      worstValue = Math.max(worstValue, Math.abs(ourValues.getOrDefault(customer, Double.NaN)
          - theirValues.getOrDefault(customer, Double.NaN)));
    }
    results.add(new Result("fractribution's events: paths to conversion (customer, path)", pathsDiffering, 0, "paths"));
    results.add(new Result("fractribution's events: conversion value per customer", worstValue, 1e-9, "revenue"));

    // The path summary's converting side (transformed paths: exposure, its test's transform) and
    // last-touch credit per channel, both from the conversions alone.
    Map<String, double[]> ourSummary = sums(table.apply("paths").filter("conversions > 0")
        .groupBy("path").agg(expr("sum(conversions)"), expr("sum(value)")));
    Map<String, double[]> theirSummary = new HashMap<>();
    for (Map<String, String> f : expected(fixture, "path_summary")) {
      if (Double.parseDouble(f.get("conversions")) > 0) {
        theirSummary.put(f.get("transformed_path"),
            new double[] {Double.parseDouble(f.get("conversions")), Double.parseDouble(f.get("revenue"))});
      }
    }
    results.add(new Result("fractribution's events: path summary (conversions, revenue)", largestDifference(ourSummary,
        theirSummary), 1e-9, "absolute"));
    Map<String, double[]> ourLastTouch = sums(table.apply("attribution").filter("model = 'last_touch'")
        .groupBy("touchpoint").agg(expr("sum(credited_conversions)"), expr("sum(credited_value)")));
    Map<String, double[]> theirLastTouch = new HashMap<>();
    for (Map<String, String> f : expected(fixture, "channel_attribution")) {
      if (f.get("attribution_type").equals("last_touch") && Double.parseDouble(f.get("conversions")) > 0) {
        theirLastTouch.put(f.get("channel"),
            new double[] {Double.parseDouble(f.get("conversions")), Double.parseDouble(f.get("revenue"))});
      }
    }
    results.add(new Result("fractribution's events: last touch (conversions, revenue)",
        largestDifference(ourLastTouch, theirLastTouch), 1e-9, "absolute"));
    return results;
  }

  /**
   * The rows of {@code snowplow_fractribution_<name>_expected.csv} by lower-case column name (no
   * field of the files compared holds a comma or quotes).
   */
  private static List<Map<String, String>> expected(Path fixture, String name) throws IOException {
    List<String> lines = Files.readAllLines(fixture.resolve("snowplow_fractribution_" + name + "_expected.csv"));
    String[] header = lines.get(0).toLowerCase(Locale.ROOT).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], f[i]);
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new IllegalStateException("No rows in " + name + "'s expected file");
    }
    return rows;
  }

  /** Key, then two sums, per row. */
  private static Map<String, double[]> sums(Dataset<Row> rows) {
    Map<String, double[]> result = new HashMap<>();
    for (Row r : rows.collectAsList()) {
      result.put(r.getString(0), new double[] {((Number) r.get(1)).doubleValue(), ((Number) r.get(2)).doubleValue()});
    }
    return result;
  }

  /** The largest difference of either figure over the keys of both; a key one side lacks counts as 0 there. */
  private static double largestDifference(Map<String, double[]> ours, Map<String, double[]> theirs) {
    double worst = 0;
    for (String key : union(ours.keySet(), theirs.keySet())) {
      double[] o = ours.getOrDefault(key, new double[2]);
      double[] t = theirs.getOrDefault(key, new double[2]);
      double diff = Math.max(Math.abs(o[0] - t[0]), Math.abs(o[1] - t[1]));
      if (diff > 1e-9) {
        System.out.printf("     %s: ours %s, fractribution's %s%n", key, Arrays.toString(o), Arrays.toString(t));
      }
      worst = Math.max(worst, diff);
    }
    return worst;
  }

  /** Rows on one side only, a repeated row counted too (each row is one session). */
  private static double differingRows(List<String> ours, List<String> theirs) {
    TreeSet<String> ourSet = new TreeSet<>(ours);
    TreeSet<String> theirSet = new TreeSet<>(theirs);
    int differing = (ours.size() - ourSet.size()) + (theirs.size() - theirSet.size());
    for (String row : union(ourSet, theirSet)) {
      if (!ourSet.contains(row) || !theirSet.contains(row)) {
        differing++;
        System.out.printf("     %s only: %s%n", ourSet.contains(row) ? "ours" : "fractribution's", row);
      }
    }
    return differing;
  }

  private static TreeSet<String> union(Set<String> a, Set<String> b) {
    TreeSet<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * The fixture as the package's test seeds it (text, tr_total a decimal(10,2), the times
   * timestamps), each event in the directory of its collector time's date, as loaders store them.
   */
  private static void writeEvents(SparkSession spark, Path csv, Path out) {
    Dataset<Row> raw = spark.read().option("header", true).option("multiLine", true).option("escape", "\"")
        .csv(csv.toAbsolutePath().toString());
    for (String c : List.of("etl_tstamp", "collector_tstamp", "dvce_created_tstamp", "dvce_sent_tstamp",
        "refr_dvce_tstamp", "derived_tstamp", "true_tstamp", "load_tstamp")) {
      raw = raw.withColumn(c, col(c).cast("timestamp"));
    }
    raw.withColumn("tr_total", col("tr_total").cast("decimal(10,2)"))
        .withColumn("event_date", expr("to_date(collector_tstamp)"))
        .write().mode("overwrite").partitionBy("event_date").parquet(out.toString());
  }

  private static JobSettings settings(Path work, Path events, Path warehouse) throws IOException {
    StringBuilder conf = new StringBuilder();
    conf.append("include required(file(\"").append(Path.of("conf/layouts/snowplow.conf").toAbsolutePath()).append("\"))\n");
    conf.append("channels { default = ").append(UNMATCHED).append(", rules = [\n");
    for (String[] c : CLASSIFICATION) {
      conf.append("  { name = ").append(c[0]).append(", when = \"").append(c[1]).append("\" }\n");
    }
    conf.append("] }\nconversions { micro = [\n");
    // A channel's rule fires where its case holds and no earlier case does; a null case does not
    // hold, as in SQL's CASE.
    StringBuilder before = new StringBuilder("false");
    for (String[] c : CLASSIFICATION) {
      conf.append("  { name = ").append(c[0]).append(", when = \"event_name = 'page_view' AND coalesce(").append(c[1])
          .append(", false) AND NOT (").append(before).append(")\" }\n");
      before.append(" OR coalesce(").append(c[1]).append(", false)");
    }
    conf.append("  { name = ").append(UNMATCHED).append(", when = \"event_name = 'page_view' AND NOT (").append(before)
        .append(")\" }\n");
    conf.append("], macro = [ { name = transaction, when = \"revenue > 0\", value = \"revenue\" } ] }\n");
    Path file = work.resolve("fractribution.conf");
    Files.createDirectories(work);
    Files.writeString(file, conf, StandardCharsets.UTF_8);
    return SettingsLoader.load(Optional.of(file), List.of(
        "spark.master=local[2]",
        "spark.conf.\"spark.sql.shuffle.partitions\"=8",
        "spark.conf.\"spark.ui.enabled\"=false",
        "input.path=" + events,
        "output.path=" + warehouse,
        "output.database=verify_fractribution",
        "input.late-days=0",
        "input.allow-empty-days=true",
        "sessions.source=input",
        "touchpoints.dedupe=session",
        "attribution.touchpoint=micro_conversion",
        "paths.transform=exposure",
        "attribution.lookback=30d",
        "attribution.models=[first_touch, last_touch, linear]",
        "funnels=[]"));
  }
}
