//! radscreen-imaging: image arrays in and out (NPY, PNG), without burn.

mod error;
pub mod npy;
pub mod png;

pub use error::{Error, Result};
