//! Everything about one binary finding on one set of cases: the confusion ratios at the
//! screener's decisions with Wilson intervals, AUROC / AP / F1 with bootstrap intervals,
//! DeLong's AUROC interval, calibration, operating points and curves.
//!
//! **Positive class:** label `true` = finding present; decision `true` = flagged.

use serde::Serialize;

use crate::calibration::{Calibration, calibration};
use crate::ci::{BootstrapOptions, CiOptions, Estimate, Interval, bootstrap};
use crate::confusion::Confusion;
use crate::curves::{
    PrCurve, RocCurve, ap_from_counts, pr_from_counts, roc_auc_from_counts, roc_from_counts,
    threshold_counts,
};
use crate::delong::delong;
use crate::error::{Error, Result, same_len};
use crate::threshold::{OperatingPoints, operating_points};

/// Settings of [`evaluate_binary`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BinaryOptions {
    /// Interval width.
    pub ci: CiOptions,
    /// Bootstrap settings (0 resamples = no bootstrap intervals).
    pub bootstrap: BootstrapOptions,
    /// β of the reported Fβ; default 2 (recall weighted higher, as screening wants).
    pub beta: f64,
    /// Sensitivity target of the operating point; default 0.9.
    pub target_sensitivity: f64,
    /// Precision target of the operating point; default 0.9.
    pub target_precision: f64,
    /// Reliability-diagram bins; default 10.
    pub calibration_bins: usize,
    /// Include curves, reliability bins and operating points (off for subgroups).
    pub detail: bool,
}

impl Default for BinaryOptions {
    fn default() -> Self {
        BinaryOptions {
            ci: CiOptions::default(),
            bootstrap: BootstrapOptions::default(),
            beta: 2.0,
            target_sensitivity: 0.9,
            target_precision: 0.9,
            calibration_bins: 10,
            detail: true,
        }
    }
}

impl BinaryOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the interval options.
    pub fn with_ci(mut self, ci: CiOptions) -> Self {
        self.ci = ci;
        self
    }
    /// Sets the bootstrap options.
    pub fn with_bootstrap(mut self, b: BootstrapOptions) -> Self {
        self.bootstrap = b;
        self
    }
    /// Sets β of Fβ.
    pub fn with_beta(mut self, beta: f64) -> Self {
        self.beta = beta;
        self
    }
    /// Sets the sensitivity target.
    pub fn with_target_sensitivity(mut self, t: f64) -> Self {
        self.target_sensitivity = t;
        self
    }
    /// Sets the precision target.
    pub fn with_target_precision(mut self, t: f64) -> Self {
        self.target_precision = t;
        self
    }
    /// Sets the number of calibration bins.
    pub fn with_calibration_bins(mut self, bins: usize) -> Self {
        self.calibration_bins = bins;
        self
    }
    /// Whether to include curves, bins and operating points.
    pub fn with_detail(mut self, detail: bool) -> Self {
        self.detail = detail;
        self
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] naming the offending setting.
    pub fn validate(&self) -> Result<()> {
        self.ci.validate()?;
        if !(self.beta.is_finite() && self.beta > 0.0) {
            return Err(Error::option(
                "beta",
                format!("must be finite and > 0, got {}", self.beta),
            ));
        }
        for (name, t) in [
            ("target sensitivity", self.target_sensitivity),
            ("target precision", self.target_precision),
        ] {
            if !(0.0..=1.0).contains(&t) {
                return Err(Error::option(
                    name,
                    format!("must be within [0, 1], got {t}"),
                ));
            }
        }
        if self.calibration_bins == 0 {
            return Err(Error::option("calibration bins", "must be at least 1"));
        }
        Ok(())
    }
}

/// One finding's cases as parallel slices. Positive class: `labels[i] == true` (finding
/// present); `scores[i]` is the probability in [0, 1]; `decisions[i]` the screener's flag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cases<'a> {
    /// Finding present.
    pub labels: &'a [bool],
    /// Scores.
    pub scores: &'a [f64],
    /// Flags.
    pub decisions: &'a [bool],
}

impl<'a> Cases<'a> {
    /// Bundles the slices, checking that their lengths agree.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`].
    pub fn new(labels: &'a [bool], scores: &'a [f64], decisions: &'a [bool]) -> Result<Self> {
        same_len("labels vs scores", labels.len(), scores.len())?;
        same_len("labels vs decisions", labels.len(), decisions.len())?;
        Ok(Cases {
            labels,
            scores,
            decisions,
        })
    }

    /// Number of cases.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no cases.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The cases at the given indices.
    pub fn select(&self, idx: &[usize]) -> (Vec<bool>, Vec<f64>, Vec<bool>) {
        (
            idx.iter().map(|&i| self.labels[i]).collect(),
            idx.iter().map(|&i| self.scores[i]).collect(),
            idx.iter().map(|&i| self.decisions[i]).collect(),
        )
    }
}

/// Where the reported screener threshold came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ThresholdSource {
    /// Given by the caller (options or run.json).
    Given,
    /// Inferred as the lowest flagged score (the flags are `score >= t` for it).
    Inferred,
    /// Not known.
    Unknown,
}

impl ThresholdSource {
    /// "given", "inferred" or "unknown".
    pub fn as_str(&self) -> &'static str {
        match self {
            ThresholdSource::Given => "given",
            ThresholdSource::Inferred => "inferred",
            ThresholdSource::Unknown => "unknown",
        }
    }
}

/// The screener's threshold (flag = score ≥ threshold), as far as it is known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenerThreshold {
    /// The threshold.
    pub value: Option<f64>,
    /// Its source.
    pub source: ThresholdSource,
}

impl ScreenerThreshold {
    /// A threshold given by the caller.
    pub fn given(t: f64) -> Self {
        ScreenerThreshold {
            value: Some(t),
            source: ThresholdSource::Given,
        }
    }
    /// A threshold inferred from the flags.
    pub fn inferred(t: f64) -> Self {
        ScreenerThreshold {
            value: Some(t),
            source: ThresholdSource::Inferred,
        }
    }
    /// No threshold known.
    pub fn unknown() -> Self {
        ScreenerThreshold {
            value: None,
            source: ThresholdSource::Unknown,
        }
    }
}

/// Fβ with its β.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FBeta {
    /// β.
    pub beta: f64,
    /// Fβ at the decisions.
    pub value: Option<f64>,
}

/// DeLong's view of the AUROC.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DeLongSummary {
    /// AUROC ± z·SE, clamped to [0, 1].
    pub ci: Interval,
    /// Var(AUROC).
    pub variance: f64,
    /// √Var.
    pub std_error: f64,
}

/// Bootstrap bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BootstrapInfo {
    /// Resamples drawn.
    pub resamples: usize,
    /// Seed.
    pub seed: u64,
    /// Resamples in which F1 was defined.
    pub f1_defined: usize,
}

/// All results for one finding on one set of cases (the `findings.FINDING` object of eval.json,
/// and each `subgroups.COLUMN.VALUE.FINDING`). `value`s are `null` where undefined.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FindingReport {
    /// The screener's threshold (flag = score ≥ threshold), if known.
    pub threshold: Option<f64>,
    /// "given" (options or run.json), "inferred" (from flags and scores) or "unknown".
    pub threshold_source: ThresholdSource,
    /// Cases scored.
    pub n: usize,
    /// Cases with the finding present.
    pub n_positive: usize,
    /// Cases with the finding absent.
    pub n_negative: usize,
    /// Counts at the screener's decisions.
    pub confusion: Confusion,
    /// TP / (TP + FN), Wilson.
    pub sensitivity: Estimate,
    /// TN / (TN + FP), Wilson.
    pub specificity: Estimate,
    /// TP / (TP + FP), Wilson.
    pub precision: Estimate,
    /// TN / (TN + FN), Wilson.
    pub npv: Estimate,
    /// F1, bootstrap.
    pub f1: Estimate,
    /// (TP + TN) / N, Wilson.
    pub accuracy: Estimate,
    /// AUROC from scores, bootstrap.
    pub auroc: Estimate,
    /// Average precision from scores, bootstrap.
    pub average_precision: Estimate,
    /// Fβ.
    pub f_beta: FBeta,
    /// (sensitivity + specificity) / 2.
    pub balanced_accuracy: Estimate,
    /// Matthews correlation.
    pub mcc: Estimate,
    /// Youden's J.
    pub youden_j: Estimate,
    /// (TP + FN) / N, Wilson.
    pub prevalence: Estimate,
    /// FP / (FP + TN), Wilson.
    pub fpr: Estimate,
    /// FP / (TP + FP), Wilson.
    pub fdr: Estimate,
    /// FN / (TP + FN), Wilson.
    pub miss_rate: Estimate,
    /// DeLong interval of the AUROC (needs ≥ 2 of each class).
    pub auroc_delong: Option<DeLongSummary>,
    /// Brier score of the scores.
    pub brier: Option<f64>,
    /// Expected calibration error.
    pub ece: Option<f64>,
    /// Subgroups only: the subgroup's sensitivity interval lies wholly below the overall
    /// sensitivity estimate (`null` where either is undefined).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity_below_overall: Option<Option<bool>>,
    /// Bootstrap bookkeeping (absent when the bootstrap is off).
    pub bootstrap: Option<BootstrapInfo>,
    /// Operating points (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operating_points: Option<OperatingPoints>,
    /// Reliability bins (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    /// ROC curve (detail only; the first threshold, +∞, is written as null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roc: Option<RocCurve>,
    /// PR curve (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pr: Option<PrCurve>,
}

/// Evaluates one finding on `cases` (see [`Cases`]). `threshold` is reported as is.
///
/// # Errors
/// Length mismatch, a score that is not a probability, or invalid options.
pub fn evaluate_binary(
    cases: Cases<'_>,
    threshold: ScreenerThreshold,
    opts: &BinaryOptions,
) -> Result<FindingReport> {
    opts.validate()?;
    let Cases {
        labels,
        scores,
        decisions,
    } = Cases::new(cases.labels, cases.scores, cases.decisions)?;
    let cal = calibration(labels, scores, opts.calibration_bins)?; // also checks [0, 1]
    let z = opts.ci.z;
    let c = Confusion::from_decisions(labels, decisions)?;
    let counts = threshold_counts(labels, scores)?;
    let (boot, info) = if opts.bootstrap.resamples > 0 {
        let b = bootstrap(labels, scores, decisions, z, &opts.bootstrap)?;
        let info = BootstrapInfo {
            resamples: b.resamples,
            seed: b.seed,
            f1_defined: b.f1_defined,
        };
        (Some(b), Some(info))
    } else {
        (None, None)
    };
    let boot_est =
        |value: Option<f64>, pick: fn(&crate::ci::BootstrapIntervals) -> Option<Interval>| {
            Estimate {
                value,
                ci: value.and(boot.as_ref().and_then(pick)),
                method: if boot.is_some() { "bootstrap" } else { "none" },
            }
        };
    let m = c.metrics(opts.beta);
    let dl = delong(labels, scores)?;
    Ok(FindingReport {
        threshold: threshold.value,
        threshold_source: threshold.source,
        n: labels.len(),
        n_positive: c.positives() as usize,
        n_negative: c.negatives() as usize,
        confusion: c,
        sensitivity: Estimate::proportion(c.tp, c.positives(), z),
        specificity: Estimate::proportion(c.tn, c.negatives(), z),
        precision: Estimate::proportion(c.tp, c.flagged(), z),
        npv: Estimate::proportion(c.tn, c.tn + c.fn_, z),
        f1: boot_est(m.f1, |b| b.f1),
        accuracy: Estimate::proportion(c.tp + c.tn, c.n(), z),
        auroc: boot_est(roc_auc_from_counts(&counts), |b| b.auroc),
        average_precision: boot_est(ap_from_counts(&counts), |b| b.average_precision),
        f_beta: FBeta {
            beta: opts.beta,
            value: m.f_beta,
        },
        balanced_accuracy: Estimate::bare(m.balanced_accuracy),
        mcc: Estimate::bare(m.mcc),
        youden_j: Estimate::bare(m.youden_j),
        prevalence: Estimate::proportion(c.positives(), c.n(), z),
        fpr: Estimate::proportion(c.fp, c.negatives(), z),
        fdr: Estimate::proportion(c.fp, c.flagged(), z),
        miss_rate: Estimate::proportion(c.fn_, c.positives(), z),
        auroc_delong: dl.map(|d| DeLongSummary {
            ci: d.ci(z),
            variance: d.variance,
            std_error: d.std_error(),
        }),
        brier: cal.brier,
        ece: cal.ece,
        sensitivity_below_overall: None,
        bootstrap: info,
        operating_points: if opts.detail {
            Some(operating_points(
                labels,
                scores,
                opts.target_sensitivity,
                opts.target_precision,
                opts.beta,
            )?)
        } else {
            None
        },
        calibration: opts.detail.then_some(cal),
        roc: if opts.detail {
            roc_from_counts(&counts, true)
        } else {
            None
        },
        pr: if opts.detail {
            pr_from_counts(&counts)
        } else {
            None
        },
    })
}
