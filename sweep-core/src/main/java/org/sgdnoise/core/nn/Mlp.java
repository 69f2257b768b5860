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
  /** Pixels per forward tile: their rows of Uᵀ are reused by the block's rows while in L2. */
  static final int TILE = 64;

  private final int features;
  private final int width;
  private final int classes;
  private final Loss lossKind;
  private final int offB1;
  private final int offV;
  private final int offB2;
  /** h (pre-activations, then tanh) of the block's rows, BLOCK rows of d. */
  private final double[][] h;
  /** ∂L/∂h, then ∂L/∂a, of the block's rows, BLOCK rows of d. */
  private final double[][] dh;
  /** Outputs z, then ∂L/∂z, BLOCK × classes. */
  private final double[] z;
  /** A tile of rows of Uᵀ (those some row of the block needs), copied from θ. */
  private final double[][] uTile;
  /** V's rows, copied from θ. */
  private final double[][] vRows;
  /** A row of the gradient being accumulated. */
  private final double[] gRow;
  /** Each block row's nonzero pixels (index and value, in pixel order), BLOCK × features. */
  private final int[] pix;
  private final double[] pixVal;
  private final int[] pixEnd;
  private final int[] cursor;
  /** Whether some row of the block has pixel f nonzero. */
  private final boolean[] used;
  /** Row offsets into the data set of the block's rows. */
  private final int[] rowBase;
  /** 0, 1, 2, …: the indices of all rows for {@link Kernels#combine}. */
  private final int[] ident;
  /** Scratch list of rows and scale factors for {@link Kernels#combine}. */
  private final int[] which;
  private final double[] coef;
  private final double[] dots = new double[4];
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
    this.h = new double[BLOCK][width];
    this.dh = new double[BLOCK][width];
    this.z = new double[BLOCK * classes];
    this.uTile = new double[TILE][width];
    this.vRows = new double[classes][width];
    this.gRow = new double[width];
    this.pix = new int[BLOCK * features];
    this.pixVal = new double[BLOCK * features];
    this.pixEnd = new int[BLOCK];
    this.cursor = new int[BLOCK];
    this.used = new boolean[features];
    this.rowBase = new int[BLOCK];
    final int most = Math.max(BLOCK, classes);
    this.ident = new int[most];
    for (int i = 0; i < most; i++) {
      ident[i] = i;
    }
    this.which = new int[most];
    this.coef = new double[most];
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
    java.util.Arrays.fill(used, false);
    for (int j = 0; j < m; j++) {
      final int base = rows[from + j] * features;
      rowBase[j] = base;
      final int o = j * features;
      int n = o;
      for (int f = 0; f < features; f++) {
        // Branch-free: the write is overwritten unless the pixel is nonzero.
        final float v = x[base + f];
        final boolean nonzero = v != 0;
        pix[n] = f;
        pixVal[n] = v;
        used[f] |= nonzero;
        n += nonzero ? 1 : 0;
      }
      pixEnd[j] = n;
      cursor[j] = o;
      System.arraycopy(theta, offB1, h[j], 0, width);
    }
    // a_j = b₁ + Σ_f x_jf·Uᵀ[f], a tile of pixels at a time for all rows.
    for (int f0 = 0; f0 < features; f0 += TILE) {
      final int f1 = Math.min(features, f0 + TILE);
      for (int f = f0; f < f1; f++) {
        if (used[f]) {
          System.arraycopy(theta, f * width, uTile[f - f0], 0, width);
        }
      }
      for (int j = 0; j < m; j++) {
        final int start = cursor[j];
        final int last = pixEnd[j];
        int t = start;
        while (t < last && pix[t] < f1) {
          t++;
        }
        Kernels.combine(uTile, pix, f0, pixVal, start, t, h[j], width);
        cursor[j] = t;
      }
    }
    // h = tanh(a); z = Vh + b₂, four rows at a time sharing the loads of V's rows.
    for (int j = 0; j < m; j++) {
      final double[] hj = h[j];
      for (int k = 0; k < width; k++) {
        hj[k] = Kernels.tanh(hj[k]);
      }
    }
    int j4 = 0;
    for (; j4 + 3 < m; j4 += 4) {
      for (int c = 0; c < classes; c++) {
        Kernels.dot4(theta, offV + c * width, h[j4], h[j4 + 1], h[j4 + 2], h[j4 + 3], width,
            dots, 0);
        for (int q = 0; q < 4; q++) {
          z[(j4 + q) * classes + c] = dots[q] + theta[offB2 + c];
        }
      }
    }
    for (; j4 < m; j4++) {
      for (int c = 0; c < classes; c++) {
        z[j4 * classes + c] = Kernels.dot(theta, offV + c * width, h[j4], 0, width)
            + theta[offB2 + c];
      }
    }
    // The loss.
    double loss = 0;
    for (int j = 0; j < m; j++) {
      final int zo = j * classes;
      final int y = d.label(rows[from + j]);
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
    // The first block writes the weights' gradient rows (from 0), later ones add to them.
    final boolean first = from == 0;
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
    // ∂V[c] += Σ_j dz_jc·h_j.
    for (int c = 0; c < classes; c++) {
      for (int j = 0; j < m; j++) {
        coef[j] = z[j * classes + c];
      }
      final int o = offV + c * width;
      startRow(grad, o, first);
      Kernels.combine(h, ident, 0, coef, 0, m, gRow, width);
      System.arraycopy(gRow, 0, grad, o, width);
    }
    // ∂h_j = Σ_c dz_jc·V[c], then δ_j = ∂h_j ⊙ (1 − h_j²) and ∂b₁ += Σ_j δ_j.
    for (int c = 0; c < classes; c++) {
      System.arraycopy(theta, offV + c * width, vRows[c], 0, width);
    }
    for (int j = 0; j < m; j++) {
      final double[] hj = h[j];
      final double[] dhj = dh[j];
      java.util.Arrays.fill(dhj, 0.0);
      System.arraycopy(z, j * classes, coef, 0, classes);
      Kernels.combine(vRows, ident, 0, coef, 0, classes, dhj, width);
      for (int k = 0; k < width; k++) {
        final double da = dhj[k] * (1 - hj[k] * hj[k]);
        dhj[k] = da;
        grad[offB1 + k] += da;
      }
    }
    // ∂Uᵀ[f] += Σ_{j: x_jf ≠ 0} x_jf·δ_j.
    final float[] x = d.x();
    for (int f = 0; f < features; f++) {
      if (!used[f]) {
        if (first) {
          java.util.Arrays.fill(grad, f * width, (f + 1) * width, 0.0);
        }
        continue;
      }
      int n = 0;
      for (int j = 0; j < m; j++) {
        final float v = x[rowBase[j] + f];
        which[n] = j;
        coef[n] = v;
        n += v != 0 ? 1 : 0;
      }
      final int o = f * width;
      startRow(grad, o, first);
      Kernels.combine(dh, which, 0, coef, 0, n, gRow, width);
      System.arraycopy(gRow, 0, grad, o, width);
    }
  }

  /** gRow = 0 for the first block, else the row of grad at o. */
  private void startRow(double[] grad, int o, boolean first) {
    if (first) {
      java.util.Arrays.fill(gRow, 0.0);
    } else {
      System.arraycopy(grad, o, gRow, 0, width);
    }
  }

  @Override
  public double lossAndGradient(double[] theta, ImageData d, int[] rows, int count,
      double[] grad) {
    if (count > 0) {
      // The first block writes the weights' rows; the biases' are sums over every block.
      java.util.Arrays.fill(grad, offB1, offV, 0.0);
      java.util.Arrays.fill(grad, offB2, offB2 + classes, 0.0);
    } else {
      java.util.Arrays.fill(grad, 0.0);
    }
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
