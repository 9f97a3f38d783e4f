package io.journeys.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class InputSchemaTest {
  private static StructType ddl(String ddl) {
    return StructType.fromDDL(ddl);
  }

  @Test
  void theUnionHasEveryColumnOfEitherSideInFirstSeenOrderMatchingNamesWithoutCase() {
    StructType union = InputSchema.union(ddl("event_id STRING, utm_source STRING"),
        ddl("EVENT_ID STRING, revenue DOUBLE, ctx STRUCT<page: STRING>"), false);
    assertThat(union.simpleString()).isEqualTo("struct<event_id:string,utm_source:string,revenue:double,ctx:struct<page:string>>");
    assertThat(InputSchema.union(ddl("ctx STRUCT<page: STRING>, tags ARRAY<STRUCT<k: STRING>>"),
            ddl("ctx STRUCT<referrer: STRING>, tags ARRAY<STRUCT<v: INT>>"), false).simpleString())
        .isEqualTo("struct<ctx:struct<page:string,referrer:string>,tags:array<struct<k:string,v:int>>>");
    // With spark.sql.caseSensitive two names differing in case are two columns, at any depth.
    assertThat(InputSchema.union(ddl("event_name STRING, ctx STRUCT<page: STRING>"),
            ddl("EVENT_NAME STRING, ctx STRUCT<PAGE: STRING>"), true).simpleString())
        .isEqualTo("struct<event_name:string,ctx:struct<page:string,PAGE:string>,EVENT_NAME:string>");
  }

  @Test
  void numbersTakeATypeSparksParquetReadersReadBothAs() {
    assertThat(InputSchema.union(ddl("v TINYINT"), ddl("v INT"), false).simpleString()).isEqualTo("struct<v:int>");
    assertThat(InputSchema.union(ddl("v BIGINT"), ddl("v SMALLINT"), false).simpleString()).isEqualTo("struct<v:bigint>");
    assertThat(InputSchema.union(ddl("v INT"), ddl("v DOUBLE"), false).simpleString()).isEqualTo("struct<v:double>");
    assertThat(InputSchema.union(ddl("v INT"), ddl("v FLOAT"), false).simpleString()).isEqualTo("struct<v:double>");
    // DuckDB types each decimal literal by its digits: the larger scale and the more whole digits.
    assertThat(InputSchema.union(ddl("v DECIMAL(4,2)"), ddl("v DECIMAL(3,2)"), false).simpleString()).isEqualTo("struct<v:decimal(4,2)>");
    assertThat(InputSchema.union(ddl("v DECIMAL(4,2)"), ddl("v DECIMAL(4,3)"), false).simpleString()).isEqualTo("struct<v:decimal(5,3)>");
    assertThat(InputSchema.union(ddl("v DECIMAL(9,2)"), ddl("v DECIMAL(38,30)"), false).simpleString()).isEqualTo("struct<v:decimal(38,30)>");
    assertThat(InputSchema.union(ddl("t TIMESTAMP_NTZ"), ddl("t TIMESTAMP"), false).simpleString()).isEqualTo("struct<t:timestamp>");
    assertThat(InputSchema.union(ddl("m MAP<STRING, INT>"), ddl("m MAP<STRING, BIGINT>"), false).simpleString())
        .isEqualTo("struct<m:map<string,bigint>>");
  }

  @Test
  void typesNoTypeReadsBothAsAreAConflictNamingTheColumn() {
    assertThatThrownBy(() -> InputSchema.union(ddl("revenue BIGINT"), ddl("revenue DOUBLE"), false))
        .hasMessage("column revenue: BIGINT and DOUBLE");
    // A DECIMAL read as an integer gives its unscaled value (2.25 as 225).
    assertThatThrownBy(() -> InputSchema.union(ddl("revenue DECIMAL(10,2)"), ddl("revenue INT"), false))
        .hasMessage("column revenue: DECIMAL(10,2) and INT");
    // Beyond 38 digits no DECIMAL holds both: 36 whole digits and a scale of 4.
    assertThatThrownBy(() -> InputSchema.union(ddl("revenue DECIMAL(38,2)"), ddl("revenue DECIMAL(10,4)"), false))
        .hasMessage("column revenue: DECIMAL(38,2) and DECIMAL(10,4)");
    assertThatThrownBy(() -> InputSchema.union(ddl("ctx STRUCT<page: STRING>"), ddl("ctx STRUCT<page: STRUCT<url: STRING>>"), false))
        .hasMessage("column ctx.page: STRING and STRUCT<url: STRING>");
  }

  @Test
  void aConflictingColumnGoesAsTheInnermostStructFieldOnItsPathAndAStructLeftEmptyGoesWithIt() {
    assertThat(InputSchema.without(ddl("a INT, ctx STRUCT<page: STRING, build: INT>"), List.of("ctx", "build")).simpleString())
        .isEqualTo("struct<a:int,ctx:struct<page:string>>");
    assertThat(InputSchema.without(ddl("a INT, ctx STRUCT<build: STRUCT<n: INT>>"), List.of("ctx", "build", "n")).simpleString())
        .isEqualTo("struct<a:int>");
    assertThat(InputSchema.without(ddl("items ARRAY<STRUCT<sku: STRING, price: BIGINT>>"), List.of("items", "element", "price"))
        .simpleString()).isEqualTo("struct<items:array<struct<sku:string>>>");
    assertThat(InputSchema.without(ddl("a INT, m MAP<STRING, STRUCT<x: INT, y: INT>>"), List.of("m", "value", "y")).simpleString())
        .isEqualTo("struct<a:int,m:map<string,struct<x:int>>>");
    // A map's key type cannot go alone, nor an array's element type.
    assertThat(InputSchema.without(ddl("a INT, m MAP<INT, STRING>"), List.of("m", "key")).simpleString()).isEqualTo("struct<a:int>");
    assertThat(InputSchema.without(ddl("a INT, tags ARRAY<INT>"), List.of("tags", "element")).simpleString()).isEqualTo("struct<a:int>");
  }
}
