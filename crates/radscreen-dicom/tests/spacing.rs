//! The pixel's size at the patient on real files (pydicom's test files): the values and
//! attributes named here are what pydicom 3.0.2 reads from them.

mod common;

use radscreen_dicom::{DicomImage, SpacingSource};

fn spacing(file: &str) -> Option<([f64; 2], SpacingSource)> {
    let img = DicomImage::open(common::data_file(file)).unwrap();
    img.meta().physical_spacing.map(|s| (s.mm, s.source))
}

#[test]
fn cross_sectional_files_use_pixel_spacing() {
    // pydicom: PixelSpacing [0.661468, 0.661468] and [0.3125, 0.3125]
    assert_eq!(
        spacing("pydicom/CT_small.dcm"),
        Some(([0.661468, 0.661468], SpacingSource::PixelSpacing))
    );
    assert_eq!(
        spacing("pydicom/MR_small.dcm"),
        Some(([0.3125, 0.3125], SpacingSource::PixelSpacing))
    );
}

#[test]
fn radiographs_say_where_their_spacing_was_measured() {
    // pydicom: CR with ImagerPixelSpacing [0.1, 0.1] and no magnification factor: the detector
    assert_eq!(
        spacing("pydicom/dicomdirtests/77654033/CR1/6154"),
        Some(([0.1, 0.1], SpacingSource::Detector))
    );
    // pydicom: PixelSpacing [0.000, 0.000]: no usable spacing, although the attribute is there
    let img = DicomImage::open(common::data_file("pydicom-data/RG1_UNCI.dcm")).unwrap();
    assert_eq!(img.meta().pixel_spacing, Some([0.0, 0.0]));
    assert_eq!(img.meta().physical_spacing, None);
    // pydicom: RG3 has neither Pixel Spacing nor Imager Pixel Spacing
    assert_eq!(spacing("pydicom-data/RG3_UNCI.dcm"), None);
}
