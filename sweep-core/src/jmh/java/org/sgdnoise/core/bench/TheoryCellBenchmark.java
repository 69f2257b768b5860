package org.sgdnoise.core.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.result.CellEvaluator;
import org.sgdnoise.core.result.CellResult;
import org.sgdnoise.core.spec.SweepSpec;
import org.sgdnoise.core.theory.LabelNoiseTheory;
import org.sgdnoise.core.theory.Prediction;

/**
 * Time per analytic cell, and its parts.
 *
 * <ul>
 *   <li>{@code evaluateCell}: {@link CellEvaluator#evaluate} of 1-d label-noise cells without
 *       simulation (theory, critical rate, baselines and the three tail indices), over the grid
 *       of {@link TailIndexBenchmark} (λ log-spaced on [10⁻³, 2] with A = [1], S from 1 to 10⁴),
 *       planned from a sweep file by {@link SweepPlan}; one cell per operation, in a fixed
 *       shuffled order; {@code cells=moderate} keeps those with Proposition 7 index ≤ 1000.
 *   <li>{@code ofSpectrum}: {@link LabelNoiseTheory#ofSpectrum} (O(D)) for A = diag(1/k), k =
 *       1..D, λ = 0.5 λ_c, S = 8, μ = 0.5.
 *   <li>{@code solve}: {@link LabelNoiseTheory#solve} (one symmetric eigendecomposition, O(D³))
 *       for seeded random SPD A and Λ, Λ scaled to half its critical scale, S = 8, μ = 0.5.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TheoryCellBenchmark {
  private static final long SEED = 20220125L;
  private static final int BATCH = 8;
  private static final double MOMENTUM = 0.5;
  private static final double SIGMA2 = 1.0;
  /** Fraction of the critical learning rate (or scale) used: well inside the stable region. */
  private static final double LR_FRACTION = 0.5;

  /** The 1-d cells of the tail-index grid, planned from a sweep file. */
  @State(Scope.Benchmark)
  public static class Cells {
    /** {@code all} the grid, or its {@code moderate} cells (see TailIndexBenchmark). */
    @Param({"all", "moderate"})
    public String cells;

    private Cell[] grid;
    private int next;

    @Setup
    public void setUp() {
      StringBuilder batches = new StringBuilder();
      java.util.TreeSet<Integer> sizes = new java.util.TreeSet<>();
      for (double[] p : TailIndexBenchmark.grid()) {
        sizes.add((int) p[1]);
      }
      for (int s : sizes) {
        batches.append(batches.length() == 0 ? "" : ", ").append(s);
      }
      final String yaml = "name: bench-1d\n"
          + "kind: label_noise\n"
          + "params:\n"
          + "  lr: {logspace: {from: " + TailIndexBenchmark.LR_MIN + ", to: "
          + TailIndexBenchmark.LR_MAX + ", num: " + TailIndexBenchmark.LR_POINTS + "}}\n"
          + "  batch: [" + batches + "]\n"
          + "  momentum: 0.0\n"
          + "  label_noise_var: 1.0\n"
          + "  spectrum: [1.0]\n";
      SweepPlan plan = SweepPlan.of(SweepSpec.parse("bench-1d.yaml", yaml));
      java.util.List<Cell> kept = new java.util.ArrayList<>();
      for (long i = 0; i < plan.size(); i++) {
        final Cell c = plan.cell(i);
        if (cells.equals("all")
            || TailIndexBenchmark.moderate(c.lr() * c.spectrum()[0], c.batch())) {
          kept.add(c);
        }
      }
      grid = kept.toArray(new Cell[0]);
      SplittableRandom rng = new SplittableRandom(SEED);
      for (int i = grid.length - 1; i > 0; i--) {
        final int j = rng.nextInt(i + 1);
        final Cell t = grid[i];
        grid[i] = grid[j];
        grid[j] = t;
      }
      next = 0;
    }
  }

  /** A = diag(1/k), k = 1..D. */
  @State(Scope.Benchmark)
  public static class Spectrum {
    @Param({"1", "10", "100", "1000"})
    public int dim;

    private double[] spectrum;
    private double lr;

    @Setup
    public void setUp() {
      spectrum = new double[dim];
      for (int k = 0; k < dim; k++) {
        spectrum[k] = 1.0 / (k + 1);
      }
      lr = LR_FRACTION * LabelNoiseTheory.criticalLr(spectrum, BATCH, MOMENTUM);
      if (LabelNoiseTheory.ofSpectrum(spectrum, lr, BATCH, MOMENTUM, SIGMA2).diverges()) {
        throw new IllegalStateException("Cannot benchmark: the spectrum cell diverges: " + dim);
      }
    }
  }

  /** Seeded random SPD A = GGᵀ/D + 0.1 I and Λ₀ = HHᵀ/D + 0.1 I, Λ = Λ₀ × half its c_crit. */
  @State(Scope.Benchmark)
  public static class Matrices {
    @Param({"10", "100", "1000"})
    public int dim;

    private DMatrixRMaj a;
    private DMatrixRMaj lambda;

    @Setup
    public void setUp() {
      SplittableRandom rng = new SplittableRandom(SEED + dim);
      a = randomSpd(dim, rng);
      lambda = randomSpd(dim, rng);
      final double scale = LabelNoiseTheory.criticalScale(a, lambda, BATCH, MOMENTUM);
      CommonOps_DDRM.scale(LR_FRACTION * scale, lambda);
      if (LabelNoiseTheory.solve(a, lambda, BATCH, MOMENTUM, SIGMA2).diverges()) {
        throw new IllegalStateException("Cannot benchmark: the matrix cell diverges: " + dim);
      }
    }

    private static DMatrixRMaj randomSpd(int dim, SplittableRandom rng) {
      DMatrixRMaj g = new DMatrixRMaj(dim, dim);
      for (int i = 0; i < g.data.length; i++) {
        g.data[i] = 2 * rng.nextDouble() - 1;
      }
      DMatrixRMaj m = new DMatrixRMaj(dim, dim);
      CommonOps_DDRM.multTransB(g, g, m);
      CommonOps_DDRM.scale(1.0 / dim, m);
      for (int i = 0; i < dim; i++) {
        m.add(i, i, 0.1);
      }
      return m;
    }
  }

  @Benchmark
  public CellResult evaluateCell(Cells s) {
    final int i = s.next;
    s.next = i + 1 == s.grid.length ? 0 : i + 1;
    return CellEvaluator.evaluate(s.grid[i]);
  }

  @Benchmark
  public Prediction ofSpectrum(Spectrum s) {
    return LabelNoiseTheory.ofSpectrum(s.spectrum, s.lr, BATCH, MOMENTUM, SIGMA2);
  }

  @Benchmark
  public Prediction solve(Matrices m) {
    return LabelNoiseTheory.solve(m.a, m.lambda, BATCH, MOMENTUM, SIGMA2);
  }
}
