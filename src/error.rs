//! The facade's one error type.

use std::path::PathBuf;

/// Errors from screening, training-data loading and report writing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Dicom(#[from] radscreen_dicom::Error),
    #[error(transparent)]
    Model(#[from] radscreen_model::Error),
    #[error(transparent)]
    Imaging(#[from] radscreen_imaging::Error),
    #[error(transparent)]
    Eval(#[from] radscreen_eval::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A CSV input that cannot be used, with the line (1-based, header = 1) and column.
    #[error("{path}:{line}: {message}")]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    /// Options that cannot work, found before any work starts.
    #[error("invalid option {option}: {reason}")]
    InvalidOption {
        option: &'static str,
        reason: String,
    },
    /// A report folder that cannot be resumed or merged.
    #[error("{path}: {reason}")]
    Report { path: PathBuf, reason: String },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    pub(crate) fn option(option: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidOption {
            option,
            reason: reason.into(),
        }
    }
    pub(crate) fn report(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Report {
            path: path.into(),
            reason: reason.into(),
        }
    }
    /// Whether the error comes from the options (exit status 2) rather than from the work.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::InvalidOption { .. }
                | Error::Model(radscreen_model::Error::UnknownDevice(_))
                | Error::Model(radscreen_model::Error::InvalidOption { .. })
        )
    }
}

/// `Result` with the facade's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
