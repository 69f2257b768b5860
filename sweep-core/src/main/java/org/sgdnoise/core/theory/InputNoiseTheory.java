package org.sgdnoise.core.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Exact stationary theory of SGD with momentum on linear regression with input noise:
 * Proposition 9 and Theorem 9 of Ziyin et al., "Strength of Minibatch Noise in SGD" (ICLR 2022),
 * as rebuilt in {@code shared/theory/linear-regression.md} §4, with the corrected test loss.
 *
 * <p>Model: clean inputs x ~ N(0, A), input noise η ~ N(0, B) independent of x; the learner sees
 * x̃ = x + η and the labels y = uᵀx (no label noise). With K = A + B, w* = K⁻¹Au and
 *
 * <pre>
 *   σ_eff² = uᵀAK⁻¹Bu = 2L(w*) = (w*−u)ᵀA(w*−u) + w*ᵀBw*,
 * </pre>
 *
 * Proposition 9 (eq. 132) gives C = (1/S)(KΣK + Tr[KΣ]K + σ_eff²K): the residual x̃ᵀw* − xᵀu is
 * Gaussian and uncorrelated with x̃, so <b>input noise is exactly label noise with A → K and
 * σ² → σ_eff²</b> ({@link LabelNoiseTheory}, whose eigenbasis reduction is exact for any symmetric
 * positive definite Λ). Theorem 9 in the general form of the sheet:
 *
 * <pre>
 *   G' = 2(1−μ)I − ((1−μ)/(1+μ) + 1/S)ΛK,   t' = Tr[ΛK G'⁻¹],   κ' = t'/(1 − t'/S)
 *   Σ       = (σ_eff²/S)(1 + κ'/S) Λ G'⁻¹                                    (eq. 135)
 *   L_train = ½Tr[KΣ] + ½σ_eff² = ½σ_eff²(1 + κ'/S)                          (eq. 133)
 *   L_test  = ½Tr[AΣ] + ½(w*−u)ᵀA(w*−u),  (w*−u)ᵀA(w*−u) = Tr[B'ᵀAB'U]     [CORRECTED eq. 134]
 * </pre>
 *
 * The paper's eq. 134 (and Table 2) prints L_test = ½σ_eff²κ'/S + ½Tr[B'ᵀAB'U], i.e. Tr[KΣ] where
 * Tr[AΣ] belongs (erratum 1); it is exposed as {@link Result#paperLTest()}. Σ needs no
 * [K, U] = 0 (erratum 2). A stationary state exists iff G' ≻ 0 and t' &lt; S; λ_c is the
 * label-noise λ_c with A → K. κ' is in the matrix convention (learning rate inside; the paper's
 * scalar κ' is κ'/λ).
 */
public final class InputNoiseTheory {
  /** Relative tolerance for symmetry of the input matrices. */
  private static final double SYMMETRY_TOL = 1e-12;
  /** Message prefix of the matrix-input validation. */
  private static final String SOLVE = "Cannot solve input noise";
  /** Message prefix of the spectrum / scalar validation. */
  private static final String COMPUTE = "Cannot compute input noise";

  private InputNoiseTheory() {}

  /**
   * The input-noise prediction.
   *
   * @param theory the exact theory: lTest is the CORRECTED test loss, trASigma = Tr[AΣ] with the
   *     clean A, kappa = κ' (matrix convention), traceNoise = Tr C (Proposition 9)
   * @param paperLTest the paper's eq. 134 as printed (Table 2); NaN when diverging
   * @param sigmaEff2 σ_eff² = uᵀAK⁻¹Bu
   * @param criticalLr λ_c for a scalar learning rate (NaN for a matrix Λ; see
   *     {@link #criticalScale})
   * @param baselines {continuous-time, discrete-time} Hessian approximations with 𝐇 = K,
   *     b_tr = ½σ_eff², b_te = ½Tr[B'ᵀAB'U] (§6), or {@code null} when μ ≠ 0 or Λ is not scalar
   */
  public record Result(Prediction theory, double paperLTest, double sigmaEff2, double criticalLr,
      HessianBaselines.Baseline[] baselines) {}

  /**
   * Scalar learning rate λ, A = diag(a), B = diag(b) (a common eigenbasis; u in that basis):
   * Theorem 9 mode by mode, O(D), no matrices. With kᵢ = aᵢ + bᵢ and
   * gᵢ = 2(1−μ) − ((1−μ)/(1+μ) + 1/S)λkᵢ, Σ is diagonal with Σᵢᵢ = λσ_eff²/(S gᵢ (1 − t'/S)).
   *
   * @param a eigenvalues of A, each &gt; 0. Not modified.
   * @param b eigenvalues of B, each ≥ 0. Not modified.
   * @param u teacher vector in the same basis. Not modified.
   */
  public static Result ofSpectrum(double[] a, double[] b, double[] u, double lr, int batch,
      double momentum) {
    checkSpectra(a, b, u);
    Checks.step(COMPUTE, lr, batch, momentum);
    final int dim = a.length;
    // Step 0: K, σ_eff² = Σ aᵢbᵢuᵢ²/kᵢ, bias (w*−u)ᵀA(w*−u) = Σ aᵢ(bᵢuᵢ/kᵢ)², Tr K.
    final double[] k = new double[dim];
    double sigmaEff2 = 0;
    double bias = 0;
    double trK = 0;
    for (int i = 0; i < dim; i++) {
      k[i] = a[i] + b[i];
      final double bu = b[i] * u[i] / k[i];
      sigmaEff2 += a[i] * u[i] * bu;
      bias += a[i] * bu * bu;
      trK += k[i];
    }
    final double critical = LabelNoiseTheory.criticalLr(k, batch, momentum);
    final HessianBaselines.Baseline[] baselines =
        momentum == 0 ? baselines(k, a, lr, batch, sigmaEff2, bias) : null;
    // Step 1: t' = Tr[ΛK G'⁻¹]; stability needs every gᵢ > 0 and t' < S.
    final double c = (1 - momentum) / (1 + momentum) + 1.0 / batch;
    double t = 0;
    for (int i = 0; i < dim; i++) {
      final double g = 2 * (1 - momentum) - c * lr * k[i];
      if (!(g > 0)) {
        return new Result(Prediction.divergent(), Double.NaN, sigmaEff2, critical, baselines);
      }
      t += lr * k[i] / g;
    }
    if (!(t < batch)) {
      return new Result(Prediction.divergent(), Double.NaN, sigmaEff2, critical, baselines);
    }
    // Step 2: Σᵢᵢ = λσ_eff²/(S gᵢ (1 − t'/S)) (eq. 135) and the traces it enters.
    final double scale = lr * sigmaEff2 / (batch * (1 - t / batch));
    double traceSigma = 0;
    double trASigma = 0;
    double trKSigmaK = 0;
    for (int i = 0; i < dim; i++) {
      final double s = scale / (2 * (1 - momentum) - c * lr * k[i]);
      traceSigma += s;
      trASigma += a[i] * s;
      trKSigmaK += k[i] * k[i] * s;
    }
    // Step 3: κ', Tr[KΣ] = σ_eff²κ'/S, losses (eq. 133, corrected eq. 134), Tr C (Prop. 9).
    final double kappa = t / (1 - t / batch);
    final double trKSigma = sigmaEff2 * kappa / batch;
    final double traceNoise = (trKSigmaK + (trKSigma + sigmaEff2) * trK) / batch;
    final Prediction theory = new Prediction(false, kappa, trASigma, traceSigma,
        0.5 * (trKSigma + sigmaEff2), 0.5 * (trASigma + bias), traceNoise, null, null);
    return new Result(theory, 0.5 * (trKSigma + bias), sigmaEff2, critical, baselines);
  }

  /**
   * General symmetric A, B (they need not commute) and any symmetric positive definite Λ (it
   * need not commute with K): {@link LabelNoiseTheory#solve} with A → K, σ² → σ_eff², then the
   * losses from Σ. Returns Σ and C.
   *
   * @param a clean-input covariance A, symmetric positive semi-definite. Not modified.
   * @param b input-noise covariance B, symmetric positive semi-definite, A + B positive
   *     definite. Not modified.
   * @param u teacher vector. Not modified.
   * @param lambda learning-rate matrix Λ, symmetric positive definite. Not modified.
   */
  public static Result solve(DMatrixRMaj a, DMatrixRMaj b, double[] u, DMatrixRMaj lambda,
      int batch, double momentum) {
    final int dim = a.numRows;
    Checks.symmetric(SOLVE, "A", a, dim, SYMMETRY_TOL);
    Checks.symmetric(SOLVE, "B", b, dim, SYMMETRY_TOL);
    Checks.symmetric(SOLVE, "Λ", lambda, dim, SYMMETRY_TOL);
    if (u.length != dim) {
      throw new IllegalArgumentException(
          "Cannot solve input noise: u must have length " + dim + ": " + u.length);
    }
    Checks.finite(COMPUTE, "u", u);
    Checks.step(COMPUTE, 1, batch, momentum);
    // Step 0: K, w* = K⁻¹Au, v = w* − u, bias = vᵀAv, σ_eff² = vᵀAv + w*ᵀBw* (= 2L(w*)).
    final DMatrixRMaj k = new DMatrixRMaj(dim, dim);
    CommonOps_DDRM.add(a, b, k);
    final DMatrixRMaj au = new DMatrixRMaj(dim, 1);
    CommonOps_DDRM.mult(a, new DMatrixRMaj(dim, 1, true, u), au);
    final LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.symmPosDef(dim);
    if (!chol.setA(k.copy())) {
      throw new IllegalArgumentException(
          "Cannot solve input noise: K = A + B is not positive definite: " + k);
    }
    final DMatrixRMaj wStar = new DMatrixRMaj(dim, 1);
    chol.solve(au, wStar);
    final double[] v = new double[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = wStar.get(i) - u[i];
    }
    final double bias = quadratic(a, v);
    final double sigmaEff2 = bias + quadratic(b, wStar.data);

    final boolean scalar = isScalar(lambda);
    final double critical = scalar
        ? LabelNoiseTheory.criticalScale(k, CommonOps_DDRM.identity(dim), batch, momentum)
        : Double.NaN;
    final HessianBaselines.Baseline[] baselines = scalar && momentum == 0
        ? matrixBaselines(a, k, lambda.get(0, 0), batch, sigmaEff2, bias)
        : null;
    // Step 1: the label-noise theory of K with σ_eff² (Σ, κ', Tr[KΣ], L_train, C).
    final Prediction p = LabelNoiseTheory.solve(k, lambda, batch, momentum, sigmaEff2);
    if (p.diverges()) {
      return new Result(Prediction.divergent(), Double.NaN, sigmaEff2, critical, baselines);
    }
    // Step 2: Tr[AΣ] with the clean A, corrected L_test; p.trASigma() is Tr[KΣ] = σ_eff²κ'/S.
    final double trASigma = traceOfProduct(a, p.sigma());
    final Prediction theory = new Prediction(false, p.kappa(), trASigma, p.traceSigma(),
        p.lTrain(), 0.5 * (trASigma + bias), p.traceNoise(), p.sigma(), p.noise());
    return new Result(theory, 0.5 * (p.trASigma() + bias), sigmaEff2, critical, baselines);
  }

  /**
   * Critical learning rate for a scalar λ and A = diag(a), B = diag(b): the label-noise λ_c of
   * K = diag(a + b) ({@link LabelNoiseTheory#criticalLr}). Arrays are not modified.
   */
  public static double criticalLr(double[] a, double[] b, int batch, double momentum) {
    checkSpectra(a, b, new double[a.length]);
    Checks.step(COMPUTE, 1, batch, momentum);
    final double[] k = new double[a.length];
    for (int i = 0; i < k.length; i++) {
      k[i] = a[i] + b[i];
    }
    return LabelNoiseTheory.criticalLr(k, batch, momentum);
  }

  /**
   * Critical scale of a learning-rate matrix: c·Λ₀ has a stationary state iff c is below the
   * result ({@link LabelNoiseTheory#criticalScale} with A → K = A + B). Not modified.
   */
  public static double criticalScale(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj lambda0,
      int batch, double momentum) {
    final DMatrixRMaj k = new DMatrixRMaj(a.numRows, a.numCols);
    CommonOps_DDRM.add(a, b, k);
    return LabelNoiseTheory.criticalScale(k, lambda0, batch, momentum);
  }

  // ---------------------------------------------------------------- baselines (§6)

  /** Both Appendix-B baselines with 𝐇 = K (eigenvalues k), A's diagonal a in K's eigenbasis. */
  private static HessianBaselines.Baseline[] baselines(double[] k, double[] a, double lr,
      int batch, double sigmaEff2, double bias) {
    return new HessianBaselines.Baseline[] {
      HessianBaselines.continuousTime(k, a, lr, batch, 0.5 * sigmaEff2, 0.5 * bias),
      HessianBaselines.discreteTime(k, a, lr, batch, 0.5 * sigmaEff2, 0.5 * bias)
    };
  }

  /**
   * Baselines for a general (non-commuting) A and K: the traces Tr[A(2I − λK)⁻¹] and Tr A only
   * need the diagonal of QᵀAQ in K's eigenbasis Q, so HessianBaselines' per-mode sums are exact.
   */
  private static HessianBaselines.Baseline[] matrixBaselines(DMatrixRMaj a, DMatrixRMaj k,
      double lr, int batch, double sigmaEff2, double bias) {
    final int dim = k.numRows;
    final EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(dim, true, true);
    if (!eig.decompose(k.copy())) {
      throw new IllegalStateException("Cannot decompose K: eigendecomposition failed");
    }
    final double[] h = new double[dim];
    final double[] aInK = new double[dim];
    final DMatrixRMaj av = new DMatrixRMaj(dim, 1);
    for (int j = 0; j < dim; j++) {
      h[j] = eig.getEigenvalue(j).getReal();
      final DMatrixRMaj q = eig.getEigenVector(j);
      final double norm2 = CommonOps_DDRM.dot(q, q);
      CommonOps_DDRM.mult(a, q, av);
      aInK[j] = CommonOps_DDRM.dot(q, av) / norm2;
    }
    return baselines(h, aInK, lr, batch, sigmaEff2, bias);
  }

  // ---------------------------------------------------------------- helpers

  /** xᵀMx. */
  private static double quadratic(DMatrixRMaj m, double[] x) {
    final int n = x.length;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double row = 0;
      for (int j = 0; j < n; j++) {
        row += m.unsafe_get(i, j) * x[j];
      }
      sum += x[i] * row;
    }
    return sum;
  }

  /** Tr[XY] = Σᵢⱼ Xᵢⱼ Yⱼᵢ. */
  private static double traceOfProduct(DMatrixRMaj x, DMatrixRMaj y) {
    final int n = x.numRows;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        sum += x.unsafe_get(i, j) * y.unsafe_get(j, i);
      }
    }
    return sum;
  }

  private static boolean isScalar(DMatrixRMaj m) {
    final int n = m.numRows;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        final double expected = i == j ? m.unsafe_get(0, 0) : 0;
        if (m.unsafe_get(i, j) != expected) {
          return false;
        }
      }
    }
    return true;
  }

  private static void checkSpectra(double[] a, double[] b, double[] u) {
    if (a.length == 0 || b.length != a.length || u.length != a.length) {
      throw new IllegalArgumentException("Cannot compute input noise: a, b and u must have one"
          + " non-zero length: " + a.length + ", " + b.length + ", " + u.length);
    }
    for (int i = 0; i < a.length; i++) {
      if (!(a[i] > 0) || a[i] == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "Cannot compute input noise: an eigenvalue of A is not positive and finite: " + a[i]);
      }
      if (!(b[i] >= 0) || b[i] == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("Cannot compute input noise: an eigenvalue of B is"
            + " not non-negative and finite: " + b[i]);
      }
    }
    Checks.finite(COMPUTE, "u", u);
  }
}
