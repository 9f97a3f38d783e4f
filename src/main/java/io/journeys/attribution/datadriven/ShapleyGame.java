package io.journeys.attribution.datadriven;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Shapley values of the touchpoint-set game (SPEC §4 {@code shapley}): v(T) = conversion rate of
 * the training journeys whose set of distinct touchpoints is exactly T (0 when none has it).
 *
 * <p>For a conversion with players N (its distinct touchpoints, n of them), φ_i = Σ_{S ⊆ N∖{i}}
 * |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)). v is 0 except on the sets seen in training, so
 * only the pairs (S, S ∪ {i}) with one of them among those sets inside N count: each is taken from
 * S ∪ {i} when it is such a set, else from S. Exact for any n, in time that follows the training
 * sets, not 2^n. (Until 2026-12-07 the 2^n
 * coalitions were enumerated up to 15 players and, beyond, 2,000 random orderings sampled, up to
 * 15% off at 16 players; a review.) Negative values are clipped to 0 and the values normalised to
 * sum to 1; when all are 0 the last touchpoint gets everything.
 */
public final class ShapleyGame implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The coalitions of non-zero worth, smallest first, then by members: one summing order. */
  private final List<Coalition> coalitions;
  private final Map<List<String>, Double> worth;

  private record Coalition(List<String> members, Set<String> memberSet, double value) implements Serializable {}

  /**
   * @param worth v(T) of the coalitions where it may be non-zero, each a list of distinct
   *     touchpoints (in any order); every other coalition is worth 0
   */
  public ShapleyGame(Map<List<String>, Double> worth) {
    List<Coalition> list = new ArrayList<>();
    Map<List<String>, Double> bySorted = new HashMap<>();
    for (Map.Entry<List<String>, Double> e : worth.entrySet()) {
      if (e.getValue() != 0.0) {
        List<String> members = List.copyOf(new TreeSet<>(e.getKey()));
        list.add(new Coalition(members, Set.copyOf(members), e.getValue()));
        bySorted.put(members, e.getValue());
      }
    }
    // Summed in one order whatever the map's, so a rerun gives the same bits.
    list.sort(Comparator.comparing((Coalition c) -> c.members().size())
        .thenComparing(c -> String.join("\u0000", c.members())));
    this.coalitions = List.copyOf(list);
    this.worth = bySorted;
  }

  /**
   * Raw Shapley values (not clipped, not normalised) for the distinct players. Each marginal
   * difference v(S ∪ {i}) − v(S) is taken whole, from the coalition that holds i, or, where S ∪ {i}
   * is worth 0, from S alone: a player that adds nothing gets exactly 0, where adding the two
   * coalitions' terms apart left ±1e-17, enough to write a credit row or to take the place of the
   * all-zero rule (a review).
   */
  public Map<String, Double> values(List<String> players) {
    List<String> sorted = List.copyOf(new TreeSet<>(players));
    int n = sorted.size();
    Set<String> inGame = Set.copyOf(sorted);
    double[] phi = new double[n];
    for (Coalition c : coalitions) {
      int size = c.members().size();
      if (size > n) {
        break;
      }
      if (!inGame.containsAll(c.memberSet())) {
        continue;
      }
      for (int i = 0; i < n; i++) {
        String player = sorted.get(i);
        if (c.memberSet().contains(player)) {
          phi[i] += weight(n, size - 1) * (c.value() - worth.getOrDefault(without(c.members(), player), 0.0));
        } else if (!worth.containsKey(with(c.members(), player))) {
          phi[i] -= weight(n, size) * c.value();
        }
      }
    }
    Map<String, Double> values = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      values.put(sorted.get(i), phi[i]);
    }
    return values;
  }

  private static List<String> without(List<String> members, String player) {
    List<String> rest = new ArrayList<>(members);
    rest.remove(player);
    return rest;
  }

  private static List<String> with(List<String> members, String player) {
    TreeSet<String> more = new TreeSet<>(members);
    more.add(player);
    return List.copyOf(more);
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
