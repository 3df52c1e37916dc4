//! Training on patches (a spacing model): inputs come whole at the model's pixel size, of any
//! size, and each training step sees a square patch cut from each: centred on a lesion (with
//! jitter), on a place where the previous mining pass fired without a lesion (a hard
//! negative), or anywhere. A patch's labels are the lesions whose centres lie inside it.

use ndarray::{Array3, s};

use crate::rng::Rng;
use crate::sample::{TrainLesion, TrainSample};

/// A place on an input, (row, column) in input pixels.
pub(crate) type Point = (f32, f32);

/// Patch sampling proportions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PatchPlan {
    /// Side of a patch in input pixels.
    pub size: usize,
    /// Patches of an image with known lesions that are centred on one.
    pub positive: f32,
    /// Of the other patches, those centred on a hard negative when the image has any.
    pub hard: f32,
}

/// A patch cut for training, before augmentation.
pub(crate) struct Patch {
    pub input: Array3<f32>,
    pub lesions: Vec<TrainLesion>,
    /// Per finding: a lesion's centre lies in the patch (or, where lesions are unknown, the
    /// image's label).
    pub labels: Vec<bool>,
}

impl PatchPlan {
    /// Cuts one patch from `s` (zero outside the image).
    pub fn cut(&self, s: &TrainSample, hard: &[Point], rng: &mut Rng) -> Patch {
        let (c, h, w) = s.dim();
        let p = self.size as f32;
        let known = s.lesions.as_deref().unwrap_or(&[]);
        let (cy, cx) = if !known.is_empty() && rng.unit() < self.positive {
            let l = known[(rng.next_u64() % known.len() as u64) as usize];
            // the lesion's centre stays well inside the patch
            let j = (p / 2.0 - l.radius.max(4.0) - 4.0).clamp(0.0, p / 4.0);
            (l.row + rng.range(-j, j), l.col + rng.range(-j, j))
        } else if !hard.is_empty() && rng.unit() < self.hard {
            let (y, x) = hard[(rng.next_u64() % hard.len() as u64) as usize];
            let j = p / 8.0;
            (y + rng.range(-j, j), x + rng.range(-j, j))
        } else {
            (rng.range(0.0, h as f32), rng.range(0.0, w as f32))
        };
        let top = (cy - p / 2.0).round() as i64;
        let left = (cx - p / 2.0).round() as i64;
        let mut input = Array3::<f32>::zeros((c, self.size, self.size));
        // the part of the patch that lies on the image
        let (r0, r1) = (top.max(0), (top + self.size as i64).min(h as i64));
        let (c0, c1) = (left.max(0), (left + self.size as i64).min(w as i64));
        if r0 < r1 && c0 < c1 {
            let (r0, r1, c0, c1) = (r0 as usize, r1 as usize, c0 as usize, c1 as usize);
            let (dr, dc) = ((r0 as i64 - top) as usize, (c0 as i64 - left) as usize);
            // a 2.5-D sample's slices go to their channel groups
            let mut c0_part = 0;
            for part in s.parts() {
                let pc = part.dim().0;
                input
                    .slice_mut(s![
                        c0_part..c0_part + pc,
                        dr..dr + (r1 - r0),
                        dc..dc + (c1 - c0)
                    ])
                    .assign(&part.slice(s![.., r0..r1, c0..c1]));
                c0_part += pc;
            }
        }
        let (top, left) = (top as f32, left as f32);
        let lesions: Vec<TrainLesion> = known
            .iter()
            .map(|l| TrainLesion {
                row: l.row - top,
                col: l.col - left,
                ..*l
            })
            .collect();
        let labels = (0..s.labels.len())
            .map(|f| match &s.lesions {
                Some(_) => lesions.iter().any(|l| {
                    l.finding == f && (0.0..p).contains(&l.row) && (0.0..p).contains(&l.col)
                }),
                None => s.labels[f],
            })
            .collect();
        Patch {
            input,
            lesions,
            labels,
        }
    }
}

/// Places where a finding's map fired on a training image and no lesion of it lies: the cells
/// whose probability is at least `floor`, strongest first, at most `most`, in input pixels.
pub(crate) fn hard_negatives(
    cam: &Array3<f32>,
    stride: usize,
    lesions: Option<&[TrainLesion]>,
    labels: &[bool],
    floor: f32,
    most: usize,
) -> Vec<Point> {
    let (nf, mh, mw) = cam.dim();
    let mut found: Vec<(f32, f32, f32)> = Vec::new();
    for f in 0..nf {
        // a positive image whose lesions are unknown: its firing cells may be right
        if lesions.is_none() && labels.get(f).copied().unwrap_or(false) {
            continue;
        }
        for r in 0..mh {
            for c in 0..mw {
                let v = cam[[f, r, c]];
                if v < floor {
                    continue;
                }
                let y = (r as f32 + 0.5) * stride as f32 - 0.5;
                let x = (c as f32 + 0.5) * stride as f32 - 0.5;
                let near = lesions.unwrap_or(&[]).iter().any(|l| {
                    l.finding == f && (y - l.row).hypot(x - l.col) <= l.radius + stride as f32
                });
                if !near {
                    found.push((v, y, x));
                }
            }
        }
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    found.truncate(most);
    found.into_iter().map(|(_, y, x)| (y, x)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    fn sample() -> TrainSample {
        let mut input = Array3::<f32>::zeros((3, 200, 300));
        input[[0, 150, 250]] = 1.0;
        TrainSample {
            input: std::sync::Arc::new(input),
            context: Vec::new(),
            labels: vec![true, false],
            lesions: Some(vec![TrainLesion {
                finding: 0,
                row: 150.0,
                col: 250.0,
                radius: 6.0,
            }]),
            group: 0,
            source: 0,
        }
    }

    #[test]
    fn positive_patches_hold_the_lesion_and_move_it() {
        let plan = PatchPlan {
            size: 64,
            positive: 1.0,
            hard: 0.0,
        };
        let s = sample();
        let mut rng = Rng::new(1, 2, 3);
        for _ in 0..50 {
            let p = plan.cut(&s, &[], &mut rng);
            assert_eq!(p.labels, vec![true, false]);
            let l = p.lesions[0];
            // the marked pixel moved with the lesion
            assert_eq!(p.input[[0, l.row as usize, l.col as usize]], 1.0);
        }
    }

    #[test]
    fn negative_patches_label_what_they_hold_and_pad_with_zeros() {
        let plan = PatchPlan {
            size: 64,
            positive: 0.0,
            hard: 1.0,
        };
        let s = sample();
        let mut rng = Rng::new(1, 2, 3);
        // a hard negative at the corner: the patch hangs off the image
        let p = plan.cut(&s, &[(0.0, 0.0)], &mut rng);
        assert_eq!(p.labels, vec![false, false]);
        assert_eq!(p.input.dim(), (3, 64, 64));
    }

    #[test]
    fn hard_negatives_skip_cells_on_lesions() {
        let mut cam = Array3::<f32>::zeros((2, 25, 37));
        cam[[0, 18, 31]] = 0.9; // over the lesion at (150, 250)
        cam[[0, 2, 2]] = 0.8; // nowhere near it
        cam[[1, 18, 31]] = 0.7; // another finding: a false positive there
        let s = sample();
        let hn = hard_negatives(&cam, 8, s.lesions.as_deref(), &s.labels, 0.5, 10);
        assert_eq!(hn, vec![(19.5, 19.5), (147.5, 251.5)]);
    }
}
