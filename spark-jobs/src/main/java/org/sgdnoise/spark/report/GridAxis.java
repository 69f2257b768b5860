package org.sgdnoise.spark.report;

import java.util.Arrays;

/**
 * The distinct values of one parameter along a plot axis, and whether the axis is logarithmic.
 * An axis is logarithmic when its values are positive and either form a geometric grid or span
 * at least a factor {@value #LOG_SPAN} without being evenly spaced (lists such as S = 1, 2, 3,
 * 4, 8, 16, ...). Positions between grid nodes interpolate in log space on a log axis, so a
 * boundary half-way between two nodes sits at their geometric mean.
 */
public record GridAxis(String column, double[] values, boolean log) {
  /** Span (max/min) from which an uneven positive grid is drawn on a log axis. */
  static final double LOG_SPAN = 10;
  /** Relative tolerance for "evenly spaced" and "geometric". */
  static final double SPACING_TOL = 1e-6;

  public GridAxis {
    values = values.clone();
    if (values.length == 0) {
      throw new IllegalArgumentException("Cannot make an axis: no values: " + column);
    }
  }

  /** An axis over the distinct finite values, sorted, with the log rule above. */
  public static GridAxis of(String column, double[] raw) {
    double[] v = Arrays.stream(raw).filter(Double::isFinite).sorted().distinct().toArray();
    return new GridAxis(column, v, isLog(v));
  }

  static boolean isLog(double[] v) {
    if (v.length < 2 || !(v[0] > 0)) {
      return false;
    }
    double span = v[v.length - 1] / v[0];
    if (v.length == 2) {
      return span >= LOG_SPAN;
    }
    boolean even = true;
    boolean geometric = true;
    double d = v[1] - v[0];
    double r = v[1] / v[0];
    for (int k = 2; k < v.length; k++) {
      even &= Math.abs((v[k] - v[k - 1]) - d) <= SPACING_TOL * Math.abs(d);
      geometric &= Math.abs(v[k] / v[k - 1] - r) <= SPACING_TOL * r;
    }
    return geometric || (!even && span >= LOG_SPAN);
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  public int size() {
    return values.length;
  }

  public double value(int k) {
    return values[k];
  }

  /** Index of {@code x} among the values, or -1. */
  public int indexOf(double x) {
    int k = Arrays.binarySearch(values, x);
    return k >= 0 ? k : -1;
  }

  /** The data value at a fractional index, interpolated linearly or in log space. */
  public double at(double fractionalIndex) {
    int n = values.length;
    if (n == 1) {
      return values[0];
    }
    int k = (int) Math.max(0, Math.min(n - 2, Math.floor(fractionalIndex)));
    double f = fractionalIndex - k;
    return between(values[k], values[k + 1], f);
  }

  /** Block edges: {@code size() + 1} values, half-way between nodes (geometric on a log axis). */
  public double[] edges() {
    int n = values.length;
    double[] e = new double[n + 1];
    if (n == 1) {
      double v = values[0];
      e[0] = log ? v / 2 : v - 0.5;
      e[1] = log ? v * 2 : v + 0.5;
      return e;
    }
    for (int k = 1; k < n; k++) {
      e[k] = between(values[k - 1], values[k], 0.5);
    }
    e[0] = between(values[0], values[1], -0.5);
    e[n] = between(values[n - 2], values[n - 1], 1.5);
    return e;
  }

  private double between(double a, double b, double f) {
    return log ? a * Math.pow(b / a, f) : a + (b - a) * f;
  }
}
