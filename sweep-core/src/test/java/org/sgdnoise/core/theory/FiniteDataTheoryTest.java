package org.sgdnoise.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
import org.junit.jupiter.params.provider.ValueSource;
import org.sgdnoise.core.theory.FiniteDataTheory.Sampling;

/**
 * Finite-data theory (Proposition 8 + Theorem 1 with empirical moments) against (1) the P801/P802
 * reference cases and an enumeration of every minibatch; (2) the exact moments of SGD on tiny
 * data sets, built from every minibatch in w itself (ExactMomentOracle.dataset: no w*, no
 * residuals, no noise formula), with and without replacement, momentum and ridge; (3) the exact
 * transient from w₀ = 0 when N &lt; D; (4) its own 1-d closed form; (5) LabelNoiseTheory as N → ∞.
 */
class FiniteDataTheoryTest {
  /** Prop. 8 against the reference values (computed exactly there). */
  private static final double REFERENCE_REL_TOL = 1e-12;
  /** Theory vs exact enumeration: both direct solves. */
  private static final double EXACT_REL_TOL = 1e-9;
  /** The 1-d closed form vs the general path. */
  private static final double CLOSED_FORM_REL_TOL = 1e-10;
  /** Relative distance from the critical scale at which the exact chain must agree. */
  private static final double CRITICAL_STEP = 1e-3;
  /** Steps of the exact moment recursion from w₀ = 0 (it contracts geometrically). */
  private static final int TRANSIENT_STEPS = 20_000;
  /** |finite N − (N → ∞)| / value below this over √N (sampling error of the moments). */
  private static final double LARGE_N_CONSTANT = 10;

  // ---------------------------------------------------------------------------- Prop. 8

  static Stream<JsonNode> prop8Cases() {
    final List<JsonNode> out = References.linearRegression(
        c -> c.get("family").asText().equals("prop8_finite_N_noise"));
    assertThat(out).extracting(c -> c.get("id").asText()).contains("P801", "P802");
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("prop8Cases")
  void prop8MatchesReferenceValuesAndEveryMinibatch(JsonNode c) {
    final JsonNode grads = c.get("inputs").get("per_sample_gradients");
    final int rows = grads.size();
    final int dim = grads.get(0).size();
    final int batch = c.get("inputs").get("S").asInt();
    final double[] g = new double[rows * dim];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        g[i * dim + j] = grads.get(i).get(j).asDouble();
      }
    }
    for (Sampling s : Sampling.values()) {
      final boolean repl = s == Sampling.WITH_REPLACEMENT;
      final DMatrixRMaj expected = LabelNoiseTheoryTest.matrix(c.get("expected")
          .get(repl ? "C_with_replacement" : "C_without_replacement"));
      TestAsserts.assertMatrixRel(FiniteDataTheory.minibatchNoise(g, rows, dim, batch, s),
          expected, REFERENCE_REL_TOL);
      // The empirical model's constant with xᵢ = gᵢ, rᵢ = 1 is the same covariance.
      final double[] ones = new double[rows];
      java.util.Arrays.fill(ones, 1);
      TestAsserts.assertMatrixRel(GeneralSolver.empirical(g, rows, dim, ones,
          FiniteDataTheory.samplingFactor(rows, batch, s), new DMatrixRMaj(dim, dim)).constant(),
          expected, REFERENCE_REL_TOL);
      // Independently: the covariance of the batch-mean gradient over every minibatch.
      TestAsserts.assertMatrixRel(enumeratedNoise(g, rows, dim, batch, repl), expected,
          REFERENCE_REL_TOL);
    }
  }

  /** cov over every equally likely minibatch of (1/S) Σ_{i∈b} gᵢ. */
  static DMatrixRMaj enumeratedNoise(double[] g, int rows, int dim, int batch, boolean repl) {
    final List<int[]> all = ExactMomentOracle.batches(rows, batch, repl);
    final double[] mean = new double[dim];
    final DMatrixRMaj second = new DMatrixRMaj(dim, dim);
    for (int[] b : all) {
      final double[] gb = new double[dim];
      for (int i : b) {
        for (int j = 0; j < dim; j++) {
          gb[j] += g[i * dim + j] / batch;
        }
      }
      for (int j = 0; j < dim; j++) {
        mean[j] += gb[j] / all.size();
        for (int k = 0; k < dim; k++) {
          second.add(j, k, gb[j] * gb[k] / all.size());
        }
      }
    }
    for (int j = 0; j < dim; j++) {
      for (int k = 0; k < dim; k++) {
        second.add(j, k, -mean[j] * mean[k]);
      }
    }
    return second;
  }

  // ---------------------------------------------------------------------------- data sets

  /** A data set y = uᵀx + ε with anisotropic x; xs row-major. */
  record Data(double[] xs, double[] ys, int rows, int dim, double[] u, DMatrixRMaj a) {
    static Data random(int rows, int dim, double noise, SplittableRandom rng) {
      final DMatrixRMaj a = TestMatrices.spd(dim, rng);
      final DMatrixRMaj chol = a.copy();
      final var dec = org.ejml.dense.row.factory.DecompositionFactory_DDRM.chol(dim, true);
      assertThat(dec.decompose(chol)).isTrue();
      final DMatrixRMaj l = dec.getT(null);
      final double[] u = new double[dim];
      for (int j = 0; j < dim; j++) {
        u[j] = rng.nextGaussian();
      }
      final double[] xs = new double[rows * dim];
      final double[] ys = new double[rows];
      final double[] z = new double[dim];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < dim; j++) {
          z[j] = rng.nextGaussian();
        }
        double y = noise * rng.nextGaussian();
        for (int j = 0; j < dim; j++) {
          double x = 0;
          for (int k = 0; k <= j; k++) {
            x += l.get(j, k) * z[k];
          }
          xs[i * dim + j] = x;
          y += u[j] * x;
        }
        ys[i] = y;
      }
      return new Data(xs, ys, rows, dim, u, a);
    }

    /** Â = (1/N) Σ xᵢxᵢᵀ. */
    DMatrixRMaj ahat() {
      final DMatrixRMaj x = new DMatrixRMaj(rows, dim, true, xs);
      final DMatrixRMaj out = new DMatrixRMaj(dim, dim);
      CommonOps_DDRM.multTransA(x, x, out);
      CommonOps_DDRM.scale(1.0 / rows, out);
      return out;
    }
  }

  static Stream<Arguments> tinyCases() {
    final SplittableRandom rng = new SplittableRandom(314L);
    final List<Arguments> out = new ArrayList<>();
    // Negative values are fractions of λ_min(Â), so that Â + γI stays positive definite.
    final double[] gammas = {0, 0.25, -0.4};
    int k = 0;
    for (Sampling s : Sampling.values()) {
      for (double mu : new double[] {0, 0.6}) {
        for (double gamma : gammas) {
          final int dim = 1 + k % 3;
          final int rows = Math.max(dim + 1, 3 + (k % 4));
          final int batch = 1 + k % Math.min(3, rows - 1);
          out.add(Arguments.of(rows, dim, batch, s, mu, gamma, rng.nextLong()));
          k++;
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "N={0} D={1} S={2} {3} mu={4} gamma={5}")
  @MethodSource("tinyCases")
  void matchesExactMomentsOverEveryMinibatch(int rows, int dim, int batch, Sampling sampling,
      double mu, double gammaSpec, long seed) {
    final SplittableRandom rng = new SplittableRandom(seed);
    final Data d = Data.random(rows, dim, 0.5, rng);
    final double gamma = gammaSpec < 0 ? gammaSpec * LabelNoiseTheoryTest.minEigenvalue(d.ahat())
        : gammaSpec;
    final DMatrixRMaj lambda0 = dim == 1 ? CommonOps_DDRM.identity(1)
        : TestMatrices.spd(dim, rng);
    final boolean repl = sampling == Sampling.WITH_REPLACEMENT;
    final double crit = FiniteDataTheory.criticalScale(d.xs, d.ys, rows, dim, gamma, lambda0,
        batch, mu, sampling);
    assertThat(crit).isPositive();

    final DMatrixRMaj lambda = GeneralSolverTest.scaled(lambda0, 0.5 * crit);
    final Prediction p = FiniteDataTheory.predict(d.xs, d.ys, rows, dim, gamma, d.a, d.u, lambda,
        batch, mu, sampling);
    final ExactMomentOracle.Chain ex = ExactMomentOracle.dataset(d.xs, d.ys, rows, dim, gamma,
        lambda, batch, mu, repl);
    assertThat(p.diverges()).isFalse();
    assertThat(ex.rho()).isLessThan(1);
    TestAsserts.assertMatrixRel(p.sigma(), ex.sigma(), EXACT_REL_TOL);
    final Losses l = Losses.of(d, gamma, ex.mean(), ex.sigma());
    assertRel(p.lTrain(), l.train);
    assertRel(p.lTest(), l.test);
    assertRel(p.trASigma(), l.trASigma);
    assertRel(p.traceNoise(), exactNoiseTrace(d, gamma, batch, repl, ex.mean(), ex.sigma()));

    // Divergence exactly at the critical scale.
    final DMatrixRMaj below = GeneralSolverTest.scaled(lambda0, (1 - CRITICAL_STEP) * crit);
    final DMatrixRMaj above = GeneralSolverTest.scaled(lambda0, (1 + CRITICAL_STEP) * crit);
    assertThat(ExactMomentOracle.dataset(d.xs, d.ys, rows, dim, gamma, below, batch, mu, repl)
        .rho()).isLessThan(1);
    assertThat(ExactMomentOracle.dataset(d.xs, d.ys, rows, dim, gamma, above, batch, mu, repl)
        .rho()).isGreaterThan(1);
    assertThat(FiniteDataTheory.predict(d.xs, d.ys, rows, dim, gamma, d.a, d.u, below, batch, mu,
        sampling).diverges()).isFalse();
    assertThat(FiniteDataTheory.predict(d.xs, d.ys, rows, dim, gamma, d.a, d.u, above, batch, mu,
        sampling).diverges()).isTrue();
  }

  /** E L̂(w), the test loss and Tr[AΣ] from a mean and covariance of w. */
  record Losses(double train, double test, double trASigma) {
    static Losses of(Data d, double gamma, double[] mean, DMatrixRMaj sigma) {
      final int n = d.dim;
      double train = 0;
      for (int i = 0; i < d.rows; i++) {
        double r = -d.ys[i];
        double xsx = 0;
        for (int j = 0; j < n; j++) {
          r += d.xs[i * n + j] * mean[j];
          for (int k = 0; k < n; k++) {
            xsx += d.xs[i * n + j] * sigma.get(j, k) * d.xs[i * n + k];
          }
        }
        train += (r * r + xsx) / (2.0 * d.rows);
      }
      double bias = 0;
      double tr = 0;
      for (int j = 0; j < n; j++) {
        train += 0.5 * gamma * (mean[j] * mean[j] + sigma.get(j, j));
        for (int k = 0; k < n; k++) {
          bias += (mean[j] - d.u[j]) * d.a.get(j, k) * (mean[k] - d.u[k]);
          tr += d.a.get(j, k) * sigma.get(k, j);
        }
      }
      return new Losses(train, 0.5 * (tr + bias), tr);
    }
  }

  /**
   * Tr E_w[cov_b g_b(w)] over every minibatch, for w with the given mean and covariance:
   * g_b(w) − ḡ(w) = (H_b − H)w − (q_b − q).
   */
  static double exactNoiseTrace(Data d, double gamma, int batch, boolean repl, double[] mean,
      DMatrixRMaj sigma) {
    final int n = d.dim;
    final List<int[]> all = ExactMomentOracle.batches(d.rows, batch, repl);
    final DMatrixRMaj second = sigma.copy();
    for (int j = 0; j < n; j++) {
      for (int k = 0; k < n; k++) {
        second.add(j, k, mean[j] * mean[k]);
      }
    }
    final DMatrixRMaj hbar = new DMatrixRMaj(n, n);
    final double[] qbar = new double[n];
    final List<DMatrixRMaj> hs = new ArrayList<>();
    final List<double[]> qs = new ArrayList<>();
    for (int[] b : all) {
      final DMatrixRMaj hb = CommonOps_DDRM.identity(n);
      CommonOps_DDRM.scale(gamma, hb);
      final double[] qb = new double[n];
      for (int i : b) {
        for (int j = 0; j < n; j++) {
          qb[j] += d.xs[i * n + j] * d.ys[i] / batch;
          for (int k = 0; k < n; k++) {
            hb.add(j, k, d.xs[i * n + j] * d.xs[i * n + k] / batch);
          }
        }
      }
      CommonOps_DDRM.addEquals(hbar, 1.0 / all.size(), hb);
      for (int j = 0; j < n; j++) {
        qbar[j] += qb[j] / all.size();
      }
      hs.add(hb);
      qs.add(qb);
    }
    double trace = 0;
    for (int k = 0; k < all.size(); k++) {
      final DMatrixRMaj dh = hs.get(k).copy();
      CommonOps_DDRM.subtractEquals(dh, hbar);
      final double[] dq = new double[n];
      for (int j = 0; j < n; j++) {
        dq[j] = qs.get(k)[j] - qbar[j];
      }
      // Tr E[(ΔH w − Δq)(ΔH w − Δq)ᵀ] = Tr[ΔH E[wwᵀ] ΔHᵀ] − 2 (ΔH w̄)ᵀΔq + |Δq|².
      final DMatrixRMaj tmp = new DMatrixRMaj(n, n);
      final DMatrixRMaj out = new DMatrixRMaj(n, n);
      CommonOps_DDRM.mult(dh, second, tmp);
      CommonOps_DDRM.multTransB(tmp, dh, out);
      double t = CommonOps_DDRM.trace(out);
      for (int j = 0; j < n; j++) {
        double dhw = 0;
        for (int l = 0; l < n; l++) {
          dhw += dh.get(j, l) * mean[l];
        }
        t += -2 * dhw * dq[j] + dq[j] * dq[j];
      }
      trace += t / all.size();
    }
    return trace;
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.5})
  void fewerRowsThanDimensionsInterpolateAtTheMinimumNormSolution(double mu) {
    // N = 2 < D = 3, γ = 0: Â is singular and least squares interpolates, so every residual and
    // hence the noise at w* vanish (Proposition 2): Σ = 0. SGD from w₀ = 0 stays in
    // w₀ + Λ·range(Â); its mean is the minimum-Λ⁻¹-norm solution. The exact recursion is iterated.
    final SplittableRandom rng = new SplittableRandom(2718L);
    final Data d = Data.random(2, 3, 0.5, rng);
    for (Sampling s : Sampling.values()) {
      for (boolean scalar : new boolean[] {true, false}) {
        final DMatrixRMaj lambda0 = scalar ? CommonOps_DDRM.identity(3)
            : TestMatrices.spd(3, rng);
        // From w₀ = 0 (the default) and from the teacher, as the engine's simulator starts:
        // starting at u leaves no error along the null space of Â, so the test loss is lower.
        final double[] lTest = new double[2];
        final double[][] starts = {new double[3], d.u};
        for (int k = 0; k < 2; k++) {
          final Transient t = Transient.run(d, lambda0, 1, mu, s, starts[k]);
          lTest[k] = t.p.lTest();
          assertThat(t.p.diverges()).isFalse();
          assertThat(t.p.traceSigma()).isLessThan(1e-12);
          assertThat(CommonOps_DDRM.trace(t.ex.sigma())).isLessThan(1e-12);
          assertRel(t.p.lTest(), t.losses.test);
          // Interpolation: the training loss is 0 up to rounding.
          assertThat(t.p.lTrain()).isCloseTo(0, within(1e-12));
          assertThat(t.losses.train).isCloseTo(0, within(1e-12));
        }
        assertThat(lTest[1]).isLessThan(lTest[0]);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.5})
  void rankDeficientRowsLeaveSigmaOnTheRange(double mu) {
    // N = 7 rows in a 2-d subspace of ℝ³ (x₃ = 0.7x₁ − 0.4x₂), γ = 0: the residuals do not
    // vanish, Σ is non-trivial on range(Â) and the flat direction carries no noise.
    final SplittableRandom rng = new SplittableRandom(1618L);
    final Data base = Data.random(7, 3, 0.5, rng);
    final double[] xs = base.xs.clone();
    for (int i = 0; i < 7; i++) {
      xs[i * 3 + 2] = 0.7 * xs[i * 3] - 0.4 * xs[i * 3 + 1];
    }
    final Data d = new Data(xs, base.ys, 7, 3, base.u, base.a);
    for (Sampling s : Sampling.values()) {
      for (boolean scalar : new boolean[] {true, false}) {
        final DMatrixRMaj lambda0 = scalar ? CommonOps_DDRM.identity(3)
            : TestMatrices.spd(3, rng);
        final Transient t = Transient.run(d, lambda0, 2, mu, s, new double[] {0.3, -0.2, 0.5});
        assertThat(t.p.diverges()).isFalse();
        assertThat(t.p.traceSigma()).isGreaterThan(1e-6);
        TestAsserts.assertMatrixRel(t.p.sigma(), t.ex.sigma(), EXACT_REL_TOL);
        assertRel(t.p.lTest(), t.losses.test);
        assertRel(t.p.lTrain(), t.losses.train);
      }
    }
  }

  /** Theory at half the critical scale and the exact moments after many steps from w₀. */
  record Transient(Prediction p, ExactMomentOracle.Chain ex, Losses losses) {
    static Transient run(Data d, DMatrixRMaj lambda0, int batch, double mu, Sampling s,
        double[] start) {
      final double crit = FiniteDataTheory.criticalScale(d.xs, d.ys, d.rows, d.dim, 0, lambda0,
          batch, mu, s);
      assertThat(crit).isPositive();
      final DMatrixRMaj lambda = GeneralSolverTest.scaled(lambda0, 0.5 * crit);
      final Prediction p = FiniteDataTheory.predict(d.xs, d.ys, d.rows, d.dim, 0, d.a, d.u,
          lambda, batch, mu, s, start);
      final ExactMomentOracle.Chain ex = ExactMomentOracle.datasetTransient(d.xs, d.ys, d.rows,
          d.dim, 0, lambda, batch, mu, s == Sampling.WITH_REPLACEMENT, start, TRANSIENT_STEPS);
      return new Transient(p, ex, Losses.of(d, 0, ex.mean(), ex.sigma()));
    }
  }

  static Stream<Arguments> oneDimCases() {
    final SplittableRandom rng = new SplittableRandom(17L);
    final List<Arguments> out = new ArrayList<>();
    for (Sampling s : Sampling.values()) {
      for (double mu : new double[] {0, 0.3, 0.9}) {
        // γ as a fraction of m₂ (negative ones keep h = m₂ + γ > 0).
        for (double gamma : new double[] {0, 0.4, -0.6}) {
          out.add(Arguments.of(s, mu, gamma, 1 + rng.nextInt(8), rng.nextLong()));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} mu={1} gamma={2} S={3}")
  @MethodSource("oneDimCases")
  void oneDimensionalClosedFormMatchesTheGeneralPath(Sampling s, double mu, double gammaFraction,
      int batch, long seed) {
    final Data d = Data.random(40, 1, 0.7, new SplittableRandom(seed));
    final double gamma = gammaFraction * d.ahat().get(0, 0);
    final double crit = FiniteDataTheory.criticalLrOneDim(d.xs, gamma, batch, mu, s);
    final double general = FiniteDataTheory.criticalScaleGeneral(d.xs, d.ys, d.rows, 1, gamma,
        CommonOps_DDRM.identity(1), batch, mu, s);
    assertThat(crit).isCloseTo(general, within(CLOSED_FORM_REL_TOL * crit));
    for (double fraction : new double[] {0.2, 0.9}) {
      final double lr = fraction * crit;
      final Prediction p = FiniteDataTheory.predictOneDim(d.xs, d.ys, gamma, d.a.get(0, 0),
          d.u[0], lr, batch, mu, s);
      final Prediction q = FiniteDataTheory.predictGeneral(d.xs, d.ys, d.rows, 1, gamma, d.a,
          d.u, GeneralSolverTest.scaled(CommonOps_DDRM.identity(1), lr), batch, mu, s,
          new double[1]);
      assertThat(p.diverges()).isFalse();
      assertThat(q.diverges()).isFalse();
      assertClose(p.traceSigma(), q.traceSigma());
      assertClose(p.trASigma(), q.trASigma());
      assertClose(p.lTrain(), q.lTrain());
      assertClose(p.lTest(), q.lTest());
      assertClose(p.traceNoise(), q.traceNoise());
    }
    assertThat(FiniteDataTheory.predictOneDim(d.xs, d.ys, gamma, 1, 0, 1.001 * crit, batch, mu,
        s).diverges()).isTrue();
  }

  @Test
  void largeDataSetsApproachTheLabelNoiseTheory() {
    // y = uᵀx + ε, x ~ N(0, A): as N → ∞ the data-set theory becomes Theorems 2 and 8, within
    // the O(N^-½) sampling error of the moments.
    final SplittableRandom rng = new SplittableRandom(1234L);
    final double sigma2 = 0.49;
    final int batch = 4;
    final double mu = 0.3;
    for (int dim : new int[] {1, 2}) {
      for (int rows : new int[] {10_000, 1_000_000}) {
        final Data d = Data.random(rows, dim, Math.sqrt(sigma2), rng);
        final DMatrixRMaj lambda0 = dim == 1 ? CommonOps_DDRM.identity(1)
            : TestMatrices.spd(dim, new SplittableRandom(5L));
        final DMatrixRMaj lambda = GeneralSolverTest.scaled(lambda0,
            0.5 * LabelNoiseTheory.criticalScale(d.a, lambda0, batch, mu));
        final Prediction inf = LabelNoiseTheory.solve(d.a, lambda, batch, mu, sigma2);
        final double tol = LARGE_N_CONSTANT / Math.sqrt(rows);
        for (Sampling s : Sampling.values()) {
          final Prediction p = FiniteDataTheory.predict(d.xs, d.ys, rows, dim, 0, d.a, d.u,
              lambda, batch, mu, s);
          assertThat(p.diverges()).isFalse();
          assertThat(p.traceSigma()).as("D=%d N=%d", dim, rows)
              .isCloseTo(inf.traceSigma(), within(tol * inf.traceSigma()));
          assertThat(p.lTest()).isCloseTo(inf.lTest(), within(tol * inf.lTest()));
          assertThat(p.lTrain()).isCloseTo(inf.lTrain(), within(tol * inf.lTrain()));
          assertThat(p.traceNoise()).isCloseTo(CommonOps_DDRM.trace(inf.noise()),
              within(tol * CommonOps_DDRM.trace(inf.noise())));
        }
      }
    }
  }

  @Test
  void fullBatchWithoutReplacementIsNoiseless() {
    final Data d = Data.random(6, 2, 0.5, new SplittableRandom(8L));
    final double crit = FiniteDataTheory.criticalLr(d.xs, d.ys, 6, 2, 0.1, 6, 0.5,
        Sampling.WITHOUT_REPLACEMENT);
    // No noise: the only limit is the deterministic one, λ·h_max < 2(1+μ).
    final double hMax = -LabelNoiseTheoryTest.minEigenvalue(GeneralSolverTest.scaled(d.ahat(), -1))
        + 0.1;
    assertThat(crit).isCloseTo(3 / hMax, within(1e-12 * crit));
    final DMatrixRMaj lambda = GeneralSolverTest.scaled(CommonOps_DDRM.identity(2), 0.5 * crit);
    final Prediction p = FiniteDataTheory.predict(d.xs, d.ys, 6, 2, 0.1, d.a, d.u, lambda, 6,
        0.5, Sampling.WITHOUT_REPLACEMENT);
    assertThat(FiniteDataTheory.samplingFactor(6, 6, Sampling.WITHOUT_REPLACEMENT)).isZero();
    assertThat(p.diverges()).isFalse();
    assertThat(p.traceSigma()).isZero();
    assertThat(p.traceNoise()).isZero();
    final ExactMomentOracle.Chain ex = ExactMomentOracle.dataset(d.xs, d.ys, 6, 2, 0.1, lambda,
        6, 0.5, false);
    assertRel(p.lTrain(), Losses.of(d, 0.1, ex.mean(), ex.sigma()).train);
  }

  @Test
  void invalidInputsAreRejectedWithTheirValue() {
    final double[] xs = {1, 2, 3, 4};
    final double[] ys = {1, 2};
    final DMatrixRMaj eye = CommonOps_DDRM.identity(2);
    final double[] u = {0, 0};
    assertThatThrownBy(() -> FiniteDataTheory.predict(xs, ys, 2, 2, 0, eye, u, eye, 3, 0,
        Sampling.WITHOUT_REPLACEMENT)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch exceeds the number of rows 2: 3");
    assertThatThrownBy(() -> FiniteDataTheory.predict(xs, new double[3], 2, 2, 0, eye, u, eye, 1,
        0, Sampling.WITH_REPLACEMENT)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one label per row (2): 3");
    assertThatThrownBy(() -> FiniteDataTheory.predict(xs, ys, 2, 2, 0,
        CommonOps_DDRM.identity(3), u, eye, 1, 0, Sampling.WITH_REPLACEMENT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A must be 2x2: 3x3");
    assertThatThrownBy(() -> FiniteDataTheory.predictOneDim(xs, new double[4], 0, 1, 0, -1, 1, 0,
        Sampling.WITH_REPLACEMENT)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive and finite: -1.0");
    assertThatThrownBy(() -> FiniteDataTheory.predict(xs, ys, 2, 2, 0, eye, u, eye, 1, 1.0,
        Sampling.WITH_REPLACEMENT)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1): 1.0");
  }

  // ---------------------------------------------------------------------------- helpers

  private static void assertRel(double actual, double expected) {
    assertThat(actual).isCloseTo(expected, within(EXACT_REL_TOL * Math.abs(expected) + 1e-300));
  }

  private static void assertClose(double actual, double expected) {
    assertThat(actual).isCloseTo(expected,
        within(CLOSED_FORM_REL_TOL * Math.abs(expected) + 1e-300));
  }
}
