package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Infrastructure faults are retried by Spark and retries give identical rows: with every task's
 * first attempt failing after it has produced a row (local[2,4] allows 4 attempts), the tables
 * hold exactly one row per cell, identical to a run without faults.
 */
class FaultInjectionTest {
  private static final String SWEEP = """
      name: faults
      kind: label_noise
      seed: 5
      params:
        lr: [0.05, 0.2, 0.5, 1.2]
        batch: [2, 16, 64]
        momentum: [0.0, 0.9]
        spectrum: [1.0, 0.3]
      simulate:
        mode: streaming
        steps: 4000
        burn_in: 400
        replicates: 2
      """;

  @Test
  void retriedTasksLeaveNoDuplicateOrMissingRows(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("faults.yaml");
    Files.writeString(file, SWEEP);
    CliRun faulty = CliRun.of("run", file.toString(), "--out", dir.resolve("faulty").toString(),
        "--master", "local[2,4]", "--partitions", "6", "--wave-size", "10",
        "--conf", SweepJob.FAIL_FIRST_ATTEMPT + "=true");
    assertThat(faulty.code()).as(faulty.err()).isZero();
    assertThat(faulty.out()).containsPattern("\\d+ failed task attempts were retried by Spark");

    CliRun clean = CliRun.of("run", file.toString(), "--out", dir.resolve("clean").toString(),
        "--master", "local[2]");
    assertThat(clean.code()).as(clean.err()).isZero();

    try (Duck duck = new Duck()) {
      String cells = Duck.table(dir.resolve("faulty/faults/cells"));
      assertThat(duck.count("SELECT count(*) FROM " + cells)).isEqualTo(24);
      assertThat(duck.count("SELECT count(DISTINCT cell_id) FROM " + cells)).isEqualTo(24);
      String reps = Duck.table(dir.resolve("faulty/faults/replicates"));
      assertThat(duck.count("SELECT count(*) FROM " + reps)).isEqualTo(48);
      assertThat(duck.count("SELECT count(DISTINCT (cell_id, replicate)) FROM " + reps))
          .isEqualTo(48);
    }
    Duck.assertSameSweepTables(dir.resolve("faulty/faults"), dir.resolve("clean/faults"), 24, 2);
  }

  @Test
  void aFailingCellIsRecordedAndTheSweepGoesOn(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("faults.yaml");
    Files.writeString(file, SWEEP);
    CliRun run = CliRun.of("run", file.toString(), "--out", dir.resolve("out").toString(),
        "--master", "local[2]", "--conf", SweepJob.FAIL_CELL_INDEX + "=7");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("1 cells failed");
    try (Duck duck = new Duck()) {
      String cells = Duck.table(dir.resolve("out/faults/cells"));
      assertThat(duck.count("SELECT count(*) FROM " + cells)).isEqualTo(24);
      assertThat(duck.rows("SELECT cell_index, error, theory_diverges, theory_critical_lr,"
          + " sim_trace_sigma FROM " + cells + " WHERE error IS NOT NULL"))
          .containsExactly(java.util.Arrays.asList(7L,
              "java.lang.ArithmeticException: fault injected by " + SweepJob.FAIL_CELL_INDEX,
              null, null, null));
      assertThat(duck.count("SELECT count(*) FROM " + cells
          + " WHERE error IS NULL AND theory_diverges IS NOT NULL")).isEqualTo(23);
    }

    CliRun strict = CliRun.of("run", file.toString(), "--out", dir.resolve("strict").toString(),
        "--master", "local[2]", "--fail-fast", "--conf", SweepJob.FAIL_CELL_INDEX + "=7");
    assertThat(strict.code()).isEqualTo(1);
    assertThat(strict.err()).contains("fault injected");
    assertThat(dir.resolve("strict/faults/cells")).doesNotExist();
  }
}
