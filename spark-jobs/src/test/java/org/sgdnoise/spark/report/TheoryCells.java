package org.sgdnoise.spark.report;

import java.util.ArrayList;
import java.util.List;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.result.CellEvaluator;
import org.sgdnoise.core.result.Column;
import org.sgdnoise.core.result.Tables;
import org.sgdnoise.core.spec.SweepSpec;

/** Real cells rows (the core's exact theory, as the cells table holds them) without Spark. */
final class TheoryCells {
  private TheoryCells() {}

  static CellTable of(String yaml) {
    SweepSpec spec = SweepSpec.parse("test.yaml", yaml);
    SweepPlan plan = SweepPlan.of(spec);
    List<String> cols = Tables.CELLS.stream().map(Column::name).toList();
    List<Object[]> rows = new ArrayList<>();
    for (long i = 0; i < plan.size(); i++) {
      rows.add(Tables.cellValues(spec.name(), CellEvaluator.evaluate(plan.cell(i))));
    }
    return new CellTable(cols, rows);
  }
}
