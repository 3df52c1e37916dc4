//! `radscreen eval --predictions REPORT_DIR/findings.csv --truth manifest.csv [--lesions L] [--out DIR]`

use std::path::PathBuf;
use std::process::ExitCode;

use radscreen::eval::{EvalOptions, evaluate_files};

use crate::CmdResult;

#[derive(clap::Args)]
pub struct Args {
    /// findings.csv written by `radscreen screen`.
    #[arg(long)]
    predictions: PathBuf,
    /// manifest.csv with the ground truth (as `radscreen synth` writes it).
    #[arg(long)]
    truth: PathBuf,
    /// lesions.csv with ground-truth lesions, for lesion-level (FROC) metrics.
    #[arg(long)]
    lesions: Option<PathBuf>,
    /// Predicted lesions (path,frame,finding,row,col,score); default: predicted_lesions.csv
    /// beside the predictions, when present.
    #[arg(long)]
    predicted_lesions: Option<PathBuf>,
    /// Output folder for eval.json, eval.md and the plots.
    #[arg(long, default_value = "eval")]
    out: PathBuf,
    /// Score only manifest rows of this split (e.g. test).
    #[arg(long)]
    split: Option<String>,
    /// Seed of the bootstrap intervals.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Bootstrap resamples.
    #[arg(long, default_value_t = 2000)]
    resamples: usize,
    /// Confidence level of every interval.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Subgroup columns of the manifest (comma-separated; default modality,sex,age,manufacturer).
    #[arg(long, value_delimiter = ',')]
    subgroups: Vec<String>,
    /// Skip the PNG plots.
    #[arg(long)]
    no_plots: bool,
}

pub fn run(a: Args) -> CmdResult {
    let mut opts = EvalOptions::new()
        .with_seed(a.seed)
        .with_resamples(a.resamples)
        .with_confidence(a.confidence)
        .with_plots(!a.no_plots);
    if let Some(s) = a.split {
        opts = opts.with_split(s);
    }
    if let Some(p) = a.predicted_lesions {
        opts = opts.with_predicted_lesions(p);
    }
    if !a.subgroups.is_empty() {
        opts = opts.with_subgroup_columns(a.subgroups);
    }
    let summary = evaluate_files(
        &a.predictions,
        &a.truth,
        a.lesions.as_deref(),
        &a.out,
        &opts,
    )?;
    print!("{summary}");
    Ok(ExitCode::SUCCESS)
}
