package org.sgdnoise.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sgdnoise.core.BuildInfo;
import org.sgdnoise.core.plan.Refinement;
import org.sgdnoise.core.plan.SweepPlan;
import org.sgdnoise.core.result.Tables;
import org.sgdnoise.core.spec.SweepSpec;

/**
 * {@code _sweep.json}: the spec as run, counts, times and every version that shapes the results
 * (code, Spark, Java, Commons RNG: fixed-seed streams are only reproducible under the same
 * generator version). Written through the Hadoop FileSystem API to a hidden temporary file and
 * renamed into place, so readers never see half a manifest.
 */
final class Manifest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Manifest() {}

  /** The manifest of an existing output, or {@code null} if there is none. */
  static com.fasterxml.jackson.databind.JsonNode read(FileSystem fs, OutputLayout layout)
      throws IOException {
    if (!fs.exists(layout.manifest())) {
      return null;
    }
    try (java.io.InputStream in = fs.open(layout.manifest())) {
      return JSON.readTree(in);
    }
  }

  static void write(FileSystem fs, OutputLayout layout, SweepPlan plan, String master,
      Instant started, Instant finished, SweepJob.Summary summary) throws IOException {
    SweepSpec spec = plan.spec();
    ObjectNode m = JSON.createObjectNode();
    m.put("sweep", spec.name());
    m.put("status", finished == null ? "running"
        : summary != null && summary.stopped() ? "stopped" : "complete");
    m.put("kind", spec.kind().yamlName());
    m.put("schema_version", Tables.SCHEMA_VERSION);
    m.put("spec_file", spec.source());
    m.put("spec_text", spec.text());
    m.put("seed", spec.seed());
    ObjectNode counts = m.putObject("planned");
    counts.put("cells", plan.size());
    counts.put("replicates", plan.totalReplicates());
    counts.put("sgd_steps", plan.totalSteps());
    if (spec.refine() != null) {
      ObjectNode r = m.putObject("refine");
      r.put("axis", spec.refine().axis().yamlName());
      r.put("boundary", spec.refine().boundary().yamlName());
      r.put("source", spec.refine().source().yamlName());
      r.put("tolerance", spec.refine().tolerance());
      r.put("max_rounds", spec.refine().maxRounds());
    }
    if (summary != null && summary.refinement() != null) {
      Refinement.Report rep = summary.refinement();
      ObjectNode r = m.putObject("refinement");
      r.put("rounds", rep.rounds());
      r.put("slices", rep.slices());
      r.put("brackets", rep.brackets());
      r.put("brackets_resolved", rep.resolved());
      r.put("grid_cells", rep.gridCells());
      r.put("refined_cells", rep.refinedCells());
      r.put("cells", rep.cells());
      r.put("dense_grid_cells", rep.denseCells());
      r.put("times_fewer_than_dense", rep.saving());
      r.put("summary", rep.text(spec.refine()));
    }
    if (summary != null) {
      ObjectNode done = m.putObject("result");
      done.put("cells", summary.cells());
      done.put("computed_this_run", summary.computed());
      done.put("resumed", summary.resumed());
      done.put("failed_cells", summary.failedCells());
      done.put("failed_task_attempts", summary.failedTaskAttempts());
      done.put("theory_diverged_cells", summary.theoryDiverged());
      done.put("simulation_diverged_cells", summary.simDiverged());
      done.put("elapsed_seconds", summary.elapsed().toMillis() / 1000.0);
    }
    m.put("started", started.toString());
    if (finished != null) {
      m.put("finished", finished.toString());
    }
    m.put("master", master);
    ObjectNode tables = m.putObject("tables");
    tables.put("cells", layout.display(fs, layout.cells()));
    tables.put("replicates", layout.display(fs, layout.replicates()));
    ObjectNode v = m.putObject("versions");
    v.put("sgdnoise", BuildInfo.version());
    v.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    v.put("java", System.getProperty("java.version"));
    v.put("commons_rng", BuildInfo.commonsRngVersion());
    v.put("ejml", BuildInfo.ejmlVersion());
    v.put("jackson", BuildInfo.jacksonVersion());
    ObjectNode r = m.putObject("reproducibility");
    r.put("generator", "Commons RNG XO_SHI_RO_256_PP, Ziggurat normal sampler; a second"
        + " XoShiRo256++ stream with a Marsaglia-Tsang ziggurat for streaming D = 1, S = 1");
    r.put("replicate_seed", "SplitMix64-finaliser chain over (seed, cell_id hi, cell_id lo,"
        + " replicate); state expanded by SplitMix64");
    r.put("cell_id", "sha256 of canonical cell parameters, first 128 bits, v1");

    Path tmp = new Path(layout.sweep(), "._sweep.json.tmp");
    fs.mkdirs(layout.sweep());
    try (OutputStream os = fs.create(tmp, true)) {
      JSON.writeValue(os, m);
    }
    fs.delete(layout.manifest(), false);
    if (!fs.rename(tmp, layout.manifest())) {
      throw new IOException("Cannot write manifest: rename failed: " + layout.manifest());
    }
  }
}
