//! Training-time augmentation on preprocessed inputs: horizontal flip, small affine (rotation,
//! scale, shift), intensity jitter and noise. Lesion positions move with the image so that the
//! dense (activation-map) targets stay on the lesions.

use ndarray::{Array3, ArrayView2, Axis};

use crate::rng::Rng;
use crate::sample::TrainLesion;

/// How strongly to augment.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Augment {
    /// Mirror left-right with probability 1/2 (axial CT/MR and most radiographs allow it).
    pub flip: bool,
    /// Maximum rotation in degrees.
    pub rotate_deg: f32,
    /// Maximum relative scale change.
    pub scale: f32,
    /// Maximum shift as a fraction of the side.
    pub shift: f32,
    /// Maximum relative contrast change and brightness offset.
    pub intensity: f32,
    /// Maximum noise standard deviation (input units, 0..1).
    pub noise: f32,
}

impl Default for Augment {
    fn default() -> Self {
        Augment {
            flip: true,
            rotate_deg: 10.0,
            scale: 0.1,
            shift: 0.06,
            intensity: 0.1,
            noise: 0.02,
        }
    }
}

impl Augment {
    /// No augmentation at all.
    pub fn none() -> Self {
        Augment {
            flip: false,
            rotate_deg: 0.0,
            scale: 0.0,
            shift: 0.0,
            intensity: 0.0,
            noise: 0.0,
        }
    }

    /// Augments one `[channels, size, size]` input and its lesions.
    pub(crate) fn apply(
        &self,
        input: &Array3<f32>,
        lesions: &[TrainLesion],
        rng: &mut Rng,
    ) -> (Array3<f32>, Vec<TrainLesion>) {
        let (_, h, w) = input.dim();
        let flip = self.flip && rng.unit() < 0.5;
        let theta = rng.range(-self.rotate_deg, self.rotate_deg).to_radians();
        let s = 1.0 + rng.range(-self.scale, self.scale);
        let (ty, tx) = (
            rng.range(-self.shift, self.shift) * h as f32,
            rng.range(-self.shift, self.shift) * w as f32,
        );
        let (cy, cx) = ((h as f32 - 1.0) / 2.0, (w as f32 - 1.0) / 2.0);
        let (sin, cos) = theta.sin_cos();
        let fx = if flip { -1.0 } else { 1.0 };
        // forward: out = s R F (src - c) + c + t; inverse for sampling.
        let forward = |y: f32, x: f32| {
            let (dy, dx) = (y - cy, (x - cx) * fx);
            (
                s * (sin * dx + cos * dy) + cy + ty,
                s * (cos * dx - sin * dy) + cx + tx,
            )
        };
        let inverse = |y: f32, x: f32| {
            let (dy, dx) = ((y - cy - ty) / s, (x - cx - tx) / s);
            let (ry, rx) = (cos * dy - sin * dx, sin * dy + cos * dx);
            (ry + cy, rx * fx + cx)
        };
        let gain = 1.0 + rng.range(-self.intensity, self.intensity);
        let offset = rng.range(-self.intensity, self.intensity) * 0.5;
        let sigma = rng.range(0.0, self.noise);
        let mut out = Array3::<f32>::zeros(input.dim());
        for (k, mut plane) in out.axis_iter_mut(Axis(0)).enumerate() {
            let src = input.index_axis(Axis(0), k);
            for ((r, c), v) in plane.indexed_iter_mut() {
                let (y, x) = inverse(r as f32, c as f32);
                *v = bilinear(src, y, x);
            }
        }
        if sigma > 0.0 || gain != 1.0 || offset != 0.0 {
            for v in out.iter_mut() {
                *v = *v * gain + offset + sigma * rng.normal();
            }
        }
        let moved = lesions
            .iter()
            .map(|l| {
                let (row, col) = forward(l.row, l.col);
                TrainLesion {
                    row,
                    col,
                    radius: l.radius * s,
                    ..*l
                }
            })
            .collect();
        (out, moved)
    }
}

fn bilinear(img: ArrayView2<f32>, y: f32, x: f32) -> f32 {
    let (h, w) = img.dim();
    if y < -0.5 || x < -0.5 || y > h as f32 - 0.5 || x > w as f32 - 0.5 {
        return 0.0;
    }
    let y = y.clamp(0.0, (h - 1) as f32);
    let x = x.clamp(0.0, (w - 1) as f32);
    let (y0, x0) = (y.floor() as usize, x.floor() as usize);
    let (y1, x1) = ((y0 + 1).min(h - 1), (x0 + 1).min(w - 1));
    let (fy, fx) = (y - y0 as f32, x - x0 as f32);
    let top = img[[y0, x0]] * (1.0 - fx) + img[[y0, x1]] * fx;
    let bottom = img[[y1, x0]] * (1.0 - fx) + img[[y1, x1]] * fx;
    top * (1.0 - fy) + bottom * fy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesion_follows_the_image() {
        // A bright dot at (40, 20) must still be under the moved lesion centre.
        let mut img = Array3::<f32>::zeros((1, 64, 64));
        for r in 38..43 {
            for c in 18..23 {
                img[[0, r, c]] = 1.0;
            }
        }
        let lesion = TrainLesion {
            finding: 0,
            row: 40.0,
            col: 20.0,
            radius: 2.5,
        };
        for seed in 0..20 {
            let aug = Augment {
                intensity: 0.0,
                noise: 0.0,
                ..Augment::default()
            };
            let (out, moved) = aug.apply(&img, &[lesion], &mut Rng::new(seed, 1, 2));
            let (r, c) = (moved[0].row.round() as usize, moved[0].col.round() as usize);
            assert!(out[[0, r, c]] > 0.5, "seed {seed}: {r},{c}");
        }
    }

    #[test]
    fn none_is_identity() {
        let img = Array3::from_shape_fn((3, 16, 16), |(k, r, c)| (k * 256 + r * 16 + c) as f32);
        let (out, _) = Augment::none().apply(&img, &[], &mut Rng::new(1, 2, 3));
        assert_eq!(out, img);
    }
}
