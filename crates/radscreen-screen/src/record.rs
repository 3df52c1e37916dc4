//! run.json as types: what the report page, merge and resume read back, so that a renamed field
//! is a compile error rather than an empty cell.

use std::collections::BTreeMap;

use radscreen_model::DeviceReport;
use serde::{Deserialize, Serialize};

/// run.json's contents.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RunInfo {
    /// Version of radscreen that made the report.
    pub version: String,
    /// The model that scored the run.
    pub model: ModelRecord,
    /// The device that ran inference.
    pub device: DeviceReport,
    /// Decision threshold per finding.
    pub thresholds: BTreeMap<String, f64>,
    /// Files by outcome, images scored and flags per finding.
    pub counts: Counts,
    /// Where the time went.
    pub timings: Timings,
    /// `I/N` when the run screened one shard.
    #[serde(default)]
    pub shard: Option<String>,
    /// The model's findings, in output order.
    #[serde(default)]
    pub findings: Vec<String>,
    /// Whether rows hold patient ID and name.
    #[serde(default)]
    pub keep_phi: bool,
    /// Public fingerprint of the pseudonym key ([`crate::PseudonymKey::id`]): reports made with
    /// different keys have unlinkable study/series/instance keys and cannot be merged.
    #[serde(default)]
    pub pseudonym_key_id: String,
}

/// The model that scored a run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelRecord {
    /// The model's id, from its config.
    pub id: String,
    /// SHA-256 of the weight file.
    pub sha256: String,
    /// `shipped` or the model folder.
    pub source: String,
    /// Number of parameters.
    pub parameters: u64,
    /// The kernels that scored: radscreen's own CPU path or the backend's.
    pub inference: String,
}

/// Per-finding counts of a report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counts {
    /// Files in the report.
    pub files: u64,
    /// Files screened without error.
    pub ok: u64,
    /// Files skipped on purpose (e.g. not an image).
    pub skipped: u64,
    /// Files with at least one failed row.
    pub error: u64,
    /// Frames scored (ok rows).
    pub images: u64,
    /// Images flagged, per finding.
    pub flagged: BTreeMap<String, u64>,
}

/// run.json's `timings`: one run's, or a merged report's shards'.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Timings {
    /// A single run's timings.
    Run(RunTimings),
    /// A merged report: its shards' timings.
    Merged {
        /// The shard report folders, as given.
        merged_from: Vec<String>,
        /// Each shard's timings, in the same order.
        shards: Vec<Timings>,
    },
}

/// Where one run's time went.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[non_exhaustive]
pub struct RunTimings {
    /// Time to list the folder's files, in seconds.
    pub walk_s: f64,
    /// Wall-clock time of the run, in seconds.
    pub wall_s: f64,
    /// CPU seconds spent decoding and preprocessing (summed over threads).
    pub decode_cpu_s: f64,
    /// Time with at least one batch being scored, in seconds.
    pub inference_s: f64,
    /// Files screened in this run (resumed ones excluded).
    pub files_this_run: u64,
    /// Images scored in this run.
    pub images_this_run: u64,
    /// Images scored per second of screening wall time.
    pub images_per_s: f64,
    /// VmHWM: the bounded queues should keep this flat however many files there are.
    pub peak_rss_bytes: Option<u64>,
}
