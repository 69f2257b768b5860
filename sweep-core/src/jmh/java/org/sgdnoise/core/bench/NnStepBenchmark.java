package org.sgdnoise.core.bench;

import java.util.concurrent.TimeUnit;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
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
import org.sgdnoise.core.data.ImageData;
import org.sgdnoise.core.nn.Logistic;
import org.sgdnoise.core.nn.Mlp;
import org.sgdnoise.core.nn.Model;
import org.sgdnoise.core.nn.Optimizer;

/**
 * One SGD step of the real-data models at S = 32 on 784-pixel images (Fashion-MNIST's shape):
 * the minibatch loss and gradient and the momentum update ({@code step}), and the evaluation of
 * {@value #EVAL_ROWS} rows ({@code evaluate}). {@code model}: {@code logistic} (7,850
 * parameters) or {@code mlp512} (one tanh layer of width 512, 407,050 parameters). The pixels are
 * random, a fraction {@code zeros} of them 0 (about half of Fashion-MNIST's are): the MLP skips
 * zero pixels, so its cost depends on it. Multiply-adds per MLP step: 2·S·784·512 = 25.7M for U
 * (forward and ∂U) on dense images, half that at zeros = 0.5, and 3·S·512·10 = 0.5M for V.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NnStepBenchmark {
  @Param({"logistic", "mlp512"})
  String model;

  @Param({"0.5", "0"})
  double zeros;

  static final int BATCH = 32;
  static final int PIXELS = 784;
  static final int ROWS = 4096;
  static final int EVAL_ROWS = 1024;

  Model m;
  ImageData data;
  double[] theta;
  double[] grad;
  Optimizer opt;
  int[] rows = new int[BATCH];
  UniformRandomProvider rng;

  @Setup
  public void setup() {
    rng = RandomSource.XO_SHI_RO_256_PP.create(1L);
    float[] x = new float[ROWS * PIXELS];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextDouble() < zeros ? 0 : rng.nextFloat();
    }
    byte[] y = new byte[ROWS];
    for (int i = 0; i < ROWS; i++) {
      y[i] = (byte) rng.nextInt(10);
    }
    data = new ImageData(x, y, ROWS, PIXELS, 10);
    m = model.equals("logistic") ? new Logistic(PIXELS, 10)
        : new Mlp(PIXELS, 512, 10, Mlp.Loss.CROSS_ENTROPY);
    theta = new double[m.size()];
    m.init(theta, rng);
    grad = new double[m.size()];
    opt = new Optimizer(Optimizer.Kind.SGD, m, 1e-3, 0.9, 1e-4);
  }

  @Benchmark
  public double step() {
    for (int j = 0; j < BATCH; j++) {
      rows[j] = rng.nextInt(ROWS);
    }
    double loss = m.lossAndGradient(theta, data, rows, BATCH, grad);
    opt.step(theta, grad);
    return loss;
  }

  @Benchmark
  public Model.Evaluation evaluate() {
    return m.evaluate(theta, data, EVAL_ROWS);
  }
}
