package org.sgdnoise.core.theory;

import static org.sgdnoise.core.theory.TestMatrices.kron;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Test oracle: exact first and second moments of SGD with momentum (Definition 2) as a random
 * linear recursion of the augmented state, independent of Theorem 1, of its eigenbasis reduction
 * and of Proposition 8 (after {@code shared/theory/python/solvers.py}, sheet §8a).
 *
 * <p>Around a minimiser, with δ = w − w*, ΔH_t = H_t − H̄ (minibatch Hessian fluctuation) and
 * ζ_t the minibatch gradient at w*:
 *
 * <pre>
 *   z_t = (δ_t, m_t) = T_t z_{t−1} + E₁ζ_t,   T_t = [[I − ΛH_t, −μΛ], [H_t, μI]] = T̄ + E₁ΔH_tE₂,
 *   E₁ = [−Λ; I],  E₂ = [I, 0],
 *   𝓜(Z) = E[T_t Z T_tᵀ] = T̄ZT̄ᵀ + E₁ E[ΔH (E₂ZE₂ᵀ) ΔHᵀ] E₁ᵀ.
 * </pre>
 *
 * A finite stationary second moment exists iff ρ(𝓜) &lt; 1, and then Z = (I − 𝓜)⁻¹(E₁E[ζζᵀ]E₁ᵀ)
 * (E z = 0 at stationarity, so the ΔH–ζ cross terms vanish). Row-major vec: vec(XZY) = (X ⊗ Yᵀ)
 * vec Z.
 *
 * <p>For a fixed data set the oracle works in w itself, as the affine recursion z_t = T_b z_{t−1} +
 * c_b over every equally likely minibatch b (all N^S ordered batches with replacement, all C(N, S)
 * subsets without), with no w*, no residuals and no noise formula.
 */
final class ExactMomentOracle {

  private ExactMomentOracle() {}

  /** Stationary covariance of w (or δ), mean of w (null around a minimiser) and ρ(𝓜). */
  record Chain(DMatrixRMaj sigma, double[] mean, double rho) {}

  /**
   * E[ΔH_ik ΔH_jl] at row (i,j), column (k,l) for ΔH = (1/S)Σ(xxᵀ − N), x ~ N(0, N): by Isserlis,
   * (1/S)(N_ij N_kl + N_il N_jk).
   */
  static DMatrixRMaj gaussianFluctuation(DMatrixRMaj n, int batch) {
    final int d = n.numRows;
    final DMatrixRMaj m = new DMatrixRMaj(d * d, d * d);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        for (int k = 0; k < d; k++) {
          for (int l = 0; l < d; l++) {
            m.set(i * d + j, k * d + l,
                (n.get(i, j) * n.get(k, l) + n.get(i, l) * n.get(j, k)) / batch);
          }
        }
      }
    }
    return m;
  }

  /** The chain of a minimiser with E[ΔH⊗ΔH] = {@code fluct} and E[ζζᵀ] = {@code ezz}. */
  static Chain chain(DMatrixRMaj hbar, DMatrixRMaj lambda, double mu, DMatrixRMaj fluct,
      DMatrixRMaj ezz) {
    final DMatrixRMaj op = momentMap(hbar, lambda, mu, fluct);
    final DMatrixRMaj src = sandwichT(e1(lambda), ezz);
    final DMatrixRMaj z = fixedPoint(op, src);
    return new Chain(block(z, hbar.numRows), null, spectralRadius(op));
  }

  /**
   * The second-moment map 𝓜 = T̄⊗T̄ + (E₁⊗E₁) F (E₂⊗E₂) (a 4D²×4D² matrix), where F (D²×D²) maps
   * vec of the δδᵀ block to vec of the injected noise covariance: F = E[ΔH⊗ΔH] for a random
   * Hessian, or the linear noise operator 𝒩 of a noise model C(Σ) = 𝒩 vec Σ + C₀.
   */
  static DMatrixRMaj momentMap(DMatrixRMaj hbar, DMatrixRMaj lambda, double mu,
      DMatrixRMaj fluct) {
    final int d = hbar.numRows;
    final DMatrixRMaj tbar = transition(hbar, lambda, mu);
    final DMatrixRMaj e1 = e1(lambda);
    final DMatrixRMaj e2 = e2(d);
    final DMatrixRMaj op = kron(tbar, tbar);
    final DMatrixRMaj left = kron(e1, e1);
    final DMatrixRMaj right = kron(e2, e2);
    final DMatrixRMaj tmp = new DMatrixRMaj(left.numRows, fluct.numCols);
    CommonOps_DDRM.mult(left, fluct, tmp);
    final DMatrixRMaj noise = new DMatrixRMaj(left.numRows, right.numCols);
    CommonOps_DDRM.mult(tmp, right, noise);
    CommonOps_DDRM.addEquals(op, noise);
    return op;
  }

  /**
   * A fixed data set, by enumeration of every minibatch: ρ(𝓜), the stationary mean of w and its
   * covariance.
   *
   * @param xs rows, row-major rows×dim
   */
  static Chain dataset(double[] xs, double[] ys, int rows, int dim, double gamma,
      DMatrixRMaj lambda, int batch, double mu, boolean replacement) {
    final Averages avg = averages(xs, ys, rows, dim, gamma, lambda, batch, mu, replacement);
    final int s = 2 * dim;
    // Mean: (I − T̄) z̄ = c̄.
    final DMatrixRMaj iMinusT = CommonOps_DDRM.identity(s);
    CommonOps_DDRM.subtractEquals(iMinusT, avg.tbar);
    final DMatrixRMaj zbar = new DMatrixRMaj(s, 1);
    if (!CommonOps_DDRM.solve(iMinusT, avg.cbar, zbar)) {
      throw new IllegalStateException("singular mean recursion");
    }
    final DMatrixRMaj src = secondMomentSource(avg, zbar);
    final DMatrixRMaj z = fixedPoint(avg.ett, src);
    return finish(z, zbar, dim, spectralRadius(avg.ett));
  }

  /**
   * The same data-set recursion iterated exactly from w₀ = start, m₀ = 0 for {@code steps} steps
   * (for singular problems, N &lt; D, whose conserved directions make I − T̄ singular).
   */
  static Chain datasetTransient(double[] xs, double[] ys, int rows, int dim, double gamma,
      DMatrixRMaj lambda, int batch, double mu, boolean replacement, double[] start,
      int steps) {
    final Averages avg = averages(xs, ys, rows, dim, gamma, lambda, batch, mu, replacement);
    final int s = 2 * dim;
    // z₀ = (w₀, 0), deterministic: E z₀z₀ᵀ = z₀z₀ᵀ.
    DMatrixRMaj zbar = new DMatrixRMaj(s, 1);
    System.arraycopy(start, 0, zbar.data, 0, dim);
    DMatrixRMaj z = new DMatrixRMaj(s * s, 1);
    for (int i = 0; i < s; i++) {
      for (int j = 0; j < s; j++) {
        z.data[i * s + j] = zbar.data[i] * zbar.data[j];
      }
    }
    for (int t = 0; t < steps; t++) {
      final DMatrixRMaj src = secondMomentSource(avg, zbar);
      final DMatrixRMaj next = new DMatrixRMaj(s * s, 1);
      CommonOps_DDRM.mult(avg.ett, z, next);
      CommonOps_DDRM.addEquals(next, src);
      z = next;
      final DMatrixRMaj nextMean = new DMatrixRMaj(s, 1);
      CommonOps_DDRM.mult(avg.tbar, zbar, nextMean);
      CommonOps_DDRM.addEquals(nextMean, avg.cbar);
      zbar = nextMean;
    }
    return finish(z, zbar, dim, spectralRadius(avg.ett));
  }

  /** All minibatches: index lists, each equally likely. */
  static List<int[]> batches(int rows, int batch, boolean replacement) {
    final List<int[]> out = new ArrayList<>();
    if (replacement) {
      final int[] idx = new int[batch];
      while (true) {
        out.add(idx.clone());
        int p = batch - 1;
        while (p >= 0 && idx[p] == rows - 1) {
          idx[p] = 0;
          p--;
        }
        if (p < 0) {
          break;
        }
        idx[p]++;
      }
    } else {
      final int[] idx = new int[batch];
      for (int i = 0; i < batch; i++) {
        idx[i] = i;
      }
      while (true) {
        out.add(idx.clone());
        int p = batch - 1;
        while (p >= 0 && idx[p] == rows - batch + p) {
          p--;
        }
        if (p < 0) {
          break;
        }
        idx[p]++;
        for (int q = p + 1; q < batch; q++) {
          idx[q] = idx[q - 1] + 1;
        }
      }
    }
    return out;
  }

  /** Minibatch averages T̄, c̄, E[T⊗T], and every (T_b, c_b) for the source terms. */
  private record Averages(DMatrixRMaj tbar, DMatrixRMaj cbar, DMatrixRMaj ett,
      List<DMatrixRMaj> ts, List<DMatrixRMaj> cs) {}

  private static Averages averages(double[] xs, double[] ys, int rows, int dim, double gamma,
      DMatrixRMaj lambda, int batch, double mu, boolean replacement) {
    final List<int[]> all = batches(rows, batch, replacement);
    final int s = 2 * dim;
    final DMatrixRMaj tbar = new DMatrixRMaj(s, s);
    final DMatrixRMaj cbar = new DMatrixRMaj(s, 1);
    final DMatrixRMaj ett = new DMatrixRMaj(s * s, s * s);
    final List<DMatrixRMaj> ts = new ArrayList<>();
    final List<DMatrixRMaj> cs = new ArrayList<>();
    final double p = 1.0 / all.size();
    for (int[] b : all) {
      // H_b = (1/S) Σ xxᵀ + γI, q_b = (1/S) Σ x y; g_b(w) = H_b w − q_b.
      final DMatrixRMaj hb = CommonOps_DDRM.identity(dim);
      CommonOps_DDRM.scale(gamma, hb);
      final DMatrixRMaj qb = new DMatrixRMaj(dim, 1);
      for (int idx : b) {
        for (int i = 0; i < dim; i++) {
          qb.data[i] += xs[idx * dim + i] * ys[idx] / batch;
          for (int j = 0; j < dim; j++) {
            hb.data[i * dim + j] += xs[idx * dim + i] * xs[idx * dim + j] / batch;
          }
        }
      }
      final DMatrixRMaj t = transition(hb, lambda, mu);
      // c_b = [Λq_b; −q_b]: w' = (I − ΛH_b)w − μΛm + Λq_b, m' = H_b w + μm − q_b.
      final DMatrixRMaj lq = new DMatrixRMaj(dim, 1);
      CommonOps_DDRM.mult(lambda, qb, lq);
      final DMatrixRMaj c = new DMatrixRMaj(s, 1);
      for (int i = 0; i < dim; i++) {
        c.data[i] = lq.data[i];
        c.data[dim + i] = -qb.data[i];
      }
      CommonOps_DDRM.addEquals(tbar, p, t);
      CommonOps_DDRM.addEquals(cbar, p, c);
      CommonOps_DDRM.addEquals(ett, p, kron(t, t));
      ts.add(t);
      cs.add(c);
    }
    return new Averages(tbar, cbar, ett, ts, cs);
  }

  /** vec of E_b[T_b z̄ c_bᵀ + c_b z̄ᵀ T_bᵀ + c_b c_bᵀ]. */
  private static DMatrixRMaj secondMomentSource(Averages avg, DMatrixRMaj zbar) {
    final int s = zbar.numRows;
    final DMatrixRMaj src = new DMatrixRMaj(s, s);
    final double p = 1.0 / avg.ts.size();
    final DMatrixRMaj tz = new DMatrixRMaj(s, 1);
    for (int k = 0; k < avg.ts.size(); k++) {
      CommonOps_DDRM.mult(avg.ts.get(k), zbar, tz);
      final DMatrixRMaj c = avg.cs.get(k);
      for (int i = 0; i < s; i++) {
        for (int j = 0; j < s; j++) {
          src.data[i * s + j] += p * (tz.data[i] * c.data[j] + c.data[i] * tz.data[j]
              + c.data[i] * c.data[j]);
        }
      }
    }
    return new DMatrixRMaj(s * s, 1, true, src.data);
  }

  private static Chain finish(DMatrixRMaj z, DMatrixRMaj zbar, int dim, double rho) {
    final DMatrixRMaj second = block(z, dim);
    final double[] mean = new double[dim];
    for (int i = 0; i < dim; i++) {
      mean[i] = zbar.data[i];
    }
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        second.data[i * dim + j] -= mean[i] * mean[j];
      }
    }
    return new Chain(second, mean, rho);
  }

  /** T = [[I − ΛH, −μΛ], [H, μI]]. */
  static DMatrixRMaj transition(DMatrixRMaj h, DMatrixRMaj lambda, double mu) {
    final int d = h.numRows;
    final DMatrixRMaj lh = new DMatrixRMaj(d, d);
    CommonOps_DDRM.mult(lambda, h, lh);
    final DMatrixRMaj t = new DMatrixRMaj(2 * d, 2 * d);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        t.set(i, j, (i == j ? 1 : 0) - lh.get(i, j));
        t.set(i, d + j, -mu * lambda.get(i, j));
        t.set(d + i, j, h.get(i, j));
        t.set(d + i, d + j, i == j ? mu : 0);
      }
    }
    return t;
  }

  private static DMatrixRMaj e1(DMatrixRMaj lambda) {
    final int d = lambda.numRows;
    final DMatrixRMaj e = new DMatrixRMaj(2 * d, d);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        e.set(i, j, -lambda.get(i, j));
      }
      e.set(d + i, i, 1);
    }
    return e;
  }

  private static DMatrixRMaj e2(int d) {
    final DMatrixRMaj e = new DMatrixRMaj(d, 2 * d);
    for (int i = 0; i < d; i++) {
      e.set(i, i, 1);
    }
    return e;
  }

  /** vec(E M Eᵀ). */
  private static DMatrixRMaj sandwichT(DMatrixRMaj e, DMatrixRMaj m) {
    final DMatrixRMaj tmp = new DMatrixRMaj(e.numRows, m.numCols);
    CommonOps_DDRM.mult(e, m, tmp);
    final DMatrixRMaj out = new DMatrixRMaj(e.numRows, e.numRows);
    CommonOps_DDRM.multTransB(tmp, e, out);
    return new DMatrixRMaj(out.numRows * out.numCols, 1, true, out.data);
  }

  private static DMatrixRMaj fixedPoint(DMatrixRMaj op, DMatrixRMaj src) {
    final int n = op.numRows;
    final DMatrixRMaj a = CommonOps_DDRM.identity(n);
    CommonOps_DDRM.subtractEquals(a, op);
    final DMatrixRMaj x = new DMatrixRMaj(n, 1);
    if (!CommonOps_DDRM.solve(a, src, x)) {
      throw new IllegalStateException("singular second-moment recursion");
    }
    return x;
  }

  /** The upper-left d×d block of the 2d×2d matrix stored in vec z. */
  private static DMatrixRMaj block(DMatrixRMaj z, int d) {
    final int s = 2 * d;
    final DMatrixRMaj out = new DMatrixRMaj(d, d);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        out.set(i, j, 0.5 * (z.data[i * s + j] + z.data[j * s + i]));
      }
    }
    return out;
  }

  static double spectralRadius(DMatrixRMaj op) {
    final EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(op.numRows,
        false);
    if (!eig.decompose(op.copy())) {
      throw new IllegalStateException("eigenvalues did not converge");
    }
    double rho = 0;
    for (int i = 0; i < op.numRows; i++) {
      rho = Math.max(rho, eig.getEigenvalue(i).getMagnitude());
    }
    return rho;
  }
}
