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
      Set.of("name", "kind", "seed", "params", "zip", "simulate");
  private static final Set<String> SIMULATE_KEYS =
      Set.of("mode", "sampling", "steps", "burn_in", "replicates");
  private static final Set<String> RANGE_KEYS = Set.of("from", "to", "num");

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

    Simulate simulate = parseSimulate(top);
    Map<Param, ParamAxis> params = parseParams(top);
    List<Dimension> dimensions = parseDimensions(top, params);
    checkKindRules(kind, params, simulate, top);
    checkBatchFitsData(params, simulate, dimensions);

    long cells = 1;
    for (Dimension d : dimensions) {
      try {
        cells = Math.multiplyExact(cells, d.size());
      } catch (ArithmeticException e) {
        throw error("params", top.keyLines().getOrDefault("params", 0),
            "the grid has more cells than fit in a 64-bit count", "product of " + dimensions);
      }
    }
    return new SweepSpec(name, kind, seed, params, dimensions, simulate, source, text);
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
    Sampling sampling = Sampling.WITH_REPLACEMENT;
    if (m.entries().containsKey("sampling")) {
      String s = requiredString(m, "simulate", "sampling");
      sampling = switch (s) {
        case "with_replacement" -> Sampling.WITH_REPLACEMENT;
        case "without_replacement" -> Sampling.WITHOUT_REPLACEMENT;
        default -> throw error("simulate.sampling", m.keyLines().get("sampling"),
            "must be one of with_replacement, without_replacement", quote(s));
      };
      if (mode != Mode.DATASET) {
        throw error("simulate.sampling", m.keyLines().get("sampling"),
            "applies only to mode: dataset (streaming draws fresh samples every step)",
            quote(s));
      }
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
    return new Simulate(mode, sampling, steps, burnIn, replicates);
  }

  // ---------------------------------------------------------------- params

  private Map<Param, ParamAxis> parseParams(YMap top) {
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
    out.putIfAbsent(Param.LABEL_NOISE_VAR, ParamAxis.defaultValue(Param.LABEL_NOISE_VAR, 1.0));
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
    if (!(node instanceof YList list) || list.items().isEmpty()) {
      throw error(path, node.line(),
          "must be a list of eigenvalues (one value) or a list of such lists (a grid)",
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
              "in a grid of spectra every value must be a non-empty list of eigenvalues",
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

  // ---------------------------------------------------------------- cross-field rules

  private void checkKindRules(Kind kind, Map<Param, ParamAxis> params, Simulate sim, YMap top) {
    // label_noise (the only kind so far): no weight decay, n/alpha only for a data set.
    ParamAxis wd = params.get(Param.WEIGHT_DECAY);
    for (int k = 0; k < wd.size(); k++) {
      if (wd.scalar(k) != 0.0) {
        throw error("params.weight_decay", wd.line(k), "kind " + kind.yamlName()
            + " has no weight decay: it must be 0 (weight decay is kind l2, not supported yet)",
            fmt(wd.scalar(k)));
      }
    }
    boolean dataset = sim.mode() == Mode.DATASET;
    for (Param p : new Param[] {Param.N, Param.ALPHA}) {
      ParamAxis a = params.get(p);
      if (a != null && !dataset) {
        throw error("params." + p.yamlName(), a.line(0), "the data set size applies only to"
            + " simulate.mode: dataset (streaming and theory are the N -> infinity limit)",
            fmt(a.scalar(0)));
      }
    }
    if (dataset && !params.containsKey(Param.N) && !params.containsKey(Param.ALPHA)) {
      throw error("params.n", top.entries().get("params").line(),
          "simulate.mode: dataset needs the data set size: give n, or alpha (n = alpha * dim)",
          null);
    }
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
