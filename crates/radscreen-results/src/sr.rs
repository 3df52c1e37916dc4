//! The Comprehensive 3D SR: TID 1500 Measurement Report with one measurement group per image
//! and finding (TID 1410 with the located region where the finding is flagged and located,
//! TID 1501 with the source image otherwise).

use std::collections::BTreeMap;

use dicom_core::VR;
use dicom_dictionary_std::{tags, uids};

use crate::codes::{self, Code, dcm, sct};
use crate::common::{Kind, finish, shared};
use crate::ds::Ds;
use crate::error::Result;
use crate::{
    DicomFile, FindingResult, ImageResult, NOT_FOR_CLINICAL_USE, Options, Producer, SourceImage,
    uid,
};

/// Series Number of radscreen's SR series.
pub const SR_SERIES_NUMBER: u32 = 9901;

fn item(rel: &str, value_type: &str, name: &Code) -> Ds {
    let mut d = Ds::new();
    d.s(tags::RELATIONSHIP_TYPE, VR::CS, rel)
        .s(tags::VALUE_TYPE, VR::CS, value_type)
        .code(tags::CONCEPT_NAME_CODE_SEQUENCE, name);
    d
}

fn text(rel: &str, name: &Code, value: &str) -> Ds {
    let mut d = item(rel, "TEXT", name);
    d.s(tags::TEXT_VALUE, VR::UT, value);
    d
}

fn code(rel: &str, name: &Code, value: &Code) -> Ds {
    let mut d = item(rel, "CODE", name);
    d.code(tags::CONCEPT_CODE_SEQUENCE, value);
    d
}

fn uidref(rel: &str, name: &Code, value: &str) -> Ds {
    let mut d = item(rel, "UIDREF", name);
    d.s(tags::UID, VR::UI, value);
    d
}

fn container(rel: Option<&str>, name: &Code, template: Option<&str>, children: Vec<Ds>) -> Ds {
    let mut d = Ds::new();
    if let Some(rel) = rel {
        d.s(tags::RELATIONSHIP_TYPE, VR::CS, rel);
    }
    d.s(tags::VALUE_TYPE, VR::CS, "CONTAINER")
        .code(tags::CONCEPT_NAME_CODE_SEQUENCE, name)
        .s(tags::CONTINUITY_OF_CONTENT, VR::CS, "CONTINUOUS");
    if let Some(t) = template {
        d.seq(tags::CONTENT_TEMPLATE_SEQUENCE, vec![template_item(t)]);
    }
    d.seq(tags::CONTENT_SEQUENCE, children);
    d
}

fn template_item(id: &str) -> Ds {
    let mut t = Ds::new();
    t.s(tags::MAPPING_RESOURCE, VR::CS, "DCMR")
        .s(tags::TEMPLATE_IDENTIFIER, VR::CS, id);
    t
}

/// A reference to the whole instance `src` (class and instance UID).
pub(crate) fn instance_ref(src: &SourceImage) -> Ds {
    let mut r = Ds::new();
    r.s(
        tags::REFERENCED_SOP_CLASS_UID,
        VR::UI,
        src.sop_class_uid.as_str(),
    )
    .s(
        tags::REFERENCED_SOP_INSTANCE_UID,
        VR::UI,
        src.sop_instance_uid.as_str(),
    );
    r
}

/// A Referenced SOP Sequence item for one frame of `src`.
pub(crate) fn sop_ref(src: &SourceImage, frame: u32) -> Ds {
    let mut r = instance_ref(src);
    if src.frames > 1 {
        r.s(
            tags::REFERENCED_FRAME_NUMBER,
            VR::IS,
            (frame + 1).to_string(),
        );
    }
    r
}

fn image(rel: &str, name: &Code, src: &SourceImage, frame: u32) -> Ds {
    let mut d = item(rel, "IMAGE", name);
    d.seq(tags::REFERENCED_SOP_SEQUENCE, vec![sop_ref(src, frame)]);
    d
}

fn probability(f: &FindingResult, producer: &Producer) -> Ds {
    let (name, unit) = codes::probability();
    let mut d = item("CONTAINS", "NUM", &name);
    let mut mv = Ds::new();
    mv.code(tags::MEASUREMENT_UNITS_CODE_SEQUENCE, &unit)
        .fd(tags::FLOATING_POINT_VALUE, f.probability)
        .s(tags::NUMERIC_VALUE, VR::DS, crate::ds::ds(f.probability));
    d.seq(tags::MEASURED_VALUE_SEQUENCE, vec![mv]);
    // TID 4019 Algorithm Identification: which model, and the backend and threshold it ran at.
    let params = [
        format!("backend={}", producer.backend),
        format!("threshold={}", crate::ds::ds(f.threshold)),
    ];
    let mut children = vec![
        text(
            "HAS CONCEPT MOD",
            &dcm("111001", "Algorithm Name"),
            &format!("radscreen {}", producer.model_id),
        ),
        text(
            "HAS CONCEPT MOD",
            &dcm("111003", "Algorithm Version"),
            &producer.model_sha256,
        ),
    ];
    for p in params {
        children.push(text(
            "HAS CONCEPT MOD",
            &dcm("111002", "Algorithm Parameters"),
            &p,
        ));
    }
    d.seq(tags::CONTENT_SEQUENCE, children);
    d
}

/// One measurement group: the finding on one image.
fn group(im: &ImageResult, f: &FindingResult, n: usize, producer: &Producer) -> Ds {
    let finding = codes::finding(&f.finding);
    let mut children = vec![
        text(
            "HAS OBS CONTEXT",
            &dcm("112039", "Tracking Identifier"),
            &format!("{} {n}", f.finding),
        ),
        uidref(
            "HAS OBS CONTEXT",
            &dcm("112040", "Tracking Unique Identifier"),
            &uid::new_uid(),
        ),
        code("CONTAINS", &dcm("121071", "Finding"), &finding),
        probability(f, producer),
        code("CONTAINS", &finding, &codes::presence(f.flagged)),
    ];
    let located = f.regions.first().filter(|_| f.flagged);
    let template = if let Some(r) = located {
        // SCOORD CIRCLE: centre, then a point on the circle; DICOM image coordinates count from
        // the top-left corner of the first pixel, radscreen's from its centre.
        let (x, y) = (r.col + 0.5, r.row + 0.5);
        let mut sc = item("CONTAINS", "SCOORD", &dcm("111030", "Image Region"));
        sc.s(tags::GRAPHIC_TYPE, VR::CS, "CIRCLE").fl(
            tags::GRAPHIC_DATA,
            &[x as f32, y as f32, (x + r.radius.max(0.5)) as f32, y as f32],
        );
        sc.seq(
            tags::CONTENT_SEQUENCE,
            vec![image(
                "SELECTED FROM",
                &sct("260753009", "Source"),
                &im.source,
                im.frame,
            )],
        );
        children.push(sc);
        "1410"
    } else {
        children.push(image(
            "CONTAINS",
            &dcm("121112", "Source of Measurement"),
            &im.source,
            im.frame,
        ));
        "1501"
    };
    container(
        Some("CONTAINS"),
        &dcm("125007", "Measurement Group"),
        Some(template),
        children,
    )
}

/// The evidence: every referenced instance, by series.
fn evidence(study_uid: &str, images: &[ImageResult]) -> Ds {
    let mut series: BTreeMap<&str, Vec<&SourceImage>> = BTreeMap::new();
    for im in images {
        let v = series.entry(&im.source.series_instance_uid).or_default();
        if !v
            .iter()
            .any(|s| s.sop_instance_uid == im.source.sop_instance_uid)
        {
            v.push(&im.source);
        }
    }
    let items = series
        .into_iter()
        .map(|(uid, srcs)| {
            let mut s = Ds::new();
            let refs = srcs.iter().map(|src| instance_ref(src)).collect();
            s.seq(tags::REFERENCED_SOP_SEQUENCE, refs)
                .s(tags::SERIES_INSTANCE_UID, VR::UI, uid);
            s
        })
        .collect();
    let mut st = Ds::new();
    st.seq(tags::REFERENCED_SERIES_SEQUENCE, items)
        .s(tags::STUDY_INSTANCE_UID, VR::UI, study_uid);
    st
}

/// The study's SR: a Comprehensive 3D SR holding a TID 1500 Measurement Report.
///
/// # Errors
/// `images` empty, from more than one study, or with different findings.
pub fn study_sr(
    images: &[ImageResult],
    producer: &Producer,
    options: &Options,
) -> Result<DicomFile> {
    let kind = Kind {
        sop_class: uids::COMPREHENSIVE3_DSR_STORAGE,
        modality: "SR",
        series_number: SR_SERIES_NUMBER,
        series_description: "radscreen findings (SR) - not for clinical use",
    };
    let (mut d, sop_uid) = shared(images, &kind, producer, options)?;
    let study_uid = images[0].source.study_instance_uid.clone();
    let mut groups = Vec::new();
    for (n, im) in images.iter().enumerate() {
        for f in &im.findings {
            groups.push(group(im, f, n + 1, producer));
        }
    }
    let lang = code(
        "HAS CONCEPT MOD",
        &dcm("121049", "Language of Content Item and Descendants"),
        &Code::new("en-US", "RFC5646", "English (United States)"),
    );
    let content = vec![
        lang,
        code(
            "HAS OBS CONTEXT",
            &dcm("121005", "Observer Type"),
            &dcm("121007", "Device"),
        ),
        uidref(
            "HAS OBS CONTEXT",
            &dcm("121012", "Device Observer UID"),
            &producer.device_uid(),
        ),
        text(
            "HAS OBS CONTEXT",
            &dcm("121013", "Device Observer Name"),
            "radscreen",
        ),
        text(
            "HAS OBS CONTEXT",
            &dcm("121014", "Device Observer Manufacturer"),
            "radscreen",
        ),
        text(
            "HAS OBS CONTEXT",
            &dcm("121015", "Device Observer Model Name"),
            &producer.model_id,
        ),
        code(
            "HAS CONCEPT MOD",
            &dcm("121058", "Procedure reported"),
            &sct("363679005", "Imaging procedure"),
        ),
        container(
            Some("CONTAINS"),
            &dcm("126010", "Imaging Measurements"),
            None,
            groups,
        ),
        // TID 1500's free-text qualitative evaluations: where the disclaimer reaches every viewer.
        container(
            Some("CONTAINS"),
            &Code::new("C0034375", "UMLS", "Qualitative Evaluations"),
            None,
            vec![text(
                "CONTAINS",
                &dcm("121106", "Comment"),
                NOT_FOR_CLINICAL_USE,
            )],
        ),
    ];
    d.seq(
        tags::REFERENCED_PERFORMED_PROCEDURE_STEP_SEQUENCE,
        Vec::new(),
    )
    .s(tags::VALUE_TYPE, VR::CS, "CONTAINER")
    .code(
        tags::CONCEPT_NAME_CODE_SEQUENCE,
        &dcm("126000", "Imaging Measurement Report"),
    )
    .s(tags::CONTINUITY_OF_CONTENT, VR::CS, "SEPARATE")
    .seq(tags::PERFORMED_PROCEDURE_CODE_SEQUENCE, Vec::new())
    .seq(
        tags::CURRENT_REQUESTED_PROCEDURE_EVIDENCE_SEQUENCE,
        vec![evidence(&study_uid, images)],
    )
    .s(tags::COMPLETION_FLAG, VR::CS, "COMPLETE")
    .s(tags::VERIFICATION_FLAG, VR::CS, "UNVERIFIED")
    .s(tags::PRELIMINARY_FLAG, VR::CS, "PRELIMINARY")
    .seq(tags::CONTENT_TEMPLATE_SEQUENCE, vec![template_item("1500")])
    .seq(tags::CONTENT_SEQUENCE, content);
    finish(d, uids::COMPREHENSIVE3_DSR_STORAGE, &sop_uid)
}
