package org.sgdnoise.core.theory;

/**
 * The Hessian-approximation baselines the paper compares against (Appendix B, Table 2): the
 * minibatch noise is replaced by C ≈ H/S (the Fisher J ≈ H, ignoring the σ²-type factor, as
 * printed), for μ = 0, scalar λ and commuting matrices. With the eigenvalues hᵢ of the Hessian 𝐇
 * and aᵢ of A in a common eigenbasis, and the bias terms b_tr, b_te of the kind (label noise:
 * 𝐇 = A, b_tr = σ²/2, b_te = 0):
 *
 * <ul>
 *   <li>continuous time, Σ𝐇 + 𝐇Σ = (λ/S)𝐇 (eqs. 23, 31, 42–44), never diverges: Σ = (λ/2S) I,
 *       L_train = (λ/4S) Tr 𝐇 + b_tr, L_test = (λ/4S) Tr A + b_te;
 *   <li>discrete time, Σ𝐇 + 𝐇Σ − λ𝐇Σ𝐇 = (λ/S)𝐇 (eqs. 18–21, 27–29, 34, 36–38), diverges iff
 *       λ·h_max ≥ 2: Σ = (λ/S)(2I − λ𝐇)⁻¹, L_train = (λ/2S) Tr[𝐇(2I − λ𝐇)⁻¹] + b_tr, L_test =
 *       (λ/2S) Tr[A(2I − λ𝐇)⁻¹] + b_te.
 * </ul>
 */
public final class HessianBaselines {
  private HessianBaselines() {}

  /**
   * A baseline's prediction.
   *
   * @param diverges the approximation has no stationary state (discrete time: λ·h_max ≥ 2)
   * @param traceSigma Tr Σ (NaN when diverging)
   * @param lTrain training loss (NaN when diverging)
   * @param lTest test loss (NaN when diverging)
   * @param criticalLr the approximation's own critical learning rate (∞ for continuous time)
   */
  public record Baseline(boolean diverges, double traceSigma, double lTrain, double lTest,
      double criticalLr) {}

  /** Continuous-time Hessian approximation. Arrays are not modified. */
  public static Baseline continuousTime(double[] h, double[] a, double lr, int batch,
      double bTrain, double bTest) {
    double trH = 0;
    double trA = 0;
    for (int i = 0; i < h.length; i++) {
      trH += h[i];
      trA += a[i];
    }
    return new Baseline(false, lr * h.length / (2.0 * batch), lr / (4.0 * batch) * trH + bTrain,
        lr / (4.0 * batch) * trA + bTest, Double.POSITIVE_INFINITY);
  }

  /** Discrete-time Hessian approximation. Arrays are not modified. */
  public static Baseline discreteTime(double[] h, double[] a, double lr, int batch,
      double bTrain, double bTest) {
    double hMax = 0;
    for (double v : h) {
      hMax = Math.max(hMax, v);
    }
    final double critical = 2 / hMax;
    if (!(lr < critical)) {
      return new Baseline(true, Double.NaN, Double.NaN, Double.NaN, critical);
    }
    double tr = 0;
    double train = 0;
    double test = 0;
    for (int i = 0; i < h.length; i++) {
      final double m = 1 / (2 - lr * h[i]);
      tr += m;
      train += h[i] * m;
      test += a[i] * m;
    }
    final double k = lr / batch;
    return new Baseline(false, k * tr, k / 2 * train + bTrain, k / 2 * test + bTest, critical);
  }

  /** Both baselines for label noise: 𝐇 = A, b_tr = σ²/2, b_te = 0. */
  public static Baseline[] labelNoise(double[] spectrum, double lr, int batch, double sigma2) {
    return new Baseline[] {
      continuousTime(spectrum, spectrum, lr, batch, sigma2 / 2, 0),
      discreteTime(spectrum, spectrum, lr, batch, sigma2 / 2, 0)
    };
  }
}
