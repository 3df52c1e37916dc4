//! A fixed physical pixel size per modality (issue 20): a 10-mm nodule covers the same number
//! of input pixels on a 250-mm head CT as on a 450-mm abdomen, and a fracture gap on a
//! radiograph is not shrunk to a fraction of a pixel by fitting a 2,000² film into a small
//! square. Saved in config.json (`preprocess.spacing`), so inference resamples as training did.

use serde::{Deserialize, Serialize};

use crate::geometry::{InputKind, Transform};

/// Target pixel sizes, the assumptions for files that state none, and how inputs are tiled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SpacingPlan {
    /// Pixel size of a CT input, in mm.
    pub ct_mm: f64,
    /// Pixel size of an MR input, in mm.
    pub mr_mm: f64,
    /// Pixel size of a radiograph (any display-stage input), in mm.
    pub display_mm: f64,
    /// Source pixel size assumed for a CT without Pixel Spacing (a 350-mm field on 512²).
    pub assumed_ct_mm: f64,
    /// Source pixel size assumed for an MR without Pixel Spacing.
    pub assumed_mr_mm: f64,
    /// Source pixel size assumed for a radiograph without any spacing (a typical CR/DX
    /// detector pitch).
    pub assumed_display_mm: f64,
    /// Inputs are padded to a multiple of this (a multiple of the network's total stride): 64
    /// keeps the number of distinct input shapes small, and each new shape costs a GPU
    /// backend a kernel compilation and autotune (seconds; minutes on a software adapter).
    pub multiple: usize,
    /// Longest input side in pixels: a larger image (a mistaken spacing, a long-leg film) is
    /// resampled coarser so that memory stays bounded.
    pub max_side: usize,
    /// Side of a tile in input pixels: larger inputs are scored tile by tile.
    pub tile: usize,
    /// Input pixels at a tile's inner edges whose activation cells are taken from the
    /// neighbouring tile instead (at least half the network's receptive field, so that tiled
    /// and whole-image maps agree).
    pub margin: usize,
}

impl Default for SpacingPlan {
    fn default() -> Self {
        SpacingPlan {
            ct_mm: 0.8,
            mr_mm: 0.8,
            display_mm: 0.5,
            assumed_ct_mm: 0.7,
            assumed_mr_mm: 1.0,
            assumed_display_mm: 0.2,
            multiple: 64,
            max_side: 2048,
            tile: 512,
            margin: 48,
        }
    }
}

impl SpacingPlan {
    /// The defaults: CT and MR at 0.8 mm, radiographs at 0.5 mm; 512-pixel tiles.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the target pixel sizes (CT, MR, radiographs) in mm.
    pub fn with_mm(mut self, ct: f64, mr: f64, display: f64) -> Self {
        (self.ct_mm, self.mr_mm, self.display_mm) = (ct, mr, display);
        self
    }

    /// Sets the multiple inputs are padded to (a multiple of the network's stride).
    pub fn with_multiple(mut self, multiple: usize) -> Self {
        self.multiple = multiple;
        self
    }

    /// Sets the tile side and margin in input pixels.
    pub fn with_tile(mut self, tile: usize, margin: usize) -> Self {
        (self.tile, self.margin) = (tile, margin);
        self
    }

    /// The target pixel size for inputs of `kind`.
    pub fn target_mm(&self, kind: InputKind) -> f64 {
        match kind {
            InputKind::Ct => self.ct_mm,
            InputKind::Mr => self.mr_mm,
            InputKind::Display => self.display_mm,
        }
    }

    /// The source pixel size assumed for `kind` when a file states none.
    pub fn assumed_mm(&self, kind: InputKind) -> f64 {
        match kind {
            InputKind::Ct => self.assumed_ct_mm,
            InputKind::Mr => self.assumed_mr_mm,
            InputKind::Display => self.assumed_display_mm,
        }
    }

    /// Why the plan cannot be used, if it cannot.
    pub fn problem(&self) -> Option<String> {
        let sizes = [
            self.ct_mm,
            self.mr_mm,
            self.display_mm,
            self.assumed_ct_mm,
            self.assumed_mr_mm,
            self.assumed_display_mm,
        ];
        if sizes.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
            return Some("pixel sizes must be positive numbers of mm".into());
        }
        if self.multiple == 0 || !self.tile.is_multiple_of(self.multiple) {
            return Some(format!(
                "tile {} must be a positive multiple of multiple {}",
                self.tile, self.multiple
            ));
        }
        if self.tile <= 2 * self.margin || self.max_side < self.multiple {
            return Some(format!(
                "tile {} must exceed twice the margin {} and max_side {} the multiple",
                self.tile, self.margin, self.max_side
            ));
        }
        None
    }

    /// Where an image of `rows × cols` pixels `spacing_mm` apart lands in the input, and
    /// whether its spacing was assumed. The image sits at the top left; the input is padded
    /// with zeros to a multiple of [`SpacingPlan::multiple`].
    pub fn transform(
        &self,
        kind: InputKind,
        rows: usize,
        cols: usize,
        spacing_mm: Option<[f64; 2]>,
    ) -> (Transform, bool) {
        let usable = spacing_mm.filter(|s| s.iter().all(|v| v.is_finite() && *v > 0.0));
        let assumed = usable.is_none();
        let [sr, sc] = usable.unwrap_or([self.assumed_mm(kind); 2]);
        let target = self.target_mm(kind);
        let (rows, cols) = (rows.max(1), cols.max(1));
        let mut fr = sr / target;
        let mut fc = sc / target;
        let longest = (rows as f64 * fr).max(cols as f64 * fc);
        let cap = self.max_side.max(1) as f64;
        if longest > cap {
            fr *= cap / longest;
            fc *= cap / longest;
        }
        let out_rows = ((rows as f64 * fr).round() as usize).clamp(1, self.max_side.max(1));
        let out_cols = ((cols as f64 * fc).round() as usize).clamp(1, self.max_side.max(1));
        let m = self.multiple.max(1);
        let in_rows = out_rows.div_ceil(m) * m;
        let in_cols = out_cols.div_ceil(m) * m;
        let t = Transform {
            src_rows: rows,
            src_cols: cols,
            // radii scale by the mean of the two axes (they differ only for non-square pixels)
            scale: 0.5 * (out_rows as f64 / rows as f64 + out_cols as f64 / cols as f64),
            pad_top: 0,
            pad_left: 0,
            rows: out_rows,
            cols: out_cols,
            size: in_rows.max(in_cols),
            in_rows,
            in_cols,
        };
        (t, assumed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ct_is_resampled_to_the_plan_and_padded_to_the_stride() {
        let plan = SpacingPlan::default();
        // 512² at 0.7 mm → 448² at 0.8 mm (358.4 mm / 0.8), already a multiple of 64
        let (t, assumed) = plan.transform(InputKind::Ct, 512, 512, Some([0.7, 0.7]));
        assert!(!assumed);
        assert_eq!((t.rows, t.cols), (448, 448));
        assert_eq!((t.in_rows, t.in_cols), (448, 448));
        // a source pixel centre maps through the same scale both ways
        let (r, c) = t.to_input(100.0, 300.0);
        let (sr, sc) = t.to_source(r, c);
        assert!((sr - 100.0).abs() < 1e-9 && (sc - 300.0).abs() < 1e-9);
        // 10 mm is 12.5 input pixels
        assert!((10.0 / 0.7 * t.scale - 12.5).abs() < 1e-9);
    }

    #[test]
    fn missing_or_zero_spacing_is_assumed_and_said() {
        let plan = SpacingPlan::default();
        for s in [None, Some([0.0, 0.0]), Some([f64::NAN, 0.2])] {
            let (t, assumed) = plan.transform(InputKind::Display, 1000, 800, s);
            assert!(assumed);
            // 0.2 mm assumed → 0.5 mm: 400 × 320, padded to 448 × 320
            assert_eq!((t.rows, t.cols, t.in_rows, t.in_cols), (400, 320, 448, 320));
        }
    }

    #[test]
    fn odd_sizes_pad_and_huge_images_are_capped() {
        let plan = SpacingPlan::default();
        let (t, _) = plan.transform(InputKind::Mr, 101, 37, Some([0.8, 0.8]));
        assert_eq!((t.rows, t.cols, t.in_rows, t.in_cols), (101, 37, 128, 64));
        let (t, _) = plan.transform(InputKind::Ct, 512, 256, Some([10.0, 10.0]));
        assert_eq!((t.rows, t.cols), (2048, 1024));
        assert!(t.in_rows <= plan.max_side);
    }

    #[test]
    fn plan_problems_are_named() {
        assert!(SpacingPlan::default().problem().is_none());
        let bad = SpacingPlan {
            tile: 100,
            ..SpacingPlan::default()
        };
        assert!(bad.problem().is_some());
        let bad = SpacingPlan {
            margin: 256,
            ..SpacingPlan::default()
        };
        assert!(bad.problem().is_some());
        let bad = SpacingPlan {
            ct_mm: 0.0,
            ..SpacingPlan::default()
        };
        assert!(bad.problem().is_some());
    }
}
