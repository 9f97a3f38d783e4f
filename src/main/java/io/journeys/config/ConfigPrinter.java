package io.journeys.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.Map;
import java.util.regex.Pattern;

/** Renders the effective config for {@code check-config}, with every secret-looking value masked. */
public final class ConfigPrinter {

  static final String MASK = "********";

  /**
   * Secrets by key name: passwords, tokens, secret and access keys. A credentials provider is a
   * class name, not a secret, so the plural form is left readable.
   */
  private static final Pattern SECRET_KEY =
      Pattern.compile(
          "(?i).*(secret|password|passwd|token|access[._-]?key|session[._-]?key|credential(?!s-provider|s\\.provider)|private[._-]?key).*");

  private ConfigPrinter() {}

  public static boolean isSecret(String key) {
    return SECRET_KEY.matcher(key).matches();
  }

  public static Config masked(Config config) {
    Config result = config;
    for (Map.Entry<String, ConfigValue> entry : config.entrySet()) {
      if (isSecret(entry.getKey())) {
        result = result.withValue(entry.getKey(), ConfigValueFactory.fromAnyRef(MASK));
      }
    }
    return result;
  }

  /** HOCON text of the masked config, without comments, keys sorted. */
  public static String render(Config config) {
    return masked(config)
        .root()
        .render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false));
  }
}
