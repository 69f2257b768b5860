package org.sgdnoise.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A small learnable image set in the MNIST layout, written as IDX files for tests of the
 * real-data kinds: 8×8 images of 10 classes, class k lights pixels 6k … 6k + 5 on top of uniform
 * noise, so a linear model learns it well but not perfectly (the noise overlaps the classes).
 */
public final class SyntheticImages {
  /** Pixels per image. */
  public static final int PIXELS = 64;

  private SyntheticImages() {}

  /**
   * Writes {@code train} training and {@code test} test images (gzip) into {@code dir}.
   *
   * @return {@code dir}
   */
  public static Path write(Path dir, int train, int test, long seed) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom rng = new SplittableRandom(seed);
    split(dir, "train", train, rng);
    split(dir, "t10k", test, rng);
    return dir;
  }

  private static void split(Path dir, String name, int n, SplittableRandom rng)
      throws IOException {
    byte[] px = new byte[n * PIXELS];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      int k = rng.nextInt(10);
      labels[i] = (byte) k;
      for (int p = 0; p < PIXELS; p++) {
        int v = rng.nextInt(160);
        if (p >= 6 * k && p < 6 * k + 6) {
          v += 35;
        }
        px[i * PIXELS + p] = (byte) v;
      }
    }
    IdxTest.write(dir.resolve(name + "-images-idx3-ubyte.gz"),
        IdxTest.idx(new int[] {n, 8, 8}, px), true);
    IdxTest.write(dir.resolve(name + "-labels-idx1-ubyte.gz"), IdxTest.idx(new int[] {n}, labels),
        true);
  }
}
