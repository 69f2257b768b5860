package org.sgdnoise.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.plan.CellIds;
import org.sgdnoise.core.spec.Kind;
import org.sgdnoise.core.spec.Simulate;
import org.sgdnoise.core.spec.Simulate.Mode;
import org.sgdnoise.core.spec.Simulate.Sampling;

class SimulatorTest {

  static Cell cell(double[] spectrum, double lr, int batch, double mu, int n, Simulate sim,
      long seed) {
    return Cell.labelNoise(0, lr, batch, mu, 1.0, spectrum, n, sim, seed);
  }

  @Test
  void withoutReplacementAtFullBatchHasNoNoise() {
    // S = N without replacement: every minibatch is the whole data set (Prop. 8: C = 0), so SGD
    // converges deterministically to the least-squares solution and Tr Σ vanishes. With
    // replacement the same S keeps sampling noise (C = M/S > 0).
    Simulate without = new Simulate(Mode.DATASET, Sampling.WITHOUT_REPLACEMENT, 4000, 2000, 1);
    Simulate with = new Simulate(Mode.DATASET, Sampling.WITH_REPLACEMENT, 4000, 2000, 1);
    double[] a = {1.0, 0.5};
    ReplicateResult none = Simulator.run(cell(a, 0.5, 50, 0.5, 50, without, 1), 0);
    ReplicateResult some = Simulator.run(cell(a, 0.5, 50, 0.5, 50, with, 1), 0);
    assertThat(none.traceSigma().mean()).isLessThan(1e-20);
    assertThat(some.traceSigma().mean()).isGreaterThan(1e-4);
  }

  @Test
  void sameSeedSameChainOtherReplicateOtherChain() {
    Simulate sim = new Simulate(Mode.STREAMING, Sampling.WITH_REPLACEMENT, 5000, 500, 2);
    Cell c = cell(new double[] {1.0, 0.3}, 0.2, 4, 0.9, 0, sim, 42);
    ReplicateResult a = Simulator.run(c, 0);
    ReplicateResult b = Simulator.run(c, 0);
    ReplicateResult other = Simulator.run(c, 1);
    assertThat(b.traceSigma()).isEqualTo(a.traceSigma());
    assertThat(b.batchLTrain()).containsExactly(a.batchLTrain());
    assertThat(other.traceSigma().mean()).isNotEqualTo(a.traceSigma().mean());
    assertThat(other.seed()).isNotEqualTo(a.seed());
  }

  /**
   * The 1-d loops (streaming S = 1 direct, with its inline generator; dataset S = 32 with
   * replacement, rows drawn as they are used): same seed, same bits, no allocation per step.
   */
  @ParameterizedTest
  @ValueSource(strings = {"STREAMING", "DATASET"})
  void oneDimensionalLoopsAreDeterministicAndAllocateNothing(Mode mode) {
    final int batch = mode == Mode.STREAMING ? 1 : 32;
    final int n = mode == Mode.STREAMING ? 0 : 1000;
    Simulate sim = new Simulate(mode, Sampling.WITH_REPLACEMENT, 5000, 500, 2);
    Cell c = cell(new double[] {1.0}, 0.2, batch, 0.5, n, sim, 42);
    ReplicateResult a = Simulator.run(c, 0);
    ReplicateResult b = Simulator.run(c, 0);
    assertThat(b.traceSigma()).isEqualTo(a.traceSigma());
    assertThat(b.batchLTrain()).containsExactly(a.batchLTrain());
    assertThat(b.batchLTest()).containsExactly(a.batchLTest());
    assertThat(Simulator.run(c, 1).traceSigma().mean()).isNotEqualTo(a.traceSigma().mean());

    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    Simulate shortRun = new Simulate(mode, Sampling.WITH_REPLACEMENT, 2_000, 1_000, 1);
    Simulate longRun = new Simulate(mode, Sampling.WITH_REPLACEMENT, 200_000, 1_000, 1);
    Simulator.run(cell(new double[] {1.0}, 0.2, batch, 0.0, n, longRun, 3), 0);
    long b0 = mx.getThreadAllocatedBytes(tid);
    Simulator.run(cell(new double[] {1.0}, 0.2, batch, 0.0, n, shortRun, 3), 0);
    long b1 = mx.getThreadAllocatedBytes(tid);
    Simulator.run(cell(new double[] {1.0}, 0.2, batch, 0.0, n, longRun, 3), 0);
    long b2 = mx.getThreadAllocatedBytes(tid);
    assertThat((b2 - b1) - (b1 - b0)).as(mode.name()).isLessThan(16 * 1024);
  }

  /**
   * D = 13 in dataset mode (single-precision rows, four at a time, with remainders): the SIMD
   * and the scalar row kernel give a whole run's results bit for bit, with and without
   * replacement, so an executor without the Vector API module writes the same tables.
   */
  @ParameterizedTest
  @ValueSource(strings = {"WITH_REPLACEMENT", "WITHOUT_REPLACEMENT"})
  void simdAndScalarRowKernelsGiveTheSameRun(Sampling sampling) {
    assertThat(RowKernel.simd()).as("the test JVM has the Vector API").isTrue();
    double[] a = new double[13];
    for (int i = 0; i < a.length; i++) {
      a[i] = 1.0 / (1 + i);
    }
    Simulate sim = new Simulate(Mode.DATASET, sampling, 20_000, 2_000, 1);
    Cell c = cell(a, 0.3, 7, 0.5, 500, sim, 5);
    ReplicateResult simd = Simulator.run(c, 0, RowKernel.best());
    ReplicateResult scalar = Simulator.run(c, 0, new RowKernel.Scalar());
    assertThat(simd).usingRecursiveComparison().ignoringFields("wallMs").isEqualTo(scalar);
    assertThat(simd.traceSigma().mean()).isPositive();
  }

  /**
   * D = 1 in dataset mode sums centred rows (x̃, y − w*x̃): with S = N without replacement every
   * minibatch is the whole data set, so the minibatch gradient and loss must be the data set's,
   * (1/N)Σx̃(x̃w − y) and (1/2N)Σ(x̃w − y)², at w* and far from it, up to rounding.
   */
  @Test
  void oneDimensionalDatasetMinibatchIsTheDataSetsGradientAndLoss() {
    final int n = 200;
    Simulate sim = new Simulate(Mode.DATASET, Sampling.WITHOUT_REPLACEMENT, 1000, 100, 1);
    Cell c = cell(new double[] {1.5}, 0.2, n, 0.0, n, sim, 9);
    Simulator.Dataset d = Simulator.dataset(c, Problem.of(c), 0);
    for (double w : new double[] {-3, 0, 0.7, 5}) {
      double loss = 0;
      double grad = 0;
      double scale = 0;
      for (int k = 0; k < n; k++) {
        final double r = d.xs()[k] * w - d.ys()[k];
        loss += r * r;
        grad += d.xs()[k] * r;
        scale += (Math.abs(d.xs()[k] * w) + Math.abs(d.ys()[k])) * (1 + Math.abs(d.xs()[k]));
      }
      double[][] mb = Simulator.minibatches(c, 0, new double[] {w}, 3);
      for (double[] row : mb) {
        assertThat(row[0]).as("gradient at w = %s", w)
            .isCloseTo(grad / n, within(1e-13 * scale * scale / n));
        assertThat(row[1]).as("loss at w = %s", w)
            .isCloseTo(0.5 * loss / n, within(1e-13 * scale * scale / n));
      }
    }
  }

  /**
   * D = 1 with replacement draws its rows inline and, where Lemire's method rejects a draw,
   * reads a zero row and adds a fresh row after the loop. With n = 63551 rows 3.0 % of the 21-bit
   * draws are rejected (2²¹ mod n = 63520), so a lost or doubled replacement moves the mean
   * minibatch gradient by about 3 %, tens of standard errors here. The minibatch gradient and
   * loss must have the with-replacement law's mean and variance, computed from the data set:
   * mean μ and variance v/S, v the rows' variance (means within 4 SE; the variance within 4 SE
   * of its estimate, from the rows' fourth moment). S = 7 also takes the odd last row.
   */
  @ParameterizedTest
  @ValueSource(ints = {7, 1000})
  void oneDimensionalRowsDrawnWithReplacementAreUniformWhereLemireRejects(int batch) {
    final int n = 63551;
    assertThat((1L << 21) % n).isEqualTo(63520);
    Simulate sim = new Simulate(Mode.DATASET, Sampling.WITH_REPLACEMENT, 1000, 100, 1);
    Cell c = cell(new double[] {1.5}, 0.2, batch, 0.0, n, sim, 11);
    Simulator.Dataset d = Simulator.dataset(c, Problem.of(c), 0);
    final double w = 2.0;
    // The rows' gradient terms gₖ = x̃ₖ(x̃ₖw − yₖ) and losses ℓₖ = (x̃ₖw − yₖ)²/2.
    double[] g = new double[n];
    double[] l = new double[n];
    for (int k = 0; k < n; k++) {
      final double r = d.xs()[k] * w - d.ys()[k];
      g[k] = d.xs()[k] * r;
      l[k] = 0.5 * r * r;
    }
    final int count = batch == 7 ? 200_000 : 4_000;
    double[][] mb = Simulator.minibatches(c, 0, new double[] {w}, count);
    for (int col = 0; col < 2; col++) {
      final double[] rows = col == 0 ? g : l;
      double mu = 0;
      for (double v : rows) {
        mu += v / n;
      }
      double v2 = 0;
      double v4 = 0;
      for (double v : rows) {
        final double e = (v - mu) * (v - mu);
        v2 += e / n;
        v4 += e * e / n;
      }
      // The minibatch mean of S i.i.d. rows: variance v2/S, fourth central moment
      // (v4 + 3(S − 1)v2²)/S³.
      final double var = v2 / batch;
      final double m4 = (v4 + 3.0 * (batch - 1) * v2 * v2) / ((double) batch * batch * batch);
      double mean = 0;
      for (double[] row : mb) {
        mean += row[col] / count;
      }
      double sampleVar = 0;
      for (double[] row : mb) {
        sampleVar += (row[col] - mean) * (row[col] - mean) / (count - 1);
      }
      final String what = col == 0 ? "gradient" : "loss";
      assertThat(mean).as("mean minibatch %s, S = %d", what, batch)
          .isCloseTo(mu, within(4 * Math.sqrt(var / count)));
      assertThat(sampleVar).as("variance of the minibatch %s, S = %d", what, batch)
          .isCloseTo(var, within(4 * Math.sqrt((m4 - var * var) / count)));
    }
  }

  /**
   * The 1-d rows drawn with replacement come from XoRoShiRo128++ written out in the row loop:
   * its rows must be the ones Commons RNG's XoRoShiRo128++, from the same state, gives by
   * Lemire's method, three 21-bit indices per output at S = 3 and two 32-bit ones at S = 2. A
   * wrong rotation, shift or word order picks other rows and moves the gradient by O(1).
   */
  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void oneDimensionalRowsDrawnWithReplacementComeFromXoRoShiRo128PlusPlus(int batch) {
    final int n = 1000;
    Simulate sim = new Simulate(Mode.DATASET, Sampling.WITH_REPLACEMENT, 1000, 100, 1);
    Cell c = cell(new double[] {1.5}, 0.2, batch, 0.0, n, sim, 13);
    Simulator.Dataset d = Simulator.dataset(c, Problem.of(c), 0);
    UniformRandomProvider reference = RandomSource.XO_RO_SHI_RO_128_PP.create(
        Simulator.inlineSeed(c.replicateSeed(0)));
    final double w = 0.8;
    final int count = 50;
    double[][] mb = Simulator.minibatches(c, 0, new double[] {w}, count);
    for (int k = 0; k < count; k++) {
      final long bits = reference.nextLong();
      final long[] words = batch == 3
          ? new long[] {bits & 0x1F_FFFFL, (bits >>> 21) & 0x1F_FFFFL, bits >>> 43}
          : new long[] {bits & 0xFFFF_FFFFL, bits >>> 32};
      final int shift = batch == 3 ? 21 : 32;
      double grad = 0;
      for (long word : words) {
        final long m = word * n;
        assertThat(m & ((1L << shift) - 1)).as("no rejection in this draw (seed choice)")
            .isGreaterThanOrEqualTo((1L << shift) % n);
        final int row = (int) (m >>> shift);
        grad += d.xs()[row] * (d.xs()[row] * w - d.ys()[row]);
      }
      assertThat(mb[k][0]).as("minibatch %d, S = %d", k, batch)
          .isCloseTo(grad / batch, within(1e-12));
    }
  }

  @Test
  void stepLoopAllocatesNothing() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    for (Mode mode : new Mode[] {Mode.STREAMING, Mode.DATASET}) {
      for (Sampling s : new Sampling[] {Sampling.WITH_REPLACEMENT,
          Sampling.WITHOUT_REPLACEMENT}) {
        if (mode == Mode.STREAMING && s == Sampling.WITHOUT_REPLACEMENT) {
          continue;
        }
        int n = mode == Mode.DATASET ? 1000 : 0;
        Simulate shortRun = new Simulate(mode, s, 2_000, 1_000, 1);
        Simulate longRun = new Simulate(mode, s, 200_000, 1_000, 1);
        // D = 3 and D = 9 (dataset mode: the single-precision row kernel, SIMD here, whose
        // vectors must not be boxed).
        for (double[] a : new double[][] {{1.0, 0.5, 0.25}, {1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25,
            0.25}}) {
          // Warm up the JIT: until C2 compiles the row kernel, the Vector API boxes its vectors
          // (~1 KB per step in the first 200,000-step run, none after; a new sampling mode can
          // make C2 recompile the step loop, so one warm-up run is not always enough).
          for (int k = 0; k < 3; k++) {
            Simulator.run(cell(a, 0.1, 8, 0.5, n, longRun, 3), 0);
          }
          long b0 = mx.getThreadAllocatedBytes(tid);
          Simulator.run(cell(a, 0.1, 8, 0.5, n, shortRun, 3), 0);
          long b1 = mx.getThreadAllocatedBytes(tid);
          Simulator.run(cell(a, 0.1, 8, 0.5, n, longRun, 3), 0);
          long b2 = mx.getThreadAllocatedBytes(tid);
          // 198,000 more steps; a single allocation per step would add megabytes.
          assertThat((b2 - b1) - (b1 - b0)).as(mode + " " + s + " D = " + a.length)
              .isLessThan(16 * 1024);
        }
      }
    }
  }

  /** S = 16 (exact sampler) and S = 1 (direct sampling, its own step loop). */
  @ParameterizedTest
  @ValueSource(ints = {16, 1})
  void runawayIterateStopsTheRunWithItsStep(int batch) {
    Simulate sim = new Simulate(Mode.STREAMING, Sampling.WITH_REPLACEMENT, 100_000, 100, 1);
    ReplicateResult r = Simulator.run(cell(new double[] {1.0}, 5.0, batch, 0, 0, sim, 9),
        0);
    assertThat(r.diverged()).isTrue();
    assertThat(r.divergedStep()).isBetween(1L, 1000L);
    assertThat(r.stepsRun()).isEqualTo(r.divergedStep());
    assertThat(r.traceSigma().mean()).isNaN();
  }

  /**
   * Σ's largest eigenvalue, estimated by batch means of each batch's Σ, agrees with the theory's
   * (a 3-d label-noise cell with momentum, written with matrices: true) within 4 standard
   * errors; the simulated Σ and its largest eigenvalue go to the tables.
   */
  @Test
  void largestEigenvalueOfSigmaAgreesWithTheory() {
    Cell c = SimCells.cell("label_noise", "matrices: true\n", 0.3,
        "batch: 8, momentum: 0.5, spectrum: [1.5, 1.0, 0.25], label_noise_var: 1.0",
        "{mode: streaming, steps: 400000, burn_in: 20000, replicates: 2}");
    org.sgdnoise.core.result.CellResult r = org.sgdnoise.core.result.CellEvaluator.evaluate(c);
    double theory = Simulator.maxEigenvalue(r.theory().sigma());
    SimCells.assertWithin("λ_max(Σ)", r.sim().sigmaMaxEigenvalue(), theory, 4);
    assertThat(r.sim().sigma()).hasSize(9);
  }
}
