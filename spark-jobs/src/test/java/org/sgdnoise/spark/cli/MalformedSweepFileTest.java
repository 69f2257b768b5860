package org.sgdnoise.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad sweep files, through the real command line: each must exit 2 before any Spark work, with
 * one message naming the field, what is allowed, the value and the line, and leave nothing on
 * disk (neither the output root nor anything in the working directory).
 */
class MalformedSweepFileTest {
  private static final String OK_HEAD = "name: bad\nkind: label_noise\n";
  private static final String MLP_HEAD = "name: bad\nkind: mlp\n";
  /** Parameters with a grid of learning rates to refine along (lines 3 to 5 after a head). */
  private static final String REFINE_PARAMS = "params:\n  lr: [0.1, 0.2]\n  batch: [1, 2]\n";

  static Stream<Arguments> cases() {
    return Stream.of(
        bad("unknown top-level key", "nme: x\nkind: label_noise\nparams: {lr: 0.1, batch: 1}\n",
            "nme (line 1)", "unknown key", "'nme'"),
        bad("unknown parameter", OK_HEAD + "params:\n  lr: 0.1\n  batch: 1\n  lrr: 2\n",
            "params.lrr (line 6)", "unknown parameter", "'lrr'"),
        bad("wrong type", OK_HEAD + "params:\n  lr: fast\n  batch: 1\n",
            "params.lr (line 4)", "a finite number > 0", "the text 'fast'"),
        bad("misspelled kind", "name: bad\nkind: label_nosie\nparams: {lr: 0.1, batch: 1}\n",
            "kind (line 2)", "unknown kind", "label_noise", "'label_nosie'"),
        bad("kind not supported yet", "name: bad\nkind: general\nparams: {lr: 0.1, batch: 1}\n",
            "kind (line 2)", "not supported yet", "'general'"),
        bad("mlp without a width", MLP_HEAD + "params: {lr: 0.1, batch: 32}\n",
            "params.width (line 3)", "kind mlp needs width"),
        bad("width of logistic regression", "name: bad\nkind: logistic\n"
                + "params: {lr: 0.1, batch: 32, width: 10}\n",
            "params.width (line 3)", "applies only to kind mlp", ": 10"),
        bad("width of a linear kind", OK_HEAD + "params: {lr: 0.1, batch: 1, width: 10}\n",
            "params.width (line 3)", "applies only to kind mlp", ": 10"),
        bad("width zero", MLP_HEAD + "params: {lr: 0.1, batch: 32, width: [10, 0]}\n",
            "params.width[1] (line 3)", "an integer from 1 to 100000", ": 0"),
        bad("linear parameter for mlp", MLP_HEAD
                + "params: {lr: 0.1, batch: 32, width: 10, label_noise_var: 1}\n",
            "params.label_noise_var (line 3)", "only to the linear kinds",
            "takes lr, batch, momentum, weight_decay and width"),
        bad("simulate for logistic", "name: bad\nkind: logistic\n"
                + "params: {lr: 0.1, batch: 32}\nsimulate: {mode: streaming}\n",
            "simulate (line 4)", "applies only to the linear kinds", "train:"),
        bad("train section for a linear kind", OK_HEAD + "params: {lr: 0.1, batch: 1}\n"
                + "train: {steps: 10}\n",
            "train (line 4)", "only to kinds logistic and mlp"),
        bad("unknown optimizer", MLP_HEAD + "params: {lr: 0.1, batch: 32, width: 10}\n"
                + "train: {optimizer: rmsprop}\n",
            "train.optimizer (line 4)", "sgd, adam", "'rmsprop'"),
        bad("mse for logistic", "name: bad\nkind: logistic\nparams: {lr: 0.1, batch: 32}\n"
                + "train: {loss: mse}\n",
            "train.loss (line 4)", "its loss is cross_entropy", "'mse'"),
        bad("reference width without scaling", MLP_HEAD
                + "params: {lr: 0.1, batch: 32, width: 10}\ntrain: {reference_width: 100}\n",
            "train.reference_width (line 4)", "only with lr_scaling: inverse_width", ": 100"),
        bad("window zero", MLP_HEAD + "params: {lr: 0.1, batch: 32, width: 10}\n"
                + "train:\n  steps: 100\n  window: 0\n",
            "train.window (line 6)", "in (0, 1]", ": 0"),
        bad("batch above train_rows", MLP_HEAD + "params: {lr: 0.1, batch: [32, 512], width: 10}"
                + "\ntrain: {train_rows: 100}\n",
            "params.batch[1] (line 3)", "at most train.train_rows = 100", ": 512"),
        bad("noise rows above train_rows", MLP_HEAD + "params: {lr: 0.1, batch: 32, width: 10}"
                + "\ntrain: {train_rows: 100, noise_rows: 1000}\n",
            "train.noise_rows (line 4)", "at most train_rows = 100", ": 1000"),
        bad("input noise without its variance", "name: bad\nkind: input_noise\n"
                + "params: {lr: 0.1, batch: 1}\n",
            "params.input_noise_var (line 3)", "exactly one of", "neither given"),
        bad("input noise var for label noise", OK_HEAD
                + "params: {lr: 0.1, batch: 1, input_noise_var: 0.5}\n",
            "params.input_noise_var (line 3)", "only to kind input_noise", ": 0.5"),
        bad("label noise in l2", "name: bad\nkind: l2\n"
                + "params:\n  lr: 0.1\n  batch: 1\n  label_noise_var: 0.5\n",
            "params.label_noise_var (line 6)", "clean labels", ": 0.5"),
        bad("teacher of the wrong length", "name: bad\nkind: l2\n"
                + "params:\n  lr: 0.1\n  batch: 1\n  spectrum: [1, 2, 3]\n  teacher: [1, 2]\n",
            "params.teacher (line 7)", "D entries, D = the spectrum's length = 3", ": 2 entries"),
        bad("unknown learning-rate matrix", OK_HEAD + "lr_matrix: adam\n"
                + "params: {lr: 0.1, batch: 1}\n",
            "lr_matrix (line 3)", "scalar", "newton", "the text 'adam'"),
        bad("diagonal learning-rate matrix of the wrong length", OK_HEAD
                + "lr_matrix: [1, 2]\nparams: {lr: 0.1, batch: 1, dim: 3}\n",
            "lr_matrix (line 3)", "D entries, D = dim = 3", ": 2 entries"),
        bad("anisotropic high_dim", "name: bad\nkind: high_dim\n"
                + "params: {lr: 0.1, batch: 1, alpha: 2, spectrum: [1, 2]}\n",
            "params.spectrum (line 3)", "isotropic", ": [1.0, 2.0]"),
        bad("high_dim without alpha", "name: bad\nkind: high_dim\n"
                + "params: {lr: 0.1, batch: 1, dim: 100}\n",
            "params.alpha (line 3)", "needs alpha"),
        bad("high_dim in streaming mode", "name: bad\nkind: high_dim\n"
                + "params: {lr: 0.1, batch: 1, alpha: 2, dim: 10}\nsimulate: {mode: streaming}\n",
            "simulate.mode (line 4)", "use mode: dataset", ": streaming"),
        bad("ngd in dataset mode", "name: bad\nkind: ngd\n"
                + "params: {lr: 0.1, batch: 1, n: 100}\nsimulate: {mode: dataset}\n",
            "simulate.mode (line 4)", "use mode: streaming", ": dataset"),
        bad("unknown sampler", OK_HEAD + "params: {lr: 0.1, batch: 1}\n"
                + "simulate: {mode: streaming, sampler: bartlett}\n",
            "simulate.sampler (line 4)", "auto, exact, direct", "'bartlett'"),
        bad("exact sampler in dataset mode", OK_HEAD + "params: {lr: 0.1, batch: 1, n: 100}\n"
                + "simulate: {mode: dataset, sampler: exact}\n",
            "simulate.sampler (line 4)", "only to mode: streaming", "'exact'"),
        bad("tail fraction out of range", OK_HEAD + "params: {lr: 0.1, batch: 1}\n"
                + "simulate: {mode: streaming, tail_fraction: 0.9}\n",
            "simulate.tail_fraction (line 4)", "from 1e-7 to 0.5", ": 0.9"),
        bad("rotation with an input-noise spectrum, simulated", "name: bad\nkind: input_noise\n"
                + "params: {lr: 0.1, batch: 1, spectrum: [1, 2], input_noise_spectrum: [1, 1],"
                + " rotation: 3}\nsimulate: {mode: streaming}\n",
            "params.rotation (line 3)", "does not commute with a rotated A", ": 3"),
        bad("matrices at too large D", OK_HEAD + "matrices: true\n"
                + "params: {lr: 0.1, batch: 1, dim: 65}\n",
            "matrices (line 3)", "up to D = 64", ": D = 65"),
        bad("scaling_k for l2", "name: bad\nkind: l2\n"
                + "params: {lr: 0.1, batch: 1, scaling_k: 2}\n",
            "params.scaling_k (line 3)", "only to kind label_noise", ": 2"),
        bad("learning rate <= 0", OK_HEAD + "params:\n  lr: [0.1, -0.2]\n  batch: 1\n",
            "params.lr[1] (line 4)", "> 0", ": -0.2"),
        bad("learning rate zero", OK_HEAD + "params:\n  lr: 0\n  batch: 1\n",
            "params.lr (line 4)", "> 0", ": 0"),
        bad("momentum = 1", OK_HEAD + "params:\n  lr: 0.1\n  batch: 1\n  momentum: 1.0\n",
            "params.momentum (line 6)", "[0, 1)", ": 1.0"),
        bad("momentum < 0", OK_HEAD + "params:\n  lr: 0.1\n  batch: 1\n  momentum: [0, -0.1]\n",
            "params.momentum[1] (line 6)", "[0, 1)", ": -0.1"),
        bad("batch < 1", OK_HEAD + "params:\n  lr: 0.1\n  batch: 0\n",
            "params.batch (line 5)", "integer from 1", ": 0"),
        bad("batch not an integer", OK_HEAD + "params:\n  lr: 0.1\n  batch: 2.5\n",
            "params.batch (line 5)", "integer", ": 2.5"),
        bad("batch > n without replacement", OK_HEAD
                + "params:\n  lr: 0.1\n  batch: [4, 32]\n  n: 10\nsimulate:\n  mode: dataset\n"
                + "  sampling: without_replacement\n",
            "params.batch (line 5)", "without_replacement", "n = 10", ": 32"),
        bad("batch > alpha*dim without replacement", OK_HEAD
                + "params:\n  lr: 0.1\n  batch: 16\n  dim: [2, 8]\n  alpha: 4\n"
                + "simulate: {mode: dataset, sampling: without_replacement}\n",
            "params.batch (line 5)", "round(4 * 2) = 8", ": 16"),
        bad("empty grid", OK_HEAD + "params:\n  lr: []\n  batch: 1\n",
            "params.lr (line 4)", "at least one value"),
        bad("non-positive eigenvalue", OK_HEAD
                + "params:\n  lr: 0.1\n  batch: 1\n  spectrum: [1.0, 0.0]\n",
            "params.spectrum[1] (line 6)", "eigenvalue must be a finite number > 0", ": 0.0"),
        bad("negative eigenvalue in a spectrum grid", OK_HEAD
                + "params:\n  lr: 0.1\n  batch: 1\n  spectrum:\n    - [1, 2]\n    - [1, -3]\n",
            "params.spectrum[1][1] (line 8)", "> 0", ": -3"),
        bad("burn_in >= steps", OK_HEAD
                + "params: {lr: 0.1, batch: 1}\nsimulate:\n  mode: streaming\n  steps: 1000\n"
                + "  burn_in: 1000\n",
            "simulate.burn_in (line 7)", "smaller than simulate.steps = 1000", ": 1000"),
        bad("name escapes the output root", "name: ../evil\nkind: label_noise\n"
                + "params: {lr: 0.1, batch: 1}\n",
            "name (line 1)", "plain folder name", "'../evil'"),
        bad("name with upper case", "name: Quick\nkind: label_noise\n"
                + "params: {lr: 0.1, batch: 1}\n",
            "name (line 1)", "plain folder name", "'Quick'"),
        bad("broken YAML", OK_HEAD + "params: {lr: [0.1, 0.2}, batch: 1}\n",
            "(line 3)", "broken YAML", "expected ',' or ']', but got }"),
        bad("YAML tag constructing an object", OK_HEAD
                + "params:\n  lr: !!javax.script.ScriptEngineManager [0.1]\n  batch: 1\n",
            "params.lr (line 4)", "tags are not allowed", "!"),
        bad("local YAML tag", OK_HEAD + "params: !Params {lr: 0.1, batch: 1}\n",
            "params (line 3)", "tags are not allowed", "!Params"),
        bad("YAML alias", OK_HEAD + "params:\n  lr: &x 0.1\n  batch: *x\n",
            "params.batch (line 5)", "aliases are not allowed", "*x"),
        bad("YAML anchor on a map", OK_HEAD + "params: &p {lr: 0.1, batch: 1}\n",
            "params (line 3)", "anchors are not allowed", "&p"),
        bad("YAML tag on a scalar", OK_HEAD + "params:\n  lr: !!float 0.1\n  batch: 1\n",
            "params.lr (line 4)", "tags are not allowed"),
        bad("duplicate key", OK_HEAD + "params:\n  lr: 0.1\n  lr: 0.2\n  batch: 1\n",
            "params.lr (line 5)", "duplicate key (first given on line 4)"),
        bad("missing name", "kind: label_noise\nparams: {lr: 0.1, batch: 1}\n",
            "name (line 1)", "is required"),
        bad("missing lr", OK_HEAD + "params:\n  batch: 1\n", "params.lr (line 4)",
            "is required"),
        bad("zip of grids of different lengths", OK_HEAD
                + "params:\n  lr: [0.1, 0.2]\n  batch: [1, 2, 4]\nzip:\n  - [lr, batch]\n",
            "zip[0][1] (line 7)", "same number of values", "batch has 3"),
        bad("zip of a fixed parameter", OK_HEAD
                + "params:\n  lr: [0.1, 0.2]\n  batch: 4\nzip:\n  - [lr, batch]\n",
            "zip[0][1] (line 7)", "only grid parameters", "'batch'"),
        bad("sampling outside dataset mode", OK_HEAD
                + "params: {lr: 0.1, batch: 1}\nsimulate:\n  mode: streaming\n"
                + "  sampling: without_replacement\n",
            "simulate.sampling (line 6)", "applies only to mode: dataset"),
        bad("unknown simulation mode", OK_HEAD + "params: {lr: 0.1, batch: 1}\n"
                + "simulate: {mode: online}\n",
            "simulate.mode (line 4)", "none, streaming, dataset", "'online'"),
        bad("dataset mode without n", OK_HEAD + "params: {lr: 0.1, batch: 1}\n"
                + "simulate: {mode: dataset}\n",
            "params.n (line 3)", "needs the data set size"),
        bad("linspace with num 0", OK_HEAD
                + "params:\n  lr: {linspace: {from: 0.1, to: 1, num: 0}}\n  batch: 1\n",
            "params.lr.linspace.num (line 4)", "integer from 1", ": 0"),
        bad("logspace through zero", OK_HEAD
                + "params:\n  lr: {logspace: {from: 0, to: 1, num: 5}}\n  batch: 1\n",
            "params.lr.logspace (line 4)", "from > 0 and to > 0", "from 0, to 1"),
        bad("repeated grid value", OK_HEAD + "params:\n  lr: [0.1, 0.2, 0.1]\n  batch: 1\n",
            "params.lr (line 4)", "must not repeat a value", ": 0.1"),
        bad("weight decay for label noise", OK_HEAD
                + "params:\n  lr: 0.1\n  batch: 1\n  weight_decay: [0, 0.01]\n",
            "params.weight_decay (line 6)", "must be 0", ": 0.01"),
        bad("name is a parent path", "name: '..'\nkind: label_noise\n"
                + "params: {lr: 0.1, batch: 1}\n", "name (line 1)", "plain folder name", "'..'"),
        bad("name is an absolute path", "name: /etc\nkind: label_noise\n"
                + "params: {lr: 0.1, batch: 1}\n", "name (line 1)", "plain folder name",
            "'/etc'"),
        bad("name with a separator", "name: a/../../b\nkind: label_noise\n"
                + "params: {lr: 0.1, batch: 1}\n", "name (line 1)", "plain folder name"),
        bad("binary tag", OK_HEAD + "params:\n  lr: !!binary aGVsbG8=\n  batch: 1\n",
            "params.lr (line 4)", "tags are not allowed"),
        bad("alpha * dim beyond any data set", OK_HEAD
                + "params:\n  lr: 0.1\n  batch: 1\n  dim: 10000\n  alpha: 1000000\n"
                + "simulate: {mode: dataset}\n",
            "params.alpha (line 7)", "data set size from 1 to 2147483647",
            "round(1000000 * 10000)"),
        bad("refine along a fixed parameter", OK_HEAD + "params:\n  lr: 0.1\n  batch: [1, 2]\n"
                + "refine: {axis: lr}\n",
            "refine.axis (line 6)", "must be a grid in params with at least 2 values",
            "'lr' is not a grid"),
        bad("refine along an integer parameter", OK_HEAD + REFINE_PARAMS
                + "refine: {axis: batch}\n",
            "refine.axis (line 6)", "lr, momentum, weight_decay", "'batch'"),
        bad("refine along an unknown parameter", OK_HEAD + REFINE_PARAMS
                + "refine:\n  axis: lrr\n",
            "refine.axis (line 7)", "must be one of lr", "'lrr'"),
        bad("refine along a zipped parameter", OK_HEAD + REFINE_PARAMS
                + "zip:\n  - [lr, batch]\nrefine: {axis: lr}\n",
            "refine.axis (line 8)", "must not be zipped", "'lr'"),
        bad("refine without an axis", OK_HEAD + REFINE_PARAMS + "refine: {tolerance: 0.01}\n",
            "refine.axis (line 6)", "is required"),
        bad("refine is not a map", OK_HEAD + REFINE_PARAMS + "refine: lr\n",
            "refine (line 6)", "must be a map", "the text 'lr'"),
        bad("unknown key in refine", OK_HEAD + REFINE_PARAMS + "refine: {axis: lr, tol: 0.1}\n",
            "refine.tol (line 6)", "unknown key", "tolerance", "'tol'"),
        bad("unknown refine boundary", OK_HEAD + REFINE_PARAMS
                + "refine:\n  axis: lr\n  boundary: edge\n",
            "refine.boundary (line 8)", "divergence, gamma_star_sign", "'edge'"),
        bad("gamma_star_sign outside l2", OK_HEAD + REFINE_PARAMS
                + "refine: {axis: lr, boundary: gamma_star_sign}\n",
            "refine.boundary (line 6)", "needs kind l2", ": kind label_noise"),
        bad("refine on the simulation without one", OK_HEAD + REFINE_PARAMS
                + "refine: {axis: lr, source: simulation}\n",
            "refine.source (line 6)", "needs simulate.mode streaming or dataset",
            "'simulation'"),
        bad("unknown refine source", OK_HEAD + REFINE_PARAMS
                + "refine: {axis: lr, source: paper}\n",
            "refine.source (line 6)", "theory, simulation", "'paper'"),
        bad("gamma_star_sign from the simulation", "name: bad\nkind: l2\n" + REFINE_PARAMS
                + "simulate: {mode: none}\n"
                + "refine: {axis: lr, boundary: gamma_star_sign, source: simulation}\n",
            "refine.source (line 7)", "needs simulate.mode"),
        bad("refine tolerance zero", OK_HEAD + REFINE_PARAMS
                + "refine:\n  axis: lr\n  tolerance: 0\n",
            "refine.tolerance (line 8)", "from 1e-12 to less than 1", ": 0"),
        bad("refine tolerance one", OK_HEAD + REFINE_PARAMS
                + "refine:\n  axis: lr\n  tolerance: 1.0\n",
            "refine.tolerance (line 8)", "from 1e-12 to less than 1", ": 1.0"),
        bad("refine tolerance not a number", OK_HEAD + REFINE_PARAMS
                + "refine:\n  axis: lr\n  tolerance: fine\n",
            "refine.tolerance (line 8)", "must be a number", "the text 'fine'"),
        bad("refine max_rounds zero", OK_HEAD + REFINE_PARAMS
                + "refine:\n  axis: lr\n  max_rounds: 0\n",
            "refine.max_rounds (line 8)", "integer from 1 to 200", ": 0"),
        bad("empty file", "", "holds no YAML document"),
        bad("not a map", "- lr\n- batch\n", "(line 1)", "must be a map", "a list"));
  }

  private static Arguments bad(String what, String yaml, String... expected) {
    return Arguments.of(what, yaml, List.of(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rejectsWithExitCodeTwoAndWritesNothing(String what, String yaml, List<String> expected,
      @TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    Path cwd = Path.of("").toAbsolutePath();
    Set<String> cwdBefore = list(cwd);

    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code = SweepCli.execute(new String[] {"run", file.toString(), "--out", out.toString()},
        new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));
    String err = stderr.toString(StandardCharsets.UTF_8);

    assertThat(code).as(err).isEqualTo(2);
    assertThat(err.strip().lines().count()).as("one message: " + err).isEqualTo(1);
    assertThat(err).startsWith("Cannot load sweep file 'bad.yaml'");
    for (String e : expected) {
      assertThat(err).contains(e);
    }
    assertThat(stdout.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(out).doesNotExist();
    assertThat(list(dir)).containsExactly("bad.yaml");
    assertThat(list(cwd)).isEqualTo(cwdBefore);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void planRejectsTheSameWay(String what, String yaml, List<String> expected, @TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code = SweepCli.execute(new String[] {"plan", file.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains(expected.get(0));
  }

  static Stream<Arguments> refusals() {
    String theoryOnly = OK_HEAD + "params:\n  lr: {linspace: {from: 0.1, to: 1, num: 1000000}}\n"
        + "  batch: [1, 2]\n  momentum: {linspace: {from: 0, to: 0.9, num: 100}}\n";
    String bigData = OK_HEAD + "params:\n  lr: 0.1\n  batch: 8\n  dim: 10000\n"
        + "  n: 2000000000\nsimulate: {mode: dataset}\n";
    String twelve = OK_HEAD + "params:\n  lr: [0.1, 0.2, 0.3]\n  batch: [1, 2, 4, 8]\n";
    return Stream.of(
        Arguments.of("grid above the default cap", theoryOnly, List.of(),
            List.of("200,000,000 cells is above the cap of 100,000,000", "--yes")),
        Arguments.of("grid above a chosen cap", twelve, List.of("--max-cells", "10"),
            List.of("12 cells is above the cap of 10")),
        Arguments.of("oversize D x N", bigData, List.of(),
            List.of("largest cell needs about 240.02 TB", "spark.executor.memory")),
        Arguments.of("oversize D x N on a cluster", bigData, List.of("--master",
                "spark://127.0.0.1:1"), List.of("largest cell needs", "spark.executor.cores")),
        Arguments.of("wave size -1", twelve, List.of("--wave-size", "-1"),
            List.of("--wave-size must be an integer >= 1 (0 = automatic): -1")),
        Arguments.of("negative partitions", twelve, List.of("--partitions", "-1"),
            List.of("--partitions must be >= 0")),
        Arguments.of("missing data folder", "name: bad\nkind: logistic\n"
                + "data: /nonexistent/fashion\nparams: {lr: 0.1, batch: 32}\n", List.of(),
            List.of("data: Cannot load the data set: no folder /nonexistent/fashion")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesToRunWithExitCodeTwoAndWritesNothing(String what, String yaml, List<String> extra,
      List<String> expected, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    Set<String> cwdBefore = list(Path.of("").toAbsolutePath());
    List<String> args = new java.util.ArrayList<>(List.of("run", file.toString(), "--out",
        out.toString()));
    args.addAll(extra);
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code = SweepCli.execute(args.toArray(String[]::new),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));
    String err = stderr.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err).isEqualTo(2);
    assertThat(err).startsWith("Cannot run sweep 'bad'");
    for (String e : expected) {
      assertThat(err).contains(e);
    }
    assertThat(out).doesNotExist();
    assertThat(list(Path.of("").toAbsolutePath())).isEqualTo(cwdBefore);
  }

  @org.junit.jupiter.api.Test
  void missingFileIsBadInput(@TempDir Path dir) {
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code = SweepCli.execute(new String[] {"run", dir.resolve("nope.yaml").toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("no such file");
  }

  private static Set<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
