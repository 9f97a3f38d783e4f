package io.journeys.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeys.config.JobSettings.SessionSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaultsComeFromReferenceConf() {
    JobSettings s = SettingsLoader.load(Optional.empty(), List.of());
    assertThat(s.sessions().timeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.sessions().source()).isEqualTo(SessionSource.INACTIVITY);
    assertThat(s.input().lateDays()).isEqualTo(2);
    assertThat(s.attribution().lookback()).isEqualTo(Duration.ofDays(30));
    assertThat(s.attribution().timeDecayHalfLife()).isEqualTo(Duration.ofDays(7));
    assertThat(s.attribution().markovOrder()).isEqualTo(1);
    assertThat(s.attribution().models()).containsExactlyElementsOf(JobSettings.MODELS);
    assertThat(s.spark().master()).isEmpty();
    assertThat(s.output().database()).isEqualTo("journeys");
    assertThat(s.microRules()).extracting(ConversionRule::name).contains("newsletter_signup", "viewed_3_pages");
    assertThat(s.microRules().get(0).minCount()).isEqualTo(3);
    assertThat(s.macroRules().get(0).valueExpression()).contains("revenue");
  }

  @Test
  void goodFileOverridesDefaults() throws IOException {
    Path file = write("good.conf", "spark.master = \"local[2]\"\nsessions.timeout = 45m\nidentity.stitching = false\n");
    JobSettings s = SettingsLoader.load(Optional.of(file), List.of());
    assertThat(s.spark().master()).contains("local[2]");
    assertThat(s.sessions().timeout()).isEqualTo(Duration.ofMinutes(45));
    assertThat(s.identityStitching()).isFalse();
  }

  @Test
  void misspeltKeyFailsNamingKeyAndFile() throws IOException {
    Path file = write("typo.conf", "sessions.timeot = 10m\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(file), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("unknown key 'sessions.timeot'")
        .hasMessageContaining("typo.conf")
        .hasMessageContaining("did you mean 'sessions.timeout'");
  }

  @Test
  void misspeltKeyInSetOverrideFails() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("sessions.timeot=10m")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("sessions.timeot");
  }

  @Test
  void sessionsFollowingTheTrackerNeedItsSessionIdMapped() {
    // Without it every session would have been the inactivity rule's, with no word of it.
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(),
            List.of("sessions.source=input", "input.columns.session_id=")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: input.columns.session_id cannot be empty with sessions.source = input");
    assertThat(SettingsLoader.load(Optional.empty(), List.of("input.columns.session_id=")).input().columns()
        .get("session_id")).isEmpty();
  }

  @Test
  void wrongTypeFailsNamingKey() throws IOException {
    Path file = write("type.conf", "input.late-days = lots\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(file), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config:")
        .hasMessageContaining("late-days");
  }

  @Test
  void noLateDayWestOfUtcFailsSinceItsEveningsAreInTheNextUtcPartition() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(),
            List.of("input.late-days=0", "reporting.timezone=America/New_York")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: input.late-days must be 1 or more with reporting.timezone = America/New_York");
    // East of UTC a local day's events are in its own partition and the one before: allowed.
    assertThat(SettingsLoader.load(Optional.empty(), List.of("input.late-days=0", "reporting.timezone=Asia/Tokyo"))
        .input().lateDays()).isZero();
    assertThat(SettingsLoader.load(Optional.empty(), List.of("input.late-days=1", "reporting.timezone=-03:00"))
        .input().lateDays()).isEqualTo(1);
  }

  @Test
  void badDurationFailsNamingKey() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("sessions.timeout=30 minutesss")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("sessions.timeout")
        .hasMessageContaining("is not a duration");
  }

  @Test
  void aDurationWithoutAUnitFailsRatherThanMeaningMilliseconds() throws IOException {
    // Typesafe alone takes a bare number as milliseconds: a 30 ms lookback for "30 days".
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("attribution.lookback=30")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: attribution.lookback is not a duration such as 30m, 12h or 7d: '30' has no unit (");
    Path file = write("timeout.conf", "sessions.timeout = 30\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(file), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("sessions.timeout is not a duration such as 30m, 12h or 7d: '30' has no unit")
        .hasMessageContaining("timeout.conf: 1");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("attribution.time-decay.half-life=2.5")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("'2.5' has no unit");
    // Zero is zero in any unit, and no duration may be zero; with units everything reads as before.
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("sessions.timeout=0")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("sessions.timeout must be a positive duration, got 0");
    JobSettings settings = SettingsLoader.load(Optional.empty(), List.of("attribution.lookback=30 days", "sessions.timeout=45m"));
    assertThat(settings.attribution().lookback()).isEqualTo(Duration.ofDays(30));
    assertThat(settings.sessions().timeout()).isEqualTo(Duration.ofMinutes(45));
  }

  @Test
  void aDurationPastWhatTypesafeHoldsIsRefusedAsTooLongNotReadAsItsCap() {
    // 106752 days is past 2^63 - 1 ns: Typesafe read it (and 99999999d) as 106751.99 days.
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("attribution.training-window=106752d")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: attribution.training-window is too long: '106752d' (at most 106751d) (");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("attribution.lookback=99999999d")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("attribution.lookback is too long");
    assertThat(SettingsLoader.load(Optional.empty(), List.of("attribution.lookback=106751d")).attribution().lookback())
        .isEqualTo(Duration.ofDays(106751));
  }

  @Test
  void lateDaysAreAtMostAYearSinceEachRunRewritesThemAll() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("input.late-days=100000")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: input.late-days must be between 0 and 366, got 100000 (");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("input.late-days=-1")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("must be between 0 and 366, got -1");
    assertThat(SettingsLoader.load(Optional.empty(), List.of("input.late-days=366")).input().lateDays()).isEqualTo(366);
  }

  @Test
  void aConfigWithoutAMacroConversionIsRefusedSinceNoJourneyCouldClose() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("conversions.macro=[]")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: conversions.macro is empty: name at least one macro conversion (");
  }

  @Test
  void aRuleWhoseWhenIsEmptyIsSaidToHaveAnEmptyOneNotNone() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("conversions.micro=[{name = a, when = \"\"}]")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: conversions.micro has an entry whose 'when' is empty (");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("conversions.micro=[{name = a}]")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: conversions.micro has an entry without 'when' (");
  }

  @Test
  void aFractionWhereAWholeNumberIsExpectedFailsRatherThanBeingCut() throws IOException {
    // Typesafe's getInt would run order 1.5 as 1 and late-days 1.9 as 1.
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("attribution.markov.order=1.5")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: attribution.markov.order is not a whole number: '1.5' (");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("input.late-days=1.9")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: input.late-days is not a whole number: '1.9' (");
    // A whole number as text, as an environment variable gives it, still reads.
    Path file = write("order.conf", "attribution.markov.order = \"2\"\n");
    JobSettings settings = SettingsLoader.load(Optional.of(file), List.of("input.late-days=3"));
    assertThat(settings.attribution().markovOrder()).isEqualTo(2);
    assertThat(settings.input().lateDays()).isEqualTo(3);
  }

  @Test
  void theTrainingWindowIsWholeDaysSinceItCountsCloseDates() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("attribution.training-window=36h")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: attribution.training-window must be a whole number of days")
        .hasMessageContaining("got 36h");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("attribution.training-window=12h")))
        .hasMessageContaining("whole number of days");
    assertThat(SettingsLoader.load(Optional.empty(), List.of("attribution.training-window=48h"))
        .attribution().trainingWindow()).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void unreadableFileFails() {
    Path missing = dir.resolve("nope.conf");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(missing), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("nope.conf");
  }

  @Test
  void setOverridesWinOverFileAndTakeUnquotedUris() throws IOException {
    Path file = write("f.conf", "sessions.timeout = 45m\n");
    JobSettings s =
        SettingsLoader.load(
            Optional.of(file),
            List.of("sessions.timeout=10m", "input.path=s3a://bucket/events", "spark.master=local[*]",
                "attribution.models=[markov, linear]"));
    assertThat(s.sessions().timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.input().path()).isEqualTo("s3a://bucket/events");
    assertThat(s.spark().master()).contains("local[*]");
    assertThat(s.attribution().models()).containsExactly("markov", "linear");
  }

  @Test
  void environmentSubstitutionOverridesWhenSet() throws IOException {
    // PATH is set in every environment; an unset variable leaves the file's value.
    Path file = write("env.conf", "input.path = \"x\"\ninput.path = ${?PATH}\noutput.path = \"y\"\noutput.path = ${?JOURNEYS_SURELY_UNSET_VAR}\n");
    JobSettings s = SettingsLoader.load(Optional.of(file), List.of());
    assertThat(s.input().path()).isEqualTo(System.getenv("PATH"));
    assertThat(s.output().path()).isEqualTo("y");
  }

  @Test
  void aBadValueFromTheEnvironmentNamesItsVariable() throws IOException {
    // PATH is set in every environment and is no time zone.
    Path file = write("env-zone.conf", "reporting.timezone = ${?PATH}\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(file), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("reporting.timezone is not a time zone id")
        .hasMessageEndingWith("(environment variable PATH)");
  }

  @Test
  void anInputSchemaMustBeSparkDdlAndNotForDelta() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("input.schema=id STRING,, t TIMESTAMP")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("input.schema is not a Spark DDL schema");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("input.schema=id STRING", "input.format=delta")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("input.schema cannot be given for a delta input");
    assertThat(SettingsLoader.load(Optional.empty(), List.of("input.schema=id STRING, t TIMESTAMP")).input().schema())
        .contains("id STRING, t TIMESTAMP");
  }

  @Test
  void theSchemaFilesAreTheEndsOfEachDayUnlessAllAreAsked() {
    assertThat(SettingsLoader.load(Optional.empty(), List.of()).input().schemaFiles()).isEqualTo(JobSettings.SchemaFiles.ENDS);
    assertThat(SettingsLoader.load(Optional.empty(), List.of("input.schema-files=all")).input().schemaFiles())
        .isEqualTo(JobSettings.SchemaFiles.ALL);
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("input.schema-files=every")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: input.schema-files must be one of [ends, all], got 'every'");
  }

  @Test
  void invalidPredicateFailsWithRuleName() {
    assertThatThrownBy(
            () -> SettingsLoader.load(
                Optional.empty(),
                List.of("conversions.micro=[{name = broken, when = \"event_name = = 'x'\"}]")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("rule 'broken'")
        .hasMessageContaining("invalid expression 'event_name = = 'x'': [PARSE_SYNTAX_ERROR] Syntax error at or near '='");
  }

  @Test
  void anErrorInARuleOrFunnelNamesTheFileAndLineItWasSetOn() throws IOException {
    // One file, one mistake per case; the line is where the rule (or its field) is written.
    String rules = "conversions.micro = [\n  { name = a, when = \"true\" }\n  %s\n]\nfunnels = %s\n";
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("{ name = b }", "conversions.micro has an entry without 'when' (");
    cases.put("{ name = b, when = \"true\", min-count = 0 }", "rule 'b' has min-count = 0; it must be 1 or more (");
    cases.put("{ name = b, when = \"true\", min-count = 2.5 }", "rule 'b' has min-count = 2.5; it must be a whole number (");
    cases.put("{ name = b, when = \"true\", min-count = 2, per = week }", "rule 'b' has per = 'week'; expected session or journey (");
    // An invalid expression and a second rule of one name named the list's line, 1 (black box W).
    cases.put("{ name = b, when = \"event_name = = 'x'\" }", "rule 'b' has an invalid expression 'event_name = = 'x'': ");
    cases.put("{ name = a, when = \"false\" }", "conversion name 'a' is used twice (" + dir.resolve("rules.conf") + ": 2 and ");
    for (Map.Entry<String, String> e : cases.entrySet()) {
      Path file = write("rules.conf", String.format(rules, e.getKey(), "[]"));
      assertThatThrownBy(() -> SettingsLoader.load(Optional.of(file), List.of()))
          .as(e.getKey()).isInstanceOf(ConfigError.class)
          .hasMessageContaining(e.getValue()).hasMessageEndingWith("rules.conf: 3)");
    }
    // A macro rule of a micro rule's name: the micro rule's line, then the macro rule's.
    Path both = write("rules.conf", String.format(rules, "", "[]") + "conversions.macro = [\n  { name = a, when = \"true\" }\n]\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(both), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessage("Cannot load config: conversion name 'a' is used twice (" + both + ": 2 and " + both + ": 7)");
    Path channels = write("channels.conf", "channels.rules = [\n  { name = A, when = \"true\" }\n  { name = B, when = \"= =\" }\n]\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(channels), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("channel rule 'B' has an invalid expression").hasMessageEndingWith("channels.conf: 3)");
    Path funnel = write("rules.conf", String.format(rules, "", "[{ name = f, steps = [a, nope] }]"));
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(funnel), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("funnel 'f' step 'nope' is not a conversion name (").hasMessageEndingWith("rules.conf: 5)");
    // The funnels table's rows are per funnel name: two funnels of one name would share them (a review).
    Path twice = write("rules.conf", String.format(rules, "", "[\n  { name = f, steps = [a] }\n  { name = f, steps = [a] }\n]"));
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(twice), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessage("Cannot load config: funnel name 'f' is used twice (" + twice + ": 6 and " + twice + ": 7)");
  }

  @Test
  void specsOwnConversionsLoadWithoutReferenceConfsFunnelOverOtherNames() throws IOException {
    // SPEC §3's example, pasted as it is: reference.conf's purchase_funnel names add_to_cart, which
    // it has not, and every command failed naming reference.conf (a review).
    String spec = """
        conversions {
          micro = [
            { name = newsletter_signup, when = "event_name = 'newsletter_signup'" }
            { name = viewed_3_pages, when = "event_name = 'page_view'", min-count = 3, per = session }
            { name = viewed_pricing, when = "event_name = 'page_view' AND page_url LIKE '%/pricing%'" }
          ]
          macro = [
            { name = purchase, when = "event_name = 'purchase'", value = "revenue" }
          ]
        }
        """;
    assertThat(SettingsLoader.load(Optional.of(write("spec.conf", spec)), List.of()).funnels()).isEmpty();
    // Said once the config has passed its checks, so not before the line of one that fails.
    assertThat(SettingsLoader.loadNoted(Optional.of(write("noted.conf", spec)), List.of()).notes()).containsExactly(
        "reference.conf's funnel 'purchase_funnel' is left out: [add_to_cart] is not a per-session or macro conversion"
            + " of this config (write funnels to count one)");
    // With all three of its steps, as session or macro rules, the default funnel stays.
    String withCart = spec.replace("micro = [", "micro = [\n { name = add_to_cart, when = \"event_name = 'add_to_cart'\" }");
    assertThat(SettingsLoader.load(Optional.of(write("cart.conf", withCart)), List.of()).funnels())
        .singleElement().satisfies(f -> {
          assertThat(f.name()).isEqualTo("purchase_funnel");
          assertThat(f.steps()).containsExactly("viewed_3_pages", "add_to_cart", "purchase");
        });
    // A step counted per journey cannot be a funnel's: the default is left out, not an error.
    String perJourney = withCart.replace("per = session", "per = journey");
    assertThat(SettingsLoader.load(Optional.of(write("journey.conf", perJourney)), List.of()).funnels()).isEmpty();
    // The same funnel written by the user is checked as written.
    Path own = write("own.conf", spec + "funnels = [{ name = purchase_funnel, steps = [viewed_3_pages, add_to_cart, purchase] }]\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(own), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("funnel 'purchase_funnel' step 'add_to_cart' is not a conversion name (").hasMessageContaining("own.conf: ");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(write("set.conf", spec)),
            List.of("funnels=[{ name = f, steps = [add_to_cart] }]")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("funnel 'f' step 'add_to_cart' is not a conversion name (--set funnels");
  }

  @Test
  void aSparkKeyInSetIsOneKeyAndBeatsTheFilesQuotedOne() throws IOException {
    // Unquoted, the key nested as a path beside the file's quoted key, both reached the session as
    // spark.sql.shuffle.partitions, and hash order chose; and spark.speculation was lost when
    // spark.speculation.multiplier turned it into an object (a review).
    Path file = write("spark.conf", "spark.conf { \"spark.sql.shuffle.partitions\" = 400 }\n");
    Map<String, String> conf = SettingsLoader.load(Optional.of(file), List.of(
        "spark.conf.spark.sql.shuffle.partitions=64", "spark.conf.spark.speculation=true",
        "spark.conf.spark.speculation.multiplier=2", "spark.conf.\"spark.task.maxFailures\"=3")).spark().conf();
    assertThat(conf).containsEntry("spark.sql.shuffle.partitions", "64").containsEntry("spark.speculation", "true")
        .containsEntry("spark.speculation.multiplier", "2").containsEntry("spark.task.maxFailures", "3");
    // A file's nested, unquoted key is the same Spark key, and --set beats it too (the first fix
    // refused the two as one key written twice; a review).
    Path nested = write("nested.conf", "spark.conf { spark.sql.shuffle.partitions = 8 }\n");
    assertThat(SettingsLoader.load(Optional.of(nested), List.of("spark.conf.spark.sql.shuffle.partitions=16"))
        .spark().conf()).containsEntry("spark.sql.shuffle.partitions", "16");
    // Nor does the file's key leave empty objects behind for check-config to print (a black-box test).
    assertThat(SettingsLoader.loadConfig(Optional.of(nested), List.of("spark.conf.spark.sql.shuffle.partitions=16"))
        .getConfig("spark.conf").root().keySet()).containsExactly("spark.sql.shuffle.partitions");
    assertThat(SettingsLoader.load(Optional.of(nested), List.of("spark.conf.\"spark.sql.shuffle.partitions\"=16"))
        .spark().conf()).containsEntry("spark.sql.shuffle.partitions", "16");
    // Only the key --set names: the file's longer keys under it stay.
    Path longer = write("longer.conf", "spark.conf { spark.speculation.multiplier = 3 }\n");
    assertThat(SettingsLoader.load(Optional.of(longer), List.of("spark.conf.spark.speculation=true")).spark().conf())
        .containsEntry("spark.speculation", "true").containsEntry("spark.speculation.multiplier", "3");
    // In a file, a key written both ways is refused instead of left to hash order.
    Path both = write("both.conf", "spark.conf { \"spark.sql.shuffle.partitions\" = 400\n spark.sql.shuffle.partitions = 8 }\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(both), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("sets the Spark key 'spark.sql.shuffle.partitions' a second time (also at ")
        .hasMessageContaining("both.conf: 1")
        .hasMessageContaining("write each Spark key once, quoted, as spark.conf.\"spark.sql.shuffle.partitions\"");
  }

  @Test
  void theSparkSessionsTimeZoneStaysUtcAndItsDatesJavaSql() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(),
            List.of("spark.conf.\"spark.sql.session.timeZone\"=America/New_York")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: spark.conf.\"spark.sql.session.timeZone\" = 'America/New_York' cannot be"
            + " set: the job's session is UTC, and reporting.timezone decides the days (--set ");
    assertThat(SettingsLoader.load(Optional.empty(), List.of("spark.conf.\"spark.sql.session.timeZone\"=Etc/UTC"))
        .spark().conf()).containsEntry("spark.sql.session.timeZone", "Etc/UTC");
    // With java.time's dates the run failed casting LocalDate to java.sql.Date (checked from the command line).
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(),
            List.of("spark.conf.\"spark.sql.datetime.java8API.enabled\"=true")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: spark.conf.\"spark.sql.datetime.java8API.enabled\" = 'true' cannot be"
            + " set: the job reads and writes dates and times through Spark's java.sql API");
    assertThat(SettingsLoader.load(Optional.empty(), List.of("spark.conf.\"spark.sql.datetime.java8API.enabled\"=false"))
        .spark().conf()).containsEntry("spark.sql.datetime.java8API.enabled", "false");
  }

  /** A channel is a touchpoint's name; the data-driven models part names by a control character. */
  @Test
  void aChannelNameWithAControlCharacterFailsAndOneWithABarIsKept() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(),
            List.of("channels.rules=[{name = \"Paid\\tSearch\", when = \"true\"}]")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: channels.rules name 'Paid?Search' holds a control character (--set ");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("channels.default=Ot\u001fher")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: channels.default 'Ot?her' holds a control character (--set ");
    assertThat(SettingsLoader.load(Optional.empty(), List.of("channels.rules=[{name = \"Paid|Search\", when = \"true\"}]"))
        .channelRules()).extracting(ChannelRule::name).containsExactly("Paid|Search");
  }

  /**
   * A channel named as SPEC's touchpoint of a conversion without one, or as a state of the Markov
   * chain, would be credited as no touchpoint, or end or start each path through it.
   */
  @Test
  void aChannelNamedAsATouchpointTheModelsUseThemselvesFails() {
    assertThat(SettingsLoader.RESERVED_TOUCHPOINTS).containsExactlyInAnyOrder(io.journeys.Columns.NO_TOUCHPOINT,
        io.journeys.attribution.datadriven.AbsorbingMarkovChain.START,
        io.journeys.attribution.datadriven.AbsorbingMarkovChain.CONVERSION,
        io.journeys.attribution.datadriven.AbsorbingMarkovChain.NULL);
    for (String reserved : SettingsLoader.RESERVED_TOUCHPOINTS) {
      assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(),
              List.of("channels.rules=[{name = \"" + reserved + "\", when = \"true\"}]")))
          .isInstanceOf(ConfigError.class)
          .hasMessageStartingWith("Cannot load config: channels.rules name '" + reserved + "' is a name the tables and"
              + " models give a touchpoint of their own ((none), (start), (conversion), (null)): choose another (--set ");
      assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("channels.default=" + reserved)))
          .isInstanceOf(ConfigError.class)
          .hasMessageStartingWith("Cannot load config: channels.default '" + reserved + "' is a name the tables");
    }
    assertThat(SettingsLoader.load(Optional.empty(), List.of("channels.default=(other)")).defaultChannel())
        .isEqualTo("(other)");
  }

  /** paths.path joins touchpoints with " > ": a channel name that makes one more separator would split in two. */
  @Test
  void aChannelNameThatReadsAsTwoTouchpointsInAPathFails() {
    for (String name : List.of("Paid > Search", "Partners >", "> EU", ">")) {
      assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(),
              List.of("channels.rules=[{name = \"" + name + "\", when = \"true\"}]")))
          .isInstanceOf(ConfigError.class)
          .hasMessageStartingWith("Cannot load config: channels.rules name '" + name + "' would read as two touchpoints"
              + " in a path, whose names are joined with ' > ': choose another (--set ");
    }
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("channels.default=Other > Rest")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: channels.default 'Other > Rest' would read as two touchpoints");
    // Joined, these stay one name each: "a > Paid >> Search > b" splits only where a separator was put.
    assertThat(SettingsLoader.load(Optional.empty(),
            List.of("channels.rules=[{name = \"Paid >> Search\", when = \"true\"}, {name = \"A>B\", when = \"true\"},"
                + " {name = \"-> Out\", when = \"true\"}]"))
        .channelRules()).extracting(ChannelRule::name).containsExactly("Paid >> Search", "A>B", "-> Out");
  }

  /** A rule over several lines: the line keeps the reason and the file and line (a review found them cut off). */
  @Test
  void anInvalidExpressionOverSeveralLinesIsQuotedOnOneLine() throws IOException {
    Path file = write("multiline.conf",
        "conversions.micro = [{ name = bad, when = \"\"\"event_name = 'page_view'\n    AND = = 'x'\"\"\" }]\nfunnels = []\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(file), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: conversions.micro rule 'bad' has an invalid expression"
            + " 'event_name = 'page_view' AND = = 'x'': [PARSE_SYNTAX_ERROR]")
        // The line of the predicate, which Typesafe gives a string over several lines as its last.
        .hasMessageEndingWith("multiline.conf: 2)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  /** A removed key says why it went, not that it is unknown (a config of an earlier version holds it). */
  @Test
  void aRemovedKeyIsRefusedWithItsReason() throws IOException {
    Path file = write("old.conf", "input {\n  future-tolerance = 2h\n}\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(file), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: key 'input.future-tolerance' in ")
        .hasMessageContaining("old.conf: 2 was removed: since 2026-12-07 an event is future-dated by its date")
        .hasMessageEndingWith("; delete it");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("attribution.shapley.max-players=15")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("key 'attribution.shapley.max-players' in ")
        .hasMessageContaining("was removed: since 2026-12-07 Shapley values are exact for any number of touchpoints");
  }

  @Test
  void unknownKeyInsideRuleFails() {
    assertThatThrownBy(
            () -> SettingsLoader.load(
                Optional.empty(),
                List.of("conversions.micro=[{name = a, when = \"true\", min-cnt = 3}]")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("min-cnt");
  }

  @Test
  void aRuleCountsPerJourneyButAFunnelCannotFollowIt() {
    JobSettings s = SettingsLoader.load(Optional.empty(), List.of(
        "conversions.micro=[{name = two_visits, when = \"event_name = 'page_view'\", min-count = 2, per = journey}]",
        "funnels=[]"));
    assertThat(s.allRules()).filteredOn(ConversionRule::isJourneyRule).extracting(ConversionRule::name)
        .containsExactly("two_visits");
    // Funnels follow the conversions table, which per-journey touchpoints are not written to.
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of(
            "conversions.micro=[{name = two_visits, when = \"event_name = 'page_view'\", min-count = 2, per = journey}]",
            "funnels=[{name = f, steps = [two_visits, purchase]}]")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("funnel 'f' step 'two_visits' counts per journey");
  }

  @Test
  void unknownModelFails() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("attribution.models=[markov, magic]")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("attribution.models")
        .hasMessageContaining("magic");
  }

  @Test
  void aModelListedTwiceOrNoModelFailsBeforeAnyRun() {
    // Listed twice, a model would hand out two conversions of credit per macro conversion.
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("attribution.models=[linear, markov, linear]")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("attribution.models names 'linear' twice");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("attribution.models=[]")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("attribution.models is empty");
  }

  @Test
  void aBraceLeftOpenIsSaidToBeOne() throws IOException {
    // Typesafe's own words ask for a parenthesis where a '}' is missing (black box W).
    Path atTheEnd = write("open.conf", "conversions {\n  micro = [\n    { name = a, when = \"true\" }\n  ]\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(atTheEnd), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: " + atTheEnd + ": 5: ")
        .hasMessageEndingWith(" (a '{' opened before it is not closed)");
    Path inAList = write("open.conf", "conversions {\n  micro = [\n    { name = a, when = \"true\"\n  ]\n}\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(inAList), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: " + inAList + ": 4: ")
        .hasMessageEndingWith(" (a '{' opened before it is not closed, or the ']' is one too many)");
    // Typesafe asks for the parenthesis wherever a key is missing: a stray comma is no brace.
    Path comma = write("open.conf", "sessions.timeout = 10m,,\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(comma), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: " + comma + ": 1: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("opened before it"));
  }

  @Test
  void aDirectoryAsTheConfigFileIsNamedAsOne() throws IOException {
    // It gave Typesafe's java.io.FileNotFoundException: ... (Is a directory) (black box W).
    Path directory = Files.createDirectories(dir.resolve("conf.d"));
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(directory), List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessage("Cannot load config: " + directory + " is a directory; --config takes a config file");
  }

  @Test
  void twoMicroRulesOfOneNameFail() {
    // Touchpoints are deduplicated per rule: one name from two rules could be counted twice a session.
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of(
            "conversions.micro=[{name = signup, when = \"event_name = 'signup'\"},"
                + " {name = signup, when = \"event_name = 'register'\"}]",
            "funnels=[]")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("conversion name 'signup' is used twice");
  }

  @Test
  void funnelStepMustNameAConversion() {
    assertThatThrownBy(
            () -> SettingsLoader.load(Optional.empty(), List.of("funnels=[{name = f, steps = [add_to_cart, nothing]}]")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("step 'nothing'");
  }

  @Test
  void requiredColumnCannotBeUnmapped() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("input.columns.visitor_id=")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("input.columns.visitor_id");
  }

  @Test
  void sparkConfIsFreeForm() {
    JobSettings s = SettingsLoader.load(Optional.empty(), List.of("spark.conf.\"spark.sql.shuffle.partitions\"=7"));
    assertThat(s.spark().conf()).containsEntry("spark.sql.shuffle.partitions", "7");
  }

  @Test
  void aMasterSparkWouldRefuseFailsHereNamingTheKey() throws IOException {
    // Spark refuses these only when it starts: a stack trace, then a line naming neither key nor file.
    for (String master : List.of("123", "locl[2]", "local[0]", "local[two]", "yarn-client")) {
      assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("spark.master=" + master)))
          .as(master)
          .isInstanceOf(ConfigError.class)
          .hasMessageStartingWith("Cannot load config: spark.master '" + master + "' ")
          .hasMessageContaining("--set spark.master");
    }
    Path file = write("master.conf", "spark.master = \"local[2\"\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(file), List.of()))
        .hasMessageContaining("is not a Spark master URL").hasMessageContaining("master.conf: 1");
    // Spark's own patterns allow no space inside local[N]'s brackets (it used to pass here and fail at start-up).
    Path spaced = write("spaced.conf", "spark.master = \"local[ 2 ]\"\n");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.of(spaced), List.of()))
        .hasMessageContaining("is not a Spark master URL").hasMessageContaining("spaced.conf: 1");
    for (String master : List.of("local", "local[1]", "local[*]", "local[4,3]", "local[*, 2]", "local-cluster[2,1,1024]",
        "yarn", "spark://10.0.0.1:7077", "spark://a:7077,b:7077", "k8s://https://api:6443")) {
      assertThat(SettingsLoader.load(Optional.empty(), List.of("spark.master=" + master)).spark().master())
          .as(master).contains(master);
    }
  }

  @Test
  void aSparkSettingOfTheWrongTypeOrRangeFailsHereNamingTheKey() {
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(),
            List.of("spark.conf.\"spark.sql.shuffle.partitions\"=banana")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("Cannot load config: spark.conf.\"spark.sql.shuffle.partitions\" = 'banana' is refused by Spark: ")
        .hasMessageContaining("int");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("spark.conf.\"spark.sql.shuffle.partitions\"=0")))
        .hasMessageContaining("'0' is refused by Spark");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("spark.conf.\"spark.executor.memory\"=lots")))
        .hasMessageContaining("spark.executor.memory");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), List.of("spark.conf.\"spark.ui.enabled\"=maybe")))
        .hasMessageContaining("spark.ui.enabled");
    assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(),
            List.of("spark.conf.\"spark.databricks.delta.snapshotPartitions\"=many")))
        .hasMessageContaining("spark.databricks.delta.snapshotPartitions");
    // Keys Spark does not define (Hadoop's, a plugin's) pass through, as in Spark.
    JobSettings s = SettingsLoader.load(Optional.empty(), List.of("spark.conf.\"spark.hadoop.fs.s3a.connection.maximum\"=64",
        "spark.conf.\"spark.executor.memory\"=2g", "spark.conf.\"spark.sql.adaptive.enabled\"=false"));
    assertThat(s.spark().conf()).containsEntry("spark.executor.memory", "2g").containsKey("spark.hadoop.fs.s3a.connection.maximum");
  }

  @Test
  void shippedEnvironmentFilesAreValid() {
    JobSettings local = SettingsLoader.load(Optional.of(Path.of("conf/local.conf")), List.of());
    assertThat(local.spark().master()).isPresent();
    JobSettings production = SettingsLoader.load(Optional.of(Path.of("conf/production.conf")), List.of());
    assertThat(production.spark().master()).isEmpty();
    assertThat(production.output().path()).startsWith("s3a://");
  }
}
