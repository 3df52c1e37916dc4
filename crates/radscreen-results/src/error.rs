//! The crate's one error type.

use std::path::PathBuf;

/// Errors from building or writing DICOM results.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A source image's header could not be read.
    #[error(transparent)]
    Source(#[from] radscreen_dicom::Error),
    /// A source image lacks an attribute the outputs must reference.
    #[error("{path}: {what} is missing: DICOM results cannot reference this image")]
    MissingAttribute {
        /// The source file.
        path: PathBuf,
        /// The attribute, by keyword.
        what: &'static str,
    },
    /// The results given are inconsistent (in words).
    #[error("invalid results: {0}")]
    Invalid(String),
    /// Writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// dicom-object could not build or encode the object.
    #[error("{what}: {reason}")]
    Encode {
        /// What was being built.
        what: String,
        /// dicom-object's message.
        reason: String,
    },
}

/// `Result` with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
