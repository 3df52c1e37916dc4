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
