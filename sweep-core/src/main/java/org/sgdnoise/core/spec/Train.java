package org.sgdnoise.core.spec;

import org.sgdnoise.core.nn.Mlp;
import org.sgdnoise.core.nn.Optimizer;

/**
 * The {@code data:} and {@code train:} settings of the real-data kinds ({@link Kind#trains()}):
 * which data set, which optimiser and loss, how the learning rate scales with the width, and how
 * long each replicate trains and what it measures. The swept parameters (λ, S, μ, γ, width) are
 * in {@code params}; these are fixed for the whole sweep.
 *
 * @param data {@code fashion-mnist} (the installed package) or a folder of IDX files, as written
 * @param optimizer sgd (heavy ball) or adam
 * @param loss the output loss; logistic regression is always cross-entropy
 * @param lrScaling how the learning rate used depends on the width ({@link LrScaling})
 * @param referenceWidth the width at which {@code inverse_width} uses λ itself
 * @param steps optimiser steps per replicate
 * @param trainRows training images used (a prefix of the set); 0: all
 * @param testRows test images evaluated (a prefix); 0: all
 * @param evaluations test evaluations along the run, the last at the end
 * @param window the fraction of the steps, at the end, whose minibatch losses give the
 *     training-loss mean and variance (1: the whole run)
 * @param noiseRows training images behind the noise trace Tr C at the end; 0: not measured
 * @param replicates independent seeded runs per cell
 */
public record Train(String data, Optimizer.Kind optimizer, Mlp.Loss loss, LrScaling lrScaling,
    int referenceWidth, long steps, int trainRows, int testRows, int evaluations, double window,
    int noiseRows, int replicates) implements java.io.Serializable {

  /** Default optimiser steps per replicate. */
  public static final long DEFAULT_STEPS = 1_000;
  /** Most optimiser steps per replicate. */
  public static final long MAX_STEPS = 1_000_000_000L;
  /** Default test evaluations per run. */
  public static final int DEFAULT_EVALUATIONS = 10;
  /** Most test evaluations per run. */
  public static final int MAX_EVALUATIONS = 10_000;
  /** Default window: the second half of the run. */
  public static final double DEFAULT_WINDOW = 0.5;
  /** Default rows behind Tr C. */
  public static final int DEFAULT_NOISE_ROWS = 1_000;
  /** Most replicates per cell. */
  public static final int MAX_REPLICATES = 10_000;

  /** How the learning rate a cell uses depends on its width (kind mlp). */
  public enum LrScaling {
    /** λ as given. */
    NONE("none"),
    /**
     * λ·w₀/d, w₀ the reference width: the stability bound of SGD on a d-dimensional linear
     * model scales as 1/d (Theorem 6), and this keeps λ·d fixed.
     */
    INVERSE_WIDTH("inverse_width");

    private final String yamlName;

    LrScaling(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  /** The learning rate a cell of width {@code width} trains with (width ignored without one). */
  public double effectiveLr(double lr, int width) {
    return lrScaling == LrScaling.INVERSE_WIDTH ? lr * referenceWidth / width : lr;
  }

  /** The loss's name in sweep files and tables. */
  public static String lossName(Mlp.Loss loss) {
    return loss == Mlp.Loss.MSE ? "mse" : "cross_entropy";
  }
}
