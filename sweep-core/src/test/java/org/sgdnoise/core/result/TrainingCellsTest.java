package org.sgdnoise.core.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sgdnoise.core.data.SyntheticImages;
import org.sgdnoise.core.nn.Mlp;
import org.sgdnoise.core.nn.Optimizer;
import org.sgdnoise.core.nn.Trainer;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.spec.Kind;
import org.sgdnoise.core.spec.SweepSpec;
import org.sgdnoise.core.spec.Train;

/**
 * The real-data kinds from sweep file to table row: the {@code data:} and {@code train:}
 * sections and their defaults, cells and their ids, training on a small generated data set
 * (learns, deterministic, replicates independent), divergence, and the cells-table values.
 */
class TrainingCellsTest {
  @TempDir static Path tmp;
  private static String data;

  @BeforeAll
  static void data() throws Exception {
    data = SyntheticImages.write(tmp.resolve("images"), 800, 300, 5).toString();
  }

  private static SweepSpec spec(String yaml) {
    return SweepSpec.parse("t.yaml", yaml);
  }

  private static Object value(Object[] row, String column) {
    int i = IntStream.range(0, Tables.CELLS.size())
        .filter(k -> Tables.CELLS.get(k).name().equals(column)).findFirst().orElseThrow();
    return row[i];
  }

  @Test
  void defaultsOfTheTrainSection() {
    SweepSpec s = spec("name: t\nkind: logistic\nparams: {lr: 0.1, batch: 32}\n");
    assertThat(s.train()).isEqualTo(new Train("fashion-mnist", Optimizer.Kind.SGD,
        Mlp.Loss.CROSS_ENTROPY, Train.LrScaling.NONE, 1, 1000, 0, 0, 10, 0.5, 1000, 1));
    assertThat(s.simulate().enabled()).isFalse();
    assertThat(s.runsReplicates()).isTrue();
    assertThat(s.params()).containsOnlyKeys(org.sgdnoise.core.spec.Param.LR,
        org.sgdnoise.core.spec.Param.BATCH, org.sgdnoise.core.spec.Param.MOMENTUM,
        org.sgdnoise.core.spec.Param.WEIGHT_DECAY);
    SweepPlan plan = SweepPlan.of(s);
    assertThat(plan.totalReplicates()).isEqualTo(1);
    assertThat(plan.totalSteps()).isEqualTo(1000);
  }

  @Test
  void widthScalingAndIds() {
    SweepSpec s = spec("name: t\nkind: mlp\ndata: " + data + "\nparams:\n  lr: 0.5\n"
        + "  batch: 16\n  width: [10, 40]\ntrain:\n  optimizer: adam\n  loss: mse\n"
        + "  lr_scaling: inverse_width\n  reference_width: 20\n  steps: 30\n  train_rows: 500\n"
        + "  test_rows: 100\n  evaluations: 3\n  window: 1\n  noise_rows: 50\n"
        + "  replicates: 3\n");
    assertThat(s.train()).isEqualTo(new Train(data, Optimizer.Kind.ADAM, Mlp.Loss.MSE,
        Train.LrScaling.INVERSE_WIDTH, 20, 30, 500, 100, 3, 1.0, 50, 3));
    SweepPlan plan = SweepPlan.of(s);
    Cell narrow = plan.cell(0);
    Cell wide = plan.cell(1);
    assertThat(narrow.kind()).isEqualTo(Kind.MLP);
    assertThat(narrow.width()).isEqualTo(10);
    assertThat(wide.width()).isEqualTo(40);
    assertThat(narrow.effectiveLr()).isEqualTo(1.0);
    assertThat(wide.effectiveLr()).isEqualTo(0.25);
    assertThat(plan.totalReplicates()).isEqualTo(6);
    // Ids: stable, and every training setting is part of them.
    assertThat(SweepPlan.of(s).cell(1).cellId()).isEqualTo(wide.cellId());
    assertThat(narrow.cellId()).isNotEqualTo(wide.cellId());
    String yaml = s.text();
    for (String[] change : new String[][] {{"steps: 30", "steps: 31"},
        {"optimizer: adam", "optimizer: sgd"}, {"loss: mse", "loss: cross_entropy"},
        {"reference_width: 20", "reference_width: 21"}, {"train_rows: 500", "train_rows: 501"},
        {"test_rows: 100", "test_rows: 101"}, {"evaluations: 3", "evaluations: 4"},
        {"window: 1", "window: 0.9"}, {"noise_rows: 50", "noise_rows: 51"},
        {"replicates: 3", "replicates: 2"}, {"data: " + data, "data: " + data + "x"}}) {
      assertThat(yaml).contains(change[0]);
      Cell other = SweepPlan.of(spec(yaml.replace(change[0], change[1]))).cell(0);
      assertThat(other.cellId()).as(change[1]).isNotEqualTo(narrow.cellId());
    }
    // The sweep seed is not: it derives the replicate seeds from the id.
    assertThat(yaml).doesNotContain("seed:");
    Cell seeded = SweepPlan.of(spec(yaml.replace("kind: mlp\n", "kind: mlp\nseed: 99\n")))
        .cell(0);
    assertThat(seeded.seed()).isEqualTo(99);
    assertThat(seeded.cellId()).isEqualTo(narrow.cellId());
  }

  @Test
  void logisticRegressionLearnsDeterministicallyWithIndependentReplicates() {
    SweepSpec s = spec("name: t\nkind: logistic\nseed: 3\ndata: " + data + "\nparams:\n"
        + "  lr: 0.5\n  batch: 16\n  weight_decay: [-0.001, 0.001]\ntrain:\n  steps: 300\n"
        + "  evaluations: 4\n  noise_rows: 200\n  replicates: 3\n");
    Cell cell = SweepPlan.of(s).cell(0);
    CellResult r = CellEvaluator.evaluate(cell);
    assertThat(r.error()).isNull();
    CellResult.Training t = r.training();
    assertThat(t.runs()).hasSize(3);
    // Learns well above chance (0.1); the replicates differ (own seeds) but not wildly.
    assertThat(t.testAccuracy().mean()).as("%s", t.runs()).isGreaterThan(0.4);
    assertThat(t.testAccuracy().se()).isPositive().isLessThan(0.1);
    assertThat(t.runs().stream().map(Trainer.Result::finalTestLoss)
        .collect(Collectors.toSet())).hasSize(3);
    assertThat(t.bestTestAccuracy().mean()).isGreaterThanOrEqualTo(t.testAccuracy().mean());
    assertThat(t.trainLossVariance().mean()).as("%s", t.runs()).isPositive();
    assertThat(t.noiseTrace().mean()).isPositive();
    assertThat(t.noiseTraceTheorem5().mean()).isFinite();
    assertThat(r.divergedFraction()).isZero();
    assertThat(r.firstDivergedStep()).isEqualTo(-1);
    // The same cell again: the same bits.
    CellResult again = CellEvaluator.evaluate(SweepPlan.of(s).cell(0));
    assertThat(again.training().runs()).isEqualTo(t.runs());

    Object[] row = Tables.cellValues("t", r);
    for (String linear : List.of("dim", "label_noise_var", "a_max", "a_trace", "spectrum",
        "teacher", "lr_matrix", "rotation", "width", "theory_trace_sigma", "theory_diverges",
        "sim_trace_sigma", "error")) {
      assertThat(value(row, linear)).as(linear).isNull();
    }
    assertThat(value(row, "kind")).isEqualTo("logistic");
    assertThat(value(row, "data")).isEqualTo(data);
    assertThat(value(row, "optimizer")).isEqualTo("sgd");
    assertThat(value(row, "loss")).isEqualTo("cross_entropy");
    assertThat(value(row, "lr_scaling")).isEqualTo("none");
    assertThat(value(row, "lr_effective")).isEqualTo(0.5);
    assertThat(value(row, "train_rows")).isNull();
    assertThat(value(row, "weight_decay")).isEqualTo(-0.001);
    assertThat(value(row, "steps")).isEqualTo(300L);
    assertThat(value(row, "replicates")).isEqualTo(3);
    assertThat(value(row, "sim_mode")).isEqualTo("none");
    assertThat(value(row, "sim_diverged_fraction")).isEqualTo(0.0);
    assertThat((Double) value(row, "trained_test_accuracy"))
        .isCloseTo(t.testAccuracy().mean(), within(0.0));
    assertThat((Double) value(row, "trained_test_accuracy_se"))
        .isCloseTo(t.testAccuracy().se(), within(0.0));
    assertThat((Double) value(row, "trained_train_loss_variance")).isPositive();
    assertThat(Tables.replicateValues("t", r)).isEmpty();
  }

  @Test
  void divergenceIsAResultWithItsStep() {
    SweepSpec s = spec("name: t\nkind: mlp\ndata: " + data + "\nparams:\n  lr: 50\n"
        + "  batch: 8\n  width: 16\ntrain:\n  loss: mse\n  steps: 200\n  noise_rows: 0\n"
        + "  replicates: 2\n");
    CellResult r = CellEvaluator.evaluate(SweepPlan.of(s).cell(0));
    assertThat(r.error()).isNull();
    assertThat(r.divergedFraction()).isEqualTo(1.0);
    assertThat(r.firstDivergedStep()).isBetween(1L, 200L);
    assertThat(r.training().testAccuracy()).isEqualTo(org.sgdnoise.core.sim.Estimate.MISSING);
    Object[] row = Tables.cellValues("t", r);
    assertThat(value(row, "trained_test_accuracy")).isNull();
    assertThat(value(row, "sim_first_diverged_step")).isEqualTo(r.firstDivergedStep());
    assertThat(value(row, "width")).isEqualTo(16);
  }

  @Test
  void replicatesPoolIntoMeanAndStandardError() {
    List<Trainer.Result> runs = List.of(result(0.5), result(0.7), result(0.9));
    CellResult.Training t = CellResult.Training.of(runs);
    assertThat(t.testAccuracy().mean()).isCloseTo(0.7, within(1e-15));
    // Standard deviation 0.2 over √3.
    assertThat(t.testAccuracy().se()).isCloseTo(0.2 / Math.sqrt(3), within(1e-15));
    assertThat(t.testAccuracy().batches()).isEqualTo(3);
    assertThat(CellResult.Training.of(List.of(result(0.5))).testAccuracy().se()).isNaN();
  }

  private static Trainer.Result result(double accuracy) {
    return new Trainer.Result(false, -1, 1 - accuracy, accuracy, 1 - accuracy, accuracy, 1, 0.1,
        0.01, 0.02);
  }
}
