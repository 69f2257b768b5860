package org.sgdnoise.core.result;

import java.util.ArrayList;
import java.util.List;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.sim.Estimate;
import org.sgdnoise.core.sim.LabelNoiseSimulator;
import org.sgdnoise.core.sim.ReplicateResult;
import org.sgdnoise.core.spec.Kind;
import org.sgdnoise.core.theory.HessianBaselines;
import org.sgdnoise.core.theory.LabelNoiseTheory;
import org.sgdnoise.core.theory.TailIndex;
import org.sgdnoise.core.theory.Prediction;

/**
 * Computes a cell: theory, critical learning rate, and every replicate's simulation. Pure: the
 * same cell gives the same result (bit for bit, apart from wall times) wherever it runs.
 */
public final class CellEvaluator {
  private CellEvaluator() {}

  public static CellResult evaluate(Cell cell) {
    if (cell.kind() != Kind.LABEL_NOISE) {
      throw new IllegalArgumentException("Cannot evaluate cell: kind not supported yet: "
          + cell.kind().yamlName());
    }
    final long t0 = System.nanoTime();
    Prediction theory = LabelNoiseTheory.ofSpectrum(cell.spectrum(), cell.lr(), cell.batch(),
        cell.momentum(), cell.labelNoiseVar());
    double critical = LabelNoiseTheory.criticalLr(cell.spectrum(), cell.batch(),
        cell.momentum());
    List<ReplicateResult> reps = new ArrayList<>();
    int diverged = 0;
    final int nrep = cell.simulate().enabled() ? cell.simulate().replicates() : 0;
    for (int r = 0; r < nrep; r++) {
      ReplicateResult rr = LabelNoiseSimulator.run(cell, r);
      reps.add(rr);
      if (rr.diverged()) {
        diverged++;
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
    HessianBaselines.Baseline[] baselines = cell.momentum() == 0
        ? HessianBaselines.labelNoise(cell.spectrum(), cell.lr(), cell.batch(),
            cell.labelNoiseVar())
        : null;
    CellResult.Tails tails = null;
    if (cell.dim() == 1 && cell.momentum() == 0) {
      final double aLr = cell.spectrum()[0] * cell.lr();
      tails = new CellResult.Tails(TailIndex.kesten(aLr, cell.batch()),
          TailIndex.paper(aLr, cell.batch()), TailIndex.continuousTime(aLr, cell.batch()));
    }
    return new CellResult(cell, theory, critical, reps, trace, train, test, fraction,
        (System.nanoTime() - t0) / 1_000_000, baselines, tails, null);
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
