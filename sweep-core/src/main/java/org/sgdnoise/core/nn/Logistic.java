package org.sgdnoise.core.nn;

import org.apache.commons.rng.UniformRandomProvider;
import org.sgdnoise.core.data.ImageData;

/**
 * Multinomial logistic (softmax) regression: z = Wx + b, loss −log softmax(z)_y (cross-entropy).
 * θ = [W (classes × features, row-major), b (classes)]; W is decayed, b is not. Initialised at
 * θ = 0 (the loss is convex: the start does not matter for the optimum).
 */
public final class Logistic implements Model {
  private final int features;
  private final int classes;
  private final double[] z;

  public Logistic(int features, int classes) {
    this.features = features;
    this.classes = classes;
    this.z = new double[classes];
  }

  @Override
  public int size() {
    return classes * features + classes;
  }

  @Override
  public boolean decayed(int i) {
    return i < classes * features;
  }

  @Override
  public void init(double[] theta, UniformRandomProvider rng) {
    java.util.Arrays.fill(theta, 0.0);
  }

  /** z = Wx + b for row {@code row}, into {@link #z}. */
  private void logits(double[] theta, ImageData d, int row) {
    final int bias = classes * features;
    final int xo = row * features;
    for (int k = 0; k < classes; k++) {
      z[k] = Kernels.dot(theta, k * features, d.x(), xo, features) + theta[bias + k];
    }
  }

  @Override
  public double lossAndGradient(double[] theta, ImageData d, int[] rows, int count,
      double[] grad) {
    java.util.Arrays.fill(grad, 0.0);
    final int bias = classes * features;
    final double inv = 1.0 / count;
    double loss = 0;
    for (int j = 0; j < count; j++) {
      final int row = rows[j];
      final int y = d.label(row);
      logits(theta, d, row);
      final double zy = z[y];
      loss += Kernels.softmaxInPlace(z, classes) - zy;
      for (int k = 0; k < classes; k++) {
        final double dz = (z[k] - (k == y ? 1 : 0)) * inv;
        Kernels.axpy(dz, d.x(), row * features, grad, k * features, features);
        grad[bias + k] += dz;
      }
    }
    return loss * inv;
  }

  @Override
  public Evaluation evaluate(double[] theta, ImageData d, int n) {
    double loss = 0;
    int correct = 0;
    for (int row = 0; row < n; row++) {
      final int y = d.label(row);
      logits(theta, d, row);
      final double zy = z[y];
      correct += Kernels.argmax(z, classes) == y ? 1 : 0;
      loss += Kernels.softmaxInPlace(z, classes) - zy;
    }
    return new Evaluation(loss / n, (double) correct / n);
  }
}
