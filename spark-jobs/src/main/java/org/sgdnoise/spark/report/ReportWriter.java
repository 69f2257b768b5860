package org.sgdnoise.spark.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sgdnoise.spark.OutputLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code <out>/<name>/report/}: {@code index.html}, one static page that opens from disk
 * (no server, no external scripts or styles), and every plot beside it as PNG and SVG. It reads
 * the {@code cells} table, the manifest, and the analysis tables {@code boundaries}, {@code
 * gamma_star} and {@code agreement_summary} when they exist; without them the page still has
 * every plot drawn from the cells (boundaries then come from the cells' own divergence flags).
 * An existing report folder is replaced: the report is derived from the tables.
 */
public final class ReportWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);
  /** Rows of the cells table the plots read at most (the page says when it was cut). */
  public static final int MAX_PLOT_ROWS = 250_000;
  /** Rows of an analysis table read for the page and overlays at most. */
  static final int MAX_ANALYSIS_ROWS = 100_000;
  /** The analysis tables the page shows, in order. */
  static final List<String> ANALYSIS_TABLES =
      List.of("boundaries", "gamma_star", "agreement_summary");

  /** Cells columns the plots may use (those present are read). */
  static final List<String> PLOT_COLUMNS;

  static {
    List<String> c = new ArrayList<>(List.of("kind"));
    c.addAll(ReportPlots.NUMERIC_PARAMS);
    c.addAll(ReportPlots.OTHER_PARAMS);
    c.addAll(List.of("theory_trace_sigma", "theory_tr_a_sigma", "theory_l_train",
        "theory_l_test", "theory_diverges", "theory_critical_lr", "theory_gamma_star",
        "theory_gamma_star_negative", "theory_tail_index", "paper_tail_index",
        "baseline_cts_tail_index", "paper_l_train", "paper_l_test", "paper_diverges",
        "paper_gamma_star_negative", "baseline_cts_trace_sigma", "baseline_cts_l_test",
        "baseline_dt_trace_sigma", "baseline_dt_l_test", "baseline_dt_tr_a_sigma",
        "sim_trace_sigma", "sim_trace_sigma_se", "sim_l_train", "sim_l_train_se", "sim_l_test",
        "sim_l_test_se", "sim_diverged_fraction", "sim_tail_index", "sim_tail_index_se",
        "theory_finite_trace_sigma", "theory_finite_l_train", "theory_finite_l_test",
        "a_trace", "trained_test_accuracy", "trained_test_accuracy_se",
        "trained_best_test_accuracy", "trained_test_loss", "trained_test_loss_se",
        "trained_best_test_loss", "trained_train_loss_variance",
        "trained_train_loss_variance_se", "trained_trace_noise", "trained_trace_noise_se",
        "trained_trace_noise_theorem5"));
    PLOT_COLUMNS = List.copyOf(c);
  }

  private ReportWriter() {}

  /** What was written: the page and the plots. */
  public record Written(Path index, int plots, List<String> missingTables) {}

  /** The report folder of a sweep. */
  public static Path folder(OutputLayout layout) {
    return new Path(layout.sweep(), "report");
  }

  /**
   * Reads the sweep's tables and writes its report.
   *
   * @throws IllegalArgumentException when the sweep has no cells table
   */
  public static Written write(SparkSession spark, OutputLayout layout) throws IOException {
    System.setProperty("java.awt.headless", "true");
    FileSystem fs = layout.fileSystem(spark.sparkContext().hadoopConfiguration());
    if (!fs.exists(layout.cells())) {
      throw new IllegalArgumentException("Cannot write report: no cells table (run the sweep"
          + " first): " + layout.display(fs, layout.cells()));
    }
    JsonNode manifest = readManifest(fs, layout);
    Read cells = read(spark, layout.cells(), PLOT_COLUMNS, MAX_PLOT_ROWS);
    Map<String, Read> analysis = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String t : ANALYSIS_TABLES) {
      Path p = new Path(layout.sweep(), t);
      if (fs.exists(p)) {
        analysis.put(t, read(spark, p, null, MAX_ANALYSIS_ROWS));
      } else {
        missing.add(t);
      }
    }
    String sweep = layout.sweep().getName();
    Read b = analysis.get("boundaries");
    List<ReportPlots.Figure> figures =
        ReportPlots.figures(sweep, cells.table(), b == null ? null : b.table());

    Path dir = folder(layout);
    fs.delete(dir, true);
    fs.mkdirs(dir);
    for (ReportPlots.Figure f : figures) {
      put(fs, new Path(dir, f.name() + ".png"), ChartFiles.png(f.chart(), f.width(), f.height()));
      put(fs, new Path(dir, f.name() + ".svg"), ChartFiles.svg(f.chart(), f.width(), f.height()));
    }
    String html = ReportHtml.page(sweep, manifest, cells, figures, analysis, missing,
        layout.display(fs, layout.sweep()));
    Path index = new Path(dir, "index.html");
    put(fs, index, html.getBytes(StandardCharsets.UTF_8));
    LOG.info("Report of sweep '{}': {} plots in {}", sweep, figures.size(), dir);
    return new Written(index, figures.size(), missing);
  }

  /** A table read into the driver: its rows (maybe cut at the cap) and its full row count. */
  record Read(CellTable table, long rows) {
    boolean cut() {
      return rows > table.size();
    }
  }

  private static Read read(SparkSession spark, Path p, List<String> wanted, int cap) {
    Dataset<Row> df = spark.read().parquet(p.toString());
    List<String> present = new ArrayList<>();
    for (String f : df.schema().fieldNames()) {
      if (wanted == null || wanted.contains(f)) {
        present.add(f);
      }
    }
    Dataset<Row> sel = df.selectExpr(present.stream().map(c -> "`" + c + "`")
        .toArray(String[]::new));
    long total = sel.count();
    List<Object[]> rows = new ArrayList<>();
    for (Row r : sel.limit(cap).collectAsList()) {
      Object[] v = new Object[present.size()];
      for (int k = 0; k < v.length; k++) {
        v[k] = r.get(k);
      }
      rows.add(v);
    }
    return new Read(new CellTable(present, rows), total);
  }

  private static JsonNode readManifest(FileSystem fs, OutputLayout layout) throws IOException {
    if (!fs.exists(layout.manifest())) {
      return null;
    }
    try (InputStream in = fs.open(layout.manifest())) {
      return new ObjectMapper().readTree(in);
    }
  }

  private static void put(FileSystem fs, Path p, byte[] bytes) throws IOException {
    try (OutputStream os = fs.create(p, true)) {
      os.write(bytes);
    }
  }
}
