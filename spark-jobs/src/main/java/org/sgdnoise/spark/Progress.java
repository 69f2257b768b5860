package org.sgdnoise.spark;

import java.io.PrintStream;
import java.time.Duration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;

/**
 * Sweep progress as a Spark listener: on task ends (Spark merges a task's accumulator updates
 * before it posts the event), at most once per interval, it prints cells done of total, rate,
 * ETA, and how many cells diverged so far (theory and simulation; training for the real-data
 * kinds, which have no theory).
 */
public final class Progress extends SparkListener {
  private final String sweep;
  private final boolean training;
  private volatile long total;
  private final LongAccumulator done;
  private final LongAccumulator theoryDiverged;
  private final LongAccumulator simDiverged;
  private final PrintStream out;
  private final long intervalNanos;
  private final long startNanos = System.nanoTime();
  private final long startDone;
  private long lastPrintNanos = System.nanoTime();
  private long lastPrinted = -1;

  Progress(String sweep, boolean training, long total, LongAccumulator done,
      LongAccumulator theoryDiverged, LongAccumulator simDiverged, PrintStream out,
      Duration interval) {
    this.sweep = sweep;
    this.training = training;
    this.total = total;
    this.done = done;
    this.startDone = done.value();
    this.theoryDiverged = theoryDiverged;
    this.simDiverged = simDiverged;
    this.out = out;
    this.intervalNanos = Math.max(100_000_000L, interval.toNanos());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (System.nanoTime() - lastPrintNanos >= intervalNanos) {
      print();
    }
  }

  /** Adds cells to the total (a round of adaptive refinement). */
  synchronized void expect(long more) {
    total += more;
  }

  /** Prints a progress line now, unless nothing changed since the last one. */
  synchronized void print() {
    long d = done.value();
    lastPrintNanos = System.nanoTime();
    if (d == lastPrinted) {
      return;
    }
    lastPrinted = d;
    out.println(line(d));
    out.flush();
  }

  String line(long d) {
    final long total = this.total;
    double secs = (System.nanoTime() - startNanos) / 1e9;
    double rate = secs > 0 ? (d - startDone) / secs : 0;
    String eta = rate > 0 && d < total ? format(Duration.ofMillis((long)
        ((total - d) / rate * 1000))) : "-";
    String diverged = training ? simDiverged.value() + " in training"
        : theoryDiverged.value() + " theory, " + simDiverged.value() + " simulation";
    return String.format(java.util.Locale.ROOT,
        "[%s] %d/%d cells (%.1f%%), %.1f cells/s, ETA %s, diverged: %s",
        sweep, d, total, total == 0 ? 100.0 : 100.0 * d / total, rate, eta, diverged);
  }

  /** A duration for people: 12.3s, 4m 5s, 1h 2m. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    if (s < 60) {
      return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
    if (s < 3600) {
      return (s / 60) + "m " + (s % 60) + "s";
    }
    return (s / 3600) + "h " + (s % 3600 / 60) + "m";
  }
}
