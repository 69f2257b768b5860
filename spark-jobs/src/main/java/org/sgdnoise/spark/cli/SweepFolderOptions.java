package org.sgdnoise.spark.cli;

import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.sgdnoise.spark.OutputLayout;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options of the commands that work on a finished sweep's folder (analyze, report). */
final class SweepFolderOptions {
  @Parameters(index = "0", paramLabel = "SWEEP_DIR",
      description = "the sweep's output folder <out>/<name> (holding cells/; a path or Hadoop"
          + " FileSystem URI)")
  String dir;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "${sys:spark.master:-local[*]}",
      description = "Spark master; default: the one spark-submit was given, else local[*]")
  String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "a Spark configuration property (repeatable)")
  Map<String, String> sparkConf = new java.util.LinkedHashMap<>();

  /** The folder's layout: {@code <out>/<name>} (a root is its own output). */
  OutputLayout layout() {
    Path p = new Path(dir);
    return new OutputLayout(p.getParent() == null ? p : p.getParent(), p);
  }
}
