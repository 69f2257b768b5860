package org.sgdnoise.core.sim;

/**
 * The Hill estimator of a tail index in constant memory: a min-heap keeps the k + 1 largest
 * values seen; then β̂ = k / Σ_{i≤k} ln(X₍ᵢ₎ / X₍ₖ₊₁₎), where X₍₁₎ ≥ X₍₂₎ ≥ … are the order
 * statistics. For a law with P(X &gt; x) ~ x^(−β), β̂ → β as k → ∞ and k/n → 0; its bias comes
 * from the body of the law (k/n too large biases it, usually low), its spread is about β/√k
 * for independent samples (more for correlated ones, which is why the simulator runs several
 * estimators on disjoint stretches of the chain and reports their spread).
 */
public final class HillTail {
  /** Most order statistics one estimator keeps. */
  public static final int MAX_K = 1 << 16;
  /** Fewest order statistics for an estimate. */
  public static final int MIN_K = 10;

  private final double[] heap;
  private int size;

  /** An estimator on the {@code k} largest values (MIN_K ≤ k ≤ MAX_K). */
  public HillTail(int k) {
    if (k < MIN_K || k > MAX_K) {
      throw new IllegalArgumentException("Cannot make a Hill estimator: k must be from " + MIN_K
          + " to " + MAX_K + ": " + k);
    }
    heap = new double[k + 1];
  }

  /**
   * The number of order statistics for {@code n} samples at fraction {@code fraction}, capped
   * at {@link #MAX_K}; 0 when it is below {@link #MIN_K} (too few samples for an estimate).
   */
  public static int orderStatistics(long n, double fraction) {
    final long k = Math.min(MAX_K, Math.round(fraction * n));
    return k < MIN_K || k >= n ? 0 : (int) k;
  }

  /** Offers one value (non-negative). Allocation-free. */
  public void add(double x) {
    final double[] h = heap;
    if (size < h.length) {
      int i = size++;
      while (i > 0) {
        final int parent = (i - 1) >>> 1;
        if (h[parent] <= x) {
          break;
        }
        h[i] = h[parent];
        i = parent;
      }
      h[i] = x;
    } else if (x > h[0]) {
      siftDown(x);
    }
  }

  /** Offers {@code xs[0..count)} in order, as {@link #add} one by one. Not modified. */
  public void addAll(double[] xs, int count) {
    for (int i = 0; i < count; i++) {
      add(xs[i]);
    }
  }

  private void siftDown(double x) {
    final double[] h = heap;
    final int n = size;
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= n) {
        break;
      }
      if (child + 1 < n && h[child + 1] < h[child]) {
        child++;
      }
      if (h[child] >= x) {
        break;
      }
      h[i] = h[child];
      i = child;
    }
    h[i] = x;
  }

  /** The smallest value that would enter the heap now (−∞ until it is full). */
  public double threshold() {
    return size < heap.length ? Double.NEGATIVE_INFINITY : heap[0];
  }

  /**
   * Pools Hill estimates of disjoint stretches: the mean of 1/β̂ (each is a mean log-excess,
   * the quantity Hill's estimator averages; averaging β̂ itself adds a bias of order β/k), its
   * standard error from their spread, and β = 1/mean with the error carried over (delta
   * method). Infinite estimates (no excess) count as 1/β̂ = 0. MISSING without estimates.
   */
  public static Estimate pool(double[] betas) {
    if (betas.length == 0) {
      return Estimate.MISSING;
    }
    double[] inverse = new double[betas.length];
    for (int i = 0; i < betas.length; i++) {
      inverse[i] = 1 / betas[i];
    }
    Estimate g = Estimate.ofBatchMeans(inverse);
    return new Estimate(1 / g.mean(), g.se() / (g.mean() * g.mean()), g.batches());
  }

  /** β̂, or NaN with fewer than k + 1 values or a zero threshold. */
  public double estimate() {
    if (size < heap.length || !(heap[0] > 0)) {
      return Double.NaN;
    }
    final double logThreshold = Math.log(heap[0]);
    double sum = 0;
    for (int i = 1; i < size; i++) {
      sum += Math.log(heap[i]) - logThreshold;
    }
    return sum > 0 ? (size - 1) / sum : Double.POSITIVE_INFINITY;
  }
}
