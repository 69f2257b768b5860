package org.sgdnoise.core.theory;

/**
 * The Student-t-like stationary density of 1-d label-noise SGD in the continuous-time picture
 * (Section 6.6 / Appendix D.3 of Ziyin et al., ICLR 2022; {@code
 * shared/theory/general-highdim-second-order-tails.md} §5), w shifted to w − w*:
 *
 * <pre>
 *   p(w) = 𝒩_β·(σ² + aw²)^(−(1+β)/2),   𝒩_β = √a·σ^β·Γ((1+β)/2) / (√π·Γ(β/2)),
 *   Var w = σ²/(a(β − 2)) for β &gt; 2 (+∞ otherwise),   p(|w|) ~ |w|^(−(1+β)).
 * </pre>
 *
 * With Proposition 7's index β = 2S/(aλ) − S ({@link #proposition7}) the variance equals the 1-d
 * Theorem 2 variance λσ²/(2S − aλ(S + 2)) (that is how the proposition is built); the true tail
 * index is the Kesten one ({@link TailIndex#kesten}), which this density does not reproduce.
 *
 * @param a the curvature a &gt; 0 (1-d A)
 * @param sigma2 the label-noise variance σ² &gt; 0
 * @param beta the tail index β &gt; 0
 */
public record StudentTStationary(double a, double sigma2, double beta) {

  /** Lanczos approximation (g = 7, 9 terms), relative error ~1e-15 for z &gt; 0. */
  private static final double LANCZOS_G = 7;

  private static final double[] LANCZOS = {
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7
  };

  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  /** Validates the parameters. */
  public StudentTStationary {
    if (!(a > 0 && a < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("Cannot build the stationary density: a must be finite"
          + " and > 0: " + a);
    }
    if (!(sigma2 > 0 && sigma2 < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("Cannot build the stationary density: sigma2 must be"
          + " finite and > 0: " + sigma2);
    }
    if (!(beta > 0 && beta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("Cannot build the stationary density: beta must be"
          + " finite and > 0: " + beta);
    }
  }

  /**
   * The density with Proposition 7's index β = 2S/(aλ) − S (needs aλ &lt; 2, i.e. β &gt; 0).
   */
  public static StudentTStationary proposition7(double a, double lr, int batch, double sigma2) {
    if (!(lr > 0) || batch < 1) {
      throw new IllegalArgumentException("Cannot build the Proposition 7 density: need λ > 0 and"
          + " S >= 1: " + lr + ", " + batch);
    }
    final double beta = 2.0 * batch / (a * lr) - batch;
    if (!(beta > 0)) {
      throw new IllegalArgumentException("Cannot build the Proposition 7 density: β = 2S/(aλ) − S"
          + " must be > 0 (aλ < 2): " + beta);
    }
    return new StudentTStationary(a, sigma2, beta);
  }

  /** log 𝒩_β = ½log a + (β/2)log σ² + lnΓ((1+β)/2) − ½log π − lnΓ(β/2). */
  public double logNormalizer() {
    return 0.5 * Math.log(a) + 0.5 * beta * Math.log(sigma2) + logGamma(0.5 * (1 + beta))
        - 0.5 * Math.log(Math.PI) - logGamma(0.5 * beta);
  }

  /** p(w), computed in log space. */
  public double density(double w) {
    return Math.exp(logNormalizer() - 0.5 * (1 + beta) * Math.log(sigma2 + a * w * w));
  }

  /** Var w = σ²/(a(β − 2)) for β &gt; 2, +∞ otherwise. */
  public double variance() {
    return beta > 2 ? sigma2 / (a * (beta - 2)) : Double.POSITIVE_INFINITY;
  }

  /** lnΓ(z) for z &gt; 0 (Lanczos; lnΓ(z) = lnΓ(z + 1) − ln z below ½). */
  static double logGamma(double z) {
    if (z < 0.5) {
      return logGamma(z + 1) - Math.log(z);
    }
    final double x = z - 1;
    double sum = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) {
      sum += LANCZOS[i] / (x + i);
    }
    final double t = x + LANCZOS_G + 0.5;
    return HALF_LOG_2PI + (x + 0.5) * Math.log(t) - t + Math.log(sum);
  }
}
