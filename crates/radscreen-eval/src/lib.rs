//! radscreen-eval: how well a screener finds what it looks for.
//!
//! **Positive class, everywhere:** the finding is present (label `true`, or 1 in a manifest);
//! a decision `true` means the screener flagged the image; a higher score means "more likely
//! present", and a threshold `t` flags `score >= t`. Metrics are plain functions over slices and
//! return `Option<f64>`, `None` where the value is undefined (a zero denominator), never NaN.
//!
//! * [`Confusion`]: sensitivity, specificity, precision, NPV, F1/Fβ, accuracy, balanced
//!   accuracy, MCC, Youden's J, prevalence, FPR, FDR, miss rate.
//! * [`roc_curve`], [`roc_auc`], [`precision_recall_curve`], [`average_precision`], [`auc`]:
//!   scikit-learn's definitions, ties included (checked against scikit-learn 1.9.1 to 1e-12 in
//!   `tests/sklearn_reference.rs`; the Python script that made the expected values is
//!   `tests/sklearn_reference.py`).
//! * [`operating_point`]: thresholds for a target sensitivity or precision, Youden- and
//!   F1-optimal, and F1-optimal above a specificity floor (how `radscreen train` chooses).
//! * [`wilson`], [`bootstrap`] (seeded, stratified percentile), [`delong`] and
//!   [`delong_paired`]; [`special`] has `erfc` and the normal distribution.
//! * [`match_lesions`], [`evaluate_lesions`], [`Froc`]: lesion-level sensitivity, FP per image,
//!   FROC and the mean sensitivity at 1/8 … 8 FP per image.
//! * [`evaluate_subgroups`], [`calibration`], [`brier_score`], and [`regression`] metrics.
//! * [`evaluate_files`]: the `radscreen eval` command's work — read findings.csv and
//!   manifest.csv (and lesions), join, evaluate, write eval.json, eval.md and PNG plots.

mod binary;
mod calibration;
mod ci;
mod compare;
mod confusion;
mod curves;
mod delong;
mod error;
pub mod io;
mod lesion;
mod markdown;
mod num;
mod options;
mod plots;
pub mod regression;
mod report;
pub mod special;
mod subgroup;
mod threshold;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use binary::{
    BinaryOptions, BootstrapInfo, Cases, DeLongSummary, FBeta, FindingReport, ScreenerThreshold,
    ThresholdSource, evaluate_binary,
};
pub use calibration::{Calibration, ReliabilityBin, brier_score, calibration};
pub use ci::{
    BootstrapIntervals, BootstrapOptions, CiOptions, Estimate, Interval, Z_95, bootstrap,
    cluster_bootstrap_p, percentile, wilson,
};
pub use compare::{
    Comparison, MODALITY_GROUP, PairedAuroc, compare, compare_and_write, compare_files,
    render_comparison,
};
pub use confusion::{Confusion, ConfusionMetrics};
pub use curves::{
    PrCurve, RocCurve, ThresholdCounts, auc, average_precision, precision_recall_curve, roc_auc,
    roc_curve, threshold_counts,
};
pub use delong::{DeLong, DeLongComparison, delong, delong_paired};
pub use error::{Error, Result};
pub use lesion::{
    DuplicateHits, Froc, FrocPoint, LesionMatching, LesionOptions, LesionSummary, MatchCriterion,
    Outcome, PredictedLesion, TruthLesion, evaluate_lesions, match_lesions,
};
pub use markdown::render_markdown;
pub use options::EvalOptions;
pub use report::{
    Counts, EvalInputs, EvalReport, InputPaths, LesionSection, NotScored, OptionsEcho, RowRef,
    Unjoined, evaluate,
};
pub use subgroup::{AgeBands, evaluate_subgroups};
pub use threshold::{
    OperatingPoint, OperatingPoints, OperatingRule, operating_point, operating_points,
};

/// File name of the optional predicted-lesions CSV looked for beside findings.csv.
pub const PREDICTED_LESIONS_FILE: &str = "predicted_lesions.csv";

/// What [`evaluate_files`] did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EvalSummary {
    /// The full report (what eval.json holds).
    pub report: EvalReport,
    /// Files written, eval.json first.
    pub written: Vec<PathBuf>,
}

impl std::fmt::Display for EvalSummary {
    /// A few lines for a terminal: counts, then per finding sensitivity, specificity and AUROC.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.report.counts;
        writeln!(
            f,
            "scored {} of {} joined rows ({} skipped, {} error); unjoined: {} predictions, {} truth rows",
            c.scored,
            c.joined,
            c.skipped,
            c.error,
            c.predictions_without_truth,
            c.truth_without_predictions
        )?;
        for (name, r) in &self.report.findings {
            writeln!(
                f,
                "{name}: sensitivity {}, specificity {}, AUROC {}",
                markdown::fmt_estimate(&r.sensitivity),
                markdown::fmt_estimate(&r.specificity),
                markdown::fmt_estimate(&r.auroc)
            )?;
        }
        for p in &self.written {
            writeln!(f, "wrote {}", p.display())?;
        }
        Ok(())
    }
}

/// Writes `value` as pretty JSON with a final newline.
fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    let json = serde_json::to_string_pretty(value).map_err(|source| Error::Json {
        path: path.to_path_buf(),
        source,
    })?;
    std::fs::write(path, json + "\n").map_err(|e| Error::io(path, e))
}

/// Reads the `thresholds` object of a screener's run.json: every numeric member, by name.
///
/// # Errors
/// I/O or invalid JSON.
pub fn thresholds_from_run_json(path: &Path) -> Result<BTreeMap<String, f64>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|source| Error::Json {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(v.get("thresholds")
        .and_then(|t| t.as_object())
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_f64().map(|x| (k.clone(), x)))
                .collect()
        })
        .unwrap_or_default())
}

/// `radscreen eval`: reads `predictions` (findings.csv) and `truth` (manifest.csv), and, with
/// `lesions` (true lesions, lesions.csv), the predicted lesions (`opts.predicted_lesions`, else
/// [`PREDICTED_LESIONS_FILE`] beside findings.csv; without them the lesion section says
/// "skipped"). Joins on (path, frame), evaluates, and writes into `out` (created if needed):
/// `eval.json`, `eval.md`, and, unless `opts.plots` is false, `roc.png`, `pr.png`,
/// `calibration.png` and (with lesion results) `froc.png`.
///
/// Thresholds: `opts.thresholds`, then run.json beside findings.csv (`opts.use_run_json`), else
/// inferred from the flags. Every input is read whole and checked before anything is computed.
///
/// # Errors
/// Invalid options; an input error naming file, line and column (missing column, non-numeric
/// score, label not 0/1, duplicate (path, frame) …); or an output that cannot be written.
pub fn evaluate_files(
    predictions: &Path,
    truth: &Path,
    lesions: Option<&Path>,
    out: &Path,
    opts: &EvalOptions,
) -> Result<EvalSummary> {
    opts.validate()?;
    let mut opts = opts.clone();
    let mut notes = Vec::new();
    let dir = predictions.parent().unwrap_or(Path::new("."));
    let run_json = dir.join("run.json");
    if opts.use_run_json
        && run_json.is_file()
        && opts
            .findings
            .iter()
            .any(|f| !opts.thresholds.contains_key(f))
    {
        match thresholds_from_run_json(&run_json) {
            Ok(t) => {
                for f in opts.findings.clone() {
                    match (opts.thresholds.contains_key(&f), t.get(&f)) {
                        (false, Some(&v)) if (0.0..=1.0).contains(&v) => {
                            opts.thresholds.insert(f.clone(), v);
                            notes.push(format!(
                                "{f}: threshold {v} taken from {}",
                                run_json.display()
                            ));
                        }
                        (false, Some(&v)) => notes.push(format!(
                            "{f}: threshold {v} in {} is not in [0, 1]; not used",
                            run_json.display()
                        )),
                        _ => {}
                    }
                }
            }
            Err(e) => notes.push(format!("run.json not used: {e}")),
        }
        opts.validate()?;
    }

    let mut required = opts.subgroup_columns.clone();
    if opts.split.is_some() {
        required.push("split".into());
    }
    let preds = io::read_predictions(predictions, &opts.findings)?;
    let manifest = io::read_manifest(truth, &opts.findings, &required)?;
    let truth_lesions = lesions.map(io::read_truth_lesions).transpose()?;
    let predicted_path = match (&truth_lesions, &opts.predicted_lesions) {
        (None, _) => None,
        (Some(_), Some(p)) => Some(p.clone()),
        (Some(_), None) => Some(dir.join(PREDICTED_LESIONS_FILE)).filter(|p| p.is_file()),
    };
    if truth_lesions.is_none() && opts.predicted_lesions.is_some() {
        notes.push("predicted lesions given without true lesions (--lesions); not used".into());
    }
    let predicted_lesions = predicted_path
        .as_deref()
        .map(io::read_predicted_lesions)
        .transpose()?;

    let mut inputs = EvalInputs::new(&preds, &manifest);
    if let Some(t) = &truth_lesions {
        inputs = inputs.with_lesions(t, predicted_lesions.as_deref());
    }
    let mut report = evaluate(inputs, &opts)?;
    report.inputs.lesions = lesions.map(|p| p.display().to_string());
    report.inputs.predicted_lesions = predicted_path.map(|p| p.display().to_string());
    notes.append(&mut report.notes);
    report.notes = notes;

    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut written = Vec::new();
    let json_path = out.join("eval.json");
    write_json(&json_path, &report)?;
    written.push(json_path);
    let md_path = out.join("eval.md");
    std::fs::write(&md_path, render_markdown(&report)).map_err(|e| Error::io(&md_path, e))?;
    written.push(md_path);
    if opts.plots {
        written.extend(plots::write_plots(&report, out)?);
    }
    Ok(EvalSummary { report, written })
}
