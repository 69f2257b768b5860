package org.sgdnoise.core.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Small dense-matrix helpers shared by the theory classes: in-place symmetrisation and the
 * symmetric eigendecomposition M = Q diag(values) Qᵀ used by the eigenbasis reductions
 * (linear-regression.md, "Eigenbasis reduction").
 */
final class Matrices {

  private Matrices() {
  }

  /** Replaces m (square) by (m + mᵀ)/2 in place, element pair by element pair. */
  static void symmetrize(DMatrixRMaj m) {
    final int n = m.numRows;
    final double[] d = m.data;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        final double s = 0.5 * (d[i * n + j] + d[j * n + i]);
        d[i * n + j] = s;
        d[j * n + i] = s;
      }
    }
  }

  /**
   * Symmetric eigendecomposition: eigenvalues and unit-norm column eigenvectors, in EJML's
   * order (not sorted).
   */
  record Eigen(double[] values, DMatrixRMaj vectors) {

    /**
     * Decomposes m (not modified; assumed symmetric, not symmetrised here).
     *
     * @throws IllegalArgumentException "Cannot decompose: eigendecomposition failed" when EJML
     *     does not converge
     */
    static Eigen symmetric(DMatrixRMaj m) {
      final Eigen e = symmetricOrNull(m);
      if (e == null) {
        throw new IllegalArgumentException("Cannot decompose: eigendecomposition failed");
      }
      return e;
    }

    /** As {@link #symmetric}, but null when EJML does not converge (the caller reports it). */
    /** Dimension from which the tridiagonalisation runs on several threads. */
    private static final int PARALLEL_EIGEN_MIN = 128;

    static Eigen symmetricOrNull(DMatrixRMaj m) {
      final int n = m.numRows;
      // EJML's multithreaded variant parallelises the Householder tridiagonalisation (about a
      // third of the work at D = 1000) and gives bit-identical results whatever the thread count.
      final EigenDecomposition_F64<DMatrixRMaj> eig = n >= PARALLEL_EIGEN_MIN
          ? org.ejml.dense.row.factory.DecompositionFactory_MT_DDRM.eig(n, true, true)
          : DecompositionFactory_DDRM.eig(n, true, true);
      if (!eig.decompose(m.copy())) {
        return null;
      }
      final double[] values = new double[n];
      final DMatrixRMaj vectors = new DMatrixRMaj(n, n);
      for (int j = 0; j < n; j++) {
        values[j] = eig.getEigenvalue(j).getReal();
        final DMatrixRMaj col = eig.getEigenVector(j);
        double norm = 0;
        for (int i = 0; i < n; i++) {
          norm += col.get(i) * col.get(i);
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < n; i++) {
          vectors.data[i * n + j] = col.get(i) / norm;
        }
      }
      return new Eigen(values, vectors);
    }
  }
}
