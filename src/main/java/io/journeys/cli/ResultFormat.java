package io.journeys.cli;

import static org.apache.spark.sql.functions.base64;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.journeys.spark.LosslessJson;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How {@code journeys sql} prints a result: an aligned table, CSV (RFC 4180) or JSON lines. In the
 * table and CSV each value is the text Spark SQL casts it to (a timestamp as {@code yyyy-MM-dd
 * HH:mm:ss} in the session's UTC), binary is base64, and an array, map or struct is its JSON, which
 * a spreadsheet or a script can parse back (Java's rendering of the collected value was Scala's
 * {@code HashMap(a -> 1)}).
 */
enum ResultFormat {
  TABLE {
    @Override
    void print(Dataset<Row> result, PrintWriter out, int limit) {
      String[] names = result.columns();
      List<String[]> rows = new ArrayList<>();
      // One row more than shown tells whether there are more (none past the largest int).
      List<Row> collected = asText(result).limit(limit == Integer.MAX_VALUE ? limit : limit + 1).collectAsList();
      for (Row row : collected.subList(0, Math.min(limit, collected.size()))) {
        String[] cells = new String[names.length];
        for (int i = 0; i < names.length; i++) {
          cells[i] = row.isNullAt(i) ? "NULL" : oneLine(row.getString(i));
        }
        rows.add(cells);
      }
      int[] widths = new int[names.length];
      for (int i = 0; i < names.length; i++) {
        widths[i] = names[i].length();
        for (String[] r : rows) {
          widths[i] = Math.max(widths[i], r[i].length());
        }
      }
      printRow(out, names, widths);
      StringBuilder rule = new StringBuilder();
      for (int i = 0; i < names.length; i++) {
        rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
      }
      out.println(rule);
      for (String[] r : rows) {
        printRow(out, r, widths);
      }
      if (limit == 0 && !collected.isEmpty()) {
        // "(0 rows, more not shown)" read as if the query had found none (a black-box test).
        out.println("(rows not shown: --limit 0)");
      } else {
        out.println("(" + rows.size() + " row" + (rows.size() == 1 ? "" : "s")
            + (collected.size() > limit ? ", more not shown: raise --limit" : "") + ")");
      }
    }

    private void printRow(PrintWriter out, String[] cells, int[] widths) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cells.length; i++) {
        line.append(i == 0 ? "" : " | ").append(String.format("%-" + Math.max(1, widths[i]) + "s", cells[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  },
  CSV {
    @Override
    void print(Dataset<Row> result, PrintWriter out, int limit) {
      String[] names = result.columns();
      out.println(String.join(",", java.util.Arrays.stream(names).map(ResultFormat::escape).toList()));
      Iterator<Row> it = asText(result).toLocalIterator();
      long printed = 0;
      while (it.hasNext()) {
        Row row = it.next();
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
          // An empty field is NULL and a quoted empty one the empty string, as Spark's and
          // PostgreSQL's CSV have it: both printed as nothing could not be told apart.
          cells.add(row.isNullAt(i) ? "" : row.getString(i).isEmpty() ? "\"\"" : escape(row.getString(i)));
        }
        out.println(String.join(",", cells));
        stopIfUnwritable(out, ++printed);
      }
    }
  },
  JSON {
    /** Every column is a key of every line, a NULL as null: a script reading the lines sees one schema. */
    @Override
    void print(Dataset<Row> result, PrintWriter out, int limit) {
      StructField[] fields = result.schema().fields();
      String[] positional = new String[fields.length];
      Column[] named = new Column[fields.length];
      for (int i = 0; i < fields.length; i++) {
        positional[i] = "c" + i;
        named[i] = col(positional[i]).as(fields[i].name());
      }
      Iterator<String> it = result.toDF(positional)
          .select(to_json(struct(named), LosslessJson.OPTIONS))
          .as(Encoders.STRING())
          .toLocalIterator();
      long printed = 0;
      while (it.hasNext()) {
        out.println(it.next());
        stopIfUnwritable(out, ++printed);
      }
    }
  };

  abstract void print(Dataset<Row> result, PrintWriter out, int limit);

  /**
   * CSV and JSON print every row: once stdout fails (`| head` has what it wanted, the disk is
   * full), the rest of the result is not computed for nothing. Checked every thousand rows, as
   * checking flushes.
   */
  private static void stopIfUnwritable(PrintWriter out, long printed) {
    if (printed % 1000 == 0 && out.checkError()) {
      throw new JobFailure(JourneysCli.OUTPUT_LOST + " (after " + printed + " rows)");
    }
  }

  /** Every column as text, under its own name (names may repeat, so columns are taken by position). */
  static Dataset<Row> asText(Dataset<Row> result) {
    StructField[] fields = result.schema().fields();
    String[] positional = new String[fields.length];
    for (int i = 0; i < fields.length; i++) {
      positional[i] = "c" + i;
    }
    Dataset<Row> byPosition = result.toDF(positional);
    Column[] text = new Column[fields.length];
    for (int i = 0; i < fields.length; i++) {
      DataType type = fields[i].dataType();
      Column c = byPosition.col(positional[i]);
      boolean nested = type instanceof ArrayType || type instanceof MapType || type instanceof StructType;
      Column asText;
      if (nested) {
        asText = to_json(c, LosslessJson.OPTIONS);
      } else if (type instanceof BinaryType) {
        // Cast to text, bytes are read as UTF-8: a byte that is no character printed as garbage and
        // could not be told back. Base64 is how JSON, and so a nested value here, writes them.
        asText = base64(c);
      } else {
        asText = c.cast(DataTypes.StringType);
      }
      text[i] = asText.as(fields[i].name());
    }
    return byPosition.select(text);
  }

  /**
   * A value on its row's one line: a line break or tab inside it is shown as its escape, and so a
   * backslash as two, so that every row of the table is one line and the text can be told back.
   */
  static String oneLine(String cell) {
    return cell.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
  }

  static String escape(String cell) {
    if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
      return "\"" + cell.replace("\"", "\"\"") + "\"";
    }
    return cell;
  }
}
