//! Calibration of probability scores: Brier score, expected calibration error (ECE) and the
//! bins of a reliability diagram.
//!
//! **Positive class:** label `true` (finding present); a score is the predicted probability
//! that the finding is present, so it must lie in [0, 1].
//!
//! Bins are equal-width over [0, 1], assigned as scikit-learn's `calibration_curve(...,
//! strategy="uniform")` assigns them: the inner edges are `k/B` computed as NumPy's `linspace`
//! does, and a score on an inner edge goes to the bin below (`np.searchsorted(..., side="left")`),
//! so the bins are [0, e₁], (e₁, e₂], …, (e_{B−1}, 1]. ECE = Σ_b (n_b/N)·|fraction positive_b −
//! mean score_b| over non-empty bins.

use serde::Serialize;

use crate::error::{Error, Result, same_len};

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReliabilityBin {
    /// Lower edge (exclusive except for the first bin).
    pub lo: f64,
    /// Upper edge (inclusive).
    pub hi: f64,
    /// Cases in the bin.
    pub n: usize,
    /// Mean score in the bin (`None` if empty).
    pub mean_predicted: Option<f64>,
    /// Share of cases with the finding present (`None` if empty).
    pub fraction_positive: Option<f64>,
}

/// Brier score, ECE and reliability bins.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Calibration {
    /// Mean squared difference between score and label (0 best); `None` for no cases.
    pub brier: Option<f64>,
    /// Expected calibration error; `None` for no cases.
    pub ece: Option<f64>,
    /// The bins, all `n_bins` of them (empty ones included).
    pub bins: Vec<ReliabilityBin>,
}

fn check(labels: &[bool], probs: &[f64]) -> Result<()> {
    same_len("labels vs scores", labels.len(), probs.len())?;
    match probs.iter().position(|p| !(0.0..=1.0).contains(p)) {
        None => Ok(()),
        Some(index) => Err(Error::NotAProbability {
            what: "scores",
            index,
            value: probs[index],
        }),
    }
}

/// Brier score mean((p − y)²), y = 1 for finding present (`sklearn.metrics.brier_score_loss`).
///
/// # Errors
/// Length mismatch or a score outside [0, 1].
pub fn brier_score(labels: &[bool], probs: &[f64]) -> Result<Option<f64>> {
    check(labels, probs)?;
    let sq: Vec<f64> = labels
        .iter()
        .zip(probs)
        .map(|(&y, &p)| {
            let d = f64::from(u8::from(y)) - p;
            d * d
        })
        .collect();
    Ok(crate::num::mean(&sq))
}

/// Brier score, ECE and `n_bins` equal-width reliability bins.
///
/// # Errors
/// Length mismatch, a score outside [0, 1], or `n_bins == 0`.
pub fn calibration(labels: &[bool], probs: &[f64], n_bins: usize) -> Result<Calibration> {
    if n_bins == 0 {
        return Err(Error::option("calibration bins", "must be at least 1"));
    }
    let brier = brier_score(labels, probs)?;
    // np.linspace(0, 1, B + 1): k * step, last edge exactly 1
    let step = 1.0 / n_bins as f64;
    let edge = |k: usize| {
        if k == n_bins { 1.0 } else { k as f64 * step }
    };
    let inner: Vec<f64> = (1..n_bins).map(edge).collect();
    let mut sums = vec![0.0; n_bins];
    let mut trues = vec![0.0; n_bins];
    let mut counts = vec![0usize; n_bins];
    for (&y, &p) in labels.iter().zip(probs) {
        let b = inner.partition_point(|&e| e < p); // searchsorted side="left"
        sums[b] += p;
        trues[b] += f64::from(u8::from(y));
        counts[b] += 1;
    }
    let n = probs.len();
    let mut ece_terms = Vec::new();
    let bins = (0..n_bins)
        .map(|b| {
            let (mean_predicted, fraction_positive) = if counts[b] > 0 {
                let c = counts[b] as f64;
                let (mp, fp) = (sums[b] / c, trues[b] / c);
                ece_terms.push(c / n as f64 * (fp - mp).abs());
                (Some(mp), Some(fp))
            } else {
                (None, None)
            };
            ReliabilityBin {
                lo: edge(b),
                hi: edge(b + 1),
                n: counts[b],
                mean_predicted,
                fraction_positive,
            }
        })
        .collect();
    let ece = (n > 0).then(|| crate::num::pairwise_sum(&ece_terms));
    Ok(Calibration { brier, ece, bins })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_go_to_the_lower_bin() {
        let c = calibration(&[true, false, true], &[0.0, 0.5, 1.0], 2).unwrap();
        assert_eq!(c.bins[0].n, 2);
        assert_eq!(c.bins[1].n, 1);
        assert!(calibration(&[true], &[1.5], 2).is_err());
        assert!(calibration(&[true], &[0.5], 0).is_err());
        let empty = calibration(&[], &[], 3).unwrap();
        assert_eq!((empty.brier, empty.ece), (None, None));
    }
}
