package org.sgdnoise.spark.cli;

import org.apache.hadoop.fs.Path;
import org.sgdnoise.spark.OutputLayout;
import picocli.CommandLine;
import picocli.CommandLine.Parameters;

/** The options of the commands that work on a finished sweep's folder (analyze, report). */
final class SweepFolderOptions {
  @Parameters(index = "0", paramLabel = "SWEEP_DIR",
      description = "the sweep's output folder <out>/<name> (holding cells/; a path or Hadoop"
          + " FileSystem URI)")
  String dir;

  @CommandLine.Mixin SparkOptions spark;

  /** The folder's layout: {@code <out>/<name>} (a root is its own output). */
  OutputLayout layout() {
    Path p = new Path(dir);
    return new OutputLayout(p.getParent() == null ? p : p.getParent(), p);
  }
}
