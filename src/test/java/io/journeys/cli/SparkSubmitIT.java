package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.config.JobSettings;
import io.journeys.io.OutputTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar under the real {@code org.apache.spark.deploy.SparkSubmit} (spark-core's class,
 * no Spark distribution), in child processes whose classpath has Spark but neither our classes nor
 * Delta: so Delta must resolve from the jar. It generates events, runs the job over them with the
 * embedded default config (whose Derby metastore lands in the test's directory), and meanwhile the
 * same run on a standalone cluster (master, worker and executors in their own JVMs); a second, unrelated
 * Spark process finds the first run's tables by name in that metastore, finds the same rows in
 * both runs' tables, and checks the tables against one another by name.
 */
class SparkSubmitIT {
  @TempDir Path dir;

  private record Result(int code, String out) {}

  private Result submit(String... args) throws Exception {
    return runIn(dir, submitCommand("local[2]", args), "spark-submit");
  }

  private List<String> submitCommand(String master, String... args) {
    return submitCommand(master, args, new String[0]);
  }

  private List<String> submitCommand(String master, String[] args, String... confs) {
    String jar = System.getProperty("journeys.jar");
    assertThat(Path.of(jar)).as("shaded jar from `mvn package`").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags());
    command.addAll(List.of("-Xmx2g", "-cp", sparkClasspath(), "org.apache.spark.deploy.SparkSubmit",
        "--master", master, "--class", "io.journeys.cli.JourneysCli",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2",
        "--conf", "spark.executor.memory=1g", "--conf", "spark.databricks.delta.snapshotPartitions=2"));
    command.addAll(Arrays.asList(confs));
    command.add(jar);
    command.addAll(Arrays.asList(args));
    return command;
  }

  /** Spark and Hadoop as a cluster provides them: neither our classes nor Delta nor our libraries. */
  private static String sparkClasspath() {
    return StandaloneCluster.sparkOnly(System.getProperty("java.class.path"));
  }

  private static List<String> jvmFlags() {
    return Arrays.asList(System.getProperty("journeys.jvm.flags").trim().split("\\s+"));
  }

  /** Runs a command in {@code cwd}, where the relative paths of conf/local.conf (the metastore) land. */
  private Result runIn(Path cwd, List<String> command, String what) throws Exception {
    return start(cwd, command).await(what);
  }

  private record Started(Process process, Path log) {
    Result await(String what) throws Exception {
      // A guard against a hung process only: two runs side by side on 2 cores took 3 minutes.
      assertThat(process.waitFor(10, TimeUnit.MINUTES)).as(what + " finished").isTrue();
      return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  private Started start(Path cwd, List<String> command) throws Exception {
    Path log = dir.resolve("process-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    return new Started(p, log);
  }

  /**
   * A plain Spark process (CatalogProbe) with Delta and Hive on its classpath, none of the job:
   * the catalog of {@code database}, then the tables of two warehouses compared. It took 47-56 s
   * of the test's 176-187 s (2026-12-06, timed inside: the session 3 s, listing the tables 10 s
   * as the Hive client starts, their counts 15 s, the comparisons 13-16 s, the checks 10-12 s;
   * with C2 no faster); the generator took 13 s and the two runs side by side 99 and 109 s.
   */
  private Result probeCatalog(String database, Path expected, Path actual, String query) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags());
    command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"),
        "io.journeys.tools.CatalogProbe", "data/metastore", database, expected.toString(), actual.toString(), query));
    return runIn(dir, command, "catalog probe");
  }

  @Test
  void jarRunsTheJobUnderSparkSubmitWithDeltaFromTheJar() throws Exception {
    String[] common = options("warehouse", "submit_it");
    Started generating = start(dir, submitCommand("local[2]", concat(new String[] {"generate", "--out",
        dir.resolve("events").toString(), "--visitors", "150", "--days", "3"}, common)));

    String[] range = {"run", "--date", "2026-01-01", "--to", "2026-01-03"};
    // The same run distributed (a standalone master and worker, executors in their own JVMs) goes
    // on beside the local one. Its driver runs in a directory of its own, so it has its own Derby
    // metastore, which one process at a time may open. Each driver spends much of a run planning
    // on one thread, so the two together take less time than one after the other (on 2 cores, the
    // test took 271 s against 288 s). The master and worker start while the events are generated.
    try (StandaloneCluster cluster = StandaloneCluster.start(Files.createDirectories(dir.resolve("cluster")),
        sparkClasspath(), jvmFlags(), 2, "2g")) {
      Result generated = generating.await("generate");
      assertThat(generated.code()).as(generated.out()).isZero();
      Started distributedRun = start(Files.createDirectories(dir.resolve("cluster-driver")),
          submitCommand(cluster.masterUrl(), concat(range, options("warehouse-cluster", "submit_cluster")),
              // The worker forks executors with these options only, not with its own JVM's flags.
              "--conf", "spark.executor.extraJavaOptions=" + System.getProperty("journeys.child.jvm.flags")));
      Result run;
      Result distributed;
      try {
        run = submit(concat(range, common));
        distributed = distributedRun.await("spark-submit to the cluster");
      } finally {
        distributedRun.process().destroyForcibly();
      }
      assertThat(run.code()).as(run.out()).isZero();
      assertThat(run.out()).contains("rows written:")
          .as("the shaded jar carries the build's version")
          .containsPattern("run \\S+ \\(conversion-journeys " + java.util.regex.Pattern.quote(System.getProperty("journeys.pom.version"))
              + "\\) done in ");
      assertThat(distributed.code()).as(distributed.out() + cluster.logs()).isZero();
      assertThat(cluster.logs()).as("tasks ran in an executor JVM forked by the worker")
          .contains("Asked to launch executor").contains("Executor: Finished task");
    } finally {
      // Also when the cluster failed to start: the generator must not outlive the test.
      generating.process().destroyForcibly();
    }

    Result probe = probeCatalog("submit_it", dir.resolve("warehouse"), dir.resolve("warehouse-cluster"),
        CROSS_TABLE_CHECKS.formatted(JobSettings.MODELS.size(), dir.resolve("events")));
    assertThat(probe.code()).as(probe.out()).isZero();
    List<String> found = probe.out().lines().filter(l -> l.startsWith("table ") || l.startsWith("column ")).toList();
    for (OutputTable table : OutputTable.values()) {
      assertThat(found).as(probe.out())
          .anyMatch(l -> l.startsWith("table " + table.tableName() + " EXTERNAL rows=")
              && l.endsWith(" comment=" + table.comment()));
      for (StructField field : table.schema().fields()) {
        assertThat(found).contains("column " + table.tableName() + "." + field.name() + " comment="
            + (field.getComment().isDefined() ? field.getComment().get() : "null"));
      }
    }
    // The checks below count rows that break a rule, which an empty table never does: every
    // table the generated events must fill has rows (only sessions was required, a review).
    for (OutputTable table : OutputTable.values()) {
      if (table != OutputTable.QUARANTINE && table != OutputTable.IDENTITIES) {
        assertThat(found).as(probe.out()).anyMatch(l -> l.matches("table " + table.tableName() + " EXTERNAL rows=[1-9][0-9]* .*"));
      }
    }
    assertThat(found).anyMatch(l -> l.startsWith("table attribution_by_model VIEW rows="))
        .anyMatch(l -> l.startsWith("table micro_conversion_scorecard VIEW rows="))
        .anyMatch(l -> l.matches("table sessions EXTERNAL rows=[1-9][0-9]* .*"));
    // Every output table of the cluster run holds the rows of the local[2] run, run_metrics aside.
    for (OutputTable table : OutputTable.values()) {
      if (table != OutputTable.RUN_METRICS) {
        assertThat(probe.out().lines().toList()).as(probe.out()).contains("same " + table.tableName());
      }
    }
    assertThat(probe.out()).as(probe.out()).doesNotContain("differs ");

    // The tables agree with one another, queried by name in that process as an analyst's session
    // would: each check counts the rows (or dates) that break it. (As `journeys sql` under
    // spark-submit it took a JVM of its own; the command is tested in RunCommandTest and JourneysCliTest.)
    // stdout and Spark's log share the stream: look for the CSV lines among them.
    assertThat(probe.out().lines().filter(l -> l.matches("[a-z_0-9]+,-?[0-9]+")).toList()).as(probe.out())
        .containsExactlyInAnyOrder(CHECKS.stream().map(c -> c + ",0").toArray(String[]::new));
    assertThat(dir.resolve("warehouse/journeys/_delta_log")).isDirectory();
  }

  private static final List<String> CHECKS = List.of("has_sessions", "some_journeys_convert",
      "credit_equals_conversions", "every_model_credits", "macros_close_journeys", "paths_count_journeys",
      "rows_accounted", "quarantine_counted", "path_is_touchpoints", "journey_counted_once",
      "markov_weights_sum_to_1", "micro_rate", "funnel_narrows", "channel_sessions", "channel_macros",
      "conversion_in_a_session", "journey_rule_fires", "journey_rule_once_per_journey", "journey_rule_at_a_match");

  /**
   * Consistency of the tables with one another, computed from the tables alone, so independent of
   * how the job computes each: every macro conversion closes one converting journey on its day and
   * hands out exactly 1 conversion and its value under every model; paths, channel performance and
   * run_metrics count the same rows as the tables they summarise, and each of the three days' rows
   * read is its input partition's row count. %d is the number of models, %s the input's path.
   * input.late-days = 0 keeps both stages to the three generated days.
   * The last three: a rule counted per journey fires, at most once per journey, at a match stage 1
   * handed on.
   */
  private static final String CROSS_TABLE_CHECKS = """
      WITH j AS (SELECT * FROM journeys),
      converting AS (SELECT close_date AS d, macro_conversion AS m, count(*) AS n, sum(coalesce(value, 0)) AS v
        FROM j WHERE converted GROUP BY 1, 2),
      credit AS (SELECT conversion_date AS d, macro_conversion AS m, model, sum(credited_conversions) AS n,
        sum(coalesce(credited_value, 0)) AS v FROM attribution GROUP BY 1, 2, 3)
      SELECT 'has_sessions' AS chk, if(count(*) > 0, 0, 1) AS bad FROM sessions
      UNION ALL SELECT 'some_journeys_convert', if(count_if(converted) > 0 AND count_if(NOT converted) > 0, 0, 1) FROM j
      UNION ALL SELECT 'credit_equals_conversions', count(*) FROM credit FULL JOIN converting c ON credit.d = c.d AND credit.m = c.m
        WHERE c.n IS NULL OR credit.n IS NULL OR abs(credit.n - c.n) > 1e-9 * c.n OR abs(credit.v - c.v) > 1e-9 * greatest(1, c.v)
      UNION ALL SELECT 'every_model_credits', count(*) FROM (SELECT d, m FROM credit GROUP BY 1, 2 HAVING count(*) <> %d)
      UNION ALL SELECT 'macros_close_journeys', count(*)
        FROM (SELECT event_date AS d, count(*) AS n FROM conversions WHERE kind = 'macro' GROUP BY 1) x
        FULL JOIN (SELECT d, sum(n) AS n FROM converting GROUP BY 1) y ON x.d = y.d WHERE x.n IS NULL OR y.n IS NULL OR x.n <> y.n
      UNION ALL SELECT 'paths_count_journeys', count(*)
        FROM (SELECT close_date AS d, sum(conversions) AS c, sum(non_conversions) AS n FROM paths GROUP BY 1) p
        FULL JOIN (SELECT close_date AS d, count_if(converted) AS c, count_if(NOT converted) AS n FROM j GROUP BY 1) q
        ON p.d = q.d WHERE p.c IS NULL OR q.c IS NULL OR p.c <> q.c OR p.n <> q.n
      UNION ALL SELECT 'rows_accounted', count_if(i.n IS NULL OR r.rows_read <> i.n OR r.rows_valid < 0 OR r.rows_duplicate < 0)
        + abs(count(*) - 3) FROM run_metrics r LEFT JOIN (SELECT event_date AS d, count(*) AS n FROM parquet.`%s` GROUP BY 1) i
        ON r.date = i.d
      UNION ALL SELECT 'quarantine_counted', count(*) FROM (SELECT date, sum(rows_quarantined) AS n FROM run_metrics GROUP BY 1) r
        FULL JOIN (SELECT event_date AS d, count(*) AS n FROM quarantine GROUP BY 1) q ON r.date = q.d
        WHERE coalesce(r.n, 0) <> coalesce(q.n, 0)
      UNION ALL SELECT 'path_is_touchpoints', count(*) FROM j WHERE size(touchpoints) <> size(touchpoint_times)
        OR path <> if(size(touchpoints) = 0, '(none)', array_join(touchpoints, ' > '))
      UNION ALL SELECT 'journey_counted_once', count(*) FROM (SELECT journey_id FROM j GROUP BY 1 HAVING count(*) > 1)
      UNION ALL SELECT 'markov_weights_sum_to_1', count_if(abs(w - 1) > 1e-9) + if(count(*) = 3, 0, 1)
        FROM (SELECT date, sum(weight) AS w FROM model_weights WHERE model = 'markov' GROUP BY 1)
      UNION ALL SELECT 'micro_rate', count(*) FROM micro_conversion_performance
        WHERE converted_visitors > visitors OR abs(conversion_rate - converted_visitors / visitors) > 1e-12
      UNION ALL SELECT 'funnel_narrows', count(*) FROM funnels a JOIN funnels b
        ON a.date = b.date AND a.funnel = b.funnel AND b.step = a.step + 1 WHERE b.visitors > a.visitors
      UNION ALL SELECT 'channel_sessions', count(*) FROM (SELECT date, sum(sessions) AS n FROM channel_performance GROUP BY 1) x
        FULL JOIN (SELECT session_date AS d, count(*) AS n FROM sessions GROUP BY 1) y ON x.date = y.d
        WHERE coalesce(x.n, 0) <> coalesce(y.n, 0)
      UNION ALL SELECT 'channel_macros', count(*) FROM (SELECT date, sum(macro_conversions) AS n FROM channel_performance GROUP BY 1) x
        FULL JOIN (SELECT event_date AS d, count_if(kind = 'macro') AS n FROM conversions GROUP BY 1) y ON x.date = y.d
        WHERE coalesce(x.n, 0) <> coalesce(y.n, 0)
      UNION ALL SELECT 'conversion_in_a_session', count(*) FROM conversions c LEFT ANTI JOIN sessions s ON c.session_id = s.session_id
      UNION ALL SELECT 'journey_rule_fires', if(count_if(array_contains(touchpoints, 'pages_4_per_journey')) > 0, 0, 1) FROM j
      UNION ALL SELECT 'journey_rule_once_per_journey', count(*) FROM j
        WHERE size(filter(touchpoints, x -> x = 'pages_4_per_journey')) > 1
      UNION ALL SELECT 'journey_rule_at_a_match', count(*)
        FROM (SELECT touchpoint_times AS at FROM (SELECT inline(arrays_zip(touchpoints, touchpoint_times)) FROM j)
          WHERE touchpoints = 'pages_4_per_journey') f
        LEFT ANTI JOIN journey_rule_matches m ON m.event_time = f.at AND m.conversion = 'pages_4_per_journey'
      """;

  /** conf/local.conf with a micro rule counted per journey added to its rules. */
  private String config() {
    Path config = dir.resolve("it.conf");
    try {
      Files.writeString(config, "include file(\"" + Path.of("conf/local.conf").toAbsolutePath() + "\")\n"
          + "conversions.micro += { name = " + JOURNEY_RULE + ", when = \"event_name = 'page_view'\", min-count = 4,"
          + " per = journey }\n", StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return config.toString();
  }

  private static final String JOURNEY_RULE = "pages_4_per_journey";

  private String[] options(String warehouse, String database) {
    return new String[] {"--config", config(), "--set", "spark.master=", "--set", "input.path=" + dir.resolve("events"),
        "--set", "output.path=" + dir.resolve(warehouse), "--set", "output.database=" + database,
        "--set", "attribution.lookback=1d", "--set", "input.late-days=0"};
  }

  private static String[] concat(String[] a, String[] b) {
    String[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
