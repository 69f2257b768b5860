package org.sgdnoise.spark.analysis;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.sgdnoise.core.analysis.AnalysisTables;
import org.sgdnoise.core.analysis.AnalysisTables.AgreementRow;
import org.sgdnoise.core.analysis.AnalysisTables.BoundaryRow;
import org.sgdnoise.core.analysis.AnalysisTables.Comparison;
import org.sgdnoise.core.analysis.AnalysisTables.GammaStarRow;
import org.sgdnoise.core.analysis.AnalysisTables.Slice;
import org.sgdnoise.core.analysis.AnalysisTables.SummaryRow;
import org.sgdnoise.core.analysis.Agreement;
import org.sgdnoise.core.analysis.AxisScale;
import org.sgdnoise.core.analysis.Boundary;
import org.sgdnoise.core.analysis.GammaStarGrid;
import org.sgdnoise.core.analysis.Slices;
import org.sgdnoise.spark.OutputLayout;
import org.sgdnoise.spark.SparkSessions;
import org.sgdnoise.spark.SparkTables;
import org.sgdnoise.spark.SweepRefusedException;

/**
 * The analysis of a sweep's {@code cells} table: {@code boundaries} along an axis, {@code
 * gamma_star} over the weight decay (l2), {@code agreement} of simulation with every prediction
 * per cell, and its {@code agreement_summary} per kind. The maths is sweep-core's ({@code
 * org.sgdnoise.core.analysis}); here Spark groups the cells into slices ({@code groupBy} on the
 * fixed parameters, collecting only the few columns a slice needs), the executors analyse each
 * slice, and the four tables are written beside {@code cells}.
 *
 * <p>Writes are atomic per table: all four are written into {@code <sweep>/_analysis_staging/}
 * first (readers skip {@code _} paths), and only when all four are complete is each moved into
 * place, replacing the previous analysis (the old folder is renamed away, the new one renamed
 * in, the old one deleted). A crashed analysis leaves only a staging folder, removed by the next.
 */
public final class AnalysisJob {
  public static final String BOUNDARIES = "boundaries";
  public static final String GAMMA_STAR = "gamma_star";
  public static final String AGREEMENT = "agreement";
  public static final String AGREEMENT_SUMMARY = "agreement_summary";
  /** The tables, in writing order. */
  public static final List<String> TABLES =
      List.of(BOUNDARIES, GAMMA_STAR, AGREEMENT, AGREEMENT_SUMMARY);
  /** A simulated cell counts as divergent when at least this fraction of replicates diverged. */
  public static final double SIM_DIVERGED_FRACTION = 0.5;

  private static final String STAGING = "_analysis_staging";
  private static final StructType BOUNDARIES_SCHEMA =
      SparkTables.schema(AnalysisTables.BOUNDARIES);
  private static final StructType GAMMA_STAR_SCHEMA =
      SparkTables.schema(AnalysisTables.GAMMA_STAR);
  private static final StructType AGREEMENT_SCHEMA = SparkTables.schema(AnalysisTables.AGREEMENT);
  private static final StructType SUMMARY_SCHEMA =
      SparkTables.schema(AnalysisTables.AGREEMENT_SUMMARY);

  private AnalysisJob() {}

  /**
   * What an analysis found.
   *
   * @param slices boundaries rows
   * @param theoryBracketed slices whose theory boundary is bracketed
   * @param simSlices slices with simulation verdicts
   * @param simBracketed slices whose simulation boundary is bracketed
   * @param gammaStarSlices gamma_star rows (0 unless l2, logistic or mlp)
   * @param gammaStarNegative of which γ* is negative: the exact γ* (l2), γ* by the measured test
   *     accuracy (logistic and mlp)
   * @param agreementRows agreement rows
   * @param within2 agreement rows with |z| ≤ 2, over those with a z (NaN if none)
   * @param summaryRows agreement_summary rows
   */
  public record Summary(String axis, boolean axisLog, long slices, long theoryBracketed,
      long simSlices, long simBracketed, long gammaStarSlices, long gammaStarNegative,
      long agreementRows, double within2, long summaryRows, Map<String, String> tables) {}

  /** The folder of an analysis table beside {@code cells}. */
  public static Path table(OutputLayout layout, String name) {
    return new Path(layout.sweep(), name);
  }

  /** Runs the analysis in its own Spark session (stopped at the end). */
  public static Summary run(String master, Map<String, String> sparkConf, OutputLayout layout,
      String axis) {
    check(layout, axis, new org.apache.hadoop.conf.Configuration());
    SparkSession spark = SparkSessions.build("sgdnoise analyze " + layout.sweep().getName(),
        master, false, sparkConf);
    try {
      return run(spark, layout, axis);
    } finally {
      spark.stop();
    }
  }

  /**
   * Analyses {@code <sweep>/cells} along {@code axis} and writes the four tables.
   *
   * @throws SweepRefusedException for an unknown axis, an axis without values, or no cells table
   *     (nothing written)
   */
  public static Summary run(SparkSession spark, OutputLayout layout, String axis) {
    try {
      FileSystem fs = check(layout, axis, spark.sparkContext().hadoopConfiguration());
      Dataset<Row> cells = spark.read().parquet(layout.cells().toString());
      // Step 1: which parameters vary (slice names), and the axis's values (its scale).
      Column[] counts = countDistinct(Slices.PARAMETERS);
      Row distinct = cells.agg(counts[0], java.util.Arrays.copyOfRange(counts, 1, counts.length))
          .first();
      Set<String> varying = new HashSet<>();
      for (int i = 0; i < Slices.PARAMETERS.size(); i++) {
        if (distinct.getLong(i) > 1) {
          varying.add(Slices.PARAMETERS.get(i));
        }
      }
      if (distinct.getLong(Slices.PARAMETERS.indexOf(axis)) == 0) {
        throw new SweepRefusedException("Cannot analyze sweep '" + layout.sweep().getName()
            + "' along axis '" + axis + "': no cell has a value of " + axis + " (choose a"
            + " parameter of this sweep with --axis): " + axis);
      }
      List<Row> axisValues = cells.select(col(axis).cast("double").as("x"))
          .where(col("x").isNotNull()).distinct().collectAsList();
      double[] values = new double[axisValues.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = axisValues.get(i).getDouble(0);
      }
      final boolean log = AxisScale.isLog(values);

      // Step 2: the tables, staged.
      Path staging = new Path(layout.sweep(), STAGING);
      fs.delete(staging, true);
      write(boundaries(cells, axis, log, varying), staging, BOUNDARIES);
      write(gammaStar(cells, varying), staging, GAMMA_STAR);
      Dataset<Row> agreement = agreement(cells);
      write(agreement, staging, AGREEMENT);
      Dataset<Row> staged = spark.read().parquet(new Path(staging, AGREEMENT).toString());
      write(summary(staged), staging, AGREEMENT_SUMMARY);

      // Step 3: move them in.
      Map<String, String> tables = new LinkedHashMap<>();
      for (String t : TABLES) {
        Path target = table(layout, t);
        Path old = new Path(staging, "_old_" + t);
        if (fs.exists(target) && !fs.rename(target, old)) {
          throw new IOException("Cannot replace analysis table: rename failed: " + target);
        }
        if (!fs.rename(new Path(staging, t), target)) {
          throw new IOException("Cannot move analysis table into place: rename failed: "
              + target);
        }
        tables.put(t, layout.display(fs, target));
      }
      fs.delete(staging, true);
      return summarize(spark, layout, axis, log, tables);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Refuses an unknown axis or a sweep folder without a cells table; returns the filesystem. */
  private static FileSystem check(OutputLayout layout, String axis,
      org.apache.hadoop.conf.Configuration conf) {
    try {
      Slices.checkAxis(axis);
    } catch (IllegalArgumentException e) {
      throw new SweepRefusedException(e.getMessage());
    }
    try {
      FileSystem fs = layout.fileSystem(conf);
      FileStatus[] parts = fs.exists(layout.cells())
          ? fs.globStatus(new Path(layout.cells(), "*.parquet")) : null;
      if (parts == null || parts.length == 0) {
        throw new SweepRefusedException("Cannot analyze: no cells table (expected Parquet files"
            + " in <out>/<name>/cells; give the sweep folder a run wrote): "
            + layout.display(fs, layout.sweep()));
      }
      return fs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Column[] countDistinct(List<String> names) {
    Column[] out = new Column[names.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = functions.countDistinct(col(names.get(i)));
    }
    return out;
  }

  private static Column[] columns(List<String> names) {
    return names.stream().map(functions::col).toArray(Column[]::new);
  }

  /** One row per slice along {@code axis}. */
  private static Dataset<Row> boundaries(Dataset<Row> cells, String axis, boolean log,
      Set<String> varying) {
    Dataset<Row> grouped = bySlice(cells.where(col(axis).isNotNull()), axis,
        functions.struct(col(axis).cast("double"), col("theory_diverges"),
            col("sim_diverged_fraction")),
        functions.first(col("theory_critical_lr"), true).as("_critical"),
        functions.first(col("paper_critical_lr"), true).as("_paper_critical"));
    final boolean isLr = axis.equals("lr");
    final Set<String> vary = Set.copyOf(varying);
    MapFunction<Row, Row> analyse = g -> {
      Slice slice = slice(g, axis, vary);
      List<Row> points = g.getList(g.fieldIndex("_points"));
      double[] x = new double[points.size()];
      Boolean[] theory = new Boolean[x.length];
      Boolean[] sim = new Boolean[x.length];
      for (int i = 0; i < x.length; i++) {
        Row p = points.get(i);
        x[i] = p.getDouble(0);
        theory[i] = p.isNullAt(1) ? null : p.getBoolean(1);
        sim[i] = p.isNullAt(2) ? null : p.getDouble(2) >= SIM_DIVERGED_FRACTION;
      }
      BoundaryRow row = new BoundaryRow(slice, log,
          isLr ? doubleOrNaN(g, "_critical") : Double.NaN,
          Boundary.locate(x, theory, log), Boundary.locate(x, sim, log),
          isLr ? doubleOrNaN(g, "_paper_critical") : Double.NaN);
      return RowFactory.create(AnalysisTables.values(AnalysisTables.BOUNDARIES, row));
    };
    return inOrder(grouped.map(analyse, Encoders.row(BOUNDARIES_SCHEMA)));
  }

  /**
   * One row per combination of the parameters other than weight_decay, for the l2 cells (theory
   * and simulated L_test) and the real-data cells (measured test loss and accuracy).
   */
  private static Dataset<Row> gammaStar(Dataset<Row> cells, Set<String> varying) {
    final String axis = "weight_decay";
    Dataset<Row> grouped = bySlice(cells.where(col("kind").isin("l2", "logistic", "mlp")), axis,
        functions.struct(col(axis), col("theory_diverges"), col("theory_l_test"),
            col("sim_diverged_fraction"), functions.coalesce(col("sim_l_test"),
                col("trained_test_loss")), col("trained_test_accuracy")),
        functions.first(col("theory_gamma_star"), true).as("_exact"),
        functions.first(col("theory_gamma_star_negative"), true).as("_negative"),
        functions.first(col("paper_gamma_star_negative"), true).as("_paper_negative"));
    final Set<String> vary = Set.copyOf(varying);
    MapFunction<Row, Row> analyse = g -> {
      Slice slice = slice(g, axis, vary);
      List<Row> points = g.getList(g.fieldIndex("_points"));
      double[] gamma = new double[points.size()];
      double[] theory = new double[gamma.length];
      double[] sim = new double[gamma.length];
      double[] error = new double[gamma.length];
      final boolean trained = !g.getString(g.fieldIndex("kind")).equals("l2");
      for (int i = 0; i < gamma.length; i++) {
        Row p = points.get(i);
        gamma[i] = p.getDouble(0);
        // Theory: divergent → +∞; no verdict (a failed cell) → unknown.
        theory[i] = !p.isNullAt(2) ? p.getDouble(2)
            : !p.isNullAt(1) && p.getBoolean(1) ? Double.POSITIVE_INFINITY : Double.NaN;
        // Simulation: not simulated → unknown; a diverged replicate (no estimate) → +∞.
        sim[i] = p.isNullAt(3) ? Double.NaN
            : !p.isNullAt(4) ? p.getDouble(4) : Double.POSITIVE_INFINITY;
        // Test error 1 − accuracy, the same way (real-data kinds).
        error[i] = p.isNullAt(3) ? Double.NaN
            : !p.isNullAt(5) ? 1 - p.getDouble(5) : Double.POSITIVE_INFINITY;
      }
      GammaStarRow row = new GammaStarRow(slice, GammaStarGrid.locate(gamma, theory),
          doubleOrNaN(g, "_exact"), booleanOrNull(g, "_negative"),
          booleanOrNull(g, "_paper_negative"), GammaStarGrid.locate(gamma, sim),
          trained ? GammaStarGrid.locate(gamma, error) : null);
      return RowFactory.create(AnalysisTables.values(AnalysisTables.GAMMA_STAR, row));
    };
    return inOrder(grouped.map(analyse, Encoders.row(GAMMA_STAR_SCHEMA)));
  }

  /**
   * The cells grouped into slices along {@code axis}: sweep, kind, the fixed parameters, {@code
   * _cells} (count), {@code _points} (the list of {@code point} structs), then {@code extra}.
   */
  private static Dataset<Row> bySlice(Dataset<Row> cells, String axis, Column point,
      Column... extra) {
    List<String> key = new ArrayList<>(List.of("sweep", "kind"));
    key.addAll(Slices.fixed(axis));
    Column[] rest = new Column[extra.length + 1];
    rest[0] = functions.collect_list(point).as("_points");
    System.arraycopy(extra, 0, rest, 1, extra.length);
    return cells.groupBy(columns(key)).agg(functions.count(functions.lit(1)).as("_cells"), rest);
  }

  /** One row per cell × source × quantity where both a prediction and a simulation exist. */
  private static Dataset<Row> agreement(Dataset<Row> cells) {
    Set<String> needed = new java.util.LinkedHashSet<>(
        List.of("sweep", "cell_id", "kind", "theory_tail_index", "sim_tail_index"));
    for (Comparison c : AnalysisTables.COMPARISONS) {
      needed.addAll(List.of(c.predictedColumn(), c.simulatedColumn(), c.seColumn()));
    }
    FlatMapFunction<Row, Row> compare = r -> {
      List<Row> out = new ArrayList<>();
      for (Comparison c : AnalysisTables.COMPARISONS) {
        Double predicted = r.getAs(c.predictedColumn());
        Double simulated = r.getAs(c.simulatedColumn());
        if (predicted == null || simulated == null) {
          continue;
        }
        AgreementRow row = new AgreementRow(r.getAs("sweep"), r.getAs("cell_id"),
            r.getAs("kind"), c, predicted, simulated, doubleOrNaN(r, c.seColumn()),
            doubleOrNaN(r, "theory_tail_index"), doubleOrNaN(r, "sim_tail_index"));
        out.add(RowFactory.create(AnalysisTables.values(AnalysisTables.AGREEMENT, row)));
      }
      return out.iterator();
    };
    return cells.where(col("sim_diverged_fraction").isNotNull())
        .select(columns(List.copyOf(needed))).flatMap(compare, Encoders.row(AGREEMENT_SCHEMA));
  }

  /** One row per kind × source × quantity of the agreement table. */
  private static Dataset<Row> summary(Dataset<Row> agreement) {
    Dataset<Row> grouped = agreement.groupBy("sweep", "kind", "source", "quantity").agg(
        functions.count(functions.lit(1)).as("_cells"),
        functions.collect_list(col("z")).as("_z"),
        functions.collect_list(col("rel_error")).as("_rel"));
    MapFunction<Row, Row> aggregate = g -> {
      Agreement.Summary s = Agreement.summarize(g.getLong(4), doubles(g.getList(5)),
          doubles(g.getList(6)));
      SummaryRow row = new SummaryRow(g.getString(0), g.getString(1), g.getString(2),
          g.getString(3), s);
      return RowFactory.create(AnalysisTables.values(AnalysisTables.AGREEMENT_SUMMARY, row));
    };
    return grouped.map(aggregate, Encoders.row(SUMMARY_SCHEMA)).repartition(1)
        .sortWithinPartitions("kind", "quantity", "source");
  }

  /**
   * One file (a slice table has at most a row per cell and is read whole by plots and reports),
   * rows ordered by their parameters.
   */
  private static Dataset<Row> inOrder(Dataset<Row> slices) {
    return slices.repartition(1).sortWithinPartitions(columns(Slices.PARAMETERS));
  }

  /** The slice of a grouped row: sweep, kind, the fixed parameters, _cells. */
  private static Slice slice(Row g, String axis, Set<String> varying) {
    Object[] params = new Object[Slices.PARAMETERS.size()];
    for (int i = 0; i < params.length; i++) {
      String name = Slices.PARAMETERS.get(i);
      params[i] = name.equals(axis) ? null : g.get(g.fieldIndex(name));
    }
    return new Slice(g.getAs("sweep"), g.getAs("kind"), axis,
        Slices.text(Slices.PARAMETERS, params, varying),
        Slices.id(axis, Slices.PARAMETERS, params), params,
        (int) g.getLong(g.fieldIndex("_cells")));
  }

  private static double[] doubles(List<Double> list) {
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }

  private static double doubleOrNaN(Row r, String name) {
    int i = r.fieldIndex(name);
    return r.isNullAt(i) ? Double.NaN : r.getDouble(i);
  }

  private static Boolean booleanOrNull(Row r, String name) {
    int i = r.fieldIndex(name);
    return r.isNullAt(i) ? null : r.getBoolean(i);
  }

  private static void write(Dataset<Row> table, Path staging, String name) {
    table.write().mode(SaveMode.ErrorIfExists).parquet(new Path(staging, name).toString());
  }

  /** Counts from the tables as written. */
  private static Summary summarize(SparkSession spark, OutputLayout layout, String axis,
      boolean log, Map<String, String> tables) {
    Row b = spark.read().parquet(table(layout, BOUNDARIES).toString()).agg(
        functions.count(functions.lit(1)),
        functions.count(functions.when(col("theory_status").equalTo("bracketed"), 1)),
        functions.count(col("sim_status")),
        functions.count(functions.when(col("sim_status").equalTo("bracketed"), 1))).first();
    Row g = spark.read().parquet(table(layout, GAMMA_STAR).toString()).agg(
        functions.count(functions.lit(1)),
        functions.count(functions.when(col("theory_gamma_star_negative")
            .or(col("accuracy_gamma_star_negative")), 1))).first();
    Row a = spark.read().parquet(table(layout, AGREEMENT).toString()).agg(
        functions.count(functions.lit(1)),
        functions.count(col("z")),
        functions.count(functions.when(functions.abs(col("z")).leq(2), 1))).first();
    long s = spark.read().parquet(table(layout, AGREEMENT_SUMMARY).toString()).count();
    long withZ = a.getLong(1);
    return new Summary(axis, log, b.getLong(0), b.getLong(1), b.getLong(2), b.getLong(3),
        g.getLong(0), g.getLong(1), a.getLong(0),
        withZ == 0 ? Double.NaN : (double) a.getLong(2) / withZ, s, tables);
  }
}
