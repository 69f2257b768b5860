package org.sgdnoise.spark.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sgdnoise.spark.analysis.AnalysisJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sweep analyze <out>/<name>}: boundaries, γ* and agreement tables beside the cells. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Analyse a sweep's cells table and write Parquet tables beside it:"
        + " boundaries (stability boundary per slice along --axis), gamma_star (l2, logistic,"
        + " mlp: the best weight decay per slice), agreement and agreement_summary (simulation"
        + " against theory and baselines, in standard errors). Replaces a previous analysis."
        + " docs/analysis.md explains them.")
final class AnalyzeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @CommandLine.Mixin SweepFolderOptions folder;

  @Option(names = "--axis", paramLabel = "NAME", defaultValue = "lr",
      description = "the parameter to locate boundaries along: lr, batch, momentum,"
          + " weight_decay, dim, n, alpha, label_noise_var, input_noise_var, rotation or"
          + " scaling_k; default: ${DEFAULT-VALUE}")
  String axis;

  @Override
  public Integer call() {
    print(cmd.commandLine().getOut(), AnalysisJob.run(folder.spark.master, folder.spark.sparkConf,
        folder.layout(), axis));
    return 0;
  }

  /** The summary line and where the tables are. */
  static void print(PrintWriter w, AnalysisJob.Summary s) {
    w.printf(Locale.ROOT, "Analysis: %,d slices along %s (%s axis), boundary bracketed in %,d by"
            + " theory, %,d of %,d by simulation; gamma_star: %,d slices, %,d with γ* < 0;"
            + " agreement: %,d comparisons, %s within 2 SE, %,d summary rows%n", s.slices(),
        s.axis(), s.axisLog() ? "log" : "linear", s.theoryBracketed(), s.simBracketed(),
        s.simSlices(), s.gammaStarSlices(), s.gammaStarNegative(), s.agreementRows(),
        Double.isNaN(s.within2()) ? "none"
            : String.format(Locale.ROOT, "%.1f%%", 100 * s.within2()), s.summaryRows());
    s.tables().forEach((name, where) -> w.printf("  %-18s %s%n", name + ":", where));
    w.flush();
  }
}
