package org.sgdnoise.core.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/schema.md documents exactly the columns the code writes. */
class SchemaDocTest {
  @Test
  void schemaDocMatchesTheCode() throws Exception {
    String doc = Files.readString(Path.of("../docs/schema.md"));
    assertThat(doc).contains(Tables.markdown(Tables.CELLS));
    assertThat(doc).contains(Tables.markdown(Tables.REPLICATES));
    assertThat(doc).contains(Tables.markdown(Tables.MATRICES));
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
