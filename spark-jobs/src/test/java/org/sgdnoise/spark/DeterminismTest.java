package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cell is pure: the same sweep on local[1] in one partition and one wave, and on local[2] in
 * seven partitions and waves of five cells, gives identical tables (every column but wall_ms,
 * the only one that measures the machine). The same holds for every simulated kind and sampler
 * across JVMs: a run in this JVM and a run in a fresh one (another JIT, another heap, another
 * partitioning) write the same bits. The fresh JVM is started without the Vector API module
 * (this one has it), so the dataset cells with D ≥ 8 compare the SIMD row kernel with the
 * scalar one.
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

  /** Streaming (exact and direct samplers, a rotation) and dataset mode (matrices written). */
  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> kinds() {
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("input-noise", """
            name: input-noise
            kind: input_noise
            seed: 11
            params:
              lr: [0.05, 0.3]
              batch: [1, 8]
              momentum: [0.0, 0.5]
              input_noise_var: 0.5
              spectrum: [1.0, 0.5, 0.25]
              teacher: [1.0, -0.5, 0.25]
              rotation: 5
            simulate: {mode: streaming, steps: 4000, burn_in: 400, replicates: 2}
            """, 8, 2),
        org.junit.jupiter.params.provider.Arguments.of("l2", """
            name: l2
            kind: l2
            seed: 12
            matrices: true
            params:
              lr: [0.1, 0.4]
              batch: [4]
              momentum: [0.0, 0.9]
              weight_decay: [-0.1, 0.3]
              spectrum: [1.0, 0.5]
              teacher: [1.0, -0.5]
              n: 300
            simulate: {mode: dataset, sampling: without_replacement, steps: 4000, burn_in: 400,
              replicates: 2}
            """, 8, 2),
        org.junit.jupiter.params.provider.Arguments.of("wide", """
            name: wide
            kind: label_noise
            seed: 13
            params:
              lr: [0.05, 0.2]
              batch: [7, 32]
              momentum: [0.0, 0.5]
              spectrum: [1, 0.93, 0.86, 0.79, 0.72, 0.65, 0.58, 0.51, 0.44, 0.37, 0.3, 0.23, 0.16]
              n: 400
            simulate: {mode: dataset, steps: 4000, burn_in: 400, replicates: 2}
            """, 8, 2));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("kinds")
  void sameTablesInAnotherJvm(String name, String sweep, int cells, int replicates,
      @TempDir Path dir) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, sweep);
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    CliRun a = CliRun.of("run", file.toString(), "--out", one.toString(), "--master", "local[1]",
        "--partitions", "1", "--no-analyze");
    assertThat(a.code()).as(a.err()).isZero();
    int code = DriverProcess.start(dir.resolve("child.log"), "run", file.toString(), "--out",
        two.toString(), "--master", "local[2]", "--partitions", "3", "--wave-size", "3",
        "--no-analyze").waitFor(300);
    String childLog = Files.readString(dir.resolve("child.log"));
    assertThat(code).as(childLog).isZero();
    assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).as("this JVM: SIMD")
        .isPresent();
    assertThat(childLog).as("the fresh JVM: scalar row kernel")
        .doesNotContain("incubator modules");
    Duck.assertSameSweepTables(one.resolve(name), two.resolve(name), cells, replicates);
    try (Duck duck = new Duck()) {
      String cellsTable = "read_parquet('" + one.resolve(name + "/cells").toAbsolutePath()
          + "/*.parquet')";
      // Every stable cell has its simulated noise and autocorrelation time (no silent nulls).
      assertThat(duck.count("SELECT count(*) FROM " + cellsTable
          + " WHERE sim_trace_noise IS NOT NULL AND sim_autocorr_time IS NOT NULL"))
          .isEqualTo(duck.count("SELECT count(*) FROM " + cellsTable
              + " WHERE sim_diverged_fraction = 0"));
    }
  }

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
