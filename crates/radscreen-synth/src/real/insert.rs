//! Findings inserted into real images and volumes: tumours and nodules as 3-D shapes with
//! lobulated or spiculated margins and a partial-volume edge, blended into the local texture
//! (added to it, scaled with it, or replacing it with tissue plus matched noise), and fractures
//! as a cortical gap with a displaced fragment. Each insertion reports, per slice, the pixels it
//! changed, so the ground truth is measured from the image rather than assumed.

use crate::lesion::{Finding, Lesion};
use crate::real::volume::Volume;
use crate::rng::Rng;

/// How a tumour changes the values it covers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Blend {
    /// `v + a·c`: contrast added to the tissue's own texture (CT organs, radiographs).
    Add(f32),
    /// `v·(1 + a·c)`: relative change (MR signal).
    Scale(f32),
    /// `(1 − a)·v + a·(c + noise)`: the tissue replaced by a solid of value `c` with the
    /// volume's noise (a solid nodule in aerated lung).
    Replace(f32),
    /// Ring enhancement: rim `+c`, necrotic core `−c/2`, added (CT) to the texture.
    RingAdd(f32),
    /// Ring enhancement as a relative change (MR): rim `×(1 + c)`, core `×(1 − c/2)`.
    RingScale(f32),
}

/// What one insertion did: the per-slice records of the voxels it visibly changed, and every
/// voxel it touched with its value before (for projecting the change into a radiograph).
#[derive(Clone, Debug, Default)]
pub struct Insertion {
    /// (slice index, record) for each slice where the change reaches the visibility threshold.
    pub records: Vec<(usize, Lesion)>,
    /// (linear voxel index, value before) for every voxel written.
    pub changed: Vec<(usize, f32)>,
}

/// A closed 3-D shape around a centre: a sphere whose radius varies with direction.
#[derive(Clone, Debug)]
pub struct Shape {
    /// Centre in voxel coordinates (x, y, z).
    pub center: [f32; 3],
    /// Mean radius, mm.
    pub radius_mm: f32,
    lobes: Vec<([f32; 3], f32)>,
    spikes: Vec<[f32; 3]>,
    spike_reach: f32,
    /// `round`, `lobulated` or `spiculated`.
    pub margin: &'static str,
}

fn unit_vector(rng: &mut Rng) -> [f32; 3] {
    loop {
        let v = [rng.normal(), rng.normal(), rng.normal()];
        let n = dot(v, v).sqrt();
        if n > 1e-3 {
            return [v[0] / n, v[1] / n, v[2] / n];
        }
    }
}

fn dot(a: [f32; 3], b: [f32; 3]) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Offset in mm from voxel position `c` to voxel position `p`.
fn offset_mm(v: &Volume, p: [f32; 3], c: [f32; 3]) -> [f32; 3] {
    [
        (p[0] - c[0]) * v.spacing[0],
        (p[1] - c[1]) * v.spacing[1],
        (p[2] - c[2]) * v.spacing[2],
    ]
}

fn smooth(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

impl Shape {
    /// Draws a margin (round, lobulated or spiculated) for a lesion of `diameter_mm` at `center`.
    pub fn draw(rng: &mut Rng, center: [f32; 3], diameter_mm: f32, allow_spicules: bool) -> Self {
        let kind = rng.int(0, if allow_spicules { 2 } else { 1 });
        let mut s = Self {
            center,
            radius_mm: 0.5 * diameter_mm,
            lobes: Vec::new(),
            spikes: Vec::new(),
            spike_reach: 0.0,
            margin: ["round", "lobulated", "spiculated"][kind as usize],
        };
        if kind >= 1 {
            for _ in 0..rng.int(2, 4) {
                s.lobes.push((unit_vector(rng), rng.range(0.08, 0.22)));
            }
        }
        if kind == 2 {
            for _ in 0..rng.int(6, 14) {
                s.spikes.push(unit_vector(rng));
            }
            s.spike_reach = rng.range(0.5, 1.0);
        }
        s
    }

    /// Radius (mm) in direction `u` (a unit vector).
    pub fn radius(&self, u: [f32; 3]) -> f32 {
        let mut f = 1.0;
        for &(v, a) in &self.lobes {
            // a smooth bulge towards +v and a slight dent elsewhere
            f += a * (2.0 * dot(u, v) * dot(u, v) - 0.66);
        }
        for &v in &self.spikes {
            let c = dot(u, v).max(0.0);
            f += self.spike_reach * c.powi(48);
        }
        self.radius_mm * f.max(0.3)
    }

    /// Largest radius in any direction, mm.
    pub fn max_radius(&self) -> f32 {
        let lob: f32 = self.lobes.iter().map(|&(_, a)| 1.34 * a).sum();
        self.radius_mm * (1.0 + lob + self.spike_reach)
    }

    /// Fraction (0..1) of the voxel at `p` (voxel coordinates) inside the shape, with an edge
    /// of `edge_mm` and sub-samples along z for thick slices (partial volume).
    fn alpha(&self, v: &Volume, p: [f32; 3], edge_mm: f32) -> f32 {
        let [sx, sy, sz] = v.spacing;
        let subs: &[f32] = if sz > 1.5 * sx.max(sy) {
            &[-1.0 / 3.0, 0.0, 1.0 / 3.0]
        } else {
            &[0.0]
        };
        let mut acc = 0.0;
        for &dz in subs {
            let d = offset_mm(v, [p[0], p[1], p[2] + dz], self.center);
            let r = dot(d, d).sqrt();
            let rr = if r < 1e-4 {
                self.radius_mm
            } else {
                self.radius([d[0] / r, d[1] / r, d[2] / r])
            };
            acc += smooth((rr - r) / edge_mm + 0.5);
        }
        acc / subs.len() as f32
    }
}

/// Voxel bounds `[lo, hi)` along each axis of a box of half-width `mm` around `c`.
fn bounds(v: &Volume, c: [f32; 3], mm: f32) -> [(usize, usize); 3] {
    let mut b = [(0, 0); 3];
    for a in 0..3 {
        let h = (mm / v.spacing[a]).min(v.dims[a] as f32);
        let lo = (c[a] - h).floor().max(0.0) as usize;
        let hi = ((c[a] + h).ceil().max(0.0) as usize)
            .saturating_add(1)
            .min(v.dims[a]);
        b[a] = (lo.min(hi), hi);
    }
    b
}

/// Standard deviation of the image noise, from differences of horizontal neighbours whose
/// values lie in `range` (a homogeneous tissue: soft tissue for CT).
pub fn noise_sigma(v: &Volume, range: (f32, f32)) -> f32 {
    let (mut n, mut s2) = (0usize, 0f64);
    let [nx, ny, nz] = v.dims;
    let stride = (nz / 24).max(1);
    for z in (0..nz).step_by(stride) {
        let sl = v.slice(z);
        for y in 0..ny {
            for x in 0..nx.saturating_sub(1) {
                let (a, b) = (sl[y * nx + x], sl[y * nx + x + 1]);
                if a >= range.0 && a <= range.1 && b >= range.0 && b <= range.1 {
                    s2 += f64::from((a - b) * (a - b));
                    n += 1;
                }
            }
        }
    }
    if n < 100 {
        return 0.0;
    }
    ((s2 / n as f64 / 2.0).sqrt()) as f32
}

/// Per-slice records of the voxels an insertion changed: for every slice with at least one
/// voxel where `changed` holds, the centroid, a covering radius and the mean change.
pub(super) fn records(
    v: &Volume,
    before: &[(usize, f32)],
    min_change: f32,
    finding: Finding,
    size_mm: f32,
    detail: &str,
) -> Vec<(usize, Lesion)> {
    // per slice: (row, col, change, whether it reaches `min_change`)
    let mut per: std::collections::BTreeMap<usize, Vec<(f32, f32, f32, bool)>> = Default::default();
    for &(i, old) in before {
        let d = v.data[i] - old;
        // the rim: what changed by half the threshold lies inside the circle too (a fracture's
        // fragment fades out along the bone, and a circle drawn to the threshold alone left
        // changes of 80-95 % of it just outside)
        if d.abs() >= 0.5 * min_change {
            let [x, y, z] = v.coords(i);
            per.entry(z)
                .or_default()
                .push((y as f32, x as f32, d, d.abs() >= min_change));
        }
    }
    per.into_iter()
        .filter_map(|(z, px)| {
            let strong: Vec<_> = px.iter().filter(|p| p.3).collect();
            if strong.is_empty() {
                return None;
            }
            let n = strong.len() as f32;
            let (row, col) = (
                strong.iter().map(|p| p.0).sum::<f32>() / n,
                strong.iter().map(|p| p.1).sum::<f32>() / n,
            );
            let dist = |p: &(f32, f32, f32, bool)| (p.0 - row).hypot(p.1 - col);
            // the rim widens the circle by at most 4 px: a fragment resampled from textured
            // tissue scatters faint changes far along the bone, which are not the finding
            let strong_r = strong.iter().map(|p| dist(p)).fold(0.0, f32::max);
            let rim_r = px.iter().map(dist).fold(0.0, f32::max);
            let radius = rim_r.min(strong_r + 4.0) + 0.5;
            let contrast = strong.iter().map(|p| p.2).sum::<f32>() / n;
            Some((
                z,
                Lesion {
                    finding,
                    row,
                    col,
                    radius_px: radius.max(1.0),
                    size_mm,
                    contrast,
                    detail: detail.to_string(),
                },
            ))
        })
        .collect()
}

/// Inserts a tumour of `shape` with `blend`; `noise` is the image noise σ (for `Replace`).
/// Returns the per-slice records (slice index, lesion) of voxels changed by at least
/// `min_change` (in image units), which a detector could see.
pub fn insert_tumor(
    v: &mut Volume,
    shape: &Shape,
    blend: Blend,
    noise: f32,
    min_change: f32,
    rng: &mut Rng,
    detail: &str,
) -> Insertion {
    let edge = 0.8 * v.spacing[0].min(v.spacing[1]).max(0.4);
    let b = bounds(v, shape.center, shape.max_radius() + 2.0 * edge);
    let r_mm = shape.radius_mm;
    let mut before = Vec::new();
    for z in b[2].0..b[2].1 {
        for y in b[1].0..b[1].1 {
            for x in b[0].0..b[0].1 {
                let p = [x as f32, y as f32, z as f32];
                let a = shape.alpha(v, p, edge);
                if a <= 0.0 {
                    continue;
                }
                let i = v.idx(x, y, z);
                let old = v.data[i];
                // distance from the centre relative to the radius, for the ring's rim
                let dd = offset_mm(v, p, shape.center);
                let d = dot(dd, dd).sqrt() / r_mm.max(1e-3);
                let rim = smooth((d - 0.45) / 0.25);
                v.data[i] = match blend {
                    Blend::Add(c) => old + a * c,
                    Blend::Scale(c) => old * (1.0 + a * c),
                    Blend::Replace(c) => (1.0 - a) * old + a * (c + noise * rng.normal()),
                    Blend::RingAdd(c) => old + a * (rim * c - (1.0 - rim) * 0.5 * c),
                    Blend::RingScale(c) => old * (1.0 + a * (rim * c - (1.0 - rim) * 0.5 * c)),
                };
                before.push((i, old));
            }
        }
    }
    let size = 2.0 * r_mm;
    let records = records(v, &before, min_change, Finding::Tumor, size, detail);
    Insertion {
        records,
        changed: before,
    }
}

/// What counts as bone and as the soft tissue around it, near one fracture site (image units).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoneLevels {
    /// Value of the surrounding soft tissue (fills the gap).
    pub soft: f32,
    /// Below this a voxel is not bone at all.
    pub bone_lo: f32,
    /// At and above this a voxel is fully bone (cortex).
    pub bone_hi: f32,
}

/// The bone's long axis at `site`: the principal direction (mm space) of the voxels within
/// `radius_mm` for which `is_bone` holds, and the spread across it (σ, mm).
pub fn bone_axis(
    v: &Volume,
    site: [usize; 3],
    radius_mm: f32,
    is_bone: impl Fn(usize) -> bool,
) -> Option<([f32; 3], f32)> {
    let c = [site[0] as f32, site[1] as f32, site[2] as f32];
    let b = bounds(v, c, radius_mm);
    let mut pts = Vec::new();
    for z in b[2].0..b[2].1 {
        for y in b[1].0..b[1].1 {
            for x in b[0].0..b[0].1 {
                let d = offset_mm(v, [x as f32, y as f32, z as f32], c);
                if dot(d, d) <= radius_mm * radius_mm && is_bone(v.idx(x, y, z)) {
                    pts.push(d);
                }
            }
        }
    }
    if pts.len() < 8 {
        return None;
    }
    let n = pts.len() as f32;
    let mut m = [0.0f32; 3];
    for p in &pts {
        for a in 0..3 {
            m[a] += p[a] / n;
        }
    }
    let mut cov = [[0.0f32; 3]; 3];
    for p in &pts {
        for i in 0..3 {
            for j in 0..3 {
                cov[i][j] += (p[i] - m[i]) * (p[j] - m[j]) / n;
            }
        }
    }
    // power iteration: the largest eigenvector is the bone's long axis
    let mut e = [1.0f32, 0.7, 0.3];
    let mut lambda = 0.0;
    for _ in 0..50 {
        let w = [dot(cov[0], e), dot(cov[1], e), dot(cov[2], e)];
        let l = dot(w, w).sqrt();
        if l < 1e-9 {
            return None;
        }
        e = [w[0] / l, w[1] / l, w[2] / l];
        lambda = l;
    }
    let trace = cov[0][0] + cov[1][1] + cov[2][2];
    // mean variance across the axis: the bone's half-width scale
    let across = ((trace - lambda) / 2.0).max(0.0).sqrt();
    Some((e, across))
}

/// Inserts a fracture at `site` across a bone whose long axis is `axis`: a gap of `gap_mm`
/// through the bone (bone values fall to `levels.soft` plus noise), and the fragment on one
/// side shifted by `shift_mm` (a vector across the axis), both fading out within `reach_mm` of
/// the axis. Records voxels changed by at least `min_change`.
#[allow(clippy::too_many_arguments)]
pub fn insert_fracture(
    v: &mut Volume,
    site: [usize; 3],
    axis: [f32; 3],
    gap_mm: f32,
    shift_mm: [f32; 3],
    reach_mm: f32,
    levels: BoneLevels,
    noise: f32,
    min_change: f32,
    rng: &mut Rng,
    size_mm: f32,
    detail: &str,
) -> Insertion {
    let c = [site[0] as f32, site[1] as f32, site[2] as f32];
    let shift_len = dot(shift_mm, shift_mm).sqrt();
    let b = bounds(v, c, reach_mm + shift_len + 2.0);
    let orig = v.clone();
    let edge = 0.5 * v.spacing[0].min(v.spacing[1]).max(0.3);
    let boneness =
        |val: f32| smooth((val - levels.bone_lo) / (levels.bone_hi - levels.bone_lo).max(1e-3));
    let mut before = Vec::new();
    for z in b[2].0..b[2].1 {
        for y in b[1].0..b[1].1 {
            for x in b[0].0..b[0].1 {
                let d = offset_mm(v, [x as f32, y as f32, z as f32], c);
                let along = dot(d, axis);
                let perp = [
                    d[0] - along * axis[0],
                    d[1] - along * axis[1],
                    d[2] - along * axis[2],
                ];
                let r_perp = dot(perp, perp).sqrt();
                let taper = smooth((reach_mm - r_perp) / (0.3 * reach_mm));
                if taper <= 0.0 {
                    continue;
                }
                let i = v.idx(x, y, z);
                let old = orig.data[i];
                let mut val = old;
                if along > 0.0 {
                    // the fragment: read from where it came from, fading with distance
                    let fade = taper * smooth((reach_mm - along) / (0.5 * reach_mm));
                    let src = [
                        x as f32 - fade * shift_mm[0] / v.spacing[0],
                        y as f32 - fade * shift_mm[1] / v.spacing[1],
                        z as f32 - fade * shift_mm[2] / v.spacing[2],
                    ];
                    val = orig.sample(src[0], src[1], src[2]);
                }
                let in_gap = smooth((0.5 * gap_mm - along.abs()) / edge + 0.5) * taper;
                let bone = boneness(val);
                if in_gap > 0.0 && bone > 0.0 {
                    let fill = levels.soft + noise * rng.normal();
                    val += in_gap * bone * (fill - val);
                }
                if val != old {
                    v.data[i] = val;
                    before.push((i, old));
                }
            }
        }
    }
    let records = records(v, &before, min_change, Finding::Fracture, size_mm, detail);
    Insertion {
        records,
        changed: before,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_at(v: &Volume, z: usize, row: f32, col: f32, r: f32, inside: bool) -> f32 {
        let [nx, ny, _] = v.dims;
        let (mut s, mut n) = (0.0, 0);
        for y in 0..ny {
            for x in 0..nx {
                let d = ((y as f32 - row).powi(2) + (x as f32 - col).powi(2)).sqrt();
                if (inside && d < 0.5 * r) || (!inside && d > r + 2.0 && d < r + 6.0) {
                    s += v.data[v.idx(x, y, z)];
                    n += 1;
                }
            }
        }
        s / n as f32
    }

    #[test]
    fn a_replaced_nodule_has_its_value_and_its_size() {
        let mut v = Volume::filled([64, 64, 9], [0.7, 0.7, 2.5], -850.0);
        let mut rng = Rng::keyed(1, &[1]);
        let shape = Shape {
            center: [32.0, 30.0, 4.0],
            radius_mm: 7.0,
            lobes: Vec::new(),
            spikes: Vec::new(),
            spike_reach: 0.0,
            margin: "round",
        };
        let recs = insert_tumor(
            &mut v,
            &shape,
            Blend::Replace(30.0),
            0.0,
            100.0,
            &mut rng,
            "lung",
        )
        .records;
        let mid = recs
            .iter()
            .find(|(z, _)| *z == 4)
            .expect("centre slice recorded");
        let l = &mid.1;
        assert!(
            (l.row - 30.0).abs() < 0.5 && (l.col - 32.0).abs() < 0.5,
            "{l:?}"
        );
        // 7 mm radius at 0.7 mm pixels: 10 px, plus the half-pixel cover
        assert!((l.radius_px - 10.5).abs() < 1.2, "{}", l.radius_px);
        let inside = mean_at(&v, 4, l.row, l.col, l.radius_px, true);
        assert!((inside - 30.0).abs() < 5.0, "{inside}");
        // the slices it spans: ±7 mm at 2.5 mm is ±2 slices, with partial volume beyond
        let zs: Vec<usize> = recs.iter().map(|r| r.0).collect();
        assert!(
            zs.contains(&2) && zs.contains(&6) && !zs.contains(&0),
            "{zs:?}"
        );
    }

    #[test]
    fn an_added_tumour_keeps_the_texture() {
        let mut v = Volume::filled([48, 48, 1], [0.8, 0.8, 0.8], 60.0);
        let mut rng = Rng::keyed(2, &[1]);
        rng.fill_normal(&mut v.data);
        v.data.iter_mut().for_each(|x| *x = 60.0 + 10.0 * *x);
        let orig = v.clone();
        let shape = Shape::draw(&mut rng, [24.0, 24.0, 0.0], 12.0, false);
        let recs = insert_tumor(
            &mut v,
            &shape,
            Blend::Add(-40.0),
            0.0,
            20.0,
            &mut rng,
            "liver",
        )
        .records;
        assert_eq!(recs.len(), 1);
        let i = v.idx(24, 24, 0);
        assert!((v.data[i] - (orig.data[i] - 40.0)).abs() < 1e-3);
        assert!(
            (recs[0].1.contrast + 40.0).abs() < 12.0,
            "{}",
            recs[0].1.contrast
        );
    }

    #[test]
    fn a_fracture_opens_a_gap_in_the_bone_only() {
        // a bone along x: a bar of 800 HU, 8 voxels thick, in soft tissue of 40 HU
        let mut v = Volume::filled([60, 30, 1], [0.5, 0.5, 0.5], 40.0);
        for y in 11..19 {
            for x in 0..60 {
                let i = v.idx(x, y, 0);
                v.data[i] = 800.0;
            }
        }
        let (axis, across) = bone_axis(&v, [30, 15, 0], 6.0, |i| v.data[i] > 300.0).unwrap();
        assert!(axis[0].abs() > 0.95, "{axis:?}");
        assert!(across > 0.5 && across < 2.5, "{across}");
        let levels = BoneLevels {
            soft: 40.0,
            bone_lo: 150.0,
            bone_hi: 400.0,
        };
        let mut rng = Rng::keyed(3, &[1]);
        let recs = insert_fracture(
            &mut v,
            [30, 15, 0],
            axis,
            1.5,
            [0.0, 1.0, 0.0],
            6.0,
            levels,
            0.0,
            100.0,
            &mut rng,
            4.0,
            "rib",
        )
        .records;
        assert_eq!(recs.len(), 1);
        // the gap at the site is soft tissue now; soft tissue far away is untouched
        assert!(v.data[v.idx(30, 15, 0)] < 100.0);
        assert_eq!(v.data[v.idx(30, 2, 0)], 40.0);
        assert_eq!(v.data[v.idx(5, 15, 0)], 800.0);
        let l = &recs[0].1;
        assert!((l.col - 30.0).abs() < 4.0 && l.contrast < 0.0, "{l:?}");
    }

    /// A record's centre and contrast are those of what reaches the threshold; its circle also
    /// holds the rim that changed by half of it, up to 4 px beyond the strong part.
    #[test]
    fn a_record_circle_holds_the_faint_rim() {
        let mut v = Volume::filled([40, 40, 1], [1.0; 3], 0.0);
        let mut before = Vec::new();
        let put = |v: &mut Volume, before: &mut Vec<(usize, f32)>, r: usize, c: usize, d: f32| {
            let i = v.idx(c, r, 0);
            before.push((i, 0.0));
            v.data[i] = d;
        };
        // 3×3 of +100 at (10, 10) and a rim of +60 along the row out to column 14
        for r in 9..12 {
            for c in 9..12 {
                put(&mut v, &mut before, r, c, 100.0);
            }
        }
        for c in 12..=14 {
            put(&mut v, &mut before, 10, c, 60.0);
        }
        let rec = |v: &Volume, before: &[(usize, f32)], t: f32| {
            records(v, before, t, Finding::Fracture, 5.0, "bone")
        };
        let l = rec(&v, &before, 100.0)[0].1.clone();
        assert!(
            (l.row - 10.0).abs() < 1e-4 && (l.col - 10.0).abs() < 1e-4,
            "{l:?}"
        );
        assert_eq!(l.contrast, 100.0);
        assert_eq!(l.radius_px, 4.5);
        // a faint change far out (column 30) widens the circle by 4 px beyond the strong part
        put(&mut v, &mut before, 10, 30, 60.0);
        let l = rec(&v, &before, 100.0)[0].1.clone();
        assert!((l.radius_px - (2f32.sqrt() + 4.5)).abs() < 1e-4, "{l:?}");
        // below half the threshold the rim is not the finding's, and nothing reaches 130
        assert!(rec(&v, &before, 130.0).is_empty());
    }

    #[test]
    fn noise_sigma_measures_white_noise() {
        let mut v = Volume::filled([128, 128, 1], [1.0; 3], 0.0);
        Rng::keyed(4, &[1]).fill_normal(&mut v.data);
        v.data.iter_mut().for_each(|x| *x = 40.0 + 12.0 * *x);
        let s = noise_sigma(&v, (-1000.0, 1000.0));
        assert!((s - 12.0).abs() < 0.6, "{s}");
    }
}
