package org.sgdnoise.core.sim;

/**
 * A mean with its standard error by batch means: the run is cut into consecutive batches, each
 * batch's mean is one observation, and the error is their standard deviation over √(number of
 * batches). Valid when batches are much longer than the autocorrelation time (the naive i.i.d.
 * formula is not: successive SGD iterates are strongly correlated).
 *
 * @param mean the estimate
 * @param se its standard error (NaN with fewer than two batches)
 * @param batches number of batch means behind it
 */
public record Estimate(double mean, double se, int batches) {

  public static final Estimate MISSING = new Estimate(Double.NaN, Double.NaN, 0);

  /** Pools batch means (for example those of several independent replicates). */
  public static Estimate ofBatchMeans(double[] values) {
    final int count = values.length;
    if (count == 0) {
      return MISSING;
    }
    double sum = 0;
    for (int i = 0; i < count; i++) {
      sum += values[i];
    }
    final double mean = sum / count;
    if (count < 2) {
      return new Estimate(mean, Double.NaN, count);
    }
    double ss = 0;
    for (int i = 0; i < count; i++) {
      final double d = values[i] - mean;
      ss += d * d;
    }
    return new Estimate(mean, Math.sqrt(ss / (count - 1) / count), count);
  }
}
