package org.sgdnoise.spark.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Contour lines of a sampled field by marching squares (Lorensen and Cline's marching cubes in
 * two dimensions). JFreeChart draws no contours, so boundaries on heat maps come from here.
 *
 * <p>The field is {@code z[i][j]} on grid nodes (i along x, j along y). Each square of four nodes
 * is classified by which corners are at or above the level; an edge whose ends differ is cut at
 * the linearly interpolated crossing. A square with a NaN corner is skipped (a hole in the
 * grid). Saddles (two opposite corners above) are resolved by the mean of the four corners.
 * Segments are returned in fractional index coordinates, so the caller maps them onto linear or
 * logarithmic axes (a crossing half-way between two nodes of a geometric grid is then their
 * geometric mean).
 */
public final class MarchingSquares {
  private MarchingSquares() {}

  /** A contour segment from (i1, j1) to (i2, j2) in fractional grid indices. */
  public record Segment(double i1, double j1, double i2, double j2) {}

  /**
   * The segments of the level set {@code z = level}.
   *
   * @param z the field, {@code z[i][j]}, rectangular, at least 2 × 2 to give any segment; not
   *     modified
   */
  public static List<Segment> contour(double[][] z, double level) {
    List<Segment> out = new ArrayList<>();
    int nx = z.length;
    int ny = nx == 0 ? 0 : z[0].length;
    for (int i = 0; i + 1 < nx; i++) {
      for (int j = 0; j + 1 < ny; j++) {
        square(z, i, j, level, out);
      }
    }
    return out;
  }

  private static void square(double[][] z, int i, int j, double level, List<Segment> out) {
    final double z00 = z[i][j];
    final double z10 = z[i + 1][j];
    final double z11 = z[i + 1][j + 1];
    final double z01 = z[i][j + 1];
    if (Double.isNaN(z00) || Double.isNaN(z10) || Double.isNaN(z11) || Double.isNaN(z01)) {
      return;
    }
    final boolean a00 = z00 >= level;
    final boolean a10 = z10 >= level;
    final boolean a11 = z11 >= level;
    final boolean a01 = z01 >= level;
    // Crossing points on the four edges (null where the edge is not cut).
    double[] bottom = a00 != a10 ? new double[] {i + frac(z00, z10, level), j} : null;
    double[] right = a10 != a11 ? new double[] {i + 1, j + frac(z10, z11, level)} : null;
    double[] top = a01 != a11 ? new double[] {i + frac(z01, z11, level), j + 1} : null;
    double[] left = a00 != a01 ? new double[] {i, j + frac(z00, z01, level)} : null;
    List<double[]> cut = new ArrayList<>(4);
    for (double[] p : new double[][] {bottom, right, top, left}) {
      if (p != null) {
        cut.add(p);
      }
    }
    if (cut.size() == 2) {
      out.add(seg(cut.get(0), cut.get(1)));
    } else if (cut.size() == 4) {
      // Saddle: if the centre is on the side of corner 00, corners 00 and 11 connect through
      // it and the contour cuts off corners 10 and 01; otherwise it cuts off 00 and 11.
      boolean centre = (z00 + z10 + z11 + z01) / 4 >= level;
      if (centre == a00) {
        out.add(seg(bottom, right));
        out.add(seg(top, left));
      } else {
        out.add(seg(left, bottom));
        out.add(seg(right, top));
      }
    }
  }

  private static double frac(double za, double zb, double level) {
    return (level - za) / (zb - za);
  }

  private static Segment seg(double[] p, double[] q) {
    return new Segment(p[0], p[1], q[0], q[1]);
  }
}
