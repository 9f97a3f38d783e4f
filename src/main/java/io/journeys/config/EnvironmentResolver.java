package io.journeys.config;

import com.typesafe.config.ConfigResolver;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.Map;

/**
 * Resolves {@code ${?VAR}} and {@code ${VAR}} from the process environment, as Typesafe Config's
 * own fallback does, but with each value's origin naming its variable: an error about a value that
 * came from the environment then says which variable to fix, where the built-in fallback says only
 * "env variables".
 */
final class EnvironmentResolver implements ConfigResolver {
  private final Map<String, String> environment;

  EnvironmentResolver(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public ConfigValue lookup(String path) {
    // A name with a dot is written quoted, ${?"A.B"}, and rendered with its quotes.
    String name = path.length() > 1 && path.startsWith("\"") && path.endsWith("\"")
        ? path.substring(1, path.length() - 1) : path;
    String value = environment.get(name);
    return value == null ? null : ConfigValueFactory.fromAnyRef(value, "environment variable " + name);
  }

  @Override
  public ConfigResolver withFallback(ConfigResolver fallback) {
    ConfigResolver self = this;
    return new ConfigResolver() {
      @Override
      public ConfigValue lookup(String path) {
        ConfigValue value = self.lookup(path);
        return value != null ? value : fallback.lookup(path);
      }

      @Override
      public ConfigResolver withFallback(ConfigResolver next) {
        return self.withFallback(fallback.withFallback(next));
      }
    };
  }
}
