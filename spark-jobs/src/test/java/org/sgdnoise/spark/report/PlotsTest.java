package org.sgdnoise.spark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The report's plots from real theory cells: which plots a sweep gets, that their PNG and SVG
 * files have content, and that the boundaries drawn on the maps sit where the theory puts them.
 */
class PlotsTest {
  /** A rendered chart of ours is tens of KB; an empty canvas of this size is under 10 KB. */
  static final int MIN_PNG_BYTES = 12_000;
  /** Distinct colours in a chart with a viridis map or several curves (antialiasing adds more). */
  static final int MIN_COLOURS = 40;
  /** Shapes in an SVG chart: axes, ticks, curves or blocks. */
  static final int MIN_SVG_SHAPES = 20;

  static final String LABEL_NOISE = """
      name: ln
      kind: label_noise
      params:
        lr: {logspace: {from: 0.05, to: 3.0, num: 14}}
        batch: [1, 2, 4, 8, 16, 32]
        momentum: [0.0, 0.5]
        spectrum: [1.0]
      """;

  static final String L2 = """
      name: l2map
      kind: l2
      params:
        lr: {logspace: {from: 0.25, to: 4.0, num: 17}}
        batch: [1, 2, 4, 8, 16, 32, 64, 128]
        spectrum: [4.0]
        teacher: 1.0
        weight_decay: {linspace: {from: -4.0, to: 1.0, num: 11}}
      """;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void labelNoiseSweepGetsPhaseMapsAndLinePlotsWithContent() throws Exception {
    CellTable cells = TheoryCells.of(LABEL_NOISE);
    List<ReportPlots.Figure> figs = ReportPlots.figures("ln", cells, null);
    // Phase map λ × S per momentum (2 facets); Tr Σ and tail index against λ, one curve per
    // momentum (fewest values), one plot per S: 3 of the 6 S values each.
    assertThat(figs.stream().filter(f -> f.section() == ReportPlots.Section.PHASE)).hasSize(2);
    assertThat(figs.stream().filter(f -> f.section() == ReportPlots.Section.LINES)
        .map(ReportPlots.Figure::name)).hasSize(6).allMatch(n -> n.contains("-lr-momentum-batch-"));
    assertThat(figs.stream().map(ReportPlots.Figure::name).distinct()).hasSize(figs.size());
    for (ReportPlots.Figure f : figs) {
      assertHasContent(f);
    }
  }

  @Test
  void theoryBoundaryOnThePhaseMapLiesBetweenTheLastStableAndFirstDivergentCell() {
    CellTable cells = TheoryCells.of(LABEL_NOISE).where(Map.of("momentum", 0.0));
    GridAxis lr = cells.axis("lr");
    GridAxis batch = cells.axis("batch");
    List<double[]> segs = ReportPlots.contour(cells, lr, batch,
        r -> cells.num(r, "theory_diverges"), 0.5);
    assertThat(segs).isNotEmpty();
    int checked = 0;
    for (double[] s : segs) {
      for (int e = 0; e < 2; e++) {
        double x = s[2 * e];
        double y = s[2 * e + 1];
        int j = batch.indexOf(y);
        if (j < 0) {
          continue; // an end on a square's top or bottom edge, between two S values
        }
        // On an S row the boundary is the geometric mean of the bracketing λ grid values,
        // and the exact λ_c of that row lies in the same bracket.
        CellTable row = cells.where(Map.of("batch", (int) batch.value(j)));
        double lastStable = row.rows().stream().filter(r -> !(Boolean) row.get(r,
            "theory_diverges")).mapToDouble(r -> row.num(r, "lr")).max().orElseThrow();
        double firstDivergent = row.rows().stream().filter(r -> (Boolean) row.get(r,
            "theory_diverges")).mapToDouble(r -> row.num(r, "lr")).min().orElseThrow();
        double lc = row.num(row.rows().get(0), "theory_critical_lr");
        assertThat(x).isCloseTo(Math.sqrt(lastStable * firstDivergent),
            org.assertj.core.api.Assertions.within(1e-12));
        assertThat(lc).isBetween(lastStable, firstDivergent);
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(batch.size());
  }

  @Test
  void boundariesTableOverridesTheContourWhenItHasTheSlice() {
    CellTable cells = TheoryCells.of(LABEL_NOISE).where(Map.of("momentum", 0.5));
    GridAxis lr = cells.axis("lr");
    GridAxis batch = cells.axis("batch");
    // Contract columns (notes/tables.md): one row per slice along lr, the slice's parameters.
    List<String> cols = List.of("sweep", "kind", "axis", "slice", "batch", "momentum", "lr",
        "theory_boundary", "sim_boundary");
    List<Object[]> rows = new ArrayList<>();
    for (int j = 0; j < batch.size(); j++) {
      int s = (int) batch.value(j);
      rows.add(new Object[] {"ln", "label_noise", "lr", "batch=" + s + ", momentum=0.5", s,
          0.5, null, 0.1 * (j + 1), null});
    }
    rows.add(new Object[] {"ln", "label_noise", "lr", "other momentum", 4, 0.0, null, 99.0,
        null});
    CellTable b = new CellTable(cols, rows);
    List<double[]> segs = ReportPlots.fromBoundaries(b, Map.of("momentum", 0.5), lr, batch,
        "theory_boundary");
    assertThat(segs).hasSize(batch.size() - 1);
    for (int j = 0; j + 1 < batch.size(); j++) {
      assertThat(segs.get(j)).containsExactly(0.1 * (j + 1), batch.value(j), 0.1 * (j + 2),
          batch.value(j + 1));
    }
    assertThat(ReportPlots.fromBoundaries(b, Map.of("momentum", 0.5), lr, batch,
        "sim_boundary")).isEmpty();
    assertThat(ReportPlots.fromBoundaries(null, Map.of(), lr, batch, "theory_boundary"))
        .isEmpty();
  }

  @Test
  void l2SweepGetsAGammaStarMapWhoseZeroLineFollowsCorollaryOne() throws Exception {
    CellTable cells = TheoryCells.of(L2);
    List<ReportPlots.Figure> figs = ReportPlots.figures("l2map", cells, null);
    List<ReportPlots.Figure> maps = figs.stream()
        .filter(f -> f.section() == ReportPlots.Section.GAMMA_STAR).toList();
    assertThat(maps).hasSize(1);
    ReportPlots.Figure lines = figs.stream().filter(f -> f.section()
        == ReportPlots.Section.LINES).filter(f -> f.name().endsWith("-lr-1")).findFirst()
        .orElseThrow();
    assertThat(lines.name()).isEqualTo("theory-l-test-weight-decay-batch-lr-1");
    assertHasContent(maps.get(0));
    assertHasContent(lines);

    // The γ* = 0 line: on every S row it separates grid λ values on either side of the
    // corrected condition max(1, 2S/(S+2)) < aλ < √(S/2), a = 4.
    CellTable one = cells.where(Map.of("weight_decay", -4.0));
    GridAxis lr = one.axis("lr");
    GridAxis batch = one.axis("batch");
    List<double[]> segs = ReportPlots.contour(one, lr, batch,
        r -> one.num(r, "theory_gamma_star_negative"), 0.5);
    assertThat(segs).isNotEmpty();
    for (double[] s : segs) {
      for (int e = 0; e < 2; e++) {
        int j = batch.indexOf(s[2 * e + 1]);
        if (j < 0) {
          continue;
        }
        double sb = batch.value(j);
        int i = 0;
        while (i + 1 < lr.size() && lr.value(i + 1) < s[2 * e]) {
          i++;
        }
        assertThat(negative(lr.value(i), sb)).isNotEqualTo(negative(lr.value(i + 1), sb));
      }
    }
  }

  @Test
  void highDimDataSizeMovesWithAlphaAndSplitsNoPlot() throws Exception {
    // N = αD varies with α: one curve set over α, not one plot per N.
    CellTable cells = TheoryCells.of("""
        name: hd
        kind: high_dim
        params:
          lr: [0.01, 0.03]
          batch: 32
          dim: 100
          alpha: [0.5, 2, 5]
          label_noise_var: 1.0
        """);
    assertThat(ReportPlots.determines(cells, "alpha", "n")).isTrue();
    assertThat(ReportPlots.determines(cells, "lr", "alpha")).isFalse();
    List<ReportPlots.Figure> figs = ReportPlots.figures("hd", cells, null);
    assertThat(figs.stream().map(ReportPlots.Figure::name)).containsExactly(
        "phase-lr-alpha", "theory-tr-a-sigma-alpha-lr", "theory-l-train-alpha-lr");
    for (ReportPlots.Figure f : figs) {
      assertHasContent(f);
    }
  }

  private static boolean negative(double lr, double s) {
    double al = 4 * lr;
    return Math.max(1, 2 * s / (s + 2)) < al && al < Math.sqrt(s / 2);
  }

  static void assertHasContent(ReportPlots.Figure f) throws Exception {
    byte[] png = ChartFiles.png(f.chart(), f.width(), f.height());
    assertThat(png.length).as(f.name()).isGreaterThan(MIN_PNG_BYTES);
    assertPngHasContent(f.name(), png);
    assertSvgHasPaths(f.name(), ChartFiles.svg(f.chart(), f.width(), f.height()));
  }

  static void assertPngHasContent(String name, byte[] png) throws Exception {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(img).as(name).isNotNull();
    Set<Integer> colours = new HashSet<>();
    for (int x = 0; x < img.getWidth(); x += 2) {
      for (int y = 0; y < img.getHeight(); y += 2) {
        colours.add(img.getRGB(x, y));
      }
    }
    assertThat(colours.size()).as("distinct colours in %s", name).isGreaterThan(MIN_COLOURS);
  }

  static void assertSvgHasPaths(String name, byte[] svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg));
    assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
    String ns = "http://www.w3.org/2000/svg";
    assertThat(d.getElementsByTagNameNS(ns, "path").getLength()).as("paths in %s", name)
        .isPositive();
    // Batik writes rectangles and lines as <rect> and <line>, other shapes as <path>.
    int shapes = 0;
    for (String tag : new String[] {"path", "rect", "line", "polyline", "polygon", "circle",
        "ellipse"}) {
      shapes += d.getElementsByTagNameNS(ns, tag).getLength();
    }
    assertThat(shapes).as("shapes in %s", name).isGreaterThan(MIN_SVG_SHAPES);
    assertThat(d.getElementsByTagNameNS(ns, "text").getLength()).as("text in %s", name)
        .isPositive();
  }

}
