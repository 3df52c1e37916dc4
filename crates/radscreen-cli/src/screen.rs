//! `radscreen screen` and `radscreen merge`: thin wrappers over `radscreen::screen`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args as ClapArgs;
use indicatif::{ProgressBar, ProgressStyle};
use radscreen::screen::{
    ModelSource, Progress, PseudonymKey, ReportOptions, ScreenOptions, Screener, merge_reports,
    parse_shard, screen_to_report,
};

use crate::device_args::DeviceArgs;
use crate::{CmdResult, usage};

#[derive(ClapArgs)]
pub struct Args {
    /// Folder to screen (searched recursively; DICOM recognised by content, not extension).
    dir: PathBuf,
    /// Report folder: findings.csv, studies.csv, predicted_lesions.csv, report.html, heatmaps/, run.json.
    #[arg(long)]
    out: PathBuf,
    /// Model folder from `radscreen train` (default: the model shipped with radscreen).
    #[arg(long)]
    model: Option<PathBuf>,
    #[command(flatten)]
    device: DeviceArgs,
    /// Images per inference batch (default: 16 on the CPU, up to 128 on a GPU).
    #[arg(long)]
    batch: Option<usize>,
    /// Override a finding's threshold, e.g. --threshold tumor=0.3 (repeatable).
    #[arg(long, value_name = "FINDING=P")]
    threshold: Vec<String>,
    /// Continue an interrupted run in --out without redoing finished files.
    #[arg(long)]
    resume: bool,
    /// Screen shard I of N (0-based), chosen by a hash of each file's relative path.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Write patient ID and name into findings.csv, and the patient and study identifiers into
    /// the DICOM results of --dicom (off: reports and DICOM results carry no PHI, and a PACS
    /// files the results by Study Instance UID alone).
    #[arg(long)]
    keep_phi: bool,
    /// Also write one DICOM SR (TID 1500) and SEG per study under OUT/dicom/
    /// (docs/dicom-output.md).
    #[arg(long)]
    dicom: bool,
    /// File holding the secret key for the study/series/instance pseudonyms and heatmap names
    /// (shards of one job must share it). Default: RADSCREEN_KEY if set, else your own key
    /// in ~/.config/radscreen/pseudonym.key, made on first use (mode 0600).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Stop at the first file that fails (exit status 1).
    #[arg(long)]
    fail_fast: bool,
    /// No progress output.
    #[arg(long)]
    quiet: bool,
}

#[derive(ClapArgs)]
pub struct MergeArgs {
    /// Finished shard report folders.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Merged report folder.
    #[arg(long)]
    out: PathBuf,
}

/// The pseudonym key: `--key-file`, else the secret in RADSCREEN_KEY, else `None` (the
/// screener then uses the user's own key file).
fn pseudonym_key(file: Option<&Path>) -> radscreen::Result<Option<PseudonymKey>> {
    if let Some(f) = file {
        return PseudonymKey::from_file(f).map(Some);
    }
    match std::env::var_os("RADSCREEN_KEY") {
        Some(v) => PseudonymKey::from_secret(v.as_encoded_bytes()).map(Some),
        None => Ok(None),
    }
}

pub fn run(a: Args) -> CmdResult {
    let device = match a.device.options() {
        Ok(d) => d,
        Err(e) => return usage(e),
    };
    let shard = match a.shard.as_deref().map(parse_shard).transpose() {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let mut opts = ScreenOptions::new()
        .with_device(device)
        .with_keep_phi(a.keep_phi)
        .with_fail_fast(a.fail_fast);
    if let Some(b) = a.batch {
        opts = opts.with_batch_size(b);
    }
    match pseudonym_key(a.key_file.as_deref()) {
        Ok(Some(k)) => opts = opts.with_key(k),
        Ok(None) => {}
        Err(e) => return usage(e),
    }
    if let Some(m) = &a.model {
        opts = opts.with_model(ModelSource::Dir(m.clone()));
    }
    for t in &a.threshold {
        match t.split_once('=').map(|(f, v)| (f, v.parse::<f64>())) {
            Some((f, Ok(v))) => opts = opts.with_threshold(f, v),
            _ => return usage(format!("--threshold '{t}': expected FINDING=P")),
        }
    }
    if !a.dir.is_dir() {
        return usage(format!("{} is not a folder", a.dir.display()));
    }
    // Everything Screener::new checks is configuration: the device, the model, the options.
    let screener = match Screener::new(opts) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let dev = screener.device().report();
    if !a.quiet {
        eprintln!(
            "device: {} ({}, {}){}; model {} ({})",
            dev.backend,
            dev.adapter,
            dev.precision,
            dev.fallback_reason
                .map(|r| format!(" — {r}"))
                .unwrap_or_default(),
            screener.model().config().id,
            &screener.model().sha256()[..12.min(screener.model().sha256().len())]
        );
    }
    let tty = std::io::stderr().is_terminal();
    let bar = if a.quiet || !tty {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{bar:30}] {pos}/{len} files {per_sec} eta {eta} {msg}",
        )
        .map_err(|e| e.to_string())?
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let mut last_line = Instant::now();
    let plain = !a.quiet && !tty;
    let started = Instant::now();
    let mut on_progress = |p: &Progress| {
        bar.set_length(p.total);
        bar.set_position(p.done);
        bar.set_message(format!("{} flagged, {} errors", p.flagged, p.errors));
        // Not a terminal (a log file, a batch system): one plain line every ten seconds.
        if plain && (last_line.elapsed() >= Duration::from_secs(10) || p.done == p.total) {
            last_line = Instant::now();
            let rate = p.done as f64 / started.elapsed().as_secs_f64().max(1e-9);
            eprintln!(
                "screened {}/{} files ({} resumed), {:.1} files/s, {} flagged, {} errors",
                p.done, p.total, p.resumed, rate, p.flagged, p.errors
            );
        }
    };
    let report = ReportOptions::new(&a.out)
        .with_resume(a.resume)
        .with_shard(shard)
        .with_dicom(a.dicom);
    let outcome = match screen_to_report(&screener, &a.dir, &report, &mut on_progress) {
        Ok(o) => o,
        Err(e) if e.is_usage() => return usage(e),
        Err(e) => return Err(e.into()),
    };
    bar.finish_and_clear();
    let c = &outcome.info.counts;
    if outcome.stats.stopped {
        eprintln!(
            "stopped at the first failing file (--fail-fast); {} holds the rows so far (--resume continues)",
            a.out.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    if !a.quiet {
        eprintln!(
            "{} files: {} ok, {} skipped, {} error; {} images scored, flagged {:?}; report: {}",
            c.files,
            c.ok,
            c.skipped,
            c.error,
            c.images,
            c.flagged,
            a.out.join("report.html").display()
        );
    }
    if let Some(d) = &outcome.dicom {
        for e in &d.errors {
            eprintln!("warning: DICOM results: {e}");
        }
        if !a.quiet {
            eprintln!(
                "DICOM results: {} files for {} studies in {}",
                d.files.len(),
                d.studies,
                a.out.join(radscreen::screen::DICOM_DIR).display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn merge(a: MergeArgs) -> CmdResult {
    let info = match merge_reports(&a.shards, &a.out) {
        Ok(i) => i,
        Err(e) if e.is_usage() => return usage(e),
        Err(e) => return Err(e.into()),
    };
    let c = &info.counts;
    eprintln!(
        "merged {} shards: {} files ({} ok, {} skipped, {} error) into {}",
        a.shards.len(),
        c.files,
        c.ok,
        c.skipped,
        c.error,
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
