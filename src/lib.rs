//! radscreen: screen X-ray, CT and MR DICOM images for tumours and fractures.
//!
//! This facade re-exports the workspace's crates; the screening pipeline will live here.

pub use radscreen_dicom as dicom;
pub use radscreen_eval as eval;
pub use radscreen_imaging as imaging;
pub use radscreen_synth as synth;
