//! Colour: YBR to RGB, PALETTE COLOR through its LUTs, previews in 0..1.

use dicom_dictionary_std::tags;
use ndarray::Array3;

use crate::image::DicomImage;
use crate::lut::Lut;
use crate::{Error, Result};

/// YCbCr (full range, ITU-R BT.601, as PS3.3 C.7.6.3.1.2 and pydicom use) to RGB, with
/// `half` the chroma offset (128 for 8-bit) and `max` the largest value.
pub fn ybr_full_to_rgb(y: f64, cb: f64, cr: f64, half: f64, max: f64) -> [f64; 3] {
    let (cb, cr) = (cb - half, cr - half);
    [
        (y + 1.402 * cr).round().clamp(0.0, max),
        (y - 0.344_136 * cb - 0.714_136 * cr)
            .round()
            .clamp(0.0, max),
        (y + 1.772 * cb).round().clamp(0.0, max),
    ]
}

/// Whether the decoded samples are still YCbCr: codecs for JPEG and JPEG 2000 convert to RGB
/// themselves; native and RLE data keep the file's colour space.
fn still_ybr(img: &DicomImage, pi: &str) -> bool {
    let ts = img.transfer_syntax();
    let codec_converts = ts.starts_with("1.2.840.10008.1.2.4.");
    matches!(pi, "YBR_FULL" | "YBR_FULL_422") && !codec_converts
}

/// RGB of one frame, 0..1, `[rows, columns, 3]`.
pub(crate) fn rgb(img: &DicomImage, frame: u32) -> Result<Array3<f32>> {
    let info = img.pixel_info()?;
    let pi = info.photometric_interpretation.as_str();
    if info.is_monochrome() {
        let d = img.display(frame, &crate::DisplayOptions::default())?;
        let (r, c, _) = d.dim();
        return Ok(Array3::from_shape_fn((r, c, 3), |(i, j, _)| d[(i, j, 0)]));
    }
    let stored = img.stored(frame)?.to_f64();
    let (r, c, _) = stored.dim();
    if pi == "PALETTE COLOR" {
        let obj = img.dataset();
        if obj
            .get(tags::SEGMENTED_RED_PALETTE_COLOR_LOOKUP_TABLE_DATA)
            .is_some()
        {
            return Err(Error::Unsupported {
                path: img.path().to_path_buf(),
                reason: "segmented palette colour lookup tables".into(),
            });
        }
        let signed = info.pixel_representation == 1;
        let lut = |d, t| Lut::parse(img.path(), obj, d, t, signed);
        let luts = [
            lut(
                tags::RED_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR,
                tags::RED_PALETTE_COLOR_LOOKUP_TABLE_DATA,
            )?,
            lut(
                tags::GREEN_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR,
                tags::GREEN_PALETTE_COLOR_LOOKUP_TABLE_DATA,
            )?,
            lut(
                tags::BLUE_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR,
                tags::BLUE_PALETTE_COLOR_LOOKUP_TABLE_DATA,
            )?,
        ];
        return Ok(Array3::from_shape_fn((r, c, 3), |(i, j, k)| {
            (luts[k].apply(stored[(i, j, 0)]) / luts[k].max_value()) as f32
        }));
    }
    let max = ((1u64 << info.bits_stored.min(32)) - 1) as f64;
    let half = (1u64 << (info.bits_stored.min(32) - 1)) as f64;
    let mut out = Array3::<f32>::zeros((r, c, 3));
    let ybr = still_ybr(img, pi);
    for i in 0..r {
        for j in 0..c {
            let px = [stored[(i, j, 0)], stored[(i, j, 1)], stored[(i, j, 2)]];
            let px = if ybr {
                ybr_full_to_rgb(px[0], px[1], px[2], half, max)
            } else {
                px
            };
            for k in 0..3 {
                out[(i, j, k)] = (px[k] / max) as f32;
            }
        }
    }
    Ok(out)
}
