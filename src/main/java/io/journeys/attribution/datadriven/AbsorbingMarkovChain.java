package io.journeys.attribution.datadriven;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * A Markov chain over journeys, solved exactly (SPEC §4 {@code markov}).
 *
 * <p>States are {@link #START}, transient touchpoint states (for order k, the last k touchpoints
 * of the collapsed path, fewer at its beginning), and the absorbing {@link #CONVERSION} and {@link
 * #NULL}. Each transition's weight is the number of journeys that took it; rows are normalised
 * into probabilities. P(conversion) is the absorption probability into CONVERSION from START:
 * with Q the transient-to-transient block and r the transient-to-conversion column, x = (I − Q)⁻¹
 * r, solved by LU decomposition (commons-math3) or, for a large chain, by sweeps to a fixed point
 * (see {@link #DENSE_LIMIT}) — no simulation, so the same input always gives the same numbers.
 *
 * <p>Removing touchpoint k redirects every transition into a state that contains k to NULL; its
 * removal effect is RE_k = P(conversion) − P(conversion without k), which is the probability of a
 * walk from START that converts after passing through a state containing k (see {@link
 * #removalEffects}).
 */
public final class AbsorbingMarkovChain {
  public static final String START = "(start)";
  public static final String CONVERSION = "(conversion)";
  public static final String NULL = "(null)";

  /** Separates the touchpoints inside a higher-order state name. */
  public static final String STATE_SEPARATOR = "\u001f";

  private final Map<String, Map<String, Double>> weights = new TreeMap<>();

  /** Adds weight to the transition from → to. */
  public void add(String from, String to, double weight) {
    weights.computeIfAbsent(from, k -> new TreeMap<>()).merge(to, weight, Double::sum);
  }

  /** The touchpoints named in the transient states. */
  public Set<String> touchpoints() {
    Set<String> result = new TreeSet<>();
    for (String state : transientStates()) {
      if (!state.equals(START)) {
        result.addAll(List.of(state.split(STATE_SEPARATOR)));
      }
    }
    return result;
  }

  public double conversionProbability() {
    return absorption(state -> true, CONVERTED).getOrDefault(START, 0.0);
  }

  /**
   * RE_k for every touchpoint k. A walk that converts either passes through a state containing k
   * or does not, and the chain without k converts exactly the walks that do not; so RE_k is the
   * probability of reaching such a state first at s and then converting from s, P(s) weighted by
   * x_s, solved over the states without k. Taken as the difference of two solves instead, a
   * touchpoint on no converting walk got ±1e-17 where it has 0 (a review), negative effects
   * could appear, and a tiny effect lost its digits to the difference; this way an effect is a
   * sum of non-negative terms.
   */
  public Map<String, Double> removalEffects() {
    Map<String, Double> converts = absorption(state -> true, CONVERTED);
    Map<String, Double> effects = new TreeMap<>();
    for (String touchpoint : touchpoints()) {
      Predicate<String> holds = state -> !state.equals(START) && List.of(state.split(STATE_SEPARATOR)).contains(touchpoint);
      // The states with the touchpoint are the only transient ones left out, so the only exits
      // worth anything: CONVERSION is reached there without passing through one.
      Map<String, Double> through = absorption(holds.negate(), exit -> converts.getOrDefault(exit, 0.0));
      effects.put(touchpoint, through.getOrDefault(START, 0.0));
    }
    return effects;
  }

  private static final ToDoubleFunction<String> CONVERTED = exit -> exit.equals(CONVERSION) ? 1.0 : 0.0;

  private List<String> transientStates() {
    Set<String> states = new TreeSet<>(weights.keySet());
    for (Map<String, Double> row : weights.values()) {
      states.addAll(row.keySet());
    }
    states.remove(CONVERSION);
    states.remove(NULL);
    return new ArrayList<>(states);
  }

  /**
   * For each of the transient states {@code kept}, the expected value at the walk's exit from them:
   * an exit into any other state (absorbing, or transient and not kept) is worth {@code
   * exitValue} of that state. With every state kept and CONVERSION worth 1 it is the probability
   * of conversion. Empty without START.
   */
  private Map<String, Double> absorption(Predicate<String> kept, ToDoubleFunction<String> exitValue) {
    if (!weights.containsKey(START)) {
      return Map.of();
    }
    List<String> states = transientStates().stream().filter(kept).toList();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < states.size(); i++) {
      index.put(states.get(i), i);
    }
    int n = states.size();
    int[][] to = new int[n][];
    double[][] p = new double[n][];
    double[] exits = new double[n];
    for (int i = 0; i < n; i++) {
      Map<String, Double> row = weights.getOrDefault(states.get(i), Map.of());
      double total = row.values().stream().mapToDouble(Double::doubleValue).sum();
      List<Integer> js = new ArrayList<>();
      List<Double> ps = new ArrayList<>();
      if (total != 0) { // else a state with no way out: treated as absorbing in NULL
        for (Map.Entry<String, Double> e : row.entrySet()) {
          Integer j = index.get(e.getKey());
          if (j != null) {
            js.add(j);
            ps.add(e.getValue() / total);
          } else {
            exits[i] += e.getValue() / total * exitValue.applyAsDouble(e.getKey());
          }
        }
      }
      to[i] = js.stream().mapToInt(Integer::intValue).toArray();
      p[i] = ps.stream().mapToDouble(Double::doubleValue).toArray();
    }
    double[] x = null;
    if (n > DENSE_LIMIT) {
      x = fixedPoint(to, p, exits, sweepLimit(n, to));
    }
    if (x == null) {
      x = dense(to, p, exits);
    }
    Map<String, Double> values = new HashMap<>();
    for (int i = 0; i < n; i++) {
      values.put(states.get(i), x[i]);
    }
    return values;
  }

  /**
   * Up to this many transient states the chain is solved by a dense LU decomposition; above it by
   * Gauss-Seidel sweeps over the sparse rows. LU costs n³: at order 4 over ChannelAttribution's 12
   * channels (3,153 states) one solve took 44 s, and a touchpoint's removal effect is one more.
   */
  static final int DENSE_LIMIT = 200;

  /** x = (I − Q)⁻¹ r by LU decomposition (commons-math3). */
  static double[] dense(int[][] to, double[][] p, double[] exits) {
    int n = exits.length;
    RealMatrix system = new Array2DRowRealMatrix(n, n);
    for (int i = 0; i < n; i++) {
      system.setEntry(i, i, 1.0);
      for (int k = 0; k < to[i].length; k++) {
        system.addToEntry(i, to[i][k], -p[i][k]);
      }
    }
    return new LUDecomposition(system).getSolver().solve(new ArrayRealVector(exits)).toArray();
  }

  /**
   * x = Qx + r by Gauss-Seidel sweeps from x = 0, until a sweep changes no entry: a fixed point of
   * the sums as the machine computes them, so the residual is a rounding error, as LU's is (no
   * tolerance to choose). I − Q is a nonsingular M-matrix (every state can reach absorption, no
   * weight is negative), so the sweeps converge; where they have not settled within {@code
   * limit} sweeps (a chain whose journeys stay transient very long), null, and LU solves it.
   */
  static double[] fixedPoint(int[][] to, double[][] p, double[] exits, long limit) {
    int n = exits.length;
    double[] x = new double[n];
    for (long sweep = 0; sweep < limit; sweep++) {
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        double sum = exits[i];
        double self = 0.0;
        for (int k = 0; k < to[i].length; k++) {
          if (to[i][k] == i) {
            self += p[i][k];
          } else {
            sum += p[i][k] * x[to[i][k]];
          }
        }
        double value = self == 0.0 ? sum : sum / (1.0 - self);
        if (value != x[i]) {
          x[i] = value;
          changed = true;
        }
      }
      if (!changed) {
        return x;
      }
    }
    return null;
  }

  /** As many sweeps as cost what LU would (n³/3 multiplications), at least 1,000. */
  private static long sweepLimit(int n, int[][] to) {
    long entries = n;
    for (int[] row : to) {
      entries += row.length;
    }
    return Math.max(1_000L, (long) n * n * n / (3 * entries));
  }
}
