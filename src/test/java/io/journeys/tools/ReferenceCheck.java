package io.journeys.tools;

import io.journeys.Columns;
import io.journeys.attribution.datadriven.SimplifiedShapley;
import io.journeys.config.JobSettings;
import io.journeys.config.JobSettings.PathTransform;
import io.journeys.config.SettingsLoader;
import io.journeys.pipeline.DailyJob;
import io.journeys.report.PathsReport;
import io.journeys.spark.SparkSessionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * {@code scripts/verify-references}: our numbers against systems no one here wrote, read from
 * {@code ../shared/refdata} at run time (never copied into the repository).
 *
 * <p>ChannelAttribution, end to end: every path row becomes events (one visitor per journey, the
 * channels as events a few minutes apart, a purchase 23 hours later for converting journeys), the
 * real job runs over them with one micro conversion per channel, dedupe off and a 1-day lookback,
 * so every journey closes on the second day; then first/last/linear credit and the order-1 Markov
 * removal effects in {@code model_weights} are compared with the published figures. The "without
 * null" variant is the same run on the converting journeys only (null weight ignored).
 *
 * <p>fractribution, at model level: its expected path summary (transformed paths with conversions
 * and non-conversions) through our {@link SimplifiedShapley}, against its expected channel
 * attribution. And end to end ({@link FractributionEventsCheck}): its Snowplow events through the
 * real job, against its expected sessions, paths to conversion, path summary and last touch; and
 * its unit test of path transforms through ours.
 *
 * <p>Prints one line per check with the largest difference, then "N passed, M failed".
 */
public final class ReferenceCheck {
  private static final LocalDate DAY1 = LocalDate.parse("2026-01-01");
  private static final LocalDate DAY2 = DAY1.plusDays(1);

  private int passed;
  private int failed;

  public static void main(String[] args) throws IOException {
    Path refdata = Path.of(args.length > 0 ? args[0] : "../shared/refdata");
    Path work = Path.of(args.length > 1 ? args[1] : "data/verify");
    ReferenceCheck check = new ReferenceCheck();
    check.fractribution(refdata.resolve("snowplow-fractribution"));
    JobSettings fractributionSettings = FractributionEventsCheck.settings(work);
    SparkSession spark = SparkSessionFactory.create(fractributionSettings);
    for (FractributionEventsCheck.Result r
        : FractributionEventsCheck.run(spark, fractributionSettings, refdata.resolve("snowplow-fractribution"), work)) {
      check.report(r.name(), r.difference(), r.tolerance(), r.unit());
    }
    check.pathTransforms(spark, refdata.resolve("snowplow-fractribution"));
    check.channelAttribution(refdata, work);
    System.out.printf("%d passed, %d failed%n", check.passed, check.failed);
    System.exit(check.failed == 0 ? 0 : 1);
  }

  private void report(String name, double largestDifference, double tolerance, String unit) {
    boolean ok = largestDifference <= tolerance;
    System.out.printf("%-4s %-62s largest difference %.3g %s (tolerance %.0e)%n", ok ? "ok" : "FAIL", name,
        largestDifference, unit, tolerance);
    if (ok) {
      passed++;
    } else {
      failed++;
    }
  }

  // ---- ChannelAttribution ----

  private record PathRow(List<String> channels, long conversions, double value, long nulls) {}

  private void channelAttribution(Path refdata, Path work) throws IOException {
    List<PathRow> paths = new ArrayList<>();
    List<String> lines = Files.readAllLines(refdata.resolve("ChannelAttribution_Data.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(";");
      paths.add(new PathRow(List.of(f[0].split(" > ")), Long.parseLong(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3])));
    }
    List<String> channels = paths.stream().flatMap(p -> p.channels().stream()).distinct().sorted().toList();
    SparkSession spark = null;
    for (boolean withNull : new boolean[] {true, false}) {
      Path events = work.resolve(withNull ? "ca-events" : "ca-events-converting");
      Path warehouse = work.resolve(withNull ? "ca-warehouse" : "ca-warehouse-converting");
      JobSettings settings = settings(events, warehouse, channels);
      if (spark == null) {
        spark = SparkSessionFactory.create(settings);
      }
      writeEvents(spark, paths, withNull, events);
      new DailyJob(spark, settings).run(DAY1, DAY2);
      String variant = withNull ? "with null" : "without null";
      Map<String, double[]> expected = readExact(refdata.resolve(
          withNull ? "ChannelAttribution_markov_with_null_EXACT.csv" : "ChannelAttribution_markov_no_null_EXACT.csv"));
      double worstRelative = 0;
      for (Row r : spark.read().format("delta").load(warehouse.resolve("model_weights").toString())
          .filter("model = 'markov' AND date = DATE'" + DAY2 + "'").collectAsList()) {
        double ours = r.getDouble(r.fieldIndex("removal_effect"));
        double theirs = expected.getOrDefault(r.getString(r.fieldIndex("touchpoint")), new double[] {0, Double.NaN})[1];
        worstRelative = Math.max(worstRelative, Math.abs(ours - theirs) / Math.abs(theirs));
      }
      report("ChannelAttribution markov order 1 removal effects, " + variant, worstRelative, 1e-6, "relative");
      if (withNull) {
        heuristics(spark, refdata, warehouse);
      }
    }
    spark.stop();
  }

  private void heuristics(SparkSession spark, Path refdata, Path warehouse) throws IOException {
    Map<String, double[]> expected = new HashMap<>();
    List<String> lines = Files.readAllLines(refdata.resolve("ChannelAttribution_heuristic_models_output.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.replace("\"", "").split(",");
      double[] v = new double[6];
      for (int i = 0; i < 6; i++) {
        v[i] = Double.parseDouble(f[i + 1]);
      }
      expected.put(f[0], v);
    }
    String[] models = {"first_touch", "last_touch", "linear"};
    for (int m = 0; m < models.length; m++) {
      double worstConversions = 0;
      double worstValue = 0;
      for (Row r : spark.read().format("delta").load(warehouse.resolve("attribution").toString())
          .filter("model = '" + models[m] + "'").groupBy("touchpoint")
          .sum("credited_conversions", "credited_value").collectAsList()) {
        double[] theirs = expected.getOrDefault(r.getString(0), new double[6]);
        worstConversions = Math.max(worstConversions, Math.abs(r.getDouble(1) - theirs[2 * m]));
        worstValue = Math.max(worstValue, Math.abs(r.getDouble(2) - theirs[2 * m + 1]));
      }
      report("ChannelAttribution " + models[m] + " conversions per channel", worstConversions, 1e-6, "conversions");
      report("ChannelAttribution " + models[m] + " value per channel", worstValue, 1e-6, "value");
    }
  }

  private static Map<String, double[]> readExact(Path file) throws IOException {
    Map<String, double[]> result = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("#") || line.startsWith("channel")) {
        continue;
      }
      String[] f = line.split(",");
      result.put(f[0], new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4])});
    }
    return result;
  }

  private static JobSettings settings(Path events, Path warehouse, List<String> channels) {
    StringBuilder micro = new StringBuilder("conversions.micro=[");
    for (String c : channels) {
      // Commas matter: HOCON merges objects separated only by spaces into one.
      micro.append(micro.length() > "conversions.micro=[".length() ? ", " : "")
          .append("{name = ").append(c).append(", when = \"event_name = '").append(c).append("'\"}");
    }
    micro.append("]");
    return SettingsLoader.load(Optional.empty(), List.of(
        "spark.master=local[2]",
        "spark.conf.\"spark.sql.shuffle.partitions\"=8",
        "spark.conf.\"spark.ui.enabled\"=false",
        "input.path=" + events.toAbsolutePath(),
        "output.path=" + warehouse.toAbsolutePath(),
        "output.database=verify_references",
        "input.late-days=0",
        "input.allow-empty-days=true",
        "touchpoints.dedupe=none",
        "attribution.lookback=1d",
        "attribution.models=[first_touch, last_touch, linear, markov]",
        micro.toString(),
        "conversions.macro=[{name = purchase, when = \"event_name = 'purchase'\", value = \"revenue\"}]",
        "funnels=[]"));
  }

  /** One visitor per journey: its channels a minute apart from 00:00 of day 1, a purchase at 23:00. */
  private static void writeEvents(SparkSession spark, List<PathRow> paths, boolean withNull, Path out) {
    List<Row> rows = new ArrayList<>();
    long visitor = 0;
    for (PathRow p : paths) {
      double valuePerConversion = p.conversions() == 0 ? 0 : p.value() / p.conversions();
      long journeys = p.conversions() + (withNull ? p.nulls() : 0);
      for (long j = 0; j < journeys; j++) {
        String id = "v" + visitor++;
        long start = DAY1.toEpochDay() * 86_400L;
        for (int k = 0; k < p.channels().size(); k++) {
          rows.add(event(id + "-" + k, id, start + 60L * k, p.channels().get(k), null));
        }
        if (j < p.conversions()) {
          rows.add(event(id + "-c", id, start + 23 * 3600L, "purchase", valuePerConversion));
        }
      }
    }
    spark.createDataFrame(rows, StructType.fromDDL(
            "event_id STRING, event_time TIMESTAMP, visitor_id STRING, event_name STRING, revenue DOUBLE, event_date DATE"))
        .repartition(8)
        .write().mode("overwrite").partitionBy("event_date").parquet(out.toAbsolutePath().toString());
  }

  private static Row event(String eventId, String visitor, long epochSecond, String name, Double revenue) {
    return RowFactory.create(eventId, java.sql.Timestamp.from(java.time.Instant.ofEpochSecond(epochSecond)), visitor,
        name, revenue, java.sql.Date.valueOf(DAY1));
  }

  // ---- fractribution ----

  private void fractribution(Path dir) throws IOException {
    Map<List<String>, double[]> summary = new HashMap<>();
    List<String> lines = Files.readAllLines(dir.resolve("snowplow_fractribution_path_summary_expected.csv"));
    String[] header = lines.get(0).split(",");
    int conv = indexOf(header, "CONVERSIONS");
    int non = indexOf(header, "NON_CONVERSIONS");
    int path = indexOf(header, "TRANSFORMED_PATH");
    int revenue = indexOf(header, "REVENUE");
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      summary.put(List.of(f[path].split(" > ")),
          new double[] {Double.parseDouble(f[conv]), Double.parseDouble(f[non]), f[revenue].isEmpty() ? 0.0 : Double.parseDouble(f[revenue])});
    }
    SimplifiedShapley model = new SimplifiedShapley(p -> {
      double[] c = summary.get(p);
      return c == null || c[0] + c[1] == 0 ? 0.0 : c[0] / (c[0] + c[1]);
    });
    Map<String, double[]> ours = new TreeMap<>();
    Map<String, double[]> lastTouch = new TreeMap<>();
    summary.forEach((p, c) -> {
      if (c[0] > 0) {
        model.shares(p).forEach((channel, share) -> {
          double[] acc = ours.computeIfAbsent(channel, k -> new double[2]);
          acc[0] += share * c[0];
          acc[1] += share * c[2];
        });
        double[] acc = lastTouch.computeIfAbsent(p.get(p.size() - 1), k -> new double[2]);
        acc[0] += c[0];
        acc[1] += c[2];
      }
    });
    List<String> expected = Files.readAllLines(dir.resolve("snowplow_fractribution_channel_attribution_expected.csv"));
    double worstShapley = 0;
    double worstLast = 0;
    for (String line : expected.subList(1, expected.size())) {
      String[] f = line.split(",");
      Map<String, double[]> mine = f[5].equals("shapley") ? ours : lastTouch;
      double[] m = mine.getOrDefault(f[2], new double[2]);
      double diff = Math.max(Math.abs(m[0] - Double.parseDouble(f[3])), Math.abs(m[1] - Double.parseDouble(f[4])));
      if (f[5].equals("shapley")) {
        worstShapley = Math.max(worstShapley, diff);
      } else {
        worstLast = Math.max(worstLast, diff);
      }
    }
    report("fractribution simplified Shapley per channel (conversions, revenue)", worstShapley, 1e-6, "absolute");
    report("fractribution last touch per channel (conversions, revenue)", worstLast, 1e-6, "absolute");
  }

  /**
   * Our {@code paths.transform} against fractribution's unit test of its path transforms: each raw
   * path of its expected rows through {@link PathsReport#transformed}, for the four transforms both
   * name alike. Its rows whose paths hold an empty touchpoint ({@code ''}, {@code 'Example > Video > '})
   * are left out: a touchpoint of ours always has a name.
   */
  private void pathTransforms(SparkSession spark, Path dir) throws IOException {
    String sql = Files.readString(dir.resolve("test_path_transformations_expected.sql"));
    // The rows are the literals before the file's first template tag.
    int rowsEnd = sql.indexOf("{%");
    if (rowsEnd < 0) {
      throw new IllegalStateException("No template tag after the expected rows in test_path_transformations_expected.sql");
    }
    Matcher m = Pattern.compile("'([^']*)' as (\\w+)").matcher(sql.substring(0, rowsEnd));
    List<Map<String, String>> rows = new ArrayList<>();
    while (m.find()) {
      if (m.group(2).equals("raw_array")) {
        rows.add(new HashMap<>());
      }
      rows.get(rows.size() - 1).put(m.group(2), m.group(1));
    }
    Map<PathTransform, String> columns = Map.of(PathTransform.EXPOSURE, "exposure_path", PathTransform.UNIQUE, "unique_path",
        PathTransform.FIRST, "first_path", PathTransform.FREQUENCY, "frequency_path");
    int compared = 0;
    int differing = 0;
    for (Map<String, String> row : rows) {
      List<String> raw = List.of(row.get("raw_array").split(" > ", -1));
      if (raw.contains("")) {
        continue;
      }
      for (Map.Entry<PathTransform, String> c : columns.entrySet()) {
        Column path = functions.array(raw.stream().map(functions::lit).toArray(Column[]::new));
        String ours = spark.range(1).select(functions.array_join(PathsReport.transformed(path, c.getKey()), Columns.PATH_SEPARATOR))
            .as(Encoders.STRING()).first();
        compared++;
        if (!ours.equals(row.get(c.getValue()))) {
          differing++;
          System.out.printf("     %s of %s: ours %s, fractribution's %s%n", c.getKey(), row.get("raw_array"), ours,
              row.get(c.getValue()));
        }
      }
    }
    report("fractribution path transforms (" + compared + " cases)", compared == 0 ? Double.NaN : differing, 0, "differing");
  }

  private static int indexOf(String[] header, String name) {
    for (int i = 0; i < header.length; i++) {
      if (header[i].equalsIgnoreCase(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("Cannot find column " + name);
  }
}
