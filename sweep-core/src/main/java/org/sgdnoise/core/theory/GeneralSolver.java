package org.sgdnoise.core.theory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.sgdnoise.core.theory.Matrices.Eigen;

/**
 * The general solver of Theorem 1 (eq. 3) of Ziyin et al., "Strength of Minibatch Noise in SGD"
 * (ICLR 2022), as rebuilt in {@code shared/theory/linear-regression.md} §2:
 *
 * <pre>
 *   (1−μ)(ΛHΣ + ΣHΛ) − c₁ ΛHΣHΛ + c₂ (ΛHΛHΣ + ΣHΛHΛ) = Λ C(Σ) Λ,
 *   c₁ = (1+μ²)/(1−μ²),  c₂ = μ/(1−μ²),  C(Σ) = 𝒩(Σ) + C₀  (𝒩 linear, a {@link NoiseModel}),
 * </pre>
 *
 * for any symmetric Hessian H, any symmetric positive definite learning-rate matrix Λ (it need
 * not commute with H; the sheet's erratum 7) and any momentum μ ∈ [0, 1).
 *
 * <p><b>Eigenbasis reduction (exact).</b> Let B = Λ^½HΛ^½ = Q diag(d) Qᵀ and V = Λ^½Q. Then
 * VVᵀ = Λ, ΛHV = V diag(d) and VᵀHV = diag(d). Writing Σ = VXVᵀ, every term on the left of eq. 3
 * becomes V(·)Vᵀ of an element-wise product: ΛHΣ = V diag(d) X Vᵀ, ΛHΣHΛ = V diag(d) X diag(d)
 * Vᵀ, ΛHΛHΣ = V diag(d)² X Vᵀ, and the right side is ΛCΛ = V (VᵀCV) Vᵀ. As V is invertible,
 * eq. 3 is equivalent to
 *
 * <pre>
 *   L ∘ X = 𝒩'(X) + C₀',   Lᵢⱼ = (1−μ)(dᵢ+dⱼ) − c₁dᵢdⱼ + c₂(dᵢ²+dⱼ²),
 *   𝒩'(X) = Vᵀ𝒩(VXVᵀ)V,   C₀' = VᵀC₀V.
 * </pre>
 *
 * For the Gaussian model 𝒩(Σ) = (1/S)(NΣN + Tr[NΣ]N) this is 𝒩'(X) = (1/S)(N'XN' + Tr[N'X]N')
 * with N' = VᵀNV; for the empirical model the rows are mapped to x' = Vᵀx. One symmetric
 * eigendecomposition, O(D³).
 *
 * <p><b>Three ways to solve the reduced equation</b> (all return Σ and C in the original basis):
 *
 * <ul>
 *   <li><i>diagonal</i>: a Gaussian model whose N is a multiple of H (label noise, input noise:
 *       N = H) has N' = r·diag(d) exactly. Off-diagonal entries are then decoupled, Xᵢⱼ =
 *       C₀'ᵢⱼ/(Lᵢⱼ − n'ᵢn'ⱼ/S), and the diagonal is element-wise plus the rank-one trace coupling,
 *       solved exactly (Sherman–Morrison): gᵢ = Lᵢᵢ − n'ᵢ²/S, T = Tr[N'X] = (Σ n'ᵢC₀'ᵢᵢ/gᵢ)/(1 −
 *       Σ n'ᵢ²/(S gᵢ)), Xᵢᵢ = (C₀'ᵢᵢ + n'ᵢT/S)/gᵢ. O(D²) after the reduction.
 *   <li><i>direct</i> (D² ≤ {@value #DIRECT_MAX_UNKNOWNS}, or on request): the matrix of 𝒩' on
 *       the D(D+1)/2 entries Xᵢⱼ (i ≤ j) is built column by column and (diag(L) − 𝒩') x = C₀'
 *       is solved by LU.
 *   <li><i>iterative</i>: GMRES on (I − 𝒩'∘𝓛⁻¹) Y = C₀', X = Y ∘ (1/L), i.e. right-preconditioned
 *       by the element-wise inverse of the deterministic operator, so GMRES minimises the true
 *       residual of the reduced equation. Matrix-free: one application of 𝒩' (O(D³) for the
 *       Gaussian model, O(N·D²) for the empirical one) per iteration; restarted when the Krylov
 *       basis would exceed a memory cap.
 * </ul>
 *
 * <p><b>Divergence (exact criterion).</b> The second moments of the state z = (δ, m) of Definition
 * 2 evolve by a linear map 𝓜 = 𝓜₀ + 𝓔, 𝓜₀ the noise-free part and 𝓔(Z) = E₁𝒩(Z_δδ)E₁ᵀ (E₁ =
 * [−Λ; I]) the multiplicative noise, a positive map. A finite stationary second moment exists iff
 * ρ(𝓜) &lt; 1 (§8a). As both parts are positive maps, ρ(𝓜) &lt; 1 iff ρ(𝓜₀) &lt; 1 and the
 * spectral radius of (I − 𝓜₀)⁻¹𝓔 is below 1 (regular splitting). The first is the deterministic
 * stability of every mode, 0 &lt; dᵢ &lt; 2(1+μ), which makes every Lᵢⱼ positive; the second,
 * restricted to its δδ block (the only block the noise reads), is the map
 *
 * <pre>
 *   K(X) = 𝓛⁻¹(𝒩'(X)) = 𝒩'(X) ∘ (1/L),   stable iff ρ(K) &lt; 1,
 * </pre>
 *
 * a positive map on PSD matrices, so ρ(K) is an eigenvalue with a PSD eigenvector
 * (Krein–Rutman). It is computed exactly on the diagonal path (largest eigenvalue of
 * diag(αᵢ) + rank one, αᵢ = n'ᵢ²/(S Lᵢᵢ): the root of Σ αᵢ/(ρ − αᵢ) = 1 above max αᵢ, together
 * with the decoupled off-diagonal modes n'ᵢn'ⱼ/(S Lᵢⱼ)), by a dense eigen-solve on the direct
 * path and by restarted Arnoldi (its largest real Ritz value, to a relative residual of
 * {@value #RHO_TOL}) on the iterative path, started from a positive definite matrix so that the
 * Perron eigenvector is represented. GeneralSolverTest checks the criterion against ρ(𝓜) of the
 * augmented (δ, m) chain.
 *
 * <p><b>Flat directions.</b> Modes with dᵢ = 0 (to {@value #FLAT_TOL} relative), e.g. an
 * unregularised finite data set with N &lt; D, have no restoring force: Lᵢⱼ = 0 when both i and j
 * are flat. A stationary state exists only if the noise has no component along them (otherwise
 * they random-walk); then the flat block of X is whatever the initial condition left there, and
 * it is set to 0 (Σ lives on the dynamic subspace). Noise along a flat direction, checked on C₀'
 * and on 𝒩' of the identity of the non-flat block (exact for a positive map), means divergence.
 *
 * <p><b>Residual.</b> {@link Solution#relativeResidual()} is ‖lhs − ΛC(Σ)Λ‖_F / ‖ΛC(Σ)Λ‖_F of
 * eq. 3 evaluated in the original basis with the returned Σ, independently of the reduction.
 *
 * <p><b>Cost.</b> One symmetric eigendecomposition (EJML's QR algorithm; for a diagonal Λ only
 * that of Λ^½HΛ^½) plus a few dense products, done by a blocked kernel that splits rows over the
 * common fork-join pool and computes only half of every product known to be symmetric: N' and
 * C₀' (1.5 products each, skipped on the diagonal path), 1.5 per Krylov step, 1.5 (0.5 for a
 * diagonal X) to expand Σ, and 2.5–5 for C(Σ) and the residual (2.5 when Λ is diagonal and the
 * noise Gaussian with H − N diagonal, e.g. label noise or L2 with a diagonal Γ: then NΣN comes
 * from HΣ and HΣH). Krylov bases are capped at {@value #KRYLOV_BYTES} bytes. {@link
 * #criticalScale} needs one spectral radius per root-finding step, so on the iterative path it
 * costs tens of solves.
 */
public final class GeneralSolver {

  /**
   * AUTO uses the direct solve when D² is at most this (D ≤ 8). Beyond it the iterative path is
   * faster, mostly for {@link #criticalScale}, which needs a dense eigen-solve of the
   * D(D+1)/2-square matrix at every root-finding step on the direct path (measured: D = 10, N =
   * 2000 empirical model, 73 ms direct vs 35 ms iterative; D = 20, 1.1 s vs 45 ms).
   */
  static final int DIRECT_MAX_UNKNOWNS = 64;

  /** Relative asymmetry of H, Λ, N or C₀ that is rejected. */
  private static final double SYMMETRY_TOL = 1e-10;
  /** |dᵢ| at most this times max|d| counts as a flat direction of Λ^½HΛ^½. */
  static final double FLAT_TOL = 1e-10;
  /** Noise along flat directions above this (relative) means a random walk, i.e. divergence. */
  private static final double FLAT_NOISE_TOL = 1e-9;
  /** N counts as r·H (and C₀ as r'·N) when they agree to this, relative to the max entry. */
  private static final double PROPORTIONAL_TOL = 1e-13;
  /** GMRES stops when the reduced residual is below this relative to ‖C₀'‖_F. */
  private static final double GMRES_TOL = 1e-13;
  /** Arnoldi stops when the Ritz residual of the Perron value is below this relative. */
  private static final double RHO_TOL = 1e-10;
  /** C₀' must exceed this fraction of its mean eigenvalue to seed the spectral-radius search. */
  private static final double SEED_MARGIN = 1e-3;
  /** An Arnoldi vector this small relative to its image spans an invariant subspace. */
  private static final double BREAKDOWN_TOL = 1e-14;
  /** Restart cycles of GMRES and of the spectral-radius Arnoldi. */
  private static final int MAX_RESTARTS = 40;
  /** Memory for Krylov bases (bytes): the dimension cap is this over 8D². */
  private static final double KRYLOV_BYTES = 3.2e8;
  /** Largest Krylov dimension per cycle. */
  private static final int MAX_KRYLOV = 60;
  /** A GMRES restart cycle that does not shrink the residual by this factor ends the solve. */
  private static final double STAGNATION = 0.99;
  /** Relative bracket width at which criticalScale stops on the exact paths. */
  private static final double CRITICAL_TOL_EXACT = 1e-14;
  /** Relative bracket width at which criticalScale stops on the iterative path. */
  private static final double CRITICAL_TOL_ITERATIVE = 1e-10;
  /** Relative imaginary part below which a Ritz value counts as real. */
  private static final double REAL_TOL = 1e-9;

  private GeneralSolver() {}

  /**
   * A noise covariance C(Σ) = 𝒩(Σ) + C₀ with 𝒩 linear and positive (PSD to PSD).
   *
   * <p>Implementations are immutable; the solver never modifies what {@link #constant()}
   * returns.
   */
  public interface NoiseModel {
    /** The dimension D of Σ. */
    int dim();

    /**
     * Writes 𝒩(Σ) to {@code out}.
     *
     * @param sigma symmetric D×D. Not modified.
     * @param out D×D. Modified.
     */
    void applyLinear(DMatrixRMaj sigma, DMatrixRMaj out);

    /** C₀, symmetric PSD D×D. Not to be modified by callers. */
    DMatrixRMaj constant();

    /**
     * The same model in the basis V: X ↦ Vᵀ𝒩(VXVᵀ)V with constant VᵀC₀V. The default wraps
     * this model (four extra matrix products per application); the built-in models transform
     * their own parameters instead.
     *
     * @param v invertible D×D. Not modified.
     */
    default NoiseModel inBasis(DMatrixRMaj v) {
      return new Transformed(this, v.copy(), congruence(v, constant()));
    }
  }

  /**
   * The stationary solution of eq. 3 or its absence.
   *
   * @param sigma Σ in the original basis, or {@code null} when it diverges
   * @param noise C(Σ) in the original basis, or {@code null} when it diverges
   * @param diverges no finite stationary second moment exists
   * @param relativeResidual ‖lhs − ΛC(Σ)Λ‖_F / ‖ΛC(Σ)Λ‖_F of eq. 3 in the original basis (0 when
   *     both vanish), NaN when it diverges
   * @param iterations applications of the reduced noise operator 𝒩' (Krylov steps, or columns of
   *     the direct matrix); 0 on the diagonal path
   * @param spectralRadius ρ(K) of K(X) = 𝓛⁻¹(𝒩'(X)); NaN when the deterministic part is
   *     already unstable (K is then undefined) or the noise drives a flat direction
   */
  public record Solution(DMatrixRMaj sigma, DMatrixRMaj noise, boolean diverges,
      double relativeResidual, int iterations, double spectralRadius) {}

  /** How to solve the reduced equation (tests force a path; users take AUTO). */
  enum Method {
    /** Diagonal path when it applies, else direct for D² ≤ 64, else iterative. */
    AUTO,
    /** Dense solve on the D(D+1)/2 unknowns. */
    DIRECT,
    /** Matrix-free GMRES and Arnoldi. */
    ITERATIVE
  }

  // ------------------------------------------------------------------------------ noise models

  /**
   * The Gaussian-input noise model 𝒩(Σ) = (1/S)(NΣN + Tr[NΣ]N), constant C₀ (Lemma 1 with N = A,
   * C₀ = σ²A/S; Proposition 9 with N = K; Proposition 3 with N = A, C₀ = (1/S)((vᵀAv)A + Avvᵀ
   * A)).
   *
   * @param n symmetric PSD D×D, the covariance of the inputs that enter the Hessian. Copied.
   * @param batch minibatch size S ≥ 1
   * @param c0 symmetric PSD D×D. Copied.
   */
  public static NoiseModel gaussian(DMatrixRMaj n, int batch, DMatrixRMaj c0) {
    requireSymmetric("N", n);
    requireSymmetric("C₀", c0);
    if (c0.numRows != n.numRows) {
      throw new IllegalArgumentException("Cannot build the Gaussian noise model: C₀ must be "
          + n.numRows + "x" + n.numRows + ": " + c0.numRows + "x" + c0.numCols);
    }
    if (batch < 1) {
      throw new IllegalArgumentException(
          "Cannot build the Gaussian noise model: batch must be at least 1: " + batch);
    }
    return new Gaussian(n.copy(), batch, c0.copy(), null);
  }

  /**
   * {@link #gaussian(DMatrixRMaj, int, DMatrixRMaj)} with C₀ = αN + wwᵀ given in that factored
   * form (Proposition 3: α = vᵀAv/S, w = Av/√S), so that the change of basis costs O(D²) for C₀
   * instead of two D³ products.
   *
   * @param n symmetric PSD D×D. Copied.
   * @param alpha α ≥ 0
   * @param w length D. Copied.
   */
  public static NoiseModel gaussian(DMatrixRMaj n, int batch, double alpha, double[] w) {
    if (w.length != n.numRows) {
      throw new IllegalArgumentException("Cannot build the Gaussian noise model: w must have "
          + n.numRows + " entries: " + w.length);
    }
    if (!(alpha >= 0 && alpha < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          "Cannot build the Gaussian noise model: α must be finite and >= 0: " + alpha);
    }
    final NoiseModel dense = gaussian(n, batch, LowRank.dense(n, alpha, w));
    return new Gaussian(((Gaussian) dense).n, batch, dense.constant(),
        new LowRank(alpha, w.clone()));
  }

  /** C₀ = αN + wwᵀ. */
  private record LowRank(double alpha, double[] w) {
    static DMatrixRMaj dense(DMatrixRMaj n, double alpha, double[] w) {
      final int d = w.length;
      final DMatrixRMaj c0 = new DMatrixRMaj(d, d);
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          c0.data[i * d + j] = alpha * n.data[i * d + j] + w[i] * w[j];
        }
      }
      Matrices.symmetrize(c0);
      return c0;
    }

    /** The same in the basis V: αVᵀNV + (Vᵀw)(Vᵀw)ᵀ, given VᵀNV. */
    LowRank inBasis(DMatrixRMaj v) {
      final int rows = v.numRows;
      final int cols = v.numCols;
      final double[] vw = new double[cols];
      for (int l = 0; l < rows; l++) {
        final double wl = w[l];
        for (int j = 0; j < cols; j++) {
          vw[j] += v.data[l * cols + j] * wl;
        }
      }
      return new LowRank(alpha, vw);
    }
  }

  /**
   * The empirical (finite data set, Proposition 8) noise model:
   *
   * <pre>
   *   𝒩(Σ) = f · [ (1/N) Σᵢ xᵢxᵢᵀ (xᵢᵀΣxᵢ) − ÂΣÂ ],   Â = (1/N) Σᵢ xᵢxᵢᵀ,
   *   C₀   = f · [ (1/N) Σᵢ rᵢ² xᵢxᵢᵀ − m mᵀ ] + c0,   m = (1/N) Σᵢ rᵢxᵢ,
   * </pre>
   *
   * i.e. f times the covariance over the data of the per-sample gradient deviation
   * (xᵢxᵢᵀ − Â)δ + xᵢrᵢ at w* + δ, averaged over δ with E δ = 0 and E δδᵀ = Σ (the cross term is
   * linear in δ and vanishes). With f = 1/S (with replacement) or (N−S)/(S(N−1)) (without) this
   * is Proposition 8. One application costs O(N·D²); no D⁴ object is formed.
   *
   * @param xs the rows xᵢ, row-major N×D. Copied.
   * @param residuals rᵢ = xᵢᵀw* − yᵢ, length N. Not modified.
   * @param factor f ≥ 0
   * @param c0 symmetric D×D added to the constant (zero for plain or ridge regression). Copied.
   */
  public static NoiseModel empirical(double[] xs, int rows, int dim, double[] residuals,
      double factor, DMatrixRMaj c0) {
    if (rows < 1 || dim < 1 || xs.length != (long) rows * dim) {
      throw new IllegalArgumentException("Cannot build the empirical noise model: need rows*dim"
          + " inputs with rows, dim >= 1: rows=" + rows + " dim=" + dim + " length=" + xs.length);
    }
    if (residuals.length != rows) {
      throw new IllegalArgumentException("Cannot build the empirical noise model: need one"
          + " residual per row (" + rows + "): " + residuals.length);
    }
    if (!(factor >= 0 && factor < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          "Cannot build the empirical noise model: factor must be finite and >= 0: " + factor);
    }
    requireSymmetric("C₀", c0);
    if (c0.numRows != dim) {
      throw new IllegalArgumentException("Cannot build the empirical noise model: C₀ must be "
          + dim + "x" + dim + ": " + c0.numRows + "x" + c0.numCols);
    }
    final DMatrixRMaj x = new DMatrixRMaj(rows, dim, true, xs.clone());
    // Step 1: the constant f[(1/N) Σ rᵢ²xᵢxᵢᵀ − m mᵀ] + c0, from rows scaled by rᵢ.
    final DMatrixRMaj xr = x.copy();
    final double[] m = new double[dim];
    for (int i = 0; i < rows; i++) {
      final double r = residuals[i];
      for (int j = 0; j < dim; j++) {
        xr.data[i * dim + j] *= r;
        m[j] += xr.data[i * dim + j] / rows;
      }
    }
    final DMatrixRMaj constant = new DMatrixRMaj(dim, dim);
    multTransA(xr, xr, constant);
    CommonOps_DDRM.scale(1.0 / rows, constant);
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        constant.data[i * dim + j] -= m[i] * m[j];
      }
    }
    CommonOps_DDRM.scale(factor, constant);
    CommonOps_DDRM.addEquals(constant, c0);
    Matrices.symmetrize(constant);
    return Empirical.of(x, factor, constant);
  }

  /** 𝒩(Σ) = (1/S)(NΣN + Tr[NΣ]N); {@code lowRank}, when not null, is C₀ factored. */
  private record Gaussian(DMatrixRMaj n, int batch, DMatrixRMaj c0, LowRank lowRank)
      implements NoiseModel {
    @Override
    public int dim() {
      return n.numRows;
    }

    @Override
    public void applyLinear(DMatrixRMaj sigma, DMatrixRMaj out) {
      sandwich(n, sigma, out);
      final double trace = dot(n.data, sigma.data);
      final double inv = 1.0 / batch;
      final double[] o = out.data;
      for (int i = 0; i < o.length; i++) {
        o[i] = inv * (o[i] + trace * n.data[i]);
      }
      Matrices.symmetrize(out);
    }

    @Override
    public DMatrixRMaj constant() {
      return c0;
    }

    @Override
    public NoiseModel inBasis(DMatrixRMaj v) {
      return inBasis(v, congruence(v, n));
    }

    /** {@link #inBasis(DMatrixRMaj)} given N' = VᵀNV. */
    NoiseModel inBasis(DMatrixRMaj v, DMatrixRMaj nv) {
      if (lowRank == null) {
        return new Gaussian(nv, batch, congruence(v, c0), null);
      }
      final LowRank lv = lowRank.inBasis(v);
      return new Gaussian(nv, batch, LowRank.dense(nv, lv.alpha(), lv.w()), lv);
    }
  }

  /**
   * The Gaussian model in the reduced basis when N' = diag(nd) exactly (N a multiple of H).
   */
  private record DiagonalGaussian(double[] nd, int batch, DMatrixRMaj c0) implements NoiseModel {
    @Override
    public int dim() {
      return nd.length;
    }

    @Override
    public void applyLinear(DMatrixRMaj x, DMatrixRMaj out) {
      final int n = nd.length;
      double trace = 0;
      for (int i = 0; i < n; i++) {
        trace += nd[i] * x.data[i * n + i];
      }
      final double inv = 1.0 / batch;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          out.data[i * n + j] = inv * nd[i] * nd[j] * x.data[i * n + j];
        }
        out.data[i * n + i] += inv * trace * nd[i];
      }
    }

    @Override
    public DMatrixRMaj constant() {
      return c0;
    }
  }

  /** The empirical model; {@code x} N×D, its transpose, Â = XᵀX/N. */
  private record Empirical(DMatrixRMaj x, double[] xt, DMatrixRMaj ahat, double factor,
      DMatrixRMaj c0) implements NoiseModel {
    static Empirical of(DMatrixRMaj x, double factor, DMatrixRMaj c0) {
      final int rows = x.numRows;
      final int dim = x.numCols;
      final double[] xt = Products.transpose(x.data, rows, dim);
      final DMatrixRMaj ahat = new DMatrixRMaj(dim, dim);
      Products.abt(xt, xt, ahat.data, dim, dim, rows, true);
      CommonOps_DDRM.scale(1.0 / rows, ahat);
      return new Empirical(x, xt, ahat, factor, c0);
    }

    @Override
    public int dim() {
      return x.numCols;
    }

    @Override
    public void applyLinear(DMatrixRMaj sigma, DMatrixRMaj out) {
      final int rows = x.numRows;
      final int dim = x.numCols;
      // Step 1: qᵢ = xᵢᵀΣxᵢ from XΣ (N·D²).
      final double[] xs = new double[rows * dim];
      Products.abt(x.data, sigma.data, xs, rows, dim, dim, false);
      final double[] q = new double[rows];
      for (int i = 0; i < rows; i++) {
        double v = 0;
        for (int j = 0; j < dim; j++) {
          v += xs[i * dim + j] * x.data[i * dim + j];
        }
        q[i] = v / rows;
      }
      // Step 2: (1/N) Σ qᵢ xᵢxᵢᵀ = Xᵀ diag(q/N) X from the columns of X.
      final double[] xtq = xt.clone();
      for (int j = 0; j < dim; j++) {
        for (int i = 0; i < rows; i++) {
          xtq[j * rows + i] *= q[i];
        }
      }
      Products.abt(xtq, xt, out.data, dim, dim, rows, true);
      // Step 3: − ÂΣÂ, through the data when N < D (O(N·D²) rather than O(D³)).
      final DMatrixRMaj asa;
      if (rows < dim) {
        final DMatrixRMaj g = new DMatrixRMaj(rows, rows);
        Products.abt(xs, x.data, g.data, rows, rows, dim, true);
        asa = congruence(x, g);
        CommonOps_DDRM.scale(1.0 / ((double) rows * rows), asa);
      } else {
        asa = new DMatrixRMaj(dim, dim);
        sandwich(ahat, sigma, asa);
      }
      final double[] o = out.data;
      for (int i = 0; i < o.length; i++) {
        o[i] = factor * (o[i] - asa.data[i]);
      }
    }

    @Override
    public DMatrixRMaj constant() {
      return c0;
    }

    @Override
    public NoiseModel inBasis(DMatrixRMaj v) {
      final DMatrixRMaj xv = new DMatrixRMaj(x.numRows, x.numCols);
      mult(x, v, xv);
      return Empirical.of(xv, factor, congruence(v, c0));
    }
  }

  /** Any model seen in the basis V, by wrapping (the interface's default). */
  private record Transformed(NoiseModel base, DMatrixRMaj v, DMatrixRMaj c0)
      implements NoiseModel {
    @Override
    public int dim() {
      return base.dim();
    }

    @Override
    public void applyLinear(DMatrixRMaj x, DMatrixRMaj out) {
      final int n = v.numRows;
      final DMatrixRMaj s = expand(v, x);
      final DMatrixRMaj ns = new DMatrixRMaj(n, n);
      base.applyLinear(s, ns);
      final DMatrixRMaj c = congruence(v, ns);
      System.arraycopy(c.data, 0, out.data, 0, c.data.length);
    }

    @Override
    public DMatrixRMaj constant() {
      return c0;
    }
  }

  // ------------------------------------------------------------------------------ public API

  /**
   * Solves eq. 3 for Σ (the method is chosen automatically).
   *
   * @param h symmetric D×D Hessian. Not modified.
   * @param lambda symmetric positive definite D×D learning-rate matrix. Not modified.
   * @param momentum μ ∈ [0, 1)
   * @param noise the noise model, of dimension D
   */
  public static Solution solve(DMatrixRMaj h, DMatrixRMaj lambda, double momentum,
      NoiseModel noise) {
    return solve(h, lambda, momentum, noise, Method.AUTO);
  }

  /** {@link #solve(DMatrixRMaj, DMatrixRMaj, double, NoiseModel)} by a given method. */
  static Solution solve(DMatrixRMaj h, DMatrixRMaj lambda, double momentum, NoiseModel noise,
      Method method) {
    validate(h, lambda, momentum, noise);
    return solve(Reduction.of(h, lambda), h, lambda, momentum, noise, method);
  }

  /** The solve for a reduction the caller already has (FiniteDataTheory needs it for w*). */
  static Solution solve(Reduction r, DMatrixRMaj h, DMatrixRMaj lambda, double momentum,
      NoiseModel noise, Method method) {
    final Reduced p = Reduced.of(r, h, momentum, noise, method);
    final Scaled s = p.at(1.0);
    if (!s.stable) {
      return new Solution(null, null, true, Double.NaN, 0, Double.NaN);
    }
    if (p.flatNoise()) {
      return new Solution(null, null, true, Double.NaN, 0, Double.NaN);
    }
    final Reduced.Outcome out = p.solve(s);
    if (out.x == null) {
      return new Solution(null, null, true, Double.NaN, out.applies, out.rho);
    }
    // Back to the original basis: Σ = V X Vᵀ, then C(Σ) and the residual of eq. 3 there.
    final DMatrixRMaj sigma = expand(r.v, out.x);
    final Check check = check(h, lambda, r.diagonalLambda, momentum, sigma, noise);
    return new Solution(sigma, check.noise, false, check.residual, out.applies, out.rho);
  }

  /**
   * The critical scale of a learning-rate matrix: Λ = cΛ₀ has a stationary second moment iff
   * 0 &lt; c &lt; the result. Λ₀ is reduced once (V scales as √c, so d → c·d, 𝒩' → c²𝒩'), and
   * ρ(K(c)) = 1 is solved by Brent's method (bisection-safeguarded) on (0, 2(1+μ)/max d). The
   * stable set is taken to be an interval starting at 0, as it is for every model of the sheet.
   * Returns 0 when no positive scale is stable (H not PSD, or noise along a flat direction).
   *
   * @param h symmetric D×D Hessian. Not modified.
   * @param lambda0 symmetric positive definite D×D. Not modified.
   */
  public static double criticalScale(DMatrixRMaj h, DMatrixRMaj lambda0, double momentum,
      NoiseModel noise) {
    validate(h, lambda0, momentum, noise);
    return criticalScale(Reduction.of(h, lambda0), h, momentum, noise, Method.AUTO);
  }

  /** {@link #criticalScale(DMatrixRMaj, DMatrixRMaj, double, NoiseModel)} by a given method. */
  static double criticalScale(DMatrixRMaj h, DMatrixRMaj lambda0, double momentum,
      NoiseModel noise, Method method) {
    validate(h, lambda0, momentum, noise);
    return criticalScale(Reduction.of(h, lambda0), h, momentum, noise, method);
  }

  static double criticalScale(Reduction r, DMatrixRMaj h, double momentum, NoiseModel noise,
      Method method) {
    final Reduced p = Reduced.of(r, h, momentum, noise, method);
    double dMax = 0;
    for (double v : r.d) {
      dMax = Math.max(dMax, v);
    }
    if (p.negativeMode || p.flatNoise()) {
      return 0;
    }
    if (!(dMax > 0)) {
      // Every mode is flat and carries no noise: nothing ever moves.
      return Double.POSITIVE_INFINITY;
    }
    final double hi = 2 * (1 + momentum) / dMax;
    final double tol = p.diagonalPath || p.directPath ? CRITICAL_TOL_EXACT
        : CRITICAL_TOL_ITERATIVE;
    return brent(c -> {
      if (c <= 0) {
        return -1;
      }
      final Scaled s = p.at(c);
      return s.stable ? p.spectralRadius(s) - 1 : 1;
    }, 0, hi, tol);
  }

  // ------------------------------------------------------------------------------ reduction

  /** B = Λ^½HΛ^½ = Q diag(d) Qᵀ and V = Λ^½Q. */
  record Reduction(double[] d, DMatrixRMaj v, boolean diagonalLambda) {
    static Reduction of(DMatrixRMaj h, DMatrixRMaj lambda) {
      final int n = h.numRows;
      final boolean diagonal = isDiagonal(lambda);
      final DMatrixRMaj root;
      if (diagonal) {
        root = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
          final double l = lambda.get(i, i);
          if (!(l > 0)) {
            throw new IllegalArgumentException("Cannot reduce Theorem 1: the learning-rate"
                + " matrix is not positive definite: diagonal entry " + l);
          }
          root.set(i, i, Math.sqrt(l));
        }
      } else {
        final Eigen el = symmetricEigen(lambda);
        for (double l : el.values()) {
          if (!(l > 0)) {
            throw new IllegalArgumentException("Cannot reduce Theorem 1: the learning-rate"
                + " matrix is not positive definite: eigenvalue " + l);
          }
        }
        final DMatrixRMaj us = el.vectors().copy();
        for (int j = 0; j < n; j++) {
          final double s = Math.sqrt(el.values()[j]);
          for (int i = 0; i < n; i++) {
            us.data[i * n + j] *= s;
          }
        }
        root = new DMatrixRMaj(n, n);
        multTransB(us, el.vectors(), root);
        Matrices.symmetrize(root);
      }
      final DMatrixRMaj b;
      if (diagonal) {
        b = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            b.data[i * n + j] = root.data[i * n + i] * h.data[i * n + j] * root.data[j * n + j];
          }
        }
      } else {
        b = congruence(root, h);
      }
      final Eigen eb = symmetricEigen(b);
      final DMatrixRMaj v = new DMatrixRMaj(n, n);
      if (diagonal) {
        for (int i = 0; i < n; i++) {
          final double s = root.get(i, i);
          for (int j = 0; j < n; j++) {
            v.data[i * n + j] = s * eb.vectors().data[i * n + j];
          }
        }
      } else {
        mult(root, eb.vectors(), v);
      }
      return new Reduction(eb.values(), v, diagonal);
    }
  }

  /** The reduced problem of one reduction (scale 1 = the reduction's own Λ). */
  private static final class Reduced {
    final int dim;
    final double[] d;
    final double momentum;
    final boolean[] flat;
    final boolean anyFlat;
    /** Some non-flat mode has dᵢ &lt; 0: unstable at every scale. */
    final boolean negativeMode;
    /** 𝒩' at scale 1 (reduced basis). */
    final NoiseModel noise;
    /** C₀' at scale 1. */
    final DMatrixRMaj c0;
    final boolean diagonalPath;
    final boolean directPath;
    /** The D(D+1)/2 (minus flat pairs) matrix of 𝒩' at scale 1, built on demand. */
    DMatrixRMaj dense;
    int[] pairI;
    int[] pairJ;
    /** Perron vector of the last spectral-radius search (warm start for criticalScale). */
    double[] lastPerron;

    private Reduced(Reduction r, double momentum, NoiseModel noise, DMatrixRMaj c0,
        boolean diagonalPath, boolean directPath) {
      this.dim = r.d.length;
      this.d = r.d;
      this.momentum = momentum;
      this.noise = noise;
      this.c0 = c0;
      this.diagonalPath = diagonalPath;
      this.directPath = directPath;
      double dMax = 0;
      for (double v : d) {
        dMax = Math.max(dMax, Math.abs(v));
      }
      flat = new boolean[dim];
      boolean any = false;
      boolean negative = false;
      for (int i = 0; i < dim; i++) {
        flat[i] = Math.abs(d[i]) <= FLAT_TOL * dMax;
        any |= flat[i];
        negative |= !flat[i] && !(d[i] > 0);
      }
      anyFlat = any;
      negativeMode = negative;
    }

    static Reduced of(Reduction r, DMatrixRMaj h, double momentum, NoiseModel noise,
        Method method) {
      final int n = r.d.length;
      if (method == Method.AUTO && noise instanceof Gaussian g) {
        final double ratio = proportion(g.n, h);
        if (!Double.isNaN(ratio)) {
          // N = rH, so N' = VᵀNV = r·diag(d); C₀' = r'·N' when C₀ = r'N, else by congruence.
          final double[] nd = new double[n];
          for (int i = 0; i < n; i++) {
            nd[i] = ratio * r.d[i];
          }
          final double ratio0 = proportion(g.c0, g.n);
          final DMatrixRMaj c0;
          if (!Double.isNaN(ratio0)) {
            c0 = new DMatrixRMaj(n, n);
            for (int i = 0; i < n; i++) {
              c0.set(i, i, ratio0 * nd[i]);
            }
          } else {
            c0 = congruence(r.v, g.c0);
          }
          return new Reduced(r, momentum, new DiagonalGaussian(nd, g.batch, c0), c0, true,
              false);
        }
      }
      final double[] delta = gaussianOffset(h, noise);
      final NoiseModel reduced = delta != null
          ? ((Gaussian) noise).inBasis(r.v, reducedN(r, delta)) : noise.inBasis(r.v);
      final boolean direct = method == Method.DIRECT
          || method == Method.AUTO && (long) n * n <= DIRECT_MAX_UNKNOWNS;
      return new Reduced(r, momentum, reduced, reduced.constant(), false, direct);
    }

    /** The element-wise operator and deterministic stability at scale c (Λ = cΛ_r). */
    Scaled at(double c) {
      final int n = dim;
      final double c1 = (1 + momentum * momentum) / (1 - momentum * momentum);
      final double c2 = momentum / (1 - momentum * momentum);
      boolean stable = true;
      for (int i = 0; i < n; i++) {
        final double di = c * d[i];
        if (!flat[i] && !(di > 0 && di < 2 * (1 + momentum))) {
          stable = false;
        }
      }
      final double[] l = new double[n * n];
      final double[] lInv = new double[n * n];
      for (int i = 0; i < n; i++) {
        final double di = c * d[i];
        for (int j = 0; j < n; j++) {
          if (flat[i] && flat[j]) {
            continue;
          }
          final double dj = c * d[j];
          final double v = (1 - momentum) * (di + dj) - c1 * di * dj + c2 * (di * di + dj * dj);
          l[i * n + j] = v;
          if (!(v > 0)) {
            stable = false;
          }
          lInv[i * n + j] = 1 / v;
        }
      }
      return new Scaled(c, l, lInv, stable);
    }

    /** True when the noise drives a flat direction (no stationary state at any scale). */
    boolean flatNoise() {
      if (!anyFlat) {
        return false;
      }
      final int n = dim;
      final DMatrixRMaj j = new DMatrixRMaj(n, n);
      for (int i = 0; i < n; i++) {
        if (!flat[i]) {
          j.set(i, i, 1);
        }
      }
      final DMatrixRMaj img = new DMatrixRMaj(n, n);
      noise.applyLinear(j, img);
      double flatPart = 0;
      final double total = frobenius(c0.data) + frobenius(img.data);
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
          if (flat[i] && flat[k]) {
            flatPart += Math.abs(c0.data[i * n + k]) + Math.abs(img.data[i * n + k]);
          }
        }
      }
      return flatPart > FLAT_NOISE_TOL * total;
    }

    /** ρ(K) at a deterministically stable scale. */
    double spectralRadius(Scaled s) {
      if (diagonalPath) {
        return diagonalRho(s);
      }
      if (directPath) {
        return denseRho(s);
      }
      final KrylovOp op = new KrylovOp(this, s);
      final double[] start = identity(dim);
      if (lastPerron != null && frobenius(lastPerron) > 0) {
        // Warm start near the previous Perron vector, kept positive definite.
        final double scale = frobenius(start) / frobenius(lastPerron);
        for (int i = 0; i < start.length; i++) {
          start[i] = 0.05 * start[i] + scale * lastPerron[i];
        }
      }
      final Arnoldi a = new Arnoldi(start, krylovCap(dim));
      final Rho rho = dominant(op, a, Double.NaN);
      lastPerron = rho.vector;
      return rho.value;
    }

    /** Solves at a stable scale; x == null means ρ(K) ≥ 1. */
    Outcome solve(Scaled s) {
      if (diagonalPath) {
        return solveDiagonal(s);
      }
      if (directPath) {
        return solveDirect(s);
      }
      return solveIterative(s);
    }

    record Outcome(DMatrixRMaj x, double rho, int applies) {}

    // --------------------------------------------------------------- diagonal path

    private double diagonalRho(Scaled s) {
      final DiagonalGaussian g = (DiagonalGaussian) noise;
      final int n = dim;
      final double c2 = s.c * s.c;
      final double inv = c2 / g.batch;
      double rho = 0;
      // Off-diagonal modes are decoupled: eigenvalue c²n'ᵢn'ⱼ/(S Lᵢⱼ).
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          if (!(flat[i] && flat[j])) {
            rho = Math.max(rho, inv * g.nd[i] * g.nd[j] * s.lInv[i * n + j]);
          }
        }
      }
      // Diagonal block diag(α) + rank one, αᵢ = c²n'ᵢ²/(S Lᵢᵢ): root of Σ αᵢ/(ρ − αᵢ) = 1.
      final double[] alpha = new double[n];
      double aMax = 0;
      double aSum = 0;
      for (int i = 0; i < n; i++) {
        if (!flat[i]) {
          alpha[i] = inv * g.nd[i] * g.nd[i] * s.lInv[i * n + i];
          aMax = Math.max(aMax, alpha[i]);
          aSum += alpha[i];
        }
      }
      double perron = 0;
      if (aSum > 0) {
        double lo = aMax;
        double hi = aMax + aSum;
        for (int it = 0; it < 200 && hi - lo > 2 * Math.ulp(hi); it++) {
          final double mid = 0.5 * (lo + hi);
          double phi = 0;
          for (int i = 0; i < n; i++) {
            if (alpha[i] > 0) {
              phi += alpha[i] / (mid - alpha[i]);
            }
          }
          if (phi > 1) {
            lo = mid;
          } else {
            hi = mid;
          }
        }
        perron = 0.5 * (lo + hi);
      }
      return Math.max(rho, perron);
    }

    private Outcome solveDiagonal(Scaled s) {
      final double rho = diagonalRho(s);
      if (!(rho < 1)) {
        return new Outcome(null, rho, 0);
      }
      final DiagonalGaussian g = (DiagonalGaussian) noise;
      final int n = dim;
      final double c = s.c;
      final double inv = c * c / g.batch;
      final double[] b = c0.data;
      final DMatrixRMaj x = new DMatrixRMaj(n, n);
      // Off-diagonal: (Lᵢⱼ − c²n'ᵢn'ⱼ/S) Xᵢⱼ = c·C₀'ᵢⱼ.
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (i != j && !(flat[i] && flat[j])) {
            x.data[i * n + j] = c * b[i * n + j] / (s.l[i * n + j] - inv * g.nd[i] * g.nd[j]);
          }
        }
      }
      // Diagonal: gᵢXᵢᵢ − (c²n'ᵢ/S) T = c·C₀'ᵢᵢ with T = Σ n'ₖXₖₖ (Sherman–Morrison).
      double num = 0;
      double den = 1;
      final double[] gi = new double[n];
      for (int i = 0; i < n; i++) {
        if (flat[i]) {
          continue;
        }
        gi[i] = s.l[i * n + i] - inv * g.nd[i] * g.nd[i];
        num += g.nd[i] * c * b[i * n + i] / gi[i];
        den -= inv * g.nd[i] * g.nd[i] / gi[i];
      }
      final double trace = num / den;
      for (int i = 0; i < n; i++) {
        if (!flat[i]) {
          x.data[i * n + i] = (c * b[i * n + i] + inv * g.nd[i] * trace) / gi[i];
        }
      }
      return new Outcome(x, rho, 0);
    }

    // --------------------------------------------------------------- direct path

    private void buildDense() {
      if (dense != null) {
        return;
      }
      final int n = dim;
      final List<int[]> pairs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        for (int j = i; j < n; j++) {
          if (!(flat[i] && flat[j])) {
            pairs.add(new int[] {i, j});
          }
        }
      }
      final int m = pairs.size();
      pairI = new int[m];
      pairJ = new int[m];
      for (int p = 0; p < m; p++) {
        pairI[p] = pairs.get(p)[0];
        pairJ[p] = pairs.get(p)[1];
      }
      dense = new DMatrixRMaj(m, m);
      final DMatrixRMaj e = new DMatrixRMaj(n, n);
      final DMatrixRMaj img = new DMatrixRMaj(n, n);
      // Column q = the derivative of 𝒩'(X) by the unknown X_kl (= X_lk).
      for (int q = 0; q < m; q++) {
        e.zero();
        e.set(pairI[q], pairJ[q], 1);
        e.set(pairJ[q], pairI[q], 1);
        noise.applyLinear(e, img);
        for (int p = 0; p < m; p++) {
          dense.set(p, q, img.get(pairI[p], pairJ[p]));
        }
      }
    }

    private double denseRho(Scaled s) {
      buildDense();
      final int m = dense.numRows;
      final DMatrixRMaj k = new DMatrixRMaj(m, m);
      final double c2 = s.c * s.c;
      for (int p = 0; p < m; p++) {
        final double li = s.lInv[pairI[p] * dim + pairJ[p]];
        for (int q = 0; q < m; q++) {
          k.data[p * m + q] = c2 * li * dense.data[p * m + q];
        }
      }
      final EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m, false);
      if (!eig.decompose(k)) {
        throw new IllegalStateException(
            "Cannot compute the spectral radius: the eigen-solver did not converge: size " + m);
      }
      double rho = 0;
      for (int i = 0; i < m; i++) {
        rho = Math.max(rho, eig.getEigenvalue(i).getMagnitude());
      }
      return rho;
    }

    private Outcome solveDirect(Scaled s) {
      buildDense();
      final double rho = denseRho(s);
      final int m = dense.numRows;
      if (!(rho < 1)) {
        return new Outcome(null, rho, m);
      }
      final double c = s.c;
      final DMatrixRMaj op = new DMatrixRMaj(m, m);
      final DMatrixRMaj rhs = new DMatrixRMaj(m, 1);
      for (int p = 0; p < m; p++) {
        for (int q = 0; q < m; q++) {
          op.data[p * m + q] = -c * c * dense.data[p * m + q];
        }
        op.data[p * m + p] += s.l[pairI[p] * dim + pairJ[p]];
        rhs.data[p] = c * c0.get(pairI[p], pairJ[p]);
      }
      final LinearSolverDense<DMatrixRMaj> lu = LinearSolverFactory_DDRM.lu(m);
      if (!lu.setA(op)) {
        throw new IllegalStateException("Cannot solve Theorem 1: singular reduced operator");
      }
      final DMatrixRMaj sol = new DMatrixRMaj(m, 1);
      lu.solve(rhs, sol);
      final DMatrixRMaj x = new DMatrixRMaj(dim, dim);
      for (int p = 0; p < m; p++) {
        x.set(pairI[p], pairJ[p], sol.data[p]);
        x.set(pairJ[p], pairI[p], sol.data[p]);
      }
      return new Outcome(x, rho, m);
    }

    // --------------------------------------------------------------- iterative path

    private Outcome solveIterative(Scaled s) {
      final int n = dim;
      final int cap = krylovCap(n);
      final KrylovOp op = new KrylovOp(this, s);
      // Right side of (I − K')Y = c·C₀', K'(Y) = c²𝒩'(Y ∘ (1/L)).
      final double[] rhs = c0.data.clone();
      for (int i = 0; i < rhs.length; i++) {
        rhs[i] *= s.c;
      }
      final double rhsNorm = frobenius(rhs);
      // Step 1: ρ(K) by Arnoldi. When C₀' is safely positive definite its Krylov space is also
      // GMRES's first space, so one Arnoldi process serves both.
      final boolean shared = rhsNorm > 0 && positiveDefinite(c0, SEED_MARGIN);
      final Arnoldi first = new Arnoldi(shared ? rhs : identity(n), cap);
      final Rho rho = dominant(op, first, shared ? rhsNorm : Double.NaN);
      int applies = op.applies;
      if (!(rho.value < 1)) {
        return new Outcome(null, rho.value, applies);
      }
      final DMatrixRMaj x = new DMatrixRMaj(n, n);
      if (rhsNorm == 0) {
        return new Outcome(x, rho.value, applies);
      }
      // Step 2: restarted GMRES, X = Y ∘ (1/L); residual R updated by the Arnoldi relation.
      double[] r = rhs;
      double prev = Double.POSITIVE_INFINITY;
      for (int cycle = 0; cycle < MAX_RESTARTS; cycle++) {
        final Arnoldi a = cycle == 0 && shared && first.k > 0 ? first : new Arnoldi(r, cap);
        while (a.gmresResidual() > GMRES_TOL * rhsNorm && a.k < a.maxDim && !a.invariant) {
          a.step(op);
        }
        final double[] z = a.gmresCoefficients();
        final double[] y = a.combine(z, a.k);
        for (int i = 0; i < y.length; i++) {
          x.data[i] += y[i] * s.lInv[i];
        }
        r = a.gmresResidualVector(z);
        final double res = frobenius(r);
        if (res <= GMRES_TOL * rhsNorm || !(res < STAGNATION * prev)) {
          break;
        }
        prev = res;
      }
      Matrices.symmetrize(x);
      applies = op.applies;
      return new Outcome(x, rho.value, applies);
    }
  }

  /** The element-wise operator L (and 1/L, 0 on flat pairs) at scale c; stable: every mode. */
  private record Scaled(double c, double[] l, double[] lInv, boolean stable) {}

  /** K'(Y) = c²𝒩'(Y ∘ (1/L)) on D² arrays, counting applications. */
  private static final class KrylovOp {
    final Reduced p;
    final Scaled s;
    final DMatrixRMaj in;
    final DMatrixRMaj out;
    int applies;

    KrylovOp(Reduced p, Scaled s) {
      this.p = p;
      this.s = s;
      this.in = new DMatrixRMaj(p.dim, p.dim);
      this.out = new DMatrixRMaj(p.dim, p.dim);
    }

    void apply(double[] y, double[] result) {
      final double[] li = s.lInv;
      for (int i = 0; i < y.length; i++) {
        in.data[i] = y[i] * li[i];
      }
      p.noise.applyLinear(in, out);
      Matrices.symmetrize(out);
      final double c2 = s.c * s.c;
      for (int i = 0; i < y.length; i++) {
        result[i] = c2 * out.data[i];
      }
      applies++;
    }
  }

  // ------------------------------------------------------------------------------ Krylov

  /** An Arnoldi process on D² arrays with Frobenius inner product (MGS, reorthogonalised). */
  private static final class Arnoldi {
    final int maxDim;
    final double beta;
    final List<double[]> v = new ArrayList<>();
    final double[][] h;
    int k;
    boolean invariant;

    Arnoldi(double[] start, int maxDim) {
      this.maxDim = maxDim;
      this.beta = frobenius(start);
      this.h = new double[maxDim + 1][maxDim];
      final double[] v0 = start.clone();
      if (beta > 0) {
        for (int i = 0; i < v0.length; i++) {
          v0[i] /= beta;
        }
      } else {
        invariant = true;
      }
      v.add(v0);
    }

    void step(KrylovOp op) {
      final double[] w = new double[v.get(0).length];
      op.apply(v.get(k), w);
      final double before = frobenius(w);
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i <= k; i++) {
          final double[] vi = v.get(i);
          final double hi = dot(w, vi);
          h[i][k] += hi;
          for (int j = 0; j < w.length; j++) {
            w[j] -= hi * vi[j];
          }
        }
      }
      final double norm = frobenius(w);
      h[k + 1][k] = norm;
      k++;
      if (norm <= BREAKDOWN_TOL * before || norm == 0) {
        invariant = true;
        h[k][k - 1] = 0;
        return;
      }
      for (int j = 0; j < w.length; j++) {
        w[j] /= norm;
      }
      v.add(w);
    }

    /** (k+1)×k matrix Ī − H̄ of the operator I − K'. */
    private DMatrixRMaj systemMatrix() {
      final DMatrixRMaj t = new DMatrixRMaj(k + 1, k);
      for (int i = 0; i <= k; i++) {
        for (int j = 0; j < k; j++) {
          t.set(i, j, (i == j ? 1 : 0) - h[i][j]);
        }
      }
      return t;
    }

    /** z minimising ‖βe₁ − (Ī − H̄)z‖. */
    double[] gmresCoefficients() {
      if (k == 0) {
        return new double[0];
      }
      final DMatrixRMaj t = systemMatrix();
      final DMatrixRMaj rhs = new DMatrixRMaj(k + 1, 1);
      rhs.set(0, 0, beta);
      final LinearSolverDense<DMatrixRMaj> ls = LinearSolverFactory_DDRM.leastSquares(k + 1, k);
      if (!ls.setA(t)) {
        throw new IllegalStateException("Cannot solve the GMRES least-squares problem");
      }
      final DMatrixRMaj z = new DMatrixRMaj(k, 1);
      ls.solve(rhs, z);
      return z.data;
    }

    double gmresResidual() {
      if (k == 0) {
        return beta;
      }
      return frobenius(smallResidual(gmresCoefficients()));
    }

    private double[] smallResidual(double[] z) {
      final double[] res = new double[k + 1];
      res[0] = beta;
      for (int i = 0; i <= k; i++) {
        for (int j = 0; j < k; j++) {
          res[i] -= ((i == j ? 1 : 0) - h[i][j]) * z[j];
        }
      }
      return res;
    }

    /** The residual βv₀ − (I − K')V z = V_{k+1}(βe₁ − (Ī − H̄)z). */
    double[] gmresResidualVector(double[] z) {
      final double[] small = smallResidual(z);
      return combine(small, Math.min(k + 1, v.size()));
    }

    /** Σᵢ cᵢ vᵢ over the first {@code count} basis vectors. */
    double[] combine(double[] c, int count) {
      final double[] out = new double[v.get(0).length];
      for (int i = 0; i < count; i++) {
        final double[] vi = v.get(i);
        final double ci = c[i];
        for (int j = 0; j < out.length; j++) {
          out[j] += ci * vi[j];
        }
      }
      return out;
    }
  }

  /** A Perron value estimate, its Ritz vector (D² array) and whether it converged. */
  private record Rho(double value, double[] vector, boolean converged) {}

  /**
   * The dominant (Perron) eigenvalue of the positive map K' by Arnoldi from {@code a}'s start,
   * restarted from the Ritz vector. When {@code gmresTarget} is a number, the first Arnoldi
   * process also runs until its GMRES residual is below GMRES_TOL·gmresTarget (shared space).
   */
  private static Rho dominant(KrylovOp op, Arnoldi a, double gmresTarget) {
    Arnoldi cur = a;
    Rho best = new Rho(0, null, false);
    for (int cycle = 0; cycle < MAX_RESTARTS; cycle++) {
      if (cur.invariant && cur.k == 0) {
        return new Rho(0, null, true);
      }
      while (true) {
        if (!cur.invariant && cur.k < cur.maxDim) {
          cur.step(op);
        }
        best = ritz(cur);
        final boolean gmresDone = cycle > 0 || Double.isNaN(gmresTarget)
            || cur.gmresResidual() <= GMRES_TOL * gmresTarget;
        if (best.converged && gmresDone || cur.invariant || cur.k >= cur.maxDim) {
          break;
        }
      }
      if (best.converged) {
        return best;
      }
      if (best.vector == null) {
        return best;
      }
      cur = new Arnoldi(best.vector, cur.maxDim);
    }
    return best;
  }

  /** The largest real Ritz value of the Arnoldi process, its vector and residual test. */
  private static Rho ritz(Arnoldi a) {
    final int k = a.k;
    final DMatrixRMaj hk = new DMatrixRMaj(k, k);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        hk.set(i, j, a.h[i][j]);
      }
    }
    final EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k, true);
    if (!eig.decompose(hk)) {
      throw new IllegalStateException("Cannot find Ritz values: eigen-solver failed: k=" + k);
    }
    int best = -1;
    double bestValue = Double.NEGATIVE_INFINITY;
    double maxModulus = 0;
    for (int i = 0; i < k; i++) {
      final double re = eig.getEigenvalue(i).getReal();
      final double im = eig.getEigenvalue(i).getImaginary();
      maxModulus = Math.max(maxModulus, Math.hypot(re, im));
      if (Math.abs(im) <= REAL_TOL * Math.max(Math.abs(re), Double.MIN_NORMAL)
          && re > bestValue && eig.getEigenVector(i) != null) {
        best = i;
        bestValue = re;
      }
    }
    if (best < 0) {
      return new Rho(maxModulus, null, false);
    }
    final DMatrixRMaj y = eig.getEigenVector(best);
    final double yNorm = frobenius(y.data);
    final double resid = a.invariant ? 0 : Math.abs(a.h[k][k - 1] * y.data[k - 1]) / yNorm;
    final double value = Math.max(bestValue, 0);
    final boolean converged = resid <= RHO_TOL * Math.max(value, Double.MIN_NORMAL)
        && maxModulus <= value * (1 + RHO_TOL) + Double.MIN_NORMAL || a.invariant;
    final double[] vec = a.combine(y.data, k);
    // The Perron vector is PSD: fix the sign so its trace is positive.
    double trace = 0;
    final int n = (int) Math.round(Math.sqrt(vec.length));
    for (int i = 0; i < n; i++) {
      trace += vec[i * n + i];
    }
    if (trace < 0) {
      for (int i = 0; i < vec.length; i++) {
        vec[i] = -vec[i];
      }
    }
    return new Rho(value, vec, converged);
  }

  private static int krylovCap(int n) {
    final double bytes = 8.0 * n * n;
    final int byMemory = (int) Math.max(8, Math.min(MAX_KRYLOV, KRYLOV_BYTES / bytes));
    final int unknowns = n * (n + 1) / 2;
    return Math.max(1, Math.min(byMemory, unknowns));
  }

  // ------------------------------------------------------------------------------ residual

  /** C(Σ) and the relative residual of eq. 3, both in the original basis. */
  private record Check(DMatrixRMaj noise, double residual) {}

  /**
   * C(Σ) and ‖lhs − ΛC(Σ)Λ‖_F / ‖ΛC(Σ)Λ‖_F of eq. 3, from Σ in the original basis with P = ΛH:
   * lhs = (1−μ)(T + Tᵀ) − c₁ TPᵀ + c₂(PT + (PT)ᵀ), T = PΣ. For a diagonal Λ the products are
   * Y = HΣ, Z = YH = HΣH and H(ΛY): T = ΛY, TPᵀ = ΛZΛ, PT = ΛH(ΛY); and when moreover the
   * noise is Gaussian with H − N = Δ diagonal (label and input noise: Δ = 0; L2 with a diagonal
   * Γ), NΣN = Z − ΔYᵀ − YΔ + ΔΣΔ needs no further product.
   */
  static Check check(DMatrixRMaj h, DMatrixRMaj lambda, boolean diagonalLambda, double momentum,
      DMatrixRMaj sigma, NoiseModel noise) {
    final int n = h.numRows;
    final double c1 = (1 + momentum * momentum) / (1 - momentum * momentum);
    final double c2 = momentum / (1 - momentum * momentum);
    final double[] t = new double[n * n];
    final double[] tpt = new double[n * n];
    final double[] pt = new double[n * n];
    final DMatrixRMaj c = new DMatrixRMaj(n, n);
    final DMatrixRMaj rhs = new DMatrixRMaj(n, n);
    boolean noiseDone = false;
    if (diagonalLambda) {
      final double[] l = new double[n];
      for (int i = 0; i < n; i++) {
        l[i] = lambda.data[i * n + i];
      }
      final double[] y = new double[n * n];
      Products.abt(h.data, sigma.data, y, n, n, n, false);
      final double[] z = new double[n * n];
      Products.abt(y, h.data, z, n, n, n, true);
      final double[] ly = new double[n * n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          ly[i * n + j] = l[i] * y[i * n + j];
          t[i * n + j] = ly[i * n + j];
          tpt[i * n + j] = l[i] * z[i * n + j] * l[j];
        }
      }
      if (c2 != 0) {
        // The momentum term ΛH(ΛHΣ)ᵀ; without momentum its coefficient is 0.
        final double[] hly = new double[n * n];
        Products.abt(h.data, Products.transpose(ly, n, n), hly, n, n, n, false);
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            pt[i * n + j] = l[i] * hly[i * n + j];
          }
        }
      }
      final double[] delta = gaussianOffset(h, noise);
      if (delta != null) {
        final Gaussian g = (Gaussian) noise;
        final double trace = dot(g.n.data, sigma.data);
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            final double nsn = z[i * n + j] - delta[i] * y[j * n + i] - y[i * n + j] * delta[j]
                + delta[i] * sigma.data[i * n + j] * delta[j];
            c.data[i * n + j] = (nsn + trace * g.n.data[i * n + j]) / g.batch;
          }
        }
        noiseDone = true;
      }
    } else {
      final DMatrixRMaj p = new DMatrixRMaj(n, n);
      mult(lambda, h, p);
      Products.abt(p.data, sigma.data, t, n, n, n, false);
      Products.abt(t, p.data, tpt, n, n, n, true);
      if (c2 != 0) {
        Products.abt(p.data, Products.transpose(t, n, n), pt, n, n, n, false);
      }
    }
    if (!noiseDone) {
      noise.applyLinear(sigma, c);
    }
    CommonOps_DDRM.addEquals(c, noise.constant());
    Matrices.symmetrize(c);
    if (diagonalLambda) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          rhs.data[i * n + j] = lambda.data[i * n + i] * c.data[i * n + j]
              * lambda.data[j * n + j];
        }
      }
    } else {
      sandwich(lambda, c, rhs);
    }
    double num = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        final double lhs = (1 - momentum) * (t[i * n + j] + t[j * n + i])
            - c1 * tpt[i * n + j] + c2 * (pt[i * n + j] + pt[j * n + i]);
        final double diff = lhs - rhs.data[i * n + j];
        num += diff * diff;
      }
    }
    final double den = frobenius(rhs.data);
    final double residual = den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY)
        : Math.sqrt(num) / den;
    return new Check(c, residual);
  }

  /**
   * N' = VᵀNV when H − N = Δ is diagonal (label and input noise: Δ = 0; L2 with a diagonal Γ):
   * VᵀHV = diag(d) by construction of the reduction, so N' = diag(d) − VᵀΔV, which costs half a
   * D³ product instead of one and a half.
   */
  private static DMatrixRMaj reducedN(Reduction r, double[] delta) {
    final int n = r.d.length;
    final double[] vt = Products.transpose(r.v.data, n, n);
    final double[] vtDelta = vt.clone();
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < n; l++) {
        vtDelta[i * n + l] *= delta[l];
      }
    }
    final DMatrixRMaj out = new DMatrixRMaj(n, n);
    Products.abt(vtDelta, vt, out.data, n, n, n, true);
    for (int i = 0; i < out.data.length; i++) {
      out.data[i] = -out.data[i];
    }
    for (int i = 0; i < n; i++) {
      out.data[i * n + i] += r.d[i];
    }
    Matrices.symmetrize(out);
    return out;
  }

  /** Δ = diag(H − N) when the noise is Gaussian and H − N is diagonal, else null. */
  private static double[] gaussianOffset(DMatrixRMaj h, NoiseModel noise) {
    if (!(noise instanceof Gaussian g)) {
      return null;
    }
    final int n = h.numRows;
    final double[] delta = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        final double diff = h.data[i * n + j] - g.n.data[i * n + j];
        if (i == j) {
          delta[i] = diff;
        } else if (diff != 0) {
          return null;
        }
      }
    }
    return delta;
  }

  // ------------------------------------------------------------------------------ helpers

  private static void validate(DMatrixRMaj h, DMatrixRMaj lambda, double momentum,
      NoiseModel noise) {
    requireSymmetric("H", h);
    requireSymmetric("Λ", lambda);
    if (lambda.numRows != h.numRows || noise.dim() != h.numRows) {
      throw new IllegalArgumentException("Cannot solve Theorem 1: H, Λ and the noise model must"
          + " have one dimension: " + h.numRows + ", " + lambda.numRows + ", " + noise.dim());
    }
    Checks.momentum("Cannot solve Theorem 1", momentum);
  }

  static void requireSymmetric(String name, DMatrixRMaj m) {
    if (m.numRows != m.numCols || m.numRows < 1) {
      throw new IllegalArgumentException("Cannot use " + name + ": not a non-empty square matrix: "
          + m.numRows + "x" + m.numCols);
    }
    final int n = m.numRows;
    double max = 0;
    for (double v : m.data) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("Cannot use " + name + ": entry not finite: " + v);
      }
      max = Math.max(max, Math.abs(v));
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        final double diff = Math.abs(m.data[i * n + j] - m.data[j * n + i]);
        if (diff > SYMMETRY_TOL * max) {
          throw new IllegalArgumentException("Cannot use " + name + ": not symmetric: |m[" + i
              + "][" + j + "] − m[" + j + "][" + i + "]| = " + diff);
        }
      }
    }
  }

  /** r with a = r·b to PROPORTIONAL_TOL (relative to max |a|, max |b|), else NaN. */
  private static double proportion(DMatrixRMaj a, DMatrixRMaj b) {
    final double bb = dot(b.data, b.data);
    if (!(bb > 0)) {
      return Double.NaN;
    }
    final double r = dot(a.data, b.data) / bb;
    double aMax = 0;
    double dev = 0;
    for (int i = 0; i < a.data.length; i++) {
      aMax = Math.max(aMax, Math.abs(a.data[i]));
      dev = Math.max(dev, Math.abs(a.data[i] - r * b.data[i]));
    }
    return dev <= PROPORTIONAL_TOL * Math.max(aMax, Double.MIN_NORMAL) ? r : Double.NaN;
  }

  private static boolean isDiagonal(DMatrixRMaj m) {
    final int n = m.numRows;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j && m.data[i * n + j] != 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** True when m − margin·(Tr m / D)·I is positive definite (Cholesky). */
  private static boolean positiveDefinite(DMatrixRMaj m, double margin) {
    final int n = m.numRows;
    final DMatrixRMaj shifted = m.copy();
    final double shift = margin * CommonOps_DDRM.trace(m) / n;
    if (!(shift > 0)) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      shifted.data[i * n + i] -= shift;
    }
    final CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
    return chol.decompose(shifted);
  }

  /** Vᵀ M V for symmetric M and any V (rows of V = size of M), exactly symmetric. */
  static DMatrixRMaj congruence(DMatrixRMaj v, DMatrixRMaj m) {
    final int rows = v.numRows;
    final int cols = v.numCols;
    final double[] vt = Products.transpose(v.data, rows, cols);
    // W = VᵀM (M symmetric: W_ij = Σ V_li M_jl), then W V with only the upper half computed.
    final double[] w = new double[cols * rows];
    Products.abt(vt, m.data, w, cols, rows, rows, false);
    final DMatrixRMaj out = new DMatrixRMaj(cols, cols);
    Products.abt(w, vt, out.data, cols, cols, rows, true);
    return out;
  }

  /** V X Vᵀ for symmetric X, exactly symmetric; a diagonal X costs half a product. */
  static DMatrixRMaj expand(DMatrixRMaj v, DMatrixRMaj x) {
    final int n = v.numRows;
    final double[] vx = new double[n * n];
    if (isDiagonal(x)) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          vx[i * n + j] = v.data[i * n + j] * x.data[j * n + j];
        }
      }
    } else {
      Products.abt(v.data, x.data, vx, n, n, n, false);
    }
    final DMatrixRMaj out = new DMatrixRMaj(n, n);
    Products.abt(vx, v.data, out.data, n, n, n, true);
    return out;
  }

  /** M X M for symmetric M and X, exactly symmetric (1.5 products). */
  static void sandwich(DMatrixRMaj m, DMatrixRMaj x, DMatrixRMaj out) {
    final int n = m.numRows;
    final double[] mx = new double[n * n];
    Products.abt(m.data, x.data, mx, n, n, n, false);
    Products.abt(mx, m.data, out.data, n, n, n, true);
  }

  private static double[] identity(int n) {
    final double[] out = new double[n * n];
    for (int i = 0; i < n; i++) {
      out[i * n + i] = 1;
    }
    return out;
  }

  /** c = a b. */
  static void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
    c.reshape(a.numRows, b.numCols);
    Products.abt(a.data, Products.transpose(b.data, b.numRows, b.numCols), c.data, a.numRows,
        b.numCols, a.numCols, false);
  }

  /** c = aᵀ b. */
  static void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
    c.reshape(a.numCols, b.numCols);
    Products.abt(Products.transpose(a.data, a.numRows, a.numCols),
        Products.transpose(b.data, b.numRows, b.numCols), c.data, a.numCols, b.numCols,
        a.numRows, false);
  }

  /** c = a bᵀ. */
  static void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
    c.reshape(a.numRows, b.numRows);
    Products.abt(a.data, b.data, c.data, a.numRows, b.numRows, a.numCols, false);
  }

  /**
   * Dense products in the one form c = a bᵀ (row-major; c_ij = Σ_l a_il b_jl), which streams
   * rows of both operands. Blocked for cache (k in panels of {@value #KB}, j in {@value #JB}),
   * 2×2 register tiles, rows split over the common fork-join pool when the work is large. For a
   * product known to be symmetric only the upper half is computed and then mirrored, which halves
   * the second factor of every sandwich. Several times faster than the row-major EJML kernels on
   * the D = 1000 products of this solver.
   */
  private static final class Products {
    static final int KB = 192;
    static final int JB = 96;
    static final int IB = 16;
    /** Multiply-adds above which rows are split over threads. */
    static final long PARALLEL_WORK = 1L << 21;

    private Products() {}

    static double[] transpose(double[] a, int rows, int cols) {
      final double[] t = new double[rows * cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          t[j * rows + i] = a[i * cols + j];
        }
      }
      return t;
    }

    /** c (m×n) = a (m×k) · b (n×k)ᵀ; with {@code upper} only j ≥ i, mirrored (m = n). */
    static void abt(double[] a, double[] b, double[] c, int m, int n, int k, boolean upper) {
      java.util.Arrays.fill(c, 0, m * n, 0);
      final int blocks = (m + IB - 1) / IB;
      final IntConsumer rowBlock = ib -> {
        final int i0 = ib * IB;
        final int i1 = Math.min(m, i0 + IB);
        for (int k0 = 0; k0 < k; k0 += KB) {
          final int k1 = Math.min(k, k0 + KB);
          for (int j0 = upper ? i0 : 0; j0 < n; j0 += JB) {
            tile(a, b, c, n, k, i0, i1, j0, Math.min(n, j0 + JB), k0, k1);
          }
        }
      };
      if ((long) m * n * k >= PARALLEL_WORK && blocks > 1) {
        IntStream.range(0, blocks).parallel().forEach(rowBlock);
      } else {
        for (int ib = 0; ib < blocks; ib++) {
          rowBlock.accept(ib);
        }
      }
      if (upper) {
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < i; j++) {
            c[i * n + j] = c[j * n + i];
          }
        }
      }
    }

    private static void tile(double[] a, double[] b, double[] c, int n, int k, int i0, int i1,
        int j0, int j1, int k0, int k1) {
      int i = i0;
      for (; i + 1 < i1; i += 2) {
        final int a0 = i * k;
        final int a1 = a0 + k;
        int j = j0;
        for (; j + 1 < j1; j += 2) {
          final int b0 = j * k;
          final int b1 = b0 + k;
          double s00 = 0;
          double s01 = 0;
          double s10 = 0;
          double s11 = 0;
          for (int l = k0; l < k1; l++) {
            final double x0 = a[a0 + l];
            final double x1 = a[a1 + l];
            final double y0 = b[b0 + l];
            final double y1 = b[b1 + l];
            s00 += x0 * y0;
            s01 += x0 * y1;
            s10 += x1 * y0;
            s11 += x1 * y1;
          }
          c[i * n + j] += s00;
          c[i * n + j + 1] += s01;
          c[(i + 1) * n + j] += s10;
          c[(i + 1) * n + j + 1] += s11;
        }
        for (; j < j1; j++) {
          final int b0 = j * k;
          double s0 = 0;
          double s1 = 0;
          for (int l = k0; l < k1; l++) {
            s0 += a[a0 + l] * b[b0 + l];
            s1 += a[a1 + l] * b[b0 + l];
          }
          c[i * n + j] += s0;
          c[(i + 1) * n + j] += s1;
        }
      }
      for (; i < i1; i++) {
        final int a0 = i * k;
        for (int j = j0; j < j1; j++) {
          final int b0 = j * k;
          double s = 0;
          for (int l = k0; l < k1; l++) {
            s += a[a0 + l] * b[b0 + l];
          }
          c[i * n + j] += s;
        }
      }
    }
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double frobenius(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  /**
   * Brent's root finder for f on [a, b] with f(a) &lt; 0 &lt; f(b), to a bracket of relative
   * width {@code relTol}.
   */
  private static double brent(DoubleUnaryOperator f, double a, double b, double relTol) {
    double fa = f.applyAsDouble(a);
    double fb = f.applyAsDouble(b);
    if (fa >= 0) {
      return a;
    }
    if (fb <= 0) {
      return b;
    }
    double c = a;
    double fc = fa;
    double d = b - a;
    double e = d;
    for (int iter = 0; iter < 200; iter++) {
      if (fb * fc > 0) {
        c = a;
        fc = fa;
        d = b - a;
        e = d;
      }
      if (Math.abs(fc) < Math.abs(fb)) {
        a = b;
        b = c;
        c = a;
        fa = fb;
        fb = fc;
        fc = fa;
      }
      final double tol = Math.max(2 * Math.ulp(Math.abs(b)), 0.5 * relTol * Math.abs(b))
          + Double.MIN_NORMAL;
      final double m = 0.5 * (c - b);
      if (Math.abs(m) <= tol || fb == 0) {
        return b;
      }
      if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
        final double s = fb / fa;
        double p;
        double q;
        if (a == c) {
          p = 2 * m * s;
          q = 1 - s;
        } else {
          final double qq = fa / fc;
          final double r = fb / fc;
          p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
          q = (qq - 1) * (r - 1) * (s - 1);
        }
        if (p > 0) {
          q = -q;
        } else {
          p = -p;
        }
        if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
          e = d;
          d = p / q;
        } else {
          d = m;
          e = m;
        }
      } else {
        d = m;
        e = m;
      }
      a = b;
      fa = fb;
      b += Math.abs(d) > tol ? d : (m > 0 ? tol : -tol);
      fb = f.applyAsDouble(b);
    }
    return b;
  }

  /** Symmetric eigendecomposition of (m + mᵀ)/2: values and orthonormal column eigenvectors. */
  private static Eigen symmetricEigen(DMatrixRMaj m) {
    final DMatrixRMaj sym = m.copy();
    Matrices.symmetrize(sym);
    final Eigen e = Eigen.symmetricOrNull(sym);
    if (e == null) {
      throw new IllegalStateException(
          "Cannot decompose: eigendecomposition failed: size " + m.numRows);
    }
    return e;
  }
}
