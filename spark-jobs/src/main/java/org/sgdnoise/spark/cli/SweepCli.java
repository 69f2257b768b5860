package org.sgdnoise.spark.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sgdnoise.core.spec.SpecException;
import org.sgdnoise.core.spec.SweepSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sweep} command: {@code run} a sweep file on Spark, or {@code plan} it (print what
 * would run, write nothing), or {@code analyze} a sweep's output. Exit codes: 0 done, 1 failure while running, 2 bad input (the sweep
 * file, the command line, or an output that already exists), with nothing written.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    versionProvider = SweepCli.Version.class,
    description = "Maps the theory of minibatch noise in SGD over parameter grids, with seeded"
        + " SGD simulations, on Spark.",
    subcommands = {RunCommand.class, PlanCommand.class, AnalyzeCommand.class,
        ReportCommand.class, SchemaCommand.class, CommandLine.HelpCommand.class})
public final class SweepCli implements Runnable {
  /** Exit code for bad input. */
  public static final int EXIT_BAD_INPUT = 2;
  /** Exit code for a failure while running. */
  public static final int EXIT_FAILURE = 1;
  /** Largest sweep file accepted. */
  static final long MAX_SPEC_BYTES = 1 << 20;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err));
  }

  /** Runs the command line with the given streams; returns the exit code. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new SweepCli());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof SpecException || ex instanceof BadInputException
          || ex instanceof org.sgdnoise.spark.SweepRefusedException) {
        cmd.getErr().println(ex.getMessage());
        return EXIT_BAD_INPUT;
      }
      cmd.getErr().println("sweep: failed: " + ex);
      ex.printStackTrace(cmd.getErr());
      return EXIT_FAILURE;
    });
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads and validates a sweep file. */
  static SweepSpec load(Path file) {
    String name = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new SpecException(name, "", 0, "no such file", name);
    }
    try {
      long size = Files.size(file);
      if (size > MAX_SPEC_BYTES) {
        throw new SpecException(name, "", 0, "a sweep file is at most " + MAX_SPEC_BYTES
            + " bytes", size + " bytes");
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return SweepSpec.parse(file.getFileName().toString(), text);
    } catch (CharacterCodingException e) {
      throw new SpecException(name, "", 0, "not UTF-8 text", name);
    } catch (IOException e) {
      throw new SpecException(name, "", 0, "cannot read", String.valueOf(e.getMessage()));
    }
  }

  /** Bad input that is not the sweep file's: an existing output, a bad option value. */
  static final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInputException(String message) {
      super(message);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"sweep " + org.sgdnoise.core.BuildInfo.version()};
    }
  }
}
