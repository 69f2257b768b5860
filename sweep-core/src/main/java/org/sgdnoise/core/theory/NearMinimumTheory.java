package org.sgdnoise.core.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.sgdnoise.core.theory.Matrices.Eigen;

/**
 * Fluctuation near a minimum of a general model (MSE loss, L_Γ = L₀ + ½wᵀΓw, H₀ = ∇²L₀ at w*):
 * Corollaries 2 and 3 of Ziyin et al., "Strength of Minibatch Noise in SGD" (ICLR 2022), as rebuilt
 * in {@code shared/theory/general-highdim-second-order-tails.md} §1, with momentum μ.
 *
 * <p><b>Noise (Corollary 2, leading order).</b> C = (1/S)(2L₀*·H₀ + c_Γ·Γw*w*ᵀΓ) when Γ ≠ 0 or
 * L₀* = L₀(w*) &gt; 0. The paper has c_Γ = −1 ({@link #PAPER_RANK1}); for Gaussian data the exact
 * coefficient is +1 ({@link #GAUSSIAN_RANK1}; Monte Carlo +0.9997), and a 2-layer network gave
 * +0.2, so the sign is a parameter. With Γ = 0 and L₀* = 0 (global, interpolating minimum) C =
 * (1/S)(Tr[H₀Σ]I − H₀Σ)H₀.
 *
 * <p><b>Corollary 3 (Λ, H₀, Γ and Γw*w*ᵀΓ commuting).</b> Theorem 1 with this constant C and
 * Hessian K = H₀ + Γ gives, on the range of K (rank r′; Σ is undetermined on its null space, where
 * we return 0, i.e. the result is P_{r′}Σ),
 *
 * <pre>
 *   P_{r′}Σ = [1/(S(1−μ))]·Λ(2L₀*H₀ + c_Γ·Γw*w*ᵀΓ)K⁺·[2I − ΛK/(1+μ)]⁻¹,
 * </pre>
 *
 * which covers the three cases: Γ ≠ 0; Γ = 0, L₀* &gt; 0, where it is [2L₀* / (S(1−μ))]·P_rΛ[2I −
 * ΛH₀/(1+μ)]⁻¹ (scalar λ, μ = 0: (2λL₀* / S)(2I − λH₀)⁻¹); and Γ = 0, L₀* = 0, where P_rΣ = 0.
 * It is stationary iff K ⪰ 0 (w* is a minimum) and every eigenvalue of ΛK is below 2(1+μ); to this
 * order the threshold does not depend on S or D. With c_Γ &lt; 0, Σ ⪰ 0 also needs 2L₀*H₀ +
 * c_ΓΓw*w*ᵀΓ ⪰ 0 on the range (not checked: the returned Σ is then indefinite, a sign that the
 * leading-order expansion does not apply).
 *
 * <p><b>Global-minimum edge.</b> At L₀* = 0, Γ = 0 the state Σ = 0 is the only stationary state
 * (stable) iff (λ/S)Tr[H₀G_μ⁻¹] &lt; 1 with G_μ = 2(1−μ)I − λ((1−μ)/(1+μ) − 1/S)H₀ and G_μ ≻ 0
 * — the Section 6.2 condition in its printed form ({@link HighDimTheory.Variant#PAPER}), which
 * is the same noise; beyond it the second moment of the loss grows geometrically.
 *
 * <p><b>Prediction fields.</b> {@code trASigma} = Tr[H₀Σ]; {@code traceSigma} = Tr P_{r′}Σ; {@code
 * lTrain} = L_Γ(w*) + ½Tr[KΣ] = L₀* + ½w*ᵀΓw* + ½Tr[KΣ] (the regularised objective to second
 * order); {@code traceNoise} = Tr C; {@code kappa} and {@code lTest} are NaN (no κ and no test
 * distribution in this setting).
 */
public final class NearMinimumTheory {
  /** The paper's sign of the rank-1 term of Corollary 2. */
  public static final double PAPER_RANK1 = -1;
  /** The exact sign for Gaussian inputs (Proposition 3). */
  public static final double GAUSSIAN_RANK1 = 1;
  /** Relative size of an eigenvalue of K = H₀ + Γ below which it counts as zero (rank). */
  public static final double RANK_TOL = 1e-12;
  /** Relative size of a commutator [X, Y] (to ‖X‖‖Y‖, max norms) above which X, Y don't commute. */
  public static final double COMMUTE_TOL = 1e-9;

  private NearMinimumTheory() {}

  /**
   * Corollary 3 for commuting matrices, returning Σ and C.
   *
   * @param h0 H₀ (P×P, symmetric, ⪰ 0 where w* is a minimum). Not modified.
   * @param gamma Γ (symmetric), or {@code null} for Γ = 0. Not modified.
   * @param wStar w* (P×1); only Γw* is used (ignored when Γ is null). Not modified.
   * @param lambda Λ (symmetric positive definite). Not modified.
   * @param l0Star L₀(w*) ≥ 0
   * @param rank1Coefficient c_Γ, in [−1, 1] ({@link #PAPER_RANK1}, {@link #GAUSSIAN_RANK1})
   * @throws IllegalArgumentException if the matrices do not commute
   */
  public static Prediction corollary3(DMatrixRMaj h0, DMatrixRMaj gamma, DMatrixRMaj wStar,
      DMatrixRMaj lambda, int batch, double momentum, double l0Star, double rank1Coefficient) {
    final String what = "Cannot evaluate Corollary 3";
    final int n = h0.numRows;
    Checks.square(what, "H0", h0, n);
    Checks.square(what, "Lambda", lambda, n);
    Checks.batch(what, batch);
    Checks.momentum(what, momentum);
    if (!(l0Star >= 0 && l0Star < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(what + ": L0(w*) must be finite and >= 0: " + l0Star);
    }
    if (!(rank1Coefficient >= -1 && rank1Coefficient <= 1)) {
      throw new IllegalArgumentException(
          what + ": the rank-1 coefficient must be in [-1, 1]: " + rank1Coefficient);
    }
    // Step 1: K = H₀ + Γ and v = Γw*; the rank-1 matrix vvᵀ.
    final DMatrixRMaj k = h0.copy();
    final DMatrixRMaj vv = new DMatrixRMaj(n, n);
    double wGammaW = 0;
    if (gamma != null) {
      Checks.square(what, "Gamma", gamma, n);
      if (wStar == null || wStar.getNumElements() != n) {
        throw new IllegalArgumentException(what + ": w* must have " + n + " elements: "
            + (wStar == null ? "null" : wStar.getNumElements()));
      }
      CommonOps_DDRM.addEquals(k, gamma);
      final DMatrixRMaj v = new DMatrixRMaj(n, 1);
      CommonOps_DDRM.mult(gamma, new DMatrixRMaj(n, 1, true, wStar.data), v);
      CommonOps_DDRM.multTransB(v, v, vv);
      for (int i = 0; i < n; i++) {
        wGammaW += wStar.data[i] * v.data[i];
      }
    }
    checkCommute(what, "Lambda", lambda, "H0", h0);
    checkCommute(what, "Lambda", lambda, "K", k);
    checkCommute(what, "H0", h0, "K", k);
    checkCommute(what, "Gamma w* w*^T Gamma", vv, "Lambda", lambda);
    checkCommute(what, "Gamma w* w*^T Gamma", vv, "K", k);
    checkCommute(what, "Gamma w* w*^T Gamma", vv, "H0", h0);
    final Eigen el = Eigen.symmetric(lambda);
    for (double l : el.values()) {
      if (!(l > 0)) {
        throw new IllegalArgumentException(
            what + ": the learning-rate matrix is not positive definite: eigenvalue " + l);
      }
    }
    // Step 2: stability: K ⪰ 0 and every eigenvalue of ΛK (symmetric, they commute) < 2(1+μ).
    final Eigen ek = Eigen.symmetric(k);
    double kMax = 0;
    for (double v : ek.values()) {
      kMax = Math.max(kMax, Math.abs(v));
    }
    final double zero = RANK_TOL * kMax;
    for (double v : ek.values()) {
      if (v < -zero) {
        return Prediction.divergent();
      }
    }
    final DMatrixRMaj lk = new DMatrixRMaj(n, n);
    CommonOps_DDRM.mult(lambda, k, lk);
    Matrices.symmetrize(lk);
    for (double v : Eigen.symmetric(lk).values()) {
      if (!(v < 2 * (1 + momentum))) {
        return Prediction.divergent();
      }
    }
    // Step 3: K⁺ from K's eigenpairs; M = 2I − ΛK/(1+μ) (eigenvalues in (0, 2]).
    final DMatrixRMaj kPlus = new DMatrixRMaj(n, n);
    for (int j = 0; j < n; j++) {
      if (ek.values()[j] > zero) {
        final double s = 1 / ek.values()[j];
        for (int r = 0; r < n; r++) {
          for (int c = 0; c < n; c++) {
            kPlus.add(r, c, s * ek.vectors().get(r, j) * ek.vectors().get(c, j));
          }
        }
      }
    }
    final DMatrixRMaj m = CommonOps_DDRM.identity(n);
    CommonOps_DDRM.scale(2, m);
    CommonOps_DDRM.addEquals(m, -1 / (1 + momentum), lk);
    final DMatrixRMaj mInv = new DMatrixRMaj(n, n);
    if (!CommonOps_DDRM.invert(m, mInv)) {
      return Prediction.divergent();
    }
    // Step 4: S·C = 2L₀*H₀ + c_Γ vvᵀ; Σ = Λ(SC)K⁺M⁻¹/(S(1−μ)).
    final DMatrixRMaj sc = h0.copy();
    CommonOps_DDRM.scale(2 * l0Star, sc);
    CommonOps_DDRM.addEquals(sc, rank1Coefficient, vv);
    final DMatrixRMaj t1 = new DMatrixRMaj(n, n);
    final DMatrixRMaj t2 = new DMatrixRMaj(n, n);
    final DMatrixRMaj sigma = new DMatrixRMaj(n, n);
    CommonOps_DDRM.mult(lambda, sc, t1);
    CommonOps_DDRM.mult(t1, kPlus, t2);
    CommonOps_DDRM.mult(t2, mInv, sigma);
    CommonOps_DDRM.scale(1 / (batch * (1 - momentum)), sigma);
    Matrices.symmetrize(sigma);
    final DMatrixRMaj noise = sc.copy();
    CommonOps_DDRM.scale(1.0 / batch, noise);
    Matrices.symmetrize(noise);
    final double trH0Sigma = traceOfProduct(h0, sigma);
    final double trKSigma = traceOfProduct(k, sigma);
    return new Prediction(false, Double.NaN, trH0Sigma, CommonOps_DDRM.trace(sigma),
        l0Star + 0.5 * wGammaW + 0.5 * trKSigma, Double.NaN, CommonOps_DDRM.trace(noise), sigma,
        noise);
  }

  /**
   * Corollary 3 with Γ = 0, L₀* &gt; 0 (a local minimum, e.g. label noise), scalar λ and H₀ given
   * by its eigenvalues, O(P): Σ_i = 2λL₀* / (S(1−μ)(2 − λh_i/(1+μ))) for h_i &gt; 0, 0 on the null
   * space. Divergent iff some h_i &lt; 0 or λh_max ≥ 2(1+μ).
   *
   * @param h0 eigenvalues of H₀. Not modified.
   */
  public static Prediction localMinimum(double[] h0, double lr, int batch, double momentum,
      double l0Star) {
    final String what = "Cannot evaluate Corollary 3 at a local minimum";
    Checks.batch(what, batch);
    Checks.momentum(what, momentum);
    if (!(lr > 0 && lr < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(what + ": learning rate must be finite and > 0: " + lr);
    }
    if (!(l0Star >= 0 && l0Star < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(what + ": L0(w*) must be finite and >= 0: " + l0Star);
    }
    double traceSigma = 0;
    double trHSigma = 0;
    double trH = 0;
    for (int i = 0; i < h0.length; i++) {
      checkEigenvalue(what, h0, i);
      if (h0[i] < 0 || !(lr * h0[i] < 2 * (1 + momentum))) {
        return Prediction.divergent();
      }
      if (h0[i] > 0) {
        final double s = 2 * lr * l0Star
            / (batch * (1 - momentum) * (2 - lr * h0[i] / (1 + momentum)));
        traceSigma += s;
        trHSigma += h0[i] * s;
      }
      trH += h0[i];
    }
    return new Prediction(false, Double.NaN, trHSigma, traceSigma, l0Star + 0.5 * trHSigma,
        Double.NaN, 2 * l0Star * trH / batch, null, null);
  }

  /** The local-minimum edge of Corollary 3: λ_c = 2(1+μ)/h_max (+∞ when H₀ = 0). */
  public static double localMinimumCriticalLr(double[] h0, double momentum) {
    final String what = "Cannot compute the local-minimum critical learning rate";
    Checks.batch(what, 1);
    Checks.momentum(what, momentum);
    double hMax = 0;
    for (int i = 0; i < h0.length; i++) {
      checkEigenvalue(what, h0, i);
      hMax = Math.max(hMax, h0[i]);
    }
    return hMax > 0 ? 2 * (1 + momentum) / hMax : Double.POSITIVE_INFINITY;
  }

  /**
   * A global (interpolating) minimum, Γ = 0 and L₀* = 0: Σ = 0 and C = 0 while (λ/S)Tr[H₀G_μ⁻¹]
   * &lt; 1 (and G_μ ≻ 0), {@link Prediction#divergent()} otherwise.
   *
   * @param h0 eigenvalues of H₀, each ≥ 0. Not modified.
   */
  public static Prediction globalMinimum(double[] h0, double lr, int batch, double momentum) {
    for (int i = 0; i < h0.length; i++) {
      if (h0[i] < 0) {
        return Prediction.divergent(); // a saddle, not a minimum
      }
    }
    final double sum =
        HighDimTheory.stabilitySum(h0, lr, batch, momentum, HighDimTheory.Variant.PAPER);
    if (!(sum < batch)) {
      return Prediction.divergent();
    }
    return new Prediction(false, Double.NaN, 0, 0, 0, Double.NaN, 0, null, null);
  }

  /**
   * The global-minimum stability edge with momentum: the root λ_c of (λ/S)Tr[H₀G_μ(λ)⁻¹] = 1,
   * G_μ = 2(1−μ)I − λ((1−μ)/(1+μ) − 1/S)H₀ (μ = 0: Σ_i 1/(2/(λh_i) − 1 + 1/S) = S).
   *
   * @param h0 eigenvalues of H₀, each ≥ 0. Not modified.
   */
  public static double globalMinimumCriticalLr(double[] h0, int batch, double momentum) {
    return HighDimTheory.criticalLr(h0, batch, momentum, HighDimTheory.Variant.PAPER);
  }

  // ------------------------------------------------------------------ helpers

  private static double traceOfProduct(DMatrixRMaj x, DMatrixRMaj y) {
    double t = 0;
    final int n = x.numRows;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        t += x.get(i, j) * y.get(j, i);
      }
    }
    return t;
  }

  private static void checkEigenvalue(String what, double[] h0, int i) {
    if (!Double.isFinite(h0[i])) {
      throw new IllegalArgumentException(
          what + ": eigenvalues of H0 must be finite: index " + i + ": " + h0[i]);
    }
  }

  private static void checkCommute(String what, String nx, DMatrixRMaj x, String ny,
      DMatrixRMaj y) {
    final int n = x.numRows;
    final DMatrixRMaj xy = new DMatrixRMaj(n, n);
    final DMatrixRMaj yx = new DMatrixRMaj(n, n);
    CommonOps_DDRM.mult(x, y, xy);
    CommonOps_DDRM.mult(y, x, yx);
    double diff = 0;
    for (int i = 0; i < n * n; i++) {
      diff = Math.max(diff, Math.abs(xy.data[i] - yx.data[i]));
    }
    final double scale = CommonOps_DDRM.elementMaxAbs(x) * CommonOps_DDRM.elementMaxAbs(y);
    if (diff > COMMUTE_TOL * scale) {
      throw new IllegalArgumentException(what + ": " + nx + " and " + ny
          + " must commute: relative commutator " + diff / scale);
    }
  }
}
