//! The facade's one error type.

use std::path::PathBuf;

/// Errors from screening, training-data loading and report writing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or decoding a DICOM file failed.
    #[error(transparent)]
    Dicom(#[from] radscreen_dicom::Error),
    /// Device selection, the model, inference or training failed.
    #[error(transparent)]
    Model(#[from] radscreen_model::Error),
    /// Writing or reading an image file failed.
    #[error(transparent)]
    Imaging(#[from] radscreen_imaging::Error),
    /// Reading a manifest or computing metrics failed (radscreen-eval).
    #[error(transparent)]
    Eval(#[from] radscreen_eval::Error),
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A CSV input that cannot be used, with the line (1-based, header = 1) and column.
    #[error("{path}:{line}: {message}")]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// The line, from 1 (the header is line 1).
        line: u64,
        /// What is wrong, in words.
        message: String,
    },
    /// Options that cannot work, found before any work starts.
    #[error("invalid option {option}: {reason}")]
    InvalidOption {
        /// The option (e.g. `--seconds`).
        option: &'static str,
        /// Why, in words.
        reason: String,
    },
    /// A report folder that cannot be resumed or merged.
    #[error("{path}: {reason}")]
    Report {
        /// The folder (or the file in it).
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
}

impl Error {
    /// An [`Error::Io`] about `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    /// An [`Error::InvalidOption`] about `option`.
    pub fn option(option: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidOption {
            option,
            reason: reason.into(),
        }
    }
    /// An [`Error::Report`] about the folder `path`.
    pub fn report(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
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
                | Error::Model(radscreen_model::Error::Device { .. })
        )
    }
}

/// `Result` with the facade's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
