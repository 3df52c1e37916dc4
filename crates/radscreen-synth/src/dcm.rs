//! DICOM writing with dicom-object: one image per file, the attributes each SOP class needs, and
//! the transfer syntaxes this crate can encode (native, deflated, RLE, JPEG-LS).

use std::path::Path;

use dicom_core::value::{DataSetSequence, PixelFragmentSequence};
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::{tags, uids};
use dicom_object::{FileMetaTableBuilder, InMemDicomObject};

use crate::error::{Error, Result};
use crate::options::{Modality, Syntax};
use crate::phi::{Patient, da};
use crate::rle;

/// Implementation Class UID and version name written in every file's meta group.
pub const IMPLEMENTATION_CLASS_UID: &str = "2.25.243618926413953488133640539453727391235";
pub const IMPLEMENTATION_VERSION: &str = "RADSCREEN_SYNTH1";

/// A VOI LUT: descriptor (first mapped value, output bits) and table.
#[derive(Clone, Debug)]
pub struct VoiLut {
    pub first: u16,
    pub bits: u16,
    pub data: Vec<u16>,
}

/// MR acquisition parameters.
#[derive(Clone, Copy, Debug)]
pub struct MrParams {
    pub tr_ms: f32,
    pub te_ms: f32,
    pub field_t: f32,
    pub t1: bool,
}

/// Everything written for one image besides its pixels.
#[derive(Clone, Debug)]
pub struct Header<'a> {
    pub modality: Modality,
    pub patient: &'a Patient,
    pub study_uid: String,
    pub series_uid: String,
    pub instance_uid: String,
    pub frame_of_reference_uid: String,
    pub series_number: u32,
    pub instance_number: u32,
    pub manufacturer: &'a str,
    pub model: &'a str,
    pub body_part: &'a str,
    pub series_description: String,
    pub rows: usize,
    pub cols: usize,
    pub spacing_mm: f32,
    /// Slice thickness and ImagePositionPatient (CT, MR).
    pub slice: Option<(f32, [f32; 3])>,
    pub bits_stored: u16,
    pub monochrome1: bool,
    pub slope: f32,
    pub intercept: f32,
    pub window: (f32, f32),
    pub voi_lut: Option<VoiLut>,
    pub mr: Option<MrParams>,
    pub kvp: f32,
    pub laterality: Option<&'static str>,
}

fn ds(v: f32) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" || s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

struct Obj(InMemDicomObject);

impl Obj {
    fn s(&mut self, tag: Tag, vr: VR, v: impl Into<String>) {
        self.0
            .put(DataElement::new(tag, vr, PrimitiveValue::from(v.into())));
    }
    fn us(&mut self, tag: Tag, v: u16) {
        self.0
            .put(DataElement::new(tag, VR::US, PrimitiveValue::from(v)));
    }
    fn empty(&mut self, tag: Tag, vr: VR) {
        self.0.put(DataElement::new(tag, vr, PrimitiveValue::Empty));
    }
}

/// Encodes one image as a complete DICOM file (preamble, meta group, data set).
pub fn encode(h: &Header<'_>, pixels: &[u16], syntax: Syntax, path: &Path) -> Result<Vec<u8>> {
    let dicom_err = |what: &'static str| {
        move |e: Box<dyn std::error::Error + Send + Sync>| Error::Dicom {
            path: path.to_path_buf(),
            what,
            source: e,
        }
    };
    let mut o = Obj(InMemDicomObject::new_empty());
    let sop_class = match h.modality {
        Modality::Ct => uids::CT_IMAGE_STORAGE,
        Modality::Mr => uids::MR_IMAGE_STORAGE,
        Modality::Dx => uids::DIGITAL_X_RAY_IMAGE_STORAGE_FOR_PRESENTATION,
        Modality::Cr => uids::COMPUTED_RADIOGRAPHY_IMAGE_STORAGE,
    };
    let p = h.patient;
    let date = da(p.study_day);
    let time = format!(
        "{:02}{:02}00",
        8 + (h.series_number * 7 + p.age) % 10,
        (p.age * 7) % 60
    );
    o.s(tags::SPECIFIC_CHARACTER_SET, VR::CS, "ISO_IR 192");
    let image_type = match h.modality {
        Modality::Ct => "ORIGINAL\\PRIMARY\\AXIAL",
        Modality::Mr => "ORIGINAL\\PRIMARY\\OTHER",
        _ => "ORIGINAL\\PRIMARY",
    };
    o.s(tags::IMAGE_TYPE, VR::CS, image_type);
    o.s(tags::SOP_CLASS_UID, VR::UI, sop_class);
    o.s(tags::SOP_INSTANCE_UID, VR::UI, h.instance_uid.clone());
    o.s(tags::STUDY_DATE, VR::DA, date.clone());
    o.s(tags::SERIES_DATE, VR::DA, date.clone());
    o.s(tags::CONTENT_DATE, VR::DA, date.clone());
    o.s(tags::STUDY_TIME, VR::TM, time.clone());
    o.s(tags::SERIES_TIME, VR::TM, time.clone());
    o.s(tags::CONTENT_TIME, VR::TM, time.clone());
    o.s(tags::ACCESSION_NUMBER, VR::SH, p.accession.clone());
    o.s(tags::MODALITY, VR::CS, h.modality.code());
    if h.modality == Modality::Dx {
        o.s(tags::PRESENTATION_INTENT_TYPE, VR::CS, "FOR PRESENTATION");
    }
    o.s(tags::MANUFACTURER, VR::LO, h.manufacturer);
    o.s(tags::INSTITUTION_NAME, VR::LO, p.institution);
    o.s(tags::REFERRING_PHYSICIAN_NAME, VR::PN, p.physician);
    o.s(
        tags::STUDY_DESCRIPTION,
        VR::LO,
        format!("{} {}", h.modality.code(), h.body_part),
    );
    o.s(
        tags::SERIES_DESCRIPTION,
        VR::LO,
        h.series_description.clone(),
    );
    o.s(tags::MANUFACTURER_MODEL_NAME, VR::LO, h.model);
    o.s(tags::PATIENT_NAME, VR::PN, p.name.clone());
    o.s(tags::PATIENT_ID, VR::LO, p.id.clone());
    o.s(tags::PATIENT_BIRTH_DATE, VR::DA, da(p.birth_day));
    o.s(tags::PATIENT_SEX, VR::CS, p.sex);
    o.s(tags::PATIENT_AGE, VR::AS, format!("{:03}Y", p.age.min(999)));
    o.s(tags::BODY_PART_EXAMINED, VR::CS, h.body_part);
    o.s(
        tags::DEVICE_SERIAL_NUMBER,
        VR::LO,
        format!("SN{:05}", (h.model.len() * 7919) % 100_000),
    );
    o.s(tags::SOFTWARE_VERSIONS, VR::LO, "radscreen-synth 0.1");
    match h.modality {
        Modality::Ct => {
            o.s(tags::KVP, VR::DS, ds(h.kvp));
            o.s(tags::CONVOLUTION_KERNEL, VR::SH, "STANDARD");
            o.s(tags::PATIENT_POSITION, VR::CS, "HFS");
        }
        Modality::Mr => {
            let m = h.mr.unwrap_or(MrParams {
                tr_ms: 500.0,
                te_ms: 15.0,
                field_t: 1.5,
                t1: true,
            });
            o.s(tags::SCANNING_SEQUENCE, VR::CS, "SE");
            o.s(tags::SEQUENCE_VARIANT, VR::CS, "NONE");
            o.s(tags::SCAN_OPTIONS, VR::CS, "");
            o.s(tags::MR_ACQUISITION_TYPE, VR::CS, "2D");
            o.s(tags::REPETITION_TIME, VR::DS, ds(m.tr_ms));
            o.s(tags::ECHO_TIME, VR::DS, ds(m.te_ms));
            o.s(
                tags::ECHO_TRAIN_LENGTH,
                VR::IS,
                if m.t1 { "1" } else { "8" },
            );
            o.s(tags::MAGNETIC_FIELD_STRENGTH, VR::DS, ds(m.field_t));
            o.s(tags::IMAGED_NUCLEUS, VR::SH, "1H");
            o.s(tags::PATIENT_POSITION, VR::CS, "HFS");
        }
        Modality::Dx | Modality::Cr => {
            o.s(tags::KVP, VR::DS, ds(h.kvp));
            o.s(tags::VIEW_POSITION, VR::CS, "PA");
            o.s(
                tags::IMAGER_PIXEL_SPACING,
                VR::DS,
                format!("{}\\{}", ds(h.spacing_mm), ds(h.spacing_mm)),
            );
            if h.modality == Modality::Dx {
                o.s(tags::DETECTOR_TYPE, VR::CS, "SCINTILLATOR");
            }
        }
    }
    o.s(tags::STUDY_INSTANCE_UID, VR::UI, h.study_uid.clone());
    o.s(tags::SERIES_INSTANCE_UID, VR::UI, h.series_uid.clone());
    o.s(
        tags::STUDY_ID,
        VR::SH,
        format!("{}", 1 + (p.study_day % 9000)),
    );
    o.s(tags::SERIES_NUMBER, VR::IS, h.series_number.to_string());
    o.s(tags::ACQUISITION_NUMBER, VR::IS, "1");
    o.s(tags::INSTANCE_NUMBER, VR::IS, h.instance_number.to_string());
    if let Some((thick, pos)) = h.slice {
        o.s(tags::SLICE_THICKNESS, VR::DS, ds(thick));
        o.s(
            tags::IMAGE_POSITION_PATIENT,
            VR::DS,
            format!("{}\\{}\\{}", ds(pos[0]), ds(pos[1]), ds(pos[2])),
        );
        o.s(tags::IMAGE_ORIENTATION_PATIENT, VR::DS, "1\\0\\0\\0\\1\\0");
        o.s(
            tags::FRAME_OF_REFERENCE_UID,
            VR::UI,
            h.frame_of_reference_uid.clone(),
        );
        o.empty(tags::POSITION_REFERENCE_INDICATOR, VR::LO);
        o.s(tags::SLICE_LOCATION, VR::DS, ds(pos[2]));
    } else {
        o.s(tags::PATIENT_ORIENTATION, VR::CS, "L\\F");
    }
    if let Some(l) = h.laterality {
        o.s(tags::IMAGE_LATERALITY, VR::CS, l);
    } else if matches!(
        h.body_part,
        "SHOULDER" | "LEG" | "KNEE" | "HAND" | "ARM" | "HIP"
    ) {
        // General Series Laterality is Type 2C for a paired part: present, empty when the side
        // is not known (a real background's side is not stated)
        o.empty(tags::LATERALITY, VR::CS);
    }
    o.us(tags::SAMPLES_PER_PIXEL, 1);
    o.s(
        tags::PHOTOMETRIC_INTERPRETATION,
        VR::CS,
        if h.monochrome1 {
            "MONOCHROME1"
        } else {
            "MONOCHROME2"
        },
    );
    o.us(tags::ROWS, h.rows as u16);
    o.us(tags::COLUMNS, h.cols as u16);
    if h.slice.is_some() {
        o.s(
            tags::PIXEL_SPACING,
            VR::DS,
            format!("{}\\{}", ds(h.spacing_mm), ds(h.spacing_mm)),
        );
    }
    o.us(tags::BITS_ALLOCATED, 16);
    o.us(tags::BITS_STORED, h.bits_stored);
    o.us(tags::HIGH_BIT, h.bits_stored - 1);
    o.us(tags::PIXEL_REPRESENTATION, 0);
    if matches!(h.modality, Modality::Dx | Modality::Cr) {
        o.s(tags::BURNED_IN_ANNOTATION, VR::CS, "NO");
    }
    if h.modality == Modality::Cr {
        o.s(tags::RESCALE_TYPE, VR::LO, "US");
    }
    if h.modality == Modality::Dx {
        o.s(tags::PIXEL_INTENSITY_RELATIONSHIP, VR::CS, "LOG");
        let sign: i16 = if h.monochrome1 { 1 } else { -1 };
        o.0.put(DataElement::new(
            tags::PIXEL_INTENSITY_RELATIONSHIP_SIGN,
            VR::SS,
            PrimitiveValue::from(sign),
        ));
        o.s(tags::RESCALE_TYPE, VR::LO, "US");
        o.s(
            tags::PRESENTATION_LUT_SHAPE,
            VR::CS,
            if h.monochrome1 { "INVERSE" } else { "IDENTITY" },
        );
        o.s(tags::LOSSY_IMAGE_COMPRESSION, VR::CS, "00");
        o.0.put(DataElement::new(
            tags::ACQUISITION_CONTEXT_SEQUENCE,
            VR::SQ,
            DataSetSequence::<InMemDicomObject>::empty(),
        ));
        let (code, meaning) = match h.body_part {
            "CHEST" => ("51185008", "Chest"),
            "HAND" => ("85562004", "Hand"),
            "SKULL" => ("89546000", "Skull"),
            "LEG" => ("30021000", "Lower leg"),
            _ => ("40983000", "Upper arm"),
        };
        let seq = |c, m| DataSetSequence::from(vec![code_item(c, m)]);
        o.0.put(DataElement::new(
            tags::ANATOMIC_REGION_SEQUENCE,
            VR::SQ,
            seq(code, meaning),
        ));
        o.0.put(DataElement::new(
            tags::VIEW_CODE_SEQUENCE,
            VR::SQ,
            seq("399348003", "postero-anterior"),
        ));
        o.empty(tags::POSITIONER_TYPE, VR::CS);
    }
    if h.modality != Modality::Mr {
        o.s(tags::RESCALE_INTERCEPT, VR::DS, ds(h.intercept));
        o.s(tags::RESCALE_SLOPE, VR::DS, ds(h.slope));
    }
    o.s(tags::WINDOW_CENTER, VR::DS, ds(h.window.0));
    o.s(tags::WINDOW_WIDTH, VR::DS, ds(h.window.1.max(1.0)));
    if let Some(l) = &h.voi_lut {
        let mut item = InMemDicomObject::new_empty();
        let n = l.data.len() as u16; // 0 means 65536 entries
        item.put(DataElement::new(
            tags::LUT_DESCRIPTOR,
            VR::US,
            PrimitiveValue::from([n, l.first, l.bits]),
        ));
        item.put(DataElement::new(
            tags::LUT_EXPLANATION,
            VR::LO,
            PrimitiveValue::from("SIGMOID SOFT"),
        ));
        item.put(DataElement::new(
            tags::LUT_DATA,
            VR::US,
            PrimitiveValue::U16(l.data.clone().into()),
        ));
        o.0.put(DataElement::new(
            tags::VOILUT_SEQUENCE,
            VR::SQ,
            DataSetSequence::from(vec![item]),
        ));
    }
    let bytes: Vec<u8> = pixels.iter().flat_map(|v| v.to_le_bytes()).collect();
    let ts = match syntax {
        Syntax::Mixed => Syntax::ExplicitLe,
        s => s,
    };
    match ts {
        Syntax::JpegLs => {
            let frag = jpeg_ls(h, pixels, path)?;
            o.0.put(DataElement::new(
                tags::PIXEL_DATA,
                VR::OB,
                PixelFragmentSequence::new(Vec::<u32>::new(), vec![frag]),
            ));
        }
        Syntax::Rle => {
            let frag = rle::encode_u16(pixels, h.rows, h.cols);
            o.0.put(DataElement::new(
                tags::PIXEL_DATA,
                VR::OB,
                PixelFragmentSequence::new(Vec::<u32>::new(), vec![frag]),
            ));
        }
        _ => {
            o.0.put(DataElement::new(
                tags::PIXEL_DATA,
                VR::OW,
                PrimitiveValue::U8(bytes.into()),
            ));
        }
    }
    let meta = FileMetaTableBuilder::new()
        .transfer_syntax(ts.uid())
        .implementation_class_uid(IMPLEMENTATION_CLASS_UID)
        .implementation_version_name(IMPLEMENTATION_VERSION);
    let file =
        o.0.with_meta(meta)
            .map_err(|e| dicom_err("meta group")(Box::new(e)))?;
    let mut out = Vec::with_capacity(pixels.len() * 2 + 4096);
    file.write_all(&mut out)
        .map_err(|e| dicom_err("write")(Box::new(e)))?;
    Ok(out)
}

/// A code sequence item (SNOMED CT).
fn code_item(value: &str, meaning: &str) -> InMemDicomObject {
    let mut item = InMemDicomObject::new_empty();
    item.put(DataElement::new(
        tags::CODE_VALUE,
        VR::SH,
        PrimitiveValue::from(value),
    ));
    item.put(DataElement::new(
        tags::CODING_SCHEME_DESIGNATOR,
        VR::SH,
        PrimitiveValue::from("SCT"),
    ));
    item.put(DataElement::new(
        tags::CODE_MEANING,
        VR::LO,
        PrimitiveValue::from(meaning),
    ));
    item
}

/// One frame as a JPEG-LS Lossless fragment, by radscreen-dicom's own encoder (even length, as
/// fragments must be).
fn jpeg_ls(h: &Header<'_>, pixels: &[u16], path: &Path) -> Result<Vec<u8>> {
    let bits = u8::try_from(h.bits_stored).unwrap_or(u8::MAX);
    let mut frag = radscreen_dicom::encode_jpegls_lossless(pixels, h.rows, h.cols, 1, bits)
        .map_err(|e| Error::Dicom {
            path: path.to_path_buf(),
            what: "JPEG-LS encoding",
            source: Box::new(e),
        })?;
    if frag.len() % 2 == 1 {
        frag.push(0);
    }
    Ok(frag)
}
