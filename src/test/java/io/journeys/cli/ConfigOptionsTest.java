package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.config.SettingsLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigOptionsTest {

  private static Optional<String> master(ConfigOptions options, String submitMaster) {
    return SettingsLoader.load(options.file(), options.overrides(submitMaster)).spark().master();
  }

  @Test
  void spark_submitsMasterBeatsTheLaptopFileFoundInTheWorkingDirectory() {
    // The tests run in the checkout, where conf/local.conf sets local[*]: under spark-submit
    // --master yarn from there, the job ran in local[*] without a word (a review).
    ConfigOptions implicit = new ConfigOptions();
    assertThat(implicit.file()).contains(Path.of("conf/local.conf"));
    assertThat(master(implicit, null)).contains("local[*]");
    assertThat(master(implicit, "yarn")).isEmpty();
    // A master asked for still wins: --set, or a --config naming the file.
    ConfigOptions set = new ConfigOptions();
    set.overrides = List.of("spark.master=local[1]");
    assertThat(master(set, "yarn")).contains("local[1]");
    ConfigOptions explicit = new ConfigOptions();
    explicit.config = Path.of("conf/local.conf");
    assertThat(master(explicit, "yarn")).contains("local[*]");
    // A --set of spark.master, even empty, is the user's: spark-submit's then applies as asked.
    ConfigOptions unset = new ConfigOptions();
    unset.overrides = List.of("spark.master=");
    assertThat(unset.overrides("yarn")).containsExactly("spark.master=");
    assertThat(master(unset, null)).isEmpty();
  }
}
