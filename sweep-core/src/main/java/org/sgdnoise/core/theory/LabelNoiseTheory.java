package org.sgdnoise.core.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Exact stationary theory of SGD with momentum on linear regression with label noise: Lemma 1,
 * Theorems 2, 3 and 8 of Ziyin et al., "Strength of Minibatch Noise in SGD" (ICLR 2022), as
 * rebuilt in {@code shared/theory/linear-regression.md} §3.
 *
 * <p>Model: x ~ N(0, A), y = uᵀx + ε, Var ε = σ², minibatch size S, learning-rate matrix Λ
 * (symmetric positive definite), momentum μ ∈ [0, 1). Lemma 1 gives the noise C = (1/S)(AΣA +
 * Tr[AΣ]A + σ²A), and Theorem 1 (eq. 3) the matrix equation for Σ.
 *
 * <p><b>Eigenbasis reduction (exact, no [Λ, A] = 0 needed).</b> Let B = Λ^½AΛ^½ = Q diag(d) Qᵀ
 * (ΛA is similar to B) and V = Λ^½Q, so ΛAV = V diag(d), VᵀAV = diag(d) and ΛAΛ = V diag(d) Vᵀ.
 * Writing Σ = VΣ'Vᵀ turns eq. 3 into, element by element,
 *
 * <pre>
 *   [ (1−μ)(dᵢ+dⱼ) − c₁dᵢdⱼ + c₂(dᵢ²+dⱼ²) − dᵢdⱼ/S ] Σ'ᵢⱼ = (T + σ²) dᵢ δᵢⱼ / S,
 *   c₁ = (1+μ²)/(1−μ²),  c₂ = μ/(1−μ²),  T = Tr[AΣ] = Σᵢ dᵢ Σ'ᵢᵢ.
 * </pre>
 *
 * So Σ' is diagonal: Σ'ᵢᵢ = (T + σ²)/(S gᵢ) with gᵢ = 2(1−μ) − ((1−μ)/(1+μ) + 1/S) dᵢ, the
 * eigenvalues of G_μ (eq. 6). Summing, T = (T + σ²) t/S with t = Σᵢ dᵢ/gᵢ = Tr[ΛA G_μ⁻¹], hence
 * κ_μ = t/(1 − t/S), T = σ²κ_μ/S and Σ'ᵢᵢ = σ²/(S gᵢ (1 − t/S)). A stationary Σ exists iff
 * every gᵢ > 0 and t < S (the sheet's exact condition). One symmetric eigendecomposition,
 * O(D³); for scalar λ and a diagonal A (a spectrum) it is O(D).
 *
 * <p>Losses (Theorem 8): L_train = ½Tr[AΣ] + ½σ², L_test = ½Tr[AΣ].
 */
public final class LabelNoiseTheory {

  private LabelNoiseTheory() {}

  /**
   * Scalar learning rate λ and A = diag(spectrum): Theorem 2 in A's eigenbasis, O(D).
   *
   * @param spectrum eigenvalues of A, each > 0. Not modified.
   */
  public static Prediction ofSpectrum(
      double[] spectrum, double lr, int batch, double momentum, double sigma2) {
    final int dim = spectrum.length;
    final double c = (1 - momentum) / (1 + momentum) + 1.0 / batch;
    // Step 1: t = Tr[ΛA G⁻¹] with dᵢ = λaᵢ; stability needs every gᵢ > 0 and t < S.
    double t = 0;
    for (int i = 0; i < dim; i++) {
      final double d = lr * spectrum[i];
      final double g = 2 * (1 - momentum) - c * d;
      if (!(g > 0)) {
        return Prediction.divergent();
      }
      t += d / g;
    }
    if (!(t < batch)) {
      return Prediction.divergent();
    }
    // Step 2: Σ = λ diag(Σ'), Σ'ᵢᵢ = σ²/(S gᵢ (1 − t/S)).
    final double scale = sigma2 / (batch * (1 - t / batch));
    double traceSigma = 0;
    double trASigmaA = 0;
    double trA = 0;
    for (int i = 0; i < dim; i++) {
      final double g = 2 * (1 - momentum) - c * lr * spectrum[i];
      final double s = lr * scale / g;
      traceSigma += s;
      trASigmaA += spectrum[i] * spectrum[i] * s;
      trA += spectrum[i];
    }
    return finish(t, batch, sigma2, traceSigma, trASigmaA, trA, null, null);
  }

  /**
   * General learning-rate matrix Λ (need not commute with A), by the eigenbasis reduction.
   *
   * @param a feature covariance A, symmetric positive definite. Not modified.
   * @param lambda learning-rate matrix Λ, symmetric positive definite. Not modified.
   */
  public static Prediction solve(
      DMatrixRMaj a, DMatrixRMaj lambda, int batch, double momentum, double sigma2) {
    return solveReduced(a, reduce(a, lambda), 1.0, batch, momentum, sigma2);
  }

  /**
   * The prediction at Λ = λΛ₀ and the critical scale of Λ₀, from one reduction of (A, Λ₀): the
   * reduction of λΛ₀ is d → λd, V → √λ·V, so the two need one eigendecomposition, not two.
   *
   * @param a feature covariance A, symmetric positive definite. Not modified.
   * @param lambda0 Λ₀, symmetric positive definite. Not modified.
   * @param lr λ > 0
   */
  public static WithCritical solveWithCritical(DMatrixRMaj a, DMatrixRMaj lambda0, double lr,
      int batch, double momentum, double sigma2) {
    final GeneralSolver.Reduction r = reduce(a, lambda0);
    return new WithCritical(solveReduced(a, r, lr, batch, momentum, sigma2),
        criticalScale(r.d(), batch, momentum));
  }

  /** A prediction and the critical scale of its learning-rate matrix. */
  public record WithCritical(Prediction prediction, double criticalScale) {}

  /** The solve at Λ = scale·Λ_r for the reduction r of Λ_r. */
  private static Prediction solveReduced(DMatrixRMaj a, GeneralSolver.Reduction r,
      double scale, int batch, double momentum, double sigma2) {
    final int dim = r.d().length;
    final double c = (1 - momentum) / (1 + momentum) + 1.0 / batch;
    double t = 0;
    final double[] g = new double[dim];
    for (int i = 0; i < dim; i++) {
      final double d = scale * r.d()[i];
      g[i] = 2 * (1 - momentum) - c * d;
      if (!(g[i] > 0)) {
        return Prediction.divergent();
      }
      t += d / g[i];
    }
    if (!(t < batch)) {
      return Prediction.divergent();
    }
    final double s0 = sigma2 / (batch * (1 - t / batch));
    // Σ = V diag(Σ') Vᵀ with V = √scale·V_r: scale·V_r diag(Σ') V_rᵀ.
    final DMatrixRMaj diag = new DMatrixRMaj(dim, dim);
    for (int j = 0; j < dim; j++) {
      diag.data[j * dim + j] = scale * s0 / g[j];
    }
    final DMatrixRMaj sigma = GeneralSolver.expand(r.v(), diag);
    Matrices.symmetrize(sigma);
    // Lemma 1: C = (1/S)(AΣA + (Tr[AΣ] + σ²)A).
    final DMatrixRMaj noise = new DMatrixRMaj(dim, dim);
    GeneralSolver.sandwich(a, sigma, noise);
    final double trASigma = sigma2 * (t / (1 - t / batch)) / batch;
    CommonOps_DDRM.addEquals(noise, trASigma + sigma2, a);
    CommonOps_DDRM.scale(1.0 / batch, noise);
    Matrices.symmetrize(noise);
    return finish(t, batch, sigma2, CommonOps_DDRM.trace(sigma), Double.NaN, Double.NaN, sigma,
        noise);
  }

  /**
   * The prediction from t = Tr[ΛA G_μ⁻¹] and Tr Σ. Tr C = (1/S)(Tr[AΣA] + (Tr[AΣ] + σ²)Tr A)
   * (Lemma 1), from the given traces or, when {@code noise} is given, its trace.
   */
  private static Prediction finish(double t, int batch, double sigma2, double traceSigma,
      double trASigmaA, double trA, DMatrixRMaj sigma, DMatrixRMaj noise) {
    final double kappa = t / (1 - t / batch);
    final double trASigma = sigma2 * kappa / batch;
    final double traceNoise = noise != null ? CommonOps_DDRM.trace(noise)
        : (trASigmaA + (trASigma + sigma2) * trA) / batch;
    return new Prediction(false, kappa, trASigma, traceSigma, 0.5 * (trASigma + sigma2),
        0.5 * trASigma, traceNoise, sigma, noise);
  }

  /**
   * Critical learning rate for scalar λ and A = diag(spectrum): the unique root of
   * (λ/S)·Tr[A G_μ(λ)⁻¹] = 1 on (0, 2(1−μ)/(c·a_max)), c = (1−μ)/(1+μ) + 1/S. A stationary
   * state exists iff λ < λ_c. In 1-d: λ_c = 2(1−μ)/(a[(1−μ)/(1+μ) + 2/S]).
   *
   * @param spectrum eigenvalues of A. Not modified.
   */
  public static double criticalLr(double[] spectrum, int batch, double momentum) {
    return criticalScale(spectrum, batch, momentum);
  }

  /**
   * Critical scale for a learning-rate matrix: c·Λ₀ has a stationary state iff c < the result.
   *
   * @param a A. Not modified.
   * @param lambda0 Λ₀. Not modified.
   */
  public static double criticalScale(
      DMatrixRMaj a, DMatrixRMaj lambda0, int batch, double momentum) {
    return criticalScale(reduce(a, lambda0).d(), batch, momentum);
  }

  /**
   * The root of f(c) = (c/S) Σ bᵢ/gᵢ(c) − 1, gᵢ(c) = 2(1 − μ) − k·c·bᵢ, k = (1 − μ)/(1 + μ) + 1/S:
   * in closed form when all bᵢ are equal (1-d, isotropic), c = 2S(1 − μ)/(b(n + kS)); otherwise
   * by bisection (f increases from −1 to +∞ on its interval).
   */
  private static double criticalScale(double[] b, int batch, double momentum) {
    final double c = (1 - momentum) / (1 + momentum) + 1.0 / batch;
    double bMax = 0;
    boolean equal = true;
    for (double v : b) {
      bMax = Math.max(bMax, v);
      equal &= v == b[0];
    }
    if (equal && b.length > 0 && b[0] > 0) {
      return 2 * batch * (1 - momentum) / (b[0] * (b.length + c * batch));
    }
    double lo = 0;
    double hi = 2 * (1 - momentum) / (c * bMax);
    for (int iter = 0; iter < 2000 && hi - lo > Math.ulp(hi); iter++) {
      final double mid = 0.5 * (lo + hi);
      double t = 0;
      boolean blown = false;
      for (double v : b) {
        final double g = 2 * (1 - momentum) - c * mid * v;
        if (!(g > 0)) {
          blown = true;
          break;
        }
        t += mid * v / g;
      }
      if (blown || t >= batch) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  /**
   * The solver's reduction B = Λ^½AΛ^½ = Q diag(d) Qᵀ, V = Λ^½Q ({@link GeneralSolver.Reduction},
   * with its diagonal-Λ shortcut), with every dᵢ > 0: A must be positive definite here.
   */
  private static GeneralSolver.Reduction reduce(DMatrixRMaj a, DMatrixRMaj lambda) {
    if (a.numCols != a.numRows || lambda.numRows != a.numRows || lambda.numCols != a.numRows) {
      throw new IllegalArgumentException("Cannot reduce: A and Λ must be square and of one"
          + " size: " + a.numRows + "x" + a.numCols + ", " + lambda.numRows + "x"
          + lambda.numCols);
    }
    final GeneralSolver.Reduction r = GeneralSolver.Reduction.of(a, lambda);
    for (double v : r.d()) {
      if (!(v > 0)) {
        throw new IllegalArgumentException(
            "Cannot reduce: A is not positive definite: eigenvalue of Λ^½AΛ^½ " + v);
      }
    }
    return r;
  }
}
