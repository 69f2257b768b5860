package org.sgdnoise.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The simulator's estimators on series whose answer is known: the Hill tail index on exact
 * Pareto samples, and the integrated autocorrelation time on AR(1) series.
 */
class EstimatorsTest {

  /**
   * Pareto samples X = U^(−1/β) have P(X &gt; x) = x^(−β) exactly, so Hill has no bias: β̂ is
   * within 4 of its standard deviations β/√k of β (k = 10⁴ of 10⁶ samples). The heap keeps exactly the
   * k + 1 largest values: the estimate equals the brute-force Hill on the sorted sample.
   */
  @ParameterizedTest
  @ValueSource(doubles = {0.3, 1.0, 2.0, 5.0})
  void hillRecoversTheParetoIndex(double beta) {
    final int n = 1_000_000;
    final int k = 10_000;
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(42L + (long) (beta * 10));
    HillTail hill = new HillTail(k);
    double[] all = new double[n];
    for (int i = 0; i < n; i++) {
      final double x = Math.pow(1 - rng.nextDouble(), -1 / beta);
      all[i] = x;
      if (x > hill.threshold()) {
        hill.add(x);
      }
    }
    final double estimate = hill.estimate();
    assertThat(estimate).isCloseTo(beta, within(4 * beta / Math.sqrt(k)));
    Arrays.sort(all);
    final double logThreshold = Math.log(all[n - k - 1]);
    double sum = 0;
    for (int i = n - k; i < n; i++) {
      sum += Math.log(all[i]) - logThreshold;
    }
    assertThat(estimate).isCloseTo(k / sum, within(1e-9 * estimate));
  }

  /** Too few samples for the fraction give no estimator (k below HillTail.MIN_K). */
  @org.junit.jupiter.api.Test
  void orderStatisticsNeedEnoughSamples() {
    assertThat(HillTail.orderStatistics(5_000, 1e-3)).isZero();
    assertThat(HillTail.orderStatistics(10_000, 1e-3)).isEqualTo(10);
    assertThat(HillTail.orderStatistics(1L << 40, 1e-3)).isEqualTo(HillTail.MAX_K);
    assertThat(new HillTail(10).estimate()).isNaN();
  }

  /**
   * An AR(1) series x_t = ρx_{t−1} + e_t has τ = (1 + ρ)/(1 − ρ). One estimate from 32 batches
   * has a relative spread of about √(2/31) = 25 %; the mean of 16 independent series is within
   * 4 of its standard errors (and within 20 % of τ).
   */
  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.5, 0.9})
  void autocorrelationTimeOfAnAr1Series(double rho) {
    final double tau = (1 + rho) / (1 - rho);
    final int series = 16;
    final int nb = 32;
    final long n = 400_000;
    double[] estimates = new double[series];
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(7L);
    ZigguratSampler.NormalizedGaussian g = ZigguratSampler.NormalizedGaussian.of(rng);
    for (int s = 0; s < series; s++) {
      double[] sums = new double[nb];
      long[] counts = new long[nb];
      double squares = 0;
      double x = g.sample() / Math.sqrt(1 - rho * rho);
      for (long t = 0; t < n; t++) {
        x = rho * x + g.sample();
        final int b = (int) (t * nb / n);
        sums[b] += x;
        counts[b]++;
        squares += x * x;
      }
      estimates[s] = AutocorrTime.of(sums, counts, squares);
    }
    Estimate e = Estimate.ofBatchMeans(estimates);
    assertThat(Math.abs(e.mean() - tau)).as("τ = %s, estimated %s ± %s", tau, e.mean(), e.se())
        .isLessThanOrEqualTo(4 * e.se());
    assertThat(e.mean()).isCloseTo(tau, within(0.2 * tau));
  }
}
