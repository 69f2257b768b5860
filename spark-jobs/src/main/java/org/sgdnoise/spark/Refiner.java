package org.sgdnoise.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sgdnoise.core.plan.CellSource;
import org.sgdnoise.core.plan.RefinedCells;
import org.sgdnoise.core.plan.Refinement;
import org.sgdnoise.core.plan.Refinement.Slice;
import org.sgdnoise.core.plan.Refinement.Verdict;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.spec.Refine;

/**
 * Adaptive refinement on Spark, after the grid has run: reads each grid cell's verdict from the
 * cells table, then bisects every bracket wider than the tolerance, one round (one wave) at a
 * time, reading the new cells' verdicts back from the table. The decisions are {@link
 * Refinement}'s (sweep-core); this class only moves data.
 *
 * <p>Round r's cells are a function of the grid's and earlier rounds' verdicts only, and take
 * the indices after the grid and the earlier rounds in slice order, ascending along the axis. So
 * a rerun after a crash replays the same rounds: their cells are found in the table (the waves
 * skip them), their verdicts read back, and the run goes on from where it stopped with the same
 * cells and indices as an uninterrupted run.
 *
 * <p>The driver holds the verdicts of the slices that have a boundary (one entry per cell).
 */
final class Refiner {
  private Refiner() {}

  /** Runs cells [start, end) of a cell source in waves; false if a stop was requested. */
  @FunctionalInterface
  interface CellRange {
    boolean run(long start, long end, Broadcast<? extends CellSource> cells) throws IOException;
  }

  /**
   * @param stopped a stop was requested between rounds
   * @param report what the refinement did (up to the stop)
   */
  record Outcome(boolean stopped, Refinement.Report report) {}

  static Outcome run(SparkSession spark, Broadcast<SweepPlan> bplan, OutputLayout layout,
      CellRange cells, int parts, AtomicBoolean stop) throws IOException {
    final SweepPlan plan = bplan.value();
    final Refinement r = Refinement.of(plan);
    final Refine settings = r.settings();
    Map<Long, Slice> slices = coarse(spark, plan, r, bplan, layout, parts);

    long next = plan.size();
    int rounds = 0;
    boolean stopped = false;
    while (rounds < settings.maxRounds()) {
      List<Long> at = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      for (Map.Entry<Long, Slice> e : slices.entrySet()) {
        for (double x : r.next(e.getValue())) {
          at.add(e.getKey());
          values.add(x);
        }
      }
      if (values.isEmpty()) {
        break;
      }
      if (stop.get()) {
        stopped = true;
        break;
      }
      RefinedCells round = new RefinedCells(plan, settings.axis(), next,
          at.stream().mapToLong(Long::longValue).toArray(),
          values.stream().mapToDouble(Double::doubleValue).toArray());
      Broadcast<RefinedCells> bround = spark.sparkContext().broadcast(round,
          scala.reflect.ClassTag$.MODULE$.apply(RefinedCells.class));
      if (!cells.run(next, next + round.size(), bround)) {
        stopped = true;
        break;
      }
      rounds++;
      Verdict[] got = new Verdict[round.size()];
      java.util.Arrays.fill(got, Verdict.UNKNOWN); // not in the table: no verdict
      for (Row row : verdicts(spark, layout, settings, round)) {
        got[Math.toIntExact(row.getLong(0) - next)] = verdict(row);
      }
      for (int k = 0; k < got.length; k++) {
        slices.get(round.slices()[k]).put(round.values()[k], got[k]);
      }
      next += round.size();
    }
    long brackets = 0;
    long resolved = 0;
    for (Slice s : slices.values()) {
      for (Refinement.Bracket b : r.brackets(s)) {
        brackets++;
        resolved += b.resolved() ? 1 : 0;
      }
    }
    return new Outcome(stopped, new Refinement.Report(rounds, r.slices(), brackets, resolved,
        plan.size(), next - plan.size(), r.denseCells()));
  }

  /**
   * The grid's verdicts, for the slices whose cells do not all agree (the others hold no
   * boundary and are never refined), in slice order.
   */
  private static Map<Long, Slice> coarse(SparkSession spark, SweepPlan plan, Refinement r,
      Broadcast<SweepPlan> bplan, OutputLayout layout, int parts) {
    long[] s = plan.strideOf(r.settings().axis());
    Column index = functions.col("cell_index");
    Column slice = index.minus(functions.pmod(functions.floor(index.divide(s[0])),
        functions.lit(s[1])).multiply(s[0])).cast("long");
    Dataset<Row> grid = SweepJob.cellIds(spark, bplan, 0, plan.size(), parts)
        .join(table(spark, layout, r.settings()), "cell_id", "left")
        .withColumn("slice", slice);
    Dataset<Row> mixed = grid.groupBy("slice").agg(
            functions.count(functions.when(functions.col("far"), 1)).as("yes"),
            functions.count(functions.when(functions.not(functions.col("far")), 1)).as("no"))
        .where("yes > 0 AND no > 0").select("slice");
    Map<Long, Slice> out = new TreeMap<>();
    for (Row row : grid.join(mixed, "slice", "left_semi").select("cell_index", "far")
        .collectAsList()) {
      long i = row.getLong(0);
      out.computeIfAbsent(r.sliceOf(i), k -> new Slice()).put(r.valueOf(i), verdict(row));
    }
    return out;
  }

  /**
   * (cell_index, far) of a round's cells, from the cells table. The round is small (one cell
   * per open bracket): its ids are made in the driver and broadcast into the join, so reading
   * the verdicts back is one scan of the table's two columns, without a shuffle.
   */
  private static List<Row> verdicts(SparkSession spark, OutputLayout layout, Refine settings,
      RefinedCells round) {
    List<Row> ids = new ArrayList<>(round.size());
    for (long i = round.first(); i < round.first() + round.size(); i++) {
      ids.add(RowFactory.create(i, round.cell(i).cellId()));
    }
    return table(spark, layout, settings)
        .join(functions.broadcast(spark.createDataFrame(ids, SweepJob.INDEX_IDS)), "cell_id")
        .select("cell_index", "far").collectAsList();
  }

  /** (cell_id, far) of the cells table: far is the verdict, null when unknown. */
  private static Dataset<Row> table(SparkSession spark, OutputLayout layout, Refine settings) {
    Column nullVerdict = functions.lit(null).cast("boolean");
    Column far = switch (settings.boundary()) {
      case DIVERGENCE -> settings.source() == Refine.Source.THEORY
          ? functions.col("theory_diverges")
          : unknownIfMissing("sim_diverged_fraction", nullVerdict,
              functions.col("sim_diverged_fraction").geq(0.5));
      case GAMMA_STAR_SIGN -> unknownIfMissing("theory_gamma_star", nullVerdict,
          functions.col("theory_gamma_star").lt(0));
    };
    return spark.read().parquet(layout.cells().toString())
        .select(functions.col("cell_id"), far.as("far"));
  }

  private static Column unknownIfMissing(String column, Column unknown, Column verdict) {
    Column c = functions.col(column);
    return functions.when(c.isNull().or(functions.isnan(c)), unknown).otherwise(verdict);
  }

  private static Verdict verdict(Row row) {
    return Verdict.of(row.isNullAt(1) ? null : row.getBoolean(1));
  }
}
