package org.sgdnoise.core.analysis;

import java.util.Arrays;
import java.util.Locale;

/**
 * The best weight decay γ* of one slice read off a grid of test losses: the grid point with the
 * least L_test, refined by the vertex of the parabola through it and its two neighbours.
 *
 * <p>Divergent cells count as L_test = +∞ (they are never the minimum, and a minimum next to one
 * is not refined); NaN entries (no value at all, e.g. not simulated) are ignored. For a unimodal
 * L_test the exact γ* lies between the grid minimum's neighbours, so within {@code gridStep} (the
 * larger of the two spacings next to it) of the grid minimum; the parabola's vertex lies within
 * half a spacing of it (the middle point is the lowest), and for a smooth L_test it is much
 * closer to γ* than the grid point (error O(h²) against O(h)).
 *
 * <p>The sign: γ* is negative when the least finite L_test at γ &lt; 0 is strictly below the
 * least at γ ≥ 0 (+∞ when there is none). It is decided on grid values, so it is exact whenever
 * the grid contains γ = 0 and some stable γ: L_test(0) = 0 is then the minimum if γ = 0 is stable
 * (γ* = 0, not negative), and every stable γ lies on one side of 0 otherwise.
 */
public final class GammaStarGrid {
  private GammaStarGrid() {}

  /** Where the grid minimum lies. */
  public enum Status {
    /** Between two grid points (divergent neighbours included): γ* is bracketed. */
    INTERIOR,
    /** At the first or last grid point: the true minimum may lie beyond the grid. */
    AT_EDGE,
    /** No grid point has a finite L_test. */
    ALL_DIVERGENT;

    /** The name written to the tables. */
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * γ* of one slice.
   *
   * @param gammaStar the refined grid minimum (NaN when all divergent)
   * @param gridStep the larger γ spacing next to the grid minimum (NaN with a single point)
   * @param negative whether γ* &lt; 0 by the grid values (null when all divergent)
   * @param status where the minimum lies
   */
  public record Result(double gammaStar, double gridStep, Boolean negative, Status status) {}

  /**
   * Locates γ* on one slice's grid.
   *
   * @param gamma the weight decays, any order (sorted here; duplicates keep the least L_test).
   *     Not modified.
   * @param lTest L_test of each cell: +∞ where it diverges, NaN where unknown. Not modified.
   * @return the result, or {@code null} if no entry has a γ and an L_test that is not NaN
   */
  public static Result locate(double[] gamma, double[] lTest) {
    if (gamma.length != lTest.length) {
      throw new IllegalArgumentException("Cannot locate γ*: " + gamma.length
          + " weight decays but " + lTest.length + " test losses");
    }
    // Step 1: the grid, sorted by γ, without unknown entries.
    Integer[] order = new Integer[gamma.length];
    int n = 0;
    for (int i = 0; i < gamma.length; i++) {
      if (!Double.isNaN(gamma[i]) && !Double.isNaN(lTest[i])) {
        order[n++] = i;
      }
    }
    if (n == 0) {
      return null;
    }
    Integer[] kept = Arrays.copyOf(order, n);
    Arrays.sort(kept, (p, q) -> Double.compare(gamma[p], gamma[q]));
    double[] x = new double[n];
    double[] f = new double[n];
    int m = 0;
    for (int k : kept) {
      if (m > 0 && x[m - 1] == gamma[k]) {
        f[m - 1] = Math.min(f[m - 1], lTest[k]);
        continue;
      }
      x[m] = gamma[k];
      f[m] = lTest[k];
      m++;
    }
    // Step 2: the least finite value (the first one on ties), and the sign.
    int best = -1;
    double belowZero = Double.POSITIVE_INFINITY;
    double aboveZero = Double.POSITIVE_INFINITY;
    for (int i = 0; i < m; i++) {
      if (f[i] < Double.POSITIVE_INFINITY) {
        if (best < 0 || f[i] < f[best]) {
          best = i;
        }
        if (x[i] < 0) {
          belowZero = Math.min(belowZero, f[i]);
        } else {
          aboveZero = Math.min(aboveZero, f[i]);
        }
      }
    }
    if (best < 0) {
      return new Result(Double.NaN, Double.NaN, null, Status.ALL_DIVERGENT);
    }
    final boolean negative = belowZero < aboveZero;
    if (m == 1) {
      return new Result(x[0], Double.NaN, negative, Status.AT_EDGE);
    }
    if (best == 0 || best == m - 1) {
      final double step = best == 0 ? x[1] - x[0] : x[m - 1] - x[m - 2];
      return new Result(x[best], step, negative, Status.AT_EDGE);
    }
    // Step 3: the parabola's vertex when both neighbours are finite.
    final double step = Math.max(x[best] - x[best - 1], x[best + 1] - x[best]);
    double star = x[best];
    if (f[best - 1] < Double.POSITIVE_INFINITY && f[best + 1] < Double.POSITIVE_INFINITY) {
      star = vertex(x[best - 1], f[best - 1], x[best], f[best], x[best + 1], f[best + 1]);
    }
    return new Result(star, step, negative, Status.INTERIOR);
  }

  /**
   * The vertex of the parabola through (x0, f0), (x1, f1), (x2, f2), x0 &lt; x1 &lt; x2, with f1
   * the least: x1 − ½[(x1−x0)²(f1−f2) − (x1−x2)²(f1−f0)] / [(x1−x0)(f1−f2) − (x1−x2)(f1−f0)]
   * (Brent's parabolic step). x1 when the three points are collinear; kept in [x0, x2].
   */
  static double vertex(double x0, double f0, double x1, double f1, double x2, double f2) {
    final double p = (x1 - x0) * (f1 - f2);
    final double q = (x1 - x2) * (f1 - f0);
    final double den = p - q;
    if (den == 0) {
      return x1;
    }
    final double v = x1 - 0.5 * ((x1 - x0) * p - (x1 - x2) * q) / den;
    return Math.max(x0, Math.min(x2, v));
  }
}
