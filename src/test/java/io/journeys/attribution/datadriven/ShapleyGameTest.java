package io.journeys.attribution.datadriven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapleyGameTest {

  @Test
  void twoPlayerGameWorkedByHand() {
    // v({}) = 0, v({a}) = 0.2, v({b}) = 0.1, v({a,b}) = 0.5.
    // phi_a = 1/2 (v(a) - v()) + 1/2 (v(ab) - v(b)) = 1/2·0.2 + 1/2·0.4 = 0.3
    // phi_b = 1/2·0.1 + 1/2·(0.5 - 0.2) = 0.05 + 0.15 = 0.2; shares 0.6 / 0.4.
    Map<List<String>, Double> v = Map.of(List.of("a"), 0.2, List.of("b"), 0.1, List.of("a", "b"), 0.5);
    ShapleyGame game = new ShapleyGame(t -> v.getOrDefault(t, 0.0), 15);
    Map<String, Double> phi = game.values(List.of("b", "a"));
    assertThat(phi.get("a")).isCloseTo(0.3, within(1e-12));
    assertThat(phi.get("b")).isCloseTo(0.2, within(1e-12));
    Map<String, Double> shares = game.shares(List.of("a", "b"), "b");
    assertThat(shares.get("a")).isCloseTo(0.6, within(1e-12));
    assertThat(shares.get("b")).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void negativeValuesClippedAndAllZeroGoesToTheLastTouchpoint() {
    // v({a}) = 0.5, v({a,b}) = 0.3: phi_b = 1/2(0 - 0) + 1/2(0.3 - 0.5) = -0.1 -> clipped to 0.
    Map<List<String>, Double> v = Map.of(List.of("a"), 0.5, List.of("a", "b"), 0.3);
    ShapleyGame game = new ShapleyGame(t -> v.getOrDefault(t, 0.0), 15);
    assertThat(game.shares(List.of("a", "b"), "b")).containsEntry("a", 1.0).containsEntry("b", 0.0);
    ShapleyGame nothing = new ShapleyGame(t -> 0.0, 15);
    assertThat(nothing.shares(List.of("a", "b"), "a")).containsEntry("a", 1.0).containsEntry("b", 0.0);
  }

  @Test
  void fallbackBeyondTheExactLimitIsDeterministicAndCloseToExact() {
    // Additive game v(T) = sum of weights: Shapley value of i is exactly its weight, which the
    // sampled orderings reproduce exactly (every ordering gives each player its own weight).
    Map<String, Double> w = Map.of("a", 0.1, "b", 0.2, "c", 0.3, "d", 0.05);
    ShapleyGame sampled = new ShapleyGame(t -> t.stream().mapToDouble(w::get).sum(), 2);
    Map<String, Double> phi = sampled.values(List.of("a", "b", "c", "d"));
    w.forEach((k, val) -> assertThat(phi.get(k)).isCloseTo(val, within(1e-12)));
    // The additive game gives every ordering the same values, so determinism shows only where the
    // order matters: there 2,000 orderings of another seed move "a" by about 0.009 (a review found
    // the check above could not fail). Two games, the players in two orders, give equal values.
    List<String> five = List.of("a", "b", "c", "d", "e");
    Map<String, Double> once = new ShapleyGame(ShapleyGameTest::aAndAnother, 2).values(five);
    assertThat(new ShapleyGame(ShapleyGameTest::aAndAnother, 2).values(List.of("e", "d", "c", "b", "a"))).isEqualTo(once);
  }

  @Test
  void fallbackEstimatesAGameWhoseOrderMatters() {
    // v(T) = 1 when T holds "a" and at least one other player, else 0. In a random ordering "a"
    // adds 1 unless it comes first: phi_a = (n - 1) / n. Another player adds 1 only when it comes
    // second, right after "a": 1 / (n (n - 1)). With n = 5: 0.8 and 0.05 each.
    List<String> five = List.of("a", "b", "c", "d", "e");
    ShapleyGame sampled = new ShapleyGame(ShapleyGameTest::aAndAnother, 2);
    Map<String, Double> phi = sampled.values(five);
    // 2,000 orderings: standard errors 0.009 and 0.005, so these bounds are about 4.5 of them.
    assertThat(phi.get("a")).isCloseTo(0.8, within(0.04));
    for (String other : five.subList(1, 5)) {
      assertThat(phi.get(other)).isCloseTo(0.05, within(0.02));
    }
    // Each ordering's marginals add up to v(N) = 1, so their mean does too.
    assertThat(phi.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void exactUpToTheLimitAndSampledOneBeyondIt() {
    ShapleyGame game = new ShapleyGame(ShapleyGameTest::aAndAnother, 15);
    List<String> fifteen = players(15);
    assertThat(game.values(fifteen).get("a")).isCloseTo(14.0 / 15, within(1e-12));
    assertThat(game.values(fifteen).get("p01")).isCloseTo(1.0 / (15 * 14), within(1e-12));
    // 16 players: 2,000 sampled orderings (standard error 0.005 for "a").
    Map<String, Double> sixteen = game.values(players(16));
    assertThat(sixteen.get("a")).isCloseTo(15.0 / 16, within(0.03));
    assertThat(sixteen.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-12));
  }

  private static double aAndAnother(List<String> coalition) {
    return coalition.contains("a") && coalition.size() >= 2 ? 1.0 : 0.0;
  }

  /** "a" and n - 1 others named p01, p02, ... */
  private static List<String> players(int n) {
    List<String> players = new ArrayList<>(List.of("a"));
    for (int i = 1; i < n; i++) {
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
