//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong while generating a synthetic set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An option is out of range or inconsistent; nothing was written.
    #[error("invalid option {name}: {reason}")]
    InvalidOption {
        /// The option (e.g. `modality`).
        name: &'static str,
        /// Why, in words.
        reason: String,
    },
    /// A file or folder could not be created or written.
    #[error("cannot write {path}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A ground-truth CSV could not be written.
    #[error("cannot write {path}")]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// The CSV writer's error.
        #[source]
        source: csv::Error,
    },
    /// A real background (from `scripts/fetch-real-backgrounds.sh`) is missing or unreadable.
    #[error("background {path}: {reason}")]
    Background {
        /// The file.
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
    /// Building or encoding the DICOM object failed.
    #[error("cannot encode DICOM file {path}: {what}")]
    Dicom {
        /// The DICOM file being written.
        path: PathBuf,
        /// The step that failed (e.g. "JPEG-LS encoding").
        what: &'static str,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
