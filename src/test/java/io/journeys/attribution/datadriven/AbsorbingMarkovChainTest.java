package io.journeys.attribution.datadriven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AbsorbingMarkovChainTest {

  /** Adds a collapsed order-1 path with its outcome, one journey. */
  private static void path(AbsorbingMarkovChain chain, boolean converted, String... touchpoints) {
    String from = AbsorbingMarkovChain.START;
    for (String t : touchpoints) {
      chain.add(from, t, 1);
      from = t;
    }
    chain.add(from, converted ? AbsorbingMarkovChain.CONVERSION : AbsorbingMarkovChain.NULL, 1);
  }

  @Test
  void threeChannelsWorkedByHand() {
    // Journeys: c1>c2>c3 converts; c1 does not; c2>c3 does not.
    // start: c1 2/3, c2 1/3. c1: c2 1/2, null 1/2. c2: c3 1. c3: conv 1/2, null 1/2.
    // P(conv) = 2/3·1/2·1·1/2 + 1/3·1·1/2 = 1/6 + 1/6 = 1/3.
    // Without c1: 1/3·1/2 = 1/6 -> RE 1/6. Without c2: 0 -> RE 1/3. Without c3: 0 -> RE 1/3.
    // Shares 1/6 : 1/3 : 1/3 = 0.2 / 0.4 / 0.4.
    AbsorbingMarkovChain chain = new AbsorbingMarkovChain();
    path(chain, true, "c1", "c2", "c3");
    path(chain, false, "c1");
    path(chain, false, "c2", "c3");
    assertThat(chain.conversionProbability()).isCloseTo(1.0 / 3, within(1e-12));
    Map<String, Double> re = chain.removalEffects();
    assertThat(re.get("c1")).isCloseTo(1.0 / 6, within(1e-12));
    assertThat(re.get("c2")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(re.get("c3")).isCloseTo(1.0 / 3, within(1e-12));
    Map<String, Double> shares = MarkovModel.proportional(List.of("c1", "c2", "c3"), "c3", re);
    assertThat(shares.get("c1")).isCloseTo(0.2, within(1e-12));
    assertThat(shares.get("c2")).isCloseTo(0.4, within(1e-12));
    assertThat(shares.get("c3")).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void repeatsCollapsedEveryPathConverting() {
    // A>B>A>B>B>A, A>B>B>A>A and A>A each convert once; collapsed: A>B>A>B>A, A>B>A, A.
    // Transitions: start>A 3; A>B 3, A>conv 3; B>A 3. So A: B 1/2, conv 1/2; B: A 1.
    // P(conv) = 1 (nothing is lost). Without A: 0 -> RE_A = 1. Without B: A converts 1/2 -> RE_B = 1/2.
    // Spread over all 3 conversions by RE share (ChannelAttribution's rule): A = 3·1/1.5 = 2, B = 1.
    // SPEC's per-journey rule instead gives journeys 1 and 2 A 2/3, B 1/3 each and journey 3 (A only)
    // A 1: A = 7/3, B = 2/3. Both totals are checked; the job uses the per-journey rule.
    AbsorbingMarkovChain chain = new AbsorbingMarkovChain();
    path(chain, true, "A", "B", "A", "B", "A");
    path(chain, true, "A", "B", "A");
    path(chain, true, "A");
    assertThat(chain.conversionProbability()).isCloseTo(1.0, within(1e-12));
    Map<String, Double> re = chain.removalEffects();
    assertThat(re.get("A")).isCloseTo(1.0, within(1e-12));
    assertThat(re.get("B")).isCloseTo(0.5, within(1e-12));
    double total = re.get("A") + re.get("B");
    assertThat(3 * re.get("A") / total).isCloseTo(2.0, within(1e-12));
    assertThat(3 * re.get("B") / total).isCloseTo(1.0, within(1e-12));
    Map<String, Double> both = MarkovModel.proportional(List.of("A", "B"), "A", re);
    Map<String, Double> onlyA = MarkovModel.proportional(List.of("A"), "A", re);
    assertThat(2 * both.get("A") + onlyA.get("A")).isCloseTo(7.0 / 3, within(1e-12));
    assertThat(2 * both.get("B")).isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void secondOrderStatesRememberTheLastTwoTouchpoints() {
    // Order 2 states: a>b>c converts, b>c does not. States: "a", "a|b", "b|c" (from a>b>c) and
    // "b", "b|c" (from b>c). start: a 1/2, b 1/2. a -> a|b -> b|c; b -> b|c.
    // b|c: conversion 1, null 1 -> 1/2. P(conv) = 1/2.
    // Without a: start -> a goes to null; start -> b -> b|c -> 1/2: P = 1/4, RE_a = 1/4.
    // Without b: every state with b is gone: only start -> a -> (a|b gone) -> null: P = 0, RE_b = 1/2.
    // Without c: b|c gone: P = 0, RE_c = 1/2. (Order 1 would give a the same 1/4 here.)
    String s = AbsorbingMarkovChain.STATE_SEPARATOR;
    AbsorbingMarkovChain chain = new AbsorbingMarkovChain();
    chain.add(AbsorbingMarkovChain.START, "a", 1);
    chain.add("a", "a" + s + "b", 1);
    chain.add("a" + s + "b", "b" + s + "c", 1);
    chain.add("b" + s + "c", AbsorbingMarkovChain.CONVERSION, 1);
    chain.add(AbsorbingMarkovChain.START, "b", 1);
    chain.add("b", "b" + s + "c", 1);
    chain.add("b" + s + "c", AbsorbingMarkovChain.NULL, 1);
    assertThat(chain.conversionProbability()).isCloseTo(0.5, within(1e-12));
    Map<String, Double> re = chain.removalEffects();
    assertThat(re.get("a")).isCloseTo(0.25, within(1e-12));
    assertThat(re.get("b")).isCloseTo(0.5, within(1e-12));
    assertThat(re.get("c")).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void sameTransitionsInAnotherOrderSameNumbersWorkedByHand() {
    // Journeys: x>y converts, y does not, z>x converts. start: x, y, z 1/3 each. x: y 1/2, conv 1/2.
    // y: conv 1/2, null 1/2. z: x 1. So P(y) = 1/2, P(x) = 1/2·1/2 + 1/2 = 3/4, P(z) = 3/4 and
    // P(conv) = (3/4 + 1/2 + 3/4) / 3 = 2/3. Without x: (0 + 1/2 + 0) / 3 = 1/6, RE 1/2. Without y:
    // x and z give 1/2 each, (1/2 + 0 + 1/2) / 3 = 1/3, RE 1/3. Without z: (3/4 + 1/2) / 3 = 5/12,
    // RE 1/4. The second chain gets the same transitions in the reverse order.
    AbsorbingMarkovChain a = new AbsorbingMarkovChain();
    path(a, true, "x", "y");
    path(a, false, "y");
    path(a, true, "z", "x");
    AbsorbingMarkovChain b = new AbsorbingMarkovChain();
    b.add("x", AbsorbingMarkovChain.CONVERSION, 1);
    b.add("z", "x", 1);
    b.add(AbsorbingMarkovChain.START, "z", 1);
    b.add("y", AbsorbingMarkovChain.NULL, 1);
    b.add(AbsorbingMarkovChain.START, "y", 1);
    b.add("y", AbsorbingMarkovChain.CONVERSION, 1);
    b.add("x", "y", 1);
    b.add(AbsorbingMarkovChain.START, "x", 1);
    assertThat(a.conversionProbability()).isCloseTo(2.0 / 3, within(1e-12));
    Map<String, Double> re = a.removalEffects();
    assertThat(re).containsOnlyKeys("x", "y", "z");
    assertThat(re.get("x")).isCloseTo(0.5, within(1e-12));
    assertThat(re.get("y")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(re.get("z")).isCloseTo(0.25, within(1e-12));
    assertThat(b.conversionProbability()).isEqualTo(a.conversionProbability());
    assertThat(b.removalEffects()).isEqualTo(re);
  }

  /**
   * A ring of n touchpoints, each going on to the next with probability q and converting with c
   * (else null), entered at s000. Every state's x is c + q·x by symmetry, so P = c / (1 − q);
   * without s150 the walk from s000 meets null after s149: P = c(1 − q^150) / (1 − q), so
   * RE = c·q^150 / (1 − q).
   */
  private static AbsorbingMarkovChain ring(int n, double q, double c) {
    AbsorbingMarkovChain chain = new AbsorbingMarkovChain();
    chain.add(AbsorbingMarkovChain.START, "s000", 1);
    for (int i = 0; i < n; i++) {
      String state = String.format("s%03d", i);
      chain.add(state, String.format("s%03d", (i + 1) % n), q);
      chain.add(state, AbsorbingMarkovChain.CONVERSION, c);
      chain.add(state, AbsorbingMarkovChain.NULL, 1 - q - c);
    }
    return chain;
  }

  /**
   * Above DENSE_LIMIT states the sweeps solve the chain (at order 4, LU took 44 s a solve, a
   * review). The numbers are checked here, not which solver gave them (LU would give the same); the
   * sweeps' own fixed point is checked on a three-state ring at the end.
   */
  @Test
  void aChainAboveTheDenseLimitGivesTheNumbersWorkedOutByHand() {
    int n = 300;
    assertThat(n + 1).isGreaterThan(AbsorbingMarkovChain.DENSE_LIMIT);
    double q = 0.9;
    double c = 0.05;
    AbsorbingMarkovChain chain = ring(n, q, c);
    assertThat(chain.conversionProbability()).isCloseTo(c / (1 - q), within(1e-14));
    assertThat(chain.removalEffects().get("s150")).isCloseTo(c * Math.pow(q, 150) / (1 - q), within(1e-14));
    // Every state s_k (k >= 1) is reached with probability q^k and then converts with c / (1 - q):
    // RE = c·q^k / (1 - q), to its last digits down to s299's 1.04e-14. As P less P without s_k
    // (both near 0.5) s299's effect came out 2.4% low, s270's 0.09%.
    Map<String, Double> effects = chain.removalEffects();
    for (int k = 1; k < n; k++) {
      double expected = c * Math.pow(q, k) / (1 - q);
      assertThat(effects.get(String.format("s%03d", k))).as("s%03d", k).isCloseTo(expected, within(1e-12 * expected));
    }
    // The sweeps themselves reach a fixed point here (no fallback): a three-state ring, x = 0.5 each.
    double[] x = AbsorbingMarkovChain.fixedPoint(new int[][] {{1}, {2}, {0}}, new double[][] {{0.9}, {0.9}, {0.9}},
        new double[] {0.05, 0.05, 0.05}, 1_000);
    assertThat(x).isNotNull();
    assertThat(x[0]).isCloseTo(0.5, within(1e-15));
  }

  /** Journeys that almost never leave the ring: the sweeps do not settle in time, and LU solves it. */
  @Test
  void aChainTheSweepsCannotSettleInTimeIsSolvedByLu() {
    double q = 1 - 1e-9;
    double c = 5e-10;
    assertThat(AbsorbingMarkovChain.fixedPoint(new int[][] {{1}, {2}, {0}}, new double[][] {{q}, {q}, {q}},
        new double[] {c, c, c}, 1_000)).isNull();
    assertThat(ring(300, q, c).conversionProbability()).isCloseTo(c / (1 - q), within(1e-6));
  }
  /**
   * Random journeys over touchpoints a-f, with z only last on journeys that do not convert (so z
   * leads only to NULL): z's removal effect is exactly 0, no effect is negative, and each equals
   * P(conversion) less that of a chain built without the touchpoint through {@code add} (every
   * transition into it sent to NULL, its own row dropped), the definition's own route.
   */
  @Test
  void aTouchpointOnNoConvertingWalkHasExactlyNoEffectAndEveryEffectIsTheChainWithoutIt() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(20261207L);
    String[] names = {"a", "b", "c", "d", "e", "f"};
    for (int trial = 0; trial < 200; trial++) {
      List<List<String>> journeys = new java.util.ArrayList<>();
      List<Boolean> converted = new java.util.ArrayList<>();
      int count = 3 + random.nextInt(20);
      for (int j = 0; j < count; j++) {
        boolean converts = random.nextInt(3) == 0;
        List<String> path = new java.util.ArrayList<>();
        int length = 1 + random.nextInt(5);
        for (int t = 0; t < length; t++) {
          String next = names[random.nextInt(names.length)];
          if (path.isEmpty() || !path.get(path.size() - 1).equals(next)) {
            path.add(next);
          }
        }
        if (!converts && random.nextInt(3) == 0) {
          path.add("z");
        }
        journeys.add(path);
        converted.add(converts);
      }
      AbsorbingMarkovChain chain = new AbsorbingMarkovChain();
      for (int j = 0; j < count; j++) {
        path(chain, converted.get(j), journeys.get(j).toArray(String[]::new));
      }
      Map<String, Double> re = chain.removalEffects();
      double p = chain.conversionProbability();
      if (re.containsKey("z")) {
        assertThat(re.get("z")).as("trial %d", trial).isEqualTo(0.0);
      }
      for (Map.Entry<String, Double> e : re.entrySet()) {
        AbsorbingMarkovChain without = new AbsorbingMarkovChain();
        for (int j = 0; j < count; j++) {
          List<String> states = new java.util.ArrayList<>(List.of(AbsorbingMarkovChain.START));
          states.addAll(journeys.get(j));
          states.add(converted.get(j) ? AbsorbingMarkovChain.CONVERSION : AbsorbingMarkovChain.NULL);
          for (int s = 0; s + 1 < states.size(); s++) {
            if (!states.get(s).equals(e.getKey())) {
              without.add(states.get(s), states.get(s + 1).equals(e.getKey()) ? AbsorbingMarkovChain.NULL : states.get(s + 1), 1);
            }
          }
        }
        assertThat(e.getValue()).as("trial %d, %s", trial, e.getKey()).isGreaterThanOrEqualTo(0.0)
            .isCloseTo(p - without.conversionProbability(), within(1e-12));
      }
    }
  }
}
