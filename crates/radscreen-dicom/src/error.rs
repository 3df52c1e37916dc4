//! The crate's one error type.

use std::path::PathBuf;

/// Errors from reading and decoding DICOM files. Every variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not a DICOM data set.
    #[error("{path}: not a DICOM file: {reason}")]
    NotDicom {
        /// The file.
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
    /// The file starts as DICOM but its data set could not be parsed.
    #[error("{path}: malformed DICOM: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        #[source]
        source: Box<dicom_object::ReadError>,
    },
    /// The data set's structure is impossible (found before parsing).
    #[error("{path}: malformed DICOM: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is impossible, in words.
        reason: String,
    },
    /// The transfer syntax is known but cannot be decoded by this build.
    #[error("{path}: unsupported transfer syntax {uid} ({name}){}", feature_hint(.feature))]
    UnsupportedTransferSyntax {
        /// The file.
        path: PathBuf,
        /// The transfer syntax UID.
        uid: String,
        /// The transfer syntax's name, in words.
        name: &'static str,
        /// The cargo feature that would decode it, if there is one.
        feature: Option<&'static str>,
    },
    /// The data set has no integer Pixel Data element (a parametric map's Float Pixel Data is
    /// not an image to screen either).
    #[error("{path}: no pixel data{detail}")]
    NoPixelData {
        /// The file.
        path: PathBuf,
        /// What the file holds instead, when it says (`""` or `": ..."`).
        detail: String,
    },
    /// A required attribute is absent.
    #[error("{path}: missing attribute {name} {tag}")]
    MissingAttribute {
        /// The file.
        path: PathBuf,
        /// The attribute's tag.
        tag: dicom_core::Tag,
        /// The attribute's keyword.
        name: &'static str,
    },
    /// An attribute holds a value radscreen cannot use.
    #[error("{path}: invalid {name}: {reason}")]
    InvalidAttribute {
        /// The file.
        path: PathBuf,
        /// Which attribute (its keyword, or what it is).
        name: &'static str,
        /// Why, in words.
        reason: String,
    },
    /// The image layout is valid DICOM but not supported here.
    #[error("{path}: unsupported image: {reason}")]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What is not supported, in words.
        reason: String,
    },
    /// A frame index past the last frame.
    #[error("{path}: frame {frame} out of range: the file has {frames} frame(s), numbered from 0")]
    FrameOutOfRange {
        /// The file.
        path: PathBuf,
        /// The frame asked for (0-based).
        frame: u32,
        /// Number of frames in the file.
        frames: u32,
    },
    /// Fewer pixel bytes than Rows x Columns x Samples x Bits Allocated require.
    #[error("{path}: truncated pixel data in frame {frame}: need {expected} bytes, found {actual}")]
    TruncatedPixelData {
        /// The file.
        path: PathBuf,
        /// The frame (0-based).
        frame: u32,
        /// Bytes the frame needs.
        expected: u64,
        /// Bytes there are.
        actual: u64,
    },
    /// A codec failed on the compressed frame.
    #[error("{path}: cannot decode frame {frame}: {source}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// The frame (0-based).
        frame: u32,
        /// The codec's error.
        #[source]
        source: Box<dicom_encoding::adapters::DecodeError>,
    },
    /// A third-party codec panicked on the compressed frame (a corrupt stream it did not
    /// check); reported like any other decoding failure.
    #[error("{path}: cannot decode frame {frame}: the codec failed (corrupt compressed data)")]
    CodecPanicked {
        /// The file.
        path: PathBuf,
        /// The frame (0-based).
        frame: u32,
    },
    /// The compressed data cannot be decoded by radscreen's own codecs (JPEG lossless and
    /// 12-bit, JPEG-LS, RLE), or a stream's header disagrees with the DICOM header.
    #[error("{path}: corrupt pixel data in frame {frame}: {source}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The frame (0-based).
        frame: u32,
        /// What the codec found wrong.
        #[source]
        source: CodecError,
    },
    /// The file asks for more than the configured [`Limits`](crate::Limits) allow.
    #[error("{path}: {what} is {value}, over the limit of {limit}")]
    LimitExceeded {
        /// The file.
        path: PathBuf,
        /// What is over the limit (e.g. "file size").
        what: &'static str,
        /// The file's value.
        value: u64,
        /// The configured limit.
        limit: u64,
    },
}

/// Why radscreen's own codecs could not decode (or encode) a frame: the source of
/// [`Error::Corrupt`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The data ends before the image does.
    #[error("compressed data ends before the image does")]
    Truncated,
    /// A marker where it has no place (the byte after 0xFF).
    #[error("unexpected marker 0xFF{marker:02X}")]
    BadMarker {
        /// The marker's second byte.
        marker: u8,
    },
    /// A valid stream using something radscreen's codecs do not implement.
    #[error("unsupported: {what}")]
    Unsupported {
        /// What is not supported.
        what: &'static str,
    },
    /// The stream and the DICOM header disagree.
    #[error("the stream's {what} is {stream} but the DICOM header says {header}")]
    Mismatch {
        /// Which quantity (rows, columns, samples, precision, ...).
        what: &'static str,
        /// The stream's value.
        stream: u32,
        /// The DICOM header's value.
        header: u32,
    },
    /// Impossible values in a header or in the coded data.
    #[error("{reason}")]
    Corrupt {
        /// What is wrong, for people.
        reason: std::borrow::Cow<'static, str>,
    },
}

impl CodecError {
    /// A [`CodecError::Corrupt`] with this reason.
    pub(crate) fn corrupt(reason: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        CodecError::Corrupt {
            reason: reason.into(),
        }
    }
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
            Error::Decode { .. } | Error::CodecPanicked { .. } => "decode_failed",
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
            | Error::NoPixelData { path, .. }
            | Error::MissingAttribute { path, .. }
            | Error::InvalidAttribute { path, .. }
            | Error::Unsupported { path, .. }
            | Error::FrameOutOfRange { path, .. }
            | Error::TruncatedPixelData { path, .. }
            | Error::Decode { path, .. }
            | Error::CodecPanicked { path, .. }
            | Error::LimitExceeded { path, .. }
            | Error::Corrupt { path, .. } => path,
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
