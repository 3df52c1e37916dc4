//! `radscreen train`: train the network on a manifest of DICOM files.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args as ClapArgs;
use indicatif::{ProgressBar, ProgressStyle};
use radscreen::dataset::load_dataset;
use radscreen::imaging::preprocess::{ContextPlan, SpacingPlan};
use radscreen::model::{
    NetConfig, Precision, Selection, TrainEvent, TrainOptions, select_device, train,
};

use crate::device_args::DeviceArgs;
use crate::{CmdResult, usage};

#[derive(ClapArgs)]
pub struct Args {
    /// manifest.csv (path,frame,...,tumor,fracture,...,split); paths relative to its folder.
    /// Repeat it to train on several sets together (phantoms and real backgrounds): each
    /// one's lesions.csv is read from beside it.
    #[arg(long = "manifest", required = true)]
    manifests: Vec<PathBuf>,
    /// Model folder to write (weights, config.json, train-log.csv, checkpoint/).
    #[arg(long)]
    out: PathBuf,
    /// Lesion positions (default: lesions.csv beside the manifest, if present); with one
    /// --manifest only.
    #[arg(long)]
    lesions: Option<PathBuf>,
    #[command(flatten)]
    device: DeviceArgs,
    #[arg(long, default_value_t = 14)]
    epochs: usize,
    #[arg(long, default_value_t = 16)]
    batch: usize,
    #[arg(long, default_value_t = 1e-3)]
    lr: f64,
    #[arg(long, default_value_t = 2024)]
    seed: u64,
    /// Epochs without improvement of the validation score before stopping.
    #[arg(long, default_value_t = 6)]
    patience: usize,
    /// Side of the square model input in pixels (with --spacing: of a training patch).
    #[arg(long, default_value_t = 128)]
    size: usize,
    /// Resample every image to a fixed pixel size, CT,MR,RADIOGRAPH in mm (e.g. 0.8,0.8,0.5),
    /// and train on patches of --size cut from whole images; screening then scores whole
    /// images, tiled. Without it the model fits each image into a --size square.
    #[arg(long, value_parser = parse_spacing)]
    spacing: Option<[f64; 3]>,
    /// 2.5-D: the slices on each side of a CT or MR slice, from its series along the slice
    /// normal, become input channels next to its own (1: three slices). Screening then reads
    /// series the same way.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=4))]
    context: Option<u8>,
    /// With --spacing: patches per epoch (default: one per training image).
    #[arg(long, default_value_t = 0)]
    patches_per_epoch: usize,
    /// Length of the cosine learning-rate schedule in epochs (default: --epochs); a run to be
    /// resumed with more epochs later can keep that schedule.
    #[arg(long)]
    schedule_epochs: Option<usize>,
    /// With --spacing: training images searched for hard negatives after each epoch (0: none).
    #[arg(long, default_value_t = 300)]
    mine: usize,
    /// CT input windows as three CENTER:WIDTH pairs in HU, one per input channel
    /// (default: radscreen-imaging's soft tissue, bone and lung windows).
    #[arg(long, value_parser = parse_windows)]
    ct_windows: Option<[(f32, f32); 3]>,
    /// The validation score that picks the kept epoch and drives early stopping: group-auroc
    /// (mean AUROC within each finding and modality group with 10 positive and 10 negative
    /// validation images) or mean-ap (mean average precision over all images, the rule that
    /// chose v3 and v3.1).
    #[arg(long, default_value = "group-auroc")]
    selection: Selection,
    /// With --spacing: draw each --manifest equally often within each modality group and
    /// label combination (phantoms as often as real backgrounds, however many of each).
    #[arg(long)]
    balance_sources: bool,
    /// Weight of an activation-map cell over a lesion against a background cell in the dense
    /// loss (at least 1).
    #[arg(long, default_value_t = 20.0)]
    lesion_cell_weight: f32,
    /// One output head per modality group (CT, MR, radiographs) on a shared trunk: each
    /// image is scored by its group's head.
    #[arg(long)]
    group_heads: bool,
    /// Start from the weights of a trained model folder (config.json, model.safetensors)
    /// instead of random ones: fine-tuning. Its network must be this run's; a one-head model
    /// can start a --group-heads run (each head a copy of its head).
    #[arg(long, value_name = "MODEL_DIR")]
    init: Option<PathBuf>,
    /// Model name written to config.json.
    #[arg(long, default_value = "radscreen-synth")]
    id: String,
    /// Continue a killed run from OUT/checkpoint.
    #[arg(long)]
    resume: bool,
    /// No progress bar (the epoch lines and notes are still printed).
    #[arg(long)]
    quiet: bool,
}

pub fn run(a: Args) -> CmdResult {
    crate::malloc::keep_freed_memory();
    let device = match a.device.options() {
        Ok(d) if d.precision == Precision::F16 => {
            return usage(
                "training keeps f32 weights and computes in f32: --precision f16 is for screen and bench",
            );
        }
        // the weights train in f32 whatever the device could run
        Ok(d) => d.with_precision(Precision::F32),
        Err(e) => return usage(e),
    };
    if a.balance_sources && a.spacing.is_none() {
        return usage("--balance-sources draws patches by modality group: it needs --spacing");
    }
    let net = NetConfig::default().with_heads(if a.group_heads { 3 } else { 1 });
    let opts = TrainOptions::new()
        .with_net(net)
        .with_epochs(a.epochs)
        .with_batch_size(a.batch)
        .with_learning_rate(a.lr)
        .with_seed(a.seed)
        .with_patience(a.patience)
        .with_id(a.id.clone())
        .with_resume(a.resume)
        .with_init(a.init.clone())
        .with_patches_per_epoch(a.patches_per_epoch)
        .with_mine_images(a.mine)
        .with_schedule_epochs(a.schedule_epochs)
        .with_selection(a.selection)
        .with_balance_sources(a.balance_sources)
        .with_lesion_cell_weight(a.lesion_cell_weight);
    let device = match select_device(&device) {
        Ok(d) => d,
        Err(e) => return usage(e),
    };
    let report = device.report();
    eprintln!(
        "device: {} ({}){}",
        report.backend,
        report.adapter,
        report
            .fallback_reason
            .map(|r| format!(" — {r}"))
            .unwrap_or_default()
    );
    let started = Instant::now();
    let mut params = radscreen::imaging::preprocess::Preprocess::new().with_size(a.size);
    if let Some(w) = a.ct_windows {
        params.ct_windows = w.map(Into::into);
    }
    if let Some([ct, mr, xr]) = a.spacing {
        params = params.with_spacing(Some(SpacingPlan::new().with_mm(ct, mr, xr)));
    }
    if let Some(k) = a.context {
        params = params.with_context(Some(ContextPlan::new(k as usize)));
    }
    let bar = if a.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {per_sec} eta {eta}")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    bar.set_message("decoding");
    if a.lesions.is_some() && a.manifests.len() > 1 {
        return usage(
            "--lesions names one file: with several --manifest, each one's lesions.csv is read from beside it",
        );
    }
    let mut ds = radscreen::dataset::Dataset::default();
    for (source, m) in a.manifests.iter().enumerate() {
        let mut part = load_dataset(m, a.lesions.as_deref(), &params, &|n, total| {
            bar.set_length(total as u64);
            bar.set_position(n as u64);
        })?;
        for s in part
            .train
            .iter_mut()
            .chain(&mut part.val)
            .chain(&mut part.test)
        {
            s.source = source;
        }
        ds.has_lesions = if ds.train.is_empty() && ds.val.is_empty() {
            part.has_lesions
        } else {
            ds.has_lesions && part.has_lesions
        };
        ds.train.extend(part.train);
        ds.val.extend(part.val);
        ds.test.extend(part.test);
    }
    bar.finish_and_clear();
    eprintln!(
        "data: {} train, {} val, {} test images (lesion positions: {}), decoded in {:.1} s",
        ds.train.len(),
        ds.val.len(),
        ds.test.len(),
        if ds.has_lesions { "yes" } else { "no" },
        started.elapsed().as_secs_f64()
    );
    let provenance = serde_json::json!({
        "manifest": a
            .manifests
            .iter()
            // the set's folder and file name, not the machine's path to them
            .map(|m| {
                let name = |p: Option<&std::path::Path>| {
                    p.and_then(|p| p.file_name())
                        .map(|s| s.to_string_lossy().to_string())
                        .unwrap_or_default()
                };
                format!("{}/{}", name(m.parent()), name(Some(m)))
            })
            .collect::<Vec<_>>(),
        "lesions": ds.has_lesions,
    });
    let bar = if a.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template("epoch {prefix} [{bar:30}] {pos}/{len} {msg} eta {eta}")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    // a hidden bar prints nothing (--quiet, or stderr not a terminal): the bar goes, not the
    // epoch lines and notes
    let say = |line: String| {
        if bar.is_hidden() {
            eprintln!("{line}");
        } else {
            bar.println(line);
        }
    };
    let mut on_event = |ev: &TrainEvent| match ev {
        TrainEvent::Step {
            epoch,
            step,
            steps,
            loss,
        } => {
            bar.set_prefix(epoch.to_string());
            bar.set_length(*steps as u64);
            bar.set_position(*step as u64);
            bar.set_message(format!("loss {loss:.4}"));
        }
        TrainEvent::Epoch(l) => {
            let f = |v: &[Option<f64>]| {
                v.iter()
                    .map(|x| x.map(|x| format!("{x:.3}")).unwrap_or("-".into()))
                    .collect::<Vec<_>>()
                    .join("/")
            };
            say(format!(
                "epoch {:>2}: train loss {:.4}, val loss {:.4}, sensitivity {}, precision {}, AUROC {}, AP {} ({:.0} s)",
                l.epoch,
                l.train_loss,
                l.val_loss,
                f(&l.sensitivity),
                f(&l.precision),
                f(&l.auroc),
                f(&l.average_precision),
                l.seconds
            ));
            bar.set_position(0);
        }
        TrainEvent::Note(n) => say(n.clone()),
        _ => {}
    };
    let summary = train(
        &ds.train,
        &ds.val,
        params,
        provenance,
        &a.out,
        &opts,
        &device,
        &mut on_event,
    )?;
    bar.finish_and_clear();
    let cfg = summary.model.config();
    eprintln!(
        "wrote {} (best epoch {}, {} parameters, thresholds {:?}) in {:.1} min",
        a.out.display(),
        summary.best_epoch,
        summary.model.num_params(),
        cfg.thresholds,
        started.elapsed().as_secs_f64() / 60.0
    );
    Ok(ExitCode::SUCCESS)
}

/// Parses `CT,MR,RADIOGRAPH` pixel sizes in mm (positive).
fn parse_spacing(s: &str) -> Result<[f64; 3], String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|x| {
            x.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
                .ok_or_else(|| format!("{x:?} is not a positive number of mm"))
        })
        .collect::<Result<_, String>>()?;
    <[f64; 3]>::try_from(v).map_err(|v| format!("need CT,MR,RADIOGRAPH, got {} values", v.len()))
}

/// Parses `C:W,C:W,C:W` (three windows, positive widths).
fn parse_windows(s: &str) -> Result<[(f32, f32); 3], String> {
    let parsed: Vec<(f32, f32)> = s
        .split(',')
        .map(|w| {
            let (c, wd) = w
                .split_once(':')
                .ok_or_else(|| format!("{w:?} is not CENTER:WIDTH"))?;
            let c: f32 = c
                .trim()
                .parse()
                .map_err(|_| format!("bad center in {w:?}"))?;
            let wd: f32 = wd
                .trim()
                .parse()
                .map_err(|_| format!("bad width in {w:?}"))?;
            if !(c.is_finite() && wd.is_finite() && wd > 0.0) {
                return Err(format!("{w:?}: the width must be positive"));
            }
            Ok((c, wd))
        })
        .collect::<Result<_, String>>()?;
    <[(f32, f32); 3]>::try_from(parsed).map_err(|v| format!("need 3 windows, got {}", v.len()))
}
