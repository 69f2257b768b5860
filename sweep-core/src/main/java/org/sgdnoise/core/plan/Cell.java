package org.sgdnoise.core.plan;

import org.sgdnoise.core.spec.Kind;
import org.sgdnoise.core.spec.Simulate;

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
 * @param n data set size in dataset mode, 0 otherwise
 * @param alpha α = N/D when the sweep file gave alpha, NaN otherwise
 * @param simulate simulation settings
 * @param seed the sweep seed
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
    long seed) {

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
    return java.util.Arrays.toString(spectrum);
  }

  /** Seed of replicate {@code r}, derived from (sweep seed, cell id, r). */
  public long replicateSeed(int r) {
    return Seeds.replicateSeed(seed, cellId, r);
  }
}
