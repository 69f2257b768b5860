package org.sgdnoise.core.sim;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AhrensDieterMarsagliaTsangGammaSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.plan.Seeds;
import org.sgdnoise.core.spec.Simulate;
import org.sgdnoise.core.theory.FiniteDataTheory;

/**
 * Seeded minibatch SGD with heavy-ball momentum (Definitions 2 and 3 of the paper) on the
 * {@link Problem} of a cell, any kind:
 *
 * <pre>
 *   g_t = (1/S) Σ_{j∈B_t} x̃_j (x̃_jᵀw_{t−1} − y_j) + γ w_{t−1},
 *   m_t = μ m_{t−1} + g_t,   w_t = w_{t−1} − Λ m_t,
 * </pre>
 *
 * started at w₀ = w* (the population minimiser in streaming mode, the data set's in dataset
 * mode), m₀ = 0.
 *
 * <h2>Sampling</h2>
 *
 * <ul>
 *   <li>{@code streaming}, {@code direct}: S fresh samples (x, η, ε) every step.
 *   <li>{@code streaming}, {@code exact}: with z = (x̃, y) ~ N(0, Φ), Φ = LLᵀ, the step needs
 *       only Ŝv, Ŝ = (1/S)Σ zⱼzⱼᵀ, v = (w, −1). Write zⱼ = Lgⱼ with G (S×m) standard normal
 *       and c = Lᵀv; then Ŝv = (1/S) L GᵀG c. With ĉ = c/‖c‖, ξ = Gĉ ~ N(0, I_S) is
 *       independent of GP⊥ (P⊥ = I − ĉĉᵀ), and GᵀGc = ‖c‖(ĉ‖ξ‖² + P⊥Gᵀξ) where, given ξ,
 *       P⊥Gᵀξ ~ ‖ξ‖·P⊥n with n ~ N(0, I_m). So Ŝv has exactly the law of
 *       (‖c‖/S)·L(qĉ + √q·P⊥n) with q ~ χ²_S: one χ² and m normals per step whatever S (in 1-d,
 *       m = 2 and P⊥n is one normal along ĉ⊥), and the minibatch loss is ½vᵀŜv = ½q‖c‖²/S.
 *       This is the law of the minibatch gradient itself, not an approximation: a chain driven
 *       by it has the law of direct sampling. It needs no S ≥ m (unlike drawing the whole
 *       Wishart matrix by the Bartlett decomposition, which also costs m(m+1)/2 numbers).
 *   <li>{@code dataset}: one data set of n rows per replicate ({@link #dataset}), minibatches
 *       of S rows drawn with replacement (S i.i.d. indices, Lemire's bounded integers from
 *       32-bit halves of one 64-bit draw) or without (a partial Fisher–Yates shuffle).
 * </ul>
 *
 * <h2>Measurements</h2>
 *
 * After burn-in every step contributes to batch-means estimates ({@link #BATCHES} batches) of
 * Tr Σ (around the run's own mean), L_train (the minibatch objective at w_{t−1}, regulariser
 * included: an unbiased estimate of the training objective there), L_test = ½(w−u)ᵀA(w−u) and
 * Tr C = E‖g_t − ∇L(w_{t−1})‖² (the minibatch-noise covariance; in dataset mode measured every
 * {@code ⌈2D/S⌉}-th step, which costs O(D²)). Also: the full Σ and its largest eigenvalue for
 * D ≤ {@link #MATRIX_DIM} (or when the cell writes matrices), the integrated autocorrelation
 * time of ‖w − w̄‖² from the batch means, and the Hill tail index of ‖w − w*‖ (|w − w*| in 1-d)
 * on {@link #TAIL_GROUPS} disjoint stretches of the run. Memory does not grow with the run.
 *
 * <p>A run stops as diverged when ‖w − w*‖² is non-finite or exceeds {@link #RUNAWAY_FACTOR}
 * times the problem's scale. Between λ_c and the pathwise threshold SGD has a stationary law
 * with infinite variance: such runs do not blow up, and their tail index is below 2.
 *
 * <p>Speed (docs/performance.md, "Simulator"): the run is cut into segments within which the
 * batch of the batch means and the tail group are fixed, so each segment sums its measurements
 * in locals; D = 1 keeps w and m in locals and writes the gradient as hs·w − bs, whose
 * coefficients do not depend on w (the next step's sampling overlaps this step's update);
 * dataset mode keeps (x̃, y) rows together for D ≤ {@link #INTERLEAVE_DIM}, unrolls D = 2 and
 * takes larger rows four at a time; streaming D = 1, S = 1 with direct sampling (no input noise)
 * has its own loop whose normals come from an inline generator and {@link Ziggurat}.
 *
 * <p>Random numbers: XoShiRo256++ (Commons RNG) seeded from the replicate seed by SplitMix64,
 * Ziggurat normals, Marsaglia–Tsang χ²; the data set comes from a second generator with a
 * derived seed. The normals of the direct S = 1 loop and the 1-d minibatch rows drawn with
 * replacement come from a third stream, XoRoShiRo128++ (Blackman and Vigna; Commons RNG's
 * XO_RO_SHI_RO_128_PP) written out in the loops so that its two words of state live in registers
 * (a call in such a loop, or four words of state, made C2 keep the state and the loop's bounds
 * on the stack, and its speed varied by 40 % from JVM to JVM). The inner loops allocate
 * nothing. Same cell and replicate → the same bits.
 */
public final class Simulator {

  /** Number of batches for batch means (fewer when there are fewer measured steps). */
  public static final int BATCHES = 32;
  /** Disjoint stretches of the run, each with its own Hill estimator. */
  public static final int TAIL_GROUPS = 8;
  /**
   * ‖w − w*‖² above this times the problem's scale counts as a runaway iterate. Far beyond any
   * stationary law with a measurable tail (at index β the chance per step is about 10^(−50β)),
   * yet its square stays finite, so the sums behind the estimates do not overflow.
   */
  public static final double RUNAWAY_FACTOR = 1e100;
  /** Largest D for which Σ is accumulated as a full matrix (unless the cell writes matrices). */
  public static final int MATRIX_DIM = 16;
  /** Largest D for which dataset mode keeps a copy of the rows with their labels, (x̃, y). */
  static final int INTERLEAVE_DIM = 7;
  /** Tail candidates buffered per call of the Hill estimator. */
  private static final int TAIL_BUFFER = 256;
  /** Most steps per block of {@code advanceDirect1} (the tail buffer has room for them). */
  private static final int BLOCK = 256;

  /** Mixed into the replicate seed for the data-set generator. */
  private static final long DATA_STREAM = 0x5EED_DA7A_5E7L;
  /** Mixed into the replicate seed for the inline XoRoShiRo128++ ({@code Chain.inlineState}). */
  private static final long INLINE_STREAM = 0x5EED_0A0B_3A1L;

  private Simulator() {}

  /**
   * The inline XoRoShiRo128++'s state for a replicate seed ({@code Chain.inlineState}): two
   * SplitMix64 outputs of the seed mixed with {@link #INLINE_STREAM}, not both zero.
   */
  static long[] inlineSeed(long seed) {
    final long[] state = Seeds.expand(Seeds.mix(seed ^ INLINE_STREAM), 2);
    if ((state[0] | state[1]) == 0) {
      state[1] = INLINE_STREAM;
    }
    return state;
  }

  /**
   * A data set: {@code rows} rows of {@code dim} features (what the learner sees, x̃), row-major,
   * and one label per row, in the problem's coordinates (A's eigenbasis). The features are
   * single-precision values (see {@link #dataset}); all arithmetic on them is in double.
   *
   * @param xs the features, row-major. Owned by the caller.
   * @param ys the labels. Owned by the caller.
   * @param rows N
   * @param dim D
   */
  public record Dataset(float[] xs, double[] ys, int rows, int dim) {
    /** The features widened to double (exactly), a new array. */
    public double[] widened() {
      final double[] out = new double[xs.length];
      for (int k = 0; k < xs.length; k++) {
        out[k] = xs[k];
      }
      return out;
    }
  }

  /**
   * Heap bytes one replicate allocates (the data set dominates in dataset mode: n rows of D
   * single-precision features and a double label, the features widened to double while the fit
   * is made, a copy of the rows with the labels interleaved for D ≤ {@link #INTERLEAVE_DIM},
   * plus the index permutation without replacement). An estimate for the
   * front door; it saturates at Long.MAX_VALUE.
   */
  public static long memoryBytes(int dim, long n, Simulate sim) {
    long vectors = 8L * (8 + 2 * BATCHES) * dim + 8L * TAIL_GROUPS * HillTail.MAX_K + 4096
        + (dim <= MATRIX_DIM ? 8L * dim * dim : 0);
    if (sim.mode() != Simulate.Mode.DATASET) {
      return vectors;
    }
    try {
      final long features = Math.multiplyExact(n, (long) dim);
      long rows = Math.addExact(Math.multiplyExact(features, 12L), Math.multiplyExact(n, 8L));
      long perm = sim.sampling() == Simulate.Sampling.WITHOUT_REPLACEMENT ? 4L * n : 0;
      if (dim <= INTERLEAVE_DIM) {
        rows = Math.addExact(rows, Math.multiplyExact(Math.multiplyExact(n, dim + 1L), 8L));
      }
      long fit = Math.multiplyExact(8L * dim, dim);
      return Math.addExact(Math.addExact(Math.addExact(rows, perm), fit), vectors);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * The data set of replicate {@code r} in dataset mode: rows x̃ₖ = xₖ + ηₖ and labels
   * yₖ = uᵀxₖ + εₖ of the cell's {@link Problem}, from their own stream (the replicate seed
   * mixed with a constant), so the exact finite-data theory can rebuild exactly the rows the
   * chain saw.
   */
  public static Dataset dataset(Cell cell, Problem pr, int r) {
    final int dim = pr.dim;
    final int n = cell.n();
    if (!(n > 0)) {
      throw new IllegalArgumentException("Cannot make a data set: the cell has no data set size: "
          + n);
    }
    final float[] xs = new float[Math.multiplyExact(n, dim)];
    final double[] ys = new double[n];
    UniformRandomProvider drng = RandomSource.XO_SHI_RO_256_PP.create(
        Seeds.expand(Seeds.mix(cell.replicateSeed(r) ^ DATA_STREAM), 4));
    ZigguratSampler.NormalizedGaussian dg = ZigguratSampler.NormalizedGaussian.of(drng);
    for (int row = 0; row < n; row++) {
      ys[row] = drawRow(pr, dg, xs, row * dim);
    }
    return new Dataset(xs, ys, n, dim);
  }

  /**
   * Draws one sample of the model: x̃ into {@code x} at {@code off}; returns y. The inputs x and
   * x̃ are rounded to single precision (a relative change below 6·10⁻⁸, far below any
   * statistical error): the chain gathers rows of half the bytes. The label is computed from
   * the rounded x, and the fit and the finite-data theory use exactly these rows, so the exact
   * theory stays exact for the data set the chain sees.
   */
  private static double drawRow(Problem pr, ZigguratSampler.NormalizedGaussian g, float[] x,
      int off) {
    final int dim = pr.dim;
    final double[] sqrtA = pr.sqrtA;
    final double[] sqrtB = pr.sqrtB;
    final double[] u = pr.u;
    double y = 0;
    for (int i = 0; i < dim; i++) {
      final float xi = (float) (sqrtA[i] * g.sample());
      if (!pr.noTeacher) {
        y += u[i] * xi;
      }
      x[off + i] = sqrtB == null ? xi : (float) (xi + sqrtB[i] * g.sample());
    }
    if (pr.sigma > 0) {
      y += pr.sigma * g.sample();
    }
    return y;
  }

  /**
   * The data set's own minimiser and moments, for the chain's start and the noise measurement
   * (Λ decides the minimiser only along flat directions of Ĥ, as in {@link FiniteDataTheory}).
   */
  public static FiniteDataTheory.Fit fit(Problem pr, Dataset d) {
    return FiniteDataTheory.fit(d.widened(), d.ys(), d.rows(), d.dim(), pr.gamma,
        CommonOps_DDRM.diag(pr.p), pr.wStar);
  }

  /** Runs replicate {@code r} of {@code cell} (in dataset mode on {@link #dataset}). */
  public static ReplicateResult run(Cell cell, int r) {
    return run(cell, r, RowKernel.best());
  }

  /** {@link #run(Cell, int)} with the given row kernel (tests: SIMD and scalar, same bits). */
  static ReplicateResult run(Cell cell, int r, RowKernel kernel) {
    Problem pr = Problem.of(cell);
    if (cell.simulate().mode() != Simulate.Mode.DATASET) {
      return run(cell, pr, r, null, null, kernel);
    }
    Dataset d = dataset(cell, pr, r);
    return run(cell, pr, r, d, fit(pr, d), kernel);
  }

  /**
   * Runs replicate {@code r} of {@code cell} on {@code data} with its {@code fit}, which must be
   * {@link #dataset} and {@link #fit} in dataset mode (callers that also need them make them
   * once; a {@code null} fit means the data set has no minimiser, so the chain diverges) and
   * {@code null} otherwise. Not modified.
   */
  public static ReplicateResult run(Cell cell, Problem pr, int r, Dataset data,
      FiniteDataTheory.Fit fit) {
    return run(cell, pr, r, data, fit, RowKernel.best());
  }

  private static ReplicateResult run(Cell cell, Problem pr, int r, Dataset data,
      FiniteDataTheory.Fit fit, RowKernel kernel) {
    final Simulate sim = cell.simulate();
    if (!sim.enabled()) {
      throw new IllegalArgumentException("Cannot simulate: the cell's simulate.mode is none");
    }
    final boolean dataset = sim.mode() == Simulate.Mode.DATASET;
    if (dataset != (data != null)) {
      throw new IllegalArgumentException("Cannot simulate: a data set is given exactly in dataset"
          + " mode: " + sim.mode().yamlName());
    }
    return new Chain(cell, pr, r, data, fit, kernel).run();
  }

  /**
   * {@code count} independent minibatches drawn at a fixed w by the cell's sampler (the code
   * path the chain uses), for tests of the samplers' laws: row k holds the minibatch gradient
   * (1/S)Σⱼx̃ⱼ(x̃ⱼᵀw − yⱼ) (ridge excluded) in its first D entries and the minibatch data loss
   * (1/2S)Σⱼ(x̃ⱼᵀw − yⱼ)² last, in the problem's coordinates (A's eigenbasis). The stream is
   * that of replicate {@code r}.
   */
  static double[][] minibatches(Cell cell, int r, double[] w, int count) {
    Problem pr = Problem.of(cell);
    Dataset d = cell.simulate().mode() == Simulate.Mode.DATASET ? dataset(cell, pr, r) : null;
    Chain chain = new Chain(cell, pr, r, d, d == null ? null : fit(pr, d), RowKernel.best());
    double[][] out = new double[count][pr.dim + 1];
    for (int k = 0; k < count; k++) {
      System.arraycopy(w, 0, chain.w, 0, pr.dim);
      final double loss = chain.sampleBatch();
      for (int i = 0; i < pr.dim; i++) {
        out[k][i] = chain.grad[i] * chain.invS;
      }
      out[k][pr.dim] = 0.5 * loss * chain.invS;
    }
    return out;
  }

  /** One replicate's state, buffers and accumulators. */
  private static final class Chain {
    private final long t0 = System.nanoTime();
    private final Problem pr;
    private final int replicate;
    private final long seed;
    private final int dim;
    private final int batch;
    private final double invS;
    private final UniformRandomProvider rng;
    private final ZigguratSampler.NormalizedGaussian gauss;
    private final BoundedInts ints;
    private final ContinuousSampler chi2;
    private final boolean exact;
    /**
     * Streaming, D = 1, S = 1, direct sampling, no input noise: the step loop {@link
     * #advanceDirect1}.
     */
    private final boolean direct1;
    /**
     * The two words of state of the XoRoShiRo128++ stream that {@link #advanceDirect1} and, in
     * dataset mode with D = 1, {@link #datasetScalarDrawn} keep in locals while they run (no
     * loads and stores of generator state, no store-to-load forwarding on its dependency chain),
     * or null; the rare slow paths (the ziggurat's wedges and tail, Lemire's rejections) use
     * {@link #rng}.
     */
    private final long[] inlineState;
    /**
     * {@link #advanceDirect1}: a block's normals, the bits and positions of those the
     * ziggurat's slow path finishes (null unless {@link #direct1}); the sums over a segment (Σd,
     * Σd², Σd⁴, Σ loss, Σ noise); the tail candidates waiting in the tail buffer, and the tail
     * threshold.
     */
    private final double[] blockNormals;
    private final long[] blockSlowBits;
    private final int[] blockSlowAt;
    private final double[] blockSums = new double[5];
    private int tailPending;
    private double tailThreshold;
    // Data set (dataset mode).
    private final Dataset data;
    private final int rows;
    /**
     * Rows with their labels, (x̃, y) per row for 2 ≤ D ≤ {@link #INTERLEAVE_DIM}, (x̃, z) for
     * D = 1 (see {@link #rowCentre}), else null.
     */
    private final double[] rowsXy;
    /**
     * D = 1 in dataset mode: c = w*, the rows are stored as (x̃, z = y − c·x̃), and a minibatch's
     * sums are Σx̃², Σx̃z and Σz²: then Σx̃y = Σx̃z + cΣx̃² and the data loss Σ(x̃w − y)² =
     * Σz² − 2dΣx̃z + d²Σx̃² with d = w − c, six floating-point operations per row instead of eight
     * (the residual and its square at every row), and no cancellation near w* (Σz² dominates).
     */
    private final double rowCentre;
    private final RowKernel kernel;
    private final int[] perm;
    /** This step's row indices. */
    private final int[] picks;
    /** Lemire's rejection thresholds 2³² mod n and 2²¹ mod n for n rows (with replacement). */
    private final long pickThreshold;
    private final long pickThreshold21;
    private final DMatrixRMaj hHat;
    private final double[] bHat;
    private final boolean noStationaryPoint;
    // State.
    private final double[] w;
    private final double[] m;
    private final double[] grad;
    private final double[] x;
    private final double[] work;
    /**
     * Values above the tail threshold not yet offered to the segment's Hill estimator: offered
     * {@link #TAIL_BUFFER} at a time (the same heap: a value at or below the current threshold
     * changes nothing), so the step loop makes no call while the estimator's heap fills; {@link
     * #advanceDirect1} offers them between blocks, once more than {@link #TAIL_BUFFER} wait.
     */
    private final double[] tailBuffer = new double[TAIL_BUFFER + BLOCK];
    /** Four dot products ({@link #dot4}). */
    private final double[] dots = new double[4];
    private final double[] wStar;
    private final double[] center;
    /**
     * D = 1: the minibatch's Σⱼ x̃ⱼ² and Σⱼ x̃ⱼyⱼ (the gradient sum is hSum·w − bSum, linear in
     * w), left by {@link #scalarBatch}.
     */
    private double hSum;
    private double bSum;
    /** D = 1: the full gradient (ridge excluded) is fullSlope·w − fullIntercept. */
    private final double fullSlope;
    private final double fullIntercept;
    // Measurement.
    private final long steps;
    private final long burnIn;
    private final long measured;
    private final int nb;
    private final double[][] sumD;
    private final double[] sumD2;
    private final double[] sumTrain;
    private final double[] sumTest;
    private final double[] sumNoise;
    private final long[] countNoise;
    private final long[] count;
    private double sumC2Squared;
    /** Σ d dᵀ per batch (upper triangle, row-major), or {@code null} when D is too large. */
    private final double[][] outer;
    private final int noiseStride;
    /** Measured steps left until the next noise measurement. */
    private long noiseLeft;
    private final HillTail[] tails;
    private final long tailGroupLength;

    Chain(Cell cell, Problem pr, int r, Dataset data, FiniteDataTheory.Fit fit,
        RowKernel kernel) {
      this.pr = pr;
      this.kernel = kernel;
      this.replicate = r;
      this.seed = cell.replicateSeed(r);
      this.dim = pr.dim;
      this.batch = cell.batch();
      this.invS = 1.0 / batch;
      this.rng = RandomSource.XO_SHI_RO_256_PP.create(Seeds.expand(seed, 4));
      this.gauss = ZigguratSampler.NormalizedGaussian.of(rng);
      this.ints = new BoundedInts(rng);
      final Simulate sim = cell.simulate();
      this.exact = sim.exactSampling(batch);
      this.direct1 = data == null && !exact && dim == 1 && batch == 1 && pr.sqrtB == null;
      this.inlineState = direct1 || (data != null && dim == 1) ? inlineSeed(seed) : null;
      this.blockNormals = direct1 ? new double[2 * BLOCK] : null;
      this.blockSlowBits = direct1 ? new long[2 * BLOCK] : null;
      this.blockSlowAt = direct1 ? new int[2 * BLOCK] : null;
      this.chi2 = !exact ? null : batch == 1 ? () -> square(gauss.sample())
          : AhrensDieterMarsagliaTsangGammaSampler.of(rng, 0.5 * batch, 2.0);
      this.data = data;
      this.rows = data == null ? 0 : data.rows();
      this.perm = data != null && sim.sampling() == Simulate.Sampling.WITHOUT_REPLACEMENT
          ? identity(data.rows()) : null;
      this.picks = new int[data == null ? 0 : batch];
      this.pickThreshold = rows == 0 ? 0 : BoundedInts.threshold(rows);
      this.pickThreshold21 = rows == 0 ? 0 : BoundedInts.threshold21(rows);
      this.noStationaryPoint = data != null && fit == null;
      this.hHat = fit == null ? null : fit.h();
      this.bHat = fit == null ? null : fit.b();
      this.wStar = fit == null ? pr.wStar.clone() : fit.wStar().clone();
      this.w = wStar.clone();
      this.rowCentre = dim == 1 && Double.isFinite(wStar[0]) ? wStar[0] : 0;
      this.rowsXy = data != null && dim <= INTERLEAVE_DIM ? interleave(data, rowCentre) : null;
      this.m = new double[dim];
      this.grad = new double[dim];
      this.x = new double[dim];
      this.work = new double[dim + 1];
      this.center = wStar.clone();
      if (dim != 1 || noStationaryPoint) {
        this.fullSlope = Double.NaN;
        this.fullIntercept = Double.NaN;
      } else if (data == null) {
        this.fullSlope = pr.k[0];
        this.fullIntercept = pr.a[0] * pr.u[0];
      } else {
        this.fullSlope = hHat.data[0] - pr.gamma;
        this.fullIntercept = bHat[0];
      }
      this.steps = sim.steps();
      this.burnIn = sim.burnIn();
      this.measured = steps - burnIn;
      this.nb = (int) Math.min(BATCHES, measured);
      this.sumD = new double[nb][dim];
      this.sumD2 = new double[nb];
      this.sumTrain = new double[nb];
      this.sumTest = new double[nb];
      this.sumNoise = new double[nb];
      this.countNoise = new long[nb];
      this.count = new long[nb];
      this.outer = dim <= MATRIX_DIM || cell.matrices() ? new double[nb][dim * dim] : null;
      this.noiseStride = data == null ? 1 : Math.max(1, (2 * dim + batch - 1) / batch);
      this.tailGroupLength = measured / TAIL_GROUPS;
      final int k = HillTail.orderStatistics(tailGroupLength, sim.tailFraction());
      this.tails = new HillTail[k == 0 ? 0 : TAIL_GROUPS];
      for (int g = 0; g < tails.length; g++) {
        tails[g] = new HillTail(k);
      }
    }

    private static double square(double v) {
      return v * v;
    }

    private static int[] identity(int n) {
      int[] p = new int[n];
      for (int k = 0; k < n; k++) {
        p[k] = k;
      }
      return p;
    }

    /**
     * The data set as rows (x̃, y), for D = 1 (x̃, y − c·x̃): one gather per minibatch row instead
     * of two.
     */
    private static double[] interleave(Dataset d, double c) {
      final int dim = d.dim();
      final int stride = dim + 1;
      // D = 1: a zero row after the data (datasetScalarDrawn).
      final double[] out = new double[Math.multiplyExact(d.rows() + (dim == 1 ? 1 : 0), stride)];
      for (int row = 0; row < d.rows(); row++) {
        for (int i = 0; i < dim; i++) {
          out[row * stride + i] = d.xs()[row * dim + i];
        }
        out[row * stride + dim] = dim == 1 ? d.ys()[row] - c * d.xs()[row] : d.ys()[row];
      }
      return out;
    }

    /**
     * Burn-in, then the measured steps in segments within which the batch (of the batch means)
     * and the tail group do not change, so that a segment sums its measurements in locals.
     */
    ReplicateResult run() {
      if (noStationaryPoint) {
        return diverged(0);
      }
      long ranAway = advance(0, burnIn, -1, null);
      if (ranAway >= 0) {
        return diverged(ranAway);
      }
      System.arraycopy(w, 0, center, 0, dim);
      noiseLeft = noiseStride;
      long at = burnIn;
      int group = 0;
      long groupEnd = burnIn + tailGroupLength;
      for (int b = 0; b < nb; b++) {
        final long batchEnd = at + batchLength(b);
        while (at < batchEnd) {
          final HillTail tail = group < tails.length ? tails[group] : null;
          final long end = tail == null ? batchEnd : Math.min(batchEnd, groupEnd);
          ranAway = advance(at, end, b, tail);
          if (ranAway >= 0) {
            return diverged(ranAway);
          }
          count[b] += end - at;
          at = end;
          if (tail != null && at == groupEnd) {
            group++;
            groupEnd += tailGroupLength;
          }
        }
      }
      return finish();
    }

    /**
     * Runs steps {@code from + 1 … to}, measured into batch {@code b} and offered to {@code
     * tail} (if not null) unless {@code b < 0} (burn-in). Returns the step at which the iterate
     * ran away, or −1.
     */
    private long advance(long from, long to, int b, HillTail tail) {
      if (direct1) {
        return advanceDirect1(from, to, b, tail);
      }
      return dim == 1 ? advanceScalar(from, to, b, tail) : advanceVector(from, to, b, tail);
    }

    /** {@link #advance} for D = 1: state and sums in locals. */
    private long advanceScalar(long from, long to, int b, HillTail tail) {
      final boolean measuring = b >= 0;
      final double mu = pr.mu;
      final double gamma = pr.gamma;
      final double p = pr.p[0];
      final double u = pr.u[0];
      final double ws = wStar[0];
      final double c = center[0];
      final double runaway = pr.runaway;
      final double slope = fullSlope;
      final double intercept = fullIntercept;
      final long stride = noiseStride;
      long left = noiseLeft;
      double thr = tail == null ? Double.POSITIVE_INFINITY : tail.threshold();
      int pending = 0;
      double w0 = w[0];
      double m0 = m[0];
      double sd = 0;
      double sd2 = 0;
      double c4 = 0;
      double lossSum = 0;
      double norm2 = 0;
      double test = 0;
      double noise = 0;
      long noiseCount = 0;
      for (long step = from + 1; step <= to; step++) {
        // Step 1: the minibatch (without the ridge) and its data loss at w_{t−1}. The gradient
        // (1/S)Σⱼx̃ⱼ(x̃ⱼw − yⱼ) + γw = hs·w − bs is linear in w with coefficients that do not
        // depend on w, so the next step's sampling overlaps this step's update.
        final double loss = scalarBatch(w0);
        final double hs = hSum * invS + gamma;
        final double bs = bSum * invS;
        // Step 2: momentum and parameter update; without momentum w_t = (1 − p·hs)w + p·bs,
        // one multiply-add of latency from one step to the next.
        final double mn = mu * m0 + (hs * w0 - bs);
        final double wn = mu == 0 ? (1 - p * hs) * w0 + p * bs : w0 - p * mn;
        final double dev = Math.abs(wn - ws);
        if (!(dev * dev <= runaway)) {
          return step;
        }
        // Step 3: measure.
        if (measuring) {
          if (--left == 0) {
            left = stride;
            final double e = (hSum * invS - slope) * w0 - (bs - intercept);
            noise += e * e;
            noiseCount++;
          }
          lossSum += loss;
          norm2 += w0 * w0;
          final double e = wn - u;
          test += e * e;
          final double d = wn - c;
          final double c2 = d * d;
          sd += d;
          sd2 += c2;
          c4 += c2 * c2;
          if (dev > thr) {
            tailBuffer[pending++] = dev;
            if (pending == TAIL_BUFFER) {
              tail.addAll(tailBuffer, pending);
              pending = 0;
              thr = tail.threshold();
            }
          }
        }
        w0 = wn;
        m0 = mn;
      }
      w[0] = w0;
      m[0] = m0;
      if (measuring) {
        noiseLeft = left;
        if (pending > 0) {
          tail.addAll(tailBuffer, pending);
        }
        sumD[b][0] += sd;
        if (outer != null) {
          outer[b][0] += sd2;
        }
        addSums(b, sd2, c4, lossSum, norm2, pr.a[0] * test, noise, noiseCount);
      }
      return -1;
    }

    /**
     * {@link #advanceScalar} for streaming mode with S = 1, direct sampling and no input noise
     * (one sample (x, ε) per step), specialised and run in blocks of up to {@link #BLOCK} steps,
     * each in two loops that make no call (with a call in the loop, the ziggurat's slow path or
     * the Hill estimator's, C2 kept the generator state, counters and constants on the stack).
     * First {@link #blockNormals} draws the block's standard normals, then {@link #blockSteps}
     * runs its steps on them. Same law as {@link #directScalar}; other random numbers.
     */
    private long advanceDirect1(long from, long to, int b, HillTail tail) {
      final boolean measuring = b >= 0;
      final double[] normals = blockNormals;
      final double[] buffer = tailBuffer;
      final double[] sums = blockSums;
      java.util.Arrays.fill(sums, 0.0);
      tailPending = 0;
      tailThreshold = tail == null ? Double.POSITIVE_INFINITY : tail.threshold();
      final double wFrom = w[0];
      for (long at = from; at < to; at += BLOCK) {
        final int len = (int) Math.min(BLOCK, to - at);
        final int slow = blockNormals(len);
        for (int q = 0; q < slow; q++) {
          normals[blockSlowAt[q]] = Ziggurat.slow(blockSlowBits[q], rng, gauss);
        }
        // Room in the tail buffer for every step of the block.
        if (tailPending > TAIL_BUFFER) {
          tail.addAll(buffer, tailPending);
          tailPending = 0;
          tailThreshold = tail.threshold();
        }
        final int ranAway = blockSteps(len, measuring);
        if (ranAway >= 0) {
          return at + ranAway + 1;
        }
      }
      if (measuring) {
        if (tailPending > 0) {
          tail.addAll(buffer, tailPending);
        }
        final double sd = sums[0];
        final double sd2 = sums[1];
        final double w0 = w[0];
        final double u = pr.u[0];
        final double c = center[0];
        // With d = w − c over the segment's n iterates w_{from+1} … w_to: Σ(w − u)² = Σd² +
        // 2(c − u)Σd + n(c − u)², and Σw_{t−1}² = Σw² + w_from² − w_to², Σw² = Σd² + 2cΣd + nc².
        final double n = to - from;
        final double cu = c - u;
        final double test = sd2 + 2 * cu * sd + n * cu * cu;
        final double norm2 = sd2 + 2 * c * sd + n * c * c + (wFrom * wFrom - w0 * w0);
        sumD[b][0] += sd;
        if (outer != null) {
          outer[b][0] += sd2;
        }
        addSums(b, sd2, sums[2], sums[3], norm2, pr.a[0] * test, sums[4], to - from);
      }
      return -1;
    }

    /**
     * {@link #advanceDirect1}: 2·len standard normals into {@link #blockNormals} (step k's ε at
     * 2k, its x at 2k + 1), one output of the inline XoRoShiRo128++ ({@link #inlineState}) each,
     * by {@link Ziggurat#fast} written out. A draw that needs the slow path is left to the
     * caller: its bits and position go to {@link #blockSlowBits} and {@link #blockSlowAt}.
     * Returns how many.
     */
    private int blockNormals(int len) {
      final double[] out = blockNormals;
      final long[] state = inlineState;
      long s0 = state[0];
      long s1 = state[1];
      int slow = 0;
      for (int k = 0; k < 2 * len; k++) {
        final long bits = Long.rotateLeft(s0 + s1, 17) + s0;
        s1 ^= s0;
        s0 = Long.rotateLeft(s0, 49) ^ s1 ^ (s1 << 21);
        s1 = Long.rotateLeft(s1, 28);
        final int j = (int) bits & Ziggurat.MASK;
        final long hz = bits >>> Ziggurat.SHIFT;
        out[k] = hz * Ziggurat.W[j];
        if (hz >= Ziggurat.K[j]) {
          blockSlowBits[slow] = bits;
          blockSlowAt[slow++] = k;
        }
      }
      state[0] = s0;
      state[1] = s1;
      return slow;
    }

    /**
     * {@link #advanceDirect1}: the block's len steps on its normals (ε = σ·z, x = √a·z), from
     * and to w[0], m[0], adding the measurements (when measuring) to {@link #blockSums} and the
     * tail candidates to the tail buffer. Returns the index in the block of the step at which
     * the iterate ran away, or −1.
     */
    private int blockSteps(int len, boolean measuring) {
      final double mu = pr.mu;
      final double gamma = pr.gamma;
      final double p = pr.p[0];
      final double pg = 1 - p * gamma;
      final double ws = wStar[0];
      final double c = center[0];
      // |w − w*| > √runaway is ‖w − w*‖² > runaway up to rounding at a bound of 1e100 times the
      // problem's scale.
      final double runawayDev = Math.sqrt(pr.runaway);
      final double slope = fullSlope;
      final double intercept = fullIntercept;
      final double sigma = pr.sigma;
      final double sa = pr.sqrtA[0];
      final boolean teacher = !pr.noTeacher;
      final double ut = teacher ? pr.u[0] : 0;
      final double thr = tailThreshold;
      final double[] normals = blockNormals;
      final double[] buffer = tailBuffer;
      final double[] sums = blockSums;
      int pending = tailPending;
      double w0 = w[0];
      double m0 = m[0];
      double sd = sums[0];
      double sd2 = sums[1];
      double c4 = sums[2];
      double lossSum = sums[3];
      double noise = sums[4];
      int ranAway = -1;
      for (int k = 0; k < len; k++) {
        final double eps = sigma * normals[2 * k];
        final double xt = sa * normals[2 * k + 1];
        final double y = teacher ? eps + ut * xt : eps;
        final double res = xt * w0 - y;
        final double h = xt * xt;
        final double by = xt * y;
        // As in advanceScalar (S = 1: hs = x̃² + γ, bs = x̃y); with μ = 0 the momentum buffer is
        // not used (nor updated).
        final double wn;
        if (mu == 0) {
          wn = (pg - p * h) * w0 + p * by;
        } else {
          m0 = mu * m0 + ((h + gamma) * w0 - by);
          wn = w0 - p * m0;
        }
        final double dev = Math.abs(wn - ws);
        if (!(dev <= runawayDev)) {
          ranAway = k;
          break;
        }
        // Measure (streaming: the noise every step). Σ‖w_{t−1}‖² and Σ(w − u)² follow from Σd
        // and Σd² at the end of the segment.
        if (measuring) {
          final double e = (h - slope) * w0 - (by - intercept);
          noise += e * e;
          lossSum += res * res;
          final double d = wn - c;
          final double c2 = d * d;
          sd += d;
          sd2 += c2;
          c4 += c2 * c2;
          if (dev > thr) {
            buffer[pending++] = dev;
          }
        }
        w0 = wn;
      }
      w[0] = w0;
      m[0] = m0;
      sums[0] = sd;
      sums[1] = sd2;
      sums[2] = c4;
      sums[3] = lossSum;
      sums[4] = noise;
      tailPending = pending;
      return ranAway;
    }

    /** {@link #advance} for D ≥ 2. */
    private long advanceVector(long from, long to, int b, HillTail tail) {
      final boolean measuring = b >= 0;
      final double mu = pr.mu;
      final double gamma = pr.gamma;
      final double[] p = pr.p;
      final double[] a = pr.a;
      final double[] u = pr.u;
      final double runaway = pr.runaway;
      final double[] sd = measuring ? sumD[b] : null;
      long left = noiseLeft;
      double thr = tail == null ? Double.POSITIVE_INFINITY : tail.threshold();
      int pending = 0;
      double sd2 = 0;
      double c4 = 0;
      double lossSum = 0;
      double norm2 = 0;
      double test = 0;
      double noise = 0;
      long noiseCount = 0;
      for (long step = from + 1; step <= to; step++) {
        // Step 1: the minibatch gradient (without the ridge) and data loss at w_{t−1}.
        final double loss = sampleBatch();
        if (measuring && --left == 0) {
          left = noiseStride;
          noise += noise();
          noiseCount++;
        }
        // Step 2: ridge, momentum and parameter update; ‖w_{t−1}‖², L_test and ‖w − w*‖²; and,
        // when measuring, Σd and ‖d‖² with d = w − c in the same pass (a step whose iterate ran
        // away ends the run, and its measurements are not kept).
        double oldNorm2 = 0;
        double tst = 0;
        double dev2 = 0;
        double c2 = 0;
        for (int i = 0; i < dim; i++) {
          final double wi = w[i];
          oldNorm2 += wi * wi;
          final double mi = mu * m[i] + grad[i] * invS + gamma * wi;
          m[i] = mi;
          final double wn = wi - p[i] * mi;
          w[i] = wn;
          final double e = wn - u[i];
          tst += a[i] * e * e;
          final double dv = wn - wStar[i];
          dev2 += dv * dv;
          if (measuring) {
            final double d = wn - center[i];
            sd[i] += d;
            c2 += d * d;
          }
        }
        if (!(dev2 <= runaway)) {
          return step;
        }
        if (!measuring) {
          continue;
        }
        // Step 3: measure.
        if (outer != null) {
          accumulateOuter(outer[b]);
        }
        sd2 += c2;
        c4 += c2 * c2;
        lossSum += loss;
        norm2 += oldNorm2;
        test += tst;
        final double dev = Math.sqrt(dev2);
        if (dev > thr) {
          tailBuffer[pending++] = dev;
          if (pending == TAIL_BUFFER) {
            tail.addAll(tailBuffer, pending);
            pending = 0;
            thr = tail.threshold();
          }
        }
      }
      if (measuring) {
        noiseLeft = left;
        if (pending > 0) {
          tail.addAll(tailBuffer, pending);
        }
        addSums(b, sd2, c4, lossSum, norm2, test, noise, noiseCount);
      }
      return -1;
    }

    /** Adds a segment's sums to batch {@code b}. */
    private void addSums(int b, double sd2, double c4, double lossSum, double norm2, double test,
        double noise, long noiseCount) {
      sumD2[b] += sd2;
      sumC2Squared += c4;
      sumTrain[b] += 0.5 * invS * lossSum + 0.5 * pr.gamma * norm2;
      sumTest[b] += 0.5 * test;
      sumNoise[b] += noise;
      countNoise[b] += noiseCount;
    }

    /** This step's minibatch: returns Σⱼ resⱼ² and leaves Σⱼ x̃ⱼresⱼ in grad. */
    private double sampleBatch() {
      if (dim == 1) {
        final double loss = scalarBatch(w[0]);
        grad[0] = hSum * w[0] - bSum;
        return loss;
      }
      return data != null ? datasetBatch() : exact ? exactBatch() : directBatch();
    }

    /**
     * D = 1: this step's minibatch at {@code w0}; returns Σⱼ resⱼ² and leaves Σⱼ x̃ⱼ², Σⱼ x̃ⱼyⱼ in
     * hSum, bSum.
     */
    private double scalarBatch(double w0) {
      return data != null ? datasetScalar(w0) : exact ? exactScalar(w0) : directScalar(w0);
    }

    /** Steps in batch {@code b}: the measured steps split as evenly as possible. */
    private long batchLength(int b) {
      return (b + 1) * measured / nb - b * measured / nb;
    }

    private void accumulateOuter(double[] into) {
      for (int i = 0; i < dim; i++) {
        final double di = w[i] - center[i];
        final int row = i * dim;
        for (int j = i; j < dim; j++) {
          into[row + j] += di * (w[j] - center[j]);
        }
      }
    }

    /** S fresh samples; returns Σⱼ resⱼ² and leaves Σⱼ x̃ⱼresⱼ in grad. */
    private double directBatch() {
      final double[] g = grad;
      final double[] xb = x;
      final double[] wv = w;
      final double[] sqrtA = pr.sqrtA;
      final double[] sqrtB = pr.sqrtB;
      final double[] u = pr.u;
      final boolean teacher = !pr.noTeacher;
      final double sigma = pr.sigma;
      java.util.Arrays.fill(g, 0.0);
      double loss = 0;
      for (int j = 0; j < batch; j++) {
        double y = sigma > 0 ? sigma * gauss.sample() : 0;
        double pred = 0;
        for (int i = 0; i < dim; i++) {
          final double xi = sqrtA[i] * gauss.sample();
          if (teacher) {
            y += u[i] * xi;
          }
          final double xt = sqrtB == null ? xi : xi + sqrtB[i] * gauss.sample();
          xb[i] = xt;
          pred += xt * wv[i];
        }
        final double res = pred - y;
        for (int i = 0; i < dim; i++) {
          g[i] += xb[i] * res;
        }
        loss += res * res;
      }
      return loss;
    }

    /** {@link #directBatch} for D = 1 (the same draws in the same order). */
    private double directScalar(double w0) {
      final double sa = pr.sqrtA[0];
      final boolean noisyInput = pr.sqrtB != null;
      final double sb = noisyInput ? pr.sqrtB[0] : 0;
      final double u = pr.noTeacher ? 0 : pr.u[0];
      final double sigma = pr.sigma;
      double h = 0;
      double by = 0;
      double loss = 0;
      for (int j = 0; j < batch; j++) {
        final double eps = sigma > 0 ? sigma * gauss.sample() : 0;
        final double xi = sa * gauss.sample();
        final double xt = noisyInput ? xi + sb * gauss.sample() : xi;
        final double y = eps + u * xi;
        final double res = xt * w0 - y;
        h += xt * xt;
        by += xt * y;
        loss += res * res;
      }
      hSum = h;
      bSum = by;
      return loss;
    }

    /**
     * The exact law of the minibatch (class Javadoc); returns S·vᵀŜv and leaves S·(Ŝv)_x in
     * grad, the scaling the other samplers use.
     */
    private double exactBatch() {
      final double[] l = pr.cholDiag;
      final double[] r = pr.cholRow;
      final double corner = pr.cholCorner;
      final double[] c = work;
      double cn2 = corner * corner;
      for (int i = 0; i < dim; i++) {
        final double ci = l[i] * w[i] - r[i];
        c[i] = ci;
        cn2 += ci * ci;
      }
      final double q = chi2.sample();
      if (!(cn2 > 0)) {
        java.util.Arrays.fill(grad, 0.0);
        return 0;
      }
      final double s = Math.sqrt(cn2);
      final double sq = Math.sqrt(q);
      // S·e = q·c + √q·(s·n − c·(cᵀn)/s), with n over all m = D + 1 coordinates.
      final double[] n = x;
      double t = 0;
      for (int i = 0; i < dim; i++) {
        final double ni = gauss.sample();
        n[i] = ni;
        t += c[i] * ni;
      }
      final double nLast = gauss.sample();
      t -= corner * nLast;
      final double ts = t / s;
      for (int i = 0; i < dim; i++) {
        grad[i] = l[i] * (q * c[i] + sq * (s * n[i] - c[i] * ts));
      }
      return q * cn2;
    }

    /**
     * {@link #exactBatch} for D = 1: m = 2, and P⊥n is one normal along ĉ⊥ = (−c_y, c₀)/s,
     * where s·ĉ⊥₀ = −c_y = corner: the gradient sum l(q·c₀ + √q·corner·ζ) with c₀ = lw − r is
     * (l²q)w − (lqr − l√q·corner·ζ).
     */
    private double exactScalar(double w0) {
      final double l = pr.cholDiag[0];
      final double r = pr.cholRow[0];
      final double corner = pr.cholCorner;
      final double c0 = l * w0 - r;
      final double cn2 = corner * corner + c0 * c0;
      final double q = chi2.sample();
      if (!(cn2 > 0)) {
        hSum = 0;
        bSum = 0;
        return 0;
      }
      final double zeta = gauss.sample();
      final double lq = l * q;
      hSum = lq * l;
      bSum = lq * r - l * Math.sqrt(q) * corner * zeta;
      return q * cn2;
    }

    /** S rows of the data set; returns Σⱼ resⱼ² and leaves Σⱼ x̃ⱼresⱼ in grad. */
    private double datasetBatch() {
      pickRows();
      final int[] idx = picks;
      final double[] g = grad;
      final double[] wv = w;
      double loss = 0;
      if (dim == 2) {
        // (x̃₀, x̃₁, y) rows: the loops over D unrolled, the sums in locals.
        final double[] xy = rowsXy;
        final double w0 = wv[0];
        final double w1 = wv[1];
        double g0 = 0;
        double g1 = 0;
        for (int j = 0; j < batch; j++) {
          final int off = idx[j] * 3;
          final double x0 = xy[off];
          final double x1 = xy[off + 1];
          final double res = (x0 * w0 + x1 * w1) - xy[off + 2];
          g0 += x0 * res;
          g1 += x1 * res;
          loss += res * res;
        }
        g[0] = g0;
        g[1] = g1;
        return loss;
      }
      if (rowsXy != null) {
        java.util.Arrays.fill(g, 0.0);
        final double[] xy = rowsXy;
        final int stride = dim + 1;
        for (int j = 0; j < batch; j++) {
          final int off = idx[j] * stride;
          final double res = dot(xy, off, wv, dim) - xy[off + dim];
          axpy(res, xy, off, g, dim);
          loss += res * res;
        }
        return loss;
      }
      // Four rows at a time (their residuals share the loads of w and their gradient terms one
      // pass over g), SIMD where the JVM has the Vector API (RowKernel).
      return kernel.batch(data.xs(), data.ys(), idx, batch, wv, g, dim, dots);
    }

    /** {@link #datasetBatch} for D = 1, two accumulators of each sum. */
    private double datasetScalar(double w0) {
      if (perm == null && batch > 1) {
        return datasetScalarDrawn(w0);
      }
      pickRows();
      final int[] idx = picks;
      final double[] xz = rowsXy;
      double ha = 0;
      double hb = 0;
      double ba = 0;
      double bb = 0;
      double za = 0;
      double zb = 0;
      int j = 0;
      for (; j + 1 < batch; j += 2) {
        final int ra = idx[j] << 1;
        final int rb = idx[j + 1] << 1;
        final double xa = xz[ra];
        final double qa = xz[ra + 1];
        final double xb = xz[rb];
        final double qb = xz[rb + 1];
        ha += xa * xa;
        hb += xb * xb;
        ba += xa * qa;
        bb += xb * qb;
        za += qa * qa;
        zb += qb * qb;
      }
      if (j < batch) {
        final int ra = idx[j] << 1;
        final double xa = xz[ra];
        final double qa = xz[ra + 1];
        ha += xa * xa;
        ba += xa * qa;
        za += qa * qa;
      }
      return centred(w0, ha + hb, ba + bb, za + zb);
    }

    /**
     * Sets hSum = Σx̃², bSum = Σx̃y from the centred sums h = Σx̃², bz = Σx̃z, zz = Σz² (see
     * {@link #rowCentre}) and returns the data loss Σ(x̃w₀ − y)², at least 0 (the form can round
     * below 0 only where the loss is 0 up to rounding).
     */
    private double centred(double w0, double h, double bz, double zz) {
      final double c = rowCentre;
      final double d = w0 - c;
      hSum = h;
      bSum = bz + c * h;
      return Math.max(0, zz - 2 * d * bz + d * d * h);
    }

    /**
     * {@link #datasetScalar} with replacement, S ≥ 2: the rows drawn as they are used, three from
     * each 64-bit draw (21-bit Lemire) when n ≤ {@link BoundedInts#MAX_N21}, else two as in
     * {@link #pickRows}, from the inline XoRoShiRo128++ ({@link #inlineState}) held in locals.
     * The loop makes no call: a draw that Lemire's method rejects reads the zero row after the
     * data (it adds exactly nothing) and is replaced after the loop by a fresh uniform row, so
     * the S rows are still i.i.d. uniform. With a call on the rejection path in the loop, C2
     * kept the generator's state and the bounds on the stack: 4.1 ns per row against 2.8.
     */
    private double datasetScalarDrawn(double w0) {
      final double[] xz = rowsXy;
      final int n = rows;
      final int zero = n << 1;
      final long[] state = inlineState;
      long s0 = state[0];
      long s1 = state[1];
      double ha = 0;
      double hb = 0;
      double ba = 0;
      double bb = 0;
      double za = 0;
      double zb = 0;
      int miss = 0;
      int j = 0;
      if (n <= BoundedInts.MAX_N21) {
        final long t21 = pickThreshold21;
        for (; j + 2 < batch; j += 3) {
          final long bits = Long.rotateLeft(s0 + s1, 17) + s0;
          s1 ^= s0;
          s0 = Long.rotateLeft(s0, 49) ^ s1 ^ (s1 << 21);
          s1 = Long.rotateLeft(s1, 28);
          final long ma = (bits & BoundedInts.MASK21) * n;
          final long mb = ((bits >>> 21) & BoundedInts.MASK21) * n;
          final long mc = (bits >>> 43) * n;
          int ra = (int) (ma >>> 21) << 1;
          int rb = (int) (mb >>> 21) << 1;
          int rc = (int) (mc >>> 21) << 1;
          if ((ma & BoundedInts.MASK21) < t21) {
            ra = zero;
            miss++;
          }
          if ((mb & BoundedInts.MASK21) < t21) {
            rb = zero;
            miss++;
          }
          if ((mc & BoundedInts.MASK21) < t21) {
            rc = zero;
            miss++;
          }
          final double xa = xz[ra];
          final double qa = xz[ra + 1];
          final double xb = xz[rb];
          final double qb = xz[rb + 1];
          final double xc = xz[rc];
          final double qc = xz[rc + 1];
          ha += xa * xa + xc * xc;
          hb += xb * xb;
          ba += xa * qa + xc * qc;
          bb += xb * qb;
          za += qa * qa + qc * qc;
          zb += qb * qb;
        }
      }
      final long t = pickThreshold;
      for (; j + 1 < batch; j += 2) {
        final long bits = Long.rotateLeft(s0 + s1, 17) + s0;
        s1 ^= s0;
        s0 = Long.rotateLeft(s0, 49) ^ s1 ^ (s1 << 21);
        s1 = Long.rotateLeft(s1, 28);
        final long ma = (bits & BoundedInts.MASK) * n;
        final long mb = (bits >>> 32) * n;
        int ra = (int) (ma >>> 32) << 1;
        int rb = (int) (mb >>> 32) << 1;
        if ((ma & BoundedInts.MASK) < t) {
          ra = zero;
          miss++;
        }
        if ((mb & BoundedInts.MASK) < t) {
          rb = zero;
          miss++;
        }
        final double xa = xz[ra];
        final double qa = xz[ra + 1];
        final double xb = xz[rb];
        final double qb = xz[rb + 1];
        ha += xa * xa;
        hb += xb * xb;
        ba += xa * qa;
        bb += xb * qb;
        za += qa * qa;
        zb += qb * qb;
      }
      state[0] = s0;
      state[1] = s1;
      // The last row of an odd S, and a fresh row for each draw Lemire's method rejected (those
      // read the zero row above, which adds exactly nothing).
      for (miss += batch - j; miss > 0; miss--) {
        final int ra = ints.next(n) << 1;
        final double xa = xz[ra];
        final double qa = xz[ra + 1];
        ha += xa * xa;
        ba += xa * qa;
        za += qa * qa;
      }
      return centred(w0, ha + hb, ba + bb, za + zb);
    }

    /**
     * This step's S row indices into {@link #picks}: with replacement S i.i.d. uniform indices,
     * two from each 64-bit draw (Lemire); without, a partial Fisher–Yates shuffle.
     */
    private void pickRows() {
      final int[] out = picks;
      final int n = rows;
      if (perm != null) {
        for (int j = 0; j < batch; j++) {
          final int pick = j + ints.next(n - j);
          final int tmp = perm[j];
          perm[j] = perm[pick];
          perm[pick] = tmp;
          out[j] = perm[j];
        }
        return;
      }
      if (batch == 1) {
        out[0] = ints.next(n);
        return;
      }
      final long t = pickThreshold;
      int j = 0;
      for (; j + 1 < batch; j += 2) {
        final long bits = rng.nextLong();
        out[j] = ints.bounded(bits & BoundedInts.MASK, n, t);
        out[j + 1] = ints.bounded(bits >>> 32, n, t);
      }
      if (j < batch) {
        out[j] = ints.next(n);
      }
    }

    /** xs[off..off+dim) · v with four accumulators (the JIT does not reorder FP sums). */
    private static double dot(double[] xs, int off, double[] v, int dim) {
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      int i = 0;
      for (; i + 3 < dim; i += 4) {
        s0 += xs[off + i] * v[i];
        s1 += xs[off + i + 1] * v[i + 1];
        s2 += xs[off + i + 2] * v[i + 2];
        s3 += xs[off + i + 3] * v[i + 3];
      }
      for (; i < dim; i++) {
        s0 += xs[off + i] * v[i];
      }
      return (s0 + s1) + (s2 + s3);
    }

    /** g += r·xs[off..off+dim) (a loop the JIT vectorises). */
    private static void axpy(double r, double[] xs, int off, double[] g, int dim) {
      for (int i = 0; i < dim; i++) {
        g[i] += xs[off + i] * r;
      }
    }

    /**
     * ‖g − ∇L(w)‖² for this step's minibatch gradient g (grad/S, ridge excluded: it carries no
     * noise): ∇L(w) = Kw − Au in streaming mode, Ĥw − b̂ − γw in dataset mode.
     */
    private double noise() {
      double sum = 0;
      if (data == null) {
        final double[] k = pr.k;
        final double[] a = pr.a;
        final double[] u = pr.u;
        for (int i = 0; i < dim; i++) {
          final double e = grad[i] * invS - (k[i] * w[i] - a[i] * u[i]);
          sum += e * e;
        }
        return sum;
      }
      final double[] h = hHat.data;
      final double[] d4 = dots;
      int i = 0;
      for (; i + 3 < dim; i += 4) {
        kernel.dot4(h, i * dim, (i + 1) * dim, (i + 2) * dim, (i + 3) * dim, w, dim, d4);
        for (int k = 0; k < 4; k++) {
          final double full = d4[k] - bHat[i + k] - pr.gamma * w[i + k];
          final double e = grad[i + k] * invS - full;
          sum += e * e;
        }
      }
      for (; i < dim; i++) {
        final double full = kernel.dot(h, i * dim, w, dim) - bHat[i] - pr.gamma * w[i];
        final double e = grad[i] * invS - full;
        sum += e * e;
      }
      return sum;
    }

    private ReplicateResult diverged(long step) {
      return new ReplicateResult(replicate, seed, true, step, step, Estimate.MISSING,
          Estimate.MISSING, Estimate.MISSING, Estimate.MISSING, new double[0], new double[0],
          new double[0], new double[0], null, Estimate.MISSING, new double[0], Double.NaN,
          new double[0], wallMs());
    }

    private long wallMs() {
      return (System.nanoTime() - t0) / 1_000_000;
    }

    private ReplicateResult finish() {
      // Batch values: Tr Σ per batch around the overall mean (in centred coordinates).
      final double[] mean = new double[dim];
      for (int b = 0; b < nb; b++) {
        for (int i = 0; i < dim; i++) {
          mean[i] += sumD[b][i];
        }
      }
      double mean2 = 0;
      for (int i = 0; i < dim; i++) {
        mean[i] /= measured;
        mean2 += mean[i] * mean[i];
      }
      final double[] bTrace = new double[nb];
      final double[] bTrain = new double[nb];
      final double[] bTest = new double[nb];
      int noiseBatches = 0;
      for (int b = 0; b < nb; b++) {
        noiseBatches += countNoise[b] > 0 ? 1 : 0;
      }
      final double[] bNoise = new double[noiseBatches];
      for (int b = 0, k = 0; b < nb; b++) {
        double dot = 0;
        for (int i = 0; i < dim; i++) {
          dot += mean[i] * sumD[b][i];
        }
        bTrace[b] = (sumD2[b] - 2 * dot) / count[b] + mean2;
        bTrain[b] = sumTrain[b] / count[b];
        bTest[b] = sumTest[b] / count[b];
        if (countNoise[b] > 0) {
          bNoise[k++] = sumNoise[b] / countNoise[b];
        }
      }
      // Integrated autocorrelation time of c² = ‖w − centre‖².
      final double tau = AutocorrTime.of(sumD2, count, sumC2Squared);
      // Σ as a full matrix, back in the coordinate basis; its largest eigenvalue per batch (Σ of
      // the batch around the overall mean) for a batch-means error.
      double[] sigma = null;
      double[] bMaxEig = new double[0];
      if (outer != null) {
        DMatrixRMaj s = new DMatrixRMaj(dim, dim);
        DMatrixRMaj sb = new DMatrixRMaj(dim, dim);
        bMaxEig = new double[nb];
        for (int b = 0; b < nb; b++) {
          final double[] o = outer[b];
          final double[] sdb = sumD[b];
          final double n = count[b];
          for (int i = 0; i < dim; i++) {
            for (int j = i; j < dim; j++) {
              final double v = (o[i * dim + j] - mean[i] * sdb[j] - sdb[i] * mean[j]) / n
                  + mean[i] * mean[j];
              sb.unsafe_set(i, j, v);
              sb.unsafe_set(j, i, v);
              s.unsafe_set(i, j, s.unsafe_get(i, j) + o[i * dim + j] / measured);
            }
          }
          bMaxEig[b] = maxEigenvalue(sb);
        }
        for (int i = 0; i < dim; i++) {
          for (int j = i; j < dim; j++) {
            final double v = s.unsafe_get(i, j) - mean[i] * mean[j];
            s.unsafe_set(i, j, v);
            s.unsafe_set(j, i, v);
          }
        }
        sigma = pr.toCoordinates(s).data;
      }
      final double[] tailValues = new double[tails.length];
      for (int g = 0; g < tails.length; g++) {
        tailValues[g] = tails[g].estimate();
      }
      return new ReplicateResult(replicate, seed, false, -1, steps, Estimate.ofBatchMeans(bTrace),
          Estimate.ofBatchMeans(bTrain), Estimate.ofBatchMeans(bTest),
          Estimate.ofBatchMeans(bNoise), bTrace, bTrain, bTest, bNoise, sigma,
          Estimate.ofBatchMeans(bMaxEig), bMaxEig, tau, tailValues, wallMs());
    }
  }

  /** The largest eigenvalue of a small symmetric matrix (NaN if EJML does not converge). */
  public static double maxEigenvalue(DMatrixRMaj s) {
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(s.numRows, false,
        true);
    if (!eig.decompose(s.copy())) {
      return Double.NaN;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < s.numRows; i++) {
      max = Math.max(max, eig.getEigenvalue(i).getReal());
    }
    return max;
  }

  /**
   * Uniform integers in [0, n) by Lemire's multiply-and-reject, from the two 32-bit halves of
   * one 64-bit draw: exact (no modulo bias), a division only on the rare rejection path (or
   * none, with the threshold computed once by {@link #threshold}).
   */
  static final class BoundedInts {
    static final long MASK = 0xFFFF_FFFFL;
    static final long MASK21 = (1L << 21) - 1;
    /** Largest n for 21-bit draws: rejection below n/2²¹ ≤ 1/32. */
    static final int MAX_N21 = 1 << 16;
    private final UniformRandomProvider rng;
    private long bits;
    private boolean half;

    BoundedInts(UniformRandomProvider rng) {
      this.rng = rng;
    }

    /** Lemire's rejection threshold for [0, n): 2³² mod n. */
    static long threshold(int n) {
      return (0x1_0000_0000L - n) % n;
    }

    /** Lemire's rejection threshold for [0, n) from 21 bits: 2²¹ mod n. */
    static long threshold21(int n) {
      return (1L << 21) % n;
    }

    int next(int n) {
      long m = next32() * n;
      long low = m & MASK;
      if (low < n) {
        final long t = threshold(n);
        while (low < t) {
          m = next32() * n;
          low = m & MASK;
        }
      }
      return (int) (m >>> 32);
    }

    /**
     * An integer in [0, n) from the 32 random bits {@code x}, or from fresh bits ({@link #next})
     * when Lemire's method rejects {@code x}; {@code t} = {@link #threshold}(n).
     */
    int bounded(long x, int n, long t) {
      final long m = x * n;
      return (m & MASK) < t ? next(n) : (int) (m >>> 32);
    }

    private long next32() {
      if (half) {
        half = false;
        return bits >>> 32;
      }
      bits = rng.nextLong();
      half = true;
      return bits & MASK;
    }
  }
}
