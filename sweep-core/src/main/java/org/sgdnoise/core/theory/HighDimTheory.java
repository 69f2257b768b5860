package org.sgdnoise.core.theory;

/**
 * High-dimensional linear regression with label noise: Proposition 4, Theorem 6 and the stability
 * sum of Section 6.2 of Ziyin et al., "Strength of Minibatch Noise in SGD" (ICLR 2022), as rebuilt
 * in {@code shared/theory/general-highdim-second-order-tails.md} §2, extended to momentum.
 *
 * <p><b>Setting.</b> N = αD samples x_i ~ N(0, A) with A = aI, labels y = uᵀx + ε, Var ε = σ²;
 * SGD with scalar λ, batch S (with replacement), momentum μ on the training loss, whose Hessian is
 * the empirical covariance Â = (1/N)Σx_ix_iᵀ. The minimum is w* = Â⁺(Âu + v), v = (1/N)Σx_iε_i,
 * with mean residual E‖ρ‖²/N = σ²(1 − 1/α) for α &gt; 1 and 0 for α ≤ 1. Write s² = max{0,
 * σ²(1 − 1/α)}.
 *
 * <p><b>Noise (Proposition 4).</b> C = (1/S)(Tr[ÂΣ]·Â ± ÂΣÂ) + (s²/S)Â. Upper signs here and
 * below: the Gaussian fourth moment (Lemma 1, {@link Variant#GAUSSIAN}), which the sheet
 * recommends; lower signs: the paper's Theorem 5 ({@link Variant#PAPER}). The Gaussian form
 * matches the exact finite-data chain's stability edge within ~1 % where the printed form is
 * 2–4 % high. The two differ at O(1/D).
 *
 * <p><b>Theorem 6 with momentum.</b> Theorem 1 with this noise is diagonal in Â's eigenbasis:
 *
 * <pre>
 *   G_μ = 2(1−μ)I − λ((1−μ)/(1+μ) ± 1/S)Â     (G₊ / G of the sheet at μ = 0),
 *   u = (λ/S)Tr[ÂG_μ⁻¹],  κ = Tr[ÂG_μ⁻¹]/(1 − u),
 *   Tr[ÂΣ] = (λs²/S)κ,  Σ = (λs²/S)(1 + λκ/S)G_μ⁻¹ on range(Â), 0 on its null space
 * </pre>
 *
 * (SGD never moves along null(Â): every gradient lies in the span of the data). A stationary state
 * exists iff G_μ ≻ 0 and u &lt; 1, i.e. the Section 6.2 sum Σ_i λa_i/g_i = Σ_i 1/(2/(λa_i) − 1 ∓
 * 1/S) (μ = 0) is below S, over the non-zero eigenvalues a_i. For α ≤ 1, s² = 0: Σ = 0 and
 * L_train = 0, but the same condition decides whether the interpolating minimum is stable (beyond
 * it the second moment grows geometrically); we then return {@link Prediction#divergent()}.
 *
 * <p><b>Fields of the returned {@link Prediction}s.</b> {@code kappa} = λκ (matrix convention,
 * as {@link LabelNoiseTheory}); {@code trASigma} = Tr[ÂΣ] with the <em>empirical</em> Â, the
 * Hessian of the training loss (Theorem 6's quantity, the "fluctuation coefficient" of Fig. 6);
 * {@code traceSigma} = Tr Σ; {@code lTrain} = ½Tr[ÂΣ] + ½s² (eq. 78); {@code traceNoise} = Tr C of
 * the variant's noise form above; {@code lTest} = ½E[(w − u)ᵀA(w − u)] with the population A = aI,
 * which is
 *
 * <pre>
 *   ½a·Tr Σ  +  ½E_ε[(w* − u)ᵀA(w* − u)] = ½a·Tr Σ + ½(aσ²/N)·Σ_{a_i &gt; 0} 1/a_i.
 * </pre>
 *
 * The first term is the SGD fluctuation, the second the label-noise error of the minimiser w*
 * itself (the OLS / min-norm-interpolator variance, conditional on the data set). <b>Not
 * included</b>: for α &lt; 1 the interpolator's signal bias ½‖(I − P_Â)u‖²_A, which needs the
 * unknown u (it vanishes for u = 0); it does not depend on λ, S or μ, so it only shifts the curve
 * along α. For α &gt; 1 the value is complete. {@code lTest} is NaN when the population scale a is
 * not given.
 *
 * <p><b>Hessian-approximation comparator (Fig. 6).</b> Tr[ÂΣ]_H = (λσ²/S)·Tr[Â G_H⁻¹], G_H =
 * 2(1−μ)I − λ((1−μ)/(1+μ))Â (noise σ²Â/S, no Σ feedback; at μ = 0 the sheet's (λσ²/S)Tr[Â(2I −
 * λÂ)⁻¹]). NaN when G_H is not positive definite (λ·a_max ≥ 2(1+μ)).
 */
public final class HighDimTheory {

  /** Which fourth-moment form of the noise: sign of the ÂΣÂ term of Proposition 4. */
  public enum Variant {
    /** + ÂΣÂ: Gaussian inputs, G₊ = 2I − λ(1 + 1/S)Â at μ = 0 (recommended). */
    GAUSSIAN(1),
    /** − ÂΣÂ: Theorem 5 / Proposition 4 as printed, G = 2I − λ(1 − 1/S)Â at μ = 0. */
    PAPER(-1);

    private final int sign;

    Variant(int sign) {
      this.sign = sign;
    }

    /** The coefficient c of G_μ = 2(1−μ)I − λcÂ: (1−μ)/(1+μ) ± 1/S. */
    double coefficient(int batch, double momentum) {
      return (1 - momentum) / (1 + momentum) + sign / (double) batch;
    }
  }

  /**
   * Theorem 6 in both variants.
   *
   * @param theory the recommended {@link Variant#GAUSSIAN} (G₊) prediction
   * @param paper the prediction as printed ({@link Variant#PAPER})
   * @param criticalLr the λ where the G₊ stability sum reaches S (+∞ when Â = 0)
   * @param paperCriticalLr the same for the printed sum
   * @param hessianTrASigma the Hessian-approximation comparator Tr[ÂΣ]_H (NaN where it diverges)
   */
  public record Result(Prediction theory, Prediction paper, double criticalLr,
      double paperCriticalLr, double hessianTrASigma) {}

  /** Relative bracket width at which the critical-λ bisections stop. */
  private static final double ROOT_REL_TOL = 1e-15;
  /** Upper bound on bisection steps (the ulp criterion stops far earlier). */
  private static final int MAX_BISECTIONS = 2000;

  private HighDimTheory() {}

  /**
   * Theorem 6 on a given spectrum of Â: no large-D approximation, the data set's own Â (the
   * noise model is still Proposition 4's, and s² the label-noise mean of the residual given X),
   * without the population scale: {@code lTest} is NaN.
   *
   * @param aHat eigenvalues of the empirical covariance Â, each ≥ 0 (zeros allowed). Not modified.
   * @param alpha α = N/D with D = {@code aHat.length}
   */
  public static Result ofEigenvalues(double[] aHat, double alpha, double lr, int batch,
      double momentum, double sigma2) {
    return ofEigenvalues(aHat, alpha, Double.NaN, lr, batch, momentum, sigma2);
  }

  /**
   * Theorem 6 on a given spectrum of Â, with the population covariance A = aI for {@code lTest}.
   *
   * @param aHat eigenvalues of Â, each ≥ 0. Not modified.
   * @param alpha α = N/D with D = {@code aHat.length}
   * @param a population scale (A = aI), &gt; 0, or NaN when unknown (then {@code lTest} is NaN)
   */
  public static Result ofEigenvalues(double[] aHat, double alpha, double a, double lr, int batch,
      double momentum, double sigma2) {
    final String what = "Cannot evaluate Theorem 6";
    checkSpectrum(what, aHat);
    checkCommon(what, alpha, lr, batch, momentum, sigma2);
    if (!Double.isNaN(a) && !(a > 0 && a < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(what + ": population scale a must be > 0 or NaN: " + a);
    }
    final int dim = aHat.length;
    final double n = alpha * dim;
    double trA = 0;
    double inverseSum = 0;
    for (int i = 0; i < dim; i++) {
      trA += aHat[i];
      if (aHat[i] > 0) {
        inverseSum += 1 / aHat[i];
      }
    }
    // ½E_ε(w* − u)ᵀA(w* − u) = ½(aσ²/N) Tr Â⁺ (a NaN when unknown).
    final double estimatorError = a * sigma2 * inverseSum / n;
    final double s2 = residualVariance(sigma2, alpha);
    return new Result(
        assemble(spectralSums(aHat, lr, batch, momentum, Variant.GAUSSIAN), trA, lr, batch, s2,
            a, estimatorError, Variant.GAUSSIAN),
        assemble(spectralSums(aHat, lr, batch, momentum, Variant.PAPER), trA, lr, batch, s2, a,
            estimatorError, Variant.PAPER),
        criticalLr(aHat, batch, momentum, Variant.GAUSSIAN),
        criticalLr(aHat, batch, momentum, Variant.PAPER),
        hessianTrASigma(aHat, lr, batch, momentum, sigma2));
  }

  /**
   * Theorem 6 in the large-D limit for A = aI: the spectrum of Â is replaced by the
   * Marchenko–Pastur law with ratio q = 1/α (atom 1 − α at 0 when α &lt; 1), O(1) per call. With
   * g_i = (1−μ)(2 − c a_i), c = λ((1−μ)/(1+μ) ± 1/S)/(1−μ), the spectral sums are exact rescalings
   * of the MP integrals (see {@link #phi} and {@link #psi}):
   *
   * <pre>
   *   Tr[ÂG_μ⁻¹] = D·Φ(c)/(1−μ),  Tr[G_μ⁻¹] = D(1 + cΦ(c))/(2(1−μ)),  Tr[Â²G_μ⁻¹] = D·Ψ(c)/(1−μ),
   *   Tr Â = D·a.
   * </pre>
   *
   * <b>Validity:</b> D large (the sums carry O(1/D) relative fluctuations, amplified by 1/(1 − u)
   * near the edge; the sheet measured ≤ 0.3 % at D = 2000), and c·a(1 + √q)² &lt; 2, i.e. G_μ
   * positive on the MP support; outside it the variant is {@link Prediction#divergent()}. The
   * estimator-error part of {@code lTest} uses the exact Gaussian (inverse-Wishart) means
   * σ²D/(N − D − 1) for N &gt; D + 1 and σ²N/(D − N − 1) for D &gt; N + 1 (their limits are
   * σ²/(α − 1) and σ²α/(1 − α)); it is +∞ in between (the interpolation peak).
   *
   * @param dim D ≥ 1
   * @param a population scale, A = aI, &gt; 0
   */
  public static Result marchenkoPastur(int dim, double alpha, double a, double lr, int batch,
      double momentum, double sigma2) {
    final String what = "Cannot evaluate Theorem 6 (Marchenko-Pastur)";
    checkMarchenkoPastur(what, dim, a);
    checkCommon(what, alpha, lr, batch, momentum, sigma2);
    final double n = alpha * dim;
    final double estimatorError;
    if (n > dim + 1) {
      estimatorError = sigma2 * dim / (n - dim - 1);
    } else if (dim > n + 1) {
      estimatorError = sigma2 * n / (dim - n - 1);
    } else {
      estimatorError = sigma2 > 0 ? Double.POSITIVE_INFINITY : 0;
    }
    final double q = 1 / alpha;
    final double s2 = residualVariance(sigma2, alpha);
    final double hessianC = lr / (1 + momentum);
    final double hessian = hessianC * a * edgeFactor(q) < 2
        ? lr * sigma2 / batch * dim * phi(hessianC, a, q) / (1 - momentum)
        : Double.NaN;
    return new Result(
        assemble(mpSums(dim, a, q, lr, batch, momentum, Variant.GAUSSIAN), dim * a, lr, batch,
            s2, a, estimatorError, Variant.GAUSSIAN),
        assemble(mpSums(dim, a, q, lr, batch, momentum, Variant.PAPER), dim * a, lr, batch, s2,
            a, estimatorError, Variant.PAPER),
        marchenkoPasturCriticalLr(dim, alpha, a, batch, momentum, Variant.GAUSSIAN),
        marchenkoPasturCriticalLr(dim, alpha, a, batch, momentum, Variant.PAPER),
        hessian);
  }

  /**
   * The Section 6.2 stability sum λ·Tr[ÂG_μ⁻¹] = Σ_i λa_i/g_i (at μ = 0: Σ_i 1/(2/(λa_i) − 1 ∓
   * 1/S) over the non-zero a_i). A stationary state exists iff it is below S; +∞ when G_μ is not
   * positive definite, so that this single comparison is the whole condition.
   *
   * @param aHat eigenvalues of Â, each ≥ 0. Not modified.
   */
  public static double stabilitySum(double[] aHat, double lr, int batch, double momentum,
      Variant variant) {
    final String what = "Cannot evaluate the stability sum";
    checkSpectrum(what, aHat);
    Checks.batch(what, batch);
    Checks.momentum(what, momentum);
    if (!(lr > 0)) {
      throw new IllegalArgumentException(what + ": learning rate must be > 0: " + lr);
    }
    final double c = variant.coefficient(batch, momentum);
    double sum = 0;
    for (int i = 0; i < aHat.length; i++) {
      final double d = lr * aHat[i];
      final double g = 2 * (1 - momentum) - c * d;
      if (!(g > 0)) {
        return Double.POSITIVE_INFINITY;
      }
      sum += d / g;
    }
    return sum;
  }

  /**
   * Critical learning rate for a spectrum: the root of λ·Tr[ÂG_μ(λ)⁻¹] = S (the sum is increasing
   * in λ for either sign of c, and reaches S before G_μ loses definiteness). For {@link
   * Variant#PAPER} with momentum, c can be ≤ 0; the root then still exists (the sum tends to
   * n₊/|c| &gt; S, n₊ the number of non-zero a_i). +∞ when Â = 0. Also the global-minimum edge
   * of Corollary 2 (see {@link NearMinimumTheory}).
   *
   * @param aHat eigenvalues of Â, each ≥ 0. Not modified.
   */
  public static double criticalLr(double[] aHat, int batch, double momentum, Variant variant) {
    final String what = "Cannot compute the critical learning rate";
    checkSpectrum(what, aHat);
    Checks.batch(what, batch);
    Checks.momentum(what, momentum);
    double aMax = 0;
    double trA = 0;
    for (int i = 0; i < aHat.length; i++) {
      aMax = Math.max(aMax, aHat[i]);
      trA += aHat[i];
    }
    if (aMax == 0) {
      return Double.POSITIVE_INFINITY;
    }
    final double c = variant.coefficient(batch, momentum);
    double hi;
    if (c > 0) {
      hi = 2 * (1 - momentum) / (c * aMax);
    } else {
      // No G edge: start from the small-λ estimate λTr Â/(2(1−μ)) = S and double until the
      // sum reaches S (it tends to n₊/|c| > S, or grows linearly when c = 0).
      hi = 2 * (1 - momentum) * batch / trA;
      for (int iter = 0; iter < MAX_BISECTIONS
          && stabilitySum(aHat, hi, batch, momentum, variant) < batch; iter++) {
        hi *= 2;
      }
    }
    double lo = 0;
    for (int iter = 0; iter < MAX_BISECTIONS && hi - lo > ROOT_REL_TOL * hi; iter++) {
      final double mid = 0.5 * (lo + hi);
      if (stabilitySum(aHat, mid, batch, momentum, variant) >= batch) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  /**
   * Critical learning rate for an isotropic spectrum (D non-zero eigenvalues all equal to a):
   * λ_c = 2(1−μ)S / (a(D + S(1−μ)/(1+μ) ± 1)); at μ = 0, 2S/(a(D + S − 1)) as printed and
   * 2S/(a(D + S + 1)) for G₊ (Section 6.2).
   */
  public static double isotropicCriticalLr(double a, int dim, int batch, double momentum,
      Variant variant) {
    final String what = "Cannot compute the isotropic critical learning rate";
    if (!(a > 0) || dim < 1) {
      throw new IllegalArgumentException(what + ": need a > 0 and D >= 1: " + a + ", " + dim);
    }
    Checks.batch(what, batch);
    Checks.momentum(what, momentum);
    return 2 * (1 - momentum) * batch / (a * (dim + batch * variant.coefficient(batch, momentum)));
  }

  /**
   * Large-D critical learning rate for A = aI: the root of (λ/S)·D·Φ(c(λ))/(1−μ) = 1, or the edge
   * of G_μ on the Marchenko–Pastur support, c(λ)·a(1 + √q)² = 2, if that comes first (the MP
   * integral stays finite there). Scalar bisection, O(1) per step.
   */
  public static double marchenkoPasturCriticalLr(int dim, double alpha, double a, int batch,
      double momentum, Variant variant) {
    final String what = "Cannot compute the Marchenko-Pastur critical learning rate";
    checkMarchenkoPastur(what, dim, a);
    Checks.batch(what, batch);
    Checks.momentum(what, momentum);
    if (!(alpha > 0 && alpha < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(what + ": alpha must be finite and > 0: " + alpha);
    }
    final double q = 1 / alpha;
    final double k = variant.coefficient(batch, momentum) / (1 - momentum);
    double hi;
    if (k > 0) {
      final double edge = 2 / (k * a * edgeFactor(q));
      if (mpStabilitySum(dim, a, q, edge, batch, momentum, k) < batch) {
        return edge;
      }
      hi = edge;
    } else {
      hi = 2 * (1 - momentum) * batch / (dim * a);
      for (int iter = 0; iter < MAX_BISECTIONS
          && mpStabilitySum(dim, a, q, hi, batch, momentum, k) < batch; iter++) {
        hi *= 2;
      }
    }
    double lo = 0;
    for (int iter = 0; iter < MAX_BISECTIONS && hi - lo > ROOT_REL_TOL * hi; iter++) {
      final double mid = 0.5 * (lo + hi);
      if (mpStabilitySum(dim, a, q, mid, batch, momentum, k) >= batch) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  // ------------------------------------------------------------------ Marchenko–Pastur integrals

  /**
   * Φ(c) = ∫ x/(2 − cx) dμ_MP(x) for the law of Â = XᵀX/N, X_ij ~ N(0, a), q = D/N (atom at 0
   * included). With the Stieltjes transform m(z) = ∫dμ/(x − z), which solves aqz·m² + (z − a(1 −
   * q))m + 1 = 0, the sheet writes Φ(c) = −1/c − (2/c²)m(2/c). Substituting m = −(c/2)(1 + cΦ)
   * gives (aqc²/2)Φ² − (1 − ac(1+q)/2)Φ + a/2 = 0, whose branch with Φ(0) = a/2 is, free of
   * cancellation for small |c| and valid for negative c,
   *
   * <pre>
   *   Φ(c) = a / (B + √(B² − a²qc²)),   B = 1 − ac(1+q)/2,
   * </pre>
   *
   * real and continuous for every c &lt; 2/(a(1 + √q)²) (B² − a²qc² = (B − ac√q)(B + ac√q) and
   * B − ac√q = 1 − (ac/2)(1 + √q)²).
   */
  static double phi(double c, double a, double q) {
    final double b = 1 - 0.5 * a * c * (1 + q);
    return a / (b + Math.sqrt(Math.max(0, b * b - a * a * q * c * c)));
  }

  /**
   * Ψ(c) = ∫ x²/(2 − cx) dμ_MP(x) = (2Φ(c) − a)/c (from x/(2−cx) − x/2 = cx²/(2(2−cx))), written
   * without the cancellation: with R = √(B² − a²qc²) and P = 1 + ac(1+q)/2 = 2 − B,
   * Ψ = a²(2(1+q) + aqc)/((P + R)(B + R)). Ψ(0) = a²(1+q)/2, half the MP second moment.
   */
  static double psi(double c, double a, double q) {
    final double b = 1 - 0.5 * a * c * (1 + q);
    final double r = Math.sqrt(Math.max(0, b * b - a * a * q * c * c));
    final double p = 2 - b;
    return a * a * (2 * (1 + q) + a * q * c) / ((p + r) * (b + r));
  }

  /** (1 + √q)², the upper MP edge over a. */
  private static double edgeFactor(double q) {
    final double s = 1 + Math.sqrt(q);
    return s * s;
  }

  /** λ·Tr[ÂG_μ⁻¹] under MP; +∞ beyond the support edge. k = c/(1−μ) per unit λ. */
  private static double mpStabilitySum(int dim, double a, double q, double lr, int batch,
      double momentum, double k) {
    final double c = k * lr;
    if (!(c * a * edgeFactor(q) <= 2)) {
      return Double.POSITIVE_INFINITY;
    }
    return lr * dim * phi(c, a, q) / (1 - momentum);
  }

  // ------------------------------------------------------------------ assembly

  /**
   * Spectral sums at one (λ, S, μ, variant): t = Tr[ÂG⁻¹], inv = Σ_{a_i &gt; 0} 1/g_i, sq =
   * Tr[Â²G⁻¹]; {@code null} when G_μ is not positive definite.
   */
  private record Sums(double t, double inv, double sq) {}

  private static Sums spectralSums(double[] aHat, double lr, int batch, double momentum,
      Variant variant) {
    final double c = variant.coefficient(batch, momentum);
    double t = 0;
    double inv = 0;
    double sq = 0;
    for (int i = 0; i < aHat.length; i++) {
      final double g = 2 * (1 - momentum) - c * lr * aHat[i];
      if (!(g > 0)) {
        return null;
      }
      if (aHat[i] > 0) {
        t += aHat[i] / g;
        inv += 1 / g;
        sq += aHat[i] * aHat[i] / g;
      }
    }
    return new Sums(t, inv, sq);
  }

  private static Sums mpSums(int dim, double a, double q, double lr, int batch, double momentum,
      Variant variant) {
    final double c = lr * variant.coefficient(batch, momentum) / (1 - momentum);
    if (!(c * a * edgeFactor(q) < 2)) {
      return null;
    }
    final double f = phi(c, a, q);
    // Tr[G⁻¹] over all D eigenvalues minus the atom's share D·max(0, 1 − 1/q)/(2(1−μ)).
    final double atom = Math.max(0, 1 - 1 / q);
    final double inv = dim * ((1 + c * f) / 2 - atom / 2) / (1 - momentum);
    return new Sums(dim * f / (1 - momentum), inv, dim * psi(c, a, q) / (1 - momentum));
  }

  /**
   * Theorem 6 from the spectral sums: u = (λ/S)t, κ = t/(1 − u), Tr[ÂΣ] = (λs²/S)κ, Σ_ii =
   * (λs²/S)/((1 − u)g_i); Tr C = (1/S)(Tr[ÂΣ]·Tr Â ± Tr[Â²Σ] + s²·Tr Â).
   */
  private static Prediction assemble(Sums sums, double trA, double lr, int batch, double s2,
      double a, double estimatorError, Variant variant) {
    if (sums == null) {
      return Prediction.divergent();
    }
    final double u = lr * sums.t / batch;
    if (!(u < 1)) {
      return Prediction.divergent();
    }
    final double kappa = sums.t / (1 - u);
    final double scale = lr * s2 / (batch * (1 - u));
    final double trASigma = lr * s2 / batch * kappa;
    final double traceSigma = scale * sums.inv;
    final double trA2Sigma = scale * sums.sq;
    final double traceNoise = (trASigma * trA + variant.sign * trA2Sigma + s2 * trA) / batch;
    final double lTest = 0.5 * (a * traceSigma + estimatorError);
    return new Prediction(false, lr * kappa, trASigma, traceSigma, 0.5 * (trASigma + s2), lTest,
        traceNoise, null, null);
  }

  private static double hessianTrASigma(double[] aHat, double lr, int batch, double momentum,
      double sigma2) {
    final double c = lr * (1 - momentum) / (1 + momentum);
    double sum = 0;
    for (int i = 0; i < aHat.length; i++) {
      final double g = 2 * (1 - momentum) - c * aHat[i];
      if (!(g > 0)) {
        return Double.NaN;
      }
      sum += aHat[i] / g;
    }
    return lr * sigma2 / batch * sum;
  }

  /** s² = max{0, σ²(1 − 1/α)}, the mean residual variance at w* (eq. 78). */
  private static double residualVariance(double sigma2, double alpha) {
    return Math.max(0, sigma2 * (1 - 1 / alpha));
  }

  // ------------------------------------------------------------------ validation

  private static void checkSpectrum(String what, double[] aHat) {
    if (aHat.length == 0) {
      throw new IllegalArgumentException(what + ": the spectrum is empty");
    }
    Checks.nonNegativeFiniteEach(what, "eigenvalues of Â", aHat);
  }

  private static void checkMarchenkoPastur(String what, int dim, double a) {
    if (dim < 1) {
      throw new IllegalArgumentException(what + ": D must be >= 1: " + dim);
    }
    Checks.positiveFinite(what, "population scale a", a);
  }

  private static void checkCommon(String what, double alpha, double lr, int batch,
      double momentum, double sigma2) {
    Checks.positiveFinite(what, "alpha", alpha);
    Checks.step(what, lr, batch, momentum);
    Checks.nonNegativeFinite(what, "sigma2", sigma2);
  }
}
