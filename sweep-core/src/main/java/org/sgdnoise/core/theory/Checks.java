package org.sgdnoise.core.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Argument validation shared by the theory classes. Every method is NaN-safe (a NaN never passes)
 * and throws {@link IllegalArgumentException} with the message {@code <what>: <why>: <value>},
 * where {@code what} is the caller's "Cannot &lt;do what&gt;" prefix (STYLE.md).
 */
final class Checks {

  private Checks() {
  }

  /** Requires 0 &lt; x &lt; ∞: "{@code <what>: <name> must be finite and > 0: <x>}". */
  static void positiveFinite(String what, String name, double x) {
    if (!(x > 0 && x < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(what + ": " + name + " must be finite and > 0: " + x);
    }
  }

  /** Requires 0 ≤ x &lt; ∞: "{@code <what>: <name> must be finite and >= 0: <x>}". */
  static void nonNegativeFinite(String what, String name, double x) {
    if (!(x >= 0 && x < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(what + ": " + name + " must be finite and >= 0: " + x);
    }
  }

  /**
   * Requires 0 &lt; x[i] &lt; ∞ for every i: "{@code <what>: <name> must be finite and > 0: index
   * <i>: <x[i]>}".
   */
  static void positiveFiniteEach(String what, String name, double[] x) {
    for (int i = 0; i < x.length; i++) {
      if (!(x[i] > 0 && x[i] < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException(
            what + ": " + name + " must be finite and > 0: index " + i + ": " + x[i]);
      }
    }
  }

  /**
   * Requires 0 ≤ x[i] &lt; ∞ for every i: "{@code <what>: <name> must be finite and >= 0: index
   * <i>: <x[i]>}".
   */
  static void nonNegativeFiniteEach(String what, String name, double[] x) {
    for (int i = 0; i < x.length; i++) {
      if (!(x[i] >= 0 && x[i] < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException(
            what + ": " + name + " must be finite and >= 0: index " + i + ": " + x[i]);
      }
    }
  }

  /** Requires a batch size S ≥ 1. */
  static void batch(String what, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException(what + ": batch size must be >= 1: " + batch);
    }
  }

  /** Requires a momentum μ ∈ [0, 1). */
  static void momentum(String what, double momentum) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException(what + ": momentum must be in [0, 1): " + momentum);
    }
  }

  /** Requires a scalar step: 0 &lt; λ &lt; ∞, S ≥ 1 and μ ∈ [0, 1), checked in that order. */
  static void step(String what, double lr, int batch, double momentum) {
    positiveFinite(what, "learning rate", lr);
    batch(what, batch);
    momentum(what, momentum);
  }

  /** Requires every element of x to be finite. */
  static void finite(String what, String name, double[] x) {
    for (double v : x) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(
            what + ": " + name + " has a non-finite element: " + v);
      }
    }
  }

  /** Requires m to be non-null and n×n. */
  static void square(String what, String name, DMatrixRMaj m, int n) {
    if (m == null || m.numRows != n || m.numCols != n) {
      throw new IllegalArgumentException(what + ": " + name + " must be " + n + "x" + n + ": "
          + (m == null ? "null" : m.numRows + "x" + m.numCols));
    }
  }

  /**
   * Requires m to be dim×dim with finite elements and |m_ij − m_ji| ≤ tol · max|m| for all i, j.
   */
  static void symmetric(String what, String name, DMatrixRMaj m, int dim, double tol) {
    square(what, name, m, dim);
    final double scale = CommonOps_DDRM.elementMaxAbs(m);
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        final double x = m.unsafe_get(i, j);
        if (!Double.isFinite(x)) {
          throw new IllegalArgumentException(
              what + ": " + name + " has a non-finite element: " + x);
        }
        if (!(Math.abs(x - m.unsafe_get(j, i)) <= tol * scale)) {
          throw new IllegalArgumentException(
              what + ": " + name + " is not symmetric: element (" + i + "," + j + ") " + x);
        }
      }
    }
  }
}
