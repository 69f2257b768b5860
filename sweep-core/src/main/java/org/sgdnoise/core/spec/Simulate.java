package org.sgdnoise.core.spec;

/**
 * The {@code simulate:} section: how (and whether) each cell runs seeded SGD.
 *
 * @param mode {@code none}, {@code streaming} (fresh samples each step) or {@code dataset}
 * @param sampling minibatch sampling in dataset mode
 * @param steps SGD steps per replicate, burn-in included (0 when mode is none)
 * @param burnIn steps discarded before measuring (0 when mode is none)
 * @param replicates independent chains per cell (0 when mode is none)
 */
public record Simulate(Mode mode, Sampling sampling, long steps, long burnIn, int replicates)
    implements java.io.Serializable {

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

  public static final Simulate NONE = new Simulate(Mode.NONE, Sampling.WITH_REPLACEMENT, 0, 0, 0);

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
