package org.sgdnoise.core.plan;

import org.sgdnoise.core.spec.Param;

/**
 * One round of refined cells: index {@code first + k} is the cell of slice {@code slices[k]}
 * (a grid index, see {@link Refinement#sliceOf}) with the refine axis at {@code values[k]}.
 * Arrays are owned by this object; do not modify.
 *
 * @param plan the sweep's grid
 * @param axis the refine axis
 * @param first index of the round's first cell (past the grid and every earlier round)
 * @param slices the slice of each cell
 * @param values the axis value of each cell
 */
public record RefinedCells(SweepPlan plan, Param axis, long first, long[] slices,
    double[] values) implements CellSource {

  public RefinedCells {
    if (slices.length != values.length) {
      throw new IllegalArgumentException("Cannot make refined cells: " + slices.length
          + " slices for " + values.length + " values");
    }
  }

  /** Cells in the round. */
  public int size() {
    return values.length;
  }

  @Override
  public Cell cell(long index) {
    final int k = Math.toIntExact(index - first);
    return plan.cellAt(index, slices[k], axis, values[k]);
  }
}
