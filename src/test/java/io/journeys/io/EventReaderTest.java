package io.journeys.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.EventFixtures;
import io.journeys.TestSpark;
import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which input partitions a read lists: one event on each of 2026-03-10, 11 and 12, an empty
 * directory for 2026-03-13 (a quiet day the tracker created) and a writer's leftover directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventReaderTest {
  private final SparkSession spark = TestSpark.session();
  private Path events;
  private EventReader reader;

  @BeforeAll
  void writeEvents(@TempDir Path dir) throws Exception {
    events = dir.resolve("events");
    new EventFixtures()
        .event("a", "v1", "2026-03-10 10:00:00", "page_view")
        .event("b", "v1", "2026-03-11 10:00:00", "page_view")
        .event("c", "v2", "2026-03-12 23:59:59", "page_view")
        .toDataset(spark)
        .drop(EventReader.EVENT_TIME_RAW)
        .write().partitionBy("event_date").parquet(events.toString());
    Files.createDirectories(events.resolve("event_date=2026-03-13"));
    Files.createDirectories(events.resolve("_temporary"));
    JobSettings settings = SettingsLoader.load(Optional.empty(), List.of("input.path=" + events));
    reader = new EventReader(spark, settings);
  }

  private List<String> ids(Dataset<Row> rows) {
    return rows.select("event_id").as(Encoders.STRING()).collectAsList();
  }

  @Test
  void aDayListsItsOwnDirectoryNotTheHistory() {
    Dataset<Row> day = reader.read(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11"));
    assertThat(ids(day)).containsExactly("b");
    String plan = day.queryExecution().executedPlan().toString();
    assertThat(plan)
        .as("the scan's file index is rooted at the day's directory")
        .containsPattern("InMemoryFileIndex\\(1 paths\\)\\[\\S*/events/event_date=2026-03-11\\]");
  }

  @Test
  void aRangeReadsEachOfItsDaysAndSkipsAnEmptyOne() {
    Dataset<Row> range = reader.read(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-13"));
    assertThat(ids(range)).containsExactlyInAnyOrder("b", "c");
    assertThat(range.select("event_date").distinct().as(Encoders.DATE()).collectAsList())
        .containsExactlyInAnyOrder(java.sql.Date.valueOf("2026-03-11"), java.sql.Date.valueOf("2026-03-12"));
  }

  @Test
  void aRangeOfOnlyAnEmptyDirectoryOrNoDirectoryIsEmpty() {
    assertThat(ids(reader.read(LocalDate.parse("2026-03-13"), LocalDate.parse("2026-03-13")))).isEmpty();
    assertThat(ids(reader.read(LocalDate.parse("2026-03-20"), LocalDate.parse("2026-03-21")))).isEmpty();
  }
}
