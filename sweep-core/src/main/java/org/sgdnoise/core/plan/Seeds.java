package org.sgdnoise.core.plan;

/**
 * Seed derivation. A replicate's seed depends only on (sweep seed, cell id, replicate), so
 * results do not depend on partitioning, executor count, retries or order.
 *
 * <p>The mixing function is the SplitMix64 finaliser (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014), applied in a chain: each input is added to the
 * running state with the golden-ratio increment and mixed.
 */
public final class Seeds {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Seeds() {}

  /** Seed of replicate {@code r} of the cell with id {@code cellId} (32 hex digits). */
  public static long replicateSeed(long sweepSeed, String cellId, int replicate) {
    long hi = Long.parseUnsignedLong(cellId.substring(0, 16), 16);
    long lo = Long.parseUnsignedLong(cellId.substring(16, 32), 16);
    long s = mix(sweepSeed + GOLDEN);
    s = mix(s + hi + GOLDEN);
    s = mix(s + lo + GOLDEN);
    return mix(s + replicate + GOLDEN);
  }

  /** SplitMix64's output function: a bijection of 64-bit values with good avalanche. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Expands one seed into {@code n} well-mixed longs (SplitMix64 stream), e.g. RNG state. */
  public static long[] expand(long seed, int n) {
    long[] out = new long[n];
    long s = seed;
    for (int i = 0; i < n; i++) {
      s += GOLDEN;
      out[i] = mix(s);
    }
    return out;
  }
}
