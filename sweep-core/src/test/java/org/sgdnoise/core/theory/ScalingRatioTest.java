package org.sgdnoise.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sgdnoise.core.theory.TestAsserts.assertRel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The λ–S scaling ratio R(k) against the reference cases 23–29 and 37 of shared/theory, the 1-d
 * closed form against the D-dimensional code at D = 1, and the divergence conventions.
 */
class ScalingRatioTest {
  /** Two closed forms of one quantity. */
  private static final double EXACT_REL_TOL = 1e-12;

  static Stream<JsonNode> ratioCases() {
    return References.named("Sec 6.5 scaling-law ratio", 7);
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("ratioCases")
  void ratioMatchesReferenceCases(JsonNode c) {
    JsonNode in = c.get("inputs");
    JsonNode ex = c.get("expected");
    double tol = c.get("rel_tol").asDouble();
    double lr = in.get("lam").asDouble();
    int batch = in.get("S").asInt();
    double k = in.get("k").asDouble();
    double mu = in.get("mu").asDouble();
    if (in.has("eigs_A")) {
      double[] eigs = HighDimTheoryTest.doubles(in.get("eigs_A"));
      double sigma2 = in.get("sigma2").asDouble();
      assertRel(ScalingRatio.ratio(eigs, lr, batch, mu, k), ex.get("R").asDouble(), tol);
      assertRel(LabelNoiseTheory.ofSpectrum(eigs, lr, batch, mu, sigma2).trASigma(),
          ex.get("trAS").asDouble(), tol);
    } else {
      double a = in.get("a").asDouble();
      assertRel(ScalingRatio.ratio1d(a, lr, batch, mu, k), ex.get("R").asDouble(), tol);
      assertRel(ScalingRatio.ratio(new double[] {a}, lr, batch, mu, k), ex.get("R").asDouble(),
          tol);
      // "Sigma" is the 1-d Theorem 2 variance at σ² = 1.
      assertRel(LabelNoiseTheory.ofSpectrum(new double[] {a}, lr, batch, mu, 1).traceSigma(),
          ex.get("Sigma").asDouble(), tol);
    }
  }

  @Test
  void oneDimensionalTheorem2VarianceMatchesReferenceCase37() {
    JsonNode c = References.general(
        n -> n.get("name").asText().equals("Theorem 2, 1d variance")).get(0);
    JsonNode in = c.get("inputs");
    Prediction p = LabelNoiseTheory.ofSpectrum(new double[] {in.get("a").asDouble()},
        in.get("lam").asDouble(), in.get("S").asInt(), in.get("mu").asDouble(),
        in.get("sigma2").asDouble());
    assertRel(p.traceSigma(), c.get("expected").get("Sigma").asDouble(),
        c.get("rel_tol").asDouble());
  }

  /** The closed form against Theorem 2 in D = 1, across stable, edge and divergent cells. */
  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.3, 0.5, 0.9})
  void oneDimensionalClosedFormMatchesTheGeneralCodeAtDimensionOne(double mu) {
    int checked = 0;
    int scaledDivergent = 0;
    for (double a : new double[] {0.4, 1.0, 2.5}) {
      for (int batch : new int[] {1, 2, 4, 16, 64}) {
        double crit = LabelNoiseTheory.criticalLr(new double[] {a}, batch, mu);
        // Fractions such that (kλ, kS) never lands exactly on the edge (e.g. 0.3 = (S+2)/(kS+2)
        // at S = 1, k = 8, μ = 0, where both denominators are rounding noise).
        for (double fraction : new double[] {0.05, 0.33, 0.71, 0.95, 1.2}) {
          for (int kInt : new int[] {1, 2, 3, 8}) {
            for (double kFrac : new double[] {0, 0.5}) {
              double k = kInt + kFrac;
              if (Math.abs(k * batch - Math.rint(k * batch)) > 0) {
                continue; // the D-dim code needs an integer kS
              }
              double lr = fraction * crit;
              double closed = ScalingRatio.ratio1d(a, lr, batch, mu, k);
              double general = ScalingRatio.ratio(new double[] {a}, lr, batch, mu, k);
              if (Double.isNaN(closed)) {
                assertThat(fraction).isGreaterThan(1);
                assertThat(general).isNaN();
              } else if (Double.isInfinite(closed)) {
                assertThat(general).isInfinite();
                scaledDivergent++;
              } else {
                assertRel(general, closed, EXACT_REL_TOL);
              }
              checked++;
            }
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(500);
    assertThat(scaledDivergent).isGreaterThan(20);
  }

  @Test
  void ratioExceedsOneAndDivergesAtKMax() {
    // 1-d, μ = 0: R − 1 = (k−1)λa/(2 − kλa − 2λa/S), diverging at k_max = (2S − 2λa)/(λaS).
    double a = 1.0;
    double lr = 0.2;
    int batch = 4;
    double kMax = (2 * batch - 2 * lr * a) / (lr * a * batch);
    for (double k = 1.25; k < kMax; k += 0.25) {
      double r = ScalingRatio.ratio1d(a, lr, batch, 0, k);
      assertRel(r - 1, (k - 1) * lr * a / (2 - k * lr * a - 2 * lr * a / batch), 1e-10);
      assertThat(r).isGreaterThan(1);
    }
    assertThat(ScalingRatio.ratio1d(a, lr, batch, 0, kMax * (1 + 1e-9))).isInfinite();
    assertThat(ScalingRatio.ratio1d(a, lr, batch, 0, 1)).isEqualTo(1);
  }

  @Test
  void ratioTendsToOneWithTheDiscretisationTerm() {
    // The only violation is the λ(1−μ)/(1+μ)·A term of G_μ, O(λ): R − 1 shrinks with λ.
    double[] spectrum = {2.0, 1.0, 0.6, 0.3, 0.1};
    double previous = Double.POSITIVE_INFINITY;
    for (double lr = 0.1; lr > 1e-5; lr /= 10) {
      double r = ScalingRatio.ratio(spectrum, lr, 64, 0.5, 2);
      assertThat(r - 1).isPositive().isLessThan(previous);
      previous = r - 1;
    }
    assertThat(previous).isLessThan(1e-4);
  }

  @Test
  void rejectsNonIntegerScaledBatchAndBadArguments() {
    double[] spectrum = {1.0, 0.5};
    assertThatThrownBy(() -> ScalingRatio.ratio(spectrum, 0.1, 3, 0, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive integer: 4.5");
    // k = 1.1 with S = 10 is 11.000000000000002 in floating point: accepted as 11.
    double direct = LabelNoiseTheory.ofSpectrum(spectrum, 1.1 * 0.1, 11, 0, 1).trASigma()
        / LabelNoiseTheory.ofSpectrum(spectrum, 0.1, 10, 0, 1).trASigma();
    assertRel(ScalingRatio.ratio(spectrum, 0.1, 10, 0, 1.1), direct, EXACT_REL_TOL);
    assertThatThrownBy(() -> ScalingRatio.ratio(spectrum, 0.1, 3, 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k must be");
    assertThatThrownBy(() -> ScalingRatio.ratio(new double[] {1, -1}, 0.1, 3, 0, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 1");
    assertThatThrownBy(() -> ScalingRatio.ratio1d(1, 0.1, 3, 1.0, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("momentum");
  }
}
