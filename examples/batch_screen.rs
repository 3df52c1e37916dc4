//! Screen a folder of DICOM files through the library, without the CLI.
//!
//! ```text
//! cargo run --release --example batch_screen -- sample-data
//! ```
//!
//! Prints one line per image: path, frame, status and the score per finding, and a summary.
//! (`radscreen::screen::screen_to_report` does the same into a report folder.)

use std::ops::ControlFlow;
use std::path::PathBuf;

use radscreen::model::{DeviceOptions, DevicePreference};
use radscreen::screen::{ScreenOptions, Screener, Status, walk};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: batch_screen DIR")?;

    // The shipped model on the best device there is (a GPU through wgpu, else the CPU).
    let screener = Screener::new(
        ScreenOptions::new()
            .with_device(DeviceOptions::new(DevicePreference::Auto))
            .with_batch_size(16),
    )?;
    let device = screener.device().report();
    eprintln!("device: {} ({})", device.backend, device.adapter);
    if let Some(why) = device.fallback_reason {
        eprintln!("  fallback: {why}");
    }

    // Every file under DIR; DICOM is recognised by content, whatever the file is called.
    let (files, walk_errors) = walk(&dir, None)?;
    for (path, error) in walk_errors {
        eprintln!("{path}: {error}");
    }

    let findings = screener.findings().to_vec();
    let (mut ok, mut flagged) = (0, 0);
    // Results stream back per file as soon as its frames are scored.
    let stats = screener.screen_files(&dir, &files, &mut |result| {
        for row in &result.rows {
            match row.status {
                Status::Ok => {
                    ok += 1;
                    flagged += row.flags.contains(&Some(true)) as usize;
                    let scores: Vec<String> = findings
                        .iter()
                        .zip(&row.scores)
                        .map(|(f, s)| format!("{f}={:.3}", s.unwrap_or(0.0)))
                        .collect();
                    println!("{} [{}] {}", row.path, row.frame, scores.join(" "));
                }
                status => println!("{} {:?}: {}", row.path, status, row.error),
            }
        }
        ControlFlow::Continue(())
    })?;
    eprintln!(
        "{} files, {ok} images scored, {flagged} flagged, {:.1} images/s",
        stats.files,
        stats.images as f64 / stats.wall_s.max(1e-9)
    );
    Ok(())
}
