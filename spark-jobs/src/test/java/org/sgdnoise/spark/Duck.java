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

  long count(String sql) throws SQLException {
    return ((Number) rows(sql).get(0).get(0)).longValue();
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
