package org.sgdnoise.core.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Test oracle: Theorem 1 (eq. 3) with the Lemma 1 (label) noise as one D²×D² linear solve
 * ({@link Theorem1Oracle#kronecker}), written independently of the eigenbasis reduction (after
 * {@code shared/theory/python/solvers.py}).
 * Row-major vec: vec(XΣY) = (X ⊗ Yᵀ) vec Σ, so ΣPᵀ ↦ I ⊗ P; Tr[NΣ] = vec(N)ᵀ vec Σ.
 *
 * <pre>
 * [ (1−μ)(P⊗I + I⊗Pᵀ) − c₁ P⊗Pᵀ + c₂(P²⊗I + I⊗(Pᵀ)²)
 *   − (Λ⊗Λ)(1/S)(A⊗A + vec A vec Aᵀ) ] vec Σ = (Λ⊗Λ) vec(σ²A/S),    P = ΛA.
 * </pre>
 */
final class KroneckerOracle {
  private KroneckerOracle() {}

  /** Σ of Theorem 1 with label noise: 𝒩 = (1/S)(A⊗A + vec A vec Aᵀ), C₀ = σ²A/S. */
  static DMatrixRMaj solve(DMatrixRMaj a, DMatrixRMaj lambda, int batch, double mu,
      double sigma2) {
    final DMatrixRMaj c0 = a.copy();
    CommonOps_DDRM.scale(sigma2 / batch, c0);
    return Theorem1Oracle.kronecker(lambda, a, mu, Theorem1Oracle.noiseOperator(a, batch, 1, 1),
        c0);
  }
}
