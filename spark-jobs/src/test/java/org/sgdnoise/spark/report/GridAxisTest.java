package org.sgdnoise.spark.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GridAxisTest {
  private static final double ROUNDING = 1e-12;

  @Test
  void geometricAndWideUnevenGridsAreLogarithmic() {
    assertThat(GridAxis.of("lr", new double[] {0.1, 0.2, 0.4, 0.8}).log()).isTrue();
    assertThat(GridAxis.of("batch", new double[] {1, 2, 3, 4, 8, 16, 32, 64}).log()).isTrue();
    assertThat(GridAxis.of("momentum", new double[] {0, 0.5, 0.9}).log()).isFalse();
    assertThat(GridAxis.of("weight_decay", new double[] {-4, -3, -2, -1}).log()).isFalse();
    assertThat(GridAxis.of("lr", new double[] {1, 2, 3, 4, 5}).log()).isFalse();
    // Uneven but narrower than a decade: linear.
    assertThat(GridAxis.of("lr", new double[] {1, 1.5, 3, 4}).log()).isFalse();
  }

  @Test
  void valuesAreDistinctSortedAndFinite() {
    GridAxis a = GridAxis.of("lr", new double[] {4, 1, Double.NaN, 2, 1, 4});
    assertThat(a.values()).containsExactly(1, 2, 4);
    assertThat(a.indexOf(2)).isEqualTo(1);
    assertThat(a.indexOf(3)).isEqualTo(-1);
    assertThatThrownBy(() -> GridAxis.of("lr", new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lr");
  }

  @Test
  void edgesAndInterpolationAreGeometricOnALogAxis() {
    GridAxis a = GridAxis.of("batch", new double[] {1, 4, 16});
    assertThat(a.log()).isTrue();
    assertThat(a.edges()).containsExactly(new double[] {0.5, 2, 8, 32}, within(ROUNDING));
    assertThat(a.at(0.5)).isCloseTo(2, within(ROUNDING));
    assertThat(a.at(1.25)).isCloseTo(4 * Math.pow(4, 0.25), within(ROUNDING));
    GridAxis m = GridAxis.of("momentum", new double[] {0, 0.5, 0.9});
    assertThat(m.edges()).containsExactly(new double[] {-0.25, 0.25, 0.7, 1.1},
        within(ROUNDING));
    assertThat(m.at(1.5)).isCloseTo(0.7, within(ROUNDING));
  }
}
