package org.sgdnoise.spark.cli;

import java.util.concurrent.Callable;
import org.sgdnoise.core.result.Tables;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sweep schema}: prints the result tables' columns as Markdown. */
@Command(name = "schema", mixinStandardHelpOptions = true,
    description = "Print every column of the cells and replicates tables (Markdown).")
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
    w.flush();
    return 0;
  }
}
