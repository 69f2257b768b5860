package org.sgdnoise.core.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.sgdnoise.core.spec.ParamAxis;
import org.sgdnoise.core.spec.Refine;

/**
 * Adaptive refinement of a boundary by bisection, slice by slice (the {@code refine:} section of
 * a sweep file). Pure logic: the driver feeds it the verdicts of evaluated cells and asks for the
 * next points; Spark is elsewhere.
 *
 * <p>A <em>slice</em> is the set of grid cells that share every parameter but the refine axis;
 * it is named by the grid index of its first cell (axis position 0). Along a slice each cell has
 * a {@link Verdict}: on the far side of the boundary ({@code YES}: diverges, or γ* &lt; 0) or
 * not. A <em>bracket</em> is a pair of neighbouring evaluated points (nothing evaluated between
 * them) with different verdicts; a cell whose verdict is unknown (its computation failed) sits
 * between its neighbours, so it ends a bracket rather than hiding one. Each round evaluates the
 * midpoint of every bracket wider than the tolerance; the midpoint's verdict equals one end's, so
 * the bracket halves and the number of brackets per slice never changes.
 *
 * <p>On an axis whose grid values are all &gt; 0 the bisection is geometric (midpoint √(lo·hi),
 * width hi/lo − 1); otherwise arithmetic (midpoint (lo + hi)/2, width (hi − lo) divided by the
 * grid's range max − min). Everything is deterministic: the same verdicts give the same points,
 * in the same order, whatever the partitioning.
 */
public final class Refinement {
  private final Refine settings;
  private final boolean geometric;
  private final double min;
  private final double max;
  private final long stride;
  private final int axisSize;
  private final long gridSize;
  private final double[] values;

  private Refinement(SweepPlan plan) {
    this.settings = plan.spec().refine();
    if (settings == null) {
      throw new IllegalArgumentException("Cannot refine sweep '" + plan.spec().name()
          + "': its sweep file has no refine section");
    }
    ParamAxis axis = plan.spec().params().get(settings.axis());
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : axis.scalars()) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    this.min = lo;
    this.max = hi;
    this.geometric = lo > 0;
    long[] s = plan.strideOf(settings.axis());
    this.stride = s[0];
    this.axisSize = (int) s[1];
    this.gridSize = plan.size();
    this.values = axis.scalars();
  }

  /** The refinement of a plan whose spec has a {@code refine} section. */
  public static Refinement of(SweepPlan plan) {
    return new Refinement(plan);
  }

  public Refine settings() {
    return settings;
  }

  /** Whether bisection is geometric (every grid value of the axis &gt; 0). */
  public boolean geometric() {
    return geometric;
  }

  /** The slice of a grid cell: the grid index of the slice's cell at axis position 0. */
  public long sliceOf(long gridIndex) {
    return gridIndex - ((gridIndex / stride) % axisSize) * stride;
  }

  /** The axis value of a grid cell. */
  public double valueOf(long gridIndex) {
    return values[(int) ((gridIndex / stride) % axisSize)];
  }

  /** Number of slices of the grid. */
  public long slices() {
    return gridSize / axisSize;
  }

  /** A bracket's width in the tolerance's units: hi/lo − 1, or (hi − lo)/(max − min). */
  public double width(double lo, double hi) {
    return geometric ? hi / lo - 1 : (hi - lo) / (max - min);
  }

  /** The bisection point of [lo, hi]: √(lo·hi) (as √lo·√hi: no overflow), or (lo + hi)/2. */
  public double midpoint(double lo, double hi) {
    return geometric ? Math.sqrt(lo) * Math.sqrt(hi) : lo + (hi - lo) / 2;
  }

  /**
   * Points per slice of a dense grid of equal resolution: evenly spaced (geometrically on a
   * positive axis) from the grid's min to its max with neighbours one tolerance apart, i.e.
   * ⌈ln(max/min)/ln(1 + tol)⌉ + 1, or ⌈1/tol⌉ + 1.
   */
  public long densePointsPerSlice() {
    double steps = geometric ? Math.log(max / min) / Math.log1p(settings.tolerance())
        : 1 / settings.tolerance();
    return (long) Math.ceil(steps * (1 - 1e-12)) + 1;
  }

  /** Cells of a dense grid of equal resolution over every slice. */
  public long denseCells() {
    return Math.multiplyExact(slices(), densePointsPerSlice());
  }

  /** The brackets of a slice, ascending along the axis. */
  public List<Bracket> brackets(Slice slice) {
    List<Bracket> out = new ArrayList<>();
    Map.Entry<Double, Verdict> prev = null;
    for (Map.Entry<Double, Verdict> e : slice.points.entrySet()) {
      if (prev != null && prev.getValue() != Verdict.UNKNOWN
          && e.getValue() != Verdict.UNKNOWN && prev.getValue() != e.getValue()) {
        double lo = prev.getKey();
        double hi = e.getKey();
        double mid = midpoint(lo, hi);
        out.add(new Bracket(lo, hi, prev.getValue(), e.getValue(), width(lo, hi),
            width(lo, hi) <= settings.tolerance(), mid > lo && mid < hi));
      }
      prev = e;
    }
    return out;
  }

  /**
   * The points to evaluate next in a slice, ascending: the midpoint of every bracket wider than
   * the tolerance (unless it cannot be split in double precision).
   */
  public List<Double> next(Slice slice) {
    List<Double> out = new ArrayList<>();
    for (Bracket b : brackets(slice)) {
      if (!b.resolved() && b.splittable()) {
        out.add(midpoint(b.lo(), b.hi()));
      }
    }
    return out;
  }

  /** A cell's side of the boundary. */
  public enum Verdict {
    /** On the near side: stable, or γ* ≥ 0. */
    NO,
    /** On the far side: diverges, or γ* &lt; 0. */
    YES,
    /** Not known (the cell's computation failed, or the source did not evaluate it). */
    UNKNOWN;

    /** {@code null} is unknown. */
    public static Verdict of(Boolean b) {
      return b == null ? UNKNOWN : b ? YES : NO;
    }
  }

  /**
   * Two neighbouring points with different verdicts.
   *
   * @param lo the lower axis value
   * @param hi the upper axis value
   * @param atLo the verdict at lo
   * @param atHi the verdict at hi
   * @param width hi/lo − 1, or (hi − lo)/(grid range)
   * @param resolved width ≤ tolerance
   * @param splittable its midpoint is strictly inside in double precision
   */
  public record Bracket(double lo, double hi, Verdict atLo, Verdict atHi, double width,
      boolean resolved, boolean splittable) {}

  /** One slice's evaluated points along the axis. Mutable; driver-side only. */
  public static final class Slice {
    private final TreeMap<Double, Verdict> points = new TreeMap<>();

    /** Records the verdict at an axis value (−0.0 is 0.0). */
    public void put(double value, Verdict verdict) {
      points.put(value == 0.0 ? 0.0 : value, verdict);
    }

    /** Evaluated points. */
    public int size() {
      return points.size();
    }
  }

  /**
   * What a refinement did, for the run's summary and manifest.
   *
   * @param rounds bisection rounds run (each one Spark wave)
   * @param slices slices of the grid
   * @param brackets brackets found (slices with a boundary have at least one)
   * @param resolved brackets narrower than the tolerance at the end
   * @param gridCells cells of the coarse grid
   * @param refinedCells cells added by the rounds
   * @param denseCells cells of a dense grid of equal resolution
   */
  public record Report(int rounds, long slices, long brackets, long resolved, long gridCells,
      long refinedCells, long denseCells) implements java.io.Serializable {

    /** Grid and refined cells. */
    public long cells() {
      return gridCells + refinedCells;
    }

    /** How many times fewer cells than the dense grid. */
    public double saving() {
      return (double) denseCells / cells();
    }

    /** One line for people. */
    public String text(Refine r) {
      return String.format(Locale.ROOT, "Refinement: %d round%s along %s (%s from %s, tolerance"
              + " %s): %,d of %,d bracket%s in %,d slices resolved; %,d cells (%,d grid + %,d"
              + " refined) vs %,d for a dense grid of equal resolution (%.0f× fewer)", rounds,
          rounds == 1 ? "" : "s", r.axis().yamlName(), r.boundary().yamlName(),
          r.source().yamlName(), r.tolerance(), resolved, brackets, brackets == 1 ? "" : "s",
          slices, cells(), gridCells, refinedCells, denseCells, saving());
    }
  }
}
