package io.journeys.tools;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import io.journeys.pipeline.DailyJob;
import io.journeys.spark.SparkSessionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * fractribution's integration fixture end to end: its 98 Snowplow atomic events (CSV) become
 * parquet in {@code event_date=} directories, the real job reads them through
 * {@code conf/layouts/snowplow.conf} with fractribution's test settings said in our config, and the
 * tables are compared with the package's expected sessions and paths to conversion.
 *
 * <p>fractribution's definitions, as our settings:
 * <ul>
 *   <li>a session is the tracker's ({@code domain_sessionid}: {@code sessions.source = input});
 *   <li>its channel is the package's default classification of the session's first page view
 *       (first matching case wins, anything else {@code Unmatched_Channel}), as {@code channels.rules};
 *   <li>a touchpoint is a session's page view under that channel, one per session. Not
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
 * Its non-conversions are not compared: the package counts customers without any conversion over
 * the whole window, where a journey of ours closes a lookback after its last touchpoint.
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

  static List<Result> run(Path fixture, Path work) throws IOException {
    Path events = work.resolve("fractribution-events").toAbsolutePath();
    Path warehouse = work.resolve("fractribution-warehouse").toAbsolutePath();
    JobSettings settings = settings(work, events, warehouse);
    SparkSession spark = SparkSessionFactory.create(settings);
    writeEvents(spark, fixture.resolve("snowplow_fractribution_events.csv"), events);
    new DailyJob(spark, settings).run(FIRST, LAST);
    Function<String, Dataset<Row>> table = name -> spark.read().format("delta").load(warehouse.resolve(name).toString());

    List<Result> results = new ArrayList<>();
    // Sessions: the package's are its page views' sessions; ours include the checkout's own.
    TreeSet<String> ours = new TreeSet<>(table.apply("sessions").filter("page_views > 0")
        .selectExpr("concat('f', visitor_key, ',', date_format(session_start, 'yyyy-MM-dd HH:mm:ss'), ',', channel)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    TreeSet<String> theirs = new TreeSet<>();
    List<String> lines = Files.readAllLines(fixture.resolve("snowplow_fractribution_sessions_by_customer_id_expected.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      theirs.add(f[0] + "," + f[1] + "," + f[2]);
    }
    results.add(new Result("fractribution's events: sessions (customer, start, channel)", symmetricDifference(ours, theirs),
        0, "rows"));

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
    lines = Files.readAllLines(fixture.resolve("snowplow_fractribution_paths_to_conversion_expected.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      theirPaths.put(f[0], f[3]);
      theirValues.put(f[0], Double.parseDouble(f[2]));
    }
    int pathsDiffering = 0;
    double worstValue = 0;
    for (String customer : union(ourPaths.keySet(), theirPaths.keySet())) {
      if (!java.util.Objects.equals(ourPaths.get(customer), theirPaths.get(customer))) {
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
    lines = Files.readAllLines(fixture.resolve("snowplow_fractribution_path_summary_expected.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (Double.parseDouble(f[1]) > 0) {
        theirSummary.put(f[0], new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[3])});
      }
    }
    results.add(new Result("fractribution's events: path summary (conversions, revenue)", largestDifference(ourSummary,
        theirSummary), 1e-9, "absolute"));
    Map<String, double[]> ourLastTouch = sums(table.apply("attribution").filter("model = 'last_touch'")
        .groupBy("touchpoint").agg(expr("sum(credited_conversions)"), expr("sum(credited_value)")));
    Map<String, double[]> theirLastTouch = new HashMap<>();
    lines = Files.readAllLines(fixture.resolve("snowplow_fractribution_channel_attribution_expected.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f[5].equals("last_touch") && Double.parseDouble(f[3]) > 0) {
        theirLastTouch.put(f[2], new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4])});
      }
    }
    results.add(new Result("fractribution's events: last touch (conversions, revenue)",
        largestDifference(ourLastTouch, theirLastTouch), 1e-9, "absolute"));
    return results;
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
        System.out.printf("     %s: ours %s, fractribution's %s%n", key, java.util.Arrays.toString(o), java.util.Arrays.toString(t));
      }
      worst = Math.max(worst, diff);
    }
    return worst;
  }

  private static double symmetricDifference(TreeSet<String> ours, TreeSet<String> theirs) {
    int differing = 0;
    for (String row : union(ours, theirs)) {
      if (!ours.contains(row) || !theirs.contains(row)) {
        differing++;
        System.out.printf("     %s only: %s%n", ours.contains(row) ? "ours" : "fractribution's", row);
      }
    }
    return differing;
  }

  private static TreeSet<String> union(java.util.Set<String> a, java.util.Set<String> b) {
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
    // Each channel's case holds where no case before it does (a null case does not hold).
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
        "attribution.lookback=30d",
        "attribution.models=[first_touch, last_touch, linear]",
        "funnels=[]"));
  }
}
