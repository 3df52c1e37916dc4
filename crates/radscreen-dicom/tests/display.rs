//! Display stage on real MONOCHROME1 radiographs and multi-window files.

mod common;

use radscreen_dicom::{DicomImage, DisplayOptions, Voi, VoiFunction};

#[test]
fn monochrome1_is_inverted_once() {
    let img = DicomImage::open(common::data_file("pydicom-data/RG3_UNCR.dcm")).unwrap();
    assert_eq!(
        img.pixel_info().unwrap().photometric_interpretation,
        "MONOCHROME1"
    );
    let shown = img.display(0, &DisplayOptions::new()).unwrap();
    let raw = img
        .display(0, &DisplayOptions::new().with_presentation(false))
        .unwrap();
    assert!(
        shown
            .iter()
            .zip(raw.iter())
            .all(|(a, b)| (a + b - 1.0).abs() < 1e-6)
    );
    assert!(shown.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn windows_are_chosen_by_index_and_explicit_ones_apply() {
    // MR-SIEMENS-DICOM-WithOverlays.dcm holds several Window Center/Width pairs.
    let img = DicomImage::open(common::data_file(
        "pydicom-data/MR-SIEMENS-DICOM-WithOverlays.dcm",
    ))
    .unwrap();
    let (c, w) = (
        img.meta().window_center.clone(),
        img.meta().window_width.clone(),
    );
    assert!(c.len() >= 2 && w.len() >= 2, "{c:?} {w:?}");
    let m = img.modality(0).unwrap();
    for i in 0..2 {
        let d = img
            .display(0, &DisplayOptions::new().with_voi(Voi::Window(i)))
            .unwrap();
        let want = m.mapv(|x| {
            radscreen_dicom::window(f64::from(x), c[i], w[i], VoiFunction::Linear) as f32
        });
        assert_eq!(d, want, "window {i}");
    }
    let e = img
        .display(0, &DisplayOptions::new().with_voi(Voi::Window(9)))
        .unwrap_err();
    assert!(e.to_string().contains("no window 9"), "{e}");
    let sig = Voi::Explicit {
        center: c[0],
        width: w[0],
        function: VoiFunction::Sigmoid,
    };
    let d = img
        .display(0, &DisplayOptions::new().with_voi(sig))
        .unwrap();
    assert!(d.iter().all(|v| *v > 0.0 && *v < 1.0));
}

/// A Modality LUT Sequence and a VOI LUT Sequence whose one item has an empty LUT Descriptor
/// and empty LUT Data (as LEADTOOLS wrote them in an 8-bit JPEG sample): passed over, so the
/// file reads as it does without them, not as an invalid LUT.
#[test]
fn empty_lut_items_are_passed_over() {
    use dicom_core::value::{DataSetSequence, Value};
    use dicom_core::{DataElement, PrimitiveValue, VR};
    use dicom_dictionary_std::tags;
    use dicom_object::InMemDicomObject;
    use radscreen_dicom::ReadOptions;

    let path = common::find_test_file("CT_small.dcm");
    let mut obj = dicom_object::open_file(&path).unwrap();
    let empty_item = || {
        InMemDicomObject::from_element_iter([
            DataElement::new(tags::LUT_DESCRIPTOR, VR::US, PrimitiveValue::Empty),
            DataElement::new(tags::LUT_EXPLANATION, VR::LO, PrimitiveValue::Empty),
            DataElement::new(tags::LUT_DATA, VR::US, PrimitiveValue::Empty),
        ])
    };
    for tag in [tags::MODALITY_LUT_SEQUENCE, tags::VOILUT_SEQUENCE] {
        obj.put(DataElement::new(
            tag,
            VR::SQ,
            Value::Sequence(DataSetSequence::from(vec![empty_item()])),
        ));
    }
    let mut bytes = Vec::new();
    obj.write_all(&mut bytes).unwrap();
    let with = DicomImage::from_bytes(&bytes, &path, &ReadOptions::new()).unwrap();
    let without = DicomImage::open(&path).unwrap();
    assert_eq!(with.modality(0).unwrap(), without.modality(0).unwrap());
    let opts = DisplayOptions::new();
    assert_eq!(
        with.display(0, &opts).unwrap(),
        without.display(0, &opts).unwrap()
    );
}

/// Parametric maps keep real values in Float Pixel Data, which is not read: no (integer) pixel
/// data, so screening skips the file, and the message says what it holds.
#[test]
fn float_pixel_data_is_reported_as_unsupported() {
    let img = DicomImage::open(common::data_file("cwil/paramap-float.dcm")).unwrap();
    let err = img.pixel_info().unwrap_err();
    assert_eq!(err.kind(), "no_pixel_data", "{err}");
    assert!(err.to_string().contains("parametric map"), "{err}");
}
