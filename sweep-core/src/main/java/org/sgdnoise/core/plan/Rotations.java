package org.sgdnoise.core.plan;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * The feature rotations of the {@code rotation} parameter: R = Haar-random orthogonal D×D matrix
 * drawn from seed k, so that A = R diag(spectrum) Rᵀ. Drawn as Q of the QR decomposition of a
 * matrix of standard normals, with the signs of R's diagonal moved into Q (Mezzadri, "How to
 * generate random matrices from the classical compact groups", Notices AMS 54, 2007), which
 * makes the law exactly Haar. Deterministic: the same (D, k) gives the same matrix everywhere.
 */
public final class Rotations {
  /** Mixed into the seed so rotations do not share a stream with anything else. */
  private static final long ROTATION_STREAM = 0x526F746174696F6EL;
  /** Recently used rotations (a sweep has few distinct (D, k)); small, so bounded. */
  private static final int CACHE_SIZE = 8;
  private static final Map<Long, DMatrixRMaj> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, DMatrixRMaj> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  private Rotations() {}

  /**
   * R for dimension {@code dim} and seed {@code k} ≥ 1. Shared: do not modify the result.
   */
  public static DMatrixRMaj haar(int dim, int k) {
    if (!(k >= 1)) {
      throw new IllegalArgumentException("Cannot draw a rotation: the seed must be >= 1: " + k);
    }
    final long key = ((long) dim << 32) | (k & 0xFFFFFFFFL);
    synchronized (CACHE) {
      DMatrixRMaj hit = CACHE.get(key);
      if (hit != null) {
        return hit;
      }
    }
    DMatrixRMaj r = draw(dim, k);
    synchronized (CACHE) {
      CACHE.put(key, r);
    }
    return r;
  }

  private static DMatrixRMaj draw(int dim, int k) {
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(
        Seeds.expand(Seeds.mix(Seeds.mix(k) ^ ROTATION_STREAM), 4));
    ZigguratSampler.NormalizedGaussian g = ZigguratSampler.NormalizedGaussian.of(rng);
    DMatrixRMaj z = new DMatrixRMaj(dim, dim);
    for (int i = 0; i < z.data.length; i++) {
      z.data[i] = g.sample();
    }
    QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(dim, dim);
    if (!qr.decompose(z.copy())) {
      throw new IllegalStateException("Cannot draw a rotation: QR decomposition failed");
    }
    DMatrixRMaj q = qr.getQ(null, false);
    DMatrixRMaj rr = qr.getR(null, false);
    for (int j = 0; j < dim; j++) {
      if (rr.get(j, j) < 0) {
        for (int i = 0; i < dim; i++) {
          q.set(i, j, -q.get(i, j));
        }
      }
    }
    return q;
  }

  /** The teacher's coordinates in A's eigenbasis: Rᵀu (u itself without rotation). */
  public static double[] teacherInEigenbasis(Cell cell) {
    final double[] u = cell.teacherVector();
    if (cell.rotation() == 0) {
      return u;
    }
    DMatrixRMaj r = haar(cell.dim(), cell.rotation());
    DMatrixRMaj out = new DMatrixRMaj(u.length, 1);
    CommonOps_DDRM.multTransA(r, new DMatrixRMaj(u.length, 1, true, u), out);
    return out.data;
  }

  /** R M Rᵀ (a new matrix): a matrix in A's eigenbasis seen in the coordinate basis. */
  public static DMatrixRMaj conjugate(DMatrixRMaj r, DMatrixRMaj m) {
    DMatrixRMaj rm = new DMatrixRMaj(r.numRows, m.numCols);
    CommonOps_DDRM.mult(r, m, rm);
    DMatrixRMaj out = new DMatrixRMaj(r.numRows, r.numRows);
    CommonOps_DDRM.multTransB(rm, r, out);
    return out;
  }
}
