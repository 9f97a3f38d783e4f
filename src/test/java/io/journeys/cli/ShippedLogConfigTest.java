package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.config.ConfigPrinter;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/**
 * The logging that {@code scripts/journeys} and the Airflow DAG ship ({@code conf/log4j2.properties}),
 * built in a context of its own so that the test JVM's logging stays as it is.
 */
class ShippedLogConfigTest {

  private static Configuration shippedConfiguration() throws Exception {
    Path file = Path.of("conf/log4j2.properties");
    Configuration config;
    try (InputStream in = Files.newInputStream(file)) {
      config = new PropertiesConfigurationFactory()
          .getConfiguration(new LoggerContext("shipped-log-config"), new ConfigurationSource(in, file.toFile()));
    }
    config.initialize();
    return config;
  }

  @Test
  void aUrlsPasswordIsMaskedInTheMessageAndInTheTraceWhichIsWrittenOnce() throws Exception {
    Configuration config = shippedConfiguration();
    try {
      Appender stderr = config.getAppender("stderr");
      LogEvent event = Log4jLogEvent.newBuilder()
          .setLoggerName("org.apache.hadoop.fs.s3a.S3AFileSystem")
          .setLevel(Level.WARN)
          .setMessage(new SimpleMessage("Cannot open s3a://AKIATEST:FirstSecret@bucket/events"))
          .setThrown(new IllegalArgumentException("Bad URI s3a://AKIATEST:SecondSecret@bucket/wh"))
          .build();
      String text = new String(stderr.getLayout().toByteArray(event), StandardCharsets.UTF_8);
      assertThat(text).contains("S3AFileSystem: Cannot open s3a://AKIATEST:********@bucket/events\n")
          .contains("java.lang.IllegalArgumentException: Bad URI s3a://AKIATEST:********@bucket/wh")
          .doesNotContain("FirstSecret", "SecondSecret");
      assertThat(text.split("IllegalArgumentException", -1)).as(text).hasSize(2);
      LogEvent jdbc = Log4jLogEvent.newBuilder().setLoggerName("org.apache.hadoop.hive.metastore.ObjectStore")
          .setLevel(Level.WARN).setMessage(new SimpleMessage("Cannot connect to jdbc:postgresql://db/ms?user=hive&password=ThirdSecret&ssl=true"))
          .build();
      assertThat(new String(stderr.getLayout().toByteArray(jdbc), StandardCharsets.UTF_8))
          .endsWith("ObjectStore: Cannot connect to jdbc:postgresql://db/ms?user=hive&password=********&ssl=true\n");
      LogEvent oracle = Log4jLogEvent.newBuilder().setLoggerName("org.apache.hadoop.hive.metastore.ObjectStore")
          .setLevel(Level.WARN).setMessage(new SimpleMessage("Cannot connect to jdbc:oracle:thin:hive/Fourth$ecret@db:1521/ms"))
          .build();
      assertThat(new String(stderr.getLayout().toByteArray(oracle), StandardCharsets.UTF_8))
          .endsWith("ObjectStore: Cannot connect to jdbc:oracle:thin:hive/********@db:1521/ms\n");
    } finally {
      config.stop();
    }
  }

  /**
   * The shipped layout's three replacements are ConfigPrinter's patterns written again in the
   * properties file's escaping: the log and a failing line must mask the same text the same way.
   */
  @Test
  void theLogMasksWhatAFailingLineMasks() throws Exception {
    Configuration config = shippedConfiguration();
    try {
      Appender stderr = config.getAppender("stderr");
      for (String message : List.of(
          "s3a://AKIA:Se/cr@t@bucket/x?ssl=true",
          "jdbc:oracle:thin:hive/Pw$1@db:1521/ms",
          "jdbc:postgresql://db/ms?user=hive&password=P1&ssl=true",
          "https://h/p?page=2&token=T1&access_token=T2&X-Amz-Signature=S3&sv=2022&sig=S4&client_secret=S5&api-key=K6",
          "jdbc:sqlserver://db:1433;user=hive;pwd=P7;encrypt=true",
          "fs.s3a.secret.key=K8 AccountName=a;AccountKey=K9==;EndpointSuffix=x",
          "(spark.master 'spark://h:7077?token=T10'): refused; \"jdbc:x://h/db?password=P11\"",
          "jdbc:sqlserver://db;password=pa'ss\"wd;user=hive",
          "fs.s3a.aws.credentials.provider=org.example.Chain tokenizer=ws signal=1 --set expects key=value")) {
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("x.Y").setLevel(Level.WARN)
            .setMessage(new SimpleMessage(message)).build();
        assertThat(new String(stderr.getLayout().toByteArray(event), StandardCharsets.UTF_8))
            .as(message).endsWith("Y: " + ConfigPrinter.withoutPasswords(message) + "\n");
      }
    } finally {
      config.stop();
    }
  }
}
