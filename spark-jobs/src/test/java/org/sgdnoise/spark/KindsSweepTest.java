package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped theory-only sweeps of the other kinds, through the real command line on
 * local[*], read back with DuckDB: their kind-specific columns and the matrices table.
 */
class KindsSweepTest {
  /** Figure 5 of the paper (a = 4, λ = 1, S = 64, u = 1), linear-regression.md §5. */
  private static final double FIG5_GAMMA_STAR = -2.530690;
  private static final double FIG5_GAMMA_LOW = -3.707107;
  private static final double FIG5_GAMMA_HIGH = -2.292893;
  /** Digits the sheet gives for γ*. */
  private static final double GAMMA_STAR_DIGITS = 1e-6;

  @Test
  void learningRateMatrixSweepWritesSigmaAndNoiseMatrices(@TempDir Path out) throws Exception {
    Path sweep = run("lr-matrix", out);
    String cells = Duck.table(sweep.resolve("cells"));
    String m = Duck.table(sweep.resolve("matrices"));
    try (Duck duck = new Duck()) {
      assertThat(duck.count("SELECT count(*) FROM " + cells)).isEqualTo(180);
      long stable = duck.count("SELECT count(*) FROM " + cells + " WHERE NOT theory_diverges");
      assertThat(stable).isBetween(20L, 179L);
      // D = 3: Σ and C, 9 entries each, for every stable cell; none for divergent cells.
      assertThat(duck.count("SELECT count(*) FROM " + m)).isEqualTo(stable * 18);
      assertThat(duck.count("SELECT count(*) FROM " + cells
          + " WHERE theory_solver <> 'reduction' OR lr_matrix <> '[1.0, 2.0, 4.0]'"
          + " OR rotation <> 7")).isZero();
      // The matrices agree with the cells' traces, and are symmetric.
      assertThat(duck.count("SELECT count(*) FROM " + cells + " c JOIN (SELECT cell_id,"
          + " sum(value) FILTER (WHERE quantity = 'sigma') AS ts,"
          + " sum(value) FILTER (WHERE quantity = 'noise') AS tc FROM " + m + " WHERE i = j"
          + " GROUP BY cell_id) t USING (cell_id) WHERE abs(ts - c.theory_trace_sigma)"
          + " > 1e-12 * c.theory_trace_sigma OR abs(tc - c.theory_trace_noise)"
          + " > 1e-12 * c.theory_trace_noise")).isZero();
      assertThat(duck.count("SELECT count(*) FROM " + m + " a JOIN " + m + " b ON"
          + " a.cell_id = b.cell_id AND a.quantity = b.quantity AND a.i = b.j AND a.j = b.i"
          + " WHERE a.value <> b.value")).isZero();
    }
  }

  @Test
  void l2FigureFiveHasItsNegativeBestWeightDecay(@TempDir Path out) throws Exception {
    Path sweep = run("l2-fig5", out);
    String cells = Duck.table(sweep.resolve("cells"));
    try (Duck duck = new Duck()) {
      assertThat(duck.count("SELECT count(*) FROM " + cells)).isEqualTo(101);
      List<List<Object>> g = duck.rows("SELECT min(theory_gamma_star), max(theory_gamma_star),"
          + " bool_and(theory_gamma_star_negative), bool_and(paper_gamma_star_negative) FROM "
          + cells);
      assertThat((Double) g.get(0).get(0)).isCloseTo(FIG5_GAMMA_STAR, within(GAMMA_STAR_DIGITS));
      assertThat((Double) g.get(0).get(1)).isCloseTo(FIG5_GAMMA_STAR, within(GAMMA_STAR_DIGITS));
      assertThat(g.get(0).get(2)).isEqualTo(true);
      assertThat(g.get(0).get(3)).isEqualTo(true);
      // Stable exactly inside eq. 163's interval (grid points are 0.05 apart, none on an edge).
      assertThat(duck.count("SELECT count(*) FROM " + cells + " WHERE theory_diverges <>"
          + " NOT (weight_decay > " + FIG5_GAMMA_LOW + " AND weight_decay < " + FIG5_GAMMA_HIGH
          + ")")).isZero();
      // The grid's best cell is the grid point next to γ*.
      double best = ((Number) duck.rows("SELECT weight_decay FROM " + cells
          + " WHERE NOT theory_diverges ORDER BY theory_l_test LIMIT 1").get(0).get(0))
          .doubleValue();
      assertThat(best).isCloseTo(FIG5_GAMMA_STAR, within(0.05));
    }
  }

  @Test
  void inputNoiseAndHighDimCarryThePapersPrintedVersions(@TempDir Path out) throws Exception {
    String in = Duck.table(run("input-noise", out).resolve("cells"));
    String hd = Duck.table(run("high-dim", out).resolve("cells"));
    try (Duck duck = new Duck()) {
      // B ≠ 0 everywhere: eq. 134 differs from the corrected test loss wherever it is finite.
      assertThat(duck.count("SELECT count(*) FROM " + in + " WHERE NOT theory_diverges"))
          .isPositive();
      assertThat(duck.count("SELECT count(*) FROM " + in + " WHERE NOT theory_diverges AND"
          + " abs(paper_l_test - theory_l_test) <= 1e-9 * theory_l_test")).isZero();
      assertThat(duck.count("SELECT count(*) FROM " + in + " WHERE theory_sigma_eff2 IS NULL"
          + " OR theory_sigma_eff2 <= 0")).isZero();
      // high_dim: the printed stability sum overestimates λ_c; α ≤ 1 interpolates (Σ = 0).
      assertThat(duck.count("SELECT count(*) FROM " + hd
          + " WHERE NOT (paper_critical_lr > theory_critical_lr)")).isZero();
      assertThat(duck.count("SELECT count(*) FROM " + hd + " WHERE alpha <= 1 AND NOT"
          + " theory_diverges AND theory_trace_sigma <> 0")).isZero();
      assertThat(duck.count("SELECT count(*) FROM " + hd + " WHERE alpha > 1 AND NOT"
          + " theory_diverges AND NOT (theory_trace_sigma > 0)")).isZero();
    }
  }

  private static Path run(String name, Path out) {
    CliRun run = CliRun.of("run", "../conf/sweeps/" + name + ".yaml", "--out", out.toString(),
        "--progress-interval", "5");
    assertThat(run.code()).as(run.err()).isZero();
    return out.resolve(name);
  }
}
