package org.sgdnoise.core.analysis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Slices of a sweep along an axis: the cells whose parameter columns are all equal except the
 * axis. A slice is named by its parameter values ({@link #text}, for people) and by a hash of
 * them ({@link #id}, stable across runs and refinements: it depends only on the values).
 */
public final class Slices {
  /**
   * The cells-table columns that are a cell's parameters, in table order. {@code a_max} and
   * {@code a_trace} follow from the spectrum; they are kept so plots can use aλ without parsing.
   */
  public static final List<String> PARAMETERS = List.of("lr", "batch", "momentum",
      "weight_decay", "dim", "n", "alpha", "label_noise_var", "a_max", "a_trace", "spectrum",
      "teacher", "input_noise_var", "input_noise_spectrum", "lr_matrix", "rotation",
      "scaling_k", "width");

  /** The parameters a boundary can be located along (the numeric ones that are swept). */
  public static final List<String> AXES = List.of("lr", "batch", "momentum", "weight_decay",
      "dim", "n", "alpha", "label_noise_var", "input_noise_var", "rotation", "scaling_k",
      "width");

  /**
   * Parameters added after the first slice ids: left out of {@link #id} when null, so the
   * slices of sweeps that do not have them keep their ids.
   */
  private static final Set<String> LATER = Set.of("width");

  /** Digits of SHA-256 kept in a slice id (64 bits: no collision among 10⁸ slices, p ≈ 3e-4). */
  private static final int ID_HEX_DIGITS = 16;

  private Slices() {}

  /**
   * Checks an axis name.
   *
   * @throws IllegalArgumentException naming the allowed axes
   */
  public static String checkAxis(String axis) {
    if (!AXES.contains(axis)) {
      throw new IllegalArgumentException("Cannot analyze along axis '" + axis + "': it must be"
          + " one of " + String.join(", ", AXES) + ": " + axis);
    }
    return axis;
  }

  /** The parameter columns a slice along {@code axis} holds fixed (all but the axis). */
  public static List<String> fixed(String axis) {
    List<String> out = new ArrayList<>(PARAMETERS);
    out.remove(axis);
    return List.copyOf(out);
  }

  /**
   * Groups cells into slices along an axis, in order of first appearance.
   *
   * @param cells the cells
   * @param params a cell's values of {@link #PARAMETERS}, in that order
   * @param axis the axis
   * @return slices keyed by the fixed values ({@link #PARAMETERS} order, the axis entry null)
   */
  public static <T> Map<List<Object>, List<T>> group(List<T> cells,
      Function<T, Object[]> params, String axis) {
    final int skip = PARAMETERS.indexOf(axis);
    Map<List<Object>, List<T>> out = new LinkedHashMap<>();
    for (T cell : cells) {
      Object[] key = params.apply(cell).clone();
      if (skip >= 0) {
        key[skip] = null;
      }
      out.computeIfAbsent(Arrays.asList(key), k -> new ArrayList<>()).add(cell);
    }
    return out;
  }

  /**
   * A readable name: {@code name=value} for each column that varies in the sweep (others say
   * nothing about the slice), e.g. {@code batch=4, momentum=0.5}; {@code all} if none does.
   *
   * @param names column names
   * @param values the slice's values, same order (nulls are skipped)
   * @param varying the columns that take more than one value in the sweep
   */
  public static String text(List<String> names, Object[] values, Set<String> varying) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      if (values[i] != null && varying.contains(names.get(i))) {
        sb.append(sb.length() == 0 ? "" : ", ").append(names.get(i)).append('=')
            .append(values[i]);
      }
    }
    return sb.length() == 0 ? "all" : sb.toString();
  }

  /**
   * A stable id: 16 hex digits of SHA-256 over the axis and every {@code name=value} (null
   * included, except a null of a {@link #LATER} parameter), so equal slices of two sweeps or
   * two runs have equal ids.
   */
  public static String id(String axis, List<String> names, Object[] values) {
    StringBuilder sb = new StringBuilder("sgdnoise-slice-v1|").append(axis);
    for (int i = 0; i < names.size(); i++) {
      if (values[i] == null && LATER.contains(names.get(i))) {
        continue;
      }
      sb.append('|').append(names.get(i)).append('=').append(values[i]);
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h).substring(0, ID_HEX_DIGITS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
