package org.sgdnoise.core.plan;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.sgdnoise.core.spec.Kind;
import org.sgdnoise.core.spec.Simulate;

/**
 * Content ids of cells: the first 128 bits of SHA-256 over a canonical binary encoding of
 * everything that determines a cell's results except the sweep seed and name. The same cell in
 * two sweep files gets the same id; the encoding uses the exact bits of each double (with −0.0
 * folded into 0.0), so it does not depend on how a JDK prints numbers.
 *
 * <p>Version 1 encodes, in order: a version tag, the kind, λ, S, μ, γ, σ², D and the
 * eigenvalues, n, α (NaN when not given), the simulation mode, sampling, steps, burn-in and
 * replicates. Changing it changes every id: bump the version tag.
 */
public final class CellIds {
  private static final byte[] VERSION = "sgdnoise-cell-v1".getBytes(StandardCharsets.US_ASCII);

  private CellIds() {}

  /** The id as 32 lowercase hex digits. */
  public static String of(
      Kind kind,
      double lr,
      int batch,
      double momentum,
      double weightDecay,
      double labelNoiseVar,
      double[] spectrum,
      int n,
      double alpha,
      Simulate sim) {
    ByteBuffer b = ByteBuffer.allocate(128 + 8 * spectrum.length);
    b.put(VERSION);
    b.putInt(kind.ordinal());
    putDouble(b, lr);
    b.putInt(batch);
    putDouble(b, momentum);
    putDouble(b, weightDecay);
    putDouble(b, labelNoiseVar);
    b.putInt(spectrum.length);
    for (double a : spectrum) {
      putDouble(b, a);
    }
    b.putInt(n);
    putDouble(b, alpha);
    b.putInt(sim.mode().ordinal());
    b.putInt(sim.sampling().ordinal());
    b.putLong(sim.steps());
    b.putLong(sim.burnIn());
    b.putInt(sim.replicates());
    byte[] digest = sha256().digest(java.util.Arrays.copyOf(b.array(), b.position()));
    return HexFormat.of().formatHex(digest, 0, 16);
  }

  private static void putDouble(ByteBuffer b, double v) {
    b.putLong(Double.doubleToLongBits(v == 0.0 ? 0.0 : v));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
