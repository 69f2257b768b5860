package org.sgdnoise.spark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.Stroke;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;

/**
 * Chooses and builds the report's plots from a sweep's cells (and its {@code boundaries} table
 * when the analysis has run):
 *
 * <ul>
 *   <li>phase maps: log₁₀ Tr Σ over two parameter axes (λ × S by default), theory-divergent
 *       cells hatched, the theory / simulation / printed-paper divergence boundaries on top;
 *   <li>γ* maps ({@code l2}): the best weight decay over two axes with the γ* = 0 line;
 *   <li>line plots in the style of the paper's Figures 3–7: theory, simulation ± 2 SE and the
 *       baselines against the parameter with the most values, one curve per value of the
 *       parameter with the fewest. With a measured tail index the tail-index plot is the
 *       paper's Figure 7: β against S, one curve per aλ, the exact (Kesten) index, Proposition 7,
 *       the continuous-time index and the measured (Hill) index ± 2 SE.
 * </ul>
 *
 * Parameters that vary but are not drawn are fixed per plot ("facets"); at most {@value
 * #MAX_FACETS} facets are drawn per plot kind, the middle one of the grid first.
 */
public final class ReportPlots {
  /** Plot axis candidates, in order of preference on ties. */
  static final List<String> NUMERIC_PARAMS = List.of("lr", "batch", "momentum", "weight_decay",
      "width", "alpha", "dim", "n", "label_noise_var", "input_noise_var", "scaling_k");
  /** Parameters that are never an axis but split plots when they vary. */
  static final List<String> OTHER_PARAMS = List.of("spectrum", "teacher", "input_noise_spectrum",
      "lr_matrix", "rotation", "sim_mode", "sampling", "steps", "burn_in", "replicates", "seed",
      "data", "optimizer", "loss", "lr_scaling");
  static final int MAX_FACETS = 3;
  /** Curves per line plot at most: 8 colours and 8 markers tell them apart. */
  static final int MAX_SERIES = 8;
  /** Lines plots switch to a log y axis when the positive values span this factor. */
  static final double LOG_Y_SPAN = 100;

  static final int MAP_WIDTH = 760;
  static final int MAP_HEIGHT = 560;
  static final int LINE_WIDTH = 760;
  static final int LINE_HEIGHT = 540;

  private static final Stroke BOUNDARY = new BasicStroke(2.5f);
  private static final Stroke SIM_BOUNDARY = new BasicStroke(2.5f, BasicStroke.CAP_BUTT,
      BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f);
  private static final Stroke PAPER_BOUNDARY = new BasicStroke(2f, BasicStroke.CAP_ROUND,
      BasicStroke.JOIN_ROUND, 10f, new float[] {1f, 5f}, 0f);
  private static final Paint SIM_COLOUR = new Color(0xD55E00);
  private static final Paint PAPER_COLOUR = new Color(0xE69F00);

  private ReportPlots() {}

  /** One plot of the report: where it goes, its file name (no extension), the chart. */
  public record Figure(Section section, String name, String title, String caption,
      JFreeChart chart, int width, int height) {}

  /** The report's plot sections, in page order. */
  public enum Section {
    GAMMA_STAR("Best weight decay γ*"),
    PHASE("Phase maps"),
    LINES("Theory, simulation and baselines");

    private final String heading;

    Section(String heading) {
      this.heading = heading;
    }

    public String heading() {
      return heading;
    }
  }

  /**
   * A quantity of the line plots: theory column, simulation and its SE, other sources.
   * {@code simulatedOnly}: drawn only when the sweep has simulated values of it. The real-data
   * kinds have no theory: {@code theory} is null and {@code theoryLabel} names the measurement.
   */
  record Quantity(String label, String theory, String theoryLabel, String sim, String simSe,
      List<String[]> others, boolean simulatedOnly) {
    Quantity(String label, String theory, String theoryLabel, String sim, String simSe,
        List<String[]> others) {
      this(label, theory, theoryLabel, sim, simSe, others, false);
    }

    boolean isTailIndex() {
      return TAIL_INDEX.equals(theory);
    }

    /** The column whose values decide whether the quantity is drawn. */
    String key() {
      return theory != null ? theory : sim;
    }
  }

  /** The exact (Kesten) tail index column; its plot is the paper's Figure 7. */
  static final String TAIL_INDEX = "theory_tail_index";
  /** The measured (Hill) tail index and its standard error. */
  static final String SIM_TAIL_INDEX = "sim_tail_index";
  static final String SIM_TAIL_INDEX_SE = "sim_tail_index_se";
  /**
   * Simulated second moments (Tr Σ, losses) whose measured tail index is below this are not
   * drawn: the variance they estimate does not exist (β ≤ 2), so the sample value is whatever
   * the largest excursion made it. The tables keep them.
   */
  static final double MIN_TAIL_FOR_MOMENTS = 2;

  /**
   * All plots for the cells of one sweep.
   *
   * @param boundaries the analysis table, or null when it has not been written
   */
  public static List<Figure> figures(String sweep, CellTable cells, CellTable boundaries) {
    List<Figure> out = new ArrayList<>();
    if (cells.size() == 0) {
      return out;
    }
    String kind = String.valueOf(cells.get(cells.rows().get(0), "kind"));
    List<String> axes = varyingAxes(cells);
    phaseMaps(sweep, cells, boundaries, axes, out);
    if (kind.equals("l2") && cells.hasValues("theory_gamma_star")) {
      gammaStarMaps(sweep, cells, axes, out);
    }
    linePlots(sweep, kind, cells, axes, out);
    return out;
  }

  /** Whether the kind is trained on a real data set (measurements only, no theory). */
  static boolean trains(String kind) {
    return kind.equals("logistic") || kind.equals("mlp");
  }

  /** The column of the measured test accuracy, whose grid maximum marks γ*. */
  static final String TEST_ACCURACY = "trained_test_accuracy";

  /**
   * Numeric parameters with more than one value, most values first. Of two that determine each
   * other (N = αD beside α with D fixed) only the first is an axis: a map or a family of curves
   * over the other would repeat it.
   */
  static List<String> varyingAxes(CellTable cells) {
    List<String> v = new ArrayList<>();
    for (String c : NUMERIC_PARAMS) {
      if (cells.hasValues(c) && cells.axis(c).size() > 1) {
        v.add(c);
      }
    }
    v.sort(Comparator.comparingInt((String c) -> -cells.axis(c).size())
        .thenComparingInt(NUMERIC_PARAMS::indexOf));
    List<String> out = new ArrayList<>();
    for (String c : v) {
      if (out.stream().noneMatch(d -> determines(cells, d, c) && determines(cells, c, d))) {
        out.add(c);
      }
    }
    return out;
  }

  private static void phaseMaps(String sweep, CellTable cells, CellTable boundaries,
      List<String> axes, List<Figure> out) {
    if (axes.size() < 2 || !cells.hasValues("theory_trace_sigma")) {
      return;
    }
    final String xc = mapAxes(axes).get(0);
    final String yc = mapAxes(axes).get(1);
    for (Map<String, Object> facet : facets(cells, List.of(xc, yc), "theory_trace_sigma")) {
      CellTable sub = cells.where(facet);
      GridAxis x = sub.axis(xc);
      GridAxis y = sub.axis(yc);
      double[][] z = sub.field(x, y, r -> Boolean.TRUE.equals(sub.get(r, "theory_diverges"))
          ? Double.NaN : Math.log10(sub.num(r, "theory_trace_sigma")));
      List<Charts.Overlay> overlays = new ArrayList<>();
      List<double[]> theory = fromBoundaries(boundaries, facet, x, y, "theory_boundary");
      overlays.add(theory.isEmpty() ? flagLine(sub, x, y, "theory_diverges",
          "divergence boundary, theory", Color.BLACK, BOUNDARY)
          : new Charts.Overlay("divergence boundary, theory", theory, Color.BLACK, BOUNDARY));
      if (sub.hasValues("sim_diverged_fraction")) {
        String label = "divergence boundary, simulation (≥ half the replicates diverge)";
        List<double[]> sim = fromBoundaries(boundaries, facet, x, y, "sim_boundary");
        overlays.add(sim.isEmpty() ? flagLine(sub, x, y, "sim_diverged_fraction", label,
            SIM_COLOUR, SIM_BOUNDARY) : new Charts.Overlay(label, sim, SIM_COLOUR, SIM_BOUNDARY));
      }
      if (sub.hasValues("paper_diverges")) {
        overlays.add(flagLine(sub, x, y, "paper_diverges",
            "divergence boundary, paper as printed", PAPER_COLOUR, PAPER_BOUNDARY));
      }
      out.add(map(Section.PHASE, sweep, "phase", facet, x, y, z, "log₁₀ Tr Σ",
          "diverges (theory)", overlays, "Theory's stationary Tr Σ; hatched cells have no"
              + " stationary second moment. Lines: divergence boundaries" + (boundaries != null
              ? " (from the boundaries table where it has this slice)"
              : " (between the last stable and first divergent cell)") + "."));
    }
  }

  /** A heat map figure of one facet: {@code z} over the axes, NaN hatched, lines on top. */
  private static Figure map(Section section, String sweep, String prefix,
      Map<String, Object> facet, GridAxis x, GridAxis y, double[][] z, String zLabel,
      String nanLabel, List<Charts.Overlay> overlays, String caption) {
    String where = label(facet);
    JFreeChart chart = Charts.heatmap(title(sweep, zLabel, where), x, y, z, zLabel, nanLabel,
        overlays);
    return new Figure(section, fileName(prefix, x.column(), y.column(), facet),
        zLabel + " over " + x.column() + " × " + y.column()
            + (where.isEmpty() ? "" : ", " + where), caption, chart, MAP_WIDTH, MAP_HEIGHT);
  }

  private static void gammaStarMaps(String sweep, CellTable cells, List<String> axes,
      List<Figure> out) {
    List<String> a = axes.stream().filter(c -> !c.equals("weight_decay")).toList();
    if (a.size() < 2) {
      return;
    }
    final String xc = mapAxes(a).get(0);
    final String yc = mapAxes(a).get(1);
    for (Map<String, Object> facet : facets(cells, List.of(xc, yc, "weight_decay"),
        "theory_gamma_star")) {
      CellTable sub = cells.where(facet);
      GridAxis x = sub.axis(xc);
      GridAxis y = sub.axis(yc);
      double[][] z = sub.field(x, y, r -> sub.num(r, "theory_gamma_star"));
      List<Charts.Overlay> overlays = new ArrayList<>();
      overlays.add(flagLine(sub, x, y, "theory_gamma_star_negative",
          "γ* = 0 boundary (theory)", Color.BLACK, BOUNDARY));
      if (sub.hasValues("paper_gamma_star_negative")) {
        overlays.add(flagLine(sub, x, y, "paper_gamma_star_negative",
            "γ* < 0 region by Corollary 1 as printed", PAPER_COLOUR, PAPER_BOUNDARY));
      }
      out.add(map(Section.GAMMA_STAR, sweep, "gamma-star", facet, x, y, z, "γ* (theory)",
          "no stable γ", overlays, "The weight decay that minimises the stationary test loss"
              + " (theory). Where it is negative (darker than the γ* = 0 plateau), the best"
              + " regularisation is anti-regularisation."));
    }
  }

  private static void linePlots(String sweep, String kind, CellTable cells, List<String> axes,
      List<Figure> out) {
    if (axes.isEmpty()) {
      return;
    }
    // The paper's Figure 1: right, against γ; left and middle, against the width.
    String xc = (kind.equals("l2") || trains(kind)) && axes.contains("weight_decay")
        ? "weight_decay" : trains(kind) && axes.contains("width") ? "width" : axes.get(0);
    String sc = axes.stream().filter(c -> !c.equals(xc))
        .min(Comparator.comparingInt((String c) -> cells.axis(c).size())
            .thenComparingInt(NUMERIC_PARAMS::indexOf)).orElse(null);
    for (Quantity q : quantities(kind)) {
      if (!cells.hasValues(q.key()) || (q.simulatedOnly() && !cells.hasValues(q.sim()))) {
        continue;
      }
      String x = xc;
      String s = sc;
      if (figureSeven(q, cells, axes)) {
        // The paper's Figure 7: β against S, one curve per aλ (the index depends on nothing
        // else), so Proposition 7's straight lines in S can be read against the measurement.
        x = "batch";
        s = axes.stream().filter(c -> !c.equals("batch"))
            .min(Comparator.comparingInt((String c) -> cells.axis(c).size())
                .thenComparingInt(NUMERIC_PARAMS::indexOf)).orElse(null);
      }
      List<String> drawn = s == null ? List.of(x) : List.of(x, s);
      for (Map<String, Object> facet : facets(cells, drawn, q.key())) {
        out.add(linePlot(sweep, kind, q, cells.where(facet), x, s, facet));
      }
    }
  }

  /**
   * Whether the tail-index plot is the paper's Figure 7 (β against the batch size S): when the
   * sweep has a measured tail index and S varies.
   */
  static boolean figureSeven(Quantity q, CellTable cells, List<String> axes) {
    return q.isTailIndex() && axes.contains("batch") && cells.hasValues(SIM_TAIL_INDEX);
  }

  private static Figure linePlot(String sweep, String kind, Quantity q, CellTable sub,
      String xc, String sc, Map<String, Object> facet) {
    GridAxis x = sub.axis(xc);
    // Curves whose theory diverges everywhere in this plot would show baselines alone: left out.
    List<Object> seriesValues = sc == null ? java.util.Collections.singletonList(null)
        : subsample(sortedValues(sub, sc).stream().filter(v -> sub.where(Map.of(sc, v))
            .hasValues(q.key())).toList(), MAX_SERIES);
    List<String> seriesLabels = new ArrayList<>();
    List<Charts.Source> sources = new ArrayList<>();
    List<String[]> cols = new ArrayList<>();
    final boolean measuredOnly = q.theory() == null;
    if (!measuredOnly) {
      sources.add(new Charts.Source(q.theoryLabel(), Charts.SOLID, false));
      cols.add(new String[] {q.theory(), null});
    }
    if (q.sim() != null && sub.hasValues(q.sim())) {
      sources.add(new Charts.Source(measuredOnly ? q.theoryLabel() : q.isTailIndex()
          ? "measured (Hill)" : "simulation", Charts.SOLID, true));
      cols.add(new String[] {q.sim(), q.simSe()});
    }
    Stroke[] styles = {Charts.DASHED, Charts.DOTTED, Charts.DASH_DOT};
    int other = 0;
    for (String[] o : q.others()) {
      if (sub.hasValues(o[0])) {
        sources.add(new Charts.Source(o[1], styles[other++ % styles.length], false));
        cols.add(new String[] {o[0], null});
      }
    }
    List<Charts.Curve> curves = new ArrayList<>();
    List<Charts.Marker> markers = new ArrayList<>();
    final boolean tail = q.isTailIndex();
    // Tail indices depend on aλ alone (1-d): name the curves by it when λ is the series.
    final double a = oneDimensionalA(sub);
    final boolean alphaLambda = tail && "lr".equals(sc) && Double.isFinite(a);
    final boolean hideHeavy = !tail && sub.hasValues(SIM_TAIL_INDEX);
    int hidden = 0;
    for (int s = 0; s < seriesValues.size(); s++) {
      Object sv = seriesValues.get(s);
      seriesLabels.add(sc == null ? "" : alphaLambda
          ? "aλ = " + fmt(a * ((Number) sv).doubleValue()) : sc + " = " + format(sv));
      CellTable rows = sc == null ? sub : sub.where(Map.of(sc, sv));
      List<Object[]> sorted = new ArrayList<>(rows.rows());
      sorted.sort(Comparator.comparingDouble(r -> rows.num(r, xc)));
      double[] xs = sorted.stream().mapToDouble(r -> rows.num(r, xc)).toArray();
      for (int k = 0; k < cols.size(); k++) {
        String[] c = cols.get(k);
        double[] ys = sorted.stream().mapToDouble(r -> rows.num(r, c[0])).toArray();
        double[] hw = c[1] == null ? null
            : sorted.stream().mapToDouble(r -> 2 * rows.num(r, c[1])).toArray();
        if (hideHeavy && c[1] != null) {
          for (int i = 0; i < ys.length; i++) {
            if (Double.isFinite(ys[i])
                && rows.num(sorted.get(i), SIM_TAIL_INDEX) < MIN_TAIL_FOR_MOMENTS) {
              ys[i] = Double.NaN;
              hidden++;
            }
          }
        }
        curves.add(new Charts.Curve(k, s, xs, ys, sources.get(k).points()
            ? (hw != null ? hw : new double[xs.length]) : null));
      }
      if (xc.equals("weight_decay") && measuredOnly && TEST_ACCURACY.equals(q.sim())) {
        double g = accuracyGammaStar(xs, sorted.stream().mapToDouble(r -> rows.num(r,
            TEST_ACCURACY)).toArray());
        if (Double.isFinite(g)) {
          markers.add(new Charts.Marker(g, "γ* by test accuracy (grid), one per curve",
              ColorScale.category(s), new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                  BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f)));
        }
      } else if (xc.equals("weight_decay")) {
        double g = sorted.stream().mapToDouble(r -> rows.num(r, "theory_gamma_star"))
            .filter(Double::isFinite).findFirst().orElse(Double.NaN);
        if (Double.isFinite(g)) {
          markers.add(new Charts.Marker(g, "γ* (theory), one per curve",
              ColorScale.category(s), new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                  BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f)));
        }
      }
    }
    if (xc.equals("weight_decay")) {
      markers.add(new Charts.Marker(0, null, Color.GRAY, new BasicStroke(0.8f)));
    }
    if (xc.equals("alpha") && x.values()[0] < 1 && x.values()[x.size() - 1] > 1) {
      markers.add(new Charts.Marker(1, "α = 1", Color.GRAY, Charts.DOTTED));
    }
    boolean yLog = logY(curves);
    String where = label(facet);
    boolean simulated = sources.stream().anyMatch(Charts.Source::points);
    String what = tail && "batch".equals(xc) && simulated
        ? q.label() + " vs batch size S (as in the paper's Figure 7)" : q.label() + " vs " + xc;
    JFreeChart chart = Charts.lines(title(sweep, what, where), x, q.label(), yLog, sources,
        seriesLabels, curves, markers);
    String caption = measuredOnly ? measuredCaption(sources, xc, sc) : "Lines: "
        + String.join(", ", sources.stream().filter(s -> !s.points())
        .map(Charts.Source::label).toList()) + (!simulated ? "" : tail
        ? "; points: measured (Hill) tail index of |w − w*| on the top tail_fraction of each"
            + " stretch of every replicate, ± 2 standard errors (spread of the stretches)"
        : "; points: simulation with error bars of ± 2 standard errors (batch means)")
        + (xc.equals("weight_decay") ? "; vertical dashed lines: theory's γ* of each curve" : "")
        + ". Gaps: the theory diverges there" + (sc == null ? "" : "; values of " + sc
        + " where it diverges everywhere are left out") + "."
        + (tail && simulated ? " At a fixed fraction k/n the Hill estimate is biased low once"
            + " β exceeds about 3 (k/n = 1e-3) to 5 (1e-4), and β ≳ 8 is out of reach of runs"
            + " of 10⁸ samples (theory sheet §5): where the exact index is large the points"
            + " fall below it by construction. Where β ≤ 3 they follow the exact index, and"
            + " the distance to Proposition 7 is the error of the printed formula." : "")
        + (hidden == 0 ? "" : " " + hidden + " simulated point" + (hidden == 1 ? " is" : "s are")
            + " left out because the measured tail index is below 2 there: the variance they"
            + " estimate does not exist (the tables keep them).");
    return new Figure(Section.LINES, fileName(slug(q.key()), xc, sc, facet),
        what + (sc == null ? "" : " by " + (alphaLambda ? "aλ" : sc))
            + (where.isEmpty() ? "" : ", " + where), caption, chart, LINE_WIDTH, LINE_HEIGHT);
  }

  /**
   * γ* of one curve by test accuracy: the grid maximum, refined by the parabola through it and
   * its neighbours ({@link org.sgdnoise.core.analysis.GammaStarGrid} on the test error 1 −
   * accuracy; a diverged cell counts as error 1). NaN when nothing was measured.
   */
  static double accuracyGammaStar(double[] gamma, double[] accuracy) {
    double[] error = new double[accuracy.length];
    for (int i = 0; i < error.length; i++) {
      error[i] = Double.isFinite(accuracy[i]) ? 1 - accuracy[i] : Double.POSITIVE_INFINITY;
    }
    org.sgdnoise.core.analysis.GammaStarGrid.Result r =
        org.sgdnoise.core.analysis.GammaStarGrid.locate(gamma, error);
    return r == null ? Double.NaN : r.gammaStar();
  }

  private static String measuredCaption(List<Charts.Source> sources, String xc, String sc) {
    List<String> lines = sources.stream().filter(s -> !s.points()).map(Charts.Source::label)
        .toList();
    return "Points: measured after training, the mean over the replicates ± 2 standard errors"
        + " (their spread over √R)" + (lines.isEmpty() ? "" : "; lines: "
        + String.join(", ", lines)) + (xc.equals("weight_decay")
        ? "; vertical dashed lines: γ* by test accuracy on the grid, per curve" : "")
        + ". Gaps: a replicate diverged there (its training loss became non-finite)"
        + (sc == null ? "" : "; curves by " + sc) + ".";
  }

  /**
   * The curvature a of a 1-d problem when all rows share it (a_trace with dim = 1), else NaN.
   */
  static double oneDimensionalA(CellTable t) {
    if (!t.has("a_trace") || !t.has("dim")) {
      return Double.NaN;
    }
    double a = Double.NaN;
    for (Object[] r : t.rows()) {
      double v = t.num(r, "a_trace");
      if (t.num(r, "dim") != 1 || !Double.isFinite(v) || (Double.isFinite(a) && v != a)) {
        return Double.NaN;
      }
      a = v;
    }
    return a;
  }

  static List<Quantity> quantities(String kind) {
    if (trains(kind)) {
      String best = "best along the run";
      return List.of(
          new Quantity("test accuracy", null, "measured", TEST_ACCURACY,
              "trained_test_accuracy_se", List.<String[]>of(new String[] {
                  "trained_best_test_accuracy", best})),
          new Quantity("test loss", null, "measured", "trained_test_loss",
              "trained_test_loss_se", List.<String[]>of(new String[] {"trained_best_test_loss",
                  best})),
          new Quantity("training-loss variance", null, "measured",
              "trained_train_loss_variance", "trained_train_loss_variance_se", List.of()),
          new Quantity("Tr C", null, "measured (per-example gradients)", "trained_trace_noise",
              "trained_trace_noise_se", List.<String[]>of(new String[] {
                  "trained_trace_noise_theorem5", "Theorem 5: (2L/S)·Tr H − ‖∇L‖²/S"})));
    }
    String[] cts = {null, "continuous-time Hessian approximation"};
    String[] dt = {null, "discrete-time Hessian approximation"};
    // Dataset mode: the exact theory of the replicates' own data sets, which the simulation
    // estimates without the data sets' O(N^-½) deviation from the N → ∞ theory.
    String finite = "exact theory of the replicates' data sets";
    return switch (kind) {
      case "l2", "input_noise" -> List.of(new Quantity("L_test", "theory_l_test", "theory",
          "sim_l_test", "sim_l_test_se", List.of(new String[] {"theory_finite_l_test", finite},
              new String[] {"paper_l_test", "paper as printed"}, col("baseline_cts_l_test",
                  cts), col("baseline_dt_l_test", dt))));
      case "high_dim" -> List.of(
          new Quantity("Tr[ÂΣ]", "theory_tr_a_sigma", "theory (Theorem 6, G₊)", null, null,
              List.<String[]>of(new String[] {"baseline_dt_tr_a_sigma",
                  "Hessian approximation"})),
          new Quantity("Tr Σ", "theory_trace_sigma", "theory (Theorem 6, G₊, large D)",
              "sim_trace_sigma", "sim_trace_sigma_se",
              List.<String[]>of(new String[] {"theory_finite_trace_sigma", finite}), true),
          new Quantity("L_train", "theory_l_train", "theory", "sim_l_train", "sim_l_train_se",
              List.<String[]>of(new String[] {"theory_finite_l_train", finite},
                  new String[] {"paper_l_train", "paper as printed (G)"})));
      default -> List.of(
          new Quantity("Tr Σ", "theory_trace_sigma", "theory", "sim_trace_sigma",
              "sim_trace_sigma_se", List.of(new String[] {"theory_finite_trace_sigma", finite},
                  col("baseline_cts_trace_sigma", cts), col("baseline_dt_trace_sigma", dt))),
          new Quantity("tail index β", TAIL_INDEX, "exact (Kesten)", SIM_TAIL_INDEX,
              SIM_TAIL_INDEX_SE, List.of(new String[] {"paper_tail_index",
                  "Proposition 7 as printed"}, new String[] {"baseline_cts_tail_index",
                  "continuous time (Mori et al.)"})));
    };
  }

  private static String[] col(String c, String[] label) {
    return new String[] {c, label[1]};
  }

  private static boolean logY(List<Charts.Curve> curves) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (Charts.Curve c : curves) {
      for (double v : c.y()) {
        if (Double.isFinite(v)) {
          if (v <= 0) {
            return false;
          }
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    return hi > 0 && hi / lo >= LOG_Y_SPAN;
  }

  /**
   * The combinations of the varying parameters not drawn: up to {@value #MAX_FACETS} of those
   * with some value in {@code column} (no empty plots), the middle one of the grid first, then
   * the first and the last, then the nearest to the middle. One empty map when nothing else
   * varies.
   */
  static List<Map<String, Object>> facets(CellTable cells, List<String> drawn, String column) {
    List<String> free = new ArrayList<>();
    for (String c : concat(NUMERIC_PARAMS, OTHER_PARAMS)) {
      if (!drawn.contains(c) && cells.has(c) && cells.distinct(c).size() > 1
          && drawn.stream().noneMatch(d -> determines(cells, d, c))) {
        free.add(c);
      }
    }
    LinkedHashMap<List<Object>, Boolean> combos = new LinkedHashMap<>();
    for (Object[] r : cells.rows()) {
      List<Object> key = new ArrayList<>();
      for (String c : free) {
        key.add(cells.get(r, c));
      }
      combos.merge(key, cells.get(r, column) != null, Boolean::logicalOr);
    }
    List<List<Object>> all = new ArrayList<>(combos.keySet());
    all.sort(ReportPlots::compareKeys);
    final int mid = (all.size() - 1) / 2;
    List<Integer> order = new ArrayList<>(List.of(mid, 0, all.size() - 1));
    java.util.stream.IntStream.range(0, all.size()).boxed()
        .sorted(Comparator.comparingInt(i -> Math.abs(i - mid))).forEach(order::add);
    List<Map<String, Object>> out = new ArrayList<>();
    List<Integer> taken = new ArrayList<>();
    for (int i : order) {
      if (out.size() == MAX_FACETS || taken.contains(i) || !combos.get(all.get(i))) {
        continue;
      }
      taken.add(i);
      Map<String, Object> m = new LinkedHashMap<>();
      for (int k = 0; k < free.size(); k++) {
        m.put(free.get(k), all.get(i).get(k));
      }
      out.add(m);
    }
    return out;
  }

  /**
   * True when column {@code c} is a function of column {@code d} in these rows (N = αD beside
   * α, or a zipped parameter): it moves along with a drawn axis and is no facet of its own.
   */
  static boolean determines(CellTable t, String d, String c) {
    Map<Object, Object> seen = new java.util.HashMap<>();
    for (Object[] r : t.rows()) {
      Object dv = t.get(r, d);
      Object cv = t.get(r, c);
      if (!seen.containsKey(dv)) {
        seen.put(dv, cv);
      } else if (!Objects.equals(seen.get(dv), cv)) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareKeys(List<Object> a, List<Object> b) {
    for (int k = 0; k < a.size(); k++) {
      Object x = a.get(k);
      Object y = b.get(k);
      int c;
      if (x == null || y == null) {
        c = x == null ? (y == null ? 0 : -1) : 1;
      } else if (x instanceof Number nx && y instanceof Number ny) {
        c = Double.compare(nx.doubleValue(), ny.doubleValue());
      } else {
        c = ((Comparable) x.toString()).compareTo(y.toString());
      }
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static List<Object> sortedValues(CellTable t, String c) {
    List<Object> v = new ArrayList<>(t.distinct(c));
    v.sort(Comparator.comparingDouble(o -> ((Number) o).doubleValue()));
    return v;
  }

  /** At most {@code m} values, evenly spaced over the list, both ends kept. */
  static List<Object> subsample(List<Object> v, int m) {
    if (v.size() <= m) {
      return v;
    }
    List<Object> out = new ArrayList<>();
    for (int k = 0; k < m; k++) {
      Object o = v.get((int) Math.round(k * (v.size() - 1) / (double) (m - 1)));
      if (!out.contains(o)) {
        out.add(o);
      }
    }
    return out;
  }

  /** The two axes of a map: λ and S when both vary, else the parameters with most values. */
  private static List<String> mapAxes(List<String> candidates) {
    String xc = candidates.contains("lr") ? "lr" : candidates.get(0);
    String yc = candidates.contains("batch") && !xc.equals("batch") ? "batch"
        : candidates.stream().filter(c -> !c.equals(xc)).findFirst().orElseThrow();
    return List.of(xc, yc);
  }

  /**
   * The line where a flag column (a boolean, or a fraction such as sim_diverged_fraction)
   * crosses one half: between the last cell without and the first cell with it.
   */
  private static Charts.Overlay flagLine(CellTable t, GridAxis x, GridAxis y, String column,
      String label, Paint paint, Stroke stroke) {
    return new Charts.Overlay(label, contour(t, x, y, r -> t.num(r, column), 0.5), paint,
        stroke);
  }

  /** Contour segments of a field in data coordinates. */
  static List<double[]> contour(CellTable t, GridAxis x, GridAxis y,
      ToDoubleFunction<Object[]> value, double level) {
    List<double[]> out = new ArrayList<>();
    for (MarchingSquares.Segment s : MarchingSquares.contour(t.field(x, y, value), level)) {
      out.add(new double[] {x.at(s.i1()), y.at(s.j1()), x.at(s.i2()), y.at(s.j2())});
    }
    return out;
  }

  /**
   * The boundary polyline of one facet from the analysis table: rows whose axis is one of the
   * map's axes and whose parameters match the facet, one point per value of the other axis.
   * Empty when the table is absent or has no such rows.
   */
  static List<double[]> fromBoundaries(CellTable b, Map<String, Object> facet, GridAxis x,
      GridAxis y, String column) {
    List<double[]> out = new ArrayList<>();
    if (b == null || !b.has("axis") || !b.has(column)) {
      return out;
    }
    for (boolean alongX : new boolean[] {true, false}) {
      String along = alongX ? x.column() : y.column();
      String across = alongX ? y.column() : x.column();
      List<double[]> pts = new ArrayList<>();
      for (Object[] r : b.rows()) {
        if (!along.equals(b.get(r, "axis")) || !matches(b, r, facet)) {
          continue;
        }
        double v = b.num(r, column);
        double w = b.num(r, across);
        if (Double.isFinite(v) && Double.isFinite(w)) {
          pts.add(alongX ? new double[] {v, w} : new double[] {w, v});
        }
      }
      pts.sort(Comparator.comparingDouble(p -> alongX ? p[1] : p[0]));
      for (int k = 1; k < pts.size(); k++) {
        out.add(new double[] {pts.get(k - 1)[0], pts.get(k - 1)[1], pts.get(k)[0],
            pts.get(k)[1]});
      }
      if (pts.size() == 1) {
        double[] p = pts.get(0);
        out.add(new double[] {p[0], p[1], p[0], p[1]});
      }
      if (!out.isEmpty()) {
        return out;
      }
    }
    return out;
  }

  private static boolean matches(CellTable t, Object[] r, Map<String, Object> facet) {
    for (Map.Entry<String, Object> e : facet.entrySet()) {
      Object v = t.get(r, e.getKey());
      Object f = e.getValue();
      boolean same = v instanceof Number nv && f instanceof Number nf
          ? nv.doubleValue() == nf.doubleValue() : Objects.equals(v, f);
      if (!same) {
        return false;
      }
    }
    return true;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> c = new ArrayList<>(a);
    c.addAll(b);
    return c;
  }

  static String label(Map<String, Object> facet) {
    List<String> parts = new ArrayList<>();
    facet.forEach((k, v) -> parts.add(k + " = " + format(v)));
    return String.join(", ", parts);
  }

  private static String title(String sweep, String what, String where) {
    return sweep + ": " + what + (where.isEmpty() ? "" : " (" + where + ")");
  }

  static String format(Object v) {
    if (v instanceof Double d) {
      return fmt(d);
    }
    return String.valueOf(v);
  }

  /** A double in at most 6 significant digits, without trailing zeros. */
  static String fmt(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    String s = String.format(Locale.ROOT, "%.6g", d);
    if (s.contains("e")) {
      return s.replaceAll("\\.?0+e", "e");
    }
    return s.contains(".") ? s.replaceAll("\\.?0+$", "") : s;
  }

  private static String fileName(String what, String xc, String yc, Map<String, Object> facet) {
    StringBuilder b = new StringBuilder(what).append('-').append(xc);
    if (yc != null) {
      b.append('-').append(yc);
    }
    // A minus sign becomes "m": the slug's dashes separate words (γ = -1.5 ≠ γ = 1.5).
    facet.forEach((k, v) -> b.append('-').append(k).append('-')
        .append(format(v).replace('-', 'm')));
    return slug(b.toString());
  }

  private static String slug(String s) {
    String t = s.replaceAll("[^A-Za-z0-9.-]+", "-").replaceAll("-+", "-");
    return t.length() > 120 ? t.substring(0, 100) + "-" + Integer.toHexString(s.hashCode()) : t;
  }
}
