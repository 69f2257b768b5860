package org.sgdnoise.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** Relative-tolerance assertions shared by the theory tests. */
final class TestAsserts {
  private TestAsserts() {}

  /** |actual − expected| ≤ tol·|expected|. */
  static void assertRel(double actual, double expected, double tol) {
    assertThat(actual).isCloseTo(expected, within(tol * Math.abs(expected)));
  }

  /**
   * The prediction's second moments match an oracle's: Σ and C element-wise (relative to their
   * largest element), Tr Σ and Tr C relatively, all within tol.
   */
  static void assertMoments(Prediction p, DMatrixRMaj sigma, DMatrixRMaj noise, double tol) {
    assertMatrixRel(p.sigma(), sigma, tol);
    assertMatrixRel(p.noise(), noise, tol);
    assertRel(p.traceNoise(), CommonOps_DDRM.trace(noise), tol);
    assertRel(p.traceSigma(), CommonOps_DDRM.trace(sigma), tol);
  }

  /** Same shape, and every element within tol·max|expected| of expected's. */
  static void assertMatrixRel(DMatrixRMaj actual, DMatrixRMaj expected, double tol) {
    assertThat(actual.numRows).isEqualTo(expected.numRows);
    assertThat(actual.numCols).isEqualTo(expected.numCols);
    final double scale = CommonOps_DDRM.elementMaxAbs(expected);
    for (int i = 0; i < expected.getNumElements(); i++) {
      assertThat(actual.data[i]).as("element %d", i)
          .isCloseTo(expected.data[i], within(tol * scale));
    }
  }
}
