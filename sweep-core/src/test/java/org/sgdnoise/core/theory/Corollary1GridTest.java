package org.sgdnoise.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.sgdnoise.core.theory.TestAsserts.assertRel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Corollary 1 (sign of the optimal weight decay γ*, 1-d, μ = 0) on a grid, after the sheet's
 * check (c) (linear-regression.md §8c): a ∈ {0.5, 1, 4} × S ∈ {1, 2, 3, 4, 5, 8, 16, 32, 64, 128}
 * × 64 values of aλ up to 1.05·√(S/2), plus points just either side of every boundary
 * (2S/(S+2), √(S/2), 1, and 2/3, 1/√2 for S = 1). γ* from {@link L2Theory#gammaStar} is checked
 * against a brute-force scan of the closed form (Corollary 4, eq. 160) over the eq. 163 interval,
 * and its sign against the corrected condition and the paper's eq. 168.
 */
class Corollary1GridTest {
  private static final double[] A_VALUES = {0.5, 1, 4};
  private static final int[] BATCHES = {1, 2, 3, 4, 5, 8, 16, 32, 64, 128};
  private static final int GRID_POINTS = 64;
  /** Relative offset of the points placed either side of a boundary of the regimes. */
  private static final double BOUNDARY_STEP = 1e-6;
  /** Points of the brute-force scan of eq. 160 over the eq. 163 interval. */
  private static final int SCAN = 4000;
  /** Closed-form quantities computed two ways: agreement to rounding. */
  private static final double EXACT_REL_TOL = 1e-12;
  /** (γ*)/a depends only on (aλ, S): agreement of full-precision minimisers. */
  private static final double SCALING_REL_TOL = 1e-9;
  /**
   * The fixtures' γ* came from a bounded minimisation on L_test values (resolution ≈ √ε·|γ|);
   * against 40-digit roots of dL/dγ they are off by up to 9e-8 (relative).
   */
  private static final double FIXTURE_GAMMA_STAR_REL_TOL = 2e-7;
  /** Full-precision minimisers against the 40-digit roots below. */
  private static final double ROOT_REL_TOL = 1e-10;

  @Test
  void gammaStarHasTheSignOfTheCorrectedConditionOnTheWholeGrid() {
    int negative = 0;
    int zero = 0;
    int positive = 0;
    int none = 0;
    int paperWrong = 0;
    for (double a : A_VALUES) {
      for (int batch : BATCHES) {
        for (double aLr : grid(batch)) {
          final double lr = aLr / a;
          L2Theory.GammaStar star =
              L2Theory.gammaStar(new double[] {a}, new double[] {1}, lr, batch, 0);
          String at = String.format("a=%s S=%d aλ=%s γ*=%s", a, batch, aLr, star.gamma());
          boolean corrected = L2Theory.negativeGammaStar1d(aLr, batch);
          boolean paper = L2Theory.paperNegativeGammaStar1d(aLr, batch);
          if (aLr < 2.0 * batch / (batch + 2)) {
            // γ = 0 is stable: γ* = 0 exactly.
            assertThat(star.gamma()).as(at).isZero();
            assertThat(star.lTest()).as(at).isZero();
            zero++;
          } else if (aLr >= Math.sqrt(batch / 2.0)) {
            // Eq. 164: no stable γ at all.
            assertThat(star.exists()).as(at).isFalse();
            assertThat(L2Theory.stableGammaInterval1d(a, lr, batch).isEmpty()).isTrue();
            none++;
          } else {
            assertThat(star.exists()).as(at).isTrue();
            checkAgainstScan(a, lr, batch, star, at);
            if (star.gamma() < 0) {
              negative++;
            } else {
              // The S = 1 counterexample region: 2/3 < aλ < 1/√2.
              assertThat(batch).as(at).isEqualTo(1);
              assertThat(aLr).as(at).isBetween(2.0 / 3, Math.sqrt(0.5));
              assertThat(star.gamma()).as(at).isPositive();
              positive++;
            }
          }
          assertThat(corrected).as(at).isEqualTo(star.exists() && star.gamma() < 0);
          if (paper != corrected) {
            // Eq. 168 fails exactly in the S = 1 counterexample region.
            assertThat(batch).as(at).isEqualTo(1);
            assertThat(aLr).as(at).isBetween(2.0 / 3, Math.sqrt(0.5));
            assertThat(paper).isTrue();
            paperWrong++;
          } else if (batch == 1 && aLr > 2.0 / 3 && aLr < Math.sqrt(0.5)) {
            throw new AssertionError("eq. 168 should fail in the S = 1 region: " + at);
          }
        }
      }
    }
    assertThat(negative).isGreaterThan(300);
    assertThat(zero).isGreaterThan(300);
    assertThat(positive).isGreaterThanOrEqualTo(9);
    assertThat(none).isGreaterThan(100);
    assertThat(paperWrong).isEqualTo(positive);
  }

  @Test
  void gammaStarOverAIsAFunctionOfALambdaAndS() {
    for (int batch : BATCHES) {
      for (double aLr : grid(batch)) {
        L2Theory.GammaStar ref =
            L2Theory.gammaStar(new double[] {1}, new double[] {1}, aLr, batch, 0);
        for (double a : A_VALUES) {
          L2Theory.GammaStar star =
              L2Theory.gammaStar(new double[] {a}, new double[] {1}, aLr / a, batch, 0);
          assertThat(star.exists()).isEqualTo(ref.exists());
          if (ref.exists()) {
            assertThat(star.gamma() / a).isCloseTo(ref.gamma(),
                within(SCALING_REL_TOL * Math.abs(ref.gamma())));
          }
        }
      }
    }
  }

  @Test
  void figureFiveAndFigureThreeRight() {
    // Fig. 5 (a = 4, λ = 1, S = 64, u = 1): γ = 0 diverges, γ* = −2.530690, L_test = 16.5374.
    L2Theory.GammaStar fig5 =
        L2Theory.gammaStar(new double[] {4}, new double[] {1}, 1.0, 64, 0);
    assertThat(fig5.gamma()).isCloseTo(-2.530690, within(5e-7));
    assertThat(fig5.lTest()).isCloseTo(16.5374, within(5e-5));
    // The same to full precision: a 40-digit root of dL/dγ of eq. 160 (mpmath findroot).
    assertRel(fig5.gamma(), -2.530690225597936936, ROOT_REL_TOL);
    assertRel(fig5.lTest(), 16.53743616093711056, EXACT_REL_TOL);
    // Fig. 3-right (a = 1, λ = 0.5, S = 1): γ = 0 is stable, so γ* = 0.
    L2Theory.GammaStar fig3 =
        L2Theory.gammaStar(new double[] {1}, new double[] {1}, 0.5, 1, 0);
    assertThat(fig3.gamma()).isZero();
    assertThat(fig3.lTest()).isZero();
  }

  @Test
  void fullPrecisionRootsOfTheDerivative() {
    // {a, λ, S, γ*, L_test(γ*)}: 40-digit roots of dL/dγ of eq. 160 (mpmath), the CO cases.
    double[][] roots = {
      {1.0, 0.69, 1, 0.2494121203179135665, 0.6790992280817417824},
      {1.0, 1.38, 4, -0.1716209325333533930, 0.7698874330558885324},
      {1.0, 1.21, 3, -0.07573515198124537012, 0.3335434404166566148},
      {0.5, 4.0, 16, -0.1017324172956866044, 0.07132091696936822188},
    };
    for (double[] r : roots) {
      L2Theory.GammaStar star =
          L2Theory.gammaStar(new double[] {r[0]}, new double[] {1}, r[1], (int) r[2], 0);
      assertRel(star.gamma(), r[3], ROOT_REL_TOL);
      assertRel(star.lTest(), r[4], EXACT_REL_TOL);
    }
  }

  static Stream<JsonNode> referenceCases() {
    return References.family("corollary1_optimal_weight_decay", 9);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("referenceCases")
  void matchesReferenceValues(JsonNode c) {
    JsonNode in = c.get("inputs");
    JsonNode ex = c.get("expected");
    double a = in.get("a").asDouble();
    double lr = in.get("lam").asDouble();
    int batch = in.get("S").asInt();
    double u = in.get("u").asDouble();
    L2Theory.GammaStar star =
        L2Theory.gammaStar(new double[] {a}, new double[] {u}, lr, batch, 0);
    assertThat(L2Theory.negativeGammaStar1d(a * lr, batch))
        .isEqualTo(ex.get("corrected_condition_says_negative").asBoolean());
    assertThat(L2Theory.paperNegativeGammaStar1d(a * lr, batch))
        .isEqualTo(ex.get("paper_eq168_says_negative").asBoolean());
    assertThat(star.exists() && star.gamma() < 0)
        .isEqualTo(ex.get("gamma_star_negative").asBoolean());
    L2Theory.GammaInterval set = L2Theory.stableGammaInterval1d(a, lr, batch);
    if (ex.get("gamma_star").isNull()) {
      assertThat(star.exists()).isFalse();
      assertThat(star.gamma()).isNaN();
      assertThat(star.lTest()).isInfinite();
      assertThat(ex.get("stable_gamma_interval").isNull()).isTrue();
      assertThat(set.isEmpty()).isTrue();
      return;
    }
    assertThat(star.exists()).isTrue();
    JsonNode iv = ex.get("stable_gamma_interval");
    assertRel(set.lower(), iv.get(0).asDouble(), 1e-9);
    assertRel(set.upper(), iv.get(1).asDouble(), 1e-9);
    double expected = ex.get("gamma_star").asDouble();
    if (expected == 0) {
      assertThat(star.gamma()).isZero();
      assertThat(star.lTest()).isZero();
    } else {
      assertRel(star.gamma(), expected, FIXTURE_GAMMA_STAR_REL_TOL);
      assertRel(star.lTest(), ex.get("L_test_star").asDouble(), 1e-9);
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * γ* against a brute-force scan of the closed form (eq. 160) over the eq. 163 interval: no
   * scanned point is lower, the best scanned point is within two steps, γ* is inside the
   * interval, and the closed form at γ* equals γ*'s L_test.
   */
  private static void checkAgainstScan(double a, double lr, int batch, L2Theory.GammaStar star,
      String at) {
    L2Theory.GammaInterval set = L2Theory.stableGammaInterval1d(a, lr, batch);
    assertThat(star.gamma()).as(at).isStrictlyBetween(set.lower(), set.upper());
    L2Theory.Corollary4 atStar = L2Theory.corollary4(a, star.gamma(), 1, lr, batch);
    assertThat(atStar.diverges()).isFalse();
    // Near the ends of the regimes D_γ = 2k − λ(k² + 2a²/S) cancels: scale by its condition.
    double k = a + star.gamma();
    double terms = 2 * k + lr * (k * k + 2 * a * a / batch);
    double tol = EXACT_REL_TOL * terms / (terms - 2 * lr * (k * k + 2 * a * a / batch));
    assertThat(star.lTest()).as(at).isCloseTo(atStar.lTest(), within(tol * atStar.lTest()));
    double width = set.upper() - set.lower();
    double best = Double.POSITIVE_INFINITY;
    double bestGamma = Double.NaN;
    for (int j = 1; j < SCAN; j++) {
      double g = set.lower() + width * j / SCAN;
      L2Theory.Corollary4 c = L2Theory.corollary4(a, g, 1, lr, batch);
      if (!c.diverges() && c.lTest() < best) {
        best = c.lTest();
        bestGamma = g;
      }
    }
    assertThat(star.lTest()).as(at).isLessThanOrEqualTo(best * (1 + tol));
    assertThat(Math.abs(star.gamma() - bestGamma)).as(at).isLessThanOrEqualTo(2 * width / SCAN);
  }

  /**
   * 64 values of aλ from 0.05 to 1.05·√(S/2), plus points either side of 2S/(S+2), √(S/2), 1
   * and, for S = 1, 2/3 and 1/√2.
   */
  private static List<Double> grid(int batch) {
    List<Double> out = new ArrayList<>();
    final double top = 1.05 * Math.sqrt(batch / 2.0);
    for (int j = 0; j < GRID_POINTS; j++) {
      out.add(0.05 + (top - 0.05) * j / (GRID_POINTS - 1));
    }
    List<Double> bounds = new ArrayList<>(
        List.of(2.0 * batch / (batch + 2), Math.sqrt(batch / 2.0), 1.0));
    if (batch == 1) {
      bounds.add(Math.sqrt(0.5) - 0.01);
      bounds.add(0.69);
    }
    for (double b : bounds) {
      out.add(b * (1 - BOUNDARY_STEP));
      out.add(b * (1 + BOUNDARY_STEP));
    }
    return out;
  }
}
