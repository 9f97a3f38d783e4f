package io.journeys.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Parquet UUID columns, which Spark reads as their 16 bytes, as the text other systems show them
 * as (8-4-4-4-12 lower-case hex digits): a UUID visitor id then keys, joins and is written like any
 * other id, and quarantine.raw shows it as text rather than as base64.
 */
final class UuidText {
  private UuidText() {}

  /**
   * {@code raw} with each BINARY column or struct field at one of {@code paths} as its UUID text; a
   * path the rows no longer have as BINARY (left out of the read, say) is passed over.
   */
  static Dataset<Row> of(Dataset<Row> raw, List<List<String>> paths) {
    Dataset<Row> result = raw;
    for (List<String> path : paths) {
      if (!DataTypes.BinaryType.equals(typeAt(result.schema(), path))) {
        continue;
      }
      Column text = text(col(quoted(path)));
      result = result.withColumn(path.get(0), path.size() == 1 ? text
          : col(quoted(path.subList(0, 1))).withField(quoted(path.subList(1, path.size())), text));
    }
    return result;
  }

  /** The hex digits of 16 bytes, grouped 8-4-4-4-12; null stays null. */
  static Column text(Column bytes) {
    return regexp_replace(lower(hex(bytes)), "^(.{8})(.{4})(.{4})(.{4})(.{12})$", "$1-$2-$3-$4-$5");
  }

  private static String quoted(List<String> path) {
    return path.stream().map(name -> "`" + name.replace("`", "``") + "`").collect(Collectors.joining("."));
  }

  /** The type at a path of struct fields (names as Spark's default analysis compares them), or null. */
  private static DataType typeAt(StructType schema, List<String> path) {
    DataType type = schema;
    for (String name : path) {
      if (!(type instanceof StructType struct)) {
        return null;
      }
      StructField found = null;
      for (StructField field : struct.fields()) {
        if (field.name().equals(name) || found == null && field.name().equalsIgnoreCase(name)) {
          found = field;
        }
      }
      if (found == null) {
        return null;
      }
      type = found.dataType();
    }
    return type;
  }
}
