//! `radscreen pixels FILE --stage stored|modality|display [--frame N] --out OUT.npy|OUT.png`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ndarray::Array3;
use radscreen::dicom::{DicomImage, DisplayOptions, ReadOptions, Voi};
use radscreen::imaging::{npy, png};

use crate::CmdResult;

#[derive(Clone, Copy, clap::ValueEnum)]
enum Stage {
    /// Decoded stored values as integers (Bits Stored masked, sign-extended).
    Stored,
    /// After the Modality LUT / rescale (HU for CT), float32.
    Modality,
    /// After VOI and Presentation LUT / MONOCHROME1, float32 in 0..1 (8-bit in PNG).
    Display,
}

#[derive(clap::Args)]
pub struct Args {
    /// The DICOM file.
    file: PathBuf,
    /// Pipeline stage to write.
    #[arg(long, value_enum)]
    stage: Stage,
    /// Frame to write, numbered from 0 (default: all frames, as [frames, rows, cols]).
    #[arg(long)]
    frame: Option<u32>,
    /// Output file: .npy (numpy) or .png (display stage, one frame).
    #[arg(long)]
    out: PathBuf,
    /// For --stage display: the window to apply, numbered from 0 (default: the file's VOI LUT,
    /// else its first window, else the frame's range).
    #[arg(long)]
    window: Option<usize>,
}

enum Out {
    Npy,
    Png,
}

fn out_kind(p: &Path) -> Option<Out> {
    match p.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "npy" => Some(Out::Npy),
        "png" => Some(Out::Png),
        _ => None,
    }
}

/// Drops the samples axis for greyscale so the array is `[rows, cols]` as numpy users expect.
fn frame_shape(dim: (usize, usize, usize)) -> Vec<usize> {
    if dim.2 == 1 {
        vec![dim.0, dim.1]
    } else {
        vec![dim.0, dim.1, dim.2]
    }
}

pub fn run(a: Args) -> CmdResult {
    let Some(kind) = out_kind(&a.out) else {
        eprintln!(
            "radscreen pixels: --out must end in .npy or .png: {}",
            a.out.display()
        );
        return Ok(ExitCode::from(crate::EXIT_USAGE));
    };
    let img = DicomImage::open_with(&a.file, &ReadOptions::new())?;
    let frames: Vec<u32> = match a.frame {
        Some(f) => vec![f],
        None => (0..img.frames()?).collect(),
    };
    let opts = match a.window {
        Some(i) => DisplayOptions::new().with_voi(Voi::Window(i)),
        None => DisplayOptions::new(),
    };
    if let Out::Png = kind {
        if !matches!(a.stage, Stage::Display) {
            eprintln!(
                "radscreen pixels: PNG output is for --stage display; write .npy for stored or modality values"
            );
            return Ok(ExitCode::from(crate::EXIT_USAGE));
        }
        if frames.len() != 1 {
            eprintln!(
                "radscreen pixels: {} has {} frames; a PNG holds one: pass --frame N",
                a.file.display(),
                frames.len()
            );
            return Ok(ExitCode::from(crate::EXIT_USAGE));
        }
        let d = img.display(frames[0], &opts)?;
        png::write_unit(&a.out, d.view())?;
        return Ok(ExitCode::SUCCESS);
    }
    // Several frames stack on a leading axis; a single requested frame does not.
    let lead: Vec<usize> = if a.frame.is_none() && frames.len() > 1 {
        vec![frames.len()]
    } else {
        vec![]
    };
    match a.stage {
        Stage::Stored => {
            let mut bytes = Vec::new();
            let mut descr = "";
            let mut dim = (0, 0, 0);
            for &f in &frames {
                let s = img.stored(f)?;
                descr = s.numpy_dtype();
                dim = s.dim();
                bytes.extend(s.to_le_bytes());
            }
            let shape = [lead, frame_shape(dim)].concat();
            npy::write_raw(&a.out, descr, &shape, &bytes)?;
        }
        Stage::Modality | Stage::Display => {
            let arrays = frames
                .iter()
                .map(|&f| match a.stage {
                    Stage::Modality => img.modality(f),
                    _ => img.display(f, &opts),
                })
                .collect::<Result<Vec<Array3<f32>>, _>>()?;
            let dim = arrays[0].dim();
            let values: Vec<f32> = arrays.iter().flat_map(|x| x.iter().copied()).collect();
            let shape = [lead, frame_shape(dim)].concat();
            npy::write_f32(&a.out, &shape, &values)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
