package io.journeys.cli;

import com.typesafe.config.Config;
import io.journeys.config.ConfigPrinter;
import io.journeys.config.SettingsLoader;
import java.util.concurrent.Callable;
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
    Config config = options.config();
    SettingsLoader.parse(config);
    spec.commandLine().getOut().println("# effective config (" + options.file().map(Object::toString).orElse("reference.conf only") + ")");
    spec.commandLine().getOut().print(ConfigPrinter.render(config));
    spec.commandLine().getOut().println("# config OK");
    spec.commandLine().getOut().flush();
    return 0;
  }
}
