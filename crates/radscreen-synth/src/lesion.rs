//! Ground-truth records and the tumour model shared by CT and MR: a 3-D lesion whose axial
//! cross-sections are consistent from slice to slice.

use std::f32::consts::TAU;

use crate::raster::Canvas;
use crate::rng::Rng;

/// The kind of finding a lesion record describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finding {
    /// A tumour (CT, MR, chest radiograph nodule).
    Tumor,
    /// A bone fracture (CT, radiographs).
    Fracture,
}

impl Finding {
    /// The finding's name in the CSVs (`tumor` or `fracture`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Tumor => "tumor",
            Self::Fracture => "fracture",
        }
    }
}

/// One finding as it appears in one image (a row of lesions.csv).
#[derive(Clone, Debug, PartialEq)]
pub struct Lesion {
    /// What the lesion is.
    pub finding: Finding,
    /// Centre in pixels (row, column), numbered from 0 at the top-left pixel's centre.
    pub row: f32,
    /// Centre column, in pixels.
    pub col: f32,
    /// Radius of a circle covering the finding in this image, in pixels.
    pub radius_px: f32,
    /// Tumour diameter (3-D) or fractured bone's width, in mm.
    pub size_mm: f32,
    /// Signed intensity change in the image's modality units (HU for CT; see docs).
    pub contrast: f32,
    /// Free text: site, margin, pattern (for example `liver;lobulated;ring`).
    pub detail: String,
}

/// Tumour margin shapes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Margin {
    Round,
    Lobulated { a3: f32, p3: f32, a5: f32, p5: f32 },
    Spiculated { n: u32, phase: f32, reach: f32 },
}

impl Margin {
    pub fn draw(rng: &mut Rng) -> Self {
        match rng.int(0, 2) {
            0 => Self::Round,
            1 => Self::Lobulated {
                a3: rng.range(0.08, 0.2),
                p3: rng.range(0.0, TAU),
                a5: rng.range(0.04, 0.12),
                p5: rng.range(0.0, TAU),
            },
            _ => Self::Spiculated {
                n: rng.int(5, 11),
                phase: rng.range(0.0, TAU),
                reach: rng.range(0.4, 0.9),
            },
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Round => "round",
            Self::Lobulated { .. } => "lobulated",
            Self::Spiculated { .. } => "spiculated",
        }
    }

    /// Radius multiplier at angle `theta`.
    #[inline]
    pub fn profile(&self, theta: f32) -> f32 {
        match *self {
            Self::Round => 1.0,
            Self::Lobulated { a3, p3, a5, p5 } => {
                1.0 + a3 * (3.0 * theta + p3).sin() + a5 * (5.0 * theta + p5).sin()
            }
            Self::Spiculated { n, phase, reach } => {
                let c = (n as f32 * theta + phase).cos().max(0.0);
                1.0 + reach * c.powi(16)
            }
        }
    }

    /// Largest radius multiplier.
    pub fn max(&self) -> f32 {
        match *self {
            Self::Round => 1.0,
            Self::Lobulated { a3, a5, .. } => 1.0 + a3 + a5,
            Self::Spiculated { reach, .. } => 1.0 + reach,
        }
    }
}

/// A tumour in patient space (mm, relative to the image centre and the series' first slice).
#[derive(Clone, Debug)]
pub struct Tumor {
    pub x_mm: f32,
    pub y_mm: f32,
    pub z_mm: f32,
    pub diameter_mm: f32,
    /// Signed contrast in the image's units (negative: hypodense / hypointense).
    pub contrast: f32,
    pub ring: bool,
    /// A solid lesion's own value (image units), replacing the tissue it sits in; `None`
    /// adds `contrast` to the tissue instead (a lung nodule drawn so reads as ground glass).
    pub solid: Option<f32>,
    pub margin: Margin,
    /// Where it sits, for the record (`liver`, `lung`, `brain`...).
    pub site: &'static str,
}

impl Tumor {
    /// Cross-section radius (mm) of the core at height `z_mm`; 0 when the slice misses it.
    pub fn section_mm(&self, z_mm: f32) -> f32 {
        let r = 0.5 * self.diameter_mm;
        let dz = z_mm - self.z_mm;
        if dz.abs() >= r {
            0.0
        } else {
            (r * r - dz * dz).sqrt()
        }
    }

    /// Adds the tumour's cross-section at `z_mm` to `img` (`spacing` mm per pixel) and returns
    /// its record when at least one pixel across.
    pub fn paint(&self, img: &mut Canvas, z_mm: f32, spacing: f32) -> Option<Lesion> {
        let r_px = self.section_mm(z_mm) / spacing;
        if r_px < 1.0 {
            return None;
        }
        let (cx, cy) = (img.cols as f32 / 2.0, img.rows as f32 / 2.0);
        let (x, y) = (cx + self.x_mm / spacing, cy + self.y_mm / spacing);
        let m = self.margin;
        let c = self.contrast;
        let ring = self.ring;
        let reach = r_px * m.max() + 1.5;
        // a soft edge over the outer 15 %
        let core = |d: f32| ((1.0 - d) / 0.15).clamp(0.0, 1.0);
        if let Some(v) = self.solid {
            img.radial_with(
                x,
                y,
                reach,
                |t| r_px * m.profile(t),
                |d, old| old + core(d) * (v - old),
            );
        } else {
            img.radial(
                x,
                y,
                reach,
                |t| r_px * m.profile(t),
                |d| {
                    if ring {
                        // enhancing rim around a necrotic centre
                        core(d) * if d > 0.65 { c.abs() } else { -0.5 * c.abs() }
                    } else {
                        core(d) * c
                    }
                },
            );
        }
        let detail = format!(
            "{};{};{}",
            self.site,
            m.name(),
            if ring {
                "ring"
            } else if self.solid.is_some() {
                "solid"
            } else if c < 0.0 {
                "hypo"
            } else {
                "hyper"
            }
        );
        Some(Lesion {
            finding: Finding::Tumor,
            row: y,
            col: x,
            radius_px: r_px * m.max(),
            size_mm: self.diameter_mm,
            // a ring's record is its enhancing rim (until 2026-12-07 the draw's sign, so half of
            // them read as hypodense)
            contrast: if ring { c.abs() } else { c },
            detail,
        })
    }
}

/// Draws a tumour diameter and contrast magnitude from the option ranges, biased to small and
/// faint lesions (log-uniform), as screening sets are.
pub fn draw_size_contrast(rng: &mut Rng, size: (f32, f32), contrast: (f32, f32)) -> (f32, f32) {
    let lu = |rng: &mut Rng, (a, b): (f32, f32)| (a.ln() + (b.ln() - a.ln()) * rng.unit()).exp();
    (lu(rng, size), lu(rng, contrast))
}

/// What to draw for one series: shared by the CT, MR and radiograph planners.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct PhantomSpec {
    /// Image side in pixels.
    pub size: usize,
    /// Slices in the series (CT and MR; radiographs have one).
    pub slices: u32,
    /// Whether the patient is female.
    pub female: bool,
    /// The patient's age, in years.
    pub age: u32,
    /// Whether the series shows a tumour.
    pub tumor: bool,
    /// Whether the series shows a fracture.
    pub fracture: bool,
    /// Tumour diameter range, mm.
    pub size_range: (f32, f32),
    /// Lesion contrast range (HU for CT, relative for MR and radiographs).
    pub contrast_range: (f32, f32),
    /// Share of CT lung nodules drawn as ground glass (added density) rather than solid.
    pub ground_glass_rate: f32,
}
