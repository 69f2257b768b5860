package org.sgdnoise.core.result;

import java.util.ArrayList;
import java.util.List;
import org.ejml.dense.row.CommonOps_DDRM;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.result.CellResult.Simulation;
import org.sgdnoise.core.sim.Estimate;
import org.sgdnoise.core.sim.Problem;
import org.sgdnoise.core.sim.Simulator;
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
    final Problem problem = nrep > 0 ? Problem.of(cell) : null;
    for (int r = 0; r < nrep; r++) {
      // The replicate's data set is made once, for the chain and for its exact theory.
      Simulator.Dataset data = dataset ? Simulator.dataset(cell, problem, r) : null;
      ReplicateResult rr = Simulator.run(cell, problem, r, data,
          dataset ? Simulator.fit(problem, data) : null);
      reps.add(rr);
      if (rr.diverged()) {
        diverged++;
      }
      if (dataset) {
        finite.add(finiteTheory(cell, problem, data));
      }
    }
    Simulation sim = Simulation.NONE;
    if (nrep > 0 && diverged == 0) {
      sim = new Simulation(pool(reps, ReplicateResult::batchTraceSigma),
          pool(reps, ReplicateResult::batchLTrain), pool(reps, ReplicateResult::batchLTest),
          pool(reps, ReplicateResult::batchTraceNoise), pool(reps, ReplicateResult::tailGroups),
          meanAutocorrTime(reps), meanSigma(reps, cell.dim()));
    }
    double fraction = nrep == 0 ? Double.NaN : (double) diverged / nrep;
    return new CellResult(cell, theory.theory(), theory.criticalLr(), reps, sim, fraction,
        (System.nanoTime() - t0) / 1_000_000, theory.baselines(), theory.tails(), null,
        theory.extras(), finite);
  }

  /**
   * The exact theory of a replicate's own data set {@code d} (Prop. 8 + Theorem 1 with its
   * empirical moments), in the problem's coordinates (A's eigenbasis), for SGD started where
   * the chain starts.
   */
  static Prediction finiteTheory(Cell cell, Problem pr, Simulator.Dataset d) {
    return FiniteDataTheory.predict(d.xs(), d.ys(), d.rows(), d.dim(), pr.gamma(),
        CommonOps_DDRM.diag(cell.spectrum()), pr.teacher(),
        CommonOps_DDRM.diag(pr.preconditioner()), cell.batch(), cell.momentum(),
        cell.simulate().sampling() == Simulate.Sampling.WITHOUT_REPLACEMENT
            ? FiniteDataTheory.Sampling.WITHOUT_REPLACEMENT
            : FiniteDataTheory.Sampling.WITH_REPLACEMENT, pr.populationMinimiser());
  }

  private static double meanAutocorrTime(List<ReplicateResult> reps) {
    double sum = 0;
    for (ReplicateResult r : reps) {
      sum += r.autocorrTime();
    }
    return sum / reps.size();
  }

  /** Σ averaged over replicates (row-major), or {@code null} where it was not accumulated. */
  private static double[] meanSigma(List<ReplicateResult> reps, int dim) {
    double[] mean = new double[dim * dim];
    for (ReplicateResult r : reps) {
      if (r.sigma() == null) {
        return null;
      }
      for (int i = 0; i < mean.length; i++) {
        mean[i] += r.sigma()[i] / reps.size();
      }
    }
    return mean;
  }

  /** Pools the batch means of all replicates (independent chains) into one estimate. */
  private static Estimate pool(List<ReplicateResult> reps,
      java.util.function.Function<ReplicateResult, double[]> values) {
    int total = 0;
    for (ReplicateResult r : reps) {
      total += values.apply(r).length;
    }
    double[] all = new double[total];
    int k = 0;
    for (ReplicateResult r : reps) {
      double[] src = values.apply(r);
      System.arraycopy(src, 0, all, k, src.length);
      k += src.length;
    }
    return Estimate.ofBatchMeans(all);
  }
}
