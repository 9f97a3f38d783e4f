package io.journeys.spark;

import static org.apache.spark.sql.functions.expr;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Attribute;

/** The columns of a Dataset that configured SQL expressions read, as Spark's analyzer resolves them. */
public final class ReferencedColumns {
  private ReferencedColumns() {}

  /** Whether {@code expression} is just a column's name: it can then neither fail nor compute. */
  public static boolean isColumnName(String expression) {
    return expression.matches("[A-Za-z_][A-Za-z0-9_]*");
  }

  /** Names of the columns of {@code rows} that any of {@code sqlExpressions} reads. */
  public static Set<String> of(Dataset<Row> rows, Collection<String> sqlExpressions) {
    Set<String> names = new TreeSet<>();
    for (String sql : sqlExpressions) {
      var references = rows.select(expr(sql)).queryExecution().analyzed().references().toSeq();
      for (Attribute attribute : scala.jdk.javaapi.CollectionConverters.asJava(references)) {
        names.add(attribute.name());
      }
    }
    return names;
  }
}
