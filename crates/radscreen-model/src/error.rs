//! The one error type of radscreen-model.

use std::path::PathBuf;

/// Errors from device selection, weight files, inference and training.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The requested device cannot be used (and the preference did not allow a fallback).
    #[error("device {requested}: {reason}")]
    Device { requested: String, reason: String },
    /// A device name that radscreen does not know.
    #[error("unknown device '{0}': expected auto, gpu, cpu, wgpu, vulkan, flex or ndarray")]
    UnknownDevice(String),
    /// Reading or writing a model file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A model file exists but cannot be used.
    #[error("{path}: {reason}")]
    InvalidModel { path: PathBuf, reason: String },
    /// Input arrays of the wrong shape or with non-finite values.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The backend failed while running the network.
    #[error("backend failed: {0}")]
    Backend(String),
    /// Training options that cannot work (checked before training starts).
    #[error("invalid training option {option}: {reason}")]
    InvalidOption {
        option: &'static str,
        reason: String,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    pub(crate) fn invalid_model(path: impl Into<PathBuf>, reason: impl ToString) -> Self {
        Error::InvalidModel {
            path: path.into(),
            reason: reason.to_string(),
        }
    }
}

/// `Result` with radscreen-model's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
