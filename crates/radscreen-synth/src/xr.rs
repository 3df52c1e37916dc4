//! Radiograph phantoms (DX, CR): projected attenuation of soft tissue and tubular bones, chest,
//! forearm/leg and hand, with transverse, oblique, comminuted, displaced or hairline fractures
//! and (chest) nodules.

use crate::attenuation::MU_WATER_PER_MM;
use crate::lesion::{Finding, Lesion, Margin, draw_size_contrast};
use crate::raster::{Canvas, Ellipse, correlated_noise, gaussian};
use crate::rng::Rng;

/// Radiograph body part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Chest PA.
    Chest,
    /// A forearm or leg.
    LongBone,
    /// Hand.
    Hand,
}

impl Part {
    /// The Body Part Examined value (e.g. `CHEST`).
    pub fn body_part(self) -> &'static str {
        match self {
            Self::Chest => "CHEST",
            Self::LongBone => "ARM",
            Self::Hand => "HAND",
        }
    }
}

/// Fracture patterns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    Transverse,
    Oblique,
    Comminuted,
    Displaced,
    Hairline,
}

impl Pattern {
    pub fn name(self) -> &'static str {
        match self {
            Self::Transverse => "transverse",
            Self::Oblique => "oblique",
            Self::Comminuted => "comminuted",
            Self::Displaced => "displaced",
            Self::Hairline => "hairline",
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Break {
    at: f32,
    angle: f32,
    pattern: Pattern,
    shift: f32,
}

/// A tubular bone from `p0` to `p1` (mm), outer/inner radius in mm.
#[derive(Clone, Copy, Debug)]
struct Bone {
    p0: (f32, f32),
    p1: (f32, f32),
    r_out: f32,
    r_in: f32,
    fracture: Option<Break>,
    /// Where the tube continues into the next piece of a chain (a rib of several tubes): at
    /// `p0` and `p1`, the unit normal of the mitre plane, pointing along the chain. A joint is
    /// cut there instead of capped, so two pieces tile the bone without overlapping.
    mitre: [Option<(f32, f32)>; 2],
}

impl Bone {
    /// An unbroken tube with round caps; `wall` is the cortex's share of the radius.
    fn tube(p0: (f32, f32), p1: (f32, f32), r_out: f32, wall: f32) -> Self {
        Self {
            p0,
            p1,
            r_out,
            r_in: r_out * (1.0 - wall),
            fracture: None,
            mitre: [None, None],
        }
    }
}

/// How far along the bone a comminuted break's second line lies from its first, in outer radii
/// (drawn by `draw_bone`, recorded by `break_circle`).
const COMMINUTED_SPAN: f32 = 2.2;

/// Attenuation per mm: soft tissue, cortical bone, marrow (limb and hand films).
const MU_SOFT: f32 = 0.004;
const MU_CORTEX: f32 = 0.05;
const MU_MARROW: f32 = 0.012;

/// A chest film's soft tissue attenuates as water does in the DRRs of real chest CT
/// (`MU_WATER_PER_MM`). Until 2026-12-07 it used `MU_SOFT`, a fifth of that, so the
/// ribs outshone the lungs and the lung fields sat near the mediastinum's grey
/// (docs/synthetic-data.md, "Chest films: phantom against real").
const MU_CHEST_SOFT: f32 = MU_WATER_PER_MM;
/// Share of an aerated lung's volume that is air (about −850 HU): what a solid nodule replaces.
const LUNG_AIR: f32 = 0.85;
/// ∫μ ds that a chest film stores as full scale: its stored values are linear in log exposure,
/// as CR/DX store them (and as the DRRs are, `real/make.rs`), not `1 − e^(−∫μ)`.
const CHEST_FULL_SCALE: f32 = 8.0;

/// Everything fixed for one radiograph.
#[derive(Clone, Debug)]
pub struct XrImage {
    /// The body part.
    pub part: Part,
    /// Field of view, in mm.
    pub fov_mm: f32,
    /// Image side, in pixels.
    pub size: usize,
    /// Soft tissue: an ellipse and the multiplier of the path through it; a negative one is
    /// air (the lungs).
    soft: Vec<(Ellipse, f32)>,
    /// Tissue that fills the air it overlaps and adds nothing elsewhere (the heart, which
    /// displaces lung; the mediastinum is already the body's full depth).
    fills: Option<Ellipse>,
    bones: Vec<Bone>,
    nodule: Option<(f32, f32, f32, f32, Margin)>,
    fractured: Option<usize>,
}

impl XrImage {
    /// Pixel spacing, in mm.
    pub fn spacing(&self) -> f32 {
        self.fov_mm / self.size as f32
    }

    /// Draws a radiograph's anatomy and findings.
    pub fn plan(rng: &mut Rng, spec: &crate::lesion::PhantomSpec) -> Self {
        let crate::lesion::PhantomSpec {
            size,
            female,
            tumor,
            fracture,
            size_range,
            contrast_range,
            ..
        } = *spec;
        let part = *rng.pick(&[Part::Chest, Part::LongBone, Part::Hand]);
        let sexf = if female { 0.92 } else { 1.0 };
        let mut soft = Vec::new();
        let mut fills = None;
        let mut bones = Vec::new();
        let fov_mm;
        let bone = Bone::tube;
        match part {
            Part::Chest => {
                fov_mm = 400.0;
                let w = rng.range(150.0, 175.0) * sexf;
                // Multipliers of the path through each ellipse (twice its smaller half-axis):
                // the body about 220 mm deep, each lung as deep as it is wide, LUNG_AIR of it
                // air. Until 2026-12-07 the body was 300-350 mm deep, the lungs 0.7 air and
                // the soft tissue a fifth as dense, and the heart added over the lung.
                soft.push((Ellipse::new(0.0, 10.0, w, 230.0, 0.0), 0.7));
                let lung = -LUNG_AIR;
                soft.push((Ellipse::new(-0.45 * w, -20.0, 0.33 * w, 120.0, 0.08), lung));
                soft.push((Ellipse::new(0.45 * w, -20.0, 0.33 * w, 120.0, -0.08), lung));
                fills = Some(Ellipse::new(0.12 * w, 55.0, 0.32 * w, 65.0, -0.3));
                soft.push((Ellipse::new(0.0, 0.0, 22.0, 240.0, 0.0), 0.6));
                for i in 0..9 {
                    let y = -130.0 + i as f32 * 24.0 + rng.range(-3.0, 3.0);
                    // The rib ends 30 mm inside the body's outline at its height (until
                    // 2026-12-07 every rib reached 0.96 w out, past the outline of the upper
                    // chest, where the body narrows, into the air beside it).
                    let reach = w * (1.0 - ((y - 10.0) / 230.0).powi(2)).max(0.0).sqrt() - 30.0;
                    for side in [-1.0f32, 1.0] {
                        // Six tubes along a curve, mitred where they meet: with round caps
                        // each joint was a 10-mm disc of doubled bone, a nodule-like bead that
                        // no label named, some 90 per film (until 2026-12-07).
                        let pts: Vec<(f32, f32)> = (0..=6)
                            .map(|k| {
                                let x = 14.0 + k as f32 * (reach - 14.0) / 6.0;
                                let y = if k == 0 {
                                    y
                                } else {
                                    y - 18.0 + 0.0022 * (x - 0.6 * reach).powi(2)
                                };
                                (side * x, y)
                            })
                            .collect();
                        bones.extend(chain(&pts, 5.0, 0.35));
                    }
                }
                for side in [-1.0f32, 1.0] {
                    bones.push(bone(
                        (side * 20.0, -150.0),
                        (side * 0.75 * w, -170.0),
                        7.0,
                        0.4,
                    ));
                }
            }
            Part::LongBone => {
                fov_mm = rng.range(220.0, 300.0);
                let tilt = rng.range(-0.25, 0.25);
                let (s, c) = tilt.sin_cos();
                let l = fov_mm * 0.6;
                soft.push((
                    Ellipse::new(0.0, 0.0, rng.range(35.0, 48.0) * sexf, 0.75 * fov_mm, tilt),
                    1.0,
                ));
                for (dx, r) in [(-11.0, rng.range(6.5, 8.5)), (11.0, rng.range(5.0, 7.0))] {
                    bones.push(bone(
                        (dx * c - l * s, dx * s - l * c),
                        (dx * c + l * s, dx * s + l * c),
                        r * sexf,
                        0.4,
                    ));
                }
            }
            Part::Hand => {
                fov_mm = 240.0;
                soft.push((Ellipse::new(0.0, 45.0, 45.0 * sexf, 55.0, 0.0), 1.0));
                for k in 0..4 {
                    let x = (-27.0 + k as f32 * 18.0) * sexf;
                    let len = [62.0, 68.0, 64.0, 54.0][k];
                    soft.push((
                        Ellipse::new(x, -35.0 - 0.3 * len, 8.5, 0.75 * len + 20.0, 0.0),
                        1.0,
                    ));
                    let mut y = 60.0;
                    for (seg, frac) in [0.9f32, 0.75, 0.45, 0.3].iter().enumerate() {
                        let l = len * frac;
                        let r = if seg == 0 {
                            4.0
                        } else {
                            3.5 - 0.5 * seg as f32
                        };
                        bones.push(bone((x, y), (x, y - l), r, 0.45));
                        y -= l + 2.5;
                    }
                }
                soft.push((Ellipse::new(-55.0 * sexf, 25.0, 10.0, 42.0, 0.7), 1.0));
                let mut p = (-35.0 * sexf, 70.0);
                for l in [38.0f32, 30.0, 24.0] {
                    let q = (p.0 - 0.6 * l, p.1 - 0.8 * l);
                    bones.push(bone(p, q, 4.0, 0.45));
                    p = (q.0 - 1.5, q.1 - 2.0);
                }
                for i in 0..8 {
                    let (x, y) = (-24.0 + (i % 4) as f32 * 14.0, 70.0 + (i / 4) as f32 * 12.0);
                    soft.push((Ellipse::new(x * sexf, y, 6.0, 5.0, 0.3), 2.2));
                }
            }
        }
        let mut fractured = None;
        if fracture && !bones.is_empty() {
            let i = rng.int(0, bones.len() as u32 - 1) as usize;
            let pattern = *rng.pick(&[
                Pattern::Transverse,
                Pattern::Oblique,
                Pattern::Comminuted,
                Pattern::Displaced,
                Pattern::Hairline,
            ]);
            let angle = match pattern {
                Pattern::Oblique => rng.range(0.5, 0.9) * if rng.chance(0.5) { 1.0 } else { -1.0 },
                _ => rng.range(-0.15, 0.15),
            };
            let shift = match pattern {
                Pattern::Displaced => rng.range(0.4, 1.0) * bones[i].r_out,
                Pattern::Comminuted => rng.range(0.1, 0.4) * bones[i].r_out,
                _ => 0.0,
            };
            bones[i].fracture = Some(Break {
                at: rng.range(0.3, 0.7),
                angle,
                pattern,
                shift,
            });
            fractured = Some(i);
        }
        let nodule = (tumor && part == Part::Chest).then(|| {
            let (d, c) = draw_size_contrast(rng, size_range, contrast_range);
            let side = if rng.chance(0.5) { -1.0 } else { 1.0 };
            (
                side * rng.range(40.0, 100.0),
                rng.range(-100.0, 40.0),
                d,
                c,
                Margin::draw(rng),
            )
        });
        XrImage {
            part,
            fov_mm,
            size,
            soft,
            fills,
            bones,
            nodule,
            fractured,
        }
    }

    /// Renders the radiograph as stored-like values 0..4095 (bright = attenuating) with noise
    /// of `sigma` at mid-grey.
    pub fn render(&self, rng: &mut Rng, sigma: f32) -> (Canvas, Vec<Lesion>) {
        let n = self.size;
        let sp = self.spacing();
        let c0 = n as f32 / 2.0;
        let to_px = |(x, y): (f32, f32)| (c0 + x / sp, c0 + y / sp);
        let chest = self.part == Part::Chest;
        // stored units per unit of ∫μ ds for a fracture's nominal contrast
        let full = if chest {
            4095.0 / CHEST_FULL_SCALE
        } else {
            4095.0
        };
        let mut att = self.soft_tissue();
        for b in &self.bones {
            draw_bone(&mut att, b, sp, c0);
        }
        let mut lesions = Vec::new();
        if let Some((x, y, d, c, m)) = self.nodule {
            let (px, py) = to_px((x, y));
            let r = 0.5 * d / sp;
            // c / 40 of soft tissue replacing the air of aerated lung, through the nodule's
            // diameter (nodules are drawn on chest films only)
            let peak = c / 40.0 * d * MU_CHEST_SOFT * LUNG_AIR;
            att.radial(
                px,
                py,
                r * m.max() + 1.0,
                |t| r * m.profile(t),
                |q| peak * (1.0 - q.min(1.0) * q.min(1.0)).sqrt(),
            );
            lesions.push(Lesion {
                finding: Finding::Tumor,
                row: py,
                col: px,
                radius_px: r * m.max(),
                size_mm: d,
                contrast: 4095.0 / CHEST_FULL_SCALE * peak,
                detail: format!("lung;{}", m.name()),
            });
        }
        if let Some(i) = self.fractured {
            let b = &self.bones[i];
            if let Some(f) = b.fracture {
                let (p, radius_mm) = break_circle(b, &f);
                let (px, py) = to_px(p);
                lesions.push(Lesion {
                    finding: Finding::Fracture,
                    row: py,
                    col: px,
                    radius_px: radius_mm / sp,
                    size_mm: 2.0 * b.r_out,
                    contrast: -full * 2.0 * (b.r_out - b.r_in) * MU_CORTEX * 0.3,
                    detail: format!(
                        "{};{};shift {:.1}mm",
                        self.part.body_part().to_ascii_lowercase(),
                        f.pattern.name(),
                        f.shift
                    ),
                });
            }
        }
        if chest {
            // CR/DX processing before display, as the DRRs of real chest CT get it
            // (`Projection::expose`): the detail above an 8-mm Gaussian amplified, which
            // narrows the lungs' and mediastinum's difference against the ribs and nodules
            let gain = rng.range(0.3, 1.0);
            let blurred = gaussian(&att.px, n, n, 8.0 / sp);
            for (v, b) in att.px.iter_mut().zip(blurred) {
                *v += gain * (*v - b);
            }
        }
        att.blur(0.5);
        let noise = correlated_noise(rng, n, n, 1.0, 0.5);
        for (v, z) in att.px.iter_mut().zip(&noise.px) {
            let i = if chest {
                4095.0 * (*v / CHEST_FULL_SCALE).clamp(0.0, 1.0)
            } else {
                4095.0 * (1.0 - (-*v - 0.05).exp())
            };
            // quantum noise grows with the detected signal (darker stored = more photons here)
            let s = sigma * (0.5 + (1.0 - i / 4095.0)).sqrt();
            *v = (i + s * z).clamp(0.0, 4095.0);
        }
        (att, lesions)
    }

    /// ∫μ ds through the soft tissue, air and the tissue that fills air, per pixel.
    fn soft_tissue(&self) -> Canvas {
        let n = self.size;
        let sp = self.spacing();
        let c0 = n as f32 / 2.0;
        let mu_soft = if self.part == Part::Chest {
            MU_CHEST_SOFT
        } else {
            MU_SOFT
        };
        let project = |img: &mut Canvas, e: &Ellipse, k: f32| {
            let ep = Ellipse::new(c0 + e.x / sp, c0 + e.y / sp, e.rx / sp, e.ry / sp, e.angle);
            add_projected(img, &ep, 2.0 * e.rx.min(e.ry) * mu_soft * k);
        };
        let (mut att, mut air) = (Canvas::new(n, n, 0.0), Canvas::new(n, n, 0.0));
        for (e, k) in &self.soft {
            project(if *k < 0.0 { &mut air } else { &mut att }, e, *k);
        }
        if let Some(e) = &self.fills {
            // more than enough to fill any lung under it; the minimum stops it at the body
            let mut fill = Canvas::new(n, n, 0.0);
            project(&mut fill, e, 2.0);
            for (a, f) in air.px.iter_mut().zip(&fill.px) {
                *a = (*a + f).min(0.0);
            }
        }
        for (v, a) in att.px.iter_mut().zip(&air.px) {
            *v += a;
        }
        att
    }
}

/// Adds `depth * sqrt(1 - rho^2)` over an ellipse: the projection of an elliptic cylinder.
fn add_projected(img: &mut Canvas, e: &Ellipse, depth: f32) {
    let reach = e.rx.max(e.ry) + 1.0;
    let (x, y) = (e.x, e.y);
    let ee = *e;
    // radial() needs a profile; use the ellipse's own radius at each angle
    img.radial(
        x,
        y,
        reach,
        |th| {
            let (s, c) = (th - ee.angle).sin_cos();
            ee.rx * ee.ry / ((ee.ry * c).powi(2) + (ee.rx * s).powi(2)).sqrt().max(1e-3)
        },
        |q| {
            if q < 1.0 {
                depth * (1.0 - q * q).sqrt()
            } else {
                0.0
            }
        },
    );
}

/// Tubes through `pts` in turn, mitred where they meet (round caps only at the two ends).
fn chain(pts: &[(f32, f32)], r_out: f32, wall: f32) -> Vec<Bone> {
    let dir = |k: usize| {
        let (dx, dy) = (pts[k + 1].0 - pts[k].0, pts[k + 1].1 - pts[k].1);
        let n = dx.hypot(dy).max(1e-6);
        (dx / n, dy / n)
    };
    // the joint's plane bisects the two pieces' directions
    let mitre = |k: usize| {
        let (a, b) = (dir(k - 1), dir(k));
        let (x, y) = (a.0 + b.0, a.1 + b.1);
        let n = x.hypot(y).max(1e-6);
        (x / n, y / n)
    };
    let last = pts.len().saturating_sub(2);
    (0..pts.len().saturating_sub(1))
        .map(|k| Bone {
            mitre: [(k > 0).then(|| mitre(k)), (k < last).then(|| mitre(k + 1))],
            ..Bone::tube(pts[k], pts[k + 1], r_out, wall)
        })
        .collect()
}

/// A break's record: its centre and the radius of a circle covering it, in mm. A comminuted
/// break has a second line `COMMINUTED_SPAN` radii along the bone, so its circle is centred
/// between the two lines (until 2026-12-07 it was centred on the first and the second fell
/// outside it on the wider bones).
fn break_circle(b: &Bone, f: &Break) -> ((f32, f32), f32) {
    let len = (b.p1.0 - b.p0.0).hypot(b.p1.1 - b.p0.1).max(1e-3);
    let half = if f.pattern == Pattern::Comminuted {
        0.5 * COMMINUTED_SPAN * b.r_out
    } else {
        0.0
    };
    let t = f.at + half / len;
    let p = (
        b.p0.0 + t * (b.p1.0 - b.p0.0),
        b.p0.1 + t * (b.p1.1 - b.p0.1),
    );
    // a line across the bone reaches r·tan(angle) along it either side of its centre
    let slant = b.r_out * f.angle.tan().abs().min(3.0);
    let reach = (1.6 * b.r_out).max((half + slant).hypot(b.r_out));
    (p, reach + f.shift + 2.0)
}

/// Projected cortex and marrow of a tube, with its fracture.
fn draw_bone(img: &mut Canvas, b: &Bone, sp: f32, c0: f32) {
    let (x0, y0) = (c0 + b.p0.0 / sp, c0 + b.p0.1 / sp);
    let (x1, y1) = (c0 + b.p1.0 / sp, c0 + b.p1.1 / sp);
    let (ro, ri) = (b.r_out / sp, b.r_in / sp);
    let (vx, vy) = (x1 - x0, y1 - y0);
    let len = vx.hypot(vy).max(1e-3);
    let (ux, uy) = (vx / len, vy / len);
    let reach = ro * 2.5 + b.fracture.map_or(0.0, |f| f.shift / sp);
    let r0 = ((y0.min(y1) - reach).floor().max(0.0) as usize).min(img.rows);
    let r1 = ((y0.max(y1) + reach).ceil().max(0.0) as usize).min(img.rows);
    let k0 = ((x0.min(x1) - reach).floor().max(0.0) as usize).min(img.cols);
    let k1 = ((x0.max(x1) + reach).ceil().max(0.0) as usize).min(img.cols);
    let chord = |r: f32, s: f32| {
        if s.abs() < r {
            2.0 * (r * r - s * s).sqrt()
        } else {
            0.0
        }
    };
    for r in r0..r1 {
        for c in k0..k1 {
            let (px, py) = (c as f32 - x0, r as f32 - y0);
            // a mitred end: only this piece's side of the plane (the next piece has the other)
            if let Some((nx, ny)) = b.mitre[0]
                && px * nx + py * ny < 0.0
            {
                continue;
            }
            if let Some((nx, ny)) = b.mitre[1]
                && (c as f32 - x1) * nx + (r as f32 - y1) * ny >= 0.0
            {
                continue;
            }
            let mut t = px * ux + py * uy; // along the bone, pixels
            let mut s = -px * uy + py * ux; // across
            let mut gain = 1.0;
            if let Some(f) = b.fracture {
                let tf = f.at * len;
                let (sa, ca) = f.angle.sin_cos();
                let side = (t - tf) * ca + s * sa; // signed distance to the fracture line
                let gap = match f.pattern {
                    Pattern::Hairline => 0.25 / sp,
                    _ => 0.6 / sp,
                };
                if side.abs() < gap.max(0.5) {
                    gain = if f.pattern == Pattern::Hairline {
                        0.45
                    } else {
                        0.05
                    };
                }
                if f.pattern == Pattern::Comminuted {
                    let side2 = (t - tf - COMMINUTED_SPAN * ro) * ca - s * sa;
                    if side2.abs() < gap.max(0.5) {
                        gain = 0.05;
                    }
                    if side > 0.0 && side2 < 0.0 {
                        s -= f.shift / sp; // the butterfly fragment
                    } else if side2 >= 0.0 {
                        s += 0.4 * f.shift / sp;
                        t += 0.5 / sp;
                    }
                } else if side > 0.0 && f.shift > 0.0 {
                    s -= f.shift / sp;
                    t += 0.3 * f.shift / sp;
                }
            }
            let tc = t.clamp(0.0, len);
            let mitred = (t < 0.0 && b.mitre[0].is_some()) || (t > len && b.mitre[1].is_some());
            // beyond an end: a round cap, or the tube running on up to the mitre plane
            let d_end = if mitred { 0.0 } else { t - tc };
            let sd = (s * s + d_end * d_end).sqrt();
            if sd >= ro {
                continue;
            }
            let cortex = chord(ro, sd) - chord(ri, sd);
            let marrow = chord(ri, sd);
            img.px[r * img.cols + c] += gain * sp * (MU_CORTEX * cortex + MU_MARROW * marrow);
        }
    }
}

#[cfg(test)]
#[path = "xr_tests.rs"]
mod tests;
