//! findings.csv rows: one per image frame (or one per file that was skipped or failed).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};

/// What became of a file or frame: radscreen-eval's status, so that `eval` reads what `screen`
/// writes with one definition.
pub use radscreen_eval::io::Status;

fn parse_status(s: &str) -> Option<Status> {
    Some(match s {
        "ok" => Status::Ok,
        "skipped" => Status::Skipped,
        "error" => Status::Error,
        _ => return None,
    })
}

/// One findings.csv row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Row {
    /// Relative to the screened folder, `/`-separated.
    pub path: String,
    /// Frame index (0 for a file-level skip or error).
    pub frame: u32,
    /// Whether the frame was scored, skipped or failed.
    pub status: Status,
    /// Machine-readable reason (radscreen-dicom's error kinds, or `sop_class`), empty when ok.
    pub error_kind: String,
    /// What went wrong, in words; empty when ok.
    pub error: String,
    /// DICOM Modality (e.g. `CT`); empty when unknown.
    pub modality: String,
    /// Per finding (the model's order); `None` unless ok.
    pub scores: Vec<Option<f32>>,
    /// Per finding: score at or over its threshold; `None` unless ok.
    pub flags: Vec<Option<bool>>,
    /// Heatmap overlay PNG relative to the report folder (flagged images only).
    pub heatmap: String,
    /// The largest finding probability; `None` unless ok.
    pub anomaly: Option<f32>,
    /// Frames in the file (rows to expect for it); 0 when it was not read.
    pub frames: u32,
    /// Keyed hashes of the Study, Series and SOP Instance UIDs.
    pub study_key: String,
    /// Keyed hash of the Series Instance UID.
    pub series_key: String,
    /// Keyed hash of the SOP Instance UID.
    pub instance_key: String,
    /// How the frame's pixel size was known, for a model that resamples to a fixed pixel size:
    /// the attribute that gave it (`pixel-spacing`, `calibrated`, `magnification-corrected`,
    /// `detector`, `uncalibrated`) or `assumed` (the file states none: the model's assumption
    /// for the modality was used). Empty for square-input models and rows not scored.
    pub spacing: String,
    /// How complete a 2.5-D model's slice context was: `full`, `edge` (first or last slice of
    /// a series), `gap` (a gap or a neighbour that could not be used) or `single` (no
    /// neighbours: a series of one, a radiograph); missing neighbours repeat the nearest slice.
    /// Empty for one-slice models and rows not scored.
    pub context: String,
    /// Only with `--keep-phi`: patient ID and name.
    pub phi: Option<(String, String)>,
}

impl Row {
    /// A file-level row with no scores.
    pub fn file(path: &str, status: Status, kind: &str, message: &str, findings: usize) -> Self {
        Row {
            path: path.to_string(),
            frame: 0,
            status,
            error_kind: kind.to_string(),
            error: message.to_string(),
            modality: String::new(),
            scores: vec![None; findings],
            flags: vec![None; findings],
            heatmap: String::new(),
            anomaly: None,
            frames: 0,
            study_key: String::new(),
            series_key: String::new(),
            instance_key: String::new(),
            spacing: String::new(),
            context: String::new(),
            phi: None,
        }
    }
}

/// The header for `findings`.
pub fn header(findings: &[String], keep_phi: bool) -> Vec<String> {
    let mut h: Vec<String> = ["path", "frame", "status", "error_kind", "error", "modality"]
        .map(String::from)
        .to_vec();
    h.extend(findings.iter().map(|f| format!("score_{f}")));
    h.extend(findings.iter().map(|f| format!("flag_{f}")));
    h.extend(
        [
            "heatmap",
            "anomaly",
            "frames",
            "study_key",
            "series_key",
            "instance_key",
            "spacing",
            "context",
        ]
        .map(String::from),
    );
    if keep_phi {
        h.extend(["patient_id", "patient_name"].map(String::from));
    }
    h
}

fn record(row: &Row, keep_phi: bool) -> Vec<String> {
    let mut r = vec![
        row.path.clone(),
        row.frame.to_string(),
        row.status.as_str().to_string(),
        row.error_kind.clone(),
        row.error.clone(),
        row.modality.clone(),
    ];
    r.extend(
        row.scores
            .iter()
            .map(|s| s.map(|v| format!("{v:.6}")).unwrap_or_default()),
    );
    r.extend(row.flags.iter().map(|f| {
        f.map(|b| if b { "1" } else { "0" }.to_string())
            .unwrap_or_default()
    }));
    r.push(row.heatmap.clone());
    r.push(row.anomaly.map(|v| format!("{v:.6}")).unwrap_or_default());
    r.push(row.frames.to_string());
    r.push(row.study_key.clone());
    r.push(row.series_key.clone());
    r.push(row.instance_key.clone());
    r.push(row.spacing.clone());
    r.push(row.context.clone());
    if keep_phi {
        let (id, name) = row.phi.clone().unwrap_or_default();
        r.push(id);
        r.push(name);
    }
    r
}

/// CSV bytes of rows (no header), one record per row, each ending in a newline.
pub fn to_csv(rows: &[Row], keep_phi: bool) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(record(row, keep_phi));
    }
    w.into_inner().unwrap_or_default()
}

/// Writes a complete findings.csv.
pub fn write_file(path: &Path, rows: &[Row], findings: &[String], keep_phi: bool) -> Result<()> {
    let mut bytes = to_csv_header(findings, keep_phi);
    bytes.extend(to_csv(rows, keep_phi));
    write_atomic(path, &bytes)
}

/// The findings.csv header line, as CSV bytes.
pub fn to_csv_header(findings: &[String], keep_phi: bool) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let _ = w.write_record(header(findings, keep_phi));
    w.into_inner().unwrap_or_default()
}

/// Writes a file whole ([`radscreen_imaging::write_atomic`]): readers never see half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    radscreen_imaging::write_atomic(path, bytes).map_err(|e| Error::io(path, e))
}

/// Reads findings.csv rows written by [`to_csv`] (with its header). A last line cut short by a
/// crash (no final newline) is dropped.
pub fn read_file(path: &Path, findings: &[String]) -> Result<Vec<Row>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(&bytes[..end]);
    let head = rdr
        .headers()
        .map_err(|e| bad(path, 1, e.to_string()))?
        .clone();
    let col: BTreeMap<&str, usize> = head.iter().enumerate().map(|(i, h)| (h, i)).collect();
    let need = |name: &str| -> Result<usize> {
        col.get(name)
            .copied()
            .ok_or_else(|| bad(path, 1, format!("missing column '{name}'")))
    };
    let (cp, cf, cs, ck, ce, cm) = (
        need("path")?,
        need("frame")?,
        need("status")?,
        need("error_kind")?,
        need("error")?,
        need("modality")?,
    );
    let csc: Vec<usize> = findings
        .iter()
        .map(|f| need(&format!("score_{f}")))
        .collect::<Result<_>>()?;
    let cfl: Vec<usize> = findings
        .iter()
        .map(|f| need(&format!("flag_{f}")))
        .collect::<Result<_>>()?;
    let (ch, ca, cn, cst, cse, ci) = (
        need("heatmap")?,
        need("anomaly")?,
        need("frames")?,
        need("study_key")?,
        need("series_key")?,
        need("instance_key")?,
    );
    // added after the first release: older files (a resumed run's) have no such column
    let c_spacing = col.get("spacing").copied();
    let c_context = col.get("context").copied();
    let phi_cols = (
        col.get("patient_id").copied(),
        col.get("patient_name").copied(),
    );
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| bad(path, line, e.to_string()))?;
        let get = |k: usize| rec.get(k).unwrap_or("");
        let status = parse_status(get(cs)).ok_or_else(|| bad(path, line, "bad status".into()))?;
        let num = |k: usize| -> Result<Option<f32>> {
            match get(k) {
                "" => Ok(None),
                v => v
                    .parse::<f32>()
                    .map(Some)
                    .map_err(|_| bad(path, line, format!("'{v}' is not a number"))),
            }
        };
        let int = |k: usize| -> Result<u32> {
            get(k)
                .parse::<u32>()
                .map_err(|_| bad(path, line, format!("'{}' is not a count", get(k))))
        };
        rows.push(Row {
            path: get(cp).to_string(),
            frame: int(cf)?,
            status,
            error_kind: get(ck).to_string(),
            error: get(ce).to_string(),
            modality: get(cm).to_string(),
            scores: csc.iter().map(|&k| num(k)).collect::<Result<_>>()?,
            flags: cfl
                .iter()
                .map(|&k| match get(k) {
                    "1" => Some(true),
                    "0" => Some(false),
                    _ => None,
                })
                .collect(),
            heatmap: get(ch).to_string(),
            anomaly: num(ca)?,
            frames: int(cn)?,
            study_key: get(cst).to_string(),
            series_key: get(cse).to_string(),
            instance_key: get(ci).to_string(),
            spacing: c_spacing.map(|k| get(k).to_string()).unwrap_or_default(),
            context: c_context.map(|k| get(k).to_string()).unwrap_or_default(),
            phi: match phi_cols {
                (Some(a), Some(b)) => Some((get(a).to_string(), get(b).to_string())),
                _ => None,
            },
        });
    }
    Ok(rows)
}

fn bad(path: &Path, line: u64, message: String) -> Error {
    Error::Csv {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// Keeps only files whose rows are complete (a file that is not ok has one row; an ok file
/// has one row per frame), so that a resumed run redoes exactly the files cut short.
pub fn complete_files(rows: Vec<Row>) -> (Vec<Row>, std::collections::HashSet<String>) {
    let mut by_path: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for r in rows {
        by_path.entry(r.path.clone()).or_default().push(r);
    }
    let mut kept = Vec::new();
    let mut done = std::collections::HashSet::new();
    for (path, mut rs) in by_path {
        rs.sort_by_key(|r| r.frame);
        rs.dedup_by_key(|r| r.frame);
        let whole = match rs.first() {
            // A file-level row (skipped or failed before its frames were counted).
            Some(r) if r.frames == 0 => rs.len() == 1 && r.status != Status::Ok,
            Some(r) => {
                r.frames as usize == rs.len()
                    && rs.iter().enumerate().all(|(i, x)| x.frame as usize == i)
            }
            None => false,
        };
        if whole {
            done.insert(path);
            kept.extend(rs);
        }
    }
    (kept, done)
}
