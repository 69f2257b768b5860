package org.sgdnoise.spark.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C during a run: the first SIGINT asks the sweep to stop after the wave in flight (whose
 * output is then complete, so nothing is lost); a second one exits at once, which is also safe
 * (the staged wave is discarded by the next run's recovery). The previous handler is restored on
 * close.
 */
final class StopOnInterrupt implements AutoCloseable {
  private static final Signal INT = new Signal("INT");

  private final SignalHandler previous;

  private StopOnInterrupt(SignalHandler previous) {
    this.previous = previous;
  }

  static StopOnInterrupt install(AtomicBoolean stop, PrintWriter out) {
    SignalHandler previous = Signal.handle(INT, sig -> {
      if (stop.getAndSet(true)) {
        out.println("Interrupted again: stopping now. A rerun resumes from the last whole wave.");
        out.flush();
        Runtime.getRuntime().halt(RunCommand.EXIT_STOPPED);
      }
      out.println("Stopping after the current wave (Ctrl-C again to stop now)...");
      out.flush();
    });
    return new StopOnInterrupt(previous);
  }

  @Override
  public void close() {
    Signal.handle(INT, previous);
  }
}
