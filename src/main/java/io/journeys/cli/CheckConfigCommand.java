package io.journeys.cli;

import com.typesafe.config.Config;
import io.journeys.config.ConfigPrinter;
import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import io.journeys.io.EventReader;
import io.journeys.pipeline.RuleResolution;
import io.journeys.spark.SparkSessionFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description = "Validate the config and its predicates; print the effective config with secrets masked.")
final class CheckConfigCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    SettingsLoader.LoadedConfig loaded = options.config();
    Config config = loaded.config();
    JobSettings settings = SettingsLoader.parse(config);
    // The rules resolved as run resolves them, by Spark's analyzer (its columns, functions and
    // types), on no events: a session of this process alone, without the job's catalog or input.
    SparkSession spark = SparkSession.builder().master("local[1]").appName("journeys check-config")
        .config("spark.ui.enabled", "false").config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
        .getOrCreate().newSession();
    // With the SQL settings run's session has, which decide how the analyzer reads a rule: with
    // spark.sql.caseSensitive set, a rule naming EVENT_NAME passed here and failed at run (a review).
    // Settings a running session cannot take (the catalog, extensions) do not bear on resolving.
    for (Map<String, String> conf : List.of(SparkSessionFactory.baseConf(), settings.spark().conf())) {
      conf.forEach((key, value) -> {
        if (spark.conf().isModifiable(key)) {
          spark.conf().set(key, value);
        }
      });
    }
    RuleResolution.check(EventReader.noEvents(spark), settings);
    loaded.logNotes();
    spec.commandLine().getOut().println("# effective config (" + options.file().map(Object::toString).orElse("reference.conf only") + ")");
    spec.commandLine().getOut().print(ConfigPrinter.render(config));
    spec.commandLine().getOut().println("# config OK");
    spec.commandLine().getOut().flush();
    return 0;
  }
}
