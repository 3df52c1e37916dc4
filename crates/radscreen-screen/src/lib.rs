//! radscreen-screen: the screening pipeline and its report, plus what joins the other crates
//! for it: preprocessing a DICOM frame for the model ([`prepare`]) and loading training data
//! from a manifest ([`dataset`]).
//!
//! Batch screening: walk a folder, decode and preprocess files in parallel (rayon), score them
//! in batches on the device, and hand back one result per file as it completes.
//!
//! Decoding runs ahead of inference through a bounded queue, so memory stays flat however large
//! the folder is: at most `queue` decoded files wait in it, and past it a bounded handful of
//! batches (two waiting, two being scored, and at most eleven scored ones, without their inputs,
//! on their way to the follow-up; pipeline.rs). A multi-frame file's frames join the batch being
//! filled together.
//!
//! ```no_run
//! use radscreen_screen::{ScreenOptions, Screener};
//! let screener = Screener::new(ScreenOptions::new())?;
//! let files = radscreen_screen::walk("scans".as_ref(), None)?.0;
//! screener.screen_files("scans".as_ref(), &files, &mut |result| {
//!     for row in &result.rows {
//!         println!("{} {:?} {:?}", row.path, row.status, row.scores);
//!     }
//!     std::ops::ControlFlow::Continue(())
//! })?;
//! # Ok::<(), radscreen_screen::Error>(())
//! ```

mod context;
pub mod dataset;
mod dicom_out;
mod error;
mod html;
mod key;
mod pipeline;
pub mod prepare;
pub mod process;
mod record;
mod report;
mod rows;
mod run;
#[cfg(test)]
mod tests;
mod work;

use std::collections::BTreeMap;
use std::path::PathBuf;

use ndarray::{Array2, Array3};
use radscreen_dicom::ReadOptions;
use radscreen_imaging::preprocess::{InputKind, Preprocess};
use radscreen_model::{DeviceOptions, DevicePreference, Model, SelectedDevice, select_device};

pub use crate::error::{Error, Result};
pub use crate::key::{PseudonymKey, default_key_path};
pub use dicom_out::{DICOM_DIR, DicomOutcome, write_dicom};
pub use record::{Counts, ModelRecord, RunInfo, RunTimings, Timings};
pub use report::{PARTIAL, ReportWriter, count, finish, overlay, read_report};
pub use rows::{
    Row, Status, complete_files, header, read_file, to_csv, to_csv_header, write_atomic, write_file,
};
pub use run::{Progress, ReportOptions, RunOutcome, merge_reports, parse_shard, screen_to_report};
pub use work::{DecodeContext, decode_file};
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
    /// Where the model comes from.
    pub model: ModelSource,
    /// Which device runs inference.
    pub device: DeviceOptions,
    /// Images per inference batch; `None`: chosen for the device ([`Screener::batch_size`]).
    pub batch_size: Option<usize>,
    /// Per-finding threshold overrides (else the model's own).
    pub thresholds: BTreeMap<String, f64>,
    /// Decoder limits and PHI handling.
    pub read: ReadOptions,
    /// Keep patient ID and name in rows (off by default).
    pub keep_phi: bool,
    /// Secret key for the study/series/instance pseudonyms and heatmap names (same key: same
    /// pseudonyms across runs and shards). `None`: the user's own key
    /// ([`PseudonymKey::user_default`]), generated on first use; there is no public default.
    pub key: Option<PseudonymKey>,
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
            batch_size: None,
            thresholds: BTreeMap::new(),
            read: ReadOptions::default(),
            keep_phi: false,
            key: None,
            queue: 64,
            fail_fast: false,
            lesion_floor: 0.05,
        }
    }
}

impl ScreenOptions {
    /// The defaults: the shipped model, batches sized for the device, a queue of 64, the
    /// model's thresholds.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets where the model comes from.
    pub fn with_model(mut self, m: ModelSource) -> Self {
        self.model = m;
        self
    }
    /// Sets which device runs inference.
    pub fn with_device(mut self, d: DeviceOptions) -> Self {
        self.device = d;
        self
    }
    /// Sets the images per inference batch.
    pub fn with_batch_size(mut self, b: usize) -> Self {
        self.batch_size = Some(b);
        self
    }
    /// Overrides the threshold of one finding.
    pub fn with_threshold(mut self, finding: impl Into<String>, t: f64) -> Self {
        self.thresholds.insert(finding.into(), t);
        self
    }
    /// Keeps (or drops) patient ID and name in rows.
    pub fn with_keep_phi(mut self, keep: bool) -> Self {
        self.keep_phi = keep;
        self
    }
    /// Sets the pseudonym key.
    pub fn with_key(mut self, key: PseudonymKey) -> Self {
        self.key = Some(key);
        self
    }
    /// Stops at the first file that fails (or not).
    pub fn with_fail_fast(mut self, f: bool) -> Self {
        self.fail_fast = f;
        self
    }
    /// Sets how many decoded files may wait for the model.
    pub fn with_queue(mut self, q: usize) -> Self {
        self.queue = q;
        self
    }
}

/// A predicted lesion: an activation-map peak, in source pixels.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PredictedLesion {
    /// The file, relative to the screened folder.
    pub path: String,
    /// The frame, from 0.
    pub frame: u32,
    /// The finding whose map peaked.
    pub finding: String,
    /// Row of the peak, in source pixels.
    pub row: f64,
    /// Column of the peak, in source pixels.
    pub col: f64,
    /// Activation at the peak, in 0..1.
    pub score: f32,
    /// Half an activation-map cell, in source pixels.
    pub radius_px: f64,
}

/// A flagged frame's activation maps, for heatmap overlays.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FrameMaps {
    /// The frame, from 0.
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
    /// One row per frame, or one row for a file that could not be screened.
    pub rows: Vec<Row>,
    /// Activation-map peaks of all its frames.
    pub lesions: Vec<PredictedLesion>,
    /// Activation maps of its flagged frames.
    pub maps: Vec<FrameMaps>,
}

/// Counters and timings of a [`Screener::screen_files`] call.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[non_exhaustive]
pub struct ScreenStats {
    /// Files completed.
    pub files: u64,
    /// Images (frames) scored.
    pub images: u64,
    /// Decode and preprocessing time summed over threads, in seconds.
    pub decode_s: f64,
    /// Time with at least one batch being scored, in seconds.
    pub inference_s: f64,
    /// Wall-clock time of the call, in seconds.
    pub wall_s: f64,
    /// Stopped early (fail-fast, or the callback asked to stop).
    pub stopped: bool,
}

/// The batch size for a device when the user names none. On the CPU, 16 (the native path
/// spreads a batch over the cores; larger batches only add latency). On a GPU, 128: on an
/// H200 the shipped model scored 2431 images/s at batch 128 against 1827 at 32 and 1451 at 8
/// (f16, docs/benchmarks.md) — fewer, larger launches. Capped so that the largest activation
/// (the stem's output) stays within 1 GiB: wgpu's largest buffer is 2 GiB, and 512² inputs
/// at batch 128 in f32 failed to allocate.
fn default_batch(device: &SelectedDevice, cfg: &radscreen_model::ModelConfig) -> usize {
    if device.backend.is_cpu() {
        return 16;
    }
    // a spacing model's inputs are scored in tiles of at most `tile` pixels a side
    let side = cfg
        .preprocess
        .spacing
        .as_ref()
        .map_or(cfg.preprocess.size, |p| p.tile);
    let per_image = cfg.net.stem_channels * side * side * 4;
    ((1usize << 30) / per_image.max(1)).clamp(1, 128)
}

/// A loaded model on a chosen device, ready to screen.
#[derive(Debug)]
pub struct Screener {
    model: Model,
    device: SelectedDevice,
    opts: ScreenOptions,
    key: PseudonymKey,
    pre: Preprocess,
    findings: Vec<String>,
    /// Per finding, per modality group (radscreen-imaging's `InputKind::group`).
    thresholds: Vec<[f64; 3]>,
    /// Images per inference batch (the options' or the device's default).
    batch: usize,
    /// The input channel that holds the screened slice's first window (past its neighbours'
    /// channels in a 2.5-D input): the heatmap overlay's background.
    own_channel: usize,
}

impl Screener {
    /// Selects the device and loads the model.
    ///
    /// # Errors
    /// Invalid options, an unusable device, a model folder that cannot be loaded.
    pub fn new(opts: ScreenOptions) -> Result<Self> {
        if opts.batch_size.is_some_and(|b| b == 0 || b > 4096) {
            return Err(Error::option("batch", "must be between 1 and 4096"));
        }
        if opts.queue == 0 {
            return Err(Error::option("queue", "must be at least 1"));
        }
        let key = match &opts.key {
            Some(k) => k.clone(),
            None => PseudonymKey::user_default()?,
        };
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
        } else {
            // the folded weights go to the device once, in the precision chosen
            model.set_precision(device.precision)?;
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
        // per finding and modality group: the user's threshold for a finding applies to every
        // group; otherwise the model's own for the group, else for the finding
        let thresholds = findings
            .iter()
            .map(|f| {
                std::array::from_fn(|g| match opts.thresholds.get(f) {
                    Some(&t) => t,
                    None => cfg.threshold(f, g),
                })
            })
            .collect();
        let batch = opts
            .batch_size
            .unwrap_or_else(|| default_batch(&device, cfg));
        let own_channel = radscreen_imaging::preprocess::CHANNELS
            * cfg.preprocess.context.as_ref().map_or(0, |c| c.slices);
        Ok(Screener {
            batch,
            own_channel,
            pre: cfg.preprocess.clone(),
            model,
            device,
            opts,
            key,
            findings,
            thresholds,
        })
    }

    /// The loaded model.
    pub fn model(&self) -> &Model {
        &self.model
    }
    /// The device chosen, and why.
    pub fn device(&self) -> &SelectedDevice {
        &self.device
    }
    /// The model's findings, in output order.
    pub fn findings(&self) -> &[String] {
        &self.findings
    }
    /// The thresholds in use: per finding (its CT threshold's key is the finding's own name
    /// when no group differs), and `finding@GROUP` where a modality group's threshold differs
    /// from the finding's.
    pub fn thresholds(&self) -> BTreeMap<String, f64> {
        let cfg = self.model.config();
        let mut out = BTreeMap::new();
        for (f, per_group) in self.findings.iter().zip(&self.thresholds) {
            let general = self
                .opts
                .thresholds
                .get(f)
                .or(cfg.thresholds.get(f))
                .copied()
                .unwrap_or(0.5);
            out.insert(f.clone(), general);
            for (g, &t) in per_group.iter().enumerate() {
                if t != general {
                    out.insert(format!("{f}@{}", InputKind::GROUPS[g]), t);
                }
            }
        }
        out
    }
    /// Images per inference batch: the options' or, by default, 16 on the CPU and up to 128
    /// on a GPU.
    pub fn batch_size(&self) -> usize {
        self.batch
    }
    /// The options it was made with.
    pub fn options(&self) -> &ScreenOptions {
        &self.opts
    }
    /// The pseudonym key in use (the options' or the user's own).
    pub fn key(&self) -> &PseudonymKey {
        &self.key
    }
    /// The preprocessing the model expects.
    pub fn preprocess(&self) -> &Preprocess {
        &self.pre
    }
}
