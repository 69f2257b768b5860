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
   * a[k] += Σₜ coef[t]·rows[which[t] − shift][k] for k &lt; n, t ∈ [from, to): rows, scaled,
   * added to a row. Rows are taken four at a time, so each element of a is loaded and stored
   * once per four rows; the summation order depends only on the arguments (deterministic).
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
    for (; t < to; t++) {
      axpy(coef[t], rows[which[t] - shift], a, n);
    }
  }

  /** a[k] += x0·b0[k] + x1·b1[k] + x2·b2[k] + x3·b3[k] for k &lt; n. */
  static void axpy4(double x0, double[] b0, double x1, double[] b1, double x2, double[] b2,
      double x3, double[] b3, double[] a, int n) {
    for (int k = 0; k < n; k++) {
      a[k] += x0 * b0[k] + x1 * b1[k] + x2 * b2[k] + x3 * b3[k];
    }
  }

  /** a[k] += x·b[k] for k &lt; n. */
  static void axpy(double x, double[] b, double[] a, int n) {
    for (int k = 0; k < n; k++) {
      a[k] += x * b[k];
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
