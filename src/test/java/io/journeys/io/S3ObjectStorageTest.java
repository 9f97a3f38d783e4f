package io.journeys.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeys.EventFixtures;
import io.journeys.RefusingPort;
import io.journeys.TestSpark;
import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events read from and Delta tables written to s3a:// paths on a real S3-compatible server
 * (s3proxy, started as a separate process on a free 127.0.0.1 port), and what happens when the
 * endpoint goes away: bounded retries, one error, no Delta commit.
 */
class S3ObjectStorageTest {
  private static final String ACCESS = "test-access";
  private static final String SECRET = "test-secret-value";
  private static Process server;
  private static int port;
  @TempDir static Path basedir;

  private final SparkSession spark = TestSpark.session();

  @BeforeAll
  static void startS3Proxy() throws Exception {
    Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    assertThat(jar).as("s3proxy jar (maven-dependency-plugin copies it before the tests)").exists();
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path properties = basedir.resolve("s3proxy.properties");
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS,
        "s3proxy.credential=" + SECRET,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + basedir.resolve("buckets")));
    Files.createDirectories(basedir.resolve("buckets/journeys"));
    server = new ProcessBuilder("java", "-jar", jar.toString(), "--properties", properties.toString())
        .redirectErrorStream(true).redirectOutput(basedir.resolve("s3proxy.log").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException notYet) {
        assertThat(System.nanoTime()).as("s3proxy did not start: " + Files.readString(basedir.resolve("s3proxy.log")))
            .isLessThan(deadline);
        Thread.sleep(200);
      }
    }
  }

  @AfterAll
  static void stopS3Proxy() {
    if (server != null) {
      server.destroy();
    }
  }

  /** The s3a settings the job derives from config, applied to the shared session. */
  private void configure(int endpointPort, int attempts) {
    JobSettings settings = SettingsLoader.load(Optional.empty(), List.of(
        "s3.endpoint=http://127.0.0.1:" + endpointPort, "s3.path-style-access=true",
        "s3.credentials-provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"));
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    settings.s3().hadoopConf().forEach(conf::set);
    conf.set("fs.s3a.access.key", ACCESS);
    conf.set("fs.s3a.secret.key", SECRET);
    conf.set("fs.s3a.attempts.maximum", Integer.toString(attempts));
    conf.set("fs.s3a.retry.limit", Integer.toString(attempts));
    conf.set("fs.s3a.retry.interval", "100ms");
    conf.set("fs.s3a.connection.establish.timeout", "2s");
    conf.set("fs.s3a.connection.timeout", "5s");
    // A fresh client per test: the endpoint changes between tests.
    conf.set("fs.s3a.impl.disable.cache", "true");
  }

  @Test
  void eventsReadAndDeltaWrittenOnS3AndAStoppedEndpointLeavesTheTableAsItWas() throws Exception {
    configure(port, 2);
    Dataset<Row> events = new EventFixtures()
        .event("a", "v1", "2026-03-10 10:00:00", "page_view")
        .event("b", "v1", "2026-03-11 10:00:00", "page_view")
        .toDataset(spark).drop(EventReader.EVENT_TIME_RAW);
    events.write().partitionBy("event_date").parquet("s3a://journeys/events");
    assertThat(Files.list(basedir.resolve("buckets/journeys")).map(p -> p.getFileName().toString()).toList())
        .as("objects land in the server's bucket").contains("events");

    JobSettings missingBucket = SettingsLoader.load(Optional.empty(), List.of("input.path=s3a://nosuchbucket/events"));
    assertThatThrownBy(() -> new EventReader(spark, missingBucket).checkAvailable(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11")))
        .isInstanceOf(io.journeys.cli.JobFailure.class)
        .hasMessageStartingWith("Cannot read events: input.path s3a://nosuchbucket/events is not readable: ")
        .hasMessageEndingWith(": 404 NoSuchBucket (the bucket does not exist: check its name in the path and s3.endpoint)");

    JobSettings settings = SettingsLoader.load(Optional.empty(), List.of("input.path=s3a://journeys/events"));
    Dataset<Row> day = new EventReader(spark, settings).read(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11"));
    assertThat(day.select("event_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("b");

    DeltaTableWriter writer = new DeltaTableWriter(spark, new TableLocations("s3a://journeys/warehouse", "s3_test"));
    Dataset<Row> quarantine = spark.sql("SELECT DATE'2026-03-11' AS event_date, 'r' AS reason, 'run' AS run_id, '{}' AS raw");
    assertThat(writer.replaceDates(OutputTable.QUARANTINE, quarantine, LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11")))
        .isEqualTo(1);
    assertThat(writer.replaceDates(OutputTable.QUARANTINE, quarantine, LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11")))
        .as("replaceWhere on s3a").isEqualTo(1);
    String table = "s3a://journeys/warehouse/quarantine";
    long version = spark.sql("DESCRIBE HISTORY delta.`" + table + "` LIMIT 1").first().getLong(0);

    // Endpoint down: point at a refusing port with 1 attempt; the write fails, nothing committed.
    try (RefusingPort refusing = RefusingPort.open()) {
      int closed = refusing.port();
      configure(closed, 1);
      long start = System.nanoTime();
      assertThatThrownBy(() -> writer.replaceDates(OutputTable.QUARANTINE, quarantine, LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11")))
          .as("the operator's line names the table and the dates being written")
          .isInstanceOf(io.journeys.cli.JobFailure.class)
          .hasMessageStartingWith("Cannot write table s3_test.quarantine (2026-03-11): ")
          .hasMessageContaining("cannot connect to 127.0.0.1:" + closed + " [/127.0.0.1]: Connection refused (check s3.endpoint")
          .hasMessageNotContaining("SdkClientException");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded retries").isLessThan(Duration.ofMinutes(3));
    }

    configure(port, 2);
    assertThat(spark.sql("DESCRIBE HISTORY delta.`" + table + "` LIMIT 1").first().getLong(0)).isEqualTo(version);
    assertThat(spark.read().format("delta").load(table).count()).isEqualTo(1);
  }
}
