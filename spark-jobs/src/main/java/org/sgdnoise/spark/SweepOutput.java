package org.sgdnoise.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once waves on any Hadoop FileSystem.
 *
 * <p>A wave is written by Spark into a hidden staging folder {@code <sweep>/_staging/<wave>/}
 * ({@code cells/}, {@code replicates/} and, when asked, {@code matrices/}). When every write has
 * succeeded a {@code _COMPLETE} marker is written, and then the wave's part files are renamed into the tables (each rename is
 * atomic; part-file names are unique per Spark job). {@link #recover()} runs before any new work:
 * a staging folder with the marker is finished (its remaining files moved), one without it is
 * deleted. So after a crash at any point — even {@code kill -9} — a rerun leaves every computed
 * cell exactly once, in both tables, and readers (which skip {@code _}-prefixed paths) never see
 * a staging folder.
 */
final class SweepOutput {
  private static final Logger LOG = LoggerFactory.getLogger(SweepOutput.class);
  private static final String COMPLETE = "_COMPLETE";

  private final FileSystem fs;
  private final OutputLayout layout;

  SweepOutput(FileSystem fs, OutputLayout layout) {
    this.fs = fs;
    this.layout = layout;
  }

  Path staging() {
    return new Path(layout.sweep(), "_staging");
  }

  Path stagingCells(String wave) {
    return new Path(new Path(staging(), wave), "cells");
  }

  Path stagingReplicates(String wave) {
    return new Path(new Path(staging(), wave), "replicates");
  }

  Path stagingMatrices(String wave) {
    return new Path(new Path(staging(), wave), "matrices");
  }

  /** Whether the cells table has any data file. */
  boolean hasCells() throws IOException {
    return !dataFiles(fs, layout.cells()).isEmpty();
  }

  /** Marks a staged wave complete, then moves it into the tables. */
  void commit(String wave) throws IOException {
    Path dir = new Path(staging(), wave);
    fs.create(new Path(dir, COMPLETE), true).close();
    finish(dir);
    deleteStagingIfEmpty();
  }

  private void deleteStagingIfEmpty() throws IOException {
    if (fs.exists(staging()) && fs.listStatus(staging()).length == 0) {
      fs.delete(staging(), false);
    }
  }

  /** Finishes or discards whatever a crashed run left in staging. Returns waves finished. */
  int recover() throws IOException {
    if (!fs.exists(staging())) {
      return 0;
    }
    int finished = 0;
    for (FileStatus st : fs.listStatus(staging())) {
      if (!st.isDirectory()) {
        continue;
      }
      if (fs.exists(new Path(st.getPath(), COMPLETE))) {
        LOG.info("finishing a wave a previous run had completed: {}", st.getPath().getName());
        finish(st.getPath());
        finished++;
      } else {
        LOG.info("discarding an incomplete wave of a previous run: {}", st.getPath().getName());
        fs.delete(st.getPath(), true);
      }
    }
    deleteStagingIfEmpty();
    return finished;
  }

  /**
   * Moves replicates and matrices first, then cells (a cell row means its replicates and
   * matrices are in place).
   */
  private void finish(Path waveDir) throws IOException {
    move(new Path(waveDir, "replicates"), layout.replicates());
    move(new Path(waveDir, "matrices"), layout.matrices());
    move(new Path(waveDir, "cells"), layout.cells());
    fs.delete(waveDir, true);
  }

  private void move(Path from, Path to) throws IOException {
    if (!fs.exists(from)) {
      return;
    }
    fs.mkdirs(to);
    for (Path f : dataFiles(fs, from)) {
      Path target = new Path(to, f.getName());
      if (!fs.rename(f, target) && !fs.exists(target)) {
        throw new IOException("Cannot move wave output: rename failed: " + f + " -> " + target);
      }
    }
  }

  /** The Parquet data files directly in {@code dir} (none if it does not exist). */
  static List<Path> dataFiles(FileSystem fs, Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      if (st.isFile() && name.endsWith(".parquet") && !name.startsWith("_")
          && !name.startsWith(".")) {
        out.add(st.getPath());
      }
    }
    return out;
  }
}
