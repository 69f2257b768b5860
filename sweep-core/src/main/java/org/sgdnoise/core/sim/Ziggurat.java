package org.sgdnoise.core.sim;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * Standard normal deviates by the ziggurat method of Marsaglia and Tsang ("The ziggurat method
 * for generating random variables", J. Stat. Softw. 5(8), 2000), with 256 layers, split so that
 * a step loop can run the common case inline with its generator's state in locals (Commons
 * RNG's samplers keep the generator's state in an object, which costs loads, stores and their
 * forwarding latency on every draw; docs/performance.md, "Simulator").
 *
 * <p>The area under f(x) = exp(−x²/2), x ≥ 0, is covered by {@link #LAYERS} = n pieces of equal
 * area v: a base (the rectangle [0, r] × [0, f(r)] and the tail x &gt; r) and horizontal
 * rectangles [0, xᵢ] × [f(xᵢ), f(xᵢ₊₁)], i = 1 … n − 1, with x₁ = r, xᵢ₊₁ = √(−2 ln(v/xᵢ +
 * f(xᵢ))) and xₙ = 0 (eq. 2 of the paper). The base is given the width x₀ = v/f(r). A draw picks
 * a layer i uniformly and z uniformly in (−xᵢ, xᵢ); if |z| &lt; xᵢ₊₁ the point lies under the
 * curve whatever its height and z is returned ({@link #fast}: 98.5 % of draws with 256 layers,
 * 97.2 % with the paper's 128). Otherwise {@link #slow} finishes the draw: in the base, |z| &lt; r
 * is accepted and the rest is replaced by a draw from the tail (Marsaglia's exponential
 * rejection, section 4); in layer i, a height uniform in [f(xᵢ), f(xᵢ₊₁)] accepts z when it lies
 * below f(z). A rejected point starts a new draw, which {@link #slow} takes from Commons RNG's
 * (exact) Ziggurat sampler: the law of a restart is N(0, 1) whichever exact sampler makes it.
 *
 * <p>r and v are not rounded published constants: r is solved for here (bisection to double
 * precision) so that the layers close, v/xₙ₋₁ + f(xₙ₋₁) = 1, with v = r f(r) + ∫ᵣ^∞ f from the
 * continued fraction of Mills' ratio; this gives r = 3.65415288536101, the published
 * 3.654152885361008796 for 256 layers (3.442619855899 for 128, as in the paper).
 *
 * <p>One 64-bit draw makes one deviate: its low 8 bits pick the layer, bit 8 the sign and its top
 * 55 bits, as an integer h, give |z| = h·xᵢ/2⁵⁵ (53 significant bits after rounding; the bits do
 * not overlap). The tables are indexed by the low 9 bits, layer and sign together, so that the
 * fast path is one compare and one multiply. The slow path's uniforms come from another
 * generator, so the two streams must be independent (seeded apart).
 */
final class Ziggurat {
  /** Number of layers (a power of two: the layer is the draw's low bits). */
  static final int LAYERS = 256;
  /** Right edge of the base rectangle, where the tail starts. */
  static final double R;
  /** Area of each layer under f(x) = exp(−x²/2). */
  static final double V;
  /** Layer edges x₀ = v/f(r) &gt; x₁ = r &gt; … &gt; xₙ = 0. */
  private static final double[] X = new double[LAYERS + 1];
  /** f(xᵢ). */
  private static final double[] F = new double[LAYERS + 1];
  /** A draw's table index j = {@code (int) bits & MASK}: its layer j mod 256 and sign bit. */
  static final int MASK = 2 * LAYERS - 1;
  /** h = {@code bits >>> SHIFT}, the draw's top 55 bits. */
  static final int SHIFT = 9;
  /**
   * Fast-path bound on h in layer i = j mod 256: ⌊(xᵢ₊₁/xᵢ)·2⁵⁵⌋ (0 for the top layer). Read-only
   * (a step loop may write {@link #fast} out with these two tables).
   */
  static final long[] K = new long[2 * LAYERS];
  /** ±xᵢ/2⁵⁵, negative for j ≥ 256: z = h·W[j]. Read-only. */
  static final double[] W = new double[2 * LAYERS];

  static {
    double lo = 3;
    double hi = 4;
    for (int it = 0; it < 200 && lo < hi; it++) {
      final double mid = 0.5 * (lo + hi);
      if (mid == lo || mid == hi) {
        break;
      }
      if (closure(mid, X) > 0) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    R = hi;
    closure(R, X);
    X[LAYERS] = 0;
    V = R * f(R) + tailArea(R);
    for (int i = 0; i <= LAYERS; i++) {
      F[i] = f(X[i]);
    }
    for (int j = 0; j < 2 * LAYERS; j++) {
      final int i = j & (LAYERS - 1);
      K[j] = (long) (X[i + 1] / X[i] * 0x1p55);
      W[j] = (j < LAYERS ? 1 : -1) * X[i] * 0x1p-55;
    }
  }

  private Ziggurat() {}

  private static double f(double x) {
    return Math.exp(-0.5 * x * x);
  }

  /** ∫ᵣ^∞ exp(−t²/2) dt = f(r)/(r + 1/(r + 2/(r + 3/(r + …)))) (Mills' ratio), r ≥ 3. */
  private static double tailArea(double r) {
    double cf = r;
    for (int k = 200; k >= 1; k--) {
      cf = r + k / cf;
    }
    return f(r) / cf;
  }

  /**
   * Builds x₀ … xₙ₋₁ for base edge r into {@code x} (Modified) and returns v/xₙ₋₁ + f(xₙ₋₁) − 1,
   * which is 0 when the layers close at xₙ = 0, positive when r is too small (v too large: the
   * layers run out early) and negative when r is too large.
   */
  private static double closure(double r, double[] x) {
    final double v = r * f(r) + tailArea(r);
    x[0] = v / f(r);
    x[1] = r;
    for (int i = 1; i < LAYERS - 1; i++) {
      final double arg = v / x[i] + f(x[i]);
      if (!(arg < 1)) {
        return 1;
      }
      x[i + 1] = Math.sqrt(-2 * Math.log(arg));
    }
    return v / x[LAYERS - 1] + f(x[LAYERS - 1]) - 1;
  }

  /**
   * The deviate of 64 random bits when it falls in its layer's inner rectangle, else NaN (then
   * {@link #slow} with the same bits finishes the draw).
   */
  static double fast(long bits) {
    final int j = (int) bits & MASK;
    final long h = bits >>> SHIFT;
    return h < K[j] ? h * W[j] : Double.NaN;
  }

  /**
   * Finishes a draw that {@link #fast} did not accept, with uniforms from {@code rng} and, if the
   * point is rejected, a fresh deviate from {@code restart}; both must be independent of the
   * stream that made {@code bits}.
   */
  static double slow(long bits, UniformRandomProvider rng,
      ZigguratSampler.NormalizedGaussian restart) {
    final int j = (int) bits & MASK;
    final int i = j & (LAYERS - 1);
    final double z = (bits >>> SHIFT) * W[j];
    if (i == 0) {
      if (Math.abs(z) < R) {
        return z;
      }
      // The tail x > r: t = −ln(U₁)/r, accepted when −2 ln(U₂) > t² (U in (0, 1]).
      double t;
      double e;
      do {
        t = -Math.log(1 - rng.nextDouble()) / R;
        e = -Math.log(1 - rng.nextDouble());
      } while (e + e < t * t);
      return z > 0 ? R + t : -R - t;
    }
    if (F[i] + rng.nextDouble() * (F[i + 1] - F[i]) < f(z)) {
      return z;
    }
    return restart.sample();
  }
}
