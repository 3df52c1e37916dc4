//! The `radscreen` binary: argument parsing and files. Logic lives in the library.

mod bench;
mod device_args;
mod eval;
mod inspect;
mod malloc;
mod pixels;
mod screen;
mod serve;
mod synth;
mod train;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "radscreen",
    version,
    about = "Screen X-ray, CT and MR DICOM images for tumours and fractures"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print metadata: one record per file, and the series they form.
    Inspect(inspect::Args),
    /// Write one stage of the pixel pipeline to a .npy or .png file.
    Pixels(pixels::Args),
    /// Score screening results against ground truth: eval.json, eval.md and plots.
    Eval(eval::Args),
    /// Write seeded synthetic CT, MR and radiograph DICOM files with manifest.csv and lesions.csv.
    Synth(synth::Args),
    /// Train the network on a manifest of DICOM files (radscreen synth writes one).
    Train(train::Args),
    /// Screen a folder of DICOM files and write a report.
    Screen(screen::Args),
    /// Merge shard reports (screen --shard I/N) into one.
    Merge(screen::MergeArgs),
    /// Run as a DICOM node: receive studies (C-STORE), screen them, send SR and SEG back.
    Serve(serve::Args),
    /// Measure decode, preprocessing, inference, end-to-end and cold-start speed, and quality.
    Bench(bench::Args),
}

/// Exit status for usage and configuration errors (clap also uses 2).
pub const EXIT_USAGE: u8 = 2;

/// Prints a usage or configuration error and returns [`EXIT_USAGE`].
pub fn usage(msg: impl std::fmt::Display) -> CmdResult {
    eprintln!("radscreen: error: {msg}");
    Ok(ExitCode::from(EXIT_USAGE))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(a) => inspect::run(a),
        Command::Pixels(a) => pixels::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Synth(a) => synth::run(a),
        Command::Train(a) => train::run(a),
        Command::Screen(a) => screen::run(a),
        Command::Merge(a) => screen::merge(a),
        Command::Serve(a) => serve::run(a),
        Command::Bench(a) => bench::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("radscreen: error: {e}");
            let mut src = std::error::Error::source(&*e);
            while let Some(s) = src {
                eprintln!("  caused by: {s}");
                src = s.source();
            }
            ExitCode::FAILURE
        }
    }
}

/// What commands return: an exit code, or a fatal error printed by `main`.
pub type CmdResult = Result<ExitCode, Box<dyn std::error::Error>>;
