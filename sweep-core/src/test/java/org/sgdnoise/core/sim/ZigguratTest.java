package org.sgdnoise.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Ziggurat} draws N(0, 1), used as the simulator's direct S = 1 loop uses it: one 64-bit
 * output per deviate, the slow path on a second, independent generator.
 *
 * <p>Checks on {@link #N} deviates (fixed seeds, so deterministic; the levels are those of a false
 * failure for a fresh seed): a two-sample Kolmogorov–Smirnov test against Commons RNG's
 * Ziggurat sampler at level {@link #KS_LEVEL}; the mean, variance and fourth moment, and the
 * probabilities of |Z| &lt; 0.1 (inside the top layer, decided by its wedge test), |Z| &lt; 1,
 * |Z| &gt; r (the tail algorithm) and |Z| &gt; 4 against their exact values, each within
 * {@link #Z_MAX} standard errors (7 comparisons, P(|N(0,1)| &gt; 4.5) = 6.8·10⁻⁶ each).
 */
class ZigguratTest {
  private static final int N = 4_000_000;
  private static final double Z_MAX = 4.5;
  private static final double KS_LEVEL = 1e-4;
  /** The published constants for 256 layers (Marsaglia and Tsang's method; e.g. Rust's rand). */
  private static final double PAPER_R = 3.654152885361008796;
  private static final double PAPER_V = 4.92867323399e-3;
  /** 2Φ(t) − 1 at t = 0.1 and 1; 2(1 − Φ(4)). */
  private static final double P_BELOW_01 = 0.07965567455405798;
  private static final double P_BELOW_1 = 0.6826894921370859;
  private static final double P_ABOVE_4 = 6.334248366623996e-5;

  private static double[] draw(long seed, int n) {
    final UniformRandomProvider bits = RandomSource.XO_SHI_RO_256_PP.create(seed);
    final UniformRandomProvider other = RandomSource.XO_SHI_RO_256_PP.create(seed + 1);
    final ZigguratSampler.NormalizedGaussian restart = ZigguratSampler.NormalizedGaussian.of(
        other);
    final double[] z = new double[n];
    for (int k = 0; k < n; k++) {
      final long b = bits.nextLong();
      final double f = Ziggurat.fast(b);
      z[k] = f == f ? f : Ziggurat.slow(b, other, restart);
    }
    return z;
  }

  @Test
  void constantsCloseTheLayersAndMatchThePaper() {
    assertThat(Ziggurat.R).isCloseTo(PAPER_R, within(1e-11));
    assertThat(Ziggurat.V).isCloseTo(PAPER_V, within(1e-13));
  }

  @Test
  void momentsAndRegionProbabilitiesAreThoseOfTheStandardNormal() {
    final double[] z = draw(20240601L, N);
    double s1 = 0;
    double s2 = 0;
    double s4 = 0;
    long below01 = 0;
    long below1 = 0;
    long aboveR = 0;
    long above4 = 0;
    for (double v : z) {
      final double a = Math.abs(v);
      s1 += v;
      s2 += v * v;
      s4 += v * v * v * v;
      below01 += a < 0.1 ? 1 : 0;
      below1 += a < 1 ? 1 : 0;
      aboveR += a > Ziggurat.R ? 1 : 0;
      above4 += a > 4 ? 1 : 0;
    }
    // E Z = 0 (var 1), E Z² = 1 (var 2), E Z⁴ = 3 (var 105 − 9 = 96).
    assertZ("mean", s1 / N, 0, Math.sqrt(1.0 / N));
    assertZ("E Z²", s2 / N, 1, Math.sqrt(2.0 / N));
    assertZ("E Z⁴", s4 / N, 3, Math.sqrt(96.0 / N));
    // P(|Z| > r) = 2(1 − Φ(r)), from the paper's v: v − r f(r) is the tail area under exp(−x²/2).
    final double pAboveR = 2 * (Ziggurat.V - Ziggurat.R * Math.exp(-0.5 * Ziggurat.R
        * Ziggurat.R)) / Math.sqrt(2 * Math.PI);
    assertProportion("P(|Z| < 0.1)", below01, P_BELOW_01);
    assertProportion("P(|Z| < 1)", below1, P_BELOW_1);
    assertProportion("P(|Z| > r)", aboveR, pAboveR);
    assertProportion("P(|Z| > 4)", above4, P_ABOVE_4);
  }

  @Test
  void distributionMatchesCommonsRngZiggurat() {
    final double[] z = draw(77L, N);
    final ZigguratSampler.NormalizedGaussian ref = ZigguratSampler.NormalizedGaussian.of(
        RandomSource.XO_SHI_RO_256_PP.create(78L));
    final double[] r = new double[N];
    for (int k = 0; k < N; k++) {
      r[k] = ref.sample();
    }
    final double p = ExactSamplerTest.ksPValue(ExactSamplerTest.ksStatistic(z, r), N, N);
    assertThat(p).as("KS p-value against Commons RNG").isGreaterThan(KS_LEVEL);
  }

  private static void assertZ(String what, double value, double expected, double se) {
    assertThat(Math.abs(value - expected) / se).as("%s = %.6g, expected %.6g ± %.2g", what,
        value, expected, se).isLessThan(Z_MAX);
  }

  private static void assertProportion(String what, long count, double p) {
    assertZ(what, (double) count / N, p, Math.sqrt(p * (1 - p) / N));
  }
}
