//! What the outputs copy from a source image: its identifiers, its grid and geometry, and the
//! study and patient attributes (the latter used only when the caller asks).

use std::path::{Path, PathBuf};

use dicom_core::Tag;
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;

use crate::error::{Error, Result};

/// A screened image as the outputs reference it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SourceImage {
    /// The file (labels errors only; never written into the outputs).
    pub path: PathBuf,
    /// SOP Class UID.
    pub sop_class_uid: String,
    /// SOP Instance UID.
    pub sop_instance_uid: String,
    /// Study Instance UID.
    pub study_instance_uid: String,
    /// Series Instance UID.
    pub series_instance_uid: String,
    /// Frame of Reference UID, where the image has one (CT, MR; not most radiographs).
    pub frame_of_reference_uid: Option<String>,
    /// Rows of the image grid.
    pub rows: u16,
    /// Columns of the image grid.
    pub columns: u16,
    /// Number of Frames (1 for single-frame images).
    pub frames: u32,
    /// Pixel Spacing (row, column) in mm, where given.
    pub pixel_spacing: Option<[f64; 2]>,
    /// Slice Thickness in mm.
    pub slice_thickness: Option<f64>,
    /// Image Orientation (Patient).
    pub image_orientation: Option<[f64; 6]>,
    /// Image Position (Patient).
    pub image_position: Option<[f64; 3]>,
    /// Patient Orientation (radiographs), as written (`A\F`).
    pub patient_orientation: Option<String>,
    /// Modality of the source.
    pub modality: Option<String>,
    /// Study-level attributes.
    pub study: StudyAttributes,
}

/// Study and patient attributes copied into the outputs' patient and study modules.
///
/// `patient_name`, `patient_id`, `patient_birth_date`, `accession_number` and
/// `referring_physician` are written only when the caller keeps PHI (see
/// [`crate::Options::keep_phi`]); without it those type-2 attributes are written empty.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct StudyAttributes {
    /// Patient's Name (PHI).
    pub patient_name: Option<String>,
    /// Patient ID (PHI).
    pub patient_id: Option<String>,
    /// Issuer of Patient ID (PHI, travels with the ID).
    pub issuer_of_patient_id: Option<String>,
    /// Patient's Birth Date (PHI).
    pub patient_birth_date: Option<String>,
    /// Patient's Sex.
    pub patient_sex: Option<String>,
    /// Accession Number (PHI).
    pub accession_number: Option<String>,
    /// Referring Physician's Name (a person's name: PHI).
    pub referring_physician: Option<String>,
    /// Study ID (hospitals reuse it as a requisition number: PHI).
    pub study_id: Option<String>,
    /// Study Date.
    pub study_date: Option<String>,
    /// Study Time.
    pub study_time: Option<String>,
}

fn text(obj: &InMemDicomObject, tag: Tag) -> Option<String> {
    let s = obj.element(tag).ok()?.to_str().ok()?;
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    (!s.is_empty()).then(|| s.to_string())
}

fn floats<const N: usize>(obj: &InMemDicomObject, tag: Tag) -> Option<[f64; N]> {
    let v = obj.element(tag).ok()?.to_multi_float64().ok()?;
    (v.len() == N && v.iter().all(|x| x.is_finite())).then(|| {
        let mut out = [0.0; N];
        out.copy_from_slice(&v);
        out
    })
}

fn uint(obj: &InMemDicomObject, tag: Tag) -> Option<u32> {
    obj.element(tag).ok()?.to_int::<u32>().ok()
}

impl SourceImage {
    /// Reads what the outputs need from a file's header (pixel data is not read).
    ///
    /// # Errors
    /// The file cannot be parsed, or lacks a UID or the image grid.
    pub fn read(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let obj = radscreen_dicom::read_header(path)?;
        Self::from_header(path, &obj)
    }

    /// Builds the reference from a parsed data set; `path` labels errors.
    ///
    /// # Errors
    /// A missing UID or image grid.
    pub fn from_header(path: &Path, obj: &InMemDicomObject) -> Result<Self> {
        let need = |tag: Tag, what: &'static str| {
            text(obj, tag).ok_or_else(|| Error::MissingAttribute {
                path: path.to_path_buf(),
                what,
            })
        };
        let grid = |tag: Tag, what: &'static str| {
            uint(obj, tag)
                .and_then(|v| u16::try_from(v).ok())
                .filter(|&v| v > 0)
                .ok_or_else(|| Error::MissingAttribute {
                    path: path.to_path_buf(),
                    what,
                })
        };
        let study = StudyAttributes {
            patient_name: text(obj, tags::PATIENT_NAME),
            patient_id: text(obj, tags::PATIENT_ID),
            issuer_of_patient_id: text(obj, tags::ISSUER_OF_PATIENT_ID),
            patient_birth_date: text(obj, tags::PATIENT_BIRTH_DATE),
            patient_sex: text(obj, tags::PATIENT_SEX),
            accession_number: text(obj, tags::ACCESSION_NUMBER),
            referring_physician: text(obj, tags::REFERRING_PHYSICIAN_NAME),
            study_id: text(obj, tags::STUDY_ID),
            study_date: text(obj, tags::STUDY_DATE),
            study_time: text(obj, tags::STUDY_TIME),
        };
        Ok(SourceImage {
            path: path.to_path_buf(),
            sop_class_uid: need(tags::SOP_CLASS_UID, "SOPClassUID")?,
            sop_instance_uid: need(tags::SOP_INSTANCE_UID, "SOPInstanceUID")?,
            study_instance_uid: need(tags::STUDY_INSTANCE_UID, "StudyInstanceUID")?,
            series_instance_uid: need(tags::SERIES_INSTANCE_UID, "SeriesInstanceUID")?,
            frame_of_reference_uid: text(obj, tags::FRAME_OF_REFERENCE_UID),
            rows: grid(tags::ROWS, "Rows")?,
            columns: grid(tags::COLUMNS, "Columns")?,
            frames: uint(obj, tags::NUMBER_OF_FRAMES).unwrap_or(1).max(1),
            pixel_spacing: floats(obj, tags::PIXEL_SPACING),
            slice_thickness: floats::<1>(obj, tags::SLICE_THICKNESS).map(|v| v[0]),
            image_orientation: floats(obj, tags::IMAGE_ORIENTATION_PATIENT),
            image_position: floats(obj, tags::IMAGE_POSITION_PATIENT),
            patient_orientation: text(obj, tags::PATIENT_ORIENTATION),
            modality: text(obj, tags::MODALITY),
            study,
        })
    }

    /// Whether frames of this image can be placed in patient space (a SEG over several such
    /// images of one series shares their frame of reference).
    pub fn has_geometry(&self) -> bool {
        self.frames == 1
            && self.frame_of_reference_uid.is_some()
            && self.image_position.is_some()
            && self.image_orientation.is_some()
            && self.pixel_spacing.is_some()
            && self.slice_thickness.is_some()
    }
}
