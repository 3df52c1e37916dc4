//! Options of a whole evaluation ([`evaluate`](crate::evaluate) and
//! [`evaluate_files`](crate::evaluate_files)).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::binary::BinaryOptions;
use crate::ci::{BootstrapOptions, CiOptions};
use crate::error::{Error, Result};
use crate::lesion::LesionOptions;
use crate::subgroup::AgeBands;

/// What to evaluate and how. Build with [`EvalOptions::new`] and the `with_*` setters; checked
/// by [`validate`](Self::validate) before anything is read.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EvalOptions {
    /// Findings: columns `score_F`/`flag_F` in findings.csv and label column `F` in the
    /// manifest. Default `["tumor", "fracture"]`.
    pub findings: Vec<String>,
    /// The screener's thresholds per finding (reported, and checked against the flags). When a
    /// finding has none here, [`evaluate_files`](crate::evaluate_files) takes it from
    /// `run.json`'s `thresholds` beside findings.csv (if `use_run_json`), else it is inferred
    /// from the flags.
    pub thresholds: BTreeMap<String, f64>,
    /// Look for `run.json` beside findings.csv for thresholds. Default true.
    pub use_run_json: bool,
    /// Per-finding metric settings (interval z, bootstrap, β, operating targets, bins).
    pub binary: BinaryOptions,
    /// Manifest columns to form subgroups by; `age` is banded. Default
    /// `["modality", "sex", "age", "manufacturer"]`. Each must exist in the manifest.
    pub subgroup_columns: Vec<String>,
    /// Age bands for the `age` column.
    pub age_bands: AgeBands,
    /// Evaluate only manifest rows whose `split` column equals this (e.g. "test"). Default:
    /// all rows.
    pub split: Option<String>,
    /// Lesion matching and FROC settings.
    pub lesion: LesionOptions,
    /// Predicted lesions CSV. Default: `predicted_lesions.csv` beside findings.csv, if present.
    pub predicted_lesions: Option<PathBuf>,
    /// Draw the PNG plots. Default true.
    pub plots: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            findings: vec!["tumor".into(), "fracture".into()],
            thresholds: BTreeMap::new(),
            use_run_json: true,
            binary: BinaryOptions::default(),
            subgroup_columns: ["modality", "sex", "age", "manufacturer"]
                .map(String::from)
                .to_vec(),
            age_bands: AgeBands::default(),
            split: None,
            lesion: LesionOptions::default(),
            predicted_lesions: None,
            plots: true,
        }
    }
}

impl EvalOptions {
    /// The defaults (see each field).
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the findings.
    pub fn with_findings<S: Into<String>>(mut self, findings: impl IntoIterator<Item = S>) -> Self {
        self.findings = findings.into_iter().map(Into::into).collect();
        self
    }
    /// Sets the screener's threshold for one finding.
    pub fn with_threshold(mut self, finding: impl Into<String>, threshold: f64) -> Self {
        self.thresholds.insert(finding.into(), threshold);
        self
    }
    /// Whether to read thresholds from `run.json` beside findings.csv.
    pub fn with_run_json(mut self, yes: bool) -> Self {
        self.use_run_json = yes;
        self
    }
    /// Sets all per-finding metric settings at once.
    pub fn with_binary(mut self, binary: BinaryOptions) -> Self {
        self.binary = binary;
        self
    }
    /// Sets the interval options.
    pub fn with_ci(mut self, ci: CiOptions) -> Self {
        self.binary.ci = ci;
        self
    }
    /// Sets the two-sided confidence level of every interval (default 0.95).
    pub fn with_confidence(mut self, level: f64) -> Self {
        self.binary.ci = self.binary.ci.with_confidence(level);
        self
    }
    /// Sets the bootstrap options.
    pub fn with_bootstrap(mut self, bootstrap: BootstrapOptions) -> Self {
        self.binary.bootstrap = bootstrap;
        self
    }
    /// Sets the bootstrap seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.binary.bootstrap.seed = seed;
        self
    }
    /// Sets the number of bootstrap resamples (0 = none).
    pub fn with_resamples(mut self, resamples: usize) -> Self {
        self.binary.bootstrap.resamples = resamples;
        self
    }
    /// Sets the subgroup columns.
    pub fn with_subgroup_columns<S: Into<String>>(
        mut self,
        cols: impl IntoIterator<Item = S>,
    ) -> Self {
        self.subgroup_columns = cols.into_iter().map(Into::into).collect();
        self
    }
    /// Sets the age bands.
    pub fn with_age_bands(mut self, bands: AgeBands) -> Self {
        self.age_bands = bands;
        self
    }
    /// Restricts the evaluation to one split.
    pub fn with_split(mut self, split: impl Into<String>) -> Self {
        self.split = Some(split.into());
        self
    }
    /// Sets the lesion options.
    pub fn with_lesion(mut self, lesion: LesionOptions) -> Self {
        self.lesion = lesion;
        self
    }
    /// Sets the predicted-lesions CSV.
    pub fn with_predicted_lesions(mut self, path: impl Into<PathBuf>) -> Self {
        self.predicted_lesions = Some(path.into());
        self
    }
    /// Whether to draw plots.
    pub fn with_plots(mut self, plots: bool) -> Self {
        self.plots = plots;
        self
    }

    /// Checks every setting.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] naming the setting.
    pub fn validate(&self) -> Result<()> {
        if self.findings.is_empty() {
            return Err(Error::option("findings", "at least one finding is needed"));
        }
        for (i, f) in self.findings.iter().enumerate() {
            if f.is_empty() || self.findings[..i].contains(f) {
                return Err(Error::option(
                    "findings",
                    format!("empty or repeated finding {f:?}"),
                ));
            }
        }
        for (f, t) in &self.thresholds {
            if !self.findings.contains(f) {
                return Err(Error::option(
                    "thresholds",
                    format!("{f:?} is not one of the findings {:?}", self.findings),
                ));
            }
            if !(0.0..=1.0).contains(t) {
                return Err(Error::option(
                    "thresholds",
                    format!("{f}: {t} is not in [0, 1]"),
                ));
            }
        }
        for (i, c) in self.subgroup_columns.iter().enumerate() {
            if c.is_empty() || self.subgroup_columns[..i].contains(c) {
                return Err(Error::option(
                    "subgroup columns",
                    format!("empty or repeated column {c:?}"),
                ));
            }
        }
        if self.split.as_deref() == Some("") {
            return Err(Error::option("split", "must not be empty"));
        }
        self.binary.validate()?;
        self.lesion.validate()
    }
}
