//! Confidence intervals: Wilson score intervals for proportions, and a seeded, stratified
//! percentile bootstrap for AUROC, average precision and F1.
//!
//! **Positive class:** label `true` (finding present), as everywhere in this crate.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use serde::{Serialize, Serializer};

use crate::confusion::Confusion;
use crate::curves::{ap_from_counts, counts_from_sorted, roc_auc_from_counts};
use crate::error::{Error, Result, all_finite, same_len};
use crate::num::argsort_desc;
use crate::special::{norm_cdf, norm_ppf};

/// z for a two-sided 95 % interval, Φ⁻¹(0.975).
pub const Z_95: f64 = 1.959_963_984_540_054;

/// A closed interval `[lo, hi]`; serialised as the JSON array `[lo, hi]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

impl Interval {
    /// Whether `x` lies in `[lo, hi]`.
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }
}

impl Serialize for Interval {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        [self.lo, self.hi].serialize(s)
    }
}

/// How wide intervals are: the normal quantile `z` (two-sided confidence 2Φ(z) − 1).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct CiOptions {
    /// Normal quantile; default [`Z_95`].
    pub z: f64,
}

impl Default for CiOptions {
    fn default() -> Self {
        CiOptions { z: Z_95 }
    }
}

impl CiOptions {
    /// The default: 95 %.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `z` directly (e.g. 1.0 for ±1 standard error).
    pub fn with_z(mut self, z: f64) -> Self {
        self.z = z;
        self
    }

    /// Sets `z` from a two-sided confidence level in (0, 1), e.g. 0.9 → z = Φ⁻¹(0.95).
    pub fn with_confidence(mut self, level: f64) -> Self {
        self.z = norm_ppf(0.5 + 0.5 * level);
        self
    }

    /// The two-sided confidence level 2Φ(z) − 1.
    pub fn confidence(&self) -> f64 {
        1.0 - 2.0 * norm_cdf(-self.z)
    }

    /// Checks that `z` is finite and positive.
    ///
    /// # Errors
    /// [`Error::InvalidOption`].
    pub fn validate(&self) -> Result<()> {
        if self.z.is_finite() && self.z > 0.0 {
            Ok(())
        } else {
            Err(Error::option(
                "z",
                format!("must be finite and > 0, got {}", self.z),
            ))
        }
    }
}

/// Wilson score interval for `successes` out of `trials` at normal quantile `z`
/// (no continuity correction; SciPy's `binomtest(k, n).proportion_ci(method="wilson")`).
///
/// Computed in SciPy's (Newcombe's) form; the bounds are exactly 0 at k = 0 and 1 at k = n,
/// and are clamped to [0, 1] and to contain the estimate k/n, which only ever moves them by
/// rounding error. `None` when `trials` is 0, `successes > trials`, or `z` is not a
/// finite positive number.
pub fn wilson(successes: u64, trials: u64, z: f64) -> Option<Interval> {
    if trials == 0 || successes > trials || !(z.is_finite() && z > 0.0) {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let q = 1.0 - p;
    let z2 = z * z;
    let denom = 2.0 * (n + z2);
    let center = (2.0 * n * p + z2) / denom;
    let delta = z / denom * (4.0 * n * p * q + z2).sqrt();
    // exact ends at k = 0 and k = n, as SciPy (the formula gives them up to rounding)
    let lo = if successes == 0 {
        0.0
    } else {
        (center - delta).clamp(0.0, 1.0).min(p)
    };
    let hi = if successes == trials {
        1.0
    } else {
        (center + delta).clamp(0.0, 1.0).max(p)
    };
    Some(Interval { lo, hi })
}

/// A point estimate with its interval; serialised as `{"value", "ci": [lo, hi], "method"}`
/// with `null` for an undefined value or interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The estimate, `None` where undefined.
    pub value: Option<f64>,
    /// The interval, `None` where it cannot be computed.
    pub ci: Option<Interval>,
    /// How the interval was computed: "wilson", "bootstrap", "delong" or "none".
    pub method: &'static str,
}

impl Estimate {
    /// A value without an interval.
    pub fn bare(value: Option<f64>) -> Self {
        Estimate {
            value,
            ci: None,
            method: "none",
        }
    }

    /// A proportion `num / den` with its Wilson interval.
    pub fn proportion(num: u64, den: u64, z: f64) -> Self {
        Estimate {
            value: (den != 0).then(|| num as f64 / den as f64),
            ci: wilson(num, den, z),
            method: "wilson",
        }
    }
}

/// The `q`-th percentile (0..=100) of unsorted data, NumPy's default `method="linear"`
/// (Hyndman–Fan type 7). `None` for empty data or `q` outside [0, 100].
pub fn percentile(data: &[f64], q: f64) -> Option<f64> {
    if data.is_empty() || !(0.0..=100.0).contains(&q) || data.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut a = data.to_vec();
    a.sort_by(f64::total_cmp);
    Some(percentile_sorted(&a, q))
}

fn percentile_sorted(a: &[f64], q: f64) -> f64 {
    let n = a.len();
    let virtual_index = (n - 1) as f64 * (q / 100.0);
    let prev = (virtual_index.floor() as usize).min(n - 1);
    let next = (prev + 1).min(n - 1);
    let gamma = virtual_index - prev as f64;
    let (lo, hi) = (a[prev], a[next]);
    let diff = hi - lo;
    if gamma >= 0.5 {
        hi - diff * (1.0 - gamma)
    } else {
        lo + diff * gamma
    }
}

/// Settings of the percentile bootstrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BootstrapOptions {
    /// Number of resamples; 0 turns the bootstrap off. Default 2000.
    pub resamples: usize,
    /// Seed of the ChaCha8 generator; the same seed and data give the same intervals.
    pub seed: u64,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        BootstrapOptions {
            resamples: 2000,
            seed: 20_240_611,
        }
    }
}

impl BootstrapOptions {
    /// The defaults: 2000 resamples, seed 20240611.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of resamples (0 = no bootstrap).
    pub fn with_resamples(mut self, resamples: usize) -> Self {
        self.resamples = resamples;
        self
    }

    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

/// Bootstrap percentile intervals and how many resamples each statistic was defined in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BootstrapIntervals {
    /// AUROC interval (needs both classes).
    pub auroc: Option<Interval>,
    /// Average-precision interval (needs positives).
    pub average_precision: Option<Interval>,
    /// F1 interval at the given decisions.
    pub f1: Option<Interval>,
    /// Resamples drawn.
    pub resamples: usize,
    /// Resamples in which F1 was defined (AUROC and AP are defined in all or none, since the
    /// class counts are fixed by stratification).
    pub f1_defined: usize,
    /// The seed used.
    pub seed: u64,
}

/// A uniform integer in `0..n` (n > 0), Lemire's multiply-and-reject method (unbiased).
fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    let mut m = u128::from(rng.next_u64()) * u128::from(n);
    if (m as u64) < n {
        let threshold = n.wrapping_neg() % n;
        while (m as u64) < threshold {
            m = u128::from(rng.next_u64()) * u128::from(n);
        }
    }
    (m >> 64) as u64
}

/// Stratified percentile bootstrap of AUROC, average precision and F1.
///
/// Each resample draws, with replacement, as many positives from the positives and as many
/// negatives from the negatives as the data has (so every resample keeps the prevalence), then
/// computes AUROC and AP from `scores` and F1 from `decisions` (flag = screener said "present").
/// The interval is the [Φ(−z), Φ(z)] percentile pair (NumPy's linear percentile) of the
/// resampled statistics where they are defined. Draw order, for reproducibility: for each
/// resample, the positives' indices, then the negatives', from one ChaCha8 stream seeded with
/// `opts.seed`.
///
/// # Errors
/// Length mismatch, a non-finite score, or an invalid `z`.
pub fn bootstrap(
    labels: &[bool],
    scores: &[f64],
    decisions: &[bool],
    z: f64,
    opts: &BootstrapOptions,
) -> Result<BootstrapIntervals> {
    same_len("labels vs scores", labels.len(), scores.len())?;
    same_len("labels vs decisions", labels.len(), decisions.len())?;
    all_finite("scores", scores)?;
    CiOptions::new().with_z(z).validate()?;

    let order = argsort_desc(scores);
    let s: Vec<f64> = order.iter().map(|&i| scores[i]).collect();
    let y: Vec<bool> = order.iter().map(|&i| labels[i]).collect();
    let d: Vec<bool> = order.iter().map(|&i| decisions[i]).collect();
    let pos: Vec<usize> = (0..y.len()).filter(|&i| y[i]).collect();
    let neg: Vec<usize> = (0..y.len()).filter(|&i| !y[i]).collect();

    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut weights = vec![0.0; s.len()];
    let (mut aurocs, mut aps, mut f1s) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..opts.resamples {
        weights.iter_mut().for_each(|w| *w = 0.0);
        for group in [&pos, &neg] {
            for _ in 0..group.len() {
                let k = below(&mut rng, group.len() as u64) as usize;
                weights[group[k]] += 1.0;
            }
        }
        let counts = counts_from_sorted(&s, &y, Some(&weights));
        if let Some(a) = roc_auc_from_counts(&counts) {
            aurocs.push(a);
        }
        if let Some(a) = ap_from_counts(&counts) {
            aps.push(a);
        }
        let mut c = Confusion::default();
        for (i, &w) in weights.iter().enumerate() {
            for _ in 0..w as u64 {
                c.add(y[i], d[i]);
            }
        }
        if let Some(f) = c.f1() {
            f1s.push(f);
        }
    }
    let (q_lo, q_hi) = (100.0 * norm_cdf(-z), 100.0 * norm_cdf(z));
    let interval = |v: &mut Vec<f64>| -> Option<Interval> {
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        Some(Interval {
            lo: percentile_sorted(v, q_lo),
            hi: percentile_sorted(v, q_hi),
        })
    };
    Ok(BootstrapIntervals {
        auroc: interval(&mut aurocs),
        average_precision: interval(&mut aps),
        f1_defined: f1s.len(),
        f1: interval(&mut f1s),
        resamples: opts.resamples,
        seed: opts.seed,
    })
}

/// Two-sided p-value of a paired AUROC difference (`b` − `a`) by a bootstrap that resamples
/// whole clusters (`clusters[i]`: image i's cluster, e.g. its series), so that images of one
/// cluster, which are not independent, enter or leave a resample together. DeLong's test
/// treats every image as independent and gives too small p-values when clusters hold several
/// correlated images (adjacent slices of one series). p = 2 · (1 + the smaller count of
/// resampled differences ≤ 0 or ≥ 0) / (1 + resamples where both AUROCs are defined), at most
/// 1. `None` with fewer than two clusters or no resample with both classes.
///
/// # Errors
/// Length mismatch or a non-finite score.
pub fn cluster_bootstrap_p(
    labels: &[bool],
    a: &[f64],
    b: &[f64],
    clusters: &[usize],
    opts: &BootstrapOptions,
) -> Result<Option<f64>> {
    same_len("labels vs baseline scores", labels.len(), a.len())?;
    same_len("labels vs candidate scores", labels.len(), b.len())?;
    same_len("labels vs clusters", labels.len(), clusters.len())?;
    all_finite("baseline scores", a)?;
    all_finite("candidate scores", b)?;
    let k = clusters.iter().max().map_or(0, |&m| m + 1);
    if k < 2 {
        return Ok(None);
    }
    let sorted = |scores: &[f64]| {
        let order = argsort_desc(scores);
        let s: Vec<f64> = order.iter().map(|&i| scores[i]).collect();
        let y: Vec<bool> = order.iter().map(|&i| labels[i]).collect();
        let c: Vec<usize> = order.iter().map(|&i| clusters[i]).collect();
        (s, y, c)
    };
    let (sa, ya, ca) = sorted(a);
    let (sb, yb, cb) = sorted(b);
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut drawn = vec![0.0; k];
    let (mut wa, mut wb) = (vec![0.0; sa.len()], vec![0.0; sb.len()]);
    let (mut low, mut high, mut valid) = (0usize, 0usize, 0usize);
    for _ in 0..opts.resamples {
        drawn.iter_mut().for_each(|w| *w = 0.0);
        for _ in 0..k {
            drawn[below(&mut rng, k as u64) as usize] += 1.0;
        }
        wa.iter_mut().zip(&ca).for_each(|(w, &c)| *w = drawn[c]);
        wb.iter_mut().zip(&cb).for_each(|(w, &c)| *w = drawn[c]);
        let auc_a = roc_auc_from_counts(&counts_from_sorted(&sa, &ya, Some(&wa)));
        let auc_b = roc_auc_from_counts(&counts_from_sorted(&sb, &yb, Some(&wb)));
        if let (Some(x), Some(y)) = (auc_a, auc_b) {
            valid += 1;
            low += usize::from(y - x <= 0.0);
            high += usize::from(y - x >= 0.0);
        }
    }
    if valid == 0 {
        return Ok(None);
    }
    let p = 2.0 * (1 + low.min(high)) as f64 / (1 + valid) as f64;
    Ok(Some(p.min(1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_edges() {
        assert_eq!(wilson(0, 0, Z_95), None);
        assert_eq!(wilson(3, 2, Z_95), None);
        let i = wilson(0, 10, Z_95).unwrap();
        assert_eq!(i.lo, 0.0);
        let i = wilson(10, 10, Z_95).unwrap();
        assert_eq!(i.hi, 1.0);
    }

    #[test]
    fn bootstrap_is_reproducible_and_stratified() {
        let labels: Vec<bool> = (0..40).map(|i| i % 3 == 0).collect();
        let scores: Vec<f64> = (0..40).map(|i| ((i * 7) % 11) as f64 / 10.0).collect();
        let flags: Vec<bool> = scores.iter().map(|&s| s >= 0.5).collect();
        let opts = BootstrapOptions::new().with_resamples(300).with_seed(7);
        let a = bootstrap(&labels, &scores, &flags, Z_95, &opts).unwrap();
        let b = bootstrap(&labels, &scores, &flags, Z_95, &opts).unwrap();
        assert_eq!(a, b);
        let other = bootstrap(&labels, &scores, &flags, Z_95, &opts.with_seed(8)).unwrap();
        assert_ne!(a.auroc, other.auroc);
        let auroc = crate::curves::roc_auc(&labels, &scores).unwrap().unwrap();
        assert!(a.auroc.unwrap().contains(auroc));
    }

    /// Copying every image five times into its own cluster leaves the cluster bootstrap's p
    /// where it was (the same clusters, the same information), while DeLong's p, which counts
    /// the copies as new images, shrinks.
    #[test]
    fn cluster_bootstrap_sees_copies_as_one() {
        let n = 60;
        let labels: Vec<bool> = (0..n).map(|i| i % 2 == 0).collect();
        let noise = |i: usize, m: usize| ((i * m + 3) % 17) as f64 / 17.0;
        let a: Vec<f64> = (0..n)
            .map(|i| f64::from(u8::from(labels[i])) * 0.3 + noise(i, 5))
            .collect();
        let b: Vec<f64> = (0..n)
            .map(|i| f64::from(u8::from(labels[i])) * 0.45 + noise(i, 7))
            .collect();
        let opts = BootstrapOptions::new().with_resamples(2000).with_seed(3);
        let own: Vec<usize> = (0..n).collect();
        let p1 = cluster_bootstrap_p(&labels, &a, &b, &own, &opts)
            .unwrap()
            .unwrap();
        let rep = |v: &[f64]| -> Vec<f64> { v.iter().flat_map(|&x| [x; 5]).collect() };
        let labels5: Vec<bool> = labels.iter().flat_map(|&l| [l; 5]).collect();
        let clusters5: Vec<usize> = (0..n).flat_map(|i| [i; 5]).collect();
        let p5 = cluster_bootstrap_p(&labels5, &rep(&a), &rep(&b), &clusters5, &opts)
            .unwrap()
            .unwrap();
        assert!((p1 - p5).abs() < 0.02, "{p1} vs {p5}");
        let d1 = crate::delong::delong_paired(&labels, &a, &b)
            .unwrap()
            .unwrap();
        let d5 = crate::delong::delong_paired(&labels5, &rep(&a), &rep(&b))
            .unwrap()
            .unwrap();
        let (d1, d5) = (d1.p_value.unwrap(), d5.p_value.unwrap());
        assert!(d5 < d1 / 3.0, "DeLong {d1} -> {d5}");
        // and it is in DeLong's region on independent images
        assert!(
            p1 > d1 / 3.0 && p1 < d1 * 3.0,
            "bootstrap {p1} vs DeLong {d1}"
        );
        assert_eq!(
            cluster_bootstrap_p(&labels, &a, &b, &vec![0; n], &opts).unwrap(),
            None
        );
    }

    #[test]
    fn below_covers_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut seen = [0usize; 5];
        for _ in 0..5000 {
            seen[below(&mut rng, 5) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c > 800), "{seen:?}");
    }
}
