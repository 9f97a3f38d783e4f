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
      InternalRow internal = new GenericInternalRow(new Object[] {utf8(row.getString(0)), utf8(row.getString(1)),
          utf8(row.getString(2)), utf8(row.getString(3))});
      byChain.add(chain.apply(internal).getUTF8String(0).toString());
    }
    assertThat(byChain).containsExactly("Organic Search", "Email", "Direct", "Referral").isEqualTo(bySpark);
  }

  @Test
  void refusesAnythingButProjections() {
    Dataset<Row> filtered = spark.createDataFrame(List.of(), schema).filter("event_id = 'a'").withColumn("x", org.apache.spark.sql.functions.lit(1));
    assertThatThrownBy(() -> ProjectionChain.of(filtered, "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Filter");
  }

  private static UTF8String utf8(String value) {
    return value == null ? null : UTF8String.fromString(value);
  }
}
