package org.sgdnoise.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;
import org.sgdnoise.core.plan.Refinement.Bracket;
import org.sgdnoise.core.plan.Refinement.Slice;
import org.sgdnoise.core.plan.Refinement.Verdict;
import org.sgdnoise.core.result.CellEvaluator;
import org.sgdnoise.core.spec.Param;
import org.sgdnoise.core.spec.SweepSpec;

/** Bisection logic of {@link Refinement}, and refined cells being ordinary cells. */
class RefinementTest {
  private static final double TOL = 1e-3;

  private static SweepPlan plan(String params, String refine) {
    return SweepPlan.of(SweepSpec.parse("t.yaml", "name: t\nkind: label_noise\nparams:\n"
        + params + "refine:\n" + refine));
  }

  /** Runs rounds on one slice with a verdict function; returns the rounds used. */
  private static int bisect(Refinement r, Slice s, DoublePredicate far, int maxRounds) {
    int rounds = 0;
    for (List<Double> next = r.next(s); !next.isEmpty() && rounds < maxRounds;
        next = r.next(s)) {
      rounds++;
      for (double x : next) {
        s.put(x, Verdict.of(far.test(x)));
      }
    }
    return rounds;
  }

  private static Slice slice(double[] xs, DoublePredicate far) {
    Slice s = new Slice();
    for (double x : xs) {
      s.put(x, Verdict.of(far.test(x)));
    }
    return s;
  }

  @Test
  void geometricBisectionReachesTheToleranceAroundTheBoundary() {
    SweepPlan p = plan("  lr: {logspace: {from: 0.01, to: 10, num: 8}}\n  batch: 4\n",
        "  axis: lr\n  tolerance: 1.0e-3\n");
    Refinement r = Refinement.of(p);
    assertThat(r.geometric()).isTrue();
    final double critical = 0.7312345;
    DoublePredicate far = x -> x >= critical;
    double[] grid = new double[8];
    for (int i = 0; i < 8; i++) {
      grid[i] = p.cell(i).lr();
    }
    Slice s = slice(grid, far);
    int rounds = bisect(r, s, far, 100);
    List<Bracket> b = r.brackets(s);
    assertThat(b).hasSize(1);
    assertThat(b.get(0).lo()).isLessThan(critical);
    assertThat(b.get(0).hi()).isGreaterThanOrEqualTo(critical);
    assertThat(b.get(0).hi() / b.get(0).lo() - 1).isLessThanOrEqualTo(TOL);
    assertThat(b.get(0).resolved()).isTrue();
    // Each round halves ln(hi/lo): from ln(1000^(1/7)) to at most ln(1.001).
    int expected = (int) Math.ceil(Math.log(Math.log(1000) / 7 / Math.log1p(TOL)) / Math.log(2));
    assertThat(rounds).isEqualTo(expected);
    assertThat(s.size()).isEqualTo(8 + rounds);
    // Dense: ⌈ln(1000)/ln(1.001)⌉ + 1 = 6912 + 1 points per slice, one slice.
    assertThat(r.densePointsPerSlice()).isEqualTo(
        (long) Math.ceil(Math.log(1000) / Math.log1p(TOL)) + 1);
    assertThat(r.denseCells()).isEqualTo(r.densePointsPerSlice());
  }

  @Test
  void arithmeticBisectionAcrossZeroUsesTheGridRange() {
    SweepSpec spec = SweepSpec.parse("t.yaml", """
        name: t
        kind: l2
        params:
          lr: 0.1
          batch: 1
          weight_decay: {linspace: {from: -1, to: 1, num: 5}}
        refine: {axis: weight_decay, boundary: gamma_star_sign, tolerance: 0.01}
        """);
    Refinement r = Refinement.of(SweepPlan.of(spec));
    assertThat(r.geometric()).isFalse();
    assertThat(r.midpoint(-1, 0.5)).isEqualTo(-0.25);
    assertThat(r.width(-0.5, 0.0)).isEqualTo(0.25);
    assertThat(r.densePointsPerSlice()).isEqualTo(101);
    final double edge = -0.123;
    DoublePredicate far = x -> x < edge;
    Slice s = slice(new double[] {-1, -0.5, 0, 0.5, 1}, far);
    bisect(r, s, far, 100);
    Bracket b = r.brackets(s).get(0);
    assertThat(b.lo()).isLessThan(edge);
    assertThat(b.hi()).isGreaterThanOrEqualTo(edge);
    assertThat((b.hi() - b.lo()) / 2).isLessThanOrEqualTo(0.01);
  }

  @Test
  void everyBracketIsBisectedAndUnknownPointsEndBrackets() {
    SweepPlan p = plan("  lr: [0.1, 0.2, 0.4, 0.8, 1.6, 3.2]\n  batch: 1\n",
        "  axis: lr\n  tolerance: 0.01\n");
    Refinement r = Refinement.of(p);
    // Far side on (0.3, 1.0): two brackets, both narrowed.
    DoublePredicate far = x -> x > 0.3 && x < 1.0;
    Slice s = slice(new double[] {0.1, 0.2, 0.4, 0.8, 1.6, 3.2}, far);
    assertThat(r.next(s)).containsExactly(Math.sqrt(0.2) * Math.sqrt(0.4),
        Math.sqrt(0.8) * Math.sqrt(1.6));
    bisect(r, s, far, 100);
    List<Bracket> b = r.brackets(s);
    assertThat(b).hasSize(2);
    assertThat(b).allMatch(Bracket::resolved);
    assertThat(b.get(0).lo()).isLessThanOrEqualTo(0.3);
    assertThat(b.get(0).hi()).isGreaterThan(0.3);
    assertThat(b.get(1).lo()).isLessThan(1.0);
    assertThat(b.get(1).hi()).isGreaterThanOrEqualTo(1.0);

    // A failed cell between two verdicts: no bracket across it, nothing proposed again.
    Slice t = new Slice();
    t.put(0.1, Verdict.NO);
    t.put(0.2, Verdict.UNKNOWN);
    t.put(0.4, Verdict.YES);
    assertThat(r.brackets(t)).isEmpty();
    assertThat(r.next(t)).isEmpty();
  }

  @Test
  void theSameVerdictsGiveTheSamePointsInAnyInsertionOrder() {
    SweepPlan p = plan("  lr: [0.1, 1, 10]\n  batch: 1\n", "  axis: lr\n");
    Refinement r = Refinement.of(p);
    Slice a = new Slice();
    Slice b = new Slice();
    double[] xs = {0.1, 1, 10, 3.0, 0.3};
    for (int i = 0; i < xs.length; i++) {
      a.put(xs[i], Verdict.of(xs[i] > 2));
      b.put(xs[xs.length - 1 - i], Verdict.of(xs[xs.length - 1 - i] > 2));
    }
    assertThat(r.next(a)).isEqualTo(r.next(b)).hasSize(1);
  }

  @Test
  void aBracketTooNarrowForDoublesIsNotSplit() {
    SweepPlan p = plan("  lr: [0.1, 1]\n  batch: 1\n", "  axis: lr\n  tolerance: 1e-12\n");
    Refinement r = Refinement.of(p);
    Slice s = new Slice();
    s.put(1.0, Verdict.NO);
    s.put(Math.nextUp(1.0), Verdict.YES);
    assertThat(r.brackets(s).get(0).splittable()).isFalse();
    assertThat(r.next(s)).isEmpty();
  }

  @Test
  void slicesAreTheGridCellsThatShareEverythingButTheAxis() {
    SweepPlan p = plan("  batch: [1, 2, 4]\n  lr: [0.1, 0.2, 0.3, 0.4]\n  momentum: [0, 0.5]\n",
        "  axis: lr\n");
    Refinement r = Refinement.of(p);
    assertThat(r.slices()).isEqualTo(6);
    Map<Long, List<Long>> bySlice = new TreeMap<>();
    for (long i = 0; i < p.size(); i++) {
      bySlice.computeIfAbsent(r.sliceOf(i), k -> new ArrayList<>()).add(i);
    }
    assertThat(bySlice).hasSize(6);
    for (Map.Entry<Long, List<Long>> e : bySlice.entrySet()) {
      Cell first = p.cell(e.getKey());
      assertThat(first.lr()).isEqualTo(0.1);
      assertThat(e.getValue()).hasSize(4).allSatisfy(i -> {
        assertThat(p.cell(i).batch()).isEqualTo(first.batch());
        assertThat(p.cell(i).momentum()).isEqualTo(first.momentum());
      });
    }
  }

  @Test
  void aRefinedCellIsTheCellThatAGridWithItsValueWouldHave() {
    SweepPlan coarse = plan("  lr: [0.1, 0.4]\n  batch: [2, 8]\n  momentum: 0.5\n",
        "  axis: lr\n");
    SweepPlan fine = SweepPlan.of(SweepSpec.parse("t.yaml",
        "name: t\nkind: label_noise\nparams:\n  lr: [0.1, 0.2, 0.4]\n  batch: [2, 8]\n"
            + "  momentum: 0.5\n"));
    // Slice batch = 8 is grid index 1 (lr slowest); lr = 0.2 sits at fine index 3.
    Cell refined = coarse.cellAt(4, 1, Param.LR, 0.2);
    Cell same = fine.cell(3);
    assertThat(refined.cellId()).isEqualTo(same.cellId());
    assertThat(refined.index()).isEqualTo(4);
    assertThat(refined.batch()).isEqualTo(8);
    assertThat(CellEvaluator.evaluate(refined).theory())
        .isEqualTo(CellEvaluator.evaluate(same).theory());
    assertThatThrownBy(() -> coarse.cellAt(4, 1, Param.BATCH, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch");
  }

  @Test
  void theTheoryBoundaryIsBracketedByBisectingRealCells() {
    // The driver's loop without Spark: label noise in 1-d, λ × S, theory verdicts.
    SweepPlan p = plan("  batch: [1, 4, 64]\n  lr: {logspace: {from: 0.05, to: 20, num: 8}}\n"
        + "  spectrum: [1.0]\n", "  axis: lr\n  tolerance: 1.0e-3\n");
    Refinement r = Refinement.of(p);
    Map<Long, Slice> slices = new TreeMap<>();
    for (long i = 0; i < p.size(); i++) {
      Cell c = p.cell(i);
      slices.computeIfAbsent(r.sliceOf(i), k -> new Slice())
          .put(c.lr(), Verdict.of(CellEvaluator.evaluate(c).theory().diverges()));
    }
    long index = p.size();
    for (int round = 0; round < 40; round++) {
      boolean any = false;
      for (Map.Entry<Long, Slice> e : slices.entrySet()) {
        for (double x : r.next(e.getValue())) {
          Cell c = p.cellAt(index++, e.getKey(), Param.LR, x);
          e.getValue().put(x, Verdict.of(CellEvaluator.evaluate(c).theory().diverges()));
          any = true;
        }
      }
      if (!any) {
        break;
      }
    }
    for (Map.Entry<Long, Slice> e : slices.entrySet()) {
      double critical = CellEvaluator.evaluate(p.cell(e.getKey())).criticalLr();
      List<Bracket> b = r.brackets(e.getValue());
      assertThat(b).as("slice %d", e.getKey()).hasSize(1);
      assertThat(critical).isBetween(b.get(0).lo(), b.get(0).hi());
      assertThat(b.get(0).width()).isLessThanOrEqualTo(TOL);
    }
    assertThat(index - p.size()).isLessThan(3 * 12);
  }
}
