package org.sgdnoise.core.nn;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.sgdnoise.core.data.ImageData;

/**
 * A network with one hidden tanh layer of width d: h = tanh(Ux + b₁), z = Vh + b₂, with either
 * the cross-entropy loss −log softmax(z)_y or the squared error ½‖z − e_y‖² (one-hot target).
 * θ = [U (d × features), b₁ (d), V (classes × d), b₂ (classes)]; U and V are decayed. Seeded
 * initialisation U ~ N(0, 1/features), V ~ N(0, 1/d), biases 0 (the standard 1/fan-in scale, so
 * activations stay O(1) whatever the width).
 */
public final class Mlp implements Model {
  /** The loss of the output layer. */
  public enum Loss {
    CROSS_ENTROPY,
    MSE
  }

  private final int features;
  private final int width;
  private final int classes;
  private final Loss lossKind;
  private final double[] h;
  private final double[] z;
  private final double[] dh;
  private final int offB1;
  private final int offV;
  private final int offB2;

  public Mlp(int features, int width, int classes, Loss loss) {
    this.features = features;
    this.width = width;
    this.classes = classes;
    this.lossKind = loss;
    this.h = new double[width];
    this.z = new double[classes];
    this.dh = new double[width];
    this.offB1 = width * features;
    this.offV = offB1 + width;
    this.offB2 = offV + classes * width;
  }

  @Override
  public int size() {
    return offB2 + classes;
  }

  @Override
  public boolean decayed(int i) {
    return i < offB1 || (i >= offV && i < offB2);
  }

  @Override
  public void init(double[] theta, UniformRandomProvider rng) {
    java.util.Arrays.fill(theta, 0.0);
    ZigguratSampler.NormalizedGaussian g = ZigguratSampler.NormalizedGaussian.of(rng);
    final double su = 1 / Math.sqrt(features);
    for (int i = 0; i < offB1; i++) {
      theta[i] = su * g.sample();
    }
    final double sv = 1 / Math.sqrt(width);
    for (int i = offV; i < offB2; i++) {
      theta[i] = sv * g.sample();
    }
  }

  /** h and z for row {@code row}; returns the row's loss (z is turned into softmax for CE). */
  private double forward(double[] theta, ImageData d, int row, int y) {
    final int xo = row * features;
    for (int k = 0; k < width; k++) {
      h[k] = Math.tanh(Kernels.dot(theta, k * features, d.x(), xo, features) + theta[offB1 + k]);
    }
    for (int c = 0; c < classes; c++) {
      z[c] = Kernels.dot(theta, offV + c * width, h, 0, width) + theta[offB2 + c];
    }
    if (lossKind == Loss.CROSS_ENTROPY) {
      final double zy = z[y];
      return Kernels.softmaxInPlace(z, classes) - zy;
    }
    double l = 0;
    for (int c = 0; c < classes; c++) {
      final double e = z[c] - (c == y ? 1 : 0);
      l += e * e;
    }
    return 0.5 * l;
  }

  @Override
  public double lossAndGradient(double[] theta, ImageData d, int[] rows, int count,
      double[] grad) {
    java.util.Arrays.fill(grad, 0.0);
    final double inv = 1.0 / count;
    double loss = 0;
    for (int j = 0; j < count; j++) {
      final int row = rows[j];
      final int y = d.label(row);
      loss += forward(theta, d, row, y);
      // Output layer: dz = p − e_y (CE; z holds p) or z − e_y (MSE), scaled by 1/count.
      java.util.Arrays.fill(dh, 0.0);
      for (int c = 0; c < classes; c++) {
        final double dz = (z[c] - (c == y ? 1 : 0)) * inv;
        Kernels.axpy(dz, h, 0, grad, offV + c * width, width);
        grad[offB2 + c] += dz;
        Kernels.axpy(dz, theta, offV + c * width, dh, 0, width);
      }
      // Hidden layer: da = dh ⊙ (1 − h²).
      final int xo = row * features;
      for (int k = 0; k < width; k++) {
        final double da = dh[k] * (1 - h[k] * h[k]);
        if (da != 0) {
          Kernels.axpy(da, d.x(), xo, grad, k * features, features);
        }
        grad[offB1 + k] += da;
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
      loss += forward(theta, d, row, y);
      correct += Kernels.argmax(z, classes) == y ? 1 : 0;
    }
    return new Evaluation(loss / n, (double) correct / n);
  }
}
