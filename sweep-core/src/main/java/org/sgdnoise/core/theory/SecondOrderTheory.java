package org.sgdnoise.core.theory;

/**
 * Second-order methods on the label-noise model (x ~ N(0, A), N → ∞, noise of Lemma 1):
 * Propositions 5 and 6 of Ziyin et al., "Strength of Minibatch Noise in SGD" (ICLR 2022), as
 * rebuilt in {@code shared/theory/general-highdim-second-order-tails.md} §3, with momentum μ.
 * Both only need the spectrum of A: Σ = x·A⁻¹ with a scalar x.
 *
 * <p><b>Damped Newton (Proposition 5), Λ = λA⁻¹.</b> Then ΛA = λI and Theorem 2 gives
 *
 * <pre>
 *   Σ = x·A⁻¹,  x = λσ² / (gS − λD),  g = 2(1−μ) − ((1−μ)/(1+μ) + 1/S)·λ,
 * </pre>
 *
 * Tr[AΣ] = xD, κ (matrix convention) = λDS/(gS − λD), Tr C = (x(1 + D) + σ²)·Tr A/S (Lemma 1:
 * C = (1/S)(AΣA + (Tr[AΣ] + σ²)A)), L_train = ½(xD + σ²), L_test = ½xD. Stable iff g &gt; 0 and
 * gS &gt; λD, i.e. λ &lt; λ_c = 2(1−μ)S/((1−μ)S/(1+μ) + D + 1), or S &gt; S_min = λ(D + 1)/(2(1−μ)
 * − λ(1−μ)/(1+μ)).
 *
 * <p><b>Natural gradient (Proposition 6), Λ = (λ/S)·C⁻¹</b> with C the stationary noise itself
 * (Λ = λJ⁻¹ for the per-sample Fisher J = S·C; eq. 88 fixes this normalisation). With Σ = xA⁻¹,
 * Lemma 1 gives C = (x(1 + D) + σ²)A/S, so Λ = λ_eff·A⁻¹ with λ_eff = λ/(x(1 + D) + σ²): NGD is a
 * self-tuned damped Newton method, and x is the positive root of Proposition 5 at λ_eff,
 *
 * <pre>
 *   2(1−μ)(1+D)x² + [2(1−μ)σ² − λ(1−μ)/(1+μ) − λ(1+D)/S]·x − λσ²/S = 0
 *   ⇔ x = λg/4 − s/2 + ¼√(λ²g² + 4λ(g − 2/((1+D)(1+μ)))s + 4s²),
 *      s = σ²/(1+D),  g = 1/((1+D)(1+μ)) + 1/((1−μ)S).
 * </pre>
 *
 * <p><b>What divergence means for NGD.</b> The fixed point exists for every λ &gt; 0, and for σ²
 * &gt; 0 it lies strictly inside the damped-Newton region (λ_eff &lt; λ_c of Proposition 5): NGD is
 * self-stabilising, so {@code diverges} is always false and there is no finite critical learning
 * rate ({@link #NATURAL_GRADIENT_CRITICAL_LR} = +∞). At σ² = 0 the fixed point Σ = (λg/2)A⁻¹ is
 * <em>marginal</em>: λ_eff equals λ_c exactly, the second-moment map has spectral radius 1, κ is
 * +∞ and the prediction is the formal one of the proposition (simulated chains there are
 * dominated by heavy tails). {@link #naturalGradientMargin} = λ_eff/λ_c ∈ (0, 1] measures the
 * distance from that edge.
 */
public final class SecondOrderTheory {

  /** NGD has no finite critical learning rate: its fixed point exists for every λ (see above). */
  public static final double NATURAL_GRADIENT_CRITICAL_LR = Double.POSITIVE_INFINITY;

  private SecondOrderTheory() {}

  // ------------------------------------------------------------------ damped Newton

  /** g = 2(1−μ) − ((1−μ)/(1+μ) + 1/S)·λ of Proposition 5 (= G_μ at ΛA = λI). */
  public static double dampedNewtonG(double lr, int batch, double momentum) {
    return 2 * (1 - momentum) - ((1 - momentum) / (1 + momentum) + 1.0 / batch) * lr;
  }

  /**
   * x of Proposition 5 (Σ = x·A⁻¹): λσ²/(gS − λD); +∞ when unstable (g ≤ 0 or gS ≤ λD).
   *
   * @param dim D ≥ 1
   */
  public static double dampedNewtonScale(int dim, double lr, int batch, double momentum,
      double sigma2) {
    check("Cannot evaluate damped Newton", dim, lr, batch, momentum, sigma2);
    final double g = dampedNewtonG(lr, batch, momentum);
    final double den = g * batch - lr * dim;
    return g > 0 && den > 0 ? lr * sigma2 / den : Double.POSITIVE_INFINITY;
  }

  /**
   * Damped Newton, Λ = λA⁻¹ (Proposition 5).
   *
   * @param aSpectrum eigenvalues of A, each &gt; 0. Not modified.
   */
  public static Prediction dampedNewton(double[] aSpectrum, double lr, int batch,
      double momentum, double sigma2) {
    final String what = "Cannot evaluate damped Newton";
    final int dim = aSpectrum.length;
    check(what, dim, lr, batch, momentum, sigma2);
    final double[] sums = spectrumSums(what, aSpectrum);
    final double g = dampedNewtonG(lr, batch, momentum);
    final double den = g * batch - lr * dim;
    if (!(g > 0 && den > 0)) {
      return Prediction.divergent();
    }
    final double x = lr * sigma2 / den;
    final double kappa = lr * dim * batch / den;
    return predictionOf(x, kappa, dim, sums, batch, sigma2);
  }

  /**
   * λ_c = 2(1−μ)S / ((1−μ)S/(1+μ) + D + 1): damped Newton is stable iff λ &lt; λ_c (at μ = 0,
   * 2S/(S + D + 1)).
   */
  public static double dampedNewtonCriticalLr(int dim, int batch, double momentum) {
    check("Cannot compute the damped Newton critical learning rate", dim, 1, batch, momentum, 0);
    return 2 * (1 - momentum) * batch / ((1 - momentum) * batch / (1 + momentum) + dim + 1);
  }

  /**
   * S_min = λ(D + 1)/(2(1−μ) − λ(1−μ)/(1+μ)): damped Newton is stable iff S &gt; S_min (real; +∞
   * when no batch size helps, λ ≥ 2(1+μ)). With D = 1 and λ → aλ this is also the critical batch
   * size of 1-d SGD, S_c = 2λa/(2 − λa) at μ = 0 (1-d SGD is damped Newton with rate aλ).
   */
  public static double dampedNewtonMinBatch(double lr, int dim, double momentum) {
    check("Cannot compute the damped Newton minimum batch size", dim, lr, 1, momentum, 0);
    final double den = 2 * (1 - momentum) - lr * (1 - momentum) / (1 + momentum);
    return den > 0 ? lr * (dim + 1) / den : Double.POSITIVE_INFINITY;
  }

  // ------------------------------------------------------------------ natural gradient

  /** g = 1/((1+D)(1+μ)) + 1/((1−μ)S) of Proposition 6. */
  public static double naturalGradientG(int dim, int batch, double momentum) {
    return 1.0 / ((1 + dim) * (1 + momentum)) + 1.0 / ((1 - momentum) * batch);
  }

  /**
   * x of Proposition 6 (Σ = x·A⁻¹): the positive root of the quadratic above, evaluated without
   * cancellation (for b ≤ 0 as (−b + √Δ)/(2a₂), otherwise as 2|c₀|/(b + √Δ)). At σ² = 0, λg/2.
   */
  public static double naturalGradientScale(int dim, double lr, int batch, double momentum,
      double sigma2) {
    check("Cannot evaluate natural gradient", dim, lr, batch, momentum, sigma2);
    final double a2 = 2 * (1 - momentum) * (1 + dim);
    final double b = 2 * (1 - momentum) * sigma2 - lr * (1 - momentum) / (1 + momentum)
        - lr * (1 + dim) / (double) batch;
    final double c0 = -lr * sigma2 / batch;
    final double root = Math.sqrt(b * b - 4 * a2 * c0);
    return b <= 0 ? (-b + root) / (2 * a2) : -2 * c0 / (b + root);
  }

  /** λ_eff = λ/(x(1 + D) + σ²): at the fixed point NGD's preconditioner is λ_eff·A⁻¹. */
  public static double naturalGradientEffectiveLr(int dim, double lr, int batch, double momentum,
      double sigma2) {
    final double x = naturalGradientScale(dim, lr, batch, momentum, sigma2);
    return lr / (x * (1 + dim) + sigma2);
  }

  /**
   * λ_eff/λ_c: how close the NGD fixed point is to the damped-Newton edge; &lt; 1 for σ² &gt; 0
   * (self-stabilising), exactly 1 at σ² = 0 (marginal).
   */
  public static double naturalGradientMargin(int dim, double lr, int batch, double momentum,
      double sigma2) {
    return naturalGradientEffectiveLr(dim, lr, batch, momentum, sigma2)
        / dampedNewtonCriticalLr(dim, batch, momentum);
  }

  /**
   * Natural gradient, Λ = (λ/S)C⁻¹ self-consistently (Proposition 6). Never divergent; κ = S·x·D/σ²
   * (the damped-Newton κ at λ_eff), +∞ at σ² = 0.
   *
   * @param aSpectrum eigenvalues of A, each &gt; 0. Not modified.
   */
  public static Prediction naturalGradient(double[] aSpectrum, double lr, int batch,
      double momentum, double sigma2) {
    final String what = "Cannot evaluate natural gradient";
    final int dim = aSpectrum.length;
    check(what, dim, lr, batch, momentum, sigma2);
    final double[] sums = spectrumSums(what, aSpectrum);
    final double x = naturalGradientScale(dim, lr, batch, momentum, sigma2);
    final double kappa = sigma2 > 0 ? batch * x * dim / sigma2 : Double.POSITIVE_INFINITY;
    return predictionOf(x, kappa, dim, sums, batch, sigma2);
  }

  // ------------------------------------------------------------------ shared

  /** Σ = xA⁻¹: Tr[AΣ] = xD, Tr Σ = x·Tr A⁻¹, Tr C = (x(1 + D) + σ²)Tr A/S. */
  private static Prediction predictionOf(double x, double kappa, int dim, double[] sums,
      int batch, double sigma2) {
    final double trASigma = x * dim;
    final double traceNoise = (x * (1 + dim) + sigma2) * sums[0] / batch;
    return new Prediction(false, kappa, trASigma, x * sums[1], 0.5 * (trASigma + sigma2),
        0.5 * trASigma, traceNoise, null, null);
  }

  /** {Tr A, Tr A⁻¹}, validating every eigenvalue. */
  private static double[] spectrumSums(String what, double[] aSpectrum) {
    Checks.positiveFiniteEach(what, "eigenvalues of A", aSpectrum);
    double trA = 0;
    double trInv = 0;
    for (int i = 0; i < aSpectrum.length; i++) {
      trA += aSpectrum[i];
      trInv += 1 / aSpectrum[i];
    }
    return new double[] {trA, trInv};
  }

  private static void check(String what, int dim, double lr, int batch, double momentum,
      double sigma2) {
    if (dim < 1) {
      throw new IllegalArgumentException(what + ": dimension must be >= 1: " + dim);
    }
    Checks.step(what, lr, batch, momentum);
    Checks.nonNegativeFinite(what, "sigma2", sigma2);
  }
}
