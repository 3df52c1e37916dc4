//! The crate's one error type.

use std::path::PathBuf;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in radscreen-eval.
///
/// Errors about an input file name the file, the 1-based line (the header is line 1) and,
/// where one is at fault, the column by name and 1-based position.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened, read, created or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// The CSV parser rejected a record (for example a row with a different number of fields).
    #[error("{}:{line}: malformed CSV: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line of the record (0 when the parser did not say).
        line: u64,
        /// The parser's error.
        #[source]
        source: csv::Error,
    },

    /// A required column is absent from the header.
    #[error("{}:1: missing column `{column}` (header has: {found})", path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column that is required.
        column: String,
        /// The columns the header does have, comma-separated.
        found: String,
    },

    /// A field holds a value that its column does not allow.
    #[error(
        "{}:{line}: column {column_index} `{column}`: {expected}, found {value:?}",
        path.display()
    )]
    InvalidValue {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// Column name.
        column: String,
        /// 1-based column position.
        column_index: usize,
        /// The offending text.
        value: String,
        /// What the column allows, e.g. "expected 0 or 1".
        expected: String,
    },

    /// Two rows share the same (path, frame) key.
    #[error(
        "{}:{line}: duplicate row for path {key_path:?} frame {frame} (first seen on line {first_line})",
        path.display()
    )]
    DuplicateRow {
        /// The file.
        path: PathBuf,
        /// 1-based line of the second occurrence.
        line: u64,
        /// 1-based line of the first occurrence.
        first_line: u64,
        /// The `path` field of the key.
        key_path: String,
        /// The `frame` field of the key.
        frame: u64,
    },

    /// Two parallel inputs differ in length.
    #[error("length mismatch: {what}: {left} vs {right}")]
    LengthMismatch {
        /// Which inputs, e.g. "labels vs scores".
        what: &'static str,
        /// Length of the first.
        left: usize,
        /// Length of the second.
        right: usize,
    },

    /// A score (or other numeric input to a metric) is NaN or infinite.
    #[error("{what}[{index}] is not finite ({value})")]
    NonFinite {
        /// Which input, e.g. "scores".
        what: &'static str,
        /// 0-based position.
        index: usize,
        /// The value.
        value: f64,
    },

    /// A probability is outside [0, 1].
    #[error("{what}[{index}] = {value} is not a probability in [0, 1]")]
    NotAProbability {
        /// Which input.
        what: &'static str,
        /// 0-based position.
        index: usize,
        /// The value.
        value: f64,
    },

    /// A curve's x values are neither non-decreasing nor non-increasing.
    #[error("x is neither increasing nor decreasing (at index {index})")]
    NotMonotonic {
        /// First index at which the direction changes.
        index: usize,
    },

    /// An option is out of range or inconsistent.
    #[error("invalid option `{name}`: {reason}")]
    InvalidOption {
        /// The option.
        name: &'static str,
        /// Why it is rejected.
        reason: String,
    },

    /// A lesion refers to an image index that does not exist.
    #[error("lesion {index} refers to image {image}, but there are {n_images} images")]
    LesionImageOutOfRange {
        /// 0-based position of the lesion in its input.
        index: usize,
        /// The image it names.
        image: usize,
        /// How many images there are.
        n_images: usize,
    },

    /// eval.json could not be serialised or written.
    #[error("{}: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },

    /// A plot could not be drawn.
    #[error("{}: drawing failed: {source}", path.display())]
    Plot {
        /// The PNG being drawn.
        path: PathBuf,
        /// plotters' error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },

    /// A plot could not be encoded as PNG.
    #[error("{}: PNG encoding failed: {source}", path.display())]
    Png {
        /// The PNG being written.
        path: PathBuf,
        /// The encoder's error.
        #[source]
        source: image::ImageError,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn option(name: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidOption {
            name,
            reason: reason.into(),
        }
    }
}

/// Checks that two parallel slices have the same length.
pub(crate) fn same_len(what: &'static str, left: usize, right: usize) -> Result<()> {
    if left == right {
        Ok(())
    } else {
        Err(Error::LengthMismatch { what, left, right })
    }
}

/// Checks that every value is finite.
pub(crate) fn all_finite(what: &'static str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(index) => Err(Error::NonFinite {
            what,
            index,
            value: values[index],
        }),
    }
}
