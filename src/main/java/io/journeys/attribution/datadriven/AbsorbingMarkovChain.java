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
 * r, solved by LU decomposition (commons-math3) — no simulation, so the same input always gives
 * the same numbers.
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
    RealMatrix system = new Array2DRowRealMatrix(n, n);
    RealVector toConversion = new ArrayRealVector(n);
    for (int i = 0; i < n; i++) {
      system.setEntry(i, i, 1.0);
      Map<String, Double> row = weights.getOrDefault(states.get(i), Map.of());
      double total = row.values().stream().mapToDouble(Double::doubleValue).sum();
      if (total == 0) {
        continue; // a state with no way out: treated as absorbing in NULL
      }
      for (Map.Entry<String, Double> e : row.entrySet()) {
        double p = e.getValue() / total;
        if (e.getKey().equals(CONVERSION)) {
          toConversion.addToEntry(i, p);
        } else {
          Integer j = index.get(e.getKey());
          if (j != null) {
            system.addToEntry(i, j, -p);
          }
        }
      }
    }
    RealVector x = new LUDecomposition(system).getSolver().solve(toConversion);
    return x.getEntry(index.get(START));
  }
}
