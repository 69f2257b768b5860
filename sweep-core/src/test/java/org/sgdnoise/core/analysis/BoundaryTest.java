package org.sgdnoise.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.sgdnoise.core.analysis.Boundary.Bracket;
import org.sgdnoise.core.analysis.Boundary.Status;

/** Boundary bracketing and interpolation, on hand-made slices with exact answers. */
class BoundaryTest {
  /** Interpolated boundaries: a few ulps of rounding in √(ab). */
  private static final double ROUNDING = 1e-15;

  @Test
  void bracketsTheChangeOnALinearAxisAtTheMidpoint() {
    Bracket b = Boundary.locate(new double[] {0.3, 0.1, 0.2, 0.4},
        new Boolean[] {true, false, false, true}, false);
    assertThat(b.status()).isEqualTo(Status.BRACKETED);
    assertThat(b.lastStable()).isEqualTo(0.2);
    assertThat(b.firstDivergent()).isEqualTo(0.3);
    assertThat(b.boundary()).isCloseTo(0.25, within(ROUNDING));
    assertThat(b.width()).isCloseTo(0.1, within(ROUNDING));
    assertThat(b.transitions()).isEqualTo(1);
  }

  @Test
  void bracketsTheChangeOnALogAxisAtTheGeometricMean() {
    Bracket b = Boundary.locate(new double[] {0.01, 0.1, 1, 10},
        new Boolean[] {false, false, true, true}, true);
    assertThat(b.status()).isEqualTo(Status.BRACKETED);
    assertThat(b.boundary()).isCloseTo(Math.sqrt(0.1), within(ROUNDING));
    assertThat(b.width()).isCloseTo(0.9, within(ROUNDING));
  }

  @Test
  void divergentBelowAndStableAboveIsBracketedTheOtherWay() {
    // Along the batch size: small batches diverge.
    Bracket b = Boundary.locate(new double[] {1, 4, 16, 64},
        new Boolean[] {true, true, false, false}, true);
    assertThat(b.status()).isEqualTo(Status.BRACKETED);
    assertThat(b.lastStable()).isEqualTo(16);
    assertThat(b.firstDivergent()).isEqualTo(4);
    assertThat(b.boundary()).isEqualTo(8);
    assertThat(b.width()).isEqualTo(12);
  }

  @Test
  void allStableAndAllDivergentHaveNoBoundary() {
    Bracket stable = Boundary.locate(new double[] {1, 2}, new Boolean[] {false, false}, false);
    assertThat(stable.status()).isEqualTo(Status.ALL_STABLE);
    assertThat(stable.boundary()).isNaN();
    assertThat(stable.lastStable()).isNaN();
    Bracket divergent = Boundary.locate(new double[] {1}, new Boolean[] {true}, false);
    assertThat(divergent.status()).isEqualTo(Status.ALL_DIVERGENT);
    assertThat(divergent.width()).isNaN();
    assertThat(divergent.transitions()).isZero();
  }

  @Test
  void moreThanOneChangeIsNonMonotone() {
    // The stable weight decays of l2 form an interval: divergent, stable, divergent.
    Bracket b = Boundary.locate(new double[] {-4, -3, -2, -1},
        new Boolean[] {true, false, false, true}, false);
    assertThat(b.status()).isEqualTo(Status.NON_MONOTONE);
    assertThat(b.transitions()).isEqualTo(2);
    assertThat(b.boundary()).isNaN();
    assertThat(b.firstDivergent()).isNaN();
  }

  @Test
  void bothVerdictsAtOneAxisValueIsNonMonotone() {
    Bracket b = Boundary.locate(new double[] {1, 2, 2, 3},
        new Boolean[] {false, false, true, true}, false);
    assertThat(b.status()).isEqualTo(Status.NON_MONOTONE);
    assertThat(b.transitions()).isEqualTo(-1);
    // Equal values with equal verdicts are one grid point.
    Bracket same = Boundary.locate(new double[] {1, 1, 2, 2},
        new Boolean[] {false, false, true, true}, false);
    assertThat(same.status()).isEqualTo(Status.BRACKETED);
    assertThat(same.boundary()).isEqualTo(1.5);
  }

  @Test
  void cellsWithoutAVerdictOrAxisValueAreIgnored() {
    Bracket b = Boundary.locate(new double[] {1, 2, Double.NaN, 3, 4},
        new Boolean[] {false, null, true, true, null}, false);
    assertThat(b.status()).isEqualTo(Status.BRACKETED);
    assertThat(b.lastStable()).isEqualTo(1);
    assertThat(b.firstDivergent()).isEqualTo(3);
    assertThat(b.boundary()).isEqualTo(2);
    assertThat(Boundary.locate(new double[] {1, Double.NaN},
        new Boolean[] {null, false}, false)).isNull();
    assertThat(Boundary.locate(new double[0], new Boolean[0], true)).isNull();
  }

  @Test
  void mismatchedLengthsAreRefused() {
    assertThatThrownBy(() -> Boundary.locate(new double[] {1, 2}, new Boolean[] {true}, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 axis values but 1 verdicts");
  }

  @Test
  void axisScaleIsReadFromTheGrid() {
    assertThat(AxisScale.isLog(new double[] {0.02, 0.2, 2, 20})).isTrue();
    assertThat(AxisScale.isLog(new double[] {0.1, 0.2, 0.3, 0.4})).isFalse();
    // A geometric grid refined by geometric bisection near a boundary stays geometric.
    assertThat(AxisScale.isLog(new double[] {0.01, 0.1, 1, Math.sqrt(10), 10, 100})).isTrue();
    // A list like the batch sizes 1, 2, 3, 4, 8, ..., 128.
    assertThat(AxisScale.isLog(new double[] {1, 2, 3, 4, 8, 16, 32, 64, 128})).isTrue();
    // Zero or negative values, or fewer than three distinct values: linear.
    assertThat(AxisScale.isLog(new double[] {0, 1, 10, 100})).isFalse();
    assertThat(AxisScale.isLog(new double[] {-1, 1, 10, 100})).isFalse();
    assertThat(AxisScale.isLog(new double[] {1, 10, 10, Double.NaN})).isFalse();
    assertThat(AxisScale.isLog(new double[] {0.5, 0.5, 0.5})).isFalse();
    assertThat(AxisScale.between(2, 8, true)).isEqualTo(4);
    assertThat(AxisScale.between(2, 8, false)).isEqualTo(5);
  }
}
