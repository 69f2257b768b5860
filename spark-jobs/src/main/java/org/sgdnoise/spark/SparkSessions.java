package org.sgdnoise.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The Spark session every driver of this project uses: explicit, loopback-only locally. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * Builds (or gets) the session.
   *
   * @param conf extra Spark properties (--conf), applied last
   */
  public static SparkSession build(String appName, String master, boolean ui,
      Map<String, String> conf) {
    SparkSession.Builder b = SparkSession.builder()
        .appName(appName)
        .master(master)
        .config("spark.ui.enabled", ui)
        .config("spark.ui.showConsoleProgress", false)
        .config("spark.sql.shuffle.partitions", 8)
        // Keep FileOutputCommitter algorithm v1: v2 can expose a failed task's files.
        .config("spark.hadoop.mapreduce.fileoutputcommitter.algorithm.version", 1)
        .config("spark.sql.parquet.compression.codec", "snappy")
        .config("spark.sql.debug.maxToStringFields", 500);
    conf.forEach(b::config);
    if (master.startsWith("local")) {
      // A laptop run talks only to itself.
      b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    return b.getOrCreate();
  }
}
