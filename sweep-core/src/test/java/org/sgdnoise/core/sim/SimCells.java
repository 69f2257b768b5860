package org.sgdnoise.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.result.CellEvaluator;
import org.sgdnoise.core.spec.SweepSpec;

/**
 * Cells of any kind for the simulation tests, written as the one-cell sweep file a user would
 * write (so every kind's validation and defaults apply), and the z-score assertion they share.
 */
final class SimCells {
  /** The sweep seed of every test cell. */
  static final long SEED = 20261127L;

  private SimCells() {}

  /**
   * The single cell of the sweep file {@code kind}, {@code params} (the body of a YAML flow
   * map, without lr) at learning rate {@code lr}, and {@code simulate} (a YAML flow map, or
   * {@code null} for theory only).
   */
  static Cell cell(String kind, double lr, String params, String simulate) {
    return cell(kind, "", lr, params, simulate);
  }

  /** As {@link #cell(String, double, String, String)} with top-level keys {@code top} (YAML). */
  static Cell cell(String kind, String top, double lr, String params, String simulate) {
    String yaml = "name: t\nkind: " + kind + "\nseed: " + SEED + "\n"
        + (top.isEmpty() ? "" : top + "\n") + "params: {lr: " + lr + ", " + params + "}\n"
        + (simulate == null ? "" : "simulate: " + simulate + "\n");
    SweepPlan plan = SweepPlan.of(SweepSpec.parse("t.yaml", yaml));
    assertThat(plan.size()).as("cells in %s", yaml).isEqualTo(1);
    return plan.cell(0);
  }

  /**
   * λ_c of the theory (N → ∞) for {@code kind} and {@code params}: the evaluator's own critical
   * learning rate of the theory-only cell (a data-set size {@code n} is dropped: streaming and
   * theory have none; high_dim keeps its alpha).
   */
  static double criticalLr(String kind, String params) {
    return criticalLr(kind, "", params);
  }

  /** As {@link #criticalLr(String, String)} with top-level keys {@code top} (YAML). */
  static double criticalLr(String kind, String top, String params) {
    String theoryOnly = params.replaceAll(",\\s*n:\\s*[0-9]+", "");
    return CellEvaluator.evaluate(cell(kind, top, 1.0, theoryOnly, null)).criticalLr();
  }

  /** |estimate − target| within {@code zMax} of the estimate's standard error. */
  static void assertWithin(String what, Estimate sim, double target, double zMax) {
    assertThat(sim.se()).as(what + ": standard error").isPositive();
    final double z = (sim.mean() - target) / sim.se();
    assertThat(Math.abs(z))
        .as("%s: sim %.6g ± %.2g vs %.6g (z = %.2f)", what, sim.mean(), sim.se(), target, z)
        .isLessThanOrEqualTo(zMax);
  }

  /** |a − b| within {@code zMax} standard errors of the difference of two independent estimates. */
  static void assertSame(String what, Estimate a, Estimate b, double zMax) {
    final double se = Math.hypot(a.se(), b.se());
    assertThat(se).as(what + ": standard error").isPositive();
    final double z = (a.mean() - b.mean()) / se;
    assertThat(Math.abs(z))
        .as("%s: %.6g ± %.2g vs %.6g ± %.2g (z = %.2f)", what, a.mean(), a.se(), b.mean(), b.se(),
            z)
        .isLessThanOrEqualTo(zMax);
  }
}
