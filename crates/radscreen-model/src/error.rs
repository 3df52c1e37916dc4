//! The one error type of radscreen-model.

use std::path::PathBuf;

/// Errors from device selection, weight files, inference and training.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The requested device cannot be used (and the preference did not allow a fallback).
    #[error("device {requested}: {reason}")]
    Device {
        /// The device asked for (e.g. `gpu`).
        requested: String,
        /// Why it cannot be used, in words.
        reason: String,
    },
    /// A device name that radscreen does not know.
    #[error("unknown device '{0}': expected auto, gpu, cpu, wgpu, vulkan, flex or ndarray")]
    UnknownDevice(String),
    /// Reading or writing a model file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A model file exists but does not describe a usable model.
    #[error("{path}: {reason}")]
    InvalidModel {
        /// The file.
        path: PathBuf,
        /// What is wrong, in words.
        reason: String,
    },
    /// A JSON file (config.json, a training state) cannot be read or written.
    #[error("{path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// burn could not read or write a record (weights, optimizer state).
    #[error("{path}: {source}")]
    Record {
        /// The file.
        path: PathBuf,
        /// burn's error.
        #[source]
        source: burn::store::RecordError,
    },
    /// A weight file's tensors cannot be read, written or applied to the network.
    #[error("{path}: {source}")]
    Weights {
        /// The weight file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Input arrays of the wrong shape or with non-finite values.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// An internal consistency check failed: a result that would be wrong is refused rather
    /// than returned (a bug in radscreen or the backend, not in the input).
    #[error("internal check failed: {0}")]
    Internal(String),
    /// A tensor's data could not be read back from the device.
    #[error("reading a tensor back from the device failed: {0}")]
    TensorRead(#[from] burn::tensor::TensorReadError),
    /// A tensor's host data could not be converted.
    #[error("converting a tensor's data failed: {0}")]
    TensorData(#[from] burn::tensor::DataError),
    /// Training produced a non-finite loss.
    #[error("training diverged at epoch {epoch}, step {step} (loss {loss})")]
    Diverged {
        /// The epoch, from 1.
        epoch: usize,
        /// The step within the epoch, from 0.
        step: usize,
        /// The loss value (NaN or infinite).
        loss: f64,
    },
    /// Training options that cannot work (checked before training starts).
    #[error("invalid training option {option}: {reason}")]
    InvalidOption {
        /// The option's name (e.g. `batch_size`).
        option: &'static str,
        /// Why, in words.
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
    pub(crate) fn json(path: impl Into<PathBuf>, source: serde_json::Error) -> Self {
        Error::Json {
            path: path.into(),
            source,
        }
    }
    pub(crate) fn record(path: impl Into<PathBuf>, source: burn::store::RecordError) -> Self {
        Error::Record {
            path: path.into(),
            source,
        }
    }
    pub(crate) fn weights(
        path: impl Into<PathBuf>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Error::Weights {
            path: path.into(),
            source: source.into(),
        }
    }
}

/// `Result` with radscreen-model's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
