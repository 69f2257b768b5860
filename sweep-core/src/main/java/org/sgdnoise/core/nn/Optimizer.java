package org.sgdnoise.core.nn;

/**
 * The update rule, with the weight decay γ added to the gradient of the decayed parameters
 * (L2 regularisation, γ of either sign):
 *
 * <ul>
 *   <li>{@code sgd}: heavy ball as in the paper, m ← μm + g, θ ← θ − λm;
 *   <li>{@code adam}: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − λ·m̂/(√v̂ + ε) with the
 *       bias corrections m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ); β₁ = μ if μ &gt; 0 else 0.9,
 *       β₂ = 0.999, ε = 1e-8.
 * </ul>
 */
public final class Optimizer {
  /** The optimiser of a sweep ({@code optimizer:} in the sweep file). */
  public enum Kind {
    SGD("sgd"),
    ADAM("adam");

    private final String yamlName;

    Kind(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  static final double BETA2 = 0.999;
  static final double EPSILON = 1e-8;

  private final Kind kind;
  private final double lr;
  private final double mu;
  private final double beta1;
  private final double gamma;
  private final boolean[] decayed;
  /** γ for the decayed parameters, 0 for the others: the step's loops have no branch. */
  private final double[] decay;
  private final double[] m;
  private final double[] v;
  private long t;

  public Optimizer(Kind kind, Model model, double lr, double momentum, double weightDecay) {
    this.kind = kind;
    this.lr = lr;
    this.mu = momentum;
    this.beta1 = momentum > 0 ? momentum : 0.9;
    this.gamma = weightDecay;
    this.decayed = new boolean[model.size()];
    this.decay = new double[model.size()];
    for (int i = 0; i < decayed.length; i++) {
      decayed[i] = model.decayed(i);
      decay[i] = decayed[i] ? weightDecay : 0;
    }
    this.m = new double[model.size()];
    this.v = kind == Kind.ADAM ? new double[model.size()] : null;
  }

  /** ½γ‖θ_decayed‖², the regulariser's value at θ. */
  public double penalty(double[] theta) {
    double s = 0;
    for (int i = 0; i < theta.length; i++) {
      if (decayed[i]) {
        s += theta[i] * theta[i];
      }
    }
    return 0.5 * gamma * s;
  }

  /** One step from the data gradient {@code grad} (not modified). */
  public void step(double[] theta, double[] grad) {
    t++;
    if (kind == Kind.SGD) {
      for (int i = 0; i < theta.length; i++) {
        final double g = grad[i] + decay[i] * theta[i];
        final double mi = mu * m[i] + g;
        m[i] = mi;
        theta[i] -= lr * mi;
      }
      return;
    }
    final double c1 = 1 / (1 - Math.pow(beta1, t));
    final double c2 = 1 / (1 - Math.pow(BETA2, t));
    for (int i = 0; i < theta.length; i++) {
      final double g = grad[i] + decay[i] * theta[i];
      final double mi = beta1 * m[i] + (1 - beta1) * g;
      final double vi = BETA2 * v[i] + (1 - BETA2) * g * g;
      m[i] = mi;
      v[i] = vi;
      theta[i] -= lr * (mi * c1) / (Math.sqrt(vi * c2) + EPSILON);
    }
  }
}
