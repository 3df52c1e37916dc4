//! `radscreen bench`: decode, preprocessing, inference, end-to-end, cold start, model size,
//! training time and quality in one run; a table for people, `--json` for machines.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use clap::Args as ClapArgs;
use radscreen::model::DeviceOptions;
use radscreen::screen::{ModelSource, PseudonymKey, ScreenOptions, Screener, Status};
use radscreen_bench::{BenchOptions, BenchReport, ColdStart};

use crate::device_args::DeviceArgs;
use crate::{CmdResult, usage};

#[derive(ClapArgs)]
pub struct Args {
    /// Folder of DICOM files; its manifest.csv (if any) gives the quality rows.
    #[arg(default_value = "sample-data")]
    data: PathBuf,
    #[command(flatten)]
    device: DeviceArgs,
    /// Model folder from `radscreen train` (default: the shipped model).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Print JSON instead of the table.
    #[arg(long)]
    json: bool,
    /// Seconds per timed measurement.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Inference batch sizes, comma-separated.
    #[arg(long, default_value = "1,8,32", value_delimiter = ',')]
    batches: Vec<usize>,
    /// Input sides for the inference rows, comma-separated (default: the model's own), e.g.
    /// 128,512: the same network and weights at full resolution.
    #[arg(long, value_delimiter = ',')]
    sizes: Vec<usize>,
    /// Precisions for the inference rows, comma-separated (default: the one --precision
    /// chose), e.g. f32,f16.
    #[arg(long, value_delimiter = ',')]
    precisions: Vec<String>,
    /// Skip the one-epoch training measurement.
    #[arg(long)]
    no_train: bool,
    /// Skip the cold-process measurements.
    #[arg(long)]
    no_cold_start: bool,
    /// Write inputs.npy and probabilities.npy here (for the peers' parity check).
    #[arg(long)]
    save_inputs: Option<PathBuf>,
    /// Internal: screen this one file in a fresh process and exit (cold-start timing).
    #[arg(long, hide = true)]
    first_result: Option<PathBuf>,
}

pub fn run(a: Args) -> CmdResult {
    let device = match a.device.options() {
        Ok(d) => d,
        Err(e) => return usage(e),
    };
    let precisions = match a.precisions.iter().map(|p| p.parse()).collect() {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    let model = a
        .model
        .clone()
        .map_or(ModelSource::Shipped, ModelSource::Dir);
    if let Some(file) = &a.first_result {
        return first_result(file, model, device);
    }
    let opts = BenchOptions::new(&a.data)
        .with_model(model)
        .with_device(device)
        .with_seconds(a.seconds)
        .with_batches(a.batches.clone())
        .with_sizes(a.sizes.clone())
        .with_precisions(precisions)
        .with_train_epoch(!a.no_train)
        .with_save_inputs(a.save_inputs.clone());
    let mut report = match radscreen_bench::run(&opts, &mut |stage| eprintln!("bench: {stage}")) {
        Ok(r) => r,
        Err(e) if e.is_usage() => return usage(e),
        Err(e) => return Err(e.into()),
    };
    if !a.no_cold_start {
        eprintln!("bench: time to first result from a cold process");
        report.cold_start = cold_starts(&a, &report)?;
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", table(&report));
    }
    Ok(ExitCode::SUCCESS)
}

/// The child side of the cold-start measurement: everything a user's first screen does.
fn first_result(file: &Path, model: ModelSource, device: DeviceOptions) -> CmdResult {
    let t = Instant::now();
    // a throw-away key: a benchmark keeps no pseudonyms and must not create the user's key file
    let opts = ScreenOptions::new()
        .with_model(model)
        .with_device(device)
        .with_key(PseudonymKey::generate()?);
    let screener = Screener::new(opts)?;
    let root = file.parent().unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut ok = false;
    screener.screen_files(root, &[name], &mut |r| {
        ok |= r.rows.iter().any(|row| row.status == Status::Ok);
        ControlFlow::Continue(())
    })?;
    println!("{:.3} {ok}", t.elapsed().as_secs_f64());
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Wall time of fresh processes that screen one file. On a GPU backend: once with an empty
/// CubeCL cache, once with the cache the first run left (autotune results; compiled SPIR-V
/// with the `vulkan` feature), both in a scratch folder whose cubecl.toml points the cache there.
fn cold_starts(
    a: &Args,
    report: &BenchReport,
) -> Result<Vec<ColdStart>, Box<dyn std::error::Error>> {
    let exe = std::env::current_exe()?;
    let Some(file) = first_image(&a.data) else {
        return Ok(Vec::new());
    };
    let file = std::fs::canonicalize(&file)?;
    let scratch = std::env::temp_dir().join(format!("radscreen-cold-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("cache"))?;
    std::fs::write(
        scratch.join("cubecl.toml"),
        format!(
            "[compilation]\ncache = true\n\n[environment]\npath = {{ directory = {:?} }}\n",
            scratch.join("cache").display().to_string()
        ),
    )?;
    let gpu = !matches!(report.device.backend.as_str(), "flex" | "ndarray");
    let labels: &[&str] = if gpu {
        &["empty CubeCL cache", "warm CubeCL cache"]
    } else {
        &["cold process", "cold process (again)"]
    };
    let mut out = Vec::new();
    for label in labels {
        let mut cmd = Command::new(&exe);
        cmd.current_dir(&scratch)
            .args(["bench", "--first-result"])
            .arg(&file)
            .args(a.device.to_args());
        if let Some(m) = &a.model {
            cmd.arg("--model").arg(std::fs::canonicalize(m)?);
        }
        let t = Instant::now();
        let status = cmd.stdout(Stdio::null()).stderr(Stdio::null()).status()?;
        let seconds = t.elapsed().as_secs_f64();
        if !status.success() {
            // keep the minutes of measurements already made; say what is missing
            eprintln!(
                "radscreen: warning: cold-start run failed on {} ({status}); row left out",
                file.display()
            );
            continue;
        }
        out.push(ColdStart {
            label: label.to_string(),
            seconds,
        });
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(out)
}

/// The first file under `data` (in walk order) that is a decodable image.
fn first_image(data: &Path) -> Option<PathBuf> {
    let (files, _) = radscreen::screen::walk(data, None).ok()?;
    files.into_iter().map(|f| data.join(f)).find(|p| {
        radscreen::dicom::DicomImage::open(p)
            .and_then(|i| i.stored(0))
            .is_ok()
    })
}

fn opt(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| format!("{x:.3}"))
}

fn table(r: &BenchReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let d = &r.device;
    let _ = writeln!(
        s,
        "radscreen {} bench on {} — {} ({} threads, {} {}); device {} ({}, {}){}",
        r.radscreen_version,
        r.data,
        r.machine.cpu,
        r.machine.threads,
        r.machine.os,
        r.machine.arch,
        d.backend,
        d.adapter,
        d.precision,
        d.fallback_reason
            .as_ref()
            .map(|f| format!(" — {f}"))
            .unwrap_or_default()
    );
    let _ = writeln!(s, "\nDecode (one thread, from memory)");
    let _ = writeln!(
        s,
        "  {:<40} {:>6} {:>12}",
        "transfer syntax", "files", "frames/s"
    );
    for row in &r.decode {
        let _ = writeln!(
            s,
            "  {:<40} {:>6} {:>12.1}",
            row.name, row.files, row.frames_per_s
        );
    }
    let _ = writeln!(
        s,
        "\nPreprocessing (one thread, decoded planes to model input)  {:.1} images/s",
        r.preprocess_images_per_s
    );
    let _ = writeln!(
        s,
        "\nInference ({}, {}{}; fresh input per batch)",
        d.backend,
        r.model.inference,
        r.model
            .cpu_kernel
            .as_deref()
            .map_or(String::new(), |k| format!(" with {k} kernels"))
    );
    let _ = writeln!(
        s,
        "  {:>6} {:>6} {:>9} {:>12} {:>12}",
        "size", "batch", "precision", "ms/batch", "images/s"
    );
    for row in &r.inference {
        let _ = writeln!(
            s,
            "  {:>6} {:>6} {:>9} {:>12.2} {:>12.1}",
            row.size, row.batch, row.precision, row.ms_per_batch, row.images_per_s
        );
    }
    let e = &r.end_to_end;
    let _ = writeln!(
        s,
        "\nEnd to end: {} images from {} files in {:.2} s = {:.1} images/s\n  decode+preprocess alone (all threads) {:.1} images/s, inference alone {:.1} images/s\n  end to end / slower stage {:.2} (both stages on the same cores: at most {:.1} images/s); peak RSS {}",
        e.images,
        e.files,
        e.wall_s,
        e.images_per_s,
        e.decode_images_per_s,
        e.inference_images_per_s,
        e.pipeline_efficiency,
        e.shared_cpu_bound_images_per_s,
        e.peak_rss_bytes
            .map_or("-".into(), |b| format!("{:.0} MiB", b as f64 / 1048576.0))
    );
    if !r.cold_start.is_empty() {
        let _ = writeln!(s, "\nTime to first result (fresh process, one file)");
        for c in &r.cold_start {
            let _ = writeln!(s, "  {:<28} {:>8.2} s", c.label, c.seconds);
        }
    }
    let m = &r.model;
    let _ = writeln!(
        s,
        "\nModel {} ({}…): {} bytes, {} parameters, input {}²",
        m.id,
        &m.sha256[..12.min(m.sha256.len())],
        m.weight_bytes,
        m.parameters,
        m.input_size
    );
    if let Some(t) = &r.training {
        let _ = writeln!(
            s,
            "Training: {:.1} s per epoch of {} images incl. validation ({:.1} images/s)",
            t.seconds_per_epoch, t.images, t.images_per_s
        );
    }
    if !r.quality.is_empty() {
        let _ = writeln!(s, "\nQuality at the model's thresholds (image level)");
        let _ = writeln!(
            s,
            "  {:<10} {:>9} {:>7} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}",
            "finding", "threshold", "images", "accuracy", "precision", "recall", "F1", "MSE", "R²"
        );
        for q in &r.quality {
            let _ = writeln!(
                s,
                "  {:<10} {:>9.3} {:>7} {:>9.3} {:>9} {:>9} {:>7} {:>7.3} {:>7}",
                q.finding,
                q.threshold,
                q.images,
                q.accuracy,
                opt(q.precision),
                opt(q.recall),
                opt(q.f1),
                q.mse,
                opt(q.r2)
            );
        }
    }
    s
}
