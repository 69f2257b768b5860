package org.sgdnoise.core.sim;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.plan.Seeds;
import org.sgdnoise.core.spec.Simulate;

/**
 * Seeded minibatch SGD with heavy-ball momentum on linear regression with label noise
 * (Definitions 2 and 3 of the paper):
 *
 * <pre>
 *   g_t = (1/S) Σ_{j∈B_t} x_j (x_jᵀw_{t−1} − y_j),
 *   m_t = μ m_{t−1} + g_t,   w_t = w_{t−1} − λ m_t,
 * </pre>
 *
 * with x ~ N(0, A), A = diag(spectrum) (the eigenbasis of A: results are rotation invariant),
 * y = uᵀx + ε, ε ~ N(0, σ²), started at w_0 = u, m_0 = 0. Everything is measured relative to the
 * teacher u, so u = 0 is taken without loss of generality.
 *
 * <ul>
 *   <li>{@code streaming}: S fresh samples every step (the N → ∞ limit).
 *   <li>{@code dataset}: one data set of n rows per replicate; minibatches of S rows drawn with
 *       replacement (S i.i.d. indices) or without (a uniformly random S-subset, by a partial
 *       Fisher–Yates shuffle).
 * </ul>
 *
 * <p>After burn-in, every step contributes to three batch-means estimates: Tr Σ (the covariance
 * of w around its own mean), L_train (the minibatch loss at w_{t−1}, an unbiased estimate of the
 * training loss there) and L_test = ½wᵀAw. A run stops as diverged when ‖w‖² is non-finite or
 * exceeds {@link #RUNAWAY_FACTOR}·(1 + σ²D). Between λ_c and the pathwise-divergence threshold
 * SGD has a stationary law with infinite variance: such runs do not blow up, and their Tr Σ does
 * not settle (heavy tails), which the theory columns flag as divergent.
 *
 * <p>Random numbers: XoShiRo256++ (Commons RNG) seeded from the replicate seed by SplitMix64, a
 * Ziggurat Gaussian sampler; the data set (dataset mode) comes from a second generator with a
 * derived seed. The inner loop allocates nothing.
 */
public final class LabelNoiseSimulator {

  /** Number of batches for batch means (fewer when there are fewer measured steps). */
  public static final int BATCHES = 32;

  /** ‖w − u‖² above this times (1 + σ²D) counts as a runaway iterate. */
  public static final double RUNAWAY_FACTOR = 1e20;

  /** Mixed into the replicate seed for the data-set generator. */
  private static final long DATA_STREAM = 0x5EED_DA7A_5E7L;

  private LabelNoiseSimulator() {}

  /**
   * Heap bytes one replicate allocates (the data set dominates in dataset mode: n rows of D
   * features and a label, plus the index permutation without replacement). An estimate for the
   * front door; it saturates at Long.MAX_VALUE.
   */
  public static long memoryBytes(int dim, long n, Simulate sim) {
    long vectors = 8L * (4 + 32) * dim + 4096;
    if (sim.mode() != Simulate.Mode.DATASET) {
      return vectors;
    }
    try {
      long rows = Math.multiplyExact(Math.multiplyExact(n, dim + 1L), 8L);
      long perm = sim.sampling() == Simulate.Sampling.WITHOUT_REPLACEMENT ? 4L * n : 0;
      return Math.addExact(Math.addExact(rows, perm), vectors);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * The data set of replicate {@code r} in dataset mode, in the simulator's shifted
   * coordinates (w − u, so the teacher is 0): rows xₖ ~ N(0, diag(spectrum)) and labels
   * yₖ = εₖ ~ N(0, σ²), drawn from their own stream (the replicate seed mixed with a constant),
   * so the exact finite-data theory can rebuild exactly the rows the chain saw.
   */
  public static Dataset dataset(Cell cell, int r) {
    final int dim = cell.dim();
    final int n = cell.n();
    if (!(n > 0)) {
      throw new IllegalArgumentException("Cannot make a data set: the cell has no data set size: "
          + n);
    }
    final double sigma = Math.sqrt(cell.labelNoiseVar());
    final double[] a = cell.spectrum();
    final double[] sqrtA = new double[dim];
    for (int i = 0; i < dim; i++) {
      sqrtA[i] = Math.sqrt(a[i]);
    }
    final double[] xs = new double[Math.multiplyExact(n, dim)];
    final double[] ys = new double[n];
    UniformRandomProvider drng = RandomSource.XO_SHI_RO_256_PP.create(
        Seeds.expand(Seeds.mix(cell.replicateSeed(r) ^ DATA_STREAM), 4));
    ZigguratSampler.NormalizedGaussian dg = ZigguratSampler.NormalizedGaussian.of(drng);
    for (int k = 0; k < n; k++) {
      for (int i = 0; i < dim; i++) {
        xs[k * dim + i] = sqrtA[i] * dg.sample();
      }
      ys[k] = sigma * dg.sample();
    }
    return new Dataset(xs, ys, n, dim);
  }

  /**
   * A data set: {@code rows} rows of {@code dim} features, row-major, and one label per row.
   *
   * @param xs the features, row-major. Owned by the caller.
   * @param ys the labels. Owned by the caller.
   * @param rows N
   * @param dim D
   */
  public record Dataset(double[] xs, double[] ys, int rows, int dim) {}

  /** Runs replicate {@code r} of {@code cell} (in dataset mode on {@link #dataset}). */
  public static ReplicateResult run(Cell cell, int r) {
    return run(cell, r, cell.simulate().mode() == Simulate.Mode.DATASET ? dataset(cell, r)
        : null);
  }

  /**
   * Runs replicate {@code r} of {@code cell} on {@code data}, which must be {@link
   * #dataset}{@code (cell, r)} in dataset mode (callers that also need the rows make them once)
   * and {@code null} otherwise. Not modified.
   */
  public static ReplicateResult run(Cell cell, int r, Dataset data) {
    final long t0 = System.nanoTime();
    final long seed = cell.replicateSeed(r);
    final Simulate sim = cell.simulate();
    if (!sim.enabled()) {
      throw new IllegalArgumentException("Cannot simulate: the cell's simulate.mode is none");
    }
    final int dim = cell.dim();
    final int batch = cell.batch();
    final double lr = cell.lr();
    final double mu = cell.momentum();
    final double sigma = Math.sqrt(cell.labelNoiseVar());
    final double[] a = cell.spectrum();
    final double[] sqrtA = new double[dim];
    for (int i = 0; i < dim; i++) {
      sqrtA[i] = Math.sqrt(a[i]);
    }
    final UniformRandomProvider rng =
        RandomSource.XO_SHI_RO_256_PP.create(Seeds.expand(seed, 4));
    final ZigguratSampler.NormalizedGaussian gauss = ZigguratSampler.NormalizedGaussian.of(rng);

    // Dataset mode: rows of X (row-major) and labels, from their own stream.
    final boolean dataset = sim.mode() == Simulate.Mode.DATASET;
    final int n = cell.n();
    if (dataset != (data != null)) {
      throw new IllegalArgumentException("Cannot simulate: a data set is given exactly in dataset"
          + " mode: " + sim.mode().yamlName());
    }
    final double[] xs = dataset ? data.xs() : null;
    final double[] ys = dataset ? data.ys() : null;
    final boolean withoutReplacement =
        dataset && sim.sampling() == Simulate.Sampling.WITHOUT_REPLACEMENT;
    final int[] perm = withoutReplacement ? new int[n] : null;
    if (perm != null) {
      for (int k = 0; k < n; k++) {
        perm[k] = k;
      }
    }

    final double[] w = new double[dim];
    final double[] m = new double[dim];
    final double[] grad = new double[dim];
    final double[] x = new double[dim];
    final double runaway = RUNAWAY_FACTOR * (1 + cell.labelNoiseVar() * dim);

    final long steps = sim.steps();
    final long burnIn = sim.burnIn();
    final long measured = steps - burnIn;
    final int nb = (int) Math.min(BATCHES, measured);
    final double[] center = new double[dim];
    final double[][] sumW = new double[nb][dim];
    final double[] sumW2 = new double[nb];
    final double[] sumTrain = new double[nb];
    final double[] sumTest = new double[nb];
    final long[] count = new long[nb];
    final double invS = 1.0 / batch;

    long divergedStep = -1;
    long step = 1;
    for (; step <= steps; step++) {
      // Step 1: minibatch gradient and loss at w_{t−1}.
      java.util.Arrays.fill(grad, 0.0);
      double loss = 0;
      for (int j = 0; j < batch; j++) {
        double res;
        if (!dataset) {
          res = -sigma * gauss.sample();
          for (int i = 0; i < dim; i++) {
            final double xi = sqrtA[i] * gauss.sample();
            x[i] = xi;
            res += xi * w[i];
          }
          for (int i = 0; i < dim; i++) {
            grad[i] += x[i] * res;
          }
        } else {
          final int row;
          if (perm == null) {
            row = rng.nextInt(n);
          } else {
            final int pick = j + rng.nextInt(n - j);
            final int tmp = perm[j];
            perm[j] = perm[pick];
            perm[pick] = tmp;
            row = perm[j];
          }
          final int off = row * dim;
          res = -ys[row];
          for (int i = 0; i < dim; i++) {
            res += xs[off + i] * w[i];
          }
          for (int i = 0; i < dim; i++) {
            grad[i] += xs[off + i] * res;
          }
        }
        loss += res * res;
      }
      // Step 2: momentum and parameter update; ‖w‖² and the test loss on the way.
      double norm2 = 0;
      double test = 0;
      for (int i = 0; i < dim; i++) {
        final double mi = mu * m[i] + grad[i] * invS;
        m[i] = mi;
        final double wi = w[i] - lr * mi;
        w[i] = wi;
        norm2 += wi * wi;
        test += a[i] * wi * wi;
      }
      if (!(norm2 <= runaway)) {
        divergedStep = step;
        break;
      }
      // Step 3: measure after burn-in. The training loss belongs to w_{t−1}: count it from the
      // first measured step on, like the others.
      if (step == burnIn) {
        System.arraycopy(w, 0, center, 0, dim);
      }
      if (step > burnIn) {
        final long k = step - burnIn - 1;
        final int b = (int) (k * nb / measured);
        final double[] sw = sumW[b];
        double c2 = 0;
        for (int i = 0; i < dim; i++) {
          final double d = w[i] - center[i];
          sw[i] += d;
          c2 += d * d;
        }
        sumW2[b] += c2;
        sumTrain[b] += 0.5 * loss * invS;
        sumTest[b] += 0.5 * test;
        count[b]++;
      }
    }
    final long wallMs = (System.nanoTime() - t0) / 1_000_000;
    if (divergedStep >= 0) {
      return new ReplicateResult(r, seed, true, divergedStep, divergedStep, Estimate.MISSING,
          Estimate.MISSING, Estimate.MISSING, new double[0], new double[0], new double[0],
          wallMs);
    }
    // Batch values: Tr Σ per batch around the overall mean (in centred coordinates).
    final double[] mean = new double[dim];
    for (int b = 0; b < nb; b++) {
      for (int i = 0; i < dim; i++) {
        mean[i] += sumW[b][i];
      }
    }
    double mean2 = 0;
    for (int i = 0; i < dim; i++) {
      mean[i] /= measured;
      mean2 += mean[i] * mean[i];
    }
    final double[] bTrace = new double[nb];
    final double[] bTrain = new double[nb];
    final double[] bTest = new double[nb];
    for (int b = 0; b < nb; b++) {
      double dot = 0;
      for (int i = 0; i < dim; i++) {
        dot += mean[i] * sumW[b][i];
      }
      bTrace[b] = (sumW2[b] - 2 * dot) / count[b] + mean2;
      bTrain[b] = sumTrain[b] / count[b];
      bTest[b] = sumTest[b] / count[b];
    }
    return new ReplicateResult(r, seed, false, -1, steps, Estimate.ofBatchMeans(bTrace),
        Estimate.ofBatchMeans(bTrain), Estimate.ofBatchMeans(bTest), bTrace, bTrain, bTest,
        wallMs);
  }
}
