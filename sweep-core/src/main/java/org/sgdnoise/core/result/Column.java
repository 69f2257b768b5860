package org.sgdnoise.core.result;

import java.util.function.Function;

/**
 * One column of a result table: name, type, whether it may be null, unit, meaning, and how to
 * read it from a row object. The engine adapters (Spark) map {@link Type} to their own types.
 *
 * @param <T> the row object
 */
public record Column<T>(
    String name, Type type, boolean nullable, String unit, String doc, Function<T, Object> get) {

  /** Primitive column types only (BI tools read them all). */
  public enum Type {
    STRING,
    BOOLEAN,
    INT,
    LONG,
    DOUBLE
  }

  static <T> Column<T> of(String name, Type type, boolean nullable, String unit, String doc,
      Function<T, Object> get) {
    return new Column<>(name, type, nullable, unit, doc, get);
  }
}
