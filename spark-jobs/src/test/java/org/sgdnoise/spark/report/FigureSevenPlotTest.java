package org.sgdnoise.spark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which tail-index plot a sweep gets, from real cells (the core's theory and simulator, no
 * Spark): with a measured tail index it is the paper's Figure 7, β against S with one curve per
 * aλ and the measured points; without one it stays against the sweep's longest axis. Simulated
 * second moments whose measured index is below 2 are left out, and the caption says so.
 */
class FigureSevenPlotTest {
  static final String SIMULATED = """
      name: f7
      kind: label_noise
      seed: 1
      params:
        lr: [0.5, 1.0, 1.8, 1.9]
        batch: [1, 4, 16]
        spectrum: [1.0]
      simulate:
        mode: streaming
        steps: 200000
        burn_in: 1000
        replicates: 1
      """;
  // 200,000 steps: the Hill estimator needs ≥ 10 order statistics per stretch at k/n = 1e-3.

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void measuredTailIndexMakesTheFigureSevenPlot() throws Exception {
    CellTable cells = TheoryCells.of(SIMULATED);
    List<ReportPlots.Figure> figs = ReportPlots.figures("f7", cells, null);
    ReportPlots.Figure tail = figs.stream()
        .filter(f -> f.name().startsWith("theory-tail-index")).findFirst().orElseThrow();
    // λ has more values than S, yet the tail index is drawn against S, one curve per aλ.
    assertThat(tail.name()).isEqualTo("theory-tail-index-batch-lr");
    assertThat(tail.title()).isEqualTo(
        "tail index β vs batch size S (as in the paper's Figure 7) by aλ");
    XYPlot plot = tail.chart().getXYPlot();
    List<String> keys = new java.util.ArrayList<>();
    for (int d = 0; d < plot.getDatasetCount(); d++) {
      XYDataset ds = plot.getDataset(d);
      for (int s = 0; ds != null && s < ds.getSeriesCount(); s++) {
        keys.add(String.valueOf(ds.getSeriesKey(s)));
      }
    }
    assertThat(keys).contains("exact (Kesten) / aλ = 1.8", "measured (Hill) / aλ = 1.8",
        "Proposition 7 as printed / aλ = 0.5", "continuous time (Mori et al.) / aλ = 1");
    PlotsTest.assertHasContent(tail);

    // Tr Σ: at aλ = 1, S = 1 (β = 1.09) the simulated variance does not exist: left out.
    ReportPlots.Figure trace = figs.stream()
        .filter(f -> f.name().startsWith("theory-trace-sigma")).findFirst().orElseThrow();
    assertThat(trace.caption()).contains("left out because the measured tail index is below 2");
  }

  @Test
  void withoutAMeasuredTailIndexThePlotKeepsTheLongestAxis() {
    CellTable cells = TheoryCells.of(SIMULATED.replace("""
        simulate:
          mode: streaming
          steps: 200000
          burn_in: 1000
          replicates: 1
        """, ""));
    assertThat(cells.hasValues("sim_tail_index")).isFalse();
    List<String> names = ReportPlots.figures("f7", cells, null).stream()
        .map(ReportPlots.Figure::name).toList();
    assertThat(names).contains("theory-tail-index-lr-batch")
        .noneMatch(n -> n.startsWith("theory-tail-index-batch"));
  }
}
