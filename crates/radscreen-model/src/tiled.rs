//! Whole-image, fully convolutional scoring of inputs of any size (a spacing model's inputs):
//! each input is cut into tiles no larger than the plan's tile side, overlapping by twice the
//! margin; tiles of one shape are scored together, whichever images they come from, and each
//! tile gives the activation cells of its core (cells nearer its inner edges than the margin
//! come from the neighbouring tile), so the stitched map equals the whole image's map.

use std::collections::BTreeMap;

use ndarray::{Array2, Array4, ArrayView3, Axis, s};

use crate::error::{Error, Result};
use crate::model::{Model, Prediction, check_finite, map_prediction};

/// Input pixels scored in one forward pass at most (8 tiles of 512²): bounds the activations'
/// memory on a CPU; a GPU batch of small tiles still holds many.
const PIXELS_PER_PASS: usize = 8 * 512 * 512;

/// One tile along one axis: where it starts, its length, and the part of the axis whose cells
/// it gives (`core.0..core.1`), all in input pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub len: usize,
    pub core: (usize, usize),
}

/// Tiles along an axis of `len` pixels: one when it fits in `tile`; else tiles of `tile`
/// stepping by `tile - 2 * margin` (the last one flush with the end). All values stay multiples
/// of the stride when `len`, `tile` and `margin` are.
pub(crate) fn spans(len: usize, tile: usize, margin: usize) -> Vec<Span> {
    if len <= tile {
        return vec![Span {
            start: 0,
            len,
            core: (0, len),
        }];
    }
    let step = tile.saturating_sub(2 * margin).max(1);
    let mut out: Vec<Span> = Vec::new();
    let mut start = 0;
    loop {
        let last = start + tile >= len;
        let lo = out.last().map_or(0, |p| p.core.1);
        let hi = if last { len } else { start + tile - margin };
        out.push(Span {
            start,
            len: tile,
            core: (lo, hi),
        });
        if last {
            return out;
        }
        start = (start + step).min(len - tile);
    }
}

struct Tile {
    image: usize,
    rows: Span,
    cols: Span,
}

impl Model {
    /// Scores preprocessed inputs of any size, `[in_channels, h, w]` each. A spacing model
    /// (config.json's `preprocess.spacing`) scores each input whole, tiled as the plan says,
    /// and pools the stitched map with the maximum; h and w must be multiples of the
    /// network's stride. A square-input model takes `[in_channels, size, size]` inputs and
    /// scores them as [`Model::predict`].
    ///
    /// # Errors
    /// A wrongly shaped or non-finite input, or a backend failure.
    pub fn predict_images(&self, inputs: &[ArrayView3<f32>]) -> Result<Vec<Prediction>> {
        self.one_head()?;
        self.predict_images_in_groups(inputs, &[])
    }

    /// [`Model::predict_images`] with each input's modality group (radscreen-imaging's
    /// `InputKind::group`: 0 CT, 1 MR, 2 radiographs and the rest), which a model with one
    /// output head per group (`net.heads` in config.json) reads its maps by; a one-head model
    /// scores as `predict_images` whatever the groups say.
    ///
    /// # Errors
    /// As [`Model::predict_images`], and `groups` not one per input for a many-head model.
    pub fn predict_images_in_groups(
        &self,
        inputs: &[ArrayView3<f32>],
        groups: &[usize],
    ) -> Result<Vec<Prediction>> {
        if self.config().net.heads > 1 && groups.len() != inputs.len() {
            return Err(Error::InvalidInput(format!(
                "{} modality groups for {} inputs",
                groups.len(),
                inputs.len()
            )));
        }
        let Some(plan) = self.config().preprocess.spacing.clone() else {
            if inputs.is_empty() {
                return Ok(Vec::new());
            }
            let batch = ndarray::stack(Axis(0), inputs)
                .map_err(|e| Error::InvalidInput(format!("inputs differ in shape: {e}")))?;
            return self.predict_owned_in_groups(batch, groups);
        };
        let stride = self.config().net.stride();
        let channels = self.config().net.in_channels;
        for x in inputs {
            let (c, h, w) = x.dim();
            if c != channels || h == 0 || w == 0 || h % stride != 0 || w % stride != 0 {
                return Err(Error::InvalidInput(format!(
                    "expected [{channels}, h, w] with h and w positive multiples of {stride}, \
                     got [{c}, {h}, {w}]"
                )));
            }
            check_finite(x.view().insert_axis(Axis(0)))?;
        }
        let findings = self.config().net.findings;
        let mut maps: Vec<Array2<f32>> = inputs
            .iter()
            .map(|x| {
                let (_, h, w) = x.dim();
                Array2::zeros((findings, (h / stride) * (w / stride)))
            })
            .collect();
        // tiles grouped by shape: one forward pass per shape (and per memory budget)
        let mut by_shape: BTreeMap<(usize, usize), Vec<Tile>> = BTreeMap::new();
        for (image, x) in inputs.iter().enumerate() {
            let (_, h, w) = x.dim();
            for rows in spans(h, plan.tile, plan.margin) {
                for cols in spans(w, plan.tile, plan.margin) {
                    by_shape
                        .entry((rows.len, cols.len))
                        .or_default()
                        .push(Tile { image, rows, cols });
                }
            }
        }
        for ((th, tw), tiles) in by_shape {
            let per_pass = (PIXELS_PER_PASS / (th * tw)).max(1);
            for chunk in tiles.chunks(per_pass) {
                let mut batch = Array4::<f32>::zeros((chunk.len(), channels, th, tw));
                for (k, t) in chunk.iter().enumerate() {
                    batch
                        .index_axis_mut(Axis(0), k)
                        .assign(&inputs[t.image].slice(s![
                            ..,
                            t.rows.start..t.rows.start + th,
                            t.cols.start..t.cols.start + tw
                        ]));
                }
                let (tile_maps, (mh, mw)) = self.logit_maps(batch)?;
                let outputs = self.config().net.outputs();
                if tile_maps.len() != chunk.len()
                    || mh * stride != th
                    || mw * stride != tw
                    || tile_maps.iter().any(|m| m.nrows() != outputs)
                {
                    return Err(Error::Internal(format!(
                        "a {th}×{tw} tile gave a {mh}×{mw} map at stride {stride}"
                    )));
                }
                for (t, m) in chunk.iter().zip(tile_maps) {
                    let (_, _, w) = inputs[t.image].dim();
                    let head = self
                        .head_rows(groups.get(t.image).copied().unwrap_or(0))
                        .start;
                    let out_w = w / stride;
                    let out = &mut maps[t.image];
                    for r in t.rows.core.0 / stride..t.rows.core.1 / stride {
                        let tr = r - t.rows.start / stride;
                        for c in t.cols.core.0 / stride..t.cols.core.1 / stride {
                            let tc = c - t.cols.start / stride;
                            for f in 0..findings {
                                out[[f, r * out_w + c]] = m[[head + f, tr * mw + tc]];
                            }
                        }
                    }
                }
            }
        }
        Ok(maps
            .into_iter()
            .zip(inputs)
            .map(|(m, x)| {
                let (_, h, w) = x.dim();
                map_prediction(m, (h / stride, w / stride), self.pooling())
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModelConfig;
    use crate::net::NetConfig;
    use burn::module::Module;
    use burn::tensor::Device;
    use radscreen_imaging::preprocess::{Preprocess, SpacingPlan};

    fn model(tile: usize, native: bool) -> Model {
        model_with(NetConfig::default(), tile, native)
    }

    fn model_with(netc: NetConfig, tile: usize, native: bool) -> Model {
        let device = Device::flex();
        let net = netc.init(&device, 5).valid();
        let pre = Preprocess::new()
            .with_size(128)
            .with_spacing(Some(SpacingPlan::new().with_tile(tile, 48)));
        let mut m = Model::from_parts(net, ModelConfig::new("t", netc, pre), device);
        m.use_native_cpu(native).unwrap();
        m
    }

    /// A model with one head per modality group scores each image, tiled, with the maps of
    /// its group's head: the maps training reads (`Net::forward_heads`, whole image on burn).
    #[test]
    fn group_heads_score_each_image_with_its_groups_maps() {
        let netc = NetConfig::default().with_heads(3);
        let a = crate::model::random_batch(1, 312, 3);
        let x = a.slice(s![0, .., ..200, ..]).to_owned();
        let device = Device::flex();
        let net = netc.init(&device, 5);
        let input = burn::tensor::Tensor::<4>::from_data(
            burn::tensor::TensorData::new(
                x.iter().copied().collect::<Vec<f32>>(),
                [1, 3, 200, 312],
            ),
            &device,
        );
        for native in [true, false] {
            let m = model_with(netc.clone(), 128, native);
            assert!(m.predict_images(&[x.view()]).is_err(), "a group is needed");
            assert!(m.predict_images_in_groups(&[x.view()], &[0, 1]).is_err());
            let p = m
                .predict_images_in_groups(&[x.view(), x.view(), x.view()], &[2, 0, 1])
                .unwrap();
            for (pred, g) in p.iter().zip([2, 0, 1]) {
                let cam = net.forward_heads(input.clone(), &[g], &netc).cam;
                let cam = crate::io::read_f32(burn::tensor::activation::sigmoid(cam)).unwrap();
                assert_eq!(pred.cam.len(), cam.len());
                let diff = pred
                    .cam
                    .iter()
                    .zip(&cam)
                    .map(|(p, q)| (p - q).abs())
                    .fold(0.0f32, f32::max);
                assert!(
                    diff < 1e-4,
                    "native {native}, group {g}: maps differ by {diff}"
                );
            }
            // the heads are distinct: each group's maps are its own
            let d = (&p[0].cam - &p[1].cam).mapv(f32::abs).sum();
            assert!(d > 1e-2, "groups 2 and 0 scored alike ({d})");
            // a square batch without groups (what `radscreen bench` times) reads group 0's head
            let sq = a.slice(s![.., .., ..128, ..128]).to_owned();
            let owned = m.predict_owned_in_groups(sq.clone(), &[]);
            let grouped = m.predict_images_in_groups(&[sq.slice(s![0, .., .., ..])], &[0]);
            let (owned, grouped) = (owned.unwrap(), grouped.unwrap());
            let diff = (&owned[0].cam - &grouped[0].cam).mapv(f32::abs).sum();
            assert!(
                diff < 1e-3,
                "native {native}: square batch vs group 0 differ by {diff}"
            );
        }
    }

    #[test]
    fn tiled_maps_equal_whole_image_maps() {
        let a = crate::model::random_batch(1, 312, 3);
        let x = a.slice(s![0, .., ..200, ..]).to_owned();
        let y = a.slice(s![0, .., ..96, ..48]).to_owned();
        for native in [true, false] {
            let whole = model(1024, native)
                .predict_images(&[x.view(), y.view()])
                .unwrap();
            let tiled = model(128, native)
                .predict_images(&[y.view(), x.view()])
                .unwrap();
            assert_eq!(whole[0].cam.dim(), (2, 25, 39));
            for (w, t) in [(&whole[0], &tiled[1]), (&whole[1], &tiled[0])] {
                let diff = (&w.cam - &t.cam)
                    .mapv(f32::abs)
                    .fold(0.0f32, |a, &b| a.max(b));
                assert!(diff < 1e-5, "native {native}: tiled map differs by {diff}");
                for (p, q) in w.probabilities.iter().zip(&t.probabilities) {
                    assert!((p - q).abs() < 1e-5);
                }
            }
            // the image score is the map's maximum
            let peak = whole[0]
                .cam
                .index_axis(Axis(0), 0)
                .fold(0.0f32, |a, &b| a.max(b));
            assert!((whole[0].probabilities[0] - peak).abs() < 1e-6);
        }
    }

    #[test]
    fn bad_inputs_are_refused() {
        let m = model(128, true);
        let odd = ndarray::Array3::<f32>::zeros((3, 20, 16));
        assert!(m.predict_images(&[odd.view()]).is_err());
        let mut nan = ndarray::Array3::<f32>::zeros((3, 16, 16));
        nan[[1, 2, 3]] = f32::NAN;
        assert!(m.predict_images(&[nan.view()]).is_err());
        assert!(m.predict_images(&[]).unwrap().is_empty());
    }

    #[test]
    fn spans_cover_the_axis_once_with_cores_away_from_inner_edges() {
        for len in (8..=1200).step_by(8) {
            let sp = spans(len, 256, 48);
            assert_eq!(sp.first().map(|s| s.core.0), Some(0));
            assert_eq!(sp.last().map(|s| s.core.1), Some(len));
            for (i, s) in sp.iter().enumerate() {
                assert!(s.start + s.len <= len && s.start % 8 == 0);
                assert!(s.core.0 < s.core.1, "{len}: empty core {s:?}");
                if i > 0 {
                    assert_eq!(s.core.0, sp[i - 1].core.1);
                    assert!(s.core.0 >= s.start + 48, "{len}: {s:?}");
                }
                if i + 1 < sp.len() {
                    assert!(s.core.1 + 48 <= s.start + s.len, "{len}: {s:?}");
                }
            }
        }
    }
}
