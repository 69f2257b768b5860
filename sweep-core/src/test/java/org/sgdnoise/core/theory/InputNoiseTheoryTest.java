package org.sgdnoise.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sgdnoise.core.theory.TestAsserts.assertMatrixRel;
import static org.sgdnoise.core.theory.TestAsserts.assertMoments;
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
 * Input-noise theory (Prop. 9, Thm 9, corrected eq. 134, App. B baselines) against (1) the
 * reference values IN01–IN04 and HB02_* of shared/theory, (2) the general Kronecker solve of
 * Theorem 1 with the Proposition 9 noise and (3) the exact second moments of the SGD chain built
 * from the raw data model (x̃ = x + η, residual r), for random non-commuting A, B, Λ with
 * momentum, and (4) λ_c against the spectral radius of the exact second-moment map.
 */
class InputNoiseTheoryTest {
  /** Reference values: the requirement. */
  private static final double REFERENCE_REL_TOL = 1e-9;
  /** Closed form vs direct D²×D² / 4D²×4D² solves: O(1e-13) observed. */
  private static final double ORACLE_REL_TOL = 1e-9;
  /** Two closed-form paths (spectral vs matrix) that should agree to rounding. */
  private static final double EXACT_REL_TOL = 1e-12;
  /** Relative step around λ_c. */
  private static final double CRITICAL_STEP = 1e-6;

  // ---------------------------------------------------------------- reference values

  static Stream<JsonNode> referenceCases() {
    return References.family("input_noise", 4);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("referenceCases")
  void matchesReferenceValues(JsonNode c) {
    JsonNode in = c.get("inputs");
    JsonNode ex = c.get("expected");
    DMatrixRMaj a = LabelNoiseTheoryTest.matrix(in.get("A"));
    DMatrixRMaj b = LabelNoiseTheoryTest.matrix(in.get("B"));
    double[] u = vector(in.get("u"));
    int n = a.numRows;
    double lr = in.get("lam").asDouble();
    int batch = in.get("S").asInt();
    double mu = in.get("mu").asDouble();
    DMatrixRMaj lambda = scalarMatrix(n, lr);

    InputNoiseTheory.Result r = InputNoiseTheory.solve(a, b, u, lambda, batch, mu);
    String id = c.get("id").asText();
    assertThat(r.theory().diverges()).as(id).isEqualTo(ex.get("diverges").asBoolean());
    assertRel(r.sigmaEff2(), ex.get("sigma_eff2").asDouble(), REFERENCE_REL_TOL);
    assertRel(r.criticalLr(), ex.get("critical_lr").asDouble(), REFERENCE_REL_TOL);
    assertRel(InputNoiseTheory.criticalScale(a, b, CommonOps_DDRM.identity(n), batch, mu),
        ex.get("critical_lr").asDouble(), REFERENCE_REL_TOL);
    if (r.theory().diverges()) {
      assertThat(r.paperLTest()).isNaN();
      assertThat(r.theory().lTest()).isNaN();
    } else {
      Prediction p = r.theory();
      assertMatrixRel(p.sigma(), LabelNoiseTheoryTest.matrix(ex.get("Sigma")), REFERENCE_REL_TOL);
      assertMatrixRel(p.noise(), LabelNoiseTheoryTest.matrix(ex.get("C")), REFERENCE_REL_TOL);
      assertRel(p.traceNoise(), CommonOps_DDRM.trace(LabelNoiseTheoryTest.matrix(ex.get("C"))),
          REFERENCE_REL_TOL);
      assertRel(p.lTrain(), ex.get("L_train").asDouble(), REFERENCE_REL_TOL);
      assertRel(p.lTest(), ex.get("L_test").asDouble(), REFERENCE_REL_TOL);
      assertRel(r.paperLTest(), ex.get("L_test_paper_eq134_WRONG").asDouble(),
          REFERENCE_REL_TOL);
      // The paper's value really is different (erratum 1): 15–18 % here.
      assertThat(Math.abs(r.paperLTest() / p.lTest() - 1)).isGreaterThan(0.1);
    }
    if (isDiagonal(a) && isDiagonal(b)) {
      InputNoiseTheory.Result s =
          InputNoiseTheory.ofSpectrum(diagonal(a), diagonal(b), u, lr, batch, mu);
      assertThat(s.theory().diverges()).isEqualTo(r.theory().diverges());
      assertRel(s.theory().lTest(), ex.get("L_test").asDouble(), REFERENCE_REL_TOL);
      assertRel(s.theory().lTrain(), ex.get("L_train").asDouble(), REFERENCE_REL_TOL);
      assertRel(s.paperLTest(), ex.get("L_test_paper_eq134_WRONG").asDouble(),
          REFERENCE_REL_TOL);
      assertRel(s.theory().traceSigma(),
          CommonOps_DDRM.trace(LabelNoiseTheoryTest.matrix(ex.get("Sigma"))), REFERENCE_REL_TOL);
      assertRel(s.criticalLr(), ex.get("critical_lr").asDouble(), REFERENCE_REL_TOL);
    }
  }

  static Stream<JsonNode> baselineCases() {
    List<JsonNode> out = References.linearRegression(
        c -> c.get("family").asText().equals("appendixB_hessian_approx")
            && c.get("inputs").get("case").asText().equals("input"));
    assertThat(out).hasSize(2);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("baselineCases")
  void baselinesMatchReferenceValues(JsonNode c) {
    JsonNode in = c.get("inputs");
    DMatrixRMaj a = LabelNoiseTheoryTest.matrix(in.get("A"));
    DMatrixRMaj b = LabelNoiseTheoryTest.matrix(in.get("B"));
    double lr = in.get("lam").asDouble();
    InputNoiseTheory.Result r = InputNoiseTheory.solve(a, b, vector(in.get("u")),
        scalarMatrix(a.numRows, lr), in.get("S").asInt(), 0);
    HessianBaselines.Baseline cts = r.baselines()[0];
    HessianBaselines.Baseline dt = r.baselines()[1];
    JsonNode ex = c.get("expected");
    assertThat(cts.diverges()).isFalse();
    assertRel(cts.traceSigma(), trace(ex.get("cts").get("Sigma")), REFERENCE_REL_TOL);
    assertRel(cts.lTrain(), ex.get("cts").get("L_train").asDouble(), REFERENCE_REL_TOL);
    assertRel(cts.lTest(), ex.get("cts").get("L_test").asDouble(), REFERENCE_REL_TOL);
    assertThat(dt.diverges()).isEqualTo(ex.get("dt").get("diverges").asBoolean());
    assertRel(dt.criticalLr(), ex.get("dt_critical_lr").asDouble(), REFERENCE_REL_TOL);
    if (!dt.diverges()) {
      assertRel(dt.traceSigma(), trace(ex.get("dt").get("Sigma")), REFERENCE_REL_TOL);
      assertRel(dt.lTrain(), ex.get("dt").get("L_train").asDouble(), REFERENCE_REL_TOL);
      assertRel(dt.lTest(), ex.get("dt").get("L_test").asDouble(), REFERENCE_REL_TOL);
    }
  }

  @Test
  void baselinesAreAbsentWithMomentumOrMatrixLearningRate() {
    DMatrixRMaj a = diag(1.0, 0.5);
    DMatrixRMaj b = diag(0.3, 0.2);
    double[] u = {1, -1};
    assertThat(InputNoiseTheory.solve(a, b, u, scalarMatrix(2, 0.3), 4, 0.5).baselines())
        .isNull();
    assertThat(InputNoiseTheory.solve(a, b, u, diag(0.3, 0.2), 4, 0).baselines()).isNull();
    assertThat(InputNoiseTheory.solve(a, b, u, diag(0.3, 0.2), 4, 0).criticalLr()).isNaN();
    assertThat(InputNoiseTheory.ofSpectrum(new double[] {1, .5}, new double[] {.3, .2}, u, 0.3,
        4, 0.5).baselines()).isNull();
    assertThat(InputNoiseTheory.ofSpectrum(new double[] {1, .5}, new double[] {.3, .2}, u, 0.3,
        4, 0).baselines()).hasSize(2);
  }

  // ---------------------------------------------------------------- random instances

  static Stream<Arguments> randomCases() {
    SplittableRandom rng = new SplittableRandom(20261128L);
    List<Arguments> out = new ArrayList<>();
    double[] mus = {0.0, 0.3, 0.5, 0.9};
    for (int k = 0; k < 48; k++) {
      out.add(Arguments.of(1 + k % 6, 1 + rng.nextInt(64), mus[(k / 6) % 4],
          0.05 + 0.9 * rng.nextDouble(), k % 2 == 1, rng.nextLong()));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "D={0} S={1} mu={2} fraction={3} matrixLr={4}")
  @MethodSource("randomCases")
  void matchesKroneckerSolveAndExactMoments(int dim, int batch, double mu, double fraction,
      boolean matrixLr, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    DMatrixRMaj a = TestMatrices.spd(dim, rng);
    DMatrixRMaj b = TestMatrices.psd(dim, rng); // does not commute with A
    double[] u = TestMatrices.gaussianVector(dim, rng);
    DMatrixRMaj lambda0 = matrixLr ? TestMatrices.spd(dim, rng)
        : CommonOps_DDRM.identity(dim);
    double cCrit = InputNoiseTheory.criticalScale(a, b, lambda0, batch, mu);
    DMatrixRMaj lambda = lambda0.copy();
    CommonOps_DDRM.scale(fraction * cCrit, lambda);

    InputNoiseTheory.Result r = InputNoiseTheory.solve(a, b, u, lambda, batch, mu);
    assertThat(r.theory().diverges()).isFalse();
    Prediction p = r.theory();

    // Oracle 1: Theorem 1 with Proposition 9's noise, N = K, C₀ = σ_eff²K/S, H = K.
    DMatrixRMaj k = GeneralKroneckerOracle.add(a, b);
    DMatrixRMaj wStar = GeneralKroneckerOracle.wStar(k, a, u);
    DMatrixRMaj v = GeneralKroneckerOracle.minus(wStar, u);
    double bias = GeneralKroneckerOracle.quadratic(a, v);
    double sigmaEff2 = bias + GeneralKroneckerOracle.quadratic(b, wStar);
    DMatrixRMaj c0 = k.copy();
    CommonOps_DDRM.scale(sigmaEff2 / batch, c0);
    DMatrixRMaj sigma = GeneralKroneckerOracle.theorem1(k, lambda, mu, batch, k, c0);
    DMatrixRMaj noise = GeneralKroneckerOracle.noise(sigma, batch, k, c0);
    assertRel(r.sigmaEff2(), sigmaEff2, ORACLE_REL_TOL);
    assertMoments(p, sigma, noise, ORACLE_REL_TOL);
    double trA = TestMatrices.traceProduct(a, sigma);
    double trK = TestMatrices.traceProduct(k, sigma);
    assertRel(p.trASigma(), trA, ORACLE_REL_TOL);
    assertRel(p.lTrain(), 0.5 * trK + 0.5 * sigmaEff2, ORACLE_REL_TOL);
    assertRel(p.lTest(), 0.5 * trA + 0.5 * bias, ORACLE_REL_TOL);
    assertRel(r.paperLTest(), 0.5 * trK + 0.5 * bias, ORACLE_REL_TOL);
    assertRel(p.kappa(), batch * trK / sigmaEff2, ORACLE_REL_TOL);

    // Oracle 2: exact moments of the chain from the raw data model (no Theorem 1, no Prop. 9).
    ExactMomentOracle.Chain m = GeneralKroneckerOracle.inputNoise(a, b, u, lambda, mu, batch);
    assertThat(m.rho()).isLessThan(1);
    assertMatrixRel(p.sigma(), m.sigma(), ORACLE_REL_TOL);
  }

  @ParameterizedTest(name = "D={0} S={1} mu={2}")
  @MethodSource("randomCases")
  void spectrumPathMatchesMatrixPathAndLabelNoise(int dim, int batch, double mu,
      double fraction, boolean unused, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] a = new double[dim];
    double[] b = new double[dim];
    for (int i = 0; i < dim; i++) {
      a[i] = 0.1 + 2 * rng.nextDouble();
      b[i] = i == 0 && dim > 1 ? 0 : 1.5 * rng.nextDouble();
    }
    double[] u = TestMatrices.gaussianVector(dim, rng);
    double lr = fraction * InputNoiseTheory.criticalLr(a, b, batch, mu);
    InputNoiseTheory.Result s = InputNoiseTheory.ofSpectrum(a, b, u, lr, batch, mu);
    InputNoiseTheory.Result r =
        InputNoiseTheory.solve(diag(a), diag(b), u, scalarMatrix(dim, lr), batch, mu);
    Prediction ps = s.theory();
    Prediction pr = r.theory();
    assertThat(ps.diverges()).isFalse();
    assertThat(ps.sigma()).isNull();
    assertRel(ps.kappa(), pr.kappa(), EXACT_REL_TOL);
    assertRel(ps.trASigma(), pr.trASigma(), EXACT_REL_TOL);
    assertRel(ps.traceSigma(), pr.traceSigma(), EXACT_REL_TOL);
    assertRel(ps.lTrain(), pr.lTrain(), EXACT_REL_TOL);
    assertRel(ps.lTest(), pr.lTest(), EXACT_REL_TOL);
    assertRel(ps.traceNoise(), pr.traceNoise(), EXACT_REL_TOL);
    assertRel(s.paperLTest(), r.paperLTest(), EXACT_REL_TOL);
    assertRel(s.sigmaEff2(), r.sigmaEff2(), EXACT_REL_TOL);
    assertRel(s.criticalLr(), r.criticalLr(), EXACT_REL_TOL);
    // Label noise with A → K and σ² → σ_eff² (Proposition 9).
    double[] k = new double[dim];
    for (int i = 0; i < dim; i++) {
      k[i] = a[i] + b[i];
    }
    Prediction ln = LabelNoiseTheory.ofSpectrum(k, lr, batch, mu, s.sigmaEff2());
    assertRel(ps.kappa(), ln.kappa(), EXACT_REL_TOL);
    assertRel(ps.lTrain(), ln.lTrain(), EXACT_REL_TOL);
    assertRel(ps.traceSigma(), ln.traceSigma(), EXACT_REL_TOL);
    assertRel(ps.traceNoise(), ln.traceNoise(), EXACT_REL_TOL);
    if (mu == 0) {
      for (int j = 0; j < 2; j++) {
        assertRel(s.baselines()[j].lTest(), r.baselines()[j].lTest(), EXACT_REL_TOL);
        assertRel(s.baselines()[j].lTrain(), r.baselines()[j].lTrain(), EXACT_REL_TOL);
        assertRel(s.baselines()[j].traceSigma(), r.baselines()[j].traceSigma(),
            EXACT_REL_TOL);
      }
    }
  }

  /** The first half of {@link #randomCases}: every D and every μ, fewer 144×144 eigenproblems. */
  static Stream<Arguments> criticalCases() {
    return randomCases().limit(24);
  }

  @ParameterizedTest(name = "D={0} S={1} mu={2} matrixLr={4}")
  @MethodSource("criticalCases")
  void criticalScaleIsWhereTheExactMomentMapReachesOne(int dim, int batch, double mu,
      double unused, boolean matrixLr, long seed) {
    // Exact criterion: ρ(𝓜) of the chain's second-moment map (GeneralKroneckerOracle).
    SplittableRandom rng = new SplittableRandom(seed);
    DMatrixRMaj a = TestMatrices.spd(dim, rng);
    DMatrixRMaj b = TestMatrices.psd(dim, rng);
    double[] u = TestMatrices.gaussianVector(dim, rng);
    DMatrixRMaj lambda0 = matrixLr ? TestMatrices.spd(dim, rng)
        : CommonOps_DDRM.identity(dim);
    double cCrit = InputNoiseTheory.criticalScale(a, b, lambda0, batch, mu);
    for (double side : new double[] {-1, 1}) {
      DMatrixRMaj lambda = lambda0.copy();
      CommonOps_DDRM.scale(cCrit * (1 + side * CRITICAL_STEP), lambda);
      double rho = GeneralKroneckerOracle.inputNoise(a, b, u, lambda, mu, batch).rho();
      boolean diverges = InputNoiseTheory.solve(a, b, u, lambda, batch, mu).theory().diverges();
      if (side < 0) {
        assertThat(rho).isLessThan(1);
        assertThat(diverges).isFalse();
      } else {
        assertThat(rho).isGreaterThan(1);
        assertThat(diverges).isTrue();
      }
    }
  }

  @Test
  void spectralCriticalLrSeparatesStableFromDivergent() {
    double[] a = {1.2, 0.4, 0.05};
    double[] b = {0.3, 0.0, 0.9};
    double[] u = {1, 2, -1};
    for (double mu : new double[] {0, 0.3, 0.5, 0.9}) {
      for (int batch : new int[] {1, 2, 7, 100}) {
        double crit = InputNoiseTheory.criticalLr(a, b, batch, mu);
        assertThat(InputNoiseTheory.ofSpectrum(a, b, u, crit * (1 - CRITICAL_STEP), batch, mu)
            .theory().diverges()).isFalse();
        InputNoiseTheory.Result above =
            InputNoiseTheory.ofSpectrum(a, b, u, crit * (1 + CRITICAL_STEP), batch, mu);
        assertThat(above.theory().diverges()).isTrue();
        assertThat(above.paperLTest()).isNaN();
        assertThat(above.criticalLr()).isEqualTo(crit);
      }
    }
  }

  @Test
  void withoutInputNoiseThereIsNoFluctuation() {
    // B = 0: σ_eff² = 0, w* = u, so Σ = 0 and every loss vanishes (Proposition 2).
    InputNoiseTheory.Result r = InputNoiseTheory.ofSpectrum(new double[] {1, 2},
        new double[] {0, 0}, new double[] {1, 1}, 0.2, 4, 0);
    assertThat(r.sigmaEff2()).isZero();
    assertThat(r.theory().lTest()).isZero();
    assertThat(r.theory().lTrain()).isZero();
    assertThat(r.theory().traceSigma()).isZero();
  }

  @Test
  void rejectsInvalidInputs() {
    double[] u = {1};
    assertThatThrownBy(() -> InputNoiseTheory.ofSpectrum(new double[] {1}, new double[] {-0.1},
        u, 0.1, 4, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("eigenvalue of B");
    assertThatThrownBy(() -> InputNoiseTheory.ofSpectrum(new double[] {Double.NaN},
        new double[] {0.1}, u, 0.1, 4, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("eigenvalue of A");
    assertThatThrownBy(() -> InputNoiseTheory.ofSpectrum(new double[] {1}, new double[] {0.1},
        new double[] {1, 2}, 0.1, 4, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length");
    assertThatThrownBy(() -> InputNoiseTheory.ofSpectrum(new double[] {1}, new double[] {0.1},
        u, 0.1, 4, 1.0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("momentum");
    assertThatThrownBy(() -> InputNoiseTheory.ofSpectrum(new double[] {1}, new double[] {0.1},
        u, Double.NaN, 4, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("learning rate");
    DMatrixRMaj asym = new DMatrixRMaj(new double[][] {{1, 0.2}, {0.1, 1}});
    assertThatThrownBy(() -> InputNoiseTheory.solve(asym, diag(0.1, 0.1), new double[] {1, 1},
        scalarMatrix(2, 0.1), 4, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not symmetric");
    assertThatThrownBy(() -> InputNoiseTheory.solve(diag(1, 1), diag(-1, 0.1),
        new double[] {1, 1}, scalarMatrix(2, 0.1), 4, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not positive definite");
  }

  // ---------------------------------------------------------------- helpers

  static DMatrixRMaj diag(double... d) {
    return CommonOps_DDRM.diag(d);
  }

  static DMatrixRMaj scalarMatrix(int n, double value) {
    DMatrixRMaj m = CommonOps_DDRM.identity(n);
    CommonOps_DDRM.scale(value, m);
    return m;
  }

  static double[] vector(JsonNode node) {
    double[] out = new double[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).asDouble();
    }
    return out;
  }

  static double[] diagonal(DMatrixRMaj m) {
    double[] out = new double[m.numRows];
    for (int i = 0; i < out.length; i++) {
      out[i] = m.get(i, i);
    }
    return out;
  }

  static boolean isDiagonal(DMatrixRMaj m) {
    for (int i = 0; i < m.numRows; i++) {
      for (int j = 0; j < m.numCols; j++) {
        if (i != j && m.get(i, j) != 0) {
          return false;
        }
      }
    }
    return true;
  }

  static double trace(JsonNode m) {
    double t = 0;
    for (int i = 0; i < m.size(); i++) {
      t += m.get(i).get(i).asDouble();
    }
    return t;
  }

  /** Element-wise, relative to the largest element of the expected matrix. */
}
