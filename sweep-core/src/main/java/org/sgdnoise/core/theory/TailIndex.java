package org.sgdnoise.core.theory;

/**
 * Tail index of the stationary law of 1-d label-noise SGD (μ = 0, Gaussian inputs), after
 * {@code shared/theory/general-highdim-second-order-tails.md} §5.
 *
 * <p>One step is the Kesten recursion w_t = M_t w_{t−1} + Q_t with M = 1 − (aλ/S)χ²_S. By the
 * Kesten–Goldie theorem the tail index β is the positive root of E|M|^β = 1 (a stationary law
 * exists iff E log|M| &lt; 0); it depends only on aλ and S. The paper's Proposition 7,
 * β = 2S/(aλ) − S, is a variance-matching heuristic exact only at β = 2; the continuous-time
 * value (Mori et al. 2021) is β_cts = 2S/(aλ) + 1.
 *
 * <h2>The exact index in a few microseconds</h2>
 *
 * Write x = aλ, k = S/2, q₀ = S/x (the kink, where M = 0), τ = q/q₀ − 1 (so |M| = |τ|) and
 * P(τ) = q₀ p(q₀(1+τ)), p the χ²_S density. Then F(β) = E|M|^β = ∫ |τ|^β P(τ) dτ over τ &gt; −1
 * and Λ = ln F is convex with Λ(0) = 0: the index is the positive root of Λ. F is split into
 * three pieces, each integrated in closed form or by a rule on an analytic integrand:
 *
 * <ol>
 *   <li><b>Kink</b>, |τ| ≤ a: P(τ) = P(0) Σ p_j τ^j with p₀ = 1 and, from (1+τ)P' = (k − 1 −
 *       q₀(1+τ)/2)P, p_{j+1} = ((k − 1 − q₀/2 − j)p_j − (q₀/2)p_{j−1})/(j+1). The odd terms
 *       cancel, so the piece is 2P(0)a^(β+1) Σ_i p_{2i}a^(2i)/(β + 2i + 1): the |τ|^β cusp is
 *       integrated exactly for every β. a = min(½, 3/|k − 1 − q₀/2|, √(6/(k − 1))) keeps ln P
 *       within about ±{@value #KINK_LOG_VARIATION} of ln P(0) on [−a, a] (and inside the
 *       radius 1 of the series), so the terms fall geometrically after a short rise and the
 *       alternating sum loses at most a few digits to e³; it stops two terms below
 *       {@value #SERIES_TOL} of the largest.
 *   <li><b>Upper</b>, τ ≥ a, in w = ln τ: e^((β+1)w) P(e^w), analytic for |Im w| &lt; π and
 *       unimodal, its mode the positive root of (k/x)τ² + (k/x − k − β)τ − (β+1) = 0.
 *   <li><b>Lower</b>, τ ≤ −a, in v = √(q/q₀) ∈ [0, √(1−a)]: (1 − v²)^β P(v² − 1) 2v, analytic
 *       (∝ v^(S−1) at 0: no χ²₁ singularity) and log-concave, its mode from the quadratic
 *       (S/x)y² − (S/x + S − 1 + 2β)y + (S − 1) = 0 in y = v².
 * </ol>
 *
 * Each of the last two is cut to the window where its integrand exceeds e^(−{@value
 * #WINDOW_DROP}) of its peak (the log-integrand ψ is concave in τ, resp. v, so Newton steps from
 * the Gaussian estimate at the mode find the ends, and the tail beyond an end t is at most
 * e^ψ(t)/|ψ'(t)|), and skipped when its estimated mass is below 1e-20 of the largest piece's.
 * A window whose ends both lie inside the domain gets the trapezoid rule through the mode with
 * step h = min(0.7σ, d/6), σ the Gaussian scale at the mode and d the half-width of the strip
 * of analyticity (π in w; 1 − v for the branch point of (1 − v²)^β at v = 1): its error is
 * about e^(−2π²σ²/h²) + e^(−2πd/h) ≤ 5e-17 relative, with 20–40 nodes. Other windows (ending
 * at the kink or at v = 0, or needing more than {@value #MAX_TRAPEZOID} trapezoid nodes) get
 * composite {@value #GL_POINTS}-point Gauss–Legendre on panels of at most
 * {@value #GL_PANEL_SCALES} σ (error below 1e-15 for a Gaussian, less for the flatter
 * integrands that reach the kink). The density is evaluated as ln p(q) = −kφ(q/S) − ln(q/S)
 * − ½ln(8πk) − c(k), φ(r) = r − 1 − ln r, c(k) = ln Γ(k) minus its Stirling approximation: no
 * terms of size k cancel in the bulk, so at S = 10⁴ a node carries an absolute log error of
 * about √k·ε rather than k·ε.
 *
 * <p><b>Root.</b> A node's log-integrand is α_i + β b_i (b = ln|τ|), so once nodes are placed
 * for some β₀, Λ, Λ' and Λ'' at any β cost one exponential per node (and the kink sum). The
 * nodes serve every β with |β − β₀|·(max b − min b) ≤ {@value #REUSE_SPAN} (the integrand is
 * tilted by at most e^(±4) across its window, so the cut stays below e^(−38) ≈ 3e-17) and are
 * placed again otherwise. Halley's iteration on Λ, bracketed (Illinois regula falsi, or
 * doubling, when a step leaves the bracket), stops when its step is below {@value #STEP_TOL}·β
 * and returns the stepped point: with cubic convergence its error is then of order
 * (Λ'''/Λ')·(1e-5 β)³, below 1e-13 relative in every regime checked. The start comes from
 * {@link GuessTable}, a table of ρ = ln(β/(1 + β₇/2)), β₇ = 2S/x − S, that the solver builds
 * for itself on first use (870 solves, about 0.1 s): within 1e-5 of the root for most cells,
 * so a call takes one placement and one or two evaluations. The answer depends on the start
 * only through the last step's ~1e-15.
 *
 * <p><b>Cap, no law.</b> +∞ when the index exceeds {@link #MAX_INDEX}, i.e. (Λ convex) when
 * Λ(MAX_INDEX) &lt; 0. Most such cells are settled in ~0.2 µs by a Chernoff bound:
 * E[(1 − cq)^β; cq &lt; 1] ≤ (1 + 2βc)^(−k) and E[(cq − 1)^β; cq &gt; 1] ≤ (1 − 2θ)^(−k)
 * (βc/θ)^β e^(−β−θ/c), θ optimal; if their sum is below 1, so is F(MAX_INDEX). NaN when
 * E log|M| = Λ'(0) ≥ 0: for aλ &lt; 2S/(S+2), E M² &lt; 1 and Jensen gives E log|M| &lt; 0; for
 * aλ &gt; 2, Λ'(0) is evaluated first; in between, a negative Λ met by the search (or
 * Λ(β/2) &lt; 0 at the root β) proves that a law exists.
 *
 * <p><b>Error.</b> F is computed to about 1e-15 relative, so β carries an absolute error of
 * about 1e-15/Λ'(β) at the root: at most ~1e-13 relative except near the no-law boundary
 * (β → 0 and Λ' → 0, where every method loses digits) and at aλ ≈ 2 for large S, where
 * Λ' ≈ 4/S and the error grows like S (7e-13 relative at S = 10⁴, 5e-9 at S = 10⁶).
 * TailIndexAccuracyTest checks it against 20-digit references from an independent composite
 * quadrature in mpmath (within 1e-13 relative, 1e-11 within 0.01 of the no-law boundary), and
 * against the adaptive quadrature this class used before (1 ms to minutes a call) within 1e-9
 * over a dense grid, where their differences are that code's error. No state is shared
 * between calls (the table is built once, deterministically, before its first use): the result
 * is bit-identical whatever the order of the calls or the thread.
 */
public final class TailIndex {
  /** Above this the tail index is reported as +∞ (no power law measurable in practice). */
  public static final double MAX_INDEX = 1000;

  /** Gauss–Legendre points per quadrature piece. */
  private static final int GL_POINTS = 32;
  private static final double[] NODES = new double[GL_POINTS];
  private static final double[] WEIGHTS = new double[GL_POINTS];
  /** The window of a piece ends where its integrand is below e^(−this) of its peak. */
  private static final double WINDOW_DROP = 42;
  /** Nodes placed at β₀ serve β while |β − β₀| · (max b − min b) is at most this. */
  private static final double REUSE_SPAN = 4;
  /** The kink half-width a keeps |ln P(τ) − ln P(0)| to about this on [−a, a]. */
  private static final double KINK_LOG_VARIATION = 3;
  /** Largest kink half-width (the Taylor series of P has radius 1 when S is odd). */
  private static final double KINK_MAX_HALF_WIDTH = 0.5;
  /** Kink series: stop when two terms in a row are below this fraction of the largest. */
  private static final double SERIES_TOL = 1e-18;
  private static final int SERIES_MAX_TERMS = 240;
  /** Halley stops when its step is below this fraction of β (the error is then ~ its cube). */
  private static final double STEP_TOL = 1e-5;
  /** Bisection and regula falsi stop when the bracket is this narrow relative to β. */
  private static final double ROOT_TOL = 1e-14;
  /** Most trapezoid nodes per piece (composite Gauss–Legendre above it). */
  private static final int MAX_TRAPEZOID = 64;
  /** Gauss–Legendre panel length at most this many Gaussian scales of the piece's mode. */
  private static final double GL_PANEL_SCALES = 10;
  /** Most Gauss–Legendre panels per piece. */
  private static final int MAX_PANELS = 4;
  /** Initial node capacity (grown when a placement needs more). */
  private static final int INITIAL_NODES = 80;
  /** Trapezoid step in units of the Gaussian scale at the mode. */
  private static final double TRAPEZOID_STEP = 0.7;
  /** Trapezoid step at most strip/this (error e^(−2π·this) ≈ 5e-17 from the strip). */
  private static final double TRAPEZOID_STRIP = 6;
  /** A window end is accepted up to this far below its threshold. */
  private static final double WINDOW_SLACK = 3;
  private static final double LN2 = Math.log(2);
  private static final double LN_NEGLIGIBLE = Math.log(1e-20);
  private static final int MAX_ITERATIONS = 200;
  /** A root below this is returned as found (if a law exists) without further search. */
  private static final double MIN_INDEX = 1e-12;
  /** The Chernoff test claims E|M|^β < 1 only with this margin for its own rounding. */
  private static final double CHERNOFF_MARGIN = 1e-9;
  /** Newton steps taken at most to find a window end. */
  private static final int WINDOW_STEPS = 8;

  static {
    gaussLegendre(NODES, WEIGHTS);
  }

  /**
   * The Gauss–Legendre rule on [−1, 1] with {@code nodes.length} points, by Newton's method on
   * P_n; fills {@code nodes} and {@code weights}.
   */
  static void gaussLegendre(double[] nodes, double[] weights) {
    final int n = nodes.length;
    for (int i = 0; i < n; i++) {
      double x = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
      double dp = 0;
      for (int it = 0; it < 100; it++) {
        double p0 = 1;
        double p1 = x;
        for (int k = 2; k <= n; k++) {
          final double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        dp = n * (x * p1 - p0) / (x * x - 1);
        final double dx = p1 / dp;
        x -= dx;
        if (Math.abs(dx) < 1e-16) {
          break;
        }
      }
      nodes[i] = x;
      weights[i] = 2 / ((1 - x * x) * dp * dp);
    }
  }

  private TailIndex() {}

  /** Proposition 7 as printed: β = 2S/(aλ) − S. */
  public static double paper(double aLr, int batch) {
    return 2.0 * batch / aLr - batch;
  }

  /** The continuous-time tail index β_cts = 2S/(aλ) + 1. */
  public static double continuousTime(double aLr, int batch) {
    return 2.0 * batch / aLr + 1;
  }

  /**
   * The exact (Kesten) tail index: root β > 0 of E|1 − (aλ/S)χ²_S|^β = 1. NaN when no
   * stationary law exists (E log|M| ≥ 0); +∞ above {@link #MAX_INDEX}.
   */
  public static double kesten(double aLr, int batch) {
    if (!(aLr > 0) || batch < 1) {
      throw new IllegalArgumentException("Cannot compute tail index: need aλ > 0 and S >= 1: "
          + aLr + ", " + batch);
    }
    if (aLr == Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    if (chernoffBelowOne(aLr, batch, MAX_INDEX)) {
      return Double.POSITIVE_INFINITY;
    }
    return new Solver(aLr, batch).root(Math.min(initialGuess(aLr, batch), MAX_INDEX), MAX_INDEX);
  }

  /**
   * Whether a Chernoff bound proves E|M|^β &lt; 1 (so the index exceeds β). With c = aλ/S:
   * E[(1 − cq)^β; cq &lt; 1] ≤ E e^(−βcq) = (1 + 2βc)^(−k) and, for θ ∈ (0, ½),
   * E[(cq − 1)^β; cq &gt; 1] ≤ E e^(θq) · max_q (cq − 1)^β e^(−θq)
   * = (1 − 2θ)^(−k) (βc/θ)^β e^(−β − θ/c), at the θ that minimises it.
   */
  static boolean chernoffBelowOne(double aLr, int batch, double beta) {
    final double k = 0.5 * batch;
    final double c = aLr / batch;
    final double lower = -k * Math.log1p(2 * beta * c);
    // θ minimises −k ln(1 − 2θ) − β ln θ − θ/c: 2θ² + (2kc + 2βc − 1)θ − βc = 0, which for
    // ε = 1 − 2θ reads ε² − (1 + 2(k+β)c)ε + 2kc = 0; its small root, formed without
    // cancellation (ε ≈ 2kc when aλ is tiny).
    final double bq = 1 + 2 * (k + beta) * c;
    final double eps = 4 * k * c / (bq + Math.sqrt(bq * bq - 8 * k * c));
    final double theta = 0.5 * (1 - eps);
    final double upper = -k * Math.log(eps) + beta * Math.log(beta * c / theta) - beta
        - theta / c;
    // Sum below 1 ⟺ upper bound below 1 − lower bound, the latter via expm1 (exact also
    // when aλ is tiny and the lower bound is 1 − O(βaλ)).
    return Math.exp(upper) * (1 + CHERNOFF_MARGIN) < -Math.expm1(lower) * (1 - CHERNOFF_MARGIN);
  }

  /**
   * c(k) = ln Γ(k) − [(k − ½) ln k − k + ½ ln 2π], for k = S/2: from the exact half-integer
   * product below 20 (Γ(k) &lt; 10¹⁷ is formed in floating point, then one log), Stirling's
   * series (through k^−11, error &lt; 1e-17 at k = 20) above.
   */
  static double stirlingRemainder(double k) {
    if (k < 20) {
      double g = k == Math.rint(k) ? 1 : Math.sqrt(Math.PI);
      for (double j = k == Math.rint(k) ? 1 : 0.5; j < k - 1e-9; j += 1) {
        g *= j;
      }
      return Math.log(g) - ((k - 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI));
    }
    final double r = 1 / k;
    final double r2 = r * r;
    return r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680
        + r2 * (1.0 / 1188 + r2 * (-691.0 / 360360))))));
  }

  /** Initial guess for the root; only the search's starting point depends on it. */
  static double initialGuess(double aLr, int batch) {
    return GuessTable.guess(aLr, batch);
  }

  /**
   * The quadrature of F(β) = E|M|^β for one (aλ, S), with nodes placed for some β₀, and the
   * root search. One per call: nothing is shared.
   */
  static final class Solver {
    private final double x;
    private final double lnX;
    private final int s;
    private final double k;
    private final double lnS;
    /** ½ ln(8πk) + c(k): ln p(q) = −kφ(q/S) − ln(q/S) − h. */
    private final double h;
    /** ln P(0), P(τ) = q₀ p(q₀(1 + τ)). */
    private final double lnP0;
    /** Kink half-width a and ln a. */
    private final double a;
    private final double lnA;
    /** Kink series coefficients e_i = p_{2i} a^{2i}. */
    private final double[] kinkCoef;
    private final int kinkTerms;

    /** Placed nodes: log-integrand α_i + β b_i (weights included). */
    private double[] alpha = new double[INITIAL_NODES];
    private double[] slope = new double[INITIAL_NODES];
    private int nodes;
    private double placedAt = Double.NaN;
    /** |β − placedAt| ≤ reach keeps the nodes. */
    private double reach;
    /** Slope and curvature of the last log-integrand evaluated by psiUpper/psiLower. */
    private double lastSlope;
    private double lastCurvature;

    /** Results of the last evaluate(): Λ(β), Λ'(β), Λ''(β). */
    double lambda;
    double lambdaSlope;
    double lambdaCurvature;

    Solver(double aLr, int batch) {
      this.x = aLr;
      this.lnX = Math.log(aLr);
      this.s = batch;
      this.k = 0.5 * batch;
      this.lnS = Math.log(batch);
      this.h = 0.5 * Math.log(8 * Math.PI * k) + stirlingRemainder(k);
      final double q0 = batch / aLr;
      this.lnP0 = lnS - k * phi(1 / aLr, -lnX) - h;
      // Kink half-width.
      double half = KINK_MAX_HALF_WIDTH;
      final double d1 = Math.abs(k - 1 - 0.5 * q0);
      if (d1 * half > KINK_LOG_VARIATION) {
        half = KINK_LOG_VARIATION / d1;
      }
      if (k > 1 && (k - 1) * half * half > 2 * KINK_LOG_VARIATION) {
        half = Math.sqrt(2 * KINK_LOG_VARIATION / (k - 1));
      }
      this.a = half;
      this.lnA = Math.log(half);
      // Taylor coefficients u_j = p_j a^j of P(τ)/P(0); keep the even ones.
      final double[] coef = new double[SERIES_MAX_TERMS / 2 + 1];
      int n = 0;
      double uPrev = 0;
      double u = 1;
      double largest = 1;
      coef[n++] = 1;
      int small = 0;
      for (int j = 0; j < SERIES_MAX_TERMS; j++) {
        final double next = ((k - 1 - 0.5 * q0 - j) * half * u - 0.5 * q0 * half * half * uPrev)
            / (j + 1);
        uPrev = u;
        u = next;
        largest = Math.max(largest, Math.abs(u));
        if ((j + 1) % 2 == 0) {
          coef[n++] = u;
        }
        small = Math.abs(u) < SERIES_TOL * largest ? small + 1 : 0;
        if (small >= 2) {
          break;
        }
      }
      this.kinkCoef = coef;
      this.kinkTerms = n;
    }

    /** φ(r) = r − 1 − ln r ≥ 0 from r and ln r (absolute error of order ε|r − 1|). */
    private static double phi(double r, double lnR) {
      return (r - 1) - lnR;
    }

    /**
     * Upper piece, log-integrand in w = ln τ at β (without the quadrature weight):
     * (β+1)w + ln S − ln(1+τ) − kφ(r) − h, r = (1+τ)/x. Only ln r is a fresh logarithm (ln(1+τ)
     * = ln r + ln x enters with weight 1). Sets lastSlope and lastCurvature.
     */
    private double psiUpper(double w, double beta) {
      final double tau = Math.exp(w);
      final double onePlus = 1 + tau;
      final double r = onePlus / x;
      final double lnR = Math.log(r);
      lastSlope = (beta + 1) + (k - 1) * (tau / onePlus) - k * tau / x;
      lastCurvature = tau * ((k - 1) / (onePlus * onePlus) - k / x);
      return (beta + 1) * w + lnS - (lnR + lnX) - k * phi(r, lnR) - h;
    }

    /**
     * Lower piece, log-integrand in v = √(q/q₀) at β: β ln(1 − v²) + ln 2 + ln S − ln v
     * − kφ(r) − h, r = v²/x (ln v = (ln r + ln x)/2, weight 1). Sets lastSlope, lastCurvature.
     */
    private double psiLower(double v, double beta) {
      if (v == 0) {
        // v^(S−1) → 0 unless S = 1, where −ln v − ½φ(v²/x) → ½(1 − ln x).
        lastSlope = s == 1 ? 0 : Double.POSITIVE_INFINITY;
        lastCurvature = s == 1 ? -2 * beta - 2 * k / x : Double.NEGATIVE_INFINITY;
        return s == 1 ? LN2 + lnS + 0.5 * (1 - lnX) - h : Double.NEGATIVE_INFINITY;
      }
      final double oneMinus = (1 - v) * (1 + v);
      final double r = v * v / x;
      final double lnR = Math.log(r);
      lastSlope = -2 * beta * v / oneMinus + (2 * k - 1) / v - 2 * k * v / x;
      lastCurvature = -2 * beta * (1 + v * v) / (oneMinus * oneMinus) - (2 * k - 1) / (v * v)
          - 2 * k / x;
      final double lnOneMinus = beta == 0 ? 0 : beta * Math.log(oneMinus);
      return lnOneMinus + LN2 + lnS - 0.5 * (lnR + lnX) - k * phi(r, lnR) - h;
    }

    /**
     * The log-integrand of a piece in its search variable (τ for the upper piece, v for the
     * lower), where it is concave: sets lastSlope and lastCurvature in that variable.
     */
    private double searchPsi(boolean upper, double t, double beta) {
      if (!upper) {
        return psiLower(t, beta);
      }
      final double onePlus = 1 + t;
      final double r = onePlus / x;
      final double lnR = Math.log(r);
      final double slopeW = (beta + 1) + (k - 1) * (t / onePlus) - k * t / x;
      final double curvW = t * ((k - 1) / (onePlus * onePlus) - k / x);
      // d/dτ = (1/τ) d/dw, d²/dτ² = (ψ_ww − ψ_w)/τ².
      lastSlope = slopeW / t;
      lastCurvature = (curvW - slopeW) / (t * t);
      return (beta + 1) * Math.log(t) + lnS - (lnR + lnX) - k * phi(r, lnR) - h;
    }

    /** Whether the placed nodes serve β. */
    boolean covers(double beta) {
      return Math.abs(beta - placedAt) <= reach;
    }

    /** Places the nodes for β₀. */
    void place(double beta0) {
      nodes = 0;
      placedAt = beta0;
      // Modes.
      final double ak = k / x;
      final double bq = ak - k - beta0;
      final double dq = Math.sqrt(bq * bq + 4 * ak * (beta0 + 1));
      final double tauMode = bq < 0 ? (dq - bq) / (2 * ak) : 2 * (beta0 + 1) / (bq + dq);
      final double tauUpMode = Math.max(tauMode, a);
      final double vHi = Math.sqrt(1 - a);
      double vMode;
      if (s == 1) {
        vMode = 0;
      } else {
        final double al = s / x;
        final double bl = s / x + s - 1 + 2 * beta0;
        final double cl = s - 1;
        final double y = 2 * cl / (bl + Math.sqrt(Math.max(bl * bl - 4 * al * cl, 0)));
        vMode = Math.min(Math.sqrt(y), vHi);
      }
      // Peaks and Gaussian scales first (one evaluation each); windows only for the pieces
      // that are not negligible against the largest.
      final double upPeak = searchPsi(true, tauUpMode, beta0);
      final double upScale = scale(lastSlope, lastCurvature);
      final boolean upInterior = tauUpMode > a && lastCurvature < 0;
      final double upMass = upPeak + Math.log(Math.sqrt(2 * Math.PI) * upScale / tauUpMode);
      final double loPeak = searchPsi(false, vMode, beta0);
      final double loScale = scale(lastSlope, lastCurvature);
      final boolean loInterior = vMode > 0 && vMode < vHi && lastCurvature < 0;
      final double loMass = loPeak
          + Math.log(Math.min(Math.sqrt(2 * Math.PI) * loScale, vHi));
      final double total = Math.max(Math.max(upMass, loMass), kinkLog(beta0));
      // The kink piece is exact for every β: only the node pieces limit the reach.
      double bMin = Double.POSITIVE_INFINITY;
      double bMax = Double.NEGATIVE_INFINITY;
      if (upMass - total > LN_NEGLIGIBLE) {
        final double target = upPeak - WINDOW_DROP;
        final double lo = upInterior ? end(true, tauUpMode, a, -1, upScale, target, beta0) : a;
        final double hi = end(true, tauUpMode, Double.POSITIVE_INFINITY, 1, upScale, target,
            beta0);
        final double wLo = Math.log(lo);
        final double wHi = Math.log(hi);
        // Scale for the rules in w: off the real axis −(k/x)τ grows like (k/x)τ(1 − cos y)
        // while (k−1)ln(1+τ) cannot shrink it, so the step must resolve the gross curvature
        // (k/x)τ, not only the net one τ((k/x) − (k−1)/(1+τ)²) (they differ where the
        // integrand has a shoulder, as for large S near aλ = 2).
        final double onePlus = 1 + tauUpMode;
        final double gross = Math.max(k * tauUpMode / x,
            -tauUpMode * ((k - 1) / (onePlus * onePlus) - k / x));
        final double wScale = Math.min(1 / Math.sqrt(gross), upScale / tauUpMode);
        // Strip of analyticity in w: |Im w| < π ((1+τ)^(k−1) at τ = −1).
        addNodes(true, wLo, wHi, Math.log(tauUpMode), wScale, upInterior && lo > a, Math.PI);
        bMin = Math.min(bMin, wLo);
        bMax = Math.max(bMax, wHi);
      }
      if (loMass - total > LN_NEGLIGIBLE) {
        final double target = loPeak - WINDOW_DROP;
        final double lo = vMode > 0 ? end(false, vMode, 0, -1, loScale, target, beta0) : 0;
        final double hi = vMode < vHi ? end(false, vMode, vHi, 1, loScale, target, beta0) : vHi;
        // Strip: the branch point of (1 − v²)^β at v = 1.
        addNodes(false, lo, hi, vMode, loScale, loInterior && lo > 0 && hi < vHi, 1 - hi);
        bMin = Math.min(bMin, Math.log1p(-hi * hi));
        bMax = Math.max(bMax, lo == 0 ? 0 : Math.log1p(-lo * lo));
      }
      reach = nodes == 0 ? Double.POSITIVE_INFINITY : REUSE_SPAN / (bMax - bMin);
    }

    /** Gaussian scale at a mode: from the curvature, or from the slope when clipped. */
    private static double scale(double slopeAtMode, double curvature) {
      return curvature < 0 ? 1 / Math.sqrt(-curvature)
          : 1 / Math.max(Math.abs(slopeAtMode), 1e-3);
    }

    /**
     * One end of a window, in direction dir from the mode: a point where the (concave)
     * log-integrand is within WINDOW_SLACK below target, by Newton steps kept inside the
     * bracket [last point above target, last point at or below it] (bisection otherwise), from
     * the Gaussian estimate mode ± √(2·WINDOW_DROP)·scale. Returns a point at or below target,
     * or the domain bound if the integrand is still above target there.
     */
    private double end(boolean upper, double mode, double bound, int dir, double scale,
        double target, double beta) {
      double inside = mode;
      double outside = Double.NaN;
      double t = mode + dir * Math.sqrt(2 * WINDOW_DROP) * scale;
      if ((t - bound) * dir >= 0) {
        t = bound;
      }
      for (int i = 0; i < WINDOW_STEPS; i++) {
        final double v = searchPsi(upper, t, beta);
        final double g = lastSlope;
        if (v > target) {
          inside = t;
          if (t == bound) {
            return bound;
          }
        } else {
          outside = t;
          if (v >= target - WINDOW_SLACK) {
            return t;
          }
        }
        double next = g * dir < 0 && Double.isFinite(v) ? t + (target - v) / g : Double.NaN;
        if (!Double.isNaN(outside)) {
          if (!((next - inside) * dir > 0 && (outside - next) * dir > 0)) {
            next = 0.5 * (inside + outside);
          }
        } else {
          if (!((next - t) * dir > 0)) {
            next = t + dir * Math.max(Math.abs(t - mode), scale);
          }
          if ((next - bound) * dir >= 0) {
            next = bound;
          }
        }
        t = next;
      }
      return Double.isNaN(outside) ? bound : outside;
    }

    /**
     * Nodes for one piece on [lo, hi] (in w for the upper piece, v for the lower): the
     * trapezoid rule with step min(TRAPEZOID_STEP·scale, strip/TRAPEZOID_STRIP) through the
     * mode when the window is interior (the integrand is then below e^(−40) of its peak at both
     * ends and analytic in a strip of half-width {@code strip}, so the rule's error is about
     * e^(−2π·strip/step)), Gauss–Legendre otherwise or when the trapezoid would need more than
     * MAX_TRAPEZOID points.
     */
    private void addNodes(boolean upper, double lo, double hi, double mode, double scale,
        boolean interior, double strip) {
      if (interior) {
        final double step = Math.min(TRAPEZOID_STEP * scale, strip / TRAPEZOID_STRIP);
        final int left = (int) Math.ceil((mode - lo) / step);
        final int right = (int) Math.ceil((hi - mode) / step);
        if (left + right + 1 <= MAX_TRAPEZOID) {
          final double lnStep = Math.log(step);
          for (int j = -left; j <= right; j++) {
            addNode(upper, mode + j * step, lnStep);
          }
          return;
        }
      }
      // Composite Gauss–Legendre: panels of at most GL_PANEL_SCALES Gaussian scales.
      final int panels = (int) Math.min(MAX_PANELS,
          Math.max(1, Math.ceil((hi - lo) / (GL_PANEL_SCALES * scale))));
      final double width = (hi - lo) / panels;
      final double half = 0.5 * width;
      for (int p = 0; p < panels; p++) {
        final double mid = lo + (p + 0.5) * width;
        for (int i = 0; i < GL_POINTS; i++) {
          addNode(upper, mid + half * NODES[i], Math.log(WEIGHTS[i] * half));
        }
      }
    }

    /** One node: α = log-integrand at β = 0 plus ln(weight), b = ln|τ|. Two logarithms each. */
    private void addNode(boolean upper, double t, double lnWeight) {
      if (nodes == alpha.length) {
        alpha = java.util.Arrays.copyOf(alpha, 2 * nodes);
        slope = java.util.Arrays.copyOf(slope, 2 * nodes);
      }
      if (upper) {
        alpha[nodes] = psiUpper(t, 0) + lnWeight;
        slope[nodes] = t;
      } else {
        alpha[nodes] = psiLower(t, 0) + lnWeight;
        slope[nodes] = Math.log((1 - t) * (1 + t));
      }
      nodes++;
    }

    /** ln of the kink piece at β (−∞ when it underflows). */
    private double kinkLog(double beta) {
      double sum = 0;
      for (int i = 0; i < kinkTerms; i++) {
        sum += kinkCoef[i] / (beta + 2 * i + 1);
      }
      return sum > 0 ? LN2 + lnP0 + (beta + 1) * lnA + Math.log(sum) : Double.NEGATIVE_INFINITY;
    }

    /** Sets Λ(β), Λ'(β), Λ''(β) with the placed nodes. */
    void evaluate(double beta) {
      // Kink: K = 2P(0)a^(β+1) Σ e_i d_i, d_i = 1/(β + 2i + 1); ∂_β d_i = −d_i².
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      for (int i = 0; i < kinkTerms; i++) {
        final double d = 1 / (beta + 2 * i + 1);
        final double t = kinkCoef[i] * d;
        s0 += t;
        s1 += t * d;
        s2 += t * d * d;
      }
      final double kink = s0 > 0 ? LN2 + lnP0 + (beta + 1) * lnA + Math.log(s0)
          : Double.NEGATIVE_INFINITY;
      // K'/K = ln a − s1/s0, K''/K = (ln a)² − 2 ln a s1/s0 + 2 s2/s0.
      final double r1 = s0 > 0 ? s1 / s0 : 0;
      final double kinkD1 = lnA - r1;
      final double kinkD2 = lnA * lnA - 2 * lnA * r1 + (s0 > 0 ? 2 * s2 / s0 : 0);
      double m = kink;
      for (int i = 0; i < nodes; i++) {
        m = Math.max(m, alpha[i] + beta * slope[i]);
      }
      double q = 0;
      double q1 = 0;
      double q2 = 0;
      for (int i = 0; i < nodes; i++) {
        final double b = slope[i];
        final double e = Math.exp(alpha[i] + beta * b - m);
        q += e;
        q1 += b * e;
        q2 += b * b * e;
      }
      final double ek = Math.exp(kink - m);
      q += ek;
      q1 += kinkD1 * ek;
      q2 += kinkD2 * ek;
      lambda = m + Math.log(q);
      lambdaSlope = q1 / q;
      lambdaCurvature = q2 / q - lambdaSlope * lambdaSlope;
    }

    /** Λ(β) and Λ'(β), placing nodes at β when the current ones do not serve it. */
    void at(double beta) {
      if (!covers(beta)) {
        place(beta);
      }
      evaluate(beta);
    }

    /**
     * The root of Λ in (0, cap], +∞ above it, NaN without one, from the guess. Each step
     * is Halley's (cubic; Λ'' comes with Λ') when it stays strictly inside the bracket (lo:
     * Λ &lt; 0, hi: Λ &gt; 0), else Illinois regula falsi on the bracket, else (one side unknown)
     * doubling or halving. It stops when a Halley step is below STEP_TOL·β (the stepped point
     * is then within about (STEP_TOL)³ of the root) or the bracket is ROOT_TOL narrow.
     */
    double root(double guess, double cap) {
      final boolean jensen = x < 2.0 * s / (s + 2);
      if (x > 2) {
        // Beyond aλ = 2 a law may not exist: E log|M| = Λ'(0) first.
        at(0);
        if (!(lambdaSlope < 0)) {
          return Double.NaN;
        }
      }
      double lo = 0;
      double gLo = Double.NaN;
      double hi = Double.POSITIVE_INFINITY;
      double gHi = Double.NaN;
      int side = 0;
      double beta = guess;
      for (int it = 0; it < MAX_ITERATIONS; it++) {
        at(beta);
        final double g = lambda;
        final double dg = lambdaSlope;
        final double ddg = lambdaCurvature;
        if (g < 0) {
          if (beta >= cap) {
            return Double.POSITIVE_INFINITY;
          }
          lo = beta;
          gLo = g;
          if (side == -1 && !Double.isNaN(gHi)) {
            gHi *= 0.5;
          }
          side = -1;
        } else {
          hi = beta;
          gHi = g;
          if (side == 1 && !Double.isNaN(gLo)) {
            gLo *= 0.5;
          }
          side = 1;
        }
        final boolean proven = jensen || x > 2 || !Double.isNaN(gLo);
        // Halley: β − 2ΛΛ'/(2Λ'² − ΛΛ'').
        final double denom = 2 * dg * dg - g * ddg;
        final double step = dg > 0 && denom > 0 ? 2 * g * dg / denom : Double.NaN;
        double next = beta - step;
        if (Math.abs(step) <= STEP_TOL * beta) {
          if (next <= cap || beta >= cap) {
            // At the cap Λ ≥ 0 here, so the root is at most the cap.
            return certified(Math.min(next, cap), proven);
          }
          next = cap;
        }
        if (!(next > lo && next < hi)) {
          if (!Double.isNaN(gLo) && !Double.isNaN(gHi)) {
            next = (lo * gHi - hi * gLo) / (gHi - gLo);
            if (!(next > lo && next < hi)) {
              next = 0.5 * (lo + hi);
            }
          } else if (Double.isNaN(gHi)) {
            next = 2 * beta;
          } else {
            next = 0.5 * (lo + hi);
          }
        }
        if (next > cap) {
          if (beta >= cap) {
            return Double.POSITIVE_INFINITY;
          }
          next = cap;
        }
        if (hi < Double.POSITIVE_INFINITY && hi - lo <= ROOT_TOL * hi) {
          return certified(0.5 * (lo + hi), proven);
        }
        if (hi < MIN_INDEX) {
          return certified(hi, proven);
        }
        beta = next;
      }
      return certified(Double.isInfinite(hi) ? lo : 0.5 * (lo + hi), jensen || !Double.isNaN(gLo));
    }

    /** The root, or NaN when E log|M| = Λ'(0) ≥ 0 and nothing proved a law exists. */
    private double certified(double beta, boolean proven) {
      if (proven) {
        return beta;
      }
      // A law exists iff Λ < 0 somewhere on (0, ∞); by convexity Λ(β/2) < 0 if β is a root.
      if (covers(0.5 * beta)) {
        evaluate(0.5 * beta);
        if (lambda < 0) {
          return beta;
        }
      }
      at(0);
      return lambdaSlope < 0 ? beta : Double.NaN;
    }
  }

  /**
   * Starting points for the root search: ρ = ln(β/(1 + β₇/2)), β₇ = 2S/x − S the Proposition 7
   * index, tabulated on p = ln(1 + β₇/2) ∈ [0, 7] (step ¼; x from 2 down to where β ≈ 1000 or
   * more) for S in ROWS, and interpolated by 4-point Lagrange in p and in ln S. ρ is bounded
   * (→ ln 1.7955 as aλ → 0, → 0 as S → ∞ at fixed β₇, ln β(2, S) at p = 0) and smooth, so the
   * guess is typically within a fraction of a percent. Built on first use by the solver itself
   * (each entry from its row neighbour), deterministically; it only picks where the search
   * starts. Beyond S = 16384 the last row is used, for aλ &gt; 2 the p = 0 column scaled by
   * 1 + β₇/2.
   */
  static final class GuessTable {
    /** Table rows: S values, roughly geometric. */
    static final int[] ROWS = {1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 96,
        128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 4096, 8192, 16384};
    static final double P_STEP = 0.25;
    static final int COLUMNS = 29;
    /** The solver's cap while building (p = 7 means β ≲ 2000). */
    private static final double BUILD_CAP = 8000;
    private static final double[] LN_ROWS = new double[ROWS.length];
    private static final double[][] RHO = new double[ROWS.length][COLUMNS];

    static {
      for (int r = 0; r < ROWS.length; r++) {
        final int s = ROWS[r];
        LN_ROWS[r] = Math.log(s);
        double prev = Double.NaN;
        for (int c = 0; c < COLUMNS; c++) {
          final double p = c * P_STEP;
          final double b7 = 2 * Math.expm1(p);
          final double x = 2.0 * s / (s + b7);
          final double start = Double.isNaN(prev) ? asymptotic(x, s)
              : Math.exp(prev + p);
          final double beta = new Solver(x, s).root(Math.min(start, BUILD_CAP), BUILD_CAP);
          RHO[r][c] = Math.log(beta) - p;
          prev = RHO[r][c];
        }
      }
    }

    private GuessTable() {}

    static double guess(double aLr, int batch) {
      final double b7 = 2.0 * batch / aLr - batch;
      final double p = b7 >= 0 ? Math.log1p(0.5 * b7) : 0;
      final double pc = Math.min(p, (COLUMNS - 1) * P_STEP);
      // Rows: the 4 around ln S (clamped to the table).
      final double ls = Math.log(batch);
      int r0 = 0;
      while (r0 + 1 < ROWS.length && ROWS[r0 + 1] <= batch) {
        r0++;
      }
      r0 = Math.max(0, Math.min(r0 - 1, ROWS.length - 4));
      // Columns: the 4 around p.
      int c0 = (int) Math.floor(pc / P_STEP) - 1;
      c0 = Math.max(0, Math.min(c0, COLUMNS - 4));
      final double u = pc / P_STEP - c0;
      double rho = 0;
      for (int i = 0; i < 4; i++) {
        // Lagrange weight in ln S (clamped at the last row).
        final double lsc = Math.min(ls, LN_ROWS[ROWS.length - 1]);
        double wr = 1;
        for (int j = 0; j < 4; j++) {
          if (j != i) {
            wr *= (lsc - LN_ROWS[r0 + j]) / (LN_ROWS[r0 + i] - LN_ROWS[r0 + j]);
          }
        }
        double row = 0;
        for (int c = 0; c < 4; c++) {
          double wc = 1;
          for (int j = 0; j < 4; j++) {
            if (j != c) {
              wc *= (u - j) / (c - j);
            }
          }
          row += wc * RHO[r0 + i][c0 + c];
        }
        rho += wr * row;
      }
      final double scale = b7 >= 0 ? 1 + 0.5 * b7 : Math.max(1 + 0.5 * b7, 0.05);
      return Math.exp(rho + (b7 >= 0 ? pc : 0) + (p > pc ? p - pc : 0)) * (b7 >= 0 ? 1 : scale);
    }

    /**
     * Asymptotic start: β ≈ 1 + β₇/2 for large S at fixed β₇ (Gaussian limit), ≈ 1.7955 S/x as
     * x → 0 (λ → 0), blended.
     */
    static double asymptotic(double aLr, int batch) {
      final double b7 = 2.0 * batch / aLr - batch;
      final double small = 1.7955 * batch / aLr;
      final double large = 1 + 0.5 * b7;
      if (b7 <= 0) {
        return 0.5;
      }
      final double w = batch / (batch + b7);
      return w * large + (1 - w) * small;
    }
  }
}
