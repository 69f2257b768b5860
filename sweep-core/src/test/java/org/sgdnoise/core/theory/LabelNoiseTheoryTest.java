package org.sgdnoise.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.sgdnoise.core.theory.TestAsserts.assertMatrixRel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sgdnoise.core.theory.Prediction;

/**
 * Label-noise theory against (1) the reference values of shared/theory (checked there against an
 * independent exact second-moment solver), (2) the Kronecker solve of Theorem 1 for random SPD A
 * and random SPD, non-commuting learning-rate matrices with momentum, and (3) λ_c against the
 * point where that solve stops being positive definite.
 */
class LabelNoiseTheoryTest {
  /** The requirement for reference values. */
  private static final double REFERENCE_REL_TOL = 1e-9;
  /** Eigenbasis reduction vs Kronecker solve: both are direct, O(1e-13) observed. */
  private static final double ORACLE_REL_TOL = 1e-9;
  /** Relative step around λ_c to look for the sign change of the Kronecker solution. */
  private static final double CRITICAL_STEP = 1e-6;

  static Stream<JsonNode> labelNoiseReferenceCases() {
    List<JsonNode> out =
        References.linearRegression(c -> c.get("family").asText().equals("label_noise"));
    assertThat(out).hasSizeGreaterThanOrEqualTo(15);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("labelNoiseReferenceCases")
  void matchesReferenceValues(JsonNode c) {
    JsonNode in = c.get("inputs");
    JsonNode ex = c.get("expected");
    DMatrixRMaj a = matrix(in.get("A"));
    int n = a.numRows;
    int batch = in.get("S").asInt();
    double mu = in.get("mu").asDouble();
    double sigma2 = in.get("sigma2").asDouble();
    boolean scalar = in.get("Lam").isNull();
    DMatrixRMaj lambda;
    if (scalar) {
      lambda = CommonOps_DDRM.identity(n);
      CommonOps_DDRM.scale(in.get("lam").asDouble(), lambda);
    } else {
      lambda = matrix(in.get("Lam"));
    }
    Prediction p = LabelNoiseTheory.solve(a, lambda, batch, mu, sigma2);
    assertThat(p.diverges()).as(c.get("id").asText()).isEqualTo(ex.get("diverges").asBoolean());
    if (!p.diverges()) {
      assertRel(p.lTrain(), ex.get("L_train").asDouble());
      assertRel(p.lTest(), ex.get("L_test").asDouble());
      assertRel(p.kappa(), ex.get("kappa_mu").asDouble());
      assertMatrixRel(p.sigma(), matrix(ex.get("Sigma")), REFERENCE_REL_TOL);
    }
    if (scalar) {
      assertRel(LabelNoiseTheory.criticalScale(a, CommonOps_DDRM.identity(n), batch, mu),
          ex.get("critical_lr").asDouble());
    } else {
      assertRel(LabelNoiseTheory.criticalScale(a, lambda, batch, mu),
          ex.get("critical_scale_of_Lam").asDouble());
    }
    if (scalar && isDiagonal(a)) {
      double[] spectrum = new double[n];
      for (int i = 0; i < n; i++) {
        spectrum[i] = a.get(i, i);
      }
      Prediction q = LabelNoiseTheory.ofSpectrum(spectrum, in.get("lam").asDouble(), batch, mu,
          sigma2);
      assertThat(q.diverges()).isEqualTo(p.diverges());
      if (!q.diverges()) {
        assertRel(q.traceSigma(), CommonOps_DDRM.trace(matrix(ex.get("Sigma"))));
        assertRel(q.lTest(), ex.get("L_test").asDouble());
        assertRel(q.lTrain(), ex.get("L_train").asDouble());
      }
      assertRel(LabelNoiseTheory.criticalLr(spectrum, batch, mu),
          ex.get("critical_lr").asDouble());
    }
  }

  static Stream<Arguments> randomCases() {
    SplittableRandom rng = new SplittableRandom(20261127L);
    List<Arguments> out = new ArrayList<>();
    double[] mus = {0.0, 0.3, 0.5, 0.9};
    for (int k = 0; k < 48; k++) {
      int dim = 1 + k % 6;
      out.add(Arguments.of(dim, 1 + rng.nextInt(64), mus[k % 4], 0.05 + 0.9 * rng.nextDouble(),
          rng.nextLong(), k % 5 == 2));
    }
    return out.stream();
  }

  /** Every fifth case has a diagonal (non-scalar) Λ, the reduction's shortcut. */
  @ParameterizedTest(name = "D={0} S={1} mu={2} fraction={3} diagonal Λ={5}")
  @MethodSource("randomCases")
  void eigenbasisReductionMatchesKroneckerSolve(int dim, int batch, double mu, double fraction,
      long seed, boolean diagonalLr) {
    SplittableRandom rng = new SplittableRandom(seed);
    DMatrixRMaj a = TestMatrices.spd(dim, rng);
    DMatrixRMaj lambda0 = TestMatrices.spd(dim, rng); // does not commute with A
    if (diagonalLr) {
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          lambda0.set(i, j, i == j ? 0.2 + rng.nextDouble() : 0.0); // nor does this
        }
      }
    }
    double sigma2 = 0.1 + rng.nextDouble();
    double cCrit = LabelNoiseTheory.criticalScale(a, lambda0, batch, mu);
    DMatrixRMaj lambda = lambda0.copy();
    CommonOps_DDRM.scale(fraction * cCrit, lambda);

    Prediction p = LabelNoiseTheory.solve(a, lambda, batch, mu, sigma2);
    DMatrixRMaj oracle = KroneckerOracle.solve(a, lambda, batch, mu, sigma2);
    assertThat(p.diverges()).isFalse();
    assertMatrixRel(p.sigma(), oracle, ORACLE_REL_TOL);
    DMatrixRMaj as = new DMatrixRMaj(dim, dim);
    CommonOps_DDRM.mult(a, oracle, as);
    assertThat(p.trASigma()).isCloseTo(CommonOps_DDRM.trace(as),
        within(ORACLE_REL_TOL * CommonOps_DDRM.trace(as)));
    // The engine's path: one reduction of Λ₀ for both the prediction and the critical scale.
    LabelNoiseTheory.WithCritical shared = LabelNoiseTheory.solveWithCritical(a, lambda0,
        fraction * cCrit, batch, mu, sigma2);
    assertThat(shared.criticalScale()).isEqualTo(cCrit);
    assertMatrixRel(shared.prediction().sigma(), oracle, ORACLE_REL_TOL);
    assertMatrixRel(shared.prediction().noise(), p.noise(), 1e-12);
    assertThat(shared.prediction().lTest()).isCloseTo(p.lTest(), within(1e-12 * p.lTest()));
  }

  @ParameterizedTest(name = "D={0} S={1} mu={2}")
  @MethodSource("randomCases")
  void criticalScaleIsWhereKroneckerSolutionStopsBeingPositiveDefinite(int dim, int batch,
      double mu, double unused, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    DMatrixRMaj a = TestMatrices.spd(dim, rng);
    DMatrixRMaj lambda0 = TestMatrices.spd(dim, rng);
    double cCrit = LabelNoiseTheory.criticalScale(a, lambda0, batch, mu);

    DMatrixRMaj below = lambda0.copy();
    CommonOps_DDRM.scale(cCrit * (1 - CRITICAL_STEP), below);
    DMatrixRMaj above = lambda0.copy();
    CommonOps_DDRM.scale(cCrit * (1 + CRITICAL_STEP), above);

    assertThat(minEigenvalue(KroneckerOracle.solve(a, below, batch, mu, 1.0))).isPositive();
    assertThat(minEigenvalue(KroneckerOracle.solve(a, above, batch, mu, 1.0))).isNegative();
    assertThat(LabelNoiseTheory.solve(a, below, batch, mu, 1.0).diverges()).isFalse();
    assertThat(LabelNoiseTheory.solve(a, above, batch, mu, 1.0).diverges()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 8, 64, 1000})
  void criticalLrHasTheOneDimensionalClosedForm(int batch) {
    for (double mu : new double[] {0, 0.5, 0.9}) {
      for (double a : new double[] {0.3, 1.5, 4}) {
        double closed = 2 * (1 - mu) / (a * ((1 - mu) / (1 + mu) + 2.0 / batch));
        assertRel(LabelNoiseTheory.criticalLr(new double[] {a}, batch, mu), closed);
      }
    }
  }

  @Test
  void oneDimensionalSigmaHasTheClosedForm() {
    // Σ = λσ² / (2S − λa(S+2)) for μ = 0 (sheet §3).
    double a = 1.5;
    double lr = 1.0;
    double sigma2 = 0.25;
    for (int batch : new int[] {8, 16, 64, 256}) {
      Prediction p = LabelNoiseTheory.ofSpectrum(new double[] {a}, lr, batch, 0, sigma2);
      assertRel(p.traceSigma(), lr * sigma2 / (2 * batch - lr * a * (batch + 2)));
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.3, 0.5, 0.9})
  void secondMomentOperatorIsStableExactlyBelowCriticalLr(double mu) {
    for (int batch : new int[] {1, 4, 32, 256}) {
      double a = 1.3;
      double crit = LabelNoiseTheory.criticalLr(new double[] {a}, batch, mu);
      assertThat(MomentStability.spectralRadius(a, crit * (1 - CRITICAL_STEP), batch, mu, 2))
          .isLessThan(1.0);
      assertThat(MomentStability.spectralRadius(a, crit * (1 + CRITICAL_STEP), batch, mu, 2))
          .isGreaterThan(1.0);
    }
  }

  @Test
  void fourthMomentMatchesKestenTableOfTheSheet() {
    // shared/theory general sheet §5: exact Kesten index for a = 1 (μ = 0): aλ = 1, S = 4 gives
    // β = 3.505 (< 4, fourth moment infinite); aλ = 1, S = 8 gives β = 6.20 (> 4, finite).
    assertThat(MomentStability.spectralRadius(1, 1, 4, 0, 4)).isGreaterThan(1);
    assertThat(MomentStability.spectralRadius(1, 1, 8, 0, 4)).isLessThan(1);
    // aλ = 1, S = 2: β = 2.000 exactly, so the second moment sits on the boundary.
    assertThat(MomentStability.spectralRadius(1, 1, 2, 0, 2)).isCloseTo(1.0, within(1e-12));
  }

  // ---------------------------------------------------------------- helpers

  static double minEigenvalue(DMatrixRMaj m) {
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m.numRows, false,
        true);
    assertThat(eig.decompose(m.copy())).isTrue();
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i < m.numRows; i++) {
      min = Math.min(min, eig.getEigenvalue(i).getReal());
    }
    return min;
  }

  private static boolean isDiagonal(DMatrixRMaj a) {
    for (int i = 0; i < a.numRows; i++) {
      for (int j = 0; j < a.numCols; j++) {
        if (i != j && a.get(i, j) != 0) {
          return false;
        }
      }
    }
    return true;
  }

  static DMatrixRMaj matrix(JsonNode rows) {
    int n = rows.size();
    DMatrixRMaj m = new DMatrixRMaj(n, rows.get(0).size());
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < rows.get(i).size(); j++) {
        m.set(i, j, rows.get(i).get(j).asDouble());
      }
    }
    return m;
  }

  private static void assertRel(double actual, double expected) {
    assertThat(actual).isCloseTo(expected, within(REFERENCE_REL_TOL * Math.abs(expected)));
  }
}
