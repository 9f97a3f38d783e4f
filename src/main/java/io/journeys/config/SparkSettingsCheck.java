package io.journeys.config;

import io.journeys.ErrorMessages;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.internal.config.ConfigEntry;

/**
 * Checks {@code spark.master} and the values of {@code spark.conf} as Spark itself would, before a
 * session starts. Spark checks them only when it starts (the master) or first reads them (a
 * setting's value), and then fails with a stack trace and a message that names neither the key nor
 * the config file: {@code check-config} passed {@code spark.master = 123}, and a run failed with
 * "Error while instantiating 'HiveSessionStateBuilder':" on a shuffle partitions value of
 * {@code banana}.
 */
final class SparkSettingsCheck {

  private SparkSettingsCheck() {}

  // Spark's own master forms (SparkContext.createTaskScheduler), and any URL of another cluster
  // manager (yarn is the one without a scheme).
  // Spark takes no space inside local[N]'s brackets, only around local[N, F]'s comma.
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:\\s*,\\s*(\\d+))?])?");
  private static final Pattern LOCAL_CLUSTER =
      Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*\\d+\\s*,\\s*\\d+\\s*]");
  private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.+");

  /** Why {@code master} is not a master Spark accepts, if it is not. */
  static Optional<String> masterProblem(String master) {
    Matcher local = LOCAL.matcher(master);
    if (local.matches()) {
      if (local.group(1) != null && !local.group(1).equals("*") && !positive(local.group(1))) {
        return Optional.of("asks for " + local.group(1) + " threads; local[N] needs N of 1 or more, or local[*]");
      }
      return Optional.empty();
    }
    if (master.equals("yarn") || LOCAL_CLUSTER.matcher(master).matches() || URL.matcher(master).matches()) {
      return Optional.empty();
    }
    return Optional.of("is not a Spark master URL: use local, local[N], local[*], local[N,F], yarn, "
        + "spark://HOST:PORT or k8s://URL, or leave it empty for spark-submit's --master");
  }

  private static boolean positive(String digits) {
    try {
      return Integer.parseInt(digits) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  // The objects whose fields define Spark's and Delta's settings; each registers its settings when
  // loaded. A key none of them defines (a Hadoop setting, a plugin's) is passed through unchecked,
  // as Spark does.
  private static final List<String> DEFINITIONS = List.of(
      "org.apache.spark.internal.config.package$",
      "org.apache.spark.internal.config.UI$",
      "org.apache.spark.internal.config.Network$",
      "org.apache.spark.sql.internal.SQLConf$",
      "org.apache.spark.sql.internal.StaticSQLConf$",
      "org.apache.spark.sql.delta.sources.DeltaSQLConf$");

  private static volatile boolean loaded;

  /**
   * Why {@code value} is not a value Spark accepts for {@code key}, if Spark defines the key and
   * refuses it (a type or a range its definition checks). Spark's registry of settings is internal
   * to it; a key it does not find there is not checked.
   */
  static Optional<String> valueProblem(String key, String value) {
    loadDefinitions();
    ConfigEntry<?> entry = ConfigEntry.findEntry(key);
    if (entry == null) {
      return Optional.empty();
    }
    try {
      entry.valueConverter().apply(value);
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of("is refused by Spark: " + ErrorMessages.firstLine(e.getMessage()));
    }
  }

  private static void loadDefinitions() {
    if (loaded) {
      return;
    }
    ClassLoader loader = SparkSettingsCheck.class.getClassLoader();
    for (String name : DEFINITIONS) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // Not on this classpath (a Spark without Delta, say): its settings go unchecked.
      }
    }
    loaded = true;
  }
}
