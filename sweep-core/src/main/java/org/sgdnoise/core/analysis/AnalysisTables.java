package org.sgdnoise.core.analysis;

import static org.sgdnoise.core.result.Column.Type.BOOLEAN;
import static org.sgdnoise.core.result.Column.Type.DOUBLE;
import static org.sgdnoise.core.result.Column.Type.INT;
import static org.sgdnoise.core.result.Column.Type.LONG;
import static org.sgdnoise.core.result.Column.Type.STRING;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.sgdnoise.core.result.Column;
import org.sgdnoise.core.result.Tables;

/**
 * The analysis tables' schemas ({@code boundaries}, {@code gamma_star}, {@code agreement},
 * {@code agreement_summary}), in the style of {@link Tables}: every column, in order, with its
 * meaning and how to read it from a row record. docs/schema.md documents the same columns.
 */
public final class AnalysisTables {
  private AnalysisTables() {}

  /**
   * One slice: the cells with equal parameters except the axis.
   *
   * @param text see {@link Slices#text}
   * @param id see {@link Slices#id}
   * @param params values of {@link Slices#PARAMETERS} in that order, the axis entry null
   */
  public record Slice(String sweep, String kind, String axis, String text, String id,
      Object[] params, int cells) {}

  /** A boundaries row: the slice's theory and simulation brackets (null: no verdicts). */
  public record BoundaryRow(Slice slice, boolean axisLog, double theoryCritical,
      Boundary.Bracket theory, Boundary.Bracket sim, double paperCritical) {}

  /**
   * A gamma_star row: γ* of the slice's theory and simulated L_test grids, and for the real-data
   * kinds of its measured test loss ({@code sim}) and test error ({@code accuracy}); null: no
   * values.
   */
  public record GammaStarRow(Slice slice, GammaStarGrid.Result theory, double theoryExact,
      Boolean theoryNegative, Boolean paperNegative, GammaStarGrid.Result sim,
      GammaStarGrid.Result accuracy) {}

  /** An agreement row: one cell, one source, one quantity. */
  public record AgreementRow(String sweep, String cellId, String kind, Comparison comparison,
      double predicted, double simulated, double se, double theoryTailIndex,
      double simTailIndex) {}

  /** An agreement_summary row. */
  public record SummaryRow(String sweep, String kind, String source, String quantity,
      Agreement.Summary s) {}

  /**
   * A prediction compared with the simulation: cells column {@code <source>_<quantity>} against
   * {@code sim_<quantity>} ± {@code sim_<quantity>_se}.
   */
  public record Comparison(String source, String quantity) implements java.io.Serializable {
    public String predictedColumn() {
      return source + "_" + quantity;
    }

    public String simulatedColumn() {
      return "sim_" + quantity;
    }

    public String seColumn() {
      return "sim_" + quantity + "_se";
    }
  }

  /** The sources compared with the simulation. */
  public static final List<String> SOURCES =
      List.of("theory", "theory_finite", "paper", "baseline_cts", "baseline_dt");
  /** The simulated quantities. */
  public static final List<String> QUANTITIES =
      List.of("trace_sigma", "l_train", "l_test", "trace_noise");

  /** Every source × quantity whose prediction is a cells column. */
  public static final List<Comparison> COMPARISONS = comparisons();

  public static final List<Column<BoundaryRow>> BOUNDARIES = boundaryColumns();
  public static final List<Column<GammaStarRow>> GAMMA_STAR = gammaStarColumns();
  public static final List<Column<AgreementRow>> AGREEMENT = agreementColumns();
  public static final List<Column<SummaryRow>> AGREEMENT_SUMMARY = summaryColumns();

  /** A row's values in column order. */
  public static <T> Object[] values(List<Column<T>> columns, T row) {
    Object[] out = new Object[columns.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = columns.get(i).get().apply(row);
    }
    return out;
  }

  private static List<Comparison> comparisons() {
    List<String> cells = Tables.CELLS.stream().map(Column::name).toList();
    List<Comparison> out = new ArrayList<>();
    for (String source : SOURCES) {
      for (String quantity : QUANTITIES) {
        Comparison c = new Comparison(source, quantity);
        if (cells.contains(c.predictedColumn())) {
          out.add(c);
        }
      }
    }
    return List.copyOf(out);
  }

  private static List<Column<BoundaryRow>> boundaryColumns() {
    List<Column<BoundaryRow>> c = new ArrayList<>();
    addSlice(c, BoundaryRow::slice, true);
    c.add(col("axis_log", BOOLEAN, false, "", "the axis grid is geometric (boundaries are"
        + " geometric means) rather than arithmetic (midpoints); docs/analysis.md",
        BoundaryRow::axisLog));
    c.add(col("theory_critical", DOUBLE, true, "", "the exact critical value when the axis is"
        + " lr: theory_critical_lr of the slice's cells (it does not depend on lr); null"
        + " otherwise", r -> nan(r.theoryCritical())));
    addBracket(c, "theory", "theory_diverges", BoundaryRow::theory);
    addBracket(c, "sim", "sim_diverged_fraction ≥ 0.5", BoundaryRow::sim);
    c.add(col("paper_critical", DOUBLE, true, "", "paper_critical_lr of the slice when the axis"
        + " is lr and the kind has a printed condition; null otherwise",
        r -> nan(r.paperCritical())));
    c.add(version());
    return List.copyOf(c);
  }

  private static List<Column<GammaStarRow>> gammaStarColumns() {
    List<Column<GammaStarRow>> c = new ArrayList<>();
    addSlice(c, GammaStarRow::slice, false);
    c.add(col("theory_gamma_star_grid", DOUBLE, true, "", "γ* read off the slice's theory_l_test"
        + " over the weight_decay grid: the least value, refined by the parabola through it and"
        + " its neighbours when both are finite (divergent cells count as +∞); null if all"
        + " diverge", r -> grid(r.theory(), GammaStarGrid.Result::gammaStar)));
    c.add(col("theory_gamma_star", DOUBLE, true, "", "the exact γ* of the cells"
        + " (theory_gamma_star, equal across the slice); null where no γ is stable",
        r -> nan(r.theoryExact())));
    c.add(col("theory_gamma_star_negative", BOOLEAN, true, "", "the exact γ* < 0 (the cells'"
        + " theory_gamma_star_negative, Corollary 1 corrected)", GammaStarRow::theoryNegative));
    c.add(col("theory_gamma_star_grid_negative", BOOLEAN, true, "", "γ* < 0 by the grid: the"
        + " least finite theory_l_test at γ < 0 is below the least at γ ≥ 0; exact whenever the"
        + " grid holds γ = 0 (docs/analysis.md); null if all diverge",
        r -> r.theory() == null ? null : r.theory().negative()));
    c.add(col("paper_gamma_star_negative", BOOLEAN, true, "", "Corollary 1 as printed (the"
        + " cells' paper_gamma_star_negative); null where the cells have none",
        GammaStarRow::paperNegative));
    c.add(col("sim_gamma_star_grid", DOUBLE, true, "", "γ* read off sim_l_test the same way"
        + " (a cell with a diverged replicate counts as +∞); logistic and mlp: off the measured"
        + " trained_test_loss; null without simulation or if all diverge",
        r -> grid(r.sim(), GammaStarGrid.Result::gammaStar)));
    c.add(col("sim_gamma_star_negative", BOOLEAN, true, "", "γ* < 0 by the simulated grid"
        + " values; null without simulation or if all diverge",
        r -> r.sim() == null ? null : r.sim().negative()));
    c.add(col("grid_step", DOUBLE, true, "", "the larger γ spacing next to the theory grid"
        + " minimum: for a unimodal L_test the exact γ* is within grid_step of it; null with one"
        + " γ or if all diverge", r -> grid(r.theory(), GammaStarGrid.Result::gridStep)));
    c.add(col("status", STRING, true, "", "where the theory grid minimum lies: interior,"
        + " at_edge (the first or last γ: the minimum may lie beyond the grid) or all_divergent",
        r -> r.theory() == null ? null : r.theory().status().text()));
    c.add(col("sim_grid_step", DOUBLE, true, "", "grid_step of the simulated grid minimum",
        r -> grid(r.sim(), GammaStarGrid.Result::gridStep)));
    c.add(col("sim_status", STRING, true, "", "status of the simulated grid minimum; null"
        + " without simulation", r -> r.sim() == null ? null : r.sim().status().text()));
    c.add(col("accuracy_gamma_star_grid", DOUBLE, true, "", "logistic and mlp: γ* that"
        + " maximises the measured trained_test_accuracy, read off the grid the same way (on"
        + " the test error 1 − accuracy; a diverged cell counts as error +∞); null for the"
        + " linear kinds", r -> grid(r.accuracy(), GammaStarGrid.Result::gammaStar)));
    c.add(col("accuracy_gamma_star_negative", BOOLEAN, true, "", "logistic and mlp: the best"
        + " test accuracy at γ < 0 is above the best at γ ≥ 0 (the paper's Figure 1 right);"
        + " null for the linear kinds", r -> r.accuracy() == null ? null
            : r.accuracy().negative()));
    c.add(col("accuracy_grid_step", DOUBLE, true, "", "grid_step of the accuracy grid maximum",
        r -> grid(r.accuracy(), GammaStarGrid.Result::gridStep)));
    c.add(col("accuracy_status", STRING, true, "", "status of the accuracy grid maximum"
        + " (interior, at_edge, all_divergent); null for the linear kinds",
        r -> r.accuracy() == null ? null : r.accuracy().status().text()));
    c.add(version());
    return List.copyOf(c);
  }

  private static List<Column<AgreementRow>> agreementColumns() {
    List<Column<AgreementRow>> c = new ArrayList<>();
    c.add(col("sweep", STRING, false, "", "sweep name", AgreementRow::sweep));
    c.add(col("cell_id", STRING, false, "", "the cell (joins cells.cell_id for its parameters)",
        AgreementRow::cellId));
    c.add(col("kind", STRING, false, "", "problem kind", AgreementRow::kind));
    c.add(col("source", STRING, false, "", "the prediction: theory, theory_finite (exact theory"
        + " of the replicates' data sets), paper (printed formula), baseline_cts or baseline_dt"
        + " (Hessian approximations)", r -> r.comparison().source()));
    c.add(col("quantity", STRING, false, "", "trace_sigma, l_train, l_test or trace_noise (Tr C)",
        r -> r.comparison().quantity()));
    c.add(col("predicted", DOUBLE, false, "", "the source's value (cells column"
        + " <source>_<quantity>)", AgreementRow::predicted));
    c.add(col("simulated", DOUBLE, false, "", "the simulated value (sim_<quantity>)",
        AgreementRow::simulated));
    c.add(col("simulated_se", DOUBLE, true, "", "its batch-means standard error",
        r -> nan(r.se())));
    c.add(col("z", DOUBLE, true, "", "(simulated − predicted)/simulated_se; null if the SE is"
        + " not > 0", r -> nan(Agreement.z(r.predicted(), r.simulated(), r.se()))));
    c.add(col("rel_error", DOUBLE, true, "", "(simulated − predicted)/|predicted|; null if"
        + " predicted = 0", r -> nan(Agreement.relError(r.predicted(), r.simulated()))));
    c.add(col("theory_tail_index", DOUBLE, true, "", "the cell's theory_tail_index (filter"
        + " heavy tails: moments of order ≥ β are infinite, so Σ estimates converge slowly"
        + " below β ≈ 4)", r -> nan(r.theoryTailIndex())));
    c.add(col("sim_tail_index", DOUBLE, true, "", "the cell's measured sim_tail_index (every"
        + " kind; below 4 the simulated moments and their standard errors are unreliable)",
        r -> nan(r.simTailIndex())));
    c.add(version());
    return List.copyOf(c);
  }

  private static List<Column<SummaryRow>> summaryColumns() {
    List<Column<SummaryRow>> c = new ArrayList<>();
    c.add(col("sweep", STRING, false, "", "sweep name", SummaryRow::sweep));
    c.add(col("kind", STRING, false, "", "problem kind", SummaryRow::kind));
    c.add(col("source", STRING, false, "", "as in agreement", SummaryRow::source));
    c.add(col("quantity", STRING, false, "", "as in agreement", SummaryRow::quantity));
    c.add(col("cells", LONG, false, "", "agreement rows (cells) in the group",
        r -> r.s().cells()));
    c.add(col("mean_abs_z", DOUBLE, true, "", "mean |z| over the rows with a z (≈ 0.8 when"
        + " the prediction is right)", r -> nan(r.s().meanAbsZ())));
    c.add(col("max_abs_z", DOUBLE, true, "", "largest |z|", r -> nan(r.s().maxAbsZ())));
    c.add(col("within_2se", DOUBLE, true, "", "fraction of the rows with a z that have |z| ≤ 2"
        + " (≈ 0.95 when the prediction is right)", r -> nan(r.s().within2())));
    c.add(col("within_4se", DOUBLE, true, "", "fraction with |z| ≤ 4",
        r -> nan(r.s().within4())));
    c.add(col("median_abs_rel_error", DOUBLE, true, "", "median |rel_error|",
        r -> nan(r.s().medianAbsRelError())));
    c.add(version());
    return List.copyOf(c);
  }

  /** sweep, kind, (axis,) slice, slice_id, the parameter columns, cells. */
  private static <T> void addSlice(List<Column<T>> c, Function<T, Slice> slice,
      boolean withAxis) {
    c.add(col("sweep", STRING, false, "", "sweep name", r -> slice.apply(r).sweep()));
    c.add(col("kind", STRING, false, "", "problem kind", r -> slice.apply(r).kind()));
    if (withAxis) {
      c.add(col("axis", STRING, false, "", "the cells column the boundary is located along"
          + " (sweep analyze --axis; default lr)", r -> slice.apply(r).axis()));
    }
    c.add(col("slice", STRING, false, "", "the slice's parameters that vary in the sweep, e.g."
        + " batch=4, momentum=0.5 (all if none)", r -> slice.apply(r).text()));
    c.add(col("slice_id", STRING, false, "", "16 hex digits of SHA-256 over the axis and every"
        + " fixed parameter: stable across runs", r -> slice.apply(r).id()));
    for (int k = 0; k < Slices.PARAMETERS.size(); k++) {
      final int at = k;
      Column<Tables.CellRow> p = cellsColumn(Slices.PARAMETERS.get(k));
      c.add(col(p.name(), p.type(), true, p.unit(), "as in the cells table; null in the axis"
          + " column", r -> slice.apply(r).params()[at]));
    }
    c.add(col("cells", INT, false, "", "cells in the slice", r -> slice.apply(r).cells()));
  }

  private static void addBracket(List<Column<BoundaryRow>> c, String side, String rule,
      Function<BoundaryRow, Boundary.Bracket> get) {
    String when = " (" + side + " verdicts: divergent ⇔ " + rule + ")";
    String none = side.equals("sim") ? "; null without simulation" : "";
    c.add(col(side + "_last_stable", DOUBLE, true, "", "axis value of the stable cell next to"
        + " the change of verdict" + when + "; null unless bracketed",
        r -> bracket(get.apply(r), Boundary.Bracket::lastStable)));
    c.add(col(side + "_first_divergent", DOUBLE, true, "", "axis value of the divergent cell"
        + " next to the change; null unless bracketed",
        r -> bracket(get.apply(r), Boundary.Bracket::firstDivergent)));
    c.add(col(side + "_boundary", DOUBLE, true, "", "the boundary between them: geometric mean"
        + " if axis_log, else midpoint; null unless bracketed",
        r -> bracket(get.apply(r), Boundary.Bracket::boundary)));
    c.add(col(side + "_bracket_width", DOUBLE, true, "", "|first_divergent − last_stable|;"
        + " null unless bracketed", r -> bracket(get.apply(r), Boundary.Bracket::width)));
    c.add(col(side + "_status", STRING, true, "", "bracketed (one change of verdict along the"
        + " axis, either way), all_stable, all_divergent or non_monotone (more than one change,"
        + " or both verdicts at one axis value)" + none,
        r -> get.apply(r) == null ? null : get.apply(r).status().text()));
    c.add(col(side + "_transitions", INT, true, "", "changes of verdict along the axis (−1:"
        + " both verdicts at one axis value)" + none,
        r -> get.apply(r) == null ? null : get.apply(r).transitions()));
  }

  private static Column<Tables.CellRow> cellsColumn(String name) {
    return Tables.CELLS.stream().filter(c -> c.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no cells column " + name));
  }

  private static <T> Column<T> version() {
    return col("schema_version", INT, false, "", "version of this table's schema",
        r -> Tables.SCHEMA_VERSION);
  }

  private static <T> Column<T> col(String name, Column.Type type, boolean nullable, String unit,
      String doc, Function<T, Object> get) {
    return new Column<>(name, type, nullable, unit, doc, get);
  }

  private static Double bracket(Boundary.Bracket b,
      java.util.function.ToDoubleFunction<Boundary.Bracket> get) {
    return b == null ? null : nan(get.applyAsDouble(b));
  }

  private static Double grid(GammaStarGrid.Result g,
      java.util.function.ToDoubleFunction<GammaStarGrid.Result> get) {
    return g == null ? null : nan(get.applyAsDouble(g));
  }

  private static Double nan(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
