//! radscreen's findings as DICOM, the way the IHE Radiology AI Results profile hands an AI
//! system's results back to a PACS: one Comprehensive 3D SR per study following TID 1500
//! (Measurement Report) and Segmentations of the flagged regions, each referencing the source
//! images by SOP Instance UID. No burn: callers who screen in memory build [`ImageResult`]s
//! and call [`study_sr`] / [`study_segs`] (or [`write_study`]).
//!
//! What the objects contain, the codes used and how to view them: docs/dicom-output.md.

pub mod codes;
mod common;
mod ds;
mod error;
mod seg;
mod source;
mod sr;
pub mod uid;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use error::{Error, Result};
pub use seg::{SEG_SERIES_NUMBER, region_mask, study_segs};
pub use source::{SourceImage, StudyAttributes};
pub use sr::{SR_SERIES_NUMBER, study_sr};

/// A parsed or built DICOM file (meta group and data set).
pub type DicomFile = dicom_object::FileDicomObject<dicom_object::InMemDicomObject>;

/// The words every object carries: radscreen is not a medical device.
pub const NOT_FOR_CLINICAL_USE: &str = "radscreen research software: not a medical device, not \
     for clinical use. Findings are machine-generated, unverified by a physician.";

/// A region a finding was located at: an activation-map peak, in source pixels (row and column
/// of the pixel centre, from 0; the SR's SCOORD adds 0.5, as DICOM counts from the top-left
/// corner of the first pixel).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Region {
    /// Row of the centre.
    pub row: f64,
    /// Column of the centre.
    pub col: f64,
    /// Radius in source pixels.
    pub radius: f64,
}

/// One finding's result on one image (frame).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FindingResult {
    /// The finding's name as the model calls it (`tumor`, `fracture`); coded by
    /// [`codes::finding`].
    pub finding: String,
    /// The model's probability, 0..1.
    pub probability: f64,
    /// The threshold the flag was decided at.
    pub threshold: f64,
    /// Whether the finding was flagged (probability ≥ threshold).
    pub flagged: bool,
    /// Where it was located, strongest first (the SR shows the first; the SEG all of them).
    pub regions: Vec<Region>,
}

impl FindingResult {
    /// A finding's result.
    pub fn new(finding: &str, probability: f64, threshold: f64, flagged: bool) -> Self {
        FindingResult {
            finding: finding.into(),
            probability,
            threshold,
            flagged,
            regions: Vec::new(),
        }
    }
    /// Adds the regions it was located at, strongest first.
    pub fn with_regions(mut self, regions: Vec<Region>) -> Self {
        self.regions = regions;
        self
    }
}

/// The results for one frame of one source image.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ImageResult {
    /// The image.
    pub source: SourceImage,
    /// The frame, from 0.
    pub frame: u32,
    /// One result per finding of the model, in the model's order.
    pub findings: Vec<FindingResult>,
}

impl ImageResult {
    /// One frame's results.
    pub fn new(source: SourceImage, frame: u32, findings: Vec<FindingResult>) -> Self {
        ImageResult {
            source,
            frame,
            findings,
        }
    }
}

/// Who produced the results: written as the SR's device observer and the SEG's algorithm.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Producer {
    /// The model's id (config.json).
    pub model_id: String,
    /// The model's weights digest (run.json `model.sha256`).
    pub model_sha256: String,
    /// The backend that ran it (`flex`, `wgpu`, …) and adapter, in words.
    pub backend: String,
    /// radscreen's version.
    pub software_version: String,
}

impl Producer {
    /// A producer.
    pub fn new(model_id: &str, model_sha256: &str, backend: &str) -> Self {
        Producer {
            model_id: model_id.into(),
            model_sha256: model_sha256.into(),
            backend: backend.into(),
            software_version: env!("CARGO_PKG_VERSION").into(),
        }
    }
    /// The device observer UID: the same for the same model weights.
    pub fn device_uid(&self) -> String {
        uid::name_uid(&format!(
            "radscreen {} {}",
            self.model_id, self.model_sha256
        ))
    }
}

/// How the objects are written.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Options {
    /// Copy the patient's name, ID, birth date, accession number, referring physician and
    /// study ID from the source images. Off by default (reports carry no PHI); a PACS files a
    /// result under the patient named in it, so a node sending results back turns it on.
    pub keep_phi: bool,
}

impl Options {
    /// Default options (no PHI).
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets [`Options::keep_phi`].
    pub fn with_keep_phi(mut self, keep: bool) -> Self {
        self.keep_phi = keep;
        self
    }
}

/// Groups results by Study Instance UID (sorted), keeping each study's images in the order
/// given.
pub fn group_by_study(images: Vec<ImageResult>) -> BTreeMap<String, Vec<ImageResult>> {
    let mut out: BTreeMap<String, Vec<ImageResult>> = BTreeMap::new();
    for im in images {
        out.entry(im.source.study_instance_uid.clone())
            .or_default()
            .push(im);
    }
    out
}

/// Writes one study's SR (`STEM.sr.dcm`) and SEGs (`STEM.seg1.dcm`, …) into `dir` through a
/// temporary file and a rename each, and returns their paths. `stem` names the study without
/// PHI (radscreen uses a keyed hash).
///
/// # Errors
/// Inconsistent results (see [`study_sr`]), files that cannot be written.
pub fn write_study(
    dir: &Path,
    stem: &str,
    images: &[ImageResult],
    producer: &Producer,
    options: &Options,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut objects = vec![(
        format!("{stem}.sr.dcm"),
        study_sr(images, producer, options)?,
    )];
    for (i, seg) in study_segs(images, producer, options)?
        .into_iter()
        .enumerate()
    {
        objects.push((format!("{stem}.seg{}.dcm", i + 1), seg));
    }
    let mut paths = Vec::new();
    for (name, obj) in objects {
        let path = dir.join(&name);
        let tmp = dir.join(format!(".{name}.tmp"));
        obj.write_to_file(&tmp).map_err(|e| Error::Encode {
            what: tmp.display().to_string(),
            reason: e.to_string(),
        })?;
        std::fs::rename(&tmp, &path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        paths.push(path);
    }
    Ok(paths)
}
