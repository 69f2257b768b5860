package org.sgdnoise.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reader of the IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed (detected by
 * the gzip magic bytes, not the name). Layout: two zero bytes, a type code (only 0x08, unsigned
 * bytes, is used by these data sets and accepted here), the number of dimensions (1 to 4), one
 * big-endian int32 per dimension, then the items in row-major order. Anything else (a wrong
 * magic, a bad type, a zero or negative size, a short or overlong file) is refused with an
 * {@link IdxFormatException} naming the file and what is wrong.
 */
public final class Idx {
  /** Most items one array may hold (a Java array). */
  static final long MAX_ITEMS = Integer.MAX_VALUE - 8;

  private Idx() {}

  /**
   * An IDX array of unsigned bytes.
   *
   * @param dims the sizes, outermost first
   * @param data the items, row-major. Owned by the caller.
   */
  public record Array(int[] dims, byte[] data) {
    /** The size of the first dimension (images or labels). */
    public int count() {
      return dims[0];
    }

    /** Items per entry of the first dimension (28 × 28 = 784 for images, 1 for labels). */
    public int itemSize() {
      int s = 1;
      for (int i = 1; i < dims.length; i++) {
        s *= dims[i];
      }
      return s;
    }
  }

  /** Reads {@code file} (IDX, plain or gzip). */
  public static Array read(Path file) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      final int b0 = raw.read();
      final int b1 = raw.read();
      raw.reset();
      InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
      return read(in, file.toString());
    } catch (java.util.zip.ZipException e) {
      throw new IdxFormatException(file.toString(), "corrupt gzip data (" + e.getMessage() + ")");
    }
  }

  /** Reads an IDX stream; {@code name} is for messages. */
  static Array read(InputStream stream, String name) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    final int[] header = new int[4];
    try {
      for (int i = 0; i < 4; i++) {
        header[i] = in.readUnsignedByte();
      }
    } catch (EOFException e) {
      throw new IdxFormatException(name, "shorter than the 4-byte IDX header");
    }
    if (header[0] != 0 || header[1] != 0) {
      throw new IdxFormatException(name, String.format("not an IDX file: the magic number must"
          + " start with two zero bytes, found 0x%02x%02x", header[0], header[1]));
    }
    if (header[2] != 0x08) {
      throw new IdxFormatException(name, String.format("item type 0x%02x is not supported (only"
          + " 0x08, unsigned bytes, as in MNIST and Fashion-MNIST)", header[2]));
    }
    final int ndims = header[3];
    if (ndims < 1 || ndims > 4) {
      throw new IdxFormatException(name, "the number of dimensions must be from 1 to 4: "
          + ndims);
    }
    final int[] dims = new int[ndims];
    long items = 1;
    for (int i = 0; i < ndims; i++) {
      try {
        dims[i] = in.readInt();
      } catch (EOFException e) {
        throw new IdxFormatException(name, "the header ends before dimension " + (i + 1)
            + " of " + ndims);
      }
      if (dims[i] <= 0) {
        throw new IdxFormatException(name, "dimension " + (i + 1) + " must be positive: "
            + dims[i]);
      }
      items *= dims[i];
      if (items > MAX_ITEMS) {
        throw new IdxFormatException(name, "too many items for one array: sizes "
            + Arrays.toString(Arrays.copyOf(dims, i + 1)));
      }
    }
    final byte[] data = new byte[(int) items];
    int read = 0;
    while (read < data.length) {
      final int r = in.read(data, read, data.length - read);
      if (r < 0) {
        throw new IdxFormatException(name, "truncated: the header " + Arrays.toString(dims)
            + " promises " + items + " bytes of data, the file has " + read);
      }
      read += r;
    }
    if (in.read() >= 0) {
      throw new IdxFormatException(name, "trailing bytes after the " + items
          + " items the header " + Arrays.toString(dims) + " promises");
    }
    return new Array(dims, data);
  }
}
