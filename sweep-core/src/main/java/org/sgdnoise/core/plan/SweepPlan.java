package org.sgdnoise.core.plan;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.sgdnoise.core.spec.Dimension;
import org.sgdnoise.core.spec.Param;
import org.sgdnoise.core.spec.ParamAxis;
import org.sgdnoise.core.spec.Simulate;
import org.sgdnoise.core.spec.SweepSpec;

/**
 * A sweep as a function from index to cell: {@code cell(i)} for {@code i in [0, size())}, by
 * mixed-radix decoding over the spec's dimensions (the last dimension varies fastest; a zip
 * group is one digit). Nothing is materialised: memory is that of the spec's axes, whatever the
 * number of cells. Serializable so that executors can decode their own index ranges.
 */
public final class SweepPlan implements CellSource {
  private static final long serialVersionUID = 1L;

  private final SweepSpec spec;
  private final long size;
  /** For each dimension, from the last: its radix. */
  private final int[] radix;
  /** For each parameter, the dimension that carries it, or -1 when fixed. */
  private final Map<Param, Integer> dimOf = new EnumMap<>(Param.class);
  /** Spectrum A = I of size D, built once per dim value. */
  private final Map<Integer, double[]> identitySpectra = new java.util.HashMap<>();

  private SweepPlan(SweepSpec spec) {
    this.spec = spec;
    this.size = spec.cellCount();
    List<Dimension> dims = spec.dimensions();
    this.radix = new int[dims.size()];
    for (int d = 0; d < dims.size(); d++) {
      radix[d] = dims.get(d).size();
      for (Param p : dims.get(d).params()) {
        dimOf.put(p, d);
      }
    }
    ParamAxis dim = spec.params().get(Param.DIM);
    if (dim != null) {
      for (int k = 0; k < dim.size(); k++) {
        double[] ones = new double[(int) dim.scalar(k)];
        Arrays.fill(ones, 1.0);
        identitySpectra.put((int) dim.scalar(k), ones);
      }
    }
  }

  public static SweepPlan of(SweepSpec spec) {
    return new SweepPlan(spec);
  }

  public SweepSpec spec() {
    return spec;
  }

  /** Number of cells. */
  public long size() {
    return size;
  }

  /** Replicates over all cells. */
  public long totalReplicates() {
    return Math.multiplyExact(size, (long) spec.replicates());
  }

  /** SGD steps over all cells and replicates (saturates at Long.MAX_VALUE). */
  public long totalSteps() {
    try {
      return Math.multiplyExact(totalReplicates(), spec.steps());
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Upper bound on the heap one cell's replicate needs: the simulator's estimate at the largest
   * D and the largest data set of the grids (exact when they are on different axes, an upper
   * bound when zipped). Replicates of a cell run one after another.
   */
  public long maxCellBytes() {
    if (spec.kind().trains()) {
      int maxWidth = 0;
      ParamAxis width = spec.params().get(Param.WIDTH);
      for (int k = 0; width != null && k < width.size(); k++) {
        maxWidth = Math.max(maxWidth, (int) width.scalar(k));
      }
      return org.sgdnoise.core.nn.Trainer.memoryBytes(maxWidth, spec.train());
    }
    int maxDim = 0;
    ParamAxis spectrum = spec.params().get(Param.SPECTRUM);
    ParamAxis dim = spec.params().get(Param.DIM);
    for (int k = 0; k < (spectrum != null ? spectrum.size() : dim.size()); k++) {
      maxDim = Math.max(maxDim, spectrum != null ? spectrum.vector(k).length
          : (int) dim.scalar(k));
    }
    long maxN = 0;
    ParamAxis n = spec.params().get(Param.N);
    ParamAxis alpha = spec.params().get(Param.ALPHA);
    if (n != null) {
      for (int k = 0; k < n.size(); k++) {
        maxN = Math.max(maxN, (long) n.scalar(k));
      }
    } else if (alpha != null) {
      for (int k = 0; k < alpha.size(); k++) {
        maxN = Math.max(maxN, Math.round(alpha.scalar(k) * maxDim));
      }
    }
    return org.sgdnoise.core.sim.Simulator.memoryBytes(maxDim, maxN,
        spec.simulate());
  }

  /** The cell at {@code index}. */
  @Override
  public Cell cell(long index) {
    return build(index, decode(index), null, Double.NaN);
  }

  /**
   * A cell off the grid: the grid cell at {@code gridIndex} with the scalar parameter {@code
   * axis} set to {@code value} (adaptive refinement, {@link Refinement}). Its id is computed
   * from its parameters like any cell's; {@code index} is its position in the sweep, past the
   * grid.
   */
  public Cell cellAt(long index, long gridIndex, Param axis, double value) {
    if (axis.type() != Param.ValueType.REAL) {
      throw new IllegalArgumentException("Cannot move a cell along a non-real parameter: "
          + axis.yamlName());
    }
    return build(index, decode(gridIndex), axis, value);
  }

  /**
   * The stride of the dimension carrying {@code p} in the mixed-radix index (the product of the
   * later dimensions' sizes), and its size: index = … + position · stride + …
   *
   * @return {stride, size}
   */
  public long[] strideOf(Param p) {
    Integer d = dimOf.get(p);
    if (d == null) {
      throw new IllegalArgumentException("Cannot find the axis of a fixed parameter: "
          + p.yamlName());
    }
    long stride = 1;
    for (int k = radix.length - 1; k > d; k--) {
      stride *= radix[k];
    }
    return new long[] {stride, radix[d]};
  }

  private int[] decode(long index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("cell index " + index + " outside [0, " + size + ")");
    }
    int[] pos = new int[radix.length];
    long rest = index;
    for (int d = radix.length - 1; d >= 0; d--) {
      pos[d] = (int) (rest % radix[d]);
      rest /= radix[d];
    }
    return pos;
  }

  /** The cell at grid position {@code pos}, with {@code moved} (if not null) set to {@code to}. */
  private Cell build(long index, int[] pos, Param moved, double to) {
    double lr = scalar(Param.LR, pos, moved, to);
    int batch = (int) scalar(Param.BATCH, pos, moved, to);
    double momentum = scalar(Param.MOMENTUM, pos, moved, to);
    double weightDecay = scalar(Param.WEIGHT_DECAY, pos, moved, to);
    if (spec.kind().trains()) {
      int width = spec.params().containsKey(Param.WIDTH)
          ? (int) scalar(Param.WIDTH, pos, moved, to) : 0;
      return Cell.training(index, spec.kind(), lr, batch, momentum, weightDecay, width,
          spec.train(), spec.seed());
    }
    double sigma2 = scalar(Param.LABEL_NOISE_VAR, pos, moved, to);
    double[] spectrum;
    if (spec.params().containsKey(Param.SPECTRUM)) {
      spectrum = spec.params().get(Param.SPECTRUM).vector(at(Param.SPECTRUM, pos));
    } else {
      spectrum = identitySpectra.get((int) scalar(Param.DIM, pos, moved, to));
    }
    Simulate sim = spec.simulate();
    int n = 0;
    double alpha = Double.NaN;
    if (sim.mode() == Simulate.Mode.DATASET || spec.params().containsKey(Param.ALPHA)) {
      if (spec.params().containsKey(Param.N)) {
        n = (int) scalar(Param.N, pos, moved, to);
      } else {
        alpha = scalar(Param.ALPHA, pos, moved, to);
        n = (int) Math.round(alpha * spectrum.length);
      }
    }
    double[] teacher = spec.params().get(Param.TEACHER).vector(at(Param.TEACHER, pos));
    double inputNoiseVar = spec.params().containsKey(Param.INPUT_NOISE_VAR)
        ? scalar(Param.INPUT_NOISE_VAR, pos, moved, to) : Double.NaN;
    double[] inputNoiseSpectrum = spec.params().containsKey(Param.INPUT_NOISE_SPECTRUM)
        ? spec.params().get(Param.INPUT_NOISE_SPECTRUM).vector(
            at(Param.INPUT_NOISE_SPECTRUM, pos)) : null;
    int rotation = (int) scalar(Param.ROTATION, pos, moved, to);
    double scalingK = spec.params().containsKey(Param.SCALING_K)
        ? scalar(Param.SCALING_K, pos, moved, to) : Double.NaN;
    String id = CellIds.of(spec.kind(), lr, batch, momentum, weightDecay, sigma2, spectrum, n,
        alpha, sim, teacher, inputNoiseVar, inputNoiseSpectrum, spec.lrMatrix(), rotation,
        scalingK, 0, null);
    return new Cell(index, id, spec.kind(), lr, batch, momentum, weightDecay, sigma2, spectrum,
        n, alpha, sim, spec.seed(), teacher, inputNoiseVar, inputNoiseSpectrum, spec.lrMatrix(),
        rotation, scalingK, spec.matrices(), 0, null);
  }

  private int at(Param p, int[] pos) {
    Integer d = dimOf.get(p);
    return d == null ? 0 : pos[d];
  }

  private double scalar(Param p, int[] pos, Param moved, double to) {
    return p == moved ? to : spec.params().get(p).scalar(at(p, pos));
  }
}
