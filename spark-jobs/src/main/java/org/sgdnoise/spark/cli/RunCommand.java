package org.sgdnoise.spark.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.sgdnoise.core.nn.Optimizer;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.spec.SweepSpec;
import org.sgdnoise.spark.OutputLayout;
import org.sgdnoise.spark.Progress;
import org.sgdnoise.spark.SweepJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sweep run FILE}: runs the sweep on Spark and writes its tables. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run a sweep file on Spark (local[*] by default) and write Parquet tables"
        + " <out>/<name>/cells, <out>/<name>/replicates and <out>/<name>/_sweep.json, then"
        + " analyse them (see 'sweep analyze').")
final class RunCommand implements Callable<Integer> {
  static final String DEFAULT_OUT = "./sweeps-out";
  /** Exit code after Ctrl-C stopped the sweep between waves (128 + SIGINT). */
  static final int EXIT_STOPPED = 130;
  /** Default cells per wave of the real-data kinds (each trains for seconds to minutes). */
  static final int TRAINING_WAVE = 32;

  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Parameters(index = "0", paramLabel = "FILE", description = "the sweep file (YAML)")
  Path file;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = DEFAULT_OUT,
      description = "output root (a path or Hadoop FileSystem URI); default: ${DEFAULT-VALUE}")
  String out;

  @CommandLine.Mixin SparkOptions sparkOptions;

  @Option(names = "--fresh",
      description = "replace an existing output of this sweep (deletes <out>/<name>);"
          + " without it a rerun resumes: cells already done are skipped")
  boolean fresh;

  @Option(names = "--wave-size", paramLabel = "CELLS", defaultValue = "0",
      description = "cells per wave; each wave is one atomic Parquet write; default (0):"
          + " 100,000, or 1,000,000 for a theory-only sweep (its cells take microseconds)")
  int waveSize;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
      description = "partitions per wave; 0 = 4 per core (default)")
  int partitions;

  @Option(names = "--progress-interval", paramLabel = "SECONDS", defaultValue = "10",
      description = "seconds between progress lines; default: ${DEFAULT-VALUE}")
  double progressSeconds;

  @Option(names = "--ui", description = "enable the Spark web UI (bound to the driver host)")
  boolean ui;

  @Option(names = "--max-cells", paramLabel = "N", defaultValue = "100000000",
      description = "refuse sweeps with more cells than this unless --yes; default:"
          + " ${DEFAULT-VALUE}")
  long maxCells;

  @Option(names = "--yes", description = "run a sweep above --max-cells")
  boolean yes;

  @Option(names = "--fail-fast", description = "stop the sweep at the first cell that fails"
      + " (by default a failing cell is recorded in the error column and the sweep goes on)")
  boolean failFast;

  @Option(names = "--no-analyze", description = "skip the analysis and report at the end"
      + " (boundaries, gamma_star, agreement tables, plots, report/index.html; run 'sweep"
      + " analyze' and 'sweep report' on <out>/<name> later)")
  boolean noAnalyze;


  @Override
  public Integer call() throws IOException {
    final String master = sparkOptions.master;
    final java.util.Map<String, String> sparkConf = sparkOptions.sparkConf;
    SweepSpec spec = SweepCli.load(file);
    if (waveSize < 0) {
      throw new SweepCli.BadInputException(
          "Cannot run sweep '" + spec.name() + "': --wave-size must be an integer >= 1"
              + " (0 = automatic): " + waveSize);
    }
    if (waveSize == 0) {
      // Training cells take seconds each: small waves, so a crash loses little.
      waveSize = spec.train() != null ? TRAINING_WAVE
          : spec.simulate().enabled() || spec.matrices() ? 100_000 : 1_000_000;
    }
    if (partitions < 0) {
      throw new SweepCli.BadInputException(
          "Cannot run sweep '" + spec.name() + "': --partitions must be >= 0 (0 = automatic): "
              + partitions);
    }
    if (!(progressSeconds > 0)) {
      throw new SweepCli.BadInputException(
          "Cannot run sweep '" + spec.name() + "': --progress-interval must be > 0 seconds: "
              + progressSeconds);
    }
    if (spec.train() != null) {
      try {
        org.sgdnoise.core.data.ImageDataSets.check(
            org.sgdnoise.core.data.ImageDataSets.resolve(spec.train().data()));
      } catch (java.io.FileNotFoundException e) {
        throw new SweepCli.BadInputException("Cannot run sweep '" + spec.name() + "': data: "
            + e.getMessage());
      }
    }
    SweepPlan plan = SweepPlan.of(spec);
    if (plan.size() > maxCells && !yes) {
      throw new SweepCli.BadInputException(String.format(Locale.ROOT, "Cannot run sweep '%s':"
          + " %,d cells is above the cap of %,d (--max-cells); check the grids with 'sweep plan',"
          + " or rerun with --yes to run it anyway: %,d cells", spec.name(), plan.size(),
          maxCells, plan.size()));
    }
    MemoryCheck.check(plan, master);
    OutputLayout layout = OutputLayout.of(out, spec.name());
    FileSystem fs = layout.fileSystem(new Configuration());
    SweepJob.Existing existing = SweepJob.prepareOutput(plan, out, fresh);
    PrintWriter w = cmd.commandLine().getOut();
    w.printf(Locale.ROOT, "Running sweep '%s': %,d cells, %,d replicates, %,d %s steps on %s%n",
        spec.name(), plan.size(), plan.totalReplicates(), plan.totalSteps(),
        spec.train() != null && spec.train().optimizer() == Optimizer.Kind.ADAM ? "Adam"
            : "SGD", master);
    w.flush();
    PrintStream progress = new PrintStream(new WriterOutputStream(w), true,
        java.nio.charset.StandardCharsets.UTF_8);
    var stop = new java.util.concurrent.atomic.AtomicBoolean();
    SweepJob.Summary s;
    try (StopOnInterrupt ignored = StopOnInterrupt.install(stop, w)) {
      s = SweepJob.run(plan, new SweepJob.Options(master, out, waveSize, partitions,
          Duration.ofMillis((long) (progressSeconds * 1000)), ui, existing, sparkConf, failFast,
          stop), progress);
    }
    if (s.stopped()) {
      w.printf(Locale.ROOT, "Stopped: sweep '%s', %,d of %,d cells done; rerun the same command"
          + " to resume.%n", spec.name(), s.cells(), plan.size());
      w.flush();
      return EXIT_STOPPED;
    }
    String resumed = s.resumed() > 0
        ? String.format(Locale.ROOT, ", %,d computed now, %,d resumed", s.computed(),
            s.resumed()) : "";
    String diverged = spec.train() != null
        ? String.format(Locale.ROOT, "%,d diverge in training", s.simDiverged())
        : String.format(Locale.ROOT, "%,d diverge in theory, %,d in simulation",
            s.theoryDiverged(), s.simDiverged());
    w.printf(Locale.ROOT, "Done: sweep '%s', %,d cells in %s (%s%s)%n", spec.name(), s.cells(),
        Progress.format(s.elapsed()), diverged, resumed);
    if (s.failedCells() > 0) {
      w.printf(Locale.ROOT, "  %,d cells failed: their results are null and column error says"
          + " why%n", s.failedCells());
    }
    if (s.failedTaskAttempts() > 0) {
      w.printf(Locale.ROOT, "  %,d failed task attempts were retried by Spark%n",
          s.failedTaskAttempts());
    }
    w.printf("  cells:      %s%n", layout.display(fs, layout.cells()));
    w.printf("  replicates: %s%n", layout.display(fs, layout.replicates()));
    w.printf("  manifest:   %s%n", layout.display(fs, layout.manifest()));
    w.flush();
    if (!noAnalyze) {
      // The analysis tables, then the plots and report page on them, in one more session.
      org.apache.spark.sql.SparkSession spark = org.sgdnoise.spark.SparkSessions.build(
          "sgdnoise analyze " + spec.name(), master, false, sparkConf);
      try {
        AnalyzeCommand.print(w, org.sgdnoise.spark.analysis.AnalysisJob.run(spark, layout,
            analysisAxis(spec)));
        ReportCommand.print(w, org.sgdnoise.spark.report.ReportWriter.write(spark, layout), fs);
      } finally {
        spark.stop();
      }
    }
    return 0;
  }

  /**
   * The axis the run's analysis slices along: lr when it is swept, otherwise the first swept
   * parameter of the file that an analysis can use (weight_decay in a γ sweep, width in a width
   * sweep), lr when nothing is.
   */
  static String analysisAxis(SweepSpec spec) {
    if (spec.params().get(org.sgdnoise.core.spec.Param.LR).size() > 1) {
      return "lr";
    }
    for (org.sgdnoise.core.spec.Dimension d : spec.dimensions()) {
      for (org.sgdnoise.core.spec.Param p : d.params()) {
        if (d.size() > 1 && org.sgdnoise.core.analysis.Slices.AXES.contains(p.yamlName())) {
          return p.yamlName();
        }
      }
    }
    return "lr";
  }

  /** Bridges the progress printer (a PrintStream) onto picocli's writer. */
  private static final class WriterOutputStream extends java.io.OutputStream {
    private final PrintWriter w;
    private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

    WriterOutputStream(PrintWriter w) {
      this.w = w;
    }

    @Override
    public synchronized void write(int b) {
      buf.write(b);
    }

    @Override
    public synchronized void flush() {
      w.print(buf.toString(java.nio.charset.StandardCharsets.UTF_8));
      w.flush();
      buf.reset();
    }
  }
}
