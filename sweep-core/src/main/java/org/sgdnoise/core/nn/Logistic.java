package org.sgdnoise.core.nn;

import org.apache.commons.rng.UniformRandomProvider;
import org.sgdnoise.core.data.ImageData;

/**
 * Multinomial logistic (softmax) regression: z = Wx + b, loss −log softmax(z)_y (cross-entropy).
 * θ = [W (classes × features, row-major), b (classes)]; W is decayed, b is not. Initialised at
 * θ = 0 (the loss is convex: the start does not matter for the optimum).
 *
 * <p>Minibatches are processed {@value #BLOCK} rows at a time, copied to doubles once: z by dot
 * products, four rows at a time sharing the loads of W's rows ({@link Kernels#dot4}), and
 * ∂W[c] = Σ_j dz_jc·x_j by sums of scaled rows ({@link Kernels#combine}).
 */
public final class Logistic implements Model {
  /** Rows per pass. */
  static final int BLOCK = 32;

  private final int features;
  private final int classes;
  /** The block's rows as doubles. */
  private final double[][] x;
  /** A row of the gradient being accumulated. */
  private final double[] gRow;
  /** Logits, then softmax, then ∂L/∂z, BLOCK × classes. */
  private final double[] z;
  /** 0, 1, 2, …: the indices of the block's rows for {@link Kernels#combine}. */
  private final int[] ident;
  private final double[] coef;
  private final double[] dots = new double[4];
  private final int[] seq;

  public Logistic(int features, int classes) {
    this.features = features;
    this.classes = classes;
    this.x = new double[BLOCK][features];
    this.gRow = new double[features];
    this.z = new double[BLOCK * classes];
    this.ident = new int[BLOCK];
    this.coef = new double[BLOCK];
    this.seq = new int[BLOCK];
    for (int j = 0; j < BLOCK; j++) {
      ident[j] = j;
    }
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

  /** Logits of the m ≤ {@value #BLOCK} rows {@code rows[from … from + m)} into z (rows to x). */
  private void logits(double[] theta, ImageData d, int[] rows, int from, int m) {
    final int bias = classes * features;
    final float[] px = d.x();
    for (int j = 0; j < m; j++) {
      final double[] xj = x[j];
      final int base = rows[from + j] * features;
      for (int f = 0; f < features; f++) {
        xj[f] = px[base + f];
      }
    }
    // Four rows at a time share the loads of W's row.
    int j = 0;
    for (; j + 3 < m; j += 4) {
      for (int c = 0; c < classes; c++) {
        Kernels.dot4(theta, c * features, x[j], x[j + 1], x[j + 2], x[j + 3], features, dots, 0);
        for (int q = 0; q < 4; q++) {
          z[(j + q) * classes + c] = dots[q] + theta[bias + c];
        }
      }
    }
    for (; j < m; j++) {
      for (int c = 0; c < classes; c++) {
        z[j * classes + c] = Kernels.dot(theta, c * features, x[j], 0, features)
            + theta[bias + c];
      }
    }
  }

  @Override
  public double lossAndGradient(double[] theta, ImageData d, int[] rows, int count,
      double[] grad) {
    java.util.Arrays.fill(grad, 0.0);
    final int bias = classes * features;
    final double inv = 1.0 / count;
    double loss = 0;
    for (int from = 0; from < count; from += BLOCK) {
      final int m = Math.min(BLOCK, count - from);
      logits(theta, d, rows, from, m);
      for (int j = 0; j < m; j++) {
        final int zo = j * classes;
        final int y = d.label(rows[from + j]);
        final double zy = z[zo + y];
        loss += Kernels.softmaxInPlace(z, zo, classes) - zy;
        for (int c = 0; c < classes; c++) {
          final double dz = (z[zo + c] - (c == y ? 1 : 0)) * inv;
          z[zo + c] = dz;
          grad[bias + c] += dz;
        }
      }
      // ∂W[c] = Σ_j dz_jc·x_j.
      for (int c = 0; c < classes; c++) {
        for (int j = 0; j < m; j++) {
          coef[j] = z[j * classes + c];
        }
        System.arraycopy(grad, c * features, gRow, 0, features);
        Kernels.combine(x, ident, 0, coef, 0, m, gRow, features);
        System.arraycopy(gRow, 0, grad, c * features, features);
      }
    }
    return loss * inv;
  }

  @Override
  public Evaluation evaluate(double[] theta, ImageData d, int n) {
    double loss = 0;
    int correct = 0;
    for (int from = 0; from < n; from += BLOCK) {
      final int m = Math.min(BLOCK, n - from);
      for (int j = 0; j < m; j++) {
        seq[j] = from + j;
      }
      logits(theta, d, seq, 0, m);
      for (int j = 0; j < m; j++) {
        final int zo = j * classes;
        final int y = d.label(from + j);
        final double zy = z[zo + y];
        correct += Kernels.argmax(z, zo, classes) == y ? 1 : 0;
        loss += Kernels.softmaxInPlace(z, zo, classes) - zy;
      }
    }
    return new Evaluation(loss / n, (double) correct / n);
  }
}
