package io.journeys.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.EventFixtures;
import io.journeys.TestSpark;
import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import io.journeys.io.EventReader;
import io.journeys.io.OutputTable;
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
 * A micro rule counted per journey (SPEC §3), through the whole job: its matches span two days,
 * two sessions and two devices that one login stitches. Run as a range and day by day.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerJourneyRuleJobTest {
  private Path dir;
  private final SparkSession spark = TestSpark.session();

  private JobSettings settings(String warehouse, String database) {
    return SettingsLoader.load(Optional.empty(), List.of(
        "input.path=" + dir.resolve("events"),
        "output.path=" + dir.resolve(warehouse),
        "output.database=" + database,
        "conversions.micro=[{name = read_3_posts, when = \"event_name = 'page_view' AND page_url LIKE '%/blog/%'\","
            + " min-count = 3, per = journey}, {name = add_to_cart, when = \"event_name = 'add_to_cart'\"}]",
        "funnels=[]",
        "attribution.lookback=1d",
        "input.late-days=0"));
  }

  @BeforeAll
  void runTheRangeAndTheDays(@TempDir Path tempDir) {
    dir = tempDir;
    new EventFixtures()
        // Device j1, 03-10, anonymous: two blog posts. On 03-11 it logs in as J (not a post).
        .event("j1a", "j1", "2026-03-10 09:00:00", "page_view", "https://s.com/blog/a", null, null, null)
        .event("j1b", "j1", "2026-03-10 09:01:00", "page_view", "https://s.com/blog/b", null, null, null)
        .event("j1c", "j1", "2026-03-11 08:00:00", "page_view", "https://s.com/", null, null, "J")
        // Device j2 of J, 03-11: J's third post (23.5 h after the second, within the 1 d lookback),
        // a purchase, then two posts of the next journey, which needs three.
        .event("j2a", "j2", "2026-03-11 08:30:00", "page_view", "https://s.com/blog/c", null, null, "J")
        .event("j2b", "j2", "2026-03-11 08:35:00", "purchase", "https://s.com/done", null, null, "J")
        .event("j2c", "j2", "2026-03-11 08:40:00", "page_view", "https://s.com/blog/d", null, null, "J")
        .event("j2d", "j2", "2026-03-11 08:41:00", "page_view", "https://s.com/blog/e", null, null, "J")
        // Visitor k, 03-10: one post and an add to cart; the journey closes 03-11 07:01, without a post.
        .event("k1", "k", "2026-03-10 07:00:00", "page_view", "https://s.com/blog/a", null, null, null)
        .event("k2", "k", "2026-03-10 07:01:00", "add_to_cart", "https://s.com/p", null, null, null)
        .toDataset(spark)
        .drop(EventReader.EVENT_TIME_RAW)
        .write().partitionBy("event_date").parquet(dir.resolve("events").toString());
    new DailyJob(spark, settings("range", "per_journey_range"))
        .run(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-11"));
    JobSettings daily = settings("daily", "per_journey_daily");
    new DailyJob(spark, daily).run(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10"));
    new DailyJob(spark, daily).run(LocalDate.parse("2026-03-11"), LocalDate.parse("2026-03-11"));
  }

  private Dataset<Row> table(String warehouse, OutputTable table) {
    return spark.read().format("delta").load(dir.resolve(warehouse).resolve(table.tableName()).toString());
  }

  private List<String> strings(Dataset<Row> rows, String expression) {
    return rows.selectExpr(expression).as(Encoders.STRING()).collectAsList();
  }

  @Test
  void theRuleFiresAtTheJourneysThirdPostAcrossDaysAndDevices() {
    // J: posts at 03-10 09:00, 09:01 (device j1, stitched by its login) and 03-11 08:30 (j2): the
    // third is the touchpoint, and the purchase credits it. The two posts after the purchase start
    // a new count; k's one post fires nothing.
    assertThat(strings(table("range", OutputTable.JOURNEYS),
        "concat_ws(' ', visitor_key, close_date, converted, coalesce(macro_conversion, '-'), path, cast(touchpoint_times AS STRING))"))
        .containsExactlyInAnyOrder(
            "J 2026-03-11 true purchase read_3_posts [2026-03-11 08:30:00]",
            "k 2026-03-11 false - add_to_cart [2026-03-10 07:01:00]");
    // Every model gives the one touchpoint the whole conversion and its value.
    assertThat(strings(table("range", OutputTable.ATTRIBUTION), "concat_ws(' ', touchpoint, credited_conversions, credited_value)"))
        .hasSize(io.journeys.config.JobSettings.MODELS.size())
        .containsOnly("read_3_posts 1.0 100.0");
  }

  @Test
  void stageOneHandsOnEachSessionsFirstThreePostsAndAgainAfterThePurchase() {
    // As of each row's day: j1 was anonymous on 03-10. Not touchpoints of their sessions, so
    // conversions holds only the add to cart and the purchase.
    assertThat(strings(table("range", OutputTable.JOURNEY_RULE_MATCHES), "concat_ws(' ', event_id, visitor_key, conversion)"))
        .containsExactlyInAnyOrder("j1a j1 read_3_posts", "j1b j1 read_3_posts", "j2a J read_3_posts",
            "j2c J read_3_posts", "j2d J read_3_posts", "k1 k read_3_posts");
    assertThat(strings(table("range", OutputTable.CONVERSIONS), "concat_ws(' ', event_id, conversion)"))
        .containsExactlyInAnyOrder("k2 add_to_cart", "j2b purchase");
  }

  @Test
  void theDaysInOrderGiveTheRangesTables() {
    for (OutputTable t : List.of(OutputTable.JOURNEY_RULE_MATCHES, OutputTable.CONVERSIONS, OutputTable.JOURNEYS,
        OutputTable.ATTRIBUTION, OutputTable.PATHS, OutputTable.MICRO_CONVERSION_PERFORMANCE, OutputTable.MODEL_WEIGHTS)) {
      Dataset<Row> range = table("range", t);
      Dataset<Row> days = table("daily", t);
      assertThat(range.count()).as(t.tableName()).isPositive();
      assertThat(range.exceptAll(days).count() + days.exceptAll(range).count()).as(t.tableName()).isZero();
    }
  }
}
