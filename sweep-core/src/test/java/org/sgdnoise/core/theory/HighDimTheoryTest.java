package org.sgdnoise.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sgdnoise.core.theory.TestAsserts.assertRel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.eig.symm.SymmetricQrAlgorithm_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sgdnoise.core.theory.HighDimTheory.Result;
import org.sgdnoise.core.theory.HighDimTheory.Variant;

/**
 * Theorem 6 (both variants, with momentum), the Section 6.2 stability sums and the
 * Marchenko–Pastur closed form against (1) the reference cases 1–12 and 39 of shared/theory, (2)
 * the exact Gaussian theory {@link LabelNoiseTheory} (G₊, α &gt; 1, σ² → σ²(1 − 1/α)), (3) a
 * Theorem 1 Kronecker solve with the Proposition 4 noise on non-diagonal sampled Â, (4) the exact
 * second-moment map of the (w, m) chain at the critical λ, (5) sampled Wishart spectra at D = 2000
 * and quadrature of the MP density, and (6) the Fig. 6 values of the sheet.
 */
class HighDimTheoryTest {
  /** Kronecker solve vs closed form: both direct, O(1e-13) observed. */
  private static final double ORACLE_REL_TOL = 1e-9;
  /** Two closed forms of the same quantity (rounding only). */
  private static final double EXACT_REL_TOL = 1e-12;
  /** Relative step around λ_c where the chain's spectral radius must cross 1. */
  private static final double CRITICAL_STEP = 1e-6;
  /**
   * MP vs one sampled spectrum at D = 2000: the sheet's ≤ 0.3 %. The spectral sums carry an O(1/D)
   * bias and fluctuation (≈ 0.05–0.1 % at D = 2000, fewer non-zero eigenvalues for α &lt; 1),
   * amplified by 1/(1 − u) in κ and Σ; the cases keep u ≲ 0.6.
   */
  private static final double MP_SAMPLE_REL_TOL = 3e-3;
  /** MP formula vs midpoint quadrature of the MP density (spectrally accurate, 4000 nodes). */
  private static final double QUADRATURE_REL_TOL = 1e-10;
  /** The sheet's Fig. 6 table prints 4 decimals. */
  private static final double FIG6_ABS_TOL = 5e-5;
  /**
   * The sheet's "≈ 0.156 for all α" for the Hessian approximation (λD/(2S) = 0.15625; the MP
   * value is 0.1571–0.1577 for α ≥ 1.25 and 0.1586 at α = 0.5).
   */
  private static final double FIG6_HESSIAN_REL_TOL = 2e-2;

  // ---------------------------------------------------------------- reference cases

  static Stream<JsonNode> theorem6Cases() {
    List<JsonNode> out = References.general(c -> c.get("name").asText()
        .matches("Theorem 6 Tr\\[A Sigma\\]|Theorem 6 unstable case"));
    assertThat(out).hasSize(5);
    return out.stream();
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("theorem6Cases")
  void printedTheorem6MatchesReferenceCases(JsonNode c) {
    JsonNode in = c.get("inputs");
    JsonNode ex = c.get("expected");
    double tol = c.get("rel_tol").asDouble();
    double[] eigs = doubles(in.get("eigs_A_hat"));
    double lr = in.get("lam").asDouble();
    int batch = in.get("S").asInt();
    Result r = HighDimTheory.ofEigenvalues(eigs, in.get("alpha").asDouble(), lr, batch, 0,
        in.get("sigma2").asDouble());
    assertRel(HighDimTheory.stabilitySum(eigs, lr, batch, 0, Variant.PAPER) / batch,
        ex.get("u_lam_over_S_TrAGinv").asDouble(), tol);
    assertThat(r.paper().diverges()).isEqualTo(!ex.get("stable").asBoolean());
    if (!r.paper().diverges()) {
      assertRel(r.paper().trASigma(), ex.get("trAS").asDouble(), tol);
      assertRel(r.paper().kappa() / lr, ex.get("kappa").asDouble(), tol); // scalar convention
      assertRel(r.paper().lTrain(), ex.get("train_loss").asDouble(), tol);
    }
  }

  @Test
  void gaussianVariantMatchesReferenceCase39() {
    JsonNode c = single("Theorem 6, recommended G+ variant");
    JsonNode in = c.get("inputs");
    double lr = in.get("lam").asDouble();
    Result r = HighDimTheory.ofEigenvalues(doubles(in.get("eigs_A_hat")),
        in.get("alpha").asDouble(), lr, in.get("S").asInt(), 0, in.get("sigma2").asDouble());
    double tol = c.get("rel_tol").asDouble();
    assertRel(r.theory().trASigma(), c.get("expected").get("trAS").asDouble(), tol);
    assertRel(r.theory().kappa() / lr, c.get("expected").get("kappa").asDouble(), tol);
  }

  static Stream<JsonNode> marchenkoPasturCases() {
    return References.named("Theorem 6, Marchenko-Pastur evaluation", 3);
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("marchenkoPasturCases")
  void marchenkoPasturMatchesReferenceCases(JsonNode c) {
    JsonNode in = c.get("inputs");
    JsonNode ex = c.get("expected");
    double tol = c.get("rel_tol").asDouble();
    int batch = in.get("S").asInt();
    Result r = HighDimTheory.marchenkoPastur(in.get("D").asInt(), in.get("alpha").asDouble(),
        in.get("a").asDouble(), in.get("lam").asDouble(), batch, 0, in.get("sigma2").asDouble());
    assertThat(r.paper().diverges()).isEqualTo(!ex.get("stable").asBoolean());
    assertRel(r.paper().trASigma(), ex.get("trAS").asDouble(), tol);
    // u = (λ/S)Tr[ÂG⁻¹] from λκ = λ·t/(1 − u): u = (λκ/S)/(1 + λκ/S).
    double k = r.paper().kappa() / batch;
    assertRel(k / (1 + k), ex.get("u").asDouble(), tol);
  }

  @Test
  void criticalLearningRatesMatchReferenceCases9To12() {
    for (JsonNode c : References.general(
        c -> c.get("name").asText().equals("Sec 6.2 isotropic critical learning rate"))) {
      JsonNode in = c.get("inputs");
      double a = in.get("a").asDouble();
      int dim = in.get("D").asInt();
      int batch = in.get("S").asInt();
      double tol = c.get("rel_tol").asDouble();
      assertRel(HighDimTheory.isotropicCriticalLr(a, dim, batch, 0, Variant.PAPER),
          c.get("expected").get("lam_c_paper").asDouble(), tol);
      assertRel(HighDimTheory.isotropicCriticalLr(a, dim, batch, 0, Variant.GAUSSIAN),
          c.get("expected").get("lam_c_gaussian").asDouble(), tol);
    }
    JsonNode spectral = single("Sec 6.2 critical learning rate for a spectrum");
    double[] eigs = doubles(spectral.get("inputs").get("eigs"));
    int batch = spectral.get("inputs").get("S").asInt();
    double tol = spectral.get("rel_tol").asDouble();
    assertRel(HighDimTheory.criticalLr(eigs, batch, 0, Variant.PAPER),
        spectral.get("expected").get("lam_c_paper").asDouble(), tol);
    assertRel(HighDimTheory.criticalLr(eigs, batch, 0, Variant.GAUSSIAN),
        spectral.get("expected").get("lam_c_gaussian").asDouble(), tol);

    JsonNode mp = single("Sec 6.2 MP critical learning rate");
    JsonNode in = mp.get("inputs");
    double expected = mp.get("expected").get("lam_c").asDouble();
    assertRel(HighDimTheory.marchenkoPasturCriticalLr(in.get("D").asInt(),
        in.get("alpha").asDouble(), in.get("a").asDouble(), in.get("S").asInt(), 0,
        Variant.PAPER), expected, mp.get("rel_tol").asDouble());
    assertRel(HighDimTheory.marchenkoPastur(in.get("D").asInt(), in.get("alpha").asDouble(),
        in.get("a").asDouble(), 0.01, in.get("S").asInt(), 0, 1).paperCriticalLr(), expected,
        mp.get("rel_tol").asDouble());
  }

  @Test
  void marchenkoPasturReproducesTheFigure6TableOfTheSheet() {
    // Sheet §6, Fig. 6: D = 1000, λ = 0.01, S = 32, σ² = 1, A = I, printed Theorem 6.
    double[] alphas = {0.5, 1.0, 1.25, 1.5, 2, 3, 5, 10, 20};
    double[] expected = {0, 0, 0.0374, 0.0623, 0.0934, 0.1244, 0.1492, 0.1677, 0.1770};
    for (int i = 0; i < alphas.length; i++) {
      Result r = HighDimTheory.marchenkoPastur(1000, alphas[i], 1, 0.01, 32, 0, 1);
      assertThat(r.paper().trASigma()).as("α=%s", alphas[i])
          .isCloseTo(expected[i], within(FIG6_ABS_TOL));
      assertThat(r.hessianTrASigma()).isCloseTo(0.156, within(FIG6_HESSIAN_REL_TOL * 0.156));
    }
  }

  // ---------------------------------------------------------------- exact correspondences

  static Stream<Arguments> randomSpectra() {
    SplittableRandom rng = new SplittableRandom(77_2026L);
    double[] mus = {0.0, 0.5, 0.9};
    List<Arguments> out = new ArrayList<>();
    for (int k = 0; k < 36; k++) {
      out.add(Arguments.of(1 + k % 8, 1 + rng.nextInt(48), mus[k % 3],
          0.05 + 0.9 * rng.nextDouble(), rng.nextLong()));
    }
    return out.stream();
  }

  /**
   * For α &gt; 1 the G₊ variant is Theorem 2 on Â with σ² replaced by the residual variance
   * σ²(1 − 1/α): the Gaussian noise (1/S)(ÂΣÂ + Tr[ÂΣ]Â + s²Â) is Lemma 1 with A → Â and σ² → s²,
   * and L_train = ½(Tr[ÂΣ] + s²) is Theorem 8's ½(Tr[AΣ] + σ²). So every field must coincide.
   */
  @ParameterizedTest(name = "D={0} S={1} mu={2} fraction={3}")
  @MethodSource("randomSpectra")
  void gaussianVariantIsLabelNoiseTheoryWithResidualVariance(int dim, int batch, double mu,
      double fraction, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] aHat = new double[dim];
    for (int i = 0; i < dim; i++) {
      aHat[i] = 0.1 + 2 * rng.nextDouble();
    }
    double alpha = 1.1 + 4 * rng.nextDouble();
    double sigma2 = 0.2 + rng.nextDouble();
    double crit = HighDimTheory.criticalLr(aHat, batch, mu, Variant.GAUSSIAN);
    assertRel(crit, LabelNoiseTheory.criticalLr(aHat, batch, mu), EXACT_REL_TOL);
    for (double lr : new double[] {fraction * crit, crit * (1 + CRITICAL_STEP)}) {
      Prediction p = HighDimTheory.ofEigenvalues(aHat, alpha, lr, batch, mu, sigma2).theory();
      Prediction q = LabelNoiseTheory.ofSpectrum(aHat, lr, batch, mu, sigma2 * (1 - 1 / alpha));
      assertThat(p.diverges()).isEqualTo(q.diverges());
      if (!q.diverges()) {
        assertRel(p.kappa(), q.kappa(), EXACT_REL_TOL);
        assertRel(p.trASigma(), q.trASigma(), EXACT_REL_TOL);
        assertRel(p.traceSigma(), q.traceSigma(), EXACT_REL_TOL);
        assertRel(p.lTrain(), q.lTrain(), EXACT_REL_TOL);
        assertRel(p.traceNoise(), q.traceNoise(), EXACT_REL_TOL);
      }
    }
  }

  static Stream<Arguments> sampledDataSets() {
    SplittableRandom rng = new SplittableRandom(4_2026L);
    double[] mus = {0.0, 0.5, 0.9};
    List<Arguments> out = new ArrayList<>();
    for (int k = 0; k < 24; k++) {
      out.add(Arguments.of(2 + k % 4, 1 + rng.nextInt(32), mus[k % 3],
          k % 2 == 0 ? Variant.GAUSSIAN : Variant.PAPER, 0.05 + 0.9 * rng.nextDouble(),
          rng.nextLong()));
    }
    return out.stream();
  }

  /**
   * Both variants against a Theorem 1 Kronecker solve with the Proposition 4 noise C = s²Â/S +
   * (1/S)(Tr[ÂΣ]Â ± ÂΣÂ), Λ = λI, on a non-diagonal Â from N = αD Gaussian samples (α &gt; 1,
   * population A = aI), with momentum.
   */
  @ParameterizedTest(name = "D={0} S={1} mu={2} {3} fraction={4}")
  @MethodSource("sampledDataSets")
  void bothVariantsMatchTheorem1KroneckerSolve(int dim, int batch, double mu, Variant variant,
      double fraction, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double a = 0.5 + rng.nextDouble();
    double alpha = 1.5 + 2 * rng.nextDouble();
    int n = (int) Math.round(alpha * dim);
    alpha = n / (double) dim;
    DMatrixRMaj aHat = sampledCovariance(dim, n, a, rng);
    double[] eigs = TestMatrices.eigenvalues(aHat);
    double sigma2 = 0.3 + rng.nextDouble();
    double s2 = sigma2 * (1 - 1 / alpha);
    double lr = fraction * HighDimTheory.criticalLr(eigs, batch, mu, variant);

    Result r = HighDimTheory.ofEigenvalues(eigs, alpha, a, lr, batch, mu, sigma2);
    Prediction p = variant == Variant.GAUSSIAN ? r.theory() : r.paper();
    double sign = variant == Variant.GAUSSIAN ? 1 : -1;
    DMatrixRMaj lambda = CommonOps_DDRM.identity(dim);
    CommonOps_DDRM.scale(lr, lambda);
    DMatrixRMaj c0 = aHat.copy();
    CommonOps_DDRM.scale(s2 / batch, c0);
    DMatrixRMaj sigma = Theorem1Oracle.solve(lambda, aHat, mu, batch, c0, sign, 1);
    double trASigma = TestMatrices.traceProduct(aHat, sigma);
    DMatrixRMaj inv = new DMatrixRMaj(dim, dim);
    assertThat(CommonOps_DDRM.invert(aHat, inv)).isTrue();

    assertThat(p.diverges()).isFalse();
    assertRel(p.trASigma(), trASigma, ORACLE_REL_TOL);
    assertRel(p.traceSigma(), CommonOps_DDRM.trace(sigma), ORACLE_REL_TOL);
    assertRel(p.lTrain(), 0.5 * (trASigma + s2), ORACLE_REL_TOL);
    assertRel(p.traceNoise(), CommonOps_DDRM.trace(
        Theorem1Oracle.noise(aHat, sigma, batch, c0, sign, 1)), ORACLE_REL_TOL);
    // L_test = ½a Tr Σ + ½(aσ²/N) Tr Â⁻¹ (fluctuation + OLS error of w*).
    assertRel(p.lTest(), 0.5 * a * CommonOps_DDRM.trace(sigma)
        + 0.5 * a * sigma2 / n * CommonOps_DDRM.trace(inv), ORACLE_REL_TOL);
    assertThat(HighDimTheory.ofEigenvalues(eigs, alpha, lr, batch, mu, sigma2).theory().lTest())
        .isNaN();
  }

  /** λ_c of both variants is where the exact (w, m) second-moment map reaches radius 1. */
  @ParameterizedTest(name = "D={0} S={1} mu={2} {3}")
  @MethodSource("sampledDataSets")
  void criticalLrIsWhereTheChainStopsBeingMeanSquareStable(int dim, int batch, double mu,
      Variant variant, double unused, long seed) {
    if (dim > 4) {
      return; // 4D² = 64 is enough; keeps the nonsymmetric eigenproblems small
    }
    SplittableRandom rng = new SplittableRandom(seed);
    DMatrixRMaj aHat = sampledCovariance(dim, 3 * dim, 1.0, rng);
    double crit = HighDimTheory.criticalLr(TestMatrices.eigenvalues(aHat), batch, mu, variant);
    double sign = variant == Variant.GAUSSIAN ? 1 : -1;
    assertThat(radius(aHat, crit * (1 - CRITICAL_STEP), mu, batch, sign)).isLessThan(1);
    assertThat(radius(aHat, crit * (1 + CRITICAL_STEP), mu, batch, sign)).isGreaterThan(1);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.5, 0.9})
  void isotropicClosedFormIsTheRootForAConstantSpectrum(double mu) {
    for (int batch : new int[] {1, 2, 8, 64}) {
      for (int dim : new int[] {1, 10, 300}) {
        double[] eigs = new double[dim];
        Arrays.fill(eigs, 1.7);
        for (Variant v : Variant.values()) {
          assertRel(HighDimTheory.criticalLr(eigs, batch, mu, v),
              HighDimTheory.isotropicCriticalLr(1.7, dim, batch, mu, v), EXACT_REL_TOL);
        }
      }
    }
  }

  @Test
  void stabilitySumIsTheSection62SumAtZeroMomentum() {
    double[] eigs = {0.5, 1.0, 0.0, 1.5, 2.0, 0.25, 0.0, 3.0};
    for (int batch : new int[] {1, 4, 32}) {
      for (double lr : new double[] {0.05, 0.2, 0.4}) {
        for (Variant v : Variant.values()) {
          double s = v == Variant.GAUSSIAN ? 1 : -1;
          double sum = 0;
          for (double e : eigs) {
            if (e > 0) {
              double den = 2 / (lr * e) - 1 - s / batch;
              sum += den > 0 ? 1 / den : Double.POSITIVE_INFINITY; // G ≻ 0 iff every den > 0
            }
          }
          if (Double.isInfinite(sum)) {
            assertThat(HighDimTheory.stabilitySum(eigs, lr, batch, 0, v)).isInfinite();
            continue;
          }
          assertRel(HighDimTheory.stabilitySum(eigs, lr, batch, 0, v), sum, EXACT_REL_TOL);
        }
      }
    }
    // G not positive definite: +∞ (λ·3·(1 + 1) ≥ 2 for G₊ at S = 1).
    assertThat(HighDimTheory.stabilitySum(eigs, 0.4, 1, 0, Variant.GAUSSIAN)).isInfinite();
  }

  @Test
  void underParametrisedRegimeHasZeroFluctuationButTheSameStabilityEdge() {
    double[] nonZero = {0.5, 1.0, 1.5, 2.0, 3.0};
    double[] withZeros = {0.5, 0.0, 1.0, 1.5, 0.0, 2.0, 3.0, 0.0};
    for (Variant v : Variant.values()) {
      for (double mu : new double[] {0, 0.5, 0.9}) {
        double crit = HighDimTheory.criticalLr(withZeros, 4, mu, v);
        assertRel(crit, HighDimTheory.criticalLr(nonZero, 4, mu, v), EXACT_REL_TOL);
        Result below = HighDimTheory.ofEigenvalues(withZeros, 0.6, 1.0, 0.9 * crit, 4, mu, 1.0);
        Prediction p = v == Variant.GAUSSIAN ? below.theory() : below.paper();
        assertThat(p.diverges()).isFalse();
        assertThat(p.trASigma()).isZero();
        assertThat(p.traceSigma()).isZero();
        assertThat(p.lTrain()).isZero();
        assertThat(p.traceNoise()).isZero();
        assertThat(p.kappa()).isPositive();
        // Only the min-norm interpolator's label-noise error: ½(aσ²/N)Σ 1/â_i over â_i > 0.
        double inv = 0;
        for (double e : nonZero) {
          inv += 1 / e;
        }
        assertRel(p.lTest(), 0.5 * inv / (0.6 * withZeros.length), EXACT_REL_TOL);
        Result above = HighDimTheory.ofEigenvalues(withZeros, 0.6, 1.0, 1.01 * crit, 4, mu, 1.0);
        assertThat((v == Variant.GAUSSIAN ? above.theory() : above.paper()).diverges()).isTrue();
      }
    }
  }

  @Test
  void hessianComparatorIsTheDiscreteTimeBaselineTimesSigma2() {
    double[] eigs = {0.5, 1.0, 1.0, 1.5, 2.0, 0.25, 0.75, 1.25, 1.75, 3.0};
    double sigma2 = 0.7;
    for (double lr : new double[] {0.1, 0.3, 0.6}) {
      Result r = HighDimTheory.ofEigenvalues(eigs, 2.0, lr, 8, 0, sigma2);
      HessianBaselines.Baseline b = HessianBaselines.discreteTime(eigs, eigs, lr, 8, 0, 0);
      assertRel(r.hessianTrASigma(), 2 * sigma2 * b.lTrain(), EXACT_REL_TOL);
    }
    assertThat(HighDimTheory.ofEigenvalues(eigs, 2.0, 0.7, 8, 0, sigma2).hessianTrASigma())
        .isNaN();
  }

  // ---------------------------------------------------------------- Marchenko–Pastur

  /**
   * Φ(c) = ∫x/(2 − cx)dμ and Ψ(c) = ∫x²/(2 − cx)dμ against the MP density (√((x₊ − x)(x −
   * x₋))/(2πaqx) on [x₋, x₊], plus the atom at 0 that contributes nothing), integrated by the
   * midpoint rule in θ with x = m + r·cos θ (smooth integrand, spectral convergence).
   */
  @Test
  void marchenkoPasturIntegralsMatchQuadratureOfTheDensity() {
    for (double a : new double[] {0.6, 1.0, 2.3}) {
      for (double q : new double[] {0.1, 0.5, 1.0, 2.0, 4.0}) {
        double edge = 2 / (a * (1 + Math.sqrt(q)) * (1 + Math.sqrt(q)));
        for (double c : new double[] {-3 * edge, -0.2 * edge, 0, 1e-9, 0.3 * edge, 0.97 * edge}) {
          assertRel(HighDimTheory.phi(c, a, q), mpIntegral(a, q, c, 1), QUADRATURE_REL_TOL);
          assertRel(HighDimTheory.psi(c, a, q), mpIntegral(a, q, c, 2), QUADRATURE_REL_TOL);
        }
        assertRel(HighDimTheory.phi(0, a, q), a / 2, EXACT_REL_TOL);
        assertRel(HighDimTheory.psi(0, a, q), a * a * (1 + q) / 2, EXACT_REL_TOL);
      }
    }
  }

  static Stream<Arguments> wishartCases() {
    // α, S, μ, fraction of the MP critical λ, seed.
    return Stream.of(
        Arguments.of(2.0, 32, 0.0, 0.5, 11L),
        Arguments.of(5.0, 64, 0.5, 0.7, 12L),
        Arguments.of(1.5, 16, 0.9, 0.4, 13L),
        // α < 1: only N = αD non-zero eigenvalues, the O(1/N) gap is the largest (≈ 0.16 % in t).
        Arguments.of(0.5, 32, 0.0, 0.3, 14L));
  }

  /**
   * MP closed form vs Theorem 6 on one sampled spectrum of Â = XᵀX/N, D = 2000. The spectrum is
   * drawn exactly through the bidiagonal Laguerre model (Dumitriu–Edelman 2002, β = 1): with p =
   * min(N, D) and m = max(N, D), the non-zero eigenvalues of XᵀX are those of BBᵀ for the p×p
   * lower-bidiagonal B with B_ii ~ χ_{m−i+1} and B_{i+1,i} ~ χ_{p−i}, the eigenvalues of the
   * tridiagonal BBᵀ (checked against the Wishart moments in {@code
   * bidiagonalModelHasTheWishartMoments}).
   */
  @ParameterizedTest(name = "alpha={0} S={1} mu={2}")
  @MethodSource("wishartCases")
  void marchenkoPasturMatchesASampledWishartSpectrumAtD2000(double alpha, int batch, double mu,
      double fraction, long seed) {
    int dim = 2000;
    double a = 1.3;
    double sigma2 = 0.8;
    double[] eigs = wishartSpectrum(dim, (int) Math.round(alpha * dim), a,
        new SplittableRandom(seed));
    double lr = fraction * HighDimTheory.marchenkoPasturCriticalLr(dim, alpha, a, batch, mu,
        Variant.GAUSSIAN);
    Result mp = HighDimTheory.marchenkoPastur(dim, alpha, a, lr, batch, mu, sigma2);
    Result sampled = HighDimTheory.ofEigenvalues(eigs, alpha, a, lr, batch, mu, sigma2);
    for (Prediction[] pair : new Prediction[][] {{mp.theory(), sampled.theory()},
        {mp.paper(), sampled.paper()}}) {
      assertThat(pair[0].diverges()).isFalse();
      assertThat(pair[1].diverges()).isFalse();
      assertRel(pair[0].kappa(), pair[1].kappa(), MP_SAMPLE_REL_TOL);
      assertRel(pair[0].trASigma(), pair[1].trASigma(), MP_SAMPLE_REL_TOL);
      assertRel(pair[0].traceSigma(), pair[1].traceSigma(), MP_SAMPLE_REL_TOL);
      assertRel(pair[0].lTrain(), pair[1].lTrain(), MP_SAMPLE_REL_TOL);
      assertRel(pair[0].traceNoise(), pair[1].traceNoise(), MP_SAMPLE_REL_TOL);
      assertRel(pair[0].lTest(), pair[1].lTest(), MP_SAMPLE_REL_TOL);
    }
    assertRel(mp.criticalLr(), sampled.criticalLr(), MP_SAMPLE_REL_TOL);
    assertRel(mp.paperCriticalLr(), sampled.paperCriticalLr(), MP_SAMPLE_REL_TOL);
    assertRel(mp.hessianTrASigma(), sampled.hessianTrASigma(), MP_SAMPLE_REL_TOL);
  }

  /**
   * The bidiagonal sampler against the exact Wishart moments E Tr Â = Da and E Tr Â² =
   * Da²(N + D + 1)/N, over 4000 small draws on both sides of α = 1 (an off-by-one degree of
   * freedom moves them by ≥ 1/N ≈ 12 %; the tolerance is ≈ 6 standard errors, false failure
   * ≲ 1e-8), and the eigenvalues against the trace and Frobenius norm of BBᵀ.
   */
  @Test
  void bidiagonalModelHasTheWishartMoments() {
    SplittableRandom rng = new SplittableRandom(99L);
    for (int[] dn : new int[][] {{5, 8}, {8, 5}}) {
      int dim = dn[0];
      int n = dn[1];
      double a = 1.7;
      int draws = 4000;
      double m1 = 0;
      double m2 = 0;
      for (int k = 0; k < draws; k++) {
        double[] e = wishartSpectrum(dim, n, a, rng);
        for (double v : e) {
          m1 += v / draws;
          m2 += v * v / draws;
        }
      }
      assertRel(m1, dim * a, 0.02);
      assertRel(m2, dim * a * a * (n + dim + 1) / (double) n, 0.05);
    }
    double[] diag = {4, 1, 3, 2.5};
    double[] off = {0.5, -1, 2};
    double[] e = tridiagonalEigenvalues(diag, off);
    double tr = 0;
    double fro = 0;
    for (double v : e) {
      tr += v;
      fro += v * v;
    }
    assertRel(tr, 10.5, EXACT_REL_TOL);
    assertRel(fro, 16 + 1 + 9 + 6.25 + 2 * (0.25 + 1 + 4), EXACT_REL_TOL);
  }

  @Test
  void marchenkoPasturDivergesBeyondItsCriticalLr() {
    for (double alpha : new double[] {0.3, 1.0, 2.0, 8.0}) {
      for (double mu : new double[] {0, 0.5, 0.9}) {
        Result r = HighDimTheory.marchenkoPastur(500, alpha, 1.0, 0.01, 8, mu, 1.0);
        double crit = r.criticalLr();
        double paperCrit = r.paperCriticalLr();
        assertThat(HighDimTheory.marchenkoPastur(500, alpha, 1.0, crit * 0.999, 8, mu, 1.0)
            .theory().diverges()).isFalse();
        assertThat(HighDimTheory.marchenkoPastur(500, alpha, 1.0, crit * 1.001, 8, mu, 1.0)
            .theory().diverges()).isTrue();
        assertThat(HighDimTheory.marchenkoPastur(500, alpha, 1.0, paperCrit * 0.999, 8, mu, 1.0)
            .paper().diverges()).isFalse();
        assertThat(HighDimTheory.marchenkoPastur(500, alpha, 1.0, paperCrit * 1.001, 8, mu, 1.0)
            .paper().diverges()).isTrue();
        // The printed sum has the smaller fourth-moment term, hence the larger λ_c.
        assertThat(paperCrit).isGreaterThan(crit);
      }
    }
  }

  @Test
  void marchenkoPasturTestLossUsesTheInverseWishartMeans() {
    // N = 2D: ½σ²D/(N − D − 1); N = D/2: ½σ²N/(D − N − 1); N = D: +∞ (no fluctuation part).
    Result over = HighDimTheory.marchenkoPastur(400, 2.0, 1.0, 1e-3, 8, 0, 1.0);
    assertRel(over.theory().lTest() - 0.5 * over.theory().traceSigma(), 0.5 * 400 / 399.0,
        EXACT_REL_TOL);
    Result under = HighDimTheory.marchenkoPastur(400, 0.5, 1.0, 1e-3, 8, 0, 1.0);
    assertRel(under.theory().lTest(), 0.5 * 200 / 199.0, EXACT_REL_TOL);
    assertThat(HighDimTheory.marchenkoPastur(400, 1.0, 1.0, 1e-3, 8, 0, 1.0).theory().lTest())
        .isInfinite();
  }

  @Test
  void rejectsInvalidInput() {
    assertThatThrownBy(() -> HighDimTheory.ofEigenvalues(new double[] {1, -0.1}, 2, 0.1, 4, 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 1: -0.1");
    assertThatThrownBy(() -> HighDimTheory.ofEigenvalues(new double[] {1}, Double.NaN, 0.1, 4, 0,
        1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha");
    assertThatThrownBy(() -> HighDimTheory.marchenkoPastur(100, 2, 1, 0.1, 4, 1.0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("momentum");
    assertThatThrownBy(() -> HighDimTheory.marchenkoPastur(100, 2, 0, 0.1, 4, 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("population scale");
    assertThatThrownBy(() -> HighDimTheory.criticalLr(new double[] {1}, 0, 0, Variant.PAPER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch size");
  }

  // ---------------------------------------------------------------- helpers

  private static double radius(DMatrixRMaj aHat, double lr, double mu, int batch, double sign) {
    DMatrixRMaj lambda = CommonOps_DDRM.identity(aHat.numRows);
    CommonOps_DDRM.scale(lr, lambda);
    return Theorem1Oracle.chainSpectralRadius(lambda, aHat, mu, batch, sign, 1);
  }

  /** Â = XᵀX/N for N rows x ~ N(0, aI). */
  static DMatrixRMaj sampledCovariance(int dim, int n, double a, SplittableRandom rng) {
    DMatrixRMaj x = new DMatrixRMaj(n, dim);
    for (int i = 0; i < x.data.length; i++) {
      x.data[i] = Math.sqrt(a) * rng.nextGaussian();
    }
    DMatrixRMaj out = new DMatrixRMaj(dim, dim);
    CommonOps_DDRM.multTransA(x, x, out);
    CommonOps_DDRM.scale(1.0 / n, out);
    return out;
  }

  /** Eigenvalues of Â = XᵀX/N (D of them, D − N zeros when N &lt; D), bidiagonal model. */
  static double[] wishartSpectrum(int dim, int n, double a, SplittableRandom rng) {
    int p = Math.min(n, dim);
    int m = Math.max(n, dim);
    double[] diag = new double[p];
    double[] off = new double[Math.max(0, p - 1)];
    double[] b = new double[p];
    double[] c = new double[Math.max(0, p - 1)];
    for (int i = 0; i < p; i++) {
      b[i] = Math.sqrt(chiSquare(m - i, rng));
      if (i < p - 1) {
        c[i] = Math.sqrt(chiSquare(p - 1 - i, rng));
      }
    }
    // BBᵀ: (i, i) = b_i² + c_{i−1}², (i, i+1) = b_i c_i.
    for (int i = 0; i < p; i++) {
      diag[i] = b[i] * b[i] + (i > 0 ? c[i - 1] * c[i - 1] : 0);
      if (i < p - 1) {
        off[i] = b[i] * c[i];
      }
    }
    double[] values = tridiagonalEigenvalues(diag, off);
    double[] out = new double[dim];
    for (int i = 0; i < p; i++) {
      out[i] = a * values[i] / n;
    }
    return out;
  }

  private static double chiSquare(int k, SplittableRandom rng) {
    double s = 0;
    for (int i = 0; i < k; i++) {
      double z = rng.nextGaussian();
      s += z * z;
    }
    return s;
  }

  /** All eigenvalues of a symmetric tridiagonal matrix (EJML's implicit QR, O(n²)). */
  static double[] tridiagonalEigenvalues(double[] diag, double[] off) {
    int n = diag.length;
    SymmetricQrAlgorithm_DDRM qr = new SymmetricQrAlgorithm_DDRM();
    qr.setMaxIterations(100 * n);
    assertThat(qr.process(n, diag.clone(), off.clone())).isTrue();
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = qr.getEigenvalue(i);
    }
    return out;
  }

  /** ∫ x^power/(2 − cx) dμ_MP over the continuous part (the atom at 0 contributes 0). */
  private static double mpIntegral(double a, double q, double c, int power) {
    double lo = a * (1 - Math.sqrt(q)) * (1 - Math.sqrt(q));
    double hi = a * (1 + Math.sqrt(q)) * (1 + Math.sqrt(q));
    double mid = 0.5 * (lo + hi);
    double rad = 0.5 * (hi - lo);
    int nodes = 4000;
    double sum = 0;
    for (int j = 0; j < nodes; j++) {
      double theta = Math.PI * (j + 0.5) / nodes;
      double x = mid + rad * Math.cos(theta);
      double s = rad * Math.sin(theta);
      // density √((hi − x)(x − lo))/(2πaqx) = s/(2πaqx); dx = s dθ.
      sum += s * s / (2 * Math.PI * a * q * x) * Math.pow(x, power) / (2 - c * x);
    }
    return sum * Math.PI / nodes;
  }

  private static JsonNode single(String name) {
    List<JsonNode> out = References.general(c -> c.get("name").asText().equals(name));
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }
}
