package org.sgdnoise.core.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Test oracles written independently of the closed forms (after
 * {@code shared/theory/python/solvers.py}).
 *
 * <p>(1) {@link #theorem1}: Theorem 1 (eq. 3) for any symmetric Λ and H and momentum μ, with the
 * affine noise model C(Σ) = (1/S)(NΣN + Tr[NΣ]N) + C₀, as one D²×D² solve (sheet §2). Row-major
 * vec: vec(XΣY) = (X ⊗ Yᵀ) vec Σ, Tr[NΣ] = vec(N)ᵀ vec Σ, P = ΛH:
 *
 * <pre>
 * [ (1−μ)(P⊗I + I⊗P) − c₁ P⊗P + c₂(P²⊗I + I⊗P²)
 *   − (Λ⊗Λ)(1/S)(N⊗N + vec N vec Nᵀ) ] vec Σ = (Λ⊗Λ) vec C₀,
 * c₁ = (1+μ²)/(1−μ²), c₂ = μ/(1−μ²).
 * </pre>
 *
 * <p>(2) {@link #exactMoments}: the exact second moments of the SGD chain itself, assuming neither
 * Theorem 1 nor any noise formula (sheet §8a). With δ = w − w*, the minibatch Hessian
 * H_t = H̄ − X + (1/S)Σₛ xₛxₛᵀ (xₛ ~ N(0, X) i.i.d.) and the minibatch gradient at w*, ζ_t
 * (mean 0, E ζζᵀ given), the state z = (δ, m) follows z_t = T_t z_{t−1} + E₁ζ_t with
 * T_t = T₀ + E₁H_tE₂, T₀ = [[I, −μΛ], [0, μI]], E₁ = [−Λ; I], E₂ = [I, 0]. Then
 *
 * <pre>
 * vec Z = 𝓜 vec Z + vec(E₁ E[ζζᵀ] E₁ᵀ),
 * 𝓜 = T₀⊗T₀ + T₀⊗F + F⊗T₀ + (E₁⊗E₁) E[H⊗H] (E₂⊗E₂),  F = E₁H̄E₂,
 * E[H_ik H_jl] = H̄_ik H̄_jl + (1/S)(X_ij X_kl + X_il X_jk)      (Isserlis).
 * </pre>
 *
 * A finite stationary second moment exists iff ρ(𝓜) &lt; 1 (the exact criterion); Σ = Z[:D, :D].
 * Cross terms E[T_t z_{t−1} ζ_tᵀ] vanish because E z = 0 at stationarity and z_{t−1} is
 * independent of batch t.
 */
final class GeneralKroneckerOracle {
  private GeneralKroneckerOracle() {}

  /** Theorem 1 with C(Σ) = (1/S)(NΣN + Tr[NΣ]N) + C₀. Inputs are not modified. */
  static DMatrixRMaj theorem1(DMatrixRMaj h, DMatrixRMaj lambda, double mu, int batch,
      DMatrixRMaj n, DMatrixRMaj c0) {
    final int d = h.numRows;
    final DMatrixRMaj eye = CommonOps_DDRM.identity(d);
    final DMatrixRMaj p = mult(lambda, h);
    final DMatrixRMaj p2 = mult(p, p);
    final double c1 = (1 + mu * mu) / (1 - mu * mu);
    final double c2 = mu / (1 - mu * mu);
    final DMatrixRMaj op = new DMatrixRMaj(d * d, d * d);
    CommonOps_DDRM.addEquals(op, 1 - mu, kron(p, eye));
    CommonOps_DDRM.addEquals(op, 1 - mu, kron(eye, p)); // Σ Pᵀ
    CommonOps_DDRM.addEquals(op, -c1, kron(p, p)); // P Σ Pᵀ
    CommonOps_DDRM.addEquals(op, c2, kron(p2, eye));
    CommonOps_DDRM.addEquals(op, c2, kron(eye, p2)); // Σ (Pᵀ)²
    final DMatrixRMaj ll = kron(lambda, lambda);
    final DMatrixRMaj noise = kron(n, n);
    final DMatrixRMaj vn = new DMatrixRMaj(d * d, 1, true, n.data);
    final DMatrixRMaj outer = new DMatrixRMaj(d * d, d * d);
    CommonOps_DDRM.multTransB(vn, vn, outer);
    CommonOps_DDRM.addEquals(noise, outer);
    CommonOps_DDRM.scale(1.0 / batch, noise);
    CommonOps_DDRM.addEquals(op, -1, mult(ll, noise));
    final DMatrixRMaj rhs = mult(ll, new DMatrixRMaj(d * d, 1, true, c0.data));
    final DMatrixRMaj x = new DMatrixRMaj(d * d, 1);
    if (!CommonOps_DDRM.solve(op, rhs, x)) {
      throw new IllegalStateException("singular Kronecker system");
    }
    return symmetric(new DMatrixRMaj(d, d, true, x.data));
  }

  /** C(Σ) = (1/S)(NΣN + Tr[NΣ]N) + C₀. */
  static DMatrixRMaj noise(DMatrixRMaj sigma, int batch, DMatrixRMaj n, DMatrixRMaj c0) {
    final DMatrixRMaj out = mult(mult(n, sigma), n);
    CommonOps_DDRM.addEquals(out, trace(mult(n, sigma)), n);
    CommonOps_DDRM.scale(1.0 / batch, out);
    CommonOps_DDRM.addEquals(out, c0);
    return symmetric(out);
  }

  /** Stationary Σ and the spectral radius of 𝓜. */
  record Moments(DMatrixRMaj sigma, double spectralRadius) {}

  /**
   * Exact second moments of the (δ, m) chain.
   *
   * @param hBar mean minibatch Hessian H̄
   * @param xCov covariance X of the sampled inputs (H_t − H̄ = (1/S)Σ xxᵀ − X)
   * @param ezz E[ζζᵀ] of the minibatch gradient at w*
   */
  static Moments exactMoments(DMatrixRMaj hBar, DMatrixRMaj xCov, DMatrixRMaj ezz,
      DMatrixRMaj lambda, double mu, int batch) {
    final int d = hBar.numRows;
    final int n = 2 * d;
    final DMatrixRMaj t0 = new DMatrixRMaj(n, n);
    final DMatrixRMaj e1 = new DMatrixRMaj(n, d);
    final DMatrixRMaj e2 = new DMatrixRMaj(d, n);
    for (int i = 0; i < d; i++) {
      t0.set(i, i, 1);
      t0.set(d + i, d + i, mu);
      e1.set(d + i, i, 1);
      e2.set(i, i, 1);
      for (int j = 0; j < d; j++) {
        t0.set(i, d + j, -mu * lambda.get(i, j));
        e1.set(i, j, -lambda.get(i, j));
      }
    }
    final DMatrixRMaj f = mult(mult(e1, hBar), e2);
    final DMatrixRMaj ehh = new DMatrixRMaj(d * d, d * d);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        for (int k = 0; k < d; k++) {
          for (int l = 0; l < d; l++) {
            ehh.set(i * d + j, k * d + l, hBar.get(i, k) * hBar.get(j, l)
                + (xCov.get(i, j) * xCov.get(k, l) + xCov.get(i, l) * xCov.get(j, k)) / batch);
          }
        }
      }
    }
    final DMatrixRMaj m = kron(t0, t0);
    CommonOps_DDRM.addEquals(m, kron(t0, f));
    CommonOps_DDRM.addEquals(m, kron(f, t0));
    CommonOps_DDRM.addEquals(m, mult(mult(kron(e1, e1), ehh), kron(e2, e2)));

    final EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n * n, false);
    if (!eig.decompose(m.copy())) {
      throw new IllegalStateException("eigenvalues of the moment map did not converge");
    }
    double rho = 0;
    for (int i = 0; i < n * n; i++) {
      rho = Math.max(rho, eig.getEigenvalue(i).getMagnitude());
    }
    final DMatrixRMaj b = mult(mult(e1, ezz), transpose(e1));
    final DMatrixRMaj lhs = CommonOps_DDRM.identity(n * n);
    CommonOps_DDRM.subtractEquals(lhs, m);
    final DMatrixRMaj z = new DMatrixRMaj(n * n, 1);
    if (!CommonOps_DDRM.solve(lhs, new DMatrixRMaj(n * n, 1, true, b.data), z)) {
      throw new IllegalStateException("singular moment system");
    }
    final DMatrixRMaj zz = new DMatrixRMaj(n, n, true, z.data);
    final DMatrixRMaj sigma = new DMatrixRMaj(d, d);
    CommonOps_DDRM.extract(zz, 0, d, 0, d, sigma, 0, 0);
    return new Moments(symmetric(sigma), rho);
  }

  /**
   * Input-noise data model: x̃ = x + η ~ N(0, K), r = x̃ᵀw* − xᵀu jointly Gaussian with x̃, so
   * E[ζζᵀ] = (1/S)(K Var r + 2ccᵀ), c = E[x̃ r] = A(w*−u) + Bw*, Var r = (w*−u)ᵀA(w*−u) + w*ᵀBw*.
   */
  static Moments inputNoise(DMatrixRMaj a, DMatrixRMaj b, double[] u, DMatrixRMaj lambda,
      double mu, int batch) {
    final DMatrixRMaj k = add(a, b);
    final DMatrixRMaj wStar = wStar(k, a, u);
    final DMatrixRMaj v = minus(wStar, u);
    final DMatrixRMaj c = add(mult(a, v), mult(b, wStar));
    final double varR = quadratic(a, v) + quadratic(b, wStar);
    final DMatrixRMaj ezz = k.copy();
    CommonOps_DDRM.scale(varR, ezz);
    final DMatrixRMaj cc = new DMatrixRMaj(k.numRows, k.numRows);
    CommonOps_DDRM.multTransB(c, c, cc);
    CommonOps_DDRM.addEquals(ezz, 2, cc);
    CommonOps_DDRM.scale(1.0 / batch, ezz);
    return exactMoments(k, k, ezz, lambda, mu, batch);
  }

  /**
   * L2 data model: H_t = Γ + (1/S)Σ xxᵀ (x ~ N(0, A)), ζ = (H_t − K)v, so E[ζζᵀ] =
   * (1/S)(E[xxᵀvvᵀxxᵀ] − AvvᵀA) = (1/S)(2AvvᵀA + (vᵀAv)A − AvvᵀA).
   */
  static Moments l2(DMatrixRMaj a, DMatrixRMaj gamma, double[] u, DMatrixRMaj lambda, double mu,
      int batch) {
    final DMatrixRMaj k = add(a, gamma);
    final DMatrixRMaj v = minus(wStar(k, a, u), u);
    final DMatrixRMaj av = mult(a, v);
    final DMatrixRMaj ezz = new DMatrixRMaj(a.numRows, a.numRows);
    CommonOps_DDRM.multTransB(av, av, ezz);
    CommonOps_DDRM.addEquals(ezz, quadratic(a, v), a);
    CommonOps_DDRM.scale(1.0 / batch, ezz);
    return exactMoments(k, a, ezz, lambda, mu, batch);
  }

  // ---------------------------------------------------------------- small helpers

  static DMatrixRMaj wStar(DMatrixRMaj k, DMatrixRMaj a, double[] u) {
    final DMatrixRMaj rhs = mult(a, new DMatrixRMaj(u.length, 1, true, u));
    final DMatrixRMaj out = new DMatrixRMaj(u.length, 1);
    if (!CommonOps_DDRM.solve(k, rhs, out)) {
      throw new IllegalStateException("singular K");
    }
    return out;
  }

  static DMatrixRMaj minus(DMatrixRMaj x, double[] u) {
    final DMatrixRMaj out = x.copy();
    for (int i = 0; i < u.length; i++) {
      out.data[i] -= u[i];
    }
    return out;
  }

  static double quadratic(DMatrixRMaj m, DMatrixRMaj x) {
    return CommonOps_DDRM.dot(x, mult(m, x));
  }

  static double trace(DMatrixRMaj m) {
    return CommonOps_DDRM.trace(m);
  }

  static DMatrixRMaj mult(DMatrixRMaj x, DMatrixRMaj y) {
    final DMatrixRMaj out = new DMatrixRMaj(x.numRows, y.numCols);
    CommonOps_DDRM.mult(x, y, out);
    return out;
  }

  static DMatrixRMaj add(DMatrixRMaj x, DMatrixRMaj y) {
    final DMatrixRMaj out = new DMatrixRMaj(x.numRows, x.numCols);
    CommonOps_DDRM.add(x, y, out);
    return out;
  }

  static DMatrixRMaj transpose(DMatrixRMaj x) {
    final DMatrixRMaj out = new DMatrixRMaj(x.numCols, x.numRows);
    CommonOps_DDRM.transpose(x, out);
    return out;
  }

  static DMatrixRMaj kron(DMatrixRMaj x, DMatrixRMaj y) {
    final DMatrixRMaj out = new DMatrixRMaj(x.numRows * y.numRows, x.numCols * y.numCols);
    CommonOps_DDRM.kron(x, y, out);
    return out;
  }

  static DMatrixRMaj symmetric(DMatrixRMaj m) {
    final DMatrixRMaj out = transpose(m);
    CommonOps_DDRM.add(0.5, m, 0.5, out, out);
    return out;
  }
}
