//! Unit tests that need no external files: streams from CharLS checked against libjpeg's
//! decoding, round trips through the test encoder, and malformed input.

use super::encoder::{Options, encode};
use super::markers::Preset;
use super::vectors::VECTORS;
use super::*;

/// xorshift64: deterministic noise without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// A test image that visits every coding path: flat areas (runs, ended by interruptions of
/// both types), a smooth ramp (regular mode), edges, and a band of noise (escape codes).
fn image(rows: usize, columns: usize, components: usize, maxval: u16, seed: u64) -> Vec<u16> {
    let mut rng = Rng(seed | 1);
    let m = u64::from(maxval);
    let mut out = Vec::with_capacity(rows * columns * components);
    for y in 0..rows {
        for x in 0..columns {
            for c in 0..components {
                let v = match (y / 3) % 4 {
                    0 => (c as u64 * 7) % (m + 1),
                    1 => ((x + y + c) as u64 * m / (rows + columns + 4) as u64) % (m + 1),
                    2 => rng.next() % (m + 1),
                    _ if x < columns / 2 => m / 3,
                    _ => (m / 3 + 1 + rng.next() % 2).min(m),
                };
                out.push(v as u16);
            }
        }
    }
    out
}

fn target(rows: usize, columns: usize, components: usize, bits: u8) -> Target {
    Target {
        rows: rows as u32,
        columns: columns as u32,
        samples: components as u16,
        bytes_per_sample: if bits > 8 { 2 } else { 1 },
    }
}

/// The decoder's output as sample values.
fn values(bytes: &[u8], bytes_per_sample: usize) -> Vec<u16> {
    match bytes_per_sample {
        1 => bytes.iter().map(|&b| u16::from(b)).collect(),
        _ => bytes
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect(),
    }
}

fn options(bits: u8, near: u8, interleave: u8) -> Options {
    Options {
        bits,
        near,
        interleave,
        restart: 0,
        preset: None,
    }
}

/// A small valid stream: 8-bit, 3 components, sample-interleaved, lossless.
fn small_stream() -> (Vec<u8>, Target) {
    let pixels = image(9, 11, 3, 255, 5);
    (
        encode(&pixels, 9, 11, 3, &options(8, 0, 2)),
        target(9, 11, 3, 8),
    )
}

#[test]
fn charls_streams_decode_as_libjpeg_does() {
    for (name, v) in VECTORS {
        let t = Target {
            rows: v.rows,
            columns: v.columns,
            samples: v.samples,
            bytes_per_sample: if v.bits > 8 { 2 } else { 1 },
        };
        let out = decode(v.stream, &t).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(values(&out, t.bytes_per_sample), v.expected, "{name}");
    }
}

#[test]
fn round_trips_every_mode() {
    let layouts = [(1, 0), (3, 0), (3, 1), (3, 2), (4, 2), (2, 1), (2, 2)];
    for bits in [2u8, 3, 5, 8, 9, 12, 16] {
        let maxval = ((1u32 << bits) - 1) as u16;
        for (components, interleave) in layouts {
            for near in [0u8, 1, 4] {
                if u16::from(near) > maxval / 2 {
                    continue;
                }
                for (rows, columns, restart) in [(13, 10, 0), (13, 10, 4), (1, 17, 0), (6, 1, 1)] {
                    let seed = u64::from(bits) * 1000 + u64::from(near) * 10 + components as u64;
                    let pixels = image(rows, columns, components, maxval, seed);
                    let o = Options {
                        restart,
                        ..options(bits, near, interleave)
                    };
                    let stream = encode(&pixels, rows, columns, components, &o);
                    let t = target(rows, columns, components, bits);
                    let what = format!(
                        "{bits} bits, {components}/{interleave}, NEAR {near}, {rows}x{columns} restart {restart}"
                    );
                    let out = decode(&stream, &t).unwrap_or_else(|e| panic!("{what}: {e}"));
                    let out = values(&out, t.bytes_per_sample);
                    let worst = pixels.iter().zip(&out).map(|(a, b)| a.abs_diff(*b)).max();
                    assert!(worst <= Some(u16::from(near)), "{what}: error {worst:?}");
                    if near == 0 {
                        assert_eq!(out, pixels, "{what}");
                    }
                }
            }
        }
    }
}

#[test]
fn preset_parameters_round_trip() {
    let presets = [
        // The conformance set's non-default thresholds and RESET.
        (
            8,
            0,
            Preset {
                maxval: 0,
                t1: 9,
                t2: 9,
                t3: 9,
                reset: 31,
            },
        ),
        (
            8,
            3,
            Preset {
                maxval: 0,
                t1: 9,
                t2: 9,
                t3: 9,
                reset: 31,
            },
        ),
        // MAXVAL below 2^P - 1, not a power of two less one.
        (
            10,
            0,
            Preset {
                maxval: 1000,
                t1: 0,
                t2: 0,
                t3: 0,
                reset: 0,
            },
        ),
        (
            10,
            2,
            Preset {
                maxval: 600,
                t1: 0,
                t2: 0,
                t3: 0,
                reset: 300,
            },
        ),
        (
            16,
            0,
            Preset {
                maxval: 0,
                t1: 1,
                t2: 2,
                t3: 3,
                reset: 3,
            },
        ),
    ];
    for (bits, near, preset) in presets {
        let maxval = if preset.maxval == 0 {
            ((1u32 << bits) - 1) as u16
        } else {
            preset.maxval
        };
        for (components, interleave) in [(1, 0), (3, 1), (3, 2)] {
            let pixels = image(14, 9, components, maxval, 77);
            let o = Options {
                preset: Some(preset),
                ..options(bits, near, interleave)
            };
            let stream = encode(&pixels, 14, 9, components, &o);
            let t = target(14, 9, components, bits);
            let out = values(&decode(&stream, &t).unwrap(), t.bytes_per_sample);
            let worst = pixels.iter().zip(&out).map(|(a, b)| a.abs_diff(*b)).max();
            assert!(worst <= Some(u16::from(near)), "{preset:?}: {worst:?}");
        }
    }
}

#[test]
fn invalid_preset_parameters_are_errors() {
    let (stream, t) = small_stream();
    // LSE with T1 above MAXVAL, inserted after SOI.
    let lse = [0xFF, 0xF8, 0, 13, 1, 0, 0, 0x01, 0x00, 0, 0, 0, 0, 0, 0];
    let bad = [&stream[..2], &lse[..], &stream[2..]].concat();
    assert!(matches!(decode(&bad, &t), Err(JpegLsError::Corrupt { .. })));
}

#[test]
fn oversize_dimensions_in_lse() {
    let pixels = image(5, 7, 1, 255, 3);
    let stream = encode(&pixels, 5, 7, 1, &options(8, 0, 0));
    // Zero the SOF's Y and X (bytes 7..11), and give them in an LSE id 4 after it.
    let mut patched = stream.clone();
    patched[7..11].fill(0);
    let lse = [0xFF, 0xF8, 0, 10, 4, 3, 0, 0, 5, 0, 0, 7];
    let sof_end = 4 + 2 + 9;
    let patched = [&patched[..sof_end], &lse[..], &patched[sof_end..]].concat();
    let out = decode(&patched, &target(5, 7, 1, 8)).unwrap();
    assert_eq!(values(&out, 1), pixels);
    // Without the LSE the height would come from DNL.
    let mut no_height = stream;
    no_height[7..9].fill(0);
    assert!(matches!(
        decode(&no_height, &target(5, 7, 1, 8)),
        Err(JpegLsError::Unsupported { .. })
    ));
}

#[test]
fn sixteen_bit_output_is_little_endian() {
    let pixels = [0x1234u16, 0xFFFF, 0, 0x8001];
    let stream = encode(&pixels, 2, 2, 1, &options(16, 0, 0));
    let out = decode(&stream, &target(2, 2, 1, 16)).unwrap();
    assert_eq!(out, [0x34, 0x12, 0xFF, 0xFF, 0, 0, 0x01, 0x80]);
    // An 8-bit stream into 16-bit samples widens them.
    let stream = encode(&[7, 200], 1, 2, 1, &options(8, 0, 0));
    let t = Target {
        bytes_per_sample: 2,
        ..target(1, 2, 1, 8)
    };
    assert_eq!(decode(&stream, &t).unwrap(), [7, 0, 200, 0]);
}

#[test]
fn trailing_bytes_after_eoi_are_ignored() {
    let (stream, t) = small_stream();
    let expected = decode(&stream, &t).unwrap();
    let padded = [&stream[..], &[0, 0, 0]].concat();
    assert_eq!(decode(&padded, &t).unwrap(), expected);
}

#[test]
fn every_truncation_is_an_error() {
    let (stream, t) = small_stream();
    for cut in 0..stream.len() {
        assert!(decode(&stream[..cut], &t).is_err(), "cut at {cut}");
    }
    // Cut inside the coded data: reported as truncation.
    assert_eq!(
        decode(&stream[..stream.len() / 2], &t),
        Err(JpegLsError::Truncated)
    );
    // Only EOI missing.
    assert_eq!(
        decode(&stream[..stream.len() - 2], &t),
        Err(JpegLsError::Truncated)
    );
}

#[test]
fn truncated_large_frame_fails_fast() {
    // A 512x512 frame cut after its headers must not decode zeros for long.
    let pixels = image(512, 512, 1, 4095, 9);
    let stream = encode(&pixels, 512, 512, 1, &options(12, 0, 0));
    let t = target(512, 512, 1, 12);
    for cut in [40, stream.len() / 3, stream.len() - 3] {
        let start = std::time::Instant::now();
        assert!(decode(&stream[..cut], &t).is_err());
        assert!(start.elapsed().as_secs_f64() < 1.0, "cut at {cut}");
    }
}

#[test]
fn corruption_never_panics() {
    let (stream, t) = small_stream();
    let mut rng = Rng(0x1234_5678);
    for round in 0..2000 {
        let mut bad = stream.clone();
        for _ in 0..1 + rng.next() % 4 {
            let i = (rng.next() as usize) % bad.len();
            bad[i] = if round % 2 == 0 {
                bad[i] ^ 1 << (rng.next() % 8)
            } else {
                rng.next() as u8
            };
        }
        if let Ok(out) = decode(&bad, &t) {
            assert_eq!(out.len(), 9 * 11 * 3);
        }
    }
}

#[test]
fn garbage_is_an_error() {
    let t = target(4, 4, 1, 8);
    let mut rng = Rng(99);
    let noise: Vec<u8> = (0..500).map(|_| rng.next() as u8).collect();
    let inputs: [&[u8]; 8] = [
        &[],
        &[0; 100],
        &[0xFF; 1],
        &[0xFF; 1000],
        &noise,
        &[0xFF, 0xD8],
        &[0xFF, 0xD8, 0xFF, 0xD9],
        // Baseline JPEG.
        &[0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 4, 0, 4, 1, 1, 0x11, 0],
    ];
    for input in inputs {
        assert!(decode(input, &t).is_err(), "{input:?}");
    }
    // Valid headers, then nothing but 0xFF or zeros.
    let (stream, t) = small_stream();
    let sos = stream.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let header_end = sos + 2 + usize::from(u16::from_be_bytes([stream[sos + 2], stream[sos + 3]]));
    for fill in [0x00, 0xFF] {
        let bad = [&stream[..header_end], &[fill; 64][..]].concat();
        assert!(decode(&bad, &t).is_err());
    }
}

#[test]
fn header_disagreement_is_a_mismatch() {
    let (stream, t) = small_stream();
    let cases = [
        Target { rows: 10, ..t },
        Target { columns: 10, ..t },
        Target { samples: 1, ..t },
    ];
    for wrong in cases {
        assert!(
            matches!(decode(&stream, &wrong), Err(JpegLsError::Mismatch { .. })),
            "{wrong:?}"
        );
    }
    let stream = encode(&[1000, 2], 1, 2, 1, &options(12, 0, 0));
    assert!(matches!(
        decode(&stream, &target(1, 2, 1, 8)),
        Err(JpegLsError::Mismatch {
            what: "sample precision",
            ..
        })
    ));
    let e = decode(&stream, &target(2, 2, 1, 12)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the stream's rows is 1 but the DICOM header says 2"
    );
}

#[test]
fn unsupported_features_say_so() {
    let pixels = image(4, 4, 1, 255, 1);
    let stream = encode(&pixels, 4, 4, 1, &options(8, 0, 0));
    let t = target(4, 4, 1, 8);
    let sos = stream.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let unsupported =
        |bytes: &[u8]| matches!(decode(bytes, &t), Err(JpegLsError::Unsupported { .. }));
    // Point transform (low nibble of the SOS's last byte).
    let mut pt = stream.clone();
    pt[sos + 9] = 1;
    assert!(unsupported(&pt));
    // Mapping table selector.
    let mut table = stream.clone();
    table[sos + 6] = 1;
    assert!(unsupported(&table));
    // Subsampled component.
    let mut sub = stream.clone();
    sub[13] = 0x21;
    assert!(unsupported(&sub));
    // HP colour transform.
    let app8 = [0xFF, 0xE8, 0, 7, b'm', b'r', b'f', b'x', 1];
    assert!(unsupported(
        &[&stream[..2], &app8[..], &stream[2..]].concat()
    ));
    // Another JPEG process.
    let mut sof3 = stream;
    sof3[3] = 0xC3;
    assert!(unsupported(&sof3));
}

#[test]
fn wrong_restart_marker_is_an_error() {
    let pixels = image(6, 5, 1, 255, 2);
    let o = Options {
        restart: 2,
        ..options(8, 0, 0)
    };
    let mut stream = encode(&pixels, 6, 5, 1, &o);
    let t = target(6, 5, 1, 8);
    assert_eq!(values(&decode(&stream, &t).unwrap(), 1), pixels);
    let rst1 = stream.windows(2).rposition(|w| w == [0xFF, 0xD1]).unwrap();
    stream[rst1 + 1] = 0xD3;
    assert_eq!(
        decode(&stream, &t),
        Err(JpegLsError::BadMarker { marker: 0xD3 })
    );
}
