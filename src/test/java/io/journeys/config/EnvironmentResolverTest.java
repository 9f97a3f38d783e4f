package io.journeys.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentResolverTest {
  private static final Map<String, String> ENVIRONMENT = Map.of("WAREHOUSE", "s3a://bucket/wh", "ZONE.NAME", "Europe/Paris");

  private static Config resolve(String hocon) {
    return ConfigFactory.parseString(hocon).resolve(ConfigResolveOptions.defaults()
        .setUseSystemEnvironment(false).appendResolver(new EnvironmentResolver(ENVIRONMENT)));
  }

  @Test
  void aNameWithADotIsLookedUpWithoutTheQuotesItIsWrittenWith() {
    Config config = resolve("zone = \"UTC\"\nzone = ${?\"ZONE.NAME\"}\n");
    assertThat(config.getString("zone")).isEqualTo("Europe/Paris");
    assertThat(config.getValue("zone").origin().description()).isEqualTo("environment variable ZONE.NAME");
  }

  @Test
  void aSetVariableReplacesTheValueAndAnUnsetOneLeavesIt() {
    Config config = resolve("path = \"./data\"\npath = ${?WAREHOUSE}\nother = \"kept\"\nother = ${?NOT_SET}\n");
    assertThat(config.getString("path")).isEqualTo("s3a://bucket/wh");
    assertThat(config.getValue("path").origin().description()).isEqualTo("environment variable WAREHOUSE");
    assertThat(config.getString("other")).isEqualTo("kept");
  }

  @Test
  void aRequiredVariableThatIsNotSetIsAnError() {
    // Neither in the file nor in the environment: Typesafe Config names the substitution.
    assertThatThrownBy(() -> resolve("path = ${NOT_SET}\n"))
        .isInstanceOf(ConfigException.UnresolvedSubstitution.class)
        .hasMessageContaining("NOT_SET");
  }

  @Test
  void aQuoteInsideANameIsKeptAndOnlyTheEnclosingPairIsStripped() {
    // A one-character name that is itself a quote must not be emptied.
    assertThat(new EnvironmentResolver(Map.of("\"", "q")).lookup("\"").unwrapped()).isEqualTo("q");
    assertThat(new EnvironmentResolver(ENVIRONMENT).lookup("\"WAREHOUSE\"").unwrapped()).isEqualTo("s3a://bucket/wh");
  }
}
