package org.sgdnoise.core.theory;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

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
