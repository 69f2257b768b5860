package org.sgdnoise.spark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.sgdnoise.spark.cli.SweepCli;

/**
 * {@code sweep report} end to end: a real simulated sweep on Spark, its report page rendered by
 * headless Chromium from disk (every plot loads), the analysis tables shown when present and
 * noted when absent, bad input refused, and the Figure 5 preset's report with its negative-γ*
 * region.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReportTest {
  static final String SWEEP = """
      name: rep
      kind: label_noise
      seed: 7
      params:
        lr: {logspace: {from: 0.1, to: 2.0, num: 8}}
        batch: [1, 4, 16]
        spectrum: [1.0]
      simulate:
        mode: streaming
        steps: 4000
        burn_in: 500
        replicates: 2
      """;
  private static final Pattern IMG = Pattern.compile("<img class=\"plot\" src=\"([^\"]+)\"");

  @TempDir static Path out;
  static Path sweep;

  @BeforeAll
  static void runSweep() throws Exception {
    Path file = out.resolve("rep.yaml");
    Files.writeString(file, SWEEP);
    // Not analysed yet: the report must render from the cells alone first.
    assertThat(cli("run", file.toString(), "--out", out.toString(), "--no-analyze").code)
        .isZero();
    sweep = out.resolve("rep");
  }

  @Test
  @Order(1)
  void reportShowsEveryPlotInHeadlessChromium(@TempDir Path work) throws Exception {
    Cli r = cli("report", sweep.toString());
    assertThat(r.code).as(r.err).isZero();
    assertThat(r.out).contains("Report: ").contains("no boundaries, gamma_star,"
        + " agreement_summary table");
    Path index = sweep.resolve("report/index.html");
    String html = Files.readString(index);
    List<String> imgs = images(html);
    // λ × S phase map; Tr Σ and tail index against λ, one curve per S.
    assertThat(imgs).hasSize(3);
    for (String src : imgs) {
      Path png = index.resolveSibling(src);
      assertThat(Files.size(png)).as(src).isGreaterThan(PlotsTest.MIN_PNG_BYTES);
      PlotsTest.assertPngHasContent(src, Files.readAllBytes(png));
      Path svg = index.resolveSibling(src.replace(".png", ".svg"));
      PlotsTest.assertSvgHasPaths(src, Files.readAllBytes(svg));
      assertThat(html).contains("href=\"" + src.replace(".png", ".svg") + "\"");
    }
    // The phase map carries the simulation's divergence boundary (legend text in the SVG).
    String phase = Files.readString(index.resolveSibling(imgs.stream()
        .filter(s -> s.startsWith("phase-")).findFirst().orElseThrow().replace(".png", ".svg")));
    assertThat(phase).contains("divergence boundary, theory")
        .contains("divergence boundary, simulation");
    assertThat(html).contains("No <code>boundaries</code> table")
        .contains("No <code>agreement_summary</code> table").doesNotContain("http://")
        .doesNotContain("https://");

    String dom = Chromium.dumpDom(index, work);
    assertThat(dom).contains("data-plots-loaded=\"3/3\"");
    assertThat(count(dom, "data-loaded=\"yes\"")).isEqualTo(3);
    assertThat(dom).doesNotContain("<p class=\"missing\">");

    BufferedImage shot = ImageIO.read(Chromium.screenshot(index, work, 1280, 1600).toFile());
    assertThat(shot.getWidth()).isEqualTo(1280);
    // The first plot starts within the first screen: many colours, not a blank page.
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int x = 0; x < shot.getWidth(); x += 3) {
      for (int y = 0; y < shot.getHeight(); y += 3) {
        colours.add(shot.getRGB(x, y));
      }
    }
    assertThat(colours.size()).isGreaterThan(PlotsTest.MIN_COLOURS);
  }

  @Test
  @Order(2)
  void aMissingPlotFileIsVisibleOnThePage(@TempDir Path work) throws Exception {
    // The check above can fail: remove one plot and Chromium reports it.
    assertThat(cli("report", sweep.toString()).code).isZero();
    Path index = sweep.resolve("report/index.html");
    String first = images(Files.readString(index)).get(0);
    Files.delete(index.resolveSibling(first));
    String dom = Chromium.dumpDom(index, work);
    assertThat(dom).contains("data-plots-loaded=\"2/3\"")
        .contains("<p class=\"missing\">Plot file missing: " + first + "</p>");
  }

  @Test
  @Order(3)
  void analysisTablesAreShownOnceTheSweepIsAnalysed() throws Exception {
    assertThat(cli("analyze", sweep.toString()).code).isZero();
    Cli r = cli("report", sweep.toString());
    assertThat(r.code).as(r.err).isZero();
    assertThat(r.out).doesNotContain("run 'sweep analyze'");
    String html = Files.readString(sweep.resolve("report/index.html"));
    assertThat(html).contains("<th>theory_boundary</th>").contains("<th>mean_abs_z</th>")
        .contains("from the boundaries table").doesNotContain("No <code>boundaries</code> table");
    // γ* applies to l2 only: the label-noise sweep's gamma_star table is there but empty.
    assertThat(html).contains("No rows (γ* rows exist for l2 sweeps only");
    // The page shows every row of the boundaries table as DuckDB reads it: one per S slice.
    long slices;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('"
            + sweep.resolve("boundaries") + "/*.parquet') WHERE axis = 'lr'")) {
      rs.next();
      slices = rs.getLong(1);
    }
    assertThat(slices).isEqualTo(3);
    String table = html.substring(html.indexOf("<th>theory_boundary</th>"));
    table = table.substring(0, table.indexOf("</table>"));
    assertThat(count(table, "<tr>")).isEqualTo(slices);
  }

  @Test
  @Order(4)
  void reportOfAMissingSweepIsRefusedAndWritesNothing() throws Exception {
    Path none = out.resolve("no-such-sweep");
    Cli r = cli("report", none.toString());
    assertThat(r.code).isEqualTo(SweepCli.EXIT_BAD_INPUT);
    assertThat(r.err).contains("Cannot write report: no cells table").contains(none.toString());
    assertThat(none).doesNotExist();
  }

  /** Acceptance 3: the Figure 5 preset's report maps the region where γ* < 0. */
  @Test
  @Order(5)
  void figureFivePresetReportShowsTheNegativeGammaStarRegion() throws Exception {
    Path preset = Path.of("../conf/sweeps/paper-fig5.yaml");
    assertThat(cli("run", preset.toString(), "--out", out.toString()).code).isZero();
    Path fig5 = out.resolve("paper-fig5");
    Cli r = cli("report", fig5.toString());
    assertThat(r.code).as(r.err).isZero();
    Path index = fig5.resolve("report/index.html");
    String html = Files.readString(index);
    assertThat(html).contains("<h2>Best weight decay γ*</h2>").contains("<th>theory_gamma_star</th>");
    Path map = index.resolveSibling("gamma-star-lr-batch.png");
    PlotsTest.assertPngHasContent("γ* map", Files.readAllBytes(map));
    String svg = Files.readString(index.resolveSibling("gamma-star-lr-batch.svg"));
    assertThat(svg).contains("γ* = 0 boundary (theory)").contains("Corollary 1 as printed");
    // The L_test–γ plot at the figure's λ = 1, with the theory's γ* of each S marked.
    assertThat(html).contains("src=\"theory-l-test-weight-decay-batch-lr-1.png\"");
    assertThat(Files.readString(index.resolveSibling("theory-l-test-weight-decay-batch-lr-1.svg")))
        .contains("γ* (theory), one per curve").contains("batch = 64");
    // The region the map colours below zero: cells with γ* < 0, exactly where the corrected
    // Corollary 1 says (a = 4), and the figure's point among them.
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE theory_gamma_star < 0),"
            + " count(*) FILTER (WHERE (theory_gamma_star < 0) <> (greatest(1, 2.0 * batch"
            + " / (batch + 2)) < 4 * lr AND 4 * lr < sqrt(batch / 2.0))),"
            + " bool_and(theory_gamma_star_negative) FILTER (WHERE batch = 64 AND"
            + " abs(lr - 1) < 1e-9) FROM read_parquet('" + fig5.resolve("cells")
            + "/*.parquet')")) {
      rs.next();
      assertThat(rs.getLong(1)).isGreaterThan(0);
      assertThat(rs.getLong(2)).isZero();
      assertThat(rs.getBoolean(3)).isTrue();
    }
  }

  private static List<String> images(String html) {
    List<String> srcs = new ArrayList<>();
    Matcher m = IMG.matcher(html);
    while (m.find()) {
      srcs.add(m.group(1));
    }
    return srcs;
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  record Cli(int code, String out, String err) {}

  static Cli cli(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = SweepCli.execute(args, new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8));
    return new Cli(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }
}
