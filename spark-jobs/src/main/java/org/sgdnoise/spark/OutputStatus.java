package org.sgdnoise.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.sgdnoise.core.spec.SweepSpec;

/**
 * What an existing output of a sweep holds, read without Spark: the manifest's status and
 * whether it was made from the same sweep file, and the cells done (row counts from the Parquet
 * footers of the committed files; waves are written exactly once, so rows = cells).
 *
 * @param exists the sweep's output folder exists
 * @param status the manifest's status (running, stopped, complete), or "" without a manifest
 * @param sameSweepFile the manifest's sweep file is this one, to the letter
 * @param cellsDone rows of the cells table
 */
public record OutputStatus(boolean exists, String status, boolean sameSweepFile, long cellsDone) {

  public static OutputStatus of(String out, SweepSpec spec) throws IOException {
    OutputLayout layout = OutputLayout.of(out, spec.name());
    Configuration conf = new Configuration();
    FileSystem fs = layout.fileSystem(conf);
    if (!fs.exists(layout.sweep())) {
      return new OutputStatus(false, "", false, 0);
    }
    JsonNode m = Manifest.read(fs, layout);
    String status = m == null ? "" : m.path("status").asText();
    boolean same = m != null && m.path("spec_text").asText().equals(spec.text());
    long rows = 0;
    for (org.apache.hadoop.fs.Path f : SweepOutput.dataFiles(fs, layout.cells())) {
      try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(f, conf))) {
        rows += r.getRecordCount();
      }
    }
    return new OutputStatus(true, status, same, rows);
  }
}
