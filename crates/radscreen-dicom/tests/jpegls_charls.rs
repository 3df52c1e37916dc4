//! radscreen's JPEG-LS decoder against CharLS, bit for bit, on every JPEG-LS file of the test
//! data and sample-data (CharLS decoded them before radscreen had its own decoder). Built only
//! with the `charls` feature (CharLS is C++ built by cmake): CI runs it as
//! `cargo test -p radscreen-dicom --features charls --test jpegls_charls`. The default tests
//! compare the same files with pydicom's decodes (pixels_reference, pydicom_parity).
#![cfg(feature = "charls")]

mod common;

use std::path::{Path, PathBuf};

use dicom_dictionary_std::uids;
use dicom_encoding::transfer_syntax::{Codec, TransferSyntaxIndex};
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;
use radscreen_dicom::DicomImage;

fn jpegls_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            jpegls_files(&p, out);
        } else if let Ok(obj) = dicom_object::OpenFileOptions::new()
            .read_until(dicom_dictionary_std::tags::PIXEL_DATA)
            .open_file(&p)
            && matches!(
                obj.meta().transfer_syntax().trim_end_matches('\0'),
                uids::JPEGLS_LOSSLESS | uids::JPEGLS_NEAR_LOSSLESS
            )
        {
            out.push(p);
        }
    }
}

#[test]
fn every_jpegls_frame_decodes_as_charls_decodes_it() {
    let mut files = Vec::new();
    let data = common::test_data_dir();
    jpegls_files(&data.join("pydicom"), &mut files);
    jpegls_files(&data.join("pydicom-data"), &mut files);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data");
    jpegls_files(&sample, &mut files);
    assert!(files.len() >= 20, "JPEG-LS files found: {files:?}");
    let mut frames = 0;
    for path in &files {
        let obj = dicom_object::open_file(path).unwrap();
        let ts = TransferSyntaxRegistry
            .get(obj.meta().transfer_syntax().trim_end_matches('\0'))
            .unwrap();
        let Codec::EncapsulatedPixelData(Some(charls), _) = ts.codec() else {
            panic!("no CharLS reader in a build with feature charls");
        };
        let img = DicomImage::open(path).unwrap();
        let info = img.pixel_info().unwrap();
        for f in 0..info.frames {
            let ours = img.stored(f).unwrap();
            let mut theirs = Vec::new();
            charls.decode_frame(&obj, f, &mut theirs).unwrap();
            // Compare the stored stage of both: CharLS's bytes through the same interpretation.
            let bytes = usize::from(info.bits_allocated.div_ceil(8));
            let n =
                info.rows as usize * info.columns as usize * usize::from(info.samples_per_pixel);
            assert!(
                theirs.len() >= n * bytes,
                "{}: CharLS gave too few bytes",
                path.display()
            );
            let raw: Vec<u32> = (0..n)
                .map(|i| match bytes {
                    1 => u32::from(theirs[i]),
                    _ => u32::from(u16::from_le_bytes([theirs[2 * i], theirs[2 * i + 1]])),
                })
                .collect();
            let mask = if info.bits_stored >= 32 {
                u32::MAX
            } else {
                (1 << info.bits_stored) - 1
            };
            let ours_raw: Vec<u32> = ours
                .to_f64()
                .iter()
                .map(|&v| (v as i64) as u32 & mask)
                .collect();
            let theirs_masked: Vec<u32> = raw.iter().map(|v| v & mask).collect();
            assert!(
                ours_raw == theirs_masked,
                "{} frame {f} differs from CharLS",
                path.display()
            );
            frames += 1;
        }
    }
    eprintln!(
        "{} JPEG-LS files, {frames} frames: identical to CharLS",
        files.len()
    );
}
