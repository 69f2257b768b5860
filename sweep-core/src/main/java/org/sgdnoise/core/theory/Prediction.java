package org.sgdnoise.core.theory;

import org.ejml.data.DMatrixRMaj;

/**
 * A stationary prediction of any kind's theory, or its absence. Fields a kind does not define
 * are NaN (never null); matrices are {@code null} unless the caller asked for them.
 *
 * @param diverges no finite stationary second moment exists (every number is then NaN)
 * @param kappa κ in the matrix convention (learning rate inside), NaN where the kind has none
 * @param trASigma Tr[AΣ], with A the Hessian of the noise-free loss: the clean feature
 *     covariance (label and input noise, l2), the empirical Â for finite-data kinds (high_dim)
 * @param traceSigma Tr Σ, Σ = stationary covariance of w around its mean
 * @param lTrain E[L(w)], the population training objective (regulariser included for l2)
 * @param lTest ½E[(w−u)ᵀA(w−u)], clean inputs and labels
 * @param traceNoise Tr C, C the stationary minibatch-noise covariance
 * @param sigma Σ, or {@code null}
 * @param noise C, or {@code null}
 */
public record Prediction(
    boolean diverges,
    double kappa,
    double trASigma,
    double traceSigma,
    double lTrain,
    double lTest,
    double traceNoise,
    DMatrixRMaj sigma,
    DMatrixRMaj noise) {

  /** The prediction when no stationary state exists. */
  public static Prediction divergent() {
    return new Prediction(true, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        Double.NaN, null, null);
  }
}
