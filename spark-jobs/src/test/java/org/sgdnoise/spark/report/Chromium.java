package org.sgdnoise.spark.report;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium (Debian package {@code chromium}) run on a page from disk. CI installs it
 * (.ci/run), so there a missing browser fails the test; on a developer machine without it the
 * test is skipped with the install command.
 */
final class Chromium {
  /** A page with a few plots loads in a second or two; the budget covers a loaded machine. */
  private static final long TIMEOUT_SECONDS = 180;
  /** Virtual time Chromium lets the page run (load event, the page's script). */
  private static final int VIRTUAL_TIME_MS = 10_000;

  private Chromium() {}

  static String executable() {
    for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    String msg = "chromium not found on PATH: install it with 'apt-get install -y chromium'"
        + " (.ci/run does)";
    if (System.getenv("CI") != null) {
      Assertions.fail(msg);
    }
    Assumptions.abort(msg);
    return null;
  }

  /** The DOM after load, as Chromium serialises it ({@code --dump-dom}). */
  static String dumpDom(Path page, Path work) throws IOException, InterruptedException {
    return run(page, work, List.of("--dump-dom"));
  }

  /** A screenshot of the page at the given window size. */
  static Path screenshot(Path page, Path work, int width, int height)
      throws IOException, InterruptedException {
    Path png = work.resolve("screenshot.png");
    run(page, work, List.of("--screenshot=" + png, "--window-size=" + width + "," + height,
        "--hide-scrollbars"));
    return png;
  }

  private static String run(Path page, Path work, List<String> what)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(executable(), "--headless", "--disable-gpu",
        "--no-sandbox", "--no-first-run", "--user-data-dir=" + work.resolve("profile"),
        "--virtual-time-budget=" + VIRTUAL_TIME_MS));
    cmd.addAll(what);
    cmd.add(page.toUri().toString());
    Path out = work.resolve("chromium.out");
    Path err = work.resolve("chromium.err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      Assertions.fail("chromium did not finish in " + TIMEOUT_SECONDS + " s: " + cmd);
    }
    Assertions.assertEquals(0, p.exitValue(), () -> "chromium failed: " + cmd + "\n"
        + readQuietly(err));
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }
}
