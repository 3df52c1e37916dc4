//! A whole screening run into a report folder (what `radscreen screen` does), and the merge of
//! shard reports (`radscreen merge`).

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::error::{Error, Result};
use crate::record::{ModelRecord, RunInfo, RunTimings, Timings};
use crate::report::{self, ReportWriter};
use crate::rows::{Row, Status};
use crate::{FileResult, Screener, in_shard, walk};

/// Where and how a run writes its report.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ReportOptions {
    /// The report folder.
    pub out: PathBuf,
    /// Continue an interrupted run in `out`.
    pub resume: bool,
    /// Take shard `.0` of `.1` (0-based).
    pub shard: Option<(u32, u32)>,
    /// Also write DICOM SR and SEG per study under `out/dicom/` when the run finishes.
    pub dicom: bool,
}

impl ReportOptions {
    /// Writes to `out`: a fresh run over every file.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        ReportOptions {
            out: out.into(),
            ..Self::default()
        }
    }
    /// Continues an interrupted run in `out` (or starts afresh).
    pub fn with_resume(mut self, r: bool) -> Self {
        self.resume = r;
        self
    }
    /// Also writes DICOM SR and SEG per study (see [`crate::write_dicom`]).
    pub fn with_dicom(mut self, d: bool) -> Self {
        self.dicom = d;
        self
    }
    /// Takes shard `.0` of `.1` (0-based), or every file with `None`.
    pub fn with_shard(mut self, shard: Option<(u32, u32)>) -> Self {
        self.shard = shard;
        self
    }
}

/// Parses `I/N` (0 ≤ I < N).
///
/// # Errors
/// Anything else.
pub fn parse_shard(s: &str) -> Result<(u32, u32)> {
    let bad = || Error::option("shard", format!("'{s}' is not I/N with 0 <= I < N"));
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (u32, u32) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Progress of a run.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Progress {
    /// Files finished in this run (resumed ones excluded).
    pub done: u64,
    /// Files this run has to do.
    pub total: u64,
    /// Files already complete from an earlier run.
    pub resumed: u64,
    /// Files in this run with a failed row.
    pub errors: u64,
    /// Files in this run with a flagged image.
    pub flagged: u64,
}

/// How a run ended.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RunOutcome {
    /// What run.json records (not written when the run stopped early).
    pub info: RunInfo,
    /// The screener's counters and timings.
    pub stats: crate::ScreenStats,
    /// The DICOM results, when asked for and the run finished.
    pub dicom: Option<crate::DicomOutcome>,
}

/// Screens `root` into a report folder.
///
/// # Errors
/// Fatal errors only: an unusable report folder, the backend failing, write failures.
pub fn screen_to_report(
    screener: &Screener,
    root: &Path,
    opts: &ReportOptions,
    on_progress: &mut dyn FnMut(&Progress),
) -> Result<RunOutcome> {
    let started = Instant::now();
    let findings = screener.findings().to_vec();
    let keep_phi = screener.options().keep_phi;
    let (writer, done) =
        ReportWriter::open(&opts.out, &findings, keep_phi, opts.resume, screener.key())?;
    let (files, walk_errors) = walk(root, Some(&opts.out))?;
    let walk_s = started.elapsed().as_secs_f64();
    let mine = |rel: &str| opts.shard.is_none_or(|(i, n)| in_shard(rel, i, n));
    let todo: Vec<String> = files
        .iter()
        .filter(|f| mine(f) && !done.contains(*f))
        .cloned()
        .collect();
    let mut progress = Progress {
        total: todo.len() as u64,
        resumed: done.len() as u64,
        ..Progress::default()
    };
    let mut writer = writer;
    let nf = findings.len();
    for (rel, message) in walk_errors
        .iter()
        .filter(|(r, _)| mine(r) && !done.contains(r))
    {
        let row = Row::file(rel, Status::Error, "io", &format!("{rel}: {message}"), nf);
        writer.add(FileResult {
            rows: vec![row],
            lesions: vec![],
            maps: vec![],
        })?;
    }
    on_progress(&progress);
    // The report is written on its own thread (heatmap PNGs cost about as much as scoring), in
    // arrival order, each file's heatmaps before its rows: a crash still leaves a consistent
    // report, and inference never waits for the disk.
    let (tx, rx) = std::sync::mpsc::sync_channel::<FileResult>(16);
    let (stats, written) = std::thread::scope(|s| {
        let writing = s.spawn(move || -> Result<ReportWriter> {
            for res in rx {
                writer.add(res)?;
            }
            Ok(writer)
        });
        // a 2.5-D model's slices take neighbours from the whole folder, shards and done files too
        let stats = screener.screen_files_within(root, &todo, &files, &mut |res| {
            progress.done += 1;
            progress.errors += res.rows.iter().any(|r| r.status == Status::Error) as u64;
            progress.flagged += res.rows.iter().any(|r| r.flags.contains(&Some(true))) as u64;
            if tx.send(res).is_err() {
                return ControlFlow::Break(()); // the writer failed: its error is returned below
            }
            on_progress(&progress);
            ControlFlow::Continue(())
        });
        drop(tx);
        let written = writing
            .join()
            .unwrap_or_else(|_| Err(Error::report(&opts.out, "the report writer panicked")));
        (stats, written)
    });
    let writer = written?;
    let stats = stats?;
    let dir = writer.close()?;
    let (rows, lesions) = report::read_report(&dir, &findings)?;
    let counts = report::count(&rows, &findings);
    let model = screener.model();
    let info = RunInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        model: ModelRecord {
            id: model.config().id.clone(),
            sha256: model.sha256().to_string(),
            source: match &screener.options().model {
                crate::ModelSource::Shipped => "shipped".to_string(),
                crate::ModelSource::Dir(d) => d.display().to_string(),
            },
            parameters: model.num_params() as u64,
            inference: model.inference_path().to_string(),
        },
        device: screener.device().report(),
        thresholds: screener.thresholds(),
        counts,
        timings: Timings::Run(RunTimings {
            walk_s,
            wall_s: started.elapsed().as_secs_f64(),
            decode_cpu_s: stats.decode_s,
            inference_s: stats.inference_s,
            files_this_run: stats.files,
            images_this_run: stats.images,
            images_per_s: if stats.wall_s > 0.0 {
                stats.images as f64 / stats.wall_s
            } else {
                0.0
            },
            peak_rss_bytes: crate::process::peak_rss_bytes(),
        }),
        shard: opts.shard.map(|(i, n)| format!("{i}/{n}")),
        findings: findings.clone(),
        keep_phi,
        pseudonym_key_id: screener.key().id(),
    };
    if stats.stopped {
        // Leave .partial/ in place so that --resume can continue; write nothing final.
        return Ok(RunOutcome {
            info,
            stats,
            dicom: None,
        });
    }
    report::finish(&dir, rows, lesions, &info)?;
    let dicom = if opts.dicom {
        Some(crate::write_dicom(root, &dir, &info)?)
    } else {
        None
    };
    Ok(RunOutcome { info, stats, dicom })
}

/// Merges finished shard reports into one report folder: rows and lesions concatenated (each
/// file must appear in one shard only), heatmaps copied, counts recomputed.
///
/// # Errors
/// Unfinished or incompatible shards (different model or thresholds), a file in two shards.
pub fn merge_reports(shards: &[PathBuf], out: &Path) -> Result<RunInfo> {
    if shards.is_empty() {
        return Err(Error::option(
            "shards",
            "give at least one shard report folder",
        ));
    }
    let mut infos = Vec::new();
    for s in shards {
        let p = s.join("run.json");
        let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
        let info: RunInfo =
            serde_json::from_str(&text).map_err(|e| Error::report(&p, e.to_string()))?;
        if s.join(report::PARTIAL).exists() {
            return Err(Error::report(
                s,
                "this shard did not finish (resume it first)",
            ));
        }
        infos.push(info);
    }
    let first = &infos[0];
    for (s, i) in shards.iter().zip(&infos) {
        if i.model.sha256 != first.model.sha256
            || i.thresholds != first.thresholds
            || i.findings != first.findings
            || i.keep_phi != first.keep_phi
        {
            return Err(Error::report(
                s,
                "model, thresholds or findings differ from the first shard",
            ));
        }
        if i.pseudonym_key_id != first.pseudonym_key_id {
            return Err(Error::report(
                s,
                "made with another pseudonym key than the first shard (its study and series keys \
                 would not match): screen every shard with the same --key-file",
            ));
        }
    }
    std::fs::create_dir_all(out.join("heatmaps")).map_err(|e| Error::io(out, e))?;
    let mut rows = Vec::new();
    let mut lesions = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for s in shards {
        let (r, l) = report::read_report(s, &first.findings)?;
        let paths: HashSet<String> = r.iter().map(|x| x.path.clone()).collect();
        if let Some(dup) = paths.iter().find(|p| seen.contains(*p)) {
            return Err(Error::report(
                s,
                format!("{dup} is also in an earlier shard"),
            ));
        }
        seen.extend(paths);
        for row in &r {
            for h in row.heatmap.split(';').filter(|h| !h.is_empty()) {
                let (from, to) = (s.join(h), out.join(h));
                std::fs::copy(&from, &to).map_err(|e| Error::io(&from, e))?;
            }
        }
        rows.extend(r);
        lesions.extend(l);
    }
    let mut info = first.clone();
    info.counts = report::count(&rows, &info.findings);
    info.shard = None;
    info.timings = Timings::Merged {
        merged_from: shards.iter().map(|s| s.display().to_string()).collect(),
        shards: infos.iter().map(|i| i.timings.clone()).collect(),
    };
    report::finish(out, rows, lesions, &info)?;
    Ok(info)
}
