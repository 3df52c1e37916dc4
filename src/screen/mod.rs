//! Batch screening: walk a folder, decode and preprocess files in parallel (rayon), score them
//! in batches on the device, and hand back one result per file as it completes.
//!
//! Decoding runs ahead of inference through a bounded queue, so memory stays flat however large
//! the folder is: at most `queue` decoded files wait for the model at any time.
//!
//! ```no_run
//! use radscreen::screen::{ScreenOptions, Screener};
//! let screener = Screener::new(ScreenOptions::new())?;
//! let files = radscreen::screen::walk("scans".as_ref(), None)?.0;
//! screener.screen_files("scans".as_ref(), &files, &mut |result| {
//!     for row in &result.rows {
//!         println!("{} {:?} {:?}", row.path, row.status, row.scores);
//!     }
//!     std::ops::ControlFlow::Continue(())
//! })?;
//! # Ok::<(), radscreen::Error>(())
//! ```

mod html;
mod report;
mod rows;
mod run;
#[cfg(test)]
mod tests;
mod work;

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use ndarray::{Array2, Array3, Axis};
use radscreen_dicom::ReadOptions;
use radscreen_imaging::preprocess::{Preprocess, Transform, resize};
use radscreen_model::{DeviceOptions, DevicePreference, Model, SelectedDevice, select_device};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::prepare::preprocess_for;
pub use report::{Counts, PARTIAL, ReportWriter, RunInfo, count, finish, overlay, read_report};
pub use rows::{
    Row, Status, complete_files, header, read_file, to_csv, to_csv_header, write_atomic, write_file,
};
pub use run::{Progress, ReportOptions, RunOutcome, merge_reports, parse_shard, screen_to_report};
pub(crate) use work::{DecodeContext, decode_file};
pub use work::{FileWork, in_shard, pseudonym, walk};

/// Where the model comes from.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub enum ModelSource {
    /// The default model shipped inside radscreen-model.
    #[default]
    Shipped,
    /// A folder written by `radscreen train`.
    Dir(PathBuf),
}

/// Screening options, validated by [`Screener::new`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ScreenOptions {
    pub model: ModelSource,
    pub device: DeviceOptions,
    /// Images per inference batch.
    pub batch_size: usize,
    /// Per-finding threshold overrides (else the model's own).
    pub thresholds: BTreeMap<String, f64>,
    /// Decoder limits and PHI handling.
    pub read: ReadOptions,
    /// Keep patient ID and name in rows (off by default).
    pub keep_phi: bool,
    /// Key for the study/series/instance pseudonyms (same key: same pseudonyms across runs).
    pub key: String,
    /// Decoded files allowed to wait for the model.
    pub queue: usize,
    /// Stop at the first file that fails.
    pub fail_fast: bool,
    /// Lowest activation-map peak reported as a predicted lesion.
    pub lesion_floor: f32,
}

impl Default for ScreenOptions {
    fn default() -> Self {
        ScreenOptions {
            model: ModelSource::Shipped,
            device: DeviceOptions::default(),
            batch_size: 16,
            thresholds: BTreeMap::new(),
            read: ReadOptions::default(),
            keep_phi: false,
            key: "radscreen".into(),
            queue: 64,
            fail_fast: false,
            lesion_floor: 0.05,
        }
    }
}

impl ScreenOptions {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn with_model(mut self, m: ModelSource) -> Self {
        self.model = m;
        self
    }
    pub fn with_device(mut self, d: DeviceOptions) -> Self {
        self.device = d;
        self
    }
    pub fn with_batch_size(mut self, b: usize) -> Self {
        self.batch_size = b;
        self
    }
    pub fn with_threshold(mut self, finding: impl Into<String>, t: f64) -> Self {
        self.thresholds.insert(finding.into(), t);
        self
    }
    pub fn with_keep_phi(mut self, keep: bool) -> Self {
        self.keep_phi = keep;
        self
    }
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }
    pub fn with_fail_fast(mut self, f: bool) -> Self {
        self.fail_fast = f;
        self
    }
    pub fn with_queue(mut self, q: usize) -> Self {
        self.queue = q;
        self
    }
}

/// A predicted lesion: an activation-map peak, in source pixels.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PredictedLesion {
    pub path: String,
    pub frame: u32,
    pub finding: String,
    pub row: f64,
    pub col: f64,
    pub score: f32,
    pub radius_px: f64,
}

/// A flagged frame's activation maps, for heatmap overlays.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FrameMaps {
    pub frame: u32,
    /// Findings flagged on this frame (indices into the model's findings).
    pub flagged: Vec<usize>,
    /// `[rows, cols]` greyscale (0..1) of the image as the model saw it, padding removed.
    pub image: Array2<f32>,
    /// `[findings, rows, cols]` activation maps (0..1) over `image`.
    pub maps: Array3<f32>,
}

/// Everything screening found in one file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FileResult {
    pub rows: Vec<Row>,
    pub lesions: Vec<PredictedLesion>,
    pub maps: Vec<FrameMaps>,
}

/// Counters and timings of a [`Screener::screen_files`] call.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[non_exhaustive]
pub struct ScreenStats {
    pub files: u64,
    pub images: u64,
    pub decode_s: f64,
    pub inference_s: f64,
    pub wall_s: f64,
    /// Stopped early (fail-fast, or the callback asked to stop).
    pub stopped: bool,
}

/// A loaded model on a chosen device, ready to screen.
pub struct Screener {
    model: Model,
    device: SelectedDevice,
    opts: ScreenOptions,
    pre: Preprocess,
    findings: Vec<String>,
    thresholds: Vec<f64>,
}

struct Pending {
    rel: String,
    keys: work::ImageKeys,
    frames: u32,
    rows: Vec<Option<Row>>,
    waiting: usize,
    lesions: Vec<PredictedLesion>,
    maps: Vec<FrameMaps>,
}

struct Queued {
    file: usize,
    frame: u32,
    input: Array3<f32>,
    transform: Transform,
}

impl Screener {
    /// Selects the device and loads the model.
    ///
    /// # Errors
    /// Invalid options, an unusable device, a model folder that cannot be loaded.
    pub fn new(opts: ScreenOptions) -> Result<Self> {
        if opts.batch_size == 0 || opts.batch_size > 4096 {
            return Err(Error::option("batch", "must be between 1 and 4096"));
        }
        if opts.queue == 0 {
            return Err(Error::option("queue", "must be at least 1"));
        }
        let device = select_device(&opts.device)?;
        let mut model = match &opts.model {
            ModelSource::Shipped => Model::shipped(&device.device)?,
            ModelSource::Dir(d) => Model::load_dir(d, &device.device)?,
        };
        // On the CPU, `auto` and `cpu` score with radscreen's own path (several times faster
        // than burn's CPU kernels for this network; docs/benchmarks.md); naming `flex` or
        // `ndarray` keeps burn's kernels.
        if device.backend.is_cpu()
            && matches!(
                device.requested,
                DevicePreference::Auto | DevicePreference::Cpu
            )
        {
            model.use_native_cpu(true)?;
        }
        let cfg = model.config();
        let findings = cfg.findings.clone();
        for (name, t) in &opts.thresholds {
            if !findings.contains(name) {
                return Err(Error::option(
                    "threshold",
                    format!(
                        "the model has no finding '{name}' (it has {})",
                        findings.join(", ")
                    ),
                ));
            }
            if !(0.0..=1.0).contains(t) {
                return Err(Error::option(
                    "threshold",
                    format!("{name}: {t} is outside 0..1"),
                ));
            }
        }
        let thresholds = findings
            .iter()
            .map(|f| {
                opts.thresholds
                    .get(f)
                    .or(cfg.thresholds.get(f))
                    .copied()
                    .unwrap_or(0.5)
            })
            .collect();
        Ok(Screener {
            pre: preprocess_for(&cfg.preprocess),
            model,
            device,
            opts,
            findings,
            thresholds,
        })
    }

    pub fn model(&self) -> &Model {
        &self.model
    }
    pub fn device(&self) -> &SelectedDevice {
        &self.device
    }
    pub fn findings(&self) -> &[String] {
        &self.findings
    }
    /// The thresholds in use, per finding.
    pub fn thresholds(&self) -> BTreeMap<String, f64> {
        self.findings
            .iter()
            .cloned()
            .zip(self.thresholds.iter().copied())
            .collect()
    }
    pub fn options(&self) -> &ScreenOptions {
        &self.opts
    }
    /// The preprocessing the model expects.
    pub fn preprocess(&self) -> &Preprocess {
        &self.pre
    }

    /// Screens `files` (relative to `root`), calling `on_file` once per file as it completes
    /// (in completion order). Return `ControlFlow::Break` to stop early.
    ///
    /// # Errors
    /// Only fatal errors (the backend failing); a file's problems are rows in its result.
    pub fn screen_files(
        &self,
        root: &Path,
        files: &[String],
        on_file: &mut dyn FnMut(FileResult) -> ControlFlow<()>,
    ) -> Result<ScreenStats> {
        let started = Instant::now();
        let mut read = self.opts.read.clone();
        read.keep_phi = self.opts.keep_phi;
        let cx = work::DecodeContext {
            root,
            pre: &self.pre,
            read: &read,
            key: &self.opts.key,
        };
        let stop = AtomicBool::new(false);
        let decode_ns = AtomicU64::new(0);
        let mut stats = ScreenStats::default();
        let (tx, rx) = std::sync::mpsc::sync_channel::<FileWork>(self.opts.queue);
        // Decoding gets its own threads: its workers block when the queue is full, and the CPU
        // backend's kernels run on rayon's global pool, which must stay free to drain it.
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("radscreen-decode-{i}"))
            .build()
            .map_err(|e| Error::option("threads", e.to_string()))?;
        let outcome = std::thread::scope(|s| {
            s.spawn(|| {
                pool.install(|| {
                    files.par_iter().for_each_with(tx, |tx, rel| {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let t = Instant::now();
                        let w = work::decode_file(rel, &cx);
                        decode_ns.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
                        let _ = tx.send(w);
                    });
                });
            });
            let r = self.consume(rx, &mut stats, on_file);
            stop.store(true, Ordering::Relaxed);
            r
        });
        stats.decode_s = decode_ns.load(Ordering::Relaxed) as f64 / 1e9;
        stats.wall_s = started.elapsed().as_secs_f64();
        outcome.map(|()| stats)
    }

    fn consume(
        &self,
        rx: std::sync::mpsc::Receiver<FileWork>,
        stats: &mut ScreenStats,
        on_file: &mut dyn FnMut(FileResult) -> ControlFlow<()>,
    ) -> Result<()> {
        let nf = self.findings.len();
        let mut pending: BTreeMap<usize, Pending> = BTreeMap::new();
        let mut queue: Vec<Queued> = Vec::new();
        let mut next_id = 0usize;
        let mut emit = |res: FileResult, stats: &mut ScreenStats| -> ControlFlow<()> {
            stats.files += 1;
            stats.images += res.rows.iter().filter(|r| r.status == Status::Ok).count() as u64;
            let failed = res.rows.iter().any(|r| r.status == Status::Error);
            if on_file(res).is_break() || (failed && self.opts.fail_fast) {
                stats.stopped = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        };
        let mut disconnected = false;
        while !disconnected {
            match rx.recv() {
                Err(_) => disconnected = true,
                Ok(FileWork::Skipped { rel, kind, message }) => {
                    let row = Row::file(&rel, Status::Skipped, &kind, &message, nf);
                    if emit(file_only(row), stats).is_break() {
                        return Ok(());
                    }
                }
                Ok(FileWork::Failed { rel, kind, message }) => {
                    let row = Row::file(&rel, Status::Error, &kind, &message, nf);
                    if emit(file_only(row), stats).is_break() {
                        return Ok(());
                    }
                }
                Ok(FileWork::Image {
                    rel,
                    meta,
                    frames,
                    inputs,
                    frame_errors,
                }) => {
                    let id = next_id;
                    next_id += 1;
                    let mut p = Pending {
                        rel,
                        keys: *meta,
                        frames,
                        rows: vec![None; frames as usize],
                        waiting: inputs.len(),
                        lesions: Vec::new(),
                        maps: Vec::new(),
                    };
                    for (frame, kind, message) in frame_errors {
                        let mut row = self.base_row(&p, frame);
                        row.status = Status::Error;
                        row.error_kind = kind;
                        row.error = message;
                        p.rows[frame as usize] = Some(row);
                    }
                    queue.extend(inputs.into_iter().map(|f| Queued {
                        file: id,
                        frame: f.frame,
                        input: f.input,
                        transform: f.transform,
                    }));
                    pending.insert(id, p);
                }
            }
            // Score full batches; at the end, whatever is left.
            while queue.len() >= self.opts.batch_size || (disconnected && !queue.is_empty()) {
                let take = queue.len().min(self.opts.batch_size);
                let batch: Vec<Queued> = queue.drain(..take).collect();
                let t = Instant::now();
                self.score(batch, &mut pending)?;
                stats.inference_s += t.elapsed().as_secs_f64();
            }
            let ready: Vec<usize> = pending
                .iter()
                .filter(|(_, p)| p.waiting == 0)
                .map(|(&k, _)| k)
                .collect();
            for k in ready {
                if let Some(p) = pending.remove(&k) {
                    let res = FileResult {
                        rows: p.rows.into_iter().flatten().collect(),
                        lesions: p.lesions,
                        maps: p.maps,
                    };
                    if emit(res, stats).is_break() {
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }

    fn base_row(&self, p: &Pending, frame: u32) -> Row {
        let mut row = Row::file(&p.rel, Status::Ok, "", "", self.findings.len());
        row.frame = frame;
        row.frames = p.frames;
        row.modality = p.keys.modality.clone();
        row.study_key = p.keys.study.clone();
        row.series_key = p.keys.series.clone();
        row.instance_key = p.keys.instance.clone();
        row.phi = p.keys.phi.clone();
        row
    }

    fn score(&self, batch: Vec<Queued>, pending: &mut BTreeMap<usize, Pending>) -> Result<()> {
        let views: Vec<_> = batch.iter().map(|q| q.input.view()).collect();
        let input = ndarray::stack(Axis(0), &views)
            .map_err(|e| radscreen_model::Error::InvalidInput(e.to_string()))?;
        let preds = self.model.predict(input.view())?;
        let size = self.pre.size as f64;
        for (q, pred) in batch.into_iter().zip(preds) {
            let Some(p) = pending.get_mut(&q.file) else {
                continue;
            };
            let mut row = self.base_row(p, q.frame);
            let mut flagged = Vec::new();
            for (f, &prob) in pred.probabilities.iter().enumerate() {
                let flag = prob as f64 >= self.thresholds[f];
                row.scores[f] = Some(prob);
                row.flags[f] = Some(flag);
                if flag {
                    flagged.push(f);
                }
            }
            row.anomaly = Some(pred.anomaly);
            let mh = pred.cam.dim().1;
            let cell = size / mh as f64;
            for (f, finding) in self.findings.iter().enumerate().take(pred.cam.dim().0) {
                for (r, c, v) in peaks(pred.cam.index_axis(Axis(0), f), self.opts.lesion_floor) {
                    let (sr, sc) = q
                        .transform
                        .to_source((r as f64 + 0.5) * cell - 0.5, (c as f64 + 0.5) * cell - 0.5);
                    p.lesions.push(PredictedLesion {
                        path: p.rel.clone(),
                        frame: q.frame,
                        finding: finding.clone(),
                        row: sr,
                        col: sc,
                        score: v,
                        radius_px: cell / 2.0 / q.transform.scale,
                    });
                }
            }
            if !flagged.is_empty() {
                p.maps.push(frame_maps(&q, &pred.cam, flagged));
            }
            p.rows[q.frame as usize] = Some(row);
            p.waiting -= 1;
        }
        Ok(())
    }
}

fn file_only(row: Row) -> FileResult {
    FileResult {
        rows: vec![row],
        lesions: Vec::new(),
        maps: Vec::new(),
    }
}

/// Local maxima (3×3, strict against earlier neighbours) at or above `floor`, strongest first,
/// at most 5.
fn peaks(map: ndarray::ArrayView2<f32>, floor: f32) -> Vec<(usize, usize, f32)> {
    let (h, w) = map.dim();
    let mut out = Vec::new();
    for r in 0..h {
        for c in 0..w {
            let v = map[[r, c]];
            if v < floor {
                continue;
            }
            let mut is_peak = true;
            for dr in -1i64..=1 {
                for dc in -1i64..=1 {
                    let (rr, cc) = (r as i64 + dr, c as i64 + dc);
                    if (dr, dc) == (0, 0) || rr < 0 || cc < 0 || rr >= h as i64 || cc >= w as i64 {
                        continue;
                    }
                    let n = map[[rr as usize, cc as usize]];
                    // ties go to the first in raster order
                    if n > v || (n == v && (dr < 0 || (dr == 0 && dc < 0))) {
                        is_peak = false;
                    }
                }
            }
            if is_peak {
                out.push((r, c, v));
            }
        }
    }
    out.sort_by(|a, b| b.2.total_cmp(&a.2));
    out.truncate(5);
    out
}

/// The model's view of a frame (padding removed) and its maps upsampled over it.
fn frame_maps(q: &Queued, cam: &Array3<f32>, flagged: Vec<usize>) -> FrameMaps {
    let t = &q.transform;
    let nf = cam.dim().0;
    let image = q
        .input
        .index_axis(Axis(0), 0)
        .slice(ndarray::s![
            t.pad_top..t.pad_top + t.rows,
            t.pad_left..t.pad_left + t.cols
        ])
        .to_owned();
    let size = q.input.dim().1;
    let mut maps = Array3::<f32>::zeros((nf, t.rows, t.cols));
    for f in 0..nf {
        // the map enlarged over the whole (square) input, then the padding cut away
        let m = resize(cam.index_axis(Axis(0), f), size, size);
        maps.index_axis_mut(Axis(0), f).assign(&m.slice(ndarray::s![
            t.pad_top..t.pad_top + t.rows,
            t.pad_left..t.pad_left + t.cols
        ]));
    }
    FrameMaps {
        frame: q.frame,
        flagged,
        image,
        maps,
    }
}
