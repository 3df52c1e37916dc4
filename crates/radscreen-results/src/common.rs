//! The modules every object shares: SOP Common, Patient, General Study, the series and
//! equipment modules, and the file meta group.

use dicom_core::VR;
use dicom_dictionary_std::tags;
use dicom_object::FileMetaTableBuilder;

use crate::ds::Ds;
use crate::error::{Error, Result};
use crate::{DicomFile, ImageResult, Options, Producer, uid};

/// Implementation Class UID of radscreen's DICOM writers (a fixed UUID-derived UID).
pub const IMPLEMENTATION_CLASS_UID: &str = "2.25.258347107342712093563306734373478410867";
/// Implementation Version Name.
pub const IMPLEMENTATION_VERSION: &str = "RADSCREEN_RES1";

/// What differs between the objects in the shared modules.
pub(crate) struct Kind {
    pub sop_class: &'static str,
    pub modality: &'static str,
    pub series_number: u32,
    pub series_description: &'static str,
}

/// Checks that `images` are one study and returns its UID.
pub(crate) fn one_study(images: &[ImageResult]) -> Result<&str> {
    let first = images
        .first()
        .ok_or_else(|| Error::Invalid("no images in the study".into()))?;
    let uid = first.source.study_instance_uid.as_str();
    if let Some(other) = images.iter().find(|i| i.source.study_instance_uid != uid) {
        return Err(Error::Invalid(format!(
            "{} and {} belong to different studies: write one object per study",
            first.source.path.display(),
            other.source.path.display()
        )));
    }
    for im in images {
        if im.frame >= im.source.frames {
            return Err(Error::Invalid(format!(
                "{}: frame {} of an image with {} frame(s)",
                im.source.path.display(),
                im.frame,
                im.source.frames
            )));
        }
        if im.findings.len() != first.findings.len()
            || im
                .findings
                .iter()
                .zip(&first.findings)
                .any(|(a, b)| a.finding != b.finding)
        {
            return Err(Error::Invalid(format!(
                "{}: findings differ from {}'s: one model's results per study",
                im.source.path.display(),
                first.source.path.display()
            )));
        }
    }
    Ok(uid)
}

/// The shared modules, with a new SOP Instance UID and Series Instance UID; returns the data
/// set and its SOP Instance UID.
pub(crate) fn shared(
    images: &[ImageResult],
    kind: &Kind,
    producer: &Producer,
    options: &Options,
) -> Result<(Ds, String)> {
    let study_uid = one_study(images)?;
    let st = &images[0].source.study;
    let phi = |v: &Option<String>| if options.keep_phi { v.clone() } else { None };
    let (date, time) = radscreen_dicom::date::now_utc();
    let sop_uid = uid::new_uid();
    let mut d = Ds::new();
    d.s(tags::SPECIFIC_CHARACTER_SET, VR::CS, "ISO_IR 192")
        .s(tags::INSTANCE_CREATION_DATE, VR::DA, date.as_str())
        .s(tags::INSTANCE_CREATION_TIME, VR::TM, time.as_str())
        .s(tags::SOP_CLASS_UID, VR::UI, kind.sop_class)
        .s(tags::SOP_INSTANCE_UID, VR::UI, sop_uid.as_str())
        .opt(tags::STUDY_DATE, VR::DA, st.study_date.as_deref())
        .s(tags::CONTENT_DATE, VR::DA, date.as_str())
        .opt(tags::STUDY_TIME, VR::TM, st.study_time.as_deref())
        .s(tags::CONTENT_TIME, VR::TM, time.as_str())
        .opt(
            tags::ACCESSION_NUMBER,
            VR::SH,
            phi(&st.accession_number).as_deref(),
        )
        .s(tags::MODALITY, VR::CS, kind.modality)
        .s(tags::MANUFACTURER, VR::LO, "radscreen")
        .opt(
            tags::REFERRING_PHYSICIAN_NAME,
            VR::PN,
            phi(&st.referring_physician).as_deref(),
        )
        .s(tags::SERIES_DESCRIPTION, VR::LO, kind.series_description)
        .s(
            tags::MANUFACTURER_MODEL_NAME,
            VR::LO,
            producer.model_id.as_str(),
        )
        .opt(tags::PATIENT_NAME, VR::PN, phi(&st.patient_name).as_deref())
        .opt(tags::PATIENT_ID, VR::LO, phi(&st.patient_id).as_deref());
    if let Some(issuer) = phi(&st.issuer_of_patient_id) {
        d.s(tags::ISSUER_OF_PATIENT_ID, VR::LO, issuer);
    }
    d.opt(
        tags::PATIENT_BIRTH_DATE,
        VR::DA,
        phi(&st.patient_birth_date).as_deref(),
    )
    .opt(tags::PATIENT_SEX, VR::CS, st.patient_sex.as_deref())
    .s(tags::DEVICE_SERIAL_NUMBER, VR::LO, short_sha(producer))
    .s(
        tags::SOFTWARE_VERSIONS,
        VR::LO,
        format!("radscreen {}", producer.software_version),
    )
    .s(tags::STUDY_INSTANCE_UID, VR::UI, study_uid)
    .s(tags::SERIES_INSTANCE_UID, VR::UI, uid::new_uid())
    .opt(tags::STUDY_ID, VR::SH, phi(&st.study_id).as_deref())
    .s(tags::SERIES_NUMBER, VR::IS, kind.series_number.to_string())
    .s(tags::INSTANCE_NUMBER, VR::IS, "1");
    Ok((d, sop_uid))
}

/// The model digest's first 16 hex digits: the SEG's Device Serial Number (type 1 there).
fn short_sha(p: &Producer) -> String {
    let s: String = p.model_sha256.chars().take(16).collect();
    if s.is_empty() { "unknown".into() } else { s }
}

/// Adds the file meta group.
pub(crate) fn finish(d: Ds, sop_class: &str, sop_uid: &str) -> Result<DicomFile> {
    let meta = FileMetaTableBuilder::new()
        .transfer_syntax(dicom_dictionary_std::uids::EXPLICIT_VR_LITTLE_ENDIAN)
        .media_storage_sop_class_uid(sop_class)
        .media_storage_sop_instance_uid(sop_uid)
        .implementation_class_uid(IMPLEMENTATION_CLASS_UID)
        .implementation_version_name(IMPLEMENTATION_VERSION);
    d.0.with_meta(meta).map_err(|e| Error::Encode {
        what: "file meta group".into(),
        reason: e.to_string(),
    })
}

/// The words of [`crate::NOT_FOR_CLINICAL_USE`], cut to an LO's 64 characters where an LO carries them.
pub(crate) fn disclaimer_lo() -> &'static str {
    "NOT FOR CLINICAL USE - radscreen research software"
}
