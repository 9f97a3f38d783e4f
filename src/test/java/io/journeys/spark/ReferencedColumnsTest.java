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
}
