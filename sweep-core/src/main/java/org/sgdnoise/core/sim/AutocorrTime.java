package org.sgdnoise.core.sim;

/**
 * The integrated autocorrelation time of a stationary series from its batch means:
 * τ = 1 + 2Σ_{k≥1} ρ_k is the factor by which correlation inflates the variance of a mean,
 * Var(mean of L steps) ≈ τ·Var(x)/L for L ≫ τ, so τ ≈ L·s²(batch means)/s²(x). It is 1 for
 * independent steps and (1 + ρ)/(1 − ρ) for an AR(1) series with coefficient ρ. With B batches
 * its relative error is about √(2/(B − 1)).
 */
public final class AutocorrTime {
  private AutocorrTime() {}

  /**
   * τ from per-batch sums of x, the batch counts and Σx² over all steps; NaN with fewer than
   * two batches or no variance.
   *
   * @param batchSums Σx per batch. Not modified.
   * @param counts steps per batch. Not modified.
   * @param sumSquares Σx² over every step
   */
  public static double of(double[] batchSums, long[] counts, double sumSquares) {
    final int nb = batchSums.length;
    long n = 0;
    double total = 0;
    for (int b = 0; b < nb; b++) {
      n += counts[b];
      total += batchSums[b];
    }
    if (nb < 2 || n == 0) {
      return Double.NaN;
    }
    final double mean = total / n;
    final double variance = sumSquares / n - mean * mean;
    double batchVar = 0;
    for (int b = 0; b < nb; b++) {
      final double d = batchSums[b] / counts[b] - mean;
      batchVar += d * d;
    }
    batchVar /= nb - 1;
    return variance > 0 ? ((double) n / nb) * batchVar / variance : Double.NaN;
  }
}
