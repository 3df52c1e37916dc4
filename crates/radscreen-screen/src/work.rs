//! The decode side of the pipeline: walking the folder, taking a shard, and turning each file
//! into prepared model inputs (or a skip/error row).

use std::path::{Path, PathBuf};

use ndarray::Array3;
use radscreen_dicom::{DicomImage, ReadOptions};
use radscreen_imaging::preprocess::{Preprocess, Transform};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::key::PseudonymKey;
use crate::prepare::{prepare_frame, spacing_note};

/// An entry the walk could not read: (relative path, reason).
pub type WalkError = (String, String);

/// Every regular file under `root`, as `/`-separated relative paths, sorted. Symlinks are not
/// followed (a loop cannot hang the walk); unreadable entries become errors for the caller.
pub fn walk(root: &Path, skip: Option<&Path>) -> Result<(Vec<String>, Vec<WalkError>)> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let skip = skip.and_then(|s| s.canonicalize().ok());
    let mut it = walkdir::WalkDir::new(root).follow_links(false).into_iter();
    while let Some(entry) = it.next() {
        match entry {
            Ok(e) => {
                if e.file_type().is_dir() && skip.is_some() && e.path().canonicalize().ok() == skip
                {
                    it.skip_current_dir(); // never screen our own report folder
                    continue;
                }
                if e.file_type().is_file() {
                    files.push(relative(root, e.path()));
                }
            }
            Err(e) => {
                let p = e.path().map(|p| relative(root, p)).unwrap_or_default();
                errors.push((p, e.to_string()));
            }
        }
    }
    if files.is_empty() && errors.is_empty() && !root.is_dir() {
        return Err(Error::option(
            "DIR",
            format!("{} is not a folder", root.display()),
        ));
    }
    files.sort();
    Ok((files, errors))
}

fn relative(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `rel` belongs to shard `index` of `count` (a stable hash of the relative path, so
/// N processes cover the set exactly once whatever order they walk it in).
pub fn in_shard(rel: &str, index: u32, count: u32) -> bool {
    let h = Sha256::digest(rel.as_bytes());
    let v = u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
    v % count as u64 == index as u64
}

/// The pseudonym of a UID under `key` (HMAC-SHA256, [`PseudonymKey::pseudonym`]); empty
/// when the file has no such UID.
pub fn pseudonym(key: &PseudonymKey, uid: Option<&str>) -> String {
    match uid {
        Some(u) if !u.is_empty() => key.pseudonym("uid", u),
        _ => String::new(),
    }
}

/// Frames per file beyond which a file is refused (a corrupt Number of Frames must not turn
/// into billions of rows).
const MAX_FRAMES: u32 = 65_536;

/// One frame ready for the model.
#[derive(Debug)]
pub struct FrameInput {
    pub frame: u32,
    pub input: Array3<f32>,
    pub transform: Transform,
    /// findings.csv's `spacing` ([`crate::prepare::spacing_note`]).
    pub spacing: String,
    /// The modality group its thresholds come from (`InputKind::group`).
    pub group: usize,
    /// findings.csv's `context` (a 2.5-D model's; empty until the slice is stacked).
    pub context: String,
}

/// What decoding made of one file.
#[derive(Debug)]
pub enum FileWork {
    /// Not screened: not DICOM, no pixel data, not an image.
    Skipped {
        /// The file, relative to the screened folder.
        rel: String,
        /// Machine-readable reason (e.g. `not_dicom`, `sop_class`).
        kind: String,
        /// Why, in words.
        message: String,
    },
    /// Could not be read.
    Failed {
        /// The file, relative to the screened folder.
        rel: String,
        /// Machine-readable reason (radscreen-dicom's error kind).
        kind: String,
        /// What went wrong, in words.
        message: String,
    },
    /// Frames to score (some may have failed on their own).
    Image {
        /// The file, relative to the screened folder.
        rel: String,
        /// Modality, pseudonyms and (when asked for) PHI for its rows.
        meta: Box<ImageKeys>,
        /// Frames in the file.
        frames: u32,
        /// The frames that were prepared, in order.
        inputs: Vec<FrameInput>,
        /// Frames that failed: (frame, error kind, message).
        frame_errors: Vec<(u32, String, String)>,
    },
}

impl FileWork {
    /// The file, relative to the screened folder.
    pub fn rel(&self) -> &str {
        match self {
            FileWork::Skipped { rel, .. }
            | FileWork::Failed { rel, .. }
            | FileWork::Image { rel, .. } => rel,
        }
    }
}

/// The identifying fields a report keeps: pseudonyms unless PHI was asked for.
#[derive(Debug, Clone, Default)]
pub struct ImageKeys {
    pub modality: String,
    pub study: String,
    pub series: String,
    pub instance: String,
    pub phi: Option<(String, String)>,
}

/// SOP classes that hold no image to screen (reports, presentation states, raw data...).
fn is_non_image_sop(uid: &str) -> bool {
    uid.starts_with("1.2.840.10008.5.1.4.1.1.88") // structured reports
        || uid.starts_with("1.2.840.10008.5.1.4.1.1.11") // presentation states
        || uid == "1.2.840.10008.5.1.4.1.1.66" // raw data
        || uid.starts_with("1.2.840.10008.5.1.4.1.1.104") // encapsulated PDF/CDA
}

/// Decoding options.
#[derive(Debug)]
pub struct DecodeContext<'a> {
    /// The screened folder, that relative paths start from.
    pub root: &'a Path,
    /// How to prepare model inputs.
    pub pre: &'a Preprocess,
    /// Decoder options (limits, PHI).
    pub read: &'a ReadOptions,
    /// The key that makes the UID pseudonyms.
    pub key: &'a PseudonymKey,
}

/// Decodes and prepares every frame of `rel` (under `cx.root`); never fails, a problem
/// becomes a skipped or failed [`FileWork`].
pub fn decode_file(rel: &str, cx: &DecodeContext<'_>) -> FileWork {
    let path: PathBuf = cx.root.join(rel);
    let skipped = |kind: &str, message: String| FileWork::Skipped {
        rel: rel.to_string(),
        kind: kind.to_string(),
        message,
    };
    let image = match DicomImage::open_with(&path, cx.read) {
        Ok(i) => i,
        Err(e) => {
            let kind = e.kind();
            // Messages name the file relative to the screened folder, not its absolute path.
            let message = e.to_string().replace(&path.display().to_string(), rel);
            return match kind {
                "not_dicom" | "no_pixel_data" => skipped(kind, message),
                _ => FileWork::Failed {
                    rel: rel.to_string(),
                    kind: kind.to_string(),
                    message,
                },
            };
        }
    };
    let meta = image.meta();
    if let Some(uid) = meta.sop_class_uid.as_deref()
        && is_non_image_sop(uid)
    {
        return skipped(
            "sop_class",
            format!("{rel}: SOP class {uid} is not an image"),
        );
    }
    let keys = ImageKeys {
        modality: meta.modality.clone().unwrap_or_default(),
        study: pseudonym(cx.key, meta.study_instance_uid.as_deref()),
        series: pseudonym(cx.key, meta.series_instance_uid.as_deref()),
        instance: pseudonym(cx.key, meta.sop_instance_uid.as_deref()),
        phi: cx.read.keep_phi.then(|| {
            let phi = meta.phi.clone().unwrap_or_default();
            (
                phi.patient_id.unwrap_or_default(),
                phi.patient_name.unwrap_or_default(),
            )
        }),
    };
    let frames = match image.frames() {
        Ok(n) if n > 0 => n,
        Ok(_) => return skipped("no_pixel_data", format!("{rel}: no frames")),
        Err(e) if e.kind() == "no_pixel_data" => {
            return skipped(
                "no_pixel_data",
                e.to_string().replace(&path.display().to_string(), rel),
            );
        }
        Err(e) => {
            return FileWork::Failed {
                rel: rel.to_string(),
                kind: e.kind().to_string(),
                message: e.to_string().replace(&path.display().to_string(), rel),
            };
        }
    };
    if frames > MAX_FRAMES {
        return FileWork::Failed {
            rel: rel.to_string(),
            kind: "limit_exceeded".into(),
            message: format!(
                "{rel}: {frames} frames (radscreen screens at most {MAX_FRAMES} per file)"
            ),
        };
    }
    let mut inputs = Vec::with_capacity(frames as usize);
    let mut frame_errors = Vec::new();
    for frame in 0..frames {
        match prepare_frame(&image, frame, cx.pre) {
            Ok(p) => inputs.push(FrameInput {
                frame,
                spacing: spacing_note(&image, cx.pre, &p),
                group: p.kind.group(),
                context: String::new(),
                input: p.input,
                transform: p.transform,
            }),
            Err(e) => frame_errors.push((
                frame,
                e.kind().to_string(),
                e.to_string().replace(&path.display().to_string(), rel),
            )),
        }
    }
    FileWork::Image {
        rel: rel.to_string(),
        meta: Box::new(keys),
        frames,
        inputs,
        frame_errors,
    }
}
