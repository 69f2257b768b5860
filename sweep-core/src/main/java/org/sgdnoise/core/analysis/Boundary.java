package org.sgdnoise.core.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The stability boundary of one slice: along the axis, the last stable and the first divergent
 * cell, and the boundary interpolated between them on the axis's scale ({@link AxisScale}).
 *
 * <p>Cells are ordered by axis value; equal values are one grid point. A slice is {@code
 * bracketed} when its verdicts change exactly once along the axis (stable below and divergent
 * above, or — e.g. along the batch size — divergent below and stable above), {@code all_stable}
 * or {@code all_divergent} when they never change, and {@code non_monotone} when they change more
 * than once or one grid point holds both verdicts (then no boundary is given). Cells without a
 * verdict (null: a failed cell, or no simulation) or with a NaN axis value are ignored; a slice
 * with none left has no result.
 */
public final class Boundary {
  private Boundary() {}

  /** How the verdicts lie along the axis. */
  public enum Status {
    BRACKETED,
    ALL_STABLE,
    ALL_DIVERGENT,
    NON_MONOTONE;

    /** The name written to the tables. */
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One slice's boundary.
   *
   * @param lastStable axis value of the stable cell next to the change (NaN unless bracketed)
   * @param firstDivergent axis value of the divergent cell next to the change (NaN unless
   *     bracketed)
   * @param boundary the point between them on the axis's scale (NaN unless bracketed)
   * @param width |firstDivergent − lastStable| (NaN unless bracketed)
   * @param transitions how often the verdict changes along the axis (−1: a grid point holds both)
   */
  public record Bracket(double lastStable, double firstDivergent, double boundary, double width,
      Status status, int transitions) {}

  /**
   * Locates the boundary of one slice.
   *
   * @param axis axis values of the slice's cells, any order. Not modified.
   * @param divergent each cell's verdict: true divergent, false stable, null none. Not modified.
   * @param log whether the axis is geometric (see {@link AxisScale#isLog})
   * @return the bracket, or {@code null} if no cell has both a verdict and an axis value
   */
  public static Bracket locate(double[] axis, Boolean[] divergent, boolean log) {
    if (axis.length != divergent.length) {
      throw new IllegalArgumentException("Cannot locate a boundary: " + axis.length
          + " axis values but " + divergent.length + " verdicts");
    }
    // Step 1: the grid points in axis order, each with its verdict (null: both verdicts).
    List<double[]> cells = new ArrayList<>();
    for (int i = 0; i < axis.length; i++) {
      if (divergent[i] != null && !Double.isNaN(axis[i])) {
        cells.add(new double[] {axis[i], divergent[i] ? 1 : 0});
      }
    }
    if (cells.isEmpty()) {
      return null;
    }
    cells.sort((p, q) -> Double.compare(p[0], q[0]));
    List<Double> x = new ArrayList<>();
    List<Integer> verdict = new ArrayList<>();
    boolean mixed = false;
    for (double[] c : cells) {
      int v = (int) c[1];
      if (!x.isEmpty() && x.get(x.size() - 1) == c[0]) {
        mixed |= verdict.get(verdict.size() - 1) != v;
        continue;
      }
      x.add(c[0]);
      verdict.add(v);
    }
    // Step 2: count the changes of verdict between consecutive grid points.
    int transitions = 0;
    int at = -1;
    for (int i = 1; i < x.size(); i++) {
      if (!verdict.get(i).equals(verdict.get(i - 1))) {
        transitions++;
        at = i;
      }
    }
    if (mixed || transitions > 1) {
      return new Bracket(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Status.NON_MONOTONE,
          mixed ? -1 : transitions);
    }
    if (transitions == 0) {
      return new Bracket(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          verdict.get(0) == 1 ? Status.ALL_DIVERGENT : Status.ALL_STABLE, 0);
    }
    // Step 3: one change between x[at − 1] and x[at]; interpolate on the axis's scale.
    final double below = x.get(at - 1);
    final double above = x.get(at);
    final boolean divergesAbove = verdict.get(at) == 1;
    final double stable = divergesAbove ? below : above;
    final double diverging = divergesAbove ? above : below;
    return new Bracket(stable, diverging, AxisScale.between(below, above, log), above - below,
        Status.BRACKETED, 1);
  }
}
