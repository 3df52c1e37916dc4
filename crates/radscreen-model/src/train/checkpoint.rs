//! Checkpoints (OUT/checkpoint): the network, the best network, Adam's state and the run's
//! state, each written whole so that a kill mid-save leaves the previous one readable.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::store::ModuleRecord;
use serde::{Deserialize, Serialize};

use radscreen_imaging::preprocess::Preprocess;
use sha2::{Digest, Sha256};

use super::{EpochLog, TrainEvent};
use crate::error::{Error, Result};
use crate::io::write_atomic;
use crate::model::{load_net, read_model_dir};
use crate::net::{Net, NetConfig};
use crate::patches::Point;

/// Checkpoint state (OUT/checkpoint/state.json).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct State {
    pub(super) epochs_done: usize,
    pub(super) best_epoch: usize,
    pub(super) best_score: f64,
    pub(super) stale: usize,
    pub(super) log: Vec<EpochLog>,
    /// Hard-negative centres per training image (input pixels), from the last mining pass.
    #[serde(default)]
    pub(super) hard: Vec<Vec<Point>>,
    /// Where the run's first weights came from (`TrainOptions::init`; null: drawn at random).
    #[serde(default)]
    pub(super) init: serde_json::Value,
}

pub(super) fn record_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.bpk"))
}

pub(super) fn save_checkpoint(
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

pub(super) type Loaded = (Net, burn::optim::ModuleOptimizer, State, Net);

pub(super) fn load_checkpoint(
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

/// The network of the trained model in `dir` (config.json and model.safetensors) on `device`,
/// to start a run from (`TrainOptions::init`): its architecture must be this run's, except
/// that a one-head network may start a group-heads run (each head a copy of its head). Returns
/// the network and what config.json records of where it came from; a model prepared
/// differently from this run (spacing, windows) is allowed and said in the log.
pub(super) fn load_init(
    dir: &Path,
    config: &NetConfig,
    preprocess: &Preprocess,
    device: &burn::tensor::Device,
    on_event: &mut dyn FnMut(&TrainEvent),
) -> Result<(Net, serde_json::Value)> {
    let f = read_model_dir(dir)?;
    let from = &f.config;
    let mut same = from.net.clone();
    same.heads = config.heads;
    if same != *config || !(from.net.heads == 1 || from.net.heads == config.heads) {
        // the whole architecture as config.json writes it, so any field that differs shows
        let net = |n: &NetConfig| serde_json::to_string(n).unwrap_or_default();
        return Err(Error::InvalidOption {
            option: "init",
            reason: format!(
                "{}: its network {} is not this run's {} (only a one-head network can start a many-head run)",
                f.cpath.display(),
                net(&from.net),
                net(config)
            ),
        });
    }
    if from.preprocess != *preprocess {
        on_event(&TrainEvent::Note(format!(
            "{} was trained on images prepared differently from this run's (spacing, windows or size): its weights start this run all the same",
            f.cpath.display()
        )));
    }
    let sha256 = hex::encode(Sha256::digest(&f.weights));
    let net = load_net(&from.net, f.weights, &f.wpath, device)?.with_heads(&from.net, config.heads);
    let record = serde_json::json!({ "id": from.id, "sha256": sha256, "heads": from.net.heads });
    Ok((net, record))
}
