//! Findings a real background shows by itself (index.json `findings`): found by looking at it,
//! taken from the volume as the voxels within a sphere above a threshold, and recorded in every
//! image made from it as an inserted finding is, so that no image calls them absent.

use crate::lesion::{Finding, Lesion};
use crate::real::index::KnownFinding;
use crate::real::insert::records;
use crate::real::volume::Volume;

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
        let mut voxels = Vec::new();
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
                        voxels.push((i, f.baseline));
                    }
                }
            }
        }
        if voxels.is_empty() {
            return Err(format!(
                "no voxel above {} within {} mm of {:?}",
                f.above, f.radius_mm, f.center
            ));
        }
        Ok(Known {
            finding,
            voxels,
            min_change: f.above - f.baseline,
            size_mm: f.size_mm,
            detail: f.detail.clone(),
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
    pub(super) fn film_record(
        &self,
        v: &Volume,
        p: &crate::real::drr::Projection,
    ) -> Option<Lesion> {
        p.record(
            v,
            &self.voxels,
            self.finding,
            self.size_mm,
            0.15,
            &self.detail,
        )
    }
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
            detail: "lung;round;real".into(),
        }
    }

    #[test]
    fn a_mass_in_lung_is_segmented_and_recorded_per_slice() {
        // lung at -850 HU with a 4-mm-radius ball of 20 HU at (20, 12, 5), 1 x 1 x 2 mm voxels
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
        let k = Known::segment(&v, &entry([20.0, 12.0, 5.0])).unwrap();
        let ball = v.data.iter().filter(|&&h| h > 0.0).count();
        assert_eq!(k.voxels.len(), ball);
        let slab = k.in_slab(&v, 0, 10);
        let recs = k.records(&v, &slab);
        // slices 3..=7 hold it (4 mm reach over 2-mm slices)
        assert_eq!(
            recs.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![3, 4, 5, 6, 7]
        );
        let mid = &recs.iter().find(|r| r.0 == 5).unwrap().1;
        assert!((mid.row - 12.0).abs() < 0.01 && (mid.col - 20.0).abs() < 0.01);
        assert!((4.0..=5.0).contains(&mid.radius_px), "{mid:?}");
        assert!((mid.contrast - 870.0).abs() < 0.1, "{mid:?}");
        // a slab of slices 4..6 indexes them from its own first slice
        let part = k.in_slab(&v, 4, 6);
        assert!(part.iter().all(|&(i, _)| i < 2 * 40 * 30) && !part.is_empty());
    }

    #[test]
    fn a_finding_that_misses_the_volume_is_an_error() {
        let v = Volume::filled([10, 10, 4], [1.0, 1.0, 1.0], -850.0);
        let err = Known::segment(&v, &entry([5.0, 5.0, 2.0])).unwrap_err();
        assert!(err.contains("no voxel above"), "{err}");
        let mut e = entry([5.0, 5.0, 2.0]);
        e.finding = "nodule".into();
        assert!(Known::segment(&v, &e).unwrap_err().contains("nodule"));
        let err = Known::segment(&v, &entry([500.0, 5.0, 2.0])).unwrap_err();
        assert!(err.contains("no voxel"), "{err}");
    }
}
