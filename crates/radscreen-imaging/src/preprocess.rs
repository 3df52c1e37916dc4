//! The model's input contract: modality-aware channels at a fixed size, with the geometric
//! transform recorded so that heatmaps map back onto the original pixels.
//!
//! - CT: three windows of Hounsfield units as channels (soft tissue, bone, lung).
//! - MR: robust percentile normalisation (1st..99th percentile to 0..1), in every channel.
//! - Radiographs and anything else: the display stage (VOI, MONOCHROME1 handled), in every
//!   channel.
//!
//! A model without a spacing plan (v2) has every image resized preserving its aspect ratio
//! (area averaging when shrinking, bilinear when enlarging) and centred on a zero-padded
//! square. A model with one (`Preprocess::spacing`, v3) has every image resampled to a fixed
//! pixel size in mm per modality and padded to a multiple of the network's stride: inputs then
//! differ in size and are scored tile by tile (radscreen-model).

use ndarray::{Array2, Array3, ArrayView2, ArrayViewMut2, Axis};

pub use crate::context::{ContextNote, ContextPlan, SliceContext, alone, series_context, stack};
pub use crate::geometry::{InputKind, Transform, bilinear};
pub use crate::spacing::SpacingPlan;

/// A window in modality units, mapped linearly to 0..1 (clamped). Saved in a model's
/// config.json as `[center, width]`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(from = "(f32, f32)", into = "(f32, f32)")]
pub struct Window {
    /// Centre of the window, in modality units (HU for CT).
    pub center: f32,
    /// Width of the window, in modality units.
    pub width: f32,
}

impl From<(f32, f32)> for Window {
    fn from((center, width): (f32, f32)) -> Self {
        Window { center, width }
    }
}

impl From<Window> for (f32, f32) {
    fn from(w: Window) -> Self {
        (w.center, w.width)
    }
}

impl Window {
    fn apply(&self, x: f32) -> f32 {
        ((x - (self.center - self.width / 2.0)) / self.width).clamp(0.0, 1.0)
    }
}

/// Preprocessing parameters, saved with a model (config.json's `preprocess`) so that inference
/// prepares images exactly as training did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Preprocess {
    /// Side of the square input, in pixels.
    pub size: usize,
    /// CT windows, one channel each.
    pub ct_windows: [Window; 3],
    /// MR normalisation percentiles (low, high), in 0..100.
    pub mr_percentiles: (f32, f32),
    /// Resample to a fixed physical pixel size instead of fitting a square of `size` (absent in
    /// the config.json of models made before it: they fit the square).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spacing: Option<SpacingPlan>,
    /// 2.5-D: neighbouring CT/MR slices of the series as extra channel groups (absent: one
    /// slice, [`CHANNELS`] channels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<ContextPlan>,
}

impl Default for Preprocess {
    fn default() -> Self {
        Preprocess {
            size: 256,
            ct_windows: [
                Window {
                    center: 40.0,
                    width: 400.0,
                }, // soft tissue
                Window {
                    center: 400.0,
                    width: 1800.0,
                }, // bone
                Window {
                    center: -600.0,
                    width: 1500.0,
                }, // lung
            ],
            mr_percentiles: (1.0, 99.0),
            spacing: None,
            context: None,
        }
    }
}

/// Channels of the model input.
pub const CHANNELS: usize = 3;

/// The model input of one image.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Prepared {
    /// `[CHANNELS, size, size]`, values in 0..1.
    pub input: Array3<f32>,
    /// Where the image sits in `input`, to map results back onto the source.
    pub transform: Transform,
    /// How the values were read (and so the modality group).
    pub kind: InputKind,
    /// The file stated no pixel size and the plan's assumption for its modality was used
    /// (only with a spacing plan).
    pub assumed_spacing: bool,
}

impl Preprocess {
    /// The defaults (256 px; CT soft tissue, bone, lung windows; MR 1st..99th percentile).
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the input size.
    pub fn with_size(mut self, size: usize) -> Self {
        self.size = size.max(8);
        self
    }

    /// Resamples to a fixed physical pixel size (`Some`) or fits the square (`None`).
    pub fn with_spacing(mut self, plan: Option<SpacingPlan>) -> Self {
        self.spacing = plan;
        self
    }

    /// Takes neighbouring slices as extra channels (`Some`) or one slice (`None`).
    pub fn with_context(mut self, plan: Option<ContextPlan>) -> Self {
        self.context = plan;
        self
    }

    /// Channels of the model input: [`CHANNELS`] per slice the model sees.
    pub fn input_channels(&self) -> usize {
        CHANNELS * self.context.as_ref().map_or(1, ContextPlan::depth)
    }

    /// Prepares one image (`[rows, cols]` values of the stage `kind` expects) by fitting the
    /// square of `size`: the v2 contract. A spacing model prepares with
    /// [`Preprocess::apply_at`].
    pub fn apply(&self, kind: InputKind, image: ArrayView2<f32>) -> Prepared {
        let (rows, cols) = image.dim();
        self.prepare(kind, image, Transform::fit(rows, cols, self.size), false)
    }

    /// Prepares one image whose pixels are `spacing_mm` (row, column) apart at the patient:
    /// resampled to the plan's pixel size for `kind` when the model has a spacing plan (a
    /// missing spacing takes the plan's assumption, and [`Prepared::assumed_spacing`] says
    /// so), else as [`Preprocess::apply`].
    pub fn apply_at(
        &self,
        kind: InputKind,
        image: ArrayView2<f32>,
        spacing_mm: Option<[f64; 2]>,
    ) -> Prepared {
        let Some(plan) = &self.spacing else {
            return self.apply(kind, image);
        };
        let (rows, cols) = image.dim();
        let (t, assumed) = plan.transform(kind, rows, cols, spacing_mm);
        self.prepare(kind, image, t, assumed)
    }

    fn prepare(
        &self,
        kind: InputKind,
        image: ArrayView2<f32>,
        t: Transform,
        assumed_spacing: bool,
    ) -> Prepared {
        let (rows, cols) = image.dim();
        // Non-finite values (corrupt files) become the background instead of poisoning the model.
        let clean = image.mapv(|v| if v.is_finite() { v } else { 0.0 });
        let resized =
            ((rows, cols) != (t.rows, t.cols)).then(|| resize(clean.view(), t.rows, t.cols));
        let src = resized.as_ref().map_or(clean.view(), |r| r.view());
        // Each channel is written straight into its place in the padded input: no per-channel
        // arrays (they were about half of preprocessing's time).
        let mut input = Array3::<f32>::zeros((CHANNELS, t.in_rows, t.in_cols));
        let region = ndarray::s![
            t.pad_top..t.pad_top + t.rows,
            t.pad_left..t.pad_left + t.cols
        ];
        match kind {
            InputKind::Ct => {
                for (k, w) in self.ct_windows.iter().enumerate() {
                    fill(channel(&mut input, k, region), src, |x| w.apply(x));
                }
            }
            InputKind::Mr => {
                let (lo, hi) = percentile_pair(&clean, self.mr_percentiles);
                fill(channel(&mut input, 0, region), src, |x| {
                    if hi > lo {
                        ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
                    } else {
                        0.0
                    }
                });
            }
            InputKind::Display => fill(channel(&mut input, 0, region), src, |x| x.clamp(0.0, 1.0)),
        }
        if kind != InputKind::Ct {
            // grey images: the same values in every channel
            let (first, mut rest) = input.view_mut().split_at(Axis(0), 1);
            for mut ch in rest.outer_iter_mut() {
                ch.assign(&first.index_axis(Axis(0), 0));
            }
        }
        Prepared {
            input,
            transform: t,
            kind,
            assumed_spacing,
        }
    }
}

fn channel<'a>(
    input: &'a mut Array3<f32>,
    k: usize,
    region: ndarray::SliceInfo<[ndarray::SliceInfoElem; 2], ndarray::Ix2, ndarray::Ix2>,
) -> ArrayViewMut2<'a, f32> {
    input.index_axis_mut(Axis(0), k).slice_move(region)
}

/// `dst = f(src)` element by element (generic, so that the loop is compiled per function).
fn fill(mut dst: ArrayViewMut2<f32>, src: ArrayView2<f32>, f: impl Fn(f32) -> f32) {
    dst.zip_mut_with(&src, |o, &x| *o = f(x));
}

/// The p-th percentile (0..100), linear between order statistics as numpy's default.
pub fn percentile(values: &Array2<f32>, p: f32) -> f32 {
    percentile_in(&mut finite(values), p)
}

/// Two percentiles from one copy of the values (exactly [`percentile`]'s values): the second
/// selection only searches the part of the slice the first left above its rank.
pub fn percentile_pair(values: &Array2<f32>, (p, q): (f32, f32)) -> (f32, f32) {
    let mut v = finite(values);
    let (kp, kq) = (rank(v.len(), p).0, rank(v.len(), q).0);
    let a = percentile_in(&mut v, p);
    if kq < kp {
        return (a, percentile_in(&mut v, q));
    }
    // v[..kp] now holds the kp smallest values, so rank kq lies in v[kp..]
    let b = percentile_in_from(&mut v, kp, q);
    (a, b)
}

fn finite(values: &Array2<f32>) -> Vec<f32> {
    values.iter().copied().filter(|x| x.is_finite()).collect()
}

/// The order statistic below the p-th percentile of `len` values, and the fraction to the next.
fn rank(len: usize, p: f32) -> (usize, f32) {
    let pos = (p.clamp(0.0, 100.0) as f64 / 100.0) * len.saturating_sub(1) as f64;
    (pos.floor() as usize, (pos - pos.floor()) as f32)
}

fn percentile_in(v: &mut [f32], p: f32) -> f32 {
    percentile_in_from(v, 0, p)
}

/// The p-th percentile of `v`, searching only `v[from..]` (every value before `from` must be
/// at most every value after it, and the rank must not be below `from`).
fn percentile_in_from(v: &mut [f32], from: usize, p: f32) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    let (k, frac) = rank(v.len(), p);
    let tail = &mut v[from.min(k)..];
    let (_, a, rest) = tail.select_nth_unstable_by(k - from.min(k), f32::total_cmp);
    let a = *a;
    if frac == 0.0 || rest.is_empty() {
        return a;
    }
    let b = rest.iter().copied().fold(f32::INFINITY, f32::min);
    a + (b - a) * frac
}

/// Resizes: area averaging where shrinking (no aliasing of noise and thin bone edges),
/// bilinear where enlarging.
pub fn resize(img: ArrayView2<f32>, rows: usize, cols: usize) -> Array2<f32> {
    let (h, w) = img.dim();
    if (h, w) == (rows, cols) {
        return img.to_owned();
    }
    if h == 0 || w == 0 {
        return Array2::zeros((rows, cols));
    }
    if rows > h || cols > w {
        return bilinear_resize(img, rows, cols);
    }
    // Separable area average: rows first, then columns.
    let tmp = area_axis(img, rows, Axis(0));
    area_axis(tmp.view(), cols, Axis(1))
}

/// [`bilinear`] at every output pixel centre ((i + 0.5) × scale − 0.5), separably: each output
/// row's and column's taps are computed once instead of per pixel (same arithmetic, same
/// values). Heatmaps of every flagged frame are enlarged through this.
fn bilinear_resize(img: ArrayView2<f32>, rows: usize, cols: usize) -> Array2<f32> {
    let (h, w) = img.dim();
    let taps = |n: usize, len: usize| -> Vec<(usize, usize, f32)> {
        (0..n)
            .map(|i| {
                let v =
                    ((i as f64 + 0.5) * len as f64 / n as f64 - 0.5).clamp(0.0, (len - 1) as f64);
                let lo = v.floor() as usize;
                (lo, (lo + 1).min(len - 1), (v - lo as f64) as f32)
            })
            .collect()
    };
    let (ys, xs) = (taps(rows, h), taps(cols, w));
    // Each source row blended across once (the values `top` and `bottom` would be), then the
    // output rows from pairs of those.
    let mut across = Array2::<f32>::zeros((h, cols));
    for (src, mut dst) in img.outer_iter().zip(across.outer_iter_mut()) {
        for (d, &(x0, x1, fx)) in dst.iter_mut().zip(&xs) {
            *d = src[x0] * (1.0 - fx) + src[x1] * fx;
        }
    }
    let mut out = Array2::<f32>::zeros((rows, cols));
    for (mut dst, &(y0, y1, fy)) in out.outer_iter_mut().zip(&ys) {
        let (top, bottom) = (across.row(y0), across.row(y1));
        for ((d, &t), &b) in dst.iter_mut().zip(top.iter()).zip(bottom.iter()) {
            *d = t * (1.0 - fy) + b * fy;
        }
    }
    out
}

fn area_axis(img: ArrayView2<f32>, n: usize, axis: Axis) -> Array2<f32> {
    let len = img.len_of(axis);
    let ratio = len as f64 / n as f64;
    let mut shape = [img.nrows(), img.ncols()];
    shape[axis.index()] = n;
    let mut out = Array2::<f32>::zeros((shape[0], shape[1]));
    for i in 0..n {
        let (a, b) = (i as f64 * ratio, (i + 1) as f64 * ratio);
        let mut acc = out.index_axis(axis, i).to_owned() * 0.0;
        let mut j = a.floor() as usize;
        while (j as f64) < b && j < len {
            let wgt = ((j + 1) as f64).min(b) - (j as f64).max(a);
            acc.scaled_add(wgt as f32, &img.index_axis(axis, j));
            j += 1;
        }
        out.index_axis_mut(axis, i).assign(&(acc / ratio as f32));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transform_round_trips_and_centres() {
        let t = Transform::fit(512, 256, 256);
        assert_eq!((t.rows, t.cols, t.pad_top, t.pad_left), (256, 128, 0, 64));
        for (r, c) in [(0.0, 0.0), (511.0, 255.0), (100.5, 17.25)] {
            let (y, x) = t.to_input(r, c);
            let (r2, c2) = t.to_source(y, x);
            assert!((r - r2).abs() < 1e-9 && (c - c2).abs() < 1e-9);
        }
    }

    #[test]
    fn area_resize_keeps_the_mean_and_heatmaps_map_back() {
        let img = Array2::from_shape_fn((300, 200), |(r, c)| (r * 3 + c) as f32);
        let small = resize(img.view(), 150, 100);
        assert!((small.mean().unwrap() - img.mean().unwrap()).abs() < 1e-2);
        assert_eq!(small[(0, 0)], (0.0 + 1.0 + 3.0 + 4.0) / 4.0);
        // A hot spot in the input lands on the matching source pixel.
        let p = Preprocess::new().with_size(64);
        let prep = p.apply(InputKind::Display, Array2::<f32>::zeros((128, 64)).view());
        let mut heat = Array2::<f32>::zeros((64, 64));
        let (y, x) = prep.transform.to_input(100.0, 40.0);
        heat[(y.round() as usize, x.round() as usize)] = 1.0;
        let back = prep.transform.map_to_source(heat.view());
        let (mut best, mut at) = (0.0, (0, 0));
        for ((r, c), &v) in back.indexed_iter() {
            if v > best {
                (best, at) = (v, (r, c));
            }
        }
        assert!(
            (at.0 as i64 - 100).abs() <= 1 && (at.1 as i64 - 40).abs() <= 1,
            "{at:?}"
        );
    }

    #[test]
    fn ct_channels_are_windows_and_padding_is_zero() {
        let hu = Array2::from_elem((100, 50), 40.0f32); // soft tissue centre
        let prep = Preprocess::new()
            .with_size(32)
            .apply(InputKind::Ct, hu.view());
        let t = prep.transform;
        assert_eq!((t.rows, t.cols), (32, 16));
        assert!((prep.input[(0, 10, 10)] - 0.5).abs() < 1e-6);
        assert!((prep.input[(1, 10, 10)] - (40.0 - (400.0 - 900.0)) / 1800.0).abs() < 1e-6);
        assert_eq!(prep.input[(0, 10, 0)], 0.0); // left padding
    }

    #[test]
    fn enlarging_matches_pointwise_bilinear() {
        let cam = Array2::from_shape_fn((8, 8), |(r, c)| ((r * 8 + c) % 13) as f32 / 13.0);
        for (rows, cols) in [(128, 128), (100, 128), (128, 57), (128, 5)] {
            let up = resize(cam.view(), rows, cols);
            for r in 0..rows {
                for c in 0..cols {
                    let y = (r as f64 + 0.5) * 8.0 / rows as f64 - 0.5;
                    let x = (c as f64 + 0.5) * 8.0 / cols as f64 - 0.5;
                    let want = bilinear(cam.view(), y, x);
                    assert_eq!(up[[r, c]], want, "({r},{c})");
                }
            }
        }
    }

    /// The input as the plain formulation builds it: each channel its own array, placed into
    /// the zero-padded input; both MR percentiles computed independently.
    fn reference_input(p: &Preprocess, kind: InputKind, image: ArrayView2<f32>) -> Array3<f32> {
        let t = Transform::fit(image.nrows(), image.ncols(), p.size);
        let clean = image.mapv(|v| if v.is_finite() { v } else { 0.0 });
        let r = resize(clean.view(), t.rows, t.cols);
        let chans: Vec<Array2<f32>> = match kind {
            InputKind::Ct => p
                .ct_windows
                .iter()
                .map(|w| r.mapv(|x| w.apply(x)))
                .collect(),
            InputKind::Mr => {
                let (lo, hi) = (
                    percentile(&clean, p.mr_percentiles.0),
                    percentile(&clean, p.mr_percentiles.1),
                );
                let n = r.mapv(|x| {
                    if hi > lo {
                        ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
                    } else {
                        0.0
                    }
                });
                vec![n.clone(), n.clone(), n]
            }
            InputKind::Display => vec![r.mapv(|x| x.clamp(0.0, 1.0)); 3],
        };
        let mut input = Array3::<f32>::zeros((CHANNELS, p.size, p.size));
        for (k, ch) in chans.iter().enumerate() {
            input
                .index_axis_mut(Axis(0), k)
                .slice_mut(ndarray::s![
                    t.pad_top..t.pad_top + t.rows,
                    t.pad_left..t.pad_left + t.cols
                ])
                .assign(ch);
        }
        input
    }

    #[test]
    fn apply_equals_the_plain_formulation() {
        let mut seed = 7u64;
        let mut noise = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 40) as f32 / (1u64 << 24) as f32
        };
        let p = Preprocess::new().with_size(64);
        // same size, shrunk, enlarged, non-square (padding), and non-finite values
        for (rows, cols) in [(64, 64), (200, 130), (40, 50), (64, 23)] {
            let mut img = Array2::from_shape_fn((rows, cols), |_| noise() * 3000.0 - 1000.0);
            img[(1, 2)] = f32::NAN;
            img[(rows - 1, 0)] = f32::INFINITY;
            for kind in [InputKind::Ct, InputKind::Mr, InputKind::Display] {
                let want = reference_input(&p, kind, img.view());
                let got = p.apply(kind, img.view()).input;
                assert_eq!(got, want, "{kind:?} {rows}x{cols}");
            }
        }
    }

    #[test]
    fn percentile_pair_equals_two_percentiles() {
        let a = Array2::from_shape_fn((37, 29), |(r, c)| ((r * 7919 + c * 104729) % 1013) as f32);
        for pq in [
            (1.0, 99.0),
            (0.0, 100.0),
            (50.0, 50.0),
            (99.0, 1.0),
            (2.5, 97.5),
            (30.0, 30.1),
        ] {
            let want = (percentile(&a, pq.0), percentile(&a, pq.1));
            assert_eq!(percentile_pair(&a, pq), want, "{pq:?}");
        }
        let empty = Array2::<f32>::from_elem((2, 2), f32::NAN);
        assert_eq!(percentile_pair(&empty, (1.0, 99.0)), (0.0, 0.0));
    }

    #[test]
    fn percentile_matches_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4], 25) == 1.75
        let a = Array2::from_shape_vec((2, 2), vec![4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!(percentile(&a, 25.0), 1.75);
        assert_eq!(percentile(&a, 100.0), 4.0);
    }

    #[test]
    fn apply_at_fills_the_resampled_region_and_zero_pads() {
        let p = Preprocess {
            spacing: Some(SpacingPlan::default()),
            ..Preprocess::default()
        };
        let img = Array2::from_elem((50, 30), 0.5f32);
        let out = p.apply_at(InputKind::Display, img.view(), Some([0.5, 0.5]));
        assert_eq!(out.input.dim(), (3, 64, 64));
        assert!(!out.assumed_spacing);
        assert_eq!(out.input[[1, 49, 29]], 0.5);
        assert_eq!(out.input[[0, 50, 0]], 0.0);
        assert_eq!(out.input[[2, 0, 30]], 0.0);
        assert_eq!(out.input[[2, 63, 63]], 0.0);
        // without a plan, apply_at is the square fit
        let sq = Preprocess::default().apply_at(InputKind::Display, img.view(), Some([0.5, 0.5]));
        assert_eq!(sq.input.dim(), (3, 256, 256));
    }
}
