package io.journeys.spark;

import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GetArrayStructFields;
import org.apache.spark.sql.catalyst.expressions.GetStructField;
import scala.jdk.javaapi.CollectionConverters;

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

  /**
   * The values {@code sqlExpression} reads from rows of {@code rows}, each as a path: a column, then
   * the struct fields taken from it ({@code element} for the fields taken from each element of an
   * array of structs). {@code ctx.page} reads [ctx, page] and nothing else of ctx; {@code
   * to_json(ctx)} reads [ctx], all of it. Empty when the expression does not resolve.
   */
  public static Set<List<String>> paths(Dataset<Row> rows, String sqlExpression) {
    Expression analyzed;
    try {
      analyzed = rows.select(expr(sqlExpression)).queryExecution().analyzed().expressions().head();
    } catch (Exception e) { // Spark's AnalysisException is checked
      return Set.of();
    }
    Set<List<String>> paths = new LinkedHashSet<>();
    collectPaths(analyzed, paths);
    return paths;
  }

  /**
   * The paths {@code sqlExpression} names as written, before analysis: each column name with the
   * field names after it ({@code context.campaign.source}); a lambda's variables are none. For an
   * expression that resolves against no schema at hand, a wider guess than {@link #paths}.
   */
  public static Set<List<String>> writtenPaths(SparkSession spark, String sqlExpression) {
    Expression parsed;
    try {
      parsed = spark.sessionState().sqlParser().parseExpression(sqlExpression);
    } catch (Exception e) { // Spark's ParseException is checked
      return Set.of();
    }
    Set<List<String>> paths = new LinkedHashSet<>();
    collectWrittenPaths(parsed, paths);
    return paths;
  }

  private static void collectWrittenPaths(Expression expression, Set<List<String>> paths) {
    if (expression instanceof UnresolvedAttribute attribute) {
      paths.add(List.copyOf(CollectionConverters.asJava(attribute.nameParts())));
      return;
    }
    for (Expression child : CollectionConverters.asJava(expression.children())) {
      collectWrittenPaths(child, paths);
    }
  }

  private static void collectPaths(Expression expression, Set<List<String>> paths) {
    List<String> path = path(expression);
    if (path != null) {
      paths.add(path);
      return;
    }
    for (Expression child : CollectionConverters.asJava(expression.children())) {
      collectPaths(child, paths);
    }
  }

  /** The path an expression is, when it is a column or fields taken from one; else null. */
  private static List<String> path(Expression expression) {
    if (expression instanceof AttributeReference attribute) {
      return List.of(attribute.name());
    }
    List<String> parent;
    String[] names;
    if (expression instanceof GetStructField field) {
      parent = path(field.child());
      names = new String[] {field.extractFieldName()};
    } else if (expression instanceof GetArrayStructFields fields) {
      parent = path(fields.child());
      names = new String[] {"element", fields.field().name()};
    } else {
      return null;
    }
    if (parent == null) {
      return null;
    }
    List<String> path = new ArrayList<>(parent);
    path.addAll(List.of(names));
    return List.copyOf(path);
  }
}
