//! Training batches: the epoch's balanced order, then each item augmented (a patch cut first
//! for a spacing model) with its dense activation-map targets.

use burn::tensor::{Tensor, TensorData};
use ndarray::{Array4, Axis};
use rayon::prelude::*;

use super::TrainOptions;
use crate::patches::{Patch, PatchPlan, Point};
use crate::rng::Rng;
use crate::sample::{TrainLesion, TrainSample};

/// What an epoch's draws are balanced over besides the label combination.
#[derive(Debug, Clone, Copy)]
pub(super) struct Balance {
    /// Each modality group's label combinations equally often.
    pub(super) group: bool,
    /// And within those, each training set (`TrainSample::source`) equally often.
    pub(super) source: bool,
}

/// One epoch's sample order: `count` draws with replacement, each label combination equally
/// likely (within each modality group and training set too, as `by` says).
pub(super) fn balanced_order(
    train: &[TrainSample],
    seed: u64,
    epoch: u64,
    count: usize,
    by: Balance,
) -> Vec<usize> {
    let key = |s: &TrainSample| {
        let labels = s.labels.iter().fold(0usize, |k, &b| k * 2 + b as usize);
        (
            if by.group { s.group } else { 0 },
            if by.source { s.source } else { 0 },
            labels,
        )
    };
    let mut groups: std::collections::BTreeMap<(usize, usize, usize), Vec<usize>> =
        Default::default();
    for (i, s) in train.iter().enumerate() {
        groups.entry(key(s)).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = groups.into_values().collect();
    let mut rng = Rng::new(seed, 0xBA1A, epoch);
    (0..count)
        .map(|_| {
            let g = &groups[(rng.next_u64() % groups.len() as u64) as usize];
            g[(rng.next_u64() % g.len() as u64) as usize]
        })
        .collect()
}

pub(super) struct Batch {
    pub(super) input: Array4<f32>,
    pub(super) labels: Vec<f32>,
    pub(super) target: Array4<f32>,
    pub(super) mask: Array4<f32>,
}

pub(super) fn make_batch(
    data: &[TrainSample],
    idx: &[usize],
    opts: &TrainOptions,
    epoch: u64,
    stride: usize,
    findings: usize,
    patches: Option<(&PatchPlan, &[Vec<Point>])>,
) -> Batch {
    // each item with whether its image's lesions are known
    let items: Vec<(Patch, bool)> = idx
        .par_iter()
        .enumerate()
        .map(|(k, &i)| {
            let s = &data[i];
            let mut rng = Rng::new(opts.seed, epoch, (i as u64) << 20 | k as u64);
            let known = s.lesions.is_some();
            match patches {
                Some((plan, hard)) => {
                    let hard = hard.get(i).map_or(&[][..], |h| h.as_slice());
                    let p = plan.cut(s, hard, &mut rng);
                    let (input, lesions) = opts.augment.apply(&p.input, &p.lesions, &mut rng);
                    let labels = p.labels;
                    (
                        Patch {
                            input,
                            lesions,
                            labels,
                        },
                        known,
                    )
                }
                None => {
                    let lesions = s.lesions.clone().unwrap_or_default();
                    let (input, lesions) = opts.augment.apply(&s.model_input(), &lesions, &mut rng);
                    let labels = s.labels.clone();
                    (
                        Patch {
                            input,
                            lesions,
                            labels,
                        },
                        known,
                    )
                }
            }
        })
        .collect();
    let n = idx.len();
    let (c, h, w) = items[0].0.input.dim();
    let (mh, mw) = (h / stride, w / stride);
    let mut input = Array4::<f32>::zeros((n, c, h, w));
    let mut target = Array4::<f32>::zeros((n, findings, mh, mw));
    let mut mask = Array4::<f32>::zeros((n, findings, mh, mw));
    let mut labels = Vec::with_capacity(n * findings);
    for (k, (item, lesions_known)) in items.iter().enumerate() {
        input.index_axis_mut(Axis(0), k).assign(&item.input);
        let lesions = &item.lesions;
        for (f, &present) in item.labels.iter().enumerate().take(findings) {
            labels.push(if present { 1.0 } else { 0.0 });
            let here: Vec<&TrainLesion> = lesions.iter().filter(|l| l.finding == f).collect();
            // The map's truth is known for a negative image (all cells negative) and for a
            // positive one whose lesions are listed.
            let known = !present || (*lesions_known && !here.is_empty());
            if !known {
                continue;
            }
            mask.slice_mut(ndarray::s![k, f, .., ..]).fill(1.0);
            for l in here {
                let reach = l.radius + stride as f32 / 2.0;
                for r in 0..mh {
                    for cc in 0..mw {
                        let cy = (r as f32 + 0.5) * stride as f32 - 0.5;
                        let cx = (cc as f32 + 0.5) * stride as f32 - 0.5;
                        if (cy - l.row).hypot(cx - l.col) <= reach {
                            target[[k, f, r, cc]] = 1.0;
                        }
                    }
                }
            }
        }
    }
    Batch {
        input,
        labels,
        target,
        mask,
    }
}

impl Batch {
    pub(super) fn into_tensors(
        self,
        device: &burn::tensor::Device,
    ) -> (Tensor<4>, Tensor<2>, Tensor<4>, Tensor<4>) {
        let t4 = |a: Array4<f32>| {
            let shape = a.shape().to_vec();
            Tensor::<4>::from_data(
                TensorData::new(a.into_raw_vec_and_offset().0, shape),
                device,
            )
        };
        let n = self.input.dim().0;
        let f = self.target.dim().1;
        let labels = Tensor::<2>::from_data(TensorData::new(self.labels, [n, f]), device);
        (t4(self.input), labels, t4(self.target), t4(self.mask))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;
    use std::sync::Arc;

    fn sample(source: usize, tumor: bool) -> TrainSample {
        TrainSample {
            input: Arc::new(Array3::zeros((1, 8, 8))),
            context: Vec::new(),
            labels: vec![tumor],
            lesions: None,
            group: 0,
            source,
        }
    }

    /// 90 images of set 0 and 10 of set 1, each half with a tumour: balancing by set draws set
    /// 1 about half the time, without it about a tenth.
    #[test]
    fn balancing_by_source_draws_each_training_set_equally() {
        let train: Vec<TrainSample> = (0..100)
            .map(|i| sample(usize::from(i >= 90), i % 2 == 0))
            .collect();
        let share = |source| {
            let by = Balance {
                group: true,
                source,
            };
            let order = balanced_order(&train, 5, 1, 4000, by);
            order.iter().filter(|&&i| train[i].source == 1).count() as f64 / 4000.0
        };
        let (on, off) = (share(true), share(false));
        assert!((on - 0.5).abs() < 0.04, "balanced: set 1 drawn {on}");
        assert!((off - 0.1).abs() < 0.03, "unbalanced: set 1 drawn {off}");
    }
}
