package io.journeys.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeys.TestSpark;
import io.journeys.config.ChannelRule;
import io.journeys.journeys.ChannelClassifier;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ReferencedColumnsTest {
  private final SparkSession spark = TestSpark.session();

  private Dataset<Row> rows() {
    return spark.sql("SELECT 1 AS a, 'x' AS b, 2.0 AS revenue, map('k', 'v') AS properties, 'u' AS page_url,"
        + " 'r' AS referrer_url, 'm' AS utm_medium, 'n' AS event_name");
  }

  @Test
  void namesTheColumnsThatExpressionsRead() {
    assertThat(ReferencedColumns.of(rows(), List.of("a = 1", "properties['k'] = 'v' AND lower(b) LIKE 'x%'", "revenue * 2", "1 = 1")))
        .containsExactly("a", "b", "properties", "revenue");
  }

  @Test
  void channelRulesReadTheirColumnsAndTheUrlsTheHostsComeFrom() {
    ChannelClassifier channels = new ChannelClassifier(List.of(
        new ChannelRule("Email", "utm_medium = 'email'"),
        new ChannelRule("Organic Search", "referrer_host LIKE '%google.%'")), "Direct");
    assertThat(channels.referencedColumns(rows())).containsExactlyInAnyOrder("utm_medium", "referrer_url", "page_url");
  }

  @Test
  void pathsAreTheColumnsAndTheStructFieldsTakenFromThemThatAnExpressionReadsWhole() {
    Dataset<Row> rows = spark.sql("SELECT 1 AS a, named_struct('page', 'p', 'build', 3) AS ctx,"
        + " array(named_struct('sku', 's', 'price', 2.5D)) AS items");
    assertThat(ReferencedColumns.paths(rows, "ctx.page")).containsExactly(List.of("ctx", "page"));
    assertThat(ReferencedColumns.paths(rows, "to_json(ctx)")).containsExactly(List.of("ctx"));
    assertThat(ReferencedColumns.paths(rows, "coalesce(CAST(a AS STRING), ctx.page)"))
        .containsExactlyInAnyOrder(List.of("a"), List.of("ctx", "page"));
    assertThat(ReferencedColumns.paths(rows, "items.price")).containsExactly(List.of("items", "element", "price"));
    // A lambda reads each element whole: the array is read whole.
    assertThat(ReferencedColumns.paths(rows, "get(filter(items, i -> i.sku = 's'), 0).price")).containsExactly(List.of("items"));
    assertThat(ReferencedColumns.paths(rows, "ctx.missing")).isEmpty();
    assertThat(ReferencedColumns.paths(rows, "'constant'")).isEmpty();
  }

  @Test
  void writtenPathsAreTheNamesAsWrittenWhateverTheyResolveTo() {
    assertThat(ReferencedColumns.writtenPaths(spark, "context.campaign.source")).containsExactly(List.of("context", "campaign", "source"));
    // A lambda's variable is no column: the array is.
    assertThat(ReferencedColumns.writtenPaths(spark, "get(filter(items, i -> i.sku = 's'), 0).price"))
        .containsExactly(List.of("items"));
    assertThat(ReferencedColumns.writtenPaths(spark, "'constant'")).isEmpty();
    assertThat(ReferencedColumns.writtenPaths(spark, "((")).isEmpty();
  }
}
