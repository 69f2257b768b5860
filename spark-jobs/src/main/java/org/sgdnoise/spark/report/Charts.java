package org.sgdnoise.spark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.math.MathContext;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CrosshairState;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYItemRendererState;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.XYZDataset;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * JFreeChart charts of the report: heat maps of a quantity over two grid axes with boundary
 * lines on top, and line plots of theory against simulation (error bars) and baselines. Colours
 * come from {@link ColorScale}; curves differ by marker and line style as well as colour, so
 * they survive grey-scale print.
 */
public final class Charts {
  static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  static final Stroke SOLID = new BasicStroke(2f);
  static final Stroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
      10f, new float[] {8f, 5f}, 0f);
  static final Stroke DOTTED = new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND,
      10f, new float[] {1f, 4f}, 0f);
  static final Stroke DASH_DOT = new BasicStroke(2f, BasicStroke.CAP_BUTT,
      BasicStroke.JOIN_MITER, 10f, new float[] {9f, 4f, 2f, 4f}, 0f);
  /** Grid axes up to this span (max/min) are labelled in powers of 2, wider ones of 10. */
  static final double BASE2_SPAN = 4096;
  /** Markers drawn on each theory curve (at every point they would hide the line). */
  static final int MARKERS_PER_CURVE = 8;
  /**
   * Where the theory says "diverges" (no stationary second moment): grey, hatched. The hatching
   * is drawn as lines (vector in SVG, no embedded bitmap).
   */
  static final Color DIVERGENT = new Color(0xd0d0d0);
  static final Color HATCH = new Color(0x707070);
  static final double HATCH_SPACING = 6;

  private Charts() {}

  /** A boundary or level line drawn over a heat map, in data coordinates. */
  public record Overlay(String label, List<double[]> segments, Paint paint, Stroke stroke) {}

  /** A vertical line across a line plot (a γ*, α = 1). */
  public record Marker(double x, String label, Paint paint, Stroke stroke) {}

  /**
   * One curve of a line plot: {@code source} picks the line style, {@code series} the colour
   * and marker. {@code halfWidth} non-null makes it points with error bars (y ± halfWidth).
   * NaN y values break the curve.
   */
  public record Curve(int source, int series, double[] x, double[] y, double[] halfWidth) {}

  /** A curve source (theory, simulation, a baseline) and how it is drawn. */
  public record Source(String label, Stroke stroke, boolean points) {}

  /**
   * A heat map of {@code z[i][j]} over the grid axes; NaN cells are drawn hatched grey with the
   * legend entry {@code nanLabel}. The colour range spans the finite values.
   */
  public static JFreeChart heatmap(String title, GridAxis x, GridAxis y, double[][] z,
      String zLabel, String nanLabel, List<Overlay> overlays) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    int n = 0;
    for (double[] col : z) {
      for (double v : col) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        n++;
      }
    }
    if (!(lo <= hi)) {
      lo = 0;
      hi = 1;
    } else if (lo == hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    double[][] data = new double[3][n];
    int k = 0;
    for (int i = 0; i < x.size(); i++) {
      for (int j = 0; j < y.size(); j++) {
        data[0][k] = x.value(i);
        data[1][k] = y.value(j);
        data[2][k] = z[i][j];
        k++;
      }
    }
    DefaultXYZDataset ds = new DefaultXYZDataset();
    ds.addSeries(zLabel, data);
    ViridisScale scale = new ViridisScale(lo, hi);
    GridBlockRenderer r = new GridBlockRenderer(x, y);
    r.setPaintScale(scale);
    ValueAxis xa = axis(x.column(), x);
    ValueAxis ya = axis(y.column(), y);
    double[] xe = x.edges();
    double[] ye = y.edges();
    xa.setRange(xe[0], xe[xe.length - 1]);
    ya.setRange(ye[0], ye[ye.length - 1]);
    XYPlot plot = new XYPlot(ds, xa, ya, r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
    LegendItemCollection legend = new LegendItemCollection();
    legend.add(new LegendItem(nanLabel, null, null, null, true, hatchSwatch(), true, DIVERGENT,
        true, HATCH, new BasicStroke(1f), false, new Line2D.Double(), new BasicStroke(1f),
        HATCH));
    // The first overlay (the theory's) is drawn last, on top of lines that coincide with it.
    for (int m = overlays.size() - 1; m >= 0; m--) {
      Overlay o = overlays.get(m);
      for (double[] s : o.segments()) {
        plot.addAnnotation(new XYLineAnnotation(s[0], s[1], s[2], s[3], o.stroke(), o.paint()));
      }
    }
    for (Overlay o : overlays) {
      legend.add(lineItem(o.label(), o.stroke(), o.paint(), null));
    }
    plot.setFixedLegendItems(legend);
    JFreeChart chart = chart(title, plot);
    NumberAxis za = new NumberAxis(zLabel);
    za.setLabelFont(LABEL);
    za.setTickLabelFont(TICK);
    za.setRange(lo, hi);
    PaintScaleLegend psl = new PaintScaleLegend(scale, za);
    psl.setPosition(RectangleEdge.RIGHT);
    psl.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
    psl.setMargin(new RectangleInsets(6, 6, 6, 6));
    psl.setStripWidth(14);
    psl.setBackgroundPaint(Color.WHITE);
    chart.addSubtitle(psl);
    return chart;
  }

  /**
   * A line plot: every curve with its source's line style (or points with error bars) and its
   * series' colour and marker; the legend names the series ({@code seriesLabels}) and the
   * sources separately.
   */
  public static JFreeChart lines(String title, GridAxis x, String yLabel, boolean yLog,
      List<Source> sources, List<String> seriesLabels, List<Curve> curves,
      List<Marker> markers) {
    XYPlot plot = new XYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    plot.setDomainAxis(axis(x.column(), x));
    ValueAxis ya = yLog ? logAxis(yLabel, 10) : new NumberAxis(yLabel);
    styleAxis(ya);
    if (ya instanceof NumberAxis na) {
      na.setAutoRangeIncludesZero(false);
    }
    plot.setRangeAxis(ya);
    for (int s = 0; s < sources.size(); s++) {
      Source src = sources.get(s);
      XYDataset ds = src.points() ? new YIntervalSeriesCollection() : new XYSeriesCollection();
      XYLineAndShapeRenderer r = src.points() ? new XYErrorRenderer()
          : new XYLineAndShapeRenderer(true, false);
      // One path per curve: a dash pattern restarted at every short segment would look solid.
      r.setDrawSeriesLineAsPath(true);
      if (r instanceof XYErrorRenderer er) {
        er.setDefaultLinesVisible(false);
        er.setDefaultShapesVisible(true);
        er.setCapLength(5);
        er.setErrorStroke(new BasicStroke(1.2f));
      }
      int idx = 0;
      for (Curve c : curves) {
        if (c.source() != s) {
          continue;
        }
        String key = src.label() + " / " + seriesLabels.get(c.series());
        if (ds instanceof YIntervalSeriesCollection yc) {
          YIntervalSeries ys = new YIntervalSeries(key, false, true);
          for (int k = 0; k < c.x().length; k++) {
            double v = c.y()[k];
            double h = c.halfWidth()[k];
            if (Double.isFinite(v) && (!yLog || v > 0)) {
              double h0 = Double.isFinite(h) ? h : 0;
              double low = yLog && v - h0 <= 0 ? v / 10 : v - h0;
              ys.add(c.x()[k], v, low, v + h0);
            }
          }
          yc.addSeries(ys);
        } else {
          XYSeries xs = new XYSeries(key, false, true);
          for (int k = 0; k < c.x().length; k++) {
            double v = c.y()[k];
            xs.add(c.x()[k], Double.isFinite(v) && (!yLog || v > 0) ? v : null);
          }
          ((XYSeriesCollection) ds).addSeries(xs);
        }
        Paint p = ColorScale.category(c.series());
        r.setSeriesPaint(idx, p);
        r.setSeriesStroke(idx, src.stroke());
        r.setSeriesShape(idx, shape(c.series()));
        r.setSeriesShapesVisible(idx, src.points());
        r.setSeriesShapesFilled(idx, src.points());
        idx++;
      }
      plot.setDataset(s, ds);
      plot.setRenderer(s, r);
    }
    // Markers on the first source's curves (theory), a few per curve, so each series is told
    // apart by its marker as well as its colour.
    XYSeriesCollection marks = new XYSeriesCollection();
    XYLineAndShapeRenderer mr = new XYLineAndShapeRenderer(false, true);
    for (Curve c : curves) {
      if (c.source() != 0) {
        continue;
      }
      XYSeries ms = new XYSeries("markers " + c.series(), false, true);
      int[] finite = java.util.stream.IntStream.range(0, c.x().length)
          .filter(k -> Double.isFinite(c.y()[k]) && (!yLog || c.y()[k] > 0)).toArray();
      int step = Math.max(1, (int) Math.ceil(finite.length / (double) MARKERS_PER_CURVE));
      for (int k = step / 2; k < finite.length; k += step) {
        ms.add(c.x()[finite[k]], c.y()[finite[k]]);
      }
      mr.setSeriesPaint(marks.getSeriesCount(), ColorScale.category(c.series()));
      mr.setSeriesShape(marks.getSeriesCount(), shape(c.series()));
      mr.setSeriesShapesFilled(marks.getSeriesCount(), false);
      marks.addSeries(ms);
    }
    plot.setDataset(sources.size(), marks);
    plot.setRenderer(sources.size(), mr);
    LegendItemCollection legend = new LegendItemCollection();
    if (seriesLabels.size() > 1 || !seriesLabels.get(0).isEmpty()) {
      for (int i = 0; i < seriesLabels.size(); i++) {
        legend.add(lineItem(seriesLabels.get(i), SOLID, ColorScale.category(i), shape(i)));
      }
    }
    for (Source src : sources) {
      legend.add(src.points()
          ? new LegendItem(src.label() + " ± 2 SE", null, null, null, shape(0), Color.BLACK)
          : lineItem(src.label(), src.stroke(), Color.BLACK, null));
    }
    for (Marker m : markers) {
      ValueMarker vm = new ValueMarker(m.x(), m.paint(), m.stroke());
      plot.addDomainMarker(vm);
    }
    markers.stream().map(Marker::label).filter(l -> l != null).distinct()
        .forEach(l -> markers.stream().filter(m -> l.equals(m.label())).findFirst()
            .ifPresent(m -> legend.add(lineItem(l, m.stroke(), Color.GRAY, null))));
    plot.setFixedLegendItems(legend);
    return chart(title, plot);
  }

  private static JFreeChart chart(String title, XYPlot plot) {
    JFreeChart chart = new JFreeChart(null, TITLE, plot, true);
    TextTitle t = new TextTitle(title, TITLE);
    chart.setTitle(t);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getLegend().setItemFont(TICK);
    chart.getLegend().setPosition(RectangleEdge.BOTTOM);
    chart.setAntiAlias(true);
    return chart;
  }

  private static ValueAxis axis(String label, GridAxis g) {
    ValueAxis a;
    if (g.log()) {
      // Powers of 2 label λ and S grids well (0.25, 0.5, 1, 2; S = 1, 2, 4, ...); wider
      // ranges get powers of 10.
      a = logAxis(label, g.value(g.size() - 1) / g.value(0) <= BASE2_SPAN ? 2 : 10);
    } else {
      NumberAxis na = new NumberAxis(label);
      na.setAutoRangeIncludesZero(false);
      a = na;
    }
    styleAxis(a);
    return a;
  }

  private static LogAxis logAxis(String label, double base) {
    LogAxis a = new LogAxis(label);
    a.setBase(base);
    a.setSmallestValue(1e-300);
    // Ticks at whole powers of the base only (the default also puts them at half powers).
    TickUnits units = new TickUnits();
    for (int k : new int[] {1, 2, 3, 5, 10, 20, 50, 100}) {
      units.add(new NumberTickUnit(k));
    }
    a.setStandardTickUnits(units);
    a.setNumberFormatOverride(new ShortNumberFormat());
    a.setMinorTickMarksVisible(true);
    return a;
  }

  /** Tick labels: at most 4 significant digits, plain where short, else 1e-05 style. */
  static final class ShortNumberFormat extends NumberFormat {
    private static final long serialVersionUID = 1L;

    @Override
    public StringBuffer format(double v, StringBuffer b, FieldPosition pos) {
      double m = Math.abs(v);
      if (v == 0 || (m >= 1e-3 && m < 1e5)) {
        return b.append(new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros()
            .toPlainString());
      }
      return b.append(String.format(Locale.ROOT, "%.3g", v).replaceAll("\\.?0+e", "e"));
    }

    @Override
    public StringBuffer format(long v, StringBuffer b, FieldPosition pos) {
      return format((double) v, b, pos);
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
      throw new UnsupportedOperationException("tick labels are not parsed");
    }
  }

  private static void styleAxis(ValueAxis a) {
    a.setLabelFont(LABEL);
    a.setTickLabelFont(TICK);
  }

  private static LegendItem lineItem(String label, Stroke stroke, Paint paint, Shape shape) {
    return new LegendItem(label, null, null, null, shape != null,
        shape != null ? shape : new Rectangle(0, 0, 1, 1), false, paint, shape != null, paint,
        new BasicStroke(1f), true, new Line2D.Double(-12, 0, 12, 0), stroke, paint);
  }

  /** Marker shapes: circle, square, triangles, diamond, cross... one per series. */
  static Shape shape(int i) {
    float s = 4f;
    return switch (Math.floorMod(i, 8)) {
      case 0 -> new java.awt.geom.Ellipse2D.Double(-s, -s, 2 * s, 2 * s);
      case 1 -> new Rectangle2D.Double(-s, -s, 2 * s, 2 * s);
      case 2 -> ShapeUtils.createUpTriangle(s + 1);
      case 3 -> ShapeUtils.createDiamond(s + 1);
      case 4 -> ShapeUtils.createDownTriangle(s + 1);
      case 5 -> ShapeUtils.createDiagonalCross(s, 1.5f);
      case 6 -> ShapeUtils.createRegularCross(s + 1, 1.5f);
      default -> new java.awt.Polygon(new int[] {-4, 5, -4}, new int[] {-5, 0, 5}, 3);
    };
  }

  /** A 12 × 12 legend swatch: a square with two diagonal hatch lines. */
  private static Shape hatchSwatch() {
    java.awt.geom.Path2D.Double p = new java.awt.geom.Path2D.Double();
    p.append(new Rectangle(-6, -6, 12, 12), false);
    p.moveTo(-6, 0);
    p.lineTo(0, -6);
    p.moveTo(-6, 6);
    p.lineTo(6, -6);
    p.moveTo(0, 6);
    p.lineTo(6, 0);
    return p;
  }

  /** Grey fill and diagonal lines every {@link #HATCH_SPACING} pixels, clipped to the block. */
  private static void hatch(Graphics2D g2, Rectangle2D block) {
    g2.setPaint(DIVERGENT);
    g2.fill(block);
    Shape clip = g2.getClip();
    g2.clip(block);
    g2.setPaint(HATCH);
    g2.setStroke(new BasicStroke(1f));
    double x0 = block.getMinX();
    double y1 = block.getMaxY();
    double span = block.getWidth() + block.getHeight();
    // Lines x + y = const, anchored to the canvas so neighbouring blocks line up.
    double start = Math.floor((x0 + block.getMinY()) / HATCH_SPACING) * HATCH_SPACING;
    for (double c = start; c <= block.getMaxX() + y1 + HATCH_SPACING; c += HATCH_SPACING) {
      g2.draw(new Line2D.Double(c - y1, y1, c - y1 + span, y1 - span));
    }
    g2.setClip(clip);
  }

  /** Viridis over [lo, hi]; NaN is {@link #DIVERGENT}. */
  static final class ViridisScale implements PaintScale, java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final double lo;
    private final double hi;

    ViridisScale(double lo, double hi) {
      this.lo = lo;
      this.hi = hi;
    }

    @Override
    public double getLowerBound() {
      return lo;
    }

    @Override
    public double getUpperBound() {
      return hi;
    }

    @Override
    public Paint getPaint(double v) {
      return Double.isNaN(v) ? DIVERGENT : ColorScale.viridis((v - lo) / (hi - lo));
    }
  }

  /** Blocks from grid edge to grid edge (uneven and geometric grids drawn true to scale). */
  static final class GridBlockRenderer extends XYBlockRenderer {
    private static final long serialVersionUID = 1L;
    private final transient GridAxis x;
    private final transient GridAxis y;
    private final double[] xe;
    private final double[] ye;

    GridBlockRenderer(GridAxis x, GridAxis y) {
      this.x = x;
      this.y = y;
      this.xe = x.edges();
      this.ye = y.edges();
    }

    @Override
    public void drawItem(Graphics2D g2, XYItemRendererState state, Rectangle2D dataArea,
        PlotRenderingInfo info, XYPlot plot, ValueAxis domainAxis, ValueAxis rangeAxis,
        XYDataset dataset, int series, int item, CrosshairState crosshairState, int pass) {
      int i = x.indexOf(dataset.getXValue(series, item));
      int j = y.indexOf(dataset.getYValue(series, item));
      if (i < 0 || j < 0) {
        return;
      }
      double z = ((XYZDataset) dataset).getZValue(series, item);
      double x0 = domainAxis.valueToJava2D(xe[i], dataArea, plot.getDomainAxisEdge());
      double x1 = domainAxis.valueToJava2D(xe[i + 1], dataArea, plot.getDomainAxisEdge());
      double y0 = rangeAxis.valueToJava2D(ye[j], dataArea, plot.getRangeAxisEdge());
      double y1 = rangeAxis.valueToJava2D(ye[j + 1], dataArea, plot.getRangeAxisEdge());
      Rectangle2D block = new Rectangle2D.Double(Math.min(x0, x1), Math.min(y0, y1),
          Math.abs(x1 - x0), Math.abs(y1 - y0));
      if (Double.isNaN(z)) {
        hatch(g2, block);
        return;
      }
      g2.setPaint(getPaintScale().getPaint(z));
      g2.fill(block);
      // Outline in the fill colour: no hairline seams between blocks when antialiased.
      g2.setStroke(new BasicStroke(0.6f));
      g2.draw(block);
    }
  }
}
