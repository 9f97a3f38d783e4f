package io.journeys.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.optimizer.ReplaceExpressions$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The columns a Dataset derives from its input by projections alone ({@code withColumn}, {@code
 * select}, {@code drop}), evaluable on single rows of that input: what Spark's project operator
 * runs, for code that walks rows itself and needs a configured SQL expression on a few of them
 * only (a session's channel on its first event, not on every event).
 *
 * <p>Built on the driver from the analyzed plan; each task compiles the projections once per
 * partition, as Spark's own operators do.
 */
public final class ProjectionChain implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Distinct inputs remembered per task before the memo starts over: a few MB at most. */
  static final int MEMO_LIMIT = 8192;

  private final List<Seq<Expression>> expressions;
  private final List<Seq<Attribute>> inputs;
  /** The first level whose results are remembered by its input row; -1 for none. */
  private final int memoFrom;
  private transient List<UnsafeProjection> compiled;
  private transient Map<UnsafeRow, InternalRow> memo;

  private ProjectionChain(List<Seq<Expression>> expressions, List<Seq<Attribute>> inputs) {
    this.expressions = expressions;
    this.inputs = inputs;
    this.memoFrom = memoFrom(expressions);
  }

  /**
   * Where the chain's results can be remembered: the input of its last level that computes
   * something (not only passes columns on), when a level before it has already reduced the
   * relation's row to what that level reads. A channel's rules read a few host names and campaign
   * fields, repeated across sessions, while the row under them holds URLs with their paths; the
   * rules (lower-casing, lists, regular expressions) then run once per distinct input in a task,
   * not once per session. Rules that read a URL itself make the inputs nearly all distinct: the
   * memo then misses and starts over, and the results stay the same. Nothing is remembered when a
   * remembered level is not deterministic.
   */
  private static int memoFrom(List<Seq<Expression>> expressions) {
    int last = -1;
    for (int i = 0; i < expressions.size(); i++) {
      for (Expression e : CollectionConverters.asJava(expressions.get(i))) {
        Expression computed = e instanceof Alias alias ? alias.child() : e;
        if (!(computed instanceof Attribute)) {
          last = i;
        }
      }
    }
    if (last < 1) {
      return -1;
    }
    for (int i = last; i < expressions.size(); i++) {
      for (Expression e : CollectionConverters.asJava(expressions.get(i))) {
        if (!e.deterministic()) {
          return -1;
        }
      }
    }
    return last;
  }

  /** Whether results are remembered (for tests). */
  boolean remembers() {
    return memoFrom >= 0;
  }

  /**
   * The projections that make {@code column} of {@code derived} from the relation under it; rows
   * of the result are evaluated on rows laid out as that relation's output, and hold that column
   * alone: every level computes only what the levels above it read.
   *
   * @throws IllegalArgumentException when {@code derived} is more than projections over one relation
   */
  @SuppressWarnings("unchecked")
  public static ProjectionChain of(Dataset<Row> derived, String column) {
    // Analyzed, not optimized, so the relation under it stays as it is; expressions that only
    // stand for others (nvl, ifnull...) are replaced, as the optimizer would, so all can run.
    LogicalPlan plan = ReplaceExpressions$.MODULE$.apply(derived.queryExecution().analyzed());
    List<Project> levels = new ArrayList<>();
    while (plan instanceof Project project) {
      levels.add(0, project);
      plan = project.child();
    }
    if (!plan.children().isEmpty() || levels.isEmpty()) {
      throw new IllegalArgumentException("Not a chain of projections over one relation: found " + plan.nodeName());
    }
    List<Seq<Expression>> expressions = new ArrayList<>();
    List<Seq<Attribute>> inputs = new ArrayList<>();
    Predicate<NamedExpression> wanted = e -> e.name().equals(column);
    for (int i = levels.size() - 1; i >= 0; i--) {
      Project project = levels.get(i);
      List<NamedExpression> kept = new ArrayList<>();
      for (NamedExpression e : CollectionConverters.asJava(project.projectList())) {
        if (wanted.test(e)) {
          kept.add(e);
        }
      }
      if (kept.isEmpty()) {
        throw new IllegalArgumentException("No column " + column + " in " + derived);
      }
      Set<Long> read = new HashSet<>();
      for (NamedExpression e : kept) {
        for (Attribute a : CollectionConverters.asJava(((Expression) e).references().toSeq())) {
          read.add(a.exprId().id());
        }
      }
      wanted = e -> read.contains(e.exprId().id());
      expressions.add(0, (Seq<Expression>) (Seq<?>) CollectionConverters.asScala(kept).toList());
    }
    // Each level reads what the level below kept, in its order; the first reads the relation.
    inputs.add(levels.get(0).child().output());
    for (int i = 1; i < levels.size(); i++) {
      List<Attribute> below = new ArrayList<>();
      for (Expression e : CollectionConverters.asJava(expressions.get(i - 1))) {
        below.add(((NamedExpression) e).toAttribute());
      }
      inputs.add(CollectionConverters.asScala(below).toList());
    }
    return new ProjectionChain(expressions, inputs);
  }

  /** Compiles the projections; call once in each task before {@link #apply}. */
  public void initialize(int partitionIndex) {
    compiled = new ArrayList<>();
    for (int i = 0; i < expressions.size(); i++) {
      UnsafeProjection projection = UnsafeProjection.create(expressions.get(i), inputs.get(i));
      projection.initialize(partitionIndex);
      compiled.add(projection);
    }
    memo = memoFrom >= 0 ? new HashMap<>() : null;
  }

  /** The derived row of {@code row}, holding the one column: valid until the next call. */
  public InternalRow apply(InternalRow row) {
    if (memo == null) {
      return applyLevels(row, 0, compiled.size());
    }
    UnsafeRow key = (UnsafeRow) applyLevels(row, 0, memoFrom);
    InternalRow known = memo.get(key);
    if (known == null) {
      if (memo.size() >= MEMO_LIMIT) {
        memo.clear();
      }
      known = applyLevels(key, memoFrom, compiled.size()).copy();
      memo.put(key.copy(), known);
    }
    return known;
  }

  private InternalRow applyLevels(InternalRow row, int from, int to) {
    InternalRow out = row;
    for (int i = from; i < to; i++) {
      out = compiled.get(i).apply(out);
    }
    return out;
  }
}
