//! radscreen: screen X-ray, CT and MR DICOM images for tumours and fractures.
//!
//! This facade re-exports the workspace's crates and holds what joins them: preprocessing a
//! DICOM frame for the model, loading training data from a manifest, and the screening
//! pipeline.

pub use radscreen_dicom as dicom;
pub use radscreen_eval as eval;
pub use radscreen_imaging as imaging;
pub use radscreen_model as model;
pub use radscreen_synth as synth;

pub mod bench;
pub mod dataset;
mod error;
pub mod prepare;
pub mod screen;

pub use error::{Error, Result};
