package io.journeys.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.optimizer.ReplaceExpressions$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import scala.collection.immutable.Seq;

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

  private final List<Seq<Expression>> expressions;
  private final List<Seq<Attribute>> inputs;
  private transient List<UnsafeProjection> compiled;

  private ProjectionChain(List<Seq<Expression>> expressions, List<Seq<Attribute>> inputs) {
    this.expressions = expressions;
    this.inputs = inputs;
  }

  /**
   * The projections that make {@code derived} from the relation under it; its rows are then
   * evaluated on rows laid out as that relation's output.
   *
   * @throws IllegalArgumentException when {@code derived} is more than projections over one relation
   */
  @SuppressWarnings("unchecked")
  public static ProjectionChain of(Dataset<Row> derived) {
    // Analyzed, not optimized, so the relation under it stays as it is; expressions that only
    // stand for others (nvl, ifnull...) are replaced, as the optimizer would, so all can run.
    LogicalPlan plan = ReplaceExpressions$.MODULE$.apply(derived.queryExecution().analyzed());
    List<Seq<Expression>> expressions = new ArrayList<>();
    List<Seq<Attribute>> inputs = new ArrayList<>();
    while (plan instanceof Project project) {
      expressions.add(0, (Seq<Expression>) (Seq<?>) project.projectList());
      inputs.add(0, project.child().output());
      plan = project.child();
    }
    if (!plan.children().isEmpty()) {
      throw new IllegalArgumentException("Not a chain of projections over one relation: found " + plan.nodeName());
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
  }

  /** The derived row of {@code row}: valid until the next call. */
  public InternalRow apply(InternalRow row) {
    InternalRow out = row;
    for (UnsafeProjection projection : compiled) {
      out = projection.apply(out);
    }
    return out;
  }
}
