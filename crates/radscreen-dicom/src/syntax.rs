//! Transfer syntax names, and which cargo feature decodes each.

/// What radscreen knows about a transfer syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxInfo {
    /// The UID, e.g. `1.2.840.10008.1.2.4.70`.
    pub uid: &'static str,
    /// The standard's name.
    pub name: &'static str,
    /// A short machine-friendly key (used by the benchmark suite).
    pub key: &'static str,
    /// The radscreen-dicom cargo feature that decodes it (`None`: always built in).
    pub feature: Option<&'static str>,
    /// Whether the pixel data may have been lossily compressed.
    pub lossy: bool,
}

const fn s(
    uid: &'static str,
    name: &'static str,
    key: &'static str,
    feature: Option<&'static str>,
    lossy: bool,
) -> SyntaxInfo {
    SyntaxInfo {
        uid,
        name,
        key,
        feature,
        lossy,
    }
}

/// Every transfer syntax radscreen can name (decodable or not in this build).
pub const SYNTAXES: &[SyntaxInfo] = &[
    s(
        "1.2.840.10008.1.2",
        "Implicit VR Little Endian",
        "implicit_le",
        None,
        false,
    ),
    s(
        "1.2.840.10008.1.2.1",
        "Explicit VR Little Endian",
        "explicit_le",
        None,
        false,
    ),
    s(
        "1.2.840.10008.1.2.2",
        "Explicit VR Big Endian",
        "explicit_be",
        None,
        false,
    ),
    s(
        "1.2.840.10008.1.2.1.98",
        "Encapsulated Uncompressed Explicit VR Little Endian",
        "encapsulated_uncompressed",
        None,
        false,
    ),
    s(
        "1.2.840.10008.1.2.1.99",
        "Deflated Explicit VR Little Endian",
        "deflated",
        Some("deflate"),
        false,
    ),
    s(
        "1.2.840.10008.1.2.5",
        "RLE Lossless",
        "rle",
        Some("rle"),
        false,
    ),
    s(
        "1.2.840.10008.1.2.4.50",
        "JPEG Baseline (Process 1)",
        "jpeg_baseline",
        Some("jpeg"),
        true,
    ),
    s(
        "1.2.840.10008.1.2.4.51",
        "JPEG Extended (Process 2 & 4)",
        "jpeg_extended",
        Some("jpeg"),
        true,
    ),
    s(
        "1.2.840.10008.1.2.4.57",
        "JPEG Lossless, Non-Hierarchical (Process 14)",
        "jpeg_lossless_p14",
        Some("jpeg"),
        false,
    ),
    s(
        "1.2.840.10008.1.2.4.70",
        "JPEG Lossless, Non-Hierarchical, First-Order Prediction (SV1)",
        "jpeg_lossless",
        Some("jpeg"),
        false,
    ),
    s(
        "1.2.840.10008.1.2.4.80",
        "JPEG-LS Lossless Image Compression",
        "jpeg_ls",
        Some("jpegls"),
        false,
    ),
    s(
        "1.2.840.10008.1.2.4.81",
        "JPEG-LS Lossy (Near-Lossless) Image Compression",
        "jpeg_ls_near_lossless",
        Some("jpegls"),
        true,
    ),
    s(
        "1.2.840.10008.1.2.4.90",
        "JPEG 2000 Image Compression (Lossless Only)",
        "jpeg2000",
        Some("jpeg2000"),
        false,
    ),
    s(
        "1.2.840.10008.1.2.4.91",
        "JPEG 2000 Image Compression",
        "jpeg2000_lossy",
        Some("jpeg2000"),
        true,
    ),
    s(
        "1.2.840.10008.1.2.4.201",
        "High-Throughput JPEG 2000 Image Compression (Lossless Only)",
        "htj2k",
        Some("jpeg2000"),
        false,
    ),
    s(
        "1.2.840.10008.1.2.4.203",
        "High-Throughput JPEG 2000 Image Compression",
        "htj2k_lossy",
        Some("jpeg2000"),
        true,
    ),
    s(
        "1.2.840.10008.1.2.4.100",
        "MPEG2 Main Profile / Main Level",
        "mpeg2",
        None,
        true,
    ),
    s(
        "1.2.840.10008.1.2.4.102",
        "MPEG-4 AVC/H.264 High Profile",
        "h264",
        None,
        true,
    ),
    s(
        "1.2.840.10008.1.2.4.110",
        "JPEG XL Lossless",
        "jpegxl",
        None,
        false,
    ),
];

/// Looks up a transfer syntax by UID (trailing NULs and spaces ignored).
pub fn syntax_info(uid: &str) -> Option<&'static SyntaxInfo> {
    let uid = uid.trim_end_matches(['\0', ' ']);
    SYNTAXES.iter().find(|s| s.uid == uid)
}

/// The standard's name of a transfer syntax, or "unrecognised transfer syntax".
pub fn syntax_name(uid: &str) -> &'static str {
    syntax_info(uid).map_or("unrecognised transfer syntax", |s| s.name)
}
