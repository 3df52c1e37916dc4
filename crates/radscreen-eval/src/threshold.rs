//! Operating points: choosing a threshold on the score, and the metrics there.
//!
//! **Positive class:** label `true` (finding present); the decision at threshold `t` is
//! `score >= t`. The candidate thresholds are the distinct scores (every achievable decision
//! that flags at least one case). Rules:
//!
//! * [`OperatingRule::TargetSensitivity`]: the **highest** threshold whose sensitivity is
//!   ≥ the target (the most specific rule that still finds that share of the findings);
//! * [`OperatingRule::TargetPrecision`]: among thresholds whose precision is ≥ the target, the
//!   one with the **highest sensitivity**; ties go to the higher threshold;
//! * [`OperatingRule::Youden`]: maximal Youden's J = sensitivity + specificity − 1;
//! * [`OperatingRule::F1`]: maximal F1;
//! * [`OperatingRule::F1WithSpecificity`]: maximal F1 among thresholds whose specificity is
//!   ≥ the floor (F1 alone flags every case when the scores barely separate the classes and
//!   positives are common: a screener that flags a whole modality tells its user nothing).
//!
//! For the two maxima, ties go to the higher threshold (fewer flags). A rule whose metric is
//! undefined at every candidate (e.g. sensitivity without positives), or whose target no
//! candidate reaches, gives `None`.

use serde::Serialize;

use crate::confusion::{Confusion, ConfusionMetrics};
use crate::curves::{ThresholdCounts, threshold_counts};
use crate::error::{Error, Result};

/// How to choose a threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum OperatingRule {
    /// Highest threshold with sensitivity ≥ the target (0..=1).
    TargetSensitivity(f64),
    /// Highest sensitivity among thresholds with precision ≥ the target (0..=1).
    TargetPrecision(f64),
    /// Maximal Youden's J.
    Youden,
    /// Maximal F1.
    F1,
    /// Maximal F1 among thresholds with specificity ≥ the floor (0..=1).
    F1WithSpecificity(f64),
}

/// A chosen threshold with the counts and metrics at `score >= threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct OperatingPoint {
    /// The threshold (a score present in the data).
    pub threshold: f64,
    /// Counts at that threshold.
    pub confusion: Confusion,
    /// Metrics at that threshold.
    pub metrics: ConfusionMetrics,
}

fn confusion_at(c: &ThresholdCounts, i: usize) -> Confusion {
    let (p, n) = (c.positives(), c.negatives());
    Confusion {
        tp: c.tps[i] as u64,
        fp: c.fps[i] as u64,
        tn: (n - c.fps[i]) as u64,
        fn_: (p - c.tps[i]) as u64,
    }
}

/// Index (into `c.thresholds`, descending) chosen by `rule`.
pub(crate) fn choose(c: &ThresholdCounts, rule: OperatingRule) -> Option<usize> {
    let k = c.thresholds.len();
    let conf = |i| confusion_at(c, i);
    match rule {
        OperatingRule::TargetSensitivity(t) => {
            (0..k).find(|&i| conf(i).sensitivity().is_some_and(|s| s >= t))
        }
        OperatingRule::TargetPrecision(t) => argmax(
            (0..k).filter(|&i| conf(i).precision().is_some_and(|p| p >= t)),
            |i| conf(i).sensitivity(),
        ),
        OperatingRule::Youden => argmax(0..k, |i| conf(i).youden_j()),
        OperatingRule::F1 => argmax(0..k, |i| conf(i).f1()),
        OperatingRule::F1WithSpecificity(t) => argmax(
            (0..k).filter(|&i| conf(i).specificity().is_some_and(|s| s >= t)),
            |i| conf(i).f1(),
        ),
    }
}

/// First index with the strictly largest defined value (indices come in descending threshold
/// order, so ties keep the higher threshold).
fn argmax(idx: impl Iterator<Item = usize>, value: impl Fn(usize) -> Option<f64>) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for i in idx {
        if let Some(v) = value(i)
            && best.is_none_or(|(_, b)| v > b)
        {
            best = Some((i, v));
        }
    }
    best.map(|(i, _)| i)
}

fn validate(rule: OperatingRule) -> Result<()> {
    match rule {
        OperatingRule::TargetSensitivity(t)
        | OperatingRule::TargetPrecision(t)
        | OperatingRule::F1WithSpecificity(t)
            if !(0.0..=1.0).contains(&t) =>
        {
            Err(Error::option(
                "operating target",
                format!("must be within [0, 1], got {t}"),
            ))
        }
        _ => Ok(()),
    }
}

/// The operating point chosen by `rule`, with Fβ reported for `beta`. Positive class: `true`.
///
/// # Errors
/// Length mismatch, a non-finite score, or a target outside [0, 1].
pub fn operating_point(
    labels: &[bool],
    scores: &[f64],
    rule: OperatingRule,
    beta: f64,
) -> Result<Option<OperatingPoint>> {
    validate(rule)?;
    let c = threshold_counts(labels, scores)?;
    Ok(point_from_counts(&c, rule, beta))
}

pub(crate) fn point_from_counts(
    c: &ThresholdCounts,
    rule: OperatingRule,
    beta: f64,
) -> Option<OperatingPoint> {
    choose(c, rule).map(|i| {
        let confusion = confusion_at(c, i);
        OperatingPoint {
            threshold: c.thresholds[i],
            confusion,
            metrics: confusion.metrics(beta),
        }
    })
}

/// The four standard operating points of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct OperatingPoints {
    /// The sensitivity target used.
    pub target_sensitivity: f64,
    /// Point for the sensitivity target.
    pub at_target_sensitivity: Option<OperatingPoint>,
    /// The precision target used.
    pub target_precision: f64,
    /// Point for the precision target.
    pub at_target_precision: Option<OperatingPoint>,
    /// Youden-optimal point.
    pub youden: Option<OperatingPoint>,
    /// F1-optimal point.
    pub f1: Option<OperatingPoint>,
}

/// All four operating points at once.
///
/// # Errors
/// As [`operating_point`].
pub fn operating_points(
    labels: &[bool],
    scores: &[f64],
    target_sensitivity: f64,
    target_precision: f64,
    beta: f64,
) -> Result<OperatingPoints> {
    validate(OperatingRule::TargetSensitivity(target_sensitivity))?;
    validate(OperatingRule::TargetPrecision(target_precision))?;
    let c = threshold_counts(labels, scores)?;
    Ok(OperatingPoints {
        target_sensitivity,
        at_target_sensitivity: point_from_counts(
            &c,
            OperatingRule::TargetSensitivity(target_sensitivity),
            beta,
        ),
        target_precision,
        at_target_precision: point_from_counts(
            &c,
            OperatingRule::TargetPrecision(target_precision),
            beta,
        ),
        youden: point_from_counts(&c, OperatingRule::Youden, beta),
        f1: point_from_counts(&c, OperatingRule::F1, beta),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_rules() {
        let y = [false, false, true, true];
        let s = [0.1, 0.4, 0.35, 0.8];
        let p = |r| {
            operating_point(&y, &s, r, 1.0)
                .unwrap()
                .map(|p: OperatingPoint| p.threshold)
        };
        assert_eq!(p(OperatingRule::TargetSensitivity(1.0)), Some(0.35));
        assert_eq!(p(OperatingRule::TargetSensitivity(0.5)), Some(0.8));
        assert_eq!(p(OperatingRule::TargetPrecision(1.0)), Some(0.8));
        assert_eq!(p(OperatingRule::Youden), Some(0.8));
        assert!(operating_point(&y, &s, OperatingRule::TargetPrecision(1.5), 1.0).is_err());
        assert!(operating_point(&y, &s, OperatingRule::F1WithSpecificity(-0.1), 1.0).is_err());
    }

    #[test]
    fn a_specificity_floor_stops_f1_from_flagging_everything() {
        // barely separated scores with common positives: F1 alone flags every case
        let y = [
            true, false, true, false, true, true, false, true, false, true,
        ];
        let s = [0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45];
        let p = |r| operating_point(&y, &s, r, 1.0).unwrap().unwrap();
        let f1 = p(OperatingRule::F1);
        assert_eq!(f1.threshold, 0.45);
        assert_eq!(f1.metrics.specificity, Some(0.0));
        // with a floor of 0.75 at most one of the four negatives may be flagged
        let floor = p(OperatingRule::F1WithSpecificity(0.75));
        assert_eq!(floor.threshold, 0.8);
        assert_eq!(floor.metrics.specificity, Some(0.75));
        assert!(floor.metrics.f1 < f1.metrics.f1);
        // a floor of 0 is plain F1
        assert_eq!(p(OperatingRule::F1WithSpecificity(0.0)).threshold, 0.45);
    }
}
