package io.journeys.attribution.datadriven;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Shapley values of the touchpoint-set game (SPEC §4 {@code shapley}): v(T) = conversion rate of
 * the training journeys whose set of distinct touchpoints is exactly T (0 when none has it).
 *
 * <p>For a conversion with players N (its distinct touchpoints, n of them), φ_i = Σ_{S ⊆ N∖{i}}
 * |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)). Each coalition T ⊆ N enters that sum once per
 * player: with + (|T| − 1)! (n − |T|)! / n! for a member, − |T|! (n − |T| − 1)! / n! for any other.
 * v is 0 except on the sets seen in training, so φ_i is summed over those of them inside N alone:
 * exact for any n, in time that follows the training sets, not 2^n. (Until 2026-12-07 the 2^n
 * coalitions were enumerated up to 15 players and, beyond, 2,000 random orderings sampled, up to
 * 15% off at 16 players; a review.) Negative values are clipped to 0 and the values normalised to
 * sum to 1; when all are 0 the last touchpoint gets everything.
 */
public final class ShapleyGame implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<Coalition> coalitions;

  private record Coalition(List<String> members, double value) implements Serializable {}

  /**
   * @param worth v(T) of the coalitions where it may be non-zero, each a list of distinct
   *     touchpoints (in any order); every other coalition is worth 0
   */
  public ShapleyGame(Map<List<String>, Double> worth) {
    List<Coalition> list = new ArrayList<>();
    for (Map.Entry<List<String>, Double> e : worth.entrySet()) {
      if (e.getValue() != 0.0) {
        List<String> members = new ArrayList<>(e.getKey());
        Collections.sort(members);
        list.add(new Coalition(List.copyOf(members), e.getValue()));
      }
    }
    // Summed in one order whatever the map's, so a rerun gives the same bits.
    list.sort(Comparator.comparing((Coalition c) -> c.members().size())
        .thenComparing(c -> String.join("\u0000", c.members())));
    this.coalitions = List.copyOf(list);
  }

  /** Raw Shapley values (not clipped, not normalised) for the distinct players. */
  public Map<String, Double> values(List<String> players) {
    List<String> sorted = new ArrayList<>(players);
    Collections.sort(sorted);
    int n = sorted.size();
    Set<String> inGame = new HashSet<>(sorted);
    Map<String, Double> phi = new TreeMap<>();
    sorted.forEach(p -> phi.put(p, 0.0));
    for (Coalition c : coalitions) {
      if (!inGame.containsAll(c.members())) {
        continue;
      }
      int size = c.members().size();
      double member = c.value() * weight(n, size - 1);
      // Only a coalition smaller than N has outsiders; N itself has none.
      double outsider = size < n ? c.value() * weight(n, size) : 0.0;
      Set<String> members = new HashSet<>(c.members());
      for (String p : sorted) {
        phi.put(p, phi.get(p) + (members.contains(p) ? member : -outsider));
      }
    }
    return phi;
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

  /**
   * s! (n − s − 1)! / n! = 1 / (n · C(n − 1, s)): the weight of a coalition of s players that a
   * player joins, as a product that stays finite where the factorials would not (171! is not a double).
   */
  static double weight(int n, int s) {
    double binomial = 1;
    int k = Math.min(s, n - 1 - s);
    for (int j = 1; j <= k; j++) {
      binomial = binomial * (n - k - 1 + j) / j;
    }
    return 1.0 / (n * binomial);
  }
}
