package org.sgdnoise.core.plan;

/**
 * A function from index to cell, shipped to executors: the grid ({@link SweepPlan}) or a round
 * of refined cells ({@link RefinedCells}).
 */
public interface CellSource extends java.io.Serializable {
  /** The cell at {@code index}. */
  Cell cell(long index);
}
