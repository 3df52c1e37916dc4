//! Multi-frame files whose frames each span several fragments, with no Basic Offset Table (the
//! table is optional): every frame must decode to what the file with one fragment per frame
//! gives, whichever codec decodes it (8-bit JPEG and JPEG 2000 through dicom-pixeldata,
//! JPEG-LS through radscreen's own decoder).

mod common;

use std::path::Path;

use dicom_core::DataElement;
use dicom_core::value::{PixelFragmentSequence, Value};
use dicom_dictionary_std::tags;
use radscreen_dicom::{DicomImage, ReadOptions};

/// The file's bytes with each frame's fragment cut in two (at an even length, as fragments
/// must be) and the offset table emptied.
fn refragmented(path: &Path) -> Vec<u8> {
    let mut obj = dicom_object::open_file(path).unwrap();
    let element = obj.element(tags::PIXEL_DATA).unwrap().clone();
    let Value::PixelSequence(seq) = element.value() else {
        panic!("{}: not encapsulated", path.display());
    };
    let mut fragments = Vec::new();
    for f in seq.fragments() {
        let half = (f.len() / 2) & !1;
        fragments.push(f[..half].to_vec());
        fragments.push(f[half..].to_vec());
    }
    obj.put(DataElement::new(
        tags::PIXEL_DATA,
        element.vr(),
        Value::PixelSequence(PixelFragmentSequence::new(Vec::<u32>::new(), fragments)),
    ));
    let mut out = Vec::new();
    obj.write_all(&mut out).unwrap();
    out
}

#[test]
fn frames_split_over_fragments_without_an_offset_table_decode_as_the_original() {
    for name in [
        "examples_ybr_color.dcm",
        "emri_small_jpeg_2k_lossless.dcm",
        "emri_small_jpeg_ls_lossless.dcm",
    ] {
        let path = common::find_test_file(name);
        let original = DicomImage::open(&path).unwrap();
        let bytes = refragmented(&path);
        let split = DicomImage::from_bytes(&bytes, &path, &ReadOptions::new()).unwrap();
        let frames = original.frames().unwrap();
        assert!(frames > 1, "{name}: {frames} frame");
        assert_eq!(split.frames().unwrap(), frames, "{name}");
        for f in 0..frames {
            let want = original.stored(f).unwrap();
            let got = split
                .stored(f)
                .unwrap_or_else(|e| panic!("{name} frame {f}: {e}"));
            assert!(got == want, "{name} frame {f}: values differ");
        }
    }
}
