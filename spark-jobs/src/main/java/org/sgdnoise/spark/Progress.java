package org.sgdnoise.spark;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.LongAccumulator;

/**
 * Prints sweep progress at a calm interval: cells done of total, rate, ETA, and how many cells
 * diverged so far (theory and simulation). Counts come from Spark accumulators, which tasks
 * report as they finish.
 */
final class Progress implements AutoCloseable {
  private final String sweep;
  private final long total;
  private final LongAccumulator done;
  private final LongAccumulator theoryDiverged;
  private final LongAccumulator simDiverged;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService timer;
  private long lastPrinted = -1;

  Progress(String sweep, long total, LongAccumulator done, LongAccumulator theoryDiverged,
      LongAccumulator simDiverged, PrintStream out, Duration interval) {
    this.sweep = sweep;
    this.total = total;
    this.done = done;
    this.theoryDiverged = theoryDiverged;
    this.simDiverged = simDiverged;
    this.out = out;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sweep-progress");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(100, interval.toMillis());
    timer.scheduleAtFixedRate(this::print, ms, ms, TimeUnit.MILLISECONDS);
  }

  synchronized void print() {
    long d = done.value();
    if (d == lastPrinted) {
      return;
    }
    lastPrinted = d;
    out.println(line(d));
    out.flush();
  }

  String line(long d) {
    double secs = (System.nanoTime() - startNanos) / 1e9;
    double rate = secs > 0 ? d / secs : 0;
    String eta = rate > 0 && d < total ? format(Duration.ofMillis((long)
        ((total - d) / rate * 1000))) : "-";
    return String.format(java.util.Locale.ROOT,
        "[%s] %d/%d cells (%.1f%%), %.1f cells/s, ETA %s, diverged: %d theory, %d simulation",
        sweep, d, total, total == 0 ? 100.0 : 100.0 * d / total, rate, eta,
        theoryDiverged.value(), simDiverged.value());
  }

  static String format(Duration d) {
    long s = d.getSeconds();
    if (s < 60) {
      return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
    if (s < 3600) {
      return (s / 60) + "m " + (s % 60) + "s";
    }
    return (s / 3600) + "h " + (s % 3600 / 60) + "m";
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
