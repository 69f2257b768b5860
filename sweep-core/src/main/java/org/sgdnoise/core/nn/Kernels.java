package org.sgdnoise.core.nn;

/**
 * Dense loops shared by the models: no allocation. The workhorse is {@link #combine}, a sum of
 * scaled rows into a row, which C2 compiles to vector code (no reduction in its loop); dot
 * products, which it does not vectorise (FP sums are not reordered), are used only where they
 * are few.
 */
final class Kernels {
  private Kernels() {}

  /** Σᵢ w[wo + i]·h[ho + i] for i &lt; n, with four accumulators. */
  static double dot(double[] w, int wo, double[] h, int ho, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += w[wo + i] * h[ho + i];
      s1 += w[wo + i + 1] * h[ho + i + 1];
      s2 += w[wo + i + 2] * h[ho + i + 2];
      s3 += w[wo + i + 3] * h[ho + i + 3];
    }
    for (; i < n; i++) {
      s0 += w[wo + i] * h[ho + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * The dot products of w[wo … wo + n) with the rows h0 … h3 into out[oo … oo + 4), sharing the
   * loads of w (one accumulator per row, summed in order).
   */
  static void dot4(double[] w, int wo, double[] h0, double[] h1, double[] h2, double[] h3,
      int n, double[] out, int oo) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    for (int i = 0; i < n; i++) {
      final double wi = w[wo + i];
      s0 += wi * h0[i];
      s1 += wi * h1[i];
      s2 += wi * h2[i];
      s3 += wi * h3[i];
    }
    out[oo] = s0;
    out[oo + 1] = s1;
    out[oo + 2] = s2;
    out[oo + 3] = s3;
  }

  /**
   * a[k] += Σₜ coef[t]·rows[which[t] − shift][k] for k &lt; n, t ∈ [from, to): rows, scaled,
   * added to a row. Rows are taken four at a time (the last one to three together), so each
   * element of a is loaded and stored once per four rows; the summation order depends only on
   * the arguments (deterministic).
   *
   * <p>Rows are separate arrays indexed from 0 because C2 (JDK 17) vectorises a loop only if all
   * its array accesses have the same loop-invariant offset: with rows at offsets in one flat
   * array the loop runs scalar, at about half the speed.
   *
   * @param rows the rows to add. Not modified.
   * @param which their indices (plus {@code shift}) in rows. Not modified.
   * @param coef their scale factors. Not modified.
   * @param a the row added to. Modified.
   */
  static void combine(double[][] rows, int[] which, int shift, double[] coef, int from, int to,
      double[] a, int n) {
    int t = from;
    for (; t + 3 < to; t += 4) {
      axpy4(coef[t], rows[which[t] - shift], coef[t + 1], rows[which[t + 1] - shift],
          coef[t + 2], rows[which[t + 2] - shift], coef[t + 3], rows[which[t + 3] - shift], a, n);
    }
    switch (to - t) {
      case 3:
        axpy3(coef[t], rows[which[t] - shift], coef[t + 1], rows[which[t + 1] - shift],
            coef[t + 2], rows[which[t + 2] - shift], a, n);
        break;
      case 2:
        axpy2(coef[t], rows[which[t] - shift], coef[t + 1], rows[which[t + 1] - shift], a, n);
        break;
      case 1:
        axpy(coef[t], rows[which[t] - shift], a, n);
        break;
      default:
        break;
    }
  }

  /** a[k] += x0·b0[k] + x1·b1[k] + x2·b2[k] + x3·b3[k] for k &lt; n. */
  static void axpy4(double x0, double[] b0, double x1, double[] b1, double x2, double[] b2,
      double x3, double[] b3, double[] a, int n) {
    for (int k = 0; k < n; k++) {
      a[k] += x0 * b0[k] + x1 * b1[k] + x2 * b2[k] + x3 * b3[k];
    }
  }

  /** a[k] += x0·b0[k] + x1·b1[k] + x2·b2[k] for k &lt; n. */
  static void axpy3(double x0, double[] b0, double x1, double[] b1, double x2, double[] b2,
      double[] a, int n) {
    for (int k = 0; k < n; k++) {
      a[k] += x0 * b0[k] + x1 * b1[k] + x2 * b2[k];
    }
  }

  /** a[k] += x0·b0[k] + x1·b1[k] for k &lt; n. */
  static void axpy2(double x0, double[] b0, double x1, double[] b1, double[] a, int n) {
    for (int k = 0; k < n; k++) {
      a[k] += x0 * b0[k] + x1 * b1[k];
    }
  }

  /** a[k] += x·b[k] for k &lt; n. */
  static void axpy(double x, double[] b, double[] a, int n) {
    for (int k = 0; k < n; k++) {
      a[k] += x * b[k];
    }
  }

  /** Below this |x|, {@link #tanh} uses its Taylor polynomial. */
  static final double TANH_SERIES = 0.1;
  /** Above this |x|, tanh(x) rounds to ±1 (1 − tanh 22 ≈ 1.6e-19). */
  static final double TANH_ONE = 22;
  /**
   * Taylor coefficients of tanh x / x in powers of x² (2²ⁿ(2²ⁿ − 1)B₂ₙ/(2n)!, Abramowitz and
   * Stegun 4.5.64): through x¹⁵, the next term is below 1e-17 relative for |x| &lt; 0.1.
   */
  private static final double T1 = -1.0 / 3;
  private static final double T2 = 2.0 / 15;
  private static final double T3 = -17.0 / 315;
  private static final double T4 = 62.0 / 2835;
  private static final double T5 = -1382.0 / 155925;
  private static final double T6 = 21844.0 / 6081075;
  private static final double T7 = -929569.0 / 638512875;

  /**
   * tanh x within a few ulps (tested against {@link Math#tanh} to 1e-15 relative), about three
   * times faster than Math.tanh on JDK 17 (which calls native fdlibm): for |x| ≥ 0.1 as
   * (1 − t)/(1 + t) with t = e^{−2|x|} (Math.exp is a compiler intrinsic; 1 − t loses no more
   * than a few ulps since t ≤ e^{−0.2}), below that by the Taylor polynomial.
   */
  static double tanh(double x) {
    final double a = Math.abs(x);
    if (a < TANH_SERIES) {
      final double s = x * x;
      return x + x * s * (T1 + s * (T2 + s * (T3 + s * (T4 + s * (T5 + s * (T6 + s * T7))))));
    }
    if (a < TANH_ONE) {
      final double t = Math.exp(-2 * a);
      return Math.copySign((1 - t) / (1 + t), x);
    }
    return Double.isNaN(x) ? x : Math.copySign(1.0, x);
  }

  /**
   * Softmax of z[o … o + c) in place (shifted by the maximum); returns log Σ exp(z − max) + max,
   * the log-partition, so that −log p_y = logZ − z_y with the original z.
   */
  static double softmaxInPlace(double[] z, int o, int c) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < c; k++) {
      max = Math.max(max, z[o + k]);
    }
    double sum = 0;
    for (int k = 0; k < c; k++) {
      final double e = Math.exp(z[o + k] - max);
      z[o + k] = e;
      sum += e;
    }
    for (int k = 0; k < c; k++) {
      z[o + k] /= sum;
    }
    return Math.log(sum) + max;
  }

  /** The index (from 0) of the largest of z[o … o + c) (the first on ties). */
  static int argmax(double[] z, int o, int c) {
    int best = 0;
    for (int k = 1; k < c; k++) {
      if (z[o + k] > z[o + best]) {
        best = k;
      }
    }
    return best;
  }
}
