package org.sgdnoise.core.nn;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.sgdnoise.core.data.ImageData;
import org.sgdnoise.core.plan.Seeds;

/**
 * Trains one model with seeded initialisation and minibatch order and measures what the paper's
 * Figure 1 plots: the training-loss mean and variance over the last part of training, the test
 * loss and accuracy (final and best over the evaluations), divergence (a non-finite loss, with
 * its step), and at the end the minibatch-noise trace Tr C from per-example gradients next to
 * Theorem 5's form (2L/S)·Tr H − ‖∇L‖²/S.
 *
 * <p>Minibatches go through a seeded permutation of the first {@code trainRows} training images,
 * epoch after epoch (sampling without replacement within an epoch, as in practice). Everything is
 * derived from {@code seed}: the same settings give the same bits.
 */
public final class Trainer {
  private static final long ORDER_STREAM = 0x0DDE_5EEDL;
  private static final long PROBE_STREAM = 0x9_0BE5L;
  /** Hutchinson probes for Tr H. */
  static final int PROBES = 8;

  private Trainer() {}

  /**
   * What to train.
   *
   * @param optimizer sgd or adam
   * @param lr λ
   * @param momentum μ (sgd), β₁ for adam when &gt; 0
   * @param weightDecay γ, either sign
   * @param batch S
   * @param steps optimiser steps
   * @param trainRows how many training images (a prefix of the set)
   * @param testRows how many test images to evaluate on
   * @param evaluations test evaluations along the run (the last at the end)
   * @param window the fraction of steps, at the end, whose minibatch losses give the training
   *     loss mean and variance
   * @param noiseRows training images for the per-example gradients of Tr C (0: not measured)
   * @param seed the run's seed
   */
  public record Settings(Optimizer.Kind optimizer, double lr, double momentum,
      double weightDecay, int batch, long steps, int trainRows, int testRows, int evaluations,
      double window, int noiseRows, long seed) {}

  /**
   * What a run measured; NaN where not measured or after divergence.
   *
   * @param diverged the loss became non-finite
   * @param divergedStep the step at which it did, or -1
   * @param finalTestLoss test loss at the end
   * @param finalTestAccuracy test accuracy at the end
   * @param bestTestLoss lowest test loss over the evaluations
   * @param bestTestAccuracy highest test accuracy over the evaluations
   * @param trainLossMean mean minibatch objective (regulariser included) over the window
   * @param trainLossVariance its variance over the window
   * @param noiseTrace Tr C = (mean ‖gᵢ‖² − ‖ḡ‖²)/S from per-example gradients
   * @param noiseTraceTheorem5 (2L/S)·Tr H − ‖∇L‖²/S (Theorem 5; exact near a minimum of an MSE
   *     loss), Tr H by Hutchinson's estimator with {@value #PROBES} probes
   */
  public record Result(boolean diverged, long divergedStep, double finalTestLoss,
      double finalTestAccuracy, double bestTestLoss, double bestTestAccuracy,
      double trainLossMean, double trainLossVariance, double noiseTrace,
      double noiseTraceTheorem5) {}

  /**
   * Upper bound on the heap one run needs beyond the shared data set: θ, its gradient, the
   * optimiser's two moments, the noise measurement's six vectors, and the model's work buffers
   * (a minibatch or an evaluation block of up to {@code 4096} rows of {@code width} hidden units
   * and 10 outputs); plus, once per JVM, an MNIST-sized data set (70,000 images of 784 pixels
   * as floats).
   *
   * @param width the hidden width (0: logistic regression)
   * @param train the settings
   */
  public static long memoryBytes(int width, org.sgdnoise.core.spec.Train train) {
    final long features = 784;
    final long classes = 10;
    final long params = width == 0 ? classes * features + classes
        : width * features + width + classes * width + classes;
    final long rows = Math.max(4096, train.noiseRows());
    final long data = 70_000L * (features * Float.BYTES + 1);
    return data + 12 * params * Double.BYTES + rows * (width + classes + features) * Double.BYTES
        + (long) train.trainRows() * Integer.BYTES;
  }

  /** Trains {@code model} on {@code train} and evaluates on {@code test}. */
  public static Result run(Model model, ImageData train, ImageData test, Settings s) {
    final int n = Math.min(s.trainRows(), train.rows());
    final int nTest = Math.min(s.testRows(), test.rows());
    if (s.batch() > n) {
      throw new IllegalArgumentException("Cannot train: batch " + s.batch() + " exceeds the "
          + n + " training rows");
    }
    final double[] theta = new double[model.size()];
    model.init(theta, RandomSource.XO_SHI_RO_256_PP.create(Seeds.expand(s.seed(), 4)));
    final UniformRandomProvider order = RandomSource.XO_SHI_RO_256_PP.create(
        Seeds.expand(Seeds.mix(s.seed() ^ ORDER_STREAM), 4));
    final Optimizer opt = new Optimizer(s.optimizer(), model, s.lr(), s.momentum(),
        s.weightDecay());
    final double[] grad = new double[model.size()];
    final int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    final int[] rows = new int[s.batch()];
    int cursor = n;
    final long windowStart = s.steps() - Math.max(1, Math.round(s.window() * s.steps()));
    final long every = Math.max(1, s.steps() / Math.max(1, s.evaluations()));
    double sum = 0;
    double sumSq = 0;
    long count = 0;
    double bestLoss = Double.NaN;
    double bestAcc = Double.NaN;
    Model.Evaluation last = null;
    for (long step = 1; step <= s.steps(); step++) {
      for (int j = 0; j < rows.length; j++) {
        if (cursor == n) {
          shuffle(perm, order);
          cursor = 0;
        }
        rows[j] = perm[cursor++];
      }
      final double loss = model.lossAndGradient(theta, train, rows, rows.length, grad)
          + opt.penalty(theta);
      if (!Double.isFinite(loss)) {
        return new Result(true, step, Double.NaN, Double.NaN, bestLoss, bestAcc, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN);
      }
      if (step > windowStart) {
        sum += loss;
        sumSq += loss * loss;
        count++;
      }
      opt.step(theta, grad);
      if (step % every == 0 || step == s.steps()) {
        last = model.evaluate(theta, test, nTest);
        if (Double.isFinite(last.loss())) {
          bestLoss = Double.isNaN(bestLoss) ? last.loss() : Math.min(bestLoss, last.loss());
          bestAcc = Double.isNaN(bestAcc) ? last.accuracy()
              : Math.max(bestAcc, last.accuracy());
        }
      }
    }
    final double mean = sum / count;
    final double variance = count > 1 ? (sumSq - count * mean * mean) / (count - 1) : Double.NaN;
    double[] noise = s.noiseRows() > 0
        ? noise(model, train, theta, Math.min(s.noiseRows(), n), s.batch(), s.seed())
        : new double[] {Double.NaN, Double.NaN};
    return new Result(false, -1, last.loss(), last.accuracy(), bestLoss, bestAcc, mean,
        Math.max(0, variance), noise[0], noise[1]);
  }

  private static void shuffle(int[] perm, UniformRandomProvider rng) {
    for (int i = perm.length - 1; i > 0; i--) {
      final int k = rng.nextInt(i + 1);
      final int tmp = perm[i];
      perm[i] = perm[k];
      perm[k] = tmp;
    }
  }

  /**
   * {Tr C from per-example gradients, Theorem 5's form} on the first {@code m} training rows at
   * θ, for minibatches of S with replacement (Proposition 1: C = M/S, M the per-example
   * gradient covariance).
   */
  static double[] noise(Model model, ImageData train, double[] theta, int m, int batch,
      long seed) {
    final int p = model.size();
    final double[] g = new double[p];
    final double[] mean = new double[p];
    final int[] one = new int[1];
    double sumSq = 0;
    double loss = 0;
    for (int i = 0; i < m; i++) {
      one[0] = i;
      loss += model.lossAndGradient(theta, train, one, 1, g);
      for (int k = 0; k < p; k++) {
        sumSq += g[k] * g[k];
        mean[k] += g[k] / m;
      }
    }
    loss /= m;
    double meanSq = 0;
    for (int k = 0; k < p; k++) {
      meanSq += mean[k] * mean[k];
    }
    final double trC = (sumSq / m - meanSq) / batch;
    // Tr H ≈ mean over Rademacher v of vᵀ(∇L(θ + εv) − ∇L(θ − εv))/(2ε).
    final int[] all = new int[m];
    for (int i = 0; i < m; i++) {
      all[i] = i;
    }
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(
        Seeds.expand(Seeds.mix(seed ^ PROBE_STREAM), 4));
    double norm = 0;
    for (double t : theta) {
      norm += t * t;
    }
    final double eps = 1e-4 * (1 + Math.sqrt(norm / p));
    final double[] v = new double[p];
    final double[] shifted = new double[p];
    final double[] gPlus = new double[p];
    final double[] gMinus = new double[p];
    double trH = 0;
    for (int probe = 0; probe < PROBES; probe++) {
      for (int k = 0; k < p; k++) {
        v[k] = rng.nextBoolean() ? 1 : -1;
        shifted[k] = theta[k] + eps * v[k];
      }
      model.lossAndGradient(shifted, train, all, m, gPlus);
      for (int k = 0; k < p; k++) {
        shifted[k] = theta[k] - eps * v[k];
      }
      model.lossAndGradient(shifted, train, all, m, gMinus);
      double q = 0;
      for (int k = 0; k < p; k++) {
        q += v[k] * (gPlus[k] - gMinus[k]);
      }
      trH += q / (2 * eps) / PROBES;
    }
    return new double[] {trC, (2 * loss * trH - meanSq) / batch};
  }
}
