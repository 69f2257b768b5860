package org.sgdnoise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on 127.0.0.1 (scripts/local-cluster: a master and two workers,
 * each executor its own JVM), the application jar submitted to it with scripts/submit, as a user
 * would. (a) The quick-start sweep gives the same tables as an in-process local[2] run. (b) An
 * executor JVM killed with SIGKILL in the middle of a sweep: Spark reruns its tasks elsewhere and
 * the tables are identical to a clean run, one row per cell. Runs in the integration-test phase
 * (failsafe), after the app jar is packaged.
 */
@Tag("cluster")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ClusterIT {
  private static final Path ROOT =
      Path.of(System.getProperty("sgdnoise.root", "..")).toAbsolutePath().normalize();
  private static final Path QUICKSTART = ROOT.resolve("conf/sweeps/quickstart.yaml");

  /** 48 cells in 6 waves of 8: long enough to lose an executor after the first wave lands. */
  private static final String LOSS_SWEEP = """
      name: executor-loss
      kind: label_noise
      seed: 2022
      params:
        lr: {logspace: {from: 0.02, to: 3.0, num: 12}}
        batch: [4, 64]
        momentum: [0.0, 0.9]
        label_noise_var: 1.0
        spectrum: [1.0, 0.5, 0.25, 0.125]
      simulate:
        mode: streaming
        steps: 40000
        burn_in: 2000
        replicates: 2
      """;
  private static final int LOSS_CELLS = 48;

  @TempDir static Path dir;
  private static Path state;
  private static String master;

  @BeforeAll
  static void startCluster() throws Exception {
    state = dir.resolve("cluster");
    Script start = script(Duration.ofMinutes(4), "local-cluster", "start", "--workers", "2");
    assertThat(start.code()).as("local-cluster start:%n%s", start.output()).isZero();
    master = Files.readString(state.resolve("master.url")).strip();
    assertThat(master).startsWith("spark://127.0.0.1:");
    Script status = script(Duration.ofMinutes(1), "local-cluster", "status");
    assertThat(status.code()).as(status.output()).isZero();
    assertThat(status.output()).contains("worker-1").contains("worker-2")
        .doesNotContain("NOT RUNNING");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (state == null) {
      return;
    }
    Script stop = script(Duration.ofMinutes(2), "local-cluster", "stop");
    assertThat(stop.code()).as(stop.output()).isZero();
    assertThat(executors()).as("executor JVMs left behind").isEmpty();
    // The SPARK_HOME's jars are links into ~/.m2: remove the links (not their targets) here, so
    // the temporary folder's cleanup has nothing to warn about.
    try (Stream<Path> jars = Files.list(state.resolve("spark-home/jars"))) {
      for (Path link : jars.toList()) {
        Files.delete(link);
      }
    }
  }

  @Test
  void quickstartOnTheClusterGivesTheTablesOfALocalRun() throws Exception {
    Path onCluster = dir.resolve("quickstart-cluster");
    Script submit = script(Duration.ofMinutes(10), "submit", "--master", master, "--", "run",
        QUICKSTART.toString(), "--out", onCluster.toString());
    assertThat(submit.code()).as(submit.output()).isZero();
    assertThat(submit.output()).contains("on " + master)
        .contains("Done: sweep 'quickstart', 144 cells in");
    assertThat(Files.readString(onCluster.resolve("quickstart/_sweep.json")))
        .contains("\"master\" : \"" + master + "\"");

    Path local = dir.resolve("quickstart-local");
    CliRun reference = CliRun.of("run", QUICKSTART.toString(), "--out", local.toString(),
        "--master", "local[2]");
    assertThat(reference.code()).as(reference.err()).isZero();
    Duck.assertSameSweepTables(onCluster.resolve("quickstart"), local.resolve("quickstart"),
        144, 2);
  }

  /**
   * A real-data sweep on the cluster: each executor JVM loads the image set itself (once) and
   * trains its cells; the tables equal a local run's.
   */
  @Test
  void trainingSweepOnTheClusterGivesTheTablesOfALocalRun() throws Exception {
    Path data = org.sgdnoise.core.data.SyntheticImages.write(dir.resolve("images"), 600, 200, 3);
    Path file = dir.resolve("training.yaml");
    Files.writeString(file, "name: training\nkind: mlp\nseed: 5\ndata: " + data + "\n"
        + "params:\n  lr: [0.05, 0.5]\n  batch: 16\n  width: [4, 16]\n"
        + "  weight_decay: [-0.001, 0.001]\ntrain:\n  steps: 200\n  noise_rows: 100\n"
        + "  replicates: 2\n");
    Path onCluster = dir.resolve("training-cluster");
    Script submit = script(Duration.ofMinutes(10), "submit", "--master", master, "--", "run",
        file.toString(), "--out", onCluster.toString(), "--no-analyze");
    assertThat(submit.code()).as(submit.output()).isZero();
    assertThat(submit.output()).contains("Done: sweep 'training', 8 cells in");
    Path local = dir.resolve("training-local");
    CliRun reference = CliRun.of("run", file.toString(), "--out", local.toString(),
        "--master", "local[2]", "--no-analyze");
    assertThat(reference.code()).as(reference.err()).isZero();
    Duck.assertSameSweepTables(onCluster.resolve("training"), local.resolve("training"), 8, 0);
  }

  @Test
  void anExecutorKilledMidSweepChangesNothing() throws Exception {
    Path file = dir.resolve("executor-loss.yaml");
    Files.writeString(file, LOSS_SWEEP);
    Path onCluster = dir.resolve("loss-cluster");
    Path log = dir.resolve("loss-submit.log");
    Process submit = start(log, "submit", "--master", master, "--", "run", file.toString(),
        "--out", onCluster.toString(), "--wave-size", "8", "--progress-interval", "2");
    try {
      // Wait for the first wave to land in the table, then SIGKILL one executor JVM.
      Path cells = onCluster.resolve("executor-loss/cells");
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (parquetFiles(cells) == 0 && submit.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      List<ProcessHandle> executors = executors();
      assertThat(submit.isAlive()).as("the sweep was still running when its first wave landed:"
          + "%n%s", read(log)).isTrue();
      assertThat(executors).as("executor JVMs of the cluster").hasSize(2);
      ProcessHandle victim = executors.get(0);
      assertThat(victim.destroyForcibly()).isTrue();
      assertThat(victim.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
      assertThat(submit.isAlive()).as("killed mid-sweep:%n%s", read(log)).isTrue();
      try (Duck duck = new Duck()) {
        assertThat(duck.count("SELECT count(*) FROM " + Duck.table(cells)))
            .as("cells in the table when the executor died").isBetween(1L, LOSS_CELLS - 1L);
      }

      assertThat(submit.waitFor(10, TimeUnit.MINUTES)).as(read(log)).isTrue();
      assertThat(submit.exitValue()).as(read(log)).isZero();
    } finally {
      destroyTree(submit);
    }
    String out = read(log);
    assertThat(out).contains("Done: sweep 'executor-loss', " + LOSS_CELLS + " cells in");
    // The worker whose executor died started another one (standalone replaces lost executors).
    assertThat(Stream.of("worker-1.log", "worker-2.log").map(f -> read(state.resolve(f)))
        .anyMatch(l -> java.util.regex.Pattern.compile(
            "Asked to launch executor app-[0-9-]+/2 for sgdnoise executor-loss").matcher(l).find()))
        .as("a replacement executor was launched").isTrue();

    Path local = dir.resolve("loss-local");
    CliRun reference = CliRun.of("run", file.toString(), "--out", local.toString(), "--master",
        "local[2]");
    assertThat(reference.code()).as(reference.err()).isZero();
    Duck.assertSameSweepTables(onCluster.resolve("executor-loss"), local.resolve("executor-loss"),
        LOSS_CELLS, 2);
  }


  /** The executor JVMs of this test's cluster (their classpath names its SPARK_HOME). */
  private static List<ProcessHandle> executors() {
    String home = state.resolve("spark-home").toString() + "/";
    return ProcessHandle.allProcesses().filter(p -> {
      String cmd = commandLine(p);
      return cmd.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend")
          && cmd.contains(home);
    }).toList();
  }

  private static String commandLine(ProcessHandle p) {
    try {
      byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
      return new String(b, StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException | RuntimeException e) {
      return p.info().commandLine().orElse("");
    }
  }

  private record Script(int code, String output) {}

  /** Runs scripts/NAME against this test's cluster, output to a log; bounded in time. */
  private static Script script(Duration timeout, String name, String... args) throws Exception {
    Path log = Files.createTempFile(dir, name, ".log");
    Process p = start(log, name, args);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return new Script(-1, "timed out after " + timeout + ":\n" + read(log));
      }
      return new Script(p.exitValue(), read(log));
    } finally {
      destroyTree(p);
    }
  }

  private static Process start(Path log, String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("scripts").resolve(name).toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("LOCAL_CLUSTER_DIR", state.toString());
    env.put("SGDNOISE_NO_BUILD", "1"); // Maven built everything: never build from inside it
    env.remove("SPARK_HOME");
    env.remove("SPARK_CONF_DIR");
    return pb.start();
  }

  private static void destroyTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  private static long parquetFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
    }
  }
}
