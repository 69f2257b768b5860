package org.sgdnoise.core.plan;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.sgdnoise.core.spec.Kind;
import org.sgdnoise.core.spec.LrMatrix;
import org.sgdnoise.core.spec.Simulate;
import org.sgdnoise.core.spec.Train;

/**
 * Content ids of cells: the first 128 bits of SHA-256 over a canonical binary encoding of
 * everything that determines a cell's results except the sweep seed and name. The same cell in
 * two sweep files gets the same id; the encoding uses the exact bits of each double (with −0.0
 * folded into 0.0), so it does not depend on how a JDK prints numbers.
 *
 * <p>Version 1 encodes, in order: a version tag, the kind, λ, S, μ, γ, σ², D and the
 * eigenvalues, n, α (NaN when not given), the simulation mode, sampling, steps, burn-in and
 * replicates. Changing it changes every id: bump the version tag.
 *
 * <p>Fields added later (teacher, input noise, learning-rate matrix, rotation, scaling k, the
 * streaming sampler, the tail fraction, the width and training settings of the real-data kinds)
 * follow as tagged entries, each written only when it differs from its default; so a cell that
 * uses none of them keeps its version-1 id (sweeps from earlier builds still resume), and the
 * tags keep the encoding unambiguous.
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
      Simulate sim,
      double[] teacher,
      double inputNoiseVar,
      double[] inputNoiseSpectrum,
      LrMatrix lrMatrix,
      int rotation,
      double scalingK,
      int width,
      Train train) {
    byte[] data = train == null ? new byte[0] : train.data().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(320 + data.length + 8 * spectrum.length + 8 * teacher.length
        + (inputNoiseSpectrum == null ? 0 : 8 * inputNoiseSpectrum.length)
        + (lrMatrix.diagonal() == null ? 0 : 8 * lrMatrix.diagonal().length));
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
    if (!java.util.Arrays.equals(teacher, Cell.DEFAULT_TEACHER)) {
      b.put((byte) 1);
      putVector(b, teacher);
    }
    if (!Double.isNaN(inputNoiseVar)) {
      b.put((byte) 2);
      putDouble(b, inputNoiseVar);
    }
    if (inputNoiseSpectrum != null) {
      b.put((byte) 3);
      putVector(b, inputNoiseSpectrum);
    }
    if (lrMatrix.type() != LrMatrix.Type.SCALAR) {
      b.put((byte) 4);
      b.putInt(lrMatrix.type().ordinal());
      if (lrMatrix.diagonal() != null) {
        putVector(b, lrMatrix.diagonal());
      }
    }
    if (rotation != 0) {
      b.put((byte) 5);
      b.putInt(rotation);
    }
    if (!Double.isNaN(scalingK)) {
      b.put((byte) 6);
      putDouble(b, scalingK);
    }
    if (sim.sampler() != Simulate.Sampler.AUTO) {
      b.put((byte) 7);
      b.putInt(sim.sampler().ordinal());
    }
    if (sim.tailFraction() != Simulate.DEFAULT_TAIL_FRACTION && sim.enabled()) {
      b.put((byte) 8);
      putDouble(b, sim.tailFraction());
    }
    if (width != 0) {
      b.put((byte) 9);
      b.putInt(width);
    }
    if (train != null) {
      b.put((byte) 10);
      b.putInt(data.length);
      b.put(data);
      b.putInt(train.optimizer().ordinal());
      b.putInt(train.loss().ordinal());
      b.putInt(train.lrScaling().ordinal());
      b.putInt(train.referenceWidth());
      b.putLong(train.steps());
      b.putInt(train.trainRows());
      b.putInt(train.testRows());
      b.putInt(train.evaluations());
      putDouble(b, train.window());
      b.putInt(train.noiseRows());
      b.putInt(train.replicates());
    }
    byte[] digest = sha256().digest(java.util.Arrays.copyOf(b.array(), b.position()));
    return HexFormat.of().formatHex(digest, 0, 16);
  }

  private static void putVector(ByteBuffer b, double[] v) {
    b.putInt(v.length);
    for (double x : v) {
      putDouble(b, x);
    }
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
