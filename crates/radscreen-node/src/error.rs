//! The crate's one error type.

use std::path::PathBuf;

/// Errors from the DICOM node.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An option is invalid (in words).
    #[error("--{option}: {reason}")]
    Option {
        /// The option.
        option: &'static str,
        /// Why.
        reason: String,
    },
    /// A file or socket operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or address.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The DICOM upper layer failed (association, PDU).
    #[error("{context}: {source}")]
    Association {
        /// What was being done, naming the peer.
        context: String,
        /// dicom-ul's error.
        #[source]
        source: Box<dicom_ul::association::Error>,
    },
    /// A DICOM message or data set could not be read or written.
    #[error("{context}: {reason}")]
    Dicom {
        /// What was being done.
        context: String,
        /// Why.
        reason: String,
    },
    /// The peer answered a request with a failure status.
    #[error("{context}: status 0x{status:04X}")]
    Status {
        /// The request.
        context: String,
        /// The DIMSE status.
        status: u16,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    pub(crate) fn ul(context: impl Into<String>, source: dicom_ul::association::Error) -> Self {
        Error::Association {
            context: context.into(),
            source: Box::new(source),
        }
    }
    pub(crate) fn dicom(context: impl Into<String>, reason: impl ToString) -> Self {
        Error::Dicom {
            context: context.into(),
            reason: reason.to_string(),
        }
    }
}

/// `Result` with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
