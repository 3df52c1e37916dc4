//! Round trips through the test encoder (every predictor, point transforms, restarts,
//! colour, fill bytes, difference 32768), truncation, and the real files against
//! jpeg-decoder.

use super::encoder::{Options, encode};
use super::{Target, decode_samples, wants};

/// Smooth ramps with noise and a few extreme jumps, below 2^precision.
fn image(o: &Options, seed: u64) -> Vec<u16> {
    let max = (1u32 << o.precision) - 1;
    let mut s = seed | 1;
    let mut out = Vec::with_capacity(o.width * o.height * o.nf);
    for y in 0..o.height {
        for x in 0..o.width {
            for c in 0..o.nf {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let ramp = (x * 7 + y * 3 + c * 50) as u32;
                let noise = (s % 9) as u32;
                let v = match (x + 2 * y + c) % 23 {
                    0 => 0,
                    1 => max,
                    _ => ramp + noise,
                };
                out.push((v % (max + 1)) as u16);
            }
        }
    }
    out
}

fn target(o: &Options) -> Target {
    Target {
        rows: o.height as u32,
        columns: o.width as u32,
        samples: o.nf as u16,
        bytes_per_sample: if o.precision > 8 { 2 } else { 1 },
        rgb_without_markers: false,
    }
}

fn round_trip(o: &Options) {
    let pixels = image(o, o.width as u64 * 31 + u64::from(o.precision));
    let jpeg = encode(&pixels, o);
    let got = decode_samples(&jpeg, &target(o)).unwrap_or_else(|e| panic!("{o:?}: {e}"));
    let want: Vec<u16> = pixels.iter().map(|&v| (v >> o.pt) << o.pt).collect();
    if let Some(i) = (0..want.len()).find(|&i| got[i] != want[i]) {
        panic!("{o:?}: sample {i}: got {} want {}", got[i], want[i]);
    }
}

#[test]
fn every_predictor_precision_and_layout() {
    for precision in [2u8, 7, 8, 12, 16] {
        for predictor in 0..=7 {
            for (nf, separate) in [(1, false), (3, false), (3, true)] {
                let mut o = Options::new(13, 6, nf, precision);
                o.predictor = predictor;
                o.separate_scans = separate;
                o.long_codes = predictor % 2 == 1;
                round_trip(&o);
            }
        }
    }
}

#[test]
fn point_transform() {
    for (precision, pt) in [(8u8, 1u8), (12, 3), (16, 4), (16, 15)] {
        for predictor in [1, 4, 7] {
            let mut o = Options::new(9, 5, 1, precision);
            o.predictor = predictor;
            o.pt = pt;
            round_trip(&o);
        }
    }
}

#[test]
fn restart_intervals_and_fill_bytes() {
    // Whole rows, several rows, and intervals that end mid-row (several per row, too).
    for restart in [11u16, 22, 33, 5, 13, 1] {
        for nf in [1, 3] {
            for predictor in [1, 2, 6] {
                let mut o = Options::new(11, 7, nf, 12);
                o.restart = restart;
                o.predictor = predictor;
                o.fill_bytes = restart % 2 == 1;
                round_trip(&o);
            }
        }
    }
}

#[test]
fn difference_of_32768_has_no_extra_bits() {
    // 0 next to 32768 and 65535 next to 32767 (16-bit) need category 16.
    let o = Options::new(4, 2, 1, 16);
    let pixels = [0u16, 32768, 0, 32768, 65535, 32767, 65535, 32767];
    let jpeg = encode(&pixels, &o);
    assert_eq!(decode_samples(&jpeg, &target(&o)).unwrap(), pixels);
}

#[test]
fn sixteen_bit_codes_and_wide_values() {
    let mut o = Options::new(40, 3, 1, 16);
    o.long_codes = true;
    for predictor in 1..=7 {
        o.predictor = predictor;
        round_trip(&o);
    }
}

#[test]
fn truncated_and_corrupt_streams_are_errors() {
    let mut o = Options::new(16, 8, 3, 12);
    o.restart = 16;
    let pixels = image(&o, 7);
    let jpeg = encode(&pixels, &o);
    for cut in 0..jpeg.len() - 2 {
        // Every prefix without its end: an error (never a panic, never the image).
        let r = decode_samples(&jpeg[..cut], &target(&o));
        assert!(r.is_err(), "prefix {cut} decoded");
    }
    for i in 0..jpeg.len() {
        for bit in 0..8 {
            let mut bad = jpeg.clone();
            bad[i] ^= 1 << bit;
            let _ = decode_samples(&bad, &target(&o));
        }
    }
}

#[test]
fn frame_must_match_the_dicom_header() {
    let o = Options::new(8, 4, 1, 12);
    let jpeg = encode(&image(&o, 1), &o);
    let mut t = target(&o);
    t.rows = 5;
    assert!(matches!(
        decode_samples(&jpeg, &t),
        Err(crate::CodecError::Mismatch { what: "rows", .. })
    ));
    let mut t = target(&o);
    t.samples = 3;
    assert!(decode_samples(&jpeg, &t).is_err());
    let mut t = target(&o);
    t.bytes_per_sample = 1;
    assert!(decode_samples(&jpeg, &t).is_err());
}

#[test]
fn wants_lossless_and_wide_dct_only() {
    let o = Options::new(8, 4, 1, 8);
    let t = target(&o);
    assert!(wants(&encode(&image(&o, 1), &o), &t));
    // SOI, SOF0 of precision 8, then of precision 12.
    let sof = |p: u8| [0xFF, 0xD8, 0xFF, 0xC1, 0, 11, p, 0, 8, 0, 8, 1, 1, 0x11, 0];
    assert!(!wants(&sof(8), &t));
    assert!(wants(&sof(12), &t));
    assert!(!wants(b"not a jpeg", &t));
    // 8-bit colour without JFIF/Adobe markers comes here only when the DICOM says RGB.
    let sof3 = [
        0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0, 8, 0, 8, 3, 0, 0x11, 0, 1, 0x11, 0, 2, 0x11, 0,
    ];
    assert!(!wants(&sof3, &t));
    let rgb = Target {
        rgb_without_markers: true,
        ..target(&o)
    };
    assert!(wants(&sof3, &rgb));
    let mut jfif = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 7, b'J', b'F', b'I', b'F', 0];
    jfif.extend_from_slice(&sof3[2..]);
    assert!(!wants(&jfif, &rgb));
}

/// Real files, through the crate: the cache that scripts/fetch-test-data.sh fills (the
/// integration tests' rule: `$RADSCREEN_TEST_DATA`, else `~/.cache/radscreen/test-data`).
mod real {
    use std::path::PathBuf;

    use dicom_encoding::TransferSyntaxIndex;
    use dicom_encoding::adapters::PixelDataObject;
    use dicom_encoding::transfer_syntax::Codec;
    use dicom_transfer_syntax_registry::TransferSyntaxRegistry;

    use crate::DicomImage;

    fn data_dir() -> PathBuf {
        let var = |n: &str| {
            std::env::var_os(n)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let dir = var("RADSCREEN_TEST_DATA").unwrap_or_else(|| {
            var("XDG_CACHE_HOME")
                .or_else(|| var("HOME").map(|h| h.join(".cache")))
                .unwrap_or_default()
                .join("radscreen/test-data")
        });
        assert!(
            dir.join(".complete").is_file(),
            "real-file test data not found in {}: run scripts/fetch-test-data.sh",
            dir.display()
        );
        dir
    }

    /// Every file of a transfer syntax in the reference index, plus pydicom-data's
    /// bad_sequence.dcm (a 512x512 16-bit CT slice in JPEG Lossless SV1 that the index leaves
    /// out for its malformed sequence; the decode benchmark uses it too).
    fn files(syntaxes: &[&str]) -> Vec<PathBuf> {
        let dir = data_dir();
        let index: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("reference/index.json")).unwrap(),
        )
        .unwrap();
        let mut out: Vec<PathBuf> = index["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| syntaxes.contains(&e["transfer_syntax"].as_str().unwrap_or("")))
            .filter(|e| e["rows"].is_number())
            .map(|e| dir.join(e["file"].as_str().unwrap()))
            .collect();
        out.push(dir.join("pydicom-data/bad_sequence.dcm"));
        out
    }

    /// jpeg-decoder's frame, through dicom-rs's adapter (what radscreen used before).
    fn jpeg_decoder(img: &DicomImage, frame: u32) -> Vec<u8> {
        let ts = TransferSyntaxRegistry.get(img.transfer_syntax()).unwrap();
        let Codec::EncapsulatedPixelData(Some(reader), _) = ts.codec() else {
            panic!("no JPEG reader");
        };
        let mut out = Vec::new();
        reader.decode_frame(&img.obj, frame, &mut out).unwrap();
        out
    }

    #[test]
    fn lossless_files_match_jpeg_decoder_exactly() {
        let files = files(&["1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"]);
        assert!(files.len() >= 5, "{files:?}");
        for path in files {
            let img = DicomImage::open(&path).unwrap();
            let info = img.pixel_info().unwrap();
            for f in 0..info.frames {
                let data = img.obj.frame_pixel_data(f).unwrap();
                let t = super::Target {
                    rows: info.rows,
                    columns: info.columns,
                    samples: info.samples_per_pixel,
                    bytes_per_sample: usize::from(info.bits_allocated.div_ceil(8)),
                    rgb_without_markers: false,
                };
                assert!(super::wants(&data, &t), "{}", path.display());
                let ours = img.frame_bytes(&info, f).unwrap();
                let mut theirs = jpeg_decoder(&img, f);
                theirs.truncate(ours.len());
                assert!(ours == theirs, "{} frame {f} differs", path.display());
            }
            eprintln!("{}: identical", path.display());
        }
    }

    /// The DCT path on 8-bit baseline files (which radscreen leaves to jpeg-decoder): the
    /// same Huffman and MCU code as 12-bit, so agreement here checks it on colour and
    /// interleaved scans. The IDCTs differ (islow here, stb_image's there) and so does the
    /// rounding of upsampling, hence a small tolerance.
    #[test]
    fn dct_path_agrees_with_jpeg_decoder_on_8_bit_files() {
        let dir = data_dir();
        for name in [
            "pydicom/SC_rgb_jpeg_dcmtk.dcm",
            "pydicom/SC_rgb_dcmtk_+eb+cy+n1.dcm",
            "pydicom/SC_rgb_dcmtk_+eb+cy+s2.dcm",
            "pydicom/SC_rgb_jpeg_lossy_gdcm.dcm",
        ] {
            let img = DicomImage::open(dir.join(name)).unwrap();
            let info = img.pixel_info().unwrap();
            let data = img.obj.frame_pixel_data(0).unwrap();
            let t = super::Target {
                rows: info.rows,
                columns: info.columns,
                samples: info.samples_per_pixel,
                bytes_per_sample: 1,
                rgb_without_markers: false,
            };
            let ours = super::super::decode(&data, &t).unwrap();
            let theirs = jpeg_decoder(&img, 0);
            assert_eq!(ours.len(), theirs.len().min(ours.len()), "{name}");
            let worst = ours.iter().zip(&theirs).map(|(a, b)| a.abs_diff(*b)).max();
            assert!(worst <= Some(2), "{name}: samples differ by {worst:?}");
        }
    }
}
