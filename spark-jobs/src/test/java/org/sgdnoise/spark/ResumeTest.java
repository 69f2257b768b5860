package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: {@code kill -9} of the driver in the middle of a multi-wave sweep, then the same
 * command again, leaves exactly one row per planned cell in both tables, identical to an
 * uninterrupted run; and the two states a crash can leave in staging are recovered.
 */
class ResumeTest {
  private static final String SWEEP = """
      name: resume
      kind: label_noise
      seed: 11
      params:
        lr: [0.02, 0.1, 0.3, 0.6, 1.0, 1.4]
        batch: [4, 32]
        momentum: [0.0, 0.5, 0.9]
        spectrum: [1.0, 0.5, 0.25, 0.125]
      simulate:
        mode: streaming
        steps: 60000
        burn_in: 1000
        replicates: 2
      """;
  private static final int CELLS = 36;

  @Test
  void killMinusNineThenRerunGivesExactlyOneRowPerCell(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("resume.yaml");
    Files.writeString(file, SWEEP);
    Path crashed = dir.resolve("crashed");
    String[] args = {"run", file.toString(), "--out", crashed.toString(), "--master",
        "local[2]", "--wave-size", "4", "--progress-interval", "1000"};

    // A driver in its own JVM, killed with SIGKILL once its first wave is in the table.
    Path cells = crashed.resolve("resume/cells");
    DriverProcess.start(dir.resolve("child.log"), args).killWhen(() -> {
      try {
        return parquetFiles(cells) > 0;
      } catch (Exception e) {
        return false;
      }
    }, 120);

    long before;
    try (Duck duck = new Duck()) {
      before = duck.count("SELECT count(*) FROM " + Duck.table(cells));
    }
    assertThat(before).as("a partial table: the crash happened mid-sweep").isBetween(1L,
        (long) CELLS - 1);

    CliRun rerun = CliRun.of(args);
    assertThat(rerun.code()).as(rerun.err()).isZero();
    assertThat(rerun.out()).contains("Resuming: ").contains(CELLS + " cells in");

    Path clean = dir.resolve("clean");
    CliRun reference = CliRun.of("run", file.toString(), "--out", clean.toString(), "--master",
        "local[2]");
    assertThat(reference.code()).as(reference.err()).isZero();
    Duck.assertSameSweepTables(crashed.resolve("resume"), clean.resolve("resume"), CELLS, 2);
  }

  @Test
  void ctrlCStopsAfterTheCurrentWaveAndARerunResumes(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("resume.yaml");
    Files.writeString(file, SWEEP.replace("steps: 60000", "steps: 30000"));
    Path out = dir.resolve("out");
    String[] args = {"run", file.toString(), "--out", out.toString(), "--master", "local[2]",
        "--wave-size", "4", "--progress-interval", "1000"};
    Path cells = out.resolve("resume/cells");
    int code = DriverProcess.start(dir.resolve("child.log"), args).interruptWhen(() -> {
      try {
        return parquetFiles(cells) > 0;
      } catch (Exception e) {
        return false;
      }
    }, 120);
    String log = Files.readString(dir.resolve("child.log"));
    assertThat(code).as(log).isEqualTo(130);
    assertThat(log).contains("Stopping after the current wave")
        .containsPattern("Stopped: sweep 'resume', \\d+ of 36 cells done; rerun the same"
            + " command to resume");
    assertThat(out.resolve("resume/_staging")).doesNotExist();
    assertThat(Files.readString(out.resolve("resume/_sweep.json")))
        .contains("\"status\" : \"stopped\"");

    CliRun plan = CliRun.of("plan", file.toString(), "--out", out.toString());
    assertThat(plan.code()).isZero();
    assertThat(plan.out()).containsPattern("progress:    stopped; \\d+ cells done, \\d+ to do");

    CliRun rerun = CliRun.of(args);
    assertThat(rerun.code()).as(rerun.err()).isZero();
    assertThat(rerun.out()).contains("Resuming: ").contains(CELLS + " cells in");
    assertThat(CliRun.of("plan", file.toString(), "--out", out.toString()).out())
        .contains("progress:    complete; 36 cells done, 0 to do");
    try (Duck duck = new Duck()) {
      assertThat(duck.count("SELECT count(DISTINCT cell_id) FROM " + Duck.table(cells)))
          .isEqualTo(CELLS);
      assertThat(duck.count("SELECT count(*) FROM " + Duck.table(cells))).isEqualTo(CELLS);
    }
  }

  @Test
  void recoversCompletedWavesAndDiscardsIncompleteOnes(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("resume.yaml");
    Files.writeString(file, SWEEP.replace("steps: 60000", "steps: 2000"));
    Path out = dir.resolve("out");
    Path clean = dir.resolve("clean");
    String[] args = {"run", file.toString(), "--out", out.toString(), "--master", "local[2]",
        "--wave-size", "12"};
    assertThat(CliRun.of(args).code()).isZero();
    assertThat(CliRun.of("run", file.toString(), "--out", clean.toString()).code()).isZero();

    // Crash state 1: a wave marked complete, half moved: its cells and the rest of its
    // replicates still in staging. Crash state 2: a wave Spark never finished writing.
    Path sweep = out.resolve("resume");
    Path w1 = sweep.resolve("_staging/crashed-000001");
    Files.createDirectories(w1.resolve("cells"));
    Files.createDirectories(w1.resolve("replicates"));
    List<Path> cellFiles = list(sweep.resolve("cells"));
    List<Path> repFiles = list(sweep.resolve("replicates"));
    for (Path p : cellFiles) {
      Files.move(p, w1.resolve("cells").resolve(p.getFileName()));
    }
    for (Path p : repFiles.subList(0, repFiles.size() / 2)) {
      Files.move(p, w1.resolve("replicates").resolve(p.getFileName()));
    }
    Files.createFile(w1.resolve("_COMPLETE"));
    Path w2 = sweep.resolve("_staging/crashed-000002/cells");
    Files.createDirectories(w2);
    Files.writeString(w2.resolve("part-00000-torn.snappy.parquet"), "not parquet");

    CliRun rerun = CliRun.of(args);
    assertThat(rerun.code()).as(rerun.err()).isZero();
    assertThat(rerun.out()).contains("Recovered 1 wave(s)")
        .contains("0 computed now, " + CELLS + " resumed");
    assertThat(sweep.resolve("_staging")).doesNotExist();
    Duck.assertSameSweepTables(sweep, clean.resolve("resume"), CELLS, 2);
  }

  @Test
  void changedSweepFileIsRefusedUnlessItOnlyAddsCells(@TempDir Path dir) throws Exception {
    String small = SWEEP.replace("steps: 60000", "steps: 2000");
    Path file = dir.resolve("resume.yaml");
    Files.writeString(file, small);
    Path out = dir.resolve("out");
    assertThat(CliRun.of("run", file.toString(), "--out", out.toString()).code()).isZero();

    // Adds a batch size: allowed, and only the new cells run.
    Files.writeString(file, small.replace("batch: [4, 32]", "batch: [4, 32, 128]"));
    CliRun more = CliRun.of("run", file.toString(), "--out", out.toString());
    assertThat(more.code()).as(more.err()).isZero();
    assertThat(more.out()).contains("18 computed now, 36 resumed");

    // Drops cells: refused, nothing written.
    Files.writeString(file, small.replace("batch: [4, 32]", "batch: [4]"));
    CliRun fewer = CliRun.of("run", file.toString(), "--out", out.toString());
    assertThat(fewer.code()).isEqualTo(2);
    assertThat(fewer.err()).contains("no longer plans 36 of the 54 cells").contains("--fresh");

    // Another seed: refused before Spark starts.
    Files.writeString(file, small.replace("seed: 11", "seed: 12"));
    CliRun reseeded = CliRun.of("run", file.toString(), "--out", out.toString());
    assertThat(reseeded.code()).isEqualTo(2);
    assertThat(reseeded.err()).contains("seed 11").contains("seed 12");

    // An output written by another table schema: refused before Spark starts.
    Files.writeString(file, small);
    Path manifest = out.resolve("resume/_sweep.json");
    String json = Files.readString(manifest);
    Files.writeString(manifest, json.replaceFirst("\"schema_version\" : \\d+",
        "\"schema_version\" : 3"));
    assertThat(Files.readString(manifest)).contains("\"schema_version\" : 3");
    // Hadoop's local file system keeps a checksum beside the file; it no longer matches.
    Files.deleteIfExists(manifest.resolveSibling("._sweep.json.crc"));
    CliRun oldSchema = CliRun.of("run", file.toString(), "--out", out.toString());
    assertThat(oldSchema.code()).as(oldSchema.err()).isEqualTo(2);
    assertThat(oldSchema.err()).contains("table schema version 3")
        .contains("writes version " + org.sgdnoise.core.result.Tables.SCHEMA_VERSION)
        .contains("--fresh");
    try (Duck duck = new Duck()) {
      assertThat(duck.count("SELECT count(*) FROM " + Duck.table(out.resolve("resume/cells"))))
          .isEqualTo(54);
    }
  }


  private static long parquetFiles(Path dir) throws Exception {
    return Files.isDirectory(dir) ? list(dir).size() : 0;
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
    }
  }
}
