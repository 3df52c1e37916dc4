//! `screen --dicom`: a finished report as DICOM results, one SR (TID 1500) and its SEGs per
//! study, under `REPORT_DIR/dicom/` (radscreen-results writes them; docs/dicom-output.md).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use radscreen_results::{FindingResult, ImageResult, Options, Producer, Region, SourceImage};

use crate::error::{Error, Result};
use crate::record::RunInfo;
use crate::rows::{self, Status};

/// (path, frame, finding) of predicted_lesions.csv.
type LesionKey<'a> = (&'a str, u64, &'a str);

/// The folder of a report that holds the DICOM results.
pub const DICOM_DIR: &str = "dicom";

/// What [`write_dicom`] wrote.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DicomOutcome {
    /// Studies with results written.
    pub studies: usize,
    /// The files written (SR first, then SEGs, study by study).
    pub files: Vec<PathBuf>,
    /// Studies or files that could not be written, in words naming the file (never fatal to
    /// the other studies).
    pub errors: Vec<String>,
}

/// Writes the DICOM results of the finished report in `dir` whose images lie under `root`.
/// Earlier results in `dir/dicom` are replaced. The patient module is copied only when the
/// run kept PHI (`--keep-phi`).
///
/// # Errors
/// The report cannot be read or the folder not written; a study whose results cannot be
/// built is reported in [`DicomOutcome::errors`] instead.
pub fn write_dicom(root: &Path, dir: &Path, info: &RunInfo) -> Result<DicomOutcome> {
    let findings = &info.findings;
    let all = rows::read_file(&dir.join("findings.csv"), findings)?;
    let lesions = radscreen_eval::io::read_predicted_lesions(&dir.join("predicted_lesions.csv"))
        .map_err(|e| Error::report(dir, e.to_string()))?;
    let mut located: HashMap<LesionKey<'_>, Vec<(f64, Region)>> = HashMap::new();
    for l in &lesions {
        located
            .entry((l.path.as_str(), l.frame, l.finding.as_str()))
            .or_default()
            .push((
                l.score.unwrap_or(0.0),
                Region {
                    row: l.row,
                    col: l.col,
                    radius: l.radius.unwrap_or(0.5),
                },
            ));
    }
    let out = dir.join(DICOM_DIR);
    clear(&out)?;
    let mut outcome = DicomOutcome::default();
    let mut sources: HashMap<&str, Option<SourceImage>> = HashMap::new();
    let mut stems: HashMap<String, String> = HashMap::new();
    let mut images = Vec::new();
    for row in all.iter().filter(|r| r.status == Status::Ok) {
        let src = sources.entry(row.path.as_str()).or_insert_with(|| {
            match SourceImage::read(root.join(&row.path)) {
                Ok(s) => Some(s),
                Err(e) => {
                    outcome.errors.push(format!("{}: {e}", row.path));
                    None
                }
            }
        });
        let Some(src) = src.clone() else { continue };
        stems
            .entry(src.study_instance_uid.clone())
            .or_insert_with(|| row.study_key.clone());
        let results = findings
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let mut regions = located
                    .get(&(row.path.as_str(), u64::from(row.frame), name.as_str()))
                    .cloned()
                    .unwrap_or_default();
                regions.sort_by(|a, b| b.0.total_cmp(&a.0));
                FindingResult::new(
                    name,
                    f64::from(row.scores[k].unwrap_or(0.0)),
                    info.thresholds.get(name).copied().unwrap_or(0.5),
                    row.flags[k] == Some(true),
                )
                .with_regions(regions.into_iter().map(|(_, r)| r).collect())
            })
            .collect();
        images.push(ImageResult::new(src, row.frame, results));
    }
    let producer = Producer::new(
        &info.model.id,
        &info.model.sha256,
        &format!("{} ({})", info.device.backend, info.device.adapter),
    );
    let options = Options::new().with_keep_phi(info.keep_phi);
    let studies: BTreeMap<String, Vec<ImageResult>> = radscreen_results::group_by_study(images);
    for (uid, images) in studies {
        let stem = stems
            .get(&uid)
            .filter(|s| !s.is_empty())
            .cloned()
            .unwrap_or_else(|| format!("study{}", outcome.studies + outcome.errors.len() + 1));
        match radscreen_results::write_study(&out, &stem, &images, &producer, &options) {
            Ok(files) => {
                outcome.studies += 1;
                outcome.files.extend(files);
            }
            Err(e) => outcome.errors.push(format!(
                "study of {}: {e}",
                images[0]
                    .source
                    .path
                    .strip_prefix(root)
                    .unwrap_or(&images[0].source.path)
                    .display()
            )),
        }
    }
    Ok(outcome)
}

/// Removes the DICOM results of an earlier run (only the files radscreen names).
fn clear(out: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".dcm") && (name.contains(".sr.") || name.contains(".seg")) {
            let p = e.path();
            std::fs::remove_file(&p).map_err(|err| Error::io(&p, err))?;
        }
    }
    Ok(())
}
