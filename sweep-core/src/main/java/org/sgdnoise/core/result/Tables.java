package org.sgdnoise.core.result;

import static org.sgdnoise.core.result.Column.Type.BOOLEAN;
import static org.sgdnoise.core.result.Column.Type.DOUBLE;
import static org.sgdnoise.core.result.Column.Type.INT;
import static org.sgdnoise.core.result.Column.Type.LONG;
import static org.sgdnoise.core.result.Column.Type.STRING;

import java.util.ArrayList;
import java.util.List;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.sim.Estimate;
import org.sgdnoise.core.sim.ReplicateResult;
import org.sgdnoise.core.theory.HessianBaselines;
import org.sgdnoise.core.theory.Prediction;

/**
 * The result tables' schemas: every column, in order, with its meaning and how to read it.
 * {@code docs/schema.md} documents the same columns (a test keeps the two in step). Values are
 * Java boxed primitives or {@code null}; NaN never reaches a table (it becomes null).
 */
public final class Tables {
  /** Bumped when a column is added, removed or changes meaning. */
  public static final int SCHEMA_VERSION = 2;

  private Tables() {}

  /** A cells-table row: the sweep name and the cell's result. */
  public record CellRow(String sweep, CellResult r) {
    Cell c() {
      return r.cell();
    }
  }

  /** A replicates-table row. */
  public record ReplicateRow(String sweep, Cell cell, ReplicateResult rep) {}

  public static final List<Column<CellRow>> CELLS = cellColumns();
  public static final List<Column<ReplicateRow>> REPLICATES = replicateColumns();

  /** The cells-table row as values in {@link #CELLS} order. */
  public static Object[] cellValues(String sweep, CellResult r) {
    CellRow row = new CellRow(sweep, r);
    Object[] out = new Object[CELLS.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = CELLS.get(i).get().apply(row);
    }
    return out;
  }

  /** The replicates-table rows of a cell, values in {@link #REPLICATES} order. */
  public static List<Object[]> replicateValues(String sweep, CellResult r) {
    List<Object[]> rows = new ArrayList<>();
    for (ReplicateResult rep : r.replicates()) {
      ReplicateRow row = new ReplicateRow(sweep, r.cell(), rep);
      Object[] out = new Object[REPLICATES.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = REPLICATES.get(i).get().apply(row);
      }
      rows.add(out);
    }
    return rows;
  }

  /** A Markdown table documenting {@code columns} (docs/schema.md holds these verbatim). */
  public static String markdown(List<? extends Column<?>> columns) {
    StringBuilder sb = new StringBuilder("| column | type | nullable | unit | meaning |\n");
    sb.append("|---|---|---|---|---|\n");
    for (Column<?> c : columns) {
      sb.append("| `").append(c.name()).append("` | ").append(c.type().name().toLowerCase(
          java.util.Locale.ROOT)).append(" | ").append(c.nullable() ? "yes" : "no").append(" | ")
          .append(c.unit().isEmpty() ? "–" : c.unit()).append(" | ").append(c.doc())
          .append(" |\n");
    }
    return sb.toString();
  }

  private static List<Column<CellRow>> cellColumns() {
    List<Column<CellRow>> c = new ArrayList<>();
    c.add(Column.of("sweep", STRING, false, "", "sweep name (the sweep file's name)",
        CellRow::sweep));
    c.add(Column.of("cell_id", STRING, false, "", "content id of the cell: 32 hex digits of"
        + " SHA-256 over its canonical parameters (same cell, same id, in any sweep)",
        row -> row.c().cellId()));
    c.add(Column.of("cell_index", LONG, false, "", "position of the cell in this sweep's plan",
        row -> row.c().index()));
    c.add(Column.of("kind", STRING, false, "", "problem kind, e.g. label_noise",
        row -> row.c().kind().yamlName()));
    c.add(Column.of("lr", DOUBLE, false, "", "learning rate λ", row -> row.c().lr()));
    c.add(Column.of("batch", INT, false, "samples", "minibatch size S",
        row -> row.c().batch()));
    c.add(Column.of("momentum", DOUBLE, false, "", "heavy-ball momentum μ",
        row -> row.c().momentum()));
    c.add(Column.of("weight_decay", DOUBLE, false, "", "weight decay γ (0 for label_noise)",
        row -> row.c().weightDecay()));
    c.add(Column.of("dim", INT, false, "", "dimension D (length of the spectrum)",
        row -> row.c().dim()));
    c.add(Column.of("n", INT, true, "samples", "data set size N in dataset mode; null otherwise",
        row -> row.c().n() > 0 ? row.c().n() : null));
    c.add(Column.of("alpha", DOUBLE, true, "", "α = N/D when the sweep file gave alpha; null"
        + " otherwise", row -> nan(row.c().alpha())));
    c.add(Column.of("label_noise_var", DOUBLE, false, "", "label-noise variance σ²",
        row -> row.c().labelNoiseVar()));
    c.add(Column.of("a_max", DOUBLE, false, "", "largest eigenvalue of the feature covariance A",
        row -> row.c().aMax()));
    c.add(Column.of("a_trace", DOUBLE, false, "", "Tr A", row -> row.c().aTrace()));
    c.add(Column.of("spectrum", STRING, false, "", "eigenvalues of A, as text [a1, a2, ...]",
        row -> row.c().spectrumText()));
    c.add(Column.of("sim_mode", STRING, false, "", "simulation mode: none, streaming or dataset",
        row -> row.c().simulate().mode().yamlName()));
    c.add(Column.of("sampling", STRING, true, "", "minibatch sampling in dataset mode"
        + " (with_replacement or without_replacement); null otherwise",
        row -> row.c().n() > 0 ? row.c().simulate().sampling().yamlName() : null));
    c.add(Column.of("steps", LONG, false, "steps", "SGD steps per replicate, burn-in included"
        + " (0 without simulation)", row -> row.c().simulate().steps()));
    c.add(Column.of("burn_in", LONG, false, "steps", "steps discarded before measuring",
        row -> row.c().simulate().burnIn()));
    c.add(Column.of("replicates", INT, false, "", "independent SGD chains per cell",
        row -> row.c().simulate().replicates()));
    c.add(Column.of("seed", LONG, false, "", "the sweep seed (replicate seeds derive from it,"
        + " the cell id and the replicate number)", row -> row.c().seed()));
    c.add(Column.of("theory_trace_sigma", DOUBLE, true, "", "Tr Σ, the trace of the stationary"
        + " covariance of w (Theorem 2); null if the theory diverges",
        row -> theory(row, Prediction::traceSigma)));
    c.add(Column.of("theory_tr_a_sigma", DOUBLE, true, "", "Tr[AΣ] = σ²κ_μ/S; null if the"
        + " theory diverges", row -> theory(row, Prediction::trASigma)));
    c.add(Column.of("theory_kappa", DOUBLE, true, "", "κ_μ = t/(1 − t/S), t = Tr[ΛA G_μ⁻¹]"
        + " (learning rate inside); null if the theory diverges",
        row -> theory(row, Prediction::kappa)));
    c.add(Column.of("theory_l_train", DOUBLE, true, "loss", "stationary training loss"
        + " ½Tr[AΣ] + ½σ² (Theorem 8); null if the theory diverges",
        row -> theory(row, Prediction::lTrain)));
    c.add(Column.of("theory_l_test", DOUBLE, true, "loss", "stationary test loss ½Tr[AΣ]"
        + " (Theorem 8); null if the theory diverges",
        row -> theory(row, Prediction::lTest)));
    c.add(Column.of("theory_diverges", BOOLEAN, true, "", "true when no stationary second"
        + " moment exists (some eigenvalue of G_μ ≤ 0, or t ≥ S); null only if the cell failed",
        row -> row.r().theory() == null ? null : row.r().theory().diverges()));
    c.add(Column.of("theory_critical_lr", DOUBLE, true, "", "λ_c: the cell is stable iff"
        + " lr < λ_c, other parameters fixed; null only if the cell failed",
        row -> nan(row.r().criticalLr())));
    c.add(Column.of("theory_tail_index", DOUBLE, true, "", "exact (Kesten) tail index β of the"
        + " stationary law: root of E|1 − (aλ/S)χ²_S|^β = 1; moments of order ≥ β are infinite."
        + " 1-d and μ = 0 only; null otherwise or when no stationary law exists; +∞ above 1000",
        row -> tails(row, CellResult.Tails::kesten)));
    c.add(Column.of("paper_tail_index", DOUBLE, true, "", "Proposition 7 as printed,"
        + " 2S/(aλ) − S (exact only at β = 2); 1-d and μ = 0 only",
        row -> tails(row, CellResult.Tails::paper)));
    c.add(Column.of("baseline_cts_tail_index", DOUBLE, true, "", "continuous-time tail index"
        + " 2S/(aλ) + 1 (Mori et al. 2021); 1-d and μ = 0 only",
        row -> tails(row, CellResult.Tails::continuousTime)));
    addBaseline(c, "cts", 0, "continuous-time Hessian approximation C ≈ A/S (Appendix B); never"
        + " diverges");
    addBaseline(c, "dt", 1, "discrete-time Hessian approximation C ≈ A/S (Appendix B)");
    c.add(Column.of("baseline_dt_diverges", BOOLEAN, true, "", "the discrete-time Hessian"
        + " approximation diverges (λ·a_max ≥ 2); μ = 0 only",
        row -> row.r().baselines() == null ? null : row.r().baselines()[1].diverges()));
    c.add(Column.of("sim_trace_sigma", DOUBLE, true, "", "simulated Tr Σ after burn-in, pooled"
        + " over replicates; null without simulation or if any replicate diverged",
        row -> nan(row.r().traceSigma().mean())));
    c.add(Column.of("sim_trace_sigma_se", DOUBLE, true, "", "its standard error (batch means)",
        row -> nan(row.r().traceSigma().se())));
    c.add(Column.of("sim_l_train", DOUBLE, true, "loss", "simulated training loss (mean"
        + " minibatch loss at the pre-step iterate)", row -> nan(row.r().lTrain().mean())));
    c.add(Column.of("sim_l_train_se", DOUBLE, true, "loss", "its standard error (batch means)",
        row -> nan(row.r().lTrain().se())));
    c.add(Column.of("sim_l_test", DOUBLE, true, "loss", "simulated test loss ½(w−u)ᵀA(w−u)",
        row -> nan(row.r().lTest().mean())));
    c.add(Column.of("sim_l_test_se", DOUBLE, true, "loss", "its standard error (batch means)",
        row -> nan(row.r().lTest().se())));
    c.add(Column.of("sim_diverged_fraction", DOUBLE, true, "", "fraction of replicates whose"
        + " iterate became non-finite or ran away; null without simulation",
        row -> nan(row.r().divergedFraction())));
    c.add(Column.of("sim_first_diverged_step", LONG, true, "steps", "earliest step at which a"
        + " replicate diverged; null if none did", row -> {
          long s = row.r().firstDivergedStep();
          return s < 0 ? null : s;
        }));
    c.add(Column.of("error", STRING, true, "", "null, or why the cell could not be computed"
        + " (an exception: a bug, never divergence); its result columns are then null",
        row -> row.r().error()));
    c.add(Column.of("wall_ms", LONG, false, "ms", "wall-clock time to compute the cell"
        + " (theory and all replicates); the only column that varies between identical runs",
        row -> row.r().wallMs()));
    c.add(Column.of("schema_version", INT, false, "", "version of this table's schema",
        row -> SCHEMA_VERSION));
    return List.copyOf(c);
  }

  private static List<Column<ReplicateRow>> replicateColumns() {
    List<Column<ReplicateRow>> c = new ArrayList<>();
    c.add(Column.of("sweep", STRING, false, "", "sweep name", ReplicateRow::sweep));
    c.add(Column.of("cell_id", STRING, false, "", "the cell (joins cells.cell_id)",
        row -> row.cell().cellId()));
    c.add(Column.of("replicate", INT, false, "", "replicate number, from 0",
        row -> row.rep().replicate()));
    c.add(Column.of("replicate_seed", LONG, false, "", "the replicate's derived seed",
        row -> row.rep().seed()));
    c.add(Column.of("diverged", BOOLEAN, false, "", "the iterate became non-finite or ran away",
        row -> row.rep().diverged()));
    c.add(Column.of("diverged_step", LONG, true, "steps", "step at which it diverged; null if"
        + " it did not", row -> row.rep().diverged() ? row.rep().divergedStep() : null));
    c.add(Column.of("steps_run", LONG, false, "steps", "steps actually run",
        row -> row.rep().stepsRun()));
    addEstimate(c, "trace_sigma", "", "Tr Σ of this chain after burn-in", r -> r.traceSigma());
    addEstimate(c, "l_train", "loss", "training loss of this chain", r -> r.lTrain());
    addEstimate(c, "l_test", "loss", "test loss of this chain", r -> r.lTest());
    c.add(Column.of("wall_ms", LONG, false, "ms", "wall-clock time of this chain",
        row -> row.rep().wallMs()));
    c.add(Column.of("schema_version", INT, false, "", "version of this table's schema",
        row -> SCHEMA_VERSION));
    return List.copyOf(c);
  }

  private static void addEstimate(List<Column<ReplicateRow>> c, String name, String unit,
      String doc, java.util.function.Function<ReplicateResult, Estimate> get) {
    c.add(Column.of(name, DOUBLE, true, unit, doc + "; null if it diverged",
        row -> nan(get.apply(row.rep()).mean())));
    c.add(Column.of(name + "_se", DOUBLE, true, unit, "its standard error (batch means)",
        row -> nan(get.apply(row.rep()).se())));
  }

  private static void addBaseline(List<Column<CellRow>> c, String name, int which,
      String what) {
    String tail = "; μ = 0 only (as in the paper); null where it diverges";
    c.add(Column.of("baseline_" + name + "_trace_sigma", DOUBLE, true, "", "Tr Σ by the " + what
        + tail, row -> baseline(row, which, HessianBaselines.Baseline::traceSigma)));
    c.add(Column.of("baseline_" + name + "_l_train", DOUBLE, true, "loss", "training loss by"
        + " the " + what + tail,
        row -> baseline(row, which, HessianBaselines.Baseline::lTrain)));
    c.add(Column.of("baseline_" + name + "_l_test", DOUBLE, true, "loss", "test loss by the "
        + what + tail, row -> baseline(row, which, HessianBaselines.Baseline::lTest)));
  }

  private static Double baseline(CellRow row, int which,
      java.util.function.ToDoubleFunction<HessianBaselines.Baseline> get) {
    HessianBaselines.Baseline[] b = row.r().baselines();
    return b == null ? null : nan(get.applyAsDouble(b[which]));
  }

  private static Double tails(CellRow row,
      java.util.function.ToDoubleFunction<CellResult.Tails> get) {
    CellResult.Tails t = row.r().tails();
    return t == null ? null : nan(get.applyAsDouble(t));
  }

  private static Double theory(CellRow row,
      java.util.function.ToDoubleFunction<Prediction> get) {
    return row.r().theory() == null ? null : nan(get.applyAsDouble(row.r().theory()));
  }

  private static Double nan(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
