package org.sgdnoise.core.result;

import java.util.List;
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
 * @param traceSigma pooled over non-diverged replicates; missing if any replicate diverged
 * @param lTrain likewise
 * @param lTest likewise
 * @param divergedFraction fraction of replicates that diverged (NaN without simulation)
 * @param wallMs wall-clock milliseconds for the whole cell
 * @param baselines the continuous- and discrete-time Hessian approximations (Appendix B), or
 *     {@code null} where they are not defined (μ ≠ 0)
 * @param tails tail indices, or {@code null} where not defined (D ≠ 1 or μ ≠ 0)
 * @param error why the cell could not be computed (a bug, not divergence), or {@code null};
 *     when set, {@code theory} is {@code null} and every estimate is missing
 */
public record CellResult(
    Cell cell,
    Prediction theory,
    double criticalLr,
    List<ReplicateResult> replicates,
    Estimate traceSigma,
    Estimate lTrain,
    Estimate lTest,
    double divergedFraction,
    long wallMs,
    HessianBaselines.Baseline[] baselines,
    Tails tails,
    String error) {

  /**
   * Tail indices of the stationary law (1-d, μ = 0).
   *
   * @param kesten the exact index (NaN: no stationary law; +∞: beyond 1000)
   * @param paper Proposition 7 as printed
   * @param continuousTime the continuous-time value
   */
  public record Tails(double kesten, double paper, double continuousTime) {}

  public CellResult {
    replicates = List.copyOf(replicates);
  }

  /** A cell whose computation threw: recorded with its error, every result missing. */
  public static CellResult failed(Cell cell, Throwable error, long wallMs) {
    String msg = error.getClass().getName() + ": " + error.getMessage();
    return new CellResult(cell, null, Double.NaN, List.of(), Estimate.MISSING, Estimate.MISSING,
        Estimate.MISSING, Double.NaN, wallMs, null, null, msg);
  }

  /** Smallest divergence step over the replicates, or -1. */
  public long firstDivergedStep() {
    long first = -1;
    for (ReplicateResult r : replicates) {
      if (r.diverged() && (first < 0 || r.divergedStep() < first)) {
        first = r.divergedStep();
      }
    }
    return first;
  }
}
