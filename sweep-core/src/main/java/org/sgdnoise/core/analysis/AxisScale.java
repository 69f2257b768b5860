package org.sgdnoise.core.analysis;

import java.util.Arrays;

/**
 * Whether an axis's grid is geometric (log) or arithmetic (linear), and the point between two
 * grid values on that scale: the geometric mean √(ab) on a log axis, the midpoint (a + b)/2 on a
 * linear one.
 *
 * <p>The scale is read from the values, not the sweep file, so that grids refined by bisection
 * (cells added between the original points) keep the scale of the grid they came from. A grid is
 * geometric when all its values are &gt; 0 and its gaps are more uniform in log space than in
 * linear space: max/min of consecutive log-ratios below max/min of consecutive differences. A
 * logspace has log spread 1 and linear spread rⁿ⁻² &gt; 1; a linspace the reverse. Ties (fewer
 * than three distinct values) are linear.
 */
public final class AxisScale {
  private AxisScale() {}

  /**
   * Detects the scale of a grid.
   *
   * @param values the axis values; any order, duplicates and NaN allowed (NaN ignored). Not
   *     modified.
   * @return true for a geometric grid
   */
  public static boolean isLog(double[] values) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().distinct()
        .toArray();
    if (v.length < 3 || !(v[0] > 0)) {
      return false;
    }
    return spread(v, true) < spread(v, false);
  }

  /** Max/min of the consecutive gaps of sorted distinct values, in log or linear space. */
  private static double spread(double[] v, boolean log) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (int i = 1; i < v.length; i++) {
      final double gap = log ? Math.log(v[i] / v[i - 1]) : v[i] - v[i - 1];
      lo = Math.min(lo, gap);
      hi = Math.max(hi, gap);
    }
    return hi / lo;
  }

  /** The point between a and b: √(ab) on a log axis, (a + b)/2 otherwise. */
  public static double between(double a, double b, boolean log) {
    return log ? Math.sqrt(a * b) : 0.5 * (a + b);
  }
}
