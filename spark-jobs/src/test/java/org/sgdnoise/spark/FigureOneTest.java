package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sgdnoise.core.data.ImageDataSets;

/**
 * The paper's Figure 1 on Fashion-MNIST (Debian's dataset-fashion-mnist, which .ci/run
 * installs), through the real command line on local Spark, tables read back with DuckDB. Each
 * test runs a reduced copy of a shipped preset ({@code conf/sweeps/paper-fig1-*.yaml}): fewer
 * grid values and replicates, every training setting unchanged.
 *
 * <p>Seeds are fixed, so a run that passes passes again; the margins below are what the
 * measured spread allows (see each test).
 */
class FigureOneTest {
  @BeforeAll
  static void dataIsInstalled() throws Exception {
    Path folder = ImageDataSets.resolve(ImageDataSets.FASHION_MNIST);
    assertThat(Files.isDirectory(folder)).as("Fashion-MNIST is needed at %s: apt-get install"
        + " dataset-fashion-mnist (or set %s)", folder, ImageDataSets.ENV).isTrue();
  }

  /**
   * Right: logistic regression at λ = 1.5, S = 32 — the best weight decay is negative. The
   * gamma_star table says so (γ* by test accuracy < 0), and the accuracy at the best negative
   * γ beats the accuracy at γ = 0 by more than 3 combined standard errors. The final accuracy
   * at γ = 0 swings between evaluations (0.70 to 0.81 across seeds: SGD at λ = 1.5 without
   * decay keeps jumping), so its standard error is large: with 4 seeds 0.827 ± 0.002 against
   * 0.776 ± 0.013 (3.9 SE), with 3 seeds 0.823 ± 0.0005 against 0.792 ± 0.014 (2.2 SE, which
   * is why this test runs 6).
   */
  @Test
  void figureOneRightBestWeightDecayIsNegative(@TempDir Path out) throws Exception {
    Path sweep = run(PaperFiguresTest.reduced("paper-fig1-right", List.of(
        "  weight_decay: [-0.003, -0.002, -0.001, 0, 0.001]", "  evaluations: 2",
        "  replicates: 6")),
        out, "paper-fig1-right");
    CliRun analyze = CliRun.of("analyze", sweep.toString(), "--axis", "weight_decay");
    assertThat(analyze.code()).as(analyze.err()).isZero();
    assertThat(analyze.out()).contains("gamma_star: 1 slices, 1 with γ* < 0");
    String cells = Duck.table(sweep.resolve("cells"));
    try (Duck duck = new Duck()) {
      List<List<Object>> g = duck.rows("SELECT accuracy_gamma_star_grid,"
          + " accuracy_gamma_star_negative, accuracy_status FROM "
          + Duck.table(sweep.resolve("gamma_star")));
      assertThat(g).hasSize(1);
      assertThat(d(g.get(0).get(0))).isNegative();
      assertThat(g.get(0).get(1)).isEqualTo(true);
      assertThat(g.get(0).get(2)).isEqualTo("interior");
      List<List<Object>> best = duck.rows("SELECT trained_test_accuracy,"
          + " trained_test_accuracy_se FROM " + cells + " WHERE weight_decay < 0"
          + " ORDER BY trained_test_accuracy DESC LIMIT 1");
      List<List<Object>> zero = duck.rows("SELECT trained_test_accuracy,"
          + " trained_test_accuracy_se FROM " + cells + " WHERE weight_decay = 0");
      double gap = d(best.get(0).get(0)) - d(zero.get(0).get(0));
      double se = Math.hypot(d(best.get(0).get(1)), d(zero.get(0).get(1)));
      assertThat(gap).as("best negative γ %s vs γ = 0 %s", best, zero)
          .isGreaterThan(3 * se);
    }
    CliRun report = CliRun.of("report", sweep.toString());
    assertThat(report.code()).as(report.err()).isZero();
    assertThat(sweep.resolve("report/trained-test-accuracy-weight-decay.png")).exists();
  }

  /**
   * Left: a tanh network of width d at fixed λ = 0.5: the training-loss variance over the first
   * epoch grows with the width (measured: 0.10, 1.9, 155 at d = 10, 100, 400); with λ·10/d it
   * stays flat (0.10–0.12). Asserted: growth by more than 10× from d = 10 to 400, each step up
   * by more than 3 SE; flat within a factor 2 with scaling.
   */
  @Test
  void figureOneLeftVarianceGrowsWithWidthUnlessScaled(@TempDir Path out) throws Exception {
    List<String> reduce = List.of("  width: [10, 100, 400]");
    double[] fixed = variances(run(PaperFiguresTest.reduced("paper-fig1-left", reduce), out,
        "paper-fig1-left"));
    double[] scaled = variances(run(PaperFiguresTest.reduced("paper-fig1-left-scaled", reduce),
        out, "paper-fig1-left-scaled"));
    assertThat(fixed[4] / fixed[0]).as("fixed λ: %s", java.util.Arrays.toString(fixed))
        .isGreaterThan(10);
    for (int k = 0; k < 2; k++) {
      double step = fixed[2 * k + 2] - fixed[2 * k];
      assertThat(step).as("fixed λ: %s", java.util.Arrays.toString(fixed))
          .isGreaterThan(3 * Math.hypot(fixed[2 * k + 3], fixed[2 * k + 1]));
    }
    double lo = Math.min(scaled[0], Math.min(scaled[2], scaled[4]));
    double hi = Math.max(scaled[0], Math.max(scaled[2], scaled[4]));
    assertThat(hi / lo).as("λ·10/d: %s", java.util.Arrays.toString(scaled)).isLessThan(2);
  }

  /** {variance, se} by width, ascending, flattened. */
  private static double[] variances(Path sweep) throws Exception {
    try (Duck duck = new Duck()) {
      List<List<Object>> rows = duck.rows("SELECT width, trained_train_loss_variance,"
          + " trained_train_loss_variance_se FROM " + Duck.table(sweep.resolve("cells"))
          + " ORDER BY width");
      double[] out = new double[2 * rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        out[2 * i] = d(rows.get(i).get(1));
        out[2 * i + 1] = d(rows.get(i).get(2));
      }
      return out;
    }
  }

  private static Path run(String yaml, Path out, String name) throws Exception {
    Path file = out.resolve(name + "-reduced.yaml");
    Files.writeString(file, yaml);
    CliRun r = CliRun.of("run", file.toString(), "--out", out.toString(), "--no-analyze",
        "--progress-interval", "30");
    assertThat(r.code()).as(r.err()).isZero();
    return out.resolve(name);
  }

  private static double d(Object o) {
    return o == null ? Double.NaN : ((Number) o).doubleValue();
  }
}
