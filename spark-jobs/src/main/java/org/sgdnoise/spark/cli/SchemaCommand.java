package org.sgdnoise.spark.cli;

import java.util.concurrent.Callable;
import org.sgdnoise.core.analysis.AnalysisTables;
import org.sgdnoise.core.result.Tables;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sweep schema}: prints the result tables' columns as Markdown. */
@Command(name = "schema", mixinStandardHelpOptions = true,
    description = "Print every column of the result and analysis tables (Markdown).")
final class SchemaCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Override
  public Integer call() {
    var w = cmd.commandLine().getOut();
    w.println("### `cells` (schema_version " + Tables.SCHEMA_VERSION + ")");
    w.println();
    w.print(Tables.markdown(Tables.CELLS));
    w.println();
    w.println("### `replicates` (schema_version " + Tables.SCHEMA_VERSION + ")");
    w.println();
    w.print(Tables.markdown(Tables.REPLICATES));
    w.println();
    w.println("### `matrices` (schema_version " + Tables.SCHEMA_VERSION + ")");
    w.println();
    w.print(Tables.markdown(Tables.MATRICES));
    section(w, "boundaries", AnalysisTables.BOUNDARIES);
    section(w, "gamma_star", AnalysisTables.GAMMA_STAR);
    section(w, "agreement", AnalysisTables.AGREEMENT);
    section(w, "agreement_summary", AnalysisTables.AGREEMENT_SUMMARY);
    w.flush();
    return 0;
  }

  private static void section(java.io.PrintWriter w, String name,
      java.util.List<? extends org.sgdnoise.core.result.Column<?>> columns) {
    w.println();
    w.println("### `" + name + "` (schema_version " + Tables.SCHEMA_VERSION + ")");
    w.println();
    w.print(Tables.markdown(columns));
  }
}
