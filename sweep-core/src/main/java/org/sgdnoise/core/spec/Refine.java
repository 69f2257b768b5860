package org.sgdnoise.core.spec;

/**
 * The {@code refine:} section: locate a boundary along one grid axis by bisection, slice by
 * slice, after the coarse grid has run (docs/spec.md, "refine").
 *
 * @param axis the grid parameter refined along (a real-valued axis of its own, not zipped)
 * @param boundary what changes across the boundary
 * @param source whose verdict is bisected: the theory's or the simulation's
 * @param tolerance the bracket width to reach: hi/lo − 1 on a positive axis, (hi − lo)/(the
 *     grid's range) otherwise
 * @param maxRounds most bisection rounds (one Spark wave each)
 */
public record Refine(Param axis, Boundary boundary, Source source, double tolerance,
    int maxRounds) implements java.io.Serializable {

  /** Default tolerance. */
  public static final double DEFAULT_TOLERANCE = 1e-3;
  /** Smallest tolerance: a few hundred ulps above double precision. */
  public static final double MIN_TOLERANCE = 1e-12;
  /** Default and largest round cap. */
  public static final int DEFAULT_MAX_ROUNDS = 40;
  public static final int MAX_ROUNDS = 200;

  /** What flips across the boundary. */
  public enum Boundary {
    /** A cell diverges (theory_diverges, or sim_diverged_fraction ≥ 0.5). */
    DIVERGENCE("divergence"),
    /** theory_gamma_star changes sign (kind l2). */
    GAMMA_STAR_SIGN("gamma_star_sign");

    private final String yamlName;

    Boundary(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  /** Whose verdict decides a cell's side of the boundary. */
  public enum Source {
    THEORY("theory"),
    SIMULATION("simulation");

    private final String yamlName;

    Source(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }
}
