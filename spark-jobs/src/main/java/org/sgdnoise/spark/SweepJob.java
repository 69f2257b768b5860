package org.sgdnoise.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.plan.CellSource;
import org.sgdnoise.core.plan.Refinement;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.result.CellEvaluator;
import org.sgdnoise.core.result.CellResult;
import org.sgdnoise.core.result.Tables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sweep on Spark. The plan is broadcast; {@code spark.range} splits each wave's cell
 * indices into partitions; executors decode and evaluate their cells (theory + simulations, all
 * in sweep-core). Each wave is written through {@link SweepOutput}: staged, marked complete, then
 * moved into {@code <out>/<name>/cells} and {@code .../replicates}, so a crash at any point loses
 * at most the wave in flight. When resuming, finished cells are skipped by an anti-join on
 * {@code cell_id} before they are evaluated. With a {@code refine:} section, {@link Refiner} then
 * adds rounds of bisection cells through the same waves. {@code _sweep.json} is written at the
 * start (status running) and at the end (complete).
 */
public final class SweepJob {
  private static final Logger LOG = LoggerFactory.getLogger(SweepJob.class);
  /**
   * Fault injection for tests: when true, every task's first attempt fails after producing one
   * row, so Spark must retry it (needs a master that allows retries, e.g. {@code local[2,4]}).
   */
  public static final String FAIL_FIRST_ATTEMPT = "spark.sgdnoise.faultInjection.failFirstAttempt";

  /** Fault injection for tests: the plan index of a cell whose computation throws. */
  public static final String FAIL_CELL_INDEX = "spark.sgdnoise.faultInjection.failCellIndex";

  static final StructType INDEX_IDS = DataTypes.createStructType(java.util.List.of(
      DataTypes.createStructField("cell_index", DataTypes.LongType, false),
      DataTypes.createStructField("cell_id", DataTypes.StringType, false)));

  /** What to do with cells already in the output. */
  public enum Existing {
    /** The output is new (or was just cleared). */
    NONE,
    /** Same sweep file: skip the cells already done. */
    RESUME,
    /** Changed sweep file: allowed only if every cell already done is still planned. */
    RESUME_IF_ONLY_ADDS
  }

  /** How a run is set up. */
  public record Options(
      String master,
      String out,
      int waveSize,
      int partitionsPerWave,
      Duration progressInterval,
      boolean ui,
      Existing existing,
      java.util.Map<String, String> sparkConf,
      boolean failFast,
      java.util.concurrent.atomic.AtomicBoolean stopRequested) {}

  /**
   * What a run did.
   *
   * @param cells cells in the table after the run
   * @param computed cells computed by this run
   * @param resumed cells that were already in the table
   * @param theoryDiverged cells of the table whose theory diverges
   * @param simDiverged cells of the table with at least one diverged replicate
   * @param refinement what adaptive refinement did, or {@code null} without (or stopped before)
   */
  public record Summary(
      long cells,
      long computed,
      long resumed,
      long theoryDiverged,
      long simDiverged,
      long failedCells,
      long failedTaskAttempts,
      boolean stopped,
      Duration elapsed,
      OutputLayout layout,
      Refinement.Report refinement) {}

  private SweepJob() {}

  public static Summary run(SweepPlan plan, Options opt, PrintStream out) {
    OutputLayout layout = OutputLayout.of(opt.out(), plan.spec().name());
    Instant started = Instant.now();
    SparkSession spark = session(plan, opt);
    try {
      FileSystem fs = layout.fileSystem(spark.sparkContext().hadoopConfiguration());
      SweepOutput output = new SweepOutput(fs, layout);
      TaskFailures failures = new TaskFailures();
      spark.sparkContext().addSparkListener(failures);
      final Faults faults = new Faults(opt.failFast(),
          Boolean.parseBoolean(spark.conf().get(FAIL_FIRST_ATTEMPT, "false")),
          Long.parseLong(spark.conf().get(FAIL_CELL_INDEX, "-1")));
      Broadcast<SweepPlan> bplan = spark.sparkContext().broadcast(plan,
          scala.reflect.ClassTag$.MODULE$.apply(SweepPlan.class));

      // Cells already done (resume), after finishing whatever a crashed run left staged.
      Dataset<Row> done = null;
      long resumed = 0;
      if (opt.existing() != Existing.NONE) {
        int finished = output.recover();
        if (finished > 0) {
          out.printf("Recovered %d wave(s) a previous run had completed.%n", finished);
        }
        if (output.hasCells()) {
          done = spark.read().parquet(layout.cells().toString()).select("cell_id").distinct()
              .persist(StorageLevel.MEMORY_AND_DISK());
          resumed = done.count();
          if (opt.existing() == Existing.RESUME_IF_ONLY_ADDS) {
            long dropped = done.join(cellIds(spark, bplan, 0, plan.size(), 0), "cell_id",
                "left_anti").count();
            if (dropped > 0) {
              throw new SweepRefusedException("Cannot resume sweep '" + plan.spec().name()
                  + "': the sweep file changed and no longer plans " + dropped + " of the "
                  + resumed + " cells already computed (rerun with --fresh to replace the"
                  + " output): " + layout.display(fs, layout.sweep()));
            }
          }
          out.printf("Resuming: %,d of %,d cells already done.%n", resumed, plan.size());
        }
      }
      Manifest.write(fs, layout, plan, opt.master(), started, null, null);

      LongAccumulator doneCount = spark.sparkContext().longAccumulator("cells done");
      LongAccumulator thDiv = spark.sparkContext().longAccumulator("theory diverged");
      LongAccumulator simDiv = spark.sparkContext().longAccumulator("simulation diverged");
      LongAccumulator failed = spark.sparkContext().longAccumulator("cells failed");
      doneCount.add(resumed);
      final String sweep = plan.spec().name();
      final String runId = Long.toString(started.toEpochMilli(), 36);

      Progress progress = new Progress(sweep, plan.spec().train() != null, plan.size(),
          doneCount, thDiv, simDiv, out, opt.progressInterval());
      spark.sparkContext().addSparkListener(progress);
      Waves waves = new Waves(spark, output, opt, plan, done, new Evaluation(sweep, doneCount,
          thDiv, simDiv, failed, faults), runId, progress);
      boolean stopped;
      Refinement.Report refinement = null;
      try {
        stopped = !waves.run(0, plan.size(), bplan);
        if (!stopped && plan.spec().refine() != null) {
          Refiner.Outcome o = Refiner.run(spark, bplan, layout, waves::run,
              opt.partitionsPerWave(), opt.stopRequested());
          stopped = o.stopped();
          refinement = o.report();
          if (!stopped) {
            out.println(refinement.text(plan.spec().refine()));
          }
        }
      } finally {
        spark.sparkContext().removeSparkListener(progress);
      }
      if (done != null) {
        done.unpersist();
      }
      // Final counts: a fresh theory-only run's accumulators are exact (they are updated in
      // an action, where Spark applies each task's updates once, retries or not); otherwise
      // (earlier runs' cells, or simulated cells evaluated in a transformation that Spark may
      // recompute) they come from the table itself.
      long[] c = {0, 0, 0, 0};
      if (resumed == 0 && !plan.spec().runsReplicates() && !plan.spec().matrices()) {
        c = new long[] {doneCount.value(), thDiv.value(), simDiv.value(), failed.value()};
      } else if (output.hasCells()) {
        Row counts = spark.read().parquet(layout.cells().toString()).agg(
            functions.count(functions.lit(1)),
            functions.sum(functions.when(functions.col("theory_diverges"), 1).otherwise(0)),
            functions.sum(functions.when(functions.col("sim_diverged_fraction").gt(0), 1)
                .otherwise(0)),
            functions.count(functions.col("error"))).first();
        for (int i = 0; i < c.length; i++) {
          c[i] = counts.isNullAt(i) ? 0 : counts.getLong(i);
        }
      }
      Instant finished = Instant.now();
      Summary summary = new Summary(c[0], c[0] - resumed, resumed, c[1], c[2], c[3],
          failures.count(), stopped, Duration.between(started, finished), layout, refinement);
      Manifest.write(fs, layout, plan, opt.master(), started, finished, summary);
      return summary;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      spark.stop();
    }
  }

  /**
   * Decides, before Spark starts, what to do with an existing output of this sweep: nothing there
   * (or {@code fresh}: it is deleted) → {@link Existing#NONE}; the same sweep file → resume;
   * a changed file with the same name, kind and seed → resume if it only adds cells (checked
   * once Spark runs). Anything else is refused.
   *
   * @throws SweepRefusedException when the output cannot be reused
   */
  public static Existing prepareOutput(SweepPlan plan, String out, boolean fresh)
      throws IOException {
    OutputLayout layout = OutputLayout.of(out, plan.spec().name());
    FileSystem fs = layout.fileSystem(new org.apache.hadoop.conf.Configuration());
    if (!fs.exists(layout.sweep())) {
      return Existing.NONE;
    }
    String where = layout.display(fs, layout.sweep());
    if (fresh) {
      fs.delete(layout.sweep(), true);
      return Existing.NONE;
    }
    com.fasterxml.jackson.databind.JsonNode m = Manifest.read(fs, layout);
    if (m == null || m.get("spec_text") == null) {
      throw new SweepRefusedException("Cannot run sweep '" + plan.spec().name()
          + "': the output folder exists but holds no sweep manifest (_sweep.json); move it"
          + " away or rerun with --fresh to replace it: " + where);
    }
    final int version = m.path("schema_version").asInt(-1);
    if (version != Tables.SCHEMA_VERSION) {
      throw new SweepRefusedException("Cannot resume sweep '" + plan.spec().name()
          + "': the output was written with table schema version " + version + " and this"
          + " build writes version " + Tables.SCHEMA_VERSION + " (docs/schema.md); rerun with"
          + " --fresh to replace it, or write to another --out: " + where);
    }
    if (m.get("spec_text").asText().equals(plan.spec().text())) {
      return Existing.RESUME;
    }
    if (m.has("refine")) {
      throw new SweepRefusedException("Cannot resume sweep '" + plan.spec().name()
          + "': the sweep file changed and the output holds adaptively refined cells, which"
          + " depend on the whole file (rerun with --fresh to replace the output): " + where);
    }
    String was = "kind " + m.path("kind").asText() + ", seed " + m.path("seed").asText();
    String now = "kind " + plan.spec().kind().yamlName() + ", seed " + plan.spec().seed();
    if (!was.equals(now)) {
      throw new SweepRefusedException("Cannot resume sweep '" + plan.spec().name()
          + "': the output was made with " + was + ", the sweep file now says " + now
          + " (rerun with --fresh to replace the output): " + where);
    }
    return Existing.RESUME_IF_ONLY_ADDS;
  }

  /** (cell_index, cell_id) for indices [start, end): cheap, no evaluation. */
  static Dataset<Row> cellIds(SparkSession spark, Broadcast<? extends CellSource> cells,
      long start, long end, int parts) {
    MapFunction<Long, Row> id = i -> RowFactory.create(i, cells.value().cell(i).cellId());
    Dataset<Long> range = parts > 0 ? spark.range(start, end, 1, parts)
        : spark.range(start, end);
    return range.map(id, Encoders.row(INDEX_IDS));
  }

  static SparkSession session(SweepPlan plan, Options opt) {
    return SparkSessions.build("sgdnoise " + plan.spec().name(), opt.master(), opt.ui(),
        opt.sparkConf());
  }

  /**
   * Writes one wave's replicates, matrices (when asked) and cells from the persisted combined
   * rows (evaluated once, read once per table), then unpersists them.
   */
  private static void writeWave(Dataset<Row> combined, String waveId, SweepOutput output,
      boolean matrices) {
    try {
      combined.select(functions.explode(functions.col(SparkTables.REPLICATES_COLUMN))
              .as("r")).select("r.*")
          .write().mode(SaveMode.ErrorIfExists)
          .parquet(output.stagingReplicates(waveId).toString());
      if (matrices) {
        combined.select(functions.explode(functions.col(SparkTables.MATRICES_COLUMN))
                .as("m")).select("m.*")
            .write().mode(SaveMode.ErrorIfExists)
            .parquet(output.stagingMatrices(waveId).toString());
      }
      combined.drop(SparkTables.REPLICATES_COLUMN, SparkTables.MATRICES_COLUMN)
          .write().mode(SaveMode.ErrorIfExists).options(SparkTables.cellsWriteOptions())
          .parquet(output.stagingCells(waveId).toString());
    } finally {
      combined.unpersist();
    }
  }

  /** Evaluates cells lazily, one at a time, so a partition's memory does not grow with it. */
  private static final class CellResults implements Iterator<CellResult> {
    private final Iterator<Long> indices;
    private final CellSource cells;
    private final Evaluation ev;
    private int produced;

    CellResults(Iterator<Long> indices, CellSource cells, Evaluation ev) {
      this.indices = indices;
      this.cells = cells;
      this.ev = ev;
    }

    @Override
    public boolean hasNext() {
      return indices.hasNext();
    }

    @Override
    public CellResult next() {
      if (ev.faults().failFirstAttempt() && produced++ == 1
          && org.apache.spark.TaskContext.get().attemptNumber() == 0) {
        throw new IllegalStateException("fault injected by " + FAIL_FIRST_ATTEMPT);
      }
      Cell cell = cells.cell(indices.next());
      CellResult r;
      final long t0 = System.nanoTime();
      try {
        if (cell.index() == ev.faults().failCellIndex()) {
          throw new ArithmeticException("fault injected by " + FAIL_CELL_INDEX);
        }
        r = CellEvaluator.evaluate(cell);
      } catch (RuntimeException | StackOverflowError e) {
        // Divergence is never an exception: this is a bug in one cell. Record it, go on.
        if (ev.faults().failFast()) {
          throw e;
        }
        LOG.warn("cell {} ({}) failed: {}", cell.index(), cell.cellId(), e.toString());
        r = CellResult.failed(cell, e, (System.nanoTime() - t0) / 1_000_000);
        ev.failed().add(1);
      }
      ev.done().add(1);
      if (r.theory() != null && r.theory().diverges()) {
        ev.theoryDiverged().add(1);
      }
      if (r.divergedFraction() > 0) {
        ev.simDiverged().add(1);
      }
      return r;
    }
  }

  /** An iterator's values, mapped lazily. */
  private record Mapped<A, B>(Iterator<A> from, java.util.function.Function<A, B> f)
      implements Iterator<B> {
    @Override
    public boolean hasNext() {
      return from.hasNext();
    }

    @Override
    public B next() {
      return f.apply(from.next());
    }
  }

  /** What executors need to evaluate cells into rows, besides the cells. */
  private record Evaluation(String sweep, LongAccumulator done, LongAccumulator theoryDiverged,
      LongAccumulator simDiverged, LongAccumulator failed, Faults faults)
      implements java.io.Serializable {}

  /**
   * Runs cells in waves: for each wave of indices, skips the cells already in the table (when
   * resuming), evaluates the rest on executors and commits the wave. The grid and every round of
   * refinement go through here.
   */
  private static final class Waves {
    private final SparkSession spark;
    private final SweepOutput output;
    private final Options opt;
    private final SweepPlan plan;
    private final Dataset<Row> done;
    private final Evaluation ev;
    private final String runId;
    private final Progress progress;
    private final ParquetParts partWriter;
    private int wave;

    Waves(SparkSession spark, SweepOutput output, Options opt, SweepPlan plan, Dataset<Row> done,
        Evaluation ev, String runId, Progress progress) {
      this.partWriter = new ParquetParts(spark.sparkContext().hadoopConfiguration(),
          spark.conf().get("spark.sql.parquet.compression.codec", "snappy"), spark.version());
      this.spark = spark;
      this.output = output;
      this.opt = opt;
      this.plan = plan;
      this.done = done;
      this.ev = ev;
      this.runId = runId;
      this.progress = progress;
    }

    /**
     * Runs the cells at indices [start, end) of {@code cells}.
     *
     * @return false if a stop was requested before every wave ran
     */
    boolean run(long start, long end, Broadcast<? extends CellSource> cells) throws IOException {
      if (start >= plan.size()) {
        progress.expect(end - start);
      }
      final int parallelism = spark.sparkContext().defaultParallelism();
      for (long from = start; from < end; from += opt.waveSize(), wave++) {
        if (opt.stopRequested().get()) {
          return false;
        }
        long to = Math.min(end, from + opt.waveSize());
        int parts = opt.partitionsPerWave() > 0 ? opt.partitionsPerWave()
            : (int) Math.min(to - from, 4L * parallelism);
        Dataset<Long> indices = spark.range(from, to, 1, parts);
        if (done != null) {
          Dataset<Row> todo = cellIds(spark, cells, from, to, parts)
              .join(done, "cell_id", "left_anti");
          if (todo.isEmpty()) {
            continue;
          }
          indices = todo.select("cell_index").as(Encoders.LONG()).repartition(parts);
        }
        if (end - start > opt.waveSize()) {
          LOG.info("wave {}: cells [{}, {}) in {} partitions", wave, from, to, parts);
        }
        final Evaluation e = ev;
        String waveId = String.format("%s-%06d", runId, wave);
        if (!plan.spec().runsReplicates() && !plan.spec().matrices()) {
          // Theory only: each task writes its cells straight into a Parquet part (one pass,
          // no Spark rows); the replicates table gets an empty part, written here.
          partWriter.writeEmpty(output.stagingReplicates(waveId), waveId, Tables.REPLICATES,
              SparkTables.REPLICATES);
          final String dir = output.stagingCells(waveId).toString();
          final ParquetParts writer = partWriter;
          ForeachPartitionFunction<Long> write = it -> {
            org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
            writer.write(new org.apache.hadoop.fs.Path(dir), waveId, task.partitionId(),
                task.attemptNumber(), Tables.CELLS, SparkTables.CELLS,
                SparkTables.CELLS_NO_DICTIONARY, new Mapped<>(
                    new CellResults(it, cells.value(), e), r -> Tables.cellValues(e.sweep(), r)));
          };
          indices.foreachPartition(write);
        } else {
          MapPartitionsFunction<Long, Row> evaluate = it -> new Mapped<>(
              new CellResults(it, cells.value(), e), r -> SparkTables.combinedRow(e.sweep(), r));
          Dataset<Row> combined = indices
              .mapPartitions(evaluate, Encoders.row(SparkTables.COMBINED));
          writeWave(combined.persist(StorageLevel.MEMORY_AND_DISK()), waveId, output,
              plan.spec().matrices());
        }
        output.commit(waveId);
        progress.print();
      }
      return true;
    }
  }

  /**
   * How cell failures are handled, and the test-only fault injections.
   *
   * @param failFast rethrow a cell's exception (failing the task, then the sweep)
   * @param failFirstAttempt see {@link #FAIL_FIRST_ATTEMPT}
   * @param failCellIndex see {@link #FAIL_CELL_INDEX}; -1 for none
   */
  private record Faults(boolean failFast, boolean failFirstAttempt, long failCellIndex)
      implements java.io.Serializable {}

  /** Counts task attempts that failed (Spark retries them). */
  private static final class TaskFailures extends org.apache.spark.scheduler.SparkListener {
    private final java.util.concurrent.atomic.AtomicLong failed =
        new java.util.concurrent.atomic.AtomicLong();

    @Override
    public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
      if (end.taskInfo() != null && end.taskInfo().failed()) {
        failed.incrementAndGet();
      }
    }

    long count() {
      return failed.get();
    }
  }
}
