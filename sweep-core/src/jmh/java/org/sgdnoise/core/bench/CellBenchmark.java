package org.sgdnoise.core.bench;

import java.util.concurrent.TimeUnit;
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

/**
 * Time per analytic cell (theory only, everything a cell row needs: prediction, critical
 * learning rate, baselines, extras) at D = 1, 10, 100, 1000, one cell per operation, for each
 * of the engine's three methods (docs/theory.md):
 *
 * <ul>
 *   <li>{@code closed_form}: label noise, A = diag(1/k), scalar λ = 0.5 λ_c, S = 8, μ = 0.5;
 *   <li>{@code reduction}: the same A rotated by a Haar rotation and a diagonal learning-rate
 *       matrix diag(1 + k/D) that does not commute with it (exact eigenbasis reduction);
 *   <li>{@code iterative}: l2 (γ = 0.1, teacher 1) with that rotated A and that learning-rate
 *       matrix: Theorem 1 solved iteratively, plus the critical scale by root finding.
 * </ul>
 *
 * The learning rate is fixed per (path, D) at half the cell's critical value, found once in
 * setup. Run single-shot for the slow cases, e.g. {@code scripts/jmh CellBenchmark -f 1 -wi 1
 * -i 3}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CellBenchmark {

  /** One cell of the given path and dimension. */
  @State(Scope.Benchmark)
  public static class OneCell {
    @Param({"closed_form", "reduction", "iterative"})
    public String path;

    @Param({"1", "10", "100", "1000"})
    public int dim;

    private Cell cell;

    @Setup
    public void setUp() {
      // Find λ_c once at a small λ, then build the benchmarked cell at half of it.
      final double lc = CellEvaluator.evaluate(plan(1e-6).cell(0)).criticalLr();
      cell = plan(0.5 * lc).cell(0);
      CellResult r = CellEvaluator.evaluate(cell);
      if (r.error() != null || r.theory().diverges()) {
        throw new IllegalStateException("Cannot benchmark: the cell fails or diverges: " + path
            + " D=" + dim + ": " + r.error());
      }
    }

    private SweepPlan plan(double lr) {
      StringBuilder spectrum = new StringBuilder();
      StringBuilder lrDiag = new StringBuilder();
      for (int k = 1; k <= dim; k++) {
        spectrum.append(k == 1 ? "" : ", ").append(1.0 / k);
        lrDiag.append(k == 1 ? "" : ", ").append(1.0 + (double) k / dim);
      }
      final boolean rotated = !path.equals("closed_form");
      String yaml = "name: bench\n"
          + "kind: " + (path.equals("iterative") ? "l2" : "label_noise") + "\n"
          + (rotated ? "lr_matrix: [" + lrDiag + "]\n" : "")
          + "params:\n"
          + "  lr: " + lr + "\n"
          + "  batch: 8\n"
          + "  momentum: " + (path.equals("iterative") ? "0.0" : "0.5") + "\n"
          + "  spectrum: [" + spectrum + "]\n"
          + (rotated && dim > 1 ? "  rotation: 7\n" : "")
          + (path.equals("iterative") ? "  weight_decay: 0.1\n  teacher: 1.0\n" : "");
      return SweepPlan.of(SweepSpec.parse("bench.yaml", yaml));
    }
  }

  @Benchmark
  public CellResult evaluate(OneCell s) {
    return CellEvaluator.evaluate(s.cell);
  }
}
