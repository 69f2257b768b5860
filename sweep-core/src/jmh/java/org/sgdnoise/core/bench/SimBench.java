package org.sgdnoise.core.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.sim.Problem;
import org.sgdnoise.core.sim.ReplicateResult;
import org.sgdnoise.core.sim.Simulator;
import org.sgdnoise.core.spec.Simulate;
import org.sgdnoise.core.theory.FiniteDataTheory;

/**
 * Chain steps per second of the real simulator ({@link Simulator#run(Cell, Problem, int,
 * Simulator.Dataset, FiniteDataTheory.Fit)}, every measurement included) on the cases of the
 * NumPy peer baseline ({@code ../shared/bench/numpy_baseline.py}), single-threaded, for
 * {@code scripts/bench}.
 *
 * <p>A case is (mode, D, S): label noise, A = I_D, σ² = 0.25, λ = 0.1, μ = 0, N rows with
 * replacement in dataset mode, the default sampler in streaming mode (exact for S ≥ 2). The run
 * of one replicate is timed from the call to its return; the data set and its fit are made
 * before (the baseline, too, draws its data set outside the timed loop). Each case warms the JIT
 * up with runs of growing length, then times {@code --repeats} runs of about {@code --seconds}
 * each (burn-in a tenth of the steps) and reports the median rate.
 *
 * <p>Prints one JSON object per line, the baseline's fields ({@code style}: "java", {@code
 * mode}, {@code D}, {@code S}, {@code N}, {@code chain_steps_per_s}, {@code trace_sigma}) plus
 * {@code steps}, every timed run's rate ({@code runs}) and the median rate per second of the
 * thread's CPU time ({@code cpu_steps_per_s}: on a shared machine, wall time also counts the
 * time the thread waited for a core). With {@code --stream} it first prints
 * the single-threaded read bandwidth of a 256 MiB array ({@code "style": "stream"}), a rough
 * memory roof for the gathered rows of dataset mode ({@code --cases ""} for that alone).
 *
 * <pre>
 * SimBench [--cases "1,1;1,32;1,1000;2,32;100,32"] [--modes dataset,streaming] [--n 10000]
 *          [--lr 0.1] [--sigma2 0.25] [--seconds 2] [--repeats 3] [--seed 0] [--stream]
 *          [--burn-in 0.1]   (the fraction of steps not measured: 0.99 times the bare chain)
 * </pre>
 */
public final class SimBench {
  /** Shortest run that counts as warmed up, and the least total warm-up per case. */
  private static final double WARMUP_RUN_SECONDS = 0.3;
  private static final double WARMUP_TOTAL_SECONDS = 1.0;
  private static final long FIRST_STEPS = 10_000;
  private static final int STREAM_DOUBLES = 1 << 25;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private SimBench() {}

  /** The command line. */
  record Options(List<int[]> cases, List<Simulate.Mode> modes, int n, double lr, double sigma2,
      double seconds, int repeats, long seed, boolean stream, double burnIn) {

    static Options parse(String[] args) {
      String cases = "1,1;1,32;1,1000;2,32;100,32";
      String modes = "dataset,streaming";
      int n = 10_000;
      double lr = 0.1;
      double sigma2 = 0.25;
      double seconds = 2;
      int repeats = 3;
      long seed = 0;
      boolean stream = false;
      double burnIn = 0.1;
      for (int i = 0; i < args.length; i++) {
        final String a = args[i];
        if (a.equals("--stream")) {
          stream = true;
          continue;
        }
        if (i + 1 == args.length) {
          throw new IllegalArgumentException("Cannot parse the arguments: no value after: " + a);
        }
        final String v = args[++i];
        switch (a) {
          case "--cases" -> cases = v;
          case "--modes" -> modes = v;
          case "--n" -> n = Integer.parseInt(v);
          case "--lr" -> lr = Double.parseDouble(v);
          case "--sigma2" -> sigma2 = Double.parseDouble(v);
          case "--seconds" -> seconds = Double.parseDouble(v);
          case "--repeats" -> repeats = Integer.parseInt(v);
          case "--seed" -> seed = Long.parseLong(v);
          case "--burn-in" -> burnIn = Double.parseDouble(v);
          default -> throw new IllegalArgumentException("Cannot parse the arguments: unknown: "
              + a);
        }
      }
      List<int[]> c = new ArrayList<>();
      for (String s : cases.split(";")) {
        if (s.isBlank()) {
          continue;
        }
        String[] ds = s.trim().split(",");
        c.add(new int[] {Integer.parseInt(ds[0].trim()), Integer.parseInt(ds[1].trim())});
      }
      List<Simulate.Mode> m = new ArrayList<>();
      for (String s : modes.split(",")) {
        m.add(switch (s.trim()) {
          case "dataset" -> Simulate.Mode.DATASET;
          case "streaming" -> Simulate.Mode.STREAMING;
          default -> throw new IllegalArgumentException("Cannot parse --modes: unknown: " + s);
        });
      }
      if (!(seconds > 0) || repeats < 1) {
        throw new IllegalArgumentException("Cannot bench: --seconds and --repeats must be"
            + " positive: " + seconds + ", " + repeats);
      }
      if (!(burnIn >= 0 && burnIn < 1)) {
        throw new IllegalArgumentException("Cannot bench: --burn-in must be in [0, 1): " + burnIn);
      }
      return new Options(c, m, n, lr, sigma2, seconds, repeats, seed, stream, burnIn);
    }
  }

  /** One timed run: its rate and result. */
  record Timed(long steps, double seconds, double cpuSeconds, ReplicateResult result) {
    double rate() {
      return steps / seconds;
    }
  }

  public static void main(String[] args) {
    final Options o = Options.parse(args);
    if (o.stream()) {
      System.out.println(String.format(Locale.ROOT,
          "{\"style\": \"stream\", \"read_GB_per_s\": %.2f}", readBandwidth()));
    }
    for (Simulate.Mode mode : o.modes()) {
      for (int[] c : o.cases()) {
        System.out.println(benchCase(o, mode, c[0], c[1]));
        System.out.flush();
      }
    }
  }

  /** Warms up, times the case and returns its JSON line. */
  static String benchCase(Options o, Simulate.Mode mode, int dim, int batch) {
    long steps = FIRST_STEPS;
    double warm = 0;
    while (true) {
      final Timed t = run(o, mode, dim, batch, steps);
      warm += t.seconds();
      if (t.seconds() >= WARMUP_RUN_SECONDS && warm >= WARMUP_TOTAL_SECONDS) {
        steps = Math.max(FIRST_STEPS, (long) Math.ceil(t.rate() * o.seconds()));
        break;
      }
      steps *= t.seconds() < WARMUP_RUN_SECONDS / 4 ? 4 : 2;
    }
    final double[] rates = new double[o.repeats()];
    final double[] cpuRates = new double[o.repeats()];
    double trace = Double.NaN;
    for (int k = 0; k < rates.length; k++) {
      final Timed t = run(o, mode, dim, batch, steps);
      rates[k] = t.rate();
      cpuRates[k] = t.steps() / t.cpuSeconds();
      trace = t.result().diverged() ? Double.NaN : t.result().traceSigma().mean();
    }
    final double[] sorted = rates.clone();
    Arrays.sort(sorted);
    Arrays.sort(cpuRates);
    final StringBuilder runs = new StringBuilder();
    for (double r : rates) {
      runs.append(runs.length() == 0 ? "" : ", ").append(Math.round(r));
    }
    return String.format(Locale.ROOT, "{\"style\": \"java\", \"mode\": \"%s\", \"D\": %d,"
        + " \"S\": %d, \"N\": %d, \"chain_steps_per_s\": %d, \"trace_sigma\": %.6g,"
        + " \"steps\": %d, \"runs\": [%s], \"cpu_steps_per_s\": %d}", mode.yamlName(), dim,
        batch, o.n(), Math.round(sorted[sorted.length / 2]), trace, steps, runs,
        Math.round(cpuRates[cpuRates.length / 2]));
  }

  /** One replicate of {@code steps} steps (a tenth burn-in by default), timed around run. */
  static Timed run(Options o, Simulate.Mode mode, int dim, int batch, long steps) {
    final boolean dataset = mode == Simulate.Mode.DATASET;
    final Simulate sim = new Simulate(mode, Simulate.Sampling.WITH_REPLACEMENT, steps,
        Math.min(steps - Simulate.MIN_MEASURED_STEPS, (long) (o.burnIn() * steps)), 1);
    final double[] spectrum = new double[dim];
    Arrays.fill(spectrum, 1.0);
    final Cell cell = Cell.labelNoise(0, o.lr(), batch, 0.0, o.sigma2(), spectrum,
        dataset ? o.n() : 0, sim, o.seed());
    final Problem pr = Problem.of(cell);
    final Simulator.Dataset data = dataset ? Simulator.dataset(cell, pr, 0) : null;
    final FiniteDataTheory.Fit fit = dataset ? Simulator.fit(pr, data) : null;
    final long c0 = THREADS.getCurrentThreadCpuTime();
    final long t0 = System.nanoTime();
    final ReplicateResult r = Simulator.run(cell, pr, 0, data, fit);
    final double seconds = (System.nanoTime() - t0) * 1e-9;
    final double cpu = (THREADS.getCurrentThreadCpuTime() - c0) * 1e-9;
    return new Timed(r.stepsRun(), seconds, cpu, r);
  }

  /** GB/s of a sequential sum over 256 MiB (best of five passes, four accumulators). */
  static double readBandwidth() {
    final double[] x = new double[STREAM_DOUBLES];
    for (int i = 0; i < x.length; i++) {
      x[i] = i & 7;
    }
    double best = 0;
    double sink = 0;
    for (int pass = 0; pass < 5; pass++) {
      final long t0 = System.nanoTime();
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      for (int i = 0; i < x.length; i += 4) {
        s0 += x[i];
        s1 += x[i + 1];
        s2 += x[i + 2];
        s3 += x[i + 3];
      }
      final double seconds = (System.nanoTime() - t0) * 1e-9;
      sink += s0 + s1 + s2 + s3;
      best = Math.max(best, 8.0 * x.length / seconds / 1e9);
    }
    if (sink == 42) {
      System.err.println();
    }
    return best;
  }
}
