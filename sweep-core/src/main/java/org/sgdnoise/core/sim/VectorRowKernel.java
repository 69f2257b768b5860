package org.sgdnoise.core.sim;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernel} on the Vector API: four double lanes (single-precision rows widened
 * exactly), the same bits as {@link RowKernel.Scalar}. Loaded by reflection only when the module is present.
 */
final class VectorRowKernel extends RowKernel {
  private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
  private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;

  @Override
  boolean usable() {
    return DoubleVector.SPECIES_PREFERRED.length() >= LANES;
  }

  /** Four floats of a row at {@code off}, widened (exactly) to doubles. */
  private static DoubleVector row(float[] xs, int off) {
    return (DoubleVector) FloatVector.fromArray(F4, xs, off)
        .convertShape(VectorOperators.F2D, D4, 0);
  }

  private static double sum(DoubleVector v) {
    return (v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3));
  }

  @Override
  void dot4(float[] xs, int o0, int o1, int o2, int o3, double[] w, int dim, double[] out) {
    final int bound = dim & -LANES;
    DoubleVector a0 = DoubleVector.zero(D4);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    for (int i = 0; i < bound; i += LANES) {
      final DoubleVector wv = DoubleVector.fromArray(D4, w, i);
      a0 = row(xs, o0 + i).fma(wv, a0);
      a1 = row(xs, o1 + i).fma(wv, a1);
      a2 = row(xs, o2 + i).fma(wv, a2);
      a3 = row(xs, o3 + i).fma(wv, a3);
    }
    out[0] = tail(xs, o0, w, bound, dim, sum(a0));
    out[1] = tail(xs, o1, w, bound, dim, sum(a1));
    out[2] = tail(xs, o2, w, bound, dim, sum(a2));
    out[3] = tail(xs, o3, w, bound, dim, sum(a3));
  }

  @Override
  double dot(float[] xs, int off, double[] w, int dim) {
    final int bound = dim & -LANES;
    DoubleVector a = DoubleVector.zero(D4);
    for (int i = 0; i < bound; i += LANES) {
      a = row(xs, off + i).fma(DoubleVector.fromArray(D4, w, i), a);
    }
    return tail(xs, off, w, bound, dim, sum(a));
  }

  @Override
  void dot4(double[] xs, int o0, int o1, int o2, int o3, double[] w, int dim, double[] out) {
    final int bound = dim & -LANES;
    DoubleVector a0 = DoubleVector.zero(D4);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    for (int i = 0; i < bound; i += LANES) {
      final DoubleVector wv = DoubleVector.fromArray(D4, w, i);
      a0 = DoubleVector.fromArray(D4, xs, o0 + i).fma(wv, a0);
      a1 = DoubleVector.fromArray(D4, xs, o1 + i).fma(wv, a1);
      a2 = DoubleVector.fromArray(D4, xs, o2 + i).fma(wv, a2);
      a3 = DoubleVector.fromArray(D4, xs, o3 + i).fma(wv, a3);
    }
    out[0] = tail(xs, o0, w, bound, dim, sum(a0));
    out[1] = tail(xs, o1, w, bound, dim, sum(a1));
    out[2] = tail(xs, o2, w, bound, dim, sum(a2));
    out[3] = tail(xs, o3, w, bound, dim, sum(a3));
  }

  @Override
  double dot(double[] xs, int off, double[] w, int dim) {
    final int bound = dim & -LANES;
    DoubleVector a = DoubleVector.zero(D4);
    for (int i = 0; i < bound; i += LANES) {
      a = DoubleVector.fromArray(D4, xs, off + i).fma(DoubleVector.fromArray(D4, w, i), a);
    }
    return tail(xs, off, w, bound, dim, sum(a));
  }

  @Override
  void axpy4(float[] xs, int o0, int o1, int o2, int o3, double r0, double r1, double r2,
      double r3, double[] g, int dim) {
    final int bound = dim & -LANES;
    final DoubleVector q0 = DoubleVector.broadcast(D4, r0);
    final DoubleVector q1 = DoubleVector.broadcast(D4, r1);
    final DoubleVector q2 = DoubleVector.broadcast(D4, r2);
    final DoubleVector q3 = DoubleVector.broadcast(D4, r3);
    for (int i = 0; i < bound; i += LANES) {
      DoubleVector gv = DoubleVector.fromArray(D4, g, i);
      gv = row(xs, o0 + i).fma(q0, gv);
      gv = row(xs, o1 + i).fma(q1, gv);
      gv = row(xs, o2 + i).fma(q2, gv);
      gv = row(xs, o3 + i).fma(q3, gv);
      gv.intoArray(g, i);
    }
    axpy4(xs, o0, o1, o2, o3, r0, r1, r2, r3, g, bound, dim);
  }

  @Override
  void axpy(float[] xs, int off, double r, double[] g, int dim) {
    final int bound = dim & -LANES;
    final DoubleVector q = DoubleVector.broadcast(D4, r);
    for (int i = 0; i < bound; i += LANES) {
      row(xs, off + i).fma(q, DoubleVector.fromArray(D4, g, i)).intoArray(g, i);
    }
    axpy(xs, off, r, g, bound, dim);
  }
}
