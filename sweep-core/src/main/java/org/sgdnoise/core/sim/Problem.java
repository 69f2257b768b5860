package org.sgdnoise.core.sim;

import org.ejml.data.DMatrixRMaj;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.plan.Rotations;
import org.sgdnoise.core.spec.Kind;
import org.sgdnoise.core.spec.LrMatrix;
import org.sgdnoise.core.theory.SecondOrderTheory;

/**
 * What one SGD chain runs on, for every kind, in A's eigenbasis: the per-sample loss
 *
 * <pre>
 *   ℓ(w; x̃, y) = ½(wᵀx̃ − y)² + ½γ‖w‖²,   x ~ N(0, A),  x̃ = x + η,  η ~ N(0, B),
 *   y = uᵀx + ε,  ε ~ N(0, σ²),
 * </pre>
 *
 * with A = diag(a), B = diag(b) (0 without input noise), the ridge γ (kind l2, may be negative),
 * and a diagonal preconditioner Λ = diag(p) (λ; λ·Λ₀ for a diagonal or Newton lr_matrix; λA⁻¹
 * for dnm; λ_eff·A⁻¹ at Proposition 6's fixed point for ngd).
 *
 * <p>The kinds without a teacher in their results (label_noise, high_dim, dnm, ngd) run in the
 * shifted coordinates w − u, where the teacher is 0: their laws are the same. input_noise and l2
 * keep u (seen in A's eigenbasis as Rᵀu when the features are rotated), since w* depends on it.
 * A rotation changes nothing else: every quantity the simulator reports (traces, losses, the
 * norm of w − w*) is rotation invariant, and Σ is rotated back ({@link #rotation}).
 *
 * <p>(x̃, y) is Gaussian with covariance Φ = [[K, Au], [uᵀA, uᵀAu + σ²]], K = A + B: an arrow
 * matrix whose Cholesky factor L = [[diag(l), 0], [rᵀ, c]] has l = √k, r = Au/√k and
 * c² = uᵀAu + σ² − Σ(aᵢuᵢ)²/kᵢ = σ² + uᵀ(A − AK⁻¹A)u ≥ 0, used by the exact sampler.
 */
public final class Problem {
  final Kind kind;
  final int dim;
  /** Clean feature variances (eigenvalues of A). */
  final double[] a;
  /** √a. */
  final double[] sqrtA;
  /** √b of the input noise, or {@code null}. */
  final double[] sqrtB;
  /** Variances of the learner's features, k = a + b. */
  final double[] k;
  /** Teacher (0 in shifted coordinates). */
  final double[] u;
  /** Whether the teacher is 0. */
  final boolean noTeacher;
  /** Label-noise standard deviation σ. */
  final double sigma;
  /** Ridge γ. */
  final double gamma;
  /** Diagonal of Λ. */
  final double[] p;
  /** Momentum μ. */
  final double mu;
  /** The population minimiser w* (the start in streaming mode), or u where there is none. */
  final double[] wStar;
  /** Cholesky factor of Φ: diagonal l, last row r, corner c. */
  final double[] cholDiag;
  final double[] cholRow;
  final double cholCorner;
  /** A scale of ‖w − w*‖² beyond which the chain counts as runaway. */
  final double runaway;
  /** The Haar rotation of the features (seed), 0 for none. */
  final int rotation;

  private Problem(Kind kind, double[] a, double[] b, double[] u, double sigma, double gamma,
      double[] p, double mu, int rotation) {
    this.kind = kind;
    this.dim = a.length;
    this.a = a;
    this.rotation = rotation;
    this.sqrtA = new double[dim];
    this.k = new double[dim];
    this.sqrtB = b == null ? null : new double[dim];
    this.u = u;
    boolean zero = true;
    for (int i = 0; i < dim; i++) {
      sqrtA[i] = Math.sqrt(a[i]);
      k[i] = a[i] + (b == null ? 0 : b[i]);
      if (b != null) {
        sqrtB[i] = Math.sqrt(b[i]);
      }
      zero &= u[i] == 0;
    }
    this.noTeacher = zero;
    this.sigma = sigma;
    this.gamma = gamma;
    this.p = p;
    this.mu = mu;
    this.wStar = new double[dim];
    boolean stationary = true;
    for (int i = 0; i < dim; i++) {
      stationary &= k[i] + gamma > 0;
    }
    for (int i = 0; i < dim; i++) {
      wStar[i] = stationary ? a[i] * u[i] / (k[i] + gamma) : u[i];
    }
    this.cholDiag = new double[dim];
    this.cholRow = new double[dim];
    double c2 = sigma * sigma;
    double scale = 1 + sigma * sigma * dim;
    for (int i = 0; i < dim; i++) {
      cholDiag[i] = Math.sqrt(k[i]);
      cholRow[i] = a[i] * u[i] / cholDiag[i];
      // uᵀAu − (aᵢuᵢ)²/kᵢ summed term by term: aᵢuᵢ²·bᵢ/kᵢ ≥ 0 (no cancellation).
      c2 += a[i] * u[i] * u[i] * (k[i] - a[i]) / k[i];
      scale += a[i] * u[i] * u[i] + wStar[i] * wStar[i];
    }
    this.cholCorner = Math.sqrt(Math.max(0, c2));
    this.runaway = Simulator.RUNAWAY_FACTOR * scale;
  }

  /** The problem of {@code cell} (any simulated kind). */
  public static Problem of(Cell cell) {
    final int dim = cell.dim();
    final double[] a = cell.spectrum();
    final Kind kind = cell.kind();
    final double[] b = kind == Kind.INPUT_NOISE ? cell.inputNoiseVector() : null;
    final boolean withTeacher = kind == Kind.INPUT_NOISE || kind == Kind.L2;
    final double[] u = withTeacher ? Rotations.teacherInEigenbasis(cell) : new double[dim];
    final double gamma = kind == Kind.L2 ? cell.weightDecay() : 0.0;
    final double sigma = Math.sqrt(cell.labelNoiseVar());
    final double[] p = new double[dim];
    final double lr = cell.lr();
    switch (kind) {
      case DNM -> fillNewton(p, a, lr);
      case NGD -> {
        // Proposition 6: Λ = (λ/S)C⁻¹ at the fixed point is λ_eff·A⁻¹ with
        // λ_eff = λ/(x(1 + D) + σ²) and Σ = x·A⁻¹, x = Tr[AΣ]/D.
        double x = SecondOrderTheory.naturalGradient(a, lr, cell.batch(), cell.momentum(),
            cell.labelNoiseVar()).trASigma() / dim;
        fillNewton(p, a, lr / (x * (1 + dim) + cell.labelNoiseVar()));
      }
      default -> {
        LrMatrix m = cell.lrMatrix();
        for (int i = 0; i < dim; i++) {
          p[i] = switch (m.type()) {
            case SCALAR -> lr;
            case NEWTON -> lr / a[i];
            case DIAGONAL -> lr * m.diagonal()[i];
          };
        }
      }
    }
    if (cell.rotation() != 0 && cell.lrMatrix().type() == LrMatrix.Type.DIAGONAL) {
      throw new IllegalArgumentException("Cannot simulate: a diagonal lr_matrix does not commute"
          + " with a rotated A");
    }
    if (cell.rotation() != 0 && cell.inputNoiseSpectrum() != null) {
      throw new IllegalArgumentException("Cannot simulate: an input-noise spectrum on the"
          + " coordinate axes does not commute with a rotated A");
    }
    return new Problem(kind, a, b, u, sigma, gamma, p, cell.momentum(), cell.rotation());
  }

  private static void fillNewton(double[] p, double[] a, double lr) {
    for (int i = 0; i < p.length; i++) {
      p[i] = lr / a[i];
    }
  }

  /** R Σ Rᵀ: a matrix in A's eigenbasis back in the coordinate basis (a new matrix). */
  DMatrixRMaj toCoordinates(DMatrixRMaj sigma) {
    return rotation == 0 ? sigma.copy()
        : Rotations.conjugate(Rotations.haar(dim, rotation), sigma);
  }

  /** The teacher the data are drawn with (0 in shifted coordinates; a copy). */
  public double[] teacher() {
    return u.clone();
  }

  /** The diagonal of Λ (a copy). */
  public double[] preconditioner() {
    return p.clone();
  }

  /** The population w* (a copy). */
  public double[] populationMinimiser() {
    return wStar.clone();
  }

  /** The ridge γ. */
  public double gamma() {
    return gamma;
  }
}
