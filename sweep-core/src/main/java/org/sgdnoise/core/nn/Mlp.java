package org.sgdnoise.core.nn;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.sgdnoise.core.data.ImageData;

/**
 * A network with one hidden tanh layer of width d: h = tanh(Ux + b₁), z = Vh + b₂, with either
 * the cross-entropy loss −log softmax(z)_y or the squared error ½‖z − e_y‖² (one-hot target).
 *
 * <p>Layout: θ = [Uᵀ (features × d, row-major: row f holds the weights of pixel f into every
 * hidden unit, U[k][f] at f·d + k), b₁ (d), V (classes × d, row-major), b₂ (classes)]; U and V
 * are decayed. Seeded initialisation U ~ N(0, 1/features), V ~ N(0, 1/d), biases 0 (the standard
 * 1/fan-in scale, so activations stay O(1) whatever the width); U is drawn unit by unit (k outer,
 * f inner), so a seed gives the same network as with U stored row-major.
 *
 * <p>Minibatches are processed {@value #BLOCK} rows at a time, each pass as sums of scaled rows
 * over the width ({@link Kernels#combine}), skipping zero pixels (about half of Fashion-MNIST's):
 * forward, a_j = b₁ + Σ_{f: x_jf ≠ 0} x_jf·Uᵀ[f]; backward, ∂Uᵀ[f] = Σ_{j: x_jf ≠ 0} x_jf·δ_j.
 */
public final class Mlp implements Model {
  /** The loss of the output layer. */
  public enum Loss {
    CROSS_ENTROPY,
    MSE
  }

  /** Rows per pass: the block's activations (BLOCK × d doubles) stay in L2. */
  static final int BLOCK = 32;
  /** Pixels per forward tile: their rows of Uᵀ are reused by the block's rows while in cache. */
  static final int TILE = 64;

  private final int features;
  private final int width;
  private final int classes;
  private final Loss lossKind;
  private final int offB1;
  private final int offV;
  private final int offB2;
  /** h (pre-activations, then tanh) of the block's rows, BLOCK × d. */
  private final double[] h;
  /** ∂L/∂h, then ∂L/∂a, of the block's rows, BLOCK × d. */
  private final double[] dh;
  /** Outputs z, then ∂L/∂z, BLOCK × classes. */
  private final double[] z;
  /** Each block row's nonzero pixels: offsets f·d into Uᵀ and values, BLOCK × features. */
  private final int[] pixOff;
  private final double[] pixVal;
  private final int[] pixCount;
  private final int[] cursor;
  /** Row offsets into the data set of the block's rows. */
  private final int[] rowBase;
  /** Scratch list of rows and scale factors for {@link Kernels#combine}. */
  private final int[] offs;
  private final double[] coef;
  /** Consecutive row indices for {@link #evaluate}. */
  private final int[] seq;

  public Mlp(int features, int width, int classes, Loss loss) {
    this.features = features;
    this.width = width;
    this.classes = classes;
    this.lossKind = loss;
    this.offB1 = width * features;
    this.offV = offB1 + width;
    this.offB2 = offV + classes * width;
    this.h = new double[BLOCK * width];
    this.dh = new double[BLOCK * width];
    this.z = new double[BLOCK * classes];
    this.pixOff = new int[BLOCK * features];
    this.pixVal = new double[BLOCK * features];
    this.pixCount = new int[BLOCK];
    this.cursor = new int[BLOCK];
    this.rowBase = new int[BLOCK];
    this.offs = new int[Math.max(BLOCK, classes)];
    this.coef = new double[Math.max(BLOCK, classes)];
    this.seq = new int[BLOCK];
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
    for (int k = 0; k < width; k++) {
      for (int f = 0; f < features; f++) {
        theta[f * width + k] = su * g.sample();
      }
    }
    final double sv = 1 / Math.sqrt(width);
    for (int i = offV; i < offB2; i++) {
      theta[i] = sv * g.sample();
    }
  }

  /**
   * The forward pass of the m ≤ {@value #BLOCK} rows {@code rows[from … from + m)}: h and z of
   * each; returns the sum of their losses and leaves in z the softmax p (cross-entropy) or z
   * itself (squared error).
   */
  private double forward(double[] theta, ImageData d, int[] rows, int from, int m) {
    final float[] x = d.x();
    // Each row's nonzero pixels, in pixel order.
    for (int j = 0; j < m; j++) {
      final int base = rows[from + j] * features;
      rowBase[j] = base;
      final int o = j * features;
      int n = 0;
      for (int f = 0; f < features; f++) {
        final float v = x[base + f];
        if (v != 0) {
          pixOff[o + n] = f * width;
          pixVal[o + n] = v;
          n++;
        }
      }
      pixCount[j] = n;
      cursor[j] = o;
      System.arraycopy(theta, offB1, h, j * width, width);
    }
    // a_j = b₁ + Σ_f x_jf·Uᵀ[f], a tile of pixels at a time for all rows.
    for (int f0 = 0; f0 < features; f0 += TILE) {
      final int end = Math.min(features, f0 + TILE) * width;
      for (int j = 0; j < m; j++) {
        final int start = cursor[j];
        final int last = j * features + pixCount[j];
        int t = start;
        while (t < last && pixOff[t] < end) {
          t++;
        }
        Kernels.combine(theta, pixOff, pixVal, start, t, h, j * width, width);
        cursor[j] = t;
      }
    }
    for (int i = 0; i < m * width; i++) {
      h[i] = Math.tanh(h[i]);
    }
    // z = Vh + b₂ and the loss.
    double loss = 0;
    for (int j = 0; j < m; j++) {
      final int zo = j * classes;
      final int y = d.label(rows[from + j]);
      for (int c = 0; c < classes; c++) {
        z[zo + c] = Kernels.dot(theta, offV + c * width, h, j * width, width) + theta[offB2 + c];
      }
      if (lossKind == Loss.CROSS_ENTROPY) {
        final double zy = z[zo + y];
        loss += Kernels.softmaxInPlace(z, zo, classes) - zy; // z now holds p
      } else {
        double l = 0;
        for (int c = 0; c < classes; c++) {
          final double e = z[zo + c] - (c == y ? 1 : 0);
          l += e * e;
        }
        loss += 0.5 * l;
      }
    }
    return loss;
  }

  /**
   * Adds the gradient of the block's loss, times {@code scale}, to {@code grad}; after
   * {@link #forward} of the same rows.
   */
  private void backward(double[] theta, ImageData d, int[] rows, int from, int m, double scale,
      double[] grad) {
    // Output layer: dz = p − e_y (CE; z holds p) or z − e_y (MSE), scaled.
    for (int j = 0; j < m; j++) {
      final int zo = j * classes;
      final int y = d.label(rows[from + j]);
      for (int c = 0; c < classes; c++) {
        final double dz = (z[zo + c] - (c == y ? 1 : 0)) * scale;
        z[zo + c] = dz;
        grad[offB2 + c] += dz;
      }
    }
    // ∂V[c] = Σ_j dz_jc·h_j.
    for (int j = 0; j < m; j++) {
      offs[j] = j * width;
    }
    for (int c = 0; c < classes; c++) {
      for (int j = 0; j < m; j++) {
        coef[j] = z[j * classes + c];
      }
      Kernels.combine(h, offs, coef, 0, m, grad, offV + c * width, width);
    }
    // ∂h_j = Σ_c dz_jc·V[c], then δ_j = ∂h_j ⊙ (1 − h_j²) and ∂b₁ = Σ_j δ_j.
    for (int c = 0; c < classes; c++) {
      offs[c] = offV + c * width;
    }
    java.util.Arrays.fill(dh, 0, m * width, 0.0);
    for (int j = 0; j < m; j++) {
      final int o = j * width;
      System.arraycopy(z, j * classes, coef, 0, classes);
      Kernels.combine(theta, offs, coef, 0, classes, dh, o, width);
      for (int k = 0; k < width; k++) {
        final double hk = h[o + k];
        final double da = dh[o + k] * (1 - hk * hk);
        dh[o + k] = da;
        grad[offB1 + k] += da;
      }
    }
    // ∂Uᵀ[f] = Σ_{j: x_jf ≠ 0} x_jf·δ_j.
    final float[] x = d.x();
    for (int f = 0; f < features; f++) {
      int n = 0;
      for (int j = 0; j < m; j++) {
        final float v = x[rowBase[j] + f];
        if (v != 0) {
          offs[n] = j * width;
          coef[n] = v;
          n++;
        }
      }
      Kernels.combine(dh, offs, coef, 0, n, grad, f * width, width);
    }
  }

  @Override
  public double lossAndGradient(double[] theta, ImageData d, int[] rows, int count,
      double[] grad) {
    java.util.Arrays.fill(grad, 0.0);
    final double inv = 1.0 / count;
    double loss = 0;
    for (int from = 0; from < count; from += BLOCK) {
      final int m = Math.min(BLOCK, count - from);
      loss += forward(theta, d, rows, from, m);
      backward(theta, d, rows, from, m, inv, grad);
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
      loss += forward(theta, d, seq, 0, m);
      for (int j = 0; j < m; j++) {
        correct += Kernels.argmax(z, j * classes, classes) == d.label(from + j) ? 1 : 0;
      }
    }
    return new Evaluation(loss / n, (double) correct / n);
  }
}
