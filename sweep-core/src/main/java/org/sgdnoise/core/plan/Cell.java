package org.sgdnoise.core.plan;

import org.sgdnoise.core.spec.Kind;
import org.sgdnoise.core.spec.LrMatrix;
import org.sgdnoise.core.spec.Simulate;
import org.sgdnoise.core.spec.Train;

/**
 * One point of the sweep: every parameter a cell needs, resolved. Cells are made on demand by
 * {@link SweepPlan#cell(long)} and are cheap; the spectrum array is shared with the plan and
 * must not be modified.
 *
 * @param index position in the plan, {@code [0, size)}
 * @param cellId stable content id (see {@link CellIds})
 * @param kind problem kind
 * @param lr λ
 * @param batch S
 * @param momentum μ
 * @param weightDecay γ
 * @param labelNoiseVar σ²
 * @param spectrum eigenvalues of A (length D). Not modified; do not modify.
 * @param n data set size in dataset mode (and for kind high_dim), 0 otherwise
 * @param alpha α = N/D when the sweep file gave alpha, NaN otherwise
 * @param simulate simulation settings
 * @param seed the sweep seed
 * @param teacher the teacher u as given: D entries, or one entry c meaning c·(1, …, 1). Not
 *     modified; do not modify.
 * @param inputNoiseVar σ_x² (B = σ_x²·I) for kind input_noise given that way, NaN otherwise
 * @param inputNoiseSpectrum the eigenvalues of B on A's axes when given, {@code null} otherwise.
 *     Not modified; do not modify.
 * @param lrMatrix Λ = λ·Λ₀
 * @param rotation seed of the Haar rotation of the features (0: A diagonal)
 * @param scalingK k of the scaling ratio Σ(kλ, kS)/Σ(λ, S), NaN when not asked
 * @param matrices whether Σ and C go to the matrices table (output only, not in the id)
 * @param width the hidden width of kind mlp, 0 otherwise
 * @param train the data set and training settings of the real-data kinds ({@link
 *     Kind#trains()}), {@code null} for the linear kinds (whose spectrum is then empty)
 */
public record Cell(
    long index,
    String cellId,
    Kind kind,
    double lr,
    int batch,
    double momentum,
    double weightDecay,
    double labelNoiseVar,
    double[] spectrum,
    int n,
    double alpha,
    Simulate simulate,
    long seed,
    double[] teacher,
    double inputNoiseVar,
    double[] inputNoiseSpectrum,
    LrMatrix lrMatrix,
    int rotation,
    double scalingK,
    boolean matrices,
    int width,
    Train train) {

  /** The defaults of the fields added after version 1 of the cell id (see {@link CellIds}). */
  public static final double[] DEFAULT_TEACHER = {1.0};

  /** A label-noise cell with every later field at its default (tests, benchmarks). */
  public static Cell labelNoise(long index, double lr, int batch, double momentum,
      double labelNoiseVar, double[] spectrum, int n, Simulate simulate, long seed) {
    String id = CellIds.of(Kind.LABEL_NOISE, lr, batch, momentum, 0.0, labelNoiseVar, spectrum,
        n, Double.NaN, simulate, DEFAULT_TEACHER, Double.NaN, null, LrMatrix.SCALAR, 0,
        Double.NaN, 0, null);
    return new Cell(index, id, Kind.LABEL_NOISE, lr, batch, momentum, 0.0, labelNoiseVar,
        spectrum, n, Double.NaN, simulate, seed, DEFAULT_TEACHER, Double.NaN, null,
        LrMatrix.SCALAR, 0, Double.NaN, false, 0, null);
  }

  /**
   * A cell of a real-data kind (logistic, or mlp with {@code width}); the linear models' fields
   * are empty.
   */
  public static Cell training(long index, Kind kind, double lr, int batch, double momentum,
      double weightDecay, int width, Train train, long seed) {
    String id = CellIds.of(kind, lr, batch, momentum, weightDecay, 0.0, NO_SPECTRUM, 0,
        Double.NaN, Simulate.NONE, DEFAULT_TEACHER, Double.NaN, null, LrMatrix.SCALAR, 0,
        Double.NaN, width, train);
    return new Cell(index, id, kind, lr, batch, momentum, weightDecay, 0.0, NO_SPECTRUM, 0,
        Double.NaN, Simulate.NONE, seed, DEFAULT_TEACHER, Double.NaN, null, LrMatrix.SCALAR, 0,
        Double.NaN, false, width, train);
  }

  private static final double[] NO_SPECTRUM = {};

  /** The learning rate the real-data kinds train with (λ scaled by the width if asked). */
  public double effectiveLr() {
    return train == null ? lr : train.effectiveLr(lr, width);
  }

  /** Entry i of the teacher u (a one-entry teacher is broadcast). */
  public double teacher(int i) {
    return teacher.length == 1 ? teacher[0] : teacher[i];
  }

  /** The teacher u with D entries (a new array). */
  public double[] teacherVector() {
    double[] u = new double[dim()];
    for (int i = 0; i < u.length; i++) {
      u[i] = teacher(i);
    }
    return u;
  }

  /** The eigenvalues of B (input noise) with D entries, or {@code null} for other kinds. */
  public double[] inputNoiseVector() {
    if (inputNoiseSpectrum != null) {
      return inputNoiseSpectrum;
    }
    if (Double.isNaN(inputNoiseVar)) {
      return null;
    }
    double[] b = new double[dim()];
    java.util.Arrays.fill(b, inputNoiseVar);
    return b;
  }

  /** D. */
  public int dim() {
    return spectrum.length;
  }

  /** Largest eigenvalue of A. */
  public double aMax() {
    double m = 0;
    for (double a : spectrum) {
      m = Math.max(m, a);
    }
    return m;
  }

  /** Tr A. */
  public double aTrace() {
    double s = 0;
    for (double a : spectrum) {
      s += a;
    }
    return s;
  }

  /** The spectrum as text, e.g. {@code [1.0, 0.5]}. */
  public String spectrumText() {
    return text(spectrum);
  }

  /**
   * {@code Arrays.toString(values)}, remembered per thread for the last few arrays seen: a
   * sweep's cells share a few spectra and teachers, and writing their text for every cell of a
   * theory-only sweep cost as much as its physics.
   */
  public static String text(double[] values) {
    RecentTexts recent = RECENT_TEXTS.get();
    for (int i = 0; i < RecentTexts.SIZE; i++) {
      if (recent.text[i] != null && java.util.Arrays.equals(recent.values[i], values)) {
        return recent.text[i];
      }
    }
    int i = recent.next;
    recent.next = (i + 1) % RecentTexts.SIZE;
    recent.values[i] = values == null ? null : values.clone();
    recent.text[i] = java.util.Arrays.toString(values);
    return recent.text[i];
  }

  private static final ThreadLocal<RecentTexts> RECENT_TEXTS =
      ThreadLocal.withInitial(RecentTexts::new);

  private static final class RecentTexts {
    static final int SIZE = 4;
    final double[][] values = new double[SIZE][];
    final String[] text = new String[SIZE];
    int next;
  }

  /** Seed of replicate {@code r}, derived from (sweep seed, cell id, r). */
  public long replicateSeed(int r) {
    return Seeds.replicateSeed(seed, cellId, r);
  }
}
