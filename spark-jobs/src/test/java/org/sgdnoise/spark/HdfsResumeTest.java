package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash-and-resume guarantee on a real HDFS (an in-process MiniDFSCluster on 127.0.0.1, the
 * Hadoop version of Spark's client): {@code kill -9} of the driver mid-sweep, then the same
 * command, leaves exactly one row per cell, identical to an uninterrupted run. All file handling
 * (manifest, staging, recovery) goes through the Hadoop FileSystem API.
 */
class HdfsResumeTest {
  private static final String SWEEP = """
      name: hdfs-resume
      kind: label_noise
      seed: 3
      params:
        lr: [0.05, 0.3, 0.9]
        batch: [4, 32]
        momentum: [0.0, 0.5, 0.9]
        spectrum: [1.0, 0.5]
      simulate:
        mode: streaming
        steps: 60000
        burn_in: 1000
        replicates: 2
      """;
  private static final int CELLS = 18;

  @TempDir static Path hdfsBase;
  private static MiniDFSCluster cluster;
  private static String root;

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, hdfsBase.toString());
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    root = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void killMinusNineThenRerunOnHdfs(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("hdfs-resume.yaml");
    Files.writeString(file, SWEEP);
    String out = root + "/sweeps";
    String[] args = {"run", file.toString(), "--out", out, "--master", "local[2]",
        "--wave-size", "3", "--progress-interval", "1000"};
    FileSystem fs = cluster.getFileSystem();
    org.apache.hadoop.fs.Path cells = new org.apache.hadoop.fs.Path(out + "/hdfs-resume/cells");

    DriverProcess.start(dir.resolve("child.log"), args).killWhen(
        () -> parquetFiles(fs, cells) > 0, 180);
    long partial = parquetFiles(fs, cells);
    assertThat(partial).isPositive();

    CliRun rerun = CliRun.of(args);
    assertThat(rerun.code()).as(rerun.err()).isZero();
    assertThat(rerun.out()).contains("Resuming: ").contains(CELLS + " cells in")
        .contains("cells:      " + root + "/sweeps/hdfs-resume/cells");
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(out + "/hdfs-resume/_staging")))
        .isFalse();

    CliRun clean = CliRun.of("run", file.toString(), "--out", dir.resolve("clean").toString(),
        "--master", "local[2]");
    assertThat(clean.code()).as(clean.err()).isZero();

    // Read HDFS with an independent reader: copy the tables out, then DuckDB.
    Path copy = dir.resolve("copy");
    fs.copyToLocalFile(new org.apache.hadoop.fs.Path(out + "/hdfs-resume"),
        new org.apache.hadoop.fs.Path(copy.toUri()));
    Duck.assertSameSweepTables(copy, dir.resolve("clean/hdfs-resume"), CELLS, 2);
  }

  private static long parquetFiles(FileSystem fs, org.apache.hadoop.fs.Path dir) {
    try {
      if (!fs.exists(dir)) {
        return 0;
      }
      long n = 0;
      for (FileStatus st : fs.listStatus(dir)) {
        if (st.getPath().getName().endsWith(".parquet")) {
          n++;
        }
      }
      return n;
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
