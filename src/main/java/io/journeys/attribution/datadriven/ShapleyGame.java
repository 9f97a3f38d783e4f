package io.journeys.attribution.datadriven;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Shapley values of the touchpoint-set game (SPEC §4 {@code shapley}): v(T) = conversion rate of
 * the training journeys whose set of distinct touchpoints is exactly T (0 when none has it).
 *
 * <p>For a conversion with players N (its distinct touchpoints), φ_i = Σ_{S ⊆ N∖{i}} |S|! (|N| −
 * |S| − 1)! / |N|! · (v(S ∪ {i}) − v(S)), computed exactly over all 2^|N| coalitions up to {@code
 * maxPlayers}. Beyond that, the fallback averages marginal contributions over a fixed number of
 * random orderings drawn from a generator seeded by the player set, so results stay deterministic.
 * Negative values are clipped to 0 and the values normalised to sum to 1; when all are 0 the last
 * touchpoint gets everything.
 */
public final class ShapleyGame {
  /** Orderings sampled by the fallback for games larger than the exact limit. */
  public static final int FALLBACK_PERMUTATIONS = 2000;

  private final ToDoubleFunction<List<String>> value;
  private final int maxPlayers;

  /**
   * @param value v(T) for a sorted list of distinct touchpoints
   */
  public ShapleyGame(ToDoubleFunction<List<String>> value, int maxPlayers) {
    this.value = value;
    this.maxPlayers = maxPlayers;
  }

  /** Raw Shapley values (not clipped, not normalised) for the sorted distinct players. */
  public Map<String, Double> values(List<String> players) {
    List<String> sorted = new ArrayList<>(players);
    Collections.sort(sorted);
    return sorted.size() <= maxPlayers ? exact(sorted) : sampled(sorted);
  }

  /** Credit shares: values clipped at 0 and normalised; all zero → everything to {@code last}. */
  public Map<String, Double> shares(List<String> players, String last) {
    Map<String, Double> raw = values(players);
    Map<String, Double> shares = new TreeMap<>();
    double total = 0;
    for (Map.Entry<String, Double> e : raw.entrySet()) {
      double clipped = Math.max(0.0, e.getValue());
      shares.put(e.getKey(), clipped);
      total += clipped;
    }
    if (total <= 0) {
      shares.replaceAll((k, v) -> 0.0);
      shares.put(last, 1.0);
      return shares;
    }
    double sum = total;
    shares.replaceAll((k, v) -> v / sum);
    return shares;
  }

  private Map<String, Double> exact(List<String> players) {
    int n = players.size();
    double[] coalitionValue = new double[1 << n];
    for (int mask = 0; mask < (1 << n); mask++) {
      coalitionValue[mask] = value.applyAsDouble(members(players, mask));
    }
    double[] weightBySize = new double[n];
    for (int s = 0; s < n; s++) {
      weightBySize[s] = factorial(s) * factorial(n - s - 1) / factorial(n);
    }
    Map<String, Double> phi = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (int mask = 0; mask < (1 << n); mask++) {
        if ((mask & (1 << i)) == 0) {
          sum += weightBySize[Integer.bitCount(mask)] * (coalitionValue[mask | (1 << i)] - coalitionValue[mask]);
        }
      }
      phi.put(players.get(i), sum);
    }
    return phi;
  }

  private Map<String, Double> sampled(List<String> players) {
    int n = players.size();
    SplittableRandom random = new SplittableRandom(players.hashCode());
    double[] sums = new double[n];
    Integer[] order = new Integer[n];
    for (int p = 0; p < FALLBACK_PERMUTATIONS; p++) {
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        Integer t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      List<String> coalition = new ArrayList<>();
      double previous = value.applyAsDouble(List.of());
      for (int k = 0; k < n; k++) {
        coalition.add(players.get(order[k]));
        List<String> sortedCoalition = new ArrayList<>(coalition);
        Collections.sort(sortedCoalition);
        double current = value.applyAsDouble(sortedCoalition);
        sums[order[k]] += current - previous;
        previous = current;
      }
    }
    Map<String, Double> phi = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      phi.put(players.get(i), sums[i] / FALLBACK_PERMUTATIONS);
    }
    return phi;
  }

  private static List<String> members(List<String> players, int mask) {
    List<String> result = new ArrayList<>();
    for (int i = 0; i < players.size(); i++) {
      if ((mask & (1 << i)) != 0) {
        result.add(players.get(i));
      }
    }
    return result;
  }

  private static double factorial(int n) {
    double f = 1;
    for (int i = 2; i <= n; i++) {
      f *= i;
    }
    return f;
  }
}
