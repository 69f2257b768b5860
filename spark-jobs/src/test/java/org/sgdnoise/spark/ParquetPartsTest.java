package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.result.CellEvaluator;
import org.sgdnoise.core.result.Tables;
import org.sgdnoise.core.spec.SweepSpec;

/**
 * Theory-only sweeps write their cells table with {@link ParquetParts} (the Parquet library's
 * column writers) rather than Spark's row writer. The files must be indistinguishable to readers:
 * the same columns, types and values as Spark's own writer gives for the same rows, Spark's exact
 * schema on read-back, and exactly one row per cell when tasks fail and are retried.
 */
class ParquetPartsTest {
  private static final String L2 = """
      name: parts-l2
      kind: l2
      params:
        lr: [0.2, 1.0]
        batch: [4, 64]
        spectrum: [[4.0], [1.0, 0.5]]
        teacher: 1.0
        weight_decay: [-3.0, -0.5, 0.0, 0.4]
      """;
  private static final String LABEL_NOISE = """
      name: parts-ln
      kind: label_noise
      params:
        lr: {logspace: {from: 0.01, to: 3.0, num: 9}}
        batch: [1, 7, 100]
        momentum: [0.0, 0.6]
        spectrum: [[1.0], [2.0, 0.5, 0.1]]
      """;

  @Test
  void sameFilesAsSparksOwnWriter(@TempDir Path dir) throws Exception {
    for (String sweep : List.of(L2, LABEL_NOISE)) {
      String name = SweepSpec.parse("test", sweep).name();
      Path file = dir.resolve(name + ".yaml");
      Files.writeString(file, sweep);
      CliRun run = CliRun.of("run", file.toString(), "--out", dir.resolve("direct").toString(),
          "--master", "local[2]", "--partitions", "3", "--wave-size", "20");
      assertThat(run.code()).as(run.err()).isZero();
    }
    // The CLI stops its Spark session; this one is started after.
    SparkSession spark = SparkSession.builder().master("local[1]").appName("parts")
        .config("spark.ui.enabled", false).config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    try (Duck duck = new Duck()) {
      for (String sweep : List.of(L2, LABEL_NOISE)) {
        SweepPlan plan = SweepPlan.of(SweepSpec.parse("test", sweep));
        String name = plan.spec().name();
        Path direct = dir.resolve("direct").resolve(name).resolve("cells");

        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < plan.size(); i++) {
          Object[] values = Tables.cellValues(name, CellEvaluator.evaluate(plan.cell(i)));
          rows.add(RowFactory.create(values));
        }
        Path viaSpark = dir.resolve("spark").resolve(name);
        spark.createDataFrame(rows, SparkTables.CELLS).write()
            .options(SparkTables.cellsWriteOptions()).parquet(viaSpark.toString());

        // Spark reads back the same schema from both (file sources read every column as
        // nullable, whoever wrote it).
        StructType read = spark.read().parquet(direct.toString()).schema();
        assertThat(read).isEqualTo(spark.read().parquet(viaSpark.toString()).schema())
            .isEqualTo(SparkTables.CELLS.asNullable());
        // DuckDB sees the same columns and types and the same values.
        assertThat(duck.rows("DESCRIBE SELECT * FROM " + Duck.table(direct)))
            .isEqualTo(duck.rows("DESCRIBE SELECT * FROM " + Duck.table(viaSpark)));
        String q = "SELECT * EXCLUDE (wall_ms) FROM %s ORDER BY cell_id";
        List<List<Object>> a = duck.rows(String.format(q, Duck.table(direct)));
        assertThat(a).as(name).hasSize((int) plan.size())
            .isEqualTo(duck.rows(String.format(q, Duck.table(viaSpark))));
        // The replicates table of a theory-only sweep: empty parts, as Spark writes them.
        Path emptyViaSpark = dir.resolve("spark").resolve(name + "-replicates");
        spark.createDataFrame(List.<Row>of(), SparkTables.REPLICATES).write()
            .parquet(emptyViaSpark.toString());
        Path replicates = direct.resolveSibling("replicates");
        assertThat(duck.rows("DESCRIBE SELECT * FROM " + Duck.table(replicates)))
            .isEqualTo(duck.rows("DESCRIBE SELECT * FROM " + Duck.table(emptyViaSpark)));
        assertThat(duck.count("SELECT count(*) FROM " + Duck.table(replicates))).isZero();
        assertThat(spark.read().parquet(replicates.toString()).schema())
            .isEqualTo(SparkTables.REPLICATES.asNullable());
        // Null columns really are null (the simulation side of a theory-only sweep) and the
        // non-null ones are not.
        assertThat(duck.count("SELECT count(*) FROM " + Duck.table(direct)
            + " WHERE sim_trace_sigma IS NULL AND theory_critical_lr IS NOT NULL"))
            .isEqualTo(plan.size());
        // Several parts, named per partition and wave, no attempt files left behind.
        try (Stream<Path> files = Files.list(direct)) {
          List<String> names = files.map(p -> p.getFileName().toString()).toList();
          assertThat(names).allMatch(n -> n.startsWith(".")
              || n.matches("part-\\d{5}-[0-9a-z]+-\\d{6}\\.snappy\\.parquet"));
          assertThat(names.stream().filter(n -> n.endsWith(".parquet"))).hasSizeGreaterThan(3);
        }
      }
    } finally {
      spark.stop();
    }
  }

  @Test
  void retriedTheoryTasksLeaveEachCellOnce(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("parts-ln.yaml");
    Files.writeString(file, LABEL_NOISE);
    CliRun faulty = CliRun.of("run", file.toString(), "--out", dir.resolve("faulty").toString(),
        "--master", "local[2,4]", "--partitions", "4", "--wave-size", "30",
        "--conf", SweepJob.FAIL_FIRST_ATTEMPT + "=true");
    assertThat(faulty.code()).as(faulty.err()).isZero();
    assertThat(faulty.out()).containsPattern("\\d+ failed task attempts were retried by Spark");
    CliRun clean = CliRun.of("run", file.toString(), "--out", dir.resolve("clean").toString(),
        "--master", "local[1]");
    assertThat(clean.code()).as(clean.err()).isZero();
    Duck.assertSameSweepTables(dir.resolve("faulty/parts-ln"), dir.resolve("clean/parts-ln"),
        108, 0);
    // The summary of a fresh theory-only run comes from accumulators: exact despite retries.
    String diverged;
    try (Duck duck = new Duck()) {
      diverged = String.valueOf(duck.count("SELECT count(*) FROM "
          + Duck.table(dir.resolve("clean/parts-ln/cells")) + " WHERE theory_diverges"));
    }
    assertThat(diverged).isNotEqualTo("0");
    for (CliRun run : List.of(faulty, clean)) {
      assertThat(run.out()).contains("108 cells in").contains("(" + diverged + " diverge in theory");
    }
    try (Stream<Path> files = Files.list(dir.resolve("faulty/parts-ln/cells"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith("_attempt"));
    }
  }
}
