//! MR brain phantoms: T1- and T2-like contrast in arbitrary units, a smooth bias field, Rician
//! noise, and tumours with surrounding oedema and mass effect.

use std::f32::consts::TAU;

use crate::lesion::{Lesion, Margin, Tumor, draw_size_contrast};
use crate::raster::{Canvas, Ellipse, Paint};
use crate::rng::Rng;

/// MR contrast weighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weighting {
    /// T1-weighted: fat and white matter bright.
    T1,
    /// T2-weighted: fluid (CSF, oedema) bright.
    T2,
}

/// Tissue signal (arbitrary units) for each weighting: fat, bone, CSF, grey, white, oedema.
struct Tissue {
    fat: f32,
    bone: f32,
    marrow: f32,
    csf: f32,
    grey: f32,
    white: f32,
    oedema: f32,
}

impl Weighting {
    fn tissue(self) -> Tissue {
        match self {
            Self::T1 => Tissue {
                fat: 950.0,
                bone: 40.0,
                marrow: 700.0,
                csf: 180.0,
                grey: 520.0,
                white: 700.0,
                oedema: -120.0,
            },
            Self::T2 => Tissue {
                fat: 600.0,
                bone: 30.0,
                marrow: 450.0,
                csf: 1100.0,
                grey: 620.0,
                white: 460.0,
                oedema: 300.0,
            },
        }
    }

    /// The weighting's name (`T1` or `T2`).
    pub fn name(self) -> &'static str {
        match self {
            Self::T1 => "T1",
            Self::T2 => "T2",
        }
    }
}

/// MR units per HU of the tumour contrast option.
pub const MR_UNITS_PER_HU: f32 = 2.0;

/// Everything fixed for one MR series.
#[derive(Clone, Debug)]
pub struct MrSeries {
    /// T1 or T2 contrast.
    pub weighting: Weighting,
    /// Field of view, in mm.
    pub fov_mm: f32,
    /// Slice thickness, in mm.
    pub thickness_mm: f32,
    /// Image side, in pixels.
    pub size: usize,
    head: (f32, f32),
    ventricle: f32,
    gyri: [f32; 4],
    bias: [f32; 3],
    /// The tumour, if the series has one.
    pub tumor: Option<Tumor>,
    oedema: f32,
}

impl MrSeries {
    /// Pixel spacing, in mm.
    pub fn spacing(&self) -> f32 {
        self.fov_mm / self.size as f32
    }

    /// Draws a series' anatomy and tumour.
    pub fn plan(rng: &mut Rng, spec: &crate::lesion::PhantomSpec) -> Self {
        let crate::lesion::PhantomSpec {
            size,
            slices,
            female,
            age,
            tumor,
            size_range,
            contrast_range,
            ..
        } = *spec;
        let sexf = if female { 0.93 } else { 1.0 };
        let head = (rng.range(68.0, 78.0) * sexf, rng.range(86.0, 98.0) * sexf);
        let weighting = if rng.chance(0.5) {
            Weighting::T1
        } else {
            Weighting::T2
        };
        let thickness_mm = *rng.pick(&[4.0, 5.0, 6.0]);
        let tumor = tumor.then(|| {
            let (d, c) = draw_size_contrast(rng, size_range, contrast_range);
            let ring = weighting == Weighting::T1 && rng.chance(0.35);
            let sign = match weighting {
                Weighting::T1 if ring => 1.0,
                Weighting::T1 => -1.0,
                Weighting::T2 => 1.0,
            };
            let a = rng.range(0.0, TAU);
            let rr = rng.range(0.15, 0.5);
            Tumor {
                x_mm: rr * head.0 * a.cos(),
                y_mm: rr * head.1 * a.sin(),
                z_mm: thickness_mm * rng.int(0, slices.saturating_sub(1)) as f32,
                diameter_mm: d,
                contrast: sign * c * MR_UNITS_PER_HU,
                ring,
                solid: None,
                margin: Margin::draw(rng),
                site: "brain",
            }
        });
        MrSeries {
            weighting,
            fov_mm: 230.0,
            thickness_mm,
            size,
            head,
            ventricle: 1.0 + (age as f32 - 40.0).max(0.0) / 60.0,
            gyri: [
                rng.range(0.0, TAU),
                rng.range(0.0, TAU),
                rng.range(0.04, 0.08),
                rng.int(9, 14) as f32,
            ],
            bias: [
                rng.range(-0.15, 0.15),
                rng.range(-0.15, 0.15),
                rng.range(-0.15, 0.1),
            ],
            tumor,
            oedema: rng.range(1.6, 2.6),
        }
    }

    /// Renders slice `k` with Rician noise of scale `sigma`.
    pub fn render(&self, k: usize, rng: &mut Rng, sigma: f32) -> (Canvas, Vec<Lesion>) {
        let z = k as f32 * self.thickness_mm;
        let sp = self.spacing();
        let t = self.weighting.tissue();
        let n = self.size;
        let mut img = Canvas::new(n, n, 0.0);
        let (cx, cy) = (n as f32 / 2.0, n as f32 / 2.0);
        let e = |x: f32, y: f32, rx: f32, ry: f32, a: f32| {
            Ellipse::new(cx + x / sp, cy + y / sp, rx / sp, ry / sp, a)
        };
        let s = (1.0 - ((z + 10.0) / 130.0).powi(2)).max(0.3).sqrt();
        let (rx, ry) = (self.head.0 * s, self.head.1 * s);
        img.ellipse(&e(0.0, 0.0, rx + 5.0, ry + 5.0, 0.0), Paint::Set(t.fat));
        img.ellipse(&e(0.0, 0.0, rx, ry, 0.0), Paint::Set(t.bone));
        img.ellipse(&e(0.0, 0.0, rx - 2.0, ry - 2.0, 0.0), Paint::Set(t.marrow));
        img.ellipse(&e(0.0, 0.0, rx - 4.5, ry - 4.5, 0.0), Paint::Set(t.bone));
        let brain = e(0.0, 0.0, rx - 6.0, ry - 6.0, 0.0);
        img.ellipse(&brain, Paint::Set(t.csf));
        img.ellipse(&e(0.0, 0.0, rx - 7.5, ry - 7.5, 0.0), Paint::Set(t.grey));
        // white matter with a gyral (wavy) boundary
        let [p1, p2, amp, freq] = self.gyri;
        let (a, b) = ((rx - 16.0).max(5.0) / sp, (ry - 16.0).max(5.0) / sp);
        let mut wm = Canvas::new(n, n, 0.0);
        wm.radial(
            cx,
            cy,
            b * (1.0 + 2.0 * amp) + 2.0,
            |th| {
                let ell = a * b
                    / ((b * th.cos()).powi(2) + (a * th.sin()).powi(2))
                        .sqrt()
                        .max(1e-3);
                ell * (1.0
                    + amp * (freq * th + p1).sin()
                    + 0.5 * amp * ((freq + 5.0) * th + p2).sin())
            },
            |d| if d < 1.0 { 1.0 } else { 0.0 },
        );
        for (v, m) in img.px.iter_mut().zip(&wm.px) {
            if *m > 0.0 {
                *v = t.white;
            }
        }
        // mass effect: ventricles and falx pushed away from the tumour, the near one squashed
        let (mut dx, mut dy, mut squash) = (0.0f32, 0.0f32, 0.0f32);
        if let Some(tu) = &self.tumor {
            let dist = tu.x_mm.hypot(tu.y_mm).max(1.0);
            let push = (0.25 * tu.diameter_mm).min(8.0);
            dx = -push * tu.x_mm / dist;
            dy = -push * tu.y_mm / dist;
            squash = tu.x_mm.signum();
        }
        let v = self.ventricle;
        for side in [-1.0f32, 1.0] {
            let w = if side == squash { 0.55 } else { 1.0 };
            img.ellipse(
                &e(
                    dx + side * 7.0 * v,
                    dy - 6.0,
                    3.5 * v * w,
                    16.0 * s * v.sqrt(),
                    side * 0.15,
                ),
                Paint::Set(t.csf),
            );
        }
        let u = e(0.0, 0.0, 1.0, 1.0, 0.0);
        let px = u.rx;
        for (y0, y1) in [(-(ry - 7.0), -24.0), (14.0, ry - 7.0)] {
            let shift = dx * 0.6 * px;
            img.segment(
                (u.x + shift, u.y + y0 * px),
                (u.x + shift, u.y + y1 * px),
                0.7 * px,
                Paint::Set(t.csf),
            );
        }
        let mut lesions = Vec::new();
        if let Some(tu) = &self.tumor {
            let r_px = tu.section_mm(z) / sp;
            if r_px >= 1.0 {
                // oedema in the brain around the tumour
                let (x, y) = (cx + tu.x_mm / sp, cy + tu.y_mm / sp);
                let reach = r_px * self.oedema;
                let mut ed = Canvas::new(n, n, 0.0);
                ed.radial(x, y, reach, |_| reach, |d| (1.0 - d).clamp(0.0, 0.3) / 0.3);
                for (i, (v, w)) in img.px.iter_mut().zip(&ed.px).enumerate() {
                    let (r, c) = ((i / n) as f32, (i % n) as f32);
                    if *w > 0.0 && brain.inset(2.0 / sp).rho2(c, r) < 1.0 {
                        *v += w * t.oedema;
                    }
                }
            }
            lesions.extend(tu.paint(&mut img, z, sp));
        }
        img.blur(0.7);
        let [bx, by, bq] = self.bias;
        let mut noise = vec![0.0f32; 2 * n * n];
        rng.fill_normal(&mut noise);
        for (i, v) in img.px.iter_mut().enumerate() {
            let (r, c) = (
                (i / n) as f32 / n as f32 - 0.5,
                (i % n) as f32 / n as f32 - 0.5,
            );
            let b = 1.0 + bx * c * 2.0 + by * r * 2.0 + bq * 4.0 * (r * r + c * c);
            let sig = (*v * b).max(0.0);
            let (a, q) = (sig + sigma * noise[2 * i], sigma * noise[2 * i + 1]);
            *v = (a * a + q * q).sqrt().min(4095.0);
        }
        (img, lesions)
    }
}
