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
 * Corollary 3 and the global-minimum stability edge against the reference cases 38 and 40–42 of
 * shared/theory, a Theorem 1 Kronecker solve with Corollary 2's constant noise (random commuting,
 * non-diagonal matrices, momentum, both signs of the rank-1 term, rank-deficient H₀), and the
 * exact second-moment map of the (w, m) chain with the global-minimum noise (Tr[HΣ]I − HΣ)H/S.
 */
class NearMinimumTheoryTest {
  /** Closed form vs Kronecker solve: O(1e-13) observed. */
  private static final double ORACLE_REL_TOL = 1e-9;
  /** Relative step around λ_c where the chain's spectral radius must cross 1. */
  private static final double CRITICAL_STEP = 1e-6;

  @Test
  void localMinimumMatchesReferenceCase38() {
    JsonNode c = single("Corollary 3 (Γ=0, L0*>0)");
    JsonNode in = c.get("inputs");
    double[] h0 = HighDimTheoryTest.doubles(in.get("H0_diag"));
    double[] expected = HighDimTheoryTest.doubles(c.get("expected").get("Sigma_diag"));
    double tol = c.get("rel_tol").asDouble();
    double lr = in.get("lam").asDouble();
    int batch = in.get("S").asInt();
    double mu = in.get("mu").asDouble();
    double l0 = in.get("L0star").asDouble();
    DMatrixRMaj lambda = CommonOps_DDRM.identity(h0.length);
    CommonOps_DDRM.scale(lr, lambda);
    Prediction p = NearMinimumTheory.corollary3(CommonOps_DDRM.diag(h0), null, null, lambda,
        batch, mu, l0, NearMinimumTheory.PAPER_RANK1);
    assertThat(p.diverges()).isFalse();
    double trace = 0;
    double trH = 0;
    for (int i = 0; i < h0.length; i++) {
      assertThat(p.sigma().get(i, i)).isCloseTo(expected[i], within(tol * expected[0]));
      trace += expected[i];
      trH += h0[i] * expected[i];
    }
    Prediction q = NearMinimumTheory.localMinimum(h0, lr, batch, mu, l0);
    assertRel(q.traceSigma(), trace, tol);
    assertRel(q.trASigma(), trH, tol);
    assertRel(q.lTrain(), l0 + 0.5 * trH, tol);
    assertRel(p.traceSigma(), trace, tol);
    assertRel(p.traceNoise(), q.traceNoise(), tol);
  }

  static Stream<JsonNode> globalEdgeCases() {
    return References.named("Global-minimum stability edge with momentum", 3);
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("globalEdgeCases")
  void globalMinimumEdgeMatchesReferenceCasesAndTheChain(JsonNode c) {
    JsonNode in = c.get("inputs");
    double[] h = HighDimTheoryTest.doubles(in.get("eigs_H"));
    int batch = in.get("S").asInt();
    double mu = in.get("mu").asDouble();
    double crit = NearMinimumTheory.globalMinimumCriticalLr(h, batch, mu);
    assertRel(crit, c.get("expected").get("lam_c").asDouble(), c.get("rel_tol").asDouble());
    DMatrixRMaj hm = TestMatrices.rotate(
        TestMatrices.orthogonalEig(h.length, new SplittableRandom(h.length)), h);
    assertThat(globalRadius(hm, crit * (1 - CRITICAL_STEP), mu, batch)).isLessThan(1);
    assertThat(globalRadius(hm, crit * (1 + CRITICAL_STEP), mu, batch)).isGreaterThan(1);
  }

  // ---------------------------------------------------------------- independent solves

  static Stream<Arguments> commutingCases() {
    SplittableRandom rng = new SplittableRandom(3_2026L);
    double[] mus = {0.0, 0.5, 0.9};
    List<Arguments> out = new ArrayList<>();
    for (int k = 0; k < 36; k++) {
      out.add(Arguments.of(2 + k % 5, 1 + rng.nextInt(64), mus[k % 3],
          k % 2 == 0 ? NearMinimumTheory.PAPER_RANK1 : NearMinimumTheory.GAUSSIAN_RANK1,
          0.05 + 0.9 * rng.nextDouble(), rng.nextLong()));
    }
    return out.stream();
  }

  /**
   * Γ ≠ 0 (Γ with a zero eigenvalue, so H₀ + Γ is what keeps K full rank), a matrix Λ, w* along
   * a common eigenvector (so Γw*w*ᵀΓ commutes): Corollary 3 is Theorem 1 with Hessian K = H₀ + Γ
   * and the constant noise C = (2L₀*H₀ + c_ΓΓw*w*ᵀΓ)/S.
   */
  @ParameterizedTest(name = "D={0} S={1} mu={2} c={3} fraction={4}")
  @MethodSource("commutingCases")
  void corollary3IsTheorem1WithCorollary2Noise(int dim, int batch, double mu, double rank1,
      double fraction, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    DMatrixRMaj q = TestMatrices.orthogonalEig(dim, rng);
    double[] h = new double[dim];
    double[] g = new double[dim];
    double[] l = new double[dim];
    double maxLk = 0;
    for (int i = 0; i < dim; i++) {
      h[i] = 0.2 + 2 * rng.nextDouble();
      g[i] = i == 0 ? 0 : 0.5 * rng.nextDouble();
      l[i] = 0.2 + rng.nextDouble();
      maxLk = Math.max(maxLk, l[i] * (h[i] + g[i]));
    }
    double scale = fraction * 2 * (1 + mu) / maxLk; // every eigenvalue of ΛK below 2(1+μ)
    for (int i = 0; i < dim; i++) {
      l[i] *= scale;
    }
    DMatrixRMaj h0 = TestMatrices.rotate(q, h);
    DMatrixRMaj gamma = TestMatrices.rotate(q, g);
    DMatrixRMaj lambda = TestMatrices.rotate(q, l);
    int j = 1 + rng.nextInt(dim - 1); // a direction with γ_j > 0
    DMatrixRMaj wStar = new DMatrixRMaj(dim, 1);
    for (int i = 0; i < dim; i++) {
      wStar.set(i, 0, 0.8 * q.get(i, j));
    }
    double l0 = 0.05 + 0.3 * rng.nextDouble();

    Prediction p = NearMinimumTheory.corollary3(h0, gamma, wStar, lambda, batch, mu, l0, rank1);
    DMatrixRMaj k = h0.copy();
    CommonOps_DDRM.addEquals(k, gamma);
    DMatrixRMaj v = TestMatrices.mult(gamma, wStar);
    DMatrixRMaj c0 = new DMatrixRMaj(dim, dim);
    CommonOps_DDRM.multTransB(v, v, c0);
    CommonOps_DDRM.scale(rank1, c0);
    CommonOps_DDRM.addEquals(c0, 2 * l0, h0);
    CommonOps_DDRM.scale(1.0 / batch, c0);
    DMatrixRMaj sigma = Theorem1Oracle.solve(lambda, k, mu, batch, c0, 0, 0);

    assertThat(p.diverges()).isFalse();
    assertMatrixRel(p.sigma(), sigma, ORACLE_REL_TOL);
    assertMatrixRel(p.noise(), c0, ORACLE_REL_TOL);
    assertRel(p.trASigma(), TestMatrices.traceProduct(h0, sigma), ORACLE_REL_TOL);
    assertRel(p.traceSigma(), CommonOps_DDRM.trace(sigma), ORACLE_REL_TOL);
    double wGammaW = CommonOps_DDRM.dot(wStar, v);
    assertRel(p.lTrain(), l0 + 0.5 * wGammaW
        + 0.5 * TestMatrices.traceProduct(k, sigma), ORACLE_REL_TOL);
    assertThat(p.lTest()).isNaN();
    assertThat(p.kappa()).isNaN();

    // Beyond the edge of ΛK: divergent.
    DMatrixRMaj fast = lambda.copy();
    CommonOps_DDRM.scale(1.01 / fraction, fast);
    assertThat(NearMinimumTheory.corollary3(h0, gamma, wStar, fast, batch, mu, l0, rank1)
        .diverges()).isTrue();
  }

  /**
   * Γ = 0 and H₀ of rank r &lt; P: Σ is only determined on range(H₀). The returned P_rΣ must be
   * the Theorem 1 solution of the problem restricted to the range, Q_rΣ_rQ_rᵀ, and 0 elsewhere.
   */
  @ParameterizedTest(name = "D={0} S={1} mu={2}")
  @MethodSource("commutingCases")
  void localMinimumIsTheorem1OnTheRangeOfTheHessian(int dim, int batch, double mu,
      double unused, double fraction, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    DMatrixRMaj q = TestMatrices.orthogonalEig(dim, rng);
    int rank = 1 + rng.nextInt(dim - 1);
    double[] h = new double[dim];
    double[] l = new double[dim];
    double maxLh = 0;
    for (int i = 0; i < dim; i++) {
      h[i] = i < rank ? 0.2 + 2 * rng.nextDouble() : 0;
      l[i] = 0.2 + rng.nextDouble();
      maxLh = Math.max(maxLh, l[i] * h[i]);
    }
    for (int i = 0; i < dim; i++) {
      l[i] *= fraction * 2 * (1 + mu) / maxLh;
    }
    double l0 = 0.2;
    Prediction p = NearMinimumTheory.corollary3(TestMatrices.rotate(q, h), null, null,
        TestMatrices.rotate(q, l), batch, mu, l0, NearMinimumTheory.PAPER_RANK1);
    // The restricted problem in the basis Q_r of range(H₀).
    double[] hr = new double[rank];
    double[] lr = new double[rank];
    System.arraycopy(h, 0, hr, 0, rank);
    System.arraycopy(l, 0, lr, 0, rank);
    DMatrixRMaj hm = CommonOps_DDRM.diag(hr);
    DMatrixRMaj c0 = hm.copy();
    CommonOps_DDRM.scale(2 * l0 / batch, c0);
    DMatrixRMaj sigmaR = Theorem1Oracle.solve(CommonOps_DDRM.diag(lr), hm, mu, batch, c0, 0, 0);
    DMatrixRMaj qr = CommonOps_DDRM.extract(q, 0, dim, 0, rank);
    DMatrixRMaj expected = new DMatrixRMaj(dim, dim);
    CommonOps_DDRM.multTransB(TestMatrices.mult(qr, sigmaR), qr, expected);
    assertMatrixRel(p.sigma(), expected, ORACLE_REL_TOL);
  }

  @ParameterizedTest(name = "D={0} S={1} mu={2}")
  @MethodSource("commutingCases")
  void globalMinimumEdgeIsWhereTheChainStopsBeingMeanSquareStable(int dim, int batch, double mu,
      double unused, double unused2, long seed) {
    if (dim > 4) {
      return; // 4D² = 64 is enough; keeps the nonsymmetric eigenproblems small
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] h = new double[dim];
    for (int i = 0; i < dim; i++) {
      h[i] = 0.05 + 2 * rng.nextDouble();
    }
    DMatrixRMaj hm = TestMatrices.rotate(TestMatrices.orthogonalEig(dim, rng), h);
    double crit = NearMinimumTheory.globalMinimumCriticalLr(h, batch, mu);
    assertThat(globalRadius(hm, crit * (1 - CRITICAL_STEP), mu, batch)).isLessThan(1);
    assertThat(globalRadius(hm, crit * (1 + CRITICAL_STEP), mu, batch)).isGreaterThan(1);
    assertThat(NearMinimumTheory.globalMinimum(h, crit * (1 - CRITICAL_STEP), batch, mu)
        .diverges()).isFalse();
    assertThat(NearMinimumTheory.globalMinimum(h, crit * (1 + CRITICAL_STEP), batch, mu)
        .diverges()).isTrue();
    // The local-minimum edge 2(1+μ)/h_max lies beyond: the global minimum is the more fragile.
    assertThat(NearMinimumTheory.localMinimumCriticalLr(h, mu)).isGreaterThan(crit);
  }

  // ---------------------------------------------------------------- special cases

  @Test
  void scalarLearningRateWithoutMomentumIsTheSheetClosedForm() {
    // Γ = 0, L₀* > 0, μ = 0: Σ = (2λL₀*/S)(2I − λH₀)⁻¹.
    DMatrixRMaj h0 = TestMatrices.rotate(TestMatrices.orthogonalEig(4,
        new SplittableRandom(8)), new double[] {0.3, 1.1, 2.0, 3.4});
    double lr = 0.5;
    int batch = 8;
    double l0 = 0.07;
    DMatrixRMaj lambda = CommonOps_DDRM.identity(4);
    CommonOps_DDRM.scale(lr, lambda);
    DMatrixRMaj m = CommonOps_DDRM.identity(4);
    CommonOps_DDRM.scale(2, m);
    CommonOps_DDRM.addEquals(m, -lr, h0);
    DMatrixRMaj expected = new DMatrixRMaj(4, 4);
    assertThat(CommonOps_DDRM.invert(m, expected)).isTrue();
    CommonOps_DDRM.scale(2 * lr * l0 / batch, expected);
    Prediction p = NearMinimumTheory.corollary3(h0, null, null, lambda, batch, 0, l0,
        NearMinimumTheory.PAPER_RANK1);
    assertMatrixRel(p.sigma(), expected, ORACLE_REL_TOL);
  }

  @Test
  void localMinimumDivergesExactlyAtTwoOnePlusMuOverHMax() {
    double[] h = {2.0, 1.0, 0.5, 0.0};
    for (double mu : new double[] {0, 0.5, 0.9}) {
      double crit = NearMinimumTheory.localMinimumCriticalLr(h, mu);
      assertThat(crit).isEqualTo(2 * (1 + mu) / 2.0);
      assertThat(NearMinimumTheory.localMinimum(h, crit * (1 - CRITICAL_STEP), 4, mu, 0.1)
          .diverges()).isFalse();
      assertThat(NearMinimumTheory.localMinimum(h, crit, 4, mu, 0.1).diverges()).isTrue();
    }
    // A saddle (negative curvature) has no stationary state.
    assertThat(NearMinimumTheory.localMinimum(new double[] {1, -0.1}, 0.1, 4, 0, 0.1).diverges())
        .isTrue();
    assertThat(NearMinimumTheory.globalMinimum(new double[] {1, -0.1}, 0.1, 4, 0).diverges())
        .isTrue();
    Prediction global = NearMinimumTheory.globalMinimum(h, 0.01, 4, 0);
    assertThat(global.trASigma()).isZero();
    assertThat(global.traceSigma()).isZero();
    assertThat(global.traceNoise()).isZero();
  }

  @Test
  void rejectsNonCommutingMatricesAndBadArguments() {
    SplittableRandom rng = new SplittableRandom(5);
    DMatrixRMaj h0 = TestMatrices.spd(3, rng);
    DMatrixRMaj lambda = TestMatrices.spd(3, rng);
    assertThatThrownBy(() -> NearMinimumTheory.corollary3(h0, null, null, lambda, 4, 0, 0.1,
        NearMinimumTheory.PAPER_RANK1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Lambda and H0 must commute");
    DMatrixRMaj eye = CommonOps_DDRM.identity(3);
    assertThatThrownBy(() -> NearMinimumTheory.corollary3(h0, null, null, eye, 4, 0, 0.1, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank-1 coefficient");
    assertThatThrownBy(() -> NearMinimumTheory.corollary3(h0, eye, null, eye, 4, 0, 0.1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w* must have 3");
    assertThatThrownBy(() -> NearMinimumTheory.localMinimum(new double[] {1}, 0.1, 0, 0, 0.1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch size");
  }

  // ---------------------------------------------------------------- helpers

  /** Chain radius with the global-minimum noise C = (Tr[HΣ]I − HΣ)H/S, Λ = λI. */
  private static double globalRadius(DMatrixRMaj h, double lr, double mu, int batch) {
    DMatrixRMaj lambda = CommonOps_DDRM.identity(h.numRows);
    CommonOps_DDRM.scale(lr, lambda);
    return Theorem1Oracle.chainSpectralRadius(lambda, h, mu, batch, -1, 1);
  }

  private static JsonNode single(String name) {
    List<JsonNode> out = References.general(c -> c.get("name").asText().equals(name));
    assertThat(out).hasSize(1);
    return out.get(0);
  }
}
