//! The writers on sample-data's files with results made up here: the objects parse back with
//! dicom-object, reference the right images, and the SEG's bits are the regions' disks.

use std::path::{Path, PathBuf};

use dicom_dictionary_std::{tags, uids};
use dicom_object::open_file;
use radscreen_results::{
    FindingResult, ImageResult, Options, Producer, Region, SourceImage, region_mask, study_segs,
    study_sr, write_study,
};

fn sample(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../sample-data")
        .join(rel)
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(sample(dir))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "dcm"))
        .collect();
    v.sort();
    v
}

fn producer() -> Producer {
    Producer::new("test-model", "ab12cd34ef56ab12cd34", "flex (cpu)")
}

fn results(src: SourceImage, flag: bool, at: (f64, f64)) -> ImageResult {
    let tumor =
        FindingResult::new("tumor", if flag { 0.9 } else { 0.1 }, 0.5, flag).with_regions(vec![
            Region {
                row: at.0,
                col: at.1,
                radius: 3.0,
            },
            Region {
                row: at.0 + 20.0,
                col: at.1,
                radius: 0.2,
            },
        ]);
    let fracture = FindingResult::new("fracture", 0.2, 0.5, false);
    ImageResult::new(src, 0, vec![tumor, fracture])
}

fn str_of(obj: &dicom_object::InMemDicomObject, tag: dicom_core::Tag) -> String {
    obj.element(tag)
        .map(|e| e.to_str().unwrap().trim_end_matches('\0').to_string())
        .unwrap_or_default()
}

#[test]
fn a_ct_series_gets_one_sr_and_one_seg_with_the_regions_as_disks() {
    let srcs: Vec<SourceImage> = files("p0001/s0001_ct")
        .iter()
        .map(|p| SourceImage::read(p).unwrap())
        .collect();
    assert!(srcs.len() >= 3 && srcs.iter().all(SourceImage::has_geometry));
    let images: Vec<ImageResult> = srcs
        .iter()
        .enumerate()
        .map(|(i, s)| results(s.clone(), i != 1, (30.0 + i as f64, 40.0)))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let written = write_study(dir.path(), "study", &images, &producer(), &Options::new()).unwrap();
    assert_eq!(written.len(), 2, "{written:?}");

    let sr = open_file(&written[0]).unwrap();
    assert_eq!(
        str_of(&sr, tags::SOP_CLASS_UID),
        uids::COMPREHENSIVE3_DSR_STORAGE
    );
    assert_eq!(
        str_of(&sr, tags::STUDY_INSTANCE_UID),
        srcs[0].study_instance_uid
    );
    // no PHI without keep_phi
    assert_eq!(str_of(&sr, tags::PATIENT_NAME), "");
    assert_eq!(str_of(&sr, tags::PATIENT_ID), "");
    let measurements = sr
        .element(tags::CONTENT_SEQUENCE)
        .unwrap()
        .items()
        .unwrap()
        .iter()
        .find(|i| {
            i.element(tags::CONCEPT_NAME_CODE_SEQUENCE)
                .unwrap()
                .items()
                .unwrap()[0]
                .element(tags::CODE_VALUE)
                .unwrap()
                .to_str()
                .unwrap()
                == "126010"
        })
        .expect("Imaging Measurements container")
        .element(tags::CONTENT_SEQUENCE)
        .unwrap()
        .items()
        .unwrap()
        .len();
    assert_eq!(
        measurements,
        images.len() * 2,
        "one group per image and finding"
    );

    let seg = open_file(&written[1]).unwrap();
    assert_eq!(
        str_of(&seg, tags::SOP_CLASS_UID),
        uids::SEGMENTATION_STORAGE
    );
    let frames: usize = str_of(&seg, tags::NUMBER_OF_FRAMES).parse().unwrap();
    assert_eq!(
        frames,
        srcs.len() - 1,
        "the flagged slices, tumour segment only"
    );
    let (rows, cols) = (srcs[0].rows, srcs[0].columns);
    let bits = seg.element(tags::PIXEL_DATA).unwrap().to_bytes().unwrap();
    let per_frame = seg
        .element(tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE)
        .unwrap()
        .items()
        .unwrap();
    let n = usize::from(rows) * usize::from(cols);
    for (i, fg) in per_frame.iter().enumerate() {
        let src_uid = fg
            .element(tags::DERIVATION_IMAGE_SEQUENCE)
            .unwrap()
            .items()
            .unwrap()[0]
            .element(tags::SOURCE_IMAGE_SEQUENCE)
            .unwrap()
            .items()
            .unwrap()[0]
            .element(tags::REFERENCED_SOP_INSTANCE_UID)
            .unwrap()
            .to_str()
            .unwrap()
            .trim_end_matches('\0')
            .to_string();
        let im = images
            .iter()
            .find(|im| im.source.sop_instance_uid == src_uid)
            .expect("frame references a screened image");
        assert!(im.findings[0].flagged);
        let want = region_mask(rows, cols, &im.findings[0].regions);
        let got: Vec<bool> = (0..n)
            .map(|p| {
                let b = i * n + p;
                bits[b / 8] >> (b % 8) & 1 == 1
            })
            .collect();
        assert_eq!(got, want, "frame {i}");
        // a radius under half a pixel still marks its pixel; the 3-pixel disk has 29 pixels
        assert_eq!(want.iter().filter(|&&b| b).count(), 29 + 1);
    }
}

#[test]
fn radiographs_get_a_seg_each_and_a_quiet_study_still_gets_one() {
    let dx = SourceImage::read(sample("p0000/s0000_dx/i000.dcm")).unwrap();
    assert!(!dx.has_geometry());
    let mut other = dx.clone();
    other.sop_instance_uid.push_str(".2");
    let flagged = vec![
        results(dx.clone(), true, (60.0, 60.0)),
        results(other, true, (10.0, 10.0)),
    ];
    assert_eq!(
        study_segs(&flagged, &producer(), &Options::new())
            .unwrap()
            .len(),
        2
    );
    let quiet = vec![results(dx, false, (0.0, 0.0))];
    let segs = study_segs(&quiet, &producer(), &Options::new()).unwrap();
    assert_eq!(segs.len(), 1);
    assert_eq!(
        str_of(&segs[0], tags::NUMBER_OF_FRAMES),
        "2",
        "one empty frame per segment"
    );
    let bits = segs[0]
        .element(tags::PIXEL_DATA)
        .unwrap()
        .to_bytes()
        .unwrap();
    assert!(bits.iter().all(|&b| b == 0));
}

#[test]
fn keep_phi_copies_the_patient_and_mixed_studies_are_refused() {
    let a = SourceImage::read(sample("p0000/s0000_dx/i000.dcm")).unwrap();
    let b = SourceImage::read(files("p0001/s0001_ct")[0].clone()).unwrap();
    let sr = study_sr(
        &[results(a.clone(), false, (0.0, 0.0))],
        &producer(),
        &Options::new().with_keep_phi(true),
    )
    .unwrap();
    assert_eq!(
        Some(str_of(&sr, tags::PATIENT_NAME)),
        a.study.patient_name.clone()
    );
    let err = study_sr(
        &[results(a, false, (0.0, 0.0)), results(b, false, (0.0, 0.0))],
        &producer(),
        &Options::new(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("different studies"), "{err}");
}
