//! Reading the CSV inputs: the screener's findings.csv, the truth manifest.csv, the true
//! lesions (lesions.csv) and the optional predicted lesions.
//!
//! Every reader reads the whole file before returning and fails on the first bad field, with
//! the file, the 1-based line (header = line 1) and the column by name and position; a caller
//! therefore never computes anything from a half-read file. Fields are trimmed; extra columns
//! are allowed (and kept for the manifest, whose every column can define subgroups).
//!
//! Formats (see DESIGN.md):
//! * findings.csv: `path,frame,status,…,score_FINDING,flag_FINDING,…`; `status` is
//!   `ok|skipped|error` (any case); on `ok` rows each score must be a number in [0, 1] and each
//!   flag `0|1|true|false`; on other rows they are not read.
//! * manifest.csv: `path,frame,FINDING,…` with labels exactly `0` or `1`; `age` (when used)
//!   is a number of years, a DICOM age string (`045Y`, `006M`, `010W`, `003D`) or empty/`NA`/
//!   `unknown` for unknown.
//! * lesions.csv (truth): `path,frame,finding,row,col,radius_px` (radius > 0 … ≥ 0).
//! * predicted lesions: `path,frame,finding,row,col,score[,radius_px]` — one row per predicted
//!   lesion (e.g. a heatmap peak above the screener's threshold); `radius_px` is needed only for
//!   IoU matching. The screener writes it as `REPORT_DIR/predicted_lesions.csv`.
//!
//! `(path, frame)` must be unique in findings.csv and in manifest.csv.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use csv::StringRecord;

use crate::error::{Error, Result};

/// A screened row's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Scored.
    Ok,
    /// Not screened on purpose (e.g. not an image).
    Skipped,
    /// Screening failed.
    Error,
}

impl Status {
    /// The CSV spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Skipped => "skipped",
            Status::Error => "error",
        }
    }
}

/// One row of findings.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictionRow {
    /// 1-based line.
    pub line: u64,
    /// Path relative to the screened folder.
    pub path: String,
    /// Frame number.
    pub frame: u64,
    /// Row status.
    pub status: Status,
    /// `error_kind` column (empty if absent).
    pub error_kind: String,
    /// `series_key` column: the series' pseudonym (empty if absent or unknown).
    pub series_key: String,
    /// Scores, one per finding (in the reader's finding order); `Some` on ok rows.
    pub scores: Vec<Option<f64>>,
    /// Flags, one per finding; `Some` on ok rows.
    pub flags: Vec<Option<bool>>,
}

/// findings.csv, read whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Predictions {
    /// The file.
    pub file: PathBuf,
    /// Findings read (`score_F` / `flag_F` columns).
    pub findings: Vec<String>,
    /// Rows in file order.
    pub rows: Vec<PredictionRow>,
}

/// One row of manifest.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestRow {
    /// 1-based line.
    pub line: u64,
    /// Path relative to the data folder.
    pub path: String,
    /// Frame number.
    pub frame: u64,
    /// Labels per finding (`true` = finding present).
    pub labels: Vec<bool>,
    /// Age in years, when the manifest has an `age` column and the field is known.
    pub age: Option<f64>,
    /// Every field, by header position.
    pub fields: Vec<String>,
}

/// manifest.csv, read whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The file.
    pub file: PathBuf,
    /// Header.
    pub header: Vec<String>,
    /// Findings read.
    pub findings: Vec<String>,
    /// Rows in file order.
    pub rows: Vec<ManifestRow>,
}

impl Manifest {
    /// Position of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// One lesion row (true or predicted).
#[derive(Debug, Clone, PartialEq)]
pub struct LesionRow {
    /// 1-based line.
    pub line: u64,
    /// Image path.
    pub path: String,
    /// Frame.
    pub frame: u64,
    /// Finding, e.g. "tumor".
    pub finding: String,
    /// Centre row (pixels).
    pub row: f64,
    /// Centre column (pixels).
    pub col: f64,
    /// Radius in pixels (required for truth, optional for predictions).
    pub radius: Option<f64>,
    /// Score (predictions only).
    pub score: Option<f64>,
}

/// A CSV file being read, for error messages.
struct Sheet {
    file: PathBuf,
    header: Vec<String>,
}

impl Sheet {
    fn col(&self, name: &str) -> Result<usize> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::MissingColumn {
                path: self.file.clone(),
                column: name.to_string(),
                found: self.header.join(","),
            })
    }

    fn bad(&self, line: u64, col: usize, value: &str, expected: &str) -> Error {
        Error::InvalidValue {
            path: self.file.clone(),
            line,
            column: self.header[col].clone(),
            column_index: col + 1,
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }

    fn frame(&self, rec: &StringRecord, line: u64, col: usize) -> Result<u64> {
        let v = &rec[col];
        v.parse::<u64>()
            .map_err(|_| self.bad(line, col, v, "expected a non-negative integer frame number"))
    }

    fn number(&self, rec: &StringRecord, line: u64, col: usize) -> Result<f64> {
        let v = &rec[col];
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            _ => Err(self.bad(line, col, v, "expected a finite number")),
        }
    }

    fn probability(&self, rec: &StringRecord, line: u64, col: usize) -> Result<f64> {
        let v = &rec[col];
        match v.parse::<f64>() {
            Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
            _ => Err(self.bad(line, col, v, "expected a score in [0, 1]")),
        }
    }
}

/// Opens a CSV file and reads its header.
fn open(path: &Path) -> Result<(Sheet, csv::Reader<File>)> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(file);
    let header = rdr
        .headers()
        .map_err(|e| csv_error(path, e))?
        .iter()
        .map(str::to_string)
        .collect();
    Ok((
        Sheet {
            file: path.to_path_buf(),
            header,
        },
        rdr,
    ))
}

fn csv_error(path: &Path, source: csv::Error) -> Error {
    let line = source.position().map_or(0, |p| p.line());
    Error::Csv {
        path: path.to_path_buf(),
        line,
        source,
    }
}

/// Iterates records with their 1-based line numbers.
fn records(
    path: &Path,
    rdr: &mut csv::Reader<File>,
) -> impl Iterator<Item = Result<(u64, StringRecord)>> {
    rdr.records().map(move |r| {
        let rec = r.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        Ok((line, rec))
    })
}

/// Tracks (path, frame) keys to report duplicates.
struct Keys<'a> {
    sheet: &'a Sheet,
    seen: HashMap<(String, u64), u64>,
}

impl Keys<'_> {
    fn insert(&mut self, path: &str, frame: u64, line: u64) -> Result<()> {
        if let Some(&first_line) = self.seen.get(&(path.to_string(), frame)) {
            return Err(Error::DuplicateRow {
                path: self.sheet.file.clone(),
                line,
                first_line,
                key_path: path.to_string(),
                frame,
            });
        }
        self.seen.insert((path.to_string(), frame), line);
        Ok(())
    }
}

/// Reads findings.csv for the given findings.
///
/// # Errors
/// I/O, malformed CSV, a missing column, an invalid status/score/flag/frame, or a duplicate
/// (path, frame) — each naming file, line and column.
pub fn read_predictions(path: &Path, findings: &[String]) -> Result<Predictions> {
    let (sheet, mut rdr) = open(path)?;
    let c_path = sheet.col("path")?;
    let c_frame = sheet.col("frame")?;
    let c_status = sheet.col("status")?;
    let c_kind = sheet.header.iter().position(|h| h == "error_kind");
    let c_series = sheet.header.iter().position(|h| h == "series_key");
    let c_scores = findings
        .iter()
        .map(|f| sheet.col(&format!("score_{f}")))
        .collect::<Result<Vec<_>>>()?;
    let c_flags = findings
        .iter()
        .map(|f| sheet.col(&format!("flag_{f}")))
        .collect::<Result<Vec<_>>>()?;
    let mut keys = Keys {
        sheet: &sheet,
        seen: HashMap::new(),
    };
    let mut rows = Vec::new();
    for r in records(path, &mut rdr) {
        let (line, rec) = r?;
        let frame = sheet.frame(&rec, line, c_frame)?;
        let status = match rec[c_status].to_ascii_lowercase().as_str() {
            "ok" => Status::Ok,
            "skipped" => Status::Skipped,
            "error" => Status::Error,
            _ => {
                return Err(sheet.bad(
                    line,
                    c_status,
                    &rec[c_status],
                    "expected ok, skipped or error",
                ));
            }
        };
        let (mut scores, mut flags) = (Vec::new(), Vec::new());
        for (&cs, &cf) in c_scores.iter().zip(&c_flags) {
            if status == Status::Ok {
                scores.push(Some(sheet.probability(&rec, line, cs)?));
                let flag = match rec[cf].to_ascii_lowercase().as_str() {
                    "1" | "true" => true,
                    "0" | "false" => false,
                    _ => return Err(sheet.bad(line, cf, &rec[cf], "expected 0, 1, true or false")),
                };
                flags.push(Some(flag));
            } else {
                scores.push(None);
                flags.push(None);
            }
        }
        keys.insert(&rec[c_path], frame, line)?;
        rows.push(PredictionRow {
            line,
            path: rec[c_path].to_string(),
            frame,
            status,
            error_kind: c_kind.map(|c| rec[c].to_string()).unwrap_or_default(),
            series_key: c_series.map(|c| rec[c].to_string()).unwrap_or_default(),
            scores,
            flags,
        });
    }
    Ok(Predictions {
        file: path.to_path_buf(),
        findings: findings.to_vec(),
        rows,
    })
}

/// Parses an age: years as a number, or a DICOM AS string (nnnD/W/M/Y); `None` for unknown.
fn parse_age(v: &str) -> Option<Option<f64>> {
    let lower = v.to_ascii_lowercase();
    if lower.is_empty() || lower == "na" || lower == "nan" || lower == "unknown" || lower == "?" {
        return Some(None);
    }
    if let Ok(x) = v.parse::<f64>() {
        return (x.is_finite() && x >= 0.0).then_some(Some(x));
    }
    let (last, unit) = v.char_indices().last()?;
    let digits = &v[..last];
    let n: f64 = digits.parse::<u32>().ok()?.into();
    let years = match unit {
        'Y' | 'y' => n,
        'M' | 'm' => n / 12.0,
        'W' | 'w' => n * 7.0 / 365.25,
        'D' | 'd' => n / 365.25,
        _ => return None,
    };
    Some(Some(years))
}

/// Reads manifest.csv. `required` names further columns that must exist (e.g. the subgroup
/// columns and `split`); `age`, when present, is validated.
///
/// # Errors
/// I/O, malformed CSV, a missing column, a label that is not 0/1, an invalid frame or age, or
/// a duplicate (path, frame).
pub fn read_manifest(path: &Path, findings: &[String], required: &[String]) -> Result<Manifest> {
    let (sheet, mut rdr) = open(path)?;
    let c_path = sheet.col("path")?;
    let c_frame = sheet.col("frame")?;
    let c_labels = findings
        .iter()
        .map(|f| sheet.col(f))
        .collect::<Result<Vec<_>>>()?;
    for r in required {
        sheet.col(r)?;
    }
    let c_age = sheet.header.iter().position(|h| h == "age");
    let mut keys = Keys {
        sheet: &sheet,
        seen: HashMap::new(),
    };
    let mut rows = Vec::new();
    for r in records(path, &mut rdr) {
        let (line, rec) = r?;
        let frame = sheet.frame(&rec, line, c_frame)?;
        let labels = c_labels
            .iter()
            .map(|&c| match &rec[c] {
                "1" => Ok(true),
                "0" => Ok(false),
                v => Err(sheet.bad(line, c, v, "expected a label 0 or 1")),
            })
            .collect::<Result<Vec<_>>>()?;
        let age = match c_age {
            Some(c) => parse_age(&rec[c]).ok_or_else(|| {
                sheet.bad(
                    line,
                    c,
                    &rec[c],
                    "expected an age in years, a DICOM age such as 045Y, or empty",
                )
            })?,
            None => None,
        };
        keys.insert(&rec[c_path], frame, line)?;
        rows.push(ManifestRow {
            line,
            path: rec[c_path].to_string(),
            frame,
            labels,
            age,
            fields: rec.iter().map(str::to_string).collect(),
        });
    }
    Ok(Manifest {
        file: path.to_path_buf(),
        header: sheet.header,
        findings: findings.to_vec(),
        rows,
    })
}

fn read_lesions(path: &Path, predicted: bool) -> Result<Vec<LesionRow>> {
    let (sheet, mut rdr) = open(path)?;
    let c_path = sheet.col("path")?;
    let c_frame = sheet.col("frame")?;
    let c_finding = sheet.col("finding")?;
    let c_row = sheet.col("row")?;
    let c_col = sheet.col("col")?;
    let c_radius = if predicted {
        sheet.header.iter().position(|h| h == "radius_px")
    } else {
        Some(sheet.col("radius_px")?)
    };
    let c_score = if predicted {
        Some(sheet.col("score")?)
    } else {
        None
    };
    let mut rows = Vec::new();
    for r in records(path, &mut rdr) {
        let (line, rec) = r?;
        let radius = match c_radius {
            Some(c) if !(predicted && rec[c].is_empty()) => {
                let v = sheet.number(&rec, line, c)?;
                if v < 0.0 {
                    return Err(sheet.bad(line, c, &rec[c], "expected a radius >= 0"));
                }
                Some(v)
            }
            _ => None,
        };
        rows.push(LesionRow {
            line,
            path: rec[c_path].to_string(),
            frame: sheet.frame(&rec, line, c_frame)?,
            finding: rec[c_finding].to_string(),
            row: sheet.number(&rec, line, c_row)?,
            col: sheet.number(&rec, line, c_col)?,
            radius,
            score: c_score.map(|c| sheet.number(&rec, line, c)).transpose()?,
        });
    }
    Ok(rows)
}

/// Reads true lesions (`path,frame,finding,row,col,radius_px`; more columns allowed).
///
/// # Errors
/// I/O, malformed CSV, a missing column, or a non-numeric / negative field.
pub fn read_truth_lesions(path: &Path) -> Result<Vec<LesionRow>> {
    read_lesions(path, false)
}

/// Reads predicted lesions (`path,frame,finding,row,col,score[,radius_px]`).
///
/// # Errors
/// I/O, malformed CSV, a missing column, or a non-numeric field.
pub fn read_predicted_lesions(path: &Path) -> Result<Vec<LesionRow>> {
    read_lesions(path, true)
}

#[cfg(test)]
mod tests {
    use super::parse_age;

    #[test]
    fn ages() {
        assert_eq!(parse_age("45"), Some(Some(45.0)));
        assert_eq!(parse_age("045Y"), Some(Some(45.0)));
        assert_eq!(parse_age("006M"), Some(Some(0.5)));
        assert_eq!(parse_age(""), Some(None));
        assert_eq!(parse_age("old"), None);
        assert_eq!(parse_age("-3"), None);
        assert_eq!(parse_age("Y"), None);
        assert_eq!(parse_age("45é"), None);
    }
}
