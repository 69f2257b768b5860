package org.sgdnoise.spark.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sgdnoise.spark.OutputLayout;
import org.sgdnoise.spark.report.ReportWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sweep report <out>/<name>}: writes the sweep's report page and plots. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write <out>/<name>/report/index.html with PNG and SVG plots from the sweep's"
        + " tables (cells, and boundaries, gamma_star, agreement_summary when analysed)."
        + " Opens from disk, no server.")
final class ReportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @CommandLine.Mixin SweepFolderOptions folder;

  @Override
  public Integer call() throws IOException {
    Path sweep = new Path(folder.dir);
    if (sweep.getParent() == null) {
      throw new SweepCli.BadInputException("Cannot write report: SWEEP_DIR must be an output"
          + " folder <out>/<name>, not a root: " + folder.dir);
    }
    OutputLayout layout = folder.layout();
    FileSystem fs = layout.fileSystem(new Configuration());
    if (!fs.exists(layout.cells())) {
      throw new SweepCli.BadInputException("Cannot write report: no cells table in the sweep"
          + " folder (run the sweep first, or check the path): " + folder.dir);
    }
    SparkSession spark = org.sgdnoise.spark.SparkSessions.build(
        "sgdnoise report " + sweep.getName(), folder.spark.master, false, folder.spark.sparkConf);
    ReportWriter.Written w;
    try {
      w = ReportWriter.write(spark, layout);
    } finally {
      spark.stop();
    }
    print(cmd.commandLine().getOut(), w, fs);
    return 0;
  }

  /** The report's summary lines. */
  static void print(PrintWriter out, ReportWriter.Written w, FileSystem fs) throws IOException {
    out.printf("Report: %d plots%s%n  %s%n", w.plots(), w.missingTables().isEmpty() ? ""
        : " (no " + String.join(", ", w.missingTables()) + " table: run 'sweep analyze' for"
            + " them)", fs.makeQualified(w.index()));
    out.flush();
  }
}
