package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sgdnoise.core.data.SyntheticImages;

/**
 * The real-data kinds through the real command line on local Spark, on a small generated image
 * set (the Fashion-MNIST figures are {@link FigureOneTest}): run, analyze and report, tables read
 * back with DuckDB; and the same tables whatever the partitioning.
 */
class TrainingSweepTest {
  @TempDir static Path tmp;
  private static Path data;

  @BeforeAll
  static void data() throws Exception {
    data = SyntheticImages.write(tmp.resolve("images"), 1000, 300, 9);
  }

  private static Path file(Path dir, String yaml) throws Exception {
    Path f = dir.resolve("sweep.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void logisticSweepRunsAnalyzesAndReports(@TempDir Path dir) throws Exception {
    Path f = file(dir, "name: logit\nkind: logistic\nseed: 4\ndata: " + data + "\nparams:\n"
        + "  lr: [0.3, 3]\n  batch: 16\n  weight_decay: [-0.002, 0, 0.001, 0.002]\ntrain:\n"
        + "  steps: 300\n  evaluations: 3\n  noise_rows: 200\n  replicates: 2\n");
    Path out = dir.resolve("out");
    CliRun run = CliRun.of("run", f.toString(), "--out", out.toString(), "--master", "local[2]");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("8 cells, 16 replicates, 4,800 SGD steps");
    Path sweep = out.resolve("logit");
    CliRun analyze = CliRun.of("analyze", sweep.toString(), "--axis", "weight_decay");
    assertThat(analyze.code()).as(analyze.err()).isZero();
    assertThat(analyze.out()).contains("gamma_star: 2 slices");
    CliRun report = CliRun.of("report", sweep.toString());
    assertThat(report.code()).as(report.err()).isZero();

    String cells = Duck.table(sweep.resolve("cells"));
    try (Duck duck = new Duck()) {
      assertThat(duck.count("SELECT count(*) FROM " + cells)).isEqualTo(8);
      // Every cell trained (nothing diverges at these rates), beat chance (0.1), and has no
      // linear model.
      assertThat(duck.count("SELECT count(*) FROM " + cells + " WHERE kind = 'logistic'"
          + " AND sim_diverged_fraction = 0 AND trained_test_accuracy > 0.12"
          + " AND trained_test_accuracy_se >= 0 AND trained_train_loss_variance > 0"
          + " AND trained_trace_noise > 0 AND dim IS NULL AND spectrum IS NULL"
          + " AND theory_trace_sigma IS NULL AND error IS NULL AND optimizer = 'sgd'"
          + " AND lr_effective = lr AND steps = 300 AND replicates = 2")).as("%s", duck.rows(
              "SELECT lr, weight_decay, sim_diverged_fraction, trained_test_accuracy,"
              + " trained_test_accuracy_se, trained_train_loss_variance, trained_trace_noise,"
              + " error FROM " + cells)).isEqualTo(8);
      assertThat(duck.count("SELECT count(*) FROM " + Duck.table(sweep.resolve("replicates"))))
          .isZero();
      // γ* by test accuracy per learning rate, on the grid and at its maximum.
      List<List<Object>> g = duck.rows("SELECT lr, accuracy_gamma_star_grid, accuracy_status,"
          + " sim_gamma_star_grid, theory_gamma_star_grid FROM "
          + Duck.table(sweep.resolve("gamma_star")) + " ORDER BY lr");
      assertThat(g).hasSize(2);
      for (List<Object> r : g) {
        List<List<Object>> best = duck.rows("SELECT weight_decay FROM " + cells + " WHERE lr = "
            + r.get(0) + " ORDER BY trained_test_accuracy DESC LIMIT 1");
        double gamma = ((Number) r.get(1)).doubleValue();
        double grid = ((Number) best.get(0).get(0)).doubleValue();
        // The parabola's vertex lies within a grid spacing of the grid maximum.
        assertThat(Math.abs(gamma - grid)).as("lr %s", r.get(0)).isLessThanOrEqualTo(0.003);
        assertThat(r.get(2)).isIn("interior", "at_edge");
        assertThat(r.get(3)).isNotNull();
        assertThat(r.get(4)).isNull();
      }
    }
    Path reportDir = sweep.resolve("report");
    assertThat(reportDir.resolve("trained-test-accuracy-weight-decay-lr.png")).exists();
    assertThat(Files.readString(reportDir.resolve("index.html")))
        .contains("γ* by test accuracy on the grid");
  }

  @Test
  void sameTablesWhateverThePartitioning(@TempDir Path dir) throws Exception {
    Path f = file(dir, "name: widths\nkind: mlp\nseed: 8\ndata: " + data + "\nparams:\n"
        + "  lr: [0.05, 0.5]\n  batch: 16\n  momentum: 0.5\n  width: [4, 8, 16]\ntrain:\n"
        + "  optimizer: adam\n  lr_scaling: inverse_width\n  reference_width: 8\n"
        + "  steps: 150\n  train_rows: 600\n  test_rows: 200\n  window: 1\n  noise_rows: 100\n"
        + "  replicates: 2\n");
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    CliRun a = CliRun.of("run", f.toString(), "--out", one.toString(), "--master", "local[1]",
        "--partitions", "1", "--no-analyze");
    assertThat(a.code()).as(a.err()).isZero();
    CliRun b = CliRun.of("run", f.toString(), "--out", two.toString(), "--master", "local[2]",
        "--partitions", "3", "--wave-size", "2", "--no-analyze");
    assertThat(b.code()).as(b.err()).isZero();
    Duck.assertSameSweepTables(one.resolve("widths"), two.resolve("widths"), 6, 0);
    try (Duck duck = new Duck()) {
      String cells = Duck.table(one.resolve("widths/cells"));
      assertThat(duck.count("SELECT count(*) FROM " + cells + " WHERE optimizer = 'adam'"
          + " AND lr_scaling = 'inverse_width' AND lr_effective = lr * 8 / width"
          + " AND train_rows = 600 AND test_rows = 200 AND trained_test_accuracy IS NOT NULL"))
          .isEqualTo(6);
    }
  }
}
