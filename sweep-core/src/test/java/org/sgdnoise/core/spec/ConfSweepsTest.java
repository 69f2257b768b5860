package org.sgdnoise.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.result.CellEvaluator;
import org.sgdnoise.core.result.CellResult;

/**
 * Every shipped sweep file is valid and named after its file; the theory of every cell of every
 * sweep (simulating ones with their simulation switched off: simulations are tested elsewhere)
 * computes without error, and each kind's divergence flag agrees with its own critical learning
 * rate (diverges ⇔ lr ≥ λ_c, away from the edge). The real-data presets (Figure 1) have no
 * theory; they are run by {@code FigureOneTest}.
 */
class ConfSweepsTest {
  /** Cells closer than this (relative) to λ_c are not checked: bisection tolerance. */
  private static final double EDGE = 1e-9;

  static Stream<Path> sweepFiles() throws Exception {
    return Files.list(Path.of("../conf/sweeps")).filter(p -> p.toString().endsWith(".yaml"))
        .sorted();
  }

  static Stream<Path> linearSweepFiles() throws Exception {
    return sweepFiles().filter(p -> {
      try {
        return !SweepSpec.parse(p.getFileName().toString(), Files.readString(p)).kind()
            .trains();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  @ParameterizedTest
  @MethodSource("sweepFiles")
  void shippedSweepFileIsValid(Path file) throws Exception {
    SweepSpec spec = SweepSpec.parse(file.getFileName().toString(), Files.readString(file));
    assertThat(file.getFileName().toString()).isEqualTo(spec.name() + ".yaml");
    assertThat(spec.cellCount()).isPositive();
  }

  @ParameterizedTest
  @MethodSource("linearSweepFiles")
  void theoryOfEveryCellComputesAndAgreesWithItsCriticalLr(Path file) throws Exception {
    SweepSpec parsed = SweepSpec.parse(file.getFileName().toString(), Files.readString(file));
    SweepSpec spec = new SweepSpec(parsed.name(), parsed.kind(), parsed.seed(), parsed.params(),
        parsed.dimensions(), Simulate.NONE, parsed.lrMatrix(), parsed.matrices(), parsed.refine(),
        parsed.train(), parsed.source(), parsed.text());
    SweepPlan plan = SweepPlan.of(spec);
    for (long i = 0; i < plan.size(); i++) {
      CellResult r = CellEvaluator.evaluate(plan.cell(i));
      assertThat(r.error()).as("cell %d", i).isNull();
      final double lc = r.criticalLr();
      final double lr = r.cell().lr();
      if (Double.isFinite(lc) && Math.abs(lr - lc) > EDGE * lc) {
        assertThat(r.theory().diverges()).as("%s cell %d: lr %s, λ_c %s", spec.name(), i, lr, lc)
            .isEqualTo(lr > lc);
      }
      if (!r.theory().diverges()) {
        assertThat(r.theory().traceSigma()).as("cell %d", i).isFinite().isNotNegative();
        assertThat(r.theory().traceNoise()).as("cell %d", i).isFinite().isNotNegative();
      }
    }
  }
}
