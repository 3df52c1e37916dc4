//! A whole evaluation: joining predictions to truth, per-finding and per-subgroup metrics,
//! lesion-level results, and the eval.json document.
//!
//! **Positive class:** for each finding, label 1 in the manifest (finding present); decisions
//! are the screener's `flag_*`, scores its `score_*`.
//!
//! eval.json has the shape of DESIGN.md — `{"findings": {F: {"threshold", "n", "sensitivity":
//! {"value", "ci": [lo, hi]}, …}}, "subgroups": {COLUMN: {VALUE: {F: {…}}}}}` — plus the keys
//! below (`counts`, `unjoined`, `not_scored`, `lesions`, `options`, `notes`, …). Undefined values
//! (0/0) are `null`; +∞ (the first ROC threshold) is also written as `null`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::binary::{Cases, FindingReport, ScreenerThreshold, evaluate_binary};
use crate::error::Result;
use crate::io::{LesionRow, Manifest, Predictions, Status};
use crate::lesion::{
    LesionSummary, MatchCriterion, PredictedLesion, TruthLesion, evaluate_lesions,
};
use crate::options::EvalOptions;
use crate::subgroup::evaluate_subgroups;

/// Row counts of the join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct Counts {
    /// Rows in findings.csv.
    pub prediction_rows: usize,
    /// Rows in the manifest.
    pub truth_rows: usize,
    /// Manifest rows left out by the split filter (and predictions of those rows).
    pub excluded_by_split: usize,
    /// Prediction rows that joined a manifest row.
    pub joined: usize,
    /// Joined rows with status ok: the cases scored.
    pub scored: usize,
    /// Joined rows with status skipped (not scored).
    pub skipped: usize,
    /// Joined rows with status error (not scored).
    pub error: usize,
    /// Prediction rows with no manifest row.
    pub predictions_without_truth: usize,
    /// Manifest rows (in the split) with no prediction row.
    pub truth_without_predictions: usize,
}

/// A row named by its key and line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowRef {
    /// `path` field.
    pub path: String,
    /// `frame` field.
    pub frame: u64,
    /// 1-based line in its file.
    pub line: u64,
}

/// Rows that did not join.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Unjoined {
    /// In findings.csv only.
    pub predictions_without_truth: Vec<RowRef>,
    /// In the manifest only.
    pub truth_without_predictions: Vec<RowRef>,
}

/// A joined row that was not scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotScored {
    /// `path` field.
    pub path: String,
    /// `frame` field.
    pub frame: u64,
    /// Line in findings.csv.
    pub line: u64,
    /// skipped or error.
    pub status: Status,
    /// `error_kind` field.
    pub error_kind: String,
}

/// Lesion-level section of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LesionSection {
    /// "evaluated" or "skipped".
    pub status: &'static str,
    /// Why it was skipped, or remarks.
    pub note: Option<String>,
    /// Per finding.
    pub findings: BTreeMap<String, LesionSummary>,
    /// True lesions not on a scored image (or of another finding), left out.
    pub truth_lesions_left_out: usize,
    /// Predicted lesions not on a scored image (or of another finding), left out.
    pub predicted_lesions_left_out: usize,
}

/// Echo of the settings, so a report says how it was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionsEcho {
    /// Interval z.
    pub z: f64,
    /// Two-sided confidence level 2Φ(z) − 1.
    pub confidence: f64,
    /// Bootstrap resamples.
    pub bootstrap_resamples: usize,
    /// Bootstrap seed.
    pub bootstrap_seed: u64,
    /// β of Fβ.
    pub beta: f64,
    /// Operating-point sensitivity target.
    pub target_sensitivity: f64,
    /// Operating-point precision target.
    pub target_precision: f64,
    /// Calibration bins.
    pub calibration_bins: usize,
    /// Split filter.
    pub split: Option<String>,
    /// Subgroup columns.
    pub subgroup_columns: Vec<String>,
    /// Age band edges (years).
    pub age_band_edges: Vec<f64>,
    /// Lesion criterion.
    pub lesion_criterion: MatchCriterion,
    /// Whether duplicate lesion hits count as FPs.
    pub lesion_duplicates_are_fp: bool,
}

/// The paths of the inputs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct InputPaths {
    /// findings.csv.
    pub predictions: String,
    /// manifest.csv.
    pub truth: String,
    /// True lesions.
    pub lesions: Option<String>,
    /// Predicted lesions.
    pub predicted_lesions: Option<String>,
}

/// Everything eval.json holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct EvalReport {
    /// "radscreen-eval VERSION".
    pub generator: String,
    /// Input paths.
    pub inputs: InputPaths,
    /// Settings.
    pub options: OptionsEcho,
    /// Join counts.
    pub counts: Counts,
    /// Per finding.
    pub findings: BTreeMap<String, FindingReport>,
    /// Per subgroup column, value and finding.
    pub subgroups: BTreeMap<String, BTreeMap<String, BTreeMap<String, FindingReport>>>,
    /// Lesion-level results (null without a lesions file).
    pub lesions: Option<LesionSection>,
    /// Rows that did not join.
    pub unjoined: Unjoined,
    /// Joined rows not scored.
    pub not_scored: Vec<NotScored>,
    /// Remarks a reader should see (threshold source, inconsistent flags, skipped sections…).
    pub notes: Vec<String>,
}

/// Inputs of [`evaluate`], already read.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct EvalInputs<'a> {
    /// findings.csv.
    pub predictions: &'a Predictions,
    /// manifest.csv.
    pub manifest: &'a Manifest,
    /// True lesions, if given.
    pub truth_lesions: Option<&'a [LesionRow]>,
    /// Predicted lesions, if available.
    pub predicted_lesions: Option<&'a [LesionRow]>,
}

impl<'a> EvalInputs<'a> {
    /// Predictions and truth, no lesions.
    pub fn new(predictions: &'a Predictions, manifest: &'a Manifest) -> Self {
        EvalInputs {
            predictions,
            manifest,
            truth_lesions: None,
            predicted_lesions: None,
        }
    }
    /// Adds lesion inputs.
    pub fn with_lesions(
        mut self,
        truth: &'a [LesionRow],
        predicted: Option<&'a [LesionRow]>,
    ) -> Self {
        self.truth_lesions = Some(truth);
        self.predicted_lesions = predicted;
        self
    }
}

/// A scored case: indices into the predictions' and manifest's rows.
#[derive(Debug, Clone, Copy)]
struct Case {
    pred: usize,
    truth: usize,
}

/// The screener's threshold for a finding and where it came from.
fn threshold_for(
    finding: &str,
    given: Option<f64>,
    scores: &[f64],
    flags: &[bool],
    notes: &mut Vec<String>,
) -> ScreenerThreshold {
    let disagree = |t: f64| {
        scores
            .iter()
            .zip(flags)
            .filter(|(s, f)| (**s >= t) != **f)
            .count()
    };
    if let Some(t) = given {
        let bad = disagree(t);
        if bad > 0 {
            notes.push(format!(
                "{finding}: {bad} scored rows have a flag that disagrees with score >= {t}"
            ));
        }
        return ScreenerThreshold::given(t);
    }
    let min_flagged = scores
        .iter()
        .zip(flags)
        .filter(|(_, f)| **f)
        .map(|(s, _)| *s)
        .fold(f64::INFINITY, f64::min);
    if min_flagged.is_finite() && disagree(min_flagged) == 0 {
        notes.push(format!(
            "{finding}: threshold not given; inferred as the lowest flagged score ({min_flagged})"
        ));
        ScreenerThreshold::inferred(min_flagged)
    } else {
        notes.push(format!("{finding}: threshold unknown (not given, and the flags are not score >= t for any one t, or nothing is flagged)"));
        ScreenerThreshold::unknown()
    }
}

/// Manifest row `ti`'s value in subgroup column `col` (at `idx`): the age band for `age`,
/// `unknown` where the value is empty or the column is missing.
pub(crate) fn subgroup_value(
    manifest: &Manifest,
    opts: &EvalOptions,
    col: &str,
    idx: Option<usize>,
    ti: usize,
) -> String {
    let row = &manifest.rows[ti];
    if col == "age" {
        return opts.age_bands.label(row.age);
    }
    match idx.map(|c| row.fields[c].as_str()) {
        Some("") | None => "unknown".to_string(),
        Some(v) => v.to_string(),
    }
}

/// Joins, evaluates and assembles the report. Nothing is written.
///
/// # Errors
/// Invalid options, or a metric's input error (e.g. mismatched findings between the inputs).
pub fn evaluate(inputs: EvalInputs<'_>, opts: &EvalOptions) -> Result<EvalReport> {
    opts.validate()?;
    let (preds, manifest) = (inputs.predictions, inputs.manifest);
    let mut notes = Vec::new();
    let mut counts = Counts {
        prediction_rows: preds.rows.len(),
        truth_rows: manifest.rows.len(),
        ..Counts::default()
    };

    // --- the split filter
    let split_col = opts.split.as_ref().and_then(|_| manifest.column("split"));
    if opts.split.is_some() && split_col.is_none() {
        notes.push(
            "split filter requested but the manifest has no split column; all rows used".into(),
        );
    }
    let in_split = |i: usize| match (split_col, &opts.split) {
        (Some(c), Some(s)) => manifest.rows[i].fields[c] == *s,
        _ => true,
    };
    let mut truth_index: HashMap<(&str, u64), usize> = HashMap::new();
    let mut excluded: HashSet<(&str, u64)> = HashSet::new();
    for (i, r) in manifest.rows.iter().enumerate() {
        if in_split(i) {
            truth_index.insert((r.path.as_str(), r.frame), i);
        } else {
            excluded.insert((r.path.as_str(), r.frame));
            counts.excluded_by_split += 1;
        }
    }

    // --- the join
    let mut unjoined = Unjoined::default();
    let mut not_scored = Vec::new();
    let mut cases = Vec::new();
    let mut joined_truth = HashSet::new();
    for (pi, p) in preds.rows.iter().enumerate() {
        let key = (p.path.as_str(), p.frame);
        let Some(&ti) = truth_index.get(&key) else {
            if !excluded.contains(&key) {
                unjoined.predictions_without_truth.push(RowRef {
                    path: p.path.clone(),
                    frame: p.frame,
                    line: p.line,
                });
            }
            continue;
        };
        joined_truth.insert(ti);
        counts.joined += 1;
        match p.status {
            Status::Ok => cases.push(Case {
                pred: pi,
                truth: ti,
            }),
            s => {
                if s == Status::Skipped {
                    counts.skipped += 1;
                } else {
                    counts.error += 1;
                }
                not_scored.push(NotScored {
                    path: p.path.clone(),
                    frame: p.frame,
                    line: p.line,
                    status: s,
                    error_kind: p.error_kind.clone(),
                });
            }
        }
    }
    counts.scored = cases.len();
    for (&_, &ti) in truth_index.iter() {
        if !joined_truth.contains(&ti) {
            let r = &manifest.rows[ti];
            unjoined.truth_without_predictions.push(RowRef {
                path: r.path.clone(),
                frame: r.frame,
                line: r.line,
            });
        }
    }
    unjoined.truth_without_predictions.sort_by_key(|r| r.line);
    counts.predictions_without_truth = unjoined.predictions_without_truth.len();
    counts.truth_without_predictions = unjoined.truth_without_predictions.len();
    for (what, n) in [
        (
            "findings.csv row(s) without a manifest row",
            counts.predictions_without_truth,
        ),
        (
            "manifest row(s) without a findings.csv row",
            counts.truth_without_predictions,
        ),
    ] {
        if n > 0 {
            notes.push(format!("{n} {what} (listed under unjoined; not scored)"));
        }
    }
    if counts.skipped + counts.error > 0 {
        notes.push(format!(
            "{} joined rows were not scored: {} skipped, {} error (listed under not_scored)",
            counts.skipped + counts.error,
            counts.skipped,
            counts.error
        ));
    }

    // --- per finding, overall and per subgroup
    let mut findings = BTreeMap::new();
    let mut subgroups: BTreeMap<String, BTreeMap<String, BTreeMap<String, FindingReport>>> =
        BTreeMap::new();
    let subgroup_cols: Vec<(String, Option<usize>)> = opts
        .subgroup_columns
        .iter()
        .map(|c| (c.clone(), manifest.column(c)))
        .collect();
    let key_of =
        |col: &str, idx: Option<usize>, ti: usize| subgroup_value(manifest, opts, col, idx, ti);
    for finding in &opts.findings {
        let pk = preds.findings.iter().position(|f| f == finding);
        let mk = manifest.findings.iter().position(|f| f == finding);
        let (Some(pk), Some(mk)) = (pk, mk) else {
            return Err(crate::Error::option(
                "findings",
                format!("{finding:?} was not read from both inputs"),
            ));
        };
        let labels: Vec<bool> = cases
            .iter()
            .map(|c| manifest.rows[c.truth].labels[mk])
            .collect();
        let scores: Vec<f64> = cases
            .iter()
            .map(|c| preds.rows[c.pred].scores[pk].unwrap_or(0.0))
            .collect();
        let flags: Vec<bool> = cases
            .iter()
            .map(|c| preds.rows[c.pred].flags[pk].unwrap_or(false))
            .collect();
        let threshold = threshold_for(
            finding,
            opts.thresholds.get(finding).copied(),
            &scores,
            &flags,
            &mut notes,
        );
        let finding_cases = Cases::new(&labels, &scores, &flags)?;
        let overall = evaluate_binary(finding_cases, threshold, &opts.binary)?;
        let overall_sens = overall.sensitivity.value;
        findings.insert(finding.clone(), overall);
        for (col, idx) in &subgroup_cols {
            let keys: Vec<String> = cases.iter().map(|c| key_of(col, *idx, c.truth)).collect();
            let mut all: Vec<String> = (0..manifest.rows.len())
                .filter(|&i| in_split(i))
                .map(|i| key_of(col, *idx, i))
                .collect();
            all.sort();
            all.dedup();
            let per_value = evaluate_subgroups(
                &keys,
                &all,
                finding_cases,
                threshold,
                overall_sens,
                &opts.binary,
            )?;
            let by_col = subgroups.entry(col.clone()).or_default();
            for (value, r) in per_value {
                by_col.entry(value).or_default().insert(finding.clone(), r);
            }
        }
    }

    let lesions = inputs
        .truth_lesions
        .map(|truth| lesion_section(truth, inputs.predicted_lesions, preds, &cases, opts))
        .transpose()?;

    let b = &opts.binary;
    Ok(EvalReport {
        generator: format!("radscreen-eval {}", env!("CARGO_PKG_VERSION")),
        inputs: InputPaths {
            predictions: preds.file.display().to_string(),
            truth: manifest.file.display().to_string(),
            lesions: None,
            predicted_lesions: None,
        },
        options: OptionsEcho {
            z: b.ci.z,
            confidence: b.ci.confidence(),
            bootstrap_resamples: b.bootstrap.resamples,
            bootstrap_seed: b.bootstrap.seed,
            beta: b.beta,
            target_sensitivity: b.target_sensitivity,
            target_precision: b.target_precision,
            calibration_bins: b.calibration_bins,
            split: opts.split.clone(),
            subgroup_columns: opts.subgroup_columns.clone(),
            age_band_edges: opts.age_bands.edges().to_vec(),
            lesion_criterion: opts.lesion.criterion,
            lesion_duplicates_are_fp: opts.lesion.duplicates
                == crate::lesion::DuplicateHits::FalsePositive,
        },
        counts,
        findings,
        subgroups,
        lesions,
        unjoined,
        not_scored,
        notes,
    })
}

fn lesion_section(
    truth: &[LesionRow],
    predicted: Option<&[LesionRow]>,
    preds: &Predictions,
    cases: &[Case],
    opts: &EvalOptions,
) -> Result<LesionSection> {
    let Some(predicted) = predicted else {
        return Ok(LesionSection {
            status: "skipped",
            note: Some("no predicted lesions (predicted_lesions.csv: path,frame,finding,row,col,score[,radius_px]); lesion-level metrics need the screener's lesion positions".into()),
            findings: BTreeMap::new(),
            truth_lesions_left_out: 0,
            predicted_lesions_left_out: 0,
        });
    };
    let image_of: HashMap<(&str, u64), usize> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let p = &preds.rows[c.pred];
            ((p.path.as_str(), p.frame), i)
        })
        .collect();
    let n_images = cases.len();
    let mut section = LesionSection {
        status: "evaluated",
        note: None,
        findings: BTreeMap::new(),
        truth_lesions_left_out: 0,
        predicted_lesions_left_out: 0,
    };
    let known = |r: &LesionRow| {
        opts.findings.contains(&r.finding) && image_of.contains_key(&(r.path.as_str(), r.frame))
    };
    section.truth_lesions_left_out = truth.iter().filter(|r| !known(r)).count();
    section.predicted_lesions_left_out = predicted.iter().filter(|r| !known(r)).count();
    for finding in &opts.findings {
        let t: Vec<TruthLesion> = truth
            .iter()
            .filter(|r| &r.finding == finding)
            .filter_map(|r| {
                let image = *image_of.get(&(r.path.as_str(), r.frame))?;
                Some(TruthLesion {
                    image,
                    row: r.row,
                    col: r.col,
                    radius: r.radius.unwrap_or(0.0),
                })
            })
            .collect();
        let p: Vec<PredictedLesion> = predicted
            .iter()
            .filter(|r| &r.finding == finding)
            .filter_map(|r| {
                let image = *image_of.get(&(r.path.as_str(), r.frame))?;
                Some(PredictedLesion {
                    image,
                    row: r.row,
                    col: r.col,
                    score: r.score.unwrap_or(0.0),
                    radius: r.radius,
                })
            })
            .collect();
        section.findings.insert(
            finding.clone(),
            evaluate_lesions(&t, &p, n_images, &opts.lesion, opts.binary.ci.z)?,
        );
    }
    if section.truth_lesions_left_out + section.predicted_lesions_left_out > 0 {
        section.note = Some(format!(
            "{} true and {} predicted lesions are not on a scored image (or name another finding) and were left out",
            section.truth_lesions_left_out, section.predicted_lesions_left_out
        ));
    }
    Ok(section)
}
