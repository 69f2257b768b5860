package org.sgdnoise.spark.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** The Spark options every command that starts Spark takes (run, analyze, report). */
final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL", defaultValue = "${sys:spark.master:-local[*]}",
      description = "Spark master; default: the one spark-submit was given, else local[*]"
          + " (in-process, all cores)")
  String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "a Spark configuration property (repeatable)")
  Map<String, String> sparkConf = new java.util.LinkedHashMap<>();
}
