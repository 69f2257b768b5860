package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cell is pure: the same sweep on local[1] in one partition and one wave, and on local[2] in
 * seven partitions and waves of five cells, gives identical tables (every column but wall_ms,
 * the only one that measures the machine).
 */
class DeterminismTest {
  private static final String SWEEP = """
      name: determinism
      kind: label_noise
      seed: 7
      params:
        lr: [0.05, 0.3, 0.9, 2.5]
        batch: [1, 16, 64, 4]
        momentum: [0.0, 0.9]
        spectrum:
          - [1.0]
          - [2.0, 0.5, 0.1]
        n: 500
      zip:
        - [lr, batch]
      simulate:
        mode: dataset
        sampling: without_replacement
        steps: 3000
        burn_in: 300
        replicates: 3
      """;

  @Test
  void sameTablesWhateverThePartitioning(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("determinism.yaml");
    Files.writeString(file, SWEEP);
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    CliRun a = CliRun.of("run", file.toString(), "--out", one.toString(), "--master", "local[1]",
        "--partitions", "1");
    assertThat(a.code()).as(a.err()).isZero();
    CliRun b = CliRun.of("run", file.toString(), "--out", two.toString(), "--master", "local[2]",
        "--partitions", "7", "--wave-size", "5");
    assertThat(b.code()).as(b.err()).isZero();

    Duck.assertSameSweepTables(one.resolve("determinism"), two.resolve("determinism"), 16, 3);
    try (Duck duck = new Duck()) {
      // Several files were written by the second run (7 partitions per wave, 4 waves).
      assertThat(duck.count("SELECT count(DISTINCT filename) FROM read_parquet('"
          + two.resolve("determinism/cells").toAbsolutePath() + "/*.parquet',"
          + " filename = true)")).isGreaterThan(1);
    }
  }
}
