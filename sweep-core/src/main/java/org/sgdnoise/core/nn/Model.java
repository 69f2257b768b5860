package org.sgdnoise.core.nn;

import org.apache.commons.rng.UniformRandomProvider;
import org.sgdnoise.core.data.ImageData;

/**
 * A classifier on image data with its parameters in one flat vector θ, so optimisers are
 * generic. Implementations keep their work buffers (sized for a largest minibatch) and allocate
 * nothing per call; one instance is used by one thread.
 */
public interface Model {
  /** Number of parameters. */
  int size();

  /** Whether parameter {@code i} is a weight (weight decay applies) rather than a bias. */
  boolean decayed(int i);

  /** Seeded initialisation of θ. */
  void init(double[] theta, UniformRandomProvider rng);

  /**
   * The mean data loss of the rows {@code rows[0 … count)} of {@code d} at θ, and its gradient
   * written to {@code grad} (overwritten; no weight decay).
   */
  double lossAndGradient(double[] theta, ImageData d, int[] rows, int count, double[] grad);

  /** Mean loss and accuracy on rows {@code [0, n)} of {@code d}. */
  Evaluation evaluate(double[] theta, ImageData d, int n);

  /**
   * A loss and an accuracy.
   *
   * @param loss the mean data loss
   * @param accuracy the fraction of rows whose largest output is their label
   */
  record Evaluation(double loss, double accuracy) {}
}
