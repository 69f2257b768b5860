package org.sgdnoise.core.result;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.plan.Rotations;
import org.sgdnoise.core.result.CellResult.Extras;
import org.sgdnoise.core.spec.LrMatrix;
import org.sgdnoise.core.theory.HessianBaselines;
import org.sgdnoise.core.theory.HighDimTheory;
import org.sgdnoise.core.theory.InputNoiseTheory;
import org.sgdnoise.core.theory.L2Theory;
import org.sgdnoise.core.theory.LabelNoiseTheory;
import org.sgdnoise.core.theory.Prediction;
import org.sgdnoise.core.theory.ScalingRatio;
import org.sgdnoise.core.theory.SecondOrderTheory;
import org.sgdnoise.core.theory.TailIndex;

/**
 * The theory of one cell, whatever its kind: picks the exact method for the cell's structure.
 *
 * <ul>
 *   <li>Closed forms in A's eigenbasis (O(D)) when Λ is scalar and nothing else breaks the
 *       common eigenbasis. A rotation of the features changes nothing then, except that the
 *       teacher is seen in A's eigenbasis as Rᵀu and the input noise B is no longer diagonal.
 *   <li>The exact eigenbasis reduction of Theorem 1 (label and input noise) for any SPD Λ and
 *       non-commuting B.
 *   <li>The iterative general solver of Theorem 1 (L2 with a matrix learning rate), with its
 *       residual reported.
 * </ul>
 */
final class KindTheory {
  private KindTheory() {}

  /** The common theory results, the baselines, the tail indices and the extras. */
  record Outcome(Prediction theory, double criticalLr, HessianBaselines.Baseline[] baselines,
      CellResult.Tails tails, Extras extras) {}

  static Outcome of(Cell cell) {
    return switch (cell.kind()) {
      case LABEL_NOISE -> labelNoise(cell);
      case INPUT_NOISE -> inputNoise(cell);
      case L2 -> l2(cell);
      case HIGH_DIM -> highDim(cell);
      case DNM -> dampedNewton(cell);
      case NGD -> naturalGradient(cell);
      default -> throw new IllegalArgumentException(
          "Cannot evaluate cell: kind not supported: " + cell.kind().yamlName());
    };
  }

  // ------------------------------------------------------------------ label noise

  private static Outcome labelNoise(Cell cell) {
    final double[] a = cell.spectrum();
    final boolean diagonal = diagonalPath(cell);
    Prediction p;
    double critical;
    String solver;
    if (diagonal && !cell.matrices()) {
      p = LabelNoiseTheory.ofSpectrum(a, cell.lr(), cell.batch(), cell.momentum(),
          cell.labelNoiseVar());
      critical = LabelNoiseTheory.criticalLr(a, cell.batch(), cell.momentum());
      solver = "closed_form";
    } else {
      DMatrixRMaj am = featureCovariance(cell);
      LabelNoiseTheory.WithCritical r = LabelNoiseTheory.solveWithCritical(am,
          lrMatrix0(cell, am), cell.lr(), cell.batch(), cell.momentum(), cell.labelNoiseVar());
      p = r.prediction();
      critical = r.criticalScale();
      solver = diagonal ? "closed_form" : "reduction";
    }
    HessianBaselines.Baseline[] baselines = scalarLr(cell) && cell.momentum() == 0
        ? HessianBaselines.labelNoise(a, cell.lr(), cell.batch(), cell.labelNoiseVar())
        : null;
    CellResult.Tails tails = null;
    if (cell.dim() == 1 && cell.momentum() == 0) {
      // In 1-d every learning-rate matrix is a number: ΛA = λ·Λ₀·a.
      final double aLr = a[0] * cell.lr() * switch (cell.lrMatrix().type()) {
        case SCALAR -> 1.0;
        case NEWTON -> 1.0 / a[0];
        case DIAGONAL -> cell.lrMatrix().diagonal()[0];
      };
      tails = new CellResult.Tails(TailIndex.kesten(aLr, cell.batch()),
          TailIndex.paper(aLr, cell.batch()), TailIndex.continuousTime(aLr, cell.batch()));
    }
    double ratio = Double.NaN;
    if (!Double.isNaN(cell.scalingK())) {
      ratio = ScalingRatio.ratio(a, cell.lr(), cell.batch(), cell.momentum(), cell.scalingK());
    }
    Extras extras = Extras.CLOSED_FORM.withSolver(solver, Double.NaN).withScalingRatio(ratio);
    return new Outcome(p, critical, baselines, tails, extras);
  }

  // ------------------------------------------------------------------ input noise

  private static Outcome inputNoise(Cell cell) {
    final double[] a = cell.spectrum();
    final double[] b = cell.inputNoiseVector();
    InputNoiseTheory.Result r;
    double critical;
    String solver;
    // B = σ_x²·I commutes with any rotation; a B spectrum on the coordinate axes does not.
    final boolean isotropicB = !Double.isNaN(cell.inputNoiseVar());
    if (scalarLr(cell) && (cell.rotation() == 0 || isotropicB) && !cell.matrices()) {
      r = InputNoiseTheory.ofSpectrum(a, b, Rotations.teacherInEigenbasis(cell), cell.lr(),
          cell.batch(), cell.momentum());
      critical = r.criticalLr();
      solver = "closed_form";
    } else {
      DMatrixRMaj am = featureCovariance(cell);
      DMatrixRMaj bm = CommonOps_DDRM.diag(b);
      DMatrixRMaj lambda0 = lrMatrix0(cell, am);
      DMatrixRMaj lambda = lambda0.copy();
      CommonOps_DDRM.scale(cell.lr(), lambda);
      r = InputNoiseTheory.solve(am, bm, cell.teacherVector(), lambda, cell.batch(),
          cell.momentum());
      critical = InputNoiseTheory.criticalScale(am, bm, lambda0, cell.batch(), cell.momentum());
      solver = "reduction";
    }
    Prediction t = r.theory();
    Prediction paper = t.diverges() ? t : new Prediction(false, t.kappa(), t.trASigma(),
        t.traceSigma(), t.lTrain(), r.paperLTest(), t.traceNoise(), null, null);
    Extras extras = Extras.CLOSED_FORM.withSolver(solver, Double.NaN)
        .withPaper(paper, Double.NaN).withSigmaEff2(r.sigmaEff2());
    return new Outcome(t, critical, scalarLr(cell) ? r.baselines() : null, null, extras);
  }

  // ------------------------------------------------------------------ l2

  private static Outcome l2(Cell cell) {
    final double[] a = cell.spectrum();
    if (scalarLr(cell)) {
      // Γ = γI and scalar λ commute with any rotation: exact in A's eigenbasis with Rᵀu.
      final double[] u = Rotations.teacherInEigenbasis(cell);
      L2Theory.Result r = cell.matrices()
          ? L2Theory.solveSpectrum(a, cell.weightDecay(), u, cell.lr(), cell.batch(),
              cell.momentum())
          : L2Theory.ofSpectrum(a, cell.weightDecay(), u, cell.lr(), cell.batch(),
              cell.momentum());
      L2Theory.GammaStar g = L2Theory.gammaStar(a, u, cell.lr(), cell.batch(), cell.momentum());
      Boolean paperNegative = cell.dim() == 1 && cell.momentum() == 0
          ? L2Theory.paperNegativeGammaStar1d(a[0] * cell.lr(), cell.batch()) : null;
      Extras extras = Extras.CLOSED_FORM.withGammaStar(g.exists() ? g.gamma() : Double.NaN,
          g.exists() ? g.lTest() : Double.NaN, g.exists() ? g.gamma() < 0 : null, paperNegative);
      return new Outcome(toCoordinates(cell, r.theory()), r.criticalLr(), r.baselines(), null,
          extras);
    }
    DMatrixRMaj am = featureCovariance(cell);
    L2Theory.Iterative r = L2Theory.solveMatrixLr(am, cell.weightDecay(), cell.teacherVector(),
        lrMatrix0(cell, am), cell.lr(), cell.batch(), cell.momentum());
    return new Outcome(r.theory(), r.criticalLr(), null, null,
        Extras.CLOSED_FORM.withSolver("iterative", r.relativeResidual()));
  }

  // ------------------------------------------------------------------ high_dim, dnm, ngd

  private static Outcome highDim(Cell cell) {
    HighDimTheory.Result r = HighDimTheory.marchenkoPastur(cell.dim(), cell.alpha(),
        cell.spectrum()[0], cell.lr(), cell.batch(), cell.momentum(), cell.labelNoiseVar());
    Extras extras = Extras.CLOSED_FORM.withPaper(r.paper(), r.paperCriticalLr())
        .withHessianTrASigma(r.hessianTrASigma());
    return new Outcome(r.theory(), r.criticalLr(), null, null, extras);
  }

  private static Outcome dampedNewton(Cell cell) {
    Prediction p = SecondOrderTheory.dampedNewton(cell.spectrum(), cell.lr(), cell.batch(),
        cell.momentum(), cell.labelNoiseVar());
    final double critical = SecondOrderTheory.dampedNewtonCriticalLr(cell.dim(), cell.batch(),
        cell.momentum());
    return new Outcome(p, critical, null, null, Extras.CLOSED_FORM);
  }

  private static Outcome naturalGradient(Cell cell) {
    Prediction p = SecondOrderTheory.naturalGradient(cell.spectrum(), cell.lr(), cell.batch(),
        cell.momentum(), cell.labelNoiseVar());
    // Self-stabilising: for σ² > 0 every λ has a stationary state (σ² = 0 is marginal).
    return new Outcome(p, SecondOrderTheory.NATURAL_GRADIENT_CRITICAL_LR, null, null,
        Extras.CLOSED_FORM);
  }

  // ------------------------------------------------------------------ matrices of a cell

  private static boolean scalarLr(Cell cell) {
    return cell.lrMatrix().type() == LrMatrix.Type.SCALAR;
  }

  /** Λ scalar and A diagonal: everything is diagonal in the coordinate basis. */
  private static boolean diagonalPath(Cell cell) {
    return scalarLr(cell) && cell.rotation() == 0;
  }

  /** A = R diag(spectrum) Rᵀ (R = I without rotation). */
  static DMatrixRMaj featureCovariance(Cell cell) {
    final double[] a = cell.spectrum();
    if (cell.rotation() == 0) {
      return CommonOps_DDRM.diag(a);
    }
    return rotate(Rotations.haar(cell.dim(), cell.rotation()), a);
  }

  /** R diag(d) Rᵀ. */
  private static DMatrixRMaj rotate(DMatrixRMaj r, double[] d) {
    final int n = d.length;
    DMatrixRMaj rd = r.copy();
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        rd.unsafe_set(i, j, rd.unsafe_get(i, j) * d[j]);
      }
    }
    DMatrixRMaj out = new DMatrixRMaj(n, n);
    CommonOps_DDRM.multTransB(rd, r, out);
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        final double s = 0.5 * (out.unsafe_get(i, j) + out.unsafe_get(j, i));
        out.unsafe_set(i, j, s);
        out.unsafe_set(j, i, s);
      }
    }
    return out;
  }

  /** Λ₀: I, A⁻¹ (newton) or the given diagonal, in the coordinate basis. */
  private static DMatrixRMaj lrMatrix0(Cell cell, DMatrixRMaj a) {
    return switch (cell.lrMatrix().type()) {
      case SCALAR -> CommonOps_DDRM.identity(cell.dim());
      case DIAGONAL -> CommonOps_DDRM.diag(cell.lrMatrix().diagonal());
      case NEWTON -> {
        final double[] inv = new double[cell.dim()];
        for (int i = 0; i < inv.length; i++) {
          inv[i] = 1.0 / cell.spectrum()[i];
        }
        yield cell.rotation() == 0 ? CommonOps_DDRM.diag(inv)
            : rotate(Rotations.haar(cell.dim(), cell.rotation()), inv);
      }
    };
  }

  /**
   * A prediction solved in A's eigenbasis with its Σ and C back in the coordinate basis (RΣRᵀ,
   * RCRᵀ); unchanged without rotation or matrices. Traces and losses are invariant.
   */
  private static Prediction toCoordinates(Cell cell, Prediction p) {
    if (cell.rotation() == 0 || p.sigma() == null) {
      return p;
    }
    DMatrixRMaj r = Rotations.haar(cell.dim(), cell.rotation());
    return new Prediction(p.diverges(), p.kappa(), p.trASigma(), p.traceSigma(), p.lTrain(),
        p.lTest(), p.traceNoise(), Rotations.conjugate(r, p.sigma()),
        p.noise() == null ? null : Rotations.conjugate(r, p.noise()));
  }
}
