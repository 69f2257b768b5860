package org.sgdnoise.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the real data sets live and their one copy per JVM: an executor loads Fashion-MNIST once,
 * whatever the number of cells it runs.
 *
 * <p>{@code data: fashion-mnist} resolves to the environment variable {@value #ENV} if set, else
 * to {@value #DEBIAN_DIR}, where Debian's {@code dataset-fashion-mnist} package installs it
 * ({@code apt-get install dataset-fashion-mnist}); any other value is a folder holding the four
 * IDX files in the MNIST layout ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each possibly {@code .gz}).
 */
public final class ImageDataSets {
  /** The data set name that resolves to the installed Fashion-MNIST. */
  public static final String FASHION_MNIST = "fashion-mnist";
  /** Where Debian's dataset-fashion-mnist package puts the files. */
  public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
  /** Overrides {@link #DEBIAN_DIR}. */
  public static final String ENV = "SGDNOISE_FASHION_MNIST";
  /** Classes of MNIST-style data sets. */
  public static final int CLASSES = 10;

  private static final ConcurrentHashMap<Path, Split> CACHE = new ConcurrentHashMap<>();

  private ImageDataSets() {}

  /**
   * A training and a test set.
   *
   * @param train the training images
   * @param test the test images
   */
  public record Split(ImageData train, ImageData test) {}

  /** The folder {@code data} names (see the class comment). */
  public static Path resolve(String data) {
    if (FASHION_MNIST.equals(data)) {
      String env = System.getenv(ENV);
      return Path.of(env != null && !env.isBlank() ? env : DEBIAN_DIR);
    }
    return Path.of(data);
  }

  /** The data set in {@code folder}, loaded once per JVM (later calls share the arrays). */
  public static Split load(Path folder) throws IOException {
    final Path key = folder.toAbsolutePath().normalize();
    try {
      return CACHE.computeIfAbsent(key, k -> {
        try {
          return read(k);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Checks that {@code folder} holds the four files, without reading them (a driver checks this
   * before it starts executors that will load them).
   *
   * @throws java.io.FileNotFoundException naming the folder or the missing file, and how to
   *     install the package when the folder is Debian's
   */
  public static void check(Path folder) throws java.io.FileNotFoundException {
    if (!Files.isDirectory(folder)) {
      throw missingFolder(folder);
    }
    for (String name : FILES) {
      file(folder, name);
    }
  }

  private static final String[] FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
      "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

  private static java.io.FileNotFoundException missingFolder(Path folder) {
    return new java.io.FileNotFoundException("Cannot load the data set: no folder " + folder
        + (folder.toString().equals(DEBIAN_DIR) ? " (install it with: apt-get install"
            + " dataset-fashion-mnist, or set " + ENV + ")" : ""));
  }

  /** Reads the four files of {@code folder} (no cache). */
  static Split read(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw missingFolder(folder);
    }
    ImageData train = ImageData.of(Idx.read(file(folder, "train-images-idx3-ubyte")),
        Idx.read(file(folder, "train-labels-idx1-ubyte")), CLASSES, folder + " (train)");
    ImageData test = ImageData.of(Idx.read(file(folder, "t10k-images-idx3-ubyte")),
        Idx.read(file(folder, "t10k-labels-idx1-ubyte")), CLASSES, folder + " (t10k)");
    if (train.features() != test.features()) {
      throw new IdxFormatException(folder.toString(), "training images have " + train.features()
          + " pixels, test images " + test.features());
    }
    return new Split(train, test);
  }

  private static Path file(Path folder, String name) throws java.io.FileNotFoundException {
    Path plain = folder.resolve(name);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    Path gz = folder.resolve(name + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    throw new java.io.FileNotFoundException("Cannot load the data set: " + folder + " has neither "
        + name + " nor " + name + ".gz");
  }
}
