//! Digitally reconstructed radiographs: a CT volume's Hounsfield units turned into linear
//! attenuation and summed along parallel rays (posterior-anterior or lateral), resampled to a
//! fine detector grid, with quantum noise and the edge enhancement a CR/DX system applies
//! before display. Findings inserted into the volume in 3-D project as they would.

use crate::lesion::{Finding, Lesion};
use crate::raster::gaussian;
use crate::real::volume::Volume;
use crate::rng::Rng;

pub use crate::attenuation::{MU_WATER_PER_MM, mu};

/// Direction of the rays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Along the patient's y axis: a frontal (PA) chest film, patient's right on the image's left.
    Frontal,
    /// Along the patient's x axis: a lateral film, anterior on the image's left.
    Lateral,
}

/// Line integrals ∫μ ds on the volume's own grid, `[z][u]` with `u` across the image.
fn integrals(v: &Volume, view: View) -> (Vec<f32>, usize) {
    let [nx, ny, nz] = v.dims;
    let (nu, step) = match view {
        View::Frontal => (nx, v.spacing[1]),
        View::Lateral => (ny, v.spacing[0]),
    };
    let mut p = vec![0f32; nz * nu];
    for z in 0..nz {
        let sl = v.slice(z);
        let row = &mut p[z * nu..(z + 1) * nu];
        for y in 0..ny {
            for x in 0..nx {
                let m = mu(sl[y * nx + x]) * step;
                match view {
                    View::Frontal => row[x] += m,
                    View::Lateral => row[y] += m,
                }
            }
        }
    }
    (p, nu)
}

/// The change (∫Δμ ds) that voxels changed in `v` (indices and old values) make to each ray
/// along `view`, keyed by (position across the image, slice).
fn projected_change(
    v: &Volume,
    changed: &[(usize, f32)],
    view: View,
) -> std::collections::BTreeMap<(usize, usize), f32> {
    let [nx, ny, _] = v.dims;
    let step = match view {
        View::Frontal => v.spacing[1],
        View::Lateral => v.spacing[0],
    };
    // ordered: `record` sums over it in f32, and a HashMap's per-process random order made
    // lesions.csv differ in the last digits between two runs of one seed
    let mut acc: std::collections::BTreeMap<(usize, usize), f32> = Default::default();
    for &(i, old) in changed {
        let z = i / (nx * ny);
        let u = match view {
            View::Frontal => i % nx,
            View::Lateral => (i % (nx * ny)) / nx,
        };
        *acc.entry((u, z)).or_default() += (mu(v.data[i]) - mu(old)) * step;
    }
    acc
}

/// The largest change (∫Δμ ds) that voxels changed in `v` make to any ray along `view`: below
/// a few hundredths a change is lost in a radiograph's noise.
pub fn projected_peak(v: &Volume, changed: &[(usize, f32)], view: View) -> f32 {
    projected_change(v, changed, view)
        .values()
        .fold(0f32, |m, d| m.max(d.abs()))
}

/// A film record's footprint: where the projected change reaches this fraction of its peak.
pub const RECORD_FRACTION: f32 = 0.15;

/// A projected radiograph in log-attenuation units (∫μ ds) on a square-pixel detector grid.
#[derive(Clone, Debug)]
pub struct Projection {
    /// Rows (superior at the top).
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Detector pixel size, mm.
    pub pixel_mm: f32,
    /// ∫μ ds per pixel, row-major.
    pub px: Vec<f32>,
    view: View,
    src_step: [f32; 2],
    src_dims: [usize; 2],
}

impl Projection {
    /// Projects `v` along `view` and resamples to `pixel_mm` (bilinear).
    pub fn new(v: &Volume, view: View, pixel_mm: f32) -> Self {
        let (p, nu) = integrals(v, view);
        let nz = v.dims[2];
        let su = match view {
            View::Frontal => v.spacing[0],
            View::Lateral => v.spacing[1],
        };
        let sz = v.spacing[2];
        let cols = ((nu as f32 * su) / pixel_mm).floor().max(1.0) as usize;
        let rows = ((nz as f32 * sz) / pixel_mm).floor().max(1.0) as usize;
        let mut out = Projection {
            rows,
            cols,
            pixel_mm,
            px: vec![0.0; rows * cols],
            view,
            src_step: [su, sz],
            src_dims: [nu, nz],
        };
        for r in 0..rows {
            for c in 0..cols {
                let (u, z) = out.source_of(r as f32, c as f32);
                out.px[r * cols + c] = bilinear(&p, nu, nz, u, z);
            }
        }
        out
    }

    /// Source grid position (u, z) of detector pixel (row, col).
    fn source_of(&self, row: f32, col: f32) -> (f32, f32) {
        let u = (col + 0.5) * self.pixel_mm / self.src_step[0] - 0.5;
        // superior (high z) at the top of the film
        let z = (self.src_dims[1] as f32 - 0.5) - (row + 0.5) * self.pixel_mm / self.src_step[1];
        (u, z)
    }

    /// Detector pixel (row, col) of source grid position (u, z).
    fn detector_of(&self, u: f32, z: f32) -> (f32, f32) {
        let col = (u + 0.5) * self.src_step[0] / self.pixel_mm - 0.5;
        let row = ((self.src_dims[1] as f32 - 0.5) - z) * self.src_step[1] / self.pixel_mm - 0.5;
        (row, col)
    }

    /// The record of a change inserted into the volume (voxels and their old values): the
    /// projected change ∫Δμ ds, its footprint where it reaches `fraction` of its
    /// peak, centred on its core (half the peak and more), and the footprint's mean change (in
    /// ∫μ ds units).
    pub fn record(
        &self,
        v: &Volume,
        changed: &[(usize, f32)],
        finding: Finding,
        size_mm: f32,
        fraction: f32,
        detail: &str,
    ) -> Option<Lesion> {
        let acc = projected_change(v, changed, self.view);
        let peak = acc.values().fold(0f32, |m, d| m.max(d.abs()));
        if peak <= 0.0 {
            return None;
        }
        let foot: Vec<((f32, f32), f32)> = acc
            .iter()
            .filter(|(_, d)| d.abs() >= fraction * peak)
            .map(|(&(u, z), &d)| (self.detector_of(u as f32, z as f32), d))
            .collect();
        let n = foot.len() as f32;
        // the centre is the core's (where the change reaches half its peak), the circle covers
        // the whole footprint: a fracture's projection is often strong at one end and faint
        // along the bone, and the footprint's own centroid then sits in the faint part, up to
        // half a radius from what a reader (or a detector) sees
        let core: Vec<(f32, f32)> = foot
            .iter()
            .filter(|f| f.1.abs() >= 0.5 * peak)
            .map(|f| f.0)
            .collect();
        let m = core.len() as f32;
        let row = core.iter().map(|f| f.0).sum::<f32>() / m;
        let col = core.iter().map(|f| f.1).sum::<f32>() / m;
        // a source voxel covers several detector pixels: add half its footprint
        let half = 0.5 * self.src_step[0].max(self.src_step[1]) / self.pixel_mm;
        let radius = foot
            .iter()
            .map(|f| ((f.0.0 - row).powi(2) + (f.0.1 - col).powi(2)).sqrt())
            .fold(0.0, f32::max)
            + half;
        let contrast = foot.iter().map(|f| f.1).sum::<f32>() / n;
        Some(Lesion {
            finding,
            row,
            col,
            radius_px: radius.max(1.0),
            size_mm,
            contrast,
            detail: detail.to_string(),
        })
    }

    /// Quantum noise for `photons` per pixel at zero attenuation (σ of ln I = 1/√N), then
    /// unsharp masking (`gain` × the detail above a Gaussian of `sigma_mm`), as CR/DX
    /// processing does before display.
    pub fn expose(&mut self, photons: f32, gain: f32, sigma_mm: f32, rng: &mut Rng) {
        for p in &mut self.px {
            let n = photons * (-*p).exp();
            *p += rng.normal() / n.max(1.0).sqrt();
        }
        let blurred = gaussian(&self.px, self.rows, self.cols, sigma_mm / self.pixel_mm);
        for (p, b) in self.px.iter_mut().zip(blurred) {
            *p += gain * (*p - b);
        }
    }
}

fn bilinear(p: &[f32], nu: usize, nz: usize, u: f32, z: f32) -> f32 {
    let u = u.clamp(0.0, (nu - 1) as f32);
    let z = z.clamp(0.0, (nz - 1) as f32);
    let (u0, z0) = (u.floor() as usize, z.floor() as usize);
    let (u1, z1) = ((u0 + 1).min(nu - 1), (z0 + 1).min(nz - 1));
    let (fu, fz) = (u - u0 as f32, z - z0 as f32);
    let a = p[z0 * nu + u0] * (1.0 - fu) + p[z0 * nu + u1] * fu;
    let b = p[z1 * nu + u0] * (1.0 - fu) + p[z1 * nu + u1] * fu;
    a * (1.0 - fz) + b * fz
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sets voxel (x, y, z) to `hu`, noting its old value in `changed`.
    fn set(v: &mut Volume, changed: &mut Vec<(usize, f32)>, [x, y, z]: [usize; 3], hu: f32) {
        let i = v.idx(x, y, z);
        changed.push((i, v.data[i]));
        v.data[i] = hu;
    }

    #[test]
    fn a_water_slab_projects_to_its_thickness_times_mu() {
        // 40 voxels of 0.5 mm of water along y: 20 mm
        let v = Volume::filled([10, 40, 6], [0.5, 0.5, 2.0], 0.0);
        let p = Projection::new(&v, View::Frontal, 0.25);
        assert_eq!((p.cols, p.rows), (20, 48));
        for &x in &p.px {
            assert!((x - 20.0 * MU_WATER_PER_MM).abs() < 1e-5, "{x}");
        }
    }

    #[test]
    fn an_inserted_sphere_is_recorded_where_it_projects() {
        let mut v = Volume::filled([40, 40, 20], [1.0, 1.0, 2.0], -800.0);
        // a 3-voxel cube of soft tissue at x 10..13, z 15..18 (superior half)
        let mut changed = Vec::new();
        for z in 15..18 {
            for y in 18..21 {
                for x in 10..13 {
                    set(&mut v, &mut changed, [x, y, z], 40.0);
                }
            }
        }
        let p = Projection::new(&v, View::Frontal, 0.5);
        let l = p
            .record(&v, &changed, Finding::Tumor, 3.0, 0.5, "lung")
            .unwrap();
        // x 11 → col (11.5)·2 − 0.5 = 22.5; z 16 → row (19.5 − 16)·4 − 0.5 = 13.5
        assert!(
            (l.col - 22.5).abs() < 0.01 && (l.row - 13.5).abs() < 0.01,
            "{l:?}"
        );
        assert!(l.contrast > 0.0);
        // and the projection is brighter there than beside it
        let at = |r: f32, c: f32| p.px[r as usize * p.cols + c as usize];
        assert!(at(l.row, l.col) > at(l.row, l.col + 10.0));
    }

    /// A change strong at one end and faint along the rest (a fracture's projection, often) is
    /// centred where it is strong, and its circle still covers the faint part.
    #[test]
    fn a_record_is_centred_on_the_strong_part_of_a_change() {
        let mut v = Volume::filled([30, 30, 40], [1.0, 1.0, 1.0], 0.0);
        let mut changed = Vec::new();
        // one column of voxels along z 5..35: +1000 HU over z 30..35, +300 HU below
        for z in 5..35 {
            for y in 10..20 {
                let hu = if z >= 30 { 1000.0 } else { 300.0 };
                set(&mut v, &mut changed, [15, y, z], hu);
            }
        }
        let p = Projection::new(&v, View::Frontal, 1.0);
        let l = p
            .record(&v, &changed, Finding::Fracture, 3.0, 0.15, "bone")
            .unwrap();
        // z 30..35 → rows 39 − z = 5..9, centre 7; the faint part reaches row 34
        assert!(
            (l.row - 7.0).abs() < 0.01 && (l.col - 15.0).abs() < 0.01,
            "{l:?}"
        );
        assert!(l.radius_px >= 34.0 - 7.0, "{l:?}");
    }

    /// A record sums over the lesion's footprint: the same change gives the same bits every
    /// time (a HashMap's random order did not: lesions.csv differed between runs of one seed).
    #[test]
    fn a_record_is_the_same_every_time() {
        let mut v = Volume::filled([64, 64, 24], [0.7, 0.7, 1.3], -700.0);
        let mut changed = Vec::new();
        for z in 4..20 {
            for y in 10..50 {
                for x in 7..41 {
                    let hu = 13.0 + (x * 7 + y * 3 + z) as f32 * 0.37;
                    set(&mut v, &mut changed, [x, y, z], hu);
                }
            }
        }
        let p = Projection::new(&v, View::Lateral, 0.3);
        let first = p
            .record(&v, &changed, Finding::Tumor, 20.0, 0.15, "lung")
            .unwrap();
        for _ in 0..20 {
            let again = p
                .record(&v, &changed, Finding::Tumor, 20.0, 0.15, "lung")
                .unwrap();
            assert_eq!(
                (
                    again.row.to_bits(),
                    again.col.to_bits(),
                    again.contrast.to_bits()
                ),
                (
                    first.row.to_bits(),
                    first.col.to_bits(),
                    first.contrast.to_bits()
                )
            );
        }
    }
}
