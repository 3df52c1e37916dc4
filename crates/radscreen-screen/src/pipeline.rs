//! The screening pipeline: decoder threads → a feeder thread that batches inputs → two scoring
//! threads that run the model → the caller's thread, which turns scores into rows, lesions and
//! heatmap maps and hands back each file as it completes.
//!
//! Scoring and the per-image follow-up run on different threads so that the model never waits
//! for the follow-up of the batch before: on a CPU the cores would otherwise idle while one
//! thread builds rows (measured: 8 % of the machine idle on 2,000 images).

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ndarray::{Array2, Array3, Axis};
use radscreen_imaging::preprocess::{Transform, resize};
use radscreen_model::Prediction;
use rayon::prelude::*;

use crate::context::SeriesDecode;
use crate::error::{Error, Result};
use crate::work::{self, FileWork};
use crate::{FileResult, FrameMaps, PredictedLesion, Row, ScreenStats, Screener, Status};

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
    spacing: String,
    context: String,
    group: usize,
}

/// One scored image, with only what the follow-up needs (the full input is dropped).
struct Scored {
    file: usize,
    frame: u32,
    transform: Transform,
    spacing: String,
    context: String,
    /// Findings at or above their thresholds (indices into the model's findings).
    flagged: Vec<usize>,
    /// The image as the model saw it, padding removed: kept only when a finding is flagged.
    image: Option<Array2<f32>>,
    pred: Prediction,
}

/// What the feeder hands to the caller's thread, in order: a file is announced before any of
/// its images is scored.
enum Fed {
    Done(FileResult),
    File(usize, Pending),
    Scored(Vec<Scored>),
}

impl Screener {
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
        self.screen_files_within(root, files, files, on_file)
    }

    /// As [`Screener::screen_files`], where a 2.5-D model may take a slice's neighbours from
    /// `universe` (the whole folder: files of other shards, files a resumed run already
    /// screened) as well as from `files`; only `files` are reported.
    ///
    /// # Errors
    /// Only fatal errors (the backend failing); a file's problems are rows in its result.
    pub fn screen_files_within(
        &self,
        root: &Path,
        files: &[String],
        universe: &[String],
        on_file: &mut dyn FnMut(FileResult) -> ControlFlow<()>,
    ) -> Result<ScreenStats> {
        let started = Instant::now();
        let mut read = self.opts.read.clone();
        read.keep_phi = self.opts.keep_phi;
        let cx = work::DecodeContext {
            root,
            pre: &self.pre,
            read: &read,
            key: &self.key,
        };
        let stop = AtomicBool::new(false);
        let decode_ns = AtomicU64::new(0);
        let mut stats = ScreenStats::default();
        // the queue holds as many input pixels as `queue` one-slice files: a 2.5-D input is
        // 2k + 1 slices deep
        let depth = self.pre.context.as_ref().map_or(1, |c| c.depth());
        let (tx, rx) = sync_channel::<FileWork>((self.opts.queue / depth).max(2));
        // Small: the follow-up keeps up with scoring; when the caller is slow (a slow disk
        // under the report), the feeder waits rather than piling up scored batches.
        let (fed_tx, fed_rx) = sync_channel::<Result<Fed>>(8);
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
                pool.install(|| match &self.pre.context {
                    Some(plan) => {
                        let series = SeriesDecode {
                            plan,
                            cx: &cx,
                            threads,
                            stop: &stop,
                            decode_ns: &decode_ns,
                        };
                        series.run(files, universe, tx);
                    }
                    None => files.par_iter().for_each_with(tx, |tx, rel| {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let t = Instant::now();
                        let w = work::decode_file(rel, &cx);
                        decode_ns.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
                        let _ = tx.send(w);
                    }),
                });
            });
            let feeder = s.spawn(move || self.feed(rx, fed_tx));
            let r = self.consume(root, fed_rx, &mut stats, on_file);
            // the feeder and decoders see their receivers gone (or this flag) and stop
            stop.store(true, Ordering::Relaxed);
            // a panic while scoring (a bug, never a file's fault) is raised here, not lost
            let inference_s = feeder
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (r, inference_s)
        });
        stats.inference_s = outcome.1;
        stats.decode_s = decode_ns.load(Ordering::Relaxed) as f64 / 1e9;
        stats.wall_s = started.elapsed().as_secs_f64();
        outcome.0.map(|()| stats)
    }

    /// The feeder thread: announces files and batches their inputs (at the end, whatever is
    /// left) for two scoring threads. Two batches in flight keep every core busy while the
    /// slowest image of a batch finishes (with one, the other cores wait for it: about 3 % of a
    /// 2-core machine at batch 16). Returns the seconds during which a batch was being scored.
    fn feed(&self, rx: Receiver<FileWork>, out: SyncSender<Result<Fed>>) -> f64 {
        // one batch waits ready-made, so a scorer that finishes starts the next at once
        let (batch_tx, batch_rx) = sync_channel::<Vec<Queued>>(1);
        // shared by the scorers, and dropped with the last of them: the batcher then stops too
        let batch_rx = Arc::new(Mutex::new(batch_rx));
        let busy = Mutex::new(Busy::default());
        std::thread::scope(|s| {
            for _ in 0..2 {
                let out = out.clone();
                let (batch_rx, busy) = (Arc::clone(&batch_rx), &busy);
                s.spawn(move || {
                    loop {
                        // the lock is held only while waiting for the next batch
                        let next = batch_rx
                            .lock()
                            .map_err(|_| ())
                            .and_then(|r| r.recv().map_err(|_| ()));
                        let Ok(batch) = next else { return };
                        Busy::start(busy);
                        let scored = self.score(batch);
                        Busy::stop(busy);
                        let failed = scored.is_err();
                        if out.send(scored.map(Fed::Scored)).is_err() || failed {
                            return;
                        }
                    }
                });
            }
            drop(batch_rx);
            self.batch(rx, &out, batch_tx);
        });
        busy.into_inner().map_or(0.0, |b| b.total_s)
    }

    /// Announces each decoded file to the caller's thread and sends full batches to scoring.
    fn batch(
        &self,
        rx: Receiver<FileWork>,
        out: &SyncSender<Result<Fed>>,
        to_score: SyncSender<Vec<Queued>>,
    ) {
        let nf = self.findings.len();
        let mut queue: Vec<Queued> = Vec::new();
        let mut next_id = 0usize;
        let mut disconnected = false;
        while !disconnected {
            let msg = match rx.recv() {
                Err(_) => {
                    disconnected = true;
                    None
                }
                Ok(FileWork::Skipped { rel, kind, message }) => Some(Fed::Done(file_only(
                    Row::file(&rel, Status::Skipped, &kind, &message, nf),
                ))),
                Ok(FileWork::Failed { rel, kind, message }) => Some(Fed::Done(file_only(
                    Row::file(&rel, Status::Error, &kind, &message, nf),
                ))),
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
                        spacing: f.spacing,
                        context: f.context,
                        group: f.group,
                    }));
                    Some(Fed::File(id, p))
                }
            };
            if let Some(m) = msg
                && out.send(Ok(m)).is_err()
            {
                return; // the caller stopped
            }
            while queue.len() >= self.batch || (disconnected && !queue.is_empty()) {
                let take = queue.len().min(self.batch);
                if to_score.send(queue.drain(..take).collect()).is_err() {
                    return; // scoring stopped (an error, or the caller)
                }
            }
        }
    }

    /// Scores one batch and keeps what the follow-up needs.
    fn score(&self, batch: Vec<Queued>) -> Result<Vec<Scored>> {
        // square inputs go up as one batch; a spacing model's tiles are grouped by shape
        let views: Vec<_> = batch.iter().map(|q| q.input.view()).collect();
        let groups: Vec<usize> = batch.iter().map(|q| q.group).collect();
        let preds = self.model.predict_images_in_groups(&views, &groups)?;
        Ok(batch
            .into_iter()
            .zip(preds)
            .map(|(q, pred)| {
                let flagged: Vec<usize> = (pred.probabilities.iter().zip(&self.thresholds))
                    .enumerate()
                    .filter(|(_, (p, t))| **p as f64 >= t[q.group.min(2)])
                    .map(|(f, _)| f)
                    .collect();
                let t = &q.transform;
                let image = (!flagged.is_empty()).then(|| {
                    q.input
                        .index_axis(Axis(0), self.own_channel)
                        .slice(ndarray::s![
                            t.pad_top..t.pad_top + t.rows,
                            t.pad_left..t.pad_left + t.cols
                        ])
                        .to_owned()
                });
                Scored {
                    file: q.file,
                    frame: q.frame,
                    transform: q.transform,
                    spacing: q.spacing,
                    context: q.context,
                    flagged,
                    image,
                    pred,
                }
            })
            .collect())
    }

    /// The caller's thread: rows, lesions and maps from scores; files handed back when complete.
    fn consume(
        &self,
        root: &Path,
        rx: Receiver<Result<Fed>>,
        stats: &mut ScreenStats,
        on_file: &mut dyn FnMut(FileResult) -> ControlFlow<()>,
    ) -> Result<()> {
        let mut pending: BTreeMap<usize, Pending> = BTreeMap::new();
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
        for msg in rx {
            let touched: Vec<usize> = match msg? {
                Fed::Done(res) => {
                    if emit(res, stats).is_break() {
                        return Ok(());
                    }
                    continue;
                }
                Fed::File(id, p) => {
                    pending.insert(id, p);
                    vec![id]
                }
                Fed::Scored(batch) => {
                    let ids = batch.iter().map(|s| s.file).collect();
                    for s in batch {
                        if let Some(p) = pending.get_mut(&s.file) {
                            self.follow_up(s, p);
                        }
                    }
                    ids
                }
            };
            let mut ready: Vec<usize> = touched
                .into_iter()
                .filter(|k| pending.get(k).is_some_and(|p| p.waiting == 0))
                .collect();
            ready.sort_unstable();
            ready.dedup();
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
        if !pending.is_empty() {
            // the scoring threads ended without scoring these (they panicked): never a silent loss
            return Err(Error::report(
                root,
                format!("{} files were decoded but never scored", pending.len()),
            ));
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

    /// One scored image's row, activation-map peaks and (when flagged) heatmap maps.
    fn follow_up(&self, s: Scored, p: &mut Pending) {
        let pred = &s.pred;
        let mut row = self.base_row(p, s.frame);
        row.spacing = s.spacing.clone();
        row.context = s.context.clone();
        for (f, &prob) in pred.probabilities.iter().enumerate() {
            row.scores[f] = Some(prob);
            row.flags[f] = Some(s.flagged.contains(&f));
        }
        row.anomaly = Some(pred.anomaly);
        let mh = pred.cam.dim().1.max(1);
        let cell = s.transform.in_rows as f64 / mh as f64;
        for (f, finding) in self.findings.iter().enumerate().take(pred.cam.dim().0) {
            for (r, c, v) in peaks(pred.cam.index_axis(Axis(0), f), self.opts.lesion_floor) {
                let (sr, sc) = s
                    .transform
                    .to_source((r as f64 + 0.5) * cell - 0.5, (c as f64 + 0.5) * cell - 0.5);
                p.lesions.push(PredictedLesion {
                    path: p.rel.clone(),
                    frame: s.frame,
                    finding: finding.clone(),
                    row: sr,
                    col: sc,
                    score: v,
                    radius_px: cell / 2.0 / s.transform.scale,
                });
            }
        }
        if let Some(image) = s.image {
            p.maps.push(frame_maps(
                s.frame,
                image,
                &s.transform,
                &pred.cam,
                s.flagged,
            ));
        }
        p.rows[s.frame as usize] = Some(row);
        p.waiting -= 1;
    }
}

/// Time during which at least one batch was being scored.
#[derive(Default)]
struct Busy {
    scoring: usize,
    since: Option<Instant>,
    total_s: f64,
}

impl Busy {
    fn start(m: &Mutex<Busy>) {
        if let Ok(mut b) = m.lock() {
            if b.scoring == 0 {
                b.since = Some(Instant::now());
            }
            b.scoring += 1;
        }
    }
    fn stop(m: &Mutex<Busy>) {
        if let Ok(mut b) = m.lock() {
            b.scoring = b.scoring.saturating_sub(1);
            if b.scoring == 0
                && let Some(t) = b.since.take()
            {
                b.total_s += t.elapsed().as_secs_f64();
            }
        }
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
pub(super) fn peaks(map: ndarray::ArrayView2<f32>, floor: f32) -> Vec<(usize, usize, f32)> {
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

/// A flagged frame's image (padding removed) and its maps upsampled over it.
fn frame_maps(
    frame: u32,
    image: Array2<f32>,
    t: &Transform,
    cam: &Array3<f32>,
    flagged: Vec<usize>,
) -> FrameMaps {
    let nf = cam.dim().0;
    let mut maps = Array3::<f32>::zeros((nf, t.rows, t.cols));
    for f in 0..nf {
        // the map enlarged over the whole input, then the padding cut away
        let m = resize(cam.index_axis(Axis(0), f), t.in_rows, t.in_cols);
        maps.index_axis_mut(Axis(0), f).assign(&m.slice(ndarray::s![
            t.pad_top..t.pad_top + t.rows,
            t.pad_left..t.pad_left + t.cols
        ]));
    }
    FrameMaps {
        frame,
        flagged,
        image,
        maps,
    }
}
