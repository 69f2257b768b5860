package org.sgdnoise.core.result;

import static org.sgdnoise.core.result.Column.Type.BOOLEAN;
import static org.sgdnoise.core.result.Column.Type.DOUBLE;
import static org.sgdnoise.core.result.Column.Type.INT;
import static org.sgdnoise.core.result.Column.Type.LONG;
import static org.sgdnoise.core.result.Column.Type.STRING;

import java.util.ArrayList;
import java.util.List;
import org.sgdnoise.core.plan.Cell;
import org.sgdnoise.core.sim.Estimate;
import org.sgdnoise.core.sim.ReplicateResult;
import org.sgdnoise.core.theory.HessianBaselines;
import org.sgdnoise.core.theory.Prediction;

/**
 * The result tables' schemas: every column, in order, with its meaning and how to read it.
 * {@code docs/schema.md} documents the same columns (a test keeps the two in step). Values are
 * Java boxed primitives or {@code null}; NaN never reaches a table (it becomes null).
 */
public final class Tables {
  /** Bumped when a column is added, removed or changes meaning. */
  public static final int SCHEMA_VERSION = 5;

  private Tables() {}

  /** A cells-table row: the sweep name and the cell's result. */
  public record CellRow(String sweep, CellResult r) {
    Cell c() {
      return r.cell();
    }
  }

  /** A replicates-table row; {@code finite} is the replicate's finite-data theory or null. */
  public record ReplicateRow(String sweep, Cell cell, ReplicateResult rep, Prediction finite) {}

  /** A matrices-table row: entry (i, j) of one matrix of one cell. */
  public record MatrixRow(String sweep, Cell cell, String source, String quantity, int i, int j,
      double value) {}

  public static final List<Column<CellRow>> CELLS = cellColumns();
  public static final List<Column<ReplicateRow>> REPLICATES = replicateColumns();
  public static final List<Column<MatrixRow>> MATRICES = matrixColumns();

  /** The cells-table row as values in {@link #CELLS} order. */
  public static Object[] cellValues(String sweep, CellResult r) {
    CellRow row = new CellRow(sweep, r);
    Object[] out = new Object[CELLS.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = CELLS.get(i).get().apply(row);
    }
    return out;
  }

  /** The replicates-table rows of a cell, values in {@link #REPLICATES} order. */
  public static List<Object[]> replicateValues(String sweep, CellResult r) {
    List<Object[]> rows = new ArrayList<>();
    for (int k = 0; k < r.replicates().size(); k++) {
      ReplicateResult rep = r.replicates().get(k);
      ReplicateRow row = new ReplicateRow(sweep, r.cell(), rep,
          k < r.finite().size() ? r.finite().get(k) : null);
      Object[] out = new Object[REPLICATES.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = REPLICATES.get(i).get().apply(row);
      }
      rows.add(out);
    }
    return rows;
  }

  /**
   * The matrices-table rows of a cell (when its sweep asked for matrices): every entry of the
   * theory's Σ and C, values in {@link #MATRICES} order. Empty when not asked, when the theory
   * diverges or the cell failed.
   */
  public static List<Object[]> matrixValues(String sweep, CellResult r) {
    List<Object[]> rows = new ArrayList<>();
    Prediction p = r.theory();
    if (!r.cell().matrices()) {
      return rows;
    }
    if (p != null && !p.diverges()) {
      addMatrix(rows, sweep, r.cell(), "theory", "sigma", p.sigma());
      addMatrix(rows, sweep, r.cell(), "theory", "noise", p.noise());
    }
    final double[] sim = r.sim().sigma();
    if (sim != null) {
      final int dim = r.cell().dim();
      addMatrix(rows, sweep, r.cell(), "simulation", "sigma",
          org.ejml.data.DMatrixRMaj.wrap(dim, dim, sim));
    }
    return rows;
  }

  private static void addMatrix(List<Object[]> rows, String sweep, Cell cell, String source,
      String quantity, org.ejml.data.DMatrixRMaj m) {
    if (m == null) {
      return;
    }
    for (int i = 0; i < m.numRows; i++) {
      for (int j = 0; j < m.numCols; j++) {
        MatrixRow row = new MatrixRow(sweep, cell, source, quantity, i, j, m.get(i, j));
        Object[] out = new Object[MATRICES.size()];
        for (int c = 0; c < out.length; c++) {
          out[c] = MATRICES.get(c).get().apply(row);
        }
        rows.add(out);
      }
    }
  }

  /** A Markdown table documenting {@code columns} (docs/schema.md holds these verbatim). */
  public static String markdown(List<? extends Column<?>> columns) {
    StringBuilder sb = new StringBuilder("| column | type | nullable | unit | meaning |\n");
    sb.append("|---|---|---|---|---|\n");
    for (Column<?> c : columns) {
      sb.append("| `").append(c.name()).append("` | ").append(c.type().name().toLowerCase(
          java.util.Locale.ROOT)).append(" | ").append(c.nullable() ? "yes" : "no").append(" | ")
          .append(c.unit().isEmpty() ? "–" : c.unit()).append(" | ").append(c.doc())
          .append(" |\n");
    }
    return sb.toString();
  }

  private static List<Column<CellRow>> cellColumns() {
    List<Column<CellRow>> c = new ArrayList<>();
    c.add(Column.of("sweep", STRING, false, "", "sweep name (the sweep file's name)",
        CellRow::sweep));
    c.add(Column.of("cell_id", STRING, false, "", "content id of the cell: 32 hex digits of"
        + " SHA-256 over its canonical parameters (same cell, same id, in any sweep)",
        row -> row.c().cellId()));
    c.add(Column.of("cell_index", LONG, false, "", "position of the cell in this sweep's plan;"
        + " cells added by refine follow the grid, round by round", row -> row.c().index()));
    c.add(Column.of("kind", STRING, false, "", "problem kind, e.g. label_noise",
        row -> row.c().kind().yamlName()));
    c.add(Column.of("lr", DOUBLE, false, "", "learning rate λ", row -> row.c().lr()));
    c.add(Column.of("batch", INT, false, "samples", "minibatch size S",
        row -> row.c().batch()));
    c.add(Column.of("momentum", DOUBLE, false, "", "heavy-ball momentum μ",
        row -> row.c().momentum()));
    c.add(Column.of("weight_decay", DOUBLE, false, "", "weight decay γ (0 for label_noise)",
        row -> row.c().weightDecay()));
    c.add(Column.of("dim", INT, true, "", "dimension D (length of the spectrum); null for"
        + " logistic and mlp", row -> linear(row, row.c().dim())));
    c.add(Column.of("n", INT, true, "samples", "data set size N in dataset mode; null otherwise",
        row -> row.c().n() > 0 ? row.c().n() : null));
    c.add(Column.of("alpha", DOUBLE, true, "", "α = N/D when the sweep file gave alpha; null"
        + " otherwise", row -> nan(row.c().alpha())));
    c.add(Column.of("label_noise_var", DOUBLE, true, "", "label-noise variance σ²; null for"
        + " logistic and mlp", row -> linear(row, row.c().labelNoiseVar())));
    c.add(Column.of("a_max", DOUBLE, true, "", "largest eigenvalue of the feature covariance A;"
        + " null for logistic and mlp", row -> linear(row, row.c().aMax())));
    c.add(Column.of("a_trace", DOUBLE, true, "", "Tr A; null for logistic and mlp",
        row -> linear(row, row.c().aTrace())));
    c.add(Column.of("spectrum", STRING, true, "", "eigenvalues of A, as text [a1, a2, ...];"
        + " null for logistic and mlp", row -> linear(row, row.c().spectrumText())));
    c.add(Column.of("teacher", STRING, true, "", "the teacher u as given, as text: D entries, or"
        + " one entry c meaning u = c·(1, ..., 1); the losses of label_noise do not depend on"
        + " it; null for logistic and mlp", row -> linear(row, Cell.text(row.c().teacher()))));
    c.add(Column.of("input_noise_var", DOUBLE, true, "", "input-noise variance σ_x² (B = σ_x²·I)"
        + " for input_noise given that way; null otherwise",
        row -> nan(row.c().inputNoiseVar())));
    c.add(Column.of("input_noise_spectrum", STRING, true, "", "eigenvalues of the input-noise"
        + " covariance B on the coordinate axes, as text; null unless given",
        row -> row.c().inputNoiseSpectrum() == null ? null
            : Cell.text(row.c().inputNoiseSpectrum())));
    c.add(Column.of("lr_matrix", STRING, true, "", "learning-rate matrix Λ = λ·Λ₀: scalar (Λ₀ ="
        + " I), newton (Λ₀ = A⁻¹) or the diagonal of Λ₀ as text; null for logistic and mlp",
        row -> linear(row, row.c().lrMatrix().text())));
    c.add(Column.of("rotation", INT, true, "", "seed of the Haar rotation R of the features, A"
        + " = R diag(spectrum) Rᵀ; 0: A diagonal; null for logistic and mlp",
        row -> linear(row, row.c().rotation())));
    c.add(Column.of("scaling_k", DOUBLE, true, "", "k of theory_scaling_ratio; null unless given",
        row -> nan(row.c().scalingK())));
    c.add(Column.of("width", INT, true, "", "hidden width d of kind mlp; null otherwise",
        row -> row.c().width() > 0 ? row.c().width() : null));
    c.add(Column.of("data", STRING, true, "", "logistic and mlp: the data set as the sweep file"
        + " names it (fashion-mnist, or a folder of IDX files); null otherwise",
        row -> train(row, org.sgdnoise.core.spec.Train::data)));
    c.add(Column.of("optimizer", STRING, true, "", "logistic and mlp: sgd (heavy ball, momentum"
        + " μ) or adam (β₁ = μ, or 0.9 when μ = 0); null otherwise",
        row -> train(row, t -> t.optimizer().yamlName())));
    c.add(Column.of("loss", STRING, true, "", "logistic and mlp: the output loss, cross_entropy"
        + " or mse; null otherwise", row -> train(row,
            t -> org.sgdnoise.core.spec.Train.lossName(t.loss()))));
    c.add(Column.of("lr_scaling", STRING, true, "", "logistic and mlp: none, or inverse_width"
        + " (the run uses lr·reference_width/width); null otherwise",
        row -> train(row, t -> t.lrScaling().yamlName())));
    c.add(Column.of("lr_effective", DOUBLE, true, "", "logistic and mlp: the learning rate the"
        + " run used (lr, scaled by lr_scaling); null otherwise",
        row -> row.c().train() == null ? null : row.c().effectiveLr()));
    c.add(Column.of("train_rows", INT, true, "samples", "logistic and mlp: training images used"
        + " (a prefix of the set; null: all of them); null otherwise",
        row -> train(row, t -> t.trainRows() > 0 ? t.trainRows() : null)));
    c.add(Column.of("test_rows", INT, true, "samples", "logistic and mlp: test images evaluated"
        + " (a prefix; null: all of them); null otherwise",
        row -> train(row, t -> t.testRows() > 0 ? t.testRows() : null)));
    c.add(Column.of("sim_mode", STRING, false, "", "simulation mode: none, streaming or dataset;"
        + " none for logistic and mlp (they train: see the trained_ columns)",
        row -> row.c().simulate().mode().yamlName()));
    c.add(Column.of("sampling", STRING, true, "", "minibatch sampling in dataset mode"
        + " (with_replacement or without_replacement); null otherwise",
        row -> row.c().n() > 0 ? row.c().simulate().sampling().yamlName() : null));
    c.add(Column.of("steps", LONG, false, "steps", "SGD steps per replicate, burn-in included"
        + " (0 without simulation); optimiser steps for logistic and mlp",
        row -> row.c().train() != null ? row.c().train().steps() : row.c().simulate().steps()));
    c.add(Column.of("burn_in", LONG, false, "steps", "steps discarded before measuring",
        row -> row.c().simulate().burnIn()));
    c.add(Column.of("replicates", INT, false, "", "independent SGD chains per cell (training"
        + " runs for logistic and mlp)", row -> row.c().train() != null
            ? row.c().train().replicates() : row.c().simulate().replicates()));
    c.add(Column.of("seed", LONG, false, "", "the sweep seed (replicate seeds derive from it,"
        + " the cell id and the replicate number)", row -> row.c().seed()));
    c.add(Column.of("theory_trace_sigma", DOUBLE, true, "", "Tr Σ, the trace of the stationary"
        + " covariance of w around its mean (docs/theory.md gives the formula of each kind);"
        + " null if the theory diverges",
        row -> theory(row, Prediction::traceSigma)));
    c.add(Column.of("theory_tr_a_sigma", DOUBLE, true, "", "Tr[AΣ], A the Hessian of the"
        + " noise-free loss (label noise: σ²κ_μ/S; high_dim: the empirical Â); null if the"
        + " theory diverges", row -> theory(row, Prediction::trASigma)));
    c.add(Column.of("theory_kappa", DOUBLE, true, "", "κ of the kind's closed form (label noise:"
        + " κ_μ = t/(1 − t/S), t = Tr[ΛA G_μ⁻¹], learning rate inside); null if the theory"
        + " diverges or the kind has none",
        row -> theory(row, Prediction::kappa)));
    c.add(Column.of("theory_l_train", DOUBLE, true, "loss", "stationary training loss E[L(w)]"
        + " (label noise: ½Tr[AΣ] + ½σ², Theorem 8; l2: the regularised objective, may be"
        + " negative); null if the theory diverges",
        row -> theory(row, Prediction::lTrain)));
    c.add(Column.of("theory_l_test", DOUBLE, true, "loss", "stationary test loss"
        + " ½E[(w−u)ᵀA(w−u)] on clean data (label noise: ½Tr[AΣ], Theorem 8; input noise: the"
        + " corrected eq. 134); null if the theory diverges",
        row -> theory(row, Prediction::lTest)));
    c.add(Column.of("theory_trace_noise", DOUBLE, true, "", "Tr C, the trace of the stationary"
        + " minibatch-noise covariance (Lemma 1, Prop. 3, 4, 9); null if the theory diverges",
        row -> theory(row, Prediction::traceNoise)));
    c.add(Column.of("theory_diverges", BOOLEAN, true, "", "true when no stationary second"
        + " moment exists, by the kind's exact condition (label noise: some eigenvalue of G_μ ≤"
        + " 0, or t ≥ S); null only if the cell failed",
        row -> row.r().theory() == null ? null : row.r().theory().diverges()));
    c.add(Column.of("theory_critical_lr", DOUBLE, true, "", "λ_c: the cell is stable iff"
        + " lr < λ_c, other parameters fixed; null only if the cell failed",
        row -> nan(row.r().criticalLr())));
    c.add(Column.of("theory_sigma_eff2", DOUBLE, true, "", "σ_eff² = uᵀAK⁻¹Bu, the effective"
        + " label noise of input_noise (Prop. 9); null for other kinds",
        row -> extra(row, CellResult.Extras::sigmaEff2)));
    c.add(Column.of("theory_gamma_star", DOUBLE, true, "", "γ* = argmin over γ of L_test at the"
        + " cell's other parameters (l2, scalar λ), divergence counting as L_test = ∞; 0 exactly"
        + " when γ = 0 is stable; null if no γ is stable or for other kinds",
        row -> extra(row, CellResult.Extras::gammaStar)));
    c.add(Column.of("theory_gamma_star_l_test", DOUBLE, true, "loss", "L_test at γ*",
        row -> extra(row, CellResult.Extras::gammaStarLTest)));
    c.add(Column.of("theory_gamma_star_negative", BOOLEAN, true, "", "γ* < 0 (the best weight"
        + " decay is negative); null where theory_gamma_star is null",
        row -> row.r().extras() == null ? null : row.r().extras().gammaStarNegative()));
    c.add(Column.of("theory_scaling_ratio", DOUBLE, true, "", "Tr[AΣ](kλ, kS)/Tr[AΣ](λ, S) for k"
        + " = scaling_k (Section 6.5): 1 where linear λ–S scaling holds; +∞ if only the scaled"
        + " cell diverges; null without scaling_k or if the cell itself diverges",
        row -> extra(row, CellResult.Extras::scalingRatio)));
    c.add(Column.of("theory_solver", STRING, true, "", "how Σ was computed: closed_form,"
        + " reduction (exact eigenbasis reduction of Theorem 1) or iterative (matrix-free solve"
        + " of Theorem 1); null only if the cell failed",
        row -> row.r().extras() == null ? null : row.r().extras().solver()));
    c.add(Column.of("theory_solver_residual", DOUBLE, true, "", "relative residual of Theorem 1"
        + " for the iterative solver; null otherwise",
        row -> extra(row, CellResult.Extras::solverResidual)));
    c.add(Column.of("theory_finite_trace_sigma", DOUBLE, true, "", "dataset mode: Tr Σ by the"
        + " exact finite-data theory (Prop. 8 + Theorem 1 with each replicate's own data set),"
        + " averaged over replicates; null otherwise or if it diverges",
        row -> finite(row, Prediction::traceSigma)));
    c.add(Column.of("theory_finite_l_train", DOUBLE, true, "loss", "dataset mode: training loss"
        + " on the data set by the exact finite-data theory, averaged over replicates",
        row -> finite(row, Prediction::lTrain)));
    c.add(Column.of("theory_finite_l_test", DOUBLE, true, "loss", "dataset mode: test loss by"
        + " the exact finite-data theory (includes the data set's own bias ½(w*−u)ᵀA(w*−u)),"
        + " averaged over replicates", row -> finite(row, Prediction::lTest)));
    c.add(Column.of("theory_finite_trace_noise", DOUBLE, true, "", "dataset mode: Tr C by the"
        + " exact finite-data theory, averaged over replicates",
        row -> finite(row, Prediction::traceNoise)));
    c.add(Column.of("theory_finite_diverges", BOOLEAN, true, "", "dataset mode: the exact"
        + " finite-data theory of some replicate's data set diverges; null otherwise",
        row -> row.r().finiteMean() == null ? null : row.r().finiteMean().diverges()));
    c.add(Column.of("theory_tail_index", DOUBLE, true, "", "exact (Kesten) tail index β of the"
        + " stationary law: root of E|1 − (aλ/S)χ²_S|^β = 1; moments of order ≥ β are infinite."
        + " 1-d and μ = 0 only; null otherwise or when no stationary law exists; +∞ above 1000",
        row -> tails(row, CellResult.Tails::kesten)));
    c.add(Column.of("paper_tail_index", DOUBLE, true, "", "Proposition 7 as printed,"
        + " 2S/(aλ) − S (exact only at β = 2); 1-d and μ = 0 only",
        row -> tails(row, CellResult.Tails::paper)));
    c.add(Column.of("baseline_cts_tail_index", DOUBLE, true, "", "continuous-time tail index"
        + " 2S/(aλ) + 1 (Mori et al. 2021); 1-d and μ = 0 only",
        row -> tails(row, CellResult.Tails::continuousTime)));
    c.add(Column.of("paper_l_train", DOUBLE, true, "loss", "training loss by the paper's printed"
        + " formula where it differs from the corrected theory (high_dim: G = 2I − λ(1 − 1/S)Â);"
        + " null elsewhere or where it diverges", row -> paper(row, Prediction::lTrain)));
    c.add(Column.of("paper_l_test", DOUBLE, true, "loss", "test loss by the paper's printed"
        + " formula where it differs (input_noise: eq. 134 / Table 2; high_dim: printed G); null"
        + " elsewhere", row -> paper(row, Prediction::lTest)));
    c.add(Column.of("paper_diverges", BOOLEAN, true, "", "divergence by the paper's printed"
        + " condition (high_dim: the Section 6.2 sum with 1 − 1/S); null elsewhere",
        row -> row.r().extras() == null || row.r().extras().paper() == null ? null
            : row.r().extras().paper().diverges()));
    c.add(Column.of("paper_critical_lr", DOUBLE, true, "", "λ_c by the paper's printed"
        + " stability condition (high_dim); null elsewhere",
        row -> extra(row, CellResult.Extras::paperCriticalLr)));
    c.add(Column.of("paper_gamma_star_negative", BOOLEAN, true, "", "Corollary 1 as printed"
        + " (eq. 168): 2S/(S+2) < aλ < √(S/2) and S ≠ 2; it is wrong for S = 1 (compare"
        + " theory_gamma_star_negative); 1-d l2 with μ = 0 only",
        row -> row.r().extras() == null ? null : row.r().extras().paperGammaStarNegative()));
    addBaseline(c, "cts", 0, "continuous-time Hessian approximation C ≈ H/S (Appendix B; H = A"
        + " for label noise, K = A + B or A + γI for input noise and l2); never diverges");
    addBaseline(c, "dt", 1, "discrete-time Hessian approximation C ≈ H/S (Appendix B)");
    c.add(Column.of("baseline_dt_tr_a_sigma", DOUBLE, true, "", "high_dim: Tr[ÂΣ] by the"
        + " Hessian approximation the paper's Figure 6 compares with, (λσ²/S)Tr[Â(2I − λÂ)⁻¹]"
        + " (Marchenko–Pastur limit); null for other kinds",
        row -> extra(row, CellResult.Extras::hessianTrASigma)));
    c.add(Column.of("baseline_dt_diverges", BOOLEAN, true, "", "the discrete-time Hessian"
        + " approximation diverges (λ·h_max ≥ 2); μ = 0, scalar λ and kinds label_noise,"
        + " input_noise, l2 only",
        row -> row.r().baselines() == null ? null : row.r().baselines()[1].diverges()));
    c.add(Column.of("sim_trace_sigma", DOUBLE, true, "", "simulated Tr Σ after burn-in, pooled"
        + " over replicates; null without simulation or if any replicate diverged",
        row -> nan(row.r().sim().traceSigma().mean())));
    c.add(Column.of("sim_trace_sigma_se", DOUBLE, true, "", "its standard error (batch means)",
        row -> nan(row.r().sim().traceSigma().se())));
    c.add(Column.of("sim_l_train", DOUBLE, true, "loss", "simulated training objective (mean"
        + " minibatch objective at the pre-step iterate, regulariser included)",
        row -> nan(row.r().sim().lTrain().mean())));
    c.add(Column.of("sim_l_train_se", DOUBLE, true, "loss", "its standard error (batch means)",
        row -> nan(row.r().sim().lTrain().se())));
    c.add(Column.of("sim_l_test", DOUBLE, true, "loss", "simulated test loss ½(w−u)ᵀA(w−u)",
        row -> nan(row.r().sim().lTest().mean())));
    c.add(Column.of("sim_l_test_se", DOUBLE, true, "loss", "its standard error (batch means)",
        row -> nan(row.r().sim().lTest().se())));
    c.add(Column.of("sim_trace_noise", DOUBLE, true, "", "simulated Tr C: mean ‖g − ∇L(w)‖² of"
        + " the minibatch gradient (dataset mode: every ⌈2D/S⌉-th step)",
        row -> nan(row.r().sim().traceNoise().mean())));
    c.add(Column.of("sim_trace_noise_se", DOUBLE, true, "", "its standard error (batch means)",
        row -> nan(row.r().sim().traceNoise().se())));
    c.add(Column.of("sim_sigma_max_eigenvalue", DOUBLE, true, "", "largest eigenvalue of the"
        + " simulated Σ (mean over batches and replicates of each batch's Σ around the run's"
        + " mean); D ≤ 16 or matrices: true, else null",
        row -> nan(row.r().sim().sigmaMaxEigenvalue().mean())));
    c.add(Column.of("sim_sigma_max_eigenvalue_se", DOUBLE, true, "", "its standard error"
        + " (batch means of each batch's largest eigenvalue)",
        row -> nan(row.r().sim().sigmaMaxEigenvalue().se())));
    c.add(Column.of("sim_autocorr_time", DOUBLE, true, "steps", "integrated autocorrelation"
        + " time of ‖w − w̄‖² from the batch means (1 = independent steps), mean over"
        + " replicates; batch means are trustworthy when it is far below steps/32",
        row -> nan(row.r().sim().autocorrTime())));
    c.add(Column.of("sim_tail_index", DOUBLE, true, "", "Hill tail index of |w − w*| (1-d; the"
        + " norm ‖w − w*‖ for D > 1) on the top tail_fraction of each of 8 stretches of every"
        + " replicate, averaged; below 4 the variance estimates converge slowly and their"
        + " standard errors run low (heavy tails), below 2 Σ does not exist. Null when the run"
        + " is too short (fewer than 10 order statistics per stretch)",
        row -> nan(row.r().sim().tailIndex().mean())));
    c.add(Column.of("sim_tail_index_se", DOUBLE, true, "", "its standard error (spread of the"
        + " stretches' estimates)", row -> nan(row.r().sim().tailIndex().se())));
    c.add(Column.of("sim_diverged_fraction", DOUBLE, true, "", "fraction of replicates whose"
        + " iterate became non-finite or ran away (logistic and mlp: whose training loss became"
        + " non-finite); null without simulation",
        row -> nan(row.r().divergedFraction())));
    c.add(Column.of("sim_first_diverged_step", LONG, true, "steps", "earliest step at which a"
        + " replicate diverged; null if none did", row -> {
          long s = row.r().firstDivergedStep();
          return s < 0 ? null : s;
        }));
    addTrained(c, "test_accuracy", "", "test accuracy at the end of training",
        CellResult.Training::testAccuracy);
    addTrained(c, "test_loss", "loss", "test loss (mean data loss, no regulariser) at the end",
        CellResult.Training::testLoss);
    addTrained(c, "best_test_accuracy", "", "the highest test accuracy over the evaluations along"
        + " the run", CellResult.Training::bestTestAccuracy);
    addTrained(c, "best_test_loss", "loss", "the lowest test loss over the evaluations",
        CellResult.Training::bestTestLoss);
    addTrained(c, "train_loss_mean", "loss", "mean minibatch objective (data loss + ½γ‖W‖²)"
        + " over the last train.window of the steps", CellResult.Training::trainLossMean);
    addTrained(c, "train_loss_variance", "", "variance of the minibatch objective over the same"
        + " window (the paper's Figure 1 left)", CellResult.Training::trainLossVariance);
    addTrained(c, "trace_noise", "", "Tr C at the end: the variance of the minibatch gradient,"
        + " (mean ‖gᵢ‖² − ‖ḡ‖²)/S from per-example gradients on train.noise_rows images",
        CellResult.Training::noiseTrace);
    addTrained(c, "trace_noise_theorem5", "", "Theorem 5's form of Tr C at the same point,"
        + " (2L/S)·Tr H − ‖ḡ‖²/S, Tr H by Hutchinson's estimator (8 probes); exact near a"
        + " minimum of an MSE loss", CellResult.Training::noiseTraceTheorem5);
    c.add(Column.of("error", STRING, true, "", "null, or why the cell could not be computed"
        + " (an exception: a bug, never divergence); its result columns are then null",
        row -> row.r().error()));
    c.add(Column.of("wall_ms", LONG, false, "ms", "wall-clock time to compute the cell"
        + " (theory and all replicates); the only column that varies between identical runs",
        row -> row.r().wallMs()));
    c.add(Column.of("schema_version", INT, false, "", "version of this table's schema",
        row -> SCHEMA_VERSION));
    return List.copyOf(c);
  }

  private static List<Column<ReplicateRow>> replicateColumns() {
    List<Column<ReplicateRow>> c = new ArrayList<>();
    c.add(Column.of("sweep", STRING, false, "", "sweep name", ReplicateRow::sweep));
    c.add(Column.of("cell_id", STRING, false, "", "the cell (joins cells.cell_id)",
        row -> row.cell().cellId()));
    c.add(Column.of("replicate", INT, false, "", "replicate number, from 0",
        row -> row.rep().replicate()));
    c.add(Column.of("replicate_seed", LONG, false, "", "the replicate's derived seed",
        row -> row.rep().seed()));
    c.add(Column.of("diverged", BOOLEAN, false, "", "the iterate became non-finite or ran away",
        row -> row.rep().diverged()));
    c.add(Column.of("diverged_step", LONG, true, "steps", "step at which it diverged; null if"
        + " it did not", row -> row.rep().diverged() ? row.rep().divergedStep() : null));
    c.add(Column.of("steps_run", LONG, false, "steps", "steps actually run",
        row -> row.rep().stepsRun()));
    addEstimate(c, "trace_sigma", "", "Tr Σ of this chain after burn-in", r -> r.traceSigma());
    addEstimate(c, "l_train", "loss", "training loss of this chain", r -> r.lTrain());
    addEstimate(c, "l_test", "loss", "test loss of this chain", r -> r.lTest());
    addEstimate(c, "trace_noise", "", "Tr C (minibatch noise) of this chain", r -> r.traceNoise());
    addEstimate(c, "tail_index", "", "Hill tail index of ‖w − w*‖ of this chain (spread of its"
        + " 8 stretches)", r -> r.tailIndex());
    c.add(Column.of("autocorr_time", DOUBLE, true, "steps", "integrated autocorrelation time of"
        + " ‖w − w̄‖² (batch means); null if it diverged",
        row -> row.rep().diverged() ? null : nan(row.rep().autocorrTime())));
    c.add(Column.of("theory_finite_trace_sigma", DOUBLE, true, "", "dataset mode: Tr Σ by the"
        + " exact theory of this replicate's data set (Prop. 8 + Theorem 1); null otherwise or"
        + " if it diverges", row -> finiteRep(row, Prediction::traceSigma)));
    c.add(Column.of("theory_finite_l_train", DOUBLE, true, "loss", "dataset mode: training loss"
        + " by the exact theory of this replicate's data set",
        row -> finiteRep(row, Prediction::lTrain)));
    c.add(Column.of("theory_finite_l_test", DOUBLE, true, "loss", "dataset mode: test loss by"
        + " the exact theory of this replicate's data set",
        row -> finiteRep(row, Prediction::lTest)));
    c.add(Column.of("wall_ms", LONG, false, "ms", "wall-clock time of this chain",
        row -> row.rep().wallMs()));
    c.add(Column.of("schema_version", INT, false, "", "version of this table's schema",
        row -> SCHEMA_VERSION));
    return List.copyOf(c);
  }

  private static List<Column<MatrixRow>> matrixColumns() {
    List<Column<MatrixRow>> c = new ArrayList<>();
    c.add(Column.of("sweep", STRING, false, "", "sweep name", MatrixRow::sweep));
    c.add(Column.of("cell_id", STRING, false, "", "the cell (joins cells.cell_id)",
        row -> row.cell().cellId()));
    c.add(Column.of("source", STRING, false, "", "where the matrix comes from: theory, or"
        + " simulation (Σ averaged over replicates)",
        MatrixRow::source));
    c.add(Column.of("quantity", STRING, false, "", "sigma (Σ, the stationary covariance of w)"
        + " or noise (C, the stationary minibatch-noise covariance)", MatrixRow::quantity));
    c.add(Column.of("i", INT, false, "", "row, from 0 (coordinate basis)", MatrixRow::i));
    c.add(Column.of("j", INT, false, "", "column, from 0", MatrixRow::j));
    c.add(Column.of("value", DOUBLE, false, "", "the entry", MatrixRow::value));
    c.add(Column.of("schema_version", INT, false, "", "version of this table's schema",
        row -> SCHEMA_VERSION));
    return List.copyOf(c);
  }

  private static void addEstimate(List<Column<ReplicateRow>> c, String name, String unit,
      String doc, java.util.function.Function<ReplicateResult, Estimate> get) {
    c.add(Column.of(name, DOUBLE, true, unit, doc + "; null if it diverged",
        row -> nan(get.apply(row.rep()).mean())));
    c.add(Column.of(name + "_se", DOUBLE, true, unit, "its standard error (batch means)",
        row -> nan(get.apply(row.rep()).se())));
  }

  private static void addBaseline(List<Column<CellRow>> c, String name, int which,
      String what) {
    String tail = "; μ = 0, scalar λ and kinds label_noise, input_noise, l2 only (as in the"
        + " paper); null where it diverges";
    c.add(Column.of("baseline_" + name + "_trace_sigma", DOUBLE, true, "", "Tr Σ by the " + what
        + tail, row -> baseline(row, which, HessianBaselines.Baseline::traceSigma)));
    c.add(Column.of("baseline_" + name + "_l_train", DOUBLE, true, "loss", "training loss by"
        + " the " + what + tail,
        row -> baseline(row, which, HessianBaselines.Baseline::lTrain)));
    c.add(Column.of("baseline_" + name + "_l_test", DOUBLE, true, "loss", "test loss by the "
        + what + tail, row -> baseline(row, which, HessianBaselines.Baseline::lTest)));
  }

  /**
   * {@code trained_<name>} and its {@code _se}: a real-data measurement, the mean over the
   * replicates and its standard error.
   */
  private static void addTrained(List<Column<CellRow>> c, String name, String unit, String what,
      java.util.function.Function<CellResult.Training, Estimate> get) {
    c.add(Column.of("trained_" + name, DOUBLE, true, unit, "logistic and mlp: " + what
        + ", averaged over the replicates; null otherwise or if a replicate diverged",
        row -> row.r().training() == null ? null : nan(get.apply(row.r().training()).mean())));
    c.add(Column.of("trained_" + name + "_se", DOUBLE, true, unit, "its standard error (the"
        + " replicates' standard deviation over √R; null with one replicate)",
        row -> row.r().training() == null ? null : nan(get.apply(row.r().training()).se())));
  }

  /** A linear model's parameter, null for the real-data kinds. */
  private static <T> T linear(CellRow row, T value) {
    return row.c().kind().trains() ? null : value;
  }

  /** A training setting of the real-data kinds, null for the linear kinds. */
  private static Object train(CellRow row,
      java.util.function.Function<org.sgdnoise.core.spec.Train, Object> get) {
    return row.c().train() == null ? null : get.apply(row.c().train());
  }

  private static Double baseline(CellRow row, int which,
      java.util.function.ToDoubleFunction<HessianBaselines.Baseline> get) {
    HessianBaselines.Baseline[] b = row.r().baselines();
    return b == null ? null : nan(get.applyAsDouble(b[which]));
  }

  private static Double extra(CellRow row,
      java.util.function.ToDoubleFunction<CellResult.Extras> get) {
    CellResult.Extras e = row.r().extras();
    return e == null ? null : nan(get.applyAsDouble(e));
  }

  private static Double paper(CellRow row, java.util.function.ToDoubleFunction<Prediction> get) {
    CellResult.Extras e = row.r().extras();
    return e == null || e.paper() == null ? null : nan(get.applyAsDouble(e.paper()));
  }

  private static Double finite(CellRow row, java.util.function.ToDoubleFunction<Prediction> get) {
    Prediction p = row.r().finiteMean();
    return p == null ? null : nan(get.applyAsDouble(p));
  }

  private static Double finiteRep(ReplicateRow row,
      java.util.function.ToDoubleFunction<Prediction> get) {
    return row.finite() == null ? null : nan(get.applyAsDouble(row.finite()));
  }

  private static Double tails(CellRow row,
      java.util.function.ToDoubleFunction<CellResult.Tails> get) {
    CellResult.Tails t = row.r().tails();
    return t == null ? null : nan(get.applyAsDouble(t));
  }

  private static Double theory(CellRow row,
      java.util.function.ToDoubleFunction<Prediction> get) {
    return row.r().theory() == null ? null : nan(get.applyAsDouble(row.r().theory()));
  }

  private static Double nan(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
