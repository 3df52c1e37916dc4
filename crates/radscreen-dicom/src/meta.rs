//! The PHI-safe metadata record of one image.

use std::path::Path;

use dicom_dictionary_std::tags;
use serde::Serialize;

use crate::attrs::{Obj, float_of, floats_of, int_of, items_of, str_of};
use crate::open::FileObj;
use crate::spacing::{PhysicalSpacing, SpacingAttrs, physical_spacing};

/// Identifying attributes, present only when the caller asked (`keep_phi`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Phi {
    /// Patient's Name (0010,0010).
    pub patient_name: Option<String>,
    /// Patient ID (0010,0020).
    pub patient_id: Option<String>,
    /// Patient's Birth Date (0010,0030), as written (YYYYMMDD).
    pub patient_birth_date: Option<String>,
    /// Accession Number (0008,0050).
    pub accession_number: Option<String>,
    /// Institution Name (0008,0080).
    pub institution_name: Option<String>,
}

/// What radscreen reports about one image file. Holds no patient name, ID, birth date,
/// accession number or institution unless `phi` was requested.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImageMeta {
    /// The file, as given.
    pub path: String,
    /// Transfer syntax UID.
    pub transfer_syntax: String,
    /// The transfer syntax's name, in words.
    pub transfer_syntax_name: &'static str,
    /// SOP Class UID.
    pub sop_class_uid: Option<String>,
    /// SOP Instance UID.
    pub sop_instance_uid: Option<String>,
    /// Study Instance UID.
    pub study_instance_uid: Option<String>,
    /// Series Instance UID.
    pub series_instance_uid: Option<String>,
    /// Modality (e.g. `CT`, `MR`, `DX`).
    pub modality: Option<String>,
    /// Body Part Examined.
    pub body_part: Option<String>,
    /// Photometric Interpretation (e.g. `MONOCHROME2`).
    pub photometric_interpretation: Option<String>,
    /// Rows: image height in pixels.
    pub rows: Option<u32>,
    /// Columns: image width in pixels.
    pub columns: Option<u32>,
    /// Number of Frames (1 when absent).
    pub frames: u32,
    /// Samples per Pixel (1 for grey, 3 for colour).
    pub samples_per_pixel: Option<u16>,
    /// Bits Allocated per sample.
    pub bits_allocated: Option<u16>,
    /// Bits Stored per sample.
    pub bits_stored: Option<u16>,
    /// Pixel Representation: 0 unsigned, 1 two's complement.
    pub pixel_representation: Option<u16>,
    /// Row spacing, column spacing in mm (Pixel Spacing, else Imager Pixel Spacing, else the
    /// enhanced Pixel Measures functional group).
    pub pixel_spacing: Option<[f64; 2]>,
    /// The pixel's size at the patient in mm and which attributes gave it: on radiographs the
    /// detector's spacing corrected for magnification, or a calibrated Pixel Spacing
    /// ([`PhysicalSpacing`]); `None` when no usable spacing is given (absent, or zero).
    pub physical_spacing: Option<PhysicalSpacing>,
    /// Slice Thickness in mm (top level, else the Pixel Measures functional group).
    pub slice_thickness: Option<f64>,
    /// Image Position (Patient): x, y, z of the first pixel, in mm.
    pub image_position: Option<[f64; 3]>,
    /// Image Orientation (Patient): row then column direction cosines.
    pub image_orientation: Option<[f64; 6]>,
    /// Instance Number.
    pub instance_number: Option<i64>,
    /// Manufacturer.
    pub manufacturer: Option<String>,
    /// Manufacturer's Model Name.
    pub manufacturer_model: Option<String>,
    /// Patient's Sex (`M`, `F` or `O`).
    pub patient_sex: Option<String>,
    /// Patient Age as written (e.g. `045Y`).
    pub patient_age: Option<String>,
    /// Patient Age in years, parsed from D/W/M/Y units.
    pub patient_age_years: Option<f64>,
    /// Window Center values (top level, else the Frame VOI LUT functional group).
    pub window_center: Vec<f64>,
    /// Window Width values, paired with `window_center`.
    pub window_width: Vec<f64>,
    /// Rescale Slope (top level, else the Pixel Value Transformation group).
    pub rescale_slope: Option<f64>,
    /// Rescale Intercept (top level, else the Pixel Value Transformation group).
    pub rescale_intercept: Option<f64>,
    /// Whether the data set has Pixel Data (`None` when only metadata was read).
    pub has_pixel_data: Option<bool>,
    /// Identifying attributes; `None` unless asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phi: Option<Phi>,
}

/// The first item of an enhanced multi-frame functional group sequence, per-frame first.
pub(crate) fn functional_group(
    obj: &Obj,
    frame: Option<u32>,
    group: dicom_core::Tag,
) -> Option<&Obj> {
    let per_frame = frame.and_then(|f| {
        items_of(obj, tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE)
            .get(f as usize)
            .and_then(|item| items_of(item, group).first())
    });
    per_frame.or_else(|| {
        items_of(obj, tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE)
            .first()
            .and_then(|item| items_of(item, group).first())
    })
}

fn arr<const N: usize>(v: Option<Vec<f64>>) -> Option<[f64; N]> {
    v.and_then(|v| v.get(..N).and_then(|s| s.try_into().ok()))
}

/// Parses a DICOM Age String (`nnnD|W|M|Y`) into years.
pub fn parse_age_years(s: &str) -> Option<f64> {
    // By characters, not bytes: a corrupt value may end in a multi-byte character.
    let mut chars = s.trim().chars();
    let unit = chars.next_back()?;
    let n: f64 = chars.as_str().trim().parse().ok()?;
    let per_year = match unit.to_ascii_uppercase() {
        'D' => 365.25,
        'W' => 365.25 / 7.0,
        'M' => 12.0,
        'Y' => 1.0,
        _ => return None,
    };
    Some(n / per_year)
}

impl ImageMeta {
    pub(crate) fn from_obj(path: &Path, obj: &FileObj, keep_phi: bool) -> ImageMeta {
        let ts = obj
            .meta()
            .transfer_syntax()
            .trim_end_matches(['\0', ' '])
            .to_string();
        let fg = |g| functional_group(obj, Some(0), g);
        let modality = str_of(obj, tags::MODALITY);
        let calibration = str_of(obj, tags::PIXEL_SPACING_CALIBRATION_TYPE);
        let physical_spacing = physical_spacing(&SpacingAttrs {
            modality: modality.as_deref(),
            pixel: arr(floats_of(obj, tags::PIXEL_SPACING)),
            pixel_measures: fg(tags::PIXEL_MEASURES_SEQUENCE)
                .and_then(|i| arr(floats_of(i, tags::PIXEL_SPACING))),
            calibration: calibration.as_deref(),
            imager: arr(floats_of(obj, tags::IMAGER_PIXEL_SPACING)),
            magnification: float_of(obj, tags::ESTIMATED_RADIOGRAPHIC_MAGNIFICATION_FACTOR),
        });
        let pixel_spacing = arr(floats_of(obj, tags::PIXEL_SPACING))
            .or_else(|| arr(floats_of(obj, tags::IMAGER_PIXEL_SPACING)))
            .or_else(|| {
                fg(tags::PIXEL_MEASURES_SEQUENCE)
                    .and_then(|i| arr(floats_of(i, tags::PIXEL_SPACING)))
            });
        let slice_thickness = float_of(obj, tags::SLICE_THICKNESS).or_else(|| {
            fg(tags::PIXEL_MEASURES_SEQUENCE).and_then(|i| float_of(i, tags::SLICE_THICKNESS))
        });
        let image_position = arr(floats_of(obj, tags::IMAGE_POSITION_PATIENT)).or_else(|| {
            fg(tags::PLANE_POSITION_SEQUENCE)
                .and_then(|i| arr(floats_of(i, tags::IMAGE_POSITION_PATIENT)))
        });
        let image_orientation =
            arr(floats_of(obj, tags::IMAGE_ORIENTATION_PATIENT)).or_else(|| {
                fg(tags::PLANE_ORIENTATION_SEQUENCE)
                    .and_then(|i| arr(floats_of(i, tags::IMAGE_ORIENTATION_PATIENT)))
            });
        let pvt = fg(tags::PIXEL_VALUE_TRANSFORMATION_SEQUENCE);
        let voi = fg(tags::FRAME_VOILUT_SEQUENCE);
        let from = |o: Option<&Obj>, t| o.and_then(|o| floats_of(o, t));
        let patient_age = str_of(obj, tags::PATIENT_AGE);
        let phi = keep_phi.then(|| Phi {
            patient_name: str_of(obj, tags::PATIENT_NAME),
            patient_id: str_of(obj, tags::PATIENT_ID),
            patient_birth_date: str_of(obj, tags::PATIENT_BIRTH_DATE),
            accession_number: str_of(obj, tags::ACCESSION_NUMBER),
            institution_name: str_of(obj, tags::INSTITUTION_NAME),
        });
        ImageMeta {
            path: path.display().to_string(),
            transfer_syntax_name: crate::syntax::syntax_name(&ts),
            transfer_syntax: ts,
            sop_class_uid: str_of(obj, tags::SOP_CLASS_UID),
            sop_instance_uid: str_of(obj, tags::SOP_INSTANCE_UID),
            study_instance_uid: str_of(obj, tags::STUDY_INSTANCE_UID),
            series_instance_uid: str_of(obj, tags::SERIES_INSTANCE_UID),
            modality,
            body_part: str_of(obj, tags::BODY_PART_EXAMINED),
            photometric_interpretation: str_of(obj, tags::PHOTOMETRIC_INTERPRETATION),
            rows: int_of(obj, tags::ROWS),
            columns: int_of(obj, tags::COLUMNS),
            frames: int_of::<u32>(obj, tags::NUMBER_OF_FRAMES)
                .filter(|&n| n > 0)
                .unwrap_or(1),
            samples_per_pixel: int_of(obj, tags::SAMPLES_PER_PIXEL),
            bits_allocated: int_of(obj, tags::BITS_ALLOCATED),
            bits_stored: int_of(obj, tags::BITS_STORED),
            pixel_representation: int_of(obj, tags::PIXEL_REPRESENTATION),
            pixel_spacing,
            physical_spacing,
            slice_thickness,
            image_position,
            image_orientation,
            instance_number: int_of(obj, tags::INSTANCE_NUMBER),
            manufacturer: str_of(obj, tags::MANUFACTURER),
            manufacturer_model: str_of(obj, tags::MANUFACTURER_MODEL_NAME),
            patient_sex: str_of(obj, tags::PATIENT_SEX),
            patient_age_years: patient_age.as_deref().and_then(parse_age_years),
            patient_age,
            window_center: floats_of(obj, tags::WINDOW_CENTER)
                .or_else(|| from(voi, tags::WINDOW_CENTER))
                .unwrap_or_default(),
            window_width: floats_of(obj, tags::WINDOW_WIDTH)
                .or_else(|| from(voi, tags::WINDOW_WIDTH))
                .unwrap_or_default(),
            rescale_slope: float_of(obj, tags::RESCALE_SLOPE)
                .or_else(|| pvt.and_then(|o| float_of(o, tags::RESCALE_SLOPE))),
            rescale_intercept: float_of(obj, tags::RESCALE_INTERCEPT)
                .or_else(|| pvt.and_then(|o| float_of(o, tags::RESCALE_INTERCEPT))),
            has_pixel_data: Some(obj.get(tags::PIXEL_DATA).is_some()),
            phi,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ages_parse_and_odd_text_does_not_panic() {
        assert_eq!(super::parse_age_years("045Y"), Some(45.0));
        assert_eq!(super::parse_age_years("006M"), Some(0.5));
        assert_eq!(super::parse_age_years("ÿÿÿÿ"), None);
        assert_eq!(super::parse_age_years("4ÿ"), None);
        assert_eq!(super::parse_age_years(""), None);
    }
}
