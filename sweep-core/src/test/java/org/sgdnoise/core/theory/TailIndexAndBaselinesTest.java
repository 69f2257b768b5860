package org.sgdnoise.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tail indices (Proposition 7, continuous time, exact Kesten) and the Appendix B baselines. */
class TailIndexAndBaselinesTest {
  /** The reference file's own tolerance for the Kesten index (its quadrature). */
  private static final double KESTEN_REF_TOL = 1e-6;
  /** Closed forms: exact to rounding. */
  private static final double EXACT_TOL = 1e-12;

  static Stream<JsonNode> tailCases() {
    List<JsonNode> out =
        References.general(c -> c.get("name").asText().startsWith("Prop 7 tail index"));
    assertThat(out).hasSizeGreaterThanOrEqualTo(6);
    return out.stream();
  }

  @ParameterizedTest(name = "aλ={0}")
  @MethodSource("tailCases")
  void tailIndicesMatchReferenceValues(JsonNode c) {
    double aLr = c.get("inputs").get("a_lam").asDouble();
    int s = c.get("inputs").get("S").asInt();
    JsonNode ex = c.get("expected");
    assertThat(TailIndex.paper(aLr, s)).isCloseTo(ex.get("beta_prop7").asDouble(),
        within(EXACT_TOL * Math.abs(ex.get("beta_prop7").asDouble()) + EXACT_TOL));
    assertThat(TailIndex.continuousTime(aLr, s)).isCloseTo(ex.get("beta_cts").asDouble(),
        within(EXACT_TOL * ex.get("beta_cts").asDouble()));
    double k = ex.get("beta_kesten").asDouble();
    assertThat(TailIndex.kesten(aLr, s)).isCloseTo(k, within(KESTEN_REF_TOL * k));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 8, 64, 1000})
  void kestenIndexIsTwoExactlyAtTheCriticalLearningRate(int s) {
    // λ_c a = 2S/(S+2) is where E M² = 1 (Theorem 2), i.e. β = 2 for every S.
    assertThat(TailIndex.kesten(2.0 * s / (s + 2), s)).isCloseTo(2.0, within(1e-9));
    assertThat(TailIndex.paper(2.0 * s / (s + 2), s)).isCloseTo(2.0, within(1e-12));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 16, 128})
  void fourthMomentIsFiniteExactlyWhenKestenIndexExceedsFour(int s) {
    for (double aLr = 0.05; aLr < 2.0; aLr += 0.0731) {
      double beta = TailIndex.kesten(aLr, s);
      double rho4 = MomentStability.spectralRadius(1.0, aLr, s, 0.0, 4);
      if (Math.abs(beta - 4) > 1e-6) {
        assertThat(rho4 < 1).as("aλ=%s S=%d β=%s ρ4=%s", aLr, s, beta, rho4).isEqualTo(beta > 4);
      }
    }
  }

  @Test
  void noStationaryLawWhenLogMomentIsNonNegative() {
    // S = 1, aλ = 3: E log|1 − 3χ²₁| > 0: SGD diverges pathwise.
    assertThat(TailIndex.kesten(3.0, 1)).isNaN();
    assertThat(TailIndex.kesten(1e-4, 4)).isInfinite();
  }

  @Test
  void stirlingRemainderIsLogGammaMinusStirling() {
    // c(k) = ln Γ(k) − [(k − ½) ln k − k + ½ ln 2π], for k = S/2.
    assertThat(TailIndex.stirlingRemainder(0.5))
        .isCloseTo(0.5 * Math.log(Math.PI) + 0.5 - 0.5 * Math.log(2 * Math.PI), within(1e-15));
    assertThat(TailIndex.stirlingRemainder(5))
        .isCloseTo(Math.log(24) - (4.5 * Math.log(5) - 5 + 0.5 * Math.log(2 * Math.PI)),
            within(1e-14));
    // The series (k ≥ 20) against the product (k < 20) through ln Γ(k+1) = ln Γ(k) + ln k.
    final double lnGamma195 = 19 * Math.log(19.5) - 19.5 + 0.5 * Math.log(2 * Math.PI)
        + TailIndex.stirlingRemainder(19.5);
    final double lnGamma205 = 20 * Math.log(20.5) - 20.5 + 0.5 * Math.log(2 * Math.PI)
        + TailIndex.stirlingRemainder(20.5);
    assertThat(lnGamma205).isCloseTo(lnGamma195 + Math.log(19.5), within(1e-13));
    assertThat(TailIndex.stirlingRemainder(1e4)).isCloseTo(1 / 12e4 - 1 / 360e12, within(1e-18));
  }

  static Stream<JsonNode> baselineCases() {
    List<JsonNode> out = References.linearRegression(
        c -> c.get("family").asText().equals("appendixB_hessian_approx")
            && c.get("inputs").get("case").asText().equals("label"));
    assertThat(out).isNotEmpty();
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("baselineCases")
  void labelNoiseBaselinesMatchReferenceValues(JsonNode c) {
    JsonNode in = c.get("inputs");
    JsonNode a = in.get("A");
    double[] spectrum = new double[a.size()];
    for (int i = 0; i < spectrum.length; i++) {
      spectrum[i] = a.get(i).get(i).asDouble();
    }
    HessianBaselines.Baseline[] b = HessianBaselines.labelNoise(spectrum,
        in.get("lam").asDouble(), in.get("S").asInt(), in.get("sigma2").asDouble());
    JsonNode cts = c.get("expected").get("cts");
    JsonNode dt = c.get("expected").get("dt");
    assertThat(b[0].traceSigma()).isCloseTo(trace(cts.get("Sigma")), within(EXACT_TOL));
    assertThat(b[0].lTrain()).isCloseTo(cts.get("L_train").asDouble(), within(EXACT_TOL));
    assertThat(b[0].lTest()).isCloseTo(cts.get("L_test").asDouble(), within(EXACT_TOL));
    assertThat(b[1].diverges()).isEqualTo(dt.get("diverges").asBoolean());
    assertThat(b[1].traceSigma()).isCloseTo(trace(dt.get("Sigma")), within(EXACT_TOL));
    assertThat(b[1].lTrain()).isCloseTo(dt.get("L_train").asDouble(), within(EXACT_TOL));
    assertThat(b[1].lTest()).isCloseTo(dt.get("L_test").asDouble(), within(EXACT_TOL));
    assertThat(b[1].criticalLr()).isCloseTo(c.get("expected").get("dt_critical_lr").asDouble(),
        within(EXACT_TOL));
  }

  private static double trace(JsonNode m) {
    double t = 0;
    for (int i = 0; i < m.size(); i++) {
      t += m.get(i).get(i).asDouble();
    }
    return t;
  }
}
