package io.journeys.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class S3SettingsTest {
  private static String ssl(String endpoint) {
    return new S3Settings(endpoint, false, "", "").hadoopConf().get("fs.s3a.connection.ssl.enabled");
  }

  /** TLS is off only where the endpoint says http://; a bare host name turned it off (a review). */
  @Test
  void plainHttpOnlyWhereTheEndpointSaysSo() {
    assertThat(ssl("http://127.0.0.1:9000")).isEqualTo("false");
    assertThat(ssl("HTTP://minio:9000")).isEqualTo("false");
    assertThat(ssl("https://s3.eu-west-1.amazonaws.com")).isEqualTo("true");
    assertThat(ssl("HTTPS://s3.eu-west-1.amazonaws.com")).isEqualTo("true");
    assertThat(ssl("s3.eu-west-1.amazonaws.com")).isNull(); // s3a's default: TLS
    assertThat(new S3Settings("", false, "", "").hadoopConf()).doesNotContainKey("fs.s3a.connection.ssl.enabled");
  }
}
