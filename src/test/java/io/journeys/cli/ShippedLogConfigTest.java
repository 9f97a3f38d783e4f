package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Test
  void aUrlsPasswordIsMaskedInTheMessageAndInTheTraceWhichIsWrittenOnce() throws Exception {
    Path file = Path.of("conf/log4j2.properties");
    LoggerContext context = new LoggerContext("shipped-log-config");
    Configuration config;
    try (InputStream in = Files.newInputStream(file)) {
      config = new PropertiesConfigurationFactory().getConfiguration(context, new ConfigurationSource(in, file.toFile()));
    }
    config.initialize();
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
}
