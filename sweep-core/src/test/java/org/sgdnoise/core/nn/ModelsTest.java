package org.sgdnoise.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.sgdnoise.core.data.ImageData;

/**
 * Gradients of the models against central finite differences, optimiser steps against their
 * formulas, and the trainer's determinism and noise measurement, on small random data.
 */
class ModelsTest {

  /** n images of p pixels in [0, 1] with labels 0 … 9. */
  static ImageData data(int n, int p, long seed) {
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed);
    float[] x = new float[n * p];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextFloat();
    }
    byte[] y = new byte[n];
    for (int i = 0; i < n; i++) {
      y[i] = (byte) rng.nextInt(10);
    }
    return new ImageData(x, y, n, p, 10);
  }

  /**
   * Every coordinate of the analytic gradient matches (L(θ + h eₖ) − L(θ − h eₖ))/2h: the
   * difference error is O(h²) ≈ 1e-10 relative here, so 1e-6 relative (plus 1e-9 absolute) would
   * catch any wrong term.
   */
  static void assertGradient(Model model, ImageData d, long seed) {
    assertGradient(model, d, seed, new int[] {0, 3, 5, 5, 7});
  }

  static void assertGradient(Model model, ImageData d, long seed, int[] rows) {
    double[] theta = new double[model.size()];
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed);
    model.init(theta, rng);
    for (int i = 0; i < theta.length; i++) {
      theta[i] += 0.3 * (rng.nextDouble() - 0.5); // away from the symmetric start
    }
    double[] grad = new double[model.size()];
    model.lossAndGradient(theta, d, rows, rows.length, grad);
    double[] scratch = new double[model.size()];
    final double h = 1e-5;
    for (int k = 0; k < theta.length; k++) {
      final double t = theta[k];
      theta[k] = t + h;
      final double up = model.lossAndGradient(theta, d, rows, rows.length, scratch);
      theta[k] = t - h;
      final double down = model.lossAndGradient(theta, d, rows, rows.length, scratch);
      theta[k] = t;
      final double fd = (up - down) / (2 * h);
      assertThat(grad[k]).as("∂L/∂θ[%d]", k)
          .isCloseTo(fd, org.assertj.core.api.Assertions.within(1e-6 * Math.abs(fd) + 1e-9));
    }
  }

  @Test
  void logisticGradientMatchesFiniteDifferences() {
    assertGradient(new Logistic(6, 10), data(10, 6, 1), 2);
  }

  @ParameterizedTest
  @EnumSource(Mlp.Loss.class)
  void mlpGradientMatchesFiniteDifferences(Mlp.Loss loss) {
    assertGradient(new Mlp(5, 7, 10, loss), data(10, 5, 3), 4);
  }

  /**
   * Agreement of the batched kernels with row-by-row results, relative to the largest gradient
   * component (or to the loss): the two sum the same terms in different orders, so they differ
   * by a few ulps of the largest term; 1e-12 leaves a wide margin and catches any wrong term.
   */
  static final double BATCH_TOLERANCE = 1e-12;

  /**
   * n images of p pixels in [0, 1], about half of them 0 (as in Fashion-MNIST), row 1 all 0, with
   * labels 0 … 9.
   */
  static ImageData sparseData(int n, int p, long seed) {
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed);
    float[] x = new float[n * p];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextBoolean() || i / p == 1 ? 0 : rng.nextFloat();
    }
    byte[] y = new byte[n];
    for (int i = 0; i < n; i++) {
      y[i] = (byte) rng.nextInt(10);
    }
    return new ImageData(x, y, n, p, 10);
  }

  /** The models with sizes that leave remainders in every blocking (rows, pixels, width). */
  static java.util.stream.Stream<Model> models() {
    return java.util.stream.Stream.of(new Logistic(150, 10),
        new Mlp(150, 13, 10, Mlp.Loss.CROSS_ENTROPY), new Mlp(150, 13, 10, Mlp.Loss.MSE));
  }

  static double[] randomTheta(Model model, long seed) {
    double[] theta = new double[model.size()];
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed);
    model.init(theta, rng);
    for (int i = 0; i < theta.length; i++) {
      theta[i] += 0.3 * (rng.nextDouble() - 0.5);
    }
    return theta;
  }

  /** 70 rows (more than two blocks) drawn with replacement from n, so some repeat. */
  static int[] someRows(int n, long seed) {
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed);
    int[] rows = new int[70];
    for (int j = 0; j < rows.length; j++) {
      rows[j] = rng.nextInt(n);
    }
    rows[5] = 1; // the all-zero image
    return rows;
  }

  /** The minibatch loss and gradient are the means of the rows' own (count = 1). */
  @ParameterizedTest
  @MethodSource("models")
  void batchedGradientIsTheMeanOfPerRowGradients(Model model) {
    ImageData d = sparseData(80, 150, 11);
    double[] theta = randomTheta(model, 12);
    int[] rows = someRows(80, 13);
    double[] grad = new double[model.size()];
    final double loss = model.lossAndGradient(theta, d, rows, rows.length, grad);
    double[] mean = new double[model.size()];
    double[] g = new double[model.size()];
    double meanLoss = 0;
    for (int row : rows) {
      meanLoss += model.lossAndGradient(theta, d, new int[] {row}, 1, g) / rows.length;
      for (int k = 0; k < g.length; k++) {
        mean[k] += g[k] / rows.length;
      }
    }
    assertThat(loss).isCloseTo(meanLoss, within(BATCH_TOLERANCE * meanLoss));
    final double scale = java.util.Arrays.stream(mean).map(Math::abs).max().orElseThrow();
    for (int k = 0; k < g.length; k++) {
      assertThat(grad[k]).as("∂L/∂θ[%d]", k).isCloseTo(mean[k], within(BATCH_TOLERANCE * scale));
    }
  }

  /** Mean loss and accuracy over several blocks equal those of the rows one at a time. */
  @ParameterizedTest
  @MethodSource("models")
  void evaluationIsTheMeanOfPerRowEvaluations(Model model) {
    final int n = 75;
    final int p = 150;
    ImageData d = sparseData(n, p, 14);
    double[] theta = randomTheta(model, 15);
    Model.Evaluation all = model.evaluate(theta, d, n);
    double loss = 0;
    double accuracy = 0;
    for (int i = 0; i < n; i++) {
      float[] x = java.util.Arrays.copyOfRange(d.x(), i * p, (i + 1) * p);
      Model.Evaluation one = model.evaluate(theta,
          new ImageData(x, new byte[] {d.labels()[i]}, 1, p, 10), 1);
      loss += one.loss() / n;
      accuracy += one.accuracy() / n;
    }
    assertThat(all.loss()).isCloseTo(loss, within(BATCH_TOLERANCE * loss));
    assertThat(all.accuracy()).isCloseTo(accuracy, within(1e-12));
    int[] rows = java.util.stream.IntStream.range(0, n).toArray();
    double[] g = new double[model.size()];
    assertThat(model.lossAndGradient(theta, d, rows, n, g))
        .isCloseTo(all.loss(), within(BATCH_TOLERANCE * loss));
  }

  /**
   * Same inputs, same bits: a model's buffers carry nothing from one call to the next (a call
   * over several blocks, then one of three rows, against a fresh instance), and the gradient
   * array's old contents do not matter.
   */
  @Test
  void resultsDoNotDependOnEarlierCalls() {
    ImageData d = sparseData(80, 150, 16);
    Model used = new Mlp(150, 13, 10, Mlp.Loss.CROSS_ENTROPY);
    double[] theta = randomTheta(used, 17);
    double[] scratch = new double[used.size()];
    used.lossAndGradient(theta, d, someRows(80, 18), 70, scratch);
    used.evaluate(theta, d, 80);
    int[] rows = {3, 1, 4};
    double[] a = new double[used.size()];
    java.util.Arrays.fill(a, Double.NaN); // the gradient is overwritten, every component
    double[] b = new double[used.size()];
    final double la = used.lossAndGradient(theta, d, rows, 3, a);
    final double lb = new Mlp(150, 13, 10, Mlp.Loss.CROSS_ENTROPY)
        .lossAndGradient(theta, d, rows, 3, b);
    assertThat(la).isEqualTo(lb);
    assertThat(a).isEqualTo(b);
  }

  /** The finite-difference check on sparse images, more than one block and tile. */
  @Test
  void mlpGradientMatchesFiniteDifferencesOnSparseImages() {
    assertGradient(new Mlp(150, 3, 10, Mlp.Loss.CROSS_ENTROPY), sparseData(80, 150, 19), 20,
        someRows(80, 21));
  }

  @Test
  void biasesAreNotDecayed() {
    Mlp m = new Mlp(5, 7, 10, Mlp.Loss.MSE);
    long decayed = java.util.stream.IntStream.range(0, m.size()).filter(m::decayed).count();
    assertThat(decayed).isEqualTo(5 * 7 + 10 * 7);
    Logistic l = new Logistic(6, 10);
    assertThat(java.util.stream.IntStream.range(0, l.size()).filter(l::decayed).count())
        .isEqualTo(60);
  }

  /**
   * Two SGD-with-momentum steps and one Adam step by hand: negative weight decay acts on a
   * decayed weight and not on a bias, and the momentum carries the first step into the second.
   */
  @Test
  void optimiserStepsFollowTheirFormulas() {
    Logistic model = new Logistic(1, 10); // θ₀ is a decayed weight, θ₁₀ a bias
    double[] theta = new double[model.size()];
    theta[0] = 1;
    theta[10] = 2;
    double[] grad = new double[model.size()];
    grad[0] = 0.5;
    grad[10] = 0.5;
    final double lr = 0.1;
    final double mu = 0.9;
    final double gamma = -0.25;
    Optimizer sgd = new Optimizer(Optimizer.Kind.SGD, model, lr, mu, gamma);
    sgd.step(theta, grad);
    final double m0 = 0.5 + gamma * 1; // 0.25: the decay lowers the weight's gradient
    assertThat(theta[0]).isCloseTo(1 - lr * m0, org.assertj.core.api.Assertions.within(1e-15));
    assertThat(theta[10]).isCloseTo(2 - lr * 0.5, org.assertj.core.api.Assertions.within(1e-15));
    final double w1 = 1 - lr * m0;
    sgd.step(theta, grad);
    final double m1 = mu * m0 + (0.5 + gamma * w1);
    assertThat(theta[0]).isCloseTo(w1 - lr * m1, org.assertj.core.api.Assertions.within(1e-15));
    assertThat(theta[10]).isCloseTo(2 - lr * 0.5 - lr * (mu * 0.5 + 0.5),
        org.assertj.core.api.Assertions.within(1e-15));
    double[] a = new double[model.size()];
    a[0] = 1;
    Optimizer adam = new Optimizer(Optimizer.Kind.ADAM, model, 0.01, 0, 0);
    adam.step(a, grad);
    // Bias-corrected first step: m̂ = g, v̂ = g², so θ moves by λ·g/(|g| + ε).
    assertThat(a[0]).isCloseTo(1 - 0.01 * 0.5 / (0.5 + Optimizer.EPSILON),
        org.assertj.core.api.Assertions.within(1e-15));
  }

  static Trainer.Settings settings(Optimizer.Kind opt, double lr, long seed) {
    return new Trainer.Settings(opt, lr, 0.5, 1e-3, 8, 300, 200, 100, 5, 0.5, 64, seed);
  }

  @Test
  void trainingIsDeterministicAndLearns() {
    ImageData train = separable(200, 1);
    ImageData test = separable(100, 2);
    Trainer.Result a = Trainer.run(new Logistic(8, 10), train, test,
        settings(Optimizer.Kind.SGD, 0.5, 7));
    Trainer.Result b = Trainer.run(new Logistic(8, 10), train, test,
        settings(Optimizer.Kind.SGD, 0.5, 7));
    Trainer.Result c = Trainer.run(new Logistic(8, 10), train, test,
        settings(Optimizer.Kind.SGD, 0.5, 8));
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
    assertThat(a.diverged()).isFalse();
    assertThat(a.finalTestAccuracy()).isGreaterThan(0.9);
    Trainer.Result adam = Trainer.run(new Mlp(8, 16, 10, Mlp.Loss.CROSS_ENTROPY), train, test,
        settings(Optimizer.Kind.ADAM, 0.01, 7));
    assertThat(adam.finalTestAccuracy()).isGreaterThan(0.9);
    assertThat(adam.trainLossVariance()).isPositive();
  }

  @Test
  void aHugeLearningRateDivergesAsAResult() {
    Trainer.Result r = Trainer.run(new Mlp(8, 64, 10, Mlp.Loss.MSE), separable(200, 1),
        separable(100, 2), new Trainer.Settings(Optimizer.Kind.SGD, 1e6, 0, 0, 8, 300, 200, 100,
            5, 0.5, 0, 1));
    assertThat(r.diverged()).isTrue();
    assertThat(r.divergedStep()).isBetween(1L, 300L);
  }

  /**
   * Tr C from per-example gradients equals the mean of ‖g_B − ḡ‖² over minibatches of S drawn
   * with replacement (Proposition 1), here by Monte Carlo within 4 standard errors.
   */
  @Test
  void noiseTraceIsTheMinibatchGradientVariance() {
    ImageData d = data(40, 6, 9);
    Logistic model = new Logistic(6, 10);
    double[] theta = new double[model.size()];
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(10L);
    for (int i = 0; i < theta.length; i++) {
      theta[i] = rng.nextDouble() - 0.5;
    }
    final int batch = 4;
    double trC = Trainer.noise(model, d, theta, 40, batch, 3)[0];
    int[] all = new int[40];
    for (int i = 0; i < 40; i++) {
      all[i] = i;
    }
    double[] full = new double[model.size()];
    model.lossAndGradient(theta, d, all, 40, full);
    double[] g = new double[model.size()];
    int[] rows = new int[batch];
    final int draws = 20_000;
    double sum = 0;
    double sumSq = 0;
    for (int t = 0; t < draws; t++) {
      for (int j = 0; j < batch; j++) {
        rows[j] = rng.nextInt(40);
      }
      model.lossAndGradient(theta, d, rows, batch, g);
      double e = 0;
      for (int k = 0; k < g.length; k++) {
        e += (g[k] - full[k]) * (g[k] - full[k]);
      }
      sum += e;
      sumSq += e * e;
    }
    double mean = sum / draws;
    double se = Math.sqrt((sumSq / draws - mean * mean) / draws);
    assertThat(Math.abs(mean - trC)).isLessThanOrEqualTo(4 * se);
  }

  /** Images whose class is written in their pixels (class k: pixel k bright): learnable. */
  static ImageData separable(int n, long seed) {
    UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed);
    float[] x = new float[n * 8];
    byte[] y = new byte[n];
    for (int i = 0; i < n; i++) {
      int k = rng.nextInt(8);
      y[i] = (byte) k;
      for (int j = 0; j < 8; j++) {
        x[i * 8 + j] = (j == k ? 1f : 0f) + 0.2f * rng.nextFloat();
      }
    }
    return new ImageData(x, y, n, 8, 10);
  }
}
