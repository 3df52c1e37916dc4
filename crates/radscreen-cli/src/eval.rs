//! `radscreen eval --predictions REPORT_DIR/findings.csv --truth manifest.csv [--lesions L] [--out DIR]
//! [--baseline OTHER/findings.csv]`

use std::path::PathBuf;
use std::process::ExitCode;

use radscreen::eval::{EvalOptions, compare_and_write, evaluate_files};

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
    /// Another screener's findings.csv on the same images (an older model, say): also writes
    /// compare.md and compare.json, each one's AUROC per finding and subgroup with DeLong's
    /// paired test of the difference (--predictions is the candidate).
    #[arg(long)]
    baseline: Option<PathBuf>,
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
    if let Some(baseline) = a.baseline {
        let (c, written) = compare_and_write(&baseline, &a.predictions, &a.truth, &a.out, &opts)?;
        println!(
            "compared with {}: {} images scored by both, {} left out",
            baseline.display(),
            c.compared,
            c.left_out
        );
        for r in c.rows.iter().filter(|r| r.column == "all") {
            let f = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.3}"));
            println!(
                "{}: AUROC {} (baseline {}), paired p {}",
                r.finding,
                f(r.auroc_candidate),
                f(r.auroc_baseline),
                r.p_value.map_or("-".into(), |p| format!("{p:.2e}"))
            );
        }
        for p in written {
            println!("wrote {}", p.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
