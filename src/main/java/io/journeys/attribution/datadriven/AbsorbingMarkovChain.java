package io.journeys.attribution.datadriven;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
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
 * removal effect is RE_k = P(conversion) − P(conversion without k).
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
    return solve(state -> true);
  }

  /** RE_k for every touchpoint k. */
  public Map<String, Double> removalEffects() {
    double base = conversionProbability();
    Map<String, Double> effects = new TreeMap<>();
    for (String touchpoint : touchpoints()) {
      double without = solve(state -> state.equals(START) || !List.of(state.split(STATE_SEPARATOR)).contains(touchpoint));
      effects.put(touchpoint, base - without);
    }
    return effects;
  }

  private List<String> transientStates() {
    Set<String> states = new TreeSet<>(weights.keySet());
    for (Map<String, Double> row : weights.values()) {
      states.addAll(row.keySet());
    }
    states.remove(CONVERSION);
    states.remove(NULL);
    return new ArrayList<>(states);
  }

  /** P(absorbed in CONVERSION from START) over the transient states {@code kept}; others lead to NULL. */
  private double solve(Predicate<String> kept) {
    if (!weights.containsKey(START)) {
      return 0.0;
    }
    List<String> states = transientStates().stream().filter(kept).toList();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < states.size(); i++) {
      index.put(states.get(i), i);
    }
    int n = states.size();
    int[][] to = new int[n][];
    double[][] p = new double[n][];
    double[] toConversion = new double[n];
    for (int i = 0; i < n; i++) {
      Map<String, Double> row = weights.getOrDefault(states.get(i), Map.of());
      double total = row.values().stream().mapToDouble(Double::doubleValue).sum();
      List<Integer> js = new ArrayList<>();
      List<Double> ps = new ArrayList<>();
      if (total != 0) { // else a state with no way out: treated as absorbing in NULL
        for (Map.Entry<String, Double> e : row.entrySet()) {
          if (e.getKey().equals(CONVERSION)) {
            toConversion[i] += e.getValue() / total;
          } else {
            Integer j = index.get(e.getKey());
            if (j != null) {
              js.add(j);
              ps.add(e.getValue() / total);
            }
          }
        }
      }
      to[i] = js.stream().mapToInt(Integer::intValue).toArray();
      p[i] = ps.stream().mapToDouble(Double::doubleValue).toArray();
    }
    int start = index.get(START);
    if (n > DENSE_LIMIT) {
      double[] x = fixedPoint(to, p, toConversion, sweepLimit(n, to));
      if (x != null) {
        return x[start];
      }
    }
    return dense(to, p, toConversion)[start];
  }

  /**
   * Up to this many transient states the chain is solved by a dense LU decomposition; above it by
   * Gauss-Seidel sweeps over the sparse rows. LU costs n³: at order 4 over ChannelAttribution's 12
   * channels (3,153 states) one solve took 44 s, and a touchpoint's removal effect is one more.
   */
  static final int DENSE_LIMIT = 200;

  /** x = (I − Q)⁻¹ r by LU decomposition (commons-math3). */
  static double[] dense(int[][] to, double[][] p, double[] toConversion) {
    int n = toConversion.length;
    RealMatrix system = new Array2DRowRealMatrix(n, n);
    for (int i = 0; i < n; i++) {
      system.setEntry(i, i, 1.0);
      for (int k = 0; k < to[i].length; k++) {
        system.addToEntry(i, to[i][k], -p[i][k]);
      }
    }
    return new LUDecomposition(system).getSolver().solve(new ArrayRealVector(toConversion)).toArray();
  }

  /**
   * x = Qx + r by Gauss-Seidel sweeps from x = 0, until a sweep changes no entry: a fixed point of
   * the sums as the machine computes them, so the residual is a rounding error, as LU's is (no
   * tolerance to choose). I − Q is a nonsingular M-matrix (every state can reach absorption, no
   * weight is negative), so the sweeps converge; where they have not settled within {@code
   * limit} sweeps (a chain whose journeys stay transient very long), null, and LU solves it.
   */
  static double[] fixedPoint(int[][] to, double[][] p, double[] toConversion, long limit) {
    int n = toConversion.length;
    double[] x = new double[n];
    for (long sweep = 0; sweep < limit; sweep++) {
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        double sum = toConversion[i];
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
