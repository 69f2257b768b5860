package org.sgdnoise.core.spec;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A sweepable parameter. The YAML name is also the column name in the result tables.
 *
 * <p>Each parameter knows its value type and its allowed range; {@link #check(double)} returns
 * the reason a value is not allowed, or {@code null}. Ranges are NaN-safe: comparisons are
 * written so that NaN fails them.
 */
public enum Param {
  /** λ, the learning rate. */
  LR("lr", ValueType.REAL, "a finite number > 0"),
  /** S, the minibatch size. */
  BATCH("batch", ValueType.INTEGER, "an integer from 1 to " + Param.MAX_INT),
  /** μ, heavy-ball momentum. */
  MOMENTUM("momentum", ValueType.REAL, "a number in [0, 1)"),
  /** γ, weight decay (Γ = γI). */
  WEIGHT_DECAY("weight_decay", ValueType.REAL, "a finite number"),
  /** D, the dimension; A = I_D when no spectrum is given. */
  DIM("dim", ValueType.INTEGER, "an integer from 1 to " + Param.MAX_DIM),
  /** α = N/D. */
  ALPHA("alpha", ValueType.REAL, "a finite number > 0"),
  /** N, the data set size (dataset mode). */
  N("n", ValueType.INTEGER, "an integer from 1 to " + Param.MAX_INT),
  /** σ², the label-noise variance. */
  LABEL_NOISE_VAR("label_noise_var", ValueType.REAL, "a finite number >= 0"),
  /** The eigenvalues of the feature covariance A; D is its length. */
  SPECTRUM(
      "spectrum",
      ValueType.VECTOR,
      "a list of 1 to " + Param.MAX_DIM + " finite eigenvalues, each > 0"),
  /**
   * The teacher u (labels y = uᵀx): a list of D numbers, or one number c meaning u = c·(1, …, 1).
   * Kept as given: a one-element vector is broadcast.
   */
  TEACHER("teacher", ValueType.VECTOR, "a number, or a list of 1 to " + Param.MAX_DIM
      + " finite numbers"),
  /** σ_x², the input-noise variance: B = σ_x²·I (kind input_noise). */
  INPUT_NOISE_VAR("input_noise_var", ValueType.REAL, "a finite number >= 0"),
  /** The eigenvalues of the input-noise covariance B, on A's axes (kind input_noise). */
  INPUT_NOISE_SPECTRUM(
      "input_noise_spectrum",
      ValueType.VECTOR,
      "a list of 1 to " + Param.MAX_DIM + " finite eigenvalues, each >= 0"),
  /**
   * Seed of a Haar-random rotation R of the features: A = R diag(spectrum) Rᵀ. 0 keeps A
   * diagonal. With a diagonal learning-rate matrix or input noise it makes them not commute.
   */
  ROTATION("rotation", ValueType.INTEGER, "an integer from 0 to " + Param.MAX_INT),
  /** k of the λ–S scaling ratio Σ(kλ, kS)/Σ(λ, S) (Section 6.5). */
  SCALING_K("scaling_k", ValueType.REAL, "a finite number > 0"),
  /** d, the hidden width of kind mlp. */
  WIDTH("width", ValueType.INTEGER, "an integer from 1 to " + Param.MAX_WIDTH);

  /** Widest hidden layer accepted (kind mlp). */
  public static final int MAX_WIDTH = 100_000;

  /** Largest dimension accepted. */
  public static final int MAX_DIM = 10_000;

  /** Largest batch or data set size accepted (fits a Java int). */
  public static final int MAX_INT = Integer.MAX_VALUE;

  /** How a parameter's values are written. */
  public enum ValueType {
    REAL,
    INTEGER,
    VECTOR
  }

  private final String yamlName;
  private final ValueType type;
  private final String allowed;

  Param(String yamlName, ValueType type, String allowed) {
    this.yamlName = yamlName;
    this.type = type;
    this.allowed = allowed;
  }

  public String yamlName() {
    return yamlName;
  }

  public ValueType type() {
    return type;
  }

  /** What is allowed, for messages. */
  public String allowed() {
    return allowed;
  }

  /**
   * Checks one scalar value (for a vector parameter: one entry).
   *
   * @return {@code null} if allowed, otherwise the reason
   */
  public String check(double v) {
    boolean ok =
        switch (this) {
          case LR, ALPHA, SCALING_K -> v > 0 && v < Double.POSITIVE_INFINITY;
          case MOMENTUM -> v >= 0 && v < 1;
          case WEIGHT_DECAY -> Double.isFinite(v);
          case LABEL_NOISE_VAR, INPUT_NOISE_VAR, INPUT_NOISE_SPECTRUM ->
              v >= 0 && v < Double.POSITIVE_INFINITY;
          case TEACHER -> Double.isFinite(v);
          case ROTATION -> v >= 0 && v <= MAX_INT && v == Math.rint(v);
          case BATCH, N -> v >= 1 && v <= MAX_INT && v == Math.rint(v);
          case DIM -> v >= 1 && v <= MAX_DIM && v == Math.rint(v);
          case WIDTH -> v >= 1 && v <= MAX_WIDTH && v == Math.rint(v);
          case SPECTRUM -> v > 0 && v < Double.POSITIVE_INFINITY;
        };
    if (ok) {
      return null;
    }
    return switch (this) {
      case SPECTRUM -> "each eigenvalue must be a finite number > 0";
      case INPUT_NOISE_SPECTRUM -> "each eigenvalue must be a finite number >= 0";
      case TEACHER -> "each entry must be a finite number";
      default -> "must be " + allowed;
    };
  }

  public static Optional<Param> fromYaml(String name) {
    return Arrays.stream(values()).filter(p -> p.yamlName.equals(name)).findFirst();
  }

  static String allNames() {
    return Arrays.stream(values()).map(Param::yamlName).collect(Collectors.joining(", "));
  }
}
