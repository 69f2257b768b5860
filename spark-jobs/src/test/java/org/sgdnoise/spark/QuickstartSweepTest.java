package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sgdnoise.core.result.Column;
import org.sgdnoise.core.result.Tables;

/**
 * The README's sweep: conf/sweeps/quickstart.yaml on local[*], through the real command line,
 * its tables read back with DuckDB.
 */
class QuickstartSweepTest {
  private static final Path QUICKSTART = Path.of("../conf/sweeps/quickstart.yaml");

  @Test
  void quickstartWritesTablesThatDuckDbReads(@TempDir Path out) throws Exception {
    CliRun run = CliRun.of("run", QUICKSTART.toString(), "--out", out.toString(),
        "--progress-interval", "2");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("Running sweep 'quickstart': 144 cells, 288 replicates")
        .contains("[quickstart] 144/144 cells (100.0%)")
        .containsPattern("Done: sweep 'quickstart', 144 cells in [0-9.]+s \\(\\d+ diverge in"
            + " theory, \\d+ in simulation\\)")
        .contains("cells:      file:" + out.toAbsolutePath().resolve("quickstart/cells"))
        .contains("replicates: file:")
        .contains("manifest:   file:");

    Path cells = out.resolve("quickstart/cells");
    Path reps = out.resolve("quickstart/replicates");
    try (Duck duck = new Duck()) {
      assertThat(duck.count("SELECT count(*) FROM " + Duck.table(cells))).isEqualTo(144);
      assertThat(duck.count("SELECT count(DISTINCT cell_id) FROM " + Duck.table(cells)))
          .isEqualTo(144);
      assertThat(duck.count("SELECT count(*) FROM " + Duck.table(reps))).isEqualTo(288);

      // Column names, order and types as documented (docs/schema.md).
      List<List<Object>> described = duck.rows("DESCRIBE SELECT * FROM " + Duck.table(cells));
      assertThat(described).hasSize(Tables.CELLS.size());
      for (int i = 0; i < described.size(); i++) {
        Column<?> c = Tables.CELLS.get(i);
        assertThat(described.get(i).get(0)).isEqualTo(c.name());
        assertThat(described.get(i).get(1)).as(c.name()).isEqualTo(duckType(c.type()));
      }
      assertThat(Tables.CELLS.stream().map(Column::name)).contains("sweep", "cell_id", "kind",
          "lr", "batch", "momentum", "weight_decay", "dim", "label_noise_var", "a_max",
          "a_trace", "spectrum", "sim_mode", "steps", "burn_in", "replicates", "seed",
          "theory_trace_sigma", "theory_l_train", "theory_l_test", "theory_diverges",
          "theory_critical_lr", "sim_trace_sigma", "sim_trace_sigma_se", "sim_l_train",
          "sim_l_train_se", "sim_l_test", "sim_l_test_se", "sim_diverged_fraction", "wall_ms",
          "schema_version");
      List<List<Object>> rdescribed = duck.rows("DESCRIBE SELECT * FROM " + Duck.table(reps));
      for (int i = 0; i < rdescribed.size(); i++) {
        assertThat(rdescribed.get(i).get(0)).isEqualTo(Tables.REPLICATES.get(i).name());
      }

      String t = Duck.table(cells);
      // The grid crosses the boundary both ways, and theory agrees with its own λ_c.
      assertThat(duck.count("SELECT count(*) FROM " + t + " WHERE theory_diverges"))
          .isBetween(10L, 134L);
      assertThat(duck.count("SELECT count(*) FROM " + t
          + " WHERE theory_diverges <> (lr >= theory_critical_lr)")).isZero();
      // Theory columns are null exactly where the theory diverges.
      assertThat(duck.count("SELECT count(*) FROM " + t
          + " WHERE (theory_trace_sigma IS NULL) <> theory_diverges")).isZero();
      // Simulation: stable cells (well below λ_c) never diverge; cells far above always do.
      assertThat(duck.count("SELECT count(*) FROM " + t
          + " WHERE lr < 0.5 * theory_critical_lr AND sim_diverged_fraction > 0")).isZero();
      assertThat(duck.count("SELECT count(*) FROM " + t
          + " WHERE lr > 2 * theory_critical_lr AND sim_diverged_fraction < 1")).isZero();
      assertThat(duck.count("SELECT count(*) FROM " + t
          + " WHERE (sim_trace_sigma IS NULL) <> (sim_diverged_fraction > 0)")).isZero();
      // Every replicate belongs to a cell.
      assertThat(duck.count("SELECT count(*) FROM " + Duck.table(reps) + " r ANTI JOIN " + t
          + " c USING (cell_id)")).isZero();
      assertThat(duck.count("SELECT count(DISTINCT schema_version) FROM " + t)).isEqualTo(1);
    }

    JsonNode manifest = new ObjectMapper().readTree(
        Files.readString(out.resolve("quickstart/_sweep.json")));
    assertThat(manifest.get("status").asText()).isEqualTo("complete");
    assertThat(manifest.get("result").get("cells").asLong()).isEqualTo(144);
    assertThat(manifest.get("planned").get("sgd_steps").asLong()).isEqualTo(144L * 2 * 20000);
    assertThat(manifest.get("versions").get("commons_rng").asText()).isEqualTo("1.7");
    assertThat(manifest.get("spec_text").asText()).isEqualTo(Files.readString(QUICKSTART));

    // Running again resumes: nothing left to compute, the tables unchanged.
    CliRun again = CliRun.of("run", QUICKSTART.toString(), "--out", out.toString());
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("0 computed now, 144 resumed");
    try (Duck duck = new Duck()) {
      assertThat(duck.count("SELECT count(*) FROM " + Duck.table(cells))).isEqualTo(144);
      assertThat(duck.count("SELECT count(*) FROM " + Duck.table(reps))).isEqualTo(288);
    }
  }

  @Test
  void planPrintsCountsAndWritesNothing(@TempDir Path out) {
    CliRun plan = CliRun.of("plan", QUICKSTART.toString(), "--out", out.resolve("x").toString());
    assertThat(plan.code()).isZero();
    assertThat(plan.out()).contains("cells:       144")
        .contains("replicates:  288")
        .contains("SGD steps:   5,760,000")
        .contains("axis lr                       12 values")
        .contains(out.resolve("x").resolve("quickstart").resolve("cells").toString())
        .contains("progress:    new output: 144 cells to do");
    assertThat(out.resolve("x")).doesNotExist();
  }

  static String duckType(Column.Type t) {
    return switch (t) {
      case STRING -> "VARCHAR";
      case BOOLEAN -> "BOOLEAN";
      case INT -> "INTEGER";
      case LONG -> "BIGINT";
      case DOUBLE -> "DOUBLE";
    };
  }
}
