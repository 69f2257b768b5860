package org.sgdnoise.core.spec;

import java.util.Arrays;

/**
 * The learning-rate matrix Λ = λ·Λ₀ of a sweep ({@code lr_matrix} in the sweep file): Λ₀ = I
 * ({@code scalar}), A⁻¹ ({@code newton}, damped Newton) or a diagonal matrix in the coordinate
 * basis (a list of D positive numbers). λ stays the swept learning rate, so the critical
 * learning rate is the critical scale of Λ₀.
 *
 * @param type which Λ₀
 * @param diagonal the diagonal of Λ₀ for {@link Type#DIAGONAL}, otherwise {@code null}. Not
 *     modified; do not modify.
 */
public record LrMatrix(Type type, double[] diagonal) implements java.io.Serializable {
  /** Λ₀ = I. */
  public static final LrMatrix SCALAR = new LrMatrix(Type.SCALAR, null);
  /** Λ₀ = A⁻¹. */
  public static final LrMatrix NEWTON = new LrMatrix(Type.NEWTON, null);

  /** The kinds of Λ₀. */
  public enum Type {
    SCALAR,
    NEWTON,
    DIAGONAL
  }

  public LrMatrix {
    if ((type == Type.DIAGONAL) != (diagonal != null)) {
      throw new IllegalArgumentException("Cannot make a learning-rate matrix: a diagonal is"
          + " given exactly for type DIAGONAL: " + type);
    }
  }

  /** The value as written in tables: {@code scalar}, {@code newton} or {@code [d1, d2, ...]}. */
  public String text() {
    return switch (type) {
      case SCALAR -> "scalar";
      case NEWTON -> "newton";
      case DIAGONAL -> Arrays.toString(diagonal);
    };
  }
}
