package org.sgdnoise.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sgdnoise.core.result.CellResult;
import org.sgdnoise.core.result.Column;
import org.sgdnoise.core.result.Tables;

/**
 * The core's table schemas as Spark types, and results as Spark rows. Spark 4's bean encoders do
 * not read Java records, so rows are built from the core's column lists with explicit schemas.
 */
public final class SparkTables {
  /** Column of the combined per-cell row that holds the cell's replicate rows. */
  static final String REPLICATES_COLUMN = "_replicates";
  /** Column of the combined per-cell row that holds the cell's matrix entries. */
  static final String MATRICES_COLUMN = "_matrices";

  static final StructType CELLS = schema(Tables.CELLS);
  static final StructType REPLICATES = schema(Tables.REPLICATES);
  static final StructType MATRICES = schema(Tables.MATRICES);
  /** One row per cell: the cells columns plus arrays of replicate rows and matrix entries. */
  static final StructType COMBINED = CELLS
      .add(REPLICATES_COLUMN, DataTypes.createArrayType(REPLICATES, false), false)
      .add(MATRICES_COLUMN, DataTypes.createArrayType(MATRICES, false), false);

  private SparkTables() {}

  /**
   * Parquet writer options for the cells table: no dictionary encoding for its double columns.
   * Their values are nearly all distinct, so Parquet would build a dictionary per column and
   * page, then fall back to plain encoding: a third of a theory-only sweep's time, for files of
   * the same size. Strings, integers and booleans keep their dictionaries.
   */
  static java.util.Map<String, String> cellsWriteOptions() {
    java.util.Map<String, String> o = new java.util.LinkedHashMap<>();
    for (String c : CELLS_NO_DICTIONARY) {
      o.put("parquet.enable.dictionary#" + c, "false");
    }
    return o;
  }

  /**
   * Cells columns written without a dictionary: the doubles, the cell id and index, whose
   * values are (nearly) all distinct.
   */
  static final java.util.Set<String> CELLS_NO_DICTIONARY = noDictionary();

  private static java.util.Set<String> noDictionary() {
    java.util.Set<String> s = new java.util.LinkedHashSet<>();
    for (Column<Tables.CellRow> c : Tables.CELLS) {
      if (c.type() == Column.Type.DOUBLE
          || java.util.Set.of("cell_id", "cell_index").contains(c.name())) {
        s.add(c.name());
      }
    }
    return java.util.Collections.unmodifiableSet(s);
  }

  static Row combinedRow(String sweep, CellResult r) {
    Object[] cell = Tables.cellValues(sweep, r);
    List<Row> reps = new ArrayList<>();
    for (Object[] v : Tables.replicateValues(sweep, r)) {
      reps.add(RowFactory.create(v));
    }
    List<Row> matrices = new ArrayList<>();
    for (Object[] v : Tables.matrixValues(sweep, r)) {
      matrices.add(RowFactory.create(v));
    }
    Object[] all = java.util.Arrays.copyOf(cell, cell.length + 2);
    all[cell.length] = scala.jdk.javaapi.CollectionConverters.asScala(reps).toSeq();
    all[cell.length + 1] = scala.jdk.javaapi.CollectionConverters.asScala(matrices).toSeq();
    return RowFactory.create(all);
  }

  /** A Spark schema for a core column list. */
  public static <T> StructType schema(List<Column<T>> columns) {
    List<StructField> fields = new ArrayList<>();
    for (Column<T> c : columns) {
      fields.add(DataTypes.createStructField(c.name(), type(c.type()), c.nullable()));
    }
    return DataTypes.createStructType(fields);
  }

  private static DataType type(Column.Type t) {
    return switch (t) {
      case STRING -> DataTypes.StringType;
      case BOOLEAN -> DataTypes.BooleanType;
      case INT -> DataTypes.IntegerType;
      case LONG -> DataTypes.LongType;
      case DOUBLE -> DataTypes.DoubleType;
    };
  }
}
