package org.sgdnoise.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IDX reader on files the test writes: a round trip, plain and gzip, through the data-set
 * loader; and every kind of corruption refused with a message naming the file and the fault.
 */
class IdxTest {

  /** IDX bytes: header (type 0x08, the given dims) and then {@code data}. */
  static byte[] idx(int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.write(new byte[] {0, 0, 8, (byte) dims.length});
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(data);
    return b.toByteArray();
  }

  static void write(Path file, byte[] bytes, boolean gzip) throws IOException {
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file))
        : Files.newOutputStream(file)) {
      out.write(bytes);
    }
  }

  /** A small MNIST-layout folder: n images of 3×4 pixels, labels i mod 10. */
  static Path dataset(Path dir, int n, boolean gzip) throws IOException {
    byte[] px = new byte[n * 12];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 37);
    }
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
    }
    String gz = gzip ? ".gz" : "";
    for (String split : new String[] {"train", "t10k"}) {
      write(dir.resolve(split + "-images-idx3-ubyte" + gz), idx(new int[] {n, 3, 4}, px), gzip);
      write(dir.resolve(split + "-labels-idx1-ubyte" + gz), idx(new int[] {n}, labels), gzip);
    }
    return dir;
  }

  @Test
  void roundTripPlainAndGzip(@TempDir Path dir) throws IOException {
    for (boolean gzip : new boolean[] {false, true}) {
      Path folder = Files.createDirectory(dir.resolve(gzip ? "gz" : "plain"));
      ImageDataSets.Split s = ImageDataSets.read(dataset(folder, 25, gzip));
      assertThat(s.train().rows()).isEqualTo(25);
      assertThat(s.train().features()).isEqualTo(12);
      assertThat(s.test().label(13)).isEqualTo(3);
      assertThat(s.train().x()[5]).isEqualTo(((5 * 37) & 0xFF) / 255f);
    }
  }

  @Test
  void loadedOncePerJvm(@TempDir Path dir) throws IOException {
    dataset(dir, 10, true);
    assertThat(ImageDataSets.load(dir)).isSameAs(ImageDataSets.load(dir.resolve(".")));
  }

  @Test
  void resolvesTheInstalledFashionMnistOrAPath() {
    assertThat(ImageDataSets.resolve("/data/x")).isEqualTo(Path.of("/data/x"));
    String env = System.getenv(ImageDataSets.ENV);
    assertThat(ImageDataSets.resolve("fashion-mnist")).isEqualTo(Path.of(
        env != null && !env.isBlank() ? env : ImageDataSets.DEBIAN_DIR));
  }

  private static void assertRefused(Path dir, byte[] bytes, String... expected) throws IOException {
    Path f = dir.resolve("bad-idx");
    Files.write(f, bytes);
    assertThatThrownBy(() -> Idx.read(f)).isInstanceOf(IdxFormatException.class)
        .hasMessageContaining(f.toString()).hasMessageContainingAll(expected);
  }

  @Test
  void corruptFilesAreRefusedClearly(@TempDir Path dir) throws IOException {
    byte[] good = idx(new int[] {2, 3}, new byte[6]);
    assertRefused(dir, new byte[] {0, 0}, "shorter than the 4-byte IDX header");
    byte[] magic = good.clone();
    magic[1] = 7;
    assertRefused(dir, magic, "not an IDX file", "0x0007");
    byte[] type = good.clone();
    type[2] = 0x0D;
    assertRefused(dir, type, "item type 0x0d is not supported");
    byte[] dims = good.clone();
    dims[3] = 0;
    assertRefused(dir, dims, "number of dimensions must be from 1 to 4: 0");
    assertRefused(dir, java.util.Arrays.copyOf(good, 9), "header ends before dimension 2 of 2");
    assertRefused(dir, idx(new int[] {2, -3}, new byte[0]), "dimension 2 must be positive: -3");
    assertRefused(dir, java.util.Arrays.copyOf(good, good.length - 2),
        "truncated", "promises 6 bytes of data, the file has 4");
    assertRefused(dir, java.util.Arrays.copyOf(good, good.length + 1), "trailing bytes");
    byte[] gz = new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7};
    assertRefused(dir, gz, "corrupt gzip data");
  }

  @Test
  void imagesAndLabelsMustBelongTogether(@TempDir Path dir) throws IOException {
    dataset(dir, 20, false);
    write(dir.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {19}, new byte[19]), false);
    assertThatThrownBy(() -> ImageDataSets.read(dir)).isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("20 images but 19 labels");
    byte[] labels = new byte[20];
    labels[7] = 10;
    write(dir.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {20}, labels), false);
    assertThatThrownBy(() -> ImageDataSets.read(dir)).hasMessageContaining(
        "label 10 of image 7 is not a class 0 … 9");
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
    assertThatThrownBy(() -> ImageDataSets.read(dir))
        .hasMessageContaining("neither t10k-labels-idx1-ubyte nor t10k-labels-idx1-ubyte.gz");
  }

  /** The real Fashion-MNIST where the package is installed (.ci/run installs it). */
  @Test
  void installedFashionMnistHasItsShapes() throws IOException {
    Path dir = ImageDataSets.resolve(ImageDataSets.FASHION_MNIST);
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir),
        "dataset-fashion-mnist is not installed");
    ImageDataSets.Split s = ImageDataSets.load(dir);
    assertThat(s.train().rows()).isEqualTo(60_000);
    assertThat(s.test().rows()).isEqualTo(10_000);
    assertThat(s.train().features()).isEqualTo(784);
  }
}
