//! CT phantoms in Hounsfield units: chest, upper abdomen and head axial slices, with tumours and
//! rib or vertebra fractures that stay consistent across a series' contiguous slices.

use std::f32::consts::{FRAC_PI_2, PI};

use crate::lesion::{Finding, Lesion, Margin, Tumor, draw_size_contrast};
use crate::raster::{Canvas, Ellipse, Paint, correlated_noise};
use crate::rng::Rng;

pub const AIR: f32 = -1000.0;
/// Aerated lung of the phantom chest.
const LUNG_HU: f32 = -860.0;

/// The pleural cavity's half-axes (mm) inside a chest wall of `fat_mm` fat and 10 mm of muscle
/// round a body of half-axes `body`: the lungs fill it and the ribs lie in the wall round it.
/// (Until 2026-12-07 the lungs were drawn from the body's size alone, so in most patients they
/// reached through the wall into the fat and the ribs crossed the lung fields.)
fn cavity(body: (f32, f32), fat_mm: f32) -> (f32, f32) {
    (body.0 - fat_mm - 10.0, body.1 - fat_mm - 10.0)
}

/// A lung (`side` −1 or 1) as centre and half-axes in mm, `(x, y, rx, ry)`. Inside the cavity by
/// construction: its farthest point reaches 0.99 of the cavity's ellipse.
fn lung(cavity: (f32, f32), side: f32) -> (f32, f32, f32, f32) {
    (side * 0.5 * cavity.0, 0.0, 0.42 * cavity.0, 0.8 * cavity.1)
}

/// Body region of a CT series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// Chest: lungs and ribs.
    Chest,
    /// Upper abdomen: liver and bowel.
    Abdomen,
    /// Head: skull and brain.
    Head,
}

impl Region {
    /// The Body Part Examined value (e.g. `CHEST`).
    pub fn body_part(self) -> &'static str {
        match self {
            Self::Chest => "CHEST",
            Self::Abdomen => "ABDOMEN",
            Self::Head => "HEAD",
        }
    }
}

/// A rib cross-section: an arc of the ellipse `(rx, ry)` from angle `a0` to `a1`.
#[derive(Clone, Debug)]
struct Rib {
    a0: f32,
    a1: f32,
    half_mm: f32,
}

/// Fracture in a CT series.
#[derive(Clone, Debug)]
pub struct CtFracture {
    /// Rib index, or `None` for the vertebral body.
    rib: Option<usize>,
    /// Position of the break along the rib (0..1) or angle of the vertebral fracture line.
    at: f32,
    gap_mm: f32,
    displacement_mm: f32,
}

/// Everything fixed for one CT series; slices are rendered from it independently.
#[derive(Clone, Debug)]
pub struct CtSeries {
    /// The body region.
    pub region: Region,
    /// Field of view, in mm.
    pub fov_mm: f32,
    /// Slice thickness, in mm.
    pub thickness_mm: f32,
    /// Image side, in pixels.
    pub size: usize,
    body: (f32, f32),
    fat_mm: f32,
    ribs: Vec<Rib>,
    vessels: Vec<[f32; 5]>,
    bowel: Vec<[f32; 4]>,
    contrast_enhanced: bool,
    /// The tumour, if the series has one.
    pub tumor: Option<Tumor>,
    /// The fracture, if the series has one.
    pub fracture: Option<CtFracture>,
}

impl CtSeries {
    /// Pixel spacing, in mm.
    pub fn spacing(&self) -> f32 {
        self.fov_mm / self.size as f32
    }

    /// Draws a series' anatomy and findings.
    pub fn plan(rng: &mut Rng, spec: &crate::lesion::PhantomSpec) -> Self {
        let crate::lesion::PhantomSpec {
            size,
            slices,
            female,
            tumor,
            fracture,
            size_range,
            contrast_range,
            ..
        } = *spec;
        let region = *rng.pick(&[Region::Chest, Region::Chest, Region::Abdomen, Region::Head]);
        let sexf = if female { 0.92 } else { 1.0 };
        let body = match region {
            Region::Head => (rng.range(68.0, 78.0) * sexf, rng.range(86.0, 98.0) * sexf),
            _ => (
                rng.range(135.0, 175.0) * sexf,
                rng.range(95.0, 125.0) * sexf,
            ),
        };
        let fov_mm = match region {
            Region::Head => 240.0,
            _ => (2.0 * body.0 + rng.range(30.0, 70.0)).max(2.0 * body.1 + 80.0),
        };
        let thickness_mm = *rng.pick(&[1.25, 2.5, 3.0, 5.0]);
        let fat_mm = rng.range(8.0, 30.0) * if female { 1.3 } else { 1.0 };
        let cav = cavity(body, fat_mm);
        let n_ribs = match region {
            Region::Chest => rng.int(6, 8),
            Region::Abdomen => rng.int(2, 4),
            Region::Head => 0,
        };
        let mut ribs = Vec::new();
        for side in [-1.0f32, 1.0] {
            for i in 0..n_ribs {
                // from posterior (near the spine) round to anterior, each side
                let f = (i as f32 + 0.5) / n_ribs as f32;
                let base = FRAC_PI_2 - side * (0.35 + f * 2.2);
                let span = rng.range(0.12, 0.22);
                let jitter = rng.range(-0.05, 0.05);
                ribs.push(Rib {
                    a0: base + jitter - span / 2.0,
                    a1: base + jitter + span / 2.0,
                    half_mm: rng.range(3.0, 4.5),
                });
            }
        }
        let mut vessels = Vec::new();
        if region == Region::Chest {
            for side in [-1.0f32, 1.0] {
                let (lx, ly, lrx, lry) = lung(cav, side);
                for _ in 0..rng.int(18, 30) {
                    let a = rng.range(0.0, 2.0 * PI);
                    let rr = rng.unit().sqrt() * 0.85;
                    let x = lx + rr * 0.92 * lrx * a.cos();
                    let y = ly + rr * 0.9 * lry * a.sin();
                    let r = rng.range(0.6, 1.6) + 2.0 * (1.0 - rr);
                    vessels.push([x, y, r, rng.range(-0.4, 0.4), rng.range(-0.4, 0.4)]);
                }
            }
        }
        let mut bowel = Vec::new();
        if region == Region::Abdomen {
            for _ in 0..rng.int(6, 12) {
                let x = rng.range(-0.1, 0.6) * body.0;
                let y = rng.range(-0.5, 0.2) * body.1;
                bowel.push([
                    x,
                    y,
                    rng.range(6.0, 14.0),
                    if rng.chance(0.4) { -900.0 } else { 20.0 },
                ]);
            }
        }
        let span_mm = thickness_mm * slices.max(1) as f32;
        let tumor = tumor.then(|| {
            let (d, c) = draw_size_contrast(rng, size_range, contrast_range);
            let z = thickness_mm * rng.int(0, slices.saturating_sub(1)) as f32;
            let (x, y, site, sign) = match region {
                Region::Chest => {
                    let side = if rng.chance(0.5) { -1.0 } else { 1.0 };
                    let (lx, ly, lrx, lry) = lung(cav, side);
                    (
                        lx + rng.range(-0.4, 0.4) * lrx,
                        ly + rng.range(-0.5, 0.5) * lry,
                        "lung",
                        1.0,
                    )
                }
                Region::Abdomen => (
                    -0.35 * body.0 + rng.range(-0.15, 0.15) * body.0,
                    rng.range(-0.3, 0.2) * body.1,
                    "liver",
                    if rng.chance(0.6) { -1.0 } else { 1.0 },
                ),
                Region::Head => (
                    rng.range(-0.4, 0.4) * body.0,
                    rng.range(-0.45, 0.45) * body.1,
                    "brain",
                    if rng.chance(0.5) { -1.0 } else { 1.0 },
                ),
            };
            Tumor {
                x_mm: x,
                y_mm: y,
                z_mm: z + rng.range(-0.2, 0.2) * thickness_mm,
                diameter_mm: d.min(span_mm.max(d)),
                contrast: sign * c,
                ring: region != Region::Chest && rng.chance(0.25),
                solid: None,
                margin: Margin::draw(rng),
                site,
            }
        });
        let fracture = (fracture && region != Region::Head).then(|| CtFracture {
            rib: (!ribs.is_empty() && rng.chance(0.7))
                .then(|| rng.int(0, ribs.len() as u32 - 1) as usize),
            at: rng.range(0.3, 0.7),
            gap_mm: rng.range(0.8, 2.0),
            displacement_mm: if rng.chance(0.5) {
                rng.range(1.5, 4.0)
            } else {
                0.0
            },
        });
        let mut series = CtSeries {
            region,
            fov_mm,
            thickness_mm,
            size,
            body,
            fat_mm,
            ribs,
            vessels,
            bowel,
            contrast_enhanced: rng.chance(0.5),
            tumor,
            fracture,
        };
        // Solid or ground glass, drawn last so that a rate of 1 (every nodule ground glass, as
        // before the option existed) leaves every other draw, and so every earlier set, as it was.
        if let Some(t) = series.tumor.as_mut().filter(|t| t.site == "lung")
            && !rng.chance(spec.ground_glass_rate)
        {
            // soft tissue replacing aerated lung (-5..80 HU from the contrast range's 30..200)
            let v = -20.0 + 0.5 * t.contrast.abs();
            t.solid = Some(v);
            t.contrast = v - LUNG_HU;
            // A solid nodule on the heart would be soft tissue on soft tissue: labelled and
            // unseen. Slide it outwards, within its lung, until it clears the heart (about one
            // in eleven is drawn there; a ground-glass one stays visible, so stays put).
            let (bx, by) = body;
            let r = 0.5 * t.diameter_mm;
            let side = t.x_mm.signum();
            let heart = Ellipse::new(0.1 * bx, -0.15 * by, 0.3 * bx + r, 0.45 * by + r, -0.5);
            let (lx, ly, lrx, lry) = lung(cav, side);
            let lung = Ellipse::new(lx, ly, (lrx - r).max(1.0), (lry - r).max(1.0), 0.0);
            let mut x = t.x_mm;
            while heart.rho2(x, t.y_mm) < 1.0 && lung.rho2(x + side, t.y_mm) < 1.0 {
                x += side;
            }
            t.x_mm = x;
        }
        series
    }

    /// Renders slice `k` in HU with noise of standard deviation `sigma_hu`, and its findings.
    pub fn render(&self, k: usize, rng: &mut Rng, sigma_hu: f32) -> (Canvas, Vec<Lesion>) {
        let z = k as f32 * self.thickness_mm;
        let sp = self.spacing();
        let mut img = Canvas::new(self.size, self.size, AIR);
        let (cx, cy) = (self.size as f32 / 2.0, self.size as f32 / 2.0);
        let e = |x: f32, y: f32, rx: f32, ry: f32, a: f32| {
            Ellipse::new(cx + x / sp, cy + y / sp, rx / sp, ry / sp, a)
        };
        let mut lesions = Vec::new();
        if self.region == Region::Head {
            self.head(&mut img, z, &e);
        } else {
            self.torso(&mut img, z, &e, &mut lesions);
        }
        if let Some(t) = &self.tumor {
            lesions.extend(t.paint(&mut img, z, sp));
        }
        // partial volume: the slice profile and reconstruction kernel blur edges
        img.blur(0.6);
        let noise = correlated_noise(rng, self.size, self.size, sigma_hu, 0.8);
        for (v, n) in img.px.iter_mut().zip(&noise.px) {
            // air outside the body reads quieter than tissue
            let w = if *v < -950.0 { 0.6 } else { 1.0 };
            *v = (*v + w * n).clamp(-1024.0, 3071.0);
        }
        (img, lesions)
    }

    fn head(&self, img: &mut Canvas, z: f32, e: &dyn Fn(f32, f32, f32, f32, f32) -> Ellipse) {
        // the skull narrows towards the vertex
        let s = (1.0 - ((z + 20.0) / 140.0).powi(2)).max(0.3).sqrt();
        let (rx, ry) = (self.body.0 * s, self.body.1 * s);
        img.ellipse(&e(0.0, 0.0, rx + 5.0, ry + 5.0, 0.0), Paint::Set(30.0));
        img.ellipse(&e(0.0, 0.0, rx, ry, 0.0), Paint::Set(1300.0));
        img.ellipse(&e(0.0, 0.0, rx - 2.5, ry - 2.5, 0.0), Paint::Set(700.0));
        img.ellipse(&e(0.0, 0.0, rx - 5.0, ry - 5.0, 0.0), Paint::Set(8.0));
        img.ellipse(&e(0.0, 0.0, rx - 7.0, ry - 7.0, 0.0), Paint::Set(38.0));
        img.ellipse(&e(0.0, 0.0, rx - 14.0, ry - 14.0, 0.0), Paint::Set(29.0));
        let v = 1.0 + 0.5 * (self.fat_mm / 30.0);
        img.ellipse(&e(-7.0 * v, -6.0, 4.0 * v, 16.0 * s, 0.15), Paint::Set(6.0));
        img.ellipse(&e(7.0 * v, -6.0, 4.0 * v, 16.0 * s, -0.15), Paint::Set(6.0));
        // the falx, front and back of the ventricles
        let u = e(0.0, 0.0, 1.0, 1.0, 0.0);
        let px = u.rx;
        for (y0, y1) in [(-(ry - 7.0), -24.0), (14.0, ry - 7.0)] {
            img.segment(
                (u.x, u.y + y0 * px),
                (u.x, u.y + y1 * px),
                0.6 * px,
                Paint::Set(55.0),
            );
        }
    }

    fn torso(
        &self,
        img: &mut Canvas,
        z: f32,
        e: &dyn Fn(f32, f32, f32, f32, f32) -> Ellipse,
        lesions: &mut Vec<Lesion>,
    ) {
        let g = 1.0 + 0.002 * z;
        let (bx, by) = (self.body.0 * g, self.body.1 * g);
        let unit = e(0.0, 0.0, 1.0, 1.0, 0.0);
        let px = unit.rx; // pixels per mm
        // patient table under the body
        let ty = unit.y + (by + 14.0) * px;
        img.segment(
            (unit.x - 0.9 * bx * px, ty),
            (unit.x + 0.9 * bx * px, ty),
            3.0 * px,
            Paint::Set(250.0),
        );
        img.ellipse(&e(0.0, 0.0, bx, by, 0.0), Paint::Set(-100.0));
        let (ix, iy) = (bx - self.fat_mm, by - self.fat_mm);
        img.ellipse(&e(0.0, 0.0, ix, iy, 0.0), Paint::Set(50.0));
        let cav = cavity((bx, by), self.fat_mm);
        let inside = if self.region == Region::Chest {
            25.0
        } else {
            -85.0
        };
        img.ellipse(&e(0.0, 0.0, cav.0, cav.1, 0.0), Paint::Set(inside));
        let vy = 0.55 * by;
        if self.region == Region::Chest {
            for side in [-1.0f32, 1.0] {
                let (lx, ly, lrx, lry) = lung(cav, side);
                img.ellipse(&e(lx, ly, lrx, lry, 0.0), Paint::Set(LUNG_HU));
            }
            let blood = if self.contrast_enhanced { 180.0 } else { 40.0 };
            img.ellipse(
                &e(0.1 * bx, -0.15 * by, 0.3 * bx, 0.45 * by, -0.5),
                Paint::Set(40.0),
            );
            img.ellipse(
                &e(0.1 * bx, -0.2 * by, 0.15 * bx, 0.25 * by, -0.5),
                Paint::Set(blood),
            );
            img.ellipse(&e(25.0, vy - 8.0, 12.0, 12.0, 0.0), Paint::Set(blood));
            for v in &self.vessels {
                let c = e(v[0] + v[3] * z, v[1] + v[4] * z, v[2], v[2], 0.0);
                img.ellipse(&c, Paint::Set(blood - 10.0));
            }
        } else {
            let blood = if self.contrast_enhanced { 150.0 } else { 40.0 };
            img.ellipse(
                &e(-0.35 * bx, -0.05 * by, 0.5 * bx, 0.62 * by, 0.3),
                Paint::Set(if self.contrast_enhanced { 95.0 } else { 58.0 }),
            );
            img.ellipse(
                &e(0.55 * bx, 0.2 * by, 0.17 * bx, 0.3 * by, -0.4),
                Paint::Set(48.0),
            );
            for side in [-1.0f32, 1.0] {
                let k = e(side * 0.33 * bx, 0.45 * by, 22.0, 38.0, side * 0.4);
                img.ellipse(
                    &k,
                    Paint::Set(if self.contrast_enhanced { 160.0 } else { 32.0 }),
                );
                img.ellipse(&k.scaled(0.35), Paint::Set(-60.0));
                img.ellipse(
                    &e(side * 0.2 * bx, vy - 5.0, 16.0, 22.0, 0.0),
                    Paint::Set(50.0),
                );
            }
            for b in &self.bowel {
                img.ellipse(
                    &e(b[0], b[1] + 0.1 * z, b[2], b[2] * 0.8, 0.0),
                    Paint::Set(b[3]),
                );
            }
            img.ellipse(&e(18.0, vy - 28.0, 11.0, 11.0, 0.0), Paint::Set(blood));
        }
        self.spine(img, vy, e, lesions);
        // the ribs lie in the 10-mm chest wall round the cavity, outside the lungs
        self.ribs(img, (cav.0 + 5.0, cav.1 + 5.0), e, lesions);
    }

    fn spine(
        &self,
        img: &mut Canvas,
        vy: f32,
        e: &dyn Fn(f32, f32, f32, f32, f32) -> Ellipse,
        lesions: &mut Vec<Lesion>,
    ) {
        for side in [-1.0f32, 1.0] {
            img.ellipse(
                &e(side * 30.0, vy + 35.0, 22.0, 16.0, 0.0),
                Paint::Set(55.0),
            );
        }
        let body = e(0.0, vy, 18.0, 15.0, 0.0);
        img.ellipse(&body, Paint::Set(750.0));
        img.ellipse(&e(0.0, vy, 16.0, 13.0, 0.0), Paint::Set(230.0));
        img.ellipse(&e(0.0, vy + 40.0, 4.5, 12.0, 0.0), Paint::Set(650.0));
        for side in [-1.0f32, 1.0] {
            img.ellipse(
                &e(side * 10.0, vy + 26.0, 4.0, 10.0, side * 0.6),
                Paint::Set(650.0),
            );
        }
        img.ellipse(&e(0.0, vy + 24.0, 8.0, 7.0, 0.0), Paint::Set(15.0));
        let Some(f) = self.fracture.as_ref().filter(|f| f.rib.is_none()) else {
            return;
        };
        // a fracture line across the body, breaking the anterior cortex, the anterior
        // fragment pushed forward when displaced
        let a = (f.at - 0.5) * 1.2;
        let (s, c) = a.sin_cos();
        let (x0, y0) = (
            body.x - body.rx * 1.05 * c,
            body.y - body.ry * 1.05 * s - body.ry * 0.3,
        );
        let (x1, y1) = (
            body.x + body.rx * 1.05 * c,
            body.y + body.ry * 1.05 * s - body.ry * 0.3,
        );
        let px = body.rx / 18.0;
        if f.displacement_mm > 0.0 {
            let frag = Ellipse::new(
                body.x,
                body.y - body.ry * 0.85 - f.displacement_mm * px,
                body.rx * 0.6,
                body.ry * 0.22,
                0.0,
            );
            img.ellipse(&frag, Paint::Set(600.0));
        }
        // at least 1.2 px wide: a thinner line can miss every pixel centre at coarse spacing
        let half = (0.5 * f.gap_mm * px).max(0.6);
        img.segment((x0, y0), (x1, y1), half, Paint::Set(60.0));
        lesions.push(Lesion {
            finding: Finding::Fracture,
            row: body.y - body.ry * 0.3,
            col: body.x,
            radius_px: body.rx * 1.1,
            size_mm: 36.0,
            contrast: 60.0 - 750.0,
            detail: format!(
                "vertebra;gap {:.1}mm;displaced {:.1}mm",
                f.gap_mm, f.displacement_mm
            ),
        });
    }

    fn ribs(
        &self,
        img: &mut Canvas,
        (rx, ry): (f32, f32),
        e: &dyn Fn(f32, f32, f32, f32, f32) -> Ellipse,
        lesions: &mut Vec<Lesion>,
    ) {
        let unit = e(0.0, 0.0, 1.0, 1.0, 0.0);
        let px = unit.rx;
        let at = |a: f32, dr: f32| {
            (
                unit.x + (rx + dr) * a.cos() * px,
                unit.y + (ry + dr) * a.sin() * px,
            )
        };
        for (i, rib) in self.ribs.iter().enumerate() {
            let brk = self.fracture.as_ref().filter(|f| f.rib == Some(i));
            // the break's angle on the rib's ellipse (used only where there is a break)
            let ab = rib.a0 + brk.map_or(0.0, |f| f.at) * (rib.a1 - rib.a0);
            // The break: its centre, the rib's direction there (towards a1) and the gap's
            // half-width, in pixels.
            let cut = brk.map(|f| {
                let (tx, ty) = (-rx * ab.sin(), ry * ab.cos());
                let n = tx.hypot(ty).max(1e-6);
                // at least 1.2 px wide, so that coarse pixels (sample-data's 2-3 mm) keep a gap
                // too, as radiographs' fracture bands do
                let half_gap = (0.5 * f.gap_mm * px).max(0.6);
                (at(ab, 0.5 * f.displacement_mm), (tx / n, ty / n), half_gap)
            });
            let steps = 10;
            for part in 0..2 {
                let (a0, a1, dr) = match brk {
                    None if part == 1 => continue,
                    None => (rib.a0, rib.a1, 0.0),
                    Some(f) => {
                        let g = 0.5 * f.gap_mm / rx;
                        if part == 0 {
                            (rib.a0, ab - g, 0.0)
                        } else {
                            (ab + g, rib.a1, f.displacement_mm)
                        }
                    }
                };
                let before = cut.map(|_| img.clone());
                for (w, val) in [(rib.half_mm, 800.0), (rib.half_mm - 1.3, 260.0)] {
                    for s in 0..steps {
                        let t0 = a0 + (a1 - a0) * s as f32 / steps as f32;
                        let t1 = a0 + (a1 - a0) * (s + 1) as f32 / steps as f32;
                        img.segment(at(t0, dr), at(t1, dr), w * px, Paint::Set(val));
                    }
                }
                // A part is capsules whose round end (3-4.5 mm) would reach across a 1-2 mm gap
                // and close it: cut it flat at the gap's edge, as a fracture line is. (Until
                // 2026-12-07 the ends closed the gap, so an undisplaced rib fracture left no mark
                // in the image.)
                if let (Some(((x, y), (tx, ty), half_gap)), Some(before), Some(f)) =
                    (cut, before, brk)
                {
                    let reach = (rib.half_mm + f.displacement_mm + 1.0) * px;
                    let side = if part == 0 { 1.0 } else { -1.0 };
                    img.restore_where(&before, (x, y), reach, |dx, dy| {
                        side * (dx * tx + dy * ty) > -half_gap
                    });
                }
            }
            if let (Some(f), Some(((x, y), _, _))) = (brk, cut) {
                lesions.push(Lesion {
                    finding: Finding::Fracture,
                    row: y,
                    col: x,
                    radius_px: (rib.half_mm + f.displacement_mm + 2.0) * px,
                    size_mm: 2.0 * rib.half_mm,
                    contrast: 50.0 - 800.0,
                    detail: format!(
                        "rib;gap {:.1}mm;displaced {:.1}mm",
                        f.gap_mm, f.displacement_mm
                    ),
                });
            }
        }
    }
}
