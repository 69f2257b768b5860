package org.sgdnoise.core.sim;

/**
 * One SGD chain of one cell.
 *
 * @param replicate replicate number, from 0
 * @param seed the replicate's derived seed
 * @param diverged the iterate became non-finite or ran away (see {@link LabelNoiseSimulator})
 * @param divergedStep the step at which it did, or -1
 * @param stepsRun steps actually run
 * @param traceSigma Tr Σ, the trace of the covariance of w after burn-in
 * @param lTrain the training loss (minibatch loss at the pre-step iterate, an unbiased estimate)
 * @param lTest the test loss ½(w−u)ᵀA(w−u) with clean labels
 * @param batchTraceSigma per-batch values behind {@code traceSigma}, for pooling. Do not modify.
 * @param batchLTrain per-batch values behind {@code lTrain}. Do not modify.
 * @param batchLTest per-batch values behind {@code lTest}. Do not modify.
 * @param wallMs wall-clock milliseconds
 */
public record ReplicateResult(
    int replicate,
    long seed,
    boolean diverged,
    long divergedStep,
    long stepsRun,
    Estimate traceSigma,
    Estimate lTrain,
    Estimate lTest,
    double[] batchTraceSigma,
    double[] batchLTrain,
    double[] batchLTest,
    long wallMs) {}
