package org.sgdnoise.spark;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.result.CellEvaluator;
import org.sgdnoise.core.result.CellResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sweep on Spark: the plan is broadcast, {@code spark.range} splits the cell indices of
 * each wave into partitions, executors decode and evaluate their cells (theory + simulations,
 * all in sweep-core), and each wave is written as Parquet to {@code <out>/<name>/replicates} and
 * then {@code <out>/<name>/cells} (append; each write is one atomic Spark job). A manifest
 * {@code _sweep.json} is written at the start (status running) and at the end (complete).
 */
public final class SweepJob {
  private static final Logger LOG = LoggerFactory.getLogger(SweepJob.class);

  /** How a run is set up. */
  public record Options(
      String master,
      String out,
      int waveSize,
      int partitionsPerWave,
      Duration progressInterval,
      boolean ui) {}

  /** What a run did. */
  public record Summary(
      long cells,
      long theoryDiverged,
      long simDiverged,
      Duration elapsed,
      OutputLayout layout) {}

  private SweepJob() {}

  public static Summary run(SweepPlan plan, Options opt, PrintStream out) {
    OutputLayout layout = OutputLayout.of(opt.out(), plan.spec().name());
    Instant started = Instant.now();
    SparkSession spark = session(plan, opt);
    try {
      FileSystem fs = layout.fileSystem(spark.sparkContext().hadoopConfiguration());
      Manifest.write(fs, layout, plan, opt.master(), started, null, null);

      LongAccumulator done = spark.sparkContext().longAccumulator("cells done");
      LongAccumulator thDiv = spark.sparkContext().longAccumulator("theory diverged");
      LongAccumulator simDiv = spark.sparkContext().longAccumulator("simulation diverged");
      Broadcast<SweepPlan> bplan = spark.sparkContext().broadcast(plan,
          scala.reflect.ClassTag$.MODULE$.apply(SweepPlan.class));
      final String sweep = plan.spec().name();
      int parallelism = spark.sparkContext().defaultParallelism();

      try (Progress progress = new Progress(sweep, plan.size(), done, thDiv, simDiv, out,
          opt.progressInterval())) {
        for (long start = 0; start < plan.size(); start += opt.waveSize()) {
          long end = Math.min(plan.size(), start + opt.waveSize());
          int parts = opt.partitionsPerWave() > 0 ? opt.partitionsPerWave()
              : (int) Math.min(end - start, 4L * parallelism);
          if (plan.size() > opt.waveSize()) {
            LOG.info("wave: cells [{}, {}) in {} partitions", start, end, parts);
          }
          MapPartitionsFunction<Long, Row> evaluate = indices ->
              new CellRows(indices, bplan.value(), sweep, done, thDiv, simDiv);
          Dataset<Row> combined = spark.range(start, end, 1, parts)
              .mapPartitions(evaluate, Encoders.row(SparkTables.COMBINED))
              .persist(StorageLevel.MEMORY_AND_DISK());
          try {
            combined.select(functions.explode(functions.col(SparkTables.REPLICATES_COLUMN))
                    .as("r")).select("r.*")
                .write().mode(SaveMode.Append).parquet(layout.replicates().toString());
            combined.drop(SparkTables.REPLICATES_COLUMN)
                .write().mode(SaveMode.Append).parquet(layout.cells().toString());
          } finally {
            combined.unpersist();
          }
          progress.print();
        }
      }
      Instant finished = Instant.now();
      Summary summary = new Summary(done.value(), thDiv.value(), simDiv.value(),
          Duration.between(started, finished), layout);
      Manifest.write(fs, layout, plan, opt.master(), started, finished, summary);
      return summary;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      spark.stop();
    }
  }

  static SparkSession session(SweepPlan plan, Options opt) {
    SparkSession.Builder b = SparkSession.builder()
        .appName("sgdnoise " + plan.spec().name())
        .master(opt.master())
        .config("spark.ui.enabled", opt.ui())
        .config("spark.ui.showConsoleProgress", false)
        .config("spark.sql.shuffle.partitions", 8)
        // Keep FileOutputCommitter algorithm v1: v2 can expose a failed task's files.
        .config("spark.hadoop.mapreduce.fileoutputcommitter.algorithm.version", 1)
        .config("spark.sql.parquet.compression.codec", "snappy")
        .config("spark.sql.debug.maxToStringFields", 500);
    if (opt.master().startsWith("local")) {
      // A laptop run talks only to itself.
      b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    SparkSession spark = b.getOrCreate();
    return spark;
  }

  /** Evaluates cells lazily, one at a time, so a partition's memory does not grow with it. */
  private static final class CellRows implements Iterator<Row> {
    private final Iterator<Long> indices;
    private final SweepPlan plan;
    private final String sweep;
    private final LongAccumulator done;
    private final LongAccumulator theoryDiverged;
    private final LongAccumulator simDiverged;

    CellRows(Iterator<Long> indices, SweepPlan plan, String sweep, LongAccumulator done,
        LongAccumulator theoryDiverged, LongAccumulator simDiverged) {
      this.indices = indices;
      this.plan = plan;
      this.sweep = sweep;
      this.done = done;
      this.theoryDiverged = theoryDiverged;
      this.simDiverged = simDiverged;
    }

    @Override
    public boolean hasNext() {
      return indices.hasNext();
    }

    @Override
    public Row next() {
      CellResult r = CellEvaluator.evaluate(plan.cell(indices.next()));
      done.add(1);
      if (r.theory().diverges()) {
        theoryDiverged.add(1);
      }
      if (r.divergedFraction() > 0) {
        simDiverged.add(1);
      }
      return SparkTables.combinedRow(sweep, r);
    }
  }
}
