package org.sgdnoise.core.spec;

import java.util.List;
import java.util.Map;

/**
 * A YAML value with the line it starts on. Built by {@link YamlTreeReader}; only plain data
 * (maps, lists, scalars): tags, anchors and aliases are rejected before a node is made.
 */
public sealed interface YamlNode permits YamlNode.YMap, YamlNode.YList, YamlNode.YScalar {

  /** 1-based line where the value starts. */
  int line();

  /** A short description of the node's kind for error messages ("a list", "a map", ...). */
  String describe();

  /** A mapping; keys keep their order and their own lines. */
  record YMap(Map<String, YamlNode> entries, Map<String, Integer> keyLines, int line)
      implements YamlNode {
    public YMap {
      entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
      keyLines = Map.copyOf(keyLines);
    }

    @Override
    public String describe() {
      return "a map";
    }
  }

  /** A sequence. */
  record YList(List<YamlNode> items, int line) implements YamlNode {
    public YList {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      return "a list";
    }
  }

  /**
   * A scalar as YAML typed it.
   *
   * @param type what the YAML parser resolved it to
   * @param text the scalar's text as written (for messages)
   * @param number the value for {@link ScalarType#INTEGER} and {@link ScalarType#REAL}
   */
  record YScalar(ScalarType type, String text, double number, int line) implements YamlNode {
    @Override
    public String describe() {
      return switch (type) {
        case INTEGER, REAL -> "the number " + text;
        case BOOLEAN -> "the boolean " + text;
        case NULL -> "an empty value";
        case STRING -> "the text '" + text + "'";
      };
    }
  }

  /** How YAML resolved a scalar. */
  enum ScalarType {
    INTEGER,
    REAL,
    BOOLEAN,
    NULL,
    STRING
  }
}
