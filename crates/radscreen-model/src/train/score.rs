//! Scoring during training: validation as screening scores, hard-negative mining, the epoch's
//! log and the thresholds.

use std::path::Path;

use super::{EpochLog, MIN_GROUP, Selection};
use crate::device::SelectedDevice;
use crate::error::Result;
use crate::io::write_atomic;
use crate::model::{Model, ModelConfig};
use crate::net::Net;
use crate::patches::{Point, hard_negatives};
use crate::sample::TrainSample;
use radscreen_imaging::preprocess::InputKind;

/// The model validation and mining score with: on a CPU, radscreen's native path (what
/// screening runs there, and several times faster than burn's CPU kernels on whole images).
pub(super) fn scoring_model(
    net: Net,
    config: ModelConfig,
    device: &SelectedDevice,
) -> Result<Model> {
    let mut m = Model::from_parts(net, config, device.device.clone());
    if device.backend.is_cpu() {
        m.use_native_cpu(true)?;
    }
    Ok(m)
}

/// Hard negatives from a share of the training images (a different share each epoch, about
/// `most` images): where the model fired without a lesion.
pub(super) fn mine(
    model: &Model,
    train: &[TrainSample],
    hard: &mut [Vec<Point>],
    most: usize,
    epoch: usize,
) -> Result<()> {
    let share = train.len().div_ceil(most.max(1)).max(1);
    let chosen: Vec<usize> = (0..train.len())
        .filter(|i| (i + epoch).is_multiple_of(share))
        .collect();
    let stride = model.config().net.stride();
    for chunk in chosen.chunks(16) {
        let inputs: Vec<_> = chunk.iter().map(|&i| train[i].model_input()).collect();
        let views: Vec<_> = inputs.iter().map(|a| a.view()).collect();
        let groups: Vec<usize> = chunk.iter().map(|&i| train[i].group).collect();
        for (&i, p) in chunk
            .iter()
            .zip(model.predict_images_in_groups(&views, &groups)?)
        {
            let s = &train[i];
            hard[i] = hard_negatives(&p.cam, stride, s.lesions.as_deref(), &s.labels, 0.5, 8);
        }
    }
    Ok(())
}

/// Validation loss (image-level BCE) and per-image probabilities, scored as screening scores
/// (a spacing model's whole images, tiled).
pub(super) fn validate(model: &Model, val: &[TrainSample]) -> Result<(f64, Vec<Vec<f32>>)> {
    let mut probs = Vec::with_capacity(val.len());
    let mut loss = 0.0;
    let mut count = 0usize;
    for chunk in val.chunks(16) {
        let inputs: Vec<_> = chunk.iter().map(|s| s.model_input()).collect();
        let views: Vec<_> = inputs.iter().map(|a| a.view()).collect();
        let groups: Vec<usize> = chunk.iter().map(|s| s.group).collect();
        let preds = model.predict_images_in_groups(&views, &groups)?;
        for (p, s) in preds.into_iter().zip(chunk) {
            for (&q, &y) in p.probabilities.iter().zip(&s.labels) {
                let q = (q as f64).clamp(1e-7, 1.0 - 1e-7);
                loss -= if y { q.ln() } else { (1.0 - q).ln() };
                count += 1;
            }
            probs.push(p.probabilities);
        }
    }
    Ok((loss / count.max(1) as f64, probs))
}

pub(super) fn epoch_log(
    epoch: usize,
    lr: f64,
    train_loss: f64,
    val_loss: f64,
    scores: &[Vec<f32>],
    val: &[TrainSample],
    selection: Selection,
) -> EpochLog {
    let findings = val[0].labels.len();
    let mut log = EpochLog {
        epoch,
        learning_rate: lr,
        train_loss,
        val_loss,
        sensitivity: vec![],
        precision: vec![],
        auroc: vec![],
        average_precision: vec![],
        score: 0.0,
        seconds: 0.0,
    };
    for f in 0..findings {
        let labels: Vec<bool> = val.iter().map(|s| s.labels[f]).collect();
        let s: Vec<f64> = scores.iter().map(|p| p[f] as f64).collect();
        let c = radscreen_eval::Confusion::at_threshold(&labels, &s, 0.5).ok();
        log.sensitivity.push(c.and_then(|c| c.sensitivity()));
        log.precision.push(c.and_then(|c| c.precision()));
        log.auroc
            .push(radscreen_eval::roc_auc(&labels, &s).ok().flatten());
        log.average_precision.push(
            radscreen_eval::average_precision(&labels, &s)
                .ok()
                .flatten(),
        );
    }
    let group_aurocs: Vec<f64> = (0..findings)
        .flat_map(|f| {
            let labels: Vec<bool> = val.iter().map(|s| s.labels[f]).collect();
            let s: Vec<f64> = scores.iter().map(|p| p[f] as f64).collect();
            groups_with_both(val, &labels, &s)
        })
        .filter_map(|(_, gl, gs)| radscreen_eval::roc_auc(&gl, &gs).ok().flatten())
        .collect();
    log.score = selection_score(selection, &log.average_precision, &group_aurocs);
    log
}

/// The modality groups (`InputKind::GROUPS` order) with at least [`MIN_GROUP`] positive and
/// negative validation images, with their labels and scores: each gets its own threshold and
/// counts in the group-AUROC score.
pub(super) fn groups_with_both(
    val: &[TrainSample],
    labels: &[bool],
    scores: &[f64],
) -> Vec<(usize, Vec<bool>, Vec<f64>)> {
    (0..InputKind::GROUPS.len())
        .filter_map(|g| {
            let (gl, gs): (Vec<bool>, Vec<f64>) = (val.iter().zip(labels).zip(scores))
                .filter(|((v, _), _)| v.group == g)
                .map(|((_, &y), &p)| (y, p))
                .unzip();
            let positives = gl.iter().filter(|&&y| y).count();
            (positives >= MIN_GROUP && gl.len() - positives >= MIN_GROUP).then_some((g, gl, gs))
        })
        .collect()
}

/// The epoch's validation score by `selection` (see [`Selection`]) from the pooled average
/// precision per finding and the AUROC of each finding's groups with both classes.
fn selection_score(selection: Selection, aps: &[Option<f64>], group_aurocs: &[f64]) -> f64 {
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let aps: Vec<f64> = aps.iter().flatten().copied().collect();
    let pooled = mean(&aps).unwrap_or(0.0);
    match selection {
        Selection::GroupAuroc => mean(group_aurocs).unwrap_or(pooled),
        Selection::MeanAp => pooled,
    }
}

/// Specificity a chosen threshold keeps on the validation split: plain F1 flags every image
/// of a group whose scores barely separate (issue 20: no output may flag a whole modality).
pub(super) const SPECIFICITY_FLOOR: f64 = 0.9;

/// The F1-optimal threshold on the validation split among those with specificity at least
/// [`SPECIFICITY_FLOOR`] (0.5 where it is undefined).
pub(super) fn choose_threshold(labels: &[bool], scores: &[f64]) -> f64 {
    let rule = radscreen_eval::OperatingRule::F1WithSpecificity(SPECIFICITY_FLOOR);
    radscreen_eval::operating_point(labels, scores, rule, 1.0)
        .ok()
        .flatten()
        .map(|p| p.threshold.clamp(0.0, 1.0))
        .unwrap_or(0.5)
}

pub(super) fn write_log_csv(path: &Path, log: &[EpochLog], findings: usize) -> Result<()> {
    let mut s = String::from("epoch,learning_rate,train_loss,val_loss,score,seconds");
    for f in 0..findings {
        s += &format!(",sensitivity_{f},precision_{f},auroc_{f},ap_{f}");
    }
    s.push('\n');
    let opt = |v: Option<f64>| v.map(|x| format!("{x:.6}")).unwrap_or_default();
    for l in log {
        s += &format!(
            "{},{:.6},{:.6},{:.6},{:.6},{:.1}",
            l.epoch, l.learning_rate, l.train_loss, l.val_loss, l.score, l.seconds
        );
        let cols = l
            .sensitivity
            .iter()
            .zip(&l.precision)
            .zip(&l.auroc)
            .zip(&l.average_precision);
        for (((&se, &pr), &au), &ap) in cols.take(findings) {
            s += &format!(",{},{},{},{}", opt(se), opt(pr), opt(au), opt(ap));
        }
        s.push('\n');
    }
    write_atomic(path, s.as_bytes())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ndarray::Array3;

    use super::*;

    fn sample(label: bool, group: usize) -> TrainSample {
        TrainSample {
            input: Arc::new(Array3::zeros((1, 8, 8))),
            context: vec![],
            labels: vec![label],
            lesions: None,
            group,
            source: 0,
        }
    }

    /// Group 0's positives all outscore its negatives (AUROC 1 within it); group 1 has only
    /// negatives, scoring above every positive of group 0 (as MR, with no fracture drawn, can
    /// score on fracture). Per-group thresholds make the second group harmless, but pooled AP
    /// counts it against the model.
    #[test]
    fn group_auroc_judges_within_each_modality() {
        let mut val = vec![];
        let mut scores = vec![];
        for i in 0..40 {
            let positive = i % 2 == 0;
            val.push(sample(positive, 0));
            let base = if positive { 0.6 } else { 0.3 };
            scores.push(vec![base + 0.001 * i as f32]);
        }
        for i in 0..40 {
            val.push(sample(false, 1));
            scores.push(vec![0.8 + 0.001 * i as f32]);
        }
        let score = |sel, scores: &[Vec<f32>], val: &[TrainSample]| {
            epoch_log(1, 1e-3, 0.0, 0.0, scores, val, sel).score
        };
        let auroc = score(Selection::GroupAuroc, &scores, &val);
        let ap = score(Selection::MeanAp, &scores, &val);
        assert!((auroc - 1.0).abs() < 1e-9, "{auroc}");
        assert!(ap < 0.5, "{ap}");
        let pooled = radscreen_eval::average_precision(
            &val.iter().map(|s| s.labels[0]).collect::<Vec<_>>(),
            &scores.iter().map(|p| p[0] as f64).collect::<Vec<_>>(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(ap, pooled);
        // a group under 10 positives does not count: AP is the fallback (one positive among
        // 20 negatives of group 1)
        let mut few = val[60..].to_vec();
        few[0].labels[0] = true;
        let few_scores = &scores[60..];
        assert_eq!(
            score(Selection::GroupAuroc, few_scores, &few),
            score(Selection::MeanAp, few_scores, &few)
        );
    }
}
