package org.sgdnoise.core.analysis;

import java.util.Arrays;

/**
 * Simulation against a prediction, per cell and aggregated: the z-score (simulated −
 * predicted)/SE with SE the simulation's batch-means standard error, and the relative error
 * (simulated − predicted)/|predicted|.
 *
 * <p>If the prediction is right and the SE is right, z is approximately standard normal: |z| ≤ 2
 * in about 95% of cells, |z| ≤ 4 in all but 6e-5. A systematic |z| far above that says the
 * prediction (an approximation, or the theory outside its assumptions) is off; the relative error
 * says by how much, independent of how long the simulation ran.
 */
public final class Agreement {
  private Agreement() {}

  /** (simulated − predicted)/se; NaN if an input is missing or se is not &gt; 0. */
  public static double z(double predicted, double simulated, double se) {
    if (!(se > 0) || !Double.isFinite(predicted) || !Double.isFinite(simulated)) {
      return Double.NaN;
    }
    return (simulated - predicted) / se;
  }

  /** (simulated − predicted)/|predicted|; NaN if an input is missing or predicted is 0. */
  public static double relError(double predicted, double simulated) {
    if (predicted == 0 || !Double.isFinite(predicted) || !Double.isFinite(simulated)) {
      return Double.NaN;
    }
    return (simulated - predicted) / Math.abs(predicted);
  }

  /**
   * The aggregate of one group of comparisons (one kind × source × quantity).
   *
   * @param cells comparisons in the group
   * @param meanAbsZ mean |z| over the finite z (NaN if none)
   * @param maxAbsZ largest |z| (NaN if none)
   * @param within2 fraction of the finite z with |z| ≤ 2 (NaN if none)
   * @param within4 fraction of the finite z with |z| ≤ 4 (NaN if none)
   * @param medianAbsRelError median |relative error| over the finite ones (NaN if none)
   */
  public record Summary(long cells, double meanAbsZ, double maxAbsZ, double within2,
      double within4, double medianAbsRelError) {}

  /**
   * Aggregates one group.
   *
   * @param cells comparisons in the group (at least the number of z values given)
   * @param z the group's z-scores; NaN entries are skipped. Not modified.
   * @param relError the group's relative errors; NaN entries are skipped. Not modified.
   */
  public static Summary summarize(long cells, double[] z, double[] relError) {
    double sum = 0;
    double max = Double.NaN;
    int n = 0;
    int in2 = 0;
    int in4 = 0;
    for (double v : z) {
      if (Double.isNaN(v)) {
        continue;
      }
      final double a = Math.abs(v);
      n++;
      sum += a;
      max = n == 1 ? a : Math.max(max, a);
      in2 += a <= 2 ? 1 : 0;
      in4 += a <= 4 ? 1 : 0;
    }
    double[] rel = Arrays.stream(relError).filter(v -> !Double.isNaN(v)).map(Math::abs).sorted()
        .toArray();
    return new Summary(cells, n == 0 ? Double.NaN : sum / n, max,
        n == 0 ? Double.NaN : (double) in2 / n, n == 0 ? Double.NaN : (double) in4 / n,
        median(rel));
  }

  /** Median of sorted values; NaN if empty. */
  private static double median(double[] sorted) {
    final int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  }
}
