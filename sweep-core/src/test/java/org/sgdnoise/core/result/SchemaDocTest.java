package org.sgdnoise.core.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.sgdnoise.core.analysis.AnalysisTables;

/**
 * docs/schema.md documents exactly the columns the code writes. To regenerate its tables after
 * changing a column: {@code scripts/sweep schema} prints them all.
 */
class SchemaDocTest {
  @Test
  void schemaDocMatchesTheCode() throws Exception {
    String doc = Files.readString(Path.of("../docs/schema.md"));
    assertThat(doc).contains(Tables.markdown(Tables.CELLS));
    assertThat(doc).contains(Tables.markdown(Tables.REPLICATES));
    assertThat(doc).contains(Tables.markdown(Tables.MATRICES));
    assertThat(doc).contains(Tables.markdown(AnalysisTables.BOUNDARIES));
    assertThat(doc).contains(Tables.markdown(AnalysisTables.GAMMA_STAR));
    assertThat(doc).contains(Tables.markdown(AnalysisTables.AGREEMENT));
    assertThat(doc).contains(Tables.markdown(AnalysisTables.AGREEMENT_SUMMARY));
    assertThat(doc).contains("schema_version " + Tables.SCHEMA_VERSION);
  }

  @Test
  void columnNamesAreUniqueSnakeCase() {
    for (var cols : java.util.List.of(Tables.CELLS, Tables.REPLICATES, Tables.MATRICES)) {
      assertThat(cols.stream().map(Column::name)).doesNotHaveDuplicates()
          .allMatch(n -> n.matches("[a-z][a-z0-9_]*"));
    }
  }
}
