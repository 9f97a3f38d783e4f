package io.journeys.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeys.TestSpark;
import io.journeys.cli.JobFailure;
import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An expression from config that raises on some event (Spark SQL is ANSI) is named with its key,
 * where Spark's own message names none.
 */
class RaisingExpressionsTest {
  private final SparkSession spark = TestSpark.session();

  /** Three page views; one carries a quantity that is not a number. */
  private Dataset<Row> events() {
    return spark.sql("SELECT * FROM VALUES"
        + " ('e1', 'v', 'page_view', 'https://s.com/a', 'https://www.google.com/', map('qty', '2')),"
        + " ('e2', 'v', 'page_view', 'https://s.com/b', CAST(NULL AS STRING), map('qty', 'two')),"
        + " ('e3', 'v', 'add_to_cart', 'https://s.com/c', CAST(NULL AS STRING), map('qty', '1'))"
        + " AS t(event_id, visitor_id, event_name, page_url, referrer_url, properties)");
  }

  private static JobSettings settings(String... overrides) {
    List<String> all = new ArrayList<>(List.of("funnels=[]"));
    all.addAll(List.of(overrides));
    return SettingsLoader.load(Optional.empty(), all);
  }

  @Test
  void theFirstExpressionThatRaisesIsNamedAndNotTheOnesThatDoNot() {
    JobSettings settings = settings(
        "conversions.micro=[{name = carts, when = \"event_name = 'add_to_cart'\"},"
            + " {name = bulk, when = \"CAST(properties['qty'] AS INT) > 1\"},"
            + " {name = also_bulk, when = \"CAST(properties['qty'] AS INT) > 5\"}]",
        "conversions.macro=[{name = buy, when = \"event_name = 'purchase'\"}]",
        "channels.rules=[{name = Search, when = \"referrer_host LIKE '%google%'\"}]");
    Optional<RaisingExpressions.Found> found =
        RaisingExpressions.firstRaising(events(), RaisingExpressions.suspects(settings));
    assertThat(found).isPresent();
    assertThat(found.get().suspect().key()).isEqualTo("conversions.micro rule 'bulk' when");
    assertThat(found.get().error().getMessage()).contains("CAST_INVALID_INPUT").contains("'two'");
  }

  @Test
  void aChannelRuleSeesTheHostsAndAValueOnlyTheEventsItsRuleFiresOn() {
    JobSettings settings = settings(
        "conversions.micro=[{name = carts, when = \"event_name = 'add_to_cart'\"}]",
        // Its value would raise on e2, where it does not fire.
        "conversions.macro=[{name = buy, when = \"event_name = 'add_to_cart'\", value = \"CAST(properties['qty'] AS DOUBLE)\"}]",
        "channels.rules=[{name = Search, when = \"referrer_host LIKE '%google%'\"},"
            + " {name = Odd, when = \"1 / length(referrer_host) > 0 OR CAST(properties['qty'] AS INT) > 0\"}]");
    Optional<RaisingExpressions.Found> found =
        RaisingExpressions.firstRaising(events(), RaisingExpressions.suspects(settings));
    assertThat(found).isPresent();
    assertThat(found.get().suspect().key()).isEqualTo("channels.rules 'Odd' when");
  }

  @Test
  void aRunWhoseValueExpressionRaisesWhereItsRuleFiresFailsBeforeAnyWrite(@TempDir Path dir) {
    spark.sql("SELECT * FROM VALUES"
        + " ('e1', TIMESTAMP'2026-03-10 09:00:00', 'v', 'add_to_cart', map('amount', 'n/a'), DATE'2026-03-10'),"
        + " ('e2', TIMESTAMP'2026-03-10 09:05:00', 'v', 'purchase', map('amount', '12.50'), DATE'2026-03-10'),"
        + " ('e3', TIMESTAMP'2026-03-10 09:06:00', 'w', 'purchase', map('amount', 'n/a'), DATE'2026-03-10')"
        + " AS t(event_id, event_time, visitor_id, event_name, properties, event_date)")
        .write().partitionBy("event_date").parquet(dir.resolve("events").toString());
    JobSettings settings = settings("input.path=" + dir.resolve("events"), "output.path=" + dir.resolve("warehouse"),
        "output.database=raising_expressions",
        "conversions.macro=[{name = purchase, when = \"event_name = 'purchase'\","
            + " value = \"CAST(properties['amount'] AS DOUBLE)\"}]");
    assertThatThrownBy(() -> new DailyJob(spark, settings).run(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot run: conversions.macro rule 'purchase' value = 'CAST(properties['amount'] AS DOUBLE)'"
            + " raises on some events: [CAST_INVALID_INPUT]");
    assertThat(dir.resolve("warehouse")).doesNotExist();
  }

  @Test
  void aFailureThatIsNotAboutAValueIsLeftAsItIs() {
    RuntimeException failure = new IllegalStateException("disk full");
    assertThat(RaisingExpressions.explain(failure, events(), settings())).isSameAs(failure);
  }

  @Test
  void aRunWhoseMappingRaisesFailsNamingTheKeyAndWritesNothing(@TempDir Path dir) {
    spark.sql("SELECT * FROM VALUES"
        + " ('e1', TIMESTAMP'2026-03-10 09:00:00', 'v', 'page_view', '12.50', DATE'2026-03-10'),"
        + " ('e2', TIMESTAMP'2026-03-10 09:05:00', 'v', 'purchase', 'n/a', DATE'2026-03-10')"
        + " AS t(event_id, event_time, visitor_id, event_name, amount, event_date)")
        .write().partitionBy("event_date").parquet(dir.resolve("events").toString());
    JobSettings settings = settings("input.path=" + dir.resolve("events"), "output.path=" + dir.resolve("warehouse"),
        "output.database=raising_expressions", "input.columns.revenue=CAST(amount AS DOUBLE)");
    assertThatThrownBy(() -> new DailyJob(spark, settings).run(LocalDate.parse("2026-03-10"), LocalDate.parse("2026-03-10")))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot run: input.columns.revenue = 'CAST(amount AS DOUBLE)' raises on some events:"
            + " [CAST_INVALID_INPUT]")
        .hasMessageContaining("'n/a'");
    assertThat(dir.resolve("warehouse")).doesNotExist();
  }
}
