package org.sgdnoise.core.theory;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

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
 *   <li>{@link #solve}: the D²×D² linear solve of eq. 3, (1−μ)(PΣ + ΣPᵀ) − c₁PΣPᵀ + c₂(P²Σ +
 *       Σ(Pᵀ)²) = ΛC(Σ)Λ with P = ΛH, c₁ = (1+μ²)/(1−μ²), c₂ = μ/(1−μ²);
 *   <li>{@link #chainSpectralRadius}: the spectral radius of the exact second-moment map of the
 *       (w, m) chain w' = (I − ΛH)w − μΛm − Λη, m' = Hw + μm + η, Cov η = C(E ww ᵀ) − C₀ (a
 *       4D²×4D² matrix); the state is mean-square stable iff it is below 1.
 * </ul>
 */
final class Theorem1Oracle {
  private Theorem1Oracle() {}

  /** Σ solving Theorem 1 with the noise C₀ + (1/S)(c_outer HΣH + c_trace Tr[HΣ]H). */
  static DMatrixRMaj solve(DMatrixRMaj lambda, DMatrixRMaj h, double mu, int batch,
      DMatrixRMaj c0, double cOuter, double cTrace) {
    final int n = h.numRows;
    final DMatrixRMaj eye = CommonOps_DDRM.identity(n);
    final DMatrixRMaj p = mult(lambda, h);
    final DMatrixRMaj p2 = mult(p, p);
    final double c1 = (1 + mu * mu) / (1 - mu * mu);
    final double c2 = mu / (1 - mu * mu);
    final DMatrixRMaj op = new DMatrixRMaj(n * n, n * n);
    CommonOps_DDRM.addEquals(op, 1 - mu, kron(p, eye));
    CommonOps_DDRM.addEquals(op, 1 - mu, kron(eye, p));
    CommonOps_DDRM.addEquals(op, -c1, kron(p, p));
    CommonOps_DDRM.addEquals(op, c2, kron(p2, eye));
    CommonOps_DDRM.addEquals(op, c2, kron(eye, p2));
    final DMatrixRMaj ll = kron(lambda, lambda);
    CommonOps_DDRM.addEquals(op, -1, mult(ll, noiseOperator(h, batch, cOuter, cTrace)));
    final DMatrixRMaj rhs = mult(ll, new DMatrixRMaj(n * n, 1, true, c0.data));
    final DMatrixRMaj x = new DMatrixRMaj(n * n, 1);
    if (!CommonOps_DDRM.solve(op, rhs, x)) {
      throw new IllegalStateException("singular Theorem 1 system");
    }
    final DMatrixRMaj sigma = new DMatrixRMaj(n, n, true, x.data);
    final DMatrixRMaj st = sigma.copy();
    CommonOps_DDRM.transpose(st);
    CommonOps_DDRM.add(0.5, sigma, 0.5, st, sigma);
    return sigma;
  }

  /** The noise C(Σ) = C₀ + (1/S)(c_outer HΣH + c_trace Tr[HΣ]H) itself. */
  static DMatrixRMaj noise(DMatrixRMaj h, DMatrixRMaj sigma, int batch, DMatrixRMaj c0,
      double cOuter, double cTrace) {
    final DMatrixRMaj out = mult(mult(h, sigma), h);
    CommonOps_DDRM.scale(cOuter, out);
    CommonOps_DDRM.addEquals(out, cTrace * CommonOps_DDRM.trace(mult(h, sigma)), h);
    CommonOps_DDRM.scale(1.0 / batch, out);
    CommonOps_DDRM.addEquals(out, c0);
    return out;
  }

  /** Spectral radius of the exact second-moment map of the (w, m) chain. */
  static double chainSpectralRadius(DMatrixRMaj lambda, DMatrixRMaj h, double mu, int batch,
      double cOuter, double cTrace) {
    final int n = h.numRows;
    final int m = 2 * n;
    final DMatrixRMaj t = new DMatrixRMaj(m, m);
    final DMatrixRMaj b = new DMatrixRMaj(m, n);
    final DMatrixRMaj lh = mult(lambda, h);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        t.set(i, j, (i == j ? 1 : 0) - lh.get(i, j));
        t.set(i, n + j, -mu * lambda.get(i, j));
        t.set(n + i, j, h.get(i, j));
        t.set(n + i, n + j, i == j ? mu : 0);
        b.set(i, j, -lambda.get(i, j));
        b.set(n + i, j, i == j ? 1 : 0);
      }
    }
    // Selector vec Z (2D×2D) → vec Z_ww (D×D).
    final DMatrixRMaj select = new DMatrixRMaj(n * n, m * m);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        select.set(i * n + j, i * m + j, 1);
      }
    }
    final DMatrixRMaj map = kron(t, t);
    CommonOps_DDRM.addEquals(map,
        mult(mult(kron(b, b), noiseOperator(h, batch, cOuter, cTrace)), select));
    final EigenDecomposition_F64<DMatrixRMaj> eig =
        DecompositionFactory_DDRM.eig(m * m, false, false);
    if (!eig.decompose(map)) {
      throw new IllegalStateException("eigenvalues of the moment map did not converge");
    }
    double rho = 0;
    for (int i = 0; i < m * m; i++) {
      rho = Math.max(rho, eig.getEigenvalue(i).getMagnitude());
    }
    return rho;
  }

  /** K with vec C_lin(Σ) = K vec Σ. */
  private static DMatrixRMaj noiseOperator(DMatrixRMaj h, int batch, double cOuter,
      double cTrace) {
    final int n = h.numRows;
    final DMatrixRMaj k = kron(h, h);
    CommonOps_DDRM.scale(cOuter, k);
    final DMatrixRMaj vh = new DMatrixRMaj(n * n, 1, true, h.data);
    final DMatrixRMaj outer = new DMatrixRMaj(n * n, n * n);
    CommonOps_DDRM.multTransB(vh, vh, outer);
    CommonOps_DDRM.addEquals(k, cTrace, outer);
    CommonOps_DDRM.scale(1.0 / batch, k);
    return k;
  }

  // ---------------------------------------------------------------- random matrices

  /** A Haar-ish random orthogonal matrix: eigenvectors of a random symmetric matrix. */
  static DMatrixRMaj randomOrthogonal(int n, SplittableRandom rng) {
    final DMatrixRMaj g = new DMatrixRMaj(n, n);
    for (int i = 0; i < n * n; i++) {
      g.data[i] = rng.nextGaussian();
    }
    final DMatrixRMaj s = new DMatrixRMaj(n, n);
    CommonOps_DDRM.add(g, CommonOps_DDRM.transpose(g, null), s);
    final EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
    if (!eig.decompose(s)) {
      throw new IllegalStateException("eigendecomposition failed");
    }
    final DMatrixRMaj q = new DMatrixRMaj(n, n);
    for (int j = 0; j < n; j++) {
      final DMatrixRMaj v = eig.getEigenVector(j);
      final double norm = Math.sqrt(CommonOps_DDRM.dot(v, v));
      for (int i = 0; i < n; i++) {
        q.set(i, j, v.get(i) / norm);
      }
    }
    return q;
  }

  /** Q diag(d) Qᵀ, symmetrised. */
  static DMatrixRMaj rotate(DMatrixRMaj q, double[] d) {
    final int n = d.length;
    final DMatrixRMaj qd = q.copy();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        qd.set(i, j, qd.get(i, j) * d[j]);
      }
    }
    final DMatrixRMaj out = new DMatrixRMaj(n, n);
    CommonOps_DDRM.multTransB(qd, q, out);
    final DMatrixRMaj t = CommonOps_DDRM.transpose(out, null);
    CommonOps_DDRM.add(0.5, out, 0.5, t, out);
    return out;
  }

  /** Symmetric eigenvalues. */
  static double[] eigenvalues(DMatrixRMaj m) {
    final EigenDecomposition_F64<DMatrixRMaj> eig =
        DecompositionFactory_DDRM.eig(m.numRows, false, true);
    if (!eig.decompose(m.copy())) {
      throw new IllegalStateException("eigendecomposition failed");
    }
    final double[] out = new double[m.numRows];
    for (int i = 0; i < out.length; i++) {
      out[i] = eig.getEigenvalue(i).getReal();
    }
    return out;
  }

  static DMatrixRMaj mult(DMatrixRMaj x, DMatrixRMaj y) {
    final DMatrixRMaj out = new DMatrixRMaj(x.numRows, y.numCols);
    CommonOps_DDRM.mult(x, y, out);
    return out;
  }

  static DMatrixRMaj kron(DMatrixRMaj x, DMatrixRMaj y) {
    final DMatrixRMaj out = new DMatrixRMaj(x.numRows * y.numRows, x.numCols * y.numCols);
    CommonOps_DDRM.kron(x, y, out);
    return out;
  }
}
