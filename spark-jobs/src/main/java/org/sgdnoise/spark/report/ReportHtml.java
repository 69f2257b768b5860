package org.sgdnoise.spark.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The report page: sweep parameters, plots (PNG, linked to their SVG), the analysis tables and
 * the agreement summary. Self-contained: inline style, one small inline script that marks each
 * plot as loaded (or says which file is missing), relative links only.
 */
final class ReportHtml {
  /** Rows of an analysis table shown on the page at most. */
  static final int MAX_TABLE_ROWS = 200;
  private static final Set<String> HIDDEN = Set.of("sweep", "schema_version", "slice_id");

  private static final String STYLE = """
      body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:2em auto;max-width:1200px;
      padding:0 1em;color:#222;line-height:1.4}
      h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
      table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
      th,td{border:1px solid #ccc;padding:.2em .5em;text-align:right}
      th{background:#f0f0f0}td.s{text-align:left}
      .wide{overflow-x:auto}figure{display:inline-block;margin:1em 1em 1em 0;vertical-align:top}
      figure img{max-width:100%;border:1px solid #ddd}figcaption{max-width:760px;font-size:.85em}
      .note{color:#555;font-style:italic}.missing{color:#b00;font-weight:bold}
      pre{background:#f7f7f7;padding:.8em;overflow-x:auto}
      """;

  private static final String SCRIPT = """
      window.addEventListener('load', function () {
        var imgs = document.querySelectorAll('img.plot'), ok = 0;
        imgs.forEach(function (im) {
          var good = im.complete && im.naturalWidth > 0;
          im.setAttribute('data-loaded', good ? 'yes' : 'no');
          if (good) { ok++; return; }
          var p = document.createElement('p');
          p.className = 'missing';
          p.textContent = 'Plot file missing: ' + im.getAttribute('src');
          im.parentNode.insertBefore(p, im);
        });
        document.body.setAttribute('data-plots-loaded', ok + '/' + imgs.length);
      });
      """;

  private ReportHtml() {}

  static String page(String sweep, JsonNode manifest, ReportWriter.Read cells,
      List<ReportPlots.Figure> figures, Map<String, ReportWriter.Read> analysis,
      List<String> missing, String location) {
    StringBuilder h = new StringBuilder(32_768);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
        .append(esc("Sweep " + sweep)).append("</title>\n<style>").append(STYLE)
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>Sweep ").append(esc(sweep)).append("</h1>\n");
    summary(h, manifest, cells, location);
    parameters(h, cells.table());
    if (manifest != null && manifest.hasNonNull("spec_text")) {
      h.append("<details><summary>The sweep file as run (")
          .append(esc(manifest.path("spec_file").asText("")))
          .append(")</summary>\n<pre>").append(esc(manifest.get("spec_text").asText()))
          .append("</pre></details>\n");
    }
    if (cells.cut()) {
      h.append(String.format(Locale.ROOT, "<p class=\"note\">The plots use the first %,d of"
          + " %,d cells.</p>\n", cells.table().size(), cells.rows()));
    }
    for (ReportPlots.Section s : ReportPlots.Section.values()) {
      List<ReportPlots.Figure> in = figures.stream().filter(f -> f.section() == s).toList();
      if (in.isEmpty()) {
        continue;
      }
      h.append("<h2>").append(esc(s.heading())).append("</h2>\n");
      for (ReportPlots.Figure f : in) {
        h.append("<figure><a href=\"").append(esc(f.name())).append(".svg\"><img class=\"plot\""
                + " src=\"").append(esc(f.name())).append(".png\" width=\"").append(f.width())
            .append("\" height=\"").append(f.height()).append("\" alt=\"")
            .append(esc(f.title())).append("\"></a><figcaption><b>").append(esc(f.title()))
            .append(".</b> ").append(esc(f.caption())).append(" <a href=\"")
            .append(esc(f.name())).append(".svg\">SVG</a></figcaption></figure>\n");
      }
    }
    if (figures.isEmpty()) {
      h.append("<p class=\"note\">No plots: the sweep varies no numeric parameter.</p>\n");
    }
    table(h, "Divergence boundaries", "boundaries", analysis, missing,
        "Per slice of the grid along one axis: the last stable and first divergent value,"
            + " theory and simulation, and the interpolated boundary.");
    table(h, "Best weight decay γ*", "gamma_star", analysis, missing,
        "Per combination of the parameters other than the weight decay.");
    table(h, "Agreement of theory and simulation", "agreement_summary", analysis, missing,
        "Simulation minus prediction in standard errors, per kind, source and quantity.");
    h.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
    return h.toString();
  }

  private static void summary(StringBuilder h, JsonNode m, ReportWriter.Read cells,
      String location) {
    h.append("<p>");
    if (m != null) {
      h.append("Kind <b>").append(esc(m.path("kind").asText("?"))).append("</b>, status <b>")
          .append(esc(m.path("status").asText("?"))).append("</b>, ");
    }
    h.append(String.format(Locale.ROOT, "%,d cells", cells.rows()));
    if (m != null && m.has("result")) {
      JsonNode r = m.get("result");
      h.append(String.format(Locale.ROOT, " (%,d diverge in theory, %,d in simulation),"
              + " computed in %.1f s", r.path("theory_diverged_cells").asLong(),
          r.path("simulation_diverged_cells").asLong(), r.path("elapsed_seconds").asDouble()));
    }
    h.append(". Tables in <code>").append(esc(location)).append("</code>.");
    if (m != null && m.has("versions")) {
      JsonNode v = m.get("versions");
      h.append(" sgdnoise ").append(esc(v.path("sgdnoise").asText("?"))).append(", Spark ")
          .append(esc(v.path("spark").asText("?"))).append('.');
    }
    h.append("</p>\n");
  }

  private static void parameters(StringBuilder h, CellTable t) {
    h.append("<h2>Parameters</h2>\n<table><tr><th>parameter</th><th>values</th>"
        + "<th>min</th><th>max</th><th>grid</th></tr>\n");
    StringBuilder fixed = new StringBuilder();
    for (String c : ReportPlots.NUMERIC_PARAMS) {
      if (!t.has(c) || t.distinct(c).isEmpty()) {
        continue;
      }
      GridAxis a = t.axis(c);
      if (a.size() > 1) {
        h.append("<tr><td class=\"s\">").append(esc(c)).append("</td><td>").append(a.size())
            .append("</td><td>").append(ReportPlots.fmt(a.value(0))).append("</td><td>")
            .append(ReportPlots.fmt(a.value(a.size() - 1))).append("</td><td class=\"s\">")
            .append(a.log() ? "logarithmic" : "linear").append("</td></tr>\n");
      } else {
        fixed.append(fixed.length() == 0 ? "" : ", ").append(c).append(" = ")
            .append(ReportPlots.fmt(a.value(0)));
      }
    }
    for (String c : ReportPlots.OTHER_PARAMS) {
      List<Object> d = t.has(c) ? t.distinct(c) : List.of();
      if (d.size() > 1) {
        h.append("<tr><td class=\"s\">").append(esc(c)).append("</td><td>").append(d.size())
            .append("</td><td colspan=\"3\" class=\"s\">")
            .append(esc(String.join("; ", d.stream().limit(8).map(String::valueOf).toList())))
            .append(d.size() > 8 ? "; …" : "").append("</td></tr>\n");
      } else if (d.size() == 1) {
        fixed.append(fixed.length() == 0 ? "" : ", ").append(c).append(" = ")
            .append(ReportPlots.format(d.get(0)));
      }
    }
    h.append("</table>\n<p>Fixed: ").append(esc(fixed.toString())).append("</p>\n");
  }

  private static void table(StringBuilder h, String heading, String name,
      Map<String, ReportWriter.Read> analysis, List<String> missing, String what) {
    h.append("<h2>").append(esc(heading)).append("</h2>\n");
    ReportWriter.Read r = analysis.get(name);
    if (r == null) {
      if (missing.contains(name)) {
        h.append("<p class=\"note\">No <code>").append(name).append("</code> table: run"
            + " <code>scripts/sweep analyze</code> on this sweep, then this report again.</p>\n");
      }
      return;
    }
    h.append("<p>").append(esc(what)).append(" Table <code>").append(name).append("</code>.</p>\n");
    if (r.rows() == 0) {
      h.append("<p class=\"note\">No rows (γ* rows exist for l2 sweeps only; boundaries need a"
          + " varying axis).</p>\n");
      return;
    }
    CellTable t = r.table();
    List<String> cols = t.columns().stream().filter(c -> !HIDDEN.contains(c))
        .filter(t::hasValues).toList();
    h.append("<div class=\"wide\"><table><tr>");
    for (String c : cols) {
      h.append("<th>").append(esc(c)).append("</th>");
    }
    h.append("</tr>\n");
    int n = Math.min(MAX_TABLE_ROWS, t.size());
    for (int i = 0; i < n; i++) {
      Object[] row = t.rows().get(i);
      h.append("<tr>");
      for (String c : cols) {
        Object v = t.get(row, c);
        boolean text = !(v instanceof Number);
        h.append(text ? "<td class=\"s\">" : "<td>")
            .append(v == null ? "" : esc(ReportPlots.format(v))).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table></div>\n");
    if (r.rows() > n) {
      h.append(String.format(Locale.ROOT, "<p class=\"note\">Showing the first %,d of %,d rows;"
          + " the whole table is the Parquet folder <code>%s</code>.</p>\n", n, r.rows(), name));
    }
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
