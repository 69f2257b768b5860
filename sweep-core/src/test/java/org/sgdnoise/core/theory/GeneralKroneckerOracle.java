package org.sgdnoise.core.theory;

import static org.sgdnoise.core.theory.TestMatrices.mult;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Test oracles for the input-noise and L2 theories, written independently of the closed forms
 * (after {@code shared/theory/python/solvers.py}).
 *
 * <p>(1) {@link #theorem1}: Theorem 1 (eq. 3) for any symmetric Λ and H and momentum μ, with the
 * affine noise model C(Σ) = (1/S)(NΣN + Tr[NΣ]N) + C₀, as one D²×D² solve (sheet §2), i.e.
 * {@link Theorem1Oracle#kronecker} with 𝒩 = (1/S)(N⊗N + vec N vec Nᵀ).
 *
 * <p>(2) {@link #exactMoments}: the exact second moments of the SGD chain itself, assuming neither
 * Theorem 1 nor any noise formula (sheet §8a): {@link ExactMomentOracle#chain} with the minibatch
 * Hessian H_t = H̄ − X + (1/S)Σₛ xₛxₛᵀ (xₛ ~ N(0, X) i.i.d.), whose fluctuation has, by Isserlis,
 * E[ΔH_ik ΔH_jl] = (1/S)(X_ij X_kl + X_il X_jk). A finite stationary second moment exists iff
 * ρ(𝓜) &lt; 1 (the exact criterion).
 *
 * <p>(3) {@link #inputNoise} and {@link #l2}: the data models that feed (2).
 */
final class GeneralKroneckerOracle {
  private GeneralKroneckerOracle() {}

  /** Theorem 1 with C(Σ) = (1/S)(NΣN + Tr[NΣ]N) + C₀. Inputs are not modified. */
  static DMatrixRMaj theorem1(DMatrixRMaj h, DMatrixRMaj lambda, double mu, int batch,
      DMatrixRMaj n, DMatrixRMaj c0) {
    return Theorem1Oracle.kronecker(lambda, h, mu, Theorem1Oracle.noiseOperator(n, batch, 1, 1),
        c0);
  }

  /** C(Σ) = (1/S)(NΣN + Tr[NΣ]N) + C₀, symmetrised. */
  static DMatrixRMaj noise(DMatrixRMaj sigma, int batch, DMatrixRMaj n, DMatrixRMaj c0) {
    return TestMatrices.symmetric(Theorem1Oracle.noise(n, sigma, batch, c0, 1, 1));
  }

  /**
   * Exact second moments of the (δ, m) chain ({@link ExactMomentOracle#chain} with the Gaussian
   * fluctuation E[ΔH⊗ΔH] of {@link ExactMomentOracle#gaussianFluctuation}).
   *
   * @param hBar mean minibatch Hessian H̄
   * @param xCov covariance X of the sampled inputs (H_t − H̄ = (1/S)Σ xxᵀ − X)
   * @param ezz E[ζζᵀ] of the minibatch gradient at w*
   */
  static ExactMomentOracle.Chain exactMoments(DMatrixRMaj hBar, DMatrixRMaj xCov,
      DMatrixRMaj ezz, DMatrixRMaj lambda, double mu, int batch) {
    return ExactMomentOracle.chain(hBar, lambda, mu,
        ExactMomentOracle.gaussianFluctuation(xCov, batch), ezz);
  }

  /**
   * Input-noise data model: x̃ = x + η ~ N(0, K), r = x̃ᵀw* − xᵀu jointly Gaussian with x̃, so
   * E[ζζᵀ] = (1/S)(K Var r + 2ccᵀ), c = E[x̃ r] = A(w*−u) + Bw*, Var r = (w*−u)ᵀA(w*−u) + w*ᵀBw*.
   */
  static ExactMomentOracle.Chain inputNoise(DMatrixRMaj a, DMatrixRMaj b, double[] u,
      DMatrixRMaj lambda, double mu, int batch) {
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
  static ExactMomentOracle.Chain l2(DMatrixRMaj a, DMatrixRMaj gamma, double[] u,
      DMatrixRMaj lambda, double mu, int batch) {
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

  static DMatrixRMaj add(DMatrixRMaj x, DMatrixRMaj y) {
    final DMatrixRMaj out = new DMatrixRMaj(x.numRows, x.numCols);
    CommonOps_DDRM.add(x, y, out);
    return out;
  }

}
