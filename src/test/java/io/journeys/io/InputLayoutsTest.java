package io.journeys.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeys.TestSpark;
import io.journeys.cli.JobFailure;
import io.journeys.config.JobSettings;
import io.journeys.config.SettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layouts of conf/layouts (SPEC §2: Snowplow, GA4's export and Segment read without a copy):
 * the same three events of one device (a campaign page view, an add to cart, a purchase after
 * logging in) written as each tool writes them, to parquet, read through the file's mapping. The
 * expected logical rows are worked out by hand from the tools' field meanings.
 */
class InputLayoutsTest {
  private final SparkSession spark = TestSpark.session();
  @TempDir Path dir;

  /** One line per event: the logical columns joined with '|', '-' for null, properties as JSON. */
  private static final String LOGICAL = "concat_ws('|', event_id, date_format(event_time, 'yyyy-MM-dd HH:mm:ss.SSS'),"
      + " visitor_id, coalesce(user_id, '-'), coalesce(session_id, '-'), event_name, coalesce(page_url, '-'),"
      + " coalesce(referrer_url, '-'), coalesce(utm_source, '-'), coalesce(utm_medium, '-'), coalesce(utm_campaign, '-'),"
      + " coalesce(CAST(revenue AS STRING), '-'), coalesce(to_json(properties), '-'))";

  private static final String HOME = "https://shop.example.com/?utm_source=google";
  private static final String PRODUCT = "https://shop.example.com/p/1";

  @Test
  void snowplowAtomicEvents() {
    List<String> rows = read("snowplow", """
        event_id STRING, collector_tstamp TIMESTAMP, derived_tstamp TIMESTAMP, domain_userid STRING, user_id STRING,
        domain_sessionid STRING, event STRING, event_name STRING, se_category STRING, se_action STRING,
        se_label STRING, page_url STRING, page_referrer STRING, mkt_source STRING, mkt_medium STRING,
        mkt_campaign STRING, tr_total DOUBLE, tr_orderid STRING, tr_currency STRING, event_date DATE""",
        """
        {"event_id": "e1", "collector_tstamp": "2026-01-05T10:00:01.500Z", "derived_tstamp": "2026-01-05T10:00:00.123Z",
         "domain_userid": "d1", "domain_sessionid": "s-1", "event": "page_view", "event_name": "page_view",
         "page_url": "%s", "page_referrer": "https://www.google.com/", "mkt_source": "google",
         "mkt_medium": "cpc", "mkt_campaign": "brand", "event_date": "2026-01-05"}
        {"event_id": "e2", "collector_tstamp": "2026-01-05T10:01:00Z", "domain_userid": "d1",
         "domain_sessionid": "s-1", "event": "struct", "event_name": "event", "se_category": "cart",
         "se_action": "add_to_cart", "page_url": "%s", "event_date": "2026-01-05"}
        {"event_id": "e3", "collector_tstamp": "2026-01-05T10:05:02Z", "derived_tstamp": "2026-01-05T10:05:00Z",
         "domain_userid": "d1", "user_id": "u1", "domain_sessionid": "s-1", "event": "transaction",
         "event_name": "transaction", "tr_total": 59.9, "tr_orderid": "o-7", "tr_currency": "EUR",
         "event_date": "2026-01-05"}
        """.formatted(HOME, PRODUCT));
    assertThat(rows).containsExactlyInAnyOrder(
        // The device's own clock (derived) before the collector's; a structured event named by its action.
        "e1|2026-01-05 10:00:00.123|d1|-|s-1|page_view|" + HOME + "|https://www.google.com/|google|cpc|brand|-|{}",
        "e2|2026-01-05 10:01:00.000|d1|-|s-1|add_to_cart|" + PRODUCT + "|-|-|-|-|-|{\"se_category\":\"cart\"}",
        "e3|2026-01-05 10:05:00.000|d1|u1|s-1|transaction|-|-|-|-|-|59.9|{\"tr_orderid\":\"o-7\",\"tr_currency\":\"EUR\"}");
  }

  @Test
  void ga4BigQueryExport() {
    List<String> rows = read("ga4", GA4_SCHEMA,
        """
        {"event_date": "2026-01-05", "event_timestamp": 1767607200123000, "event_name": "page_view", "event_params": [
          {"key": "page_location", "value": {"string_value": "%s"}},
          {"key": "page_referrer", "value": {"string_value": "https://www.google.com/"}},
          {"key": "ga_session_id", "value": {"int_value": 1767607200}}],
         "user_pseudo_id": "d1", "batch_page_id": 1767607200100, "batch_ordering_id": 1, "batch_event_index": 1,
         "collected_traffic_source": {"manual_source": "google", "manual_medium": "cpc", "manual_campaign_name": "brand"}}
        {"event_date": "2026-01-05", "event_timestamp": 1767607260000000, "event_name": "add_to_cart", "event_params": [
          {"key": "page_location", "value": {"string_value": "%s"}},
          {"key": "ga_session_id", "value": {"int_value": 1767607200}},
          {"key": "quantity", "value": {"int_value": 2}},
          {"key": "quantity", "value": {"int_value": 3}}],
         "user_pseudo_id": "d1", "batch_page_id": 1767607259900, "batch_ordering_id": 2, "batch_event_index": 1}
        {"event_date": "2026-01-05", "event_timestamp": 1767607500000000, "event_name": "purchase", "event_params": [
          {"key": "ga_session_id", "value": {"int_value": 1767607200}},
          {"key": "value", "value": {"double_value": 59.9}}],
         "user_id": "u1", "user_pseudo_id": "d1", "ecommerce": {"purchase_revenue": 59.9, "transaction_id": "o-7"},
         "batch_page_id": 1767607499000, "batch_ordering_id": 1, "batch_event_index": 12}
        {"event_date": "2026-01-05", "event_timestamp": 1767607560000000, "event_name": "refund", "event_params": [
          {"key": "value", "value": {"double_value": 10.0}}],
         "user_pseudo_id": "d1"}
        """.formatted(HOME, PRODUCT));
    // 2026-01-05T10:00:00Z is 1767607200 s since 1970 (1767225600 for 2026-01-01, plus 4 days and 10 hours).
    // The purchase has no page_location: a missing parameter is null, not an error. The add to cart
    // sends quantity twice: its first value is kept (a map cannot hold a key twice; the run stopped).
    // The batch fields sit in the id padded to 19 digits; an event without them (the refund) has none.
    assertThat(rows).containsExactlyInAnyOrder(
        "d1|1767607200123000|0000001767607200100|0000000000000000001|0000000000000000001|page_view"
            + "|2026-01-05 10:00:00.123|d1|-|d1|1767607200|page_view|" + HOME
            + "|https://www.google.com/|google|cpc|brand|-|{\"page_location\":\"" + HOME
            + "\",\"page_referrer\":\"https://www.google.com/\",\"ga_session_id\":\"1767607200\"}",
        "d1|1767607260000000|0000001767607259900|0000000000000000002|0000000000000000001|add_to_cart"
            + "|2026-01-05 10:01:00.000|d1|-|d1|1767607200|add_to_cart|" + PRODUCT
            + "|-|-|-|-|-|{\"page_location\":\"" + PRODUCT + "\",\"ga_session_id\":\"1767607200\",\"quantity\":\"2\"}",
        "d1|1767607500000000|0000001767607499000|0000000000000000001|0000000000000000012|purchase"
            + "|2026-01-05 10:05:00.000|d1|u1|d1|1767607200|purchase|-|-|-|-|-|59.9"
            + "|{\"ga_session_id\":\"1767607200\",\"value\":\"59.9\"}",
        // Sent without ga_session_id (the Measurement Protocol, say): no session id, so it stays in the
        // session in progress; it was the device's id, a session of its own (a review).
        "d1|1767607560000000|refund|2026-01-05 10:06:00.000|d1|-|-|refund|-|-|-|-|-|-|{\"value\":\"10.0\"}");
  }

  private static final String GA4_PARAMS = "ARRAY<STRUCT<key: STRING, value: STRUCT<string_value: STRING,"
      + " int_value: BIGINT, float_value: DOUBLE, double_value: DOUBLE>>>";

  private static final String GA4_SCHEMA = """
      event_date DATE, event_timestamp BIGINT, event_name STRING, event_params %s, user_id STRING,
      user_pseudo_id STRING, collected_traffic_source STRUCT<manual_source: STRING, manual_medium: STRING,
      manual_campaign_name: STRING>, ecommerce STRUCT<purchase_revenue: DOUBLE, transaction_id: STRING>,
      batch_page_id BIGINT, batch_ordering_id BIGINT, batch_event_index BIGINT""".formatted(GA4_PARAMS);

  /** Events of one device and microsecond, in one batch, written in an order other than the device's. */
  private static final String ONE_MICROSECOND = """
      {"event_date": "2026-01-05", "event_timestamp": 1767607200000000, "event_name": "view_item",
       "user_pseudo_id": "d1", "batch_page_id": 1767607199000, "batch_ordering_id": 3, "batch_event_index": 10}
      {"event_date": "2026-01-05", "event_timestamp": 1767607200000000, "event_name": "view_item",
       "user_pseudo_id": "d1", "batch_page_id": 1767607199000, "batch_ordering_id": 3, "batch_event_index": 2}
      {"event_date": "2026-01-05", "event_timestamp": 1767607200000000, "event_name": "add_to_cart",
       "user_pseudo_id": "d1", "batch_page_id": 1767607199000, "batch_ordering_id": 3, "batch_event_index": 9}
      """;

  @Test
  void ga4EventsOfOneMicrosecondAreToldApartAndSortAsTheDeviceSentThem() {
    List<String> ids = new ArrayList<>(read("ga4", GA4_SCHEMA, ONE_MICROSECOND)
        .stream().map(line -> line.substring(0, line.indexOf("|2026-"))).toList());
    Collections.sort(ids);
    // By batch_event_index (2, 9, 10: as numbers, not as text), not by name: a view, the add to
    // cart, another view of the same name and microsecond, which is no duplicate.
    String prefix = "d1|1767607200000000|0000001767607199000|0000000000000000003|";
    assertThat(ids).containsExactly(prefix + "0000000000000000002|view_item", prefix + "0000000000000000009|add_to_cart",
        prefix + "0000000000000000010|view_item");
  }

  @Test
  void ga4BatchFieldsKeepTheirPlacesWhereOneIsNull() {
    // Page 7 with no request number against no page with request 7: two events, not one.
    List<String> ids = read("ga4", GA4_SCHEMA, """
        {"event_date": "2026-01-05", "event_timestamp": 1767607200000000, "event_name": "scroll",
         "user_pseudo_id": "d1", "batch_page_id": 7, "batch_event_index": 1}
        {"event_date": "2026-01-05", "event_timestamp": 1767607200000000, "event_name": "scroll",
         "user_pseudo_id": "d1", "batch_ordering_id": 7, "batch_event_index": 1}
        """).stream().map(line -> line.substring(0, line.indexOf("|2026-"))).toList();
    assertThat(ids).containsExactlyInAnyOrder(
        "d1|1767607200000000|0000000000000000007||0000000000000000001|scroll",
        "d1|1767607200000000||0000000000000000007|0000000000000000001|scroll");
  }

  @Test
  void ga4WithoutBatchFieldsNamesAnEventByDeviceMicrosecondAndName() {
    // The same events through the layout for exports from before the batch fields: the two views
    // share an id (the second is a duplicate), and the columns need not be there.
    List<String> ids = read("ga4-without-batch-fields", """
        event_date DATE, event_timestamp BIGINT, event_name STRING, event_params %s, user_id STRING,
        user_pseudo_id STRING, collected_traffic_source STRUCT<manual_source: STRING, manual_medium: STRING,
        manual_campaign_name: STRING>, ecommerce STRUCT<purchase_revenue: DOUBLE>""".formatted(GA4_PARAMS),
        ONE_MICROSECOND.replaceAll(", \"batch_[a-z_]+\": [0-9]+", ""))
        .stream().map(line -> line.substring(0, line.indexOf("|2026-"))).toList();
    assertThat(ids).containsExactlyInAnyOrder("d1|1767607200000000|view_item", "d1|1767607200000000|view_item",
        "d1|1767607200000000|add_to_cart");
  }

  @Test
  void ga4OnAnExportWithoutBatchFieldsFailsNamingTheEventIdAndTheColumn() {
    Path input = dir.resolve("old-ga4");
    // Every column the layout reads but the batch fields, so that only they can fail.
    spark.read().schema(GA4_SCHEMA.replaceAll(",\\s*batch_page_id[\\s\\S]*", ""))
        .json(spark.createDataset(List.of("{\"event_date\": \"2026-01-05\", \"event_timestamp\": 1767607200000000,"
            + " \"event_name\": \"page_view\", \"user_pseudo_id\": \"d1\"}"), Encoders.STRING()))
        .write().partitionBy("event_date").parquet(input.toString());
    JobSettings settings = SettingsLoader.load(Optional.of(Path.of("conf/layouts/ga4.conf")), List.of("input.path=" + input));
    LocalDate day = LocalDate.parse("2026-01-05");
    assertThatThrownBy(() -> new EventReader(spark, settings).read(day, day).count())
        .isInstanceOf(JobFailure.class).hasMessageContaining("input.columns.event_id").hasMessageContaining("batch_page_id");
  }

  @Test
  void ga4RangeAcrossTheBatchFieldsArrivalReadsTheOlderDaysWithoutThem() {
    // 01-04 exported before the batch fields, 01-05 after: one range reads both, 01-04's event
    // named by device, microsecond and name alone.
    Path input = dir.resolve("mixed");
    spark.read().schema("event_date DATE, event_timestamp BIGINT, event_name STRING, user_pseudo_id STRING")
        .json(spark.createDataset(List.of("{\"event_date\": \"2026-01-04\", \"event_timestamp\": 1767520800000000,"
            + " \"event_name\": \"page_view\", \"user_pseudo_id\": \"d1\"}"), Encoders.STRING()))
        .write().partitionBy("event_date").parquet(input.toString());
    spark.read().schema(GA4_SCHEMA)
        .json(spark.createDataset(ONE_MICROSECOND.replaceAll("\n(?=[^{])", " ").lines().toList(), Encoders.STRING()))
        .write().mode("append").partitionBy("event_date").parquet(input.toString());
    JobSettings settings = SettingsLoader.load(Optional.of(Path.of("conf/layouts/ga4.conf")), List.of("input.path=" + input));
    String batch = "d1|1767607200000000|0000001767607199000|0000000000000000003|";
    assertThat(new EventReader(spark, settings).read(LocalDate.parse("2026-01-04"), LocalDate.parse("2026-01-05"))
        .select("event_id").as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("d1|1767520800000000|page_view", batch + "0000000000000000002|view_item",
            batch + "0000000000000000009|add_to_cart", batch + "0000000000000000010|view_item");
  }

  @Test
  void segmentTrackAndPageCalls() {
    List<String> rows = read("segment", """
        messageId STRING, timestamp STRING, anonymousId STRING, userId STRING, type STRING, event STRING,
        context STRUCT<page: STRUCT<url: STRING, referrer: STRING>, campaign: STRUCT<source: STRING,
        medium: STRING, name: STRING>>, properties STRUCT<revenue: DOUBLE, currency: STRING, product_id: STRING>,
        event_date DATE""",
        """
        {"messageId": "e1", "timestamp": "2026-01-05T10:00:00.123Z", "anonymousId": "d1", "type": "page",
         "context": {"page": {"url": "%s", "referrer": "https://www.google.com/"},
           "campaign": {"source": "google", "medium": "cpc", "name": "brand"}}, "event_date": "2026-01-05"}
        {"messageId": "e2", "timestamp": "2026-01-05T10:01:00Z", "anonymousId": "d1", "type": "track",
         "event": "add_to_cart", "context": {"page": {"url": "%s"}}, "properties": {"product_id": "p1"},
         "event_date": "2026-01-05"}
        {"messageId": "e3", "timestamp": "2026-01-05T10:05:00Z", "anonymousId": "d1", "userId": "u1",
         "type": "track", "event": "purchase", "properties": {"revenue": 59.9, "currency": "EUR"},
         "event_date": "2026-01-05"}
        """.formatted(HOME, PRODUCT));
    // No session id: the inactivity rule makes the sessions.
    assertThat(rows).containsExactlyInAnyOrder(
        "e1|2026-01-05 10:00:00.123|d1|-|-|page_view|" + HOME + "|https://www.google.com/|google|cpc|brand|-|-",
        "e2|2026-01-05 10:01:00.000|d1|-|-|add_to_cart|" + PRODUCT + "|-|-|-|-|-|{\"product_id\":\"p1\"}",
        "e3|2026-01-05 10:05:00.000|d1|u1|-|purchase|-|-|-|-|-|59.9|{\"revenue\":\"59.9\",\"currency\":\"EUR\"}");
  }

  @Test
  void segmentAsJsonNeedsTheSchemaOnADayWithoutTrackCalls() throws Exception {
    // Segment's S3 destination writes JSON. Inferred from a day of page calls alone, the schema has
    // no `event` (nor `properties`), so the event_name mapping cannot resolve; input.schema fixes that.
    Path day = Files.createDirectories(dir.resolve("segment-json").resolve("event_date=2026-01-05"));
    Files.writeString(day.resolve("part-0.json"), "{\"messageId\": \"e1\", \"timestamp\": \"2026-01-05T10:00:00.123Z\","
        + " \"anonymousId\": \"d1\", \"type\": \"page\", \"context\": {\"page\": {\"url\": \"" + HOME + "\"}}}\n");
    List<String> json = List.of("input.path=" + dir.resolve("segment-json"), "input.format=json");
    LocalDate date = LocalDate.parse("2026-01-05");
    JobSettings inferred = SettingsLoader.load(Optional.of(Path.of("conf/layouts/segment.conf")), json);
    assertThatThrownBy(() -> new EventReader(spark, inferred).read(date, date))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("Cannot read events: input.columns.event_name = 'if(type = 'page', 'page_view', event)'"
            + " does not resolve");
    List<String> withSchema = new ArrayList<>(json);
    withSchema.add("input.schema=messageId STRING, timestamp STRING, anonymousId STRING, userId STRING, type STRING,"
        + " event STRING, context STRUCT<page: STRUCT<url: STRING, referrer: STRING>, campaign: STRUCT<source: STRING,"
        + " medium: STRING, name: STRING>>, properties STRUCT<revenue: DOUBLE, currency: STRING>");
    JobSettings given = SettingsLoader.load(Optional.of(Path.of("conf/layouts/segment.conf")), withSchema);
    assertThat(new EventReader(spark, given).read(date, date).selectExpr(LOGICAL).as(Encoders.STRING()).collectAsList())
        .containsExactly("e1|2026-01-05 10:00:00.123|d1|-|-|page_view|" + HOME + "|-|-|-|-|-|-");
  }

  /**
   * Writes the JSON lines as parquet in the tool's schema under event_date=, and reads them back
   * as the job does, with conf/layouts/{layout}.conf.
   */
  private List<String> read(String layout, String schema, String jsonLines) {
    Path input = dir.resolve(layout);
    spark.read().schema(schema).json(spark.createDataset(jsonLines.replaceAll("\n(?=[^{])", " ").lines().toList(),
        Encoders.STRING())).write().partitionBy("event_date").parquet(input.toString());
    JobSettings settings = SettingsLoader.load(Optional.of(Path.of("conf/layouts/" + layout + ".conf")),
        List.of("input.path=" + input));
    LocalDate day = LocalDate.parse("2026-01-05");
    return new EventReader(spark, settings).read(day, day).selectExpr(LOGICAL).as(Encoders.STRING()).collectAsList();
  }
}
