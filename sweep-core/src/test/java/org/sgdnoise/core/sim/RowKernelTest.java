package org.sgdnoise.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The two {@link RowKernel}s give the same bits, so a cell's result does not depend on whether
 * the JVM has the Vector API (every D from 1 to 41, so every remainder of four, and batches with
 * every remainder of the four-row groups); and both compute the minibatch gradient and loss,
 * against plain left-to-right sums within the summation error bound (n·ε times the sum of the
 * terms' magnitudes).
 */
class RowKernelTest {
  private static final int ROWS = 257;

  private static float[] rows(SplittableRandom r, int dim) {
    final float[] xs = new float[ROWS * dim];
    for (int k = 0; k < xs.length; k++) {
      xs[k] = (float) (r.nextGaussian() * Math.exp(r.nextDouble() * 4 - 2));
    }
    return xs;
  }

  private static double[] vector(SplittableRandom r, int n) {
    final double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      v[k] = r.nextGaussian();
    }
    return v;
  }

  @Test
  void surefireRunsTheSimdKernel() {
    // The test JVM has --add-modules jdk.incubator.vector (sweep-core's pom): the comparisons
    // below then compare the SIMD kernel with the scalar one, not the scalar one with itself.
    assertThat(RowKernel.simd()).as("the SIMD kernel is in use").isTrue();
    assertThat(RowKernel.best()).isNotInstanceOf(RowKernel.Scalar.class);
  }

  @Test
  void simdAndScalarGiveTheSameBitsForEveryDimensionAndBatch() {
    final RowKernel simd = RowKernel.best();
    final RowKernel scalar = new RowKernel.Scalar();
    final SplittableRandom r = new SplittableRandom(7);
    for (int dim = 1; dim <= 41; dim++) {
      final float[] xs = rows(r, dim);
      final double[] ys = vector(r, ROWS);
      final double[] w = vector(r, dim);
      final double[] h = vector(r, ROWS * dim);
      for (int count = 1; count <= 13; count++) {
        final int[] idx = new int[count];
        for (int j = 0; j < count; j++) {
          idx[j] = r.nextInt(ROWS);
        }
        final double[] g1 = vector(r, dim);
        final double[] g2 = new double[dim];
        final double[] out1 = new double[4];
        final double[] out2 = new double[4];
        final double l1 = simd.batch(xs, ys, idx, count, w, g1, dim, out1);
        final double l2 = scalar.batch(xs, ys, idx, count, w, g2, dim, out2);
        assertThat(Double.doubleToRawLongBits(l1)).as("loss, D = %d, S = %d", dim, count)
            .isEqualTo(Double.doubleToRawLongBits(l2));
        assertThat(g1).as("gradient, D = %d, S = %d", dim, count).isEqualTo(g2);
      }
      for (int k = 0; k + 3 < ROWS; k += 17) {
        final double[] a = new double[4];
        final double[] b = new double[4];
        simd.dot4(h, k * dim, (k + 1) * dim, (k + 2) * dim, (k + 3) * dim, w, dim, a);
        new RowKernel.Scalar().dot4(h, k * dim, (k + 1) * dim, (k + 2) * dim, (k + 3) * dim, w,
            dim, b);
        assertThat(a).as("Ĥw rows, D = %d", dim).isEqualTo(b);
        assertThat(simd.dot(h, k * dim, w, dim)).isEqualTo(scalar.dot(h, k * dim, w, dim));
      }
    }
  }

  @Test
  void batchIsTheMinibatchGradientAndLoss() {
    final SplittableRandom r = new SplittableRandom(11);
    for (RowKernel kernel : new RowKernel[] {RowKernel.best(), new RowKernel.Scalar()}) {
      for (int dim : new int[] {8, 13, 100}) {
        final float[] xs = rows(r, dim);
        final double[] ys = vector(r, ROWS);
        final double[] w = vector(r, dim);
        final int count = 32;
        final int[] idx = new int[count];
        for (int j = 0; j < count; j++) {
          idx[j] = r.nextInt(ROWS);
        }
        final double[] g = new double[dim];
        final double loss = kernel.batch(xs, ys, idx, count, w, g, dim, new double[4]);
        // Reference: plain left-to-right sums; |error| ≤ (dim + count)·ε·Σ|terms| for both.
        final double eps = 0x1p-52 * (dim + count + 4);
        double refLoss = 0;
        double lossScale = 0;
        final double[] ref = new double[dim];
        final double[] scale = new double[dim];
        for (int j = 0; j < count; j++) {
          final int off = idx[j] * dim;
          double dot = 0;
          double dotScale = 0;
          for (int i = 0; i < dim; i++) {
            dot += xs[off + i] * w[i];
            dotScale += Math.abs(xs[off + i] * w[i]);
          }
          final double res = dot - ys[idx[j]];
          final double resScale = dotScale + Math.abs(ys[idx[j]]);
          refLoss += res * res;
          lossScale += (Math.abs(res) + 2 * eps * resScale) * resScale;
          for (int i = 0; i < dim; i++) {
            ref[i] += xs[off + i] * res;
            scale[i] += Math.abs(xs[off + i]) * resScale;
          }
        }
        assertThat(Math.abs(loss - refLoss)).as("loss, D = %d", dim)
            .isLessThanOrEqualTo(4 * eps * lossScale);
        for (int i = 0; i < dim; i++) {
          assertThat(Math.abs(g[i] - ref[i])).as("g[%d], D = %d", i, dim)
              .isLessThanOrEqualTo(4 * eps * scale[i]);
        }
      }
    }
  }
}
