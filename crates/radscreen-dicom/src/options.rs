//! Reader options and resource limits.

/// Resource limits checked before anything large is allocated, so that a hostile or corrupt
/// header cannot make the reader allocate gigabytes (image-rs's `Limits` is the model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest file read into memory, in bytes.
    pub max_file_bytes: u64,
    /// Largest frame, in pixels (Rows x Columns).
    pub max_pixels_per_frame: u64,
    /// Most frames in one file.
    pub max_frames: u32,
    /// Largest decoded buffer for one request (one frame, or all frames), in bytes.
    pub max_decoded_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 4 << 30,
            // 32768 x 32768 covers the largest digital radiographs and slide thumbnails.
            max_pixels_per_frame: 1 << 30,
            max_frames: 100_000,
            max_decoded_bytes: 4 << 30,
        }
    }
}

impl Limits {
    /// The default limits.
    pub fn new() -> Self {
        Self::default()
    }
    /// No practical limit (for trusted input only).
    pub fn unlimited() -> Self {
        Limits {
            max_file_bytes: u64::MAX,
            max_pixels_per_frame: u64::MAX,
            max_frames: u32::MAX,
            max_decoded_bytes: u64::MAX,
        }
    }
    /// Sets the largest file size in bytes.
    pub fn with_max_file_bytes(mut self, v: u64) -> Self {
        self.max_file_bytes = v;
        self
    }
    /// Sets the largest frame in pixels.
    pub fn with_max_pixels_per_frame(mut self, v: u64) -> Self {
        self.max_pixels_per_frame = v;
        self
    }
    /// Sets the most frames per file.
    pub fn with_max_frames(mut self, v: u32) -> Self {
        self.max_frames = v;
        self
    }
    /// Sets the largest decoded buffer in bytes.
    pub fn with_max_decoded_bytes(mut self, v: u64) -> Self {
        self.max_decoded_bytes = v;
        self
    }
}

/// How files are read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Resource limits.
    pub limits: Limits,
    /// Keep patient name, ID, birth date, accession number and institution in the metadata
    /// record. Off by default: records are PHI-free unless the caller asks.
    pub keep_phi: bool,
}

impl ReadOptions {
    /// The defaults: default limits, no PHI.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// Keeps identifying attributes in the metadata record.
    pub fn with_keep_phi(mut self, keep: bool) -> Self {
        self.keep_phi = keep;
        self
    }
}
