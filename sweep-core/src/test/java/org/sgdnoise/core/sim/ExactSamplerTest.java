package org.sgdnoise.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.result.CellEvaluator;
import org.sgdnoise.core.result.CellResult;
import org.sgdnoise.core.theory.MomentStability;

/**
 * The exact minibatch sampler ({@code sampler: exact}: one χ²_S and D + 1 normals per step, see
 * {@link Simulator}) draws the law of direct sampling ({@code sampler: direct}: S fresh samples).
 *
 * <h2>The exact law of one minibatch at a fixed w</h2>
 *
 * In the problem's coordinates (A's eigenbasis, K = A + B diagonal) a sample is (x̃, y), x̃ ~ N(0,
 * K), y = uᵀx + ε, and its residual r = x̃ᵀw − y is N(0, s²) with s² = wᵀKw − 2wᵀAu + uᵀAu + σ²;
 * E[x̃ᵢr] = mᵢ with m = Kw − Au = ∇L(w) (ridge excluded, as in {@link Simulator#minibatches}).
 * Gradient component i of one sample is the product x̃ᵢr of two jointly normal variables, whose
 * cumulant generating function is −½ln[(1 − tλ₊)(1 − tλ₋)], λ± = mᵢ ± √(kᵢs²); the minibatch
 * gradient averages S independent samples, so its cumulants are
 *
 * <pre>
 *   κₙ(gᵢ) = ½(n−1)! (λ₊ⁿ + λ₋ⁿ) / S^(n−1)       (κ₁ = mᵢ, κ₂ = (kᵢs² + mᵢ²)/S),
 *   cov(gᵢ, gⱼ) = mᵢmⱼ/S (i ≠ j),   i.e. C(w) = (K s² + m mᵀ)/S,
 * </pre>
 *
 * Proposition 1 with the Gaussian fourth moments; for label noise (K = A, u shifted to 0) this is
 * Lemma 1's C = (1/S)(AΣA + Tr[AΣ]A + σ²A) with Σ → wwᵀ. The minibatch loss ℓ = (1/2S)Σⱼrⱼ² is
 * (s²/2S)χ²_S, so κₙ(ℓ) = (n−1)! s²ⁿ / (2S^(n−1)), and cov(gᵢ, ℓ) = (1/2S)(E[x̃ᵢr³] − s²mᵢ) =
 * mᵢs²/S by Isserlis. These values are computed here from the cell's parameters alone (spectrum,
 * input noise, teacher, σ²), independently of {@link Problem}.
 *
 * <h2>Checks and tolerances</h2>
 *
 * <ul>
 *   <li><b>Moments.</b> For each of 10 laws (1-d label noise with S = 1, 2, 32, 1000; 3-d label
 *       noise with S = 2 &lt; D + 1 and S = 8 ≥ D + 1; 2-d input noise with a teacher and S = 1,
 *       4; 2-d l2 with γ = −0.4 and S = 2, 16), at a w ≠ w*, 4·10⁵ minibatches (10⁵ at S = 1000)
 *       from each sampler give unbiased k-statistics k₁…k₄ (the first four cumulants, equivalent
 *       to the moments up to the 4th) of every gradient component and of the loss, and the
 *       covariances cov(gᵢ, gⱼ), cov(gᵢ, ℓ). Each is compared with its exact value for both
 *       samplers, and the two samplers with each other. Standard errors come from the spread over
 *       {@link #BATCHES} consecutive batches of the samples (unbiased within each batch, so their
 *       mean is unbiased; 100 batch values make the z-score close to normal). There are about
 *       420 such comparisons; |z| ≤ {@link #Z_MAX} = 4.5 is the Bonferroni level for a
 *       family-wise false-failure probability of about 3·10⁻³ (P(|N(0,1)| &gt; 4.5) = 6.8·10⁻⁶).
 *   <li><b>Distributions.</b> A two-sample Kolmogorov–Smirnov test on every gradient component
 *       and the loss, exact against direct, at level {@link #KS_FAMILY_LEVEL} = 10⁻³ Bonferroni
 *       divided over all KS comparisons of the laws (p &gt; 10⁻³/28). {@link
 *       #testsRejectWrongLaws} shows both tests have power: they reject a law with S + 1 and a
 *       gradient scaled by 5 %.
 *   <li><b>Stationary state.</b> Full chains (exact against direct) agree in Tr Σ, L_train,
 *       L_test and Tr C within 4 standard errors of their difference, and each agrees with the
 *       theory within 4 (batch means over 2 × 32 batches; about 60 comparisons, P(|z| &gt; 4) ≈
 *       10⁻⁴ each for the t-distributed batch-means z). The cells have a tail index well above 4
 *       (the theory README's caveat): 1-d cells have finite 4th and 6th moments by {@link
 *       MomentStability}, the others sit at ≤ 0.4 λ_c and their measured Hill index is asserted
 *       to exceed 4.
 * </ul>
 *
 * The seeds are fixed, so every outcome is deterministic; the probabilities above are those of a
 * false failure for a fresh choice of seed.
 */
class ExactSamplerTest {
  /** Bonferroni level for the ~420 moment comparisons (family-wise ≈ 3·10⁻³). */
  private static final double Z_MAX = 4.5;
  /** Level of each stationary-state comparison (as in SimulationAgreementTest). */
  private static final double Z_CHAIN = 4.0;
  /** Consecutive batches of the samples behind each standard error. */
  private static final int BATCHES = 100;
  /** Family-wise level of all KS comparisons of {@link #laws()}. */
  private static final double KS_FAMILY_LEVEL = 1e-3;
  /** Minibatches drawn per sampler and law (fewer at S = 1000, where direct sampling costs S). */
  private static final int COUNT = 400_000;
  private static final int COUNT_LARGE_S = 100_000;
  /** lr of the law cells: irrelevant to one minibatch, but a cell needs one. */
  private static final double ANY_LR = 0.1;
  /** Replicate streams: exact and direct samples come from different replicates' seeds. */
  private static final int EXACT_STREAM = 0;
  private static final int DIRECT_STREAM = 1;

  /**
   * One minibatch law: a cell's kind and parameters (without lr and batch), S, and the fixed w in
   * the problem's coordinates (label noise: w − u).
   */
  record Law(String kind, String params, int batch, double[] w) {
    int count() {
      return batch >= 1000 ? COUNT_LARGE_S : COUNT;
    }

    Cell cell(String sampler, int s) {
      return SimCells.cell(kind, ANY_LR, params + ", batch: " + s,
          "{mode: streaming, steps: 1000, sampler: " + sampler + "}");
    }

    int dim() {
      return w.length;
    }

    @Override
    public String toString() {
      return kind + " {" + params + "} S=" + batch + " w=" + Arrays.toString(w);
    }
  }

  private static final String LABEL_1D = "spectrum: [1.5], label_noise_var: 1.0";
  private static final String LABEL_3D = "spectrum: [1.0, 0.5, 0.25], label_noise_var: 0.5";
  private static final String INPUT_2D = "spectrum: [1.0, 0.5], input_noise_spectrum: [0.3, 0.6],"
      + " teacher: [1.0, -0.5]";
  private static final String L2_2D = "spectrum: [2.0, 1.0], weight_decay: -0.4,"
      + " teacher: [1.0, 1.0]";
  private static final double[] W_1D = {0.6};
  private static final double[] W_3D = {0.3, -0.5, 0.8};
  private static final double[] W_INPUT = {0.2, 0.4}; // w* = (0.769, −0.227)
  private static final double[] W_L2 = {0.5, 1.5}; // w* = (1.25, 1.667)

  static List<Law> laws() {
    return List.of(
        new Law("label_noise", LABEL_1D, 1, W_1D),
        new Law("label_noise", LABEL_1D, 2, W_1D),
        new Law("label_noise", LABEL_1D, 32, W_1D),
        new Law("label_noise", LABEL_1D, 1000, W_1D),
        new Law("label_noise", LABEL_3D, 2, W_3D),
        new Law("label_noise", LABEL_3D, 8, W_3D),
        new Law("input_noise", INPUT_2D, 1, W_INPUT),
        new Law("input_noise", INPUT_2D, 4, W_INPUT),
        new Law("l2", L2_2D, 2, W_L2),
        new Law("l2", L2_2D, 16, W_L2));
  }

  /** KS comparisons over all laws (one per gradient component and one for the loss). */
  private static final int KS_TESTS = laws().stream().mapToInt(l -> l.dim() + 1).sum();
  /** Bonferroni level of one KS comparison. */
  private static final double KS_LEVEL = KS_FAMILY_LEVEL / KS_TESTS;

  // ------------------------------------------------------------------ (a), (b): one minibatch

  @ParameterizedTest(name = "{0}")
  @MethodSource("laws")
  void exactSamplerDrawsTheLawOfDirectSampling(Law law) {
    final Cell exactCell = law.cell("exact", law.batch());
    final Cell directCell = law.cell("direct", law.batch());
    assertThat(exactCell.simulate().exactSampling(law.batch())).isTrue();
    assertThat(directCell.simulate().exactSampling(law.batch())).isFalse();
    final double[][] exact = Simulator.minibatches(exactCell, EXACT_STREAM, law.w(), law.count());
    final double[][] direct = Simulator.minibatches(directCell, DIRECT_STREAM, law.w(),
        law.count());
    final ExactLaw truth = ExactLaw.of(exactCell, law.w());
    final SampleLaw e = SampleLaw.of(exact);
    final SampleLaw d = SampleLaw.of(direct);

    // (a) cumulants 1..4 and covariances: exact sampler, direct sampler, and their difference.
    List<String> failures = new ArrayList<>();
    final int cols = law.dim() + 1;
    for (int c = 0; c < cols; c++) {
      final String what = c < law.dim() ? "g" + c : "loss";
      for (int n = 1; n <= 4; n++) {
        final double value = c < law.dim() ? truth.gradientCumulant(c, n)
            : truth.lossCumulant(n);
        check(failures, "exact " + what + " k" + n, e.cumulants[c][n - 1], value);
        check(failures, "direct " + what + " k" + n, d.cumulants[c][n - 1], value);
        compare(failures, what + " k" + n, e.cumulants[c][n - 1], d.cumulants[c][n - 1]);
      }
      for (int c2 = c + 1; c2 < cols; c2++) {
        final String pair = "cov(" + what + ", " + (c2 < law.dim() ? "g" + c2 : "loss") + ")";
        final double value = c2 < law.dim() ? truth.gradientCovariance(c, c2)
            : truth.gradientLossCovariance(c);
        check(failures, "exact " + pair, e.covariances[c][c2], value);
        check(failures, "direct " + pair, d.covariances[c][c2], value);
        compare(failures, pair, e.covariances[c][c2], d.covariances[c][c2]);
      }
    }
    assertThat(failures).as("moment comparisons beyond |z| = %s", Z_MAX).isEmpty();

    // (b) two-sample KS, exact against direct, on each marginal.
    for (int c = 0; c < cols; c++) {
      final double p = ks(column(exact, c, 1.0), column(direct, c, 1.0));
      assertThat(p).as("KS p-value of column %d (exact vs direct), level %.2g", c, KS_LEVEL)
          .isGreaterThan(KS_LEVEL);
    }
  }

  /**
   * Power: the same tests reject deliberately wrong laws. (i) 1-d, exact at S = 2 against
   * direct at S = 3: KS rejects the gradient and the loss. (ii) Direct gradients scaled by 1.05
   * (1-d at S = 32, and every component in 3-d at S = 8): KS rejects. (iii) The moments of the
   * exact sampler at S = 32 against the exact law at S = 33 (3 % in the variance): some |z|
   * exceeds {@link #Z_MAX}.
   */
  @Test
  void testsRejectWrongLaws() {
    // (i) S + 1.
    Law small = new Law("label_noise", LABEL_1D, 2, W_1D);
    double[][] exact = Simulator.minibatches(small.cell("exact", 2), EXACT_STREAM, W_1D, COUNT);
    double[][] wrong = Simulator.minibatches(small.cell("direct", 3), DIRECT_STREAM, W_1D, COUNT);
    for (int c = 0; c < 2; c++) {
      assertThat(ks(column(exact, c, 1.0), column(wrong, c, 1.0)))
          .as("KS p-value, S = 2 against S = 3, column %d", c).isLessThan(KS_LEVEL);
    }
    // (ii) a 5 % scaled gradient.
    for (Law law : List.of(new Law("label_noise", LABEL_1D, 32, W_1D),
        new Law("label_noise", LABEL_3D, 8, W_3D))) {
      double[][] e = Simulator.minibatches(law.cell("exact", law.batch()), EXACT_STREAM, law.w(),
          COUNT);
      double[][] d = Simulator.minibatches(law.cell("direct", law.batch()), DIRECT_STREAM,
          law.w(), COUNT);
      for (int c = 0; c < law.dim(); c++) {
        assertThat(ks(column(e, c, 1.0), column(d, c, 1.05)))
            .as("KS p-value, gradient scaled by 1.05, %s component %d", law, c)
            .isLessThan(KS_LEVEL);
      }
    }
    // (iii) moments at S + 1.
    Law law = new Law("label_noise", LABEL_1D, 32, W_1D);
    SampleLaw e = SampleLaw.of(Simulator.minibatches(law.cell("exact", 32), EXACT_STREAM, W_1D,
        COUNT));
    ExactLaw at33 = ExactLaw.of(law.cell("exact", 33), W_1D);
    double worst = 0;
    for (int n = 1; n <= 4; n++) {
      worst = Math.max(worst, Math.abs(z(e.cumulants[0][n - 1], at33.gradientCumulant(0, n))));
      worst = Math.max(worst, Math.abs(z(e.cumulants[1][n - 1], at33.lossCumulant(n))));
    }
    assertThat(worst).as("largest |z| of S = 32 samples against the S = 33 law")
        .isGreaterThan(Z_MAX);
  }

  /** The KS p-value against known values of the Kolmogorov distribution, and edge cases. */
  @Test
  void ksPValueIsTheKolmogorovTail() {
    // Q(λ) = 2Σ(−1)^(k−1)exp(−2k²λ²): Q(1.3581) = 0.05, Q(1.6276) = 0.01 (large samples).
    final int n = 1_000_000_000;
    final double scale = Math.sqrt(n / 2.0);
    assertThat(ksPValue(1.3581 / scale, n, n)).isCloseTo(0.05, within(1e-4));
    assertThat(ksPValue(1.6276 / scale, n, n)).isCloseTo(0.01, within(1e-4));
    assertThat(ksPValue(0, 10, 10)).isEqualTo(1.0);
    double[] x = {0.1, 0.4, 0.7};
    assertThat(ksStatistic(x.clone(), x.clone())).isZero();
    assertThat(ksStatistic(new double[] {0, 1}, new double[] {2, 3})).isEqualTo(1.0);
  }

  // ------------------------------------------------------------------ (c): stationary chains

  /**
   * A streaming cell for full chains: kind, parameters (with batch and momentum), λ as a fraction
   * of λ_c, and for 1-d label noise the feature variance for the {@link MomentStability} check
   * (NaN otherwise: the measured tail index is checked instead).
   */
  record ChainCase(String kind, String params, double fraction, double momentCheckA) {
    @Override
    public String toString() {
      return kind + " {" + params + "} lr=" + fraction + "*lc";
    }
  }

  private static final long CHAIN_STEPS = 400_000;
  private static final String CHAIN_SIMULATE = "{mode: streaming, steps: " + CHAIN_STEPS
      + ", burn_in: 5000, replicates: 2, sampler: %s}";

  static List<ChainCase> chains() {
    return List.of(
        new ChainCase("label_noise", "batch: 1, momentum: 0.0, spectrum: [1.5],"
            + " label_noise_var: 0.25", 0.3, 1.5),
        new ChainCase("label_noise", "batch: 32, momentum: 0.5, spectrum: [1.0],"
            + " label_noise_var: 1.0", 0.5, 1.0),
        new ChainCase("label_noise", "batch: 2, momentum: 0.0, " + LABEL_3D, 0.3, Double.NaN),
        new ChainCase("input_noise", "batch: 4, momentum: 0.9, " + INPUT_2D, 0.4, Double.NaN),
        new ChainCase("l2", "batch: 2, momentum: 0.5, " + L2_2D, 0.4, Double.NaN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chains")
  void exactAndDirectChainsReachTheSameStationaryState(ChainCase c) {
    final double lr = c.fraction() * SimCells.criticalLr(c.kind(), c.params());
    CellResult exact = CellEvaluator.evaluate(
        SimCells.cell(c.kind(), lr, c.params(), CHAIN_SIMULATE.formatted("exact")));
    CellResult direct = CellEvaluator.evaluate(
        SimCells.cell(c.kind(), lr, c.params(), CHAIN_SIMULATE.formatted("direct")));
    assertThat(exact.cell().simulate().exactSampling(exact.cell().batch())).isTrue();
    assertThat(direct.cell().simulate().exactSampling(direct.cell().batch())).isFalse();
    assertThat(exact.theory().diverges()).isFalse();
    assertThat(exact.divergedFraction()).isZero();
    assertThat(direct.divergedFraction()).isZero();
    if (!Double.isNaN(c.momentCheckA())) {
      final int batch = exact.cell().batch();
      final double mu = exact.cell().momentum();
      assertThat(MomentStability.spectralRadius(c.momentCheckA(), lr, batch, mu, 4))
          .as("fourth moment finite (tail index > 4)").isLessThan(1.0);
      assertThat(MomentStability.spectralRadius(c.momentCheckA(), lr, batch, mu, 6))
          .as("sixth moment finite (tail index > 6)").isLessThan(1.0);
    }
    for (CellResult r : List.of(exact, direct)) {
      assertThat(r.sim().tailIndex().mean()).as("measured tail index").isGreaterThan(4.0);
    }
    var th = exact.theory();
    var se = exact.sim();
    var sd = direct.sim();
    SimCells.assertSame("Tr Sigma exact vs direct", se.traceSigma(), sd.traceSigma(), Z_CHAIN);
    SimCells.assertSame("L_train exact vs direct", se.lTrain(), sd.lTrain(), Z_CHAIN);
    SimCells.assertSame("L_test exact vs direct", se.lTest(), sd.lTest(), Z_CHAIN);
    SimCells.assertSame("Tr C exact vs direct", se.traceNoise(), sd.traceNoise(), Z_CHAIN);
    for (var s : List.of(se, sd)) {
      SimCells.assertWithin("Tr Sigma", s.traceSigma(), th.traceSigma(), Z_CHAIN);
      SimCells.assertWithin("L_train", s.lTrain(), th.lTrain(), Z_CHAIN);
      SimCells.assertWithin("L_test", s.lTest(), th.lTest(), Z_CHAIN);
      SimCells.assertWithin("Tr C", s.traceNoise(), th.traceNoise(), Z_CHAIN);
    }
  }

  // ------------------------------------------------------------------ the exact law

  /** The exact cumulants of one minibatch at w (class Javadoc), from the cell's parameters. */
  private record ExactLaw(double[] k, double[] m, double s2, int batch) {
    static ExactLaw of(Cell cell, double[] w) {
      final int dim = cell.dim();
      final double[] a = cell.spectrum();
      final double[] b = cell.inputNoiseVector();
      // Label noise runs in shifted coordinates (teacher 0); input_noise and l2 keep u.
      final double[] u = cell.kind() == org.sgdnoise.core.spec.Kind.LABEL_NOISE ? new double[dim]
          : cell.teacherVector();
      assertThat(cell.rotation()).isZero();
      final double[] k = new double[dim];
      final double[] m = new double[dim];
      double s2 = cell.labelNoiseVar();
      for (int i = 0; i < dim; i++) {
        k[i] = a[i] + (b == null ? 0 : b[i]);
        m[i] = k[i] * w[i] - a[i] * u[i];
        s2 += k[i] * w[i] * w[i] - 2 * a[i] * u[i] * w[i] + a[i] * u[i] * u[i];
      }
      return new ExactLaw(k, m, s2, cell.batch());
    }

    /** κₙ(gᵢ) = ½(n−1)!(λ₊ⁿ + λ₋ⁿ)/S^(n−1), λ± = mᵢ ± √(kᵢs²). */
    double gradientCumulant(int i, int n) {
      final double root = Math.sqrt(k[i] * s2);
      final double plus = m[i] + root;
      final double minus = m[i] - root;
      return 0.5 * factorial(n - 1) * (Math.pow(plus, n) + Math.pow(minus, n))
          / Math.pow(batch, n - 1);
    }

    /** κₙ(ℓ) = (n−1)! s²ⁿ/(2S^(n−1)). */
    double lossCumulant(int n) {
      return factorial(n - 1) * Math.pow(s2, n) / (2 * Math.pow(batch, n - 1));
    }

    double gradientCovariance(int i, int j) {
      return m[i] * m[j] / batch;
    }

    double gradientLossCovariance(int i) {
      return m[i] * s2 / batch;
    }

    private static double factorial(int n) {
      double f = 1;
      for (int i = 2; i <= n; i++) {
        f *= i;
      }
      return f;
    }
  }

  // ------------------------------------------------------------------ sample statistics

  /**
   * Batch-means estimates of the k-statistics k₁…k₄ (unbiased for the cumulants) of each column
   * and of the covariance of each pair of columns, over {@link #BATCHES} consecutive batches.
   */
  private static final class SampleLaw {
    final Estimate[][] cumulants;
    final Estimate[][] covariances;

    private SampleLaw(Estimate[][] cumulants, Estimate[][] covariances) {
      this.cumulants = cumulants;
      this.covariances = covariances;
    }

    static SampleLaw of(double[][] rows) {
      final int cols = rows[0].length;
      final int nb = rows.length / BATCHES;
      final double n = nb;
      final double[][][] k = new double[cols][4][BATCHES];
      final double[][][] cov = new double[cols][cols][BATCHES];
      final double[] mean = new double[cols];
      for (int b = 0; b < BATCHES; b++) {
        final int from = b * nb;
        Arrays.fill(mean, 0);
        for (int r = from; r < from + nb; r++) {
          for (int c = 0; c < cols; c++) {
            mean[c] += rows[r][c];
          }
        }
        for (int c = 0; c < cols; c++) {
          mean[c] /= n;
        }
        final double[] m2 = new double[cols];
        final double[] m3 = new double[cols];
        final double[] m4 = new double[cols];
        final double[][] cross = new double[cols][cols];
        for (int r = from; r < from + nb; r++) {
          for (int c = 0; c < cols; c++) {
            final double d = rows[r][c] - mean[c];
            final double d2 = d * d;
            m2[c] += d2;
            m3[c] += d2 * d;
            m4[c] += d2 * d2;
            for (int c2 = c + 1; c2 < cols; c2++) {
              cross[c][c2] += d * (rows[r][c2] - mean[c2]);
            }
          }
        }
        for (int c = 0; c < cols; c++) {
          final double s2 = m2[c] / n;
          final double s3 = m3[c] / n;
          final double s4 = m4[c] / n;
          k[c][0][b] = mean[c];
          k[c][1][b] = n / (n - 1) * s2;
          k[c][2][b] = n * n / ((n - 1) * (n - 2)) * s3;
          k[c][3][b] = n * n * ((n + 1) * s4 - 3 * (n - 1) * s2 * s2)
              / ((n - 1) * (n - 2) * (n - 3));
          for (int c2 = c + 1; c2 < cols; c2++) {
            cov[c][c2][b] = cross[c][c2] / (n - 1);
          }
        }
      }
      final Estimate[][] cumulants = new Estimate[cols][4];
      final Estimate[][] covariances = new Estimate[cols][cols];
      for (int c = 0; c < cols; c++) {
        for (int j = 0; j < 4; j++) {
          cumulants[c][j] = Estimate.ofBatchMeans(k[c][j]);
        }
        for (int c2 = c + 1; c2 < cols; c2++) {
          covariances[c][c2] = Estimate.ofBatchMeans(cov[c][c2]);
        }
      }
      return new SampleLaw(cumulants, covariances);
    }
  }

  private static double z(Estimate e, double value) {
    return (e.mean() - value) / e.se();
  }

  private static void check(List<String> failures, String what, Estimate e, double value) {
    final double z = z(e, value);
    if (!(Math.abs(z) <= Z_MAX)) {
      failures.add(String.format("%s: %.6g ± %.2g vs exact %.6g (z = %.2f)", what, e.mean(),
          e.se(), value, z));
    }
  }

  private static void compare(List<String> failures, String what, Estimate e, Estimate d) {
    final double z = (e.mean() - d.mean()) / Math.hypot(e.se(), d.se());
    if (!(Math.abs(z) <= Z_MAX)) {
      failures.add(String.format("%s: exact %.6g ± %.2g vs direct %.6g ± %.2g (z = %.2f)", what,
          e.mean(), e.se(), d.mean(), d.se(), z));
    }
  }

  private static double[] column(double[][] rows, int c, double scale) {
    final double[] out = new double[rows.length];
    for (int r = 0; r < rows.length; r++) {
      out[r] = scale * rows[r][c];
    }
    return out;
  }

  // ------------------------------------------------------------------ Kolmogorov–Smirnov

  /** The two-sample KS p-value of x and y (sorted in place). */
  private static double ks(double[] x, double[] y) {
    return ksPValue(ksStatistic(x, y), x.length, y.length);
  }

  /** D = sup |F_x − F_y| of the two empirical distribution functions; sorts x and y in place. */
  static double ksStatistic(double[] x, double[] y) {
    Arrays.sort(x);
    Arrays.sort(y);
    final double n = x.length;
    final double m = y.length;
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < x.length && j < y.length) {
      final double v = Math.min(x[i], y[j]);
      while (i < x.length && x[i] == v) {
        i++;
      }
      while (j < y.length && y[j] == v) {
        j++;
      }
      d = Math.max(d, Math.abs(i / n - j / m));
    }
    return d;
  }

  /**
   * The asymptotic p-value Q_KS(λ) = 2Σ_{k≥1}(−1)^(k−1)exp(−2k²λ²) with Stephens' small-sample
   * correction λ = (√nₑ + 0.12 + 0.11/√nₑ)·D, nₑ = nm/(n + m) (Numerical Recipes §14.3).
   */
  static double ksPValue(double d, int n, int m) {
    final double ne = (double) n * m / ((double) n + m);
    final double sq = Math.sqrt(ne);
    final double lambda = (sq + 0.12 + 0.11 / sq) * d;
    if (lambda < 0.2) {
      return 1.0; // the series converges slowly here; Q(0.2) = 1 − 5e-13
    }
    double sum = 0;
    double sign = 1;
    for (int k = 1; k <= 100; k++) {
      final double term = sign * 2 * Math.exp(-2.0 * k * k * lambda * lambda);
      sum += term;
      if (Math.abs(term) < 1e-16 * Math.abs(sum)) {
        break;
      }
      sign = -sign;
    }
    return Math.max(0, Math.min(1, sum));
  }
}
