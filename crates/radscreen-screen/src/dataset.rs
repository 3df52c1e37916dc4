//! Training data from a manifest (`path,frame,...,tumor,fracture,...,split`, as `radscreen synth`
//! writes it) and, where present, the lesions file beside it: each listed frame decoded,
//! preprocessed as the model expects, and its lesions mapped into model-input pixels.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use radscreen_dicom::{DicomImage, ImageMeta, ReadOptions};
use radscreen_imaging::preprocess::{ContextPlan, Preprocess, series_context};
use radscreen_model::{FINDINGS, TrainLesion, TrainSample};
use rayon::prelude::*;

use crate::context::slice_groups;
use crate::error::{Error, Result};
use crate::prepare::prepare_frame;

/// A manifest's images, preprocessed and grouped by split.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Dataset {
    /// Images of the `train` split.
    pub train: Vec<TrainSample>,
    /// Images of the `val` split.
    pub val: Vec<TrainSample>,
    /// Images of the `test` split.
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

/// manifest.csv through radscreen-eval's reader (the one reader of the file): every finding the
/// model scores, and the split.
fn read_rows(manifest: &Path) -> Result<Vec<Row>> {
    let findings: Vec<String> = FINDINGS.iter().map(|f| f.to_string()).collect();
    let m = radscreen_eval::io::read_manifest(manifest, &findings, &["split".to_string()])?;
    let c_split = m.column("split").unwrap_or_default();
    m.rows
        .into_iter()
        .map(|r| {
            let frame = u32::try_from(r.frame).map_err(|_| Error::Csv {
                path: manifest.to_path_buf(),
                line: r.line,
                message: format!("column 'frame': {} is not a frame number", r.frame),
            })?;
            Ok(Row {
                line: r.line,
                split: r.fields.get(c_split).cloned().unwrap_or_default(),
                path: r.path,
                frame,
                labels: r.labels,
            })
        })
        .collect()
}

/// Source-pixel lesions keyed by (path, frame): (finding index, row, col, radius).
type LesionMap = HashMap<(String, u32), Vec<(usize, f64, f64, f64)>>;

/// lesions.csv through radscreen-eval's reader; findings this model does not score are left out.
fn read_lesions(path: &Path) -> Result<LesionMap> {
    let mut map = LesionMap::new();
    for l in radscreen_eval::io::read_truth_lesions(path)? {
        let Some(finding) = FINDINGS.iter().position(|f| *f == l.finding) else {
            continue;
        };
        let Ok(frame) = u32::try_from(l.frame) else {
            continue; // no image has such a frame: nothing to place the lesion on
        };
        map.entry((l.path, frame)).or_default().push((
            finding,
            l.row,
            l.col,
            l.radius.unwrap_or(0.0),
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
    pre: &Preprocess,
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
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = rows.len();
    let mut samples: Vec<(String, TrainSample, ImageMeta)> = rows
        .par_iter()
        .map(|row| {
            let file = root.join(&row.path);
            let image = DicomImage::open_with(&file, &ReadOptions::default())?;
            let prepared = prepare_frame(&image, row.frame, pre)?;
            let group = prepared.kind.group();
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
                    input: Arc::new(prepared.input),
                    context: Vec::new(),
                    labels: row.labels.clone(),
                    lesions,
                    group,
                    source: 0,
                },
                image.meta().clone(),
            ))
        })
        .collect::<Result<_>>()?;
    if let Some(plan) = &pre.context {
        stack_neighbours(&mut samples, &rows, plan);
    }
    let mut ds = Dataset {
        has_lesions: lesion_map.is_some(),
        ..Dataset::default()
    };
    for ((split, s, _), row) in samples.into_iter().zip(&rows) {
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

/// A 2.5-D model's inputs: each row's slice with its neighbours among the manifest's rows of
/// the same series and split (a neighbour the manifest does not list counts as missing, and
/// the nearer slice is repeated as in screening).
fn stack_neighbours(
    samples: &mut [(String, TrainSample, ImageMeta)],
    rows: &[Row],
    plan: &ContextPlan,
) {
    let items: Vec<(Option<&ImageMeta>, u32)> = samples
        .iter()
        .zip(rows)
        .map(|((_, _, m), r)| (Some(m), r.frame))
        .collect();
    let groups = slice_groups(&items);
    let mut context: Vec<Vec<usize>> = vec![Vec::new(); samples.len()];
    for g in groups {
        let m = &g.members;
        if !g.slices {
            context[m[0]] = vec![m[0]; plan.depth()];
            continue;
        }
        let joined = |i: usize| {
            let (a, b) = (&samples[m[i]], &samples[m[i + 1]]);
            a.0 == b.0 && a.1.input.dim() == b.1.input.dim()
        };
        for (slot, c) in series_context(m.len(), g.positions.as_deref(), plan, &joined)
            .into_iter()
            .enumerate()
        {
            context[m[slot]] = c.sources.iter().map(|&s| m[s]).collect();
        }
    }
    let inputs: Vec<Arc<ndarray::Array3<f32>>> =
        samples.iter().map(|s| Arc::clone(&s.1.input)).collect();
    for (s, c) in samples.iter_mut().zip(context) {
        s.1.context = c.iter().map(|&i| Arc::clone(&inputs[i])).collect();
    }
}
