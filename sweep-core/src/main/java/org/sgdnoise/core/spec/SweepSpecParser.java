package org.sgdnoise.core.spec;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.sgdnoise.core.data.ImageDataSets;
import org.sgdnoise.core.nn.Mlp;
import org.sgdnoise.core.nn.Optimizer;
import org.sgdnoise.core.spec.Simulate.Mode;
import org.sgdnoise.core.spec.Simulate.Sampling;
import org.sgdnoise.core.spec.YamlNode.ScalarType;
import org.sgdnoise.core.spec.YamlNode.YList;
import org.sgdnoise.core.spec.YamlNode.YMap;
import org.sgdnoise.core.spec.YamlNode.YScalar;

/**
 * Sweep-file text → {@link SweepSpec}, validating everything before anything runs. The contract
 * is documented in {@code docs/spec.md}. The first problem found is thrown as a {@link
 * SpecException} naming the field, the line, what is allowed and the value.
 */
final class SweepSpecParser {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Set<String> TOP_KEYS =
      Set.of("name", "kind", "seed", "params", "zip", "simulate", "lr_matrix", "matrices",
          "refine", "data", "train");
  /** Top-level keys of the linear kinds only (the real-data kinds train instead). */
  private static final List<String> LINEAR_ONLY_KEYS =
      List.of("simulate", "lr_matrix", "matrices", "refine");
  private static final Set<String> TRAIN_KEYS = Set.of("optimizer", "loss", "lr_scaling",
      "reference_width", "steps", "train_rows", "test_rows", "evaluations", "window",
      "noise_rows", "replicates");

  /** Largest D for which {@code matrices: true} writes Σ and C (D² rows per matrix). */
  static final int MAX_MATRICES_DIM = 64;
  private static final Set<String> SIMULATE_KEYS =
      Set.of("mode", "sampling", "steps", "burn_in", "replicates", "sampler", "tail_fraction");
  private static final Set<String> RANGE_KEYS = Set.of("from", "to", "num");
  private static final Set<String> REFINE_KEYS =
      Set.of("axis", "boundary", "source", "tolerance", "max_rounds");

  /** Most values one grid may have (the product of grids is never materialised). */
  static final int MAX_AXIS_VALUES = 10_000_000;

  /** Grid values are rounded to this many significant digits, so 0.1·3 is written 0.3. */
  private static final MathContext GRID_DIGITS = new MathContext(15);

  private final String source;

  private SweepSpecParser(String source) {
    this.source = source;
  }

  static SweepSpec parse(String source, String text) {
    return new SweepSpecParser(source).parseText(text);
  }

  private SweepSpec parseText(String text) {
    YamlNode root = YamlTreeReader.read(source, text);
    if (!(root instanceof YMap top)) {
      throw error("", root.line(), "the file must be a map of keys (name, kind, params, ...)",
          root.describe());
    }
    checkKeys(top, "", TOP_KEYS);

    String name = requiredString(top, "name");
    if (!NAME.matcher(name).matches()) {
      throw error("name", top.keyLines().get("name"),
          "must be a plain folder name: 1 to 64 of a-z, 0-9, '-' and '_', starting with a letter"
              + " or digit", quote(name));
    }

    String kindName = requiredString(top, "kind");
    Kind kind = Kind.fromYaml(kindName).orElseThrow(() -> error("kind",
        top.keyLines().get("kind"), "unknown kind; the kinds are " + Kind.allNames(),
        quote(kindName)));
    if (!kind.supported()) {
      throw error("kind", top.keyLines().get("kind"),
          "not supported yet; this build runs " + Kind.supportedNames(), quote(kindName));
    }

    long seed = 0;
    if (top.entries().containsKey("seed")) {
      seed = integer(top.entries().get("seed"), "seed", Long.MIN_VALUE, Long.MAX_VALUE,
          "an integer");
    }

    Train train = parseTrain(top, kind);
    Simulate simulate = parseSimulate(top);
    Map<Param, ParamAxis> params = parseParams(top, kind);
    LrMatrix lrMatrix = parseLrMatrix(top);
    boolean matrices = parseMatrices(top);
    List<Dimension> dimensions = parseDimensions(top, params);
    if (kind.trains()) {
      checkTrainRules(kind, params, train, top);
    } else {
      checkKindRules(kind, params, simulate, lrMatrix, top);
      checkShapes(params, lrMatrix, matrices, top);
      checkBatchFitsData(params, simulate, dimensions);
    }

    long cells = 1;
    for (Dimension d : dimensions) {
      try {
        cells = Math.multiplyExact(cells, d.size());
      } catch (ArithmeticException e) {
        throw error("params", top.keyLines().getOrDefault("params", 0),
            "the grid has more cells than fit in a 64-bit count", "product of " + dimensions);
      }
    }
    Refine refine = parseRefine(top, kind, params, dimensions, simulate);
    return new SweepSpec(name, kind, seed, params, dimensions, simulate, lrMatrix, matrices,
        refine, train, source, text);
  }

  // ---------------------------------------------------------------- data, train

  /**
   * {@code data:} and {@code train:} of the real-data kinds (defaults when absent), {@code null}
   * for the linear kinds, which may not have them; the linear kinds' own sections are refused
   * for the real-data kinds.
   */
  private Train parseTrain(YMap top, Kind kind) {
    if (!kind.trains()) {
      for (String key : List.of("data", "train")) {
        if (top.entries().containsKey(key)) {
          throw error(key, top.keyLines().get(key), "applies only to kinds logistic and mlp"
              + " (models trained on a real data set)", "kind " + kind.yamlName());
        }
      }
      return null;
    }
    for (String key : LINEAR_ONLY_KEYS) {
      if (top.entries().containsKey(key)) {
        throw error(key, top.keyLines().get(key), "applies only to the linear kinds; kind "
            + kind.yamlName() + " is trained as set in train: (optimizer, steps, replicates,"
            + " ...)", "kind " + kind.yamlName());
      }
    }
    String data = top.entries().containsKey("data") ? requiredString(top, "data")
        : ImageDataSets.FASHION_MNIST;
    if (data.isBlank()) {
      throw error("data", top.keyLines().get("data"), "must be fashion-mnist (the installed"
          + " dataset-fashion-mnist package) or a folder of IDX files", quote(data));
    }
    YMap m = top.entries().containsKey("train") ? asMap(top.entries().get("train"), "train")
        : new YMap(Map.of(), Map.of(), top.line());
    checkKeys(m, "train", TRAIN_KEYS);
    Optimizer.Kind optimizer = choice(m, "train", "optimizer", Optimizer.Kind.values(),
        Optimizer.Kind::yamlName, Optimizer.Kind.SGD);
    Mlp.Loss loss = choice(m, "train", "loss", Mlp.Loss.values(), Train::lossName,
        Mlp.Loss.CROSS_ENTROPY);
    if (kind == Kind.LOGISTIC && loss != Mlp.Loss.CROSS_ENTROPY) {
      throw error("train.loss", m.keyLines().get("loss"), "kind logistic is softmax"
          + " regression: its loss is cross_entropy", quote(Train.lossName(loss)));
    }
    Train.LrScaling scaling = choice(m, "train", "lr_scaling", Train.LrScaling.values(),
        Train.LrScaling::yamlName, Train.LrScaling.NONE);
    if (kind != Kind.MLP && scaling != Train.LrScaling.NONE) {
      throw error("train.lr_scaling", m.keyLines().get("lr_scaling"), "inverse_width scales"
          + " λ by the hidden width: it needs kind mlp", quote(scaling.yamlName()));
    }
    int referenceWidth = 1;
    if (m.entries().containsKey("reference_width")) {
      referenceWidth = (int) integer(m.entries().get("reference_width"),
          "train.reference_width", 1, Param.MAX_WIDTH, "an integer from 1 to "
              + Param.MAX_WIDTH);
      if (scaling != Train.LrScaling.INVERSE_WIDTH) {
        throw error("train.reference_width", m.keyLines().get("reference_width"), "applies only"
            + " with lr_scaling: inverse_width (λ·reference_width/width)", Integer.toString(
                referenceWidth));
      }
    }
    long steps = Train.DEFAULT_STEPS;
    if (m.entries().containsKey("steps")) {
      steps = integer(m.entries().get("steps"), "train.steps", 1, Train.MAX_STEPS,
          "an integer from 1 to " + Train.MAX_STEPS);
    }
    int trainRows = (int) optionalInt(m, "train_rows", 0, "an integer >= 1 (a prefix of the"
        + " training set; leave it out for all of it)");
    int testRows = (int) optionalInt(m, "test_rows", 0, "an integer >= 1 (a prefix of the test"
        + " set; leave it out for all of it)");
    int evaluations = (int) (m.entries().containsKey("evaluations")
        ? integer(m.entries().get("evaluations"), "train.evaluations", 1, Train.MAX_EVALUATIONS,
            "an integer from 1 to " + Train.MAX_EVALUATIONS) : Train.DEFAULT_EVALUATIONS);
    double window = Train.DEFAULT_WINDOW;
    if (m.entries().containsKey("window")) {
      YamlNode w = m.entries().get("window");
      window = finite(w, "train.window");
      if (!(window > 0 && window <= 1)) {
        throw error("train.window", w.line(), "must be a number in (0, 1]: the fraction of the"
            + " steps, at the end, behind the training-loss mean and variance",
            ((YScalar) w).text());
      }
    }
    int noiseRows = trainRows > 0 ? Math.min(Train.DEFAULT_NOISE_ROWS, trainRows)
        : Train.DEFAULT_NOISE_ROWS;
    if (m.entries().containsKey("noise_rows")) {
      noiseRows = (int) integer(m.entries().get("noise_rows"), "train.noise_rows", 0,
          Integer.MAX_VALUE, "an integer >= 0 (0: Tr C not measured)");
    }
    if (trainRows > 0 && noiseRows > trainRows) {
      throw error("train.noise_rows", m.keyLines().get("noise_rows"), "must be at most"
          + " train_rows = " + trainRows + " (Tr C is measured on training images)",
          Integer.toString(noiseRows));
    }
    int replicates = (int) (m.entries().containsKey("replicates")
        ? integer(m.entries().get("replicates"), "train.replicates", 1, Train.MAX_REPLICATES,
            "an integer from 1 to " + Train.MAX_REPLICATES) : 1);
    return new Train(data, optimizer, loss, scaling, referenceWidth, steps, trainRows, testRows,
        evaluations, window, noiseRows, replicates);
  }

  /** An optional positive int of {@code train:} ({@code absent} when not given). */
  private long optionalInt(YMap m, String key, long absent, String allowed) {
    if (!m.entries().containsKey(key)) {
      return absent;
    }
    return integer(m.entries().get(key), "train." + key, 1, Integer.MAX_VALUE, allowed);
  }

  /** The parameters the real-data kinds take, and their cross-field rules. */
  private void checkTrainRules(Kind kind, Map<Param, ParamAxis> params, Train train,
      YMap top) {
    YMap pm = (YMap) top.entries().get("params");
    for (Param p : params.keySet()) {
      boolean ok = switch (p) {
        case LR, BATCH, MOMENTUM, WEIGHT_DECAY -> true;
        case WIDTH -> kind == Kind.MLP;
        default -> false;
      };
      if (!ok) {
        throw error("params." + p.yamlName(), pm.keyLines().get(p.yamlName()), p == Param.WIDTH
            ? "applies only to kind mlp (the hidden width)" : "applies only to the linear"
                + " kinds; kind " + kind.yamlName() + " takes lr, batch, momentum,"
                + " weight_decay" + (kind == Kind.MLP ? " and width" : ""),
            describe(params.get(p), 0));
      }
    }
    if (kind == Kind.MLP && !params.containsKey(Param.WIDTH)) {
      throw error("params.width", pm.line(), "kind mlp needs width (the hidden layer's size)",
          null);
    }
    ParamAxis batch = params.get(Param.BATCH);
    for (int k = 0; train.trainRows() > 0 && k < batch.size(); k++) {
      if (batch.scalar(k) > train.trainRows()) {
        throw error("params.batch" + (batch.grid() ? "[" + k + "]" : ""), batch.line(k),
            "must be at most train.train_rows = "
            + train.trainRows() + " (the training images used)", fmt(batch.scalar(k)));
      }
    }
  }

  // ---------------------------------------------------------------- simulate

  private Simulate parseSimulate(YMap top) {
    YamlNode node = top.entries().get("simulate");
    if (node == null) {
      return Simulate.NONE;
    }
    YMap m = asMap(node, "simulate");
    checkKeys(m, "simulate", SIMULATE_KEYS);
    String modeName = requiredString(m, "simulate", "mode");
    Mode mode = switch (modeName) {
      case "none" -> Mode.NONE;
      case "streaming" -> Mode.STREAMING;
      case "dataset" -> Mode.DATASET;
      default -> throw error("simulate.mode", m.keyLines().get("mode"),
          "must be one of none, streaming, dataset", quote(modeName));
    };
    Sampling sampling = choice(m, "simulate", "sampling", Sampling.values(),
        Sampling::yamlName, Sampling.WITH_REPLACEMENT);
    if (m.entries().containsKey("sampling") && mode != Mode.DATASET) {
      throw error("simulate.sampling", m.keyLines().get("sampling"),
          "applies only to mode: dataset (streaming draws fresh samples every step)",
          quote(sampling.yamlName()));
    }
    if (mode == Mode.NONE) {
      return Simulate.NONE;
    }
    long steps = Simulate.DEFAULT_STEPS;
    if (m.entries().containsKey("steps")) {
      steps = integer(m.entries().get("steps"), "simulate.steps", Simulate.MIN_MEASURED_STEPS,
          Simulate.MAX_STEPS, "an integer from " + Simulate.MIN_MEASURED_STEPS + " to "
              + Simulate.MAX_STEPS);
    }
    long burnIn = steps / 10;
    if (m.entries().containsKey("burn_in")) {
      burnIn = integer(m.entries().get("burn_in"), "simulate.burn_in", 0, Long.MAX_VALUE,
          "an integer >= 0");
      if (burnIn >= steps) {
        throw error("simulate.burn_in", m.entries().get("burn_in").line(),
            "must be smaller than simulate.steps = " + steps, Long.toString(burnIn));
      }
    }
    if (steps - burnIn < Simulate.MIN_MEASURED_STEPS) {
      int line = m.entries().containsKey("burn_in")
          ? m.entries().get("burn_in").line() : m.line();
      throw error("simulate.burn_in", line, "steps - burn_in must be at least "
          + Simulate.MIN_MEASURED_STEPS + " measured steps", (steps - burnIn) + " measured steps");
    }
    int replicates = Simulate.DEFAULT_REPLICATES;
    if (m.entries().containsKey("replicates")) {
      replicates = (int) integer(m.entries().get("replicates"), "simulate.replicates", 1,
          Simulate.MAX_REPLICATES, "an integer from 1 to " + Simulate.MAX_REPLICATES);
    }
    Simulate.Sampler sampler = choice(m, "simulate", "sampler", Simulate.Sampler.values(),
        Simulate.Sampler::yamlName, Simulate.Sampler.AUTO);
    if (m.entries().containsKey("sampler")) {
      String s = sampler.yamlName();
      if (sampler == Simulate.Sampler.EXACT && mode != Mode.STREAMING) {
        throw error("simulate.sampler", m.keyLines().get("sampler"), "exact applies only to"
            + " mode: streaming (dataset mode draws rows of its data set)", quote(s));
      }
    }
    double tailFraction = Simulate.DEFAULT_TAIL_FRACTION;
    if (m.entries().containsKey("tail_fraction")) {
      YamlNode t = m.entries().get("tail_fraction");
      tailFraction = finite(t, "simulate.tail_fraction");
      if (!(tailFraction >= 1e-7 && tailFraction <= 0.5)) {
        throw error("simulate.tail_fraction", t.line(), "must be a number from 1e-7 to 0.5 (the"
            + " fraction of the largest |w - w*| the Hill estimator uses)", ((YScalar) t).text());
      }
    }
    return new Simulate(mode, sampling, steps, burnIn, replicates, sampler, tailFraction);
  }

  // ---------------------------------------------------------------- refine

  /** Parameters a boundary can be refined along: real-valued, and n does not depend on them. */
  static final List<Param> REFINE_AXES = List.of(Param.LR, Param.MOMENTUM, Param.WEIGHT_DECAY,
      Param.LABEL_NOISE_VAR, Param.INPUT_NOISE_VAR);

  private Refine parseRefine(YMap top, Kind kind, Map<Param, ParamAxis> params,
      List<Dimension> dims, Simulate sim) {
    YamlNode node = top.entries().get("refine");
    if (node == null) {
      return null;
    }
    YMap m = asMap(node, "refine");
    checkKeys(m, "refine", REFINE_KEYS);
    String axisName = requiredString(m, "refine", "axis");
    Integer axisLine = m.keyLines().get("axis");
    List<String> allowedAxes = REFINE_AXES.stream().map(Param::yamlName).toList();
    Param axis = Param.fromYaml(axisName).filter(REFINE_AXES::contains).orElseThrow(() ->
        error("refine.axis", axisLine, "must be one of " + String.join(", ", allowedAxes)
            + " (a real-valued parameter)", quote(axisName)));
    ParamAxis values = params.get(axis);
    if (values == null || !values.grid() || values.size() < 2) {
      throw error("refine.axis", axisLine, "must be a grid in params with at least 2 values"
          + " (the coarse grid to refine)", values == null || !values.grid()
          ? quote(axisName) + " is not a grid" : quote(axisName) + " has 1 value");
    }
    for (Dimension d : dims) {
      if (d.params().size() > 1 && d.params().contains(axis)) {
        throw error("refine.axis", axisLine, "must not be zipped (a slice holds every other"
            + " parameter fixed)", quote(axisName));
      }
    }
    Refine.Boundary boundary = choice(m, "refine", "boundary", Refine.Boundary.values(),
        Refine.Boundary::yamlName, Refine.Boundary.DIVERGENCE);
    if (boundary == Refine.Boundary.GAMMA_STAR_SIGN && kind != Kind.L2) {
      throw error("refine.boundary", m.keyLines().get("boundary"), "gamma_star_sign (the sign"
          + " of the best weight decay) needs kind l2", "kind " + kind.yamlName());
    }
    Refine.Source source = choice(m, "refine", "source", Refine.Source.values(),
        Refine.Source::yamlName, Refine.Source.THEORY);
    if (m.entries().containsKey("source")) {
      String s = source.yamlName();
      Integer line = m.keyLines().get("source");
      if (source == Refine.Source.SIMULATION && !sim.enabled()) {
        throw error("refine.source", line, "simulation needs simulate.mode streaming or dataset",
            quote(s));
      }
      if (source == Refine.Source.SIMULATION && boundary == Refine.Boundary.GAMMA_STAR_SIGN) {
        throw error("refine.source", line, "gamma_star_sign is a theory column; source must be"
            + " theory", quote(s));
      }
    }
    double tolerance = Refine.DEFAULT_TOLERANCE;
    if (m.entries().containsKey("tolerance")) {
      YamlNode t = m.entries().get("tolerance");
      tolerance = finite(t, "refine.tolerance");
      if (!(tolerance >= Refine.MIN_TOLERANCE && tolerance < 1)) {
        throw error("refine.tolerance", t.line(), "must be a number from 1e-12 to less than 1"
            + " (the relative bracket width to reach)", ((YScalar) t).text());
      }
    }
    int maxRounds = Refine.DEFAULT_MAX_ROUNDS;
    if (m.entries().containsKey("max_rounds")) {
      maxRounds = (int) integer(m.entries().get("max_rounds"), "refine.max_rounds", 1,
          Refine.MAX_ROUNDS, "an integer from 1 to " + Refine.MAX_ROUNDS);
    }
    return new Refine(axis, boundary, source, tolerance, maxRounds);
  }

  // ---------------------------------------------------------------- params

  private Map<Param, ParamAxis> parseParams(YMap top, Kind kind) {
    YamlNode node = top.entries().get("params");
    if (node == null) {
      throw error("params", top.line(), "is required (at least lr and batch)", null);
    }
    YMap m = asMap(node, "params");
    Map<Param, ParamAxis> out = new EnumMap<>(Param.class);
    for (Map.Entry<String, YamlNode> e : m.entries().entrySet()) {
      String key = e.getKey();
      Param p = Param.fromYaml(key).orElseThrow(() -> error("params." + key,
          m.keyLines().get(key), "unknown parameter; the parameters are " + Param.allNames(),
          quote(key)));
      out.put(p, parseAxis(p, e.getValue(), "params." + key));
    }
    for (Param required : new Param[] {Param.LR, Param.BATCH}) {
      if (!out.containsKey(required)) {
        throw error("params." + required.yamlName(), m.line(), "is required", null);
      }
    }
    if (out.containsKey(Param.DIM) && out.containsKey(Param.SPECTRUM)) {
      throw error("params.dim", m.keyLines().get("dim"),
          "give either dim (A = I) or spectrum (D = its length), not both", "dim and spectrum");
    }
    if (out.containsKey(Param.N) && out.containsKey(Param.ALPHA)) {
      throw error("params.n", m.keyLines().get("n"),
          "give either n or alpha (n = alpha * dim), not both", "n and alpha");
    }
    out.putIfAbsent(Param.MOMENTUM, ParamAxis.defaultValue(Param.MOMENTUM, 0.0));
    out.putIfAbsent(Param.WEIGHT_DECAY, ParamAxis.defaultValue(Param.WEIGHT_DECAY, 0.0));
    if (kind.trains()) {
      return out; // the real-data kinds have none of the linear models' parameters
    }
    // Input noise and L2 have clean labels (their noise comes from elsewhere).
    final boolean cleanLabels = kind == Kind.INPUT_NOISE || kind == Kind.L2;
    out.putIfAbsent(Param.LABEL_NOISE_VAR,
        ParamAxis.defaultValue(Param.LABEL_NOISE_VAR, cleanLabels ? 0.0 : 1.0));
    if (!out.containsKey(Param.TEACHER)) {
      out.put(Param.TEACHER, new ParamAxis(Param.TEACHER, false, null,
          List.of(new double[] {1.0}), new int[] {0}));
    }
    out.putIfAbsent(Param.ROTATION, ParamAxis.defaultValue(Param.ROTATION, 0));
    if (!out.containsKey(Param.SPECTRUM)) {
      out.putIfAbsent(Param.DIM, ParamAxis.defaultValue(Param.DIM, 1));
    }
    return out;
  }

  private ParamAxis parseAxis(Param p, YamlNode node, String path) {
    if (p.type() == Param.ValueType.VECTOR) {
      return parseVectorAxis(p, node, path);
    }
    if (node instanceof YScalar s) {
      double v = number(s, path, p);
      return new ParamAxis(p, false, new double[] {v}, null, new int[] {s.line()});
    }
    if (node instanceof YList list) {
      if (list.items().isEmpty()) {
        throw error(path, list.line(), "a grid must have at least one value", "[]");
      }
      int n = list.items().size();
      double[] vals = new double[n];
      int[] lines = new int[n];
      for (int k = 0; k < n; k++) {
        YamlNode item = list.items().get(k);
        if (!(item instanceof YScalar s)) {
          throw error(path + "[" + k + "]", item.line(), "must be " + p.allowed(),
              item.describe());
        }
        vals[k] = number(s, path + "[" + k + "]", p);
        lines[k] = s.line();
      }
      checkDistinct(p, path, vals, lines);
      return new ParamAxis(p, true, vals, null, lines);
    }
    YMap m = (YMap) node;
    return parseRange(p, m, path);
  }

  private ParamAxis parseRange(Param p, YMap m, String path) {
    if (m.entries().size() != 1) {
      throw error(path, m.line(),
          "a grid map must have exactly one key, linspace or logspace", m.entries().keySet()
              .toString());
    }
    String how = m.entries().keySet().iterator().next();
    if (!how.equals("linspace") && !how.equals("logspace")) {
      throw error(path + "." + how, m.keyLines().get(how),
          "unknown grid; write a list of values, {linspace: {from, to, num}} or"
              + " {logspace: {from, to, num}}", quote(how));
    }
    String rpath = path + "." + how;
    YMap r = asMap(m.entries().get(how), rpath);
    checkKeys(r, rpath, RANGE_KEYS);
    for (String k : List.of("from", "to", "num")) {
      if (!r.entries().containsKey(k)) {
        throw error(rpath + "." + k, r.line(), "is required (from, to, num)", null);
      }
    }
    double from = finite(r.entries().get("from"), rpath + ".from");
    double to = finite(r.entries().get("to"), rpath + ".to");
    int num = (int) integer(r.entries().get("num"), rpath + ".num", 1, MAX_AXIS_VALUES,
        "an integer from 1 to " + MAX_AXIS_VALUES);
    boolean log = how.equals("logspace");
    if (log && !(from > 0 && to > 0)) {
      throw error(rpath, r.line(), "logspace needs from > 0 and to > 0 (the end values)",
          "from " + fmt(from) + ", to " + fmt(to));
    }
    double[] vals = new double[num];
    int[] lines = new int[num];
    for (int k = 0; k < num; k++) {
      double f = num == 1 ? 0.0 : (double) k / (num - 1);
      double v = log ? from * Math.pow(to / from, f) : from + (to - from) * f;
      if (k == num - 1) {
        v = to; // exact end value
      }
      v = new BigDecimal(v).round(GRID_DIGITS).doubleValue();
      if (p.type() == Param.ValueType.INTEGER) {
        v = Math.rint(v);
      }
      String why = p.check(v);
      if (why != null) {
        throw error(rpath, r.line(), why + " (grid value " + k + ")", fmt(v));
      }
      vals[k] = v;
      lines[k] = r.line();
    }
    checkDistinct(p, rpath, vals, lines);
    return new ParamAxis(p, true, vals, null, lines);
  }

  private ParamAxis parseVectorAxis(Param p, YamlNode node, String path) {
    final boolean teacher = p == Param.TEACHER;
    if (teacher && node instanceof YScalar s) {
      return new ParamAxis(p, false, null, List.of(new double[] {number(s, path, p)}),
          new int[] {s.line()});
    }
    if (teacher && node instanceof YMap m) {
      // A range of scalar teachers u = c·(1, ..., 1).
      ParamAxis scalars = parseRange(p, m, path);
      List<double[]> vs = new ArrayList<>();
      for (double c : scalars.scalars()) {
        vs.add(new double[] {c});
      }
      return new ParamAxis(p, true, null, vs, scalars.lines());
    }
    final String what = teacher ? "numbers" : "eigenvalues";
    if (!(node instanceof YList list) || list.items().isEmpty()) {
      throw error(path, node.line(), "must be " + (teacher ? "a number, " : "")
          + "a list of " + what + " (one value) or a list of such lists (a grid)",
          node.describe());
    }
    boolean grid = list.items().get(0) instanceof YList;
    List<double[]> vectors = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    if (!grid) {
      vectors.add(vector(list, path, p));
      lines.add(list.line());
    } else {
      for (int k = 0; k < list.items().size(); k++) {
        YamlNode item = list.items().get(k);
        if (!(item instanceof YList inner) || inner.items().isEmpty()) {
          throw error(path + "[" + k + "]", item.line(),
              "in a grid of lists every value must be a non-empty list of " + what,
              item.describe());
        }
        vectors.add(vector(inner, path + "[" + k + "]", p));
        lines.add(inner.line());
      }
      Set<List<Double>> seen = new HashSet<>();
      for (int k = 0; k < vectors.size(); k++) {
        List<Double> key = new ArrayList<>();
        for (double v : vectors.get(k)) {
          key.add(v);
        }
        if (!seen.add(key)) {
          throw error(path + "[" + k + "]", lines.get(k), "a grid must not repeat a value",
              java.util.Arrays.toString(vectors.get(k)));
        }
      }
    }
    return new ParamAxis(p, grid, null, vectors,
        lines.stream().mapToInt(Integer::intValue).toArray());
  }

  private double[] vector(YList list, String path, Param p) {
    if (list.items().size() > Param.MAX_DIM) {
      throw error(path, list.line(), "must be " + p.allowed(),
          list.items().size() + " eigenvalues");
    }
    double[] v = new double[list.items().size()];
    for (int k = 0; k < v.length; k++) {
      YamlNode item = list.items().get(k);
      if (!(item instanceof YScalar s)) {
        throw error(path + "[" + k + "]", item.line(), "must be a number", item.describe());
      }
      v[k] = number(s, path + "[" + k + "]", p);
    }
    return v;
  }

  private void checkDistinct(Param p, String path, double[] vals, int[] lines) {
    Set<Double> seen = new HashSet<>();
    for (int k = 0; k < vals.length; k++) {
      if (!seen.add(vals[k] == 0.0 ? 0.0 : vals[k])) {
        throw error(path, lines[k], "a grid must not repeat a value"
            + (p.type() == Param.ValueType.INTEGER ? " (after rounding to integers)" : ""),
            fmt(vals[k]));
      }
    }
  }

  // ---------------------------------------------------------------- zip / dimensions

  private List<Dimension> parseDimensions(YMap top, Map<Param, ParamAxis> params) {
    Map<Param, Integer> groupOf = new EnumMap<>(Param.class);
    List<List<Param>> groups = new ArrayList<>();
    YamlNode zipNode = top.entries().get("zip");
    if (zipNode != null) {
      if (!(zipNode instanceof YList zl)) {
        throw error("zip", zipNode.line(),
            "must be a list of groups, each a list of parameter names", zipNode.describe());
      }
      for (int g = 0; g < zl.items().size(); g++) {
        String gpath = "zip[" + g + "]";
        YamlNode gn = zl.items().get(g);
        if (!(gn instanceof YList gl) || gl.items().size() < 2) {
          throw error(gpath, gn.line(), "a zip group must list at least two grid parameters",
              gn.describe());
        }
        List<Param> group = new ArrayList<>();
        int size = -1;
        for (int k = 0; k < gl.items().size(); k++) {
          String ipath = gpath + "[" + k + "]";
          YamlNode item = gl.items().get(k);
          if (!(item instanceof YScalar s) || s.type() != ScalarType.STRING) {
            throw error(ipath, item.line(), "must be a parameter name", item.describe());
          }
          Param p = Param.fromYaml(s.text()).orElseThrow(() -> error(ipath, item.line(),
              "unknown parameter; the parameters are " + Param.allNames(), quote(s.text())));
          ParamAxis axis = params.get(p);
          if (axis == null || !axis.grid()) {
            throw error(ipath, item.line(), "only grid parameters (given as a list or a range in"
                + " params) can be zipped", quote(s.text()));
          }
          if (groupOf.containsKey(p)) {
            throw error(ipath, item.line(), "a parameter can be in only one zip group, once",
                quote(s.text()));
          }
          if (size >= 0 && axis.size() != size) {
            throw error(ipath, item.line(), "zipped grids must have the same number of values ("
                + group.get(0).yamlName() + " has " + size + ")",
                s.text() + " has " + axis.size());
          }
          size = axis.size();
          groupOf.put(p, groups.size());
          group.add(p);
        }
        groups.add(group);
      }
    }
    // Dimensions in the order the parameters appear in the file; a zip group sits where its
    // first member appears.
    List<Dimension> dims = new ArrayList<>();
    Set<Integer> placed = new HashSet<>();
    List<Param> order = new ArrayList<>(params.keySet());
    YamlNode pn = top.entries().get("params");
    if (pn instanceof YMap pm) {
      order.clear();
      for (String key : pm.entries().keySet()) {
        order.add(Param.fromYaml(key).orElseThrow());
      }
    }
    for (Param p : order) {
      ParamAxis axis = params.get(p);
      if (!axis.grid()) {
        continue;
      }
      Integer g = groupOf.get(p);
      if (g == null) {
        dims.add(new Dimension(List.of(p), axis.size()));
      } else if (placed.add(g)) {
        dims.add(new Dimension(groups.get(g), axis.size()));
      }
    }
    checkDistinctZipTuples(dims, params);
    return dims;
  }

  /** A zip group's members may repeat values, but not whole tuples (that would repeat cells). */
  private void checkDistinctZipTuples(List<Dimension> dims, Map<Param, ParamAxis> params) {
    for (Dimension d : dims) {
      if (d.params().size() < 2) {
        continue;
      }
      Set<List<Object>> seen = new HashSet<>();
      for (int k = 0; k < d.size(); k++) {
        List<Object> tuple = new ArrayList<>();
        for (Param p : d.params()) {
          ParamAxis a = params.get(p);
          tuple.add(a.scalars() != null ? (Object) a.scalar(k)
              : java.util.Arrays.toString(a.vector(k)));
        }
        if (!seen.add(tuple)) {
          Param first = d.params().get(0);
          throw error("params." + first.yamlName(), params.get(first).line(k),
              "zipped grids must not repeat a combination of values (it would repeat a cell)",
              "position " + k);
        }
      }
    }
  }

  // ---------------------------------------------------------------- lr_matrix, matrices

  private LrMatrix parseLrMatrix(YMap top) {
    YamlNode node = top.entries().get("lr_matrix");
    if (node == null) {
      return LrMatrix.SCALAR;
    }
    if (node instanceof YScalar s && s.type() == ScalarType.STRING) {
      switch (s.text()) {
        case "scalar":
          return LrMatrix.SCALAR;
        case "newton":
          return LrMatrix.NEWTON;
        default:
          break;
      }
    }
    if (node instanceof YList list && !list.items().isEmpty()
        && !(list.items().get(0) instanceof YList)) {
      double[] d = vector(list, "lr_matrix", Param.SPECTRUM);
      return new LrMatrix(LrMatrix.Type.DIAGONAL, d);
    }
    throw error("lr_matrix", node.line(), "must be scalar (Λ = λI), newton (Λ = λA⁻¹) or a list"
        + " of D numbers > 0 (Λ = λ·diag(list))", node.describe());
  }

  private boolean parseMatrices(YMap top) {
    YamlNode node = top.entries().get("matrices");
    if (node == null) {
      return false;
    }
    if (node instanceof YScalar s && s.type() == ScalarType.BOOLEAN) {
      return Boolean.parseBoolean(s.text().strip().toLowerCase(java.util.Locale.ROOT));
    }
    throw error("matrices", node.line(), "must be true or false", node.describe());
  }

  // ---------------------------------------------------------------- cross-field rules

  /** Which kinds accept a parameter beyond the common ones (lr, batch, momentum, dim, ...). */
  private static String onlyFor(Param p) {
    return switch (p) {
      case WEIGHT_DECAY -> "l2";
      case INPUT_NOISE_VAR, INPUT_NOISE_SPECTRUM -> "input_noise";
      case SCALING_K -> "label_noise";
      case WIDTH -> "mlp";
      default -> null;
    };
  }

  private void checkKindRules(Kind kind, Map<Param, ParamAxis> params, Simulate sim,
      LrMatrix lrMatrix, YMap top) {
    YMap pm = (YMap) top.entries().get("params");
    // Parameters that belong to one kind.
    for (Param p : params.keySet()) {
      String owner = onlyFor(p);
      if (owner == null || owner.equals(kind.yamlName())) {
        continue;
      }
      ParamAxis a = params.get(p);
      if (p == Param.WEIGHT_DECAY) {
        for (int k = 0; k < a.size(); k++) {
          if (a.scalar(k) != 0.0) {
            throw error("params.weight_decay", a.line(k), "kind " + kind.yamlName()
                + " has no weight decay: it must be 0 (weight decay is kind l2)",
                fmt(a.scalar(k)));
          }
        }
        continue;
      }
      throw error("params." + p.yamlName(), pm.keyLines().get(p.yamlName()),
          "applies only to kind " + owner, describe(a, 0));
    }
    // Clean labels for input_noise and l2.
    if (kind == Kind.INPUT_NOISE || kind == Kind.L2) {
      ParamAxis s2 = params.get(Param.LABEL_NOISE_VAR);
      for (int k = 0; k < s2.size(); k++) {
        if (s2.scalar(k) != 0.0) {
          throw error("params.label_noise_var", s2.line(k), "kind " + kind.yamlName()
              + " has clean labels (y = uᵀx): label_noise_var must be 0", fmt(s2.scalar(k)));
        }
      }
    }
    if (kind == Kind.INPUT_NOISE && params.containsKey(Param.INPUT_NOISE_VAR)
        == params.containsKey(Param.INPUT_NOISE_SPECTRUM)) {
      throw error("params.input_noise_var", pm.line(), "kind input_noise needs exactly one of"
          + " input_noise_var (B = σ_x²·I) and input_noise_spectrum (B's eigenvalues)",
          params.containsKey(Param.INPUT_NOISE_VAR) ? "both given" : "neither given");
    }
    // Learning-rate matrices.
    if (lrMatrix.type() != LrMatrix.Type.SCALAR && (kind == Kind.HIGH_DIM || kind == Kind.DNM
        || kind == Kind.NGD)) {
      throw error("lr_matrix", top.keyLines().get("lr_matrix"), "kind " + kind.yamlName()
          + (kind == Kind.HIGH_DIM ? " has a scalar learning rate"
              : " sets its own preconditioner") + "; lr_matrix must be scalar",
          lrMatrix.text());
    }
    ParamAxis scaling = params.get(Param.SCALING_K);
    for (int k = 0; scaling != null && k < scaling.size(); k++) {
      ParamAxis batch = params.get(Param.BATCH);
      for (int b = 0; b < batch.size(); b++) {
        final double ks = scaling.scalar(k) * batch.scalar(b);
        if (Math.abs(ks - Math.rint(ks)) > 1e-9 * ks || ks > Param.MAX_INT) {
          throw error("params.scaling_k", scaling.line(k), "scaling_k * batch must be a batch"
              + " size (an integer up to " + Param.MAX_INT + "): the scaled cell runs at batch"
              + " kS", "k = " + fmt(scaling.scalar(k)) + ", batch = " + fmt(batch.scalar(b))
              + " gives " + ks);
        }
      }
    }
    if (params.containsKey(Param.SCALING_K) && lrMatrix.type() != LrMatrix.Type.SCALAR) {
      throw error("params.scaling_k", pm.keyLines().get("scaling_k"), "the λ–S scaling ratio"
          + " is defined for a scalar learning rate; lr_matrix must be scalar", lrMatrix.text());
    }
    // high_dim: isotropic A, N = αD from alpha.
    if (kind == Kind.HIGH_DIM) {
      if (!params.containsKey(Param.ALPHA)) {
        throw error("params.alpha", pm.line(), "kind high_dim needs alpha = N/D (the data set"
            + " size is n = round(alpha * dim))", params.containsKey(Param.N) ? "n given" : null);
      }
      ParamAxis spectrum = params.get(Param.SPECTRUM);
      for (int k = 0; spectrum != null && k < spectrum.size(); k++) {
        double[] v = spectrum.vector(k);
        for (double x : v) {
          if (x != v[0]) {
            throw error("params.spectrum", spectrum.line(k), "kind high_dim needs an isotropic"
                + " feature covariance A = a·I (all eigenvalues equal)",
                java.util.Arrays.toString(v));
          }
        }
      }
      ParamAxis rot = params.get(Param.ROTATION);
      for (int k = 0; k < rot.size(); k++) {
        if (rot.scalar(k) != 0) {
          throw error("params.rotation", rot.line(k), "kind high_dim has an isotropic A, which"
              + " a rotation does not change: it must be 0", fmt(rot.scalar(k)));
        }
      }
    }
    // Data set size: dataset mode (and high_dim, whose theory is about a finite data set).
    boolean dataset = sim.mode() == Mode.DATASET;
    for (Param p : new Param[] {Param.N, Param.ALPHA}) {
      ParamAxis a = params.get(p);
      boolean allowed = dataset || (kind == Kind.HIGH_DIM && p == Param.ALPHA);
      if (a != null && !allowed) {
        throw error("params." + p.yamlName(), a.line(0), kind == Kind.HIGH_DIM
            ? "kind high_dim takes alpha, not n (n = round(alpha * dim))"
            : "the data set size applies only to simulate.mode: dataset (streaming and theory"
                + " are the N -> infinity limit)", fmt(a.scalar(0)));
      }
    }
    if (dataset && !params.containsKey(Param.N) && !params.containsKey(Param.ALPHA)) {
      throw error("params.n", top.entries().get("params").line(),
          "simulate.mode: dataset needs the data set size: give n, or alpha (n = alpha * dim)",
          null);
    }
    // What the simulator runs: every kind, in A's eigenbasis (so nothing may break it).
    if (sim.enabled()) {
      YamlNode mode = ((YMap) top.entries().get("simulate")).entries().get("mode");
      if (kind == Kind.HIGH_DIM && sim.mode() != Mode.DATASET) {
        throw error("simulate.mode", mode.line(), "kind high_dim is about a finite data set of"
            + " n = alpha * dim rows: use mode: dataset (or none)", sim.mode().yamlName());
      }
      if (kind == Kind.NGD && sim.mode() == Mode.DATASET) {
        throw error("simulate.mode", mode.line(), "kind ngd is preconditioned by the"
            + " population noise covariance: use mode: streaming (or none)",
            sim.mode().yamlName());
      }
      ParamAxis rot = params.get(Param.ROTATION);
      boolean rotated = false;
      for (int k = 0; k < rot.size(); k++) {
        rotated |= rot.scalar(k) != 0;
      }
      if (rotated && lrMatrix.type() == LrMatrix.Type.DIAGONAL) {
        throw error("params.rotation", rot.line(0), "a diagonal lr_matrix on the coordinate axes"
            + " does not commute with a rotated A, which the simulator needs; rotation must be 0"
            + " unless simulate.mode is none", fmt(rot.scalar(0)));
      }
      if (rotated && params.containsKey(Param.INPUT_NOISE_SPECTRUM)) {
        throw error("params.rotation", rot.line(0), "an input_noise_spectrum on the coordinate"
            + " axes does not commute with a rotated A, which the simulator needs; rotation must"
            + " be 0 unless simulate.mode is none (input_noise_var is fine)",
            fmt(rot.scalar(0)));
      }
    }
  }

  /**
   * Vectors that must have D entries: the teacher (or one number), the input-noise spectrum,
   * the diagonal learning-rate matrix; and D ≤ {@link #MAX_MATRICES_DIM} with matrices: true.
   * Every combination of their values with every D is checked (the lists are short).
   */
  private void checkShapes(Map<Param, ParamAxis> params, LrMatrix lrMatrix, boolean matrices,
      YMap top) {
    List<Integer> dims = new ArrayList<>();
    ParamAxis spectrum = params.get(Param.SPECTRUM);
    ParamAxis dimAxis = params.get(Param.DIM);
    int maxDim = 0;
    for (int k = 0; k < (spectrum != null ? spectrum.size() : dimAxis.size()); k++) {
      int d = spectrum != null ? spectrum.vector(k).length : (int) dimAxis.scalar(k);
      dims.add(d);
      maxDim = Math.max(maxDim, d);
    }
    String dimText = spectrum != null ? "the spectrum's length" : "dim";
    for (Param p : new Param[] {Param.TEACHER, Param.INPUT_NOISE_SPECTRUM}) {
      ParamAxis a = params.get(p);
      for (int k = 0; a != null && k < a.size(); k++) {
        int len = a.vector(k).length;
        boolean broadcast = p == Param.TEACHER && len == 1;
        for (int d : dims) {
          if (!broadcast && len != d) {
            throw error("params." + p.yamlName(), a.line(k), "must have D entries, D = "
                + dimText + " = " + d + (p == Param.TEACHER ? " (or be one number)" : ""),
                len + " entries");
          }
        }
      }
    }
    if (lrMatrix.type() == LrMatrix.Type.DIAGONAL) {
      for (int d : dims) {
        if (lrMatrix.diagonal().length != d) {
          throw error("lr_matrix", top.keyLines().get("lr_matrix"), "a diagonal learning-rate"
              + " matrix must have D entries, D = " + dimText + " = " + d,
              lrMatrix.diagonal().length + " entries");
        }
      }
    }
    if (matrices && maxDim > MAX_MATRICES_DIM) {
      throw error("matrices", top.keyLines().get("matrices"), "writes D² values per matrix and"
          + " cell; it is allowed up to D = " + MAX_MATRICES_DIM, "D = " + maxDim);
    }
  }

  private static String describe(ParamAxis a, int k) {
    return a.scalars() != null ? fmt(a.scalar(k)) : java.util.Arrays.toString(a.vector(k));
  }

  /**
   * Every cell must have n >= 1 and, without replacement, batch <= n. Both rules are monotone
   * in each parameter (n grows with alpha and dim), so a dimension that carries only one of the
   * parameters involved is checked at its extreme value; dimensions that carry several (zip
   * groups) are enumerated. Exact, and cheap for any grid.
   */
  private void checkBatchFitsData(Map<Param, ParamAxis> params, Simulate sim,
      List<Dimension> dims) {
    if (sim.mode() != Mode.DATASET) {
      return;
    }
    List<Param> involved = List.of(Param.BATCH, Param.N, Param.ALPHA, Param.DIM, Param.SPECTRUM);
    // For each involved parameter: which dimension carries it (-1 = fixed).
    Map<Param, Integer> dimOf = new EnumMap<>(Param.class);
    for (int d = 0; d < dims.size(); d++) {
      for (Param p : dims.get(d).params()) {
        dimOf.put(p, d);
      }
    }
    // Positions to try per dimension.
    Map<Integer, int[]> tries = new LinkedHashMap<>();
    for (int d = 0; d < dims.size(); d++) {
      List<Param> carried = new ArrayList<>();
      for (Param p : dims.get(d).params()) {
        if (involved.contains(p)) {
          carried.add(p);
        }
      }
      if (carried.isEmpty()) {
        continue;
      }
      if (carried.size() == 1) {
        ParamAxis a = params.get(carried.get(0));
        boolean wantMax = carried.get(0) == Param.BATCH;
        int best = 0;
        for (int k = 1; k < a.size(); k++) {
          double v = extremeKey(a, k);
          double b = extremeKey(a, best);
          if (wantMax ? v > b : v < b) {
            best = k;
          }
        }
        tries.put(d, new int[] {best});
      } else {
        tries.put(d, java.util.stream.IntStream.range(0, dims.get(d).size()).toArray());
      }
    }
    List<Integer> ds = new ArrayList<>(tries.keySet());
    int[] odo = new int[ds.size()];
    while (true) {
      Map<Integer, Integer> pos = new java.util.HashMap<>();
      for (int i = 0; i < ds.size(); i++) {
        pos.put(ds.get(i), tries.get(ds.get(i))[odo[i]]);
      }
      checkOne(params, sim, dimOf, pos);
      int i = ds.size() - 1;
      while (i >= 0 && ++odo[i] == tries.get(ds.get(i)).length) {
        odo[i] = 0;
        i--;
      }
      if (i < 0) {
        break;
      }
    }
  }

  private static double extremeKey(ParamAxis a, int k) {
    return a.scalars() != null ? a.scalar(k) : a.vector(k).length;
  }

  private void checkOne(Map<Param, ParamAxis> params, Simulate sim, Map<Param, Integer> dimOf,
      Map<Integer, Integer> pos) {
    java.util.function.ToIntFunction<Param> at = p -> {
      Integer d = dimOf.get(p);
      return d == null ? 0 : pos.get(d);
    };
    ParamAxis batchAxis = params.get(Param.BATCH);
    int kb = at.applyAsInt(Param.BATCH);
    long batch = (long) batchAxis.scalar(kb);
    long n;
    String nText;
    int nLine;
    if (params.containsKey(Param.N)) {
      ParamAxis a = params.get(Param.N);
      int k = at.applyAsInt(Param.N);
      n = (long) a.scalar(k);
      nText = "n = " + n;
      nLine = a.line(k);
    } else {
      ParamAxis a = params.get(Param.ALPHA);
      int k = at.applyAsInt(Param.ALPHA);
      int dim;
      if (params.containsKey(Param.SPECTRUM)) {
        dim = params.get(Param.SPECTRUM).vector(at.applyAsInt(Param.SPECTRUM)).length;
      } else {
        dim = (int) params.get(Param.DIM).scalar(at.applyAsInt(Param.DIM));
      }
      n = Math.round(a.scalar(k) * dim);
      nText = "n = round(alpha * dim) = round(" + fmt(a.scalar(k)) + " * " + dim + ") = " + n;
      nLine = a.line(k);
      if (n < 1 || n > Param.MAX_INT) {
        throw error("params.alpha", nLine, "alpha * dim must give a data set size from 1 to "
            + Param.MAX_INT, nText);
      }
    }
    if (sim.sampling() == Sampling.WITHOUT_REPLACEMENT && batch > n) {
      throw error("params.batch", batchAxis.line(kb), "sampling without_replacement needs batch"
          + " <= the data set size (" + nText + ")", Long.toString(batch));
    }
  }

  // ---------------------------------------------------------------- typed scalars

  private double number(YScalar s, String path, Param p) {
    double v = numeric(s, path, "must be " + p.allowed());
    if (p.type() == Param.ValueType.INTEGER && v != Math.rint(v)) {
      throw error(path, s.line(), "must be " + p.allowed(), s.text());
    }
    String why = p.check(v);
    if (why != null) {
      throw error(path, s.line(), why, s.text());
    }
    return v;
  }

  private double finite(YamlNode node, String path) {
    if (!(node instanceof YScalar s)) {
      throw error(path, node.line(), "must be a number", node.describe());
    }
    double v = numeric(s, path, "must be a number");
    if (!Double.isFinite(v)) {
      throw error(path, s.line(), "must be a finite number", s.text());
    }
    return v;
  }

  private double numeric(YScalar s, String path, String allowed) {
    switch (s.type()) {
      case INTEGER:
      case REAL:
        return s.number();
      case STRING:
        // YAML 1.1 reads 1e-3 (no dot) as text; accept plain numeric text as a number.
        String t = s.text().strip();
        if (t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
          return Double.parseDouble(t);
        }
        throw error(path, s.line(), allowed, s.describe());
      default:
        throw error(path, s.line(), allowed, s.describe());
    }
  }

  private long integer(YamlNode node, String path, long min, long max, String allowed) {
    if (!(node instanceof YScalar s) || s.type() != ScalarType.INTEGER) {
      throw error(path, node.line(), "must be " + allowed, node.describe());
    }
    double raw = s.number();
    long v;
    try {
      v = Long.parseLong(s.text().strip().replace("_", "").replaceFirst("^\\+", ""));
    } catch (NumberFormatException e) {
      v = (long) raw;
    }
    if (v < min || v > max) {
      throw error(path, s.line(), "must be " + allowed, s.text());
    }
    return v;
  }

  private String requiredString(YMap m, String key) {
    return requiredString(m, "", key);
  }

  private String requiredString(YMap m, String parent, String key) {
    String path = parent.isEmpty() ? key : parent + "." + key;
    YamlNode node = m.entries().get(key);
    if (node == null) {
      throw error(path, m.line(), "is required", null);
    }
    if (!(node instanceof YScalar s) || s.type() != ScalarType.STRING) {
      throw error(path, node.line(), "must be text", node.describe());
    }
    return s.text();
  }

  /**
   * The value of {@code key} in {@code m} among {@code values} by their sweep-file names, or
   * {@code absent} when the key is not there; anything else is an error listing the names.
   */
  private <E> E choice(YMap m, String parent, String key, E[] values,
      java.util.function.Function<E, String> name, E absent) {
    if (!m.entries().containsKey(key)) {
      return absent;
    }
    String given = requiredString(m, parent, key);
    for (E v : values) {
      if (name.apply(v).equals(given)) {
        return v;
      }
    }
    throw error(parent + "." + key, m.keyLines().get(key), "must be one of " + String.join(", ",
        java.util.Arrays.stream(values).map(name).toList()), quote(given));
  }

  private YMap asMap(YamlNode node, String path) {
    if (!(node instanceof YMap m)) {
      throw error(path, node.line(), "must be a map of keys", node.describe());
    }
    return m;
  }

  private void checkKeys(YMap m, String parent, Set<String> allowed) {
    for (String key : m.entries().keySet()) {
      if (!allowed.contains(key)) {
        String path = parent.isEmpty() ? key : parent + "." + key;
        throw error(path, m.keyLines().get(key), "unknown key; allowed here: "
            + String.join(", ", new java.util.TreeSet<>(allowed)), quote(key));
      }
    }
  }

  private SpecException error(String path, Integer line, String reason, String value) {
    return new SpecException(source, path, line == null ? 0 : line, reason, value);
  }

  private static String quote(String s) {
    return "'" + s + "'";
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
