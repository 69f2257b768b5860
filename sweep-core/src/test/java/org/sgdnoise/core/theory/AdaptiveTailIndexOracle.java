package org.sgdnoise.core.theory;

/**
 * The tail index as computed before TailIndex was made fast (commit c96bb65), kept verbatim as a
 * test oracle: adaptive Gauss–Legendre-16 on E|1 − cq|^β in u = √q, split at the kink, relative
 * tolerance 1e-12, and an Illinois root search. About a millisecond per call (far more for some
 * large-S cells far above the cap), so tests call it on a modest grid only.
 *
 * <p>Its cap: the doubling search returns +∞ as soon as E|M|^512 &lt; 1, i.e. for every index
 * above 512, not only above its MAX_INDEX = 1000 as its Javadoc says; TailIndex keeps the
 * documented contract (finite up to 1000).
 */
final class AdaptiveTailIndexOracle {
  /** Above this the tail index is reported as +∞ (no power law measurable in practice). */
  static final double MAX_INDEX = 1000;

  private static final int GL_POINTS = 16;
  private static final double[] NODES = new double[GL_POINTS];
  private static final double[] WEIGHTS = new double[GL_POINTS];
  private static final double REL_TOL = 1e-12;
  private static final int MAX_DEPTH = 30;
  private static final double ROOT_TOL = 1e-12;

  static {
    // The same generic rule (16 points here); the oracle's independence is its adaptive
    // integration of E|1 − (aλ/S)χ²_S|^β, not the nodes.
    TailIndex.gaussLegendre(NODES, WEIGHTS);
  }

  private AdaptiveTailIndexOracle() {}

  /**
   * The exact (Kesten) tail index: root β > 0 of E|1 − (aλ/S)χ²_S|^β = 1. NaN when no
   * stationary law exists (E log|M| ≥ 0); +∞ above {@link #MAX_INDEX}.
   */
  static double kesten(double aLr, int batch) {
    if (!(aLr > 0) || batch < 1) {
      throw new IllegalArgumentException("Cannot compute tail index: need aλ > 0 and S >= 1: "
          + aLr + ", " + batch);
    }
    final double c = aLr / batch;
    if (expectedLog(c, batch) >= 0) {
      return Double.NaN;
    }
    double hi = 1;
    while (moment(c, batch, hi) < 1) {
      hi *= 2;
      if (hi > MAX_INDEX) {
        return Double.POSITIVE_INFINITY;
      }
    }
    double lo = hi / 2;
    double gLo = moment(c, batch, lo) - 1;
    while (lo > 1e-12 && gLo > 0) {
      lo /= 2;
      gLo = moment(c, batch, lo) - 1;
    }
    double gHi = moment(c, batch, hi) - 1;
    // Illinois (regula falsi that halves the stale end's value): superlinear, always bracketed.
    int side = 0;
    for (int it = 0; it < 100 && hi - lo > ROOT_TOL * hi; it++) {
      double x = (lo * gHi - hi * gLo) / (gHi - gLo);
      if (!(x > lo && x < hi)) {
        x = 0.5 * (lo + hi);
      }
      final double g = moment(c, batch, x) - 1;
      if (g == 0) {
        return x;
      }
      if (g < 0) {
        lo = x;
        gLo = g;
        if (side == -1) {
          gHi *= 0.5;
        }
        side = -1;
      } else {
        hi = x;
        gHi = g;
        if (side == 1) {
          gLo *= 0.5;
        }
        side = 1;
      }
      if (Math.abs(g) < 1e-14) {
        return x;
      }
    }
    return 0.5 * (lo + hi);
  }

  /** E|1 − c q|^β for q ~ χ²_S. */
  static double moment(double c, int s, double beta) {
    return integrate(c, s, beta, false);
  }

  /** E log|1 − c q| for q ~ χ²_S. */
  static double expectedLog(double c, int s) {
    return integrate(c, s, 0, true);
  }

  private static double integrate(double c, int s, double beta, boolean log) {
    final double logNorm = Math.log(2) - 0.5 * s * Math.log(2) - logGamma(0.5 * s);
    final double u0 = 1 / Math.sqrt(c);
    final double uMax = Math.max(u0, Math.sqrt(s + 2 * beta + 1)) + 14;
    java.util.function.DoubleUnaryOperator f = u -> {
      final double q = u * u;
      final double m = Math.abs(1 - c * q);
      final double logPdf = logNorm + (s - 1) * Math.log(u) - 0.5 * q;
      if (log) {
        return m == 0 ? 0 : Math.log(m) * Math.exp(logPdf);
      }
      return m == 0 ? 0 : Math.exp(logPdf + beta * Math.log(m));
    };
    // Absolute tolerance from a coarse estimate of the whole integral (of |f| for the log).
    double scale = 0;
    for (int k = 0; k < 8; k++) {
      final double lo = uMax * k / 8;
      scale += Math.abs(gauss(f, lo, lo + uMax / 8));
    }
    final double tol = REL_TOL * Math.max(scale, Double.MIN_NORMAL);
    return adaptive(f, 0, u0, gauss(f, 0, u0), tol, 0)
        + adaptive(f, u0, uMax, gauss(f, u0, uMax), tol, 0);
  }

  /** Adaptive Gauss–Legendre: split until two halves agree with the whole within tol. */
  private static double adaptive(java.util.function.DoubleUnaryOperator f, double a, double b,
      double whole, double tol, int depth) {
    final double mid = 0.5 * (a + b);
    final double left = gauss(f, a, mid);
    final double right = gauss(f, mid, b);
    final double halves = left + right;
    if (depth >= MAX_DEPTH || Math.abs(halves - whole) <= tol) {
      return halves;
    }
    // The same absolute tolerance for every piece (not halved): Gauss–Legendre-16 converges so
    // fast on smooth pieces that the pieces' errors stay far below it, and a halved tolerance
    // would sink below round-off and never be met.
    return adaptive(f, a, mid, left, tol, depth + 1) + adaptive(f, mid, b, right, tol, depth + 1);
  }

  private static double gauss(java.util.function.DoubleUnaryOperator f, double a, double b) {
    final double h = 0.5 * (b - a);
    final double m = 0.5 * (a + b);
    double sum = 0;
    for (int i = 0; i < GL_POINTS; i++) {
      sum += WEIGHTS[i] * f.applyAsDouble(m + h * NODES[i]);
    }
    return sum * h;
  }

  /** ln Γ(z) for z = S/2: exact recursion for small z, Stirling's series above 20. */
  static double logGamma(double z) {
    if (z < 20) {
      // Γ(z) for z a multiple of 1/2: from Γ(1) = 1 or Γ(1/2) = √π upwards.
      double v = z == Math.rint(z) ? 0 : 0.5 * Math.log(Math.PI);
      for (double k = z == Math.rint(z) ? 1 : 0.5; k < z - 1e-9; k += 1) {
        v += Math.log(k);
      }
      return v;
    }
    final double z2 = z * z;
    return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z)
        - 1 / (360 * z * z2) + 1 / (1260 * z * z2 * z2) - 1 / (1680 * z * z2 * z2 * z2);
  }
}
