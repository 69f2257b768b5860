package org.sgdnoise.core.theory;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * Seeded random test matrices and the small dense algebra the test oracles share. Uses EJML only,
 * never the production solvers, so the oracles built on it stay independent of them.
 */
final class TestMatrices {

  /** Diagonal shift of {@link #spd}: keeps the smallest eigenvalue at least this. */
  private static final double SPD_SHIFT = 0.2;

  private TestMatrices() {}

  // ---------------------------------------------------------------- random matrices

  /** n i.i.d. standard normals. */
  static double[] gaussianVector(int n, SplittableRandom rng) {
    final double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = rng.nextGaussian();
    }
    return out;
  }

  /** An n×n matrix of i.i.d. standard normals, filled row-major. */
  static DMatrixRMaj gaussian(int n, SplittableRandom rng) {
    return new DMatrixRMaj(n, n, true, gaussianVector(n * n, rng));
  }

  /** scale · G Gᵀ for an n×n standard-normal G (symmetric positive semi-definite). */
  static DMatrixRMaj gram(int n, double scale, SplittableRandom rng) {
    final DMatrixRMaj g = gaussian(n, rng);
    final DMatrixRMaj out = new DMatrixRMaj(n, n);
    CommonOps_DDRM.multTransB(g, g, out);
    CommonOps_DDRM.scale(scale, out);
    return out;
  }

  /** G Gᵀ / n + 0.2 I: symmetric positive definite, O(1) spectrum. */
  static DMatrixRMaj spd(int n, SplittableRandom rng) {
    final DMatrixRMaj out = gram(n, 1.0 / n, rng);
    for (int i = 0; i < n; i++) {
      out.add(i, i, SPD_SHIFT);
    }
    return out;
  }

  /** G Gᵀ / (2n): symmetric positive semi-definite, O(1) spectrum. */
  static DMatrixRMaj psd(int n, SplittableRandom rng) {
    return gram(n, 0.5 / n, rng);
  }

  /** A random orthogonal matrix: the Q factor of a standard-normal matrix. */
  static DMatrixRMaj orthogonalQr(int n, SplittableRandom rng) {
    final QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(n, n);
    if (!qr.decompose(gaussian(n, rng))) {
      throw new IllegalStateException("QR decomposition failed");
    }
    return qr.getQ(null, false);
  }

  /** A Haar-ish random orthogonal matrix: unit eigenvectors of G + Gᵀ. */
  static DMatrixRMaj orthogonalEig(int n, SplittableRandom rng) {
    final DMatrixRMaj g = gaussian(n, rng);
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
    return symmetric(out);
  }

  /** Rᵀ diag(d) R (not symmetrised). */
  static DMatrixRMaj rotateTransposed(DMatrixRMaj r, double[] d) {
    final int n = r.numRows;
    final DMatrixRMaj dr = r.copy();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        dr.data[i * n + j] *= d[i];
      }
    }
    final DMatrixRMaj out = new DMatrixRMaj(n, n);
    CommonOps_DDRM.multTransA(r, dr, out);
    return out;
  }

  // ---------------------------------------------------------------- small algebra

  /** Eigenvalues of a symmetric matrix (EJML order). */
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

  /** Tr[XY]. */
  static double traceProduct(DMatrixRMaj x, DMatrixRMaj y) {
    return CommonOps_DDRM.trace(mult(x, y));
  }

  static DMatrixRMaj kron(DMatrixRMaj x, DMatrixRMaj y) {
    final DMatrixRMaj out = new DMatrixRMaj(x.numRows * y.numRows, x.numCols * y.numCols);
    CommonOps_DDRM.kron(x, y, out);
    return out;
  }

  static DMatrixRMaj transpose(DMatrixRMaj x) {
    final DMatrixRMaj out = new DMatrixRMaj(x.numCols, x.numRows);
    CommonOps_DDRM.transpose(x, out);
    return out;
  }

  /** (m + mᵀ)/2 as a new matrix. */
  static DMatrixRMaj symmetric(DMatrixRMaj m) {
    final DMatrixRMaj out = transpose(m);
    CommonOps_DDRM.add(0.5, m, 0.5, out, out);
    return out;
  }
}
