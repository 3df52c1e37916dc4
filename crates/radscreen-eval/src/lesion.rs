//! Lesion-level (localisation) evaluation: matching predicted lesions to true ones, lesion
//! sensitivity, false positives per image, the FROC curve and the mean sensitivity at fixed
//! false-positive rates.
//!
//! **Positive unit:** a true lesion. A predicted lesion (a heatmap peak above the screener's
//! threshold, or a box) is a true positive when it is matched to a true lesion of the same
//! image, and a false positive otherwise.
//!
//! Matching is greedy by score: predictions are taken from the highest score down (ties in
//! input order); each takes the best still-unmatched true lesion of its image that satisfies the
//! [`MatchCriterion`] (the nearest centre, or the largest IoU; ties to the lower index), so each
//! true lesion is matched at most once. A prediction that satisfies the criterion only for
//! true lesions already matched is a *duplicate hit*: by default ignored, neither TP nor FP, as
//! the LUNA16 and CAMELYON16 evaluations treat repeated detections of one lesion; with
//! [`DuplicateHits::FalsePositive`] it counts as a false positive.
//!
//! The FROC curve has one point per distinct prediction score t (keeping the predictions with
//! score ≥ t), starting from (0, 0) at t = +∞: x = false positives / images, y = matched
//! lesions / lesions. Because matching is greedy by score, the outcome of a prediction does not
//! depend on the threshold, so one matching gives the whole curve. The sensitivity at a given
//! FP rate is read off the piecewise-linear curve as `np.interp(rate, fp_per_image, sensitivity)`
//! does (the last point at a repeated x wins; clamped at both ends), which is how LUNA16's
//! evaluation script interpolates (it then samples a 10001-point grid; this crate evaluates at
//! the rates exactly). The summary score is the mean sensitivity at 1/8, 1/4, 1/2, 1, 2, 4 and 8
//! FP per image (LUNA16's CPM; CAMELYON16 uses the same curve at 1/4 … 8).

use serde::Serialize;

use crate::ci::Estimate;
use crate::error::{Error, Result};

/// A true lesion: a disc on one image (pixel coordinates, any consistent origin).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TruthLesion {
    /// Index of the image it is on (0-based, < number of images).
    pub image: usize,
    /// Centre row.
    pub row: f64,
    /// Centre column.
    pub col: f64,
    /// Radius in pixels.
    pub radius: f64,
}

/// A predicted lesion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PredictedLesion {
    /// Index of the image it is on.
    pub image: usize,
    /// Centre row.
    pub row: f64,
    /// Centre column.
    pub col: f64,
    /// Confidence; higher = more likely a lesion.
    pub score: f64,
    /// Half-size of its box in pixels, needed only for IoU matching.
    pub radius: Option<f64>,
}

/// When a prediction hits a true lesion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub enum MatchCriterion {
    /// The predicted centre lies within `scale` × the true lesion's radius of its centre
    /// (distance ≤ scale·r). The default, with scale 1.
    CentreWithinRadius {
        /// Multiplier of the true radius.
        scale: f64,
    },
    /// The boxes' intersection over union is ≥ `min_iou`; a disc of radius r is the box
    /// [row − r, row + r] × [col − r, col + r]. Predictions need a radius.
    Iou {
        /// Minimum IoU, in (0, 1].
        min_iou: f64,
    },
}

/// What a second hit on an already matched lesion counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum DuplicateHits {
    /// Neither TP nor FP (LUNA16, CAMELYON16). The default.
    Ignore,
    /// A false positive.
    FalsePositive,
}

/// Settings of lesion matching and FROC.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LesionOptions {
    /// Hit criterion; default centre within the radius.
    pub criterion: MatchCriterion,
    /// Duplicate hits; default ignored.
    pub duplicates: DuplicateHits,
    /// FP-per-image rates for the mean sensitivity; default 1/8, 1/4, 1/2, 1, 2, 4, 8.
    pub fp_rates: Vec<f64>,
}

impl Default for LesionOptions {
    fn default() -> Self {
        LesionOptions {
            criterion: MatchCriterion::CentreWithinRadius { scale: 1.0 },
            duplicates: DuplicateHits::Ignore,
            fp_rates: vec![0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0],
        }
    }
}

impl LesionOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the hit criterion.
    pub fn with_criterion(mut self, criterion: MatchCriterion) -> Self {
        self.criterion = criterion;
        self
    }

    /// Sets the duplicate-hit policy.
    pub fn with_duplicates(mut self, duplicates: DuplicateHits) -> Self {
        self.duplicates = duplicates;
        self
    }

    /// Sets the FP-per-image rates of the mean sensitivity.
    pub fn with_fp_rates(mut self, rates: Vec<f64>) -> Self {
        self.fp_rates = rates;
        self
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a non-positive scale, an IoU outside (0, 1], or a
    /// negative/non-finite FP rate.
    pub fn validate(&self) -> Result<()> {
        match self.criterion {
            MatchCriterion::CentreWithinRadius { scale } if !(scale.is_finite() && scale > 0.0) => {
                return Err(Error::option(
                    "lesion radius scale",
                    format!("must be > 0, got {scale}"),
                ));
            }
            MatchCriterion::Iou { min_iou } if !(min_iou > 0.0 && min_iou <= 1.0) => {
                return Err(Error::option(
                    "lesion min IoU",
                    format!("must be in (0, 1], got {min_iou}"),
                ));
            }
            _ => {}
        }
        if let Some(r) = self
            .fp_rates
            .iter()
            .find(|r| !(r.is_finite() && **r >= 0.0))
        {
            return Err(Error::option(
                "FROC FP rates",
                format!("must be finite and >= 0, got {r}"),
            ));
        }
        Ok(())
    }
}

/// What became of one prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Outcome {
    /// Matched to this true lesion (index into the truths).
    TruePositive(usize),
    /// Matched nothing.
    FalsePositive,
    /// Hit only this already-matched true lesion (counted per [`DuplicateHits`]).
    Duplicate(usize),
}

/// The result of matching.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LesionMatching {
    /// One outcome per prediction, in input order.
    pub outcomes: Vec<Outcome>,
    /// For each true lesion, the prediction matched to it.
    pub matched_by: Vec<Option<usize>>,
}

fn iou(t: &TruthLesion, p: &PredictedLesion, pr: f64) -> f64 {
    let inter = |a0: f64, a1: f64, b0: f64, b1: f64| (a1.min(b1) - a0.max(b0)).max(0.0);
    let ih = inter(t.row - t.radius, t.row + t.radius, p.row - pr, p.row + pr);
    let iw = inter(t.col - t.radius, t.col + t.radius, p.col - pr, p.col + pr);
    let i = ih * iw;
    let u = 4.0 * t.radius * t.radius + 4.0 * pr * pr - i;
    if u > 0.0 { i / u } else { 0.0 }
}

fn validate_inputs(
    truths: &[TruthLesion],
    preds: &[PredictedLesion],
    n_images: usize,
    opts: &LesionOptions,
) -> Result<()> {
    opts.validate()?;
    for (index, t) in truths.iter().enumerate() {
        if t.image >= n_images {
            return Err(Error::LesionImageOutOfRange {
                index,
                image: t.image,
                n_images,
            });
        }
        for (what, v) in [
            ("truth lesion row", t.row),
            ("truth lesion col", t.col),
            ("truth lesion radius", t.radius),
        ] {
            if !v.is_finite() || (what == "truth lesion radius" && v < 0.0) {
                return Err(Error::NonFinite {
                    what,
                    index,
                    value: v,
                });
            }
        }
    }
    for (index, p) in preds.iter().enumerate() {
        if p.image >= n_images {
            return Err(Error::LesionImageOutOfRange {
                index,
                image: p.image,
                n_images,
            });
        }
        for (what, v) in [
            ("predicted lesion row", p.row),
            ("predicted lesion col", p.col),
            ("predicted lesion score", p.score),
        ] {
            if !v.is_finite() {
                return Err(Error::NonFinite {
                    what,
                    index,
                    value: v,
                });
            }
        }
        if matches!(opts.criterion, MatchCriterion::Iou { .. })
            && !p.radius.is_some_and(|r| r.is_finite() && r >= 0.0)
        {
            return Err(Error::option(
                "lesion criterion",
                format!(
                    "IoU matching needs a finite radius for every predicted lesion (prediction {index} has {:?})",
                    p.radius
                ),
            ));
        }
    }
    Ok(())
}

/// Matches predictions to true lesions (see the module documentation).
///
/// # Errors
/// An image index ≥ `n_images`, a non-finite coordinate or score, invalid options, or IoU
/// matching with a prediction that has no radius.
pub fn match_lesions(
    truths: &[TruthLesion],
    preds: &[PredictedLesion],
    n_images: usize,
    opts: &LesionOptions,
) -> Result<LesionMatching> {
    validate_inputs(truths, preds, n_images, opts)?;
    let mut by_image: Vec<Vec<usize>> = vec![Vec::new(); n_images];
    for (i, t) in truths.iter().enumerate() {
        by_image[t.image].push(i);
    }
    let mut order: Vec<usize> = (0..preds.len()).collect();
    order.sort_by(|&a, &b| preds[b].score.total_cmp(&preds[a].score));
    let mut matched_by = vec![None; truths.len()];
    let mut outcomes = vec![Outcome::FalsePositive; preds.len()];
    for &pi in &order {
        let p = &preds[pi];
        // (truth index, goodness): larger goodness is better
        let mut best_free: Option<(usize, f64)> = None;
        let mut best_taken: Option<(usize, f64)> = None;
        for &ti in &by_image[p.image] {
            let t = &truths[ti];
            let good = match opts.criterion {
                MatchCriterion::CentreWithinRadius { scale } => {
                    let d = (p.row - t.row).hypot(p.col - t.col);
                    (d <= scale * t.radius).then_some(-d)
                }
                MatchCriterion::Iou { min_iou } => {
                    let v = iou(t, p, p.radius.unwrap_or(0.0));
                    (v >= min_iou).then_some(v)
                }
            };
            let Some(g) = good else { continue };
            let slot = if matched_by[ti].is_none() {
                &mut best_free
            } else {
                &mut best_taken
            };
            if slot.is_none_or(|(_, b)| g > b) {
                *slot = Some((ti, g));
            }
        }
        outcomes[pi] = match (best_free, best_taken) {
            (Some((ti, _)), _) => {
                matched_by[ti] = Some(pi);
                Outcome::TruePositive(ti)
            }
            (None, Some((ti, _))) => Outcome::Duplicate(ti),
            (None, None) => Outcome::FalsePositive,
        };
    }
    Ok(LesionMatching {
        outcomes,
        matched_by,
    })
}

/// One point of a FROC curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FrocPoint {
    /// Predictions with score ≥ threshold are kept (+∞ for the origin; JSON null).
    pub threshold: f64,
    /// Mean false positives per image.
    pub fp_per_image: f64,
    /// Share of true lesions matched.
    pub sensitivity: f64,
    /// Matched lesions.
    pub true_positives: usize,
    /// False positives.
    pub false_positives: usize,
}

/// A FROC curve, from (0, 0) at threshold +∞ to all predictions kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Froc {
    /// The points, by decreasing threshold.
    pub points: Vec<FrocPoint>,
    /// Images the FP rate is divided by.
    pub n_images: usize,
    /// True lesions the sensitivity is divided by.
    pub n_lesions: usize,
}

impl Froc {
    /// Builds the curve from scores and per-prediction outcomes (`Some(true)` = TP,
    /// `Some(false)` = FP, `None` = ignored). `None` without images or true lesions.
    ///
    /// # Errors
    /// Length mismatch or a non-finite score.
    pub fn from_outcomes(
        scores: &[f64],
        tp: &[Option<bool>],
        n_images: usize,
        n_lesions: usize,
    ) -> Result<Option<Froc>> {
        crate::error::same_len("scores vs outcomes", scores.len(), tp.len())?;
        crate::error::all_finite("scores", scores)?;
        if n_images == 0 || n_lesions == 0 {
            return Ok(None);
        }
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let point = |threshold, t: usize, f: usize| FrocPoint {
            threshold,
            fp_per_image: f as f64 / n_images as f64,
            sensitivity: t as f64 / n_lesions as f64,
            true_positives: t,
            false_positives: f,
        };
        let mut points = vec![point(f64::INFINITY, 0, 0)];
        let (mut t, mut f) = (0, 0);
        for (k, &i) in order.iter().enumerate() {
            match tp[i] {
                Some(true) => t += 1,
                Some(false) => f += 1,
                None => {}
            }
            if k + 1 == order.len() || scores[order[k + 1]] != scores[i] {
                points.push(point(scores[i], t, f));
            }
        }
        Ok(Some(Froc {
            points,
            n_images,
            n_lesions,
        }))
    }

    /// Sensitivity at `rate` FP per image, interpolated as `np.interp` (see the module docs).
    pub fn sensitivity_at(&self, rate: f64) -> f64 {
        let xs: Vec<f64> = self.points.iter().map(|p| p.fp_per_image).collect();
        let ys: Vec<f64> = self.points.iter().map(|p| p.sensitivity).collect();
        interp(rate, &xs, &ys)
    }

    /// Mean of [`sensitivity_at`](Self::sensitivity_at) over `rates`; `None` for no rates.
    pub fn mean_sensitivity(&self, rates: &[f64]) -> Option<f64> {
        let v: Vec<f64> = rates.iter().map(|&r| self.sensitivity_at(r)).collect();
        crate::num::mean(&v)
    }
}

/// `np.interp(x, xp, fp)` for non-decreasing `xp` (non-empty).
pub(crate) fn interp(x: f64, xp: &[f64], fp: &[f64]) -> f64 {
    let last = xp.len() - 1;
    if x > xp[last] {
        return fp[last];
    }
    if x < xp[0] {
        return fp[0];
    }
    let j = xp.partition_point(|&v| v <= x) - 1; // last index with xp[j] <= x
    if j == last || xp[j] == x {
        return fp[j];
    }
    let slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    slope * (x - xp[j]) + fp[j]
}

/// Lesion-level results of one finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LesionSummary {
    /// Images evaluated (those scored, with or without lesions).
    pub n_images: usize,
    /// True lesions on them.
    pub n_lesions: usize,
    /// Predicted lesions on them.
    pub n_predicted: usize,
    /// Predictions matched to a lesion.
    pub true_positives: usize,
    /// Predictions counted as false positives.
    pub false_positives: usize,
    /// Duplicate hits (ignored unless the policy counts them as FPs, then included above).
    pub duplicates: usize,
    /// Lesions matched / lesions, with a Wilson interval.
    pub sensitivity: Estimate,
    /// False positives / images.
    pub fp_per_image: Option<f64>,
    /// The FP rates of `sensitivity_at_rates`.
    pub fp_rates: Vec<f64>,
    /// FROC sensitivity at each rate.
    pub sensitivity_at_rates: Vec<Option<f64>>,
    /// Mean of those (LUNA16's CPM).
    pub mean_sensitivity: Option<f64>,
    /// The FROC curve.
    pub froc: Option<Froc>,
}

/// Matches, counts and builds the FROC curve for one finding.
///
/// # Errors
/// As [`match_lesions`].
pub fn evaluate_lesions(
    truths: &[TruthLesion],
    preds: &[PredictedLesion],
    n_images: usize,
    opts: &LesionOptions,
    z: f64,
) -> Result<LesionSummary> {
    let m = match_lesions(truths, preds, n_images, opts)?;
    let count_dup_fp = opts.duplicates == DuplicateHits::FalsePositive;
    let tp_flags: Vec<Option<bool>> = m
        .outcomes
        .iter()
        .map(|o| match o {
            Outcome::TruePositive(_) => Some(true),
            Outcome::FalsePositive => Some(false),
            Outcome::Duplicate(_) => (count_dup_fp).then_some(false),
        })
        .collect();
    let tps = tp_flags.iter().filter(|f| **f == Some(true)).count();
    let fps = tp_flags.iter().filter(|f| **f == Some(false)).count();
    let duplicates = m
        .outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Duplicate(_)))
        .count();
    let scores: Vec<f64> = preds.iter().map(|p| p.score).collect();
    let froc = Froc::from_outcomes(&scores, &tp_flags, n_images, truths.len())?;
    let sensitivity_at_rates = opts
        .fp_rates
        .iter()
        .map(|&r| froc.as_ref().map(|f| f.sensitivity_at(r)))
        .collect();
    Ok(LesionSummary {
        n_images,
        n_lesions: truths.len(),
        n_predicted: preds.len(),
        true_positives: tps,
        false_positives: fps,
        duplicates,
        sensitivity: Estimate::proportion(tps as u64, truths.len() as u64, z),
        fp_per_image: (n_images > 0).then(|| fps as f64 / n_images as f64),
        fp_rates: opts.fp_rates.clone(),
        sensitivity_at_rates,
        mean_sensitivity: froc
            .as_ref()
            .and_then(|f| f.mean_sensitivity(&opts.fp_rates)),
        froc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(image: usize, row: f64, col: f64, radius: f64) -> TruthLesion {
        TruthLesion {
            image,
            row,
            col,
            radius,
        }
    }
    fn p(image: usize, row: f64, col: f64, score: f64) -> PredictedLesion {
        PredictedLesion {
            image,
            row,
            col,
            score,
            radius: Some(5.0),
        }
    }

    #[test]
    fn greedy_by_score_each_truth_once() {
        let truths = [t(0, 10.0, 10.0, 5.0), t(0, 30.0, 30.0, 5.0)];
        let preds = [
            p(0, 11.0, 10.0, 0.5),
            p(0, 10.0, 10.0, 0.9),
            p(0, 100.0, 100.0, 0.7),
            p(1, 0.0, 0.0, 0.2),
        ];
        let m = match_lesions(&truths, &preds, 2, &LesionOptions::new()).unwrap();
        assert_eq!(m.outcomes[1], Outcome::TruePositive(0));
        assert_eq!(m.outcomes[0], Outcome::Duplicate(0));
        assert_eq!(m.outcomes[2], Outcome::FalsePositive);
        assert_eq!(m.outcomes[3], Outcome::FalsePositive);
        assert_eq!(m.matched_by, vec![Some(1), None]);
        let s =
            evaluate_lesions(&truths, &preds, 2, &LesionOptions::new(), crate::ci::Z_95).unwrap();
        assert_eq!(
            (s.true_positives, s.false_positives, s.duplicates),
            (1, 2, 1)
        );
        assert_eq!(s.sensitivity.value, Some(0.5));
        assert_eq!(s.fp_per_image, Some(1.0));
        let dup = LesionOptions::new().with_duplicates(DuplicateHits::FalsePositive);
        let s = evaluate_lesions(&truths, &preds, 2, &dup, crate::ci::Z_95).unwrap();
        assert_eq!(s.false_positives, 3);
    }

    #[test]
    fn iou_needs_radius_and_matches_boxes() {
        let truths = [t(0, 10.0, 10.0, 5.0)];
        let mut preds = [p(0, 11.0, 10.0, 0.5)];
        let opts = LesionOptions::new().with_criterion(MatchCriterion::Iou { min_iou: 0.5 });
        let m = match_lesions(&truths, &preds, 1, &opts).unwrap();
        assert_eq!(m.outcomes[0], Outcome::TruePositive(0)); // IoU = 90/110
        preds[0].radius = None;
        assert!(match_lesions(&truths, &preds, 1, &opts).is_err());
        assert!(match_lesions(&truths, &[p(3, 0.0, 0.0, 0.1)], 1, &LesionOptions::new()).is_err());
    }

    #[test]
    fn interp_matches_numpy_rules() {
        let xp = [0.0, 0.0, 0.25, 0.5, 0.5, 1.0];
        let fp = [0.0, 0.2, 0.4, 0.4, 0.6, 0.6];
        assert_eq!(interp(0.0, &xp, &fp), 0.2);
        assert_eq!(interp(0.5, &xp, &fp), 0.6);
        assert!((interp(0.125, &xp, &fp) - 0.3).abs() < 1e-15);
        assert_eq!(interp(8.0, &xp, &fp), 0.6);
        assert_eq!(interp(-1.0, &xp, &fp), 0.0);
    }
}
