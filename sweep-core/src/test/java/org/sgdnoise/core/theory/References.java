package org.sgdnoise.core.theory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The reference cases of shared/theory (copied into test resources), filtered. */
final class References {
  // The general sheet writes some values as Infinity (non-standard JSON).
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());

  private References() {}

  /** Cases of reference-linear-regression.json (under "cases") that match. */
  static List<JsonNode> linearRegression(Predicate<JsonNode> keep) {
    return filter(read("reference-linear-regression.json").get("cases"), keep);
  }

  /** Cases of reference-general-highdim-second-order-tails.json (a list) that match. */
  static List<JsonNode> general(Predicate<JsonNode> keep) {
    return filter(read("reference-general-highdim-second-order-tails.json"), keep);
  }

  /**
   * The linear-regression cases of one {@code family}, asserting there are exactly
   * {@code count} of them (a parameterised test's source).
   */
  static Stream<JsonNode> family(String family, int count) {
    final List<JsonNode> out =
        linearRegression(c -> c.get("family").asText().equals(family));
    assertThat(out).as("family %s", family).hasSize(count);
    return out.stream();
  }

  /**
   * The general-sheet cases whose name starts with {@code prefix}, asserting there are exactly
   * {@code count} of them (a parameterised test's source).
   */
  static Stream<JsonNode> named(String prefix, int count) {
    final List<JsonNode> out = general(c -> c.get("name").asText().startsWith(prefix));
    assertThat(out).as("cases named %s…", prefix).hasSize(count);
    return out.stream();
  }

  private static JsonNode read(String name) {
    try (InputStream in = References.class.getResourceAsStream("/reference/" + name)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<JsonNode> filter(JsonNode cases, Predicate<JsonNode> keep) {
    List<JsonNode> out = new ArrayList<>();
    cases.forEach(c -> {
      if (keep.test(c)) {
        out.add(c);
      }
    });
    return out;
  }
}
