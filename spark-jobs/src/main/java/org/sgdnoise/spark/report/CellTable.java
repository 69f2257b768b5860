package org.sgdnoise.spark.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A small table held in the driver for plotting: named columns, rows of plain Java values
 * (String, Boolean, Integer, Long, Double or null). The report reads only the columns it draws,
 * and at most {@link ReportWriter#MAX_PLOT_ROWS} rows.
 */
public final class CellTable {
  private final List<String> columns;
  private final Map<String, Integer> index = new HashMap<>();
  private final List<Object[]> rows;

  public CellTable(List<String> columns, List<Object[]> rows) {
    this.columns = List.copyOf(columns);
    for (int k = 0; k < this.columns.size(); k++) {
      index.put(this.columns.get(k), k);
    }
    this.rows = List.copyOf(rows);
  }

  public List<String> columns() {
    return columns;
  }

  public List<Object[]> rows() {
    return rows;
  }

  public int size() {
    return rows.size();
  }

  public boolean has(String column) {
    return index.containsKey(column);
  }

  /** The raw value, or null when the column is absent or the value null. */
  public Object get(Object[] row, String column) {
    Integer k = index.get(column);
    return k == null ? null : row[k];
  }

  /** A number (booleans as 1/0), NaN for null or an absent column. */
  public double num(Object[] row, String column) {
    Object v = get(row, column);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return Double.NaN;
  }

  /** True when some row has a non-null value in the column. */
  public boolean hasValues(String column) {
    if (!has(column)) {
      return false;
    }
    for (Object[] r : rows) {
      if (get(r, column) != null) {
        return true;
      }
    }
    return false;
  }

  /** Distinct non-null values of a column, in order of first appearance. */
  public List<Object> distinct(String column) {
    LinkedHashMap<Object, Boolean> seen = new LinkedHashMap<>();
    for (Object[] r : rows) {
      Object v = get(r, column);
      if (v != null) {
        seen.putIfAbsent(v, true);
      }
    }
    return new ArrayList<>(seen.keySet());
  }

  /** The grid axis of a numeric column (its distinct finite values). */
  public GridAxis axis(String column) {
    return GridAxis.of(column, rows.stream().mapToDouble(r -> num(r, column)).toArray());
  }

  /** The rows matching every (column, value) of {@code fixed}. */
  public CellTable where(Map<String, Object> fixed) {
    Predicate<Object[]> p = r -> fixed.entrySet().stream()
        .allMatch(e -> Objects.equals(get(r, e.getKey()), e.getValue()));
    return filter(p);
  }

  public CellTable filter(Predicate<Object[]> p) {
    return new CellTable(columns, rows.stream().filter(p).toList());
  }

  /**
   * A field {@code z[i][j]} of {@code value} over two axes: NaN where no row sits on a node. Where
   * several rows share a node (a parameter not fixed by the caller), the first one wins.
   */
  public double[][] field(GridAxis x, GridAxis y, java.util.function.ToDoubleFunction<Object[]>
      value) {
    double[][] z = new double[x.size()][y.size()];
    boolean[][] set = new boolean[x.size()][y.size()];
    for (double[] col : z) {
      Arrays.fill(col, Double.NaN);
    }
    for (Object[] r : rows) {
      int i = x.indexOf(num(r, x.column()));
      int j = y.indexOf(num(r, y.column()));
      if (i >= 0 && j >= 0 && !set[i][j]) {
        z[i][j] = value.applyAsDouble(r);
        set[i][j] = true;
      }
    }
    return z;
  }
}
