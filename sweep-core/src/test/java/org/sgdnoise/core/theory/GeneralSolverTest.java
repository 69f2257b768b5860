package org.sgdnoise.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sgdnoise.core.theory.TestAsserts.assertMatrixRel;

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
import org.junit.jupiter.params.provider.ValueSource;
import org.sgdnoise.core.theory.GeneralSolver.Method;
import org.sgdnoise.core.theory.GeneralSolver.NoiseModel;
import org.sgdnoise.core.theory.GeneralSolver.Solution;

/**
 * The general Theorem-1 solver against (1) a D²×D² Kronecker solve of eq. 3 in the original
 * basis, written here from the sheet (§2) with its own noise matrices (Isserlis for the Gaussian
 * model, explicit fourth moments for the empirical one); (2) LabelNoiseTheory; (3) the exact
 * second-moment map 𝓜 of the augmented (δ, m) chain (ExactMomentOracle) for both the stationary
 * Σ and the divergence criterion. Every path (diagonal, direct, iterative) is exercised; random
 * instances have non-commuting Λ and H ≠ N.
 */
class GeneralSolverTest {
  /** Solver vs Kronecker solve, both direct or converged to 1e-13: O(1e-12) observed. */
  private static final double ORACLE_REL_TOL = 1e-9;
  /** Residual of eq. 3 the solver must reach (the acceptance level). */
  private static final double RESIDUAL_TOL = 1e-10;
  /** ρ(K) by Arnoldi vs the dense eigen-solve. */
  private static final double RHO_TOL = 1e-8;
  /** criticalScale by the iterative path (Arnoldi ρ, bracket 1e-10) vs the exact paths. */
  private static final double CRITICAL_ITERATIVE_TOL = 1e-7;
  /** criticalScale by exact paths vs LabelNoiseTheory's bisection. */
  private static final double CRITICAL_EXACT_TOL = 1e-9;
  /** Relative distance from the critical scale at which the exact chain must agree. */
  private static final double CRITICAL_STEP = 1e-3;
  /** Σ vs the exact chain at 0.999·critical, where the problem is ~1e3 times worse conditioned. */
  private static final double NEAR_CRITICAL_REL_TOL = 1e-6;

  // ---------------------------------------------------------------------------- instances

  /** H, N, C₀ and an SPD Λ₀ that does not commute with H. */
  record Instance(DMatrixRMaj h, DMatrixRMaj n, DMatrixRMaj c0, DMatrixRMaj lambda0, int batch) {
    NoiseModel noise() {
      return GeneralSolver.gaussian(n, batch, c0);
    }
  }

  /**
   * L2 regularisation with non-commuting A and Γ (sheet §5): H = A + Γ, N = A, C₀ =
   * (1/S)((vᵀAv)A + Avvᵀ A), v = −(A+Γ)⁻¹Γu. Γ may be indefinite; H is kept positive definite.
   */
  static Instance l2(int dim, int batch, SplittableRandom rng) {
    final DMatrixRMaj a = TestMatrices.spd(dim, rng);
    final DMatrixRMaj gamma = new DMatrixRMaj(dim, dim);
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j <= i; j++) {
        final double g = 0.4 * rng.nextGaussian();
        gamma.set(i, j, g);
        gamma.set(j, i, g);
      }
    }
    final DMatrixRMaj h = a.copy();
    CommonOps_DDRM.addEquals(h, gamma);
    final double shift = Math.max(0, 0.1 - LabelNoiseTheoryTest.minEigenvalue(h));
    for (int i = 0; i < dim; i++) {
      gamma.add(i, i, shift);
      h.add(i, i, shift);
    }
    final DMatrixRMaj u = new DMatrixRMaj(dim, 1);
    for (int i = 0; i < dim; i++) {
      u.data[i] = rng.nextGaussian();
    }
    final DMatrixRMaj gu = new DMatrixRMaj(dim, 1);
    CommonOps_DDRM.mult(gamma, u, gu);
    final DMatrixRMaj v = new DMatrixRMaj(dim, 1);
    CommonOps_DDRM.solve(h, gu, v);
    CommonOps_DDRM.scale(-1, v);
    final DMatrixRMaj av = new DMatrixRMaj(dim, 1);
    CommonOps_DDRM.mult(a, v, av);
    final double vav = CommonOps_DDRM.dot(v, av);
    final DMatrixRMaj c0 = a.copy();
    CommonOps_DDRM.scale(vav, c0);
    final DMatrixRMaj outer = new DMatrixRMaj(dim, dim);
    CommonOps_DDRM.multTransB(av, av, outer);
    CommonOps_DDRM.addEquals(c0, outer);
    CommonOps_DDRM.scale(1.0 / batch, c0);
    return new Instance(h, a, c0, TestMatrices.spd(dim, rng), batch);
  }

  /** Label noise (Lemma 1): H = N = A, C₀ = σ²A/S. */
  static Instance labelNoise(int dim, int batch, double sigma2, SplittableRandom rng) {
    final DMatrixRMaj a = TestMatrices.spd(dim, rng);
    final DMatrixRMaj c0 = a.copy();
    CommonOps_DDRM.scale(sigma2 / batch, c0);
    return new Instance(a, a, c0, TestMatrices.spd(dim, rng), batch);
  }

  static Stream<Arguments> randomCases() {
    final SplittableRandom rng = new SplittableRandom(20261128L);
    final List<Arguments> out = new ArrayList<>();
    final double[] mus = {0.0, 0.3, 0.5, 0.9};
    for (int k = 0; k < 36; k++) {
      out.add(Arguments.of(1 + k % 6, 1 + rng.nextInt(64), mus[k % 4],
          0.05 + 0.9 * rng.nextDouble(), rng.nextLong()));
    }
    return out.stream();
  }

  // ---------------------------------------------------------------------------- Kronecker

  /** f((1/N)Σ x_i x_k x_j x_l − Â_ik Â_jl) at row (i,j), column (k,l). */
  static DMatrixRMaj empiricalNoiseMatrix(double[] xs, int rows, int dim, double factor) {
    final DMatrixRMaj ahat = new DMatrixRMaj(dim, dim);
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          ahat.add(i, j, xs[r * dim + i] * xs[r * dim + j] / rows);
        }
      }
    }
    final DMatrixRMaj m = new DMatrixRMaj(dim * dim, dim * dim);
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        for (int k = 0; k < dim; k++) {
          for (int l = 0; l < dim; l++) {
            double m4 = 0;
            for (int r = 0; r < rows; r++) {
              final int o = r * dim;
              m4 += xs[o + i] * xs[o + k] * xs[o + j] * xs[o + l] / rows;
            }
            m.set(i * dim + j, k * dim + l, factor * (m4 - ahat.get(i, k) * ahat.get(j, l)));
          }
        }
      }
    }
    return m;
  }

  /** The noise matrix applied to Σ: vec⁻¹(𝒩 vec Σ). */
  static DMatrixRMaj applyMatrix(DMatrixRMaj noiseMatrix, DMatrixRMaj sigma) {
    final int n = sigma.numRows;
    final DMatrixRMaj out = new DMatrixRMaj(n * n, 1);
    CommonOps_DDRM.mult(noiseMatrix, new DMatrixRMaj(n * n, 1, true, sigma.data), out);
    return new DMatrixRMaj(n, n, true, out.data);
  }

  static DMatrixRMaj scaled(DMatrixRMaj m, double c) {
    final DMatrixRMaj out = m.copy();
    CommonOps_DDRM.scale(c, out);
    return out;
  }

  // ---------------------------------------------------------------------------- tests

  @ParameterizedTest(name = "D={0} S={1} mu={2} fraction={3}")
  @MethodSource("randomCases")
  void gaussianModelMatchesKroneckerSolveByEveryMethod(int dim, int batch, double mu,
      double fraction, long seed) {
    final Instance in = l2(dim, batch, new SplittableRandom(seed));
    final NoiseModel noise = in.noise();
    final double crit = GeneralSolver.criticalScale(in.h, in.lambda0, mu, noise);
    final DMatrixRMaj lambda = scaled(in.lambda0, fraction * crit);
    final DMatrixRMaj fluct = ExactMomentOracle.gaussianFluctuation(in.n, batch);
    final DMatrixRMaj oracle = Theorem1Oracle.kronecker(lambda, in.h, mu, fluct, in.c0);
    final DMatrixRMaj oracleNoise = applyMatrix(fluct, oracle);
    CommonOps_DDRM.addEquals(oracleNoise, in.c0);

    double rhoDirect = Double.NaN;
    for (Method m : Method.values()) {
      final Solution s = GeneralSolver.solve(in.h, lambda, mu, noise, m);
      assertThat(s.diverges()).as("%s", m).isFalse();
      assertMatrixRel(s.sigma(), oracle, ORACLE_REL_TOL);
      assertMatrixRel(s.noise(), oracleNoise, ORACLE_REL_TOL);
      assertThat(s.relativeResidual()).as("%s", m).isLessThan(RESIDUAL_TOL);
      assertThat(s.spectralRadius()).as("%s", m).isLessThan(1);
      if (m == Method.DIRECT) {
        rhoDirect = s.spectralRadius();
      } else if (m == Method.ITERATIVE) {
        assertThat(s.spectralRadius()).isCloseTo(rhoDirect, within(RHO_TOL));
      }
    }
    assertThat(GeneralSolver.criticalScale(in.h, in.lambda0, mu, noise, Method.ITERATIVE))
        .isCloseTo(crit, within(CRITICAL_ITERATIVE_TOL * crit));
  }

  @ParameterizedTest(name = "D={0} S={1} mu={2} fraction={3}")
  @MethodSource("randomCases")
  void labelNoiseMatchesLabelNoiseTheoryByEveryMethod(int dim, int batch, double mu,
      double fraction, long seed) {
    final SplittableRandom rng = new SplittableRandom(seed);
    final double sigma2 = 0.1 + rng.nextDouble();
    final Instance in = labelNoise(dim, batch, sigma2, rng);
    final double crit = LabelNoiseTheory.criticalScale(in.h, in.lambda0, batch, mu);
    final DMatrixRMaj lambda = scaled(in.lambda0, fraction * crit);
    final Prediction expected = LabelNoiseTheory.solve(in.h, lambda, batch, mu, sigma2);
    assertThat(expected.diverges()).isFalse();
    for (Method m : Method.values()) {
      final Solution s = GeneralSolver.solve(in.h, lambda, mu, in.noise(), m);
      assertThat(s.diverges()).as("%s", m).isFalse();
      assertMatrixRel(s.sigma(), expected.sigma(), ORACLE_REL_TOL);
      assertMatrixRel(s.noise(), expected.noise(), ORACLE_REL_TOL);
      assertThat(s.relativeResidual()).as("%s", m).isLessThan(RESIDUAL_TOL);
      final double tol = m == Method.ITERATIVE ? CRITICAL_ITERATIVE_TOL : CRITICAL_EXACT_TOL;
      assertThat(GeneralSolver.criticalScale(in.h, in.lambda0, mu, in.noise(), m))
          .as("%s", m).isCloseTo(crit, within(tol * crit));
    }
  }

  @ParameterizedTest(name = "D={0} S={1} mu={2} fraction={3}")
  @MethodSource("randomCases")
  void empiricalModelMatchesKroneckerSolve(int dim, int batch, double mu, double fraction,
      long seed) {
    final SplittableRandom rng = new SplittableRandom(seed);
    final int rows = dim + 2 + rng.nextInt(10);
    final double[] xs = new double[rows * dim];
    final double[] res = new double[rows];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = rng.nextGaussian() * (1 + i % dim);
    }
    for (int i = 0; i < rows; i++) {
      res[i] = rng.nextGaussian();
    }
    final double factor = 1.0 / batch;
    final NoiseModel noise = GeneralSolver.empirical(xs, rows, dim, res, factor,
        new DMatrixRMaj(dim, dim));
    final DMatrixRMaj h = TestMatrices.spd(dim, rng);
    final DMatrixRMaj lambda0 = TestMatrices.spd(dim, rng);
    final double crit = GeneralSolver.criticalScale(h, lambda0, mu, noise);
    final DMatrixRMaj lambda = scaled(lambda0, fraction * crit);
    final DMatrixRMaj oracle = Theorem1Oracle.kronecker(lambda, h, mu,
        empiricalNoiseMatrix(xs, rows, dim, factor), noise.constant());
    for (Method m : new Method[] {Method.DIRECT, Method.ITERATIVE}) {
      final Solution s = GeneralSolver.solve(h, lambda, mu, noise, m);
      assertThat(s.diverges()).as("%s", m).isFalse();
      assertMatrixRel(s.sigma(), oracle, ORACLE_REL_TOL);
      assertThat(s.relativeResidual()).as("%s", m).isLessThan(RESIDUAL_TOL);
    }
  }

  @Test
  void iterativePathMatchesKroneckerSolveBeyondTheDirectSize() {
    // D = 24: D² = 576 > 64, so AUTO takes the iterative path.
    final int dim = 24;
    final SplittableRandom rng = new SplittableRandom(7L);
    for (double mu : new double[] {0, 0.6}) {
      final Instance in = l2(dim, 4, rng);
      final DMatrixRMaj lambda = scaled(in.lambda0,
          0.7 * GeneralSolver.criticalScale(in.h, in.lambda0, mu, in.noise()));
      final Solution s = GeneralSolver.solve(in.h, lambda, mu, in.noise());
      final DMatrixRMaj oracle = Theorem1Oracle.kronecker(lambda, in.h, mu,
          ExactMomentOracle.gaussianFluctuation(in.n, in.batch), in.c0);
      assertThat(s.diverges()).isFalse();
      assertMatrixRel(s.sigma(), oracle, ORACLE_REL_TOL);
      assertThat(s.relativeResidual()).isLessThan(RESIDUAL_TOL);
      assertThat(s.iterations()).isPositive();
    }
  }

  @ParameterizedTest(name = "D={0} S={1} mu={2} fraction={3}")
  @MethodSource("randomCases")
  void factoredConstantNoiseMatchesKroneckerSolve(int dim, int batch, double mu, double fraction,
      long seed) {
    // C₀ = αN + wwᵀ given factored (the l2 kind's form): same Σ as the oracle on every path,
    // with Λ and H not commuting with N.
    final SplittableRandom rng = new SplittableRandom(seed);
    final DMatrixRMaj a = TestMatrices.spd(dim, rng);
    final DMatrixRMaj h = a.copy();
    final DMatrixRMaj lambda0 = TestMatrices.spd(dim, rng);
    for (int i = 0; i < dim; i++) {
      h.add(i, i, 0.3 * rng.nextDouble());
    }
    final double alpha = 0.4 * rng.nextDouble() / batch;
    final double[] w = TestMatrices.gaussianVector(dim, rng);
    final NoiseModel noise = GeneralSolver.gaussian(a, batch, alpha, w);
    final DMatrixRMaj c0 = scaled(a, alpha);
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        c0.add(i, j, w[i] * w[j]);
      }
    }
    assertMatrixRel(noise.constant(), c0, 1e-15);
    final double crit = GeneralSolver.criticalScale(h, lambda0, mu, noise);
    assertThat(crit).isEqualTo(
        GeneralSolver.criticalScale(h, lambda0, mu, GeneralSolver.gaussian(a, batch, c0)));
    final DMatrixRMaj lambda = scaled(lambda0, fraction * crit);
    final DMatrixRMaj oracle = Theorem1Oracle.kronecker(lambda, h, mu,
        ExactMomentOracle.gaussianFluctuation(a, batch), c0);
    for (Method m : new Method[] {Method.AUTO, Method.DIRECT, Method.ITERATIVE}) {
      final Solution s = GeneralSolver.solve(h, lambda, mu, noise, m);
      assertThat(s.diverges()).as("%s", m).isFalse();
      assertMatrixRel(s.sigma(), oracle, ORACLE_REL_TOL);
      assertThat(s.relativeResidual()).as("%s", m).isLessThan(RESIDUAL_TOL);
    }
    assertThatThrownBy(() -> GeneralSolver.gaussian(a, batch, -1, w))
        .hasMessageContaining("α must be finite and >= 0: -1");
    assertThatThrownBy(() -> GeneralSolver.gaussian(a, batch, alpha, new double[dim + 1]))
        .hasMessageContaining("w must have " + dim + " entries: " + (dim + 1));
  }

  @ParameterizedTest(name = "D={0} S={1} mu={2} fraction={3}")
  @MethodSource("randomCases")
  void diagonalLearningRatesAndDiagonalRegularisersMatchKroneckerSolve(int dim, int batch,
      double mu, double fraction, long seed) {
    // Λ diagonal and H − N = Γ diagonal: C(Σ) and the residual come from HΣ and HΣH alone.
    final SplittableRandom rng = new SplittableRandom(seed);
    final DMatrixRMaj a = TestMatrices.spd(dim, rng);
    final DMatrixRMaj h = a.copy();
    final DMatrixRMaj lambda0 = new DMatrixRMaj(dim, dim);
    for (int i = 0; i < dim; i++) {
      h.add(i, i, 0.5 * rng.nextDouble() - 0.1);
      lambda0.set(i, i, 0.2 + rng.nextDouble());
    }
    final double shift = Math.max(0, 0.05 - LabelNoiseTheoryTest.minEigenvalue(h));
    for (int i = 0; i < dim; i++) {
      h.add(i, i, shift);
    }
    final DMatrixRMaj c0 = TestMatrices.spd(dim, rng);
    CommonOps_DDRM.scale(1.0 / batch, c0);
    final NoiseModel noise = GeneralSolver.gaussian(a, batch, c0);
    final double crit = GeneralSolver.criticalScale(h, lambda0, mu, noise);
    final DMatrixRMaj lambda = scaled(lambda0, fraction * crit);
    final DMatrixRMaj fluct = ExactMomentOracle.gaussianFluctuation(a, batch);
    final DMatrixRMaj oracle = Theorem1Oracle.kronecker(lambda, h, mu, fluct, c0);
    final DMatrixRMaj oracleNoise = applyMatrix(fluct, oracle);
    CommonOps_DDRM.addEquals(oracleNoise, c0);
    for (Method m : new Method[] {Method.DIRECT, Method.ITERATIVE}) {
      final Solution s = GeneralSolver.solve(h, lambda, mu, noise, m);
      assertThat(s.diverges()).as("%s", m).isFalse();
      assertMatrixRel(s.sigma(), oracle, ORACLE_REL_TOL);
      assertMatrixRel(s.noise(), oracleNoise, ORACLE_REL_TOL);
      assertThat(s.relativeResidual()).as("%s", m).isLessThan(RESIDUAL_TOL);
    }
  }

  static Stream<Arguments> chainCases() {
    final SplittableRandom rng = new SplittableRandom(99L);
    final List<Arguments> out = new ArrayList<>();
    for (double mu : new double[] {0, 0.5, 0.9}) {
      for (int k = 0; k < 6; k++) {
        out.add(Arguments.of(mu, 1 + k % 3, 1 + rng.nextInt(16), k % 2 == 0, rng.nextLong()));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "mu={0} D={1} S={2} l2={3}")
  @MethodSource("chainCases")
  void divergenceCriterionAndSigmaMatchTheExactSecondMomentMap(double mu, int dim, int batch,
      boolean l2, long seed) {
    final SplittableRandom rng = new SplittableRandom(seed);
    final Instance in = l2 ? l2(dim, batch, rng) : labelNoise(dim, batch, 0.7, rng);
    final DMatrixRMaj fluct = ExactMomentOracle.gaussianFluctuation(in.n, batch);
    for (Method m : Method.values()) {
      final double crit = GeneralSolver.criticalScale(in.h, in.lambda0, mu, in.noise(), m);
      // Halfway: the stationary Σ of the chain is Theorem 1's.
      final DMatrixRMaj half = scaled(in.lambda0, 0.5 * crit);
      final ExactMomentOracle.Chain mid = ExactMomentOracle.chain(in.h, half, mu, fluct, in.c0);
      final Solution s = GeneralSolver.solve(in.h, half, mu, in.noise(), m);
      assertThat(mid.rho()).isLessThan(1);
      assertMatrixRel(s.sigma(), mid.sigma(), ORACLE_REL_TOL);

      final DMatrixRMaj below = scaled(in.lambda0, (1 - CRITICAL_STEP) * crit);
      final DMatrixRMaj above = scaled(in.lambda0, (1 + CRITICAL_STEP) * crit);
      final ExactMomentOracle.Chain cb = ExactMomentOracle.chain(in.h, below, mu, fluct, in.c0);
      final ExactMomentOracle.Chain ca = ExactMomentOracle.chain(in.h, above, mu, fluct, in.c0);
      assertThat(cb.rho()).as("%s below", m).isLessThan(1);
      assertThat(ca.rho()).as("%s above", m).isGreaterThan(1);
      final Solution sb = GeneralSolver.solve(in.h, below, mu, in.noise(), m);
      final Solution sa = GeneralSolver.solve(in.h, above, mu, in.noise(), m);
      assertThat(sb.diverges()).as("%s below", m).isFalse();
      assertThat(sa.diverges()).as("%s above", m).isTrue();
      assertThat(sa.sigma()).isNull();
      assertMatrixRel(sb.sigma(), cb.sigma(), NEAR_CRITICAL_REL_TOL);
    }
  }

  @Test
  void defaultInBasisOfAnOpaqueModelGivesTheSameSolution() {
    final SplittableRandom rng = new SplittableRandom(3L);
    for (int dim : new int[] {3, 22}) {
      final Instance in = l2(dim, 2, rng);
      final NoiseModel opaque = new Opaque(in.noise());
      final DMatrixRMaj lambda = scaled(in.lambda0,
          0.5 * GeneralSolver.criticalScale(in.h, in.lambda0, 0.4, in.noise()));
      final Solution a = GeneralSolver.solve(in.h, lambda, 0.4, in.noise());
      final Solution b = GeneralSolver.solve(in.h, lambda, 0.4, opaque);
      assertMatrixRel(b.sigma(), a.sigma(), ORACLE_REL_TOL);
      assertThat(b.spectralRadius()).isCloseTo(a.spectralRadius(), within(RHO_TOL));
    }
  }

  /** A model that only exposes the interface (the default inBasis wraps it). */
  private record Opaque(NoiseModel inner) implements NoiseModel {
    @Override
    public int dim() {
      return inner.dim();
    }

    @Override
    public void applyLinear(DMatrixRMaj sigma, DMatrixRMaj out) {
      inner.applyLinear(sigma, out);
    }

    @Override
    public DMatrixRMaj constant() {
      return inner.constant();
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.5})
  void deterministicInstabilityAndIndefiniteHessianDiverge(double mu) {
    final SplittableRandom rng = new SplittableRandom(5L);
    final Instance in = l2(3, 4, rng);
    // Some mode beyond 2(1+μ): ρ(K) is undefined.
    final DMatrixRMaj big = CommonOps_DDRM.identity(3);
    CommonOps_DDRM.scale(2.01 * (1 + mu) / maxEigenvalue(in.h), big);
    final Solution s = GeneralSolver.solve(in.h, big, mu, in.noise());
    assertThat(s.diverges()).isTrue();
    assertThat(s.spectralRadius()).isNaN();
    // An indefinite Hessian is unstable at every scale.
    final DMatrixRMaj h = in.h.copy();
    h.add(0, 0, -10);
    assertThat(LabelNoiseTheoryTest.minEigenvalue(h)).isNegative();
    assertThat(GeneralSolver.solve(h, scaled(in.lambda0, 1e-6), mu, in.noise()).diverges())
        .isTrue();
    assertThat(GeneralSolver.criticalScale(h, in.lambda0, mu, in.noise())).isZero();
  }

  /** The largest eigenvalue of H. */
  private static double maxEigenvalue(DMatrixRMaj h) {
    final DMatrixRMaj neg = scaled(h, -1);
    return -LabelNoiseTheoryTest.minEigenvalue(neg);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.7})
  void flatDirectionsWithoutNoiseLeaveSigmaOnTheRange(double mu) {
    // A = Rᵀ diag(a, 0) R (rank 2 of 4), label noise, scalar λ: Σ = Rᵀ diag(Σ_range, 0) R with
    // Σ_range the 2-d Theorem 2 solution.
    final SplittableRandom rng = new SplittableRandom(11L);
    final int dim = 4;
    final DMatrixRMaj rot = TestMatrices.orthogonalQr(dim, rng);
    final double[] a = {1.3, 0.4, 0, 0};
    final DMatrixRMaj am = TestMatrices.rotateTransposed(rot, a);
    final int batch = 3;
    final double sigma2 = 0.5;
    final double lr = 0.6 * LabelNoiseTheory.criticalLr(new double[] {1.3, 0.4}, batch, mu);
    final DMatrixRMaj lambda = scaled(CommonOps_DDRM.identity(dim), lr);
    final Prediction range = LabelNoiseTheory.ofSpectrum(new double[] {1.3, 0.4}, lr, batch, mu,
        sigma2);
    final DMatrixRMaj c0 = scaled(am, sigma2 / batch);
    for (Method m : Method.values()) {
      final Solution s = GeneralSolver.solve(am, lambda, mu,
          GeneralSolver.gaussian(am, batch, c0), m);
      assertThat(s.diverges()).as("%s", m).isFalse();
      assertThat(CommonOps_DDRM.trace(s.sigma())).as("%s", m)
          .isCloseTo(range.traceSigma(), within(ORACLE_REL_TOL * range.traceSigma()));
      // Nothing along the null space of A.
      final DMatrixRMaj back = new DMatrixRMaj(dim, dim);
      final DMatrixRMaj tmp = new DMatrixRMaj(dim, dim);
      CommonOps_DDRM.mult(rot, s.sigma(), tmp);
      CommonOps_DDRM.multTransB(tmp, rot, back);
      assertThat(Math.abs(back.get(2, 2)) + Math.abs(back.get(3, 3)) + Math.abs(back.get(2, 0)))
          .as("%s", m).isLessThan(1e-12 * range.traceSigma());
      assertThat(s.relativeResidual()).isLessThan(RESIDUAL_TOL);
      assertThat(GeneralSolver.criticalScale(am, CommonOps_DDRM.identity(dim), mu,
          GeneralSolver.gaussian(am, batch, c0), m)).as("%s", m).isCloseTo(
          LabelNoiseTheory.criticalLr(new double[] {1.3, 0.4}, batch, mu),
          within(CRITICAL_ITERATIVE_TOL));
    }
    // Constant noise along the flat directions: a random walk, no stationary state.
    final DMatrixRMaj leak = CommonOps_DDRM.identity(dim);
    CommonOps_DDRM.scale(0.01, leak);
    final NoiseModel walk = GeneralSolver.gaussian(am, batch, leak);
    assertThat(GeneralSolver.solve(am, lambda, mu, walk).diverges()).isTrue();
    assertThat(GeneralSolver.criticalScale(am, lambda, mu, walk)).isZero();
  }

  @Test
  void invalidInputsAreRejectedWithTheirValue() {
    final DMatrixRMaj h = CommonOps_DDRM.identity(2);
    final NoiseModel noise = GeneralSolver.gaussian(h, 1, h);
    final DMatrixRMaj asym = h.copy();
    asym.set(0, 1, 0.3);
    assertThatThrownBy(() -> GeneralSolver.solve(asym, h, 0, noise))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not symmetric");
    assertThatThrownBy(() -> GeneralSolver.solve(h, h, 1.0, noise))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1): 1.0");
    assertThatThrownBy(() -> GeneralSolver.solve(h, scaled(h, -1), 0, noise))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive definite");
    assertThatThrownBy(() -> GeneralSolver.solve(CommonOps_DDRM.identity(3), h, 0, noise))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one dimension");
    assertThatThrownBy(() -> GeneralSolver.gaussian(h, 0, h))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1: 0");
    assertThatThrownBy(() -> GeneralSolver.empirical(new double[3], 2, 2, new double[2], 1, h))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length=3");
    assertThatThrownBy(() -> GeneralSolver.empirical(new double[4], 2, 2, new double[2],
        Double.NaN, h)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
  }

  // ---------------------------------------------------------------------------- helpers
}
