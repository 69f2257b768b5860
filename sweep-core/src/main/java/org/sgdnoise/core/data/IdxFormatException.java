package org.sgdnoise.core.data;

import java.io.IOException;

/** An IDX file that is not what the format (or the data set) requires. */
public final class IdxFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public IdxFormatException(String file, String why) {
    super("Cannot read IDX file " + file + ": " + why);
  }
}
