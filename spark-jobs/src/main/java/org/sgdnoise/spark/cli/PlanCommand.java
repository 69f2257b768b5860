package org.sgdnoise.spark.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.spec.Dimension;
import org.sgdnoise.core.spec.Param;
import org.sgdnoise.core.spec.SweepSpec;
import org.sgdnoise.spark.OutputLayout;
import org.sgdnoise.spark.OutputStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sweep plan FILE}: what a run would do and where it would write. Writes nothing. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Validate a sweep file and print its plan: cells, replicates, SGD steps and"
        + " where results would go. Writes nothing.")
final class PlanCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Parameters(index = "0", paramLabel = "FILE", description = "the sweep file (YAML)")
  Path file;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = RunCommand.DEFAULT_OUT,
      description = "output root (a path or Hadoop FileSystem URI); default: ${DEFAULT-VALUE}")
  String out;

  @Override
  public Integer call() throws java.io.IOException {
    SweepSpec spec = SweepCli.load(file);
    SweepPlan plan = SweepPlan.of(spec);
    PrintWriter w = cmd.commandLine().getOut();
    w.printf(Locale.ROOT, "sweep:       %s (kind %s, seed %d)%n", spec.name(),
        spec.kind().yamlName(), spec.seed());
    w.printf(Locale.ROOT, "cells:       %,d%n", plan.size());
    for (Dimension d : spec.dimensions()) {
      StringBuilder names = new StringBuilder();
      for (Param p : d.params()) {
        names.append(names.length() == 0 ? "" : " + ").append(p.yamlName());
      }
      w.printf(Locale.ROOT, "  axis %-24s %,d values%s%n", names, d.size(),
          d.params().size() > 1 ? " (zipped)" : "");
    }
    var sim = spec.simulate();
    var train = spec.train();
    if (train != null) {
      w.printf(Locale.ROOT, "data:        %s (%s)%n", train.data(),
          org.sgdnoise.core.data.ImageDataSets.resolve(train.data()));
      w.printf(Locale.ROOT, "training:    %s, %s loss, lr scaling %s, %,d steps, %s training"
              + " images, %s test images, %,d replicates per cell%n",
          train.optimizer().yamlName(), org.sgdnoise.core.spec.Train.lossName(train.loss()),
          train.lrScaling().yamlName() + (train.lrScaling()
              == org.sgdnoise.core.spec.Train.LrScaling.INVERSE_WIDTH
              ? " (reference width " + train.referenceWidth() + ")" : ""), train.steps(),
          train.trainRows() == 0 ? "all" : String.format(Locale.ROOT, "%,d", train.trainRows()),
          train.testRows() == 0 ? "all" : String.format(Locale.ROOT, "%,d", train.testRows()),
          train.replicates());
      w.printf(Locale.ROOT, "replicates:  %,d%n", plan.totalReplicates());
      w.printf(Locale.ROOT, "steps:       %,d optimiser steps%n", plan.totalSteps());
    } else if (sim.enabled()) {
      w.printf(Locale.ROOT, "simulation:  %s%s, %,d steps (%,d burn-in), %,d replicates per"
              + " cell%n", sim.mode().yamlName(),
          sim.mode() == org.sgdnoise.core.spec.Simulate.Mode.DATASET
              ? " " + sim.sampling().yamlName() : "",
          sim.steps(), sim.burnIn(), sim.replicates());
      w.printf(Locale.ROOT, "replicates:  %,d%n", plan.totalReplicates());
      w.printf(Locale.ROOT, "SGD steps:   %,d%n", plan.totalSteps());
    } else {
      w.println("simulation:  none (theory only)");
      w.println("replicates:  0");
      w.println("SGD steps:   0");
    }
    if (spec.refine() != null) {
      var r = spec.refine();
      w.printf(Locale.ROOT, "refine:      along %s (%s from %s) to tolerance %s, at most %d"
              + " rounds; a dense grid of equal resolution: %,d cells%n", r.axis().yamlName(),
          r.boundary().yamlName(), r.source().yamlName(), r.tolerance(), r.maxRounds(),
          org.sgdnoise.core.plan.Refinement.of(plan).denseCells());
    }
    OutputLayout layout = OutputLayout.of(out, spec.name());
    w.printf("output:      %s%n", layout.sweep());
    w.printf("  cells:      %s%n", layout.cells());
    w.printf("  replicates: %s%n", layout.replicates());
    w.printf("  manifest:   %s%n", layout.manifest());
    OutputStatus st = OutputStatus.of(out, spec);
    if (!st.exists()) {
      w.printf(Locale.ROOT, "progress:    new output: %,d cells to do%n", plan.size());
    } else if (st.status().isEmpty()) {
      w.println("progress:    the output folder exists but holds no sweep manifest; run"
          + " refuses it unless --fresh");
    } else {
      w.printf(Locale.ROOT, "progress:    %s; %,d cells done, %,d to do%s%n", st.status(),
          st.cellsDone(), Math.max(0, plan.size() - st.cellsDone()), st.sameSweepFile() ? ""
              : " (the sweep file changed since: run accepts it only if it adds cells)");
    }
    return 0;
  }
}
