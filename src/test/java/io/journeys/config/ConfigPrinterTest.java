package io.journeys.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigPrinterTest {

  @Test
  void secretsAreMaskedAndTheRestIsShown() {
    Config config =
        SettingsLoader.loadConfig(
            Optional.empty(),
            List.of(
                "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=hunter2-secret-value",
                "spark.conf.\"spark.hadoop.fs.s3a.access.key\"=AKIAEXAMPLEKEY",
                "spark.conf.\"spark.hadoop.fs.azure.sas.token\"=tok-123",
                "spark.conf.\"spark.datasource.password\"=pw-456",
                "s3.credentials-provider=com.amazonaws.auth.DefaultAWSCredentialsProviderChain"));
    String text = ConfigPrinter.render(config);
    assertThat(text)
        .doesNotContain("hunter2-secret-value")
        .doesNotContain("AKIAEXAMPLEKEY")
        .doesNotContain("tok-123")
        .doesNotContain("pw-456")
        .contains(ConfigPrinter.MASK)
        .contains("DefaultAWSCredentialsProviderChain")
        .contains("timeout");
  }

  @Test
  void accountEncryptionAndApiKeysAndPasswordsInsideValuesAreMasked() {
    Config config =
        SettingsLoader.loadConfig(
            Optional.empty(),
            List.of(
                "spark.conf.\"spark.hadoop.fs.azure.account.key.acme.blob.core.windows.net\"=AZSECRET5",
                "spark.conf.\"spark.hadoop.fs.s3a.encryption.key\"=ENCSECRET11",
                "spark.conf.\"spark.hadoop.fs.s3a.apikey\"=APIKEYSECRET9",
                "spark.conf.\"spark.hadoop.javax.jdo.option.ConnectionURL\"=\"jdbc:mysql://hive:PWSECRET6@db:3306/ms?user=hive&password=PWSECRET7\"",
                "input.path=\"s3a://AKIAUSER:ENVSECRET@bucket/events\"",
                "output.path=\"http://warehouse:8080/tables\""));
    String text = ConfigPrinter.render(config);
    assertThat(text).doesNotContain("AZSECRET5", "ENCSECRET11", "APIKEYSECRET9", "PWSECRET6", "PWSECRET7", "ENVSECRET")
        .contains("jdbc:mysql://hive:" + ConfigPrinter.MASK + "@db:3306/ms?user=hive&password=" + ConfigPrinter.MASK)
        .contains("s3a://AKIAUSER:" + ConfigPrinter.MASK + "@bucket/events")
        // A port is not a password.
        .contains("http://warehouse:8080/tables");
  }

  /** Three secrets check-config printed (a review): a SAS key, an Oracle thin URL, a password with an @. */
  @Test
  void aSharedAccessSignatureAnOracleUrlsPasswordAndAPasswordHoldingAnAtAreMasked() {
    Config config =
        SettingsLoader.loadConfig(
            Optional.empty(),
            List.of(
                "spark.conf.\"spark.hadoop.fs.azure.sas.c.acct.blob.core.windows.net\"=\"sv=2022&sig=SASSECRET1\"",
                "spark.conf.\"spark.hadoop.javax.jdo.option.ConnectionURL\"=\"jdbc:oracle:thin:hive/ORASECRET2@//db:1521/x\"",
                "spark.conf.\"spark.hadoop.other.url\"=\"jdbc:mysql://u:p@ATSECRET3@h/db\""));
    String text = ConfigPrinter.render(config);
    assertThat(text).doesNotContain("SASSECRET1", "ORASECRET2", "ATSECRET3")
        .contains("jdbc:oracle:thin:hive/" + ConfigPrinter.MASK + "@//db:1521/x")
        .contains("jdbc:mysql://u:" + ConfigPrinter.MASK + "@h/db");
    assertThat(ConfigPrinter.isSecret("spark.conf.\"spark.hadoop.fs.azure.sas.fixed.token\"")).isTrue();
    assertThat(ConfigPrinter.isSecret("input.sason")).isFalse();
  }

  /** A review found a URL password holding a / printed from the / on. */
  @Test
  void aUrlPasswordHoldingASlashIsMaskedWhole() {
    Config config =
        SettingsLoader.loadConfig(
            Optional.empty(),
            List.of("spark.conf.\"spark.hadoop.other.url\"=\"jdbc:postgresql://u:SL/SECRET4@h:5432/db?ssl=true\""));
    assertThat(ConfigPrinter.render(config)).doesNotContain("SL/", "SECRET4")
        .contains("jdbc:postgresql://u:" + ConfigPrinter.MASK + "@h:5432/db?ssl=true");
  }

  /**
   * A URL's query carries tokens and signatures as well as passwords: a failing line printed
   * {@code ?token=} (black box W). The parameter's name is kept; its neighbours that are no secret
   * are too, and a name that only contains a secret word before other letters is not one.
   */
  @Test
  void secretParametersInAUrlsQueryAreMaskedAndTheOthersKept() {
    String url = "https://store.example/events?page=2&token=TOK1&access_token=TOK2&client_secret=SEC3"
        + "&X-Amz-Signature=SIG4&X-Amz-Security-Token=TOK5&sv=2022-11-02&sig=SIG6&api_key=KEY7&apikey=KEY8";
    assertThat(ConfigPrinter.withoutPasswords(url)).isEqualTo("https://store.example/events?page=2&token=" + ConfigPrinter.MASK
        + "&access_token=" + ConfigPrinter.MASK + "&client_secret=" + ConfigPrinter.MASK + "&X-Amz-Signature="
        + ConfigPrinter.MASK + "&X-Amz-Security-Token=" + ConfigPrinter.MASK + "&sv=2022-11-02&sig=" + ConfigPrinter.MASK
        + "&api_key=" + ConfigPrinter.MASK + "&apikey=" + ConfigPrinter.MASK);
    assertThat(ConfigPrinter.withoutPasswords("jdbc:sqlserver://db:1433;user=hive;pwd=PW9;encrypt=true"))
        .isEqualTo("jdbc:sqlserver://db:1433;user=hive;pwd=" + ConfigPrinter.MASK + ";encrypt=true");
    assertThat(ConfigPrinter.withoutPasswords("set fs.s3a.secret.key=SK1 and fs.s3a.access.key=AK2,"
        + " DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=AK3==;EndpointSuffix=core.windows.net"))
        .isEqualTo("set fs.s3a.secret.key=" + ConfigPrinter.MASK + " and fs.s3a.access.key=" + ConfigPrinter.MASK
            + " DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + ConfigPrinter.MASK
            + ";EndpointSuffix=core.windows.net");
    // The value ends at a quote that closes it: the line around it stays as it was, and a password
    // holding a quote is masked whole.
    assertThat(ConfigPrinter.withoutPasswords("(spark.master 'spark://h:7077?token=T9'): refused"))
        .isEqualTo("(spark.master 'spark://h:7077?token=" + ConfigPrinter.MASK + "'): refused");
    assertThat(ConfigPrinter.withoutPasswords("jdbc:sqlserver://db;password=pa'ss\"wd;user=hive"))
        .isEqualTo("jdbc:sqlserver://db;password=" + ConfigPrinter.MASK + ";user=hive");
    String plain = "fs.s3a.aws.credentials.provider=org.example.Chain tokenizer=ws design=flat signal=1 max-tokens=5"
        + " --set expects key=value, partition.key=d";
    assertThat(ConfigPrinter.withoutPasswords(plain)).isEqualTo(plain);
  }

  @Test
  void secretKeyNames() {
    assertThat(ConfigPrinter.isSecret("spark.conf.\"spark.hadoop.fs.s3a.secret.key\"")).isTrue();
    assertThat(ConfigPrinter.isSecret("db.password")).isTrue();
    assertThat(ConfigPrinter.isSecret("github.token")).isTrue();
    assertThat(ConfigPrinter.isSecret("aws.access-key")).isTrue();
    assertThat(ConfigPrinter.isSecret("s3.credentials-provider")).isFalse();
    assertThat(ConfigPrinter.isSecret("sessions.timeout")).isFalse();
  }
}
