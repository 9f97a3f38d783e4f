package io.journeys.attribution.datadriven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShapleyGameTest {

  @Test
  void twoPlayerGameWorkedByHand() {
    // v({}) = 0, v({a}) = 0.2, v({b}) = 0.1, v({a,b}) = 0.5.
    // phi_a = 1/2 (v(a) - v()) + 1/2 (v(ab) - v(b)) = 1/2·0.2 + 1/2·0.4 = 0.3
    // phi_b = 1/2·0.1 + 1/2·(0.5 - 0.2) = 0.05 + 0.15 = 0.2; shares 0.6 / 0.4.
    ShapleyGame game = new ShapleyGame(Map.of(List.of("a"), 0.2, List.of("b"), 0.1, List.of("b", "a"), 0.5));
    Map<String, Double> phi = game.values(List.of("b", "a"));
    assertThat(phi.get("a")).isCloseTo(0.3, within(1e-12));
    assertThat(phi.get("b")).isCloseTo(0.2, within(1e-12));
    Map<String, Double> shares = game.shares(List.of("a", "b"), "b");
    assertThat(shares.get("a")).isCloseTo(0.6, within(1e-12));
    assertThat(shares.get("b")).isCloseTo(0.4, within(1e-12));
    // A coalition outside the players' own set plays no part: {a, c} is not a subset of {a, b}.
    ShapleyGame wider = new ShapleyGame(Map.of(List.of("a"), 0.2, List.of("b"), 0.1, List.of("a", "b"), 0.5,
        List.of("a", "c"), 0.9, List.of("c"), 0.4));
    assertThat(wider.values(List.of("a", "b"))).isEqualTo(game.values(List.of("a", "b")));
  }

  @Test
  void negativeValuesClippedAndAllZeroGoesToTheLastTouchpoint() {
    // v({a}) = 0.5, v({a,b}) = 0.3: phi_b = 1/2(0 - 0) + 1/2(0.3 - 0.5) = -0.1 -> clipped to 0.
    ShapleyGame game = new ShapleyGame(Map.of(List.of("a"), 0.5, List.of("a", "b"), 0.3));
    assertThat(game.shares(List.of("a", "b"), "b")).containsEntry("a", 1.0).containsEntry("b", 0.0);
    ShapleyGame nothing = new ShapleyGame(Map.of());
    assertThat(nothing.shares(List.of("a", "b"), "a")).containsEntry("a", 1.0).containsEntry("b", 0.0);
  }

  @Test
  void sixteenPlayersAreExactWhereOrderingsWereSampled() {
    // The review's game: players p00..p15; v(N) = 0.25 and v(N without p15) = 0.2, nothing else.
    // From the formula by hand: each of p00..p14 gets v(N)/16 + v(N - p15) · 14! 1! / 16! =
    // 0.25/16 + 0.2/240 = 0.0164583...; p15 gets 0.25/16 - 0.2 · 15! 0! / 16! = 0.25/16 - 0.2/16 =
    // 0.003125. Shares: 0.0658333... and 0.0125. 2,000 sampled orderings gave 0.0558 to 0.0737.
    List<String> all = players(16);
    List<String> withoutLast = all.subList(0, 15);
    ShapleyGame game = new ShapleyGame(Map.of(all, 0.25, withoutLast, 0.2));
    Map<String, Double> shares = game.shares(all, "p15");
    for (String p : withoutLast) {
      assertThat(shares.get(p)).isCloseTo((0.25 / 16 + 0.2 / 240) / 0.25, within(1e-15));
    }
    assertThat(shares.get("p15")).isCloseTo(0.0125, within(1e-15));
  }

  @Test
  void aGameWhoseOrderMattersWorkedByHand() {
    // v(T) = 1 when T holds "p00" and at least one other player: in an ordering "p00" adds 1 unless
    // it comes first, phi = (n - 1) / n; another adds 1 only when right after "p00": 1 / (n (n - 1)).
    // As a table of coalitions: every set with p00 and another player. n = 5 and n = 12 (2,047 sets).
    for (int n : new int[] {5, 12}) {
      List<String> players = players(n);
      Map<List<String>, Double> worth = new HashMap<>();
      for (int mask = 0; mask < (1 << n); mask++) {
        if ((mask & 1) != 0 && Integer.bitCount(mask) >= 2) {
          worth.put(members(players, mask), 1.0);
        }
      }
      Map<String, Double> phi = new ShapleyGame(worth).values(players);
      assertThat(phi.get("p00")).isCloseTo((n - 1.0) / n, within(1e-12));
      for (String other : players.subList(1, n)) {
        assertThat(phi.get(other)).isCloseTo(1.0 / (n * (n - 1.0)), within(1e-12));
      }
    }
  }

  /**
   * Against the definition, by another method: each player's mean marginal contribution over all
   * n! orderings of the players, on random games of up to six players over seven names (coalitions
   * outside the players' set included), and the same bits whatever order the table was built in.
   */
  @Test
  void agreesWithTheMeanOverEveryOrderingAndDoesNotDependOnTheTablesOrder() {
    Random random = new Random(11);
    List<String> names = players(7);
    for (int trial = 0; trial < 60; trial++) {
      Map<List<String>, Double> worth = new LinkedHashMap<>();
      for (int mask = 1; mask < (1 << names.size()); mask++) {
        if (random.nextDouble() < 0.4) {
          worth.put(members(names, mask), random.nextDouble() - 0.2);
        }
      }
      List<String> players = new ArrayList<>(names);
      Collections.shuffle(players, random);
      players = players.subList(0, 1 + random.nextInt(6));
      Map<String, Double> byOrderings = meanOverOrderings(worth, players);
      Map<String, Double> phi = new ShapleyGame(worth).values(players);
      for (String p : players) {
        assertThat(phi.get(p)).as("trial %d, %s", trial, p).isCloseTo(byOrderings.get(p), within(1e-12));
      }
      List<Map.Entry<List<String>, Double>> reversed = new ArrayList<>(worth.entrySet());
      Collections.reverse(reversed);
      Map<List<String>, Double> otherOrder = new LinkedHashMap<>();
      reversed.forEach(e -> otherOrder.put(e.getKey(), e.getValue()));
      assertThat(new ShapleyGame(otherOrder).values(players)).isEqualTo(phi);
    }
  }

  /**
   * A player that adds nothing to any coalition gets exactly 0, not rounding: a crumb wrote a credit
   * row, and where every other value was 0 it took the whole conversion from the last touchpoint (a
   * review of the first version of the sum over coalitions, which added a coalition's terms apart).
   */
  @Test
  void aPlayerThatAddsNothingGetsExactlyZero() {
    Random random = new Random(5);
    List<String> names = players(6);
    for (int trial = 0; trial < 200; trial++) {
      // z joins any coalition without changing its worth; rates of small counts, as in training.
      Map<List<String>, Double> worth = new HashMap<>();
      for (int mask = 1; mask < (1 << names.size()); mask++) {
        if (random.nextDouble() < 0.5) {
          double rate = random.nextInt(7) / (double) (1 + random.nextInt(9));
          List<String> t = members(names, mask);
          worth.put(t, rate);
          List<String> withZ = new ArrayList<>(t);
          withZ.add("z");
          worth.put(withZ, rate);
        }
      }
      List<String> players = new ArrayList<>(names);
      players.add("z");
      assertThat(new ShapleyGame(worth).values(players).get("z")).as("trial %d", trial).isEqualTo(0.0);
    }
  }

  @Test
  void coalitionWeightsAreTheFactorialRatio() {
    // s! (n - s - 1)! / n!, by hand: n = 4, s = 1: 1·2/24 = 1/12; n = 3, s = 0: 2/6 = 1/3.
    assertThat(ShapleyGame.weight(4, 1)).isCloseTo(1.0 / 12, within(1e-15));
    assertThat(ShapleyGame.weight(3, 0)).isCloseTo(1.0 / 3, within(1e-15));
    assertThat(ShapleyGame.weight(1, 0)).isEqualTo(1.0);
    // Where 171! overflows a double: n = 200, s = 1 is 1 / (200 · 199).
    assertThat(ShapleyGame.weight(200, 1)).isCloseTo(1.0 / (200 * 199), within(1e-18));
  }

  /** Every ordering of the players, each player credited what it adds to those before it. */
  private static Map<String, Double> meanOverOrderings(Map<List<String>, Double> worth, List<String> players) {
    Map<Set<String>, Double> bySet = new HashMap<>();
    worth.forEach((k, v) -> bySet.put(new HashSet<>(k), v));
    Map<String, Double> sums = new HashMap<>();
    List<List<String>> orderings = new ArrayList<>();
    permutations(new ArrayList<>(players), 0, orderings);
    for (List<String> ordering : orderings) {
      Set<String> before = new HashSet<>();
      for (String p : ordering) {
        double without = bySet.getOrDefault(before, 0.0);
        before.add(p);
        sums.merge(p, bySet.getOrDefault(before, 0.0) - without, Double::sum);
      }
    }
    sums.replaceAll((k, v) -> v / orderings.size());
    return sums;
  }

  private static void permutations(List<String> items, int from, List<List<String>> out) {
    if (from == items.size()) {
      out.add(new ArrayList<>(items));
      return;
    }
    for (int i = from; i < items.size(); i++) {
      Collections.swap(items, from, i);
      permutations(items, from + 1, out);
      Collections.swap(items, from, i);
    }
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

  /** n players named p00, p01, ... */
  private static List<String> players(int n) {
    List<String> players = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      players.add(String.format("p%02d", i));
    }
    return players;
  }

  @Test
  void simplifiedShapleyFollowsFractribution() {
    // p(a>b) = 0.5, p(b) = 0.2, p(a) = 0.4: a gets 0.5-0.2 = 0.3, b gets 0.5-0.4 = 0.1 -> 0.75 / 0.25.
    Map<List<String>, Double> p = Map.of(List.of("a", "b"), 0.5, List.of("b"), 0.2, List.of("a"), 0.4);
    SimplifiedShapley model = new SimplifiedShapley(x -> p.getOrDefault(x, 0.0));
    Map<String, Double> shares = model.shares(List.of("a", "b"));
    assertThat(shares.get("a")).isCloseTo(0.75, within(1e-12));
    assertThat(shares.get("b")).isCloseTo(0.25, within(1e-12));
    // Unseen path: every contribution 0 -> last touch.
    assertThat(model.shares(List.of("c", "d"))).containsEntry("d", 1.0).containsEntry("c", 0.0);
  }
}
