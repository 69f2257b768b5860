package org.sgdnoise.core.theory;

/**
 * Violation of the linear λ–S scaling law (Section 6.5 of Ziyin et al., ICLR 2022; {@code
 * shared/theory/general-highdim-second-order-tails.md} §4), for label noise with scalar λ.
 *
 * <p>With r = λ/S, Theorem 2 reads Σ = rσ²(1 + rκ)G⁻¹ with G = 2(1−μ)I − (λ(1−μ)/(1+μ) + r)A, so
 * at fixed r the only λ-dependence is the discretisation term λ(1−μ)/(1+μ)·A. The law "Σ depends
 * on λ and S only through λ/S" holds iff
 *
 * <pre>
 *   R(k; λ, S) = Tr[AΣ](kλ, kS) / Tr[AΣ](λ, S) = 1.
 * </pre>
 *
 * σ² cancels. In 1-d, R = [2(1−μ)S − λaS(1−μ)/(1+μ) − 2λa] / [2(1−μ)S − kλaS(1−μ)/(1+μ) − 2λa]
 * (μ = 0: (2S − λa(S+2))/(2S − λa(kS+2))).
 *
 * <p><b>Divergence.</b> NaN when (λ, S) itself has no stationary state (the law cannot be tested
 * there); +∞ when (λ, S) is stable but (kλ, kS) is not (the scaled run diverges: unbounded
 * violation; in 1-d at μ = 0 from k ≥ k_max = (2S − 2λa)/(λaS)).
 *
 * <p><b>Batch kS.</b> {@link #ratio} evaluates Theorem 2 through {@link
 * LabelNoiseTheory#ofSpectrum}, which takes an integer batch, and a minibatch of non-integer size
 * does not exist: kS must be an integer (within {@link #BATCH_INTEGER_TOL} relative, to absorb the
 * rounding of k) and is rejected otherwise. {@link #ratio1d} is the closed form, analytic in S,
 * and accepts any k &gt; 0.
 */
public final class ScalingRatio {
  /** Relative distance from an integer within which kS counts as that integer. */
  public static final double BATCH_INTEGER_TOL = 1e-9;

  private ScalingRatio() {}

  /**
   * R(k) = Tr[AΣ](kλ, kS)/Tr[AΣ](λ, S) from Theorem 2 ({@link LabelNoiseTheory#ofSpectrum}).
   *
   * @param spectrum eigenvalues of A, each &gt; 0. Not modified.
   * @param k scale factor &gt; 0 with kS a positive integer
   */
  public static double ratio(double[] spectrum, double lr, int batch, double momentum,
      double k) {
    final String what = "Cannot compute the scaling ratio";
    check(what, lr, batch, momentum, k);
    Checks.positiveFiniteEach(what, "eigenvalues of A", spectrum);
    final double kS = k * batch;
    final long scaledBatch = Math.round(kS);
    if (!(Math.abs(kS - scaledBatch) <= BATCH_INTEGER_TOL * kS) || scaledBatch < 1
        || scaledBatch > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          what + ": the scaled batch k*S must be a positive integer: " + kS);
    }
    final Prediction base = LabelNoiseTheory.ofSpectrum(spectrum, lr, batch, momentum, 1.0);
    if (base.diverges()) {
      return Double.NaN;
    }
    final Prediction scaled =
        LabelNoiseTheory.ofSpectrum(spectrum, k * lr, (int) scaledBatch, momentum, 1.0);
    if (scaled.diverges()) {
      return Double.POSITIVE_INFINITY;
    }
    return scaled.trASigma() / base.trASigma();
  }

  /**
   * The 1-d closed form of R (A = a), with the same NaN / +∞ convention (a denominator ≤ 0 is the
   * stability edge: Sg − λa &gt; 0 implies g &gt; 0). Analytic in kS.
   */
  public static double ratio1d(double a, double lr, int batch, double momentum, double k) {
    final String what = "Cannot compute the 1-d scaling ratio";
    check(what, lr, batch, momentum, k);
    Checks.positiveFinite(what, "a", a);
    final double m = (1 - momentum) / (1 + momentum);
    final double la = lr * a;
    final double base = 2 * (1 - momentum) * batch - la * batch * m - 2 * la;
    if (!(base > 0)) {
      return Double.NaN;
    }
    final double scaled = 2 * (1 - momentum) * batch - k * la * batch * m - 2 * la;
    return scaled > 0 ? base / scaled : Double.POSITIVE_INFINITY;
  }

  private static void check(String what, double lr, int batch, double momentum, double k) {
    Checks.step(what, lr, batch, momentum);
    Checks.positiveFinite(what, "k", k);
  }
}
