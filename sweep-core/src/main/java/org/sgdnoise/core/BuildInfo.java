package org.sgdnoise.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions fixed at build time, for manifests: the code and the libraries that shape results. */
public final class BuildInfo {
  private static final Properties PROPS = load();

  private BuildInfo() {}

  /** This project's version. */
  public static String version() {
    return PROPS.getProperty("version", "unknown");
  }

  /** Commons RNG version: fixed-seed streams are only reproducible under the same version. */
  public static String commonsRngVersion() {
    return PROPS.getProperty("commons.rng.version", "unknown");
  }

  public static String ejmlVersion() {
    return PROPS.getProperty("ejml.version", "unknown");
  }

  public static String jacksonVersion() {
    return PROPS.getProperty("jackson.version", "unknown");
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // versions stay "unknown"
    }
    return p;
  }
}
