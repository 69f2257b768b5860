package org.sgdnoise.core.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Test oracle: Theorem 1 (eq. 3) with the Lemma 1 noise as one D²×D² linear solve, written
 * independently of the eigenbasis reduction (after {@code shared/theory/python/solvers.py}).
 * Row-major vec: vec(XΣY) = (X ⊗ Yᵀ) vec Σ, so ΣPᵀ ↦ I ⊗ P; Tr[NΣ] = vec(N)ᵀ vec Σ.
 *
 * <pre>
 * [ (1−μ)(P⊗I + I⊗Pᵀ) − c₁ P⊗Pᵀ + c₂(P²⊗I + I⊗(Pᵀ)²)
 *   − (Λ⊗Λ)(1/S)(A⊗A + vec A vec Aᵀ) ] vec Σ = (Λ⊗Λ) vec(σ²A/S),    P = ΛA.
 * </pre>
 */
final class KroneckerOracle {
  private KroneckerOracle() {}

  static DMatrixRMaj solve(DMatrixRMaj a, DMatrixRMaj lambda, int batch, double mu,
      double sigma2) {
    final int n = a.numRows;
    DMatrixRMaj eye = CommonOps_DDRM.identity(n);
    DMatrixRMaj p = new DMatrixRMaj(n, n);
    CommonOps_DDRM.mult(lambda, a, p);
    DMatrixRMaj p2 = new DMatrixRMaj(n, n);
    CommonOps_DDRM.mult(p, p, p2);
    final double c1 = (1 + mu * mu) / (1 - mu * mu);
    final double c2 = mu / (1 - mu * mu);

    DMatrixRMaj op = new DMatrixRMaj(n * n, n * n);
    add(op, 1 - mu, kron(p, eye));
    add(op, 1 - mu, kron(eye, p)); // Σ Pᵀ
    add(op, -c1, kron(p, p)); // P Σ Pᵀ
    add(op, c2, kron(p2, eye));
    add(op, c2, kron(eye, p2)); // Σ (Pᵀ)²
    DMatrixRMaj ll = kron(lambda, lambda);
    DMatrixRMaj noise = kron(a, a);
    DMatrixRMaj va = new DMatrixRMaj(n * n, 1, true, a.data);
    DMatrixRMaj outer = new DMatrixRMaj(n * n, n * n);
    CommonOps_DDRM.multTransB(va, va, outer);
    CommonOps_DDRM.addEquals(noise, outer);
    CommonOps_DDRM.scale(1.0 / batch, noise);
    DMatrixRMaj lln = new DMatrixRMaj(n * n, n * n);
    CommonOps_DDRM.mult(ll, noise, lln);
    add(op, -1, lln);

    DMatrixRMaj c0 = a.copy();
    CommonOps_DDRM.scale(sigma2 / batch, c0);
    DMatrixRMaj rhs = new DMatrixRMaj(n * n, 1);
    CommonOps_DDRM.mult(ll, new DMatrixRMaj(n * n, 1, true, c0.data), rhs);
    DMatrixRMaj x = new DMatrixRMaj(n * n, 1);
    if (!CommonOps_DDRM.solve(op, rhs, x)) {
      throw new IllegalStateException("singular Kronecker system");
    }
    DMatrixRMaj sigma = new DMatrixRMaj(n, n, true, x.data);
    DMatrixRMaj st = sigma.copy();
    CommonOps_DDRM.transpose(st);
    CommonOps_DDRM.add(0.5, sigma, 0.5, st, sigma);
    return sigma;
  }

  static DMatrixRMaj kron(DMatrixRMaj x, DMatrixRMaj y) {
    DMatrixRMaj out = new DMatrixRMaj(x.numRows * y.numRows, x.numCols * y.numCols);
    CommonOps_DDRM.kron(x, y, out);
    return out;
  }

  private static void add(DMatrixRMaj acc, double s, DMatrixRMaj m) {
    CommonOps_DDRM.addEquals(acc, s, m);
  }
}
