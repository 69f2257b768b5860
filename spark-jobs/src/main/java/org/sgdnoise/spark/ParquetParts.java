package org.sgdnoise.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.types.StructType;
import org.sgdnoise.core.result.Column;

/**
 * Writes one task's rows of a core table straight into one Parquet part file with the Parquet
 * library's column writers, for the hot path of theory-only sweeps where Spark's generic row
 * writer (Row → InternalRow → record consumer, ~90 columns per cell) cost more than the physics.
 *
 * <p>The file is the same as Spark's own: schema {@code spark_schema} with the same physical and
 * logical types and nullability ({@link SparkTables}' Spark schema is stored under Spark's
 * row-metadata key, so Spark reads back exactly that schema), the codec of
 * {@code spark.sql.parquet.compression.codec}, dictionaries off for the given columns.
 *
 * <p>Exactly-once with task retries: the part is written under a hidden name ({@code _attempt-…},
 * skipped by every reader and by {@link SweepOutput#dataFiles}) and renamed to its final,
 * per-partition name only when complete, replacing any part an earlier attempt of the same
 * partition finished. So a wave's staging folder holds one part per non-empty partition.
 */
final class ParquetParts implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String ROW_METADATA = "org.apache.spark.sql.parquet.row.metadata";
  private static final String SPARK_VERSION = "org.apache.spark.version";
  /** Rows between checks of the buffered size against the row-group size. */
  private static final int SIZE_CHECK_ROWS = 1000;
  /** No padding of row groups to file-system block boundaries (Spark's default too). */
  private static final int NO_PADDING = 0;

  private final Map<String, String> hadoopConf;
  private final String codec;
  private final String sparkVersion;
  private final long rowGroupBytes;

  /**
   * @param hadoopConf the driver's Hadoop configuration (credentials, file-system settings)
   * @param codec Spark's codec name ({@code snappy}, {@code zstd}, {@code none}, …)
   * @param sparkVersion written in the footer as Spark does
   */
  ParquetParts(Configuration hadoopConf, String codec, String sparkVersion) {
    this.hadoopConf = new HashMap<>();
    for (Map.Entry<String, String> e : hadoopConf) {
      this.hadoopConf.put(e.getKey(), e.getValue());
    }
    this.codec = codec;
    this.sparkVersion = sparkVersion;
    this.rowGroupBytes = hadoopConf.getLong("parquet.block.size", 128L << 20);
  }

  /**
   * Writes {@code rows} (values in {@code columns} order) as part {@code partition} of folder
   * {@code dir}, named with {@code tag}; nothing is written for no rows. Returns the rows
   * written.
   */
  <T> long write(Path dir, String tag, int partition, int attempt, List<Column<T>> columns,
      StructType sparkSchema, java.util.Set<String> noDictionary, Iterator<Object[]> rows)
      throws IOException {
    if (!rows.hasNext()) {
      return 0;
    }
    return writeFile(dir, tag, partition, attempt, columns, sparkSchema, noDictionary, rows);
  }

  /**
   * Writes a part with no rows (the schema only) into {@code dir}, so that a table that got no
   * rows in a wave still has a readable file: what Spark writes for an empty data frame, without
   * a Spark job.
   */
  <T> void writeEmpty(Path dir, String tag, List<Column<T>> columns, StructType sparkSchema)
      throws IOException {
    writeFile(dir, tag, 0, 0, columns, sparkSchema, java.util.Set.of(),
        java.util.Collections.emptyIterator());
  }

  private <T> long writeFile(Path dir, String tag, int partition, int attempt,
      List<Column<T>> columns, StructType sparkSchema, java.util.Set<String> noDictionary,
      Iterator<Object[]> rows) throws IOException {
    Configuration conf = new Configuration(false);
    hadoopConf.forEach(conf::set);
    CompressionCodecName name = codecName(codec);
    Path part = new Path(dir, String.format("part-%05d-%s%s.parquet", partition, tag,
        name.getExtension()));
    Path tmp = new Path(dir, String.format("_attempt-%d-%s", attempt, part.getName()));
    FileSystem fs = tmp.getFileSystem(conf);
    MessageType schema = schema(columns);
    ParquetProperties.Builder pb = ParquetProperties.builder().withSizeStatisticsEnabled(false);
    for (String c : noDictionary) {
      pb.withDictionaryEncoding(c, false);
    }
    ParquetProperties props = pb.build();
    long count = 0;
    CodecFactory codecs = new CodecFactory(conf, props.getPageSizeThreshold());
    ParquetFileWriter file = new ParquetFileWriter(HadoopOutputFile.fromPath(tmp, conf), schema,
        ParquetFileWriter.Mode.OVERWRITE, rowGroupBytes, NO_PADDING, null, props);
    try {
      file.start();
      RowGroup group = new RowGroup(schema, props, codecs.getCompressor(name), columns);
      while (rows.hasNext()) {
        group.add(rows.next());
        count++;
        if (count % SIZE_CHECK_ROWS == 0 && group.bufferedBytes() >= rowGroupBytes) {
          group.flushTo(file);
          group = new RowGroup(schema, props, codecs.getCompressor(name), columns);
        }
      }
      group.flushTo(file);
      file.end(Map.of(ROW_METADATA, sparkSchema.json(), SPARK_VERSION, sparkVersion));
    } catch (IOException | RuntimeException | Error e) {
      try {
        file.abort();
        fs.delete(tmp, false);
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      codecs.release();
    }
    if (fs.exists(part)) {
      fs.delete(part, false); // an earlier attempt of this partition finished, then failed
    }
    if (!fs.rename(tmp, part)) {
      throw new IOException("Cannot finish a Parquet part: rename failed: " + tmp + " -> " + part);
    }
    return count;
  }

  /** The Parquet schema Spark writes for these columns. */
  static <T> MessageType schema(List<Column<T>> columns) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Column<T> c : columns) {
      Repetition rep = c.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
      switch (c.type()) {
        case STRING -> b.primitive(PrimitiveTypeName.BINARY, rep)
            .as(LogicalTypeAnnotation.stringType()).named(c.name());
        case BOOLEAN -> b.primitive(PrimitiveTypeName.BOOLEAN, rep).named(c.name());
        case INT -> b.primitive(PrimitiveTypeName.INT32, rep).named(c.name());
        case LONG -> b.primitive(PrimitiveTypeName.INT64, rep).named(c.name());
        case DOUBLE -> b.primitive(PrimitiveTypeName.DOUBLE, rep).named(c.name());
        default -> throw new IllegalArgumentException("column type " + c.type());
      }
    }
    return b.named("spark_schema");
  }

  static CompressionCodecName codecName(String sparkCodec) {
    String c = sparkCodec.trim().toLowerCase(java.util.Locale.ROOT);
    return c.equals("none") ? CompressionCodecName.UNCOMPRESSED : CompressionCodecName.fromConf(c);
  }

  /** The column writers of one row group, buffered in memory until flushed to the file. */
  private static final class RowGroup {
    private final ColumnChunkPageWriteStore pages;
    private final ColumnWriteStore store;
    private final ColumnWriter[] writers;
    private final Column.Type[] types;
    private final int[] maxDefinition;
    private long rows;

    <T> RowGroup(MessageType schema, ParquetProperties props,
        CodecFactory.BytesCompressor compressor, List<Column<T>> columns) {
      pages = new ColumnChunkPageWriteStore(compressor, schema,
          HeapByteBufferAllocator.getInstance(),
          props.getColumnIndexTruncateLength(), props.getPageWriteChecksumEnabled());
      store = props.newColumnWriteStore(schema, pages, pages);
      List<ColumnDescriptor> descriptors = schema.getColumns();
      writers = new ColumnWriter[descriptors.size()];
      types = new Column.Type[writers.length];
      maxDefinition = new int[writers.length];
      for (int j = 0; j < writers.length; j++) {
        writers[j] = store.getColumnWriter(descriptors.get(j));
        types[j] = columns.get(j).type();
        maxDefinition[j] = descriptors.get(j).getMaxDefinitionLevel();
      }
    }

    void add(Object[] row) {
      if (row.length != writers.length) {
        throw new IllegalArgumentException(
            "row has " + row.length + " values for " + writers.length + " columns");
      }
      for (int j = 0; j < writers.length; j++) {
        Object v = row[j];
        ColumnWriter w = writers[j];
        int d = maxDefinition[j];
        if (v == null) {
          if (d == 0) {
            throw new IllegalArgumentException("null in required column " + j);
          }
          w.writeNull(0, 0);
          continue;
        }
        switch (types[j]) {
          case DOUBLE -> w.write((Double) v, 0, d);
          case STRING -> w.write(Binary.fromString((String) v), 0, d);
          case INT -> w.write((Integer) v, 0, d);
          case LONG -> w.write((Long) v, 0, d);
          case BOOLEAN -> w.write((Boolean) v, 0, d);
          default -> throw new IllegalStateException("column type " + types[j]);
        }
      }
      store.endRecord();
      rows++;
    }

    long bufferedBytes() {
      return store.getBufferedSize();
    }

    void flushTo(ParquetFileWriter file) throws IOException {
      try {
        if (rows > 0) {
          file.startBlock(rows);
          store.flush();
          pages.flushToFileWriter(file);
          file.endBlock();
        }
      } finally {
        store.close();
        pages.close();
      }
    }
  }
}
