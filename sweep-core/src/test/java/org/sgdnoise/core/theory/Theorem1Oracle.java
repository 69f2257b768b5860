package org.sgdnoise.core.theory;

import static org.sgdnoise.core.theory.TestMatrices.kron;
import static org.sgdnoise.core.theory.TestMatrices.mult;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Test oracle for the theories built on Theorem 1 with a general linear noise model, written
 * independently of their closed forms (after {@code shared/theory/python/sgdtheory.py}
 * {@code solve_thm1} and {@code exact_joint_moments}):
 *
 * <pre>
 *   C(Σ) = C₀ + (1/S)(c_outer·HΣH + c_trace·Tr[HΣ]·H)
 * </pre>
 *
 * (Lemma 1: c_outer = c_trace = 1; Theorem 5 / Proposition 4: c_outer = −1; Corollary 3: both 0).
 * Row-major vec: vec(XΣY) = (X ⊗ Yᵀ) vec Σ, Tr[HΣ] = vec(H)ᵀ vec Σ for symmetric H.
 *
 * <ul>
 *   <li>{@link #kronecker}: the D²×D² linear solve of eq. 3 for any linear noise operator 𝒩
 *       (vec C(Σ) = 𝒩 vec Σ + vec C₀), the one Theorem-1 solve every oracle calls;
 *   <li>{@link #solve}: {@link #kronecker} with the noise above, i.e. (1−μ)(PΣ + ΣPᵀ) − c₁PΣPᵀ
 *       + c₂(P²Σ + Σ(Pᵀ)²) = ΛC(Σ)Λ with P = ΛH, c₁ = (1+μ²)/(1−μ²), c₂ = μ/(1−μ²);
 *   <li>{@link #chainSpectralRadius}: the spectral radius of the exact second-moment map of the
 *       (w, m) chain w' = (I − ΛH)w − μΛm − Λη, m' = Hw + μm + η, Cov η = C(E ww ᵀ) − C₀ (a
 *       4D²×4D² matrix, {@link ExactMomentOracle#momentMap}); the state is mean-square stable
 *       iff it is below 1.
 * </ul>
 */
final class Theorem1Oracle {
  private Theorem1Oracle() {}

  /**
   * Σ solving Theorem 1 (eq. 3) with the linear noise vec C(Σ) = 𝒩 vec Σ + vec C₀:
   *
   * <pre>
   * [ (1−μ)(P⊗I + I⊗P) − c₁ P⊗P + c₂(P²⊗I + I⊗P²) − (Λ⊗Λ)𝒩 ] vec Σ = (Λ⊗Λ) vec C₀,
   * P = ΛH, c₁ = (1+μ²)/(1−μ²), c₂ = μ/(1−μ²),
   * </pre>
   *
   * symmetrised. Inputs are not modified.
   */
  static DMatrixRMaj kronecker(DMatrixRMaj lambda, DMatrixRMaj h, double mu,
      DMatrixRMaj noiseMatrix, DMatrixRMaj c0) {
    final int n = h.numRows;
    final DMatrixRMaj eye = CommonOps_DDRM.identity(n);
    final DMatrixRMaj p = mult(lambda, h);
    final DMatrixRMaj p2 = mult(p, p);
    final double c1 = (1 + mu * mu) / (1 - mu * mu);
    final double c2 = mu / (1 - mu * mu);
    final DMatrixRMaj op = new DMatrixRMaj(n * n, n * n);
    CommonOps_DDRM.addEquals(op, 1 - mu, kron(p, eye));
    CommonOps_DDRM.addEquals(op, 1 - mu, kron(eye, p)); // Σ Pᵀ
    CommonOps_DDRM.addEquals(op, -c1, kron(p, p)); // P Σ Pᵀ
    CommonOps_DDRM.addEquals(op, c2, kron(p2, eye));
    CommonOps_DDRM.addEquals(op, c2, kron(eye, p2)); // Σ (Pᵀ)²
    final DMatrixRMaj ll = kron(lambda, lambda);
    CommonOps_DDRM.addEquals(op, -1, mult(ll, noiseMatrix));
    final DMatrixRMaj rhs = mult(ll, new DMatrixRMaj(n * n, 1, true, c0.data));
    final DMatrixRMaj x = new DMatrixRMaj(n * n, 1);
    if (!CommonOps_DDRM.solve(op, rhs, x)) {
      throw new IllegalStateException("singular Theorem 1 system");
    }
    return TestMatrices.symmetric(new DMatrixRMaj(n, n, true, x.data));
  }

  /** Σ solving Theorem 1 with the noise C₀ + (1/S)(c_outer HΣH + c_trace Tr[HΣ]H). */
  static DMatrixRMaj solve(DMatrixRMaj lambda, DMatrixRMaj h, double mu, int batch,
      DMatrixRMaj c0, double cOuter, double cTrace) {
    return kronecker(lambda, h, mu, noiseOperator(h, batch, cOuter, cTrace), c0);
  }

  /** The noise C(Σ) = C₀ + (1/S)(c_outer NΣN + c_trace Tr[NΣ]N) itself. */
  static DMatrixRMaj noise(DMatrixRMaj n, DMatrixRMaj sigma, int batch, DMatrixRMaj c0,
      double cOuter, double cTrace) {
    final DMatrixRMaj out = mult(mult(n, sigma), n);
    CommonOps_DDRM.scale(cOuter, out);
    CommonOps_DDRM.addEquals(out, cTrace * CommonOps_DDRM.trace(mult(n, sigma)), n);
    CommonOps_DDRM.scale(1.0 / batch, out);
    CommonOps_DDRM.addEquals(out, c0);
    return out;
  }

  /** Spectral radius of the exact second-moment map of the (w, m) chain. */
  static double chainSpectralRadius(DMatrixRMaj lambda, DMatrixRMaj h, double mu, int batch,
      double cOuter, double cTrace) {
    return ExactMomentOracle.spectralRadius(ExactMomentOracle.momentMap(h, lambda, mu,
        noiseOperator(h, batch, cOuter, cTrace)));
  }

  /**
   * 𝒩 with vec C_lin(Σ) = 𝒩 vec Σ for C_lin(Σ) = (1/S)(c_outer NΣN + c_trace Tr[NΣ]N), N
   * symmetric: 𝒩 = (1/S)(c_outer N⊗N + c_trace vec N vec Nᵀ).
   */
  static DMatrixRMaj noiseOperator(DMatrixRMaj n, int batch, double cOuter, double cTrace) {
    final int d = n.numRows;
    final DMatrixRMaj k = kron(n, n);
    CommonOps_DDRM.scale(cOuter, k);
    final DMatrixRMaj vn = new DMatrixRMaj(d * d, 1, true, n.data);
    final DMatrixRMaj outer = new DMatrixRMaj(d * d, d * d);
    CommonOps_DDRM.multTransB(vn, vn, outer);
    CommonOps_DDRM.addEquals(k, cTrace, outer);
    CommonOps_DDRM.scale(1.0 / batch, k);
    return k;
  }
}
