//! Findings a real background shows by itself (index.json `findings`): found by looking at it,
//! taken from the volume as the largest connected piece of the voxels within a sphere above a
//! threshold, and recorded in every image made from it as an inserted finding is, so that no
//! image calls them absent.

use std::collections::{HashSet, VecDeque};

use crate::lesion::{Finding, Lesion};
use crate::real::drr::{Projection, RECORD_FRACTION};
use crate::real::index::KnownFinding;
use crate::real::insert::records;
use crate::real::volume::Volume;

/// What ends a background's own finding's lesions.csv `detail`, so that it is told apart from
/// an inserted one (it is in the image with and without insertions).
pub const REAL_MARK: &str = ";real";

/// A background's own finding, segmented once.
#[derive(Clone, Debug)]
pub(super) struct Known {
    pub(super) finding: Finding,
    /// (linear voxel index, baseline): the baseline stands for the value "before", so that the
    /// records of an inserted finding (the change from before) describe this one too.
    pub(super) voxels: Vec<(usize, f32)>,
    min_change: f32,
    size_mm: f32,
    detail: String,
}

impl Known {
    /// Segments `f` in `vol`; an error says why it does not fit the volume.
    pub(super) fn segment(vol: &Volume, f: &KnownFinding) -> Result<Self, String> {
        let finding = match f.finding.as_str() {
            "tumor" => Finding::Tumor,
            "fracture" => Finding::Fracture,
            other => return Err(format!("finding {other:?} is not tumor or fracture")),
        };
        if !(f.radius_mm > 0.0 && f.above > f.baseline) {
            return Err(format!(
                "finding at {:?}: radius_mm must be positive and above greater than baseline",
                f.center
            ));
        }
        let [nx, ny, nz] = vol.dims;
        let range = |axis: usize, n: usize| {
            let r = f.radius_mm / vol.spacing[axis];
            let lo = (f.center[axis] - r).floor().max(0.0) as usize;
            let hi = ((f.center[axis] + r).ceil().max(-1.0) + 1.0).min(n as f32) as usize;
            lo..hi
        };
        let mut inside = HashSet::new();
        for z in range(2, nz) {
            for y in range(1, ny) {
                for x in range(0, nx) {
                    let d = [x as f32, y as f32, z as f32]
                        .iter()
                        .zip(f.center)
                        .zip(vol.spacing)
                        .map(|((p, c), s)| ((p - c) * s).powi(2))
                        .sum::<f32>()
                        .sqrt();
                    let i = vol.idx(x, y, z);
                    if d <= f.radius_mm && vol.data[i] > f.above {
                        inside.insert(i);
                    }
                }
            }
        }
        let mut voxels: Vec<(usize, f32)> = largest_piece(vol, inside)
            .into_iter()
            .map(|i| (i, f.baseline))
            .collect();
        if voxels.is_empty() {
            return Err(format!(
                "no voxel above {} within {} mm of {:?}",
                f.above, f.radius_mm, f.center
            ));
        }
        voxels.sort_unstable_by_key(|v| v.0);
        Ok(Known {
            finding,
            voxels,
            min_change: f.above - f.baseline,
            size_mm: f.size_mm,
            detail: format!("{}{REAL_MARK}", f.detail),
        })
    }

    /// Its voxels inside slices `lo..hi`, indexed in the slab of those slices.
    pub(super) fn in_slab(&self, v: &Volume, lo: usize, hi: usize) -> Vec<(usize, f32)> {
        let plane = v.dims[0] * v.dims[1];
        self.voxels
            .iter()
            .filter(|(i, _)| (lo * plane..hi * plane).contains(i))
            .map(|&(i, b)| (i - lo * plane, b))
            .collect()
    }

    /// Per-slice records in `slab` (voxels from [`Known::in_slab`]), as an insertion's.
    pub(super) fn records(&self, slab: &Volume, voxels: &[(usize, f32)]) -> Vec<(usize, Lesion)> {
        records(
            slab,
            voxels,
            self.min_change,
            self.finding,
            self.size_mm,
            &self.detail,
        )
    }

    /// Its record on a film projected from the whole volume.
    pub(super) fn film_record(&self, v: &Volume, p: &Projection) -> Option<Lesion> {
        p.record(
            v,
            &self.voxels,
            self.finding,
            self.size_mm,
            RECORD_FRACTION,
            &self.detail,
        )
    }
}

/// The largest 6-connected piece of `set` (linear voxel indices of `vol`); of two as large, the
/// one with the lowest index.
fn largest_piece(vol: &Volume, mut set: HashSet<usize>) -> Vec<usize> {
    let mut seeds: Vec<usize> = set.iter().copied().collect();
    seeds.sort_unstable();
    let dims = vol.dims.map(|a| a as isize);
    let mut best = Vec::new();
    for seed in seeds {
        if !set.remove(&seed) {
            continue;
        }
        let (mut piece, mut queue) = (vec![seed], VecDeque::from([seed]));
        while let Some(i) = queue.pop_front() {
            let [x, y, z] = vol.coords(i).map(|a| a as isize);
            for d in [
                [1, 0, 0],
                [-1, 0, 0],
                [0, 1, 0],
                [0, -1, 0],
                [0, 0, 1],
                [0, 0, -1],
            ] {
                let p = [x + d[0], y + d[1], z + d[2]];
                if (0..3).any(|k| p[k] < 0 || p[k] >= dims[k]) {
                    continue;
                }
                let j = vol.idx(p[0] as usize, p[1] as usize, p[2] as usize);
                if set.remove(&j) {
                    piece.push(j);
                    queue.push_back(j);
                }
            }
        }
        if piece.len() > best.len() {
            best = piece;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(center: [f32; 3]) -> KnownFinding {
        KnownFinding {
            finding: "tumor".into(),
            center,
            radius_mm: 6.0,
            above: -400.0,
            baseline: -850.0,
            size_mm: 8.0,
            detail: "lung;round".into(),
        }
    }

    /// Lung at -850 HU, 1 x 1 x 2 mm voxels, with a 4-mm-radius ball of 20 HU at (20, 12, 5)
    /// and, 5 mm from its centre (inside the finding's reach) but not touching it, one vessel
    /// voxel of 40 HU.
    fn lung_with_ball() -> Volume {
        let mut v = Volume::filled([40, 30, 10], [1.0, 1.0, 2.0], -850.0);
        for z in 0..10 {
            for y in 0..30 {
                for x in 0..40 {
                    let d = ((x as f32 - 20.0).powi(2)
                        + (y as f32 - 12.0).powi(2)
                        + ((z as f32 - 5.0) * 2.0).powi(2))
                    .sqrt();
                    if d <= 4.0 {
                        let i = v.idx(x, y, z);
                        v.data[i] = 20.0;
                    }
                }
            }
        }
        let i = v.idx(24, 15, 5);
        v.data[i] = 40.0;
        v
    }

    #[test]
    fn a_mass_in_lung_is_segmented_and_recorded_per_slice() {
        let v = lung_with_ball();
        let k = Known::segment(&v, &entry([20.0, 12.0, 5.0])).unwrap();
        let ball = v.data.iter().filter(|&&h| h == 20.0).count();
        // the ball, not the vessel voxel (within the reach, but apart)
        assert_eq!(k.voxels.len(), ball);
        let recs = k.records(&v, &k.in_slab(&v, 0, 10));
        // slices 3..=7 hold it (4 mm reach over 2-mm slices)
        assert_eq!(
            recs.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![3, 4, 5, 6, 7]
        );
        let mid = &recs.iter().find(|r| r.0 == 5).unwrap().1;
        assert!((mid.row - 12.0).abs() < 0.01 && (mid.col - 20.0).abs() < 0.01);
        assert!((4.0..=5.0).contains(&mid.radius_px), "{mid:?}");
        assert!((mid.contrast - 870.0).abs() < 0.1, "{mid:?}");
        assert_eq!(mid.detail, "lung;round;real");
        // a slab of slices 4..6 gives slices 4 and 5's records, numbered from its first slice
        let slab = Volume {
            dims: [40, 30, 2],
            spacing: v.spacing,
            data: v.data[4 * 1200..6 * 1200].to_vec(),
        };
        let part = k.records(&slab, &k.in_slab(&v, 4, 6));
        let whole: Vec<_> = recs
            .iter()
            .filter(|r| (4..6).contains(&r.0))
            .map(|(z, l)| (z - 4, l.clone()))
            .collect();
        assert_eq!(part, whole);
    }

    #[test]
    fn a_finding_that_misses_the_volume_or_makes_no_sense_is_an_error() {
        let v = Volume::filled([10, 10, 4], [1.0, 1.0, 1.0], -850.0);
        let err = Known::segment(&v, &entry([5.0, 5.0, 2.0])).unwrap_err();
        assert!(err.contains("no voxel above"), "{err}");
        let err = Known::segment(&lung_with_ball(), &entry([500.0, 5.0, 2.0])).unwrap_err();
        assert!(err.contains("no voxel"), "{err}");
        let v = lung_with_ball();
        let mut e = entry([20.0, 12.0, 5.0]);
        e.finding = "nodule".into();
        assert!(Known::segment(&v, &e).unwrap_err().contains("nodule"));
        let mut e = entry([20.0, 12.0, 5.0]);
        e.radius_mm = 0.0;
        assert!(Known::segment(&v, &e).unwrap_err().contains("radius_mm"));
        let mut e = entry([20.0, 12.0, 5.0]);
        e.above = -900.0;
        assert!(Known::segment(&v, &e).unwrap_err().contains("above"));
    }
}
