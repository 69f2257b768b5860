package org.sgdnoise.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.sgdnoise.core.analysis.GammaStarGrid.Result;
import org.sgdnoise.core.analysis.GammaStarGrid.Status;

/** γ* off a grid of test losses: argmin, parabola refinement, sign, edges. */
class GammaStarGridTest {
  private static final double INF = Double.POSITIVE_INFINITY;
  /** A parabola is refined exactly, up to rounding of a few operations. */
  private static final double ROUNDING = 1e-12;

  @Test
  void aParabolaIsRefinedToItsExactVertexOnANonUniformGrid() {
    // L = (γ + 0.37)² + 1 on γ = −1, −0.5, −0.2, 0.4 (non-uniform), order shuffled.
    double[] g = {0.4, -0.5, -1, -0.2};
    double[] l = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      l[i] = (g[i] + 0.37) * (g[i] + 0.37) + 1;
    }
    Result r = GammaStarGrid.locate(g, l);
    assertThat(r.status()).isEqualTo(Status.INTERIOR);
    assertThat(r.gammaStar()).isCloseTo(-0.37, within(ROUNDING));
    assertThat(r.gridStep()).isCloseTo(0.5, within(ROUNDING));
    assertThat(r.negative()).isTrue();
  }

  @Test
  void aMinimumNextToADivergentCellIsNotRefined() {
    Result r = GammaStarGrid.locate(new double[] {-3, -2.5, -2, -1.5},
        new double[] {INF, 1.0, 2.0, INF});
    assertThat(r.status()).isEqualTo(Status.INTERIOR);
    assertThat(r.gammaStar()).isEqualTo(-2.5);
    assertThat(r.gridStep()).isEqualTo(0.5);
    assertThat(r.negative()).isTrue();
  }

  @Test
  void aMinimumAtTheEdgeOfTheGridSaysSo() {
    Result low = GammaStarGrid.locate(new double[] {0, 1, 3}, new double[] {1, 2, 3});
    assertThat(low.status()).isEqualTo(Status.AT_EDGE);
    assertThat(low.gammaStar()).isZero();
    assertThat(low.gridStep()).isEqualTo(1);
    assertThat(low.negative()).isFalse();
    Result high = GammaStarGrid.locate(new double[] {-3, -2, -1.5}, new double[] {3, 2, 1});
    assertThat(high.status()).isEqualTo(Status.AT_EDGE);
    assertThat(high.gammaStar()).isEqualTo(-1.5);
    assertThat(high.gridStep()).isEqualTo(0.5);
    Result one = GammaStarGrid.locate(new double[] {0}, new double[] {0});
    assertThat(one.status()).isEqualTo(Status.AT_EDGE);
    assertThat(one.gridStep()).isNaN();
    assertThat(one.negative()).isFalse();
  }

  @Test
  void allDivergentHasNoGammaStar() {
    Result r = GammaStarGrid.locate(new double[] {-1, 0, 1}, new double[] {INF, INF, INF});
    assertThat(r.status()).isEqualTo(Status.ALL_DIVERGENT);
    assertThat(r.gammaStar()).isNaN();
    assertThat(r.gridStep()).isNaN();
    assertThat(r.negative()).isNull();
  }

  @Test
  void unknownValuesAreIgnoredAndNothingKnownGivesNoResult() {
    Result r = GammaStarGrid.locate(new double[] {-1, 0, Double.NaN, 1, 2},
        new double[] {4, Double.NaN, 0, 1, 4});
    // Grid without the unknown entries: (−1, 4), (1, 1), (2, 4).
    assertThat(r.status()).isEqualTo(Status.INTERIOR);
    assertThat(r.gridStep()).isEqualTo(2);
    assertThat(r.gammaStar()).isBetween(0.5, 1.5);
    assertThat(GammaStarGrid.locate(new double[] {1, 2},
        new double[] {Double.NaN, Double.NaN})).isNull();
    assertThat(GammaStarGrid.locate(new double[0], new double[0])).isNull();
  }

  @Test
  void theSignComparesTheBestValuesEitherSideOfZero() {
    // γ = 0 stable with L_test(0) = 0 (exact theory): not negative even if the parabola
    // through an asymmetric neighbourhood leans below zero.
    Result r = GammaStarGrid.locate(new double[] {-0.1, 0, 0.1}, new double[] {0.01, 0, 0.04});
    assertThat(r.negative()).isFalse();
    assertThat(r.gammaStar()).isLessThan(0).isGreaterThanOrEqualTo(-0.05);
    // γ = 0 divergent, stable cells only below zero: negative, wherever the grid minimum is.
    Result below = GammaStarGrid.locate(new double[] {-0.2, -0.1, 0, 0.1},
        new double[] {3, 2, INF, INF});
    assertThat(below.negative()).isTrue();
    assertThat(below.status()).isEqualTo(Status.INTERIOR);
    assertThat(below.gammaStar()).isEqualTo(-0.1);
  }

  @Test
  void simulatedLossesWithNoiseAndDivergenceFindTheMinimum() {
    // The sim path: sim_l_test of stable cells (noisy values), +∞ where a replicate diverged,
    // NaN where a cell was not simulated.
    double[] g = {-3.0, -2.8, -2.6, -2.4, -2.2, -2.0};
    double[] l = {INF, 0.51, 0.40, 0.47, Double.NaN, INF};
    Result r = GammaStarGrid.locate(g, l);
    assertThat(r.status()).isEqualTo(Status.INTERIOR);
    assertThat(r.gammaStar()).isCloseTo(
        GammaStarGrid.vertex(-2.8, 0.51, -2.6, 0.40, -2.4, 0.47), within(0.0));
    assertThat(r.gammaStar()).isBetween(-2.7, -2.5);
    assertThat(r.gridStep()).isCloseTo(0.2, within(ROUNDING));
    assertThat(r.negative()).isTrue();
  }

  @Test
  void duplicatesKeepTheLeastValue() {
    Result r = GammaStarGrid.locate(new double[] {-1, -1, 0, 1},
        new double[] {INF, 0.5, 1, 2});
    assertThat(r.status()).isEqualTo(Status.AT_EDGE);
    assertThat(r.gammaStar()).isEqualTo(-1);
  }

  @Test
  void vertexIsKeptInsideTheBracketAndCollinearPointsGiveTheMiddle() {
    assertThat(GammaStarGrid.vertex(0, 1, 1, 1, 2, 1)).isEqualTo(1);
    assertThat(GammaStarGrid.vertex(0, 2, 1, 1, 2, 2)).isEqualTo(1);
    assertThat(GammaStarGrid.vertex(0, 4, 1, 1, 2, 0)).isBetween(0.0, 2.0);
  }

  @Test
  void mismatchedLengthsAreRefused() {
    assertThatThrownBy(() -> GammaStarGrid.locate(new double[] {1}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 weight decays but 2 test losses");
  }
}
