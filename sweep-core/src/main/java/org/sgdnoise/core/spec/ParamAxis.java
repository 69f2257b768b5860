package org.sgdnoise.core.spec;

import java.util.List;

/**
 * The values one parameter takes: a single fixed value, or a grid (an axis of the sweep).
 *
 * <p>Scalar parameters keep their values in {@code scalars}; {@link Param#SPECTRUM} keeps one
 * eigenvalue list per value in {@code vectors}. Arrays are owned by this object and never
 * modified after construction; accessors hand out the shared arrays, callers must not modify
 * them.
 *
 * @param param the parameter
 * @param grid whether the sweep file gave a grid (an axis) rather than one value
 * @param scalars values of a scalar parameter, {@code null} for a vector parameter
 * @param vectors values of a vector parameter, {@code null} for a scalar parameter
 * @param lines the line of each value in the sweep file (0 for defaults)
 */
public record ParamAxis(
    Param param, boolean grid, double[] scalars, List<double[]> vectors, int[] lines)
    implements java.io.Serializable {

  public ParamAxis {
    if ((scalars == null) == (vectors == null)) {
      throw new IllegalArgumentException("exactly one of scalars and vectors must be given");
    }
    vectors = vectors == null ? null : List.copyOf(vectors);
  }

  /** A fixed scalar value that the sweep file did not give. */
  static ParamAxis defaultValue(Param param, double value) {
    return new ParamAxis(param, false, new double[] {value}, null, new int[] {0});
  }

  public int size() {
    return scalars != null ? scalars.length : vectors.size();
  }

  public double scalar(int k) {
    return scalars[k];
  }

  /** The k-th vector value. Shared, not copied: do not modify. */
  public double[] vector(int k) {
    return vectors.get(k);
  }

  public int line(int k) {
    return lines[k];
  }
}
