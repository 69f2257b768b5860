package org.sgdnoise.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;

/** The kernels against their definitions. */
class KernelsTest {
  /**
   * {@link Kernels#tanh} against {@link Math#tanh}: both are within a few ulps of the truth
   * (2.2e-16 each), so 1e-15 relative; seen at most 5.6e-16 over 2·10⁷ draws.
   */
  static final double TANH_TOLERANCE = 1e-15;

  @Test
  void tanhAgreesWithMathTanh() {
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(1L);
    for (int i = 0; i < 1_000_000; i++) {
      // Scales that cover the series, the exponential form, their boundary and saturation.
      final double scale = new double[] {1e-6, 0.05, 0.1, 1, 5, 30}[i % 6];
      final double x = scale * (2 * rng.nextDouble() - 1);
      assertThat(Kernels.tanh(x)).as("tanh(%s)", x)
          .isCloseTo(Math.tanh(x), within(TANH_TOLERANCE * Math.abs(Math.tanh(x))));
    }
    for (double x : new double[] {0, Kernels.TANH_SERIES, -Kernels.TANH_SERIES,
        Math.nextDown(Kernels.TANH_SERIES), Kernels.TANH_ONE, Math.nextDown(Kernels.TANH_ONE),
        Double.MIN_VALUE, 1e300, -1e300}) {
      assertThat(Kernels.tanh(x)).as("tanh(%s)", x)
          .isCloseTo(Math.tanh(x), within(TANH_TOLERANCE * Math.abs(Math.tanh(x))));
    }
    assertThat(Kernels.tanh(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
    assertThat(Kernels.tanh(Double.NEGATIVE_INFINITY)).isEqualTo(-1.0);
    assertThat(Kernels.tanh(Double.NaN)).isNaN();
  }

  /** combine over 0 … 9 rows (every remainder of the groups of four) against the plain sum. */
  @Test
  void combineIsTheSumOfScaledRows() {
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(2L);
    final int n = 7;
    double[][] rows = new double[12][n];
    for (double[] r : rows) {
      for (int k = 0; k < n; k++) {
        r[k] = rng.nextDouble() - 0.5;
      }
    }
    final int shift = 3;
    int[] which = {14, 5, 8, 8, 3, 12, 6, 10, 7, 4}; // rows 11, 2, 5, 5, 0, … after the shift
    double[] coef = new double[which.length];
    for (int t = 0; t < coef.length; t++) {
      coef[t] = rng.nextDouble() - 0.5;
    }
    for (int to = 0; to <= which.length; to++) {
      double[] a = new double[n];
      a[0] = 1;
      Kernels.combine(rows, which, shift, coef, 0, to, a, n);
      for (int k = 0; k < n; k++) {
        double expected = k == 0 ? 1 : 0;
        for (int t = 0; t < to; t++) {
          expected += coef[t] * rows[which[t] - shift][k];
        }
        assertThat(a[k]).isCloseTo(expected, within(1e-15));
      }
    }
  }
}
