//! radscreen-bench: the numbers people use to decide what to deploy, measured in one process on one machine:
//! decode per transfer syntax, preprocessing, inference per batch size, the whole screening
//! pipeline, model size, training time per epoch, and the classic quality table.
//!
//! Timing rules: every inference iteration scores a fresh batch (new values, made outside the
//! clock) and reads its results back, which synchronises the device before the clock stops; a
//! repeated identical input could be served from a lazy or fused graph and time nothing.

use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use ndarray::Axis;
use radscreen_dicom::{DicomImage, ReadOptions};
use radscreen_model::{DeviceOptions, DeviceReport, Model, Precision, TrainOptions};
use rayon::prelude::*;
use serde::Serialize;

mod inference;
pub use inference::{InferenceRow, inference_rows};
use inference::{own_size, time_inference};

use radscreen_screen::prepare::{frame_plane, prepare_frame};
use radscreen_screen::process::{peak_rss_bytes, reset_peak_rss};
use radscreen_screen::{
    DecodeContext, Error, FileWork, ModelSource, PseudonymKey, Result, ScreenOptions, Screener,
    Status, decode_file, walk,
};

/// What to measure.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BenchOptions {
    /// Folder of DICOM files (sample-data by default); its manifest.csv, when present, gives
    /// the quality table and the training-epoch measurement.
    pub data: PathBuf,
    /// The model to measure.
    pub model: ModelSource,
    /// Which device (backend) runs inference.
    pub device: DeviceOptions,
    /// Time budget of each timed measurement, in seconds.
    pub seconds: f64,
    /// Inference batch sizes.
    pub batches: Vec<usize>,
    /// Input sides for the inference rows (empty: the model's own).
    pub sizes: Vec<usize>,
    /// Precisions for the inference rows (empty: the one the device options chose).
    pub precisions: Vec<Precision>,
    /// Batch size of the end-to-end screening run (`None`: the device's default).
    pub screen_batch: Option<usize>,
    /// Train one epoch on the data's training split and time it.
    pub train_epoch: bool,
    /// Write the first preprocessed inputs and the model's probabilities for them here
    /// (inputs.npy, probabilities.npy), so that peers can check they run the same network.
    pub save_inputs: Option<PathBuf>,
}

impl BenchOptions {
    /// Defaults for the folder `data`: the shipped model, the default device, 3 s per
    /// measurement, batch sizes 1, 8 and 32, and a training epoch.
    pub fn new(data: impl Into<PathBuf>) -> Self {
        BenchOptions {
            data: data.into(),
            model: ModelSource::Shipped,
            device: DeviceOptions::default(),
            seconds: 3.0,
            batches: vec![1, 8, 32],
            sizes: Vec::new(),
            precisions: Vec::new(),
            screen_batch: None,
            train_epoch: true,
            save_inputs: None,
        }
    }
    /// Measures this model instead of the shipped one.
    pub fn with_model(mut self, m: ModelSource) -> Self {
        self.model = m;
        self
    }
    /// Sets which device runs inference.
    pub fn with_device(mut self, d: DeviceOptions) -> Self {
        self.device = d;
        self
    }
    /// Sets the time budget of each measurement, in seconds.
    pub fn with_seconds(mut self, s: f64) -> Self {
        self.seconds = s;
        self
    }
    /// Sets the inference batch sizes to measure.
    pub fn with_batches(mut self, b: Vec<usize>) -> Self {
        self.batches = b;
        self
    }
    /// Sets the input sides of the inference rows (empty: the model's own).
    pub fn with_sizes(mut self, s: Vec<usize>) -> Self {
        self.sizes = s;
        self
    }
    /// Sets the precisions of the inference rows (empty: the one the device options chose).
    pub fn with_precisions(mut self, p: Vec<Precision>) -> Self {
        self.precisions = p;
        self
    }
    /// Sets whether to time one training epoch.
    pub fn with_train_epoch(mut self, t: bool) -> Self {
        self.train_epoch = t;
        self
    }
    /// Sets the folder for inputs.npy and probabilities.npy (`None`: save nothing).
    pub fn with_save_inputs(mut self, p: Option<PathBuf>) -> Self {
        self.save_inputs = p;
        self
    }
}

/// The machine the benchmark ran on.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// Operating system, as Rust names it (e.g. "linux").
    pub os: String,
    /// CPU architecture (e.g. "x86_64").
    pub arch: String,
    /// CPU model name from /proc/cpuinfo, or "unknown".
    pub cpu: String,
    /// Hardware threads available to the process.
    pub threads: usize,
}

/// Decode speed for one transfer syntax.
#[derive(Debug, Clone, Serialize)]
pub struct DecodeRow {
    /// Transfer syntax UID.
    pub transfer_syntax: String,
    /// The transfer syntax's name, in words.
    pub name: String,
    /// Files in the data with this transfer syntax.
    pub files: usize,
    /// Frames decoded to stored values per second on one thread (parse + decode, from memory).
    pub frames_per_s: f64,
}

/// The whole screening pipeline over the data folder.
#[derive(Debug, Clone, Serialize)]
pub struct EndToEnd {
    /// Files screened.
    pub files: u64,
    /// Images (frames) screened.
    pub images: u64,
    /// Wall-clock time of the run, in seconds.
    pub wall_s: f64,
    /// Images screened per second of wall time.
    pub images_per_s: f64,
    /// Decode + preprocess through the screener's own code on all threads, without inference.
    pub decode_images_per_s: f64,
    /// Inference alone at the screening batch size.
    pub inference_images_per_s: f64,
    /// images_per_s / min(decode, inference): 1.0 means the pipeline hides the faster stage.
    pub pipeline_efficiency: f64,
    /// 1 / (1/decode + 1/inference): the most a pipeline can do when both stages share the
    /// same CPU cores (the CPU backends), where `pipeline_efficiency` cannot reach 1.
    pub shared_cpu_bound_images_per_s: f64,
    /// Peak resident memory of the screening run (Linux VmHWM, reset before it starts).
    pub peak_rss_bytes: Option<u64>,
}

/// The model that was measured.
#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    /// The model's id, from its config.
    pub id: String,
    /// Which code scored images: "radscreen-native-cpu" or "burn".
    pub inference: String,
    /// The native CPU path's kernels on this machine ("avx512", "avx2", "portable"); `None`
    /// when burn scored.
    pub cpu_kernel: Option<String>,
    /// SHA-256 of the weight file, in hex.
    pub sha256: String,
    /// Size of the weight file, in bytes.
    pub weight_bytes: usize,
    /// Number of parameters.
    pub parameters: usize,
    /// Side of the square model input, in pixels.
    pub input_size: usize,
}

/// Time to train one epoch.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingRow {
    /// Training images; `seconds_per_epoch` includes the validation pass.
    pub images: usize,
    /// Wall time of one epoch, in seconds.
    pub seconds_per_epoch: f64,
    /// Training images per second.
    pub images_per_s: f64,
}

/// Image-level quality at the model's thresholds. `mse` is the Brier score of the probability
/// against the 0/1 label and `r2` its coefficient of determination (the outputs are
/// probabilities, the only continuous outputs the model has).
#[derive(Debug, Clone, Serialize)]
pub struct QualityRow {
    /// The finding the row is about.
    pub finding: String,
    /// Decision threshold on the probability.
    pub threshold: f64,
    /// Images screened without error that have a label.
    pub images: usize,
    /// Images labelled with the finding.
    pub positives: usize,
    /// Fraction of decisions that match the label.
    pub accuracy: f64,
    /// TP / (TP + FP); `None` when no image was flagged.
    pub precision: Option<f64>,
    /// TP / (TP + FN); `None` without positives.
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall; `None` when undefined.
    pub f1: Option<f64>,
    /// Brier score: mean squared error of the probability against the 0/1 label.
    pub mse: f64,
    /// R² of the probability against the label; `None` when every label is the same.
    pub r2: Option<f64>,
}

/// Time to first result of a fresh process (filled in by the CLI, which can start one).
#[derive(Debug, Clone, Serialize)]
pub struct ColdStart {
    /// What kind of start it was (e.g. "warm CubeCL cache").
    pub label: String,
    /// Wall time from process start to exit, in seconds.
    pub seconds: f64,
}

/// Everything one benchmark run measured.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// Version of radscreen that ran.
    pub radscreen_version: String,
    /// When the run started, in seconds since the Unix epoch.
    pub started_unix_s: u64,
    /// The machine it ran on.
    pub machine: Machine,
    /// The device that ran inference.
    pub device: DeviceReport,
    /// The data folder, as given.
    pub data: String,
    /// Decode speed per transfer syntax, one thread.
    pub decode: Vec<DecodeRow>,
    /// Stored values to model input (modality/VOI stages, windows, resize), one thread.
    pub preprocess_images_per_s: f64,
    /// Inference speed per batch size.
    pub inference: Vec<InferenceRow>,
    /// The whole screening pipeline.
    pub end_to_end: EndToEnd,
    /// Time to first result of fresh processes; empty unless the CLI measured it.
    pub cold_start: Vec<ColdStart>,
    /// The model measured.
    pub model: ModelInfo,
    /// One training epoch; `None` without a manifest or when not asked for.
    pub training: Option<TrainingRow>,
    /// Quality per finding at the model's thresholds; empty without a manifest.
    pub quality: Vec<QualityRow>,
}

/// Runs every measurement; `log` receives one line per stage as it starts.
///
/// # Errors
/// An unreadable data folder, no decodable image in it, or a backend failure.
pub fn run(opts: &BenchOptions, log: &mut dyn FnMut(&str)) -> Result<BenchReport> {
    let started_unix_s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if !(opts.seconds > 0.0 && opts.seconds.is_finite()) {
        return Err(Error::option("--seconds", "must be a positive number"));
    }
    if opts.batches.is_empty() || opts.batches.contains(&0) {
        return Err(Error::option("--batches", "batch sizes must be positive"));
    }
    // A throw-away key: the benchmark keeps no pseudonyms, so it neither needs nor creates
    // the user's key file.
    let mut screen_opts = ScreenOptions::new()
        .with_model(opts.model.clone())
        .with_device(opts.device.clone())
        .with_key(PseudonymKey::generate()?);
    if let Some(b) = opts.screen_batch {
        screen_opts = screen_opts.with_batch_size(b);
    }
    let screener = Screener::new(screen_opts)?;
    let screen_batch = screener.batch_size();
    let model = screener.model();
    let (files, _) = walk(&opts.data, None)?;

    log("decode per transfer syntax (one thread)");
    let single = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .map_err(|e| Error::option("threads", e.to_string()))?;
    let (decode, images) = single.install(|| decode_rates(&opts.data, &files, opts.seconds))?;
    if images.is_empty() {
        return Err(Error::option(
            "DATA",
            format!("{}: no decodable DICOM image", opts.data.display()),
        ));
    }

    log("preprocessing (one thread)");
    let pre = screener.preprocess();
    // decoded once, outside the clock: this times windows/normalisation and the resize only
    let planes: Vec<_> = images
        .iter()
        .filter_map(|img| {
            let spacing = img.meta().physical_spacing.map(|s| s.mm);
            frame_plane(img, 0).ok().map(|(k, p)| (k, p, spacing))
        })
        .collect();
    let preprocess_images_per_s = single.install(|| {
        rate(opts.seconds, || {
            planes
                .iter()
                .map(|(kind, plane, spacing)| {
                    pre.apply_at(*kind, plane.view(), *spacing)
                        .input
                        .len()
                        .min(1)
                })
                .sum()
        })
    });

    log("inference per batch size");
    let size = own_size(model);
    let inference = inference_rows(
        model,
        screener.device(),
        &opts.batches,
        &opts.sizes,
        &opts.precisions,
        opts.seconds,
    )?;
    let own = model.precision().to_string();
    let screen_rate = match inference
        .iter()
        .find(|r| r.batch == screen_batch && r.size == size && r.precision == own)
    {
        Some(r) => r.images_per_s,
        None => time_inference(model, screen_batch, size, opts.seconds)?.images_per_s,
    };

    log("decode + preprocess on all threads (the screener's code)");
    let read = ReadOptions::default();
    let cx = DecodeContext {
        root: &opts.data,
        pre,
        read: &read,
        key: screener.key(),
    };
    let decode_images_per_s = rate(opts.seconds, || {
        files
            .par_iter()
            .map(|rel| match decode_file(rel, &cx) {
                FileWork::Image { inputs, .. } => inputs.len(),
                _ => 0,
            })
            .sum()
    });

    log("end to end (screening the folder)");
    // the peak so far includes the decode measurements above, which hold every file in memory
    reset_peak_rss();
    let mut rows = Vec::new();
    let stats = screener.screen_files(&opts.data, &files, &mut |r| {
        rows.extend(r.rows);
        ControlFlow::Continue(())
    })?;
    let images_per_s = stats.images as f64 / stats.wall_s.max(1e-9);
    let end_to_end = EndToEnd {
        files: stats.files,
        images: stats.images,
        wall_s: stats.wall_s,
        images_per_s,
        decode_images_per_s,
        inference_images_per_s: screen_rate,
        pipeline_efficiency: images_per_s / decode_images_per_s.min(screen_rate).max(1e-9),
        shared_cpu_bound_images_per_s: 1.0
            / (1.0 / decode_images_per_s.max(1e-9) + 1.0 / screen_rate.max(1e-9)),
        peak_rss_bytes: peak_rss_bytes(),
    };

    let manifest = opts.data.join("manifest.csv");
    let quality = if manifest.is_file() {
        quality(
            &manifest,
            &rows,
            screener.findings(),
            &screener.thresholds(),
        )?
    } else {
        Vec::new()
    };
    if let Some(dir) = &opts.save_inputs {
        save_inputs(dir, model, &images, pre)?;
    }
    let training = if opts.train_epoch && manifest.is_file() {
        log("training one epoch");
        train_epoch(&manifest, model, screener.device())?
    } else {
        None
    };
    Ok(BenchReport {
        radscreen_version: env!("CARGO_PKG_VERSION").to_string(),
        started_unix_s,
        machine: machine(),
        device: screener.device().report(),
        data: opts.data.display().to_string(),
        decode,
        preprocess_images_per_s,
        inference,
        end_to_end,
        cold_start: Vec::new(),
        model: ModelInfo {
            id: model.config().id.clone(),
            inference: model.inference_path().to_string(),
            cpu_kernel: (model.inference_path() == "radscreen-native-cpu")
                .then(|| radscreen_model::native_cpu_kernel().to_string()),
            sha256: model.sha256().to_string(),
            weight_bytes: model.weight_bytes(),
            parameters: model.num_params(),
            input_size: size,
        },
        training,
        quality,
    })
}

/// Calls `work` (which returns how many items it did) until `seconds` have passed; items/s.
fn rate(seconds: f64, mut work: impl FnMut() -> usize) -> f64 {
    let _ = work(); // warm-up: caches, lazily built tables
    let (mut n, t) = (0usize, Instant::now());
    loop {
        n += work();
        let el = t.elapsed().as_secs_f64();
        if el >= seconds {
            return n as f64 / el;
        }
    }
}

/// Files grouped by transfer syntax and decoded from memory, round after round.
fn decode_rates(
    root: &Path,
    files: &[String],
    seconds: f64,
) -> Result<(Vec<DecodeRow>, Vec<DicomImage>)> {
    let opts = ReadOptions::default();
    let mut groups: BTreeMap<String, Vec<(PathBuf, Vec<u8>)>> = BTreeMap::new();
    let mut images = Vec::new();
    for rel in files {
        let path = root.join(rel);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let Ok(img) = DicomImage::from_bytes(&bytes, &path, &opts) else {
            continue; // not DICOM or broken: screening reports those; nothing to time
        };
        if img.frames().is_err() || img.stored(0).is_err() {
            continue;
        }
        groups
            .entry(img.transfer_syntax().to_string())
            .or_default()
            .push((path, bytes));
        images.push(img);
    }
    let rows = groups
        .into_iter()
        .map(|(uid, group)| {
            let per_s = rate(seconds / 2.0, || {
                let mut n = 0;
                for (path, bytes) in &group {
                    if let Ok(img) = DicomImage::from_bytes(bytes, path, &opts) {
                        let frames = img.frames().unwrap_or(0);
                        n += (0..frames).filter(|&f| img.stored(f).is_ok()).count();
                    }
                }
                n
            });
            DecodeRow {
                name: radscreen_dicom::syntax_name(&uid).to_string(),
                transfer_syntax: uid,
                files: group.len(),
                frames_per_s: per_s,
            }
        })
        .collect();
    Ok((rows, images))
}

fn quality(
    manifest: &Path,
    rows: &[radscreen_screen::Row],
    findings: &[String],
    thresholds: &BTreeMap<String, f64>,
) -> Result<Vec<QualityRow>> {
    let m = radscreen_eval::io::read_manifest(manifest, findings, &[])?;
    let truth: HashMap<(&str, u64), &Vec<bool>> = m
        .rows
        .iter()
        .map(|r| ((r.path.as_str(), r.frame), &r.labels))
        .collect();
    let mut out = Vec::new();
    for (k, finding) in findings.iter().enumerate() {
        let t = thresholds.get(finding).copied().unwrap_or(0.5);
        // the screener's own flags: a model may threshold each modality group apart
        let scored: Vec<(bool, f64, bool)> = rows
            .iter()
            .filter(|r| r.status == Status::Ok)
            .filter_map(|r| {
                let y = truth.get(&(r.path.as_str(), u64::from(r.frame)))?[k];
                let p = f64::from(r.scores.get(k).copied().flatten()?);
                Some((y, p, r.flags.get(k).copied().flatten()?))
            })
            .collect();
        out.push(quality_row_flagged(finding, t, &scored));
    }
    Ok(out)
}

/// Confusion-matrix rates at `threshold` (counted by radscreen-eval, positive class: finding
/// present), plus the Brier score and its R².
pub fn quality_row(finding: &str, threshold: f64, pairs: &[(bool, f64)]) -> QualityRow {
    let scored: Vec<(bool, f64, bool)> =
        pairs.iter().map(|&(y, p)| (y, p, p >= threshold)).collect();
    quality_row_flagged(finding, threshold, &scored)
}

/// [`quality_row`] from (truth, score, flag) triples: the flags as the screener decided them
/// (per modality group where the model has group thresholds); `threshold` is the finding's.
pub fn quality_row_flagged(
    finding: &str,
    threshold: f64,
    scored: &[(bool, f64, bool)],
) -> QualityRow {
    let pairs: Vec<(bool, f64)> = scored.iter().map(|&(y, p, _)| (y, p)).collect();
    let mut c = radscreen_eval::Confusion::default();
    let (mut sse, mut sum_y) = (0.0, 0.0);
    for (&(y, p), &(_, _, flagged)) in pairs.iter().zip(scored) {
        c.add(y, flagged);
        let yv = f64::from(u8::from(y));
        sse += (p - yv).powi(2);
        sum_y += yv;
    }
    let n = pairs.len();
    let mean = sum_y / n.max(1) as f64;
    let sst: f64 = pairs
        .iter()
        .map(|&(y, _)| (f64::from(u8::from(y)) - mean).powi(2))
        .sum();
    QualityRow {
        finding: finding.to_string(),
        threshold,
        images: n,
        positives: c.positives() as usize,
        accuracy: c.metrics(1.0).accuracy.unwrap_or(0.0),
        precision: c.precision(),
        recall: c.recall(),
        f1: c.f1(),
        mse: sse / n.max(1) as f64,
        r2: (sst > 0.0).then(|| 1.0 - sse / sst),
    }
}

fn save_inputs(
    dir: &Path,
    model: &Model,
    images: &[DicomImage],
    pre: &radscreen_imaging::preprocess::Preprocess,
) -> Result<()> {
    // peers take square batches: a spacing model's inputs (each its own size) are fitted
    // into squares of its tile side instead, which its fully convolutional network scores alike
    let size = own_size(model);
    let square = pre.clone().with_spacing(None).with_size(size);
    let inputs: Vec<_> = images
        .iter()
        .filter_map(|img| prepare_frame(img, 0, &square).ok())
        .take(32)
        .map(|p| p.input.insert_axis(Axis(0)))
        .collect();
    let views: Vec<_> = inputs.iter().map(|a| a.view()).collect();
    let batch = ndarray::concatenate(Axis(0), &views)
        .map_err(|e| Error::option("--save-inputs", e.to_string()))?;
    // peers compare in f32: the reference probabilities are f32 whatever the run's precision
    let mut f32_model = model.clone().with_input_size(size)?;
    f32_model.set_precision(Precision::F32)?;
    let probs: Vec<f32> = f32_model
        .predict(batch.view())?
        .into_iter()
        .flat_map(|p| p.probabilities)
        .collect();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let (n, c, h, w) = batch.dim();
    let values: Vec<f32> = batch.iter().copied().collect();
    radscreen_imaging::npy::write_f32(&dir.join("inputs.npy"), &[n, c, h, w], &values)?;
    let f = probs.len() / n.max(1);
    radscreen_imaging::npy::write_f32(&dir.join("probabilities.npy"), &[n, f], &probs)?;
    Ok(())
}

fn train_epoch(
    manifest: &Path,
    model: &Model,
    device: &radscreen_model::SelectedDevice,
) -> Result<Option<TrainingRow>> {
    let params = model.config().preprocess.clone();
    let data = radscreen_screen::dataset::load_dataset(manifest, None, &params, &|_, _| {})?;
    if data.train.is_empty() || data.val.is_empty() {
        return Ok(None);
    }
    let out = std::env::temp_dir().join(format!("radscreen-bench-train-{}", std::process::id()));
    let opts = TrainOptions::new()
        .with_epochs(1)
        .with_net(model.config().net.clone());
    let r = radscreen_model::train(
        &data.train,
        &data.val,
        params,
        serde_json::json!({"purpose": "radscreen bench"}),
        &out,
        &opts,
        device,
        &mut |_| {},
    );
    let _ = std::fs::remove_dir_all(&out);
    // the epoch's own clock (training + validation), not the model saving around it
    let secs = r?.log.first().map_or(0.0, |l| l.seconds);
    Ok(Some(TrainingRow {
        images: data.train.len(),
        seconds_per_epoch: secs,
        images_per_s: data.train.len() as f64 / secs,
    }))
}

fn machine() -> Machine {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    Machine {
        os: std::env::consts::OS.into(),
        arch: std::env::consts::ARCH.into(),
        cpu,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

#[cfg(test)]
mod tests {
    use super::quality_row;

    #[test]
    fn quality_row_by_hand() {
        // decisions at 0.5: TP 2, FN 1, FP 1, TN 1
        let pairs = [
            (true, 0.9),
            (true, 0.4),
            (false, 0.6),
            (false, 0.1),
            (true, 0.8),
        ];
        let q = quality_row("tumor", 0.5, &pairs);
        assert_eq!((q.images, q.positives), (5, 3));
        assert!((q.accuracy - 0.6).abs() < 1e-12);
        for v in [q.precision, q.recall, q.f1] {
            assert!((v.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        }
        // Brier: (0.01 + 0.36 + 0.36 + 0.01 + 0.04) / 5; R² = 1 - 0.78 / 1.2
        assert!((q.mse - 0.156).abs() < 1e-12);
        assert!((q.r2.unwrap() - 0.35).abs() < 1e-12);
        // no positives predicted or present: undefined rates are None, not 0 or NaN
        let q = quality_row("fracture", 0.5, &[(false, 0.2), (false, 0.3)]);
        assert_eq!(
            (q.precision, q.recall, q.f1, q.r2),
            (None, None, None, None)
        );
        assert!((q.accuracy - 1.0).abs() < 1e-12);
    }
}
