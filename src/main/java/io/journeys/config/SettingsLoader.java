package io.journeys.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.journeys.Columns;
import io.journeys.ErrorMessages;
import io.journeys.config.ConversionRule.CountScope;
import io.journeys.config.ConversionRule.Kind;
import io.journeys.config.JobSettings.AttributionSettings;
import io.journeys.config.JobSettings.InputSettings;
import io.journeys.config.JobSettings.OutputSettings;
import io.journeys.config.JobSettings.PathTransform;
import io.journeys.config.JobSettings.ReportSettings;
import io.journeys.config.JobSettings.SessionSettings;
import io.journeys.config.JobSettings.SessionSource;
import io.journeys.config.JobSettings.SparkSettings;
import io.journeys.config.JobSettings.TouchpointDedupe;
import io.journeys.config.JobSettings.TouchpointKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;

/**
 * Builds {@link JobSettings} from config sources, in this order of precedence (highest first):
 *
 * <ol>
 *   <li>{@code --set key=value} overrides,
 *   <li>the environment file given with {@code --config} ({@code ${?ENV_VAR}} substitutions resolve
 *       against the process environment),
 *   <li>{@code reference.conf} in the jar, which holds every default.
 * </ol>
 *
 * <p>Every key of the merged config must exist in {@code reference.conf} (free-form maps such as
 * {@code spark.conf} excepted), so a misspelt key fails with its name and file instead of being
 * silently ignored. Values are type-checked and predicates syntax-checked here, before Spark reads
 * any data. Every error is one line of the form "Cannot load config: ...".
 */
public final class SettingsLoader {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SettingsLoader.class);

  /** Subtrees whose keys are the user's own (passed through, not checked against defaults). */
  private static final Set<String> FREE_FORM = Set.of("spark.conf");
  /** A year's late events, leap day included. */
  static final int MAX_LATE_DAYS = 366;

  private static final Set<String> MICRO_KEYS = Set.of("name", "when", "min-count", "per");
  private static final Set<String> MACRO_KEYS = Set.of("name", "when", "value");
  private static final Set<String> CHANNEL_KEYS = Set.of("name", "when");
  private static final Set<String> FUNNEL_KEYS = Set.of("name", "steps");

  private SettingsLoader() {}

  /**
   * A loaded config and what loading it left out (reference.conf's funnels of other conversions),
   * said by {@link #logNotes()} where it matters: by check-config once the config has passed its
   * checks, by run once the run has succeeded. Logged as it was loaded, by every command, the note
   * came before the one line of a config or run that then failed (a black-box test).
   */
  public record LoadedConfig(Config config, List<String> notes) {
    public void logNotes() {
      notes.forEach(LOG::info);
    }
  }

  /** The merged, resolved config: reference.conf, then the file, then the overrides. */
  public static Config loadConfig(Optional<Path> file, List<String> overrides) {
    return loadNoted(file, overrides).config();
  }

  /** {@link #loadConfig}, with its notes. */
  public static LoadedConfig loadNoted(Optional<Path> file, List<String> overrides) {
    Config reference = ConfigFactory.parseResources("reference.conf");
    if (reference.isEmpty()) {
      throw new ConfigError("Cannot load config: reference.conf is missing from the classpath");
    }
    Config merged = reference;
    boolean funnelsWritten = false;
    if (file.isPresent()) {
      Path path = file.get();
      if (Files.isDirectory(path)) {
        throw new ConfigError("Cannot load config: " + path + " is a directory; --config takes a config file");
      }
      if (!Files.isReadable(path)) {
        throw new ConfigError("Cannot load config: file " + path + " does not exist or is not readable");
      }
      try {
        Config fromFile =
            ConfigFactory.parseFile(path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        merged = fromFile.withFallback(merged);
        // The file's own root, before any substitution: funnels = ${funnels} is written too.
        funnelsWritten = fromFile.root().containsKey("funnels");
      } catch (ConfigException e) {
        throw new ConfigError("Cannot load config: " + oneLine(e), e);
      }
    }
    Config parsedOverrides = parseOverrides(overrides);
    funnelsWritten |= parsedOverrides.root().containsKey("funnels");
    Config withOverrides = parsedOverrides.withFallback(withoutNestedSparkKeys(merged, overrides));
    Config resolved;
    try {
      // ${?VAR} and ${VAR} fall back to the process environment, through a resolver that names the variable.
      resolved = withOverrides.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(false)
          .setUseSystemEnvironment(false).appendResolver(new EnvironmentResolver(System.getenv())));
    } catch (ConfigException e) {
      throw new ConfigError("Cannot load config: " + oneLine(e), e);
    }
    rejectUnknownKeys(resolved, reference);
    List<String> notes = new ArrayList<>();
    return new LoadedConfig(funnelsWritten ? resolved : withoutDefaultFunnelsOfOtherConversions(resolved, notes), notes);
  }

  /**
   * The file's spark.conf keys written as nested paths that a --set of the same Spark key replaces:
   * the --set's key is quoted ({@link #sparkKeyQuoted}), so the file's nested one stayed beside it
   * and the two were refused as one key written twice (a review).
   */
  private static Config withoutNestedSparkKeys(Config merged, List<String> overrides) {
    Config result = merged;
    for (String override : overrides) {
      int eq = override.indexOf('=');
      String key = eq > 0 ? override.substring(0, eq).trim() : "";
      String prefix = "spark.conf.";
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        String nested = prefix + unquote(key.substring(prefix.length()));
        try {
          // A leaf only: the object at spark.conf.spark.speculation holds the file's other keys
          // (spark.speculation.multiplier), not the one --set replaces.
          if (result.hasPath(nested) && result.getValue(nested).valueType() != ConfigValueType.OBJECT) {
            result = result.withoutPath(nested);
            // and the objects it leaves empty, which check-config printed (spark { sql { shuffle {} } })
            for (String parent = parentOf(nested); parent.length() > prefix.length() - 1
                && result.hasPath(parent) && result.getObject(parent).isEmpty(); parent = parentOf(parent)) {
              result = result.withoutPath(parent);
            }
          }
        } catch (ConfigException e) {
          // not a path of the files (a value on the way, or a substitution): nothing to replace
        }
      }
    }
    return result;
  }

  private static String parentOf(String path) {
    return path.substring(0, Math.max(0, path.lastIndexOf('.')));
  }

  /**
   * reference.conf's funnel is made of reference.conf's conversions. A config that defines its own
   * conversions and writes no funnels (SPEC's own example) failed at start-up on that funnel, naming
   * a file the user never wrote (a review). Called where neither the file nor --set writes
   * {@code funnels}: a funnel of reference.conf whose steps are not all per-session or macro
   * conversions of this config is left out. A funnel the config writes is checked as written.
   */
  private static Config withoutDefaultFunnelsOfOtherConversions(Config c, List<String> notes) {
    if (!c.hasPath("funnels")) {
      return c;
    }
    Set<String> steps = new HashSet<>();
    List<? extends ConfigObject> funnels;
    try {
      for (ConfigObject rule : c.getObjectList("conversions.micro")) {
        Config r = rule.toConfig();
        if (!r.hasPath("per") || !r.getString("per").equalsIgnoreCase("journey")) {
          steps.add(r.getString("name").trim());
        }
      }
      for (ConfigObject rule : c.getObjectList("conversions.macro")) {
        steps.add(rule.toConfig().getString("name").trim());
      }
      funnels = c.getObjectList("funnels");
    } catch (ConfigException e) {
      return c;  // a malformed rule: parse() reports it with its file and line
    }
    List<ConfigObject> kept = new ArrayList<>();
    for (ConfigObject funnel : funnels) {
      Config f = funnel.toConfig();
      List<String> missing = f.getStringList("steps").stream().filter(step -> !steps.contains(step)).toList();
      if (missing.isEmpty()) {
        kept.add(funnel);
      } else {
        notes.add("reference.conf's funnel '" + f.getString("name") + "' is left out: " + missing + " "
            + (missing.size() == 1 ? "is" : "are") + " not a per-session or macro conversion of this config (write funnels"
            + " to count one)");
      }
    }
    return kept.size() == funnels.size() ? c
        : c.withValue("funnels", ConfigValueFactory.fromIterable(kept,
            "reference.conf's funnels whose steps are conversions of this config"));
  }

  /** Loads and validates the settings in one step. */
  public static JobSettings load(Optional<Path> file, List<String> overrides) {
    return parse(loadConfig(file, overrides));
  }

  /** Parses a merged config into settings; every value is read and checked here, once. */
  public static JobSettings parse(Config c) {
    try {
      // In the order of JobSettings' fields, so that of two mistakes the same one is reported first;
      // the conversion rules are read once, for the settings and for the funnels' check.
      SparkSettings spark = sparkSettings(c);
      InputSettings input = inputSettings(c);
      OutputSettings output = new OutputSettings(nonEmpty(c, "output.path"), identifier(c, "output.database"));
      SessionSettings sessions =
          new SessionSettings(positive(c, "sessions.timeout"), choice(c, "sessions.source", SessionSource.class));
      if (sessions.source() == SessionSource.INPUT && input.columns().get(Columns.SESSION_ID).isEmpty()) {
        // Without the tracker's id every event would fall back to the inactivity rule, silently.
        throw invalid(c, "input.columns." + Columns.SESSION_ID, "cannot be empty with sessions.source = input,"
            + " which follows the tracker's session id");
      }
      boolean stitching = c.getBoolean("identity.stitching");
      TouchpointDedupe dedupe = choice(c, "touchpoints.dedupe", TouchpointDedupe.class);
      List<ChannelRule> channels = channelRules(c);
      String otherChannel = channelName(nonEmpty(c, "channels.default"), "channels.default", origin(c, "channels.default"));
      List<ConversionRule> micro = conversionRules(c, "conversions.micro", Kind.MICRO);
      List<ConversionRule> macro = conversionRules(c, "conversions.macro", Kind.MACRO);
      if (macro.isEmpty()) {
        // Journeys close on macro conversions and attribution credits them: without one every
        // journey, path, credit and weight table would be empty, and the run would say nothing.
        throw invalid(c, "conversions.macro", "is empty: name at least one macro conversion");
      }
      JobSettings settings = new JobSettings(
          spark,
          input,
          output,
          sessions,
          stitching,
          dedupe,
          channels,
          otherChannel,
          micro,
          macro,
          attribution(c),
          choice(c, "paths.transform", PathTransform.class),
          funnels(c, micro, macro),
          zone(c, "reporting.timezone"),
          new ReportSettings(c.getBoolean("report.enabled"), nonEmpty(c, "report.path")),
          new S3Settings(
              c.getString("s3.endpoint"),
              c.getBoolean("s3.path-style-access"),
              c.getString("s3.region"),
              c.getString("s3.credentials-provider")));
      if (settings.input().lateDays() == 0 && westOfUtc(settings.reportingTimezone())) {
        // A local day's evening is stored in the next UTC partition: with no late day every such
        // event would arrive too late for its date and be quarantined.
        throw invalid(c, "input.late-days", "must be 1 or more with reporting.timezone = "
            + settings.reportingTimezone() + ", west of UTC, whose days end in the next UTC partition");
      }
      return settings;
    } catch (ConfigException e) {
      throw new ConfigError("Cannot load config: " + oneLine(e), e);
    }
  }

  private static SparkSettings sparkSettings(Config c) {
    String master = c.getString("spark.master").trim();
    if (!master.isEmpty()) {
      Optional<String> problem = SparkSettingsCheck.masterProblem(master);
      if (problem.isPresent()) {
        throw invalid(c, "spark.master", "'" + master + "' " + problem.get());
      }
    }
    Map<String, String> conf = new LinkedHashMap<>();
    Map<String, ConfigValue> seen = new java.util.HashMap<>();
    for (Map.Entry<String, ConfigValue> e : c.getConfig("spark.conf").entrySet()) {
      String key = unquote(e.getKey());
      String value = String.valueOf(e.getValue().unwrapped());
      ConfigValue other = seen.put(key, e.getValue());
      if (other != null) {
        // Written once quoted and once as a nested path: both reach the session as one key, and
        // which one wins would be hash order, not precedence.
        throw invalid(c, "spark.conf." + e.getKey(), "sets the Spark key '" + key + "' a second time (also at "
            + other.origin().description() + "): write each Spark key once, quoted, as spark.conf.\"" + key + "\"");
      }
      Optional<String> problem = SparkSettingsCheck.valueProblem(key, value);
      if (problem.isPresent()) {
        throw invalid(c, "spark.conf." + e.getKey(), "= '" + value + "' " + problem.get());
      }
      // The job reads and writes instants in a UTC session and dates them by reporting.timezone;
      // another session zone moved every date and time without a word (a review).
      if (key.equals("spark.sql.session.timeZone") && !isUtc(value)) {
        throw invalid(c, "spark.conf." + e.getKey(), "= '" + value
            + "' cannot be set: the job's session is UTC, and reporting.timezone decides the days");
      }
      // The job hands dates to and from Spark as java.sql.Date; with the java.time API on, a run
      // failed casting LocalDate to java.sql.Date, in a line that named neither (a review).
      if (key.equals("spark.sql.datetime.java8API.enabled") && !value.trim().equalsIgnoreCase("false")) {
        throw invalid(c, "spark.conf." + e.getKey(), "= '" + value
            + "' cannot be set: the job reads and writes dates and times through Spark's java.sql API");
      }
      conf.put(key, value);
    }
    return new SparkSettings(
        master.isEmpty() ? Optional.empty() : Optional.of(master), nonEmpty(c, "spark.app-name"), Map.copyOf(conf));
  }

  private static boolean isUtc(String zone) {
    try {
      return ZoneId.of(zone.trim()).normalized().equals(java.time.ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return false;
    }
  }

  private static InputSettings inputSettings(Config c) {
    int lateDays = wholeNumber(c, "input.late-days");
    // Each run rewrites its late days' partitions of every table: a slip (20000 for 2) rewrote
    // decades of dates, and a larger one overflowed the date arithmetic.
    if (lateDays < 0 || lateDays > MAX_LATE_DAYS) {
      throw invalid(c, "input.late-days", "must be between 0 and " + MAX_LATE_DAYS + ", got " + lateDays);
    }
    String format = nonEmpty(c, "input.format");
    if (!Set.of("parquet", "delta", "orc", "json").contains(format)) {
      throw invalid(c, "input.format", "must be one of parquet, delta, orc, json, got '" + format + "'");
    }
    String schema = c.getString("input.schema").trim();
    if (!schema.isEmpty()) {
      if (format.equals("delta")) {
        throw invalid(c, "input.schema", "cannot be given for a delta input, whose log holds its schema");
      }
      try {
        org.apache.spark.sql.types.StructType.fromDDL(schema);
      } catch (Exception e) { // Spark's ParseException is a checked Scala exception
        throw invalid(c, "input.schema", "is not a Spark DDL schema such as 'id STRING, t TIMESTAMP': "
            + io.journeys.ErrorMessages.firstLine(e.getMessage()));
      }
    }
    Instant floor;
    try {
      floor = Instant.parse(c.getString("input.min-event-time"));
    } catch (DateTimeException e) {
      throw invalid(c, "input.min-event-time", "is not an ISO-8601 instant such as 2000-01-01T00:00:00Z");
    }
    Map<String, Optional<String>> columns = new LinkedHashMap<>();
    for (String logical : JobSettings.LOGICAL_COLUMNS) {
      String key = "input.columns." + logical;
      String expression = c.getString(key).trim();
      if (expression.isEmpty() && JobSettings.REQUIRED_COLUMNS.contains(logical)) {
        throw invalid(c, key, "maps a required column and cannot be empty");
      }
      if (!expression.isEmpty()) {
        checkExpression(key, "column " + logical, expression, origin(c, key));
      }
      columns.put(logical, expression.isEmpty() ? Optional.empty() : Optional.of(expression));
    }
    return new InputSettings(
        nonEmpty(c, "input.path"),
        format,
        schema.isEmpty() ? Optional.empty() : Optional.of(schema),
        choice(c, "input.schema-files", JobSettings.SchemaFiles.class),
        lateDays,
        c.getBoolean("input.allow-empty-days"),
        floor,
        java.util.Collections.unmodifiableMap(columns));
  }

  private static List<ChannelRule> channelRules(Config c) {
    List<ChannelRule> rules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Config rule : objects(c, "channels.rules", CHANNEL_KEYS)) {
      String name = channelName(requiredString(rule, "channels.rules", "name"), "channels.rules name", at(rule, "name"));
      String when = requiredString(rule, "channels.rules", "when");
      if (!names.add(name)) {
        throw new ConfigError("Cannot load config: channels.rules names '" + name + "' twice (" + at(rule, "name") + ")");
      }
      checkExpression("channels.rules", "channel rule '" + name + "'", when, at(rule, "when"));
      rules.add(new ChannelRule(name, when, at(rule, "when")));
    }
    return List.copyOf(rules);
  }

  /**
   * A channel's name is a touchpoint's when attribution.touchpoint = channel, and the data-driven
   * models part names by a control character in their keys: one inside a name would split it.
   */
  private static String channelName(String name, String what, String origin) {
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new ConfigError("Cannot load config: " + what + " '" + name.replaceAll("\\p{Cntrl}", "?")
          + "' holds a control character (" + origin + ")");
    }
    // Padded, so that a name beginning "> " or ending " >" (or ">" alone) counts too: next to the
    // separator it forms one more, and a path could be split two ways.
    if ((" " + name + " ").contains(Columns.PATH_SEPARATOR)) {
      throw new ConfigError("Cannot load config: " + what + " '" + name + "' would read as two touchpoints in a path,"
          + " whose names are joined with '" + Columns.PATH_SEPARATOR + "': choose another (" + origin + ")");
    }
    if (RESERVED_TOUCHPOINTS.contains(name)) {
      throw new ConfigError("Cannot load config: " + what + " '" + name + "' is a name the tables and models give"
          + " a touchpoint of their own (" + String.join(", ", RESERVED_TOUCHPOINTS) + "): choose another ("
          + origin + ")");
    }
    return name;
  }

  /**
   * SPEC's touchpoint of a conversion without one, and the Markov chain's own states: a channel of
   * that name would be credited as no touchpoint, or end or start every path through it.
   */
  static final List<String> RESERVED_TOUCHPOINTS = List.of("(none)", "(start)", "(conversion)", "(null)");

  private static List<ConversionRule> conversionRules(Config c, String key, Kind kind) {
    List<ConversionRule> rules = new ArrayList<>();
    for (Config rule : objects(c, key, kind == Kind.MICRO ? MICRO_KEYS : MACRO_KEYS)) {
      String name = requiredString(rule, key, "name");
      if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
        throw new ConfigError(
            "Cannot load config: " + key + " rule name '" + name + "' must be letters, digits and _ (" + at(rule, "name")
                + ")");
      }
      String when = requiredString(rule, key, "when");
      checkExpression(key, "rule '" + name + "'", when, at(rule, "when"));
      int minCount = 1;
      if (rule.hasPath("min-count")) {
        Integer whole = wholeNumberOrNull(rule.getValue("min-count"));
        if (whole == null) {
          throw new ConfigError("Cannot load config: " + key + " rule '" + name + "' has min-count = "
              + rule.getValue("min-count").unwrapped() + "; it must be a whole number (" + at(rule, "min-count") + ")");
        }
        minCount = whole;
      }
      if (minCount < 1) {
        throw new ConfigError("Cannot load config: " + key + " rule '" + name + "' has min-count = " + minCount
            + "; it must be 1 or more (" + at(rule, "min-count") + ")");
      }
      CountScope per = CountScope.SESSION;
      if (rule.hasPath("per")) {
        String scope = rule.getString("per").toUpperCase(Locale.ROOT);
        try {
          per = CountScope.valueOf(scope);
        } catch (IllegalArgumentException e) {
          throw new ConfigError(
              "Cannot load config: " + key + " rule '" + name + "' has per = '" + rule.getString("per")
                  + "'; expected session or journey (" + at(rule, "per") + ")");
        }
      }
      Optional<String> value = Optional.empty();
      if (rule.hasPath("value")) {
        String expression = rule.getString("value").trim();
        checkExpression(key, "value of rule '" + name + "'", expression, at(rule, "value"));
        value = Optional.of(expression);
      }
      rules.add(new ConversionRule(name, kind, when, minCount, per, value, at(rule, "name"), at(rule, "when"), at(rule, "value")));
    }
    return List.copyOf(rules);
  }

  private static AttributionSettings attribution(Config c) {
    List<String> models = c.getStringList("attribution.models");
    if (models.isEmpty()) {
      throw invalid(c, "attribution.models", "is empty; name at least one of " + JobSettings.MODELS);
    }
    Set<String> seen = new HashSet<>();
    for (String model : models) {
      if (!JobSettings.MODELS.contains(model)) {
        throw invalid(c, "attribution.models", "has unknown model '" + model + "'; known: " + JobSettings.MODELS);
      }
      if (!seen.add(model)) {
        // Each model hands out one conversion of credit; listed twice it would hand out two.
        throw invalid(c, "attribution.models", "names '" + model + "' twice");
      }
    }
    int order = wholeNumber(c, "attribution.markov.order");
    if (order < 1 || order > 4) {
      throw invalid(c, "attribution.markov.order", "must be between 1 and 4, got " + order);
    }
    return new AttributionSettings(
        choice(c, "attribution.touchpoint", TouchpointKind.class),
        positive(c, "attribution.lookback"),
        List.copyOf(models),
        positive(c, "attribution.time-decay.half-life"),
        order,
        wholeDays(c, "attribution.training-window"));
  }

  private static List<FunnelDefinition> funnels(Config c, List<ConversionRule> micro, List<ConversionRule> macro) {
    // Each name with where it was set: a second rule of the name names both lines.
    Map<String, String> known = new HashMap<>();
    Set<String> perJourney = new HashSet<>();
    List<ConversionRule> rules = new ArrayList<>(micro);
    rules.addAll(macro);
    for (ConversionRule rule : rules) {
      // Touchpoints are deduplicated per rule; two rules of one name would give two per session.
      String first = known.putIfAbsent(rule.name(), rule.nameOrigin());
      if (first != null) {
        throw new ConfigError("Cannot load config: conversion name '" + rule.name() + "' is used twice (" + first
            + " and " + rule.nameOrigin() + ")");
      }
      if (rule.isJourneyRule()) {
        perJourney.add(rule.name());
      }
    }
    List<FunnelDefinition> funnels = new ArrayList<>();
    Map<String, String> funnelNames = new HashMap<>();
    for (Config funnel : objects(c, "funnels", FUNNEL_KEYS)) {
      String name = requiredString(funnel, "funnels", "name");
      // The funnels table's grain is date x funnel x step: two funnels of one name would add their
      // visitors into one row per step, and their rates would be taken between rows in no order.
      String first = funnelNames.putIfAbsent(name, at(funnel, "name"));
      if (first != null) {
        throw new ConfigError("Cannot load config: funnel name '" + name + "' is used twice (" + first + " and "
            + at(funnel, "name") + ")");
      }
      List<String> steps = funnel.getStringList("steps");
      if (steps.isEmpty()) {
        throw new ConfigError("Cannot load config: funnel '" + name + "' has no steps (" + at(funnel, "steps") + ")");
      }
      for (String step : steps) {
        if (!known.containsKey(step)) {
          throw new ConfigError(
              "Cannot load config: funnel '" + name + "' step '" + step + "' is not a conversion name ("
                  + at(funnel, "steps") + ")");
        }
        if (perJourney.contains(step)) {
          // Funnels follow the conversions table; a per = journey touchpoint exists only in journeys.
          throw new ConfigError("Cannot load config: funnel '" + name + "' step '" + step
              + "' counts per journey; a funnel step must be a per-session or macro conversion (" + at(funnel, "steps")
              + ")");
        }
      }
      funnels.add(new FunnelDefinition(name, List.copyOf(steps)));
    }
    return List.copyOf(funnels);
  }

  private static List<Config> objects(Config c, String key, Set<String> allowedKeys) {
    List<Config> result = new ArrayList<>();
    List<? extends ConfigObject> list;
    try {
      list = c.getObjectList(key);
    } catch (ConfigException.WrongType e) {
      throw new ConfigError("Cannot load config: " + key + " must be a list of objects (" + origin(c, key) + ")");
    }
    for (ConfigObject object : list) {
      for (String k : object.keySet()) {
        if (!allowedKeys.contains(k)) {
          throw new ConfigError(
              "Cannot load config: unknown key '" + key + "[]." + k + "' at " + object.origin().description()
                  + "; allowed: " + new java.util.TreeSet<>(allowedKeys));
        }
      }
      result.add(object.toConfig());
    }
    return result;
  }

  /**
   * Checks a user's SQL expression with Spark's parser (no session needed), so a typo fails here
   * naming the rule instead of deep inside a Spark job. Column names are checked later against the
   * input schema, which needs a read. {@code origin} is the expression's own line, not its list's.
   */
  private static void checkExpression(String key, String what, String expression, String origin) {
    try {
      CatalystSqlParser$.MODULE$.parseExpression(expression);
    } catch (Exception e) { // Spark's ParseException is a checked Scala exception
      String reason = ErrorMessages.firstLine(e.getMessage());
      throw new ConfigError(
          "Cannot load config: " + key + " " + what + " has an invalid expression '" + ErrorMessages.inline(expression) + "': "
              + reason + " (" + origin + ")");
    }
  }

  /**
   * {@code spark.conf.spark.sql.shuffle.partitions} as the one Spark key it names,
   * {@code spark.conf."spark.sql.shuffle.partitions"}: as a path it nested beside the files' quoted
   * key, and which of the two the session got depended on hash order, so a file could beat
   * {@code --set} (a review); {@code spark.speculation} and then {@code spark.speculation.multiplier}
   * turned the first into an object and lost it.
   */
  static String sparkKeyQuoted(String key) {
    String prefix = "spark.conf.";
    String rest = key.substring(Math.min(key.length(), prefix.length()));
    return key.startsWith(prefix) && !rest.isEmpty() && !rest.contains("\"") ? prefix + "\"" + rest + "\"" : key;
  }

  private static Config parseOverrides(List<String> overrides) {
    Config result = ConfigFactory.empty();
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new ConfigError("Cannot load config: --set expects key=value, got '" + override + "'");
      }
      String key = sparkKeyQuoted(override.substring(0, eq).trim());
      String raw = override.substring(eq + 1).trim();
      ConfigValue value;
      // Lists and objects are HOCON; anything else is taken as a plain string so that values such
      // as s3a://bucket/x or local[*] need no quoting (HOCON would read // as a comment).
      if (raw.startsWith("[") || raw.startsWith("{")) {
        try {
          value = ConfigFactory.parseString("v = " + raw, ConfigParseOptions.defaults().setOriginDescription("--set " + key)).getValue("v");
        } catch (ConfigException e) {
          throw new ConfigError("Cannot load config: --set " + key + " has an unparseable value: " + oneLine(e));
        }
      } else if (raw.matches("0|-?[1-9][0-9]{0,17}")) {
        // A number or a boolean as HOCON would type it, so that check-config prints it as one; only
        // the canonical form, so a value such as 007 stays the text it is.
        value = ConfigValueFactory.fromAnyRef(Long.parseLong(raw), "--set " + key);
      } else if (raw.equals("true") || raw.equals("false")) {
        value = ConfigValueFactory.fromAnyRef(Boolean.parseBoolean(raw), "--set " + key);
      } else {
        value = ConfigValueFactory.fromAnyRef(raw, "--set " + key);
      }
      try {
        result = result.withValue(key, value);
      } catch (ConfigException e) {
        throw new ConfigError("Cannot load config: --set has an invalid key '" + key + "'");
      }
    }
    return result;
  }

  /** Keys a config may still hold from an earlier version, each with why it went. */
  private static final Map<String, String> REMOVED = Map.of(
      "input.future-tolerance",
      "since 2026-12-07 an event is future-dated by its date against its input partition's alone, the same in every run"
          + " (README, Semantics)",
      "attribution.shapley.max-players",
      "since 2026-12-07 Shapley values are exact for any number of touchpoints, with no sampled fallback (README, Semantics)");

  private static void rejectUnknownKeys(Config config, Config reference) {
    for (Map.Entry<String, ConfigValue> entry : config.entrySet()) {
      String key = entry.getKey();
      if (FREE_FORM.stream().anyMatch(prefix -> key.startsWith(prefix + "."))) {
        continue;
      }
      if (REMOVED.containsKey(key)) {
        throw new ConfigError("Cannot load config: key '" + key + "' in " + entry.getValue().origin().description()
            + " was removed: " + REMOVED.get(key) + "; delete it");
      }
      if (!reference.hasPathOrNull(key)) {
        throw new ConfigError(
            "Cannot load config: unknown key '" + key + "' in " + entry.getValue().origin().description()
                + suggestion(key, reference));
      }
      ConfigValueType expected = reference.getValue(key).valueType();
      ConfigValueType actual = entry.getValue().valueType();
      if (expected == ConfigValueType.LIST && actual != ConfigValueType.LIST) {
        throw new ConfigError(
            "Cannot load config: key '" + key + "' in " + entry.getValue().origin().description() + " must be a list");
      }
    }
    // A whole object replaced by a scalar hides its keys from entrySet: catch it too.
    for (Map.Entry<String, ConfigValue> entry : reference.root().entrySet()) {
      if (entry.getValue() instanceof ConfigObject && config.hasPath(entry.getKey())
          && !(config.getValue(entry.getKey()) instanceof ConfigObject)) {
        throw new ConfigError("Cannot load config: key '" + entry.getKey() + "' must be an object");
      }
    }
  }

  private static String suggestion(String key, Config reference) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Map.Entry<String, ConfigValue> entry : reference.entrySet()) {
      int d = editDistance(key, entry.getKey());
      if (d < bestDistance) {
        bestDistance = d;
        best = entry.getKey();
      }
    }
    return best != null && bestDistance <= 3 ? " (did you mean '" + best + "'?)" : "";
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String nonEmpty(Config c, String key) {
    String value = c.getString(key).trim();
    if (value.isEmpty()) {
      throw invalid(c, key, "must not be empty");
    }
    return value;
  }

  private static String identifier(Config c, String key) {
    String value = nonEmpty(c, key);
    if (!value.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw invalid(c, key, "must be a plain identifier (letters, digits, _), got '" + value + "'");
    }
    return value;
  }

  private static String requiredString(Config rule, String key, String field) {
    if (!rule.hasPath(field) || rule.getString(field).isBlank()) {
      throw new ConfigError("Cannot load config: " + key + " has an entry " + (rule.hasPath(field) ? "whose '" + field
          + "' is empty" : "without '" + field + "'") + " (" + rule.root().origin().description() + ")");
    }
    return rule.getString(field).trim();
  }

  /** Where a list entry's field was set, or the entry itself when it has no such field. */
  private static String at(Config entry, String field) {
    return entry.hasPath(field) ? entry.getValue(field).origin().description() : entry.root().origin().description();
  }

  private static Duration positive(Config c, String key) {
    Duration d = duration(c, key);
    if (d.isZero() || d.isNegative()) {
      throw invalid(c, key, "must be a positive duration, got " + c.getValue(key).unwrapped());
    }
    return d;
  }

  /** A window of dates (close_date in (D − window, D]): a part of a day would fall between two dates. */
  private static Duration wholeDays(Config c, String key) {
    Duration d = positive(c, key);
    if (!d.equals(Duration.ofDays(d.toDays()))) {
      throw invalid(c, key, "must be a whole number of days (it is a window of dates), got " + c.getValue(key).unwrapped());
    }
    return d;
  }

  private static Duration duration(Config c, String key) {
    Object raw = c.getValue(key).unwrapped();
    String text = String.valueOf(raw).trim();
    // Typesafe reads a bare number as milliseconds: `lookback = 30` would be 30 ms, not 30 days.
    // Zero is zero in any unit.
    if (text.matches("[+-]?[0-9][0-9.]*") && !text.matches("[+-]?0+(\\.0*)?")) {
      throw invalid(c, key, "is not a duration such as 30m, 12h or 7d: '" + raw + "' has no unit");
    }
    Duration d;
    try {
      d = c.getDuration(key);
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw invalid(c, key, "is not a duration such as 30m, 12h or 7d: '" + raw + "'");
    }
    // Typesafe holds a duration in nanoseconds and saturates past them: 99999999d read as 292
    // years, and a window of dates then as "not a whole number of days".
    if (d.equals(Duration.ofNanos(Long.MAX_VALUE)) || d.equals(Duration.ofNanos(Long.MIN_VALUE))) {
      throw invalid(c, key, "is too long: '" + raw + "' (at most 106751d)");
    }
    return d;
  }

  /** Typesafe's getInt truncates: {@code markov.order = 1.5} would run as 1, a typo nobody is told of. */
  private static int wholeNumber(Config c, String key) {
    Integer whole = wholeNumberOrNull(c.getValue(key));
    if (whole == null) {
      throw invalid(c, key, "is not a whole number: '" + c.getValue(key).unwrapped() + "'");
    }
    return whole;
  }

  /** A number or a text (an environment variable's) that is an int exactly, else null. */
  private static Integer wholeNumberOrNull(com.typesafe.config.ConfigValue value) {
    Object raw = value.unwrapped();
    if ((raw instanceof Integer || raw instanceof Long) && ((Number) raw).longValue() == ((Number) raw).intValue()) {
      return ((Number) raw).intValue();
    }
    if (raw instanceof String text) {
      try {
        return Integer.valueOf(text.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** Behind UTC at some time of the year (summer and winter of this year are asked). */
  private static boolean westOfUtc(ZoneId zone) {
    java.time.zone.ZoneRules rules = zone.getRules();
    Instant now = Instant.now();
    return rules.getOffset(now).getTotalSeconds() < 0
        || rules.getOffset(now.plus(Duration.ofDays(182))).getTotalSeconds() < 0;
  }

  private static ZoneId zone(Config c, String key) {
    try {
      return ZoneId.of(nonEmpty(c, key));
    } catch (DateTimeException e) {
      throw invalid(c, key, "is not a time zone id such as UTC or Europe/Paris: '" + c.getString(key) + "'");
    }
  }

  private static <E extends Enum<E>> E choice(Config c, String key, Class<E> type) {
    String raw = c.getString(key).trim();
    try {
      return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      Function<E, String> label = v -> v.name().toLowerCase(Locale.ROOT);
      List<String> allowed = java.util.Arrays.stream(type.getEnumConstants()).map(label).toList();
      throw invalid(c, key, "must be one of " + allowed + ", got '" + raw + "'");
    }
  }

  private static ConfigError invalid(Config c, String key, String reason) {
    return new ConfigError("Cannot load config: " + key + " " + reason + " (" + origin(c, key) + ")");
  }

  private static String origin(Config c, String key) {
    try {
      return c.getValue(key).origin().description();
    } catch (ConfigException e) {
      return "unknown origin";
    }
  }

  private static String unquote(String key) {
    return key.replace("\"", "");
  }

  static String oneLine(ConfigException e) {
    String line = String.valueOf(e.getMessage()).replace('\n', ' ');
    if (!(e instanceof ConfigException.Parse)) {
      return line;
    }
    // Typesafe asks for a parenthesis wherever it expected a key and found none: a black-box test
    // that left a '}' out was sent looking for one. Only these two tokens say what is missing.
    if (line.contains(NO_KEY + "end of file")) {
      return line + " (a '{' opened before it is not closed)";
    }
    if (line.contains(NO_KEY + "']'")) {
      return line + " (a '{' opened before it is not closed, or the ']' is one too many)";
    }
    return line;
  }

  private static final String NO_KEY = "expecting a close parentheses ')' here, not: ";
}
