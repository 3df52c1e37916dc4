//! DeLong's variance of the AUROC and DeLong's paired test of two AUROCs on the same cases.
//!
//! **Positive class:** label `true` (finding present). With m positives X and n negatives Y,
//! ψ(x, y) = 1 if x > y, ½ if x = y, 0 otherwise; the structural components are
//! V10ᵢ = (1/n) Σⱼ ψ(Xᵢ, Yⱼ) and V01ⱼ = (1/m) Σᵢ ψ(Xᵢ, Yⱼ); AUROC = mean(V10) (the same number as
//! [`roc_auc`](crate::roc_auc)), and Var(AUROC) = S10/m + S01/n with S10, S01 the sample
//! (co)variances (denominator m − 1, n − 1) of the components (DeLong, DeLong & Clarke-Pearson,
//! Biometrics 1988). The components are computed from midranks in O((m + n) log(m + n)) (Sun &
//! Xu, IEEE SPL 2014) rather than from the m × n comparison matrix.
//!
//! The paired test's statistic is z = (A₁ − A₂) / √(S₁₁ + S₂₂ − 2S₁₂) and its two-sided p-value
//! erfc(|z|/√2). All of this needs at least two positives and two negatives (`None` otherwise);
//! z and p are `None` when the variance of the difference is zero (e.g. identical scores).

use serde::Serialize;

use crate::ci::Interval;
use crate::error::{Result, all_finite, same_len};
use crate::special::two_sided_p;

/// 1-based midranks (ties share their average rank).
fn midranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ranks = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j < order.len() && x[order[j]] == x[order[i]] {
            j += 1;
        }
        // 0-based positions i..j share the rank mean(i+1 ..= j)
        let r = 0.5 * (i + j - 1) as f64 + 1.0;
        for &k in &order[i..j] {
            ranks[k] = r;
        }
        i = j;
    }
    ranks
}

/// Structural components (V10 over positives, V01 over negatives) of one score vector.
fn components(pos: &[f64], neg: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let (m, n) = (pos.len(), neg.len());
    let all: Vec<f64> = pos.iter().chain(neg).copied().collect();
    let tz = midranks(&all);
    let tx = midranks(pos);
    let ty = midranks(neg);
    let v10 = (0..m).map(|i| (tz[i] - tx[i]) / n as f64).collect();
    let v01 = (0..n)
        .map(|j| 1.0 - (tz[m + j] - ty[j]) / m as f64)
        .collect();
    (v10, v01)
}

fn mean(v: &[f64]) -> f64 {
    crate::num::mean(v).unwrap_or(f64::NAN)
}

/// Sample covariance with denominator len − 1 (len ≥ 2).
fn cov(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (mean(a), mean(b));
    let prods: Vec<f64> = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).collect();
    crate::num::pairwise_sum(&prods) / (a.len() - 1) as f64
}

fn split(labels: &[bool], scores: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let pos = labels
        .iter()
        .zip(scores)
        .filter(|(y, _)| **y)
        .map(|(_, s)| *s)
        .collect();
    let neg = labels
        .iter()
        .zip(scores)
        .filter(|(y, _)| !**y)
        .map(|(_, s)| *s)
        .collect();
    (pos, neg)
}

/// DeLong's estimate of one AUROC and its variance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeLong {
    /// AUROC (mean of the V10 components).
    pub auroc: f64,
    /// Var(AUROC) = S10/m + S01/n.
    pub variance: f64,
    /// m, cases with the finding present.
    pub n_positive: usize,
    /// n, cases with the finding absent.
    pub n_negative: usize,
}

impl DeLong {
    /// √variance.
    pub fn std_error(&self) -> f64 {
        self.variance.max(0.0).sqrt()
    }

    /// The normal interval AUROC ± z·SE, clamped to [0, 1] (as pROC's `ci.auc` does).
    pub fn ci(&self, z: f64) -> Interval {
        let h = z * self.std_error();
        Interval {
            lo: (self.auroc - h).clamp(0.0, 1.0),
            hi: (self.auroc + h).clamp(0.0, 1.0),
        }
    }
}

/// DeLong's AUROC and variance. Positive class: `true`. `None` with fewer than two positives
/// or two negatives.
///
/// # Errors
/// Length mismatch or a non-finite score.
pub fn delong(labels: &[bool], scores: &[f64]) -> Result<Option<DeLong>> {
    same_len("labels vs scores", labels.len(), scores.len())?;
    all_finite("scores", scores)?;
    let (pos, neg) = split(labels, scores);
    let (m, n) = (pos.len(), neg.len());
    if m < 2 || n < 2 {
        return Ok(None);
    }
    let (v10, v01) = components(&pos, &neg);
    Ok(Some(DeLong {
        auroc: mean(&v10),
        variance: cov(&v10, &v10) / m as f64 + cov(&v01, &v01) / n as f64,
        n_positive: m,
        n_negative: n,
    }))
}

/// DeLong's paired comparison of two models' AUROCs on the same cases.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeLongComparison {
    /// AUROC of model A.
    pub auroc_a: f64,
    /// AUROC of model B.
    pub auroc_b: f64,
    /// Var(A).
    pub variance_a: f64,
    /// Var(B).
    pub variance_b: f64,
    /// Cov(A, B).
    pub covariance: f64,
    /// Var(A − B) = Var(A) + Var(B) − 2 Cov(A, B).
    pub variance_difference: f64,
    /// (A − B) / √Var(A − B); `None` when that variance is not positive.
    pub z: Option<f64>,
    /// Two-sided p-value of `z`.
    pub p_value: Option<f64>,
}

/// DeLong's paired test of H₀: AUROC(A) = AUROC(B). Positive class: `true`.
/// `None` with fewer than two positives or two negatives.
///
/// # Errors
/// Length mismatch or a non-finite score.
pub fn delong_paired(
    labels: &[bool],
    scores_a: &[f64],
    scores_b: &[f64],
) -> Result<Option<DeLongComparison>> {
    same_len("labels vs scores_a", labels.len(), scores_a.len())?;
    same_len("labels vs scores_b", labels.len(), scores_b.len())?;
    all_finite("scores_a", scores_a)?;
    all_finite("scores_b", scores_b)?;
    let (pa, na) = split(labels, scores_a);
    let (pb, nb) = split(labels, scores_b);
    let (m, n) = (pa.len(), na.len());
    if m < 2 || n < 2 {
        return Ok(None);
    }
    let (a10, a01) = components(&pa, &na);
    let (b10, b01) = components(&pb, &nb);
    let s = |x10: &[f64], x01: &[f64], y10: &[f64], y01: &[f64]| {
        cov(x10, y10) / m as f64 + cov(x01, y01) / n as f64
    };
    let variance_a = s(&a10, &a01, &a10, &a01);
    let variance_b = s(&b10, &b01, &b10, &b01);
    let covariance = s(&a10, &a01, &b10, &b01);
    let variance_difference = variance_a + variance_b - 2.0 * covariance;
    let (auroc_a, auroc_b) = (mean(&a10), mean(&b10));
    let z = (variance_difference > 0.0).then(|| (auroc_a - auroc_b) / variance_difference.sqrt());
    Ok(Some(DeLongComparison {
        auroc_a,
        auroc_b,
        variance_a,
        variance_b,
        covariance,
        variance_difference,
        z,
        p_value: z.map(two_sided_p),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midranks_average_ties() {
        assert_eq!(midranks(&[0.5, 0.1, 0.5, 0.9]), vec![2.5, 1.0, 2.5, 4.0]);
    }

    #[test]
    fn too_few_cases() {
        assert_eq!(
            delong(&[true, false, false], &[0.1, 0.2, 0.3]).unwrap(),
            None
        );
    }
}
