package org.sgdnoise.spark;

/**
 * The sweep cannot run against this output (for example a changed sweep file that would drop
 * cells already computed). Nothing has been written when it is thrown; the CLI exits with 2.
 */
public final class SweepRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SweepRefusedException(String message) {
    super(message);
  }
}
