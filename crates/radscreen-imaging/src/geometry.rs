//! Where an image sits in the model input, and how its values are read: shared by both
//! geometry contracts (the square fit in `preprocess`, the fixed pixel size in `spacing`).

use ndarray::{Array2, ArrayView2};

/// How the model sees an image's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputKind {
    /// Hounsfield units (the modality stage of a CT image).
    Ct,
    /// MR values in arbitrary units (the modality stage).
    Mr,
    /// Display values in 0..1 (radiographs, and the fallback for other modalities).
    Display,
}

impl InputKind {
    /// Names of the modality groups, indexed by [`InputKind::group`]: a model may keep a
    /// threshold per finding and group (config.json keys `finding@GROUP`).
    pub const GROUPS: [&'static str; 3] = ["CT", "MR", "radiograph"];

    /// The modality group: 0 CT, 1 MR, 2 radiographs (and anything else on the display stage).
    pub fn group(self) -> usize {
        match self {
            InputKind::Ct => 0,
            InputKind::Mr => 1,
            InputKind::Display => 2,
        }
    }

    /// The kind for a DICOM Modality value.
    pub fn for_modality(modality: Option<&str>) -> Self {
        match modality {
            Some("CT") => InputKind::Ct,
            Some("MR") => InputKind::Mr,
            _ => InputKind::Display,
        }
    }
}

/// Where the resized image sits in the square input.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Transform {
    /// Height of the source image, in pixels.
    pub src_rows: usize,
    /// Width of the source image, in pixels.
    pub src_cols: usize,
    /// Input pixels per source pixel.
    pub scale: f64,
    /// Zero rows above the resized image.
    pub pad_top: usize,
    /// Zero columns left of the resized image.
    pub pad_left: usize,
    /// Height of the resized image, in input pixels.
    pub rows: usize,
    /// Width of the resized image, in input pixels.
    pub cols: usize,
    /// Side of the square input, in pixels (the longer input side for a spacing model).
    pub size: usize,
    /// Rows of the model input (`size` for a square input).
    pub in_rows: usize,
    /// Columns of the model input (`size` for a square input).
    pub in_cols: usize,
}

impl Transform {
    /// The transform that fits `src_rows x src_cols` into a `size` square.
    pub fn fit(src_rows: usize, src_cols: usize, size: usize) -> Self {
        let scale = size as f64 / src_rows.max(src_cols).max(1) as f64;
        let rows = ((src_rows as f64 * scale).round() as usize).clamp(1, size);
        let cols = ((src_cols as f64 * scale).round() as usize).clamp(1, size);
        Transform {
            src_rows,
            src_cols,
            scale,
            pad_top: (size - rows) / 2,
            pad_left: (size - cols) / 2,
            rows,
            cols,
            size,
            in_rows: size,
            in_cols: size,
        }
    }

    /// Input coordinates (pixel centres) of a source position.
    pub fn to_input(&self, row: f64, col: f64) -> (f64, f64) {
        (
            (row + 0.5) * self.rows as f64 / self.src_rows as f64 - 0.5 + self.pad_top as f64,
            (col + 0.5) * self.cols as f64 / self.src_cols as f64 - 0.5 + self.pad_left as f64,
        )
    }

    /// Source coordinates of an input position.
    pub fn to_source(&self, row: f64, col: f64) -> (f64, f64) {
        (
            (row - self.pad_top as f64 + 0.5) * self.src_rows as f64 / self.rows as f64 - 0.5,
            (col - self.pad_left as f64 + 0.5) * self.src_cols as f64 / self.cols as f64 - 0.5,
        )
    }

    /// A map over the input (a heatmap, `[in_rows, in_cols]`) resampled onto the source pixels.
    pub fn map_to_source(&self, map: ArrayView2<f32>) -> Array2<f32> {
        Array2::from_shape_fn((self.src_rows, self.src_cols), |(r, c)| {
            let (y, x) = self.to_input(r as f64, c as f64);
            bilinear(map, y, x)
        })
    }
}

/// Bilinear sample at (`y`, `x`), clamped to the image's edge pixels.
pub fn bilinear(img: ArrayView2<f32>, y: f64, x: f64) -> f32 {
    let (h, w) = img.dim();
    let y = y.clamp(0.0, (h - 1) as f64);
    let x = x.clamp(0.0, (w - 1) as f64);
    let (y0, x0) = (y.floor() as usize, x.floor() as usize);
    let (y1, x1) = ((y0 + 1).min(h - 1), (x0 + 1).min(w - 1));
    let (fy, fx) = ((y - y0 as f64) as f32, (x - x0 as f64) as f32);
    let top = img[(y0, x0)] * (1.0 - fx) + img[(y0, x1)] * fx;
    let bottom = img[(y1, x0)] * (1.0 - fx) + img[(y1, x1)] * fx;
    top * (1.0 - fy) + bottom * fy
}
