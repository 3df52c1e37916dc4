//! Series grouping: images of one Series Instance UID sorted into a volume along the slice
//! normal, with Instance Number as the fallback.

use std::collections::BTreeMap;
use std::path::Path;

use ndarray::{Array3, Axis};
use serde::Serialize;

use crate::{DicomImage, Error, ImageMeta, ReadOptions, Result};

/// How a series' images were ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SeriesOrder {
    /// By Image Position (Patient) projected on the normal of Image Orientation (Patient).
    Position,
    /// By Instance Number (positions missing or orientations disagree).
    InstanceNumber,
    /// In the order given (neither was usable).
    AsGiven,
}

/// One series: indices into the metadata slice, in slice order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Series {
    /// Series Instance UID (`None` for images without one; each is then its own series).
    pub series_instance_uid: Option<String>,
    /// Study Instance UID of its images.
    pub study_instance_uid: Option<String>,
    /// Modality of its images.
    pub modality: Option<String>,
    /// Indices into the slice given to [`group_series`], in slice order.
    pub members: Vec<usize>,
    /// How the members were ordered.
    pub order: SeriesOrder,
    /// Position of each member along the slice normal (mm), when ordered by position.
    pub positions: Vec<f64>,
    /// Median distance between neighbouring slices (mm), when ordered by position.
    pub slice_spacing: Option<f64>,
    /// Whether all gaps are within 1% (or 0.01 mm) of the median.
    pub uniform_spacing: Option<bool>,
}

fn normal(o: &[f64; 6]) -> [f64; 3] {
    let (r, c) = ([o[0], o[1], o[2]], [o[3], o[4], o[5]]);
    [
        r[1] * c[2] - r[2] * c[1],
        r[2] * c[0] - r[0] * c[2],
        r[0] * c[1] - r[1] * c[0],
    ]
}

fn same_orientation(a: &[f64; 6], b: &[f64; 6]) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-3)
}

/// Groups images into series and sorts each.
pub fn group_series(metas: &[ImageMeta]) -> Vec<Series> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut singles = Vec::new();
    for (i, m) in metas.iter().enumerate() {
        match &m.series_instance_uid {
            Some(uid) => groups.entry(uid.clone()).or_default().push(i),
            None => singles.push(i),
        }
    }
    let mut out: Vec<Series> = groups
        .into_iter()
        .map(|(uid, members)| sort_series(metas, Some(uid), members))
        .collect();
    out.extend(
        singles
            .into_iter()
            .map(|i| sort_series(metas, None, vec![i])),
    );
    out
}

fn sort_series(metas: &[ImageMeta], uid: Option<String>, mut members: Vec<usize>) -> Series {
    let first = &metas[members[0]];
    let geometry: Option<Vec<(usize, f64)>> = first.image_orientation.and_then(|o0| {
        let n = normal(&o0);
        members
            .iter()
            .map(|&i| {
                let m = &metas[i];
                let (p, o) = (m.image_position?, m.image_orientation?);
                same_orientation(&o, &o0).then(|| (i, p[0] * n[0] + p[1] * n[1] + p[2] * n[2]))
            })
            .collect()
    });
    let (order, positions) = if let Some(mut g) = geometry {
        g.sort_by(|a, b| a.1.total_cmp(&b.1));
        members = g.iter().map(|x| x.0).collect();
        (
            SeriesOrder::Position,
            g.iter().map(|x| x.1).collect::<Vec<_>>(),
        )
    } else if members.iter().all(|&i| metas[i].instance_number.is_some()) {
        members.sort_by_key(|&i| metas[i].instance_number);
        (SeriesOrder::InstanceNumber, Vec::new())
    } else {
        (SeriesOrder::AsGiven, Vec::new())
    };
    let gaps: Vec<f64> = positions.windows(2).map(|w| w[1] - w[0]).collect();
    let slice_spacing = (!gaps.is_empty()).then(|| {
        let mut g = gaps.clone();
        g.sort_by(f64::total_cmp);
        g[g.len() / 2]
    });
    let uniform_spacing = slice_spacing.map(|s| {
        gaps.iter()
            .all(|g| (g - s).abs() <= (0.01 * s.abs()).max(0.01))
    });
    Series {
        series_instance_uid: uid,
        study_instance_uid: first.study_instance_uid.clone(),
        modality: first.modality.clone(),
        members,
        order,
        positions,
        slice_spacing,
        uniform_spacing,
    }
}

/// A series stacked into a volume of modality values (HU for CT).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Volume {
    /// `[slices, rows, columns]`.
    pub data: Array3<f32>,
    /// Slice spacing, row spacing, column spacing (mm) where known.
    pub spacing: [Option<f64>; 3],
    /// The series the volume was stacked from.
    pub series: Series,
    /// The file of each slice, in slice order.
    pub paths: Vec<String>,
}

/// Reads single-frame files of one series and stacks them in slice order. Errors if the files
/// span several series or their sizes differ.
pub fn load_volume<P: AsRef<Path>>(paths: &[P], options: &ReadOptions) -> Result<Volume> {
    let images = paths
        .iter()
        .map(|p| DicomImage::open_with(p, options))
        .collect::<Result<Vec<_>>>()?;
    let first = images.first().ok_or_else(|| Error::Unsupported {
        path: Default::default(),
        reason: "no files given for a volume".into(),
    })?;
    let metas: Vec<ImageMeta> = images.iter().map(|i| i.meta().clone()).collect();
    let mut series = group_series(&metas);
    if series.len() != 1 {
        return Err(Error::Unsupported {
            path: first.path().to_path_buf(),
            reason: format!("the files belong to {} series, not one", series.len()),
        });
    }
    let series = series.remove(0);
    let slices = series
        .members
        .iter()
        .map(|&i| images[i].modality(0).map(|a| a.index_axis_move(Axis(2), 0)))
        .collect::<Result<Vec<_>>>()?;
    let dim = slices[0].dim();
    if let Some(i) = slices.iter().position(|s| s.dim() != dim) {
        return Err(Error::Unsupported {
            path: images[series.members[i]].path().to_path_buf(),
            reason: format!("slice size {:?} differs from {:?}", slices[i].dim(), dim),
        });
    }
    let views: Vec<_> = slices.iter().map(|s| s.view()).collect();
    let data = ndarray::stack(Axis(0), &views).expect("sizes checked");
    let ps = first.meta().pixel_spacing;
    Ok(Volume {
        data,
        spacing: [series.slice_spacing, ps.map(|p| p[0]), ps.map(|p| p[1])],
        paths: series
            .members
            .iter()
            .map(|&i| metas[i].path.clone())
            .collect(),
        series,
    })
}
