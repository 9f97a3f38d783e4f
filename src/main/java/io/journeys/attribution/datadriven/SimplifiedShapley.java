package io.journeys.attribution.datadriven;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Google fractribution's "simplified Shapley" (SPEC §4 {@code shapley_simplified}), on the
 * exposure-transformed path (consecutive repeats collapsed). With p(x) the conversion rate of the
 * training journeys whose exposure path is x (0 when unseen): a one-touchpoint path gives its
 * touchpoint p(path); otherwise touchpoint position i gets max(0, p(path) − p(path without position
 * i)). Contributions are normalised to sum to 1 and summed per touchpoint name; when all are 0 the
 * last touchpoint gets everything. This follows fractribution's published algorithm.
 */
public final class SimplifiedShapley {
  private final ToDoubleFunction<List<String>> probability;

  public SimplifiedShapley(ToDoubleFunction<List<String>> probability) {
    this.probability = probability;
  }

  /** Credit shares per touchpoint name for an exposure path. */
  public Map<String, Double> shares(List<String> path) {
    int n = path.size();
    double[] contributions = new double[n];
    double p = probability.applyAsDouble(path);
    if (n == 1) {
      contributions[0] = p;
    } else {
      for (int i = 0; i < n; i++) {
        List<String> without = new java.util.ArrayList<>(path);
        without.remove(i);
        contributions[i] = Math.max(0.0, p - probability.applyAsDouble(without));
      }
    }
    double total = 0;
    for (double c : contributions) {
      total += c;
    }
    Map<String, Double> shares = new TreeMap<>();
    for (String touchpoint : path) {
      shares.put(touchpoint, 0.0);
    }
    if (total == 0) {
      shares.put(path.get(n - 1), 1.0);
      return shares;
    }
    for (int i = 0; i < n; i++) {
      shares.merge(path.get(i), contributions[i] / total, Double::sum);
    }
    return shares;
  }
}
