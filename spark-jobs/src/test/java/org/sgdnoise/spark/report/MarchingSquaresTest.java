package org.sgdnoise.spark.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MarchingSquaresTest {
  /** Linear interpolation of a linear field is exact up to rounding. */
  private static final double EXACT = 1e-12;

  @Test
  void linearFieldGivesItsStraightLevelLine() {
    // z = i + 0.5 j; level 2.75 is the line i = 2.75 − 0.5 j.
    double[][] z = new double[6][4];
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 4; j++) {
        z[i][j] = i + 0.5 * j;
      }
    }
    List<MarchingSquares.Segment> s = MarchingSquares.contour(z, 2.75);
    assertThat(s).isNotEmpty();
    for (MarchingSquares.Segment g : s) {
      assertThat(g.i1()).isCloseTo(2.75 - 0.5 * g.j1(), within(EXACT));
      assertThat(g.i2()).isCloseTo(2.75 - 0.5 * g.j2(), within(EXACT));
    }
    // The pieces cover j from 0 to 3 without gaps: their j extents add up to 3.
    double covered = s.stream().mapToDouble(g -> Math.abs(g.j2() - g.j1())).sum();
    assertThat(covered).isCloseTo(3.0, within(EXACT));
  }

  @Test
  void stepFieldIsCutHalfWayBetweenNodes() {
    // Divergence flags: 1 from i = 3 on. The boundary sits at i = 2.5 on every row.
    double[][] z = new double[5][3];
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 3; j++) {
        z[i][j] = i >= 3 ? 1 : 0;
      }
    }
    List<MarchingSquares.Segment> s = MarchingSquares.contour(z, 0.5);
    assertThat(s).hasSize(2);
    assertThat(s).allSatisfy(g -> {
      assertThat(g.i1()).isEqualTo(2.5);
      assertThat(g.i2()).isEqualTo(2.5);
    });
  }

  @Test
  void squaresWithANanCornerAreSkippedAndSaddlesGiveTwoSegments() {
    double[][] z = {{0, 1}, {1, 0}};
    assertThat(MarchingSquares.contour(z, 0.5)).hasSize(2);
    double[][] hole = {{0, Double.NaN}, {1, 1}};
    assertThat(MarchingSquares.contour(hole, 0.5)).isEmpty();
    assertThat(MarchingSquares.contour(new double[0][0], 0.5)).isEmpty();
  }

  @Test
  void circleEndpointsLieNearTheCircle() {
    int n = 41;
    double c = 20;
    double r = 12.3;
    double[][] z = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        z[i][j] = Math.hypot(i - c, j - c);
      }
    }
    List<MarchingSquares.Segment> s = MarchingSquares.contour(z, r);
    // Interpolating the distance along a grid edge errs by at most (1/2)·max|∂²d/∂x²|·(1/2)²,
    // with ∂²d/∂x² ≤ 1/(r − 1) near the circle: 1/(8(r − 1)) < 0.012.
    double tol = 1 / (8 * (r - 1));
    assertThat(s.size()).isGreaterThan(40);
    for (MarchingSquares.Segment g : s) {
      assertThat(Math.hypot(g.i1() - c, g.j1() - c)).isCloseTo(r, within(tol));
    }
  }
}
