//! ROC and precision–recall curves, AUROC and average precision, as scikit-learn computes them.
//!
//! **Positive class:** label `true` (finding present); a higher score means "more likely
//! present", and the decision at a threshold `t` is `score >= t`.
//!
//! Ties: every distinct score is one threshold; cases with equal scores enter the curve
//! together, so a tie between a positive and a negative makes a diagonal segment and counts
//! one half in the AUROC (scikit-learn's `_binary_clf_curve` / `confusion_matrix_at_thresholds`).
//!
//! * [`roc_curve`] is `sklearn.metrics.roc_curve`: the first point is (0, 0) at threshold
//!   +∞; with `drop_intermediate` the points that lie on a straight line between their
//!   neighbours (second differences of both FP and TP counts zero) are dropped, which changes
//!   no area.
//! * [`auc`] is `sklearn.metrics.auc`: the trapezoid rule, x may be non-increasing.
//! * [`roc_auc`] is `roc_auc_score` for binary labels: the trapezoid under the ROC curve
//!   (equal to the Mann–Whitney probability that a positive outranks a negative, ties ½).
//!   It is computed from the integer counts with a single rounding, so it can differ from
//!   scikit-learn's floating-point trapezoid sum in the last bit or two (and a perfect ranker
//!   gets exactly 1.0, where scikit-learn may give 0.9999999999999999).
//! * [`precision_recall_curve`] and [`average_precision`] are scikit-learn's: AP is
//!   Σₙ (Rₙ − Rₙ₋₁) Pₙ over the thresholds, the step-function integral (no interpolation),
//!   summed as (Σ ΔTPₙ·Pₙ) / positives with compensated summation (again within an ulp or two
//!   of scikit-learn, and exactly 1.0 for a perfect ranker).
//!
//! Undefined results are `None`: the ROC curve and AUROC when either class is absent (scikit-learn
//! returns NaN), the PR curve and AP when there are no positives (scikit-learn sets recall to 1
//! and returns AP = 0 with a warning).

use serde::Serialize;

use crate::error::{Error, Result, all_finite, same_len};
use crate::num::{argsort_desc, compensated_sum, pairwise_sum};

/// True- and false-positive counts at each distinct score, highest score first
/// (scikit-learn's `confusion_matrix_at_thresholds`, the counts for `score >= threshold`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdCounts {
    /// Distinct scores, descending.
    pub thresholds: Vec<f64>,
    /// Cases with the finding present and `score >= threshold` (weighted when weights are given).
    pub tps: Vec<f64>,
    /// Cases with the finding absent and `score >= threshold`.
    pub fps: Vec<f64>,
}

impl ThresholdCounts {
    /// Total positives (the last `tps`), 0 when empty.
    pub fn positives(&self) -> f64 {
        self.tps.last().copied().unwrap_or(0.0)
    }

    /// Total negatives (the last `fps`), 0 when empty.
    pub fn negatives(&self) -> f64 {
        self.fps.last().copied().unwrap_or(0.0)
    }
}

fn check(labels: &[bool], scores: &[f64]) -> Result<()> {
    same_len("labels vs scores", labels.len(), scores.len())?;
    all_finite("scores", scores)
}

/// Counts at every distinct score. Positive class: `true`.
///
/// # Errors
/// Length mismatch or a non-finite score.
pub fn threshold_counts(labels: &[bool], scores: &[f64]) -> Result<ThresholdCounts> {
    check(labels, scores)?;
    let order = argsort_desc(scores);
    let s: Vec<f64> = order.iter().map(|&i| scores[i]).collect();
    let y: Vec<bool> = order.iter().map(|&i| labels[i]).collect();
    Ok(counts_from_sorted(&s, &y, None))
}

/// Counts from cases already sorted by descending score, with optional per-case weights
/// (the bootstrap's resampling counts). Zero-weight cases only repeat the previous point.
pub(crate) fn counts_from_sorted(
    scores: &[f64],
    labels: &[bool],
    weights: Option<&[f64]>,
) -> ThresholdCounts {
    let n = scores.len();
    let mut out = ThresholdCounts {
        thresholds: Vec::new(),
        tps: Vec::new(),
        fps: Vec::new(),
    };
    let (mut tp, mut fp) = (0.0, 0.0);
    for i in 0..n {
        let w = weights.map_or(1.0, |w| w[i]);
        if labels[i] {
            tp += w;
        } else {
            fp += w;
        }
        // a threshold closes where the next score differs (np.diff(y_score) != 0), and at the end
        if i + 1 == n || scores[i + 1] != scores[i] {
            out.thresholds.push(scores[i]);
            out.tps.push(tp);
            out.fps.push(fp);
        }
    }
    out
}

/// A ROC curve: false positive rate against true positive rate, by decreasing threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RocCurve {
    /// FP / negatives at each threshold, non-decreasing, from 0 to 1.
    pub fpr: Vec<f64>,
    /// TP / positives (sensitivity) at each threshold, non-decreasing, from 0 to 1.
    pub tpr: Vec<f64>,
    /// Thresholds, decreasing; the first is +∞ (nothing flagged), as in scikit-learn ≥ 1.3.
    pub thresholds: Vec<f64>,
}

/// `sklearn.metrics.roc_curve(labels, scores, drop_intermediate=...)`. Positive class: `true`.
///
/// `None` when either class is absent (a rate would be 0/0) or the input is empty.
///
/// # Errors
/// Length mismatch or a non-finite score.
pub fn roc_curve(
    labels: &[bool],
    scores: &[f64],
    drop_intermediate: bool,
) -> Result<Option<RocCurve>> {
    Ok(roc_from_counts(
        &threshold_counts(labels, scores)?,
        drop_intermediate,
    ))
}

pub(crate) fn roc_from_counts(c: &ThresholdCounts, drop_intermediate: bool) -> Option<RocCurve> {
    let (p, n) = (c.positives(), c.negatives());
    if p <= 0.0 || n <= 0.0 {
        return None;
    }
    let keep: Vec<usize> = if drop_intermediate && c.fps.len() > 2 {
        let len = c.fps.len();
        let second_diff = |v: &[f64], i: usize| (v[i + 2] - v[i + 1]) - (v[i + 1] - v[i]);
        (0..len)
            .filter(|&i| {
                i == 0
                    || i == len - 1
                    || second_diff(&c.fps, i - 1) != 0.0
                    || second_diff(&c.tps, i - 1) != 0.0
            })
            .collect()
    } else {
        (0..c.fps.len()).collect()
    };
    let mut roc = RocCurve {
        fpr: Vec::with_capacity(keep.len() + 1),
        tpr: Vec::with_capacity(keep.len() + 1),
        thresholds: Vec::with_capacity(keep.len() + 1),
    };
    roc.fpr.push(0.0);
    roc.tpr.push(0.0);
    roc.thresholds.push(f64::INFINITY);
    for &i in &keep {
        roc.fpr.push(c.fps[i] / n);
        roc.tpr.push(c.tps[i] / p);
        roc.thresholds.push(c.thresholds[i]);
    }
    Some(roc)
}

/// Area under a curve by the trapezoid rule, `sklearn.metrics.auc(x, y)`: `x` must be
/// non-decreasing or non-increasing (the area is then taken with the sign that makes a
/// positive `y` give a positive area).
///
/// # Errors
/// Length mismatch, a non-finite value, or `x` that changes direction
/// ([`Error::NotMonotonic`]).
pub fn auc(x: &[f64], y: &[f64]) -> Result<f64> {
    same_len("x vs y", x.len(), y.len())?;
    all_finite("x", x)?;
    all_finite("y", y)?;
    let dx: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
    let mut direction = 1.0;
    if dx.iter().any(|&d| d < 0.0) {
        if dx.iter().all(|&d| d <= 0.0) {
            direction = -1.0;
        } else {
            // the first step whose sign differs from the first non-zero step
            let first = dx.iter().copied().find(|&d| d != 0.0).unwrap_or(0.0);
            let index = dx
                .iter()
                .position(|&d| d * first < 0.0)
                .map_or(0, |i| i + 1);
            return Err(Error::NotMonotonic { index });
        }
    }
    Ok(direction * trapezoid(x, y))
}

/// `np.trapezoid(y, x)`: Σ dx·(y[i] + y[i+1]) / 2, summed pairwise as NumPy does.
fn trapezoid(x: &[f64], y: &[f64]) -> f64 {
    let terms: Vec<f64> = (1..x.len())
        .map(|i| (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0)
        .collect();
    pairwise_sum(&terms)
}

/// Area under the ROC curve, `sklearn.metrics.roc_auc_score` for binary labels.
/// Positive class: `true`. `None` when either class is absent.
///
/// # Errors
/// Length mismatch or a non-finite score.
pub fn roc_auc(labels: &[bool], scores: &[f64]) -> Result<Option<f64>> {
    Ok(roc_auc_from_counts(&threshold_counts(labels, scores)?))
}

/// The trapezoid area under the ROC curve computed exactly from the integer counts:
/// Σ ΔFP·(TPᵢ + TPᵢ₋₁) / (2·P·N), the numerator summed in integers, then one division.
pub(crate) fn roc_auc_from_counts(c: &ThresholdCounts) -> Option<f64> {
    let (p, n) = (c.positives(), c.negatives());
    if p <= 0.0 || n <= 0.0 {
        return None;
    }
    // counts are whole numbers (weights are resampling counts), so the casts are exact
    let (mut num, mut prev_fp, mut prev_tp) = (0u128, 0u128, 0u128);
    for (&fp, &tp) in c.fps.iter().zip(&c.tps) {
        let (fp, tp) = (fp as u128, tp as u128);
        num += (fp - prev_fp) * (tp + prev_tp);
        (prev_fp, prev_tp) = (fp, tp);
    }
    Some(num as f64 / (2.0 * p * n))
}

/// A precision–recall curve in scikit-learn's order: thresholds increasing, recall
/// decreasing, closed by the point (recall 0, precision 1) that has no threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrCurve {
    /// TP / (TP + FP) at each threshold, then 1.
    pub precision: Vec<f64>,
    /// TP / positives at each threshold, then 0.
    pub recall: Vec<f64>,
    /// Distinct scores, increasing; one fewer than `precision`.
    pub thresholds: Vec<f64>,
}

/// `sklearn.metrics.precision_recall_curve(labels, scores)` (no points dropped).
/// Positive class: `true`. `None` when there are no positives (recall would be 0/0).
///
/// # Errors
/// Length mismatch or a non-finite score.
pub fn precision_recall_curve(labels: &[bool], scores: &[f64]) -> Result<Option<PrCurve>> {
    Ok(pr_from_counts(&threshold_counts(labels, scores)?))
}

pub(crate) fn pr_from_counts(c: &ThresholdCounts) -> Option<PrCurve> {
    let p = c.positives();
    if p <= 0.0 {
        return None;
    }
    let len = c.tps.len();
    let mut pr = PrCurve {
        precision: Vec::with_capacity(len + 1),
        recall: Vec::with_capacity(len + 1),
        thresholds: Vec::with_capacity(len),
    };
    for i in (0..len).rev() {
        let ps = c.tps[i] + c.fps[i];
        pr.precision
            .push(if ps != 0.0 { c.tps[i] / ps } else { 0.0 });
        pr.recall.push(c.tps[i] / p);
        pr.thresholds.push(c.thresholds[i]);
    }
    pr.precision.push(1.0);
    pr.recall.push(0.0);
    Some(pr)
}

/// Average precision, `sklearn.metrics.average_precision_score` for binary labels:
/// `max(0, −Σ diff(recall) · precision[:-1])` over the curve above. Positive class: `true`.
/// `None` when there are no positives.
///
/// # Errors
/// Length mismatch or a non-finite score.
pub fn average_precision(labels: &[bool], scores: &[f64]) -> Result<Option<f64>> {
    Ok(ap_from_counts(&threshold_counts(labels, scores)?))
}

/// Σ (Rᵢ − Rᵢ₋₁)·Pᵢ over decreasing thresholds, computed as (Σ ΔTPᵢ·Pᵢ) / positives with a
/// compensated sum, so that each term is rounded once and the recall steps are exact.
pub(crate) fn ap_from_counts(c: &ThresholdCounts) -> Option<f64> {
    let p = c.positives();
    if p <= 0.0 {
        return None;
    }
    let mut prev_tp = 0.0;
    let terms = c.tps.iter().zip(&c.fps).map(|(&tp, &fp)| {
        let step = tp - prev_tp;
        prev_tp = tp;
        if step == 0.0 {
            0.0
        } else {
            step * (tp / (tp + fp))
        }
    });
    Some((compensated_sum(terms) / p).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sklearn_docstring_example() {
        // sklearn's roc_curve docstring: y = [1, 1, 2, 2] (pos_label 2), scores [.1, .4, .35, .8]
        let y = [false, false, true, true];
        let s = [0.1, 0.4, 0.35, 0.8];
        let roc = roc_curve(&y, &s, true).unwrap().unwrap();
        assert_eq!(roc.fpr, vec![0.0, 0.0, 0.5, 0.5, 1.0]);
        assert_eq!(roc.tpr, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
        assert_eq!(roc.thresholds[1..], [0.8, 0.4, 0.35, 0.1]);
        assert_eq!(roc_auc(&y, &s).unwrap(), Some(0.75));
        let ap = average_precision(&y, &s).unwrap().unwrap();
        assert!((ap - 0.8333333333333333).abs() < 1e-15);
    }

    #[test]
    fn one_class_is_undefined() {
        assert_eq!(roc_auc(&[true, true], &[0.1, 0.2]).unwrap(), None);
        assert_eq!(roc_auc(&[], &[]).unwrap(), None);
        assert_eq!(
            average_precision(&[false, false], &[0.1, 0.2]).unwrap(),
            None
        );
        assert_eq!(
            average_precision(&[true, true], &[0.1, 0.2]).unwrap(),
            Some(1.0)
        );
    }

    #[test]
    fn auc_directions() {
        assert_eq!(auc(&[0.0, 1.0], &[1.0, 1.0]).unwrap(), 1.0);
        assert_eq!(auc(&[1.0, 0.0], &[1.0, 1.0]).unwrap(), 1.0);
        assert!(matches!(
            auc(&[0.0, 1.0, 0.5], &[1.0, 1.0, 1.0]),
            Err(Error::NotMonotonic { .. })
        ));
    }
}
