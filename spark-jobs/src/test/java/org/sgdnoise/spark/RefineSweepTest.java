package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adaptive refinement through the real command line on local Spark, read back with DuckDB:
 * Acceptance 2 of issue 4 (the divergence boundary of a 1-d label-noise λ × S map to relative
 * tolerance 1e-3 with at least 10× fewer cells than a dense grid of equal resolution), refined
 * cells being ordinary, deterministic cells, resume after a crash mid-refinement, and
 * refinement on the simulation's verdicts.
 */
class RefineSweepTest {
  private static final Path SWEEP = Path.of("../conf/sweeps/refine-label-noise.yaml");
  private static final double TOL = 1e-3;
  /** The shipped grid: 9 batch sizes × 8 learning rates from 0.05 to 10. */
  private static final int SLICES = 9;
  private static final int GRID = 72;
  /** A dense grid with neighbours 1 + TOL apart from 0.05 to 10, per batch size. */
  private static final long DENSE =
      SLICES * ((long) Math.ceil(Math.log(10 / 0.05) / Math.log1p(TOL)) + 1);

  private static CliRun run(Path out, String... extra) {
    String[] base = {"run", SWEEP.toString(), "--out", out.toString(), "--progress-interval",
        "1000"};
    String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    CliRun r = CliRun.of(args);
    assertThat(r.code()).as(r.err()).isZero();
    return r;
  }

  @Test
  void locatesTheDivergenceBoundaryToTheToleranceWithTenTimesFewerCells(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("a");
    CliRun a = run(out, "--master", "local[2]", "--partitions", "3");
    Path sweep = out.resolve("refine-label-noise");
    Path cells = sweep.resolve("cells");
    try (Duck duck = new Duck()) {
      // Per batch size: the largest stable and the smallest divergent λ, and the exact λ_c.
      List<List<Object>> rows = duck.rows("SELECT batch,"
          + " max(lr) FILTER (WHERE NOT theory_diverges),"
          + " min(lr) FILTER (WHERE theory_diverges),"
          + " min(theory_critical_lr), max(theory_critical_lr), count(*)"
          + " FROM " + Duck.table(cells) + " GROUP BY batch ORDER BY batch");
      assertThat(rows).hasSize(SLICES);
      for (List<Object> r : rows) {
        double lo = (Double) r.get(1);
        double hi = (Double) r.get(2);
        double critical = (Double) r.get(3);
        assertThat(r.get(4)).as("λ_c is the same along a slice").isEqualTo(critical);
        assertThat(critical).as("batch %s", r.get(0)).isBetween(lo, hi);
        assertThat(hi / lo - 1).as("batch %s", r.get(0)).isLessThanOrEqualTo(TOL);
      }
      long count = duck.count("SELECT count(*) FROM " + Duck.table(cells));
      assertThat(count).isEqualTo(duck.count("SELECT count(DISTINCT cell_id) FROM "
          + Duck.table(cells)));
      assertThat(DENSE).isGreaterThanOrEqualTo(10 * count);
      // Indices: the grid, then the refined cells right after it, no gaps.
      assertThat(duck.count("SELECT max(cell_index) + 1 - count(DISTINCT cell_index) FROM "
          + Duck.table(cells))).isZero();
      assertThat(duck.count("SELECT count(*) FROM " + Duck.table(cells) + " WHERE cell_index < "
          + GRID)).isEqualTo(GRID);

      JsonNode m = new ObjectMapper().readTree(sweep.resolve("_sweep.json").toFile());
      JsonNode rep = m.path("refinement");
      assertThat(rep.path("cells").asLong()).isEqualTo(count);
      assertThat(rep.path("grid_cells").asLong()).isEqualTo(GRID);
      assertThat(rep.path("dense_grid_cells").asLong()).isEqualTo(DENSE);
      assertThat(rep.path("brackets").asLong()).isEqualTo(SLICES);
      assertThat(rep.path("brackets_resolved").asLong()).isEqualTo(SLICES);
      assertThat(m.path("refine").path("tolerance").asDouble()).isEqualTo(TOL);
      assertThat(a.out()).contains(String.format(java.util.Locale.ROOT,
          "%,d cells (72 grid + %,d refined) vs %,d for a dense grid", count, count - GRID,
          DENSE)).contains("Done: sweep 'refine-label-noise', " + count + " cells");
    }

    // Same cells, same indices, same rows on one core in one partition per wave.
    Path one = dir.resolve("b");
    run(one, "--master", "local[1]", "--partitions", "1");
    long count;
    try (Duck duck = new Duck()) {
      count = duck.count("SELECT count(*) FROM " + Duck.table(cells));
    }
    Duck.assertSameSweepTables(sweep, one.resolve("refine-label-noise"), (int) count, 0);
  }

  @Test
  void aCrashMidRefinementResumesAndLosesNothing(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    run(out, "--master", "local[2]", "--partitions", "1");
    Path sweep = out.resolve("refine-label-noise");
    Path cells = sweep.resolve("cells");
    final String all = "SELECT * EXCLUDE (wall_ms) FROM " + Duck.table(cells)
        + " ORDER BY cell_id";
    long count;
    List<List<Object>> before;
    List<Path> lateRounds;
    try (Duck duck = new Duck()) {
      count = duck.count("SELECT count(*) FROM " + Duck.table(cells));
      before = duck.rows(all);
      // One file per wave (one partition): the files of the rounds after the third refined
      // one, as a crash after that round's commit would leave them: absent.
      lateRounds = duck.rows("SELECT filename FROM read_parquet('" + cells.toAbsolutePath()
          + "/*.parquet', filename = true) GROUP BY filename HAVING min(cell_index) >= "
          + (GRID + 3 * SLICES)).stream().map(r -> Path.of((String) r.get(0))).toList();
    }
    assertThat(lateRounds).hasSizeGreaterThan(3);
    for (Path f : lateRounds) {
      Files.delete(f);
    }
    CliRun rerun = run(out, "--master", "local[2]", "--partitions", "2");
    assertThat(rerun.out()).contains("Resuming: " + (GRID + 3 * SLICES) + " of 72 cells")
        .contains("Refinement: ").contains((count - GRID - 3 * SLICES) + " computed now, "
            + (GRID + 3 * SLICES) + " resumed");
    try (Duck duck = new Duck()) {
      assertThat(duck.rows(all)).hasSize((int) count).isEqualTo(before);
    }

    // A changed sweep file cannot reuse refined cells: refused, nothing written.
    Path changed = dir.resolve("refine-label-noise.yaml");
    Files.writeString(changed, Files.readString(SWEEP).replace("1.0e-3", "1.0e-4"));
    CliRun refused = CliRun.of("run", changed.toString(), "--out", out.toString());
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("adaptively refined cells").contains("--fresh");
    try (Duck duck = new Duck()) {
      assertThat(duck.count("SELECT count(*) FROM " + Duck.table(cells))).isEqualTo(count);
    }
  }

  @Test
  void refinesOnTheSimulationsVerdicts(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("refine-sim.yaml");
    Files.writeString(file, """
        name: refine-sim
        kind: label_noise
        seed: 5
        params:
          batch: [2, 16]
          lr: [0.25, 0.5, 1.0, 2.0, 4.0]
          spectrum: [1.0]
        simulate:
          mode: streaming
          steps: 1000
          burn_in: 100
          replicates: 2
        refine:
          axis: lr
          source: simulation
          tolerance: 0.02
        """);
    Path out = dir.resolve("out");
    CliRun r = CliRun.of("run", file.toString(), "--out", out.toString(), "--master", "local[2]");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Refinement: ").contains("2 of 2 brackets in 2 slices resolved");
    Path sweep = out.resolve("refine-sim");
    try (Duck duck = new Duck()) {
      String t = Duck.table(sweep.resolve("cells"));
      List<List<Object>> rows = duck.rows("SELECT batch,"
          + " max(lr) FILTER (WHERE sim_diverged_fraction < 0.5),"
          + " min(lr) FILTER (WHERE sim_diverged_fraction >= 0.5),"
          + " min(theory_critical_lr), count(*) FROM " + t + " GROUP BY batch ORDER BY batch");
      for (List<Object> row : rows) {
        double lo = (Double) row.get(1);
        double hi = (Double) row.get(2);
        double critical = (Double) row.get(3);
        assertThat(lo).isLessThan(hi);
        assertThat(hi / lo - 1).isLessThanOrEqualTo(0.02);
        // Below λ_c the second moment is bounded and no chain runs away. Above it the second
        // moment grows, but a chain runs away only once its typical growth E ln|1 − λx̄²| > 0,
        // further up (the heavy-tailed regime lies between): the simulated boundary is higher.
        assertThat(lo).as("batch %s", row.get(0)).isGreaterThan(critical);
        // The verdicts are monotone along λ: lo and hi are the one bracket.
        assertThat(duck.count("SELECT count(*) FROM " + t + " WHERE batch = " + row.get(0)
            + " AND ((lr < " + hi + " AND sim_diverged_fraction >= 0.5) OR (lr > " + lo
            + " AND sim_diverged_fraction < 0.5))")).isZero();
        assertThat((Long) row.get(4)).isGreaterThan(5);
      }
      long cells = duck.count("SELECT count(*) FROM " + t);
      assertThat(duck.count("SELECT count(*) FROM " + Duck.table(sweep.resolve("replicates"))))
          .isEqualTo(2 * cells);
    }
  }

  @Test
  void refinesTheSignChangeOfTheBestWeightDecay(@TempDir Path dir) throws Exception {
    // l2 in 1-d: γ* = 0 while γ = 0 is stable, < 0 just past λ_c(γ = 0) for these batch
    // sizes, and null (no γ is stable) further up. A null verdict ends a bracket: one each.
    Path file = dir.resolve("refine-l2.yaml");
    Files.writeString(file, """
        name: refine-l2
        kind: l2
        params:
          batch: [16, 64]
          lr: {logspace: {from: 0.05, to: 8, num: 12}}
          spectrum: [1.0]
          teacher: 1.0
        refine: {axis: lr, boundary: gamma_star_sign, tolerance: 0.01}
        """);
    Path out = dir.resolve("out");
    CliRun r = CliRun.of("run", file.toString(), "--out", out.toString(), "--master", "local[2]");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("2 of 2 brackets in 2 slices resolved");
    try (Duck duck = new Duck()) {
      List<List<Object>> rows = duck.rows("SELECT batch,"
          + " max(lr) FILTER (WHERE theory_gamma_star >= 0),"
          + " min(lr) FILTER (WHERE theory_gamma_star < 0),"
          + " max(lr) FILTER (WHERE theory_gamma_star < 0),"
          + " min(lr) FILTER (WHERE theory_gamma_star IS NULL OR isnan(theory_gamma_star))"
          + " FROM " + Duck.table(out.resolve("refine-l2/cells")) + " GROUP BY batch");
      assertThat(rows).hasSize(2);
      for (List<Object> row : rows) {
        double lo = (Double) row.get(1);
        double hi = (Double) row.get(2);
        assertThat(lo).isLessThan(hi);
        assertThat(hi / lo - 1).as("batch %s", row.get(0)).isLessThanOrEqualTo(0.01);
        // The edge from γ* < 0 to no γ* at all is no bracket: these are neighbouring grid
        // values (ratio (8/0.05)^(1/11)), nothing was put between them.
        assertThat((Double) row.get(4) / (Double) row.get(3)).as("batch %s", row.get(0))
            .isCloseTo(Math.pow(8 / 0.05, 1.0 / 11), org.assertj.core.data.Offset.offset(1e-9));
      }
    }
  }
}
