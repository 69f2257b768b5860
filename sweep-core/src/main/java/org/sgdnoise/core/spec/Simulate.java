package org.sgdnoise.core.spec;

/**
 * The {@code simulate:} section: how (and whether) each cell runs seeded SGD.
 *
 * @param mode {@code none}, {@code streaming} (fresh samples each step) or {@code dataset}
 * @param sampling minibatch sampling in dataset mode
 * @param steps SGD steps per replicate, burn-in included (0 when mode is none)
 * @param burnIn steps discarded before measuring (0 when mode is none)
 * @param replicates independent chains per cell (0 when mode is none)
 * @param sampler how a streaming minibatch is drawn ({@link Sampler})
 * @param tailFraction the fraction k/n of the largest |w − w*| the Hill tail-index estimator
 *     uses
 */
public record Simulate(Mode mode, Sampling sampling, long steps, long burnIn, int replicates,
    Sampler sampler, double tailFraction) implements java.io.Serializable {

  /** Default SGD steps per replicate. */
  public static final long DEFAULT_STEPS = 20_000;
  /** Default replicates per cell. */
  public static final int DEFAULT_REPLICATES = 1;
  /** Fewest measured steps (steps − burn_in): the batch-means error needs enough batches. */
  public static final long MIN_MEASURED_STEPS = 64;
  /** Most steps per replicate. */
  public static final long MAX_STEPS = 10_000_000_000L;
  /** Most replicates per cell. */
  public static final int MAX_REPLICATES = 100_000;

  /** Default fraction of the largest deviations behind the Hill tail index. */
  public static final double DEFAULT_TAIL_FRACTION = 1e-3;

  public static final Simulate NONE = new Simulate(Mode.NONE, Sampling.WITH_REPLACEMENT, 0, 0, 0);

  /** A simulation with the default sampler and tail fraction. */
  public Simulate(Mode mode, Sampling sampling, long steps, long burnIn, int replicates) {
    this(mode, sampling, steps, burnIn, replicates, Sampler.AUTO, DEFAULT_TAIL_FRACTION);
  }

  /** This simulation with another streaming sampler. */
  public Simulate withSampler(Sampler s) {
    return new Simulate(mode, sampling, steps, burnIn, replicates, s, tailFraction);
  }

  /**
   * How a streaming minibatch is drawn. With Gaussian data, SGD needs of a minibatch only the
   * vector Ŝv, where Ŝ = (1/S)Σ zⱼzⱼᵀ is the minibatch second moment of z = (x, y) and
   * v = (w, −1); {@code exact} draws Ŝv from its exact law with one χ²_S and m normals
   * (m = D + 1), whatever S (see {@code org.sgdnoise.core.sim.Simulator}).
   */
  public enum Sampler {
    /** {@code exact} for S ≥ 2 in streaming mode, {@code direct} otherwise. */
    AUTO("auto"),
    /** The exact law of the minibatch gradient: cost independent of S. */
    EXACT("exact"),
    /** S samples drawn one by one. */
    DIRECT("direct");

    private final String yamlName;

    Sampler(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  /** Whether a streaming minibatch of size {@code batch} is drawn by the exact sampler. */
  public boolean exactSampling(int batch) {
    return mode == Mode.STREAMING
        && (sampler == Sampler.EXACT || (sampler == Sampler.AUTO && batch >= 2));
  }

  /** Simulation mode. */
  public enum Mode {
    NONE("none"),
    STREAMING("streaming"),
    DATASET("dataset");

    private final String yamlName;

    Mode(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  /** Minibatch sampling from a finite data set (Definitions 2 and 3 of the paper). */
  public enum Sampling {
    WITH_REPLACEMENT("with_replacement"),
    WITHOUT_REPLACEMENT("without_replacement");

    private final String yamlName;

    Sampling(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  public boolean enabled() {
    return mode != Mode.NONE;
  }

  /** Steps measured per replicate, after burn-in. */
  public long measuredSteps() {
    return steps - burnIn;
  }
}
