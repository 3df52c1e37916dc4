//! Where findings go in a real background: the background loaded once with its organ labels,
//! noise and value range; sites that fit inside an organ; the tumour or fracture suited to it.

use std::path::Path;

use crate::error::{Error, Result};
use crate::options::Modality;
use crate::real::index::Entry;
use crate::real::insert::{
    Blend, BoneLevels, Insertion, Shape, bone_axis, insert_fracture, insert_tumor, noise_sigma,
};
use crate::real::known::Known;
use crate::real::make::Kind;
use crate::real::volume::Volume;
use crate::rng::Rng;

/// A loaded background with what the generator derives from it once.
#[derive(Debug)]
pub(super) struct Loaded {
    pub(super) entry: Entry,
    pub(super) modality: Modality,
    pub(super) vol: Volume,
    pub(super) labels: Option<Vec<u16>>,
    /// Label numbers of lungs, liver and breakable bones (ribs, vertebrae, ...).
    pub(super) lung: Vec<u16>,
    pub(super) liver: Vec<u16>,
    pub(super) bone: Vec<u16>,
    pub(super) noise: f32,
    /// Robust value range (1st, 50th, 99th percentiles of non-background values).
    pub(super) p: [f32; 3],
    /// Findings it shows by itself (index.json `findings`).
    pub(super) known: Vec<Known>,
}

pub(super) fn percentiles(data: &[f32], floor: f32) -> [f32; 3] {
    let mut v: Vec<f32> = data
        .iter()
        .copied()
        .filter(|&x| x > floor)
        .step_by(7)
        .collect();
    if v.is_empty() {
        return [0.0, 0.5, 1.0];
    }
    v.sort_by(f32::total_cmp);
    let q = |f: f32| v[((v.len() - 1) as f32 * f) as usize];
    [q(0.01), q(0.5), q(0.99)]
}

impl Loaded {
    pub(super) fn load(dir: &Path, entry: Entry) -> Result<Self> {
        let modality = entry.modality().ok_or_else(|| Error::Background {
            path: dir.join("index.json"),
            reason: format!(
                "{}: modality {:?} is not CT, MR, CR or DX",
                entry.id, entry.modality
            ),
        })?;
        let vol = entry.read(dir)?;
        let (mut lung, mut liver, mut bone) = (Vec::new(), Vec::new(), Vec::new());
        let labels = match entry.read_labels(dir)? {
            Some((data, names)) => {
                if data.len() != vol.data.len() {
                    return Err(Error::Background {
                        path: dir.join(entry.mask.clone().unwrap_or_default()),
                        reason: "the mask's grid differs from the image's".into(),
                    });
                }
                for (n, name) in names {
                    let l = name.to_ascii_lowercase();
                    if l.contains("lung") {
                        lung.push(n);
                    } else if l == "liver" {
                        liver.push(n);
                    } else if l.contains("rib")
                        || l.contains("vertebra")
                        || l.contains("clavicula")
                        || l.contains("scapula")
                        || l.contains("sternum")
                    {
                        bone.push(n);
                    }
                }
                Some(data)
            }
            None => None,
        };
        let ct = modality == Modality::Ct;
        let noise = if ct {
            noise_sigma(&vol, (0.0, 100.0))
        } else {
            0.0
        };
        // the range of the body, not of the air around it: CT above -500 HU, others above
        // their own 1st percentile
        let floor = if ct {
            -500.0
        } else {
            percentiles(&vol.data, f32::MIN)[0]
        };
        let p = percentiles(&vol.data, floor);
        let known = entry
            .findings
            .iter()
            .map(|f| Known::segment(&vol, f))
            .collect::<std::result::Result<Vec<_>, String>>()
            .map_err(|reason| Error::Background {
                path: dir.join("index.json"),
                reason: format!("{}: {reason}", entry.id),
            })?;
        Ok(Self {
            entry,
            modality,
            vol,
            labels,
            lung,
            liver,
            bone,
            noise,
            p,
            known,
        })
    }

    pub(super) fn kinds(&self) -> Vec<Kind> {
        let mut k = Vec::new();
        if self.vol.dims[2] > 1 {
            k.push(Kind::Slab);
            if self.modality == Modality::Ct {
                k.push(Kind::Drr);
            }
        } else {
            k.push(Kind::Single);
        }
        k
    }
}

fn in_set(labels: &Option<Vec<u16>>, set: &[u16], i: usize) -> bool {
    labels.as_ref().is_some_and(|l| set.contains(&l[i]))
}

/// Where the findings already put into a volume are, as (centre in voxel coordinates, reach
/// in mm), so that the next keeps clear of them: two lesions that overlap change each other's
/// pixels, and one record then says the opposite of what its circle shows. A volume that is
/// projected compares positions on the film (`along`: the axis the rays run along is ignored),
/// as a nodule in front of a rib overlaps it there.
#[derive(Default)]
pub(super) struct Taken {
    spots: Vec<([f32; 3], f32)>,
    along: Option<usize>,
}

impl Taken {
    /// For a volume projected along axis `along` (0: x, 1: y, 2: z).
    pub(super) fn projected(along: usize) -> Self {
        Taken {
            spots: Vec::new(),
            along: Some(along),
        }
    }

    /// Adds the extent of the voxels an insertion changed.
    pub(super) fn add(&mut self, v: &Volume, changed: &[(usize, f32)]) {
        if changed.is_empty() {
            return;
        }
        let at = |i: usize| v.coords(i).map(|a| a as f32);
        let mut c = [0f32; 3];
        for &(i, _) in changed {
            let p = at(i);
            (0..3).for_each(|k| c[k] += p[k]);
        }
        c.iter_mut().for_each(|a| *a /= changed.len() as f32);
        let reach = changed
            .iter()
            .map(|&(i, _)| self.mm_between(v.spacing, at(i), c))
            .fold(0.0, f32::max);
        self.spots
            .push((c, reach + v.spacing.iter().copied().fold(0.0, f32::max)));
    }

    /// Whether a finding reaching `reach_mm` from voxel `i` stays clear of every one taken.
    fn clear(&self, v: &Volume, i: usize, reach_mm: f32) -> bool {
        let p = v.coords(i).map(|a| a as f32);
        self.spots
            .iter()
            .all(|&(c, r)| self.mm_between(v.spacing, p, c) > r + reach_mm + 2.0)
    }

    fn mm_between(&self, spacing: [f32; 3], a: [f32; 3], b: [f32; 3]) -> f32 {
        (0..3)
            .filter(|&k| self.along != Some(k))
            .map(|k| ((a[k] - b[k]) * spacing[k]).powi(2))
            .sum::<f32>()
            .sqrt()
    }
}

/// Directions used to check that a lesion fits inside its organ.
const DIRS: [[f32; 3]; 14] = [
    [1.0, 0.0, 0.0],
    [-1.0, 0.0, 0.0],
    [0.0, 1.0, 0.0],
    [0.0, -1.0, 0.0],
    [0.0, 0.0, 1.0],
    [0.0, 0.0, -1.0],
    [0.577, 0.577, 0.577],
    [-0.577, 0.577, 0.577],
    [0.577, -0.577, 0.577],
    [0.577, 0.577, -0.577],
    [-0.577, -0.577, 0.577],
    [-0.577, 0.577, -0.577],
    [0.577, -0.577, -0.577],
    [-0.577, -0.577, -0.577],
];

/// A centre (voxel coordinates) inside `z_range` where every point at `radius_mm` in the 14
/// directions satisfies `ok` (2-D images check the in-plane directions only).
fn find_site(
    v: &Volume,
    rng: &mut Rng,
    z_range: (usize, usize),
    radius_mm: f32,
    ok: &dyn Fn(usize) -> bool,
) -> Option<[f32; 3]> {
    let [nx, ny, nz] = v.dims;
    for _ in 0..400 {
        let c = [
            rng.range(0.0, nx as f32 - 1.0).round(),
            rng.range(0.0, ny as f32 - 1.0).round(),
            rng.range(z_range.0 as f32, (z_range.1.max(z_range.0 + 1) - 1) as f32)
                .round(),
        ];
        let at = |p: [f32; 3]| -> bool {
            let (x, y, z) = (
                p[0].round() as isize,
                p[1].round() as isize,
                p[2].round() as isize,
            );
            if x < 0 || y < 0 || z < 0 || x as usize >= nx || y as usize >= ny || z as usize >= nz {
                return false;
            }
            ok(v.idx(x as usize, y as usize, z as usize))
        };
        if !at(c) {
            continue;
        }
        let fits = DIRS.iter().filter(|d| nz > 1 || d[2] == 0.0).all(|d| {
            at([
                c[0] + d[0] * radius_mm / v.spacing[0],
                c[1] + d[1] * radius_mm / v.spacing[1],
                c[2] + d[2] * radius_mm / v.spacing[2],
            ])
        });
        if fits {
            return Some(c);
        }
    }
    None
}

/// Inserts a tumour suited to the background; `None` when no site fits. For a volume that
/// will be projected (`projected`), only a lung nodule: tumours of liver or brain differ from
/// their tissue by tens of HU and do not show on a radiograph.
pub(super) fn add_tumor(
    bg: &Loaded,
    v: &mut Volume,
    labels: &Option<Vec<u16>>,
    rng: &mut Rng,
    z_range: (usize, usize),
    projected: bool,
    taken: &Taken,
) -> Option<Insertion> {
    let ct = bg.modality == Modality::Ct;
    let radiograph = matches!(bg.modality, Modality::Cr | Modality::Dx);
    // an unmasked chest CT finds its lung by density (aerated lung is -950..-600 HU), in a
    // slice and in a volume to be projected alike; without labels `bg.lung` is empty too.
    // (Until 2026-12-07 a projected volume needed the mask, so an unmasked chest volume's
    // films could never carry a tumour: tumour-free training radiographs, not negatives drawn.)
    let lung_density = ct && labels.is_none() && bg.entry.body_part.eq_ignore_ascii_case("CHEST");
    if projected && bg.lung.is_empty() && !lung_density {
        return None;
    }
    let lung_ok = ct && (!bg.lung.is_empty() || lung_density) && (projected || rng.chance(0.6));
    let liver_ok = ct && !bg.liver.is_empty();
    let (site, diameter, blend, min_change, spiculate): (&str, f32, Blend, f32, bool);
    let ok: Box<dyn Fn(usize) -> bool + '_>;
    if lung_ok {
        site = "lung";
        diameter = rng.range(6.0, 25.0);
        // a solid nodule: soft-tissue density replacing aerated lung
        blend = Blend::Replace(rng.range(-60.0, 80.0));
        min_change = 150.0;
        spiculate = true;
        ok = if lung_density {
            let data = &v.data;
            let aerated: Vec<bool> = data
                .iter()
                .map(|&h| (-950.0..=-600.0).contains(&h))
                .collect();
            Box::new(move |i| aerated[i])
        } else {
            Box::new(|i| in_set(labels, &bg.lung, i))
        };
    } else if liver_ok {
        site = "liver";
        diameter = rng.range(10.0, 40.0);
        blend = match rng.int(0, 2) {
            0 => Blend::Add(-rng.range(20.0, 60.0)),
            1 => Blend::Add(rng.range(15.0, 45.0)),
            _ => Blend::RingAdd(rng.range(30.0, 60.0)),
        };
        min_change = 10.0;
        spiculate = false;
        ok = Box::new(|i| in_set(labels, &bg.liver, i));
    } else if ct {
        // brain or soft tissue by density (no mask): 0..85 HU all round
        site = if bg.entry.body_part.eq_ignore_ascii_case("HEAD") {
            "brain"
        } else {
            "soft-tissue"
        };
        diameter = rng.range(8.0, 30.0);
        blend = match rng.int(0, 2) {
            0 => Blend::Add(-rng.range(10.0, 30.0)),
            1 => Blend::Add(rng.range(12.0, 35.0)),
            _ => Blend::RingAdd(rng.range(12.0, 30.0)),
        };
        min_change = 6.0;
        spiculate = false;
        let data = &v.data;
        // wide enough for the tissue's noise: every one of 14 points must fall in it
        let within: Vec<bool> = data.iter().map(|&h| (0.0..=85.0).contains(&h)).collect();
        ok = Box::new(move |i| within[i]);
    } else if radiograph {
        site = if bg.entry.body_part.eq_ignore_ascii_case("CHEST") {
            "lung"
        } else {
            "soft-tissue"
        };
        diameter = rng.range(8.0, 30.0);
        let span = bg.p[2] - bg.p[0];
        // projected extra attenuation: a few per cent of the image's range
        blend = Blend::Add(rng.range(0.03, 0.10) * span);
        min_change = 0.01 * span;
        spiculate = true;
        let (lo, hi) = (bg.p[0] + 0.15 * span, bg.p[0] + 0.6 * span);
        let within: Vec<bool> = v.data.iter().map(|&x| x >= lo && x <= hi).collect();
        ok = Box::new(move |i| within[i]);
    } else {
        // MR: brain (or other) tissue between the median and the 99th percentile
        site = if bg.entry.body_part.eq_ignore_ascii_case("HEAD")
            || bg.entry.body_part.eq_ignore_ascii_case("BRAIN")
        {
            "brain"
        } else {
            "soft-tissue"
        };
        diameter = rng.range(6.0, 30.0);
        blend = match rng.int(0, 2) {
            0 => Blend::Scale(-rng.range(0.2, 0.5)),
            1 => Blend::Scale(rng.range(0.2, 0.5)),
            _ => Blend::RingScale(rng.range(0.3, 0.6)),
        };
        min_change = 0.08 * bg.p[1];
        spiculate = false;
        let (lo, hi) = (bg.p[1] * 0.9, bg.p[2]);
        let within: Vec<bool> = v.data.iter().map(|&x| x >= lo && x <= hi).collect();
        ok = Box::new(move |i| within[i]);
    }
    // lobes and spicules together reach out to about 3.2 times the mean radius
    let center = find_site(v, rng, z_range, 0.5 * diameter, &|i| {
        ok(i) && taken.clear(v, i, 1.6 * diameter)
    })?;
    drop(ok);
    let shape = Shape::draw(rng, center, diameter, spiculate);
    let pattern = match blend {
        Blend::Add(c) | Blend::Scale(c) if c < 0.0 => "hypo",
        Blend::Add(_) | Blend::Scale(_) => "hyper",
        Blend::Replace(_) => "solid",
        Blend::RingAdd(_) | Blend::RingScale(_) => "ring",
    };
    let detail = format!("{site};{};{pattern}", shape.margin);
    let ins = insert_tumor(v, &shape, blend, bg.noise, min_change, rng, &detail);
    (!ins.records.is_empty()).then_some(ins)
}

/// Inserts a fracture across a bone; `None` when the background has no bone to break here.
pub(super) fn add_fracture(
    bg: &Loaded,
    v: &mut Volume,
    labels: &Option<Vec<u16>>,
    rng: &mut Rng,
    z_range: (usize, usize),
    taken: &Taken,
) -> Option<Insertion> {
    let ct = bg.modality == Modality::Ct;
    let radiograph = matches!(bg.modality, Modality::Cr | Modality::Dx);
    if !(ct || radiograph) {
        return None;
    }
    let [nx, ny, _] = v.dims;
    // a fracture's change reaches at most 14 mm from the bone's axis and 14 mm along it, and
    // its fragment moves by up to 3 mm
    let reach = 14.0 * std::f32::consts::SQRT_2 + 3.0;
    for _ in 0..60 {
        let (site, name, levels): ([usize; 3], &str, BoneLevels);
        let is_bone: Box<dyn Fn(usize) -> bool + '_>;
        if ct {
            let with_mask = !bg.bone.is_empty();
            // without a bone mask the site must be cortex: trabecular bone (150-400 HU) is
            // matched by contrast-filled vessels, and a fracture there left 9 in 84 records
            // with no voxel of 500 HU in their circle
            let floor = if with_mask { 300.0 } else { 500.0 };
            let c = find_site(v, rng, z_range, 0.0, &|i| {
                v.data[i] > floor
                    && (!with_mask || in_set(labels, &bg.bone, i))
                    && taken.clear(v, i, reach)
            })?;
            site = [c[0] as usize, c[1] as usize, c[2] as usize];
            let i = v.idx(site[0], site[1], site[2]);
            name = match labels.as_ref().map(|l| l[i]) {
                Some(_) if with_mask => "rib-or-vertebra",
                _ if bg.entry.body_part.eq_ignore_ascii_case("HEAD") => "skull",
                _ => "bone",
            };
            levels = BoneLevels {
                soft: 35.0,
                bone_lo: 150.0,
                bone_hi: 450.0,
            };
            let label = labels.as_ref().map(|l| l[i]);
            let vd = &v.data;
            is_bone = Box::new(move |j| {
                vd[j] > 200.0
                    && (label.is_none() || !with_mask || labels.as_ref().map(|l| l[j]) == label)
            });
        } else {
            // a cortex: a strong edge on the bright side of the image, away from the border,
            // with bone of finite width behind it (walking into the bright side, the values
            // fall back to soft tissue within 40 mm): the edge of the exposed field and the
            // film's border are straight bright edges too, but bright all the way out
            let span = bg.p[2] - bg.p[0];
            let soft = bg.p[0] + 0.35 * span;
            let (mx, my) = ((nx / 20).max(3), (ny / 20).max(3));
            let mut best: Option<(f32, usize, usize)> = None;
            for _ in 0..1500 {
                let x = rng.int(mx as u32, (nx - mx) as u32) as usize;
                let y = rng.int(my as u32, (ny - my) as u32) as usize;
                let g = |dx: isize, dy: isize| {
                    v.get(x as isize + dx, y as isize + dy, 0).unwrap_or(0.0)
                };
                let gx = g(1, 0) - g(-1, 0);
                let gy = g(0, 1) - g(0, -1);
                let mag = (gx * gx + gy * gy).sqrt();
                if g(0, 0) <= bg.p[0] + 0.55 * span
                    || mag <= 0.08 * span
                    || !taken.clear(v, v.idx(x, y, 0), reach)
                    || best.is_some_and(|(m, ..)| mag <= m)
                {
                    continue;
                }
                let (ux, uy) = (gx / mag, gy / mag);
                let steps = (40.0 / v.spacing[0]).ceil() as usize;
                let min_width = (2.0 / v.spacing[0]).ceil() as usize;
                let width = (1..=steps).find(|&k| {
                    let p = v.get(
                        (x as f32 + ux * k as f32).round() as isize,
                        (y as f32 + uy * k as f32).round() as isize,
                        0,
                    );
                    // off the image counts as "still bright": not a bone
                    p.is_some_and(|p| p < soft)
                });
                if width.is_some_and(|w| w >= min_width) {
                    best = Some((mag, x, y));
                }
            }
            // no cortex among these samples: draw others (returning here left three in four
            // real-CR cases without the fracture they were planned to have)
            let Some((_, x, y)) = best else {
                continue;
            };
            site = [x, y, 0];
            let part = bg.entry.body_part.to_ascii_uppercase();
            name = match part.as_str() {
                "CHEST" => "rib",
                "LEG" | "ARM" | "EXTREMITY" | "LOWEXM" | "UPREXM" => "long-bone",
                // a full-spine film: vertebrae, ribs, pelvis, clavicles
                _ => "bone",
            };
            let lo = bg.p[0] + 0.45 * span;
            levels = BoneLevels {
                soft: bg.p[0] + 0.35 * span,
                bone_lo: lo,
                bone_hi: bg.p[0] + 0.7 * span,
            };
            let vd = &v.data;
            is_bone = Box::new(move |j| vd[j] > lo);
        }
        let Some((axis, across)) = bone_axis(v, site, 8.0, is_bone.as_ref()) else {
            continue;
        };
        drop(is_bone);
        // the break runs across the bone: its plane's normal is the long axis, tilted a little
        let tilt = [
            rng.normal() * 0.2,
            rng.normal() * 0.2,
            if v.dims[2] > 1 {
                rng.normal() * 0.2
            } else {
                0.0
            },
        ];
        let mut n = [axis[0] + tilt[0], axis[1] + tilt[1], axis[2] + tilt[2]];
        let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt().max(1e-6);
        n.iter_mut().for_each(|a| *a /= len);
        // displacement across the axis
        let r = [
            rng.normal(),
            rng.normal(),
            if v.dims[2] > 1 { rng.normal() } else { 0.0 },
        ];
        let d = r[0] * n[0] + r[1] * n[1] + r[2] * n[2];
        let mut s = [r[0] - d * n[0], r[1] - d * n[1], r[2] - d * n[2]];
        let sl = (s[0] * s[0] + s[1] * s[1] + s[2] * s[2]).sqrt().max(1e-6);
        let shift = rng.range(0.0, 3.0);
        s.iter_mut().for_each(|a| *a *= shift / sl);
        let gap = rng.range(0.8, 3.0);
        let reach = (3.0 * across).clamp(5.0, 14.0);
        let width = 4.0 * across;
        let min_change = if ct {
            120.0
        } else {
            0.05 * (bg.p[2] - bg.p[0])
        };
        let detail = format!("{name};gap {gap:.1}mm;shift {shift:.1}mm");
        let noise = if ct { bg.noise } else { 0.0 };
        let ins = insert_fracture(
            v, site, n, gap, s, reach, levels, noise, min_change, rng, width, &detail,
        );
        if !ins.records.is_empty() {
            return Some(ins);
        }
    }
    None
}
