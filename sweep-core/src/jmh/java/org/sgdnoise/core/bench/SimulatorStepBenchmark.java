package org.sgdnoise.core.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AhrensDieterMarsagliaTsangGammaSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.sim.Problem;
import org.sgdnoise.core.sim.ReplicateResult;
import org.sgdnoise.core.sim.Simulator;
import org.sgdnoise.core.spec.Simulate;
import org.sgdnoise.core.theory.FiniteDataTheory;

/**
 * Nanoseconds per SGD step of the simulator, and of the random numbers a step is made of.
 *
 * <ul>
 *   <li>{@code run}: one short replicate of {@link #STEPS} steps ({@link Simulator#run(Cell,
 *       Problem, int, Simulator.Dataset, FiniteDataTheory.Fit)}, a tenth burn-in, every
 *       measurement) per operation, reported per step, on the cases of {@code scripts/bench}:
 *       label noise, A = I_D, λ = 0.1, σ² = 0.25, μ = 0, N = 10⁴ rows with replacement in
 *       dataset mode, the default sampler in streaming mode (exact for S ≥ 2);
 *   <li>{@code nextLong}, {@code normal}, {@code chi2}: one XoShiRo256++ output, one Ziggurat
 *       normal, one χ²_S by Marsaglia–Tsang (S = 32 and 1000), each the mean of
 *       {@link #DRAWS} draws summed in a loop.
 * </ul>
 *
 * <pre>
 * scripts/jmh SimulatorStepBenchmark.run -f 1 -wi 3 -i 5
 * scripts/jmh SimulatorStepBenchmark.run -p mode=streaming -p shape=1,1 -f 1
 * scripts/jmh 'SimulatorStepBenchmark.(nextLong|normal|chi2)' -f 1
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SimulatorStepBenchmark {
  /** Steps per replicate in {@code run}. */
  static final int STEPS = 100_000;
  /** Draws per operation in the random-number benchmarks. */
  static final int DRAWS = 1024;
  static final int ROWS = 10_000;

  /** One case: a cell with its problem, data set and fit. */
  @State(Scope.Benchmark)
  public static class Case {
    @Param({"dataset", "streaming"})
    public String mode;

    /** "D,S". */
    @Param({"1,1", "1,32", "1,1000", "2,32", "100,32"})
    public String shape;

    Cell cell;
    Problem problem;
    Simulator.Dataset data;
    FiniteDataTheory.Fit fit;

    @Setup
    public void setUp() {
      final String[] ds = shape.split(",");
      final int dim = Integer.parseInt(ds[0]);
      final int batch = Integer.parseInt(ds[1]);
      final boolean dataset = mode.equals("dataset");
      final Simulate sim = new Simulate(dataset ? Simulate.Mode.DATASET
          : Simulate.Mode.STREAMING, Simulate.Sampling.WITH_REPLACEMENT, STEPS, STEPS / 10, 1);
      final double[] spectrum = new double[dim];
      Arrays.fill(spectrum, 1.0);
      cell = Cell.labelNoise(0, 0.1, batch, 0.0, 0.25, spectrum, dataset ? ROWS : 0, sim, 1);
      problem = Problem.of(cell);
      data = dataset ? Simulator.dataset(cell, problem, 0) : null;
      fit = dataset ? Simulator.fit(problem, data) : null;
    }
  }

  /** The generators of the random-number benchmarks. */
  @State(Scope.Thread)
  public static class Draws {
    UniformRandomProvider rng;
    ZigguratSampler.NormalizedGaussian gauss;
    ContinuousSampler chi2s32;
    ContinuousSampler chi2s1000;

    @Setup
    public void setUp() {
      rng = RandomSource.XO_SHI_RO_256_PP.create(42L);
      gauss = ZigguratSampler.NormalizedGaussian.of(rng);
      chi2s32 = AhrensDieterMarsagliaTsangGammaSampler.of(rng, 16, 2.0);
      chi2s1000 = AhrensDieterMarsagliaTsangGammaSampler.of(rng, 500, 2.0);
    }
  }

  @Benchmark
  @OperationsPerInvocation(STEPS)
  public ReplicateResult run(Case c) {
    return Simulator.run(c.cell, c.problem, 0, c.data, c.fit);
  }

  @Benchmark
  @OperationsPerInvocation(DRAWS)
  public long nextLong(Draws d) {
    long s = 0;
    for (int k = 0; k < DRAWS; k++) {
      s += d.rng.nextLong();
    }
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(DRAWS)
  public double normal(Draws d) {
    double s = 0;
    for (int k = 0; k < DRAWS; k++) {
      s += d.gauss.sample();
    }
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(DRAWS)
  public double chi2S32(Draws d) {
    double s = 0;
    for (int k = 0; k < DRAWS; k++) {
      s += d.chi2s32.sample();
    }
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(DRAWS)
  public double chi2S1000(Draws d) {
    double s = 0;
    for (int k = 0; k < DRAWS; k++) {
      s += d.chi2s1000.sample();
    }
    return s;
  }
}
