package io.journeys.cli;

import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** --config and --set, shared by every command that reads settings. */
public final class ConfigOptions {

  /** The embedded default when no --config is given and the file exists (a laptop checkout). */
  static final Path EMBEDDED_DEFAULT = Path.of("conf/local.conf");

  @Option(names = "--config", paramLabel = "FILE", description = "Environment config file (default: conf/local.conf when present).",
      converter = LocalFile.class)
  Path config;

  /**
   * A local path, or a file: URI. An s3a:// (or dbfs:, hdfs:) one was read as a local path with its
   * "//" collapsed, and failed as "file s3a:/b/prod.conf does not exist" (a review).
   */
  static final class LocalFile implements ITypeConverter<Path> {
    @Override
    public Path convert(String text) {
      // A scheme is followed by "/" (s3a://b/k, dbfs:/k, file:/p): prod:v2.conf is a file's name.
      java.util.regex.Matcher scheme = java.util.regex.Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):/").matcher(text);
      if (!scheme.find()) {
        return Path.of(text);
      }
      if (scheme.group(1).equalsIgnoreCase("file")) {
        try {
          return Path.of(java.net.URI.create(text));
        } catch (IllegalArgumentException e) {
          throw new TypeConversionException("'" + text + "' is not a file: URI of a local file (" + e.getMessage() + ")");
        }
      }
      throw new TypeConversionException("'" + text + "' is not a local file: --config reads the local filesystem;"
          + " ship a config in object storage with spark-submit's --files and give its name, or on Databricks give"
          + " its /dbfs/ or /Volumes/ path (see the README, On a cluster)");
    }
  }

  // Checked as the command line is parsed, so a malformed one is a usage error (exit 2, which a
  // scheduler should not retry), like a malformed date, rather than a config error (1).
  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting; repeatable.",
      converter = KeyValue.class)
  List<String> overrides = new ArrayList<>();

  /** Takes a --set value as it is, once it has a key before its '='. */
  static final class KeyValue implements ITypeConverter<String> {
    @Override
    public String convert(String text) {
      int eq = text.indexOf('=');
      if (eq < 0 || text.substring(0, eq).isBlank()) {
        throw new TypeConversionException("'" + text + "' is not of the form KEY=VALUE");
      }
      return text;
    }
  }

  public Optional<Path> file() {
    if (config != null) {
      return Optional.of(config);
    }
    return java.nio.file.Files.isRegularFile(EMBEDDED_DEFAULT) ? Optional.of(EMBEDDED_DEFAULT) : Optional.empty();
  }

  public List<String> overrides() {
    return overrides(System.getProperty("spark.master"));
  }

  /**
   * The --set overrides, after one that leaves the master to spark-submit when it gave one
   * ({@code submitMaster}) and the master is written in the embedded default, a file found in the
   * working directory rather than asked for: spark-submit's --master from a checkout ran the job
   * in local[*] without a word (a review). A --config, a --set or the environment variable the
   * file reads (JOURNEYS_SPARK_MASTER) that sets spark.master still wins.
   */
  List<String> overrides(String submitMaster) {
    if (config != null || submitMaster == null || file().isEmpty()) {
      return overrides;
    }
    String writtenIn = SettingsLoader.loadConfig(file(), overrides).getValue("spark.master").origin().filename();
    if (writtenIn == null || !Path.of(writtenIn).toAbsolutePath().equals(EMBEDDED_DEFAULT.toAbsolutePath())) {
      return overrides;
    }
    List<String> all = new ArrayList<>();
    all.add("spark.master=");
    all.addAll(overrides);
    return all;
  }

  public JobSettings settings() {
    return SettingsLoader.load(file(), overrides());
  }

  public SettingsLoader.LoadedConfig config() {
    return SettingsLoader.loadNoted(file(), overrides());
  }
}
