package org.sgdnoise.core.result;

import java.util.List;
import org.sgdnoise.core.nn.Trainer;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.sim.Estimate;
import org.sgdnoise.core.sim.ReplicateResult;
import org.sgdnoise.core.theory.HessianBaselines;
import org.sgdnoise.core.theory.Prediction;

/**
 * Everything computed for one cell: the theory, the critical learning rate, each replicate and
 * the pooled simulation estimates. Rows of the {@code cells} and {@code replicates} tables are
 * read from it through {@link Tables}.
 *
 * @param cell the cell
 * @param theory the stationary prediction
 * @param criticalLr λ_c for the cell's other parameters
 * @param replicates one result per replicate (empty when simulate.mode is none)
 * @param sim the estimates pooled over replicates; {@link Simulation#NONE} without simulation or
 *     if any replicate diverged
 * @param divergedFraction fraction of replicates that diverged (NaN without simulation)
 * @param wallMs wall-clock milliseconds for the whole cell
 * @param baselines the continuous- and discrete-time Hessian approximations (Appendix B), or
 *     {@code null} where they are not defined (μ ≠ 0)
 * @param tails tail indices, or {@code null} where not defined (D ≠ 1 or μ ≠ 0)
 * @param error why the cell could not be computed (a bug, not divergence), or {@code null};
 *     when set, {@code theory} is {@code null} and every estimate is missing
 * @param extras the kind-specific theory results and the paper's printed versions
 * @param finite the exact finite-data theory of each replicate's data set (dataset mode, one per
 *     replicate, in replicate order), empty otherwise
 * @param training what the real-data kinds measured ({@link Training}), {@code null} for the
 *     linear kinds and failed cells
 */
public record CellResult(
    Cell cell,
    Prediction theory,
    double criticalLr,
    List<ReplicateResult> replicates,
    Simulation sim,
    double divergedFraction,
    long wallMs,
    HessianBaselines.Baseline[] baselines,
    Tails tails,
    String error,
    Extras extras,
    List<Prediction> finite,
    Training training) {

  /**
   * Theory results only some kinds have, and the paper's printed versions where they differ
   * from the corrected theory. NaN / {@code null} where not defined.
   *
   * @param paper the paper's printed formulas where they differ (input-noise L_test, the
   *     high-dimensional G), or {@code null}
   * @param paperCriticalLr λ_c from the paper's printed stability condition (high_dim), or NaN
   * @param gammaStar γ* = argmin_γ L_test at the cell's other parameters (l2), or NaN
   * @param gammaStarLTest L_test(γ*), or NaN
   * @param gammaStarNegative γ* < 0 (l2 with a stable γ), or {@code null}
   * @param paperGammaStarNegative Corollary 1 as printed (eq. 168), 1-d l2 only, or {@code null}
   * @param scalingRatio Σ(kλ, kS)/Σ(λ, S) in Tr[AΣ] for scaling_k = k, or NaN
   * @param sigmaEff2 σ_eff² = uᵀAK⁻¹Bu (input noise), or NaN
   * @param solver how Σ was obtained: closed_form, reduction or iterative
   * @param solverResidual relative residual of Theorem 1 for the iterative solver, or NaN
   * @param hessianTrASigma the Hessian-approximation comparator of the paper's Figure 6
   *     (high_dim), or NaN
   */
  public record Extras(Prediction paper, double paperCriticalLr, double gammaStar,
      double gammaStarLTest, Boolean gammaStarNegative, Boolean paperGammaStarNegative,
      double scalingRatio, double sigmaEff2, String solver, double solverResidual,
      double hessianTrASigma) {
    /** Nothing beyond the common theory, obtained in closed form. */
    public static final Extras CLOSED_FORM = new Extras(null, Double.NaN, Double.NaN, Double.NaN,
        null, null, Double.NaN, Double.NaN, "closed_form", Double.NaN, Double.NaN);

    public Extras withPaper(Prediction p, double criticalLr) {
      return new Extras(p, criticalLr, gammaStar, gammaStarLTest, gammaStarNegative,
          paperGammaStarNegative, scalingRatio, sigmaEff2, solver, solverResidual,
          hessianTrASigma);
    }

    public Extras withGammaStar(double g, double lTest, Boolean negative, Boolean paperNegative) {
      return new Extras(paper, paperCriticalLr, g, lTest, negative, paperNegative, scalingRatio,
          sigmaEff2, solver, solverResidual, hessianTrASigma);
    }

    public Extras withScalingRatio(double r) {
      return new Extras(paper, paperCriticalLr, gammaStar, gammaStarLTest, gammaStarNegative,
          paperGammaStarNegative, r, sigmaEff2, solver, solverResidual, hessianTrASigma);
    }

    public Extras withSigmaEff2(double s2) {
      return new Extras(paper, paperCriticalLr, gammaStar, gammaStarLTest, gammaStarNegative,
          paperGammaStarNegative, scalingRatio, s2, solver, solverResidual, hessianTrASigma);
    }

    public Extras withSolver(String how, double residual) {
      return new Extras(paper, paperCriticalLr, gammaStar, gammaStarLTest, gammaStarNegative,
          paperGammaStarNegative, scalingRatio, sigmaEff2, how, residual, hessianTrASigma);
    }

    public Extras withHessianTrASigma(double v) {
      return new Extras(paper, paperCriticalLr, gammaStar, gammaStarLTest, gammaStarNegative,
          paperGammaStarNegative, scalingRatio, sigmaEff2, solver, solverResidual, v);
    }
  }

  /**
   * Tail indices of the stationary law (1-d, μ = 0).
   *
   * @param kesten the exact index (NaN: no stationary law; +∞: beyond 1000)
   * @param paper Proposition 7 as printed
   * @param continuousTime the continuous-time value
   */
  public record Tails(double kesten, double paper, double continuousTime) {}

  /**
   * Simulation estimates pooled over the replicates (batch means of independent chains).
   *
   * @param traceSigma Tr Σ
   * @param lTrain the training objective
   * @param lTest the test loss
   * @param traceNoise Tr C, the minibatch-noise covariance
   * @param tailIndex the Hill tail index of ‖w − w*‖, over every stretch of every replicate
   * @param autocorrTime the mean integrated autocorrelation time, in steps
   * @param sigma Σ averaged over replicates (row-major D×D), or {@code null}. Do not modify.
   * @param sigmaMaxEigenvalue the largest eigenvalue of Σ (MISSING without {@code sigma})
   */
  public record Simulation(Estimate traceSigma, Estimate lTrain, Estimate lTest,
      Estimate traceNoise, Estimate tailIndex, double autocorrTime, double[] sigma,
      Estimate sigmaMaxEigenvalue) {
    public static final Simulation NONE = new Simulation(Estimate.MISSING, Estimate.MISSING,
        Estimate.MISSING, Estimate.MISSING, Estimate.MISSING, Double.NaN, null,
        Estimate.MISSING);
  }

  /**
   * What the replicates of a real-data cell measured: each estimate is the mean over the
   * replicates with its standard error, their standard deviation over √R (NaN with one
   * replicate). Every estimate is {@link Estimate#MISSING} when a replicate diverged (its
   * training loss became non-finite), as the simulation's are.
   *
   * @param runs each replicate's result, in replicate order
   * @param testAccuracy test accuracy at the end
   * @param testLoss test loss at the end
   * @param bestTestAccuracy the highest test accuracy over the evaluations along the run
   * @param bestTestLoss the lowest test loss over the evaluations
   * @param trainLossMean mean minibatch objective over the window
   * @param trainLossVariance its variance over the window (the paper's Figure 1 left)
   * @param noiseTrace Tr C at the end, from per-example gradients
   * @param noiseTraceTheorem5 Theorem 5's form (2L/S)·Tr H − ‖∇L‖²/S at the same point
   */
  public record Training(List<Trainer.Result> runs, Estimate testAccuracy,
      Estimate testLoss, Estimate bestTestAccuracy, Estimate bestTestLoss, Estimate trainLossMean,
      Estimate trainLossVariance, Estimate noiseTrace, Estimate noiseTraceTheorem5) {
    public Training {
      runs = List.copyOf(runs);
    }

    /** Pools the replicates' results. */
    public static Training of(List<Trainer.Result> runs) {
      boolean diverged = runs.stream().anyMatch(Trainer.Result::diverged);
      java.util.function.Function<java.util.function.ToDoubleFunction<
          Trainer.Result>, Estimate> pool = f -> diverged
              ? Estimate.MISSING
              : Estimate.ofBatchMeans(runs.stream().mapToDouble(f).toArray());
      return new Training(runs, pool.apply(Trainer.Result::finalTestAccuracy),
          pool.apply(Trainer.Result::finalTestLoss),
          pool.apply(Trainer.Result::bestTestAccuracy),
          pool.apply(Trainer.Result::bestTestLoss),
          pool.apply(Trainer.Result::trainLossMean),
          pool.apply(Trainer.Result::trainLossVariance),
          pool.apply(Trainer.Result::noiseTrace),
          pool.apply(Trainer.Result::noiseTraceTheorem5));
    }

    /** The fraction of replicates that diverged. */
    public double divergedFraction() {
      return runs.stream().filter(Trainer.Result::diverged).count()
          / (double) runs.size();
    }

    /** The earliest divergence step over the replicates, or -1. */
    public long firstDivergedStep() {
      return runs.stream().filter(Trainer.Result::diverged)
          .mapToLong(Trainer.Result::divergedStep).min().orElse(-1);
    }
  }

  public CellResult {
    replicates = List.copyOf(replicates);
    finite = List.copyOf(finite);
  }

  /** The finite-data theory averaged over replicates (what the pooled estimate compares to). */
  public Prediction finiteMean() {
    if (finite.isEmpty()) {
      return null;
    }
    double tr = 0;
    double trA = 0;
    double train = 0;
    double test = 0;
    double noise = 0;
    for (Prediction p : finite) {
      if (p.diverges()) {
        return Prediction.divergent();
      }
      tr += p.traceSigma();
      trA += p.trASigma();
      train += p.lTrain();
      test += p.lTest();
      noise += p.traceNoise();
    }
    final int n = finite.size();
    return new Prediction(false, Double.NaN, trA / n, tr / n, train / n, test / n, noise / n,
        null, null);
  }

  /** A cell whose computation threw: recorded with its error, every result missing. */
  public static CellResult failed(Cell cell, Throwable error, long wallMs) {
    String msg = error.getClass().getName() + ": " + error.getMessage();
    return new CellResult(cell, null, Double.NaN, List.of(), Simulation.NONE, Double.NaN, wallMs,
        null, null, msg, null, List.of(), null);
  }

  /** Smallest divergence step over the replicates, or -1. */
  public long firstDivergedStep() {
    if (training != null) {
      return training.firstDivergedStep();
    }
    long first = -1;
    for (ReplicateResult r : replicates) {
      if (r.diverged() && (first < 0 || r.divergedStep() < first)) {
        first = r.divergedStep();
      }
    }
    return first;
  }
}
