//! Training data from a manifest (`path,frame,...,tumor,fracture,...,split`, as `radscreen synth`
//! writes it) and, where present, the lesions file beside it: each listed frame decoded,
//! preprocessed as the model expects, and its lesions mapped into model-input pixels.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use radscreen_dicom::{DicomImage, ReadOptions};
use radscreen_model::{FINDINGS, PreprocessParams, TrainLesion, TrainSample};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::prepare::{prepare_frame, preprocess_for};

/// A manifest's images, preprocessed and grouped by split.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Dataset {
    pub train: Vec<TrainSample>,
    pub val: Vec<TrainSample>,
    pub test: Vec<TrainSample>,
    /// Whether lesion positions were available.
    pub has_lesions: bool,
}

struct Row {
    line: u64,
    path: String,
    frame: u32,
    labels: Vec<bool>,
    split: String,
}

fn column(headers: &csv::StringRecord, name: &str, path: &Path) -> Result<usize> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| Error::Csv {
            path: path.to_path_buf(),
            line: 1,
            message: format!("missing column '{name}'"),
        })
}

fn read_rows(manifest: &Path) -> Result<Vec<Row>> {
    let mut rdr = csv::Reader::from_path(manifest).map_err(|e| Error::Csv {
        path: manifest.to_path_buf(),
        line: 0,
        message: e.to_string(),
    })?;
    let headers = rdr.headers().map_err(|e| csv_err(manifest, 1, e))?.clone();
    let ip = column(&headers, "path", manifest)?;
    let ifr = column(&headers, "frame", manifest)?;
    let isp = column(&headers, "split", manifest)?;
    let il: Vec<usize> = FINDINGS
        .iter()
        .map(|f| column(&headers, f, manifest))
        .collect::<Result<_>>()?;
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| csv_err(manifest, line, e))?;
        let get = |k: usize| rec.get(k).unwrap_or("").trim();
        let frame = get(ifr).parse::<u32>().map_err(|_| Error::Csv {
            path: manifest.to_path_buf(),
            line,
            message: format!("column 'frame': '{}' is not a frame number", get(ifr)),
        })?;
        let mut labels = Vec::new();
        for (&k, f) in il.iter().zip(FINDINGS) {
            labels.push(match get(k) {
                "1" => true,
                "0" => false,
                v => {
                    return Err(Error::Csv {
                        path: manifest.to_path_buf(),
                        line,
                        message: format!("column '{f}': '{v}' is not 0 or 1"),
                    });
                }
            });
        }
        rows.push(Row {
            line,
            path: get(ip).to_string(),
            frame,
            labels,
            split: get(isp).to_string(),
        });
    }
    Ok(rows)
}

fn csv_err(path: &Path, line: u64, e: csv::Error) -> Error {
    Error::Csv {
        path: path.to_path_buf(),
        line,
        message: e.to_string(),
    }
}

/// Source-pixel lesions keyed by (path, frame).
type LesionMap = HashMap<(String, u32), Vec<(usize, f64, f64, f64)>>;

fn read_lesions(path: &Path) -> Result<LesionMap> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| csv_err(path, 0, e))?;
    let headers = rdr.headers().map_err(|e| csv_err(path, 1, e))?.clone();
    let cols: Vec<usize> = ["path", "frame", "finding", "row", "col", "radius_px"]
        .iter()
        .map(|c| column(&headers, c, path))
        .collect::<Result<_>>()?;
    let mut map = LesionMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| csv_err(path, line, e))?;
        let get = |k: usize| rec.get(cols[k]).unwrap_or("").trim();
        let num = |k: usize, name: &str| {
            get(k).parse::<f64>().map_err(|_| Error::Csv {
                path: path.to_path_buf(),
                line,
                message: format!("column '{name}': '{}' is not a number", get(k)),
            })
        };
        let Some(finding) = FINDINGS.iter().position(|f| *f == get(2)) else {
            continue; // a finding this model does not score
        };
        let frame = num(1, "frame")? as u32;
        map.entry((get(0).to_string(), frame)).or_default().push((
            finding,
            num(3, "row")?,
            num(4, "col")?,
            num(5, "radius_px")?,
        ));
    }
    Ok(map)
}

/// Loads every manifest row: paths are relative to the manifest's folder; lesions come from
/// `lesions` (default: lesions.csv beside the manifest, if it exists).
///
/// # Errors
/// CSV errors with file and line; the first image that cannot be decoded (a training set
/// should be clean: nothing is skipped silently).
pub fn load_dataset(
    manifest: &Path,
    lesions: Option<&Path>,
    params: &PreprocessParams,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Dataset> {
    let root = manifest.parent().unwrap_or(Path::new(".")).to_path_buf();
    let rows = read_rows(manifest)?;
    let default_lesions = root.join("lesions.csv");
    let lesion_file: Option<PathBuf> = match lesions {
        Some(p) => Some(p.to_path_buf()),
        None => default_lesions.exists().then_some(default_lesions),
    };
    let lesion_map = match &lesion_file {
        Some(p) => Some(read_lesions(p)?),
        None => None,
    };
    let pre = preprocess_for(params);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = rows.len();
    let samples: Vec<(String, TrainSample)> = rows
        .par_iter()
        .map(|row| {
            let file = root.join(&row.path);
            let image = DicomImage::open_with(&file, &ReadOptions::default())?;
            let prepared = prepare_frame(&image, row.frame, &pre)?;
            let t = &prepared.transform;
            let lesions = lesion_map.as_ref().map(|m| {
                m.get(&(row.path.clone(), row.frame))
                    .map(|v| {
                        v.iter()
                            .map(|&(finding, r, c, radius)| {
                                let (ir, ic) = t.to_input(r, c);
                                TrainLesion {
                                    finding,
                                    row: ir as f32,
                                    col: ic as f32,
                                    radius: (radius * t.scale) as f32,
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            });
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, total);
            Ok((
                row.split.clone(),
                TrainSample {
                    input: prepared.input,
                    labels: row.labels.clone(),
                    lesions,
                },
            ))
        })
        .collect::<Result<_>>()?;
    let mut ds = Dataset {
        has_lesions: lesion_map.is_some(),
        ..Dataset::default()
    };
    for ((split, s), row) in samples.into_iter().zip(&rows) {
        match split.as_str() {
            "train" => ds.train.push(s),
            "val" => ds.val.push(s),
            "test" => ds.test.push(s),
            other => {
                return Err(Error::Csv {
                    path: manifest.to_path_buf(),
                    line: row.line,
                    message: format!("column 'split': '{other}' is not train, val or test"),
                });
            }
        }
    }
    Ok(ds)
}
