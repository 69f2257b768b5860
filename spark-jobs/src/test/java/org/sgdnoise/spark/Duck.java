package org.sgdnoise.spark;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads Parquet tables back with DuckDB (JDBC), an independent reader as BI tools would use. */
final class Duck implements AutoCloseable {
  private final Connection conn;

  Duck() throws SQLException {
    conn = DriverManager.getConnection("jdbc:duckdb:");
  }

  /** {@code read_parquet('<dir>/*.parquet')} for a table folder. */
  static String table(Path dir) {
    return "read_parquet('" + dir.toAbsolutePath().toString().replace("'", "''")
        + "/*.parquet')";
  }

  List<List<Object>> rows(String sql) throws SQLException {
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<List<Object>> out = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        out.add(row);
      }
      return out;
    }
  }

  /**
   * Asserts that two outputs of one sweep hold the same tables: every column but wall_ms (it
   * measures the machine), rows ordered by cell (and replicate), with the expected row counts.
   *
   * @param a a sweep folder ({@code <out>/<name>}) holding {@code cells/} and {@code replicates/}
   * @param b the other one
   */
  static void assertSameSweepTables(Path a, Path b, int cells, int replicatesPerCell)
      throws SQLException {
    try (Duck duck = new Duck()) {
      for (String table : new String[] {"cells", "replicates"}) {
        String order = table.equals("cells") ? "cell_id" : "cell_id, replicate";
        String q = "SELECT * EXCLUDE (wall_ms) FROM %s ORDER BY " + order;
        List<List<Object>> x = duck.rows(String.format(q, table(a.resolve(table))));
        List<List<Object>> y = duck.rows(String.format(q, table(b.resolve(table))));
        org.assertj.core.api.Assertions.assertThat(x).as(table)
            .hasSize(table.equals("cells") ? cells : cells * replicatesPerCell);
        org.assertj.core.api.Assertions.assertThat(x).as(table).isEqualTo(y);
      }
    }
  }

  long count(String sql) throws SQLException {
    return ((Number) rows(sql).get(0).get(0)).longValue();
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
