package org.sgdnoise.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sgdnoise.core.theory.TestAsserts.assertMatrixRel;
import static org.sgdnoise.core.theory.TestAsserts.assertRel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damped Newton (Proposition 5) and natural gradient (Proposition 6) against the reference cases
 * 13–22 and 43 of shared/theory, and against the general label-noise solve ({@link
 * LabelNoiseTheory#solve}, eigenbasis reduction) and the Kronecker solve of Theorem 1 ({@link
 * KroneckerOracle}) with the preconditioners formed as matrices from random non-diagonal A.
 */
class SecondOrderTheoryTest {
  /** Closed form vs direct matrix solves: O(1e-13) observed. */
  private static final double ORACLE_REL_TOL = 1e-9;
  /** Two closed forms of one quantity. */
  private static final double EXACT_REL_TOL = 1e-12;
  /** Relative step around λ_c. */
  private static final double CRITICAL_STEP = 1e-6;
  /** The damped fixed-point iteration is stopped at this relative change. */
  private static final double ITERATION_TOL = 1e-13;
  /** Weight η of the new iterate in the damped iteration (η = 1 or ½ oscillates for some cases). */
  private static final double DAMPING = 0.3;
  /** Distance of the iteration's limit from x·A⁻¹ (contraction ≈ 0.7–0.9 per step). */
  private static final double ITERATION_REL_TOL = 1e-9;

  // ---------------------------------------------------------------- reference cases

  static Stream<JsonNode> dampedNewtonCases() {
    return References.named("Prop 5 damped Newton", 5);
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("dampedNewtonCases")
  void dampedNewtonMatchesReferenceCases(JsonNode c) {
    JsonNode in = c.get("inputs");
    JsonNode ex = c.get("expected");
    double tol = c.get("rel_tol").asDouble();
    double lr = in.get("lam").asDouble();
    int batch = in.get("S").asInt();
    int dim = in.get("D").asInt();
    double mu = in.get("mu").asDouble();
    double sigma2 = in.get("sigma2").asDouble();
    assertRel(SecondOrderTheory.dampedNewtonG(lr, batch, mu), ex.get("g").asDouble(), tol);
    assertRel(SecondOrderTheory.dampedNewtonCriticalLr(dim, batch, mu),
        ex.get("lam_c").asDouble(), tol);
    assertRel(SecondOrderTheory.dampedNewtonMinBatch(lr, dim, mu), ex.get("S_min").asDouble(),
        tol);
    double x = ex.get("x").asDouble();
    double[] spectrum = spectrum(dim);
    Prediction p = SecondOrderTheory.dampedNewton(spectrum, lr, batch, mu, sigma2);
    if (Double.isInfinite(x)) {
      assertThat(SecondOrderTheory.dampedNewtonScale(dim, lr, batch, mu, sigma2)).isInfinite();
      assertThat(p.diverges()).isTrue();
      assertThat(lr).isGreaterThan(ex.get("lam_c").asDouble());
      return;
    }
    assertRel(SecondOrderTheory.dampedNewtonScale(dim, lr, batch, mu, sigma2), x, tol);
    assertThat(p.diverges()).isFalse();
    assertRel(p.trASigma(), x * dim, tol);
    double trInv = 0;
    for (double a : spectrum) {
      trInv += 1 / a;
    }
    assertRel(p.traceSigma(), x * trInv, tol);
  }

  static Stream<JsonNode> naturalGradientCases() {
    return References.named("Prop 6 natural gradient", 5);
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("naturalGradientCases")
  void naturalGradientMatchesReferenceCases(JsonNode c) {
    JsonNode in = c.get("inputs");
    JsonNode ex = c.get("expected");
    double tol = c.get("rel_tol").asDouble();
    double lr = in.get("lam").asDouble();
    int batch = in.get("S").asInt();
    int dim = in.get("D").asInt();
    double mu = in.get("mu").asDouble();
    double sigma2 = in.get("sigma2").asDouble();
    assertRel(SecondOrderTheory.naturalGradientG(dim, batch, mu), ex.get("gN").asDouble(), tol);
    assertRel(SecondOrderTheory.naturalGradientScale(dim, lr, batch, mu, sigma2),
        ex.get("x").asDouble(), tol);
    assertRel(SecondOrderTheory.naturalGradientEffectiveLr(dim, lr, batch, mu, sigma2),
        ex.get("lam_eff").asDouble(), tol);
    Prediction p = SecondOrderTheory.naturalGradient(spectrum(dim), lr, batch, mu, sigma2);
    assertThat(p.diverges()).isFalse();
    assertRel(p.trASigma(), ex.get("x").asDouble() * dim, tol);
  }

  @Test
  void criticalBatchOfOneDimensionalSgdIsTheDampedNewtonMinimumBatch() {
    // Case 43 (Fig. 3-left): S_c = 2λa/(2 − λa). 1-d SGD with rate λ is damped Newton with
    // rate aλ (Λ = λ = (aλ)A⁻¹), so S_c = S_min(aλ, D = 1).
    JsonNode c = References.general(
        n -> n.get("name").asText().equals("Fig 3-left divergence")).get(0);
    double a = c.get("inputs").get("a").asDouble();
    double lr = c.get("inputs").get("lam").asDouble();
    assertRel(SecondOrderTheory.dampedNewtonMinBatch(a * lr, 1, 0),
        c.get("expected").get("S_c").asDouble(), c.get("rel_tol").asDouble());
    // And it is where Theorem 2 in 1-d stops having a stationary state.
    assertThat(LabelNoiseTheory.ofSpectrum(new double[] {a}, lr, 7, 0, 1).diverges()).isFalse();
    assertThat(LabelNoiseTheory.ofSpectrum(new double[] {a}, lr, 6, 0, 1).diverges()).isTrue();
  }

  // ---------------------------------------------------------------- independent solves

  static Stream<Arguments> randomCases() {
    SplittableRandom rng = new SplittableRandom(5_2026L);
    double[] mus = {0.0, 0.5, 0.9};
    List<Arguments> out = new ArrayList<>();
    for (int k = 0; k < 30; k++) {
      out.add(Arguments.of(2 + k % 5, 1 + rng.nextInt(48), mus[k % 3],
          0.05 + 0.9 * rng.nextDouble(), rng.nextLong()));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "D={0} S={1} mu={2} fraction={3}")
  @MethodSource("randomCases")
  void dampedNewtonIsLabelNoiseTheoryWithTheInverseHessianPreconditioner(int dim, int batch,
      double mu, double fraction, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    DMatrixRMaj a = TestMatrices.spd(dim, rng);
    DMatrixRMaj aInv = inverse(a);
    double sigma2 = 0.1 + rng.nextDouble();
    double lr = fraction * SecondOrderTheory.dampedNewtonCriticalLr(dim, batch, mu);
    DMatrixRMaj lambda = aInv.copy();
    CommonOps_DDRM.scale(lr, lambda);

    Prediction p = SecondOrderTheory.dampedNewton(TestMatrices.eigenvalues(a), lr, batch, mu,
        sigma2);
    Prediction q = LabelNoiseTheory.solve(a, lambda, batch, mu, sigma2);
    assertThat(p.diverges()).isFalse();
    assertThat(q.diverges()).isFalse();
    double x = SecondOrderTheory.dampedNewtonScale(dim, lr, batch, mu, sigma2);
    DMatrixRMaj expected = aInv.copy();
    CommonOps_DDRM.scale(x, expected);
    assertMatrixRel(q.sigma(), expected, ORACLE_REL_TOL);
    assertMatrixRel(KroneckerOracle.solve(a, lambda, batch, mu, sigma2), expected,
        ORACLE_REL_TOL);
    assertSamePrediction(p, q);
  }

  @ParameterizedTest(name = "D={0} S={1} mu={2}")
  @MethodSource("randomCases")
  void dampedNewtonCriticalLrIsTheLabelNoiseCriticalScaleOfTheInverseHessian(int dim, int batch,
      double mu, double unused, long seed) {
    DMatrixRMaj a = TestMatrices.spd(dim, new SplittableRandom(seed));
    double crit = SecondOrderTheory.dampedNewtonCriticalLr(dim, batch, mu);
    assertRel(LabelNoiseTheory.criticalScale(a, inverse(a), batch, mu), crit, ORACLE_REL_TOL);
    double[] spectrum = TestMatrices.eigenvalues(a);
    assertThat(SecondOrderTheory.dampedNewton(spectrum, crit * (1 - CRITICAL_STEP), batch, mu, 1)
        .diverges()).isFalse();
    assertThat(SecondOrderTheory.dampedNewton(spectrum, crit * (1 + CRITICAL_STEP), batch, mu, 1)
        .diverges()).isTrue();
    // The batch-size form of the same condition: stable iff S > S_min.
    double sMin = SecondOrderTheory.dampedNewtonMinBatch(crit, dim, mu);
    assertRel(sMin, batch, ORACLE_REL_TOL);
  }

  /**
   * Proposition 6 is a fixed point: with Σ = x·A⁻¹, Lemma 1's C(Σ) = (AΣA + (Tr[AΣ] + σ²)A)/S
   * formed as a matrix, Λ = (λ/S)C⁻¹ must equal λ_eff·A⁻¹ and reproduce Σ through the general
   * solve and the Kronecker solve.
   */
  @ParameterizedTest(name = "D={0} S={1} mu={2} lr={3}")
  @MethodSource("randomCases")
  void naturalGradientIsAFixedPointOfTheorem1(int dim, int batch, double mu, double lrSeed,
      long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    DMatrixRMaj a = TestMatrices.spd(dim, rng);
    DMatrixRMaj aInv = inverse(a);
    double sigma2 = 0.05 + 2 * rng.nextDouble();
    double lr = 4 * lrSeed; // any λ > 0: NGD is self-stabilising
    double x = SecondOrderTheory.naturalGradientScale(dim, lr, batch, mu, sigma2);
    DMatrixRMaj sigma = aInv.copy();
    CommonOps_DDRM.scale(x, sigma);
    DMatrixRMaj lambda = inverse(lemma1Noise(a, sigma, batch, sigma2));
    CommonOps_DDRM.scale(lr / batch, lambda);

    DMatrixRMaj effective = aInv.copy();
    CommonOps_DDRM.scale(SecondOrderTheory.naturalGradientEffectiveLr(dim, lr, batch, mu,
        sigma2), effective);
    assertMatrixRel(lambda, effective, ORACLE_REL_TOL);
    Prediction q = LabelNoiseTheory.solve(a, lambda, batch, mu, sigma2);
    assertThat(q.diverges()).isFalse();
    assertMatrixRel(q.sigma(), sigma, ORACLE_REL_TOL);
    assertMatrixRel(KroneckerOracle.solve(a, lambda, batch, mu, sigma2), sigma, ORACLE_REL_TOL);
    Prediction p = SecondOrderTheory.naturalGradient(TestMatrices.eigenvalues(a), lr, batch,
        mu, sigma2);
    assertSamePrediction(p, q);
  }

  static Stream<Arguments> iterationCases() {
    // D, S, μ, λ, σ²: moderate cases where the damped iteration contracts (it need not).
    return Stream.of(
        Arguments.of(4, 8, 0.5, 0.5, 1.0),
        Arguments.of(3, 4, 0.9, 0.3, 0.5),
        Arguments.of(6, 16, 0.0, 2.0, 1.0),
        Arguments.of(5, 32, 0.9, 1.0, 2.0),
        Arguments.of(2, 12, 0.0, 0.8, 1.5));
  }

  /**
   * Genuinely self-consistent NGD: iterating Σ ← (1 − η)Σ + η·solve(A, (λ/S)C(Σ)⁻¹) from Σ₀ = I
   * (not ∝ A⁻¹) converges to Proposition 6's x·A⁻¹, which is therefore the fixed point reached,
   * not just one fixed point.
   */
  @ParameterizedTest(name = "D={0} S={1} mu={2} lr={3} sigma2={4}")
  @MethodSource("iterationCases")
  void dampedFixedPointIterationConvergesToProposition6(int dim, int batch, double mu, double lr,
      double sigma2) {
    DMatrixRMaj a = TestMatrices.spd(dim, new SplittableRandom(dim * 31L + batch));
    DMatrixRMaj sigma = CommonOps_DDRM.identity(dim);
    double change = Double.POSITIVE_INFINITY;
    for (int it = 0; it < 5000 && change > ITERATION_TOL; it++) {
      DMatrixRMaj lambda = inverse(lemma1Noise(a, sigma, batch, sigma2));
      CommonOps_DDRM.scale(lr / batch, lambda);
      Prediction q = LabelNoiseTheory.solve(a, lambda, batch, mu, sigma2);
      assertThat(q.diverges()).as("iteration %d", it).isFalse();
      DMatrixRMaj next = new DMatrixRMaj(dim, dim);
      CommonOps_DDRM.add(1 - DAMPING, sigma, DAMPING, q.sigma(), next);
      DMatrixRMaj diff = new DMatrixRMaj(dim, dim);
      CommonOps_DDRM.subtract(next, sigma, diff);
      change = CommonOps_DDRM.elementMaxAbs(diff) / CommonOps_DDRM.elementMaxAbs(next);
      sigma = next;
    }
    assertThat(change).isLessThanOrEqualTo(ITERATION_TOL);
    DMatrixRMaj expected = inverse(a);
    CommonOps_DDRM.scale(SecondOrderTheory.naturalGradientScale(dim, lr, batch, mu, sigma2),
        expected);
    assertMatrixRel(sigma, expected, ITERATION_REL_TOL);
  }

  @Test
  void naturalGradientIsSelfStabilisingAndMarginalWithoutLabelNoise() {
    for (int dim : new int[] {1, 5, 100}) {
      for (int batch : new int[] {1, 8, 256}) {
        for (double mu : new double[] {0, 0.5, 0.9}) {
          for (double lr = 1e-3; lr < 1e3; lr *= 3.7) {
            // σ² > 0: strictly inside the damped-Newton region, for every λ.
            for (double sigma2 : new double[] {1e-6, 0.1, 1, 30}) {
              double margin = SecondOrderTheory.naturalGradientMargin(dim, lr, batch, mu, sigma2);
              assertThat(margin).isPositive().isLessThan(1);
              double lrEff =
                  SecondOrderTheory.naturalGradientEffectiveLr(dim, lr, batch, mu, sigma2);
              assertThat(SecondOrderTheory.dampedNewtonScale(dim, lrEff, batch, mu, sigma2))
                  .isFinite();
            }
            // σ² = 0: x = λg/2 and λ_eff = λ_c exactly (marginal), κ = +∞.
            double g = SecondOrderTheory.naturalGradientG(dim, batch, mu);
            assertRel(SecondOrderTheory.naturalGradientScale(dim, lr, batch, mu, 0), lr * g / 2,
                EXACT_REL_TOL);
            assertRel(SecondOrderTheory.naturalGradientMargin(dim, lr, batch, mu, 0), 1,
                EXACT_REL_TOL);
            Prediction p = SecondOrderTheory.naturalGradient(spectrum(dim), lr, batch, mu, 0);
            assertThat(p.diverges()).isFalse();
            assertThat(p.kappa()).isInfinite();
          }
        }
      }
    }
    assertThat(SecondOrderTheory.NATURAL_GRADIENT_CRITICAL_LR).isInfinite();
  }

  @Test
  void naturalGradientScaleSolvesTheQuadraticAndTheSheetClosedForm() {
    for (int dim : new int[] {1, 5, 100}) {
      for (int batch : new int[] {1, 8, 256}) {
        for (double mu : new double[] {0, 0.5, 0.9}) {
          for (double lr : new double[] {1e-3, 0.1, 1, 50}) {
            for (double sigma2 : new double[] {0, 1e-8, 0.1, 1, 30}) {
              double x = SecondOrderTheory.naturalGradientScale(dim, lr, batch, mu, sigma2);
              double a2 = 2 * (1 - mu) * (1 + dim);
              double b = 2 * (1 - mu) * sigma2 - lr * (1 - mu) / (1 + mu)
                  - lr * (1 + dim) / (double) batch;
              double c0 = -lr * sigma2 / batch;
              double scale = a2 * x * x + Math.abs(b * x) + Math.abs(c0);
              assertThat(a2 * x * x + b * x + c0).isCloseTo(0, within(1e-14 * scale));
              // The sheet's form λg/4 − s/2 + ¼√(λ²g² + 4λ(g − 2/((1+D)(1+μ)))s + 4s²).
              double g = SecondOrderTheory.naturalGradientG(dim, batch, mu);
              double s = sigma2 / (1 + dim);
              double sheet = lr * g / 4 - s / 2 + 0.25 * Math.sqrt(lr * lr * g * g
                  + 4 * lr * (g - 2 / ((1 + dim) * (1 + mu))) * s + 4 * s * s);
              assertThat(x).isCloseTo(sheet, within(1e-9 * sheet));
            }
          }
        }
      }
    }
  }

  @Test
  void rejectsInvalidInput() {
    assertThatThrownBy(() -> SecondOrderTheory.dampedNewton(new double[] {1, 0}, 0.1, 4, 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 1: 0.0");
    assertThatThrownBy(() -> SecondOrderTheory.naturalGradient(new double[] {1}, -1, 4, 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learning rate");
    assertThatThrownBy(() -> SecondOrderTheory.naturalGradientScale(3, 1, 4, 0, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sigma2");
    assertThatThrownBy(() -> SecondOrderTheory.dampedNewtonCriticalLr(0, 4, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension");
  }

  // ---------------------------------------------------------------- helpers

  private static void assertSamePrediction(Prediction p, Prediction q) {
    assertRel(p.trASigma(), q.trASigma(), ORACLE_REL_TOL);
    assertRel(p.traceSigma(), q.traceSigma(), ORACLE_REL_TOL);
    assertRel(p.lTrain(), q.lTrain(), ORACLE_REL_TOL);
    assertRel(p.lTest(), q.lTest(), ORACLE_REL_TOL);
    assertRel(p.traceNoise(), q.traceNoise(), ORACLE_REL_TOL);
    assertRel(p.kappa(), q.kappa(), ORACLE_REL_TOL);
  }

  /** Lemma 1: C = (AΣA + (Tr[AΣ] + σ²)A)/S. */
  private static DMatrixRMaj lemma1Noise(DMatrixRMaj a, DMatrixRMaj sigma, int batch,
      double sigma2) {
    DMatrixRMaj as = TestMatrices.mult(a, sigma);
    DMatrixRMaj c = TestMatrices.mult(as, a);
    CommonOps_DDRM.addEquals(c, CommonOps_DDRM.trace(as) + sigma2, a);
    CommonOps_DDRM.scale(1.0 / batch, c);
    return c;
  }

  private static DMatrixRMaj inverse(DMatrixRMaj m) {
    DMatrixRMaj out = new DMatrixRMaj(m.numRows, m.numCols);
    assertThat(CommonOps_DDRM.invert(m, out)).isTrue();
    DMatrixRMaj t = CommonOps_DDRM.transpose(out, null);
    CommonOps_DDRM.add(0.5, out, 0.5, t, out);
    return out;
  }

  private static double[] spectrum(int dim) {
    double[] out = new double[dim];
    for (int i = 0; i < dim; i++) {
      out[i] = 0.3 + 0.7 * i;
    }
    return out;
  }
}
