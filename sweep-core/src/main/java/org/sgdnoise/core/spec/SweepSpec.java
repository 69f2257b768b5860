package org.sgdnoise.core.spec;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A validated sweep file. Immutable; every parameter has a value (given or defaulted), every
 * cross-field rule has been checked, and the product of the dimensions fits in a {@code long}.
 *
 * @param name the sweep name (a plain folder name)
 * @param kind the problem kind
 * @param seed the sweep seed, mixed into every replicate's seed
 * @param params every parameter of the kind, fixed or grid
 * @param dimensions the factors of the product, slowest first (file order)
 * @param simulate simulation settings
 * @param lrMatrix the learning-rate matrix Λ = λ·Λ₀
 * @param matrices whether to write Σ and C of each cell to the {@code matrices} table
 * @param refine adaptive refinement of a boundary after the grid, or {@code null}
 * @param train the data set and training settings of the real-data kinds ({@link
 *     Kind#trains()}), {@code null} for the linear kinds
 * @param source the file name, for messages
 * @param text the sweep file as written, for the manifest
 */
public record SweepSpec(
    String name,
    Kind kind,
    long seed,
    Map<Param, ParamAxis> params,
    List<Dimension> dimensions,
    Simulate simulate,
    LrMatrix lrMatrix,
    boolean matrices,
    Refine refine,
    Train train,
    String source,
    String text) implements java.io.Serializable {

  public SweepSpec {
    params = java.util.Collections.unmodifiableMap(new EnumMap<>(params));
    dimensions = List.copyOf(dimensions);
  }

  /** Number of cells: the product of the dimension sizes (1 when nothing is swept). */
  public long cellCount() {
    long n = 1;
    for (Dimension d : dimensions) {
      n = Math.multiplyExact(n, d.size());
    }
    return n;
  }

  /**
   * Whether cells run replicates (SGD chains or training runs) rather than theory alone: such
   * sweeps are written wave by wave through Spark rows, in small waves.
   */
  public boolean runsReplicates() {
    return train != null || simulate.enabled();
  }

  /** Independent runs per cell: training replicates, or simulated chains (0 without). */
  public int replicates() {
    return train != null ? train.replicates() : simulate.replicates();
  }

  /** Steps per replicate: optimiser steps, or SGD steps (0 without simulation). */
  public long steps() {
    return train != null ? train.steps() : simulate.steps();
  }

  /** Reads, parses and validates sweep-file text; see {@link SweepSpecParser}. */
  public static SweepSpec parse(String source, String text) {
    return SweepSpecParser.parse(source, text);
  }
}
