//! The modality, display and colour stages of a [`DicomImage`]'s frames: the decoded stored
//! values (image.rs) through the Modality LUT, the VOI and Presentation LUTs (lut.rs) and the
//! colour conversions (color.rs).

use dicom_dictionary_std::tags;
use ndarray::{Array2, Array3};

use crate::Result;
use crate::attrs::{Obj, str_of};
use crate::color;
use crate::image::DicomImage;
use crate::lut::{DisplayOptions, ModalityTransform, ResolvedVoi, resolve_voi, window};
use crate::pixel::PixelInfo;

impl DicomImage {
    /// **Modality** stage of one frame: Modality LUT or Rescale Slope/Intercept applied
    /// (Hounsfield units for CT), `[rows, columns, samples]`. Colour frames are returned as
    /// stored values (the Modality LUT applies to greyscale only).
    pub fn modality(&self, frame: u32) -> Result<Array3<f32>> {
        let stored = self.stored(frame)?;
        let info = self.pixel_info()?;
        let values = stored.to_f64();
        if !info.is_monochrome() {
            return Ok(values.mapv(|v| v as f32));
        }
        let t = ModalityTransform::for_frame(self, &info, frame)?;
        Ok(values.mapv(|v| t.apply(v) as f32))
    }

    /// **Display** stage of one frame: VOI (window or VOI LUT), then Presentation LUT /
    /// MONOCHROME1 inversion, scaled to 0..1. Colour frames are RGB scaled to 0..1.
    pub fn display(&self, frame: u32, opts: &DisplayOptions) -> Result<Array3<f32>> {
        display(self, frame, opts)
    }

    /// RGB of one frame for previews, `[rows, columns, 3]`, 0..1 (greyscale via the display
    /// stage with default options, palette colour through its LUTs, YBR converted).
    pub fn rgb(&self, frame: u32) -> Result<Array3<f32>> {
        color::rgb(self, frame)
    }

    /// Luminance of one frame for the model, `[rows, columns]`, 0..1: the display stage for
    /// greyscale, Rec. 601 luma for colour.
    pub fn luminance(&self, frame: u32) -> Result<Array2<f32>> {
        let info = self.pixel_info()?;
        if info.is_monochrome() {
            let d = self.display(frame, &DisplayOptions::default())?;
            return Ok(d.index_axis_move(ndarray::Axis(2), 0));
        }
        let rgb = self.rgb(frame)?;
        Ok(Array2::from_shape_fn(
            (rgb.dim().0, rgb.dim().1),
            |(r, c)| 0.299 * rgb[(r, c, 0)] + 0.587 * rgb[(r, c, 1)] + 0.114 * rgb[(r, c, 2)],
        ))
    }
}

/// The display stage of one frame, 0..1.
fn display(img: &DicomImage, frame: u32, opts: &DisplayOptions) -> Result<Array3<f32>> {
    let info = img.pixel_info()?;
    if !info.is_monochrome() {
        return color::rgb(img, frame);
    }
    let m = img.modality(frame)?;
    let voi = resolve_voi(img, &info, frame, &opts.voi)?;
    let mut out: Array3<f32> = match voi {
        ResolvedVoi::Window(c, w, f) => m.mapv(|x| window(f64::from(x), c, w, f) as f32),
        ResolvedVoi::Lut(l) => {
            let max = l.max_value();
            m.mapv(|x| (l.apply(f64::from(x)) / max).clamp(0.0, 1.0) as f32)
        }
        ResolvedVoi::MinMax => {
            let (lo, hi) = m
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &x| {
                    (a.min(x), b.max(x))
                });
            let span = hi - lo;
            m.mapv(|x| if span > 0.0 { (x - lo) / span } else { 0.0 })
        }
    };
    if opts.presentation && inverts(img.dataset(), &info) {
        out.mapv_inplace(|y| 1.0 - y);
    }
    Ok(out)
}

/// Whether display output is inverted: MONOCHROME1, or Presentation LUT Shape INVERSE. In
/// DX the two always agree (C.8.11.1.1.1: INVERSE "shall be used" with MONOCHROME1), so
/// they are not applied twice.
fn inverts(obj: &Obj, info: &PixelInfo) -> bool {
    info.photometric_interpretation == "MONOCHROME1"
        || str_of(obj, tags::PRESENTATION_LUT_SHAPE).as_deref() == Some("INVERSE")
}
