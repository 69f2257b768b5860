package org.sgdnoise.core.result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.ejml.dense.row.CommonOps_DDRM;
import org.sgdnoise.core.data.ImageDataSets;
import org.sgdnoise.core.nn.Logistic;
import org.sgdnoise.core.nn.Mlp;
import org.sgdnoise.core.nn.Model;
import org.sgdnoise.core.nn.Trainer;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.result.CellResult.Simulation;
import org.sgdnoise.core.sim.Estimate;
import org.sgdnoise.core.sim.Problem;
import org.sgdnoise.core.sim.ReplicateResult;
import org.sgdnoise.core.sim.Simulator;
import org.sgdnoise.core.spec.Kind;
import org.sgdnoise.core.spec.Simulate;
import org.sgdnoise.core.spec.Train;
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
    if (cell.kind().trains()) {
      return train(cell, t0);
    }
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
    if (nrep > 0 && diverged == 0 && dataset) {
      // Each replicate has its own data set, with its own exact stationary values: their spread
      // is not Monte Carlo error. The mean's error is that of the chains around their own data
      // sets, √(Σ se_r²)/R, what a comparison with the finite-data theory needs.
      sim = new Simulation(acrossDataSets(reps, ReplicateResult::traceSigma),
          acrossDataSets(reps, ReplicateResult::lTrain),
          acrossDataSets(reps, ReplicateResult::lTest),
          acrossDataSets(reps, ReplicateResult::traceNoise),
          org.sgdnoise.core.sim.HillTail.pool(all(reps, ReplicateResult::tailGroups)),
          meanAutocorrTime(reps), meanSigma(reps, cell.dim()),
          acrossDataSets(reps, ReplicateResult::sigmaMaxEigenvalue));
    } else if (nrep > 0 && diverged == 0) {
      sim = new Simulation(pool(reps, ReplicateResult::batchTraceSigma),
          pool(reps, ReplicateResult::batchLTrain), pool(reps, ReplicateResult::batchLTest),
          pool(reps, ReplicateResult::batchTraceNoise),
          org.sgdnoise.core.sim.HillTail.pool(all(reps, ReplicateResult::tailGroups)),
          meanAutocorrTime(reps), meanSigma(reps, cell.dim()),
          pool(reps, ReplicateResult::batchSigmaMaxEigenvalue));
    }
    double fraction = nrep == 0 ? Double.NaN : (double) diverged / nrep;
    return new CellResult(cell, theory.theory(), theory.criticalLr(), reps, sim, fraction,
        (System.nanoTime() - t0) / 1_000_000, theory.baselines(), theory.tails(), null,
        theory.extras(), finite, null);
  }

  /**
   * A real-data cell: each replicate trains the cell's model from its own seed on the data set
   * (loaded once per JVM) and is measured; no theory.
   */
  private static CellResult train(Cell cell, long t0) {
    final Train t = cell.train();
    final ImageDataSets.Split data;
    try {
      data = ImageDataSets.load(
          ImageDataSets.resolve(t.data()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    final int features = data.train().features();
    final int classes = data.train().classes();
    List<Trainer.Result> runs = new ArrayList<>();
    for (int r = 0; r < t.replicates(); r++) {
      Model model = cell.kind() == Kind.MLP
          ? new Mlp(features, cell.width(), classes, t.loss())
          : new Logistic(features, classes);
      runs.add(Trainer.run(model, data.train(), data.test(),
          new Trainer.Settings(t.optimizer(), cell.effectiveLr(),
              cell.momentum(), cell.weightDecay(), cell.batch(), t.steps(),
              t.trainRows() == 0 ? Integer.MAX_VALUE : t.trainRows(),
              t.testRows() == 0 ? Integer.MAX_VALUE : t.testRows(), t.evaluations(),
              t.window(), t.noiseRows(), cell.replicateSeed(r))));
    }
    CellResult.Training training = CellResult.Training.of(runs);
    return new CellResult(cell, null, Double.NaN, List.of(), Simulation.NONE,
        training.divergedFraction(), (System.nanoTime() - t0) / 1_000_000, null, null, null,
        null, List.of(), training);
  }

  /**
   * The exact theory of a replicate's own data set {@code d} (Prop. 8 + Theorem 1 with its
   * empirical moments), in the problem's coordinates (A's eigenbasis), for SGD started where
   * the chain starts.
   */
  static Prediction finiteTheory(Cell cell, Problem pr, Simulator.Dataset d) {
    return FiniteDataTheory.predict(d.widened(), d.ys(), d.rows(), d.dim(), pr.gamma(),
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

  /**
   * The mean of the replicates' estimates, with the standard error of that mean given each
   * replicate's own (independent chains on different data sets): √(Σ se_r²)/R.
   */
  private static Estimate acrossDataSets(List<ReplicateResult> reps,
      java.util.function.Function<ReplicateResult, Estimate> of) {
    double sum = 0;
    double var = 0;
    int batches = 0;
    for (ReplicateResult r : reps) {
      Estimate e = of.apply(r);
      sum += e.mean();
      var += e.se() * e.se();
      batches += e.batches();
    }
    final int n = reps.size();
    return new Estimate(sum / n, Math.sqrt(var) / n, batches);
  }

  /** Pools the batch means of all replicates (independent chains) into one estimate. */
  private static Estimate pool(List<ReplicateResult> reps,
      java.util.function.Function<ReplicateResult, double[]> values) {
    return Estimate.ofBatchMeans(all(reps, values));
  }

  /** The replicates' values, concatenated in replicate order. */
  private static double[] all(List<ReplicateResult> reps,
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
    return all;
  }
}
