//! radscreen-synth: seeded synthetic CT, MR and radiograph studies with inserted tumours and
//! fractures, written as DICOM files with ground truth (`manifest.csv`, `lesions.csv`).
//!
//! ```no_run
//! use radscreen_synth::{SynthOptions, generate};
//! let opts = SynthOptions::new().with_count(40).with_seed(7).with_size(128);
//! let summary = generate(std::path::Path::new("out"), &opts)?;
//! println!("{} images, {} with tumours", summary.images, summary.tumor_images);
//! # Ok::<(), radscreen_synth::Error>(())
//! ```
//!
//! The same options give the same bytes: every image draws from its own random stream keyed by
//! the seed and its indices, UIDs and dates are derived from the seed, and nothing reads the
//! clock.

mod attenuation;
mod ct;
mod dcm;
mod error;
mod generate;
mod lesion;
mod mr;
mod options;
mod phi;
mod raster;
pub mod real;
mod rle;
mod rng;
mod xr;

pub use ct::{CtSeries, Region};
pub use error::{Error, Result};
pub use generate::{Phantom, Plan, SeriesPlan, Summary, generate, image_path, plan, render};
pub use lesion::{Finding, Lesion, PhantomSpec};
pub use mr::{MrSeries, Weighting};
pub use options::{Modality, Scanner, Subgroup, Syntax, SynthOptions, sample_data_options};
pub use raster::Canvas;
pub use rng::Rng;
pub use xr::{Part, XrImage};
