package org.sgdnoise.core.result;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.sim.Estimate;
import org.sgdnoise.core.sim.LabelNoiseSimulator;
import org.sgdnoise.core.sim.ReplicateResult;
import org.sgdnoise.core.spec.Simulate;
import org.sgdnoise.core.theory.FiniteDataTheory;
import org.sgdnoise.core.theory.Prediction;

/**
 * Computes a cell: theory (by kind, see {@link KindTheory}), critical learning rate, every
 * replicate's simulation and, in dataset mode, the exact theory of each replicate's data set.
 * Pure: the same cell gives the same result (bit for bit, apart from wall times) wherever it
 * runs.
 */
public final class CellEvaluator {
  private CellEvaluator() {}

  public static CellResult evaluate(Cell cell) {
    final long t0 = System.nanoTime();
    KindTheory.Outcome theory = KindTheory.of(cell);
    List<ReplicateResult> reps = new ArrayList<>();
    List<Prediction> finite = new ArrayList<>();
    int diverged = 0;
    final int nrep = cell.simulate().enabled() ? cell.simulate().replicates() : 0;
    final boolean dataset = cell.simulate().mode() == Simulate.Mode.DATASET;
    for (int r = 0; r < nrep; r++) {
      // The replicate's data set is made once, for the chain and for its exact theory.
      LabelNoiseSimulator.Dataset data = dataset ? LabelNoiseSimulator.dataset(cell, r) : null;
      ReplicateResult rr = LabelNoiseSimulator.run(cell, r, data);
      reps.add(rr);
      if (rr.diverged()) {
        diverged++;
      }
      if (dataset) {
        finite.add(finiteTheory(cell, data));
      }
    }
    Estimate trace = Estimate.MISSING;
    Estimate train = Estimate.MISSING;
    Estimate test = Estimate.MISSING;
    if (nrep > 0 && diverged == 0) {
      trace = pool(reps, 0);
      train = pool(reps, 1);
      test = pool(reps, 2);
    }
    double fraction = nrep == 0 ? Double.NaN : (double) diverged / nrep;
    return new CellResult(cell, theory.theory(), theory.criticalLr(), reps, trace, train, test,
        fraction, (System.nanoTime() - t0) / 1_000_000, theory.baselines(), theory.tails(), null,
        theory.extras(), finite);
  }

  /**
   * The exact theory of a replicate's own data set {@code d} (Prop. 8 + Theorem 1 with its
   * empirical moments), in the simulator's shifted coordinates (teacher 0).
   */
  static Prediction finiteTheory(Cell cell, LabelNoiseSimulator.Dataset d) {
    DMatrixRMaj a = CommonOps_DDRM.diag(cell.spectrum());
    DMatrixRMaj lambda = CommonOps_DDRM.identity(cell.dim());
    CommonOps_DDRM.scale(cell.lr(), lambda);
    return FiniteDataTheory.predict(d.xs(), d.ys(), d.rows(), d.dim(), 0.0, a,
        new double[cell.dim()], lambda, cell.batch(), cell.momentum(),
        cell.simulate().sampling() == Simulate.Sampling.WITHOUT_REPLACEMENT
            ? FiniteDataTheory.Sampling.WITHOUT_REPLACEMENT
            : FiniteDataTheory.Sampling.WITH_REPLACEMENT);
  }

  /** Pools the batch means of all replicates (independent chains) into one estimate. */
  private static Estimate pool(List<ReplicateResult> reps, int which) {
    int total = 0;
    for (ReplicateResult r : reps) {
      total += r.batchTraceSigma().length;
    }
    double[] all = new double[total];
    int k = 0;
    for (ReplicateResult r : reps) {
      double[] src = switch (which) {
        case 0 -> r.batchTraceSigma();
        case 1 -> r.batchLTrain();
        default -> r.batchLTest();
      };
      System.arraycopy(src, 0, all, k, src.length);
      k += src.length;
    }
    return Estimate.ofBatchMeans(all);
  }
}
