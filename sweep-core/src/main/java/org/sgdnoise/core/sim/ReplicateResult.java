package org.sgdnoise.core.sim;

/**
 * One SGD chain of one cell.
 *
 * @param replicate replicate number, from 0
 * @param seed the replicate's derived seed
 * @param diverged the iterate became non-finite or ran away (see {@link Simulator})
 * @param divergedStep the step at which it did, or -1
 * @param stepsRun steps actually run
 * @param traceSigma Tr Σ, the trace of the covariance of w after burn-in
 * @param lTrain the training objective (minibatch objective at the pre-step iterate, an
 *     unbiased estimate)
 * @param lTest the test loss ½(w−u)ᵀA(w−u) with clean inputs and labels
 * @param traceNoise Tr C, the mean squared deviation of the minibatch gradient from the full
 *     one
 * @param batchTraceSigma per-batch values behind {@code traceSigma}, for pooling. Do not modify.
 * @param batchLTrain per-batch values behind {@code lTrain}. Do not modify.
 * @param batchLTest per-batch values behind {@code lTest}. Do not modify.
 * @param batchTraceNoise per-batch values behind {@code traceNoise}. Do not modify.
 * @param sigma Σ as a row-major D×D matrix in the coordinate basis, or {@code null} (large D,
 *     or diverged). Do not modify.
 * @param sigmaMaxEigenvalue the largest eigenvalue of Σ (batch means of each batch's Σ around
 *     the run's mean), MISSING without {@code sigma}
 * @param batchSigmaMaxEigenvalue per-batch values behind it. Do not modify.
 * @param autocorrTime integrated autocorrelation time of ‖w − w̄‖² in steps (1 for independent
 *     steps), or NaN
 * @param tailGroups the Hill tail index of ‖w − w*‖ on each of {@link Simulator#TAIL_GROUPS}
 *     stretches of the run; empty when the run is too short for the tail fraction. Do not
 *     modify.
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
    Estimate traceNoise,
    double[] batchTraceSigma,
    double[] batchLTrain,
    double[] batchLTest,
    double[] batchTraceNoise,
    double[] sigma,
    Estimate sigmaMaxEigenvalue,
    double[] batchSigmaMaxEigenvalue,
    double autocorrTime,
    double[] tailGroups,
    long wallMs) {

  /** The tail index of the stretches' Hill estimates pooled by {@link HillTail#pool}. */
  public Estimate tailIndex() {
    return HillTail.pool(tailGroups);
  }
}
