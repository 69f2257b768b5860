package org.sgdnoise.core.nn;

/**
 * Dense loops shared by the models: no allocation. The workhorse is {@link #combine}, a sum of
 * scaled rows into a row, which C2 compiles to vector code (no reduction in its loop); dot
 * products, which it does not vectorise (FP sums are not reordered), are used only where they are
 * few.
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
   * a[ao + k] += Σₜ coef[t]·b[offs[t] + k] for k &lt; n, t ∈ [from, to): the rows of b at the
   * given offsets, scaled, added to a row of a. Rows are taken four at a time, so each element of
   * a is loaded and stored once per four rows; the summation order depends only on the arguments
   * (deterministic).
   *
   * @param b the rows to add. Not modified.
   * @param offs the offsets of the rows in b. Not modified.
   * @param coef their scale factors. Not modified.
   * @param a the row added to. Modified.
   */
  static void combine(double[] b, int[] offs, double[] coef, int from, int to, double[] a,
      int ao, int n) {
    int t = from;
    for (; t + 3 < to; t += 4) {
      axpy4(coef[t], offs[t], coef[t + 1], offs[t + 1], coef[t + 2], offs[t + 2], coef[t + 3],
          offs[t + 3], b, a, ao, n);
    }
    for (; t < to; t++) {
      axpy(coef[t], b, offs[t], a, ao, n);
    }
  }

  /** a[ao + k] += x0·b[o0 + k] + x1·b[o1 + k] + x2·b[o2 + k] + x3·b[o3 + k] for k &lt; n. */
  static void axpy4(double x0, int o0, double x1, int o1, double x2, int o2, double x3, int o3,
      double[] b, double[] a, int ao, int n) {
    for (int k = 0; k < n; k++) {
      a[ao + k] += x0 * b[o0 + k] + x1 * b[o1 + k] + x2 * b[o2 + k] + x3 * b[o3 + k];
    }
  }

  /** a[ao + k] += x·b[bo + k] for k &lt; n. */
  static void axpy(double x, double[] b, int bo, double[] a, int ao, int n) {
    for (int k = 0; k < n; k++) {
      a[ao + k] += x * b[bo + k];
    }
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
