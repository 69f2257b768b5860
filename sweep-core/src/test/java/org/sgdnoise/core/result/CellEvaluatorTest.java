package org.sgdnoise.core.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.spec.SweepSpec;
import org.sgdnoise.core.theory.TailIndex;

/** Which columns a cell fills: tail indices in 1-d without momentum, baselines without it. */
class CellEvaluatorTest {
  private static final SweepPlan PLAN = SweepPlan.of(SweepSpec.parse("t.yaml", """
      name: t
      kind: label_noise
      params:
        lr: 0.5
        batch: 8
        momentum: [0.0, 0.5]
        spectrum:
          - [1.5]
          - [1.0, 0.5]
        label_noise_var: 0.25
      """));

  private static Object value(CellResult r, String column) {
    List<Column<Tables.CellRow>> cols = Tables.CELLS;
    for (int i = 0; i < cols.size(); i++) {
      if (cols.get(i).name().equals(column)) {
        return Tables.cellValues("t", r)[i];
      }
    }
    throw new AssertionError("no column " + column);
  }

  @Test
  void oneDimensionalCellWithoutMomentumHasTailsAndBaselines() {
    CellResult r = CellEvaluator.evaluate(PLAN.cell(0)); // μ = 0, A = [1.5]
    assertThat(value(r, "theory_tail_index")).isEqualTo(TailIndex.kesten(0.75, 8));
    assertThat(value(r, "paper_tail_index")).isEqualTo(2.0 * 8 / 0.75 - 8);
    assertThat(value(r, "baseline_cts_tail_index")).isEqualTo(2.0 * 8 / 0.75 + 1);
    assertThat((Double) value(r, "theory_tail_index")).isBetween(8.0, 30.0);
    // Discrete-time baseline: Σ = (λ/S)/(2 − λa) with σ² ignored (as printed in the paper).
    assertThat((Double) value(r, "baseline_dt_trace_sigma"))
        .isCloseTo(0.5 / 8 / (2 - 0.75), org.assertj.core.api.Assertions.within(1e-15));
    assertThat(value(r, "baseline_dt_diverges")).isEqualTo(false);
    assertThat((Double) value(r, "baseline_cts_l_train"))
        .isCloseTo(0.5 / 32 * 1.5 + 0.125, org.assertj.core.api.Assertions.within(1e-15));
  }

  @Test
  void momentumOrSeveralDimensionsLeaveThemNull() {
    CellResult withMomentum = CellEvaluator.evaluate(PLAN.cell(2)); // μ = 0.5, A = [1.5]
    assertThat(value(withMomentum, "theory_tail_index")).isNull();
    assertThat(value(withMomentum, "baseline_cts_trace_sigma")).isNull();
    assertThat(value(withMomentum, "baseline_dt_diverges")).isNull();
    CellResult twoD = CellEvaluator.evaluate(PLAN.cell(1)); // μ = 0, A = [1, 0.5]
    assertThat(value(twoD, "theory_tail_index")).isNull();
    assertThat(value(twoD, "baseline_dt_trace_sigma")).isNotNull();
  }
}
