package org.sgdnoise.core.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.sgdnoise.core.theory.GeneralSolver.Method;
import org.sgdnoise.core.theory.GeneralSolver.NoiseModel;
import org.sgdnoise.core.theory.GeneralSolver.Reduction;
import org.sgdnoise.core.theory.GeneralSolver.Solution;

/**
 * Exact stationary theory of minibatch SGD with momentum on ONE fixed data set ("dataset mode"):
 * Proposition 8 and Theorem 1 of Ziyin et al., "Strength of Minibatch Noise in SGD" (ICLR 2022),
 * with the data set's own empirical moments ({@code shared/theory/linear-regression.md} §1, §2;
 * §8b "Fixed dataset").
 *
 * <p><b>Model.</b> Rows xᵢ ∈ ℝᴰ and labels yᵢ, i = 1..N; the training objective is the ridge
 * objective L̂(w) = (1/2N) Σᵢ (xᵢᵀw − yᵢ)² + (γ/2)|w|² (γ = 0: plain least squares; the
 * regulariser's gradient γw is deterministic, i.e. not sampled). Minibatches of S rows are drawn
 * with replacement (Definition 2) or without (Definition 3, S ≤ N); momentum μ and a learning-rate
 * matrix Λ as in Definition 2. The Hessian is H = Â + γI with Â = (1/N) Σᵢ xᵢxᵢᵀ.
 *
 * <p><b>Stationary mean.</b> w* minimises L̂: H w* = b, b = (1/N) Σᵢ yᵢxᵢ. When H is singular
 * (N &lt; D with γ = 0, say) SGD cannot move along the flat directions: every update is Λ times a
 * gradient, and for γ = 0 each gradient lies in span{xᵢ} = range(Â), so w_t ∈ w₀ + Λ·range(Â).
 * The mean then converges to the minimiser in that set: with B = Λ^½HΛ^½ (range(B) =
 * Λ^½·range(H)), w = w₀ + Λ^½z, z ∈ range(B), and the z-gradient Bz − Λ^½(b − Hw₀) vanishes at
 *
 * <pre>
 *   w* = w₀ + Λ^½ B⁺ Λ^½ (b − Hw₀) = w₀ + V diag(d)⁺ Vᵀ (b − Hw₀).
 * </pre>
 *
 * For w₀ = 0 (the default) this is the minimum-Λ⁻¹-norm solution, for a scalar learning rate the
 * minimum-norm least-squares solution; the overload with a start w₀ matches a simulation started
 * elsewhere (the engine's simulator starts at w₀ = u). For N ≥ D with Â + γI positive definite w₀
 * does not matter. A flat direction along which the gradient does not vanish (only possible with
 * γ ≠ 0) makes w drift linearly: divergent. With γ = 0 and N &lt; D least squares interpolates:
 * every rᵢ = 0, so the noise vanishes at w* and Σ = 0 (Proposition 2).
 *
 * <p><b>Noise (Proposition 8, derived).</b> Write w = w* + δ and rᵢ = xᵢᵀw* − yᵢ. The per-sample
 * gradient is gᵢ(w) = xᵢ(xᵢᵀw − yᵢ) + γw = xᵢxᵢᵀδ + xᵢrᵢ + γw* + γδ, and its mean over the data is
 * ḡ = (Â + γI)δ + m + γw* with m = (1/N) Σᵢ rᵢxᵢ. Stationarity of w* (∇L̂(w*) = 0) says m = −γw*,
 * so ḡ = Hδ and the deviation gᵢ − ḡ = (xᵢxᵢᵀ − Â)δ + (xᵢrᵢ − m) (the deterministic γδ cancels).
 * Its covariance over the data, averaged over the stationary law of δ (E δ = 0, as the mean
 * recursion is stable and w* is its fixed point; E δδᵀ = Σ; the cross term is linear in δ and
 * vanishes), times the Proposition-8 factor f, is
 *
 * <pre>
 *   C(Σ) = f · [ (1/N) Σᵢ xᵢxᵢᵀ (xᵢᵀΣxᵢ + rᵢ²) − ÂΣÂ − m mᵀ ],   m mᵀ = (γw*)(γw*)ᵀ,
 *   f = 1/S (with replacement),   f = (N − S)/(S(N − 1)) (without; 0 when S = N).
 * </pre>
 *
 * The noise is uncorrelated with the past, so Theorem 1 holds exactly with H = Â + γI and this
 * C(Σ) ({@link GeneralSolver#empirical}); FiniteDataTheoryTest checks it against an enumeration
 * of every minibatch.
 *
 * <p><b>Outputs</b> ({@link Prediction}): traceSigma = Tr Σ; trASigma = Tr[AΣ] with the population
 * A; lTrain = the data set's own objective E[L̂(w)] = L̂(w*) + ½Tr[(Â + γI)Σ] (exact: L̂ is
 * quadratic and ∇L̂(w*) = 0); lTest = ½Tr[AΣ] + ½(w* − u)ᵀA(w* − u) (clean population loss);
 * traceNoise = Tr C(Σ); kappa = NaN.
 *
 * <p><b>One dimension (closed form).</b> With m₂ = (1/N)Σx², m₄ = (1/N)Σx⁴, h = m₂ + γ, c₀ =
 * (1/N)Σr²x² − ((1/N)Σrx)², eq. 3 reads λhΣ(1−μ)(2 − λh/(1+μ)) = λ²f((m₄ − m₂²)Σ + c₀), so
 *
 * <pre>
 *   Σ = λ f c₀ / [ h(1−μ)(2 − λh/(1+μ)) − λ f (m₄ − m₂²) ],
 *   λ_c = 2(1−μ)h / [ h²(1−μ)/(1+μ) + f (m₄ − m₂²) ],
 * </pre>
 *
 * stable iff h &gt; 0 and the bracket is positive (it implies λh &lt; 2(1+μ) as m₄ ≥ m₂²). For
 * Gaussian data, m₄ → 3a², f = 1/S, this is the sheet's λ_c = 2(1−μ)/(a[(1−μ)/(1+μ) + 2/S]). Two
 * passes over the data, no allocation beyond the result.
 */
public final class FiniteDataTheory {

  /** A gradient along a flat direction above this (relative to |Vᵀb|) means linear drift. */
  private static final double FLAT_GRADIENT_TOL = 1e-9;

  private FiniteDataTheory() {}

  /** How minibatches are drawn from the data set. */
  public enum Sampling {
    /** S i.i.d. uniform indices (Definition 2). */
    WITH_REPLACEMENT,
    /** A uniformly random S-subset (Definition 3). */
    WITHOUT_REPLACEMENT
  }

  /**
   * The Proposition-8 factor f: C = f·M, M the per-sample gradient covariance.
   *
   * @return 1/S with replacement, (N − S)/(S(N − 1)) without (0 when S = N)
   */
  public static double samplingFactor(int rows, int batch, Sampling sampling) {
    if (rows < 1 || batch < 1) {
      throw new IllegalArgumentException("Cannot compute the sampling factor: rows and batch must"
          + " be at least 1: rows=" + rows + " batch=" + batch);
    }
    if (sampling == Sampling.WITH_REPLACEMENT) {
      return 1.0 / batch;
    }
    if (batch > rows) {
      throw new IllegalArgumentException("Cannot sample without replacement: batch exceeds the"
          + " number of rows " + rows + ": " + batch);
    }
    return batch == rows ? 0 : (double) (rows - batch) / ((double) batch * (rows - 1));
  }

  /**
   * Proposition 8: the minibatch-noise covariance C = f·[(1/N) Σᵢ gᵢgᵢᵀ − ḡḡᵀ] from per-sample
   * gradients.
   *
   * @param gradients gᵢ, row-major rows×dim. Not modified.
   */
  public static DMatrixRMaj minibatchNoise(double[] gradients, int rows, int dim, int batch,
      Sampling sampling) {
    requireRows(gradients, rows, dim);
    final double f = samplingFactor(rows, batch, sampling);
    final double[] mean = new double[dim];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        mean[j] += gradients[i * dim + j] / rows;
      }
    }
    final DMatrixRMaj c = new DMatrixRMaj(dim, dim);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        final double gj = gradients[i * dim + j] - mean[j];
        for (int k = 0; k < dim; k++) {
          c.data[j * dim + k] += gj * (gradients[i * dim + k] - mean[k]);
        }
      }
    }
    CommonOps_DDRM.scale(f / rows, c);
    return c;
  }

  /**
   * The stationary prediction for one data set (D = 1 takes the closed form).
   *
   * @param xs rows xᵢ, row-major rows×dim. Not modified.
   * @param ys labels, length rows. Not modified.
   * @param gamma ridge γ (may be negative while Â + γI stays positive semi-definite)
   * @param a population covariance A (for trASigma and lTest), dim×dim. Not modified.
   * @param u teacher, length dim. Not modified.
   * @param lambda learning-rate matrix Λ, symmetric positive definite dim×dim. Not modified.
   */
  public static Prediction predict(double[] xs, double[] ys, int rows, int dim, double gamma,
      DMatrixRMaj a, double[] u, DMatrixRMaj lambda, int batch, double momentum,
      Sampling sampling) {
    return predict(xs, ys, rows, dim, gamma, a, u, lambda, batch, momentum, sampling,
        new double[dim]);
  }

  /**
   * {@link #predict(double[], double[], int, int, double, DMatrixRMaj, double[], DMatrixRMaj,
   * int, double, Sampling)} for SGD started at w₀ (with m₀ = 0). Only the flat directions of
   * Â + γI (e.g. N &lt; D) remember w₀.
   *
   * @param start w₀, length dim. Not modified.
   */
  public static Prediction predict(double[] xs, double[] ys, int rows, int dim, double gamma,
      DMatrixRMaj a, double[] u, DMatrixRMaj lambda, int batch, double momentum,
      Sampling sampling, double[] start) {
    validate(xs, ys, rows, dim, gamma, batch, sampling);
    if (start.length != dim) {
      throw new IllegalArgumentException(
          "Cannot predict: the start must have " + dim + " entries: " + start.length);
    }
    requireSquare("A", a, dim);
    requireSquare("Λ", lambda, dim);
    if (u.length != dim) {
      throw new IllegalArgumentException(
          "Cannot predict: the teacher must have " + dim + " entries: " + u.length);
    }
    if (dim == 1) {
      return predictOneDim(xs, ys, gamma, a.get(0, 0), u[0], lambda.get(0, 0), batch, momentum,
          sampling, start[0]);
    }
    return predictGeneral(xs, ys, rows, dim, gamma, a, u, lambda, batch, momentum, sampling,
        start);
  }

  /** The general path for any D (tests compare it with the 1-d closed form). */
  static Prediction predictGeneral(double[] xs, double[] ys, int rows, int dim, double gamma,
      DMatrixRMaj a, double[] u, DMatrixRMaj lambda, int batch, double momentum,
      Sampling sampling, double[] start) {
    validate(xs, ys, rows, dim, gamma, batch, sampling);
    validateStep(1, momentum);
    GeneralSolver.requireSymmetric("Λ", lambda);
    requireSquare("Λ", lambda, dim);
    final Model m = Model.of(xs, ys, rows, dim, gamma, lambda, batch, sampling, start);
    if (m == null) {
      return Prediction.divergent();
    }
    final Solution s = GeneralSolver.solve(m.reduction, m.h, lambda, momentum, m.noise,
        Method.AUTO);
    if (s.diverges()) {
      return Prediction.divergent();
    }
    final DMatrixRMaj sigma = s.sigma();
    final double trASigma = GeneralSolver.dot(a.data, sigma.data);
    double bias = 0;
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        bias += (m.w[i] - u[i]) * a.data[i * dim + j] * (m.w[j] - u[j]);
      }
    }
    final double lTrain = m.lHat + 0.5 * GeneralSolver.dot(m.h.data, sigma.data);
    return new Prediction(false, Double.NaN, trASigma, CommonOps_DDRM.trace(sigma), lTrain,
        0.5 * (trASigma + bias), CommonOps_DDRM.trace(s.noise()), sigma, s.noise());
  }

  /**
   * The critical scale of Λ = cΛ₀: stationary iff c &lt; the result (0 when no scale is). w* and
   * the residuals do not depend on c (Λ^½B⁺Λ^½ is scale-free), so the noise model is fixed and
   * {@link GeneralSolver#criticalScale} applies.
   */
  public static double criticalScale(double[] xs, double[] ys, int rows, int dim, double gamma,
      DMatrixRMaj lambda0, int batch, double momentum, Sampling sampling) {
    validate(xs, ys, rows, dim, gamma, batch, sampling);
    requireSquare("Λ₀", lambda0, dim);
    if (dim == 1) {
      validateStep(lambda0.get(0, 0), momentum);
      return criticalLrOneDim(xs, gamma, batch, momentum, sampling) / lambda0.get(0, 0);
    }
    return criticalScaleGeneral(xs, ys, rows, dim, gamma, lambda0, batch, momentum, sampling);
  }

  /** The general path of criticalScale for any D. */
  static double criticalScaleGeneral(double[] xs, double[] ys, int rows, int dim, double gamma,
      DMatrixRMaj lambda0, int batch, double momentum, Sampling sampling) {
    validate(xs, ys, rows, dim, gamma, batch, sampling);
    requireSquare("Λ₀", lambda0, dim);
    validateStep(1, momentum);
    GeneralSolver.requireSymmetric("Λ₀", lambda0);
    final Model m = Model.of(xs, ys, rows, dim, gamma, lambda0, batch, sampling,
        new double[dim]);
    if (m == null) {
      return 0;
    }
    return GeneralSolver.criticalScale(m.reduction, m.h, momentum, m.noise, Method.AUTO);
  }

  /** The critical scalar learning rate (Λ₀ = I). */
  public static double criticalLr(double[] xs, double[] ys, int rows, int dim, double gamma,
      int batch, double momentum, Sampling sampling) {
    return criticalScale(xs, ys, rows, dim, gamma, CommonOps_DDRM.identity(dim), batch,
        momentum, sampling);
  }

  /**
   * The 1-d closed form (class Javadoc): two passes over the data, O(N), no matrices beyond the
   * 1×1 results.
   *
   * @param xs inputs, one per row. Not modified.
   * @param ys labels, as many as inputs. Not modified.
   * @param a population variance of x (for trASigma and lTest)
   * @param u teacher
   * @param lr learning rate λ &gt; 0
   */
  public static Prediction predictOneDim(double[] xs, double[] ys, double gamma, double a,
      double u, double lr, int batch, double momentum, Sampling sampling) {
    return predictOneDim(xs, ys, gamma, a, u, lr, batch, momentum, sampling, 0);
  }

  /** The 1-d closed form from w₀ (which matters only when every xᵢ = 0 and γ = 0). */
  private static Prediction predictOneDim(double[] xs, double[] ys, double gamma, double a,
      double u, double lr, int batch, double momentum, Sampling sampling, double start) {
    final int rows = xs.length;
    validate(xs, ys, rows, 1, gamma, batch, sampling);
    validateStep(lr, momentum);
    final double f = samplingFactor(rows, batch, sampling);
    // Pass 1: m₂, m₄, b.
    double m2 = 0;
    double m4 = 0;
    double b = 0;
    for (int i = 0; i < rows; i++) {
      final double x2 = xs[i] * xs[i];
      m2 += x2;
      m4 += x2 * x2;
      b += xs[i] * ys[i];
    }
    m2 /= rows;
    m4 /= rows;
    b /= rows;
    final double h = m2 + gamma;
    if (!(h > 0)) {
      if (m2 == 0 && gamma == 0) {
        // Every xᵢ is 0: every gradient is 0 and w stays at w₀.
        double yy = 0;
        for (double y : ys) {
          yy += y * y;
        }
        return oneDim(0, start, yy / (2 * rows), h, a, u, 0);
      }
      return Prediction.divergent();
    }
    final double w = b / h;
    // Pass 2: residual moments.
    double rr = 0;
    double rrxx = 0;
    double rx = 0;
    for (int i = 0; i < rows; i++) {
      final double r = xs[i] * w - ys[i];
      rr += r * r;
      rrxx += r * r * xs[i] * xs[i];
      rx += r * xs[i];
    }
    rr /= rows;
    rrxx /= rows;
    rx /= rows;
    final double c0 = rrxx - rx * rx;
    final double k4 = m4 - m2 * m2;
    final double den = h * (1 - momentum) * (2 - lr * h / (1 + momentum)) - lr * f * k4;
    if (!(den > 0) || !(lr * h < 2 * (1 + momentum))) {
      return Prediction.divergent();
    }
    final double sigma = lr * f * c0 / den;
    final double noise = f * (k4 * sigma + c0);
    return oneDim(sigma, w, 0.5 * rr + 0.5 * gamma * w * w, h, a, u, noise);
  }

  private static Prediction oneDim(double sigma, double w, double lHat, double h, double a,
      double u, double noise) {
    final DMatrixRMaj s = new DMatrixRMaj(1, 1);
    s.data[0] = sigma;
    final DMatrixRMaj c = new DMatrixRMaj(1, 1);
    c.data[0] = noise;
    return new Prediction(false, Double.NaN, a * sigma, sigma, lHat + 0.5 * h * sigma,
        0.5 * a * sigma + 0.5 * a * (w - u) * (w - u), noise, s, c);
  }

  /**
   * The 1-d critical learning rate λ_c = 2(1−μ)h / [h²(1−μ)/(1+μ) + f(m₄ − m₂²)] (0 when h ≤ 0,
   * +∞ when every xᵢ = 0 and γ = 0).
   *
   * @param xs inputs. Not modified.
   */
  public static double criticalLrOneDim(double[] xs, double gamma, int batch, double momentum,
      Sampling sampling) {
    final int rows = xs.length;
    if (rows < 1) {
      throw new IllegalArgumentException("Cannot compute λ_c: the data set is empty");
    }
    validateStep(1, momentum);
    final double f = samplingFactor(rows, batch, sampling);
    double m2 = 0;
    double m4 = 0;
    for (double x : xs) {
      m2 += x * x;
      m4 += x * x * x * x;
    }
    m2 /= rows;
    m4 /= rows;
    final double h = m2 + gamma;
    if (!(h > 0)) {
      return m2 == 0 && gamma == 0 ? Double.POSITIVE_INFINITY : 0;
    }
    final double k4 = Math.max(0, m4 - m2 * m2);
    return 2 * (1 - momentum) * h / (h * h * (1 - momentum) / (1 + momentum) + f * k4);
  }

  /** H, the reduction, w*, residuals, L̂(w*) and the noise model; null when divergent. */
  /**
   * The data set's training objective and minimiser: Ĥ = XᵀX/N + γI, b̂ = Xᵀy/N and
   * w* = w₀ + V diag(d)⁺ Vᵀ(b̂ − Ĥw₀) (V = Λ^½Q from the reduction of Ĥ by Λ), the point SGD
   * started at w₀ settles around: flat directions of Ĥ carry no gradient and keep w₀.
   */
  public static final class Fit {
    final DMatrixRMaj h;
    final double[] b;
    final double[] wStar;
    final Reduction reduction;

    private Fit(DMatrixRMaj h, double[] b, double[] wStar, Reduction reduction) {
      this.h = h;
      this.b = b;
      this.wStar = wStar;
      this.reduction = reduction;
    }

    /** Ĥ = XᵀX/N + γI. Do not modify. */
    public DMatrixRMaj h() {
      return h;
    }

    /** b̂ = Xᵀy/N. Do not modify. */
    public double[] b() {
      return b;
    }

    /** w*. Do not modify. */
    public double[] wStar() {
      return wStar;
    }
  }

  /**
   * {@link Fit} of a data set for SGD preconditioned by Λ and started at {@code start}, or
   * {@code null} when the objective has no minimiser (a negative curvature, or a gradient along
   * a flat direction).
   */
  public static Fit fit(double[] xs, double[] ys, int rows, int dim, double gamma,
      DMatrixRMaj lambda, double[] start) {
    requireRows(xs, rows, dim);
    requireSquare("Λ", lambda, dim);
    if (ys.length != rows || start.length != dim) {
      throw new IllegalArgumentException("Cannot fit: need one label per row (" + rows
          + ") and a start of " + dim + " entries: " + ys.length + ", " + start.length);
    }
    return fitOrNull(xs, rows, dim, gamma, lambda, start, ys);
  }

  private static Fit fitOrNull(double[] xs, int rows, int dim, double gamma, DMatrixRMaj lambda,
      double[] start, double[] ys) {
    final DMatrixRMaj x = DMatrixRMaj.wrap(rows, dim, xs);
    // Step 1: H = Â + γI and b = Xᵀy/N.
    final DMatrixRMaj h = new DMatrixRMaj(dim, dim);
    GeneralSolver.multTransA(x, x, h);
    CommonOps_DDRM.scale(1.0 / rows, h);
    Matrices.symmetrize(h);
    for (int i = 0; i < dim; i++) {
      h.data[i * dim + i] += gamma;
    }
    final double[] bHat = new double[dim];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        bHat[j] += xs[i * dim + j] * ys[i] / rows;
      }
    }
    // b − Hw₀.
    final double[] b = bHat.clone();
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        b[i] -= h.data[i * dim + j] * start[j];
      }
    }
    // Step 2: w* = w₀ + V diag(d)⁺ Vᵀ(b − Hw₀) (V = Λ^½Q); flat directions carry no gradient.
    final Reduction r = Reduction.of(h, lambda);
    double dMax = 0;
    for (double d : r.d()) {
      dMax = Math.max(dMax, Math.abs(d));
    }
    final DMatrixRMaj v = r.v();
    final double[] t = new double[dim];
    double tNorm = 0;
    for (int k = 0; k < dim; k++) {
      for (int i = 0; i < dim; i++) {
        t[k] += v.data[i * dim + k] * b[i];
      }
      tNorm += t[k] * t[k];
    }
    tNorm = Math.sqrt(tNorm);
    for (int k = 0; k < dim; k++) {
      final double d = r.d()[k];
      if (Math.abs(d) <= GeneralSolver.FLAT_TOL * dMax) {
        if (Math.abs(t[k]) > FLAT_GRADIENT_TOL * tNorm) {
          return null;
        }
        t[k] = 0;
      } else if (d < 0) {
        return null;
      } else {
        t[k] /= d;
      }
    }
    final double[] w = start.clone();
    for (int i = 0; i < dim; i++) {
      for (int k = 0; k < dim; k++) {
        w[i] += v.data[i * dim + k] * t[k];
      }
    }
    return new Fit(h, bHat, w, r);
  }

  private record Model(DMatrixRMaj h, Reduction reduction, double[] w, double lHat,
      NoiseModel noise) {
    static Model of(double[] xs, double[] ys, int rows, int dim, double gamma,
        DMatrixRMaj lambda, int batch, Sampling sampling, double[] start) {
      final Fit f = fitOrNull(xs, rows, dim, gamma, lambda, start, ys);
      if (f == null) {
        return null;
      }
      final DMatrixRMaj h = f.h;
      final Reduction r = f.reduction;
      final double[] w = f.wStar;
      // Step 3: residuals, L̂(w*) and the Proposition-8 noise model.
      final double[] res = new double[rows];
      double lHat = 0;
      for (int i = 0; i < rows; i++) {
        double p = -ys[i];
        for (int j = 0; j < dim; j++) {
          p += xs[i * dim + j] * w[j];
        }
        res[i] = p;
        lHat += p * p / (2.0 * rows);
      }
      for (int j = 0; j < dim; j++) {
        lHat += 0.5 * gamma * w[j] * w[j];
      }
      final NoiseModel noise = GeneralSolver.empirical(xs, rows, dim, res,
          samplingFactor(rows, batch, sampling), new DMatrixRMaj(dim, dim));
      return new Model(h, r, w, lHat, noise);
    }
  }

  private static void validate(double[] xs, double[] ys, int rows, int dim, double gamma,
      int batch, Sampling sampling) {
    requireRows(xs, rows, dim);
    if (ys.length != rows) {
      throw new IllegalArgumentException(
          "Cannot predict: need one label per row (" + rows + "): " + ys.length);
    }
    if (!Double.isFinite(gamma)) {
      throw new IllegalArgumentException("Cannot predict: the ridge must be finite: " + gamma);
    }
    if (sampling == null) {
      throw new IllegalArgumentException("Cannot predict: sampling is null");
    }
    samplingFactor(rows, batch, sampling);
  }

  private static void validateStep(double lr, double momentum) {
    if (!(lr > 0 && lr < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          "Cannot predict: the learning rate must be positive and finite: " + lr);
    }
    Checks.momentum("Cannot predict", momentum);
  }

  private static void requireRows(double[] xs, int rows, int dim) {
    if (rows < 1 || dim < 1 || xs.length != (long) rows * dim) {
      throw new IllegalArgumentException("Cannot read the data set: need rows*dim values with"
          + " rows, dim >= 1: rows=" + rows + " dim=" + dim + " length=" + xs.length);
    }
  }

  private static void requireSquare(String name, DMatrixRMaj m, int dim) {
    if (m.numRows != dim || m.numCols != dim) {
      throw new IllegalArgumentException("Cannot predict: " + name + " must be " + dim + "x"
          + dim + ": " + m.numRows + "x" + m.numCols);
    }
  }
}
