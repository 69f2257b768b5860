package org.sgdnoise.spark.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sgdnoise.core.plan.SweepPlan;

/**
 * Refuses, before Spark starts, a sweep whose largest cell would not fit in one task's share of
 * executor memory: a data set of n rows × D features is allocated per replicate.
 */
final class MemoryCheck {
  /** Share of the heap a task may use for a cell (the rest: Spark, rows, buffers). */
  static final double TASK_SHARE = 0.5;
  private static final Pattern LOCAL = Pattern.compile("local\\[(\\*|\\d+)(,\\d+)?]");

  private MemoryCheck() {}

  static void check(SweepPlan plan, String master) {
    long need = plan.maxCellBytes();
    long heap;
    int slots;
    String where;
    Matcher m = LOCAL.matcher(master);
    if (master.equals("local") || m.matches()) {
      heap = Runtime.getRuntime().maxMemory();
      slots = master.equals("local") ? 1 : m.group(1).equals("*")
          ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
      where = master + ": " + gb(heap) + " heap / " + slots + " task slot(s)";
    } else {
      heap = bytes(System.getProperty("spark.executor.memory", "1g"));
      slots = Integer.parseInt(System.getProperty("spark.executor.cores", "1"));
      where = "spark.executor.memory " + gb(heap) + " / spark.executor.cores " + slots;
    }
    long budget = (long) (heap * TASK_SHARE / Math.max(1, slots));
    if (need > budget) {
      throw new SweepCli.BadInputException(String.format(Locale.ROOT,
          "Cannot run sweep '%s': its largest cell needs about %s (a data set of n rows of"
              + " dim floats and a double label per replicate, widened to doubles for its fit),"
              + " more than a task's share of memory, %s (%s,"
              + " %.0f%% usable); use fewer rows or dimensions, or give more memory"
              + " (SWEEP_JAVA_OPTS=-Xmx..., spark.executor.memory): %s",
          plan.spec().name(), gb(need), gb(budget), where, TASK_SHARE * 100,
          need == Long.MAX_VALUE ? "more than 8 EB" : gb(need)));
    }
  }

  static String gb(long bytes) {
    if (bytes == Long.MAX_VALUE) {
      return "more than 8 EB";
    }
    return bytes >= 1e12 ? String.format(Locale.ROOT, "%.2f TB", bytes / 1e12)
        : String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
  }

  /** Parses a Spark memory string: 512m, 4g, 1t (binary units, as Spark does). */
  static long bytes(String s) {
    Matcher m = Pattern.compile("(\\d+)([kmgt]?)b?").matcher(s.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return 1L << 30;
    }
    long v = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "k" -> v << 10;
      case "m" -> v << 20;
      case "g" -> v << 30;
      case "t" -> v << 40;
      default -> v;
    };
  }
}
