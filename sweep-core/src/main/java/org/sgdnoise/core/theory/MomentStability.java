package org.sgdnoise.core.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Which moments of the stationary law are finite, for 1-d label-noise SGD with momentum.
 *
 * <p>With δ = w − u, h = (1/S)Σⱼxⱼ² ~ aχ²_S/S and ζ the minibatch noise, one step is the random
 * linear recursion (Kesten type) z_t = M_t z_{t−1} + q_t on z = (δ, m), with
 *
 * <pre>
 *   M_t = [[1 − λh, −λμ], [h, μ]]      (δ' = (1−λh)δ − λμm + λζ,  m' = hδ + μm − ζ).
 * </pre>
 *
 * The k-th moments are finite iff the spectral radius of the expected k-th symmetric power of
 * M_t, acting on the monomials δ^p m^(k−p), is below 1 (q_t has all moments). For k = 2 this is
 * exactly Theorem 2's stability condition (λ &lt; λ_c); for k = 4 it says the tail index of the
 * stationary law exceeds 4, which is when sample variances have a finite variance and batch-means
 * errors can be trusted ({@code shared/theory/README.md}, simulation caveat). Moments of h:
 * E[h^j] = (a/S)^j · S(S+2)…(S+2j−2).
 */
public final class MomentStability {

  private MomentStability() {}

  /** Spectral radius of the order-{@code k} moment operator; below 1 iff E|z|^k is finite. */
  public static double spectralRadius(double a, double lr, int batch, double momentum, int k) {
    if (k < 1 || k > 16) {
      throw new IllegalArgumentException("Cannot compute moments: order must be 1..16: " + k);
    }
    // E[h^j], j = 0..k.
    final double[] eh = new double[k + 1];
    eh[0] = 1;
    for (int j = 1; j <= k; j++) {
      eh[j] = eh[j - 1] * (a / batch) * (batch + 2.0 * (j - 1));
    }
    // Linear forms of δ' and m' in (δ, m), coefficients polynomials in h.
    final double[] dd = {1, -lr};
    final double[] dm = {-lr * momentum};
    final double[] md = {0, 1};
    final double[] mm = {momentum};
    DMatrixRMaj op = new DMatrixRMaj(k + 1, k + 1);
    for (int p = 0; p <= k; p++) {
      // poly[q][j]: coefficient of δ^q m^(deg−q) h^j in δ'^p m'^(k−p).
      double[][] poly = {{1}};
      for (int f = 0; f < k; f++) {
        poly = f < p ? times(poly, dd, dm) : times(poly, md, mm);
      }
      for (int q = 0; q <= k; q++) {
        double e = 0;
        for (int j = 0; j < poly[q].length; j++) {
          e += poly[q][j] * eh[j];
        }
        // E[δ'^p m'^(k−p)] = Σ_q op[p][q] E[δ^q m^(k−q)].
        op.set(p, q, e);
      }
    }
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k + 1, false);
    if (!eig.decompose(op)) {
      throw new IllegalStateException("Cannot compute moments: eigenvalues did not converge");
    }
    double rho = 0;
    for (int i = 0; i < k + 1; i++) {
      rho = Math.max(rho, eig.getEigenvalue(i).getMagnitude());
    }
    return rho;
  }

  /** Multiplies a polynomial in (δ, m) by the linear form (α(h)·δ + β(h)·m). */
  private static double[][] times(double[][] poly, double[] alpha, double[] beta) {
    final int deg = poly.length - 1;
    int hdeg = 0;
    for (double[] row : poly) {
      hdeg = Math.max(hdeg, row.length - 1);
    }
    final int outH = hdeg + Math.max(alpha.length, beta.length);
    double[][] out = new double[deg + 2][outH];
    for (int q = 0; q <= deg; q++) {
      for (int j = 0; j < poly[q].length; j++) {
        final double c = poly[q][j];
        if (c == 0) {
          continue;
        }
        for (int i = 0; i < alpha.length; i++) {
          out[q + 1][j + i] += c * alpha[i];
        }
        for (int i = 0; i < beta.length; i++) {
          out[q][j + i] += c * beta[i];
        }
      }
    }
    return out;
  }
}
