//! The crate's one error type.

use std::path::PathBuf;

/// Errors from reading and decoding DICOM files. Every variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not a DICOM data set.
    #[error("{path}: not a DICOM file: {reason}")]
    NotDicom { path: PathBuf, reason: String },
    /// The file starts as DICOM but its data set could not be parsed.
    #[error("{path}: malformed DICOM: {source}")]
    Parse {
        path: PathBuf,
        #[source]
        source: Box<dicom_object::ReadError>,
    },
    /// The data set's structure is impossible (found before parsing).
    #[error("{path}: malformed DICOM: {reason}")]
    Malformed { path: PathBuf, reason: String },
    /// The transfer syntax is known but cannot be decoded by this build.
    #[error("{path}: unsupported transfer syntax {uid} ({name}){}", feature_hint(.feature))]
    UnsupportedTransferSyntax {
        path: PathBuf,
        uid: String,
        name: &'static str,
        feature: Option<&'static str>,
    },
    /// The data set has no Pixel Data (or Float Pixel Data) element.
    #[error("{path}: no pixel data")]
    NoPixelData { path: PathBuf },
    /// A required attribute is absent.
    #[error("{path}: missing attribute {name} {tag}")]
    MissingAttribute {
        path: PathBuf,
        tag: dicom_core::Tag,
        name: &'static str,
    },
    /// An attribute holds a value radscreen cannot use.
    #[error("{path}: invalid {name}: {reason}")]
    InvalidAttribute {
        path: PathBuf,
        name: &'static str,
        reason: String,
    },
    /// The image layout is valid DICOM but not supported here.
    #[error("{path}: unsupported image: {reason}")]
    Unsupported { path: PathBuf, reason: String },
    /// A frame index past the last frame.
    #[error("{path}: frame {frame} out of range: the file has {frames} frame(s), numbered from 0")]
    FrameOutOfRange {
        path: PathBuf,
        frame: u32,
        frames: u32,
    },
    /// Fewer pixel bytes than Rows x Columns x Samples x Bits Allocated require.
    #[error("{path}: truncated pixel data in frame {frame}: need {expected} bytes, found {actual}")]
    TruncatedPixelData {
        path: PathBuf,
        frame: u32,
        expected: u64,
        actual: u64,
    },
    /// A codec failed on the compressed frame.
    #[error("{path}: cannot decode frame {frame}: {source}")]
    Decode {
        path: PathBuf,
        frame: u32,
        #[source]
        source: Box<dicom_encoding::adapters::DecodeError>,
    },
    /// The compressed data is inconsistent (radscreen's own codecs).
    #[error("{path}: corrupt pixel data in frame {frame}: {reason}")]
    Corrupt {
        path: PathBuf,
        frame: u32,
        reason: String,
    },
    /// The file asks for more than the configured [`Limits`](crate::Limits) allow.
    #[error("{path}: {what} is {value}, over the limit of {limit}")]
    LimitExceeded {
        path: PathBuf,
        what: &'static str,
        value: u64,
        limit: u64,
    },
}

fn feature_hint(feature: &Option<&'static str>) -> String {
    match feature {
        Some(f) => format!(": build with feature {f}"),
        None => ": no decoder for it in radscreen".to_string(),
    }
}

impl Error {
    /// A short stable name of the error's kind, for reports (`error_kind` columns).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::NotDicom { .. } => "not_dicom",
            Error::Parse { .. } | Error::Malformed { .. } => "malformed",
            Error::UnsupportedTransferSyntax { .. } => "unsupported_transfer_syntax",
            Error::NoPixelData { .. } => "no_pixel_data",
            Error::MissingAttribute { .. } => "missing_attribute",
            Error::InvalidAttribute { .. } => "invalid_attribute",
            Error::Unsupported { .. } => "unsupported_image",
            Error::FrameOutOfRange { .. } => "frame_out_of_range",
            Error::TruncatedPixelData { .. } => "truncated_pixel_data",
            Error::Decode { .. } => "decode_failed",
            Error::LimitExceeded { .. } => "limit_exceeded",
            Error::Corrupt { .. } => "corrupt_pixel_data",
        }
    }

    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Error::Io { path, .. }
            | Error::NotDicom { path, .. }
            | Error::Parse { path, .. }
            | Error::Malformed { path, .. }
            | Error::UnsupportedTransferSyntax { path, .. }
            | Error::NoPixelData { path }
            | Error::MissingAttribute { path, .. }
            | Error::InvalidAttribute { path, .. }
            | Error::Unsupported { path, .. }
            | Error::FrameOutOfRange { path, .. }
            | Error::TruncatedPixelData { path, .. }
            | Error::Decode { path, .. }
            | Error::LimitExceeded { path, .. }
            | Error::Corrupt { path, .. } => path,
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
