package org.sgdnoise.spark;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a sweep's outputs go: {@code <out>/<name>/cells}, {@code .../replicates}, {@code
 * .../matrices} (when the sweep file asks) and {@code .../_sweep.json}. {@code out} is anything the Hadoop FileSystem API understands: a local path,
 * {@code file:}, {@code hdfs:}, {@code s3a:}. The name is a validated plain folder name, so the
 * sweep folder cannot escape the output root.
 */
public record OutputLayout(Path root, Path sweep) {

  public static OutputLayout of(String out, String name) {
    Path root = new Path(out);
    return new OutputLayout(root, new Path(root, name));
  }

  public Path cells() {
    return new Path(sweep, "cells");
  }

  public Path replicates() {
    return new Path(sweep, "replicates");
  }

  public Path matrices() {
    return new Path(sweep, "matrices");
  }

  public Path manifest() {
    return new Path(sweep, "_sweep.json");
  }

  public FileSystem fileSystem(Configuration conf) throws IOException {
    URI uri = sweep.toUri();
    return uri.getScheme() == null ? FileSystem.getLocal(conf) : FileSystem.get(uri, conf);
  }

  /** A printable, fully qualified location. */
  public String display(FileSystem fs, Path p) {
    return fs.makeQualified(p).toString();
  }
}
