//! The **modality** and **display** stages (PS3.3 C.11, PS3.4 N.2): Modality LUT or Rescale,
//! then VOI (windows or VOI LUT), then Presentation LUT Shape / MONOCHROME1 inversion.

use std::path::Path;

use dicom_core::Tag;
use dicom_core::value::{PrimitiveValue, Value};
use dicom_dictionary_std::tags;

use crate::attrs::{Obj, floats_of, items_of, str_of};
use crate::image::DicomImage;
use crate::meta::functional_group;
use crate::pixel::PixelInfo;
use crate::{Error, Result};

/// A lookup table (Modality, VOI or palette): `y = data[clamp(x - first, 0, len - 1)]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lut {
    /// First stored value mapped.
    pub first: i64,
    /// Bits per entry (from the descriptor).
    pub bits: u16,
    /// The entries.
    pub data: Vec<u16>,
}

impl Lut {
    /// Maps one value.
    pub fn apply(&self, x: f64) -> f64 {
        let i = (x.floor() as i64 - self.first).clamp(0, self.data.len() as i64 - 1);
        f64::from(self.data[i as usize])
    }

    /// Largest value the descriptor allows.
    pub fn max_value(&self) -> f64 {
        ((1u64 << self.bits.min(32)) - 1) as f64
    }

    /// Reads a LUT from its descriptor and data attributes; `signed` says whether the first
    /// mapped value is two's complement (Pixel Representation 1).
    pub(crate) fn parse(path: &Path, obj: &Obj, desc: Tag, data: Tag, signed: bool) -> Result<Lut> {
        let invalid = |reason: String| Error::InvalidAttribute {
            path: path.to_path_buf(),
            name: "LUT",
            reason,
        };
        let d = obj
            .get(desc)
            .and_then(|e| e.to_multi_int::<i64>().ok())
            .filter(|d| d.len() == 3)
            .ok_or_else(|| invalid(format!("descriptor {desc} missing or not 3 values")))?;
        // 0 entries means 65536 (PS3.3 C.11.1.1.1).
        let entries = if d[0] == 0 { 65536 } else { d[0] as usize };
        let first = if signed && (32768..65536).contains(&d[1]) {
            d[1] - 65536
        } else {
            d[1]
        };
        let bits = u16::try_from(d[2]).ok().filter(|b| (1..=16).contains(b));
        let bits = bits.ok_or_else(|| invalid(format!("{} bits per entry", d[2])))?;
        let elem = obj
            .get(data)
            .ok_or_else(|| invalid(format!("data {data} missing")))?;
        let Value::Primitive(p) = elem.value() else {
            return Err(invalid(format!("data {data} is not a value")));
        };
        let mut values: Vec<u16> = match p {
            PrimitiveValue::U16(v) => v.to_vec(),
            PrimitiveValue::I16(v) => v.iter().map(|&x| x as u16).collect(),
            PrimitiveValue::U8(v) if bits <= 8 => v.iter().map(|&x| u16::from(x)).collect(),
            PrimitiveValue::U8(v) => v
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect(),
            other => other
                .to_multi_int::<i64>()
                .map_err(|e| invalid(e.to_string()))?
                .into_iter()
                .map(|x| x as u16)
                .collect(),
        };
        // 8-bit entries packed two per 16-bit word (seen in OW-encoded 8-bit LUTs).
        if bits <= 8 && values.len() * 2 == entries.max(2) && values.len() != entries {
            values = values
                .iter()
                .flat_map(|w| w.to_le_bytes())
                .map(u16::from)
                .collect();
        }
        if values.is_empty() {
            return Err(invalid("no entries".into()));
        }
        values.truncate(entries);
        Ok(Lut {
            first,
            bits,
            data: values,
        })
    }
}

/// The Modality LUT stage for one frame.
#[derive(Debug, Clone, PartialEq)]
pub enum ModalityTransform {
    /// Stored values are already meaningful.
    Identity,
    /// `slope * x + intercept` (Hounsfield units for CT).
    Rescale {
        /// Rescale Slope.
        slope: f64,
        /// Rescale Intercept.
        intercept: f64,
    },
    /// A Modality LUT Sequence.
    Lut(Lut),
}

/// The items of a Modality or VOI LUT Sequence that hold a LUT: an item whose LUT Descriptor and
/// LUT Data are both empty says nothing and is passed over, as viewers do (LEADTOOLS wrote such
/// items into both sequences of an 8-bit JPEG sample; the image itself is fine).
fn lut_items(obj: &Obj, tag: Tag) -> Vec<&Obj> {
    let empty = |item: &Obj, t: Tag| item.get(t).is_none_or(|e| e.value().multiplicity() == 0);
    items_of(obj, tag)
        .iter()
        .filter(|item| !(empty(item, tags::LUT_DESCRIPTOR) && empty(item, tags::LUT_DATA)))
        .collect()
}

impl ModalityTransform {
    /// The transform for `frame`: Modality LUT Sequence first, then rescale from the per-frame
    /// or shared Pixel Value Transformation functional group, then the top-level attributes.
    pub fn for_frame(img: &DicomImage, info: &PixelInfo, frame: u32) -> Result<Self> {
        let obj = img.dataset();
        if let Some(item) = lut_items(obj, tags::MODALITY_LUT_SEQUENCE).first() {
            let lut = Lut::parse(
                img.path(),
                item,
                tags::LUT_DESCRIPTOR,
                tags::LUT_DATA,
                info.pixel_representation == 1,
            )?;
            return Ok(ModalityTransform::Lut(lut));
        }
        let sources = [
            functional_group(obj, Some(frame), tags::PIXEL_VALUE_TRANSFORMATION_SEQUENCE),
            Some(obj),
        ];
        for o in sources.into_iter().flatten() {
            let slope = floats_of(o, tags::RESCALE_SLOPE).map(|v| v[0]);
            let intercept = floats_of(o, tags::RESCALE_INTERCEPT).map(|v| v[0]);
            if slope.is_some() || intercept.is_some() {
                return Ok(ModalityTransform::Rescale {
                    slope: slope.unwrap_or(1.0),
                    intercept: intercept.unwrap_or(0.0),
                });
            }
        }
        Ok(ModalityTransform::Identity)
    }

    /// Maps one stored value.
    pub fn apply(&self, x: f64) -> f64 {
        match self {
            ModalityTransform::Identity => x,
            ModalityTransform::Rescale { slope, intercept } => x * slope + intercept,
            ModalityTransform::Lut(l) => l.apply(x),
        }
    }
}

/// VOI LUT Function (0028,1056).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum VoiFunction {
    /// The standard's LINEAR, with its `c - 0.5` and `(w - 1) / 2` (PS3.3 C.11.2.1.2.1).
    #[default]
    Linear,
    /// LINEAR_EXACT (C.11.2.1.3.2).
    LinearExact,
    /// SIGMOID (C.11.2.1.3.1).
    Sigmoid,
}

/// Which VOI transform the display stage applies.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum Voi {
    /// The first VOI LUT Sequence item if there is one (as pydicom prefers), else the first
    /// window, else the frame's minimum..maximum.
    #[default]
    Auto,
    /// The n-th (0-based) Window Center/Width pair in the file.
    Window(usize),
    /// The n-th (0-based) VOI LUT Sequence item.
    Lut(usize),
    /// A window given by the caller.
    Explicit {
        /// Window Center, in modality units.
        center: f64,
        /// Window Width, in modality units.
        width: f64,
        /// The VOI LUT Function.
        function: VoiFunction,
    },
    /// Linear from the frame's minimum to maximum.
    MinMax,
}

/// Options of the display stage.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DisplayOptions {
    /// The VOI transform.
    pub voi: Voi,
    /// Apply Presentation LUT Shape / MONOCHROME1 inversion (on by default).
    pub presentation: bool,
}

impl Default for DisplayOptions {
    fn default() -> Self {
        DisplayOptions {
            voi: Voi::Auto,
            presentation: true,
        }
    }
}

impl DisplayOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the VOI transform.
    pub fn with_voi(mut self, voi: Voi) -> Self {
        self.voi = voi;
        self
    }
    /// Turns the Presentation LUT / MONOCHROME1 inversion on or off.
    pub fn with_presentation(mut self, on: bool) -> Self {
        self.presentation = on;
        self
    }
}

/// A window applied to 0..1 output.
pub fn window(x: f64, center: f64, width: f64, function: VoiFunction) -> f64 {
    match function {
        VoiFunction::Linear => {
            let lo = center - 0.5 - (width - 1.0) / 2.0;
            let hi = center - 0.5 + (width - 1.0) / 2.0;
            if x <= lo {
                0.0
            } else if x > hi {
                1.0
            } else {
                (x - (center - 0.5)) / (width - 1.0) + 0.5
            }
        }
        VoiFunction::LinearExact => {
            if x <= center - width / 2.0 {
                0.0
            } else if x > center + width / 2.0 {
                1.0
            } else {
                (x - center) / width + 0.5
            }
        }
        VoiFunction::Sigmoid => 1.0 / (1.0 + (-4.0 * (x - center) / width).exp()),
    }
}

fn voi_function(s: Option<String>) -> VoiFunction {
    match s.as_deref() {
        Some("LINEAR_EXACT") => VoiFunction::LinearExact,
        Some("SIGMOID") => VoiFunction::Sigmoid,
        _ => VoiFunction::Linear,
    }
}

pub(crate) enum ResolvedVoi {
    Window(f64, f64, VoiFunction),
    Lut(Lut),
    MinMax,
}

pub(crate) fn resolve_voi(
    img: &DicomImage,
    info: &PixelInfo,
    frame: u32,
    voi: &Voi,
) -> Result<ResolvedVoi> {
    let obj = img.dataset();
    let path = img.path();
    let luts = lut_items(obj, tags::VOILUT_SEQUENCE);
    // Windows live at the top level or in the (per-frame or shared) Frame VOI LUT group.
    let fg = functional_group(obj, Some(frame), tags::FRAME_VOILUT_SEQUENCE);
    let src = if obj.get(tags::WINDOW_CENTER).is_some() {
        Some(obj)
    } else {
        fg
    };
    let windows: Vec<(f64, f64)> = src
        .and_then(|o| {
            Some((
                floats_of(o, tags::WINDOW_CENTER)?,
                floats_of(o, tags::WINDOW_WIDTH)?,
            ))
        })
        .map(|(c, w)| c.into_iter().zip(w).collect())
        .unwrap_or_default();
    let function = voi_function(src.and_then(|o| str_of(o, tags::VOILUT_FUNCTION)));
    // The VOI LUT's first mapped value is SS where the modality output can be negative.
    let signed = info.pixel_representation == 1
        || floats_of(obj, tags::RESCALE_INTERCEPT).is_some_and(|v| v[0] < 0.0);
    let lut = |i: usize| -> Result<ResolvedVoi> {
        let item = luts.get(i).ok_or_else(|| Error::InvalidAttribute {
            path: path.to_path_buf(),
            name: "VOILUTSequence",
            reason: format!("no item {i} (the file has {})", luts.len()),
        })?;
        Ok(ResolvedVoi::Lut(Lut::parse(
            path,
            item,
            tags::LUT_DESCRIPTOR,
            tags::LUT_DATA,
            signed,
        )?))
    };
    let win = |i: usize, c: f64, w: f64, f: VoiFunction| -> Result<ResolvedVoi> {
        let ok = match f {
            VoiFunction::Linear => w >= 1.0,
            _ => w > 0.0,
        };
        if !ok || !c.is_finite() || !w.is_finite() {
            return Err(Error::InvalidAttribute {
                path: path.to_path_buf(),
                name: "WindowWidth",
                reason: format!("window {i}: width {w} is not allowed for {f:?}"),
            });
        }
        Ok(ResolvedVoi::Window(c, w, f))
    };
    match voi {
        Voi::Auto if !luts.is_empty() => lut(0),
        Voi::Auto => match windows.first() {
            Some(&(c, w)) => win(0, c, w, function),
            None => Ok(ResolvedVoi::MinMax),
        },
        Voi::Lut(i) => lut(*i),
        Voi::Window(i) => {
            let &(c, w) = windows.get(*i).ok_or_else(|| Error::InvalidAttribute {
                path: path.to_path_buf(),
                name: "WindowCenter",
                reason: format!("no window {i} (the file has {})", windows.len()),
            })?;
            win(*i, c, w, function)
        }
        Voi::Explicit {
            center,
            width,
            function,
        } => win(0, *center, *width, *function),
        Voi::MinMax => Ok(ResolvedVoi::MinMax),
    }
}

#[cfg(test)]
mod tests {
    use super::{VoiFunction, window};

    #[test]
    fn linear_follows_the_standard() {
        // c = 50, w = 100: 0 below c - 0.5 - 49.5 = 0, 1 above c - 0.5 + 49.5 = 99.
        let f = |x| window(x, 50.0, 100.0, VoiFunction::Linear);
        assert_eq!(f(0.0), 0.0);
        assert_eq!(f(99.5), 1.0);
        assert_eq!(f(49.5), 0.5);
        assert!((f(60.0) - (10.5 / 99.0 + 0.5)).abs() < 1e-12);
        // Width 1 is a threshold at c - 0.5.
        assert_eq!(window(9.5, 10.0, 1.0, VoiFunction::Linear), 0.0);
        assert_eq!(window(9.6, 10.0, 1.0, VoiFunction::Linear), 1.0);
    }

    #[test]
    fn linear_exact_and_sigmoid() {
        let f = |x| window(x, 0.0, 10.0, VoiFunction::LinearExact);
        assert_eq!(f(-5.0), 0.0);
        assert_eq!(f(0.0), 0.5);
        assert_eq!(f(5.0), 1.0);
        assert_eq!(f(2.5), 0.75);
        let g = |x| window(x, 0.0, 10.0, VoiFunction::Sigmoid);
        assert_eq!(g(0.0), 0.5);
        assert!((g(10.0) - 1.0 / (1.0 + (-4.0f64).exp())).abs() < 1e-12);
        assert!(g(-3.0) < g(-2.0) && g(2.0) < g(3.0));
    }
}
