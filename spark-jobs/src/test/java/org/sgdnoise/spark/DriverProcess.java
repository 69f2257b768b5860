package org.sgdnoise.spark;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The sweep command in a JVM of its own, so that a test can kill it like a crash would. */
final class DriverProcess {
  private final Process process;
  private final Path log;

  private DriverProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code sweep <args>} with this JVM's classpath and Spark flags, but not the Vector
   * API module: the child runs the scalar row kernel (DeterminismTest relies on it).
   */
  static DriverProcess start(Path log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognized")
          || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.sgdnoise.spark.cli.SweepCli");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    return new DriverProcess(p, log);
  }

  /** Waits at most {@code seconds} for the driver to end; returns its exit code. */
  int waitFor(int seconds) throws Exception {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the driver did not end within " + seconds + " s; log: "
          + Files.readString(log));
    }
    return process.exitValue();
  }

  /**
   * Waits (polling, at most {@code seconds}) until {@code ready}, then kills the JVM with SIGKILL:
   * no shutdown hooks, no cleanup. Fails if the driver ended first.
   */
  void killWhen(BooleanSupplier ready, int seconds) throws Exception {
    awaitWhileAlive(ready, seconds, "killed");
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the killed driver did not exit");
    }
  }

  /**
   * Waits until {@code ready}, sends SIGINT (what Ctrl-C sends), and returns the exit code once
   * the driver has ended by itself.
   */
  int interruptWhen(BooleanSupplier ready, int seconds) throws Exception {
    awaitWhileAlive(ready, seconds, "interrupted");
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -INT failed");
    }
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the driver did not stop after SIGINT: " + Files.readString(log));
    }
    return process.exitValue();
  }

  /** Polls until {@code ready} (at most {@code seconds}); fails if the driver ended first. */
  private void awaitWhileAlive(BooleanSupplier ready, int seconds, String what)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!ready.getAsBoolean() && process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (!process.isAlive()) {
      throw new AssertionError("the driver ended before it could be " + what + ": "
          + Files.readString(log));
    }
  }
}
