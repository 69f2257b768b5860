package org.sgdnoise.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sgdnoise.core.result.Column;

/** z-scores, relative errors, their aggregation, and the slice helpers. */
class AgreementTest {
  private static final double ROUNDING = 1e-15;

  @Test
  void zAndRelativeErrorFollowTheirDefinitions() {
    assertThat(Agreement.z(2.0, 2.5, 0.25)).isEqualTo(2.0);
    assertThat(Agreement.z(2.0, 1.5, 0.25)).isEqualTo(-2.0);
    assertThat(Agreement.relError(-2.0, -1.0)).isEqualTo(0.5);
    assertThat(Agreement.z(2.0, 2.5, 0)).isNaN();
    assertThat(Agreement.z(2.0, 2.5, Double.NaN)).isNaN();
    assertThat(Agreement.z(Double.NaN, 2.5, 1)).isNaN();
    assertThat(Agreement.z(2.0, Double.POSITIVE_INFINITY, 1)).isNaN();
    assertThat(Agreement.relError(0, 1)).isNaN();
    assertThat(Agreement.relError(1, Double.NaN)).isNaN();
  }

  @Test
  void summaryAggregatesFiniteValuesOnly() {
    Agreement.Summary s = Agreement.summarize(5, new double[] {1, -3, 0.5, -5, Double.NaN},
        new double[] {0.1, -0.4, Double.NaN, 0.2, -0.3});
    assertThat(s.cells()).isEqualTo(5);
    assertThat(s.meanAbsZ()).isCloseTo(9.5 / 4, within(ROUNDING));
    assertThat(s.maxAbsZ()).isEqualTo(5);
    assertThat(s.within2()).isEqualTo(0.5);
    assertThat(s.within4()).isEqualTo(0.75);
    // |rel| = 0.1, 0.2, 0.3, 0.4: median 0.25.
    assertThat(s.medianAbsRelError()).isCloseTo(0.25, within(ROUNDING));
    Agreement.Summary odd = Agreement.summarize(3, new double[] {2, 2, 2},
        new double[] {-0.3, 0.1, 0.2});
    assertThat(odd.medianAbsRelError()).isEqualTo(0.2);
    assertThat(odd.within2()).isEqualTo(1);
  }

  @Test
  void emptyOrAllMissingGroupsHaveNaNAggregates() {
    Agreement.Summary s = Agreement.summarize(2, new double[] {Double.NaN, Double.NaN},
        new double[0]);
    assertThat(s.cells()).isEqualTo(2);
    assertThat(s.meanAbsZ()).isNaN();
    assertThat(s.maxAbsZ()).isNaN();
    assertThat(s.within2()).isNaN();
    assertThat(s.within4()).isNaN();
    assertThat(s.medianAbsRelError()).isNaN();
  }

  @Test
  void comparisonsAreTheCellsColumnsThatExist() {
    assertThat(AnalysisTables.COMPARISONS).contains(
        new AnalysisTables.Comparison("theory", "trace_sigma"),
        new AnalysisTables.Comparison("theory_finite", "l_test"),
        new AnalysisTables.Comparison("paper", "l_test"),
        new AnalysisTables.Comparison("baseline_dt", "l_train"),
        new AnalysisTables.Comparison("theory", "trace_noise"),
        new AnalysisTables.Comparison("theory_finite", "trace_noise"))
        // The paper column of Tr Σ does not exist, nor baselines of Tr C.
        .doesNotContain(new AnalysisTables.Comparison("paper", "trace_sigma"),
            new AnalysisTables.Comparison("baseline_cts", "trace_noise"))
        .hasSize(16);
  }

  @Test
  void slicesGroupEverythingButTheAxis() {
    record C(double lr, int batch) {}
    List<C> cells = List.of(new C(0.1, 1), new C(0.2, 1), new C(0.1, 4), new C(0.3, 1));
    Map<List<Object>, List<C>> g = Slices.group(cells, c -> params(c.lr(), c.batch()), "lr");
    assertThat(g).hasSize(2);
    assertThat(g.values().iterator().next()).extracting(C::lr).containsExactly(0.1, 0.2, 0.3);
    Map<List<Object>, List<C>> byBatch =
        Slices.group(cells, c -> params(c.lr(), c.batch()), "batch");
    assertThat(byBatch).hasSize(3);
  }

  @Test
  void sliceNamesShowVaryingColumnsAndIdsAreStable() {
    Object[] v = params(null, 4);
    assertThat(Slices.text(Slices.PARAMETERS, v, Set.of("batch", "lr"))).isEqualTo("batch=4");
    assertThat(Slices.text(Slices.PARAMETERS, v, Set.of())).isEqualTo("all");
    String id = Slices.id("lr", Slices.PARAMETERS, v);
    assertThat(id).matches("[0-9a-f]{16}").isEqualTo(Slices.id("lr", Slices.PARAMETERS, v));
    assertThat(Slices.id("lr", Slices.PARAMETERS, params(null, 5))).isNotEqualTo(id);
    assertThat(Slices.id("batch", Slices.PARAMETERS, v)).isNotEqualTo(id);
    assertThat(Slices.fixed("lr")).hasSize(Slices.PARAMETERS.size() - 1).doesNotContain("lr");
    assertThat(Slices.checkAxis("batch")).isEqualTo("batch");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Slices.checkAxis("spectrum"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be one of lr, batch").hasMessageEndingWith(": spectrum");
  }

  @Test
  void analysisColumnsAreUniqueSnakeCaseAndCarryTheContract() {
    for (List<? extends Column<?>> cols : List.of(AnalysisTables.BOUNDARIES,
        AnalysisTables.GAMMA_STAR, AnalysisTables.AGREEMENT, AnalysisTables.AGREEMENT_SUMMARY)) {
      assertThat(cols.stream().map(Column::name)).doesNotHaveDuplicates()
          .allMatch(n -> n.matches("[a-z][a-z0-9_]*")).contains("sweep", "schema_version");
    }
    assertThat(AnalysisTables.BOUNDARIES.stream().map(Column::name)).contains("kind", "axis",
        "slice", "slice_id", "batch", "momentum", "weight_decay", "dim", "alpha", "n",
        "label_noise_var", "spectrum", "teacher", "input_noise_var", "lr_matrix", "cells",
        "axis_log", "theory_critical", "theory_last_stable", "theory_first_divergent",
        "theory_boundary", "theory_bracket_width", "theory_status", "sim_last_stable",
        "sim_first_divergent", "sim_boundary", "sim_bracket_width", "sim_status",
        "paper_critical");
    assertThat(AnalysisTables.GAMMA_STAR.stream().map(Column::name)).contains("kind", "slice",
        "slice_id", "weight_decay", "cells", "theory_gamma_star_grid", "theory_gamma_star",
        "theory_gamma_star_negative", "paper_gamma_star_negative", "sim_gamma_star_grid",
        "sim_gamma_star_negative", "grid_step", "status");
    assertThat(AnalysisTables.AGREEMENT.stream().map(Column::name)).containsExactly("sweep",
        "cell_id", "kind", "source", "quantity", "predicted", "simulated", "simulated_se", "z",
        "rel_error", "theory_tail_index", "sim_tail_index", "schema_version");
    assertThat(AnalysisTables.AGREEMENT_SUMMARY.stream().map(Column::name)).containsExactly(
        "sweep", "kind", "source", "quantity", "cells", "mean_abs_z", "max_abs_z", "within_2se",
        "within_4se", "median_abs_rel_error", "schema_version");
  }

  /** {@link Slices#PARAMETERS} values with lr and batch set, the rest null. */
  private static Object[] params(Double lr, int batch) {
    Object[] v = new Object[Slices.PARAMETERS.size()];
    v[Slices.PARAMETERS.indexOf("lr")] = lr;
    v[Slices.PARAMETERS.indexOf("batch")] = batch;
    return v;
  }
}
