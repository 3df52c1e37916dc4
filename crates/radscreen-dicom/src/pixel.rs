//! The image pixel description and the **stored** stage: raw frame bytes to stored values
//! (Bits Stored masking, sign extension, planar and chroma-subsampling layouts undone).

use std::path::Path;

use dicom_dictionary_std::tags;
use ndarray::Array3;

use crate::attrs::{Obj, int_of, str_of};
use crate::{Error, Result};

/// The Image Pixel module's description of the pixel data (PS3.3 C.7.6.3).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PixelInfo {
    /// Rows: frame height in pixels.
    pub rows: u32,
    /// Columns: frame width in pixels.
    pub columns: u32,
    /// Samples per Pixel: 1 (grey or palette) or 3 (colour).
    pub samples_per_pixel: u16,
    /// Bits Allocated per sample: 1, 8, 16 or 32.
    pub bits_allocated: u16,
    /// Bits Stored per sample (defaults to Bits Allocated).
    pub bits_stored: u16,
    /// High Bit (defaults to Bits Stored - 1).
    pub high_bit: u16,
    /// 0 unsigned, 1 two's complement.
    pub pixel_representation: u16,
    /// 0 interleaved (R1G1B1R2...), 1 planar (R1R2...G1G2...).
    pub planar_configuration: u16,
    /// Photometric Interpretation, upper case (e.g. `MONOCHROME2`, `RGB`).
    pub photometric_interpretation: String,
    /// Number of Frames (1 when absent, empty or 0).
    pub frames: u32,
}

impl PixelInfo {
    /// Reads and validates the description; errors name the file and attribute.
    pub(crate) fn from_obj(path: &Path, obj: &Obj) -> Result<Self> {
        let missing = |tag, name| Error::MissingAttribute {
            path: path.to_path_buf(),
            tag,
            name,
        };
        let invalid = |name: &'static str, reason: String| Error::InvalidAttribute {
            path: path.to_path_buf(),
            name,
            reason,
        };
        let rows: u32 = int_of(obj, tags::ROWS).ok_or_else(|| missing(tags::ROWS, "Rows"))?;
        let columns: u32 =
            int_of(obj, tags::COLUMNS).ok_or_else(|| missing(tags::COLUMNS, "Columns"))?;
        let bits_allocated: u16 = int_of(obj, tags::BITS_ALLOCATED)
            .ok_or_else(|| missing(tags::BITS_ALLOCATED, "BitsAllocated"))?;
        let samples_per_pixel: u16 = int_of(obj, tags::SAMPLES_PER_PIXEL).unwrap_or(1);
        // Bits Stored defaults to Bits Allocated where a (non-conformant) file omits it.
        let bits_stored: u16 = int_of(obj, tags::BITS_STORED).unwrap_or(bits_allocated);
        let high_bit: u16 = int_of(obj, tags::HIGH_BIT).unwrap_or(bits_stored.saturating_sub(1));
        let pixel_representation: u16 = int_of(obj, tags::PIXEL_REPRESENTATION).unwrap_or(0);
        let planar_configuration: u16 = int_of(obj, tags::PLANAR_CONFIGURATION).unwrap_or(0);
        let photometric_interpretation = str_of(obj, tags::PHOTOMETRIC_INTERPRETATION)
            .map(|s| s.to_ascii_uppercase())
            .unwrap_or_else(|| {
                if samples_per_pixel == 3 {
                    "RGB"
                } else {
                    "MONOCHROME2"
                }
                .to_string()
            });
        let frames: u32 = match obj.get(tags::NUMBER_OF_FRAMES) {
            None => 1,
            Some(_) => match int_of::<i64>(obj, tags::NUMBER_OF_FRAMES) {
                Some(n) if n >= 1 => u32::try_from(n)
                    .map_err(|_| invalid("NumberOfFrames", format!("{n} is too large")))?,
                // An empty or zero value is common in single-frame files.
                _ => 1,
            },
        };
        if rows == 0 || columns == 0 {
            return Err(invalid("Rows/Columns", format!("{rows} x {columns}")));
        }
        if !matches!(bits_allocated, 1 | 8 | 16 | 32) {
            return Err(Error::Unsupported {
                path: path.to_path_buf(),
                reason: format!("Bits Allocated {bits_allocated} (radscreen reads 1, 8, 16, 32)"),
            });
        }
        if bits_stored == 0 || bits_stored > bits_allocated {
            return Err(invalid(
                "BitsStored",
                format!("{bits_stored} with Bits Allocated {bits_allocated}"),
            ));
        }
        if !matches!(samples_per_pixel, 1 | 3) {
            return Err(invalid(
                "SamplesPerPixel",
                format!("{samples_per_pixel} (expected 1 or 3)"),
            ));
        }
        if pixel_representation > 1 {
            return Err(invalid(
                "PixelRepresentation",
                format!("{pixel_representation}"),
            ));
        }
        let pi = photometric_interpretation.as_str();
        let known = matches!(
            pi,
            "MONOCHROME1"
                | "MONOCHROME2"
                | "PALETTE COLOR"
                | "RGB"
                | "YBR_FULL"
                | "YBR_FULL_422"
                | "YBR_ICT"
                | "YBR_RCT"
                | "YBR_PARTIAL_420"
                | "YBR_PARTIAL_422"
        );
        if !known {
            return Err(Error::Unsupported {
                path: path.to_path_buf(),
                reason: format!("photometric interpretation {pi}"),
            });
        }
        let mono = pi.starts_with("MONOCHROME") || pi == "PALETTE COLOR";
        if mono != (samples_per_pixel == 1) {
            return Err(invalid(
                "SamplesPerPixel",
                format!("{samples_per_pixel} with photometric interpretation {pi}"),
            ));
        }
        Ok(PixelInfo {
            rows,
            columns,
            samples_per_pixel,
            bits_allocated,
            bits_stored,
            high_bit,
            pixel_representation,
            planar_configuration,
            photometric_interpretation,
            frames,
        })
    }

    /// Whether the image is greyscale (MONOCHROME1/2).
    pub fn is_monochrome(&self) -> bool {
        self.photometric_interpretation.starts_with("MONOCHROME")
    }

    /// Pixels per frame.
    pub fn pixels(&self) -> u64 {
        u64::from(self.rows) * u64::from(self.columns)
    }

    /// Bytes of one uncompressed frame as stored natively. YBR_FULL_422 native data holds
    /// two samples per pixel (Y Y Cb Cr per pair); 1-bit data is packed.
    pub fn native_frame_bits(&self) -> u64 {
        let samples = if self.photometric_interpretation == "YBR_FULL_422" {
            2
        } else {
            u64::from(self.samples_per_pixel)
        };
        self.pixels() * samples * u64::from(self.bits_allocated)
    }

    /// Bytes of one frame once decoded (full chroma, one byte per 1-bit pixel).
    pub fn decoded_frame_bytes(&self) -> u64 {
        let bytes = u64::from(self.bits_allocated.div_ceil(8));
        self.pixels() * u64::from(self.samples_per_pixel) * bytes
    }
}

/// Stored values of one frame, `[rows, columns, samples]`, in the type pydicom would give.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StoredFrame {
    /// Unsigned 1- or 8-bit data (1-bit as 0/1).
    U8(Array3<u8>),
    /// Signed 8-bit data.
    I8(Array3<i8>),
    /// Unsigned 16-bit data.
    U16(Array3<u16>),
    /// Signed 16-bit data.
    I16(Array3<i16>),
    /// Unsigned 32-bit data.
    U32(Array3<u32>),
    /// Signed 32-bit data.
    I32(Array3<i32>),
}

macro_rules! each {
    ($self:expr, $a:ident => $e:expr) => {
        match $self {
            StoredFrame::U8($a) => $e,
            StoredFrame::I8($a) => $e,
            StoredFrame::U16($a) => $e,
            StoredFrame::I16($a) => $e,
            StoredFrame::U32($a) => $e,
            StoredFrame::I32($a) => $e,
        }
    };
}

impl StoredFrame {
    /// `(rows, columns, samples)`.
    pub fn dim(&self) -> (usize, usize, usize) {
        each!(self, a => a.dim())
    }
    /// One value, or `None` outside the frame.
    pub fn get(&self, row: usize, col: usize, sample: usize) -> Option<i64> {
        each!(self, a => a.get((row, col, sample)).map(|&v| i64::from(v)))
    }
    /// All values as `f64` (exact for every stored type).
    pub fn to_f64(&self) -> Array3<f64> {
        each!(self, a => a.mapv(f64::from))
    }
    /// All values as `i64`, row-major.
    pub fn to_i64_vec(&self) -> Vec<i64> {
        each!(self, a => a.iter().map(|&v| i64::from(v)).collect())
    }
    /// numpy's dtype string, e.g. `<u2`.
    pub fn numpy_dtype(&self) -> &'static str {
        match self {
            StoredFrame::U8(_) => "|u1",
            StoredFrame::I8(_) => "|i1",
            StoredFrame::U16(_) => "<u2",
            StoredFrame::I16(_) => "<i2",
            StoredFrame::U32(_) => "<u4",
            StoredFrame::I32(_) => "<i4",
        }
    }
    /// The values as little-endian bytes, row-major (for NPY files).
    pub fn to_le_bytes(&self) -> Vec<u8> {
        each!(self, a => a.iter().flat_map(|v| v.to_le_bytes()).collect())
    }
}

/// Unpacks 1-bit data (LSB first, frames may start mid-byte) into 0/1 bytes.
pub(crate) fn unpack_bits(data: &[u8], bit_offset: u64, count: u64) -> Vec<u8> {
    (0..count)
        .map(|i| {
            let bit = bit_offset + i;
            (data[(bit / 8) as usize] >> (bit % 8)) & 1
        })
        .collect()
}

/// Interleaved little-endian samples (full chroma) to stored values.
pub(crate) fn to_stored(info: &PixelInfo, le: &[u8]) -> StoredFrame {
    let shape = (
        info.rows as usize,
        info.columns as usize,
        info.samples_per_pixel as usize,
    );
    let bs = u32::from(info.bits_stored);
    let signed = info.pixel_representation == 1;
    // Keep the low Bits Stored bits (High Bit is Bits Stored - 1 in the current standard);
    // bits above are overlay or garbage and must not leak into values.
    let fix = |v: u32| -> i64 {
        let m = if bs >= 32 { u32::MAX } else { (1u32 << bs) - 1 };
        let v = v & m;
        if signed && bs < 64 && (v >> (bs - 1)) & 1 == 1 {
            i64::from(v) - (1i64 << bs)
        } else {
            i64::from(v)
        }
    };
    fn arr<T>(shape: (usize, usize, usize), v: Vec<T>) -> Array3<T> {
        Array3::from_shape_vec(shape, v).expect("length checked by caller")
    }
    if info.bits_allocated == 16 && info.samples_per_pixel == 1 {
        let words: Vec<u16> = le
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return stored_from_u16(info, &words);
    }
    match (info.bits_allocated, signed) {
        (1 | 8, false) => StoredFrame::U8(arr(
            shape,
            le.iter().map(|&b| fix(u32::from(b)) as u8).collect(),
        )),
        (1 | 8, true) => StoredFrame::I8(arr(
            shape,
            le.iter().map(|&b| fix(u32::from(b)) as i8).collect(),
        )),
        (16, s) => {
            let vals = le
                .chunks_exact(2)
                .map(|c| fix(u32::from(u16::from_le_bytes([c[0], c[1]]))));
            if s {
                StoredFrame::I16(arr(shape, vals.map(|v| v as i16).collect()))
            } else {
                StoredFrame::U16(arr(shape, vals.map(|v| v as u16).collect()))
            }
        }
        (_, s) => {
            let vals = le
                .chunks_exact(4)
                .map(|c| fix(u32::from_le_bytes([c[0], c[1], c[2], c[3]])));
            if s {
                StoredFrame::I32(arr(shape, vals.map(|v| v as i32).collect()))
            } else {
                StoredFrame::U32(arr(shape, vals.map(|v| v as u32).collect()))
            }
        }
    }
}

/// 16-bit greyscale words to stored values: masked to Bits Stored, sign-extended.
pub(crate) fn stored_from_u16(info: &PixelInfo, words: &[u16]) -> StoredFrame {
    let shape = (info.rows as usize, info.columns as usize, 1);
    let shift = 16 - u32::from(info.bits_stored);
    let v: Vec<u16> = if shift == 0 {
        words.to_vec()
    } else {
        let mask = (1u16 << (16 - shift)) - 1;
        words.iter().map(|&w| w & mask).collect()
    };
    if info.pixel_representation == 1 {
        // Shift the sign bit to the top and back: an arithmetic shift sign-extends.
        let v = v
            .into_iter()
            .map(|w| ((w << shift) as i16) >> shift)
            .collect();
        StoredFrame::I16(Array3::from_shape_vec(shape, v).expect("length checked by caller"))
    } else {
        StoredFrame::U16(Array3::from_shape_vec(shape, v).expect("length checked by caller"))
    }
}

/// Native planar (R..G..B..) to interleaved.
pub(crate) fn planar_to_interleaved(le: &[u8], pixels: usize, bytes_per_sample: usize) -> Vec<u8> {
    let plane = pixels * bytes_per_sample;
    let mut out = Vec::with_capacity(le.len());
    for p in 0..pixels {
        for s in 0..3 {
            let o = s * plane + p * bytes_per_sample;
            out.extend_from_slice(&le[o..o + bytes_per_sample]);
        }
    }
    out
}

/// Native YBR_FULL_422 (Y1 Y2 Cb Cr per horizontal pair) to full chroma Y Cb Cr per pixel.
pub(crate) fn upsample_422(le: &[u8], rows: usize, cols: usize, bps: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows * cols * 3 * bps);
    let pairs_per_row = cols.div_ceil(2);
    for r in 0..rows {
        for p in 0..pairs_per_row {
            let o = (r * pairs_per_row + p) * 4 * bps;
            let (y1, y2, cb, cr) = (
                &le[o..o + bps],
                &le[o + bps..o + 2 * bps],
                &le[o + 2 * bps..o + 3 * bps],
                &le[o + 3 * bps..o + 4 * bps],
            );
            for y in [y1, y2].into_iter().take((cols - 2 * p).min(2)) {
                out.extend_from_slice(y);
                out.extend_from_slice(cb);
                out.extend_from_slice(cr);
            }
        }
    }
    out
}

/// Which fragments make each of `frames` frames when the Basic Offset Table is empty: a frame
/// ends with the fragment whose last bytes, past any zero padding, are an end-of-image marker
/// (FF D9: JPEG's EOI and JPEG 2000's end of codestream), as pydicom splits them. `None`
/// unless that gives exactly `frames` frames and uses every fragment.
pub(crate) fn frames_by_end_marker<F: AsRef<[u8]>>(
    fragments: &[F],
    frames: usize,
) -> Option<Vec<std::ops::Range<usize>>> {
    let mut out = Vec::with_capacity(frames);
    let mut start = 0;
    for (i, f) in fragments.iter().enumerate() {
        let f = f.as_ref();
        let end = f.iter().rposition(|&b| b != 0).map_or(0, |e| e + 1);
        if end >= 2 && f[end - 2..end] == [0xFF, 0xD9] {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    (out.len() == frames && start == fragments.len()).then_some(out)
}

#[cfg(test)]
mod frame_split_tests {
    use super::frames_by_end_marker;

    #[test]
    fn fragments_split_at_end_of_image_markers() {
        let eoi = |b: u8| vec![0xFF, 0xD8, b, 0xFF, 0xD9];
        let part = |b: u8| vec![0xFF, 0xD8, b];
        // frame 0 in two fragments, frame 1 in one with a padding byte, frame 2 in three
        let frags = vec![
            part(1),
            vec![2, 0xFF, 0xD9],
            [eoi(3), vec![0]].concat(),
            part(4),
            vec![5],
            vec![6, 0xFF, 0xD9],
        ];
        assert_eq!(
            frames_by_end_marker(&frags, 3),
            Some(vec![0..2, 2..3, 3..6])
        );
        // the wrong number of frames, or a last fragment with no marker: no split
        assert_eq!(frames_by_end_marker(&frags, 2), None);
        assert_eq!(frames_by_end_marker(&frags[..5], 2), None);
    }
}
