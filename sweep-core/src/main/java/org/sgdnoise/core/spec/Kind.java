package org.sgdnoise.core.spec;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The problem kinds of the paper (DESIGN.md): the linear models of the theory, and the real-data
 * models of its Figure 1 ({@link #trains()}), trained on an image data set.
 */
public enum Kind {
  LABEL_NOISE("label_noise", true),
  INPUT_NOISE("input_noise", true),
  L2("l2", true),
  HIGH_DIM("high_dim", true),
  DNM("dnm", true),
  NGD("ngd", true),
  GENERAL("general", false),
  LOGISTIC("logistic", true),
  MLP("mlp", true);

  private final String yamlName;
  private final boolean supported;

  Kind(String yamlName, boolean supported) {
    this.yamlName = yamlName;
    this.supported = supported;
  }

  /** The name used in sweep files and in the {@code kind} column. */
  public String yamlName() {
    return yamlName;
  }

  /**
   * Whether the kind trains a model on a real data set ({@code data:} and {@code train:} in the
   * sweep file) rather than solving and simulating a linear model.
   */
  public boolean trains() {
    return this == LOGISTIC || this == MLP;
  }

  /** Whether this build can run the kind. */
  public boolean supported() {
    return supported;
  }

  public static Optional<Kind> fromYaml(String name) {
    return Arrays.stream(values()).filter(k -> k.yamlName.equals(name)).findFirst();
  }

  static String supportedNames() {
    return Arrays.stream(values())
        .filter(Kind::supported)
        .map(Kind::yamlName)
        .collect(Collectors.joining(", "));
  }

  static String allNames() {
    return Arrays.stream(values()).map(Kind::yamlName).collect(Collectors.joining(", "));
  }
}
