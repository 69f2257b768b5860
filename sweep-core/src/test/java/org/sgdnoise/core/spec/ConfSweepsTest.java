package org.sgdnoise.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped sweep file is valid, and named after its file. */
class ConfSweepsTest {
  static Stream<Path> sweepFiles() throws Exception {
    return Files.list(Path.of("../conf/sweeps")).filter(p -> p.toString().endsWith(".yaml"))
        .sorted();
  }

  @ParameterizedTest
  @MethodSource("sweepFiles")
  void shippedSweepFileIsValid(Path file) throws Exception {
    SweepSpec spec = SweepSpec.parse(file.getFileName().toString(), Files.readString(file));
    assertThat(file.getFileName().toString()).isEqualTo(spec.name() + ".yaml");
    assertThat(spec.cellCount()).isPositive();
  }
}
