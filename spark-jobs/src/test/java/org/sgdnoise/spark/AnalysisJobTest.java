package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sgdnoise.core.analysis.AnalysisTables;
import org.sgdnoise.core.result.Column;
import org.sgdnoise.spark.analysis.AnalysisJob;

/**
 * The analysis job through the real command line on local Spark, its tables read back with
 * DuckDB and checked against the closed-form critical λ, Corollary 1 and the cells themselves.
 */
class AnalysisJobTest {
  private static final Path SWEEPS = Path.of("../conf/sweeps");
  /** The exact γ* of the Figure 5 preset (linear-regression.md §5), as in KindsSweepTest. */
  private static final double FIG5_GAMMA_STAR = -2.530690;
  /** Its digits. */
  private static final double GAMMA_STAR_DIGITS = 1e-6;
  /** z recomputed in SQL from the cells: a few ulps of a subtraction and a division. */
  private static final double Z_ROUNDING = 1e-12;

  @Test
  void quickstartBoundariesBracketTheClosedFormCriticalLr(@TempDir Path out) throws Exception {
    // The quickstart with shorter chains (the boundary and agreement logic, not precision).
    Path file = out.resolve("quickstart.yaml");
    Files.writeString(file, Files.readString(SWEEPS.resolve("quickstart.yaml"))
        .replace("steps: 20000", "steps: 4000").replace("burn_in: 2000", "burn_in: 400"));
    CliRun run = CliRun.of("run", file.toString(), "--out", out.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).containsPattern("Analysis: 12 slices along lr \\(log axis\\), boundary"
        + " bracketed in \\d+ by theory, \\d+ of 12 by simulation; gamma_star: 0 slices, 0 with"
        + " γ\\* < 0; agreement: [0-9,]+ comparisons, [0-9.]+% within 2 SE, \\d+ summary rows")
        .contains("boundaries:        file:" + out.toAbsolutePath().resolve("quickstart/"
            + "boundaries"));
    Path sweep = out.resolve("quickstart");
    String b = Duck.table(sweep.resolve("boundaries"));
    String cells = Duck.table(sweep.resolve("cells"));
    try (Duck duck = new Duck()) {
      assertColumns(duck, b, AnalysisTables.BOUNDARIES);
      assertColumns(duck, Duck.table(sweep.resolve("gamma_star")), AnalysisTables.GAMMA_STAR);
      assertColumns(duck, Duck.table(sweep.resolve("agreement")), AnalysisTables.AGREEMENT);
      assertColumns(duck, Duck.table(sweep.resolve("agreement_summary")),
          AnalysisTables.AGREEMENT_SUMMARY);
      assertThat(duck.count("SELECT count(*) FROM " + b)).isEqualTo(12);
      assertThat(duck.count("SELECT count(*) FROM " + b + " WHERE axis <> 'lr' OR lr IS NOT NULL"
          + " OR cells <> 12 OR NOT axis_log OR sim_status IS NULL")).isZero();
      long bracketed = duck.count("SELECT count(*) FROM " + b
          + " WHERE theory_status = 'bracketed'");
      assertThat(bracketed).isGreaterThanOrEqualTo(8);
      // Acceptance 1: the closed-form λ_c lies in the bracket, and the interpolated boundary is
      // within the bracket width of it.
      assertThat(duck.count("SELECT count(*) FROM " + b + " WHERE theory_status = 'bracketed'"
          + " AND NOT (theory_critical > theory_last_stable AND theory_critical <="
          + " theory_first_divergent AND abs(theory_boundary - theory_critical) <="
          + " theory_bracket_width AND theory_boundary = sqrt(theory_last_stable *"
          + " theory_first_divergent))")).isZero();
      // Slices that never change verdict have λ_c outside the grid [0.02, 3].
      assertThat(duck.count("SELECT count(*) FROM " + b + " WHERE (theory_status = 'all_stable'"
          + " AND theory_critical <= 3.0) OR (theory_status = 'all_divergent' AND"
          + " theory_critical > 0.02) OR theory_status = 'non_monotone'")).isZero();
      // The brackets are the cells' own: last stable and first divergent lr of each slice.
      assertThat(bracketMismatches(duck, b, cells, "theory", "theory_diverges")).isZero();
      assertThat(bracketMismatches(duck, b, cells, "sim", "sim_diverged_fraction >= 0.5"))
          .isZero();
      assertThat(duck.rows("SELECT slice FROM " + b + " WHERE batch = 4 AND momentum = 0.5"))
          .containsExactly(List.of("batch=4, momentum=0.5"));
      assertThat(duck.count("SELECT count(DISTINCT slice_id) FROM " + b)).isEqualTo(12);
      // One file, rows in parameter order.
      assertThat(duck.rows("SELECT batch, momentum FROM " + b)).isEqualTo(
          duck.rows("SELECT batch, momentum FROM " + b + " ORDER BY batch, momentum"));

      // Agreement: a row per simulated cell and prediction; z and rel_error as defined.
      String a = Duck.table(sweep.resolve("agreement"));
      assertThat(duck.count("SELECT count(*) FROM " + a + " WHERE source = 'theory' AND"
          + " quantity = 'trace_sigma'")).isEqualTo(duck.count("SELECT count(*) FROM " + cells
          + " WHERE sim_trace_sigma IS NOT NULL AND theory_trace_sigma IS NOT NULL"))
          .isGreaterThan(50);
      assertThat(duck.count("SELECT count(*) FROM " + a + " WHERE z IS NULL OR NOT isfinite(z)"))
          .isZero();
      assertThat(duck.count("SELECT count(*) FROM " + a + " x JOIN " + cells + " c USING"
          + " (cell_id) WHERE x.source = 'theory' AND x.quantity = 'l_test' AND (x.predicted <>"
          + " c.theory_l_test OR x.simulated <> c.sim_l_test OR abs(x.z - (c.sim_l_test -"
          + " c.theory_l_test) / c.sim_l_test_se) > " + Z_ROUNDING + " * abs(x.z) OR"
          + " abs(x.rel_error - (c.sim_l_test - c.theory_l_test) / abs(c.theory_l_test)) > "
          + Z_ROUNDING + " * abs(x.rel_error))")).isZero();
      assertThat(duck.rows("SELECT DISTINCT source FROM " + a + " ORDER BY 1")).containsExactly(
          List.of("baseline_cts"), List.of("baseline_dt"), List.of("theory"));
      // The summary aggregates exactly those rows.
      String s = Duck.table(sweep.resolve("agreement_summary"));
      // theory × {trace_sigma, l_train, l_test, trace_noise}, baseline_cts and baseline_dt × 3.
      assertThat(duck.count("SELECT count(*) FROM " + s)).isEqualTo(10);
      assertThat(duck.count("SELECT count(*) FROM " + s + " JOIN (SELECT kind, source,"
          + " quantity, count(*) AS n, avg(abs(z)) AS m, max(abs(z)) AS mx, avg(CASE WHEN"
          + " abs(z) <= 2 THEN 1.0 ELSE 0.0 END) AS w2, avg(CASE WHEN abs(z) <= 4 THEN 1.0 ELSE"
          + " 0.0 END) AS w4, median(abs(rel_error)) AS med FROM " + a + " GROUP BY ALL) t"
          + " USING (kind, source, quantity) WHERE cells <> n OR abs(mean_abs_z - m) > 1e-12 * m"
          + " OR max_abs_z <> mx OR abs(within_2se - w2) > 1e-12 OR abs(within_4se - w4) > 1e-12"
          + " OR abs(median_abs_rel_error - med) > 1e-12 * med")).isZero();
      // The exact theory agrees with the simulation far better than the continuous-time
      // Hessian approximation does.
      double theoryZ = ((Number) duck.rows("SELECT mean_abs_z FROM " + s + " WHERE source ="
          + " 'theory' AND quantity = 'trace_sigma'").get(0).get(0)).doubleValue();
      double ctsZ = ((Number) duck.rows("SELECT mean_abs_z FROM " + s + " WHERE source ="
          + " 'baseline_cts' AND quantity = 'trace_sigma'").get(0).get(0)).doubleValue();
      assertThat(ctsZ).isGreaterThan(3 * theoryZ);
    }

    // Re-analysing replaces the tables (no duplicates, no staging left), whatever the axis.
    CliRun again = CliRun.of("analyze", sweep.toString(), "--axis", "batch");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("Analysis: 36 slices along batch (log axis)");
    try (Duck duck = new Duck()) {
      assertThat(duck.count("SELECT count(*) FROM " + b)).isEqualTo(36);
      assertThat(duck.count("SELECT count(*) FROM " + b + " WHERE batch IS NOT NULL OR"
          + " lr IS NULL OR theory_critical IS NOT NULL")).isZero();
    }
    assertThat(sweep.resolve("_analysis_staging")).doesNotExist();

    // Bad input: exit 2, a message naming the problem, the tables untouched.
    CliRun badAxis = CliRun.of("analyze", sweep.toString(), "--axis", "spectrum");
    assertThat(badAxis.code()).isEqualTo(2);
    assertThat(badAxis.err()).contains("Cannot analyze along axis 'spectrum': it must be one of"
        + " lr, batch");
    CliRun noValues = CliRun.of("analyze", sweep.toString(), "--axis", "alpha");
    assertThat(noValues.code()).isEqualTo(2);
    assertThat(noValues.err()).contains("no cell has a value of alpha");
    try (Duck duck = new Duck()) {
      assertThat(duck.count("SELECT count(*) FROM " + b)).isEqualTo(36);
    }
  }

  @Test
  void figureFiveGammaStarAgreesWithCorollaryOneWithinTheGridStep(@TempDir Path out)
      throws Exception {
    CliRun run = CliRun.of("run", SWEEPS.resolve("l2-fig5.yaml").toString(), "--out",
        out.toString(), "--no-analyze");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).doesNotContain("Analysis:");
    Path sweep = out.resolve("l2-fig5");
    for (String t : AnalysisJob.TABLES) {
      assertThat(sweep.resolve(t)).doesNotExist();
    }
    CliRun analyze = CliRun.of("analyze", sweep.toString());
    assertThat(analyze.code()).as(analyze.err()).isZero();
    assertThat(analyze.out()).contains("gamma_star: 1 slices, 1 with γ* < 0; agreement: 0"
        + " comparisons, none within 2 SE, 0 summary rows");
    try (Duck duck = new Duck()) {
      List<List<Object>> g = duck.rows("SELECT theory_gamma_star_grid, theory_gamma_star,"
          + " grid_step, status, theory_gamma_star_negative, theory_gamma_star_grid_negative,"
          + " paper_gamma_star_negative, sim_gamma_star_grid, sim_status, cells, weight_decay,"
          + " lr, batch, slice FROM " + Duck.table(sweep.resolve("gamma_star")));
      assertThat(g).hasSize(1);
      List<Object> r = g.get(0);
      double grid = (Double) r.get(0);
      double exact = (Double) r.get(1);
      double step = (Double) r.get(2);
      assertThat(exact).isCloseTo(FIG5_GAMMA_STAR, within(GAMMA_STAR_DIGITS));
      assertThat(step).isCloseTo(0.05, within(1e-9));
      assertThat(grid).isCloseTo(exact, within(step));
      assertThat(r.subList(3, 14)).containsExactly("interior", true, true, true, null, null,
          101, null, 1.0, 64, "all");
    }
    // Along the weight decay the stable set is an interval: two changes of verdict.
    CliRun wd = CliRun.of("analyze", sweep.toString(), "--axis", "weight_decay");
    assertThat(wd.code()).as(wd.err()).isZero();
    try (Duck duck = new Duck()) {
      assertThat(duck.rows("SELECT theory_status, theory_transitions, axis_log, sim_status"
          + " FROM " + Duck.table(sweep.resolve("boundaries"))))
          .containsExactly(java.util.Arrays.asList("non_monotone", 2, false, null));
    }
  }

  @Test
  void gammaStarMapHasTheSignOfCorollaryOneEverywhere(@TempDir Path out) throws Exception {
    // l2-gamma-star-map on a coarser (λ, S) grid, with a weight-decay axis through γ = 0.
    Path file = out.resolve("map.yaml");
    Files.writeString(file, Files.readString(SWEEPS.resolve("l2-gamma-star-map.yaml"))
        .replace("from: 0.05, to: 8, num: 120", "from: 0.3, to: 8, num: 16")
        .replace("[1, 2, 3, 4, 8, 16, 32, 64, 128]", "[1, 8, 32, 128]")
        + "  weight_decay: {linspace: {from: -1.5, to: 1.0, num: 51}}\n");
    CliRun run = CliRun.of("run", file.toString(), "--out", out.toString());
    assertThat(run.code()).as(run.err()).isZero();
    Path sweep = out.resolve("l2-gamma-star-map");
    String g = Duck.table(sweep.resolve("gamma_star"));
    try (Duck duck = new Duck()) {
      assertThat(duck.count("SELECT count(*) FROM " + Duck.table(sweep.resolve("cells"))
          + " WHERE weight_decay = 0")).isEqualTo(64);
      assertThat(duck.count("SELECT count(*) FROM " + g + " WHERE cells = 51")).isEqualTo(64);
      long negative = duck.count("SELECT count(*) FROM " + g
          + " WHERE theory_gamma_star_negative");
      long zero = duck.count("SELECT count(*) FROM " + g + " WHERE theory_gamma_star = 0");
      assertThat(negative).isGreaterThanOrEqualTo(10);
      assertThat(zero).isGreaterThanOrEqualTo(10);
      // Every slice with a stable γ on the grid: γ* within the grid step, and the sign.
      assertThat(duck.count("SELECT count(*) FROM " + g + " WHERE status = 'interior'"))
          .isEqualTo(negative + zero - duck.count("SELECT count(*) FROM " + g
              + " WHERE theory_gamma_star IS NOT NULL AND status = 'all_divergent'"));
      assertThat(duck.count("SELECT count(*) FROM " + g + " WHERE status = 'interior' AND"
          + " (abs(theory_gamma_star_grid - theory_gamma_star) > grid_step OR"
          + " theory_gamma_star_grid_negative <> theory_gamma_star_negative)")).isZero();
      assertThat(duck.count("SELECT count(*) FROM " + g + " WHERE status = 'at_edge' OR"
          + " (theory_gamma_star IS NULL AND status <> 'all_divergent')")).isZero();
      // Corollary 1 as printed differs from the corrected sign only at S = 1.
      assertThat(duck.count("SELECT count(*) FROM " + g + " WHERE batch > 1 AND"
          + " paper_gamma_star_negative <> theory_gamma_star_negative")).isZero();
    }
  }

  @Test
  void analyzeWithoutACellsTableExitsTwo(@TempDir Path out) throws Exception {
    Files.createDirectories(out.resolve("empty"));
    for (Path p : List.of(out.resolve("missing"), out.resolve("empty"))) {
      CliRun bad = CliRun.of("analyze", p.toString());
      assertThat(bad.code()).isEqualTo(2);
      assertThat(bad.err()).contains("Cannot analyze: no cells table").contains(p.getFileName()
          .toString());
    }
    assertThat(out.resolve("missing")).doesNotExist();
    assertThat(out.resolve("empty")).isEmptyDirectory();
  }

  /** Bracketed slices whose bracket is not the cells' last stable and first divergent lr. */
  private static long bracketMismatches(Duck duck, String boundaries, String cells, String side,
      String divergent) throws Exception {
    return duck.count("SELECT count(*) FROM " + boundaries + " JOIN (SELECT batch, momentum,"
        + " max(lr) FILTER (WHERE NOT (" + divergent + ")) AS s, min(lr) FILTER (WHERE "
        + divergent + ") AS d FROM " + cells + " GROUP BY ALL) c USING (batch, momentum) WHERE "
        + side + "_status = 'bracketed' AND (s <> " + side + "_last_stable OR d <> " + side
        + "_first_divergent)");
  }

  /** Column names, order and types as documented. */
  private static void assertColumns(Duck duck, String table, List<? extends Column<?>> columns)
      throws Exception {
    List<List<Object>> described = duck.rows("DESCRIBE SELECT * FROM " + table);
    assertThat(described).hasSize(columns.size());
    for (int i = 0; i < described.size(); i++) {
      Column<?> c = columns.get(i);
      assertThat(described.get(i).get(0)).isEqualTo(c.name());
      assertThat(described.get(i).get(1)).as(c.name())
          .isEqualTo(QuickstartSweepTest.duckType(c.type()));
    }
  }
}
