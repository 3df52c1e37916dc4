//! Truncated and corrupted real files: every outcome must be `Ok` or an error, never a panic.

mod common;

use std::path::Path;

use radscreen_dicom::{DicomImage, DisplayOptions, Limits, ReadOptions};

/// Runs the whole pipeline on `bytes`; returns whether it panicked.
fn exercise(bytes: &[u8], opts: &ReadOptions) -> bool {
    std::panic::catch_unwind(|| {
        let Ok(img) = DicomImage::from_bytes(bytes, Path::new("mutant.dcm"), opts) else {
            return;
        };
        let _ = img.meta();
        let Ok(n) = img.frames() else { return };
        for f in 0..n.min(3) {
            let _ = img.stored(f);
            let _ = img.modality(f);
            let _ = img.display(f, &DisplayOptions::default());
            let _ = img.rgb(f);
        }
    })
    .is_err()
}

/// Limits that keep a corrupted header from asking for much memory.
fn tight() -> ReadOptions {
    ReadOptions::new().with_limits(
        Limits::new()
            .with_max_decoded_bytes(64 << 20)
            .with_max_frames(64),
    )
}

const FILES: &[&str] = &[
    "pydicom/CT_small.dcm",
    "pydicom/MR_small_RLE.dcm",
    "pydicom/JPEG2000.dcm",
    "pydicom/SC_rgb_jpeg_dcmtk.dcm",
    "pydicom/MR_small_jpeg_ls_lossless.dcm",
    "pydicom-data/JPEG-LL.dcm",
    "pydicom/JPGExtended.dcm",
    "pydicom/image_dfl.dcm",
    "pydicom/MR_small_bigendian.dcm",
];

#[test]
fn every_prefix_errors_without_panic() {
    let opts = tight();
    for rel in FILES {
        let bytes = std::fs::read(common::data_file(rel)).unwrap();
        // Every prefix through the header and first pixel bytes; then every 97th, so that the
        // whole file is covered in reasonable time.
        let cut_points = (0..bytes.len().min(4096)).chain((4096..bytes.len()).step_by(97));
        let mut n = 0;
        let t0 = std::time::Instant::now();
        for cut in cut_points {
            let t = std::time::Instant::now();
            assert!(
                !exercise(&bytes[..cut], &opts),
                "{rel}: panic on a prefix of {cut} bytes"
            );
            if t.elapsed().as_millis() > 500 {
                eprintln!("{rel}: prefix {cut} took {:?}", t.elapsed());
            }
            n += 1;
        }
        // The whole file must still decode.
        let img = DicomImage::from_bytes(&bytes, Path::new(rel), &opts).unwrap();
        img.stored(0).unwrap();
        eprintln!("{rel}: {n} prefixes in {:?}", t0.elapsed());
    }
}

/// A small seeded generator (xorshift64*), so that failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn random_byte_flips_error_without_panic() {
    let opts = tight();
    for (k, rel) in FILES.iter().enumerate() {
        let original = std::fs::read(common::data_file(rel)).unwrap();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ k as u64);
        for round in 0..400 {
            let mut bytes = original.clone();
            let flips = 1 + rng.next() % 4;
            for _ in 0..flips {
                // Half the flips land in the first 2 KiB, where the header is.
                let span = if rng.next().is_multiple_of(2) {
                    bytes.len().min(2048)
                } else {
                    bytes.len()
                };
                let i = (rng.next() % span as u64) as usize;
                bytes[i] ^= 1 << (rng.next() % 8);
            }
            let t = std::time::Instant::now();
            assert!(!exercise(&bytes, &opts), "{rel}: panic in round {round}");
            if t.elapsed().as_millis() > 500 {
                eprintln!("{rel}: round {round} took {:?}", t.elapsed());
                if let Ok(d) = std::env::var("RADSCREEN_DUMP_SLOW") {
                    std::fs::write(format!("{d}/slow-{k}-{round}.dcm"), &bytes).unwrap();
                }
            }
        }
    }
}

#[test]
fn not_dicom_is_reported_as_such() {
    let dir = std::env::temp_dir().join("radscreen-not-dicom");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("notes.txt");
    std::fs::write(&p, b"these are not the pixels you are looking for").unwrap();
    let e = DicomImage::open(&p).unwrap_err();
    assert_eq!(e.kind(), "not_dicom", "{e}");
    assert!(e.to_string().contains("notes.txt"));
    assert!(!radscreen_dicom::is_dicom(&p));
}

#[test]
fn limits_stop_large_frames_before_decoding() {
    let opts = ReadOptions::new().with_limits(Limits::new().with_max_pixels_per_frame(100 * 100));
    let img = DicomImage::open_with(common::data_file("pydicom/CT_small.dcm"), &opts).unwrap();
    let e = img.stored(0).unwrap_err();
    assert_eq!(e.kind(), "limit_exceeded", "{e}");
    let opts = ReadOptions::new().with_limits(Limits::new().with_max_file_bytes(1000));
    let e = DicomImage::open_with(common::data_file("pydicom/CT_small.dcm"), &opts).unwrap_err();
    assert_eq!(e.kind(), "limit_exceeded", "{e}");
}

/// Deflated files are inflated once, by radscreen (bounded), and parsed from that buffer: the
/// data set must equal what dicom-object's own reader makes of the file.
#[test]
fn deflated_files_parse_as_dicom_object_does() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data");
    let mut files = vec![common::find_test_file("image_dfl.dcm")];
    let mut dirs = vec![sample];
    while let Some(d) = dirs.pop() {
        for p in std::fs::read_dir(&d).unwrap().flatten().map(|e| e.path()) {
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "dcm")
                && let Ok(head) = dicom_object::OpenFileOptions::new()
                    .read_until(dicom_dictionary_std::tags::PATIENT_NAME)
                    .open_file(&p)
                && head.meta().transfer_syntax() == "1.2.840.10008.1.2.1.99"
            {
                files.push(p);
            }
        }
    }
    assert!(files.len() >= 4, "too few deflated files: {files:?}");
    for f in &files {
        let ours = DicomImage::open(f).unwrap_or_else(|e| panic!("{e}"));
        let theirs = dicom_object::open_file(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_eq!(
            ours.transfer_syntax(),
            "1.2.840.10008.1.2.1.99",
            "{}",
            f.display()
        );
        if let Err(at) = same_dataset(ours.dataset(), &theirs) {
            panic!("{}: data sets differ at {at}", f.display());
        }
    }
}

/// Element-by-element equality of two data sets, recursing into sequences. (`==` on elements
/// cannot be used: dicom-core's undefined `Length` is unequal to itself, like NaN.)
fn same_dataset(
    a: &dicom_object::InMemDicomObject,
    b: &dicom_object::InMemDicomObject,
) -> Result<(), String> {
    let (ea, eb): (Vec<_>, Vec<_>) = (a.iter().collect(), b.iter().collect());
    if ea.len() != eb.len() {
        return Err(format!("{} vs {} elements", ea.len(), eb.len()));
    }
    for (x, y) in ea.iter().zip(eb) {
        let (hx, hy) = (x.header(), y.header());
        let at = format!("{:?}", hx.tag);
        if hx.tag != hy.tag || hx.vr != hy.vr || hx.len.get() != hy.len.get() {
            return Err(format!("{at}: headers {hx:?} vs {hy:?}"));
        }
        match (x.items(), y.items()) {
            (Some(ix), Some(iy)) => {
                if ix.len() != iy.len() {
                    return Err(format!("{at}: {} vs {} items", ix.len(), iy.len()));
                }
                for (p, q) in ix.iter().zip(iy) {
                    same_dataset(p, q).map_err(|e| format!("{at} > {e}"))?;
                }
            }
            _ if x.value() != y.value() => return Err(format!("{at}: values differ")),
            _ => {}
        }
    }
    Ok(())
}
