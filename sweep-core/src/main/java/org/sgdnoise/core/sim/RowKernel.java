package org.sgdnoise.core.sim;

/**
 * The dataset-mode minibatch kernel for rows of D ≥ 8 single-precision features (widened
 * exactly): the residuals xⱼᵀw − yⱼ of the picked rows and the gradient sum Σⱼ xⱼ·resⱼ, in
 * double precision; and the dot products of Ĥw (double rows) for the noise measurement.
 *
 * <p>Two implementations give the same bits: {@link Scalar}, plain Java, and a SIMD one on the
 * incubating Vector API ({@code VectorRowKernel}, four double lanes), used when the JVM runs
 * with {@code --add-modules jdk.incubator.vector} and prefers vectors of at least four doubles.
 * They agree bit for bit because the arithmetic is defined lane by lane: a dot product keeps four
 * fused multiply-add accumulators, one per index i mod 4 below the last multiple of four, sums
 * them as (a₀ + a₁) + (a₂ + a₃) and adds the remaining products by fused multiply-adds in order;
 * a gradient element takes the rows of a group in order, each by one fused multiply-add. So a
 * cell's result does not depend on whether an executor has the module (scripts/sweep and
 * conf/spark-defaults.conf add it; a JVM without it runs the scalar code, slower).
 */
abstract class RowKernel {
  /** The lanes of the arithmetic order (see the class comment). */
  static final int LANES = 4;
  /** Rows per group: one load of w per four dot products, one pass over g per four rows. */
  static final int GROUP = 4;
  /** Set to {@code false} to run the scalar kernel although the Vector API is available. */
  static final String SIMD_PROPERTY = "sgdnoise.simd";

  private static final RowKernel BEST = choose();

  /** The fastest kernel this JVM can run. */
  static RowKernel best() {
    return BEST;
  }

  /** Whether {@link #best} is the SIMD kernel (the module is there and not switched off). */
  static boolean simd() {
    return !(BEST instanceof Scalar);
  }

  private static RowKernel choose() {
    if ("false".equalsIgnoreCase(System.getProperty(SIMD_PROPERTY))
        || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return new Scalar();
    }
    try {
      RowKernel k = (RowKernel) Class.forName("org.sgdnoise.core.sim.VectorRowKernel")
          .getDeclaredConstructor().newInstance();
      return k.usable() ? k : new Scalar();
    } catch (ReflectiveOperationException | LinkageError e) {
      return new Scalar();
    }
  }

  /** Whether this kernel runs at full speed on this CPU. */
  boolean usable() {
    return true;
  }

  /**
   * The dot products of rows at offsets o0…o3 of {@code xs} with w into {@code out[0..4)}, in
   * the order of the class comment.
   */
  abstract void dot4(float[] xs, int o0, int o1, int o2, int o3, double[] w, int dim,
      double[] out);

  /** The dot product of the row at {@code off} with w, in the order of the class comment. */
  abstract double dot(float[] xs, int off, double[] w, int dim);

  /** {@link #dot4(float[], int, int, int, int, double[], int, double[])} on double rows. */
  abstract void dot4(double[] xs, int o0, int o1, int o2, int o3, double[] w, int dim,
      double[] out);

  /** {@link #dot(float[], int, double[], int)} on a double row. */
  abstract double dot(double[] xs, int off, double[] w, int dim);

  /** g[i] = fma(x₃ᵢ, r3, fma(x₂ᵢ, r2, fma(x₁ᵢ, r1, fma(x₀ᵢ, r0, g[i])))) for every i. */
  abstract void axpy4(float[] xs, int o0, int o1, int o2, int o3, double r0, double r1,
      double r2, double r3, double[] g, int dim);

  /** g[i] = fma(xᵢ, r, g[i]) for every i. */
  abstract void axpy(float[] xs, int off, double r, double[] g, int dim);

  /**
   * This step's minibatch: leaves Σⱼ xⱼ·resⱼ in {@code g} (overwritten) and returns Σⱼ resⱼ²,
   * with resⱼ = xⱼᵀw − yⱼ over the rows {@code idx[0..count)} of {@code xs} (row-major,
   * {@code dim} per row) and {@code ys}. {@code out} is scratch of length ≥ 4.
   */
  final double batch(float[] xs, double[] ys, int[] idx, int count, double[] w, double[] g,
      int dim, double[] out) {
    java.util.Arrays.fill(g, 0, dim, 0.0);
    double loss = 0;
    int j = 0;
    for (; j + GROUP - 1 < count; j += GROUP) {
      final int r0 = idx[j];
      final int r1 = idx[j + 1];
      final int r2 = idx[j + 2];
      final int r3 = idx[j + 3];
      final int o0 = r0 * dim;
      final int o1 = r1 * dim;
      final int o2 = r2 * dim;
      final int o3 = r3 * dim;
      dot4(xs, o0, o1, o2, o3, w, dim, out);
      final double res0 = out[0] - ys[r0];
      final double res1 = out[1] - ys[r1];
      final double res2 = out[2] - ys[r2];
      final double res3 = out[3] - ys[r3];
      axpy4(xs, o0, o1, o2, o3, res0, res1, res2, res3, g, dim);
      loss += (res0 * res0 + res1 * res1) + (res2 * res2 + res3 * res3);
    }
    for (; j < count; j++) {
      final int row = idx[j];
      final int off = row * dim;
      final double res = dot(xs, off, w, dim) - ys[row];
      axpy(xs, off, res, g, dim);
      loss += res * res;
    }
    return loss;
  }

  /** d, then a fused multiply-add per product of row {@code off} with w over [from, dim). */
  static double tail(float[] xs, int off, double[] w, int from, int dim, double d) {
    for (int i = from; i < dim; i++) {
      d = Math.fma(xs[off + i], w[i], d);
    }
    return d;
  }

  /** {@link #tail(float[], int, double[], int, int, double)} on a double row. */
  static double tail(double[] xs, int off, double[] w, int from, int dim, double d) {
    for (int i = from; i < dim; i++) {
      d = Math.fma(xs[off + i], w[i], d);
    }
    return d;
  }

  /** {@link #axpy4} over [from, dim). */
  static void axpy4(float[] xs, int o0, int o1, int o2, int o3, double r0, double r1, double r2,
      double r3, double[] g, int from, int dim) {
    for (int i = from; i < dim; i++) {
      g[i] = Math.fma(xs[o3 + i], r3, Math.fma(xs[o2 + i], r2,
          Math.fma(xs[o1 + i], r1, Math.fma(xs[o0 + i], r0, g[i]))));
    }
  }

  /** {@link #axpy} over [from, dim). */
  static void axpy(float[] xs, int off, double r, double[] g, int from, int dim) {
    for (int i = from; i < dim; i++) {
      g[i] = Math.fma(xs[off + i], r, g[i]);
    }
  }

  /** Plain Java, the reference order. */
  static final class Scalar extends RowKernel {
    @Override
    void dot4(float[] xs, int o0, int o1, int o2, int o3, double[] w, int dim, double[] out) {
      out[0] = dot(xs, o0, w, dim);
      out[1] = dot(xs, o1, w, dim);
      out[2] = dot(xs, o2, w, dim);
      out[3] = dot(xs, o3, w, dim);
    }

    @Override
    double dot(float[] xs, int off, double[] w, int dim) {
      final int bound = dim & -LANES;
      double a0 = 0;
      double a1 = 0;
      double a2 = 0;
      double a3 = 0;
      for (int i = 0; i < bound; i += LANES) {
        a0 = Math.fma(xs[off + i], w[i], a0);
        a1 = Math.fma(xs[off + i + 1], w[i + 1], a1);
        a2 = Math.fma(xs[off + i + 2], w[i + 2], a2);
        a3 = Math.fma(xs[off + i + 3], w[i + 3], a3);
      }
      return tail(xs, off, w, bound, dim, (a0 + a1) + (a2 + a3));
    }

    @Override
    void dot4(double[] xs, int o0, int o1, int o2, int o3, double[] w, int dim, double[] out) {
      out[0] = dot(xs, o0, w, dim);
      out[1] = dot(xs, o1, w, dim);
      out[2] = dot(xs, o2, w, dim);
      out[3] = dot(xs, o3, w, dim);
    }

    @Override
    double dot(double[] xs, int off, double[] w, int dim) {
      final int bound = dim & -LANES;
      double a0 = 0;
      double a1 = 0;
      double a2 = 0;
      double a3 = 0;
      for (int i = 0; i < bound; i += LANES) {
        a0 = Math.fma(xs[off + i], w[i], a0);
        a1 = Math.fma(xs[off + i + 1], w[i + 1], a1);
        a2 = Math.fma(xs[off + i + 2], w[i + 2], a2);
        a3 = Math.fma(xs[off + i + 3], w[i + 3], a3);
      }
      return tail(xs, off, w, bound, dim, (a0 + a1) + (a2 + a3));
    }

    @Override
    void axpy4(float[] xs, int o0, int o1, int o2, int o3, double r0, double r1, double r2,
        double r3, double[] g, int dim) {
      axpy4(xs, o0, o1, o2, o3, r0, r1, r2, r3, g, 0, dim);
    }

    @Override
    void axpy(float[] xs, int off, double r, double[] g, int dim) {
      axpy(xs, off, r, g, 0, dim);
    }
  }
}
