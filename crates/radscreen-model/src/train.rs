//! Training: Adam on any device through burn's autodiff, class-balanced sampling, augmentation,
//! validation each epoch, early stopping, checkpoints and resume, thresholds chosen on the
//! validation split.
//!
//! The loss is the image-level binary cross-entropy per finding plus, where lesion positions are
//! known, a dense cross-entropy on the activation map (cells over a lesion are positive, all
//! others negative), which teaches the map to point at the lesion.

use std::path::Path;
use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::augment::Augment;
use crate::device::SelectedDevice;
use crate::error::{Error, Result};
use crate::io::read_f32;
use crate::model::{Model, ModelConfig};
use crate::net::{Net, NetConfig};
use crate::patches::PatchPlan;
pub use crate::sample::{TrainLesion, TrainSample};

mod batch;
mod checkpoint;
mod score;

use batch::{Balance, balanced_order, make_batch};
use checkpoint::{State, load_checkpoint, load_init, save_checkpoint};
use radscreen_imaging::preprocess::{InputKind, Preprocess};
use score::{
    SPECIFICITY_FLOOR, choose_threshold, epoch_log, groups_with_both, mine, scoring_model,
    validate, write_log_csv,
};

/// Training hyper-parameters, validated before training starts.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TrainOptions {
    /// Most epochs to train.
    pub epochs: usize,
    /// Images per training step.
    pub batch_size: usize,
    /// Adam's peak learning rate (cosine-decayed over the epochs).
    pub learning_rate: f64,
    /// Seed of the sampling order and augmentation.
    pub seed: u64,
    /// Epochs without a better validation score before stopping.
    pub patience: usize,
    /// How strongly to augment training images.
    pub augment: Augment,
    /// Weight of the dense activation-map loss.
    pub dense_weight: f32,
    /// Weight of a cell over a lesion against a background cell in the dense loss (lesion
    /// cells are few: weighed up, the map learns to point; the shipped models used 20).
    pub lesion_cell_weight: f32,
    /// The network's architecture.
    pub net: NetConfig,
    /// The model's name in config.json.
    pub id: String,
    /// Continue from OUT/checkpoint instead of starting afresh.
    pub resume: bool,
    /// Start from the weights of the trained model in this folder (config.json and
    /// model.safetensors) instead of random ones: fine-tuning. Its network must be this
    /// run's, or its one-head version for a group-heads run (every head starts as its head).
    /// Everything else (Adam's state, the schedule, the best score and early stopping, hard
    /// negatives, thresholds) starts afresh. Ignored on `resume`, whose checkpoint already
    /// holds the run's weights.
    pub init: Option<std::path::PathBuf>,
    /// Patches cut per epoch, for a spacing model (0: one per training image).
    pub patches_per_epoch: usize,
    /// Training images searched for hard negatives after each epoch, for a spacing model (0:
    /// none are mined).
    pub mine_images: usize,
    /// Length of the cosine learning-rate schedule in epochs (`None`: `epochs`). A run that
    /// is to be resumed with more epochs can keep the schedule it will end with.
    pub schedule_epochs: Option<usize>,
    /// The validation score that picks the kept epoch and drives early stopping.
    pub selection: Selection,
    /// For a spacing model: draw each training set (`TrainSample::source`) equally often
    /// within each modality group and label combination, so that adding real backgrounds
    /// does not thin out the phantoms of a group (or the reverse).
    pub balance_sources: bool,
}

/// The validation score an epoch is judged by (the kept weights are the best epoch's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Selection {
    /// Mean over findings and modality groups of the AUROC within the group, counting groups
    /// with at least 10 positive and 10 negative validation images; mean average precision
    /// where no group has. Issue 20 judges each finding within each modality: a pooled score
    /// turns on how modalities score against each other (MR, where no fracture is drawn,
    /// scoring above or below the fractures of CT and radiographs) as much as on finding the
    /// lesion, though per-group thresholds make that difference harmless.
    #[default]
    GroupAuroc,
    /// Mean over findings of the average precision over all validation images (the rule
    /// before 2026-12-05, with which v3 and v3.1 were chosen).
    MeanAp,
}

impl Selection {
    /// The name `radscreen train --selection` takes and config.json records.
    pub fn name(self) -> &'static str {
        match self {
            Selection::GroupAuroc => "group-auroc",
            Selection::MeanAp => "mean-ap",
        }
    }
}

impl std::str::FromStr for Selection {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "group-auroc" => Ok(Selection::GroupAuroc),
            "mean-ap" => Ok(Selection::MeanAp),
            _ => Err(format!("{s:?}: expected group-auroc or mean-ap")),
        }
    }
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 14,
            batch_size: 16,
            learning_rate: 2e-3,
            seed: 2024,
            patience: 4,
            augment: Augment::default(),
            dense_weight: 1.0,
            lesion_cell_weight: 20.0,
            net: NetConfig::default(),
            id: "radscreen-synth".into(),
            resume: false,
            init: None,
            patches_per_epoch: 0,
            mine_images: 300,
            schedule_epochs: None,
            selection: Selection::default(),
            balance_sources: false,
        }
    }
}

impl TrainOptions {
    /// The defaults: 14 epochs, batches of 16, learning rate 2e-3, patience 4.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the network's architecture.
    pub fn with_net(mut self, net: NetConfig) -> Self {
        self.net = net;
        self
    }
    /// Sets the most epochs to train.
    pub fn with_epochs(mut self, epochs: usize) -> Self {
        self.epochs = epochs;
        self
    }
    /// Sets the images per training step.
    pub fn with_batch_size(mut self, b: usize) -> Self {
        self.batch_size = b;
        self
    }
    /// Sets the peak learning rate.
    pub fn with_learning_rate(mut self, lr: f64) -> Self {
        self.learning_rate = lr;
        self
    }
    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Sets the epochs without improvement before stopping.
    pub fn with_patience(mut self, p: usize) -> Self {
        self.patience = p;
        self
    }
    /// Sets the augmentation.
    pub fn with_augment(mut self, a: Augment) -> Self {
        self.augment = a;
        self
    }
    /// Sets the model's name in config.json.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }
    /// Continues from OUT/checkpoint (or starts afresh).
    pub fn with_resume(mut self, resume: bool) -> Self {
        self.resume = resume;
        self
    }

    /// Starts from the trained model in `dir` (see [`TrainOptions::init`]).
    pub fn with_init(mut self, dir: Option<std::path::PathBuf>) -> Self {
        self.init = dir;
        self
    }

    /// Sets the cosine schedule's length in epochs (`None`: the epochs to run).
    pub fn with_schedule_epochs(mut self, n: Option<usize>) -> Self {
        self.schedule_epochs = n;
        self
    }

    /// Patches per epoch for a spacing model (0: one per training image).
    pub fn with_patches_per_epoch(mut self, n: usize) -> Self {
        self.patches_per_epoch = n;
        self
    }

    /// Training images searched for hard negatives after each epoch (spacing models).
    pub fn with_mine_images(mut self, n: usize) -> Self {
        self.mine_images = n;
        self
    }

    /// Sets the validation score that picks the kept epoch.
    pub fn with_selection(mut self, selection: Selection) -> Self {
        self.selection = selection;
        self
    }

    /// See [`TrainOptions::balance_sources`].
    pub fn with_balance_sources(mut self, on: bool) -> Self {
        self.balance_sources = on;
        self
    }

    /// See [`TrainOptions::lesion_cell_weight`].
    pub fn with_lesion_cell_weight(mut self, w: f32) -> Self {
        self.lesion_cell_weight = w;
        self
    }

    fn validate(&self) -> Result<()> {
        let bad = |option, reason: &str| {
            Err(Error::InvalidOption {
                option,
                reason: reason.into(),
            })
        };
        if self.epochs == 0 {
            return bad("epochs", "must be at least 1");
        }
        if self.batch_size == 0 {
            return bad("batch_size", "must be at least 1");
        }
        if !(self.learning_rate > 0.0 && self.learning_rate < 1.0) {
            return bad("learning_rate", "must be in (0, 1)");
        }
        if !(self.lesion_cell_weight.is_finite() && self.lesion_cell_weight >= 1.0) {
            return bad("lesion_cell_weight", "must be a number of at least 1");
        }
        if self.net.heads == 0 || self.net.heads > InputKind::GROUPS.len() {
            return bad("net.heads", "must be 1 or one per modality group (3)");
        }
        Ok(())
    }
}

/// Validation results of one epoch, per finding (order of the model's findings).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EpochLog {
    /// The epoch, from 1.
    pub epoch: usize,
    /// Learning rate used in the epoch.
    pub learning_rate: f64,
    /// Mean training loss (image plus dense) over the epoch's steps.
    pub train_loss: f64,
    /// Mean image-level cross-entropy on the validation split.
    pub val_loss: f64,
    /// Sensitivity at probability 0.5.
    pub sensitivity: Vec<Option<f64>>,
    /// Precision at probability 0.5.
    pub precision: Vec<Option<f64>>,
    /// Area under the ROC curve; `None` without both classes.
    pub auroc: Vec<Option<f64>>,
    /// Average precision; `None` without positives.
    pub average_precision: Vec<Option<f64>>,
    /// The epoch's validation score by [`TrainOptions::selection`]: picks the kept epoch and
    /// drives early stopping.
    pub score: f64,
    /// Wall time of the epoch (training and validation), in seconds.
    pub seconds: f64,
}

/// What training reports while it runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TrainEvent {
    /// A batch finished.
    Step {
        /// The epoch, from 1.
        epoch: usize,
        /// The step within the epoch, from 1.
        step: usize,
        /// Steps in the epoch.
        steps: usize,
        /// Mean training loss over the epoch's steps so far.
        loss: f64,
    },
    /// An epoch finished and was validated.
    Epoch(EpochLog),
    /// Something worth telling the user.
    Note(String),
}

/// The outcome of [`train`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TrainSummary {
    /// The trained model (the best epoch's weights), as saved to `out`.
    pub model: Model,
    /// Validation results of every epoch run.
    pub log: Vec<EpochLog>,
    /// The epoch whose weights were kept, from 1.
    pub best_epoch: usize,
    /// Whether early stopping ended training before the last epoch.
    pub stopped_early: bool,
}

const CHECKPOINT: &str = "checkpoint";
/// Positive and negative validation images a modality group needs for its own threshold.
const MIN_GROUP: usize = 10;

/// Trains a network on `train`, validating on `val`, and writes the model to `out`.
///
/// # Errors
/// Invalid options or data, file system errors, backend failures.
#[allow(clippy::too_many_arguments)] // the data, its description and the options are distinct
pub fn train(
    train: &[TrainSample],
    val: &[TrainSample],
    preprocess: Preprocess,
    provenance: serde_json::Value,
    out: &Path,
    opts: &TrainOptions,
    device: &SelectedDevice,
    on_event: &mut dyn FnMut(&TrainEvent),
) -> Result<TrainSummary> {
    opts.validate()?;
    // the first layer takes what preprocessing makes: a 2.5-D model's slices × windows
    let mut netc = opts.net.clone();
    netc.in_channels = preprocess.input_channels();
    let findings = netc.findings;
    check_samples(train, "training", &netc, &preprocess)?;
    check_samples(val, "validation", &netc, &preprocess)?;
    let ad = device.device.clone().autodiff();
    ad.seed(opts.seed);
    let mut net = netc.init(&ad, opts.seed);
    let mut optim = AdamConfig::new().init();
    let ckpt = out.join(CHECKPOINT);
    let mut state = State {
        epochs_done: 0,
        best_epoch: 0,
        best_score: f64::NEG_INFINITY,
        stale: 0,
        log: Vec::new(),
        hard: vec![Vec::new(); train.len()],
        init: serde_json::Value::Null,
    };
    let mut best: Option<Net> = None;
    if let (Some(dir), false) = (&opts.init, opts.resume) {
        (net, state.init) = load_init(dir, &netc, &preprocess, &ad, on_event)?;
        on_event(&TrainEvent::Note(format!(
            "started from {} ({})",
            dir.display(),
            state.init["id"].as_str().unwrap_or("?")
        )));
    }
    if opts.resume {
        if opts.init.is_some() {
            on_event(&TrainEvent::Note(
                "--init is not read on resume: the checkpoint holds the run's weights".into(),
            ));
        }
        let (n, o, s, b) = load_checkpoint(&ckpt, &netc, &ad, optim, on_event)?;
        (net, optim, state, best) = (n, o, s, Some(b));
        on_event(&TrainEvent::Note(format!(
            "resumed after epoch {} of {}",
            state.epochs_done, opts.epochs
        )));
    }
    std::fs::create_dir_all(&ckpt).map_err(|e| Error::io(&ckpt, e))?;
    let stride = netc.stride();
    // a spacing model trains on patches of the square side `size`, cut from whole inputs
    let patches = preprocess.spacing.is_some().then_some(PatchPlan {
        size: preprocess.size,
        positive: 0.5,
        hard: 0.5,
    });
    state.hard.resize(train.len(), Vec::new());
    let mut stopped_early = false;
    for epoch in state.epochs_done + 1..=opts.epochs {
        if state.stale >= opts.patience && epoch > 1 {
            stopped_early = true;
            break;
        }
        let started = Instant::now();
        let schedule = opts.schedule_epochs.unwrap_or(opts.epochs).max(1);
        let lr = cosine_lr(opts.learning_rate, epoch, schedule);
        let count = match (patches, opts.patches_per_epoch) {
            (Some(_), n) if n > 0 => n,
            _ => train.len(),
        };
        let by = Balance {
            group: patches.is_some(),
            source: patches.is_some() && opts.balance_sources,
        };
        let order = balanced_order(train, opts.seed, epoch as u64, count, by);
        let steps = order.len().div_ceil(opts.batch_size);
        let mut loss_sum = 0.0;
        for (step, chunk) in order.chunks(opts.batch_size).enumerate() {
            let cut = patches.as_ref().map(|p| (p, state.hard.as_slice()));
            let batch = make_batch(train, chunk, opts, epoch as u64, stride, findings, cut);
            let (input, labels, target, mask) = batch.into_tensors(&ad);
            let groups: Vec<usize> = chunk.iter().map(|&i| train[i].group).collect();
            let out = net.forward_heads(input, &groups, &netc);
            let image_loss = bce_with_logits(out.logits, labels).mean();
            let weight = mask.clone()
                * (target
                    .clone()
                    .mul_scalar(opts.lesion_cell_weight - 1.0)
                    .add_scalar(1.0));
            let dense = bce_with_logits(out.cam, target) * weight.clone();
            let dense_loss = dense.sum() / (weight.sum().add_scalar(1e-6));
            let loss = image_loss + dense_loss.mul_scalar(opts.dense_weight);
            let loss_value = read_f32(loss.clone())?[0] as f64;
            if !loss_value.is_finite() {
                return Err(Error::Diverged {
                    epoch,
                    step,
                    loss: loss_value,
                });
            }
            loss_sum += loss_value;
            let grads = GradientsParams::from_grads(loss.backward(), &net);
            net = optim.step(lr, net, grads);
            on_event(&TrainEvent::Step {
                epoch,
                step: step + 1,
                steps,
                loss: loss_sum / (step + 1) as f64,
            });
        }
        let config = ModelConfig::new(opts.id.clone(), netc.clone(), preprocess.clone());
        let snapshot = scoring_model(net.valid(), config, device)?;
        let (val_loss, scores) = validate(&snapshot, val)?;
        if patches.is_some() && opts.mine_images > 0 {
            mine(&snapshot, train, &mut state.hard, opts.mine_images, epoch)?;
        }
        let log = epoch_log(
            epoch,
            lr,
            loss_sum / steps.max(1) as f64,
            val_loss,
            &scores,
            val,
            opts.selection,
        );
        let log = EpochLog {
            seconds: started.elapsed().as_secs_f64(),
            ..log
        };
        if log.score > state.best_score {
            state.best_score = log.score;
            state.best_epoch = epoch;
            state.stale = 0;
            best = Some(net.valid());
        } else {
            state.stale += 1;
        }
        state.epochs_done = epoch;
        state.log.push(log.clone());
        on_event(&TrainEvent::Epoch(log));
        save_checkpoint(&ckpt, &net, &optim, &state, best.as_ref())?;
        write_log_csv(&out.join("train-log.csv"), &state.log, findings)?;
    }
    if state.stale >= opts.patience && state.epochs_done < opts.epochs {
        stopped_early = true;
    }
    let best_net = best.unwrap_or_else(|| net.valid());
    let mut config = ModelConfig::new(opts.id.clone(), netc.clone(), preprocess);
    let (_, scores) = validate(
        &scoring_model(best_net.clone(), config.clone(), device)?,
        val,
    )?;
    let mut model = Model::from_parts(best_net, config.clone(), device.device.clone());
    for (f, name) in config.findings.clone().iter().enumerate() {
        let labels: Vec<bool> = val.iter().map(|s| s.labels[f]).collect();
        let s: Vec<f64> = scores.iter().map(|p| p[f] as f64).collect();
        let t = choose_threshold(&labels, &s);
        config.thresholds.insert(name.clone(), t);
        // a spacing model's scores differ in scale between modality groups: each group with
        // enough validation images of both kinds gets its own threshold
        if config.preprocess.spacing.is_none() {
            continue;
        }
        for (g, gl, gs) in groups_with_both(val, &labels, &s) {
            let t = choose_threshold(&gl, &gs);
            config
                .thresholds
                .insert(format!("{name}@{}", InputKind::GROUPS[g]), t);
        }
    }
    config.training = serde_json::json!({
        "data": provenance,
        "seed": opts.seed,
        "epochs_run": state.epochs_done,
        "best_epoch": state.best_epoch,
        "stopped_early": stopped_early,
        "batch_size": opts.batch_size,
        "learning_rate": opts.learning_rate,
        "selection": opts.selection.name(),
        "balance_sources": opts.balance_sources,
        "lesion_cell_weight": opts.lesion_cell_weight,
        "init": state.init,
        "train_images": train.len(),
        "val_images": val.len(),
        "threshold_rule": format!("F1-optimal on the validation split among thresholds with specificity >= {SPECIFICITY_FLOOR} (a spacing model: also per modality group with at least 10 positive and 10 negative validation images)"),
        "log": state.log,
    });
    *model.config_mut() = config;
    model.save_dir(out)?;
    Ok(TrainSummary {
        model: Model::load_dir(out, &device.device)?,
        log: state.log,
        best_epoch: state.best_epoch,
        stopped_early,
    })
}

fn check_samples(s: &[TrainSample], what: &str, net: &NetConfig, p: &Preprocess) -> Result<()> {
    if s.is_empty() {
        return Err(Error::InvalidInput(format!("no {what} images")));
    }
    let stride = net.stride();
    if !p.size.is_multiple_of(stride) {
        return Err(Error::InvalidInput(format!(
            "input size {} is not a multiple of the network stride {stride}",
            p.size
        )));
    }
    for (i, x) in s.iter().enumerate() {
        let (c, h, w) = x.dim();
        // a spacing model's inputs are whole images at its pixel size, of any size
        let shape_ok = match p.spacing {
            Some(_) => h > 0 && w > 0 && h.is_multiple_of(stride) && w.is_multiple_of(stride),
            None => (h, w) == (p.size, p.size),
        };
        if c != net.in_channels || !shape_ok || x.labels.len() != net.findings {
            let want = match p.spacing {
                Some(_) => format!("({}, h, w), h and w multiples of {stride}", net.in_channels),
                None => format!("({}, {}, {})", net.in_channels, p.size, p.size),
            };
            return Err(Error::InvalidInput(format!(
                "{what} image {i}: input {:?} / {} labels, expected {want} / {}",
                x.dim(),
                x.labels.len(),
                net.findings
            )));
        }
    }
    Ok(())
}

/// Element-wise binary cross-entropy on logits, written to be stable for large |x|.
fn bce_with_logits<const D: usize>(x: Tensor<D>, y: Tensor<D>) -> Tensor<D> {
    x.clone().clamp_min(0.0) - x.clone() * y + x.abs().neg().exp().add_scalar(1.0).log()
}

fn cosine_lr(base: f64, epoch: usize, epochs: usize) -> f64 {
    // past the schedule's end the rate stays at its floor
    let t = ((epoch - 1) as f64 / epochs.max(1) as f64).min(1.0);
    let floor = base * 0.05;
    floor + 0.5 * (base - floor) * (1.0 + (std::f64::consts::PI * t).cos())
}
