//! radscreen-imaging: the model's input contract (modality-aware channels, aspect-preserving
//! resize, recorded transform) and image arrays in and out (NPY, PNG), without burn.

mod context;
mod error;
mod file;
mod geometry;
pub mod npy;
pub mod png;
pub mod preprocess;
mod spacing;

pub use error::{Error, Result};
pub use file::write_atomic;
