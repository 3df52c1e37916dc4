//! Training: Adam on any device through burn's autodiff, class-balanced sampling, augmentation,
//! validation each epoch, early stopping, checkpoints and resume, thresholds chosen on the
//! validation split.
//!
//! The loss is the image-level binary cross-entropy per finding plus, where lesion positions are
//! known, a dense cross-entropy on the activation map (cells over a lesion are positive, all
//! others negative), which teaches the map to point at the lesion.

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::store::ModuleRecord;
use burn::tensor::{Tensor, TensorData};
use ndarray::{Array3, Array4, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::augment::Augment;
use crate::device::SelectedDevice;
use crate::error::{Error, Result};
use crate::io::{read_f32, write_atomic};
use crate::model::{Model, ModelConfig};
use crate::net::{Net, NetConfig};
use crate::rng::Rng;
pub use crate::sample::{TrainLesion, TrainSample};
use radscreen_imaging::preprocess::Preprocess;

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
    /// The network's architecture.
    pub net: NetConfig,
    /// The model's name in config.json.
    pub id: String,
    /// Continue from OUT/checkpoint instead of starting afresh.
    pub resume: bool,
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
            net: NetConfig::default(),
            id: "radscreen-synth".into(),
            resume: false,
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
    /// Mean average precision: the early-stopping score.
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

/// Checkpoint state (OUT/checkpoint/state.json).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    epochs_done: usize,
    best_epoch: usize,
    best_score: f64,
    stale: usize,
    log: Vec<EpochLog>,
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
/// Weight of a lesion cell against a background cell in the dense loss.
const DENSE_POS_WEIGHT: f32 = 20.0;

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
    let findings = opts.net.findings;
    check_samples(train, "training", &opts.net, &preprocess)?;
    check_samples(val, "validation", &opts.net, &preprocess)?;
    let ad = device.device.clone().autodiff();
    ad.seed(opts.seed);
    let mut net = opts.net.init(&ad, opts.seed);
    let mut optim = AdamConfig::new().init();
    let ckpt = out.join(CHECKPOINT);
    let mut state = State {
        epochs_done: 0,
        best_epoch: 0,
        best_score: f64::NEG_INFINITY,
        stale: 0,
        log: Vec::new(),
    };
    let mut best: Option<Net> = None;
    if opts.resume {
        let (n, o, s, b) = load_checkpoint(&ckpt, &opts.net, &ad, optim, on_event)?;
        (net, optim, state, best) = (n, o, s, Some(b));
        on_event(&TrainEvent::Note(format!(
            "resumed after epoch {} of {}",
            state.epochs_done, opts.epochs
        )));
    }
    std::fs::create_dir_all(&ckpt).map_err(|e| Error::io(&ckpt, e))?;
    let stride = opts.net.stride();
    let mut stopped_early = false;
    for epoch in state.epochs_done + 1..=opts.epochs {
        if state.stale >= opts.patience && epoch > 1 {
            stopped_early = true;
            break;
        }
        let started = Instant::now();
        let lr = cosine_lr(opts.learning_rate, epoch, opts.epochs);
        let order = balanced_order(train, opts.seed, epoch as u64);
        let steps = order.len().div_ceil(opts.batch_size);
        let mut loss_sum = 0.0;
        for (step, chunk) in order.chunks(opts.batch_size).enumerate() {
            let batch = make_batch(train, chunk, opts, epoch as u64, stride, findings);
            let (input, labels, target, mask) = batch.into_tensors(&ad);
            let out = net.forward(input, opts.net.pool_sharpness);
            let image_loss = bce_with_logits(out.logits, labels).mean();
            // Cells over a lesion are few: weigh them up so that the map learns to point.
            let weight = mask.clone()
                * (target
                    .clone()
                    .mul_scalar(DENSE_POS_WEIGHT - 1.0)
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
        let config = ModelConfig::new(opts.id.clone(), opts.net.clone(), preprocess.clone());
        let snapshot = Model::from_parts(net.valid(), config, device.device.clone());
        let (val_loss, scores) = validate(&snapshot, val)?;
        let log = epoch_log(
            epoch,
            lr,
            loss_sum / steps.max(1) as f64,
            val_loss,
            &scores,
            val,
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
    let mut config = ModelConfig::new(opts.id.clone(), opts.net.clone(), preprocess);
    let mut model = Model::from_parts(best_net, config.clone(), device.device.clone());
    let (_, scores) = validate(&model, val)?;
    for (f, name) in config.findings.clone().iter().enumerate() {
        let labels: Vec<bool> = val.iter().map(|s| s.labels[f]).collect();
        let s: Vec<f64> = scores.iter().map(|p| p[f] as f64).collect();
        let t = choose_threshold(&labels, &s);
        config.thresholds.insert(name.clone(), t);
    }
    config.training = serde_json::json!({
        "data": provenance,
        "seed": opts.seed,
        "epochs_run": state.epochs_done,
        "best_epoch": state.best_epoch,
        "stopped_early": stopped_early,
        "batch_size": opts.batch_size,
        "learning_rate": opts.learning_rate,
        "train_images": train.len(),
        "val_images": val.len(),
        "threshold_rule": "F1-optimal on the validation split",
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
    if !p.size.is_multiple_of(net.stride()) {
        return Err(Error::InvalidInput(format!(
            "input size {} is not a multiple of the network stride {}",
            p.size,
            net.stride()
        )));
    }
    for (i, x) in s.iter().enumerate() {
        if x.input.dim() != (net.in_channels, p.size, p.size) || x.labels.len() != net.findings {
            return Err(Error::InvalidInput(format!(
                "{what} image {i}: input {:?} / {} labels, expected ({}, {}, {}) / {}",
                x.input.dim(),
                x.labels.len(),
                net.in_channels,
                p.size,
                p.size,
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
    let t = (epoch - 1) as f64 / epochs.max(1) as f64;
    let floor = base * 0.05;
    floor + 0.5 * (base - floor) * (1.0 + (std::f64::consts::PI * t).cos())
}

/// One epoch's sample order: drawn with replacement, each label combination equally likely.
fn balanced_order(train: &[TrainSample], seed: u64, epoch: u64) -> Vec<usize> {
    let key = |s: &TrainSample| s.labels.iter().fold(0usize, |k, &b| k * 2 + b as usize);
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for (i, s) in train.iter().enumerate() {
        groups.entry(key(s)).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = groups.into_values().collect();
    let mut rng = Rng::new(seed, 0xBA1A, epoch);
    (0..train.len())
        .map(|_| {
            let g = &groups[(rng.next_u64() % groups.len() as u64) as usize];
            g[(rng.next_u64() % g.len() as u64) as usize]
        })
        .collect()
}

struct Batch {
    input: Array4<f32>,
    labels: Vec<f32>,
    target: Array4<f32>,
    mask: Array4<f32>,
}

fn make_batch(
    data: &[TrainSample],
    idx: &[usize],
    opts: &TrainOptions,
    epoch: u64,
    stride: usize,
    findings: usize,
) -> Batch {
    let items: Vec<(Array3<f32>, Vec<TrainLesion>)> = idx
        .par_iter()
        .enumerate()
        .map(|(k, &i)| {
            let s = &data[i];
            let mut rng = Rng::new(opts.seed, epoch, (i as u64) << 20 | k as u64);
            let lesions = s.lesions.clone().unwrap_or_default();
            opts.augment.apply(&s.input, &lesions, &mut rng)
        })
        .collect();
    let n = idx.len();
    let (c, h, w) = data[idx[0]].input.dim();
    let (mh, mw) = (h / stride, w / stride);
    let mut input = Array4::<f32>::zeros((n, c, h, w));
    let mut target = Array4::<f32>::zeros((n, findings, mh, mw));
    let mut mask = Array4::<f32>::zeros((n, findings, mh, mw));
    let mut labels = Vec::with_capacity(n * findings);
    for (k, (&i, (img, lesions))) in idx.iter().zip(&items).enumerate() {
        input.index_axis_mut(Axis(0), k).assign(img);
        let s = &data[i];
        for (f, &present) in s.labels.iter().enumerate().take(findings) {
            labels.push(if present { 1.0 } else { 0.0 });
            let here: Vec<&TrainLesion> = lesions.iter().filter(|l| l.finding == f).collect();
            // The map's truth is known for a negative image (all cells negative) and for a
            // positive one whose lesions are listed.
            let known = !present || (s.lesions.is_some() && !here.is_empty());
            if !known {
                continue;
            }
            mask.slice_mut(ndarray::s![k, f, .., ..]).fill(1.0);
            for l in here {
                let reach = l.radius + stride as f32 / 2.0;
                for r in 0..mh {
                    for cc in 0..mw {
                        let cy = (r as f32 + 0.5) * stride as f32 - 0.5;
                        let cx = (cc as f32 + 0.5) * stride as f32 - 0.5;
                        if (cy - l.row).hypot(cx - l.col) <= reach {
                            target[[k, f, r, cc]] = 1.0;
                        }
                    }
                }
            }
        }
    }
    Batch {
        input,
        labels,
        target,
        mask,
    }
}

impl Batch {
    fn into_tensors(
        self,
        device: &burn::tensor::Device,
    ) -> (Tensor<4>, Tensor<2>, Tensor<4>, Tensor<4>) {
        let t4 = |a: Array4<f32>| {
            let shape = a.shape().to_vec();
            Tensor::<4>::from_data(
                TensorData::new(a.into_raw_vec_and_offset().0, shape),
                device,
            )
        };
        let n = self.input.dim().0;
        let f = self.target.dim().1;
        let labels = Tensor::<2>::from_data(TensorData::new(self.labels, [n, f]), device);
        (t4(self.input), labels, t4(self.target), t4(self.mask))
    }
}

/// Validation loss (image-level BCE) and per-image probabilities.
fn validate(model: &Model, val: &[TrainSample]) -> Result<(f64, Vec<Vec<f32>>)> {
    let mut probs = Vec::with_capacity(val.len());
    let mut loss = 0.0;
    let mut count = 0usize;
    for chunk in val.chunks(32) {
        let views: Vec<_> = chunk.iter().map(|s| s.input.view()).collect();
        let batch =
            ndarray::stack(Axis(0), &views).map_err(|e| Error::InvalidInput(e.to_string()))?;
        for (p, s) in model.predict(batch.view())?.into_iter().zip(chunk) {
            for (&q, &y) in p.probabilities.iter().zip(&s.labels) {
                let q = (q as f64).clamp(1e-7, 1.0 - 1e-7);
                loss -= if y { q.ln() } else { (1.0 - q).ln() };
                count += 1;
            }
            probs.push(p.probabilities);
        }
    }
    Ok((loss / count.max(1) as f64, probs))
}

fn epoch_log(
    epoch: usize,
    lr: f64,
    train_loss: f64,
    val_loss: f64,
    scores: &[Vec<f32>],
    val: &[TrainSample],
) -> EpochLog {
    let findings = val[0].labels.len();
    let mut log = EpochLog {
        epoch,
        learning_rate: lr,
        train_loss,
        val_loss,
        sensitivity: vec![],
        precision: vec![],
        auroc: vec![],
        average_precision: vec![],
        score: 0.0,
        seconds: 0.0,
    };
    for f in 0..findings {
        let labels: Vec<bool> = val.iter().map(|s| s.labels[f]).collect();
        let s: Vec<f64> = scores.iter().map(|p| p[f] as f64).collect();
        let c = radscreen_eval::Confusion::at_threshold(&labels, &s, 0.5).ok();
        log.sensitivity.push(c.and_then(|c| c.sensitivity()));
        log.precision.push(c.and_then(|c| c.precision()));
        log.auroc
            .push(radscreen_eval::roc_auc(&labels, &s).ok().flatten());
        log.average_precision.push(
            radscreen_eval::average_precision(&labels, &s)
                .ok()
                .flatten(),
        );
    }
    let aps: Vec<f64> = log.average_precision.iter().flatten().copied().collect();
    log.score = if aps.is_empty() {
        0.0
    } else {
        aps.iter().sum::<f64>() / aps.len() as f64
    };
    log
}

/// The F1-optimal threshold on the validation split (0.5 where it is undefined).
fn choose_threshold(labels: &[bool], scores: &[f64]) -> f64 {
    radscreen_eval::operating_point(labels, scores, radscreen_eval::OperatingRule::F1, 1.0)
        .ok()
        .flatten()
        .map(|p| p.threshold.clamp(0.0, 1.0))
        .unwrap_or(0.5)
}

fn write_log_csv(path: &Path, log: &[EpochLog], findings: usize) -> Result<()> {
    let mut s = String::from("epoch,learning_rate,train_loss,val_loss,score,seconds");
    for f in 0..findings {
        s += &format!(",sensitivity_{f},precision_{f},auroc_{f},ap_{f}");
    }
    s.push('\n');
    let opt = |v: Option<f64>| v.map(|x| format!("{x:.6}")).unwrap_or_default();
    for l in log {
        s += &format!(
            "{},{:.6},{:.6},{:.6},{:.6},{:.1}",
            l.epoch, l.learning_rate, l.train_loss, l.val_loss, l.score, l.seconds
        );
        let cols = l
            .sensitivity
            .iter()
            .zip(&l.precision)
            .zip(&l.auroc)
            .zip(&l.average_precision);
        for (((&se, &pr), &au), &ap) in cols.take(findings) {
            s += &format!(",{},{},{},{}", opt(se), opt(pr), opt(au), opt(ap));
        }
        s.push('\n');
    }
    write_atomic(path, s.as_bytes())
}

fn record_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.bpk"))
}

fn save_checkpoint(
    dir: &Path,
    net: &Net,
    optim: &burn::optim::ModuleOptimizer,
    state: &State,
    best: Option<&Net>,
) -> Result<()> {
    // Every checkpoint file is written whole (write_atomic), so a crash mid-save leaves the
    // previous checkpoint readable.
    let save = |name: &str, r: ModuleRecord| {
        let p = record_path(dir, name);
        let bytes = r.into_bytes().map_err(|e| Error::record(&p, e))?;
        write_atomic(&p, &bytes)
    };
    save("net", net.clone().into_record())?;
    if let Some(b) = best {
        save("best", b.clone().into_record())?;
    }
    let op = record_path(dir, "optim");
    let bytes = optim.into_bytes().map_err(|e| Error::record(&op, e))?;
    write_atomic(&op, &bytes)?;
    let sp = dir.join("state.json");
    let json = serde_json::to_string_pretty(state).map_err(|e| Error::json(&sp, e))?;
    write_atomic(&sp, json.as_bytes())
}

type Loaded = (Net, burn::optim::ModuleOptimizer, State, Net);

fn load_checkpoint(
    dir: &Path,
    config: &NetConfig,
    device: &burn::tensor::Device,
    optim: burn::optim::ModuleOptimizer,
    on_event: &mut dyn FnMut(&TrainEvent),
) -> Result<Loaded> {
    let sp = dir.join("state.json");
    let text = std::fs::read_to_string(&sp).map_err(|e| Error::io(&sp, e))?;
    let state: State = serde_json::from_str(&text).map_err(|e| Error::json(&sp, e))?;
    let load = |name: &str| -> Result<Net> {
        let p = record_path(dir, name);
        let r = ModuleRecord::load(&p).map_err(|e| Error::record(&p, e))?;
        config
            .init(device, 0)
            .try_load_record(r)
            .map_err(|e| Error::record(&p, e))
    };
    let net = load("net")?;
    let best = load("best")?.valid();
    // burn 0.22.1's ModuleOptimizer::load_record has no device parameter: it materialises the
    // state on burn's default device (wgpu first) before the next step moves it to the
    // parameters'. Restoring it elsewhere would open a wgpu device the run never asked for (or
    // fail where there is none), so the moments are restored only when the training device is
    // that default one, and restart otherwise, said in the log.
    let optim = if *device == burn::tensor::Device::default() {
        let p = record_path(dir, "optim");
        optim.load(&p).map_err(|e| Error::record(&p, e))?
    } else {
        on_event(&TrainEvent::Note(
            "Adam's moment estimates restart from zero: burn restores optimizer state only on its default device".into(),
        ));
        optim
    };
    Ok((net, optim, state, best))
}
