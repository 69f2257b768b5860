package org.sgdnoise.core.spec;

/**
 * A sweep file that cannot be run: broken YAML, an unknown key, a wrong type, a value out of
 * range, or values that are invalid together. The message names the file, the YAML path, the
 * line, what is allowed and the offending value (last), e.g.
 *
 * <pre>Cannot load sweep file 'q.yaml': params.lr[2] (line 7): must be a number &gt; 0: -0.1</pre>
 */
public final class SpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final int line;

  public SpecException(String source, String path, int line, String reason, String value) {
    super(format(source, path, line, reason, value));
    this.path = path;
    this.line = line;
  }

  /** The YAML path of the offending field ({@code params.lr[2]}), or {@code ""} for the file. */
  public String path() {
    return path;
  }

  /** The 1-based line of the offending field, or 0 when the problem has no single line. */
  public int line() {
    return line;
  }

  private static String format(String source, String path, int line, String reason, String value) {
    StringBuilder sb = new StringBuilder("Cannot load sweep file '").append(source).append("'");
    if (!path.isEmpty() || line > 0) {
      sb.append(": ");
      if (!path.isEmpty()) {
        sb.append(path);
      }
      if (line > 0) {
        sb.append(path.isEmpty() ? "" : " ").append("(line ").append(line).append(')');
      }
    }
    sb.append(": ").append(reason);
    if (value != null) {
      sb.append(": ").append(value);
    }
    return sb.toString();
  }
}
