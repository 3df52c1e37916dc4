//! Two screeners on the same images: each one's AUROC per finding, over all images and within
//! each subgroup, and DeLong's paired test of the difference (`radscreen eval --baseline`).
//!
//! Paired, because both scored the same images: the test uses the correlation between the two
//! sets of scores, so a difference that two unpaired intervals would leave open can be told
//! from chance, and one they would call real can turn out to be noise. This is how a new model
//! is judged against the one it would replace (docs/model-card.md).
//!
//! **Positive class:** label `true` (finding present). Only images scored (`status` ok) by
//! both screeners and in the manifest (and its split, if one is asked for) are compared; the
//! rest are counted, not guessed.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::ci::{BootstrapOptions, cluster_bootstrap_p};
use crate::delong::delong_paired;
use crate::error::{Error, Result};
use crate::io::{Manifest, Predictions, Status, read_manifest, read_predictions};
use crate::options::EvalOptions;
use crate::report::subgroup_value;
use crate::write_json;

/// The derived subgroup that pools CR, DX and other projection images as radiographs, as the
/// screener's per-group thresholds do (radscreen-imaging's input kinds).
pub const MODALITY_GROUP: &str = "modality group";

/// Labels, the two screeners' scores and the series (baseline's `series_key`) of the images of
/// one subgroup.
type Scores<'a> = (Vec<bool>, Vec<f64>, Vec<f64>, Vec<&'a str>);

/// One finding within one subgroup (or over all images).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PairedAuroc {
    /// The finding.
    pub finding: String,
    /// The manifest column (or [`MODALITY_GROUP`]); `all` over every compared image.
    pub column: String,
    /// The column's value (`all` over every compared image).
    pub value: String,
    /// Images compared.
    pub n: usize,
    /// Of which positive.
    pub positives: usize,
    /// The baseline's AUROC; `None` without two positives and two negatives.
    pub auroc_baseline: Option<f64>,
    /// The candidate's AUROC.
    pub auroc_candidate: Option<f64>,
    /// DeLong's z of candidate − baseline; `None` when the difference has no variance.
    pub z: Option<f64>,
    /// Its two-sided p-value.
    pub p_value: Option<f64>,
    /// Series among the images (the baseline's `series_key`); `None` when a compared image
    /// has none.
    pub series: Option<usize>,
    /// The difference's two-sided p-value from a paired bootstrap that resamples whole series
    /// ([`cluster_bootstrap_p`], 2,000 resamples, seed 0): adjacent slices of one series are
    /// not independent images, and DeLong's p treats them as if they were.
    pub p_value_series: Option<f64>,
}

/// What [`compare`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Comparison {
    /// The baseline's findings.csv.
    pub baseline: PathBuf,
    /// The candidate's findings.csv.
    pub candidate: PathBuf,
    /// The manifest.
    pub truth: PathBuf,
    /// The split compared, if one was asked for.
    pub split: Option<String>,
    /// Manifest rows (in the split) scored by both: the images compared.
    pub compared: usize,
    /// Manifest rows (in the split) left out: not scored (missing, skipped or failed) by one
    /// screener or both.
    pub left_out: usize,
    /// Per finding: over all images, then per subgroup column and value.
    pub rows: Vec<PairedAuroc>,
}

/// Reads both findings.csv and the manifest and compares the screeners on the images both
/// scored. Findings, subgroup columns (the `age` column in bands) and the split come from
/// `opts`; when the columns include `modality`, the rows of [`MODALITY_GROUP`] (CT, MR,
/// radiographs) follow its own.
///
/// # Errors
/// An input error naming file, line and column (as `radscreen eval`), or a finding missing
/// from an input.
pub fn compare_files(
    baseline: &Path,
    candidate: &Path,
    truth: &Path,
    opts: &EvalOptions,
) -> Result<Comparison> {
    opts.validate()?;
    let mut required = opts.subgroup_columns.clone();
    if opts.split.is_some() {
        required.push("split".into());
    }
    let a = read_predictions(baseline, &opts.findings)?;
    let b = read_predictions(candidate, &opts.findings)?;
    let manifest = read_manifest(truth, &opts.findings, &required)?;
    compare(&a, &b, &manifest, opts)
}

/// [`compare_files`] on inputs already read.
///
/// # Errors
/// A finding missing from an input, or a non-finite score.
pub fn compare(
    baseline: &Predictions,
    candidate: &Predictions,
    manifest: &Manifest,
    opts: &EvalOptions,
) -> Result<Comparison> {
    let scored = |p: &Predictions| -> HashMap<(String, u64), usize> {
        p.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.status == Status::Ok)
            .map(|(i, r)| ((r.path.clone(), r.frame), i))
            .collect()
    };
    let (sa, sb) = (scored(baseline), scored(candidate));
    let split_col = opts.split.as_ref().and_then(|_| manifest.column("split"));
    // (manifest row, baseline row, candidate row) for every image both scored
    let mut cases = Vec::new();
    let mut left_out = 0;
    for (ti, r) in manifest.rows.iter().enumerate() {
        if let (Some(c), Some(s)) = (split_col, &opts.split)
            && r.fields[c] != *s
        {
            continue;
        }
        let key = (r.path.clone(), r.frame);
        match (sa.get(&key), sb.get(&key)) {
            (Some(&ia), Some(&ib)) => cases.push((ti, ia, ib)),
            _ => left_out += 1,
        }
    }
    let mut groups: Vec<(String, Vec<String>)> =
        vec![("all".into(), vec!["all".into(); cases.len()])];
    for col in &opts.subgroup_columns {
        let idx = manifest.column(col);
        let values: Vec<String> = cases
            .iter()
            .map(|&(ti, ..)| subgroup_value(manifest, opts, col, idx, ti))
            .collect();
        if col == "modality" {
            let pooled = values
                .iter()
                .map(|m| match m.as_str() {
                    "CT" | "MR" | "unknown" => m.clone(),
                    _ => "radiographs".into(),
                })
                .collect();
            groups.push((col.clone(), values));
            groups.push((MODALITY_GROUP.into(), pooled));
        } else {
            groups.push((col.clone(), values));
        }
    }
    let mut rows = Vec::new();
    for finding in &opts.findings {
        let at = |names: &[String], file: &Path| {
            names.iter().position(|f| f == finding).ok_or_else(|| {
                Error::option(
                    "findings",
                    format!("{finding:?} is not in {}", file.display()),
                )
            })
        };
        let (ka, kb) = (
            at(&baseline.findings, &baseline.file)?,
            at(&candidate.findings, &candidate.file)?,
        );
        let km = at(&manifest.findings, &manifest.file)?;
        let score = |p: &Predictions, i: usize, k: usize| p.rows[i].scores[k].unwrap_or(f64::NAN);
        for (column, values) in &groups {
            let mut by_value: BTreeMap<&str, Scores> = BTreeMap::new();
            for (&(ti, ia, ib), v) in cases.iter().zip(values) {
                let e = by_value.entry(v.as_str()).or_default();
                e.0.push(manifest.rows[ti].labels[km]);
                e.1.push(score(baseline, ia, ka));
                e.2.push(score(candidate, ib, kb));
                e.3.push(baseline.rows[ia].series_key.as_str());
            }
            for (value, (labels, a, b, series)) in by_value {
                let d = delong_paired(&labels, &a, &b)?;
                let clusters = series_index(&series);
                let p_series = match (&d, &clusters) {
                    (Some(_), Some((c, _))) => {
                        let opts = BootstrapOptions::new().with_resamples(2000).with_seed(0);
                        cluster_bootstrap_p(&labels, &a, &b, c, &opts)?
                    }
                    _ => None,
                };
                rows.push(PairedAuroc {
                    finding: finding.clone(),
                    column: column.clone(),
                    value: value.to_string(),
                    n: labels.len(),
                    positives: labels.iter().filter(|&&l| l).count(),
                    auroc_baseline: d.as_ref().map(|d| d.auroc_a),
                    auroc_candidate: d.as_ref().map(|d| d.auroc_b),
                    z: d.as_ref().and_then(|d| d.z).map(|z| -z),
                    p_value: d.as_ref().and_then(|d| d.p_value),
                    series: clusters.map(|(_, k)| k),
                    p_value_series: p_series,
                });
            }
        }
    }
    Ok(Comparison {
        baseline: baseline.file.clone(),
        candidate: candidate.file.clone(),
        truth: manifest.file.clone(),
        split: opts.split.clone(),
        compared: cases.len(),
        left_out,
        rows,
    })
}

/// Each image's series as an index `0..k`, and k; `None` when an image has no series key.
fn series_index(keys: &[&str]) -> Option<(Vec<usize>, usize)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::with_capacity(keys.len());
    for &k in keys {
        if k.is_empty() {
            return None;
        }
        let next = seen.len();
        out.push(*seen.entry(k).or_insert(next));
    }
    Some((out, seen.len()))
}

/// compare.md: one table, a row per finding and subgroup.
pub fn render_comparison(c: &Comparison) -> String {
    let f = |v: Option<f64>| v.map_or("—".into(), |v| format!("{v:.3}"));
    let p = |v: Option<f64>| match v {
        None => "—".into(),
        Some(v) if v < 1e-3 => format!("{v:.0e}"),
        Some(v) => format!("{v:.3}"),
    };
    let mut s = format!(
        "# Paired comparison\n\nbaseline: `{}`  \ncandidate: `{}`  \ntruth: `{}`{}\n\n\
         {} images scored by both; {} left out (not scored by one or both).\n\
         AUROC of each on the same images; p: DeLong's paired test (two-sided) of the difference, \
         which treats every image as independent; p (series): a paired bootstrap that resamples \
         whole series (2,000 resamples), honest where a series gives several slices.\n\n\
         | finding | subgroup | n (pos) | series | baseline AUROC | candidate AUROC | difference | p | p (series) |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|\n",
        c.baseline.display(),
        c.candidate.display(),
        c.truth.display(),
        c.split
            .as_ref()
            .map_or(String::new(), |s| format!(" (split {s})")),
        c.compared,
        c.left_out,
    );
    for r in &c.rows {
        let group = if r.column == "all" {
            "all".to_string()
        } else {
            format!("{} {}", r.column, r.value)
        };
        let diff = match (r.auroc_baseline, r.auroc_candidate) {
            (Some(a), Some(b)) => format!("{:+.3}", b - a),
            _ => "—".into(),
        };
        s += &format!(
            "| {} | {group} | {} ({}) | {} | {} | {} | {diff} | {} | {} |\n",
            r.finding,
            r.n,
            r.positives,
            r.series.map_or("—".into(), |k| k.to_string()),
            f(r.auroc_baseline),
            f(r.auroc_candidate),
            p(r.p_value),
            p(r.p_value_series)
        );
    }
    s
}

/// Compares and writes `compare.json` and `compare.md` into `out` (created if needed).
///
/// # Errors
/// As [`compare_files`], or an output that cannot be written.
pub fn compare_and_write(
    baseline: &Path,
    candidate: &Path,
    truth: &Path,
    out: &Path,
    opts: &EvalOptions,
) -> Result<(Comparison, Vec<PathBuf>)> {
    let c = compare_files(baseline, candidate, truth, opts)?;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let json_path = out.join("compare.json");
    write_json(&json_path, &c)?;
    let md_path = out.join("compare.md");
    std::fs::write(&md_path, render_comparison(&c)).map_err(|e| Error::io(&md_path, e))?;
    Ok((c, vec![json_path, md_path]))
}
