//! The report folder: findings.csv, predicted_lesions.csv, studies.csv, heatmaps/*.png,
//! report.html and run.json.
//!
//! While a run is going, rows are appended to `.partial/` and flushed every few seconds; the
//! finished files are written at the end through a temporary file and a rename. A crash leaves
//! `.partial/` consistent up to its last complete line, and `--resume` keeps every file whose
//! rows are complete and redoes the rest.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use image::RgbImage;

use crate::error::{Error, Result};
use crate::key::PseudonymKey;
use crate::record::{Counts, RunInfo};
use crate::rows::{self, Row, Status, complete_files};
use crate::{FileResult, FrameMaps, PredictedLesion};

/// Subfolder of the report folder that a run in progress appends to.
pub const PARTIAL: &str = ".partial";
const LESION_HEADER: &str = "path,frame,finding,row,col,score,radius_px\n";

/// Appends results to a report folder's `.partial/` files.
#[derive(Debug)]
pub struct ReportWriter {
    dir: PathBuf,
    findings: Vec<String>,
    key: PseudonymKey,
    keep_phi: bool,
    rows: std::io::BufWriter<std::fs::File>,
    lesions: std::io::BufWriter<std::fs::File>,
    last_flush: Instant,
}

impl ReportWriter {
    /// Opens `dir` for a run. With `resume`, keeps the complete files of an earlier run and
    /// returns their paths; without it, refuses a folder that already holds a report. `key`
    /// names the heatmaps; a resumed run must use the key of the run it continues.
    ///
    /// # Errors
    /// A folder holding a report (without `resume`), a resumed report made with another key,
    /// files that cannot be written.
    pub fn open(
        dir: &Path,
        findings: &[String],
        keep_phi: bool,
        resume: bool,
        key: &PseudonymKey,
    ) -> Result<(Self, HashSet<String>)> {
        let partial = dir.join(PARTIAL);
        let final_rows = dir.join("findings.csv");
        let has_partial = partial.join("findings.csv").exists();
        if !resume && has_partial {
            return Err(Error::option(
                "out",
                format!(
                    "{} holds an interrupted run: pass --resume to continue it, or choose another folder",
                    dir.display()
                ),
            ));
        }
        std::fs::create_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
        let mut kept: Vec<Row> = Vec::new();
        let mut kept_lesions = String::new();
        let mut done = HashSet::new();
        let key_file = partial.join(KEY_ID_FILE);
        if resume {
            check_same_key(dir, has_partial, &key.id())?;
            // A finished report is resumed from its final files, an interrupted one from .partial.
            let (src_rows, src_les) = if has_partial {
                (
                    partial.join("findings.csv"),
                    partial.join("predicted_lesions.csv"),
                )
            } else {
                (final_rows.clone(), dir.join("predicted_lesions.csv"))
            };
            if src_rows.exists() {
                let (k, d) = complete_files(rows::read_file(&src_rows, findings)?);
                kept = k;
                done = d;
            }
            for line in lesion_lines(&src_les, &done) {
                kept_lesions.push_str(&line);
                kept_lesions.push('\n');
            }
        }
        rows::write_atomic(&key_file, key.id().as_bytes())?;
        let rows_path = partial.join("findings.csv");
        let mut bytes = rows::to_csv_header(findings, keep_phi);
        bytes.extend(rows::to_csv(&kept, keep_phi));
        rows::write_atomic(&rows_path, &bytes)?;
        let les_path = partial.join("predicted_lesions.csv");
        rows::write_atomic(
            &les_path,
            format!("{LESION_HEADER}{kept_lesions}").as_bytes(),
        )?;
        // A finished report being replaced keeps its heatmaps until the new one is finished:
        // `finish` then deletes those no row refers to. Deleting them first would slow the new
        // run: ext4 skips recently freed inodes when it allocates, and writing 1,700 heatmaps
        // right after deleting 1,700 cost ~12 % of a run (measured).
        std::fs::create_dir_all(dir.join("heatmaps")).map_err(|e| Error::io(dir, e))?;
        let append = |p: &Path| {
            std::fs::OpenOptions::new()
                .append(true)
                .open(p)
                .map(std::io::BufWriter::new)
                .map_err(|e| Error::io(p, e))
        };
        Ok((
            ReportWriter {
                dir: dir.to_path_buf(),
                findings: findings.to_vec(),
                key: key.clone(),
                keep_phi,
                rows: append(&rows_path)?,
                lesions: append(&les_path)?,
                last_flush: Instant::now(),
            },
            done,
        ))
    }

    /// Records one file's result (heatmaps written now, rows flushed every two seconds).
    ///
    /// # Errors
    /// Write failures.
    pub fn add(&mut self, mut res: FileResult) -> Result<()> {
        for maps in &res.maps {
            let stem = self.key.pseudonym("path", &res.rows[0].path);
            let names = write_heatmaps(&self.dir, &stem, maps, &self.findings)?;
            if let Some(row) = res.rows.iter_mut().find(|r| r.frame == maps.frame) {
                row.heatmap = names.join(";");
            }
        }
        let p = self.dir.join(PARTIAL);
        for l in &res.lesions {
            writeln!(self.lesions, "{}", lesion_line(l)).map_err(|e| Error::io(&p, e))?;
        }
        // A file's rows must never reach the disk before its lesion lines: a resume keeps lesion
        // lines only for files whose rows are complete. BufWriter flushes on its own when its
        // buffer fills, so push the lesions out first whenever this write would make it do so.
        let bytes = rows::to_csv(&res.rows, self.keep_phi);
        if self.rows.buffer().len() + bytes.len() > self.rows.capacity() {
            self.lesions.flush().map_err(|e| Error::io(&p, e))?;
        }
        self.rows.write_all(&bytes).map_err(|e| Error::io(&p, e))?;
        if self.last_flush.elapsed().as_secs_f64() > 2.0 {
            self.flush()?;
        }
        Ok(())
    }

    /// Pushes buffered rows to disk.
    ///
    /// # Errors
    /// Write failures.
    pub fn flush(&mut self) -> Result<()> {
        let p = self.dir.join(PARTIAL);
        // Lesions first: a lesion line whose file's rows are not yet on disk is dropped on resume.
        self.lesions.flush().map_err(|e| Error::io(&p, e))?;
        self.rows.flush().map_err(|e| Error::io(&p, e))?;
        self.last_flush = Instant::now();
        Ok(())
    }

    /// Flushes and returns the folder (for [`finish`]).
    ///
    /// # Errors
    /// Write failures.
    pub fn close(mut self) -> Result<PathBuf> {
        self.flush()?;
        Ok(self.dir)
    }
}

pub(super) fn lesion_line(l: &PredictedLesion) -> String {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_record([
        l.path.clone(),
        l.frame.to_string(),
        l.finding.clone(),
        format!("{:.2}", l.row),
        format!("{:.2}", l.col),
        format!("{:.6}", l.score),
        format!("{:.2}", l.radius_px),
    ]);
    let s = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    s.trim_end().to_string()
}

/// The pseudonym key's id of the run that wrote `.partial/` (checked on resume).
const KEY_ID_FILE: &str = "pseudonym_key_id";

/// Refuses to resume a report made with another pseudonym key: its rows' study and series keys
/// and heatmap names would not match the new ones. Reports from before keys were recorded
/// carry none and are let through.
fn check_same_key(dir: &Path, has_partial: bool, id: &str) -> Result<()> {
    let recorded = if has_partial {
        let p = dir.join(PARTIAL).join(KEY_ID_FILE);
        std::fs::read_to_string(&p).ok()
    } else {
        let p = dir.join("run.json");
        std::fs::read_to_string(&p)
            .ok()
            .and_then(|t| serde_json::from_str::<RunInfo>(&t).ok())
            .map(|i| i.pseudonym_key_id)
    };
    match recorded {
        Some(r) if !r.trim().is_empty() && r.trim() != id => Err(Error::report(
            dir,
            "this report was made with another pseudonym key: resume it with the same --key-file \
             (or RADSCREEN_KEY)",
        )),
        _ => Ok(()),
    }
}

/// Writes one overlay PNG per flagged finding, named by the file's keyed pseudonym `stem` (names
/// carry no PHI and cannot be recomputed from a path without the key); returns their paths
/// relative to the report.
fn write_heatmaps(
    dir: &Path,
    stem: &str,
    m: &FrameMaps,
    findings: &[String],
) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for &f in &m.flagged {
        let name = format!("heatmaps/{stem}_{}_{}.png", m.frame, findings[f]);
        let img = overlay(&m.image, m.maps.index_axis(ndarray::Axis(0), f));
        let path = dir.join(&name);
        img.save(&path)
            .map_err(|e| Error::io(&path, std::io::Error::other(e.to_string())))?;
        names.push(name);
    }
    Ok(names)
}

/// The image in grey beside the same image with the map blended over it in red-yellow, one PNG
/// pixel per model input pixel (report.html enlarges them without smoothing; writing them 2×
/// made heatmaps about a sixth of a screening run's CPU time).
pub fn overlay(image: &ndarray::Array2<f32>, map: ndarray::ArrayView2<f32>) -> RgbImage {
    let (h, w) = image.dim();
    let ow = w * 2 + 4;
    let mut buf = vec![0u8; ow * h * 3];
    for ((line, irow), mrow) in buf
        .chunks_exact_mut(ow * 3)
        .zip(image.rows())
        .zip(map.rows())
    {
        let (grey, rest) = line.split_at_mut(w * 3);
        let heat = &mut rest[12..];
        let px = grey.chunks_exact_mut(3).zip(heat.chunks_exact_mut(3));
        for ((gp, hp), (&v, &m)) in px.zip(irow.iter().zip(mrow.iter())) {
            let g = (v.clamp(0.0, 1.0) * 255.0) as u8;
            gp.copy_from_slice(&[g, g, g]);
            let a = m.clamp(0.0, 1.0);
            let alpha = (a - 0.2).max(0.0) * (0.7 / 0.8); // faint activations stay transparent
            let base = g as f32 * (1.0 - alpha);
            hp.copy_from_slice(&[
                (base + 255.0 * alpha) as u8,
                (base + 255.0 * a * alpha) as u8,
                base as u8,
            ]);
        }
    }
    RgbImage::from_raw(ow as u32, h as u32, buf).unwrap_or_default()
}

/// Counts over rows (a file counts once, as error if any of its rows failed, else ok/skipped).
pub fn count(rows: &[Row], findings: &[String]) -> Counts {
    let mut by_file: BTreeMap<&str, Status> = BTreeMap::new();
    let mut c = Counts::default();
    for r in rows {
        let e = by_file.entry(&r.path).or_insert(r.status);
        if r.status == Status::Error {
            *e = Status::Error;
        }
        if r.status == Status::Ok {
            c.images += 1;
        }
        for (name, flag) in findings.iter().zip(&r.flags) {
            *c.flagged.entry(name.clone()).or_default() += u64::from(*flag == Some(true));
        }
    }
    c.files = by_file.len() as u64;
    for s in by_file.values() {
        match s {
            Status::Ok => c.ok += 1,
            Status::Skipped => c.skipped += 1,
            Status::Error => c.error += 1,
        }
    }
    c
}

/// Writes the finished report from complete rows and lesion lines: findings.csv (sorted by
/// path and frame), predicted_lesions.csv, studies.csv, report.html and run.json.
///
/// # Errors
/// Write failures.
pub fn finish(
    dir: &Path,
    mut rows: Vec<Row>,
    lesion_lines: Vec<String>,
    run: &RunInfo,
) -> Result<()> {
    rows.sort_by(|a, b| (a.path.as_str(), a.frame).cmp(&(b.path.as_str(), b.frame)));
    rows::write_file(
        &dir.join("findings.csv"),
        &rows,
        &run.findings,
        run.keep_phi,
    )?;
    let mut lesions = lesion_lines;
    lesions.sort();
    let mut text = String::from(LESION_HEADER);
    for l in lesions {
        text.push_str(&l);
        text.push('\n');
    }
    rows::write_atomic(&dir.join("predicted_lesions.csv"), text.as_bytes())?;
    rows::write_atomic(&dir.join("studies.csv"), &studies_csv(&rows, &run.findings))?;
    rows::write_atomic(
        &dir.join("report.html"),
        crate::html::render(&rows, run).as_bytes(),
    )?;
    let json = serde_json::to_string_pretty(run).map_err(|e| Error::report(dir, e.to_string()))?;
    rows::write_atomic(&dir.join("run.json"), json.as_bytes())?;
    sweep_heatmaps(dir, &rows);
    let partial = dir.join(PARTIAL);
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
    }
    Ok(())
}

/// Deletes heatmap PNGs that no row refers to: those of the report this one replaced (kept
/// until now, see [`ReportWriter::open`]). Best effort: a file that cannot be deleted is only
/// clutter.
pub(super) fn sweep_heatmaps(dir: &Path, rows: &[Row]) {
    let referenced: HashSet<&str> = rows
        .iter()
        .flat_map(|r| r.heatmap.split(';'))
        .filter(|s| !s.is_empty())
        .collect();
    let Ok(entries) = std::fs::read_dir(dir.join("heatmaps")) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".png") && !referenced.contains(format!("heatmaps/{name}").as_str()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Reads `.partial/` (or the final files) of a report folder: complete rows and lesion lines.
///
/// # Errors
/// Unreadable or malformed files.
pub fn read_report(dir: &Path, findings: &[String]) -> Result<(Vec<Row>, Vec<String>)> {
    let partial = dir.join(PARTIAL);
    let (rp, lp) = if partial.join("findings.csv").exists() {
        (
            partial.join("findings.csv"),
            partial.join("predicted_lesions.csv"),
        )
    } else {
        (dir.join("findings.csv"), dir.join("predicted_lesions.csv"))
    };
    let (rows, done) = complete_files(rows::read_file(&rp, findings)?);
    let lines = lesion_lines(&lp, &done);
    Ok((rows, lines))
}

/// The complete lines (a last line cut short by a crash is dropped) of a predicted-lesions file
/// whose image path is in `done`; none if the file is missing.
fn lesion_lines(path: &Path, done: &HashSet<String>) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    complete_lines_of(&text, done)
}

/// The data lines (after the header) of a predicted-lesions CSV text whose first field (the image path) is
/// in `done`, kept verbatim; a last line without its newline (cut by a crash) is dropped. One
/// CSV reader over the whole text: quoted paths, even ones holding commas, quotes or newlines,
/// are read as the csv crate wrote them.
pub(super) fn complete_lines_of(text: &str, done: &HashSet<String>) -> Vec<String> {
    let text = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut spans: Vec<(usize, bool)> = Vec::new(); // (start byte, kept)
    while let Ok(true) = reader.read_record(&mut record) {
        let start = record.position().map_or(0, |p| p.byte() as usize);
        spans.push((start, record.get(0).is_some_and(|p| done.contains(p))));
    }
    let ends = spans.iter().skip(1).map(|s| s.0).chain([text.len()]);
    spans
        .iter()
        .zip(ends)
        .filter(|((_, kept), _)| *kept)
        .map(|((start, _), end)| text[*start..end].trim_end_matches('\n').to_string())
        .collect()
}

/// Per series and per study: image counts and the highest score per finding (a series or study
/// is flagged when any of its images is).
fn studies_csv(rows: &[Row], findings: &[String]) -> Vec<u8> {
    #[derive(Default)]
    struct Agg {
        modality: String,
        images: u64,
        max: Vec<f32>,
        flag: Vec<bool>,
    }
    let mut series: BTreeMap<(String, String), Agg> = BTreeMap::new();
    let mut studies: BTreeMap<String, Agg> = BTreeMap::new();
    let nf = findings.len();
    for r in rows.iter().filter(|r| r.status == Status::Ok) {
        let study = if r.study_key.is_empty() {
            "-".to_string()
        } else {
            r.study_key.clone()
        };
        for agg in [
            series
                .entry((study.clone(), r.series_key.clone()))
                .or_default(),
            studies.entry(study.clone()).or_default(),
        ] {
            if agg.max.is_empty() {
                agg.max = vec![0.0; nf];
                agg.flag = vec![false; nf];
            }
            if agg.modality.is_empty() {
                agg.modality = r.modality.clone();
            } else if agg.modality != r.modality
                && !agg.modality.split('/').any(|m| m == r.modality)
            {
                agg.modality = format!("{}/{}", agg.modality, r.modality);
            }
            agg.images += 1;
            for (m, s) in agg.max.iter_mut().zip(&r.scores) {
                *m = m.max(s.unwrap_or(0.0));
            }
            for (g, f) in agg.flag.iter_mut().zip(&r.flags) {
                *g |= *f == Some(true);
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head: Vec<String> = ["level", "study_key", "series_key", "modality", "images"]
        .map(String::from)
        .to_vec();
    head.extend(findings.iter().map(|f| format!("score_{f}")));
    head.extend(findings.iter().map(|f| format!("flag_{f}")));
    let _ = w.write_record(&head);
    let mut put = |level: &str, study: &str, series: &str, a: &Agg| {
        let mut rec = vec![
            level.to_string(),
            study.to_string(),
            series.to_string(),
            a.modality.clone(),
            a.images.to_string(),
        ];
        rec.extend(a.max.iter().map(|v| format!("{v:.6}")));
        rec.extend(
            a.flag
                .iter()
                .map(|&b| if b { "1" } else { "0" }.to_string()),
        );
        let _ = w.write_record(&rec);
    };
    for (study, a) in &studies {
        put("study", study, "", a);
        for ((s, se), b) in series.range((study.clone(), String::new())..) {
            if s != study {
                break;
            }
            put("series", s, se, b);
        }
    }
    w.into_inner().unwrap_or_default()
}
