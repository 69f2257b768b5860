package org.sgdnoise.spark.report;

import java.awt.Dimension;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import org.apache.batik.dom.GenericDOMImplementation;
import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.w3c.dom.Document;

/**
 * A chart as PNG (JFreeChart's encoder) and SVG (Batik's SVG Graphics2D: Apache-licensed, unlike
 * JFreeSVG). Both render headless: the report sets {@code java.awt.headless=true} before any
 * AWT class loads, and text needs only a font the JVM finds through fontconfig.
 */
public final class ChartFiles {
  private static final String SVG_NS = "http://www.w3.org/2000/svg";

  private ChartFiles() {}

  public static byte[] png(JFreeChart chart, int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChartUtils.writeChartAsPNG(out, chart, width, height);
    return out.toByteArray();
  }

  public static byte[] svg(JFreeChart chart, int width, int height) throws IOException {
    Document doc = GenericDOMImplementation.getDOMImplementation()
        .createDocument(SVG_NS, "svg", null);
    SVGGeneratorContext ctx = SVGGeneratorContext.createDefault(doc);
    ctx.setComment("sgdnoise report chart");
    ctx.setEmbeddedFontsOn(false);
    SVGGraphics2D g = new SVGGraphics2D(ctx, false);
    g.setSVGCanvasSize(new Dimension(width, height));
    chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStreamWriter w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
      g.stream(w, true);
    }
    g.dispose();
    return out.toByteArray();
  }
}
