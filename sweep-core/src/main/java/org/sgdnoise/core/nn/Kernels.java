package org.sgdnoise.core.nn;

/** Dense loops shared by the models: no allocation, several accumulators for the dot products. */
final class Kernels {
  private Kernels() {}

  /** Σᵢ w[wo + i]·x[xo + i] for i &lt; n, with four accumulators (FP sums are not reordered). */
  static double dot(double[] w, int wo, float[] x, int xo, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += w[wo + i] * x[xo + i];
      s1 += w[wo + i + 1] * x[xo + i + 1];
      s2 += w[wo + i + 2] * x[xo + i + 2];
      s3 += w[wo + i + 3] * x[xo + i + 3];
    }
    for (; i < n; i++) {
      s0 += w[wo + i] * x[xo + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Σᵢ w[wo + i]·h[ho + i], doubles. */
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

  /** g[go + i] += a·x[xo + i] for i &lt; n. */
  static void axpy(double a, float[] x, int xo, double[] g, int go, int n) {
    for (int i = 0; i < n; i++) {
      g[go + i] += a * x[xo + i];
    }
  }

  /** g[go + i] += a·h[ho + i] for i &lt; n. */
  static void axpy(double a, double[] h, int ho, double[] g, int go, int n) {
    for (int i = 0; i < n; i++) {
      g[go + i] += a * h[ho + i];
    }
  }

  /**
   * Softmax of z[0 … c) in place (shifted by the maximum); returns log Σ exp(z − max) + max,
   * the log-partition, so that −log p_y = logZ − z_y with the original z.
   */
  static double softmaxInPlace(double[] z, int c) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < c; k++) {
      max = Math.max(max, z[k]);
    }
    double sum = 0;
    for (int k = 0; k < c; k++) {
      final double e = Math.exp(z[k] - max);
      z[k] = e;
      sum += e;
    }
    for (int k = 0; k < c; k++) {
      z[k] /= sum;
    }
    return Math.log(sum) + max;
  }

  /** The index of the largest of z[0 … c) (the first on ties). */
  static int argmax(double[] z, int c) {
    int best = 0;
    for (int k = 1; k < c; k++) {
      if (z[k] > z[best]) {
        best = k;
      }
    }
    return best;
  }
}
