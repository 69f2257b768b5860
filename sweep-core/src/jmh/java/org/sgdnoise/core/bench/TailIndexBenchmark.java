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
import org.sgdnoise.core.theory.TailIndex;

/**
 * The exact (Kesten) tail index over a realistic grid: aλ log-spaced on [10⁻³, 2] (50 values)
 * × S = round(10^(k/4)), k = 0..16 (1 to 10⁴, 15 distinct values). One operation is one call,
 * at the next cell of the chosen cells in a fixed shuffled order (so that any stretch of calls
 * samples the grid evenly); the score is the mean time per call:
 *
 * <ul>
 *   <li>{@code all}: the whole grid (most cells at small aλ or large S have β &gt; 1000: +∞);
 *   <li>{@code moderate}: the cells whose Proposition 7 index 2S/(aλ) − S is at most 1000 (β ≤
 *       1000 there, so all have a finite exact index). The adaptive quadrature that TailIndex
 *       used before takes milliseconds on each of them but up to minutes on some capped cells
 *       of the full grid (S ≥ 10³, aλ ~ 10⁻³), so only this set can be timed before and after.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TailIndexBenchmark {
  /** Number of aλ values on the grid. */
  static final int LR_POINTS = 50;
  static final double LR_MIN = 1e-3;
  static final double LR_MAX = 2;

  @Param({"all", "moderate"})
  public String cells;

  private static final long SHUFFLE_SEED = 20220125L;

  private double[] aLr;
  private int[] batch;
  private int next;

  /** The grid's (aλ, S) pairs, S outer, aλ inner. */
  static double[][] grid() {
    java.util.TreeSet<Integer> sizes = new java.util.TreeSet<>();
    for (int k = 0; k <= 16; k++) {
      sizes.add((int) Math.round(Math.pow(10, k / 4.0)));
    }
    double[][] out = new double[sizes.size() * LR_POINTS][];
    int n = 0;
    for (int s : sizes) {
      for (int i = 0; i < LR_POINTS; i++) {
        final double x = LR_MIN * Math.pow(LR_MAX / LR_MIN, i / (LR_POINTS - 1.0));
        out[n++] = new double[] {x, s};
      }
    }
    return out;
  }

  /** Whether Proposition 7's index is at most 1000 (then the exact one is finite too). */
  static boolean moderate(double aLr, int batch) {
    return TailIndex.paper(aLr, batch) <= TailIndex.MAX_INDEX;
  }

  @Setup
  public void setUp() {
    double[][] all = grid();
    double[] x = new double[all.length];
    int[] s = new int[all.length];
    int n = 0;
    for (int i = 0; i < all.length; i++) {
      final int b = (int) all[i][1];
      final boolean keep = switch (cells) {
        case "all" -> true;
        case "moderate" -> moderate(all[i][0], b);
        default -> throw new IllegalArgumentException("Cannot select cells: unknown: " + cells);
      };
      if (keep) {
        x[n] = all[i][0];
        s[n] = b;
        n++;
      }
    }
    // Fisher–Yates with a fixed seed.
    java.util.SplittableRandom rng = new java.util.SplittableRandom(SHUFFLE_SEED);
    for (int i = n - 1; i > 0; i--) {
      final int j = rng.nextInt(i + 1);
      final double tx = x[i];
      x[i] = x[j];
      x[j] = tx;
      final int ts = s[i];
      s[i] = s[j];
      s[j] = ts;
    }
    aLr = java.util.Arrays.copyOf(x, n);
    batch = java.util.Arrays.copyOf(s, n);
    next = 0;
  }

  @Benchmark
  public double kesten() {
    final int i = next;
    next = i + 1 == aLr.length ? 0 : i + 1;
    return TailIndex.kesten(aLr[i], batch[i]);
  }
}
