//! Transfer syntax names, and which cargo feature decodes each.

use dicom_dictionary_std::uids;

/// Explicit VR Big Endian: retired from the standard (so deprecated in dicom-dictionary-std),
/// still found in archives.
#[allow(deprecated)]
pub(crate) const EXPLICIT_VR_BIG_ENDIAN: &str = uids::EXPLICIT_VR_BIG_ENDIAN;

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
        uids::IMPLICIT_VR_LITTLE_ENDIAN,
        "Implicit VR Little Endian",
        "implicit_le",
        None,
        false,
    ),
    s(
        uids::EXPLICIT_VR_LITTLE_ENDIAN,
        "Explicit VR Little Endian",
        "explicit_le",
        None,
        false,
    ),
    s(
        EXPLICIT_VR_BIG_ENDIAN,
        "Explicit VR Big Endian",
        "explicit_be",
        None,
        false,
    ),
    s(
        uids::ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN,
        "Encapsulated Uncompressed Explicit VR Little Endian",
        "encapsulated_uncompressed",
        None,
        false,
    ),
    s(
        uids::DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
        "Deflated Explicit VR Little Endian",
        "deflated",
        Some("deflate"),
        false,
    ),
    s(
        uids::RLE_LOSSLESS,
        "RLE Lossless",
        "rle",
        Some("rle"),
        false,
    ),
    s(
        uids::JPEG_BASELINE8_BIT,
        "JPEG Baseline (Process 1)",
        "jpeg_baseline",
        Some("jpeg"),
        true,
    ),
    s(
        uids::JPEG_EXTENDED12_BIT,
        "JPEG Extended (Process 2 & 4)",
        "jpeg_extended",
        Some("jpeg"),
        true,
    ),
    s(
        uids::JPEG_LOSSLESS,
        "JPEG Lossless, Non-Hierarchical (Process 14)",
        "jpeg_lossless_p14",
        Some("jpeg"),
        false,
    ),
    s(
        uids::JPEG_LOSSLESS_SV1,
        "JPEG Lossless, Non-Hierarchical, First-Order Prediction (SV1)",
        "jpeg_lossless",
        Some("jpeg"),
        false,
    ),
    s(
        uids::JPEGLS_LOSSLESS,
        "JPEG-LS Lossless Image Compression",
        "jpeg_ls",
        Some("jpegls"),
        false,
    ),
    s(
        uids::JPEGLS_NEAR_LOSSLESS,
        "JPEG-LS Lossy (Near-Lossless) Image Compression",
        "jpeg_ls_near_lossless",
        Some("jpegls"),
        true,
    ),
    s(
        uids::JPEG2000_LOSSLESS,
        "JPEG 2000 Image Compression (Lossless Only)",
        "jpeg2000",
        Some("jpeg2000"),
        false,
    ),
    s(
        uids::JPEG2000,
        "JPEG 2000 Image Compression",
        "jpeg2000_lossy",
        Some("jpeg2000"),
        true,
    ),
    s(
        uids::HTJ2K_LOSSLESS,
        "High-Throughput JPEG 2000 Image Compression (Lossless Only)",
        "htj2k",
        Some("jpeg2000"),
        false,
    ),
    s(
        uids::HTJ2K,
        "High-Throughput JPEG 2000 Image Compression",
        "htj2k_lossy",
        Some("jpeg2000"),
        true,
    ),
    s(
        uids::MPEG2MPML,
        "MPEG2 Main Profile / Main Level",
        "mpeg2",
        None,
        true,
    ),
    s(
        uids::MPEG4HP41,
        "MPEG-4 AVC/H.264 High Profile",
        "h264",
        None,
        true,
    ),
    s(
        uids::JPEGXL_LOSSLESS,
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

/// Whether `uid` is a JPEG-LS transfer syntax (lossless or near-lossless).
pub(crate) fn is_jpegls(uid: &str) -> bool {
    matches!(uid, uids::JPEGLS_LOSSLESS | uids::JPEGLS_NEAR_LOSSLESS)
}
