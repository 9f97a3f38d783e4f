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
   * Secrets by key name: passwords, tokens, secret, access, account, encryption and API keys,
   * Azure's shared access signatures (a key with a "sas" part). A
   * credentials provider is a class name, not a secret, so the plural form is left readable.
   */
  private static final Pattern SECRET_KEY =
      Pattern.compile(
          "(?i).*(secret|password|passwd|token|(access|session|private|account|encryption|api)[._-]?key"
              + "|credential(?!s-provider|s\\.provider)|(^|[._\"-])sas([._\"-]|$)).*");

  /**
   * A password inside a value: URL user info (scheme://user:password@host, to the last @ before
   * the query, since a password typed unencoded may hold an @ or a /; a path holding an @ after a
   * port is masked too, the safe side), Oracle's user/password@ in a thin URL, or a secret-looking
   * NAME=value wherever it stands: password= in a JDBC URL, a token, secret or signature in a URL's
   * query (?token=, ?access_token=, X-Amz-Signature=, Azure's sig=; a black-box test found ?token=
   * printed in a failing line), fs.s3a.secret.key= or Azure's AccountKey= in a message: a name
   * ending in password, passwd, pwd, token, secret, signature, credential or an api, access, secret,
   * session, private, account or encryption key, or sig itself. A bare key= is left alone: "--set
   * expects key=value" says it; so are names with the key word inside (Azure's
   * fs.azure.account.key.ACCOUNT=), which check-config masks by key. The value ends at ;, &, a
   * space, or a quote that closes it (one followed by a space, ), ;, ,, & or the end), so that the
   * line around it stays readable while a password holding a quote is still masked whole.
   */
  private static final Pattern USER_INFO = Pattern.compile("(://[^/:@\\s]*:)[^?#\\s]*@");
  private static final Pattern ORACLE_USER_PASSWORD = Pattern.compile("(?i)(:thin:[^/:@\\s]+/)[^@\\s]+@");
  private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)((?<![\\w.-])(?:[\\w.-]*(?:password|passwd|pwd|token"
      + "|secret|signature|credential|(?:api|access|secret|session|private|account|encryption)[._-]?key)|sig)=)(?:[^;&\\s'\"]|['\"](?![\\s);,&]|$))+");

  private ConfigPrinter() {}

  public static boolean isSecret(String key) {
    return SECRET_KEY.matcher(key).matches();
  }

  /**
   * The text with any password it carries (URL user info, a secret-looking parameter) masked: a config
   * value, or a failure's line, which may quote one (a black-box test: spark.master's password in
   * the line of a master that could not be reached).
   */
  public static String withoutPasswords(String value) {
    String masked = USER_INFO.matcher(value).replaceAll("$1" + MASK + "@");
    masked = ORACLE_USER_PASSWORD.matcher(masked).replaceAll("$1" + MASK + "@");
    return SECRET_PARAMETER.matcher(masked).replaceAll("$1" + MASK);
  }

  public static Config masked(Config config) {
    Config result = config;
    for (Map.Entry<String, ConfigValue> entry : config.entrySet()) {
      if (isSecret(entry.getKey())) {
        result = result.withValue(entry.getKey(), ConfigValueFactory.fromAnyRef(MASK));
      } else if (entry.getValue().unwrapped() instanceof String text && !withoutPasswords(text).equals(text)) {
        result = result.withValue(entry.getKey(), ConfigValueFactory.fromAnyRef(withoutPasswords(text)));
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
