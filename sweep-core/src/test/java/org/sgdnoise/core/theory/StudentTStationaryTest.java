package org.sgdnoise.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Student-t-like stationary density of §5 against reference case 36, its normalisation and
 * variance by quadrature, and Proposition 7's variance against the 1-d Theorem 2 variance.
 */
class StudentTStationaryTest {
  /** Closed forms: rounding only. */
  private static final double EXACT_REL_TOL = 1e-12;
  /** Midpoint quadrature in θ (w = s·tan θ), 20000 nodes (see the test for its range). */
  private static final double QUADRATURE_REL_TOL = 1e-8;

  @Test
  void densityAndVarianceMatchReferenceCase36() {
    List<JsonNode> cases =
        References.general(c -> c.get("name").asText().equals("Student-t stationary density"));
    assertThat(cases).hasSize(1);
    JsonNode in = cases.get(0).get("inputs");
    JsonNode ex = cases.get(0).get("expected");
    double tol = cases.get(0).get("rel_tol").asDouble();
    StudentTStationary p = new StudentTStationary(in.get("a").asDouble(),
        in.get("sigma2").asDouble(), in.get("beta").asDouble());
    for (int i = 0; i < in.get("w").size(); i++) {
      double expected = ex.get("p").get(i).asDouble();
      assertThat(p.density(in.get("w").get(i).asDouble()))
          .isCloseTo(expected, within(tol * expected));
    }
    assertThat(p.variance()).isCloseTo(ex.get("var").asDouble(), within(tol));
  }

  /**
   * With w = s·tan θ, s = √(σ²/a): ∫p dw = 𝒩 s σ^(−(1+β)) ∫cos^(β−1)θ dθ over (−π/2, π/2), and
   * ∫w²p dw likewise with sin²θ cos^(β−3)θ; the midpoint rule is accurate when these exponents
   * are ≥ 1 or integers (mass: β ≥ 1; variance: β ≥ 4).
   */
  @ParameterizedTest
  @ValueSource(doubles = {1.0, 2.5, 3.5, 4, 7.3, 20, 150})
  void densityIsNormalisedAndHasTheStatedVariance(double beta) {
    double a = 1.7;
    double sigma2 = 0.6;
    StudentTStationary p = new StudentTStationary(a, sigma2, beta);
    double s = Math.sqrt(sigma2 / a);
    int nodes = 20000;
    double mass = 0;
    double second = 0;
    for (int j = 0; j < nodes; j++) {
      double theta = -Math.PI / 2 + Math.PI * (j + 0.5) / nodes;
      double w = s * Math.tan(theta);
      double jacobian = s / (Math.cos(theta) * Math.cos(theta));
      double f = p.density(w) * jacobian;
      mass += f;
      second += w * w * f;
    }
    mass *= Math.PI / nodes;
    second *= Math.PI / nodes;
    assertThat(mass).isCloseTo(1, within(QUADRATURE_REL_TOL));
    if (beta >= 4) {
      assertThat(second).isCloseTo(p.variance(), within(QUADRATURE_REL_TOL * p.variance()));
    }
    if (beta <= 2) {
      assertThat(p.variance()).isInfinite();
    }
  }

  @Test
  void tailDecaysAsPowerOnePlusBeta() {
    StudentTStationary p = new StudentTStationary(1.3, 0.4, 3.2);
    double r1 = p.density(1e4) * Math.pow(1e4, 4.2);
    double r2 = p.density(1e6) * Math.pow(1e6, 4.2);
    assertThat(r2).isCloseTo(r1, within(1e-6 * r1));
  }

  @Test
  void proposition7VarianceIsTheOneDimensionalTheorem2Variance() {
    for (double a : new double[] {0.5, 1.5}) {
      for (int batch : new int[] {1, 4, 16, 64}) {
        double crit = LabelNoiseTheory.criticalLr(new double[] {a}, batch, 0);
        for (double fraction : new double[] {0.1, 0.5, 0.9}) {
          double lr = fraction * crit;
          StudentTStationary p = StudentTStationary.proposition7(a, lr, batch, 0.25);
          double beta = 2.0 * batch / (a * lr) - batch; // Proposition 7
          assertThat(p.beta()).isCloseTo(beta, within(EXACT_REL_TOL * beta));
          double sigma = LabelNoiseTheory.ofSpectrum(new double[] {a}, lr, batch, 0, 0.25)
              .traceSigma();
          assertThat(p.variance()).isCloseTo(sigma, within(EXACT_REL_TOL * sigma));
        }
        // At λ_c, β = 2 and the variance diverges.
        assertThat(StudentTStationary.proposition7(a, crit, batch, 0.25).beta())
            .isCloseTo(2, within(1e-9));
      }
    }
  }

  @Test
  void logGammaIsExact() {
    assertThat(StudentTStationary.logGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI),
        within(1e-14));
    assertThat(StudentTStationary.logGamma(1)).isCloseTo(0, within(1e-14));
    assertThat(StudentTStationary.logGamma(5)).isCloseTo(Math.log(24), within(1e-14));
    assertThat(StudentTStationary.logGamma(0.1)).isCloseTo(Math.log(9.513507698668732),
        within(1e-13));
    // lnΓ(z + 1) = lnΓ(z) + ln z far out.
    assertThat(StudentTStationary.logGamma(501.25)).isCloseTo(
        StudentTStationary.logGamma(500.25) + Math.log(500.25), within(1e-11));
  }

  @Test
  void rejectsInvalidParameters() {
    assertThatThrownBy(() -> new StudentTStationary(1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta");
    assertThatThrownBy(() -> new StudentTStationary(Double.NaN, 1, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a must be");
    assertThatThrownBy(() -> StudentTStationary.proposition7(1, 2.5, 4, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aλ < 2");
  }
}
