//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong while generating a synthetic set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An option is out of range or inconsistent; nothing was written.
    #[error("invalid option {name}: {reason}")]
    InvalidOption { name: &'static str, reason: String },
    /// A file or folder could not be created or written.
    #[error("cannot write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A ground-truth CSV could not be written.
    #[error("cannot write {path}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    /// Building or encoding the DICOM object failed.
    #[error("cannot encode DICOM file {path}: {what}")]
    Dicom {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The requested transfer syntax has no encoder in this build.
    #[error("unsupported transfer syntax {uid}: {reason}")]
    UnsupportedSyntax {
        uid: &'static str,
        reason: &'static str,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
