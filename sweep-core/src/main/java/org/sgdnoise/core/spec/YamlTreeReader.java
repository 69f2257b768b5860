package org.sgdnoise.core.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sgdnoise.core.spec.YamlNode.ScalarType;
import org.sgdnoise.core.spec.YamlNode.YList;
import org.sgdnoise.core.spec.YamlNode.YMap;
import org.sgdnoise.core.spec.YamlNode.YScalar;

/**
 * Reads YAML text into a {@link YamlNode} tree that keeps line numbers.
 *
 * <p>Safe by construction: it walks Jackson's streaming parser and builds only maps, lists and
 * scalars, so no object is ever instantiated from the document. Explicit tags ({@code !!python/x},
 * {@code !Foo}), anchors and aliases are rejected outright, as are duplicate keys and a second
 * document.
 */
public final class YamlTreeReader {
  private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

  private final String source;

  private YamlTreeReader(String source) {
    this.source = source;
  }

  /**
   * Parses {@code text}.
   *
   * @param source the file name used in error messages
   * @throws SpecException for broken YAML, tags, anchors, aliases, duplicate keys, no document
   *     or more than one document
   */
  public static YamlNode read(String source, String text) {
    return new YamlTreeReader(source).parse(text);
  }

  private YamlNode parse(String text) {
    try (YAMLParser p = (YAMLParser) FACTORY.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new SpecException(source, "", 0, "the file holds no YAML document", null);
      }
      YamlNode root = readValue(p, "");
      if (p.nextToken() != null) {
        throw fail("", p, "only one YAML document is allowed; found another", null);
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      int line = loc == null ? 0 : loc.getLineNr();
      throw new SpecException(
          source, "", Math.max(line, 0), "broken YAML", oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new SpecException(source, "", 0, "cannot read YAML", String.valueOf(e.getMessage()));
    }
  }

  /**
   * SnakeYAML's messages span lines: the problem, "in 'reader', line L, column C:", an echo of
   * the source line and a caret. Keep the problem statements, on one line.
   */
  static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (String l : message.split("\\R")) {
      String t = l.strip();
      if (t.isEmpty() || t.startsWith("in 'reader'") || t.matches("\\^+") || l.startsWith("    ")) {
        continue;
      }
      sb.append(sb.length() == 0 ? "" : "; ").append(t);
    }
    return sb.toString();
  }

  private YamlNode readValue(YAMLParser p, String path) throws IOException {
    int line = p.currentTokenLocation().getLineNr();
    if (p.isCurrentAlias()) {
      throw fail(path, p, "YAML aliases are not allowed (write the value out)", "*" + p.getText());
    }
    Object tag = p.getTypeId();
    if (tag != null) {
      throw fail(path, p, "YAML tags are not allowed (sweep files are plain data)", "!" + tag);
    }
    Object anchor = p.getObjectId();
    if (anchor != null) {
      throw fail(path, p, "YAML anchors are not allowed (write the value out)", "&" + anchor);
    }
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        return readMap(p, path, line);
      case START_ARRAY:
        return readList(p, path, line);
      case VALUE_NUMBER_INT:
        {
          String txt = p.getText();
          if (p.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER) {
            throw fail(path, p, "integer too large", txt);
          }
          return new YScalar(ScalarType.INTEGER, txt, p.getLongValue(), line);
        }
      case VALUE_NUMBER_FLOAT:
        return new YScalar(ScalarType.REAL, p.getText(), p.getDoubleValue(), line);
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new YScalar(ScalarType.BOOLEAN, p.getText(), Double.NaN, line);
      case VALUE_NULL:
        return new YScalar(ScalarType.NULL, "", Double.NaN, line);
      case VALUE_STRING:
        return new YScalar(ScalarType.STRING, p.getText(), Double.NaN, line);
      default:
        throw fail(path, p, "unexpected YAML token", String.valueOf(t));
    }
  }

  private YamlNode readMap(YAMLParser p, String path, int line) throws IOException {
    Map<String, YamlNode> entries = new LinkedHashMap<>();
    Map<String, Integer> keyLines = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      int keyLine = p.currentTokenLocation().getLineNr();
      String child = path.isEmpty() ? key : path + "." + key;
      if (entries.containsKey(key)) {
        throw new SpecException(
            source, child, keyLine, "duplicate key (first given on line " + keyLines.get(key) + ")",
            key);
      }
      p.nextToken();
      entries.put(key, readValue(p, child));
      keyLines.put(key, keyLine);
    }
    return new YMap(entries, keyLines, line);
  }

  private YamlNode readList(YAMLParser p, String path, int line) throws IOException {
    List<YamlNode> items = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      items.add(readValue(p, path + "[" + items.size() + "]"));
    }
    return new YList(items, line);
  }

  private SpecException fail(String path, YAMLParser p, String reason, String value) {
    return new SpecException(source, path, p.currentTokenLocation().getLineNr(), reason, value);
  }
}
