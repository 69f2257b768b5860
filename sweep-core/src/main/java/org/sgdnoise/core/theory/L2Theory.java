package org.sgdnoise.core.theory;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Exact stationary theory of SGD with momentum on linear regression with L2 regularisation
 * (weight decay Γ, which may be negative): Proposition 3, Theorem 4, Corollaries 1 and 4 of
 * Ziyin et al., "Strength of Minibatch Noise in SGD" (ICLR 2022), as rebuilt in
 * {@code shared/theory/linear-regression.md} §5, with the sheet's momentum extension and its
 * general element-wise Σ.
 *
 * <p>Model: x ~ N(0, A), y = uᵀx, per-sample loss ½((w−u)ᵀx)² + ½wᵀΓw (the regulariser gradient
 * carries no noise), so L_Γ(w) = ½(w−u)ᵀA(w−u) + ½wᵀΓw, K = A + Γ, w* = K⁻¹Au, v = w* − u.
 * Proposition 3 (eq. 10): C = (1/S)(AΣA + Tr[AΣ]A + (vᵀAv)A + AvvᵀA).
 *
 * <p><b>General Σ (only [A, Γ] = 0 needed; u need not be an eigenvector).</b> In a common
 * orthonormal eigenbasis of A and Γ (eigenvalues aᵢ, γᵢ, kᵢ = aᵢ + γᵢ, ũ = coordinates of u),
 * Theorem 1 with scalar λ and momentum μ becomes, element by element,
 *
 * <pre>
 *   dᵢⱼ Σ̃ᵢⱼ = (λ/S)[δᵢⱼ(T + T_U)aᵢ + wᵢwⱼ],   wᵢ = aᵢγᵢũᵢ/kᵢ = −(Av)ᵢ,
 *   dᵢⱼ = (1−μ)(kᵢ+kⱼ) − λc₁kᵢkⱼ + λc₂(kᵢ²+kⱼ²) − (λ/S)aᵢaⱼ,  c₁ = (1+μ²)/(1−μ²), c₂ = μ/(1−μ²),
 *   T = Tr[AΣ],  T_U = vᵀAv = Tr[AK⁻²Γ²U] = Σ aᵢ(γᵢũᵢ/kᵢ)².
 * </pre>
 *
 * So dᵢᵢ = kᵢ·g_i with g_i the eigenvalues of G_μ = 2(1−μ)I − λ((1−μ)/(1+μ)K + (1/S)K⁻¹A²)
 * (μ = 0: G of Theorem 4). Summing aᵢΣ̃ᵢᵢ: T = (λ/S)(T_U κ + r) with s = Σ aᵢ²/dᵢᵢ
 * = Tr[A²K⁻¹G⁻¹], q = Σ aᵢwᵢ²/dᵢᵢ = Tr[A³K⁻³Γ²G⁻¹U], κ = s/(1 − λs/S), r = q/(1 − λs/S)
 * (Theorem 4). Then
 *
 * <pre>
 *   L_test  = ½(T + T_U) = ½(T_U + (λ/S)q)/(1 − (λ/S)s)                     (eq. 11)
 *   L_train = ½Tr[KΣ] + ½Tr[AK⁻¹ΓU]       (= eq. 151; regulariser included, may be negative)
 *   Tr C    = (1/S)(Tr[AΣA] + (T + T_U)Tr A + |Av|²)                         (Prop. 3)
 * </pre>
 *
 * <p><b>Stability (exact).</b> All dᵢᵢ &gt; 0 and (λ/S)s &lt; 1 (then K ≻ 0, G_μ ≻ 0, and the
 * off-diagonal modes are stable). If some kᵢ ≤ 0 no λ is stable. In λ, dᵢᵢ(λ) = 2(1−μ)kᵢ −
 * λ((1−μ)/(1+μ)kᵢ² + aᵢ²/S) is linear and (λ/S)Σ aᵢ²/dᵢᵢ(λ) rises from 0 to +∞, so λ_c is its
 * root, exactly as for μ = 0 (sheet §5); with momentum the rule has the same form.
 *
 * <p><b>κ convention.</b> {@link Prediction#kappa()} is λκ (learning rate inside, the matrix
 * convention of {@link LabelNoiseTheory}: at Γ = 0 it equals the label-noise κ_μ of A). The
 * paper's Theorem-4 κ is {@code kappa / λ}.
 */
public final class L2Theory {
  /** Chebyshev points of the coarse scan of L_test(γ) over the stable γ interval. */
  private static final int SCAN_POINTS = 96;
  /** Iteration cap of the bisections (each halves an interval; 64 bits suffice). */
  private static final int MAX_BISECTIONS = 200;
  /** Iterations of the golden-section fallback of {@link #gammaStar}. */
  private static final int GOLDEN_ITERATIONS = 120;
  /** Relative tolerance for [A, Γ] = 0 and for the common eigenbasis being one. */
  private static final double COMMUTE_TOL = 1e-10;
  /** Relative tolerance for symmetry of the input matrices. */
  private static final double SYMMETRY_TOL = 1e-12;
  /** Message prefix of the matrix-input validation. */
  private static final String SOLVE = "Cannot solve L2";
  /** Message prefix of the spectrum / scalar validation. */
  private static final String COMPUTE = "Cannot compute L2 theory";
  /** Weights c of A + cΓ tried for a common eigenbasis (generic, irrational-looking). */
  private static final double[] MIX = {0.7236067977499790, 1.9318516525781366, 0.3090169943749474};

  private L2Theory() {}

  /**
   * The L2 prediction.
   *
   * @param theory the exact theory (lTrain includes the regulariser; kappa = λκ)
   * @param criticalLr λ_c: stable iff λ &lt; λ_c; 0 when some kᵢ ≤ 0 (no λ is stable)
   * @param baselines {continuous-time, discrete-time} Hessian approximations with 𝐇 = K,
   *     b_tr = ½Tr[AK⁻¹ΓU], b_te = ½Tr[AK⁻²Γ²U] (§6) when μ = 0, else {@code null}. When K is
   *     not positive definite neither has a stationary state: both are divergent with critical
   *     learning rate 0
   */
  public record Result(Prediction theory, double criticalLr,
      HessianBaselines.Baseline[] baselines) {}

  /**
   * The minimiser of L_test over the weight decay γ (Γ = γI), L_test = +∞ where unstable.
   *
   * @param gamma γ* (NaN when no γ is stable)
   * @param lTest L_test(γ*) (+∞ when no γ is stable)
   * @param exists some γ is stable
   */
  public record GammaStar(double gamma, double lTest, boolean exists) {}

  /** An open interval of stable γ, or the empty one (both bounds NaN). */
  public record GammaInterval(double lower, double upper) {
    static final GammaInterval EMPTY = new GammaInterval(Double.NaN, Double.NaN);

    /** No γ is stable. */
    public boolean isEmpty() {
      return !(lower < upper);
    }
  }

  /**
   * Corollary 4 (1-d, μ = 0; eqs. 159–160) and the derived Σ, with k = a + γ and
   * D_γ = 2k − λ(k² + 2a²/S). NaN when diverging.
   */
  public record Corollary4(boolean diverges, double lTrain, double lTest, double sigma) {}

  /**
   * A limit of the exact theory (Appendix B, μ = 0): Σ in the spectral basis, the losses, and
   * the paper's printed L_test (eq. 41 / eq. 47, whose first term uses Tr[AM] for Tr[A²K⁻¹M]).
   */
  public record Limit(boolean diverges, DMatrixRMaj sigma, double lTrain, double lTest,
      double paperLTest) {}

  // ---------------------------------------------------------------- exact theory

  /**
   * Scalar λ, A = diag(a), Γ = γI, u in A's eigenbasis (any direction): O(D), no matrices.
   *
   * @param a eigenvalues of A, each &gt; 0. Not modified.
   * @param u teacher vector in A's eigenbasis. Not modified.
   */
  public static Result ofSpectrum(double[] a, double gamma, double[] u, double lr, int batch,
      double momentum) {
    return core(a, filled(a.length, gamma), u, lr, batch, momentum, false);
  }

  /** As {@link #ofSpectrum}, also returning Σ and C (in A's eigenbasis, O(D²)). */
  public static Result solveSpectrum(double[] a, double gamma, double[] u, double lr, int batch,
      double momentum) {
    return core(a, filled(a.length, gamma), u, lr, batch, momentum, true);
  }

  /**
   * The result of {@link #solveMatrixLr}: the prediction (with Σ and C), the critical scale of
   * Λ₀, and the relative residual of Theorem 1 reached by the iterative solver.
   */
  public record Iterative(Prediction theory, double criticalLr, double relativeResidual) {}

  /**
   * Γ = γI with a learning-rate matrix Λ = λΛ₀, which in general commutes with neither A nor
   * K = A + γI: no closed form (§5). Theorem 1 with the general noise of Prop. 3,
   * C = (1/S)(AΣA + Tr[AΣ]A) + C₀, C₀ = (1/S)((vᵀAv)A + AvvᵀA), v = w* − u, w* = K⁻¹Au, solved
   * by {@link GeneralSolver}. L_test = ½(Tr[AΣ] + vᵀAv); L_train adds the regulariser,
   * ½γ(Tr Σ + |w*|²). λ_c is the critical scale of Λ₀; it is 0 when K is singular.
   *
   * @param a A, symmetric positive definite. Not modified.
   * @param u the teacher. Not modified.
   * @param lambda0 Λ₀, symmetric positive definite. Not modified.
   */
  public static Iterative solveMatrixLr(DMatrixRMaj a, double gamma, double[] u,
      DMatrixRMaj lambda0, double lr, int batch, double momentum) {
    final int dim = a.numRows;
    DMatrixRMaj k = a.copy();
    for (int i = 0; i < dim; i++) {
      k.add(i, i, gamma);
    }
    DMatrixRMaj uu = new DMatrixRMaj(dim, 1, true, u);
    DMatrixRMaj au = new DMatrixRMaj(dim, 1);
    CommonOps_DDRM.mult(a, uu, au);
    DMatrixRMaj wStar = new DMatrixRMaj(dim, 1);
    if (!CommonOps_DDRM.solve(k, au, wStar)) {
      return new Iterative(Prediction.divergent(), 0.0, Double.NaN);
    }
    DMatrixRMaj v = wStar.copy();
    CommonOps_DDRM.subtractEquals(v, uu);
    DMatrixRMaj av = new DMatrixRMaj(dim, 1);
    CommonOps_DDRM.mult(a, v, av);
    final double vav = CommonOps_DDRM.dot(v, av);
    // C₀ = (1/S)((vᵀAv)A + Av(Av)ᵀ), kept factored.
    final double[] w = av.data.clone();
    for (int i = 0; i < dim; i++) {
      w[i] /= Math.sqrt(batch);
    }
    GeneralSolver.NoiseModel noise = GeneralSolver.gaussian(a, batch, vav / batch, w);
    DMatrixRMaj lambda = lambda0.copy();
    CommonOps_DDRM.scale(lr, lambda);
    GeneralSolver.Solution s = GeneralSolver.solve(k, lambda, momentum, noise);
    final double critical = GeneralSolver.criticalScale(k, lambda0, momentum, noise);
    if (s.diverges()) {
      return new Iterative(Prediction.divergent(), critical, s.relativeResidual());
    }
    DMatrixRMaj as = new DMatrixRMaj(dim, dim);
    CommonOps_DDRM.mult(a, s.sigma(), as);
    final double trASigma = CommonOps_DDRM.trace(as);
    final double traceSigma = CommonOps_DDRM.trace(s.sigma());
    final double lTest = 0.5 * (trASigma + vav);
    final double lTrain = lTest + 0.5 * gamma * (traceSigma + CommonOps_DDRM.dot(wStar, wStar));
    return new Iterative(new Prediction(false, Double.NaN, trASigma, traceSigma, lTrain, lTest,
        CommonOps_DDRM.trace(s.noise()), s.sigma(), s.noise()), critical, s.relativeResidual());
  }

  /**
   * General commuting A and Γ ([A, Γ] = 0; Γ may be indefinite), scalar λ: the element-wise Σ
   * in a common eigenbasis (of A + cΓ for a generic c), rotated back. Returns Σ and C.
   *
   * @param a input covariance A, symmetric positive definite. Not modified.
   * @param gamma weight-decay matrix Γ, symmetric, commuting with A. Not modified.
   * @param u teacher vector. Not modified.
   */
  public static Result solve(DMatrixRMaj a, DMatrixRMaj gamma, double[] u, double lr,
      int batch, double momentum) {
    final int dim = a.numRows;
    Checks.symmetric(SOLVE, "A", a, dim, SYMMETRY_TOL);
    Checks.symmetric(SOLVE, "Γ", gamma, dim, SYMMETRY_TOL);
    if (u.length != dim) {
      throw new IllegalArgumentException(
          "Cannot solve L2: u must have length " + dim + ": " + u.length);
    }
    final DMatrixRMaj q = commonEigenbasis(a, gamma);
    final double[] as = new double[dim];
    final double[] gs = new double[dim];
    final double[] us = new double[dim];
    final DMatrixRMaj tmp = new DMatrixRMaj(dim, dim);
    final DMatrixRMaj rotA = new DMatrixRMaj(dim, dim);
    final DMatrixRMaj rotG = new DMatrixRMaj(dim, dim);
    CommonOps_DDRM.multTransA(q, a, tmp);
    CommonOps_DDRM.mult(tmp, q, rotA);
    CommonOps_DDRM.multTransA(q, gamma, tmp);
    CommonOps_DDRM.mult(tmp, q, rotG);
    for (int i = 0; i < dim; i++) {
      as[i] = rotA.get(i, i);
      gs[i] = rotG.get(i, i);
      double c = 0;
      for (int j = 0; j < dim; j++) {
        c += q.get(j, i) * u[j];
      }
      us[i] = c;
    }
    final Result r = core(as, gs, us, lr, batch, momentum, true);
    if (r.theory().diverges()) {
      return r;
    }
    final Prediction p = r.theory();
    final Prediction rotated = new Prediction(false, p.kappa(), p.trASigma(), p.traceSigma(),
        p.lTrain(), p.lTest(), p.traceNoise(), rotateBack(q, p.sigma()),
        rotateBack(q, p.noise()));
    return new Result(rotated, r.criticalLr(), r.baselines());
  }

  /**
   * Critical learning rate for A = diag(a), Γ = γI: the root of (λ/S)Σᵢ aᵢ²/dᵢᵢ(λ) = 1 on
   * (0, minᵢ 2(1−μ)kᵢ/((1−μ)/(1+μ)kᵢ² + aᵢ²/S)); 0 when some kᵢ ≤ 0. In 1-d:
   * λ_c = 2(1−μ)k/((1−μ)/(1+μ)k² + 2a²/S) (μ = 0: eq. 162). Not modified.
   */
  public static double criticalLr(double[] a, double gamma, int batch, double momentum) {
    checkSpectrum(a, a);
    Checks.step(COMPUTE, 1, batch, momentum);
    if (!Double.isFinite(gamma)) {
      throw new IllegalArgumentException("Cannot compute L2 theory: γ is not finite: " + gamma);
    }
    return criticalLr(a, filled(a.length, gamma), batch, momentum);
  }

  /** Core of the exact theory in a common eigenbasis (gam: eigenvalues of Γ). */
  private static Result core(double[] a, double[] gam, double[] u, double lr, int batch,
      double momentum, boolean matrices) {
    checkSpectral(a, gam, u, lr, batch, momentum);
    final int dim = a.length;
    // Step 0: kᵢ, wᵢ = aᵢγᵢũᵢ/kᵢ, T_U = Σ aᵢ(γᵢũᵢ/kᵢ)², |Av|² = Σ wᵢ², ½Tr[AK⁻¹ΓU], Tr A.
    final double[] k = new double[dim];
    final double[] w = new double[dim];
    double tU = 0;
    double av2 = 0;
    double bTrain = 0;
    double trA = 0;
    boolean kPositive = true;
    for (int i = 0; i < dim; i++) {
      k[i] = a[i] + gam[i];
      if (!(k[i] > 0)) {
        kPositive = false;
      }
      final double gu = gam[i] * u[i] / k[i];
      w[i] = a[i] * gu;
      tU += a[i] * gu * gu;
      av2 += w[i] * w[i];
      bTrain += 0.5 * a[i] * gam[i] * u[i] * u[i] / k[i];
      trA += a[i];
    }
    if (!kPositive) {
      final HessianBaselines.Baseline[] none = momentum == 0
          ? new HessianBaselines.Baseline[] {divergentBaseline(), divergentBaseline()}
          : null;
      return new Result(Prediction.divergent(), 0, none);
    }
    final double critical = criticalLr(a, gam, batch, momentum);
    final HessianBaselines.Baseline[] baselines = momentum == 0
        ? new HessianBaselines.Baseline[] {
            HessianBaselines.continuousTime(k, a, lr, batch, bTrain, 0.5 * tU),
            HessianBaselines.discreteTime(k, a, lr, batch, bTrain, 0.5 * tU)}
        : null;
    // Step 1: dᵢᵢ = kᵢgᵢ > 0, s = Σ aᵢ²/dᵢᵢ, q = Σ aᵢwᵢ²/dᵢᵢ, and 1 − (λ/S)s > 0.
    final double p = (1 - momentum) / (1 + momentum);
    double s = 0;
    double q = 0;
    for (int i = 0; i < dim; i++) {
      final double d = diagonalD(a[i], k[i], lr, batch, momentum, p);
      if (!(d > 0)) {
        return new Result(Prediction.divergent(), critical, baselines);
      }
      s += a[i] * a[i] / d;
      q += a[i] * w[i] * w[i] / d;
    }
    final double den = 1 - lr * s / batch;
    if (!(den > 0)) {
      return new Result(Prediction.divergent(), critical, baselines);
    }
    // Step 2: κ, r, T = Tr[AΣ] = (λ/S)(T_U κ + r) (eq. 11).
    final double kappa = s / den;
    final double r = q / den;
    final double trASigma = lr / batch * (tU * kappa + r);
    final double src = trASigma + tU;
    // Step 3: Σ̃ᵢᵢ = (λ/S)(src·aᵢ + wᵢ²)/dᵢᵢ and its traces.
    double traceSigma = 0;
    double trKSigma = 0;
    double trASigmaA = 0;
    for (int i = 0; i < dim; i++) {
      final double d = diagonalD(a[i], k[i], lr, batch, momentum, p);
      final double sii = lr / batch * (src * a[i] + w[i] * w[i]) / d;
      traceSigma += sii;
      trKSigma += k[i] * sii;
      trASigmaA += a[i] * a[i] * sii;
    }
    final double traceNoise = (trASigmaA + src * trA + av2) / batch;
    DMatrixRMaj sigma = null;
    DMatrixRMaj noise = null;
    if (matrices) {
      // Step 4: the full Σ̃ᵢⱼ = (λ/S)[δᵢⱼ src aᵢ + wᵢwⱼ]/dᵢⱼ and C̃ (Prop. 3).
      final double c1 = (1 + momentum * momentum) / (1 - momentum * momentum);
      final double c2 = momentum / (1 - momentum * momentum);
      sigma = new DMatrixRMaj(dim, dim);
      noise = new DMatrixRMaj(dim, dim);
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          final double d = (1 - momentum) * (k[i] + k[j]) - lr * c1 * k[i] * k[j]
              + lr * c2 * (k[i] * k[i] + k[j] * k[j]) - lr / batch * a[i] * a[j];
          final double diag = i == j ? src * a[i] : 0;
          final double sij = lr / batch * (diag + w[i] * w[j]) / d;
          sigma.unsafe_set(i, j, sij);
          noise.unsafe_set(i, j, (a[i] * sij * a[j] + diag + w[i] * w[j]) / batch);
        }
      }
    }
    final Prediction theory = new Prediction(false, lr * kappa, trASigma, traceSigma,
        0.5 * trKSigma + bTrain, 0.5 * src, traceNoise, sigma, noise);
    return new Result(theory, critical, baselines);
  }

  /** dᵢᵢ = 2(1−μ)kᵢ − λ((1−μ)/(1+μ)kᵢ² + aᵢ²/S), p = (1−μ)/(1+μ). */
  private static double diagonalD(double a, double k, double lr, int batch, double momentum,
      double p) {
    return 2 * (1 - momentum) * k - lr * (p * k * k + a * a / batch);
  }

  /** Bisection on f(λ) = (λ/S)Σ aᵢ²/dᵢᵢ(λ) − 1, increasing from −1 to +∞ on its interval. */
  private static double criticalLr(double[] a, double[] gam, int batch, double momentum) {
    final double p = (1 - momentum) / (1 + momentum);
    double hi = Double.POSITIVE_INFINITY;
    for (int i = 0; i < a.length; i++) {
      final double k = a[i] + gam[i];
      if (!(k > 0)) {
        return 0;
      }
      hi = Math.min(hi, 2 * (1 - momentum) * k / (p * k * k + a[i] * a[i] / batch));
    }
    double lo = 0;
    for (int iter = 0; iter < MAX_BISECTIONS && hi - lo > Math.ulp(hi); iter++) {
      final double mid = 0.5 * (lo + hi);
      boolean stable = true;
      double s = 0;
      for (int i = 0; i < a.length && stable; i++) {
        final double d = diagonalD(a[i], a[i] + gam[i], mid, batch, momentum, p);
        stable = d > 0;
        s += a[i] * a[i] / d;
      }
      if (stable && mid * s < batch) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  // ---------------------------------------------------------------- Corollaries 1 and 4

  /**
   * Corollary 4 (1-d, μ = 0; eqs. 159–160, with the 1/S the OCR drops) and Σ = 2λa²γ²u²/(S k²
   * D_γ): L_train = (aγu²/(2k))[2k − λ(k² + (2/S)a(a−γ))]/D_γ, L_test = (aγ²u²/(2k))(2 − λk)/D_γ.
   * Stable iff k &gt; 0 and D_γ &gt; 0 (eq. 161).
   */
  public static Corollary4 corollary4(double a, double gamma, double u, double lr, int batch) {
    checkSpectrum(new double[] {a}, new double[] {gamma});
    Checks.finite(COMPUTE, "u", new double[] {u});
    Checks.step(COMPUTE, lr, batch, 0);
    final double k = a + gamma;
    final double dg = 2 * k - lr * (k * k + 2 * a * a / batch);
    if (!(k > 0 && dg > 0)) {
      return new Corollary4(true, Double.NaN, Double.NaN, Double.NaN);
    }
    final double u2 = u * u;
    return new Corollary4(false,
        a * gamma * u2 / (2 * k) * (2 * k - lr * (k * k + 2.0 / batch * a * (a - gamma))) / dg,
        a * gamma * gamma * u2 / (2 * k) * (2 - lr * k) / dg,
        2 * lr * a * a * gamma * gamma * u2 / (batch * k * k * dg));
  }

  /**
   * Eq. 163 (1-d, μ = 0): the stable γ are ((1 − aλ ∓ √(1 − 2a²λ²/S))/λ); empty unless
   * aλ &lt; √(S/2) (eq. 164).
   */
  public static GammaInterval stableGammaInterval1d(double a, double lr, int batch) {
    checkSpectrum(new double[] {a}, new double[] {0});
    Checks.step(COMPUTE, lr, batch, 0);
    final double disc = 1 - 2 * a * a * lr * lr / batch;
    if (!(disc > 0)) {
      return GammaInterval.EMPTY;
    }
    final double root = Math.sqrt(disc);
    return new GammaInterval((1 - a * lr - root) / lr, (1 - a * lr + root) / lr);
  }

  /**
   * The stable γ set for Γ = γI, A = diag(a), any μ: an open interval. Each dᵢᵢ(γ) is a concave
   * quadratic in γ, positive on an interval Iᵢ (roots kᵢ = ((1−μ) ± √((1−μ)² − λ²p aᵢ²/S))/(λp),
   * p = (1−μ)/(1+μ)); on I = ∩Iᵢ the sum s(γ) = Σ aᵢ²/dᵢᵢ is convex and → ∞ at the ends, so
   * {(λ/S)s &lt; 1} is an interval: its minimum by bisection on s', then its two ends by
   * bisection. Not modified.
   */
  public static GammaInterval stableGammaInterval(double[] a, double lr, int batch,
      double momentum) {
    checkSpectrum(a, a);
    Checks.step(COMPUTE, lr, batch, momentum);
    final double p = (1 - momentum) / (1 + momentum);
    // Step 1: I = ∩ Iᵢ in γ.
    double left = Double.NEGATIVE_INFINITY;
    double right = Double.POSITIVE_INFINITY;
    for (double ai : a) {
      final double disc = (1 - momentum) * (1 - momentum) - lr * lr * p * ai * ai / batch;
      if (!(disc > 0)) {
        return GammaInterval.EMPTY;
      }
      final double kPlus = ((1 - momentum) + Math.sqrt(disc)) / (lr * p);
      final double kMinus = ai * ai / (batch * p * kPlus); // product of the roots
      left = Math.max(left, kMinus - ai);
      right = Math.min(right, kPlus - ai);
    }
    if (!(left < right)) {
      return GammaInterval.EMPTY;
    }
    // Step 2: the minimum of the convex s on I, where s' = −Σ aᵢ²dᵢᵢ'/dᵢᵢ² changes sign.
    double lo = left;
    double hi = right;
    for (int iter = 0; iter < MAX_BISECTIONS && hi - lo > ulps(lo, hi); iter++) {
      final double mid = 0.5 * (lo + hi);
      final double slope = sSlope(a, mid, lr, batch, momentum, p);
      if (slope < 0) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    final double bottom = 0.5 * (lo + hi);
    if (!isStable(a, bottom, lr, batch, momentum, p)) {
      return GammaInterval.EMPTY;
    }
    // Step 3: the two ends, where (λ/S)s = 1.
    return new GammaInterval(edge(a, left, bottom, lr, batch, momentum, p),
        edge(a, right, bottom, lr, batch, momentum, p));
  }

  /** Bisection between an unstable γ and a stable one for the boundary of the stable set. */
  private static double edge(double[] a, double unstable, double stable, double lr, int batch,
      double momentum, double p) {
    double out = unstable;
    double in = stable;
    for (int iter = 0; iter < MAX_BISECTIONS && Math.abs(in - out) > ulps(in, out); iter++) {
      final double mid = 0.5 * (in + out);
      if (isStable(a, mid, lr, batch, momentum, p)) {
        in = mid;
      } else {
        out = mid;
      }
    }
    return 0.5 * (in + out);
  }

  private static boolean isStable(double[] a, double gamma, double lr, int batch,
      double momentum, double p) {
    double s = 0;
    for (double ai : a) {
      final double d = diagonalD(ai, ai + gamma, lr, batch, momentum, p);
      if (!(d > 0)) {
        return false;
      }
      s += ai * ai / d;
    }
    return lr * s < batch;
  }

  /** s'(γ) = −Σ aᵢ² dᵢᵢ'/dᵢᵢ², dᵢᵢ' = 2(1−μ) − 2λp kᵢ (meaningful inside I). */
  private static double sSlope(double[] a, double gamma, double lr, int batch, double momentum,
      double p) {
    double slope = 0;
    for (double ai : a) {
      final double k = ai + gamma;
      final double d = diagonalD(ai, k, lr, batch, momentum, p);
      slope -= ai * ai * (2 * (1 - momentum) - 2 * lr * p * k) / (d * d);
    }
    return slope;
  }

  /**
   * γ* = argmin over γ ∈ ℝ of L_test(γ) for Γ = γI (Corollary 1 and eqs. 169–171, any D, any μ),
   * with L_test = +∞ where unstable.
   *
   * <ul>
   *   <li>If γ = 0 is stable, γ* = 0 exactly: L_test = ½E[(w−u)ᵀA(w−u)] ≥ 0 and L_test(0) = 0
   *       (then T_U = 0 and q = 0).
   *   <li>Otherwise the stable set is an interval ({@link #stableGammaInterval}), possibly empty
   *       (exists = false). L_test → +∞ at both ends (1 − (λ/S)s → 0 with T_U + (λ/S)q &gt; 0).
   *       Step 1: L_test at 96 Chebyshev points (dense near the ends, where the minimum can sit
   *       close to an end). Step 2: bisection on the sign of dL_test/dγ ∝ f'g − fg' (f = T_U +
   *       (λ/S)q, g = 1 − (λ/S)s, derivatives in closed form) between the best point's
   *       neighbours, to full precision; a golden-section search on L_test is the fallback if
   *       the bracket is not a simple minimum.
   * </ul>
   *
   * About 400 O(D) evaluations. If u = 0, L_test ≡ 0 on the stable set: γ* is then 0 if stable,
   * else the interval's midpoint.
   *
   * @param a eigenvalues of A, each &gt; 0. Not modified.
   * @param u teacher vector in A's eigenbasis. Not modified.
   */
  public static GammaStar gammaStar(double[] a, double[] u, double lr, int batch,
      double momentum) {
    checkSpectral(a, a, u, lr, batch, momentum);
    final double p = (1 - momentum) / (1 + momentum);
    if (isStable(a, 0, lr, batch, momentum, p)) {
      return new GammaStar(0, 0, true);
    }
    final GammaInterval set = stableGammaInterval(a, lr, batch, momentum);
    if (set.isEmpty()) {
      return new GammaStar(Double.NaN, Double.POSITIVE_INFINITY, false);
    }
    final double mid = 0.5 * (set.lower() + set.upper());
    final double half = 0.5 * (set.upper() - set.lower());
    boolean zeroTeacher = true;
    for (double ui : u) {
      zeroTeacher &= ui == 0;
    }
    if (zeroTeacher) {
      return new GammaStar(mid, 0, true);
    }
    // Step 1: scan at Chebyshev points xⱼ = mid − half·cos(π(j+½)/n), increasing in j.
    int best = 0;
    double bestValue = Double.POSITIVE_INFINITY;
    for (int j = 0; j < SCAN_POINTS; j++) {
      final double value = lTest(a, u, chebyshev(mid, half, j), lr, batch, momentum, p);
      if (value < bestValue) {
        bestValue = value;
        best = j;
      }
    }
    final double bestGamma = chebyshev(mid, half, best);
    final double left = best == 0 ? set.lower() : chebyshev(mid, half, best - 1);
    final double right = best == SCAN_POINTS - 1 ? set.upper() : chebyshev(mid, half, best + 1);
    // Step 2: bisection on the sign of L_test' (the open ends count as − on the left, + on the
    // right, since L_test → +∞ there).
    double lo = left;
    double hi = right;
    if (slopeSign(a, u, lo, lr, batch, momentum, p, set) < 0
        && slopeSign(a, u, hi, lr, batch, momentum, p, set) > 0) {
      for (int iter = 0; iter < MAX_BISECTIONS && hi - lo > ulps(lo, hi); iter++) {
        final double m = 0.5 * (lo + hi);
        if (slopeSign(a, u, m, lr, batch, momentum, p, set) < 0) {
          lo = m;
        } else {
          hi = m;
        }
      }
      final double gamma = 0.5 * (lo + hi);
      final double value = lTest(a, u, gamma, lr, batch, momentum, p);
      if (value <= bestValue) {
        return new GammaStar(gamma, value, true);
      }
    }
    // Fallback: golden-section search on L_test in [left, right].
    return golden(a, u, left, right, bestGamma, bestValue, lr, batch, momentum, p);
  }

  private static double chebyshev(double mid, double half, int j) {
    return mid - half * Math.cos(Math.PI * (j + 0.5) / SCAN_POINTS);
  }

  /** L_test(γ) = ½(T_U + (λ/S)q)/(1 − (λ/S)s) for Γ = γI, +∞ where unstable (eq. 11). */
  private static double lTest(double[] a, double[] u, double gamma, double lr, int batch,
      double momentum, double p) {
    double tU = 0;
    double q = 0;
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      final double k = a[i] + gamma;
      final double d = diagonalD(a[i], k, lr, batch, momentum, p);
      if (!(d > 0)) {
        return Double.POSITIVE_INFINITY;
      }
      final double gu = gamma * u[i] / k;
      tU += a[i] * gu * gu;
      q += a[i] * a[i] * a[i] * gu * gu / d;
      s += a[i] * a[i] / d;
    }
    final double g = 1 - lr * s / batch;
    if (!(g > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    return 0.5 * (tU + lr * q / batch) / g;
  }

  /**
   * Sign of dL_test/dγ, i.e. of f'g − fg' with f = T_U + (λ/S)q, g = 1 − (λ/S)s and
   * T_U' = Σ 2γaᵢ²ũᵢ²/kᵢ³, q' = Σ aᵢ³ũᵢ²(2γaᵢ/(kᵢ³dᵢᵢ) − γ²dᵢᵢ'/(kᵢ²dᵢᵢ²)),
   * s' = −Σ aᵢ²dᵢᵢ'/dᵢᵢ². Outside the stable set: −1 nearer the lower end, +1 nearer the upper.
   */
  private static int slopeSign(double[] a, double[] u, double gamma, double lr, int batch,
      double momentum, double p, GammaInterval set) {
    final int outside = gamma < 0.5 * (set.lower() + set.upper()) ? -1 : 1;
    if (!(gamma > set.lower() && gamma < set.upper())) {
      return outside;
    }
    double tU = 0;
    double dtU = 0;
    double q = 0;
    double dq = 0;
    double s = 0;
    double ds = 0;
    for (int i = 0; i < a.length; i++) {
      final double k = a[i] + gamma;
      final double d = diagonalD(a[i], k, lr, batch, momentum, p);
      if (!(d > 0)) {
        return outside;
      }
      final double dd = 2 * (1 - momentum) - 2 * lr * p * k;
      final double a2 = a[i] * a[i];
      final double u2 = u[i] * u[i];
      final double k2 = k * k;
      tU += a[i] * gamma * gamma * u2 / k2;
      dtU += 2 * gamma * a2 * u2 / (k2 * k);
      q += a2 * a[i] * gamma * gamma * u2 / (k2 * d);
      dq += a2 * a[i] * u2 * (2 * gamma * a[i] / (k2 * k * d) - gamma * gamma * dd / (k2 * d * d));
      s += a2 / d;
      ds -= a2 * dd / (d * d);
    }
    final double f = tU + lr * q / batch;
    final double df = dtU + lr * dq / batch;
    final double g = 1 - lr * s / batch;
    final double dg = -lr * ds / batch;
    if (!(g > 0)) {
      return outside;
    }
    final double n = df * g - f * dg;
    return n < 0 ? -1 : 1;
  }

  /** Golden-section search of L_test on [left, right] (fallback of {@link #gammaStar}). */
  private static GammaStar golden(double[] a, double[] u, double left, double right,
      double bestGamma, double bestValue, double lr, int batch, double momentum, double p) {
    final double ratio = 0.5 * (Math.sqrt(5) - 1);
    double lo = left;
    double hi = right;
    double x1 = hi - ratio * (hi - lo);
    double x2 = lo + ratio * (hi - lo);
    double f1 = lTest(a, u, x1, lr, batch, momentum, p);
    double f2 = lTest(a, u, x2, lr, batch, momentum, p);
    for (int iter = 0; iter < GOLDEN_ITERATIONS && hi - lo > ulps(lo, hi); iter++) {
      if (f1 <= f2) {
        hi = x2;
        x2 = x1;
        f2 = f1;
        x1 = hi - ratio * (hi - lo);
        f1 = lTest(a, u, x1, lr, batch, momentum, p);
      } else {
        lo = x1;
        x1 = x2;
        f1 = f2;
        x2 = lo + ratio * (hi - lo);
        f2 = lTest(a, u, x2, lr, batch, momentum, p);
      }
    }
    final double gamma = f1 <= f2 ? x1 : x2;
    final double value = Math.min(f1, f2);
    return value <= bestValue ? new GammaStar(gamma, value, true)
        : new GammaStar(bestGamma, bestValue, true);
  }

  /**
   * The CORRECTED Corollary 1 (1-d, μ = 0): γ* &lt; 0 iff max(1, 2S/(S+2)) &lt; aλ &lt; √(S/2)
   * (equivalently S ≥ 3 and 2S/(S+2) &lt; aλ &lt; √(S/2)).
   */
  public static boolean negativeGammaStar1d(double aLr, int batch) {
    return Math.max(1.0, 2.0 * batch / (batch + 2)) < aLr && aLr < Math.sqrt(batch / 2.0);
  }

  /**
   * Eq. 168 as printed: γ* &lt; 0 iff 2S/(S+2) &lt; aλ &lt; √(S/2) and S ≠ 2. Wrong for S = 1 and
   * 2/3 &lt; aλ &lt; 1/√2, where γ* &gt; 0 (the squaring in eq. 165→166 needs aλ &gt; 1).
   */
  public static boolean paperNegativeGammaStar1d(double aLr, int batch) {
    return 2.0 * batch / (batch + 2) < aLr && aLr < Math.sqrt(batch / 2.0) && batch != 2;
  }

  // ---------------------------------------------------------------- Appendix B limits

  /**
   * Large-S limit of the exact theory (μ = 0; eqs. 39–41 with the CORRECTED eq. 41), M =
   * (2I − λK)⁻¹: Σ̃ᵢⱼ = (λ/S)[δᵢⱼT_U aᵢ + wᵢwⱼ]/(kᵢ + kⱼ − λkᵢkⱼ) (the leading 1/S term of the
   * general Σ; eq. 39 when A, Γ, U commute), L_train = (λ/2S)T_U Tr[AM] + (λ/2S)Tr[A²K⁻²Γ²MU] +
   * ½Tr[AK⁻¹ΓU], L_test = (λ/2S)T_U Tr[A²K⁻¹M] + (λ/2S)Tr[A³K⁻³Γ²MU] + ½T_U; paper eq. 41 has
   * Tr[AM] in the first L_test term. Diverges unless 0 &lt; λkᵢ &lt; 2. Arrays are not modified.
   */
  public static Limit largeBatchLimit(double[] a, double gamma, double[] u, double lr,
      int batch) {
    return limit(a, gamma, u, lr, batch, false);
  }

  /**
   * Small-λ limit of the exact theory (μ = 0; eqs. 45–47 with the CORRECTED eq. 47): the
   * large-S limit with M = ½I, Σ̃ᵢⱼ = (λ/S)[δᵢⱼT_U aᵢ + wᵢwⱼ]/(kᵢ + kⱼ); paper eq. 47 has Tr A in
   * the first L_test term. Diverges unless K ≻ 0. Arrays are not modified.
   */
  public static Limit smallLrLimit(double[] a, double gamma, double[] u, double lr, int batch) {
    return limit(a, gamma, u, lr, batch, true);
  }

  private static Limit limit(double[] a, double gamma, double[] u, double lr, int batch,
      boolean smallLr) {
    final double[] gam = filled(a.length, gamma);
    checkSpectral(a, gam, u, lr, batch, 0);
    final int dim = a.length;
    final double[] k = new double[dim];
    final double[] w = new double[dim];
    double tU = 0;
    double bTrain = 0;
    for (int i = 0; i < dim; i++) {
      k[i] = a[i] + gamma;
      if (!(k[i] > 0) || (!smallLr && !(lr * k[i] < 2))) {
        return new Limit(true, null, Double.NaN, Double.NaN, Double.NaN);
      }
      final double gu = gamma * u[i] / k[i];
      w[i] = a[i] * gu;
      tU += a[i] * gu * gu;
      bTrain += 0.5 * a[i] * gamma * u[i] * u[i] / k[i];
    }
    final DMatrixRMaj sigma = new DMatrixRMaj(dim, dim);
    double trKSigma = 0;
    double trASigma = 0;
    double trAM = 0;
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        final double d = k[i] + k[j] - (smallLr ? 0 : lr * k[i] * k[j]);
        final double diag = i == j ? tU * a[i] : 0;
        sigma.unsafe_set(i, j, lr / batch * (diag + w[i] * w[j]) / d);
      }
      trKSigma += k[i] * sigma.unsafe_get(i, i);
      trASigma += a[i] * sigma.unsafe_get(i, i);
      trAM += a[i] / (smallLr ? 2 : 2 - lr * k[i]);
    }
    final double lTest = 0.5 * trASigma + 0.5 * tU;
    // The paper's first L_test term (λ/2S)T_U Tr[AM] in place of (λ/2S)T_U Tr[A²K⁻¹M].
    double trA2KinvM = 0;
    for (int i = 0; i < dim; i++) {
      trA2KinvM += a[i] * a[i] / k[i] / (smallLr ? 2 : 2 - lr * k[i]);
    }
    final double paper = lTest + lr / (2.0 * batch) * tU * (trAM - trA2KinvM);
    return new Limit(false, sigma, 0.5 * trKSigma + bTrain, lTest, paper);
  }

  // ---------------------------------------------------------------- helpers

  private static HessianBaselines.Baseline divergentBaseline() {
    return new HessianBaselines.Baseline(true, Double.NaN, Double.NaN, Double.NaN, 0);
  }

  private static double[] filled(int n, double value) {
    final double[] out = new double[n];
    Arrays.fill(out, value);
    return out;
  }

  /** A few ulps of the larger magnitude: the resolution limit of a bisection. */
  private static double ulps(double x, double y) {
    return 4 * Math.ulp(Math.max(Math.abs(x), Math.abs(y)));
  }

  /** Q with orthonormal columns diagonalising both A and Γ (eigenvectors of A + cΓ). */
  private static DMatrixRMaj commonEigenbasis(DMatrixRMaj a, DMatrixRMaj gamma) {
    final int n = a.numRows;
    final DMatrixRMaj ag = new DMatrixRMaj(n, n);
    final DMatrixRMaj ga = new DMatrixRMaj(n, n);
    CommonOps_DDRM.mult(a, gamma, ag);
    CommonOps_DDRM.mult(gamma, a, ga);
    final double scale = CommonOps_DDRM.elementMaxAbs(a) * CommonOps_DDRM.elementMaxAbs(gamma);
    CommonOps_DDRM.subtractEquals(ag, ga);
    final double commutator = CommonOps_DDRM.elementMaxAbs(ag);
    if (!(commutator <= COMMUTE_TOL * n * scale)) {
      throw new IllegalArgumentException(
          "Cannot solve L2: A and Γ do not commute: max |AΓ − ΓA| " + commutator);
    }
    for (double c : MIX) {
      final DMatrixRMaj m = a.copy();
      CommonOps_DDRM.addEquals(m, c, gamma);
      final EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
      if (!eig.decompose(m)) {
        continue;
      }
      final DMatrixRMaj q = new DMatrixRMaj(n, n);
      for (int j = 0; j < n; j++) {
        final DMatrixRMaj col = eig.getEigenVector(j);
        final double norm = Math.sqrt(CommonOps_DDRM.dot(col, col));
        for (int i = 0; i < n; i++) {
          q.unsafe_set(i, j, col.get(i) / norm);
        }
      }
      if (isDiagonalIn(q, a) && isDiagonalIn(q, gamma)) {
        return q;
      }
    }
    throw new IllegalArgumentException(
        "Cannot solve L2: no common eigenbasis of A and Γ found (nearly degenerate A + cΓ)");
  }

  private static boolean isDiagonalIn(DMatrixRMaj q, DMatrixRMaj m) {
    final int n = q.numRows;
    final DMatrixRMaj tmp = new DMatrixRMaj(n, n);
    final DMatrixRMaj rot = new DMatrixRMaj(n, n);
    CommonOps_DDRM.multTransA(q, m, tmp);
    CommonOps_DDRM.mult(tmp, q, rot);
    final double scale = Math.max(CommonOps_DDRM.elementMaxAbs(m), Double.MIN_NORMAL);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j && !(Math.abs(rot.get(i, j)) <= COMMUTE_TOL * n * scale)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Q X Qᵀ, symmetrised. */
  private static DMatrixRMaj rotateBack(DMatrixRMaj q, DMatrixRMaj x) {
    final int n = q.numRows;
    final DMatrixRMaj tmp = new DMatrixRMaj(n, n);
    final DMatrixRMaj out = new DMatrixRMaj(n, n);
    CommonOps_DDRM.mult(q, x, tmp);
    CommonOps_DDRM.multTransB(tmp, q, out);
    Matrices.symmetrize(out);
    return out;
  }

  /**
   * The spectral-path inputs: {@link #checkSpectrum}, u finite and of the same length, and the
   * scalar step.
   */
  private static void checkSpectral(double[] a, double[] gam, double[] u, double lr, int batch,
      double momentum) {
    checkSpectrum(a, gam);
    if (u.length != a.length) {
      throw new IllegalArgumentException("Cannot compute L2 theory: u must have length "
          + a.length + ": " + u.length);
    }
    Checks.finite(COMPUTE, "u", u);
    Checks.step(COMPUTE, lr, batch, momentum);
  }

  /** a: eigenvalues of A (positive, finite); gam: of Γ (finite), same length. */
  private static void checkSpectrum(double[] a, double[] gam) {
    if (a.length == 0 || gam.length != a.length) {
      throw new IllegalArgumentException("Cannot compute L2 theory: the spectra of A and Γ must"
          + " have one non-zero length: " + a.length + ", " + gam.length);
    }
    for (int i = 0; i < a.length; i++) {
      if (!(a[i] > 0) || a[i] == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "Cannot compute L2 theory: an eigenvalue of A is not positive and finite: " + a[i]);
      }
      if (!Double.isFinite(gam[i])) {
        throw new IllegalArgumentException(
            "Cannot compute L2 theory: an eigenvalue of Γ is not finite: " + gam[i]);
      }
    }
  }
}
