package io.journeys.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeys.TestSpark;
import io.journeys.config.ChannelRule;
import io.journeys.journeys.ChannelClassifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

class ProjectionChainTest {
  private final SparkSession spark = TestSpark.session();
  private final StructType schema = new StructType()
      .add("event_id", DataTypes.StringType)
      .add("page_url", DataTypes.StringType)
      .add("referrer_url", DataTypes.StringType)
      .add("utm_medium", DataTypes.StringType);
  private final List<Row> rows = List.of(
      RowFactory.create("a", "https://s.com/", "https://www.google.com/search", null),
      RowFactory.create("b", "https://s.com/", null, "EMAIL"),
      RowFactory.create("c", "https://s.com/", "https://s.com/other", null),
      RowFactory.create("d", "https://s.com/", "https://blog.example.org/", null));

  @Test
  void evaluatesTheChannelOnSingleRowsAsSparkDoesOnTheDataset() {
    // nvl is an expression Spark only replaces when optimizing: the chain must run it too.
    ChannelClassifier channels = new ChannelClassifier(List.of(
        new ChannelRule("Email", "lower(nvl(utm_medium, '')) = 'email'"),
        new ChannelRule("Organic Search", "referrer_host RLIKE '(^|\\\\.)google\\\\.'"),
        new ChannelRule("Referral", "referrer_host IS NOT NULL AND referrer_host <> page_host")), "Direct");
    Dataset<Row> classified = channels.classify(spark.createDataFrame(rows, schema));
    List<String> bySpark = classified.orderBy("event_id").select("channel").as(Encoders.STRING()).collectAsList();

    ProjectionChain chain = ProjectionChain.of(channels.classify(spark.createDataFrame(List.of(), schema)), "channel");
    chain.initialize(0);
    List<String> byChain = new ArrayList<>();
    for (Row row : rows) {
      byChain.add(chain.apply(internal(row)).getUTF8String(0).toString());
    }
    assertThat(byChain).containsExactly("Organic Search", "Email", "Direct", "Referral").isEqualTo(bySpark);
  }

  @Test
  void remembersTheRulesResultsByTheirInputsAndStaysRightPastTheMemosLimit() {
    ChannelClassifier channels = new ChannelClassifier(List.of(
        new ChannelRule("Email", "lower(utm_medium) = 'email'"),
        new ChannelRule("Organic Search", "referrer_host RLIKE '(^|\\\\.)google\\\\.'"),
        new ChannelRule("Referral", "referrer_host IS NOT NULL AND referrer_host <> page_host")), "Direct");
    // More distinct host names than the memo holds, each seen with several paths and campaigns,
    // and each input row seen twice: remembered, forgotten and computed again.
    int hosts = ProjectionChain.MEMO_LIMIT + 500;
    List<Row> many = new ArrayList<>();
    String[] mediums = {null, "EMAIL", "cpc"};
    for (int i = 0; i < 2 * hosts; i++) {
      String referrer = i % 7 == 0 ? null : "https://h" + (i % hosts) + (i % 3 == 0 ? ".google.com/q" : ".example.org/p") + i;
      many.add(RowFactory.create("e" + i, "https://s.com/page" + i, referrer, mediums[i % 3]));
    }
    List<String> bySpark = channels.classify(spark.createDataFrame(many, schema))
        .select("channel").as(Encoders.STRING()).collectAsList();

    ProjectionChain chain = ProjectionChain.of(channels.classify(spark.createDataFrame(List.of(), schema)), "channel");
    assertThat(chain.remembers()).isTrue();
    chain.initialize(0);
    List<String> byChain = new ArrayList<>();
    for (Row row : many) {
      byChain.add(chain.apply(internal(row)).getUTF8String(0).toString());
    }
    assertThat(byChain).isEqualTo(bySpark);
    assertThat(byChain).contains("Email", "Organic Search", "Referral", "Direct");
  }

  @Test
  void remembersNothingWhenARuleIsNotDeterministic() {
    ChannelClassifier channels = new ChannelClassifier(List.of(
        new ChannelRule("Lucky", "rand() < 0.5 AND referrer_host IS NOT NULL")), "Direct");
    ProjectionChain chain = ProjectionChain.of(channels.classify(spark.createDataFrame(List.of(), schema)), "channel");
    assertThat(chain.remembers()).isFalse();
  }

  @Test
  void refusesAnythingButProjections() {
    Dataset<Row> filtered = spark.createDataFrame(List.of(), schema).filter("event_id = 'a'").withColumn("x", org.apache.spark.sql.functions.lit(1));
    assertThatThrownBy(() -> ProjectionChain.of(filtered, "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Filter");
  }

  private static InternalRow internal(Row row) {
    return new GenericInternalRow(new Object[] {utf8(row.getString(0)), utf8(row.getString(1)), utf8(row.getString(2)),
        utf8(row.getString(3))});
  }

  private static UTF8String utf8(String value) {
    return value == null ? null : UTF8String.fromString(value);
  }
}
