//! pydicom's own pixel reference values, ported from `tests/pixels/pixels_reference.py` of
//! the pydicom 3.0.2 sdist (fetched to `pydicom-src/` by `scripts/fetch-test-data.sh`).
//!
//! Each table below is one `PixelReference` there, named as in pydicom, and holds the values
//! its `test` function asserts, as `(frame, row, col, sample, value)`: 0-based, pydicom's
//! negative indices and open slices resolved against the image size, one entry per asserted
//! element (pydicom's arrays are `[frames, rows, cols, samples]`, without the frame axis for
//! one frame and the sample axis for one sample). `min`/`max` assertions over a row or the whole
//! array are kept as spans. Where pydicom's expected values depend on the decoding plugin
//! (Pillow/GDCM versus pylibjpeg), each plugin's whole set is in `any_of` instead of `values`:
//! radscreen must match one of those sets.
//!
//! pydicom's tests call the decoders with `raw=True`, so most values are stored values without
//! colour conversion; see [`Stage`] for how each table is compared. References whose test is
//! "equals the decode of another file" (`np.array_equal` / `np.allclose(atol=1)`) are in the
//! twin tests at the end, with the other lossless-encoding twins found in the data.
//!
//! Not ported: `EXPL_32_1F_FLOAT` and `EXPL_64_1F_DOUBLE_FLOAT` (Float/Double Float Pixel Data:
//! the files are not in the fetched data, and radscreen has no floating-point stored stage).

mod common;

use std::collections::HashMap;
use std::ops::Range;

use ndarray::Array3;
use radscreen_dicom::{DicomImage, StoredFrame};

/// Which radscreen output a table is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// `stored()`: pydicom's `raw=True` array (no colour-space conversion).
    Stored,
    /// `rgb()` × (2^BitsStored − 1), rounded: pydicom's `as_rgb=True` array.
    Rgb,
    /// JPEG stored as YBR_FULL(_422): pydicom's `raw=True` values are the codec's YCbCr, while
    /// radscreen's JPEG codec hands over RGB. The table keeps pydicom's YCbCr; the checker
    /// converts each pixel with pydicom's own YBR_FULL → RGB (`_convert_YBR_FULL_to_RGB`, what
    /// `ds.pixel_array` applies by default) and compares with `rgb()` × 255.
    JpegYbr,
}
use Stage::*;

/// One asserted value: `(frame, row, col, sample, value)`.
type Px = (u32, usize, usize, usize, i64);

#[derive(Debug, Clone, Copy)]
enum Ext {
    Min,
    Max,
}
use Ext::*;

#[derive(Debug, Clone)]
enum Block {
    /// `arr[frame, row, cols]`.
    Row(u32, usize, Range<usize>),
    /// The whole array, every frame.
    All,
}
use Block::*;

/// `block.min()` or `block.max()` equals the value.
type Span = (Ext, Block, i64);

/// One pydicom `PixelReference`: a file and what its `test` function asserts.
struct Reference {
    file: &'static str,
    stage: Stage,
    /// Values pydicom expects from every decoding plugin.
    values: &'static [Px],
    /// Where pydicom expects different values per decoding plugin: `(plugins, values)`, one
    /// set of which must match.
    any_of: &'static [(&'static str, &'static [Px])],
    spans: &'static [Span],
    /// Largest allowed |ours − pydicom|: 0, except 1 for lossy JPEG (Baseline, Extended), whose
    /// inverse DCT is not bit-exact across conforming decoders (pydicom's own expected values
    /// differ by 1 between Pillow/GDCM and pylibjpeg there).
    tol: i64,
}

const REFERENCE: Reference = Reference {
    file: "",
    stage: Stored,
    values: &[],
    any_of: &[],
    spans: &[],
    tol: 0,
};

// ---------------------------------------------------------------------------------------------
// The checker
// ---------------------------------------------------------------------------------------------

/// One decoded frame in the stage a table is compared in.
enum Frame {
    Stored(StoredFrame),
    /// `rgb()` and the scale `2^BitsStored - 1`.
    Rgb(Array3<f32>, f64),
}

impl Frame {
    fn get(&self, row: usize, col: usize, sample: usize) -> Option<i64> {
        match self {
            Frame::Stored(s) => s.get(row, col, sample),
            Frame::Rgb(a, max) => a
                .get((row, col, sample))
                .map(|&v| (f64::from(v) * max).round() as i64),
        }
    }

    fn dim(&self) -> (usize, usize, usize) {
        match self {
            Frame::Stored(s) => s.dim(),
            Frame::Rgb(a, _) => a.dim(),
        }
    }
}

/// Frames of one file, decoded on first use.
struct Decoded {
    file: &'static str,
    img: DicomImage,
    stage: Stage,
    frames: HashMap<u32, Result<Frame, String>>,
}

impl Decoded {
    fn open(file: &'static str, stage: Stage) -> Self {
        let img = DicomImage::open(common::find_test_file(file))
            .unwrap_or_else(|e| panic!("{file}: open: {e}"));
        Decoded {
            file,
            img,
            stage,
            frames: HashMap::new(),
        }
    }

    fn frame(&mut self, frame: u32) -> Result<&Frame, String> {
        let (img, stage) = (&self.img, self.stage);
        self.frames
            .entry(frame)
            .or_insert_with(|| {
                let decoded = match stage {
                    Stored => img.stored(frame).map(Frame::Stored),
                    Rgb | JpegYbr => img.rgb(frame).map(|a| {
                        let bits = img.pixel_info().expect("decoded above").bits_stored;
                        Frame::Rgb(a, ((1u64 << bits) - 1) as f64)
                    }),
                };
                decoded.map_err(|e| format!("frame {frame}: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn frame_count(&self) -> u32 {
        self.img
            .frames()
            .unwrap_or_else(|e| panic!("{}: frames: {e}", self.file))
    }
}

/// pydicom's `_convert_YBR_FULL_to_RGB` for one 8-bit pixel: float32 matrix product, then
/// `floor(x + 0.5)` and clipping to 0..=255.
fn pydicom_ybr_to_rgb([y, cb, cr]: [i64; 3]) -> [i64; 3] {
    let m = [
        [1.0, 1.0, 1.0],
        [0.0, -0.114 * 1.772 / 0.587, 1.772],
        [1.402, -0.299 * 1.402 / 0.587, 0.0],
    ]
    .map(|row: [f64; 3]| row.map(|v| v as f32));
    let v = [y as f32, cb as f32 - 128.0, cr as f32 - 128.0];
    std::array::from_fn(|j| {
        let x = v[0] * m[0][j] + v[1] * m[1][j] + v[2] * m[2][j];
        (x + 0.5).floor().clamp(0.0, 255.0) as i64
    })
}

/// What to compare: `(frame, row, col, sample, expected, how pydicom states it)`.
fn expectations(stage: Stage, values: &[Px]) -> Vec<(u32, usize, usize, usize, i64, String)> {
    if stage != JpegYbr {
        return values
            .iter()
            .map(|&(f, r, c, s, v)| (f, r, c, s, v, v.to_string()))
            .collect();
    }
    values
        .chunks(3)
        .flat_map(|px| {
            let (f, r, c) = (px[0].0, px[0].1, px[0].2);
            assert!(
                px.len() == 3
                    && px
                        .iter()
                        .enumerate()
                        .all(|(s, p)| (p.0, p.1, p.2, p.3) == (f, r, c, s)),
                "JpegYbr tables list whole pixels, samples 0, 1, 2: {px:?}"
            );
            let ybr = [px[0].4, px[1].4, px[2].4];
            let rgb = pydicom_ybr_to_rgb(ybr);
            (0..3).map(move |s| (f, r, c, s, rgb[s], format!("{} (YCbCr {ybr:?})", rgb[s])))
        })
        .collect()
}

/// Differences between radscreen and `values`, one line each.
fn compare(d: &mut Decoded, values: &[Px], tol: i64) -> Vec<String> {
    let mut bad = Vec::new();
    for (f, r, c, s, want, pydicom) in expectations(d.stage, values) {
        let at = format!("frame {f} (row {r}, col {c}) sample {s}");
        match d.frame(f) {
            Err(e) => bad.push(format!("{at}: {e}")),
            Ok(frame) => match frame.get(r, c, s) {
                Some(v) if (v - want).abs() <= tol => {}
                Some(v) => bad.push(format!("{at}: ours {v}, pydicom {pydicom}")),
                None => bad.push(format!("{at}: outside our frame {:?}", frame.dim())),
            },
        }
    }
    bad
}

fn compare_span(d: &mut Decoded, (ext, block, want): &Span) -> Option<String> {
    let (frames, rows, cols) = match block {
        Row(f, r, cols) => (*f..*f + 1, *r..*r + 1, Some(cols.clone())),
        All => (0..d.frame_count(), 0..usize::MAX, None),
    };
    let mut found: Option<i64> = None;
    for f in frames {
        let frame = match d.frame(f) {
            Ok(frame) => frame,
            Err(e) => return Some(format!("{block:?}: {e}")),
        };
        let (nr, nc, ns) = frame.dim();
        let cols = cols.clone().unwrap_or(0..nc);
        if rows.start >= nr || cols.end > nc {
            return Some(format!("{block:?}: outside our frame {:?}", frame.dim()));
        }
        for r in rows.start..rows.end.min(nr) {
            for c in cols.clone() {
                for s in 0..ns {
                    let v = frame.get(r, c, s).expect("in range");
                    found = Some(match (ext, found) {
                        (_, None) => v,
                        (Min, Some(m)) => m.min(v),
                        (Max, Some(m)) => m.max(v),
                    });
                }
            }
        }
    }
    (found != Some(*want)).then(|| format!("{ext:?} of {block:?}: ours {found:?}, pydicom {want}"))
}

fn check(name: &str, r: &Reference) {
    let mut d = Decoded::open(r.file, r.stage);
    let mut bad = compare(&mut d, r.values, r.tol);
    bad.extend(r.spans.iter().filter_map(|span| compare_span(&mut d, span)));
    if !r.any_of.is_empty() {
        let tries: Vec<(&str, Vec<String>)> = r
            .any_of
            .iter()
            .map(|(plugins, values)| (*plugins, compare(&mut d, values, r.tol)))
            .collect();
        if tries.iter().all(|(_, b)| !b.is_empty()) {
            for (plugins, b) in tries {
                bad.extend(
                    b.into_iter()
                        .map(|line| format!("[as pydicom with {plugins}] {line}")),
                );
            }
        }
    }
    let asserted =
        r.values.len() + r.spans.len() + r.any_of.iter().map(|(_, v)| v.len()).sum::<usize>();
    assert!(
        bad.is_empty(),
        "{} ({name}, {:?}, tolerance {}): {} of {asserted} asserted values differ:\n  {}",
        r.file,
        r.stage,
        r.tol,
        bad.len(),
        bad.join("\n  ")
    );
}

macro_rules! reference_tests {
    ($($(#[$attr:meta])* $test:ident: $table:ident,)*) => {$(
        $(#[$attr])*
        #[test]
        fn $test() {
            check(stringify!($table), &$table);
        }
    )*};
}

// ---------------------------------------------------------------------------------------------
// The tables: extracted mechanically from pixels_reference.py (every `assert` of each `test`),
// and cross-checked against the arrays pydicom decoded (reference/stored/*.npy)
// ---------------------------------------------------------------------------------------------

/// pydicom `EXPL_1_1_1F` (dtype `u1`)
/// (EXPL, (1, 1), (1, 512, 512, 1), OB, MONOCHROME2, 0)
#[rustfmt::skip]
const EXPL_1_1_1F: Reference = Reference {
    file: "liver_1frame.dcm",
    values: &[
        (0, 155, 180, 0, 0), (0, 155, 181, 0, 1), (0, 155, 182, 0, 1),
        (0, 155, 310, 0, 1), (0, 155, 311, 0, 0), (0, 155, 312, 0, 1), (0, 155, 313, 0, 0),
        (0, 254, 78, 0, 0), (0, 254, 79, 0, 1), (0, 254, 80, 0, 1),
        (0, 254, 304, 0, 1), (0, 254, 305, 0, 0), (0, 254, 306, 0, 0), (0, 254, 307, 0, 1),
        (0, 254, 308, 0, 1), (0, 254, 309, 0, 0),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_1_1_3F` (dtype `u1`)
/// (EXPL, (1, 1), (3, 512, 512, 1), OB, MONOCHROME2, 0)
#[rustfmt::skip]
const EXPL_1_1_3F: Reference = Reference {
    file: "liver.dcm",
    values: &[
        (0, 0, 0, 0, 0),
        (0, 155, 180, 0, 0), (0, 155, 181, 0, 1), (0, 155, 182, 0, 1),
        (0, 155, 310, 0, 1), (0, 155, 311, 0, 0), (0, 155, 312, 0, 1), (0, 155, 313, 0, 0),
        (0, 254, 78, 0, 0), (0, 254, 79, 0, 1), (0, 254, 80, 0, 1),
        (0, 254, 304, 0, 1), (0, 254, 305, 0, 0), (0, 254, 306, 0, 0), (0, 254, 307, 0, 1),
        (0, 254, 308, 0, 1), (0, 254, 309, 0, 0),
        (1, 256, 256, 0, 1),
        (1, 146, 253, 0, 0), (1, 146, 254, 0, 1), (1, 146, 255, 0, 1), (1, 146, 256, 0, 1),
        (1, 146, 257, 0, 1), (1, 146, 258, 0, 1), (1, 146, 259, 0, 0), (1, 146, 260, 0, 1),
        (2, 511, 511, 0, 0),
        (2, 147, 248, 0, 0), (2, 147, 249, 0, 1), (2, 147, 250, 0, 0), (2, 147, 251, 0, 1),
        (2, 147, 252, 0, 1), (2, 147, 253, 0, 1),
        (2, 147, 260, 0, 1), (2, 147, 261, 0, 0), (2, 147, 262, 0, 1), (2, 147, 263, 0, 0),
        (2, 147, 264, 0, 1), (2, 147, 265, 0, 1),
        (2, 364, 137, 0, 0), (2, 364, 138, 0, 1), (2, 364, 139, 0, 0), (2, 364, 140, 0, 1),
        (2, 364, 141, 0, 1), (2, 364, 142, 0, 0), (2, 364, 143, 0, 0), (2, 364, 144, 0, 1),
        (2, 364, 152, 0, 1), (2, 364, 153, 0, 0), (2, 364, 154, 0, 0), (2, 364, 155, 0, 1),
        (2, 364, 156, 0, 0),
    ],
    spans: &[
        (Max, All, 1),
        (Min, All, 0),
        (Max, Row(1, 146, 0..254), 0),
        (Max, Row(1, 146, 261..512), 0),
        (Max, Row(1, 210, 0..97), 0),
        (Max, Row(1, 210, 97..350), 1),
        (Max, Row(1, 210, 350..512), 0),
        (Max, Row(2, 147, 0..249), 0),
        (Max, Row(2, 147, 283..512), 0),
        (Max, Row(2, 364, 0..138), 0),
        (Max, Row(2, 364, 157..512), 0),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_1_1_3F_NONALIGNED` (dtype `u1`)
/// (EXPL, (1, 1), (3, 512, 512, 1), OB, MONOCHROME2, 0)
#[rustfmt::skip]
const EXPL_1_1_3F_NONALIGNED: Reference = Reference {
    file: "liver_nonbyte_aligned.dcm",
    values: &[
        (0, 0, 0, 0, 0),
        (0, 155, 180, 0, 0), (0, 155, 181, 0, 1), (0, 155, 182, 0, 1),
        (0, 155, 310, 0, 1), (0, 155, 311, 0, 0), (0, 155, 312, 0, 1), (0, 155, 313, 0, 0),
        (0, 254, 78, 0, 0), (0, 254, 79, 0, 1), (0, 254, 80, 0, 1),
        (0, 254, 304, 0, 1), (0, 254, 305, 0, 0), (0, 254, 306, 0, 0), (0, 254, 307, 0, 1),
        (0, 254, 308, 0, 1), (0, 254, 309, 0, 0),
        (1, 256, 256, 0, 1),
        (1, 146, 253, 0, 0), (1, 146, 254, 0, 1), (1, 146, 255, 0, 1), (1, 146, 256, 0, 1),
        (1, 146, 257, 0, 1), (1, 146, 258, 0, 1), (1, 146, 259, 0, 0), (1, 146, 260, 0, 1),
        (2, 511, 511, 0, 0),
        (2, 147, 248, 0, 0), (2, 147, 249, 0, 1), (2, 147, 250, 0, 0), (2, 147, 251, 0, 1),
        (2, 147, 252, 0, 1), (2, 147, 253, 0, 1),
        (2, 147, 260, 0, 1), (2, 147, 261, 0, 0), (2, 147, 262, 0, 1), (2, 147, 263, 0, 0),
        (2, 147, 264, 0, 1), (2, 147, 265, 0, 1),
        (2, 364, 137, 0, 0), (2, 364, 138, 0, 1), (2, 364, 139, 0, 0), (2, 364, 140, 0, 1),
        (2, 364, 141, 0, 1), (2, 364, 142, 0, 0), (2, 364, 143, 0, 0), (2, 364, 144, 0, 1),
        (2, 364, 152, 0, 1), (2, 364, 153, 0, 0), (2, 364, 154, 0, 0), (2, 364, 155, 0, 1),
        (2, 364, 156, 0, 0),
    ],
    spans: &[
        (Max, All, 1),
        (Min, All, 0),
        (Max, Row(1, 146, 0..254), 0),
        (Max, Row(1, 146, 261..512), 0),
        (Max, Row(1, 210, 0..97), 0),
        (Max, Row(1, 210, 97..350), 1),
        (Max, Row(1, 210, 350..512), 0),
        (Max, Row(2, 147, 0..249), 0),
        (Max, Row(2, 147, 283..512), 0),
        (Max, Row(2, 364, 0..138), 0),
        (Max, Row(2, 364, 157..512), 0),
    ],
    ..REFERENCE
};

/// pydicom `DEFL_8_1_1F` (dtype `u1`)
/// (DEFL, (8, 8), (1, 512, 512, 1), OB, MONOCHROME2, 0)
#[rustfmt::skip]
const DEFL_8_1_1F: Reference = Reference {
    file: "image_dfl.dcm",
    values: &[
        (0, 300, 255, 0, 138), (0, 300, 256, 0, 65), (0, 300, 257, 0, 65), (0, 300, 258, 0, 65),
        (0, 300, 259, 0, 65), (0, 300, 260, 0, 35), (0, 300, 261, 0, 35), (0, 300, 262, 0, 35),
    ],
    spans: &[
        (Min, Row(0, 10, 0..512), 41),
        (Max, Row(0, 10, 0..512), 255),
        (Min, Row(0, 500, 0..512), 65),
        (Max, Row(0, 500, 0..512), 219),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_8_1_1F` (dtype `u1`)
/// (EXPL, (8, 8), (1, 600, 800, 1), OW, PALETTE COLOR, 0)
#[rustfmt::skip]
const EXPL_8_1_1F: Reference = Reference {
    file: "OBXXXX1A.dcm",
    values: &[
        (0, 300, 491, 0, 1), (0, 300, 492, 0, 246), (0, 300, 493, 0, 1),
    ],
    spans: &[
        (Min, Row(0, 0, 0..800), 244),
        (Max, Row(0, 0, 0..800), 244),
        (Min, Row(0, 599, 0..800), 0),
        (Max, Row(0, 599, 0..800), 0),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_8_1_2F` (dtype `u1`)
/// (EXPL, (8, 8), (2, 600, 800, 1), OW, PALETTE COLOR, "u1")
#[rustfmt::skip]
const EXPL_8_1_2F: Reference = Reference {
    file: "OBXXXX1A_2frame.dcm",
    values: &[
        (0, 300, 491, 0, 1), (0, 300, 492, 0, 246), (0, 300, 493, 0, 1),
        (1, 300, 491, 0, 254), (1, 300, 492, 0, 9), (1, 300, 493, 0, 254),
    ],
    spans: &[
        (Min, Row(0, 0, 0..800), 244),
        (Max, Row(0, 0, 0..800), 244),
        (Min, Row(0, 599, 0..800), 0),
        (Max, Row(0, 599, 0..800), 0),
        (Min, Row(1, 0, 0..800), 11),
        (Max, Row(1, 0, 0..800), 11),
        (Min, Row(1, 599, 0..800), 255),
        (Max, Row(1, 599, 0..800), 255),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_8_3_1F` (dtype `u1`)
/// (EXPL, (8, 8), (1, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPL_8_3_1F: Reference = Reference {
    file: "SC_rgb.dcm",
    values: &[
        (0, 5, 50, 0, 255), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 255), (0, 15, 50, 1, 128), (0, 15, 50, 2, 128),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 255), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 128), (0, 35, 50, 1, 255), (0, 35, 50, 2, 128),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 255),
        (0, 55, 50, 0, 128), (0, 55, 50, 1, 128), (0, 55, 50, 2, 255),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 64), (0, 75, 50, 2, 64),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 192), (0, 85, 50, 2, 192),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 255), (0, 95, 50, 2, 255),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_8_3_1F_ODD` (dtype `u1`)
/// (EXPL, (8, 8), (1, 3, 3, 3), OW, RGB, 0)
#[rustfmt::skip]
const EXPL_8_3_1F_ODD: Reference = Reference {
    file: "SC_rgb_small_odd.dcm",
    values: &[
        (0, 0, 0, 0, 166), (0, 0, 0, 1, 141), (0, 0, 0, 2, 52),
        (0, 0, 1, 0, 166), (0, 0, 1, 1, 141), (0, 0, 1, 2, 52),
        (0, 0, 2, 0, 166), (0, 0, 2, 1, 141), (0, 0, 2, 2, 52),
        (0, 1, 0, 0, 63), (0, 1, 0, 1, 87), (0, 1, 0, 2, 176),
        (0, 1, 1, 0, 63), (0, 1, 1, 1, 87), (0, 1, 1, 2, 176),
        (0, 1, 2, 0, 63), (0, 1, 2, 1, 87), (0, 1, 2, 2, 176),
        (0, 2, 0, 0, 158), (0, 2, 0, 1, 158), (0, 2, 0, 2, 158),
        (0, 2, 1, 0, 158), (0, 2, 1, 1, 158), (0, 2, 1, 2, 158),
        (0, 2, 2, 0, 158), (0, 2, 2, 1, 158), (0, 2, 2, 2, 158),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_8_3_1F_YBR422` (dtype `u1`)
/// (EXPL, (8, 8), (1, 100, 100, 3), OB, YBR_FULL_422, 0)
#[rustfmt::skip]
const EXPL_8_3_1F_YBR422: Reference = Reference {
    file: "SC_ybr_full_422_uncompressed.dcm",
    values: &[
        (0, 5, 50, 0, 76), (0, 5, 50, 1, 85), (0, 5, 50, 2, 255),
        (0, 15, 50, 0, 166), (0, 15, 50, 1, 106), (0, 15, 50, 2, 193),
        (0, 25, 50, 0, 150), (0, 25, 50, 1, 46), (0, 25, 50, 2, 20),
        (0, 35, 50, 0, 203), (0, 35, 50, 1, 86), (0, 35, 50, 2, 75),
        (0, 45, 50, 0, 29), (0, 45, 50, 1, 255), (0, 45, 50, 2, 107),
        (0, 55, 50, 0, 142), (0, 55, 50, 1, 193), (0, 55, 50, 2, 118),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 128), (0, 65, 50, 2, 128),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 128), (0, 75, 50, 2, 128),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 128), (0, 85, 50, 2, 128),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 128), (0, 95, 50, 2, 128),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_8_3_1F_YBR` (dtype `u1`)
/// (EXPL, (8, 8),  (1, 100, 100, 3), OB, YBR_FULL, 0)
#[rustfmt::skip]
const EXPL_8_3_1F_YBR: Reference = Reference {
    file: "SC_ybr_full_uncompressed.dcm",
    values: &[
        (0, 5, 50, 0, 76), (0, 5, 50, 1, 85), (0, 5, 50, 2, 255),
        (0, 15, 50, 0, 166), (0, 15, 50, 1, 106), (0, 15, 50, 2, 193),
        (0, 25, 50, 0, 150), (0, 25, 50, 1, 46), (0, 25, 50, 2, 20),
        (0, 35, 50, 0, 203), (0, 35, 50, 1, 86), (0, 35, 50, 2, 75),
        (0, 45, 50, 0, 29), (0, 45, 50, 1, 255), (0, 45, 50, 2, 107),
        (0, 55, 50, 0, 142), (0, 55, 50, 1, 193), (0, 55, 50, 2, 118),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 128), (0, 65, 50, 2, 128),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 128), (0, 75, 50, 2, 128),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 128), (0, 85, 50, 2, 128),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 128), (0, 95, 50, 2, 128),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_8_3_1F_YBR` (dtype `u1`)
/// (EXPL, (8, 8),  (1, 100, 100, 3), OB, YBR_FULL, 0)
/// The `as_rgb=True` branch of that test.
#[rustfmt::skip]
const EXPL_8_3_1F_YBR_AS_RGB: Reference = Reference {
    file: "SC_ybr_full_uncompressed.dcm",
    stage: Rgb,
    values: &[
        (0, 5, 50, 0, 254), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 255), (0, 15, 50, 1, 127), (0, 15, 50, 2, 127),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 255), (0, 25, 50, 2, 5),
        (0, 35, 50, 0, 129), (0, 35, 50, 1, 255), (0, 35, 50, 2, 129),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 254),
        (0, 55, 50, 0, 128), (0, 55, 50, 1, 127), (0, 55, 50, 2, 255),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 64), (0, 75, 50, 2, 64),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 192), (0, 85, 50, 2, 192),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 255), (0, 95, 50, 2, 255),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_8_3_2F` (dtype `u1`)
/// (EXPL, (8, 8), (2, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPL_8_3_2F: Reference = Reference {
    file: "SC_rgb_2frame.dcm",
    values: &[
        (0, 5, 50, 0, 255), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 255), (0, 15, 50, 1, 128), (0, 15, 50, 2, 128),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 255), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 128), (0, 35, 50, 1, 255), (0, 35, 50, 2, 128),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 255),
        (0, 55, 50, 0, 128), (0, 55, 50, 1, 128), (0, 55, 50, 2, 255),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 64), (0, 75, 50, 2, 64),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 192), (0, 85, 50, 2, 192),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 255), (0, 95, 50, 2, 255),
        (1, 5, 50, 0, 0), (1, 5, 50, 1, 255), (1, 5, 50, 2, 255),
        (1, 15, 50, 0, 0), (1, 15, 50, 1, 127), (1, 15, 50, 2, 127),
        (1, 25, 50, 0, 255), (1, 25, 50, 1, 0), (1, 25, 50, 2, 255),
        (1, 35, 50, 0, 127), (1, 35, 50, 1, 0), (1, 35, 50, 2, 127),
        (1, 45, 50, 0, 255), (1, 45, 50, 1, 255), (1, 45, 50, 2, 0),
        (1, 55, 50, 0, 127), (1, 55, 50, 1, 127), (1, 55, 50, 2, 0),
        (1, 65, 50, 0, 255), (1, 65, 50, 1, 255), (1, 65, 50, 2, 255),
        (1, 75, 50, 0, 191), (1, 75, 50, 1, 191), (1, 75, 50, 2, 191),
        (1, 85, 50, 0, 63), (1, 85, 50, 1, 63), (1, 85, 50, 2, 63),
        (1, 95, 50, 0, 0), (1, 95, 50, 1, 0), (1, 95, 50, 2, 0),
    ],
    ..REFERENCE
};

/// pydicom `IMPL_08_08_3_0_1F_RGB` (dtype `u1`)
/// (IMPL, (8, 8), (1, 256, 256, 3), OW, RGB, 0)
#[rustfmt::skip]
const IMPL_08_08_3_0_1F_RGB: Reference = Reference {
    file: "SC_rgb_jpeg_dcmd.dcm",
    values: &[
        (0, 29, 77, 0, 240), (0, 29, 77, 1, 243), (0, 29, 77, 2, 246),
        (0, 29, 78, 0, 214), (0, 29, 78, 1, 210), (0, 29, 78, 2, 213),
        (0, 29, 79, 0, 150), (0, 29, 79, 1, 134), (0, 29, 79, 2, 134),
        (0, 29, 80, 0, 244), (0, 29, 80, 1, 244), (0, 29, 80, 2, 244),
        (0, 224, 253, 0, 231), (0, 224, 253, 1, 236), (0, 224, 253, 2, 238),
        (0, 225, 253, 0, 190), (0, 225, 253, 1, 175), (0, 225, 253, 2, 178),
        (0, 226, 253, 0, 215), (0, 226, 253, 1, 200), (0, 226, 253, 2, 202),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_16_16_1F` (dtype `i2`)
/// (EXPL, (16, 16), (1, 128, 128, 1), OW, MONOCHROME2, 1)
#[rustfmt::skip]
const EXPL_16_16_1F: Reference = Reference {
    file: "CT_small.dcm",
    values: &[
        (0, 24, 36, 0, 520), (0, 24, 37, 0, 802), (0, 24, 38, 0, 930), (0, 24, 39, 0, 1008),
        (0, 40, 40, 0, 1138), (0, 41, 40, 0, 1165), (0, 42, 40, 0, 1113), (0, 43, 40, 0, 1088),
        (0, 44, 40, 0, 1072),
    ],
    ..REFERENCE
};

/// pydicom `IMPL_16_1_1F` (dtype `<i2`)
/// (IMPL, (16, 16), (1, 64, 64, 1), OW, MONOCHROME2, 1)
#[rustfmt::skip]
const IMPL_16_1_1F: Reference = Reference {
    file: "MR_small_implicit.dcm",
    values: &[
        (0, 0, 31, 0, 422), (0, 0, 32, 0, 319), (0, 0, 33, 0, 361),
        (0, 31, 0, 0, 366), (0, 31, 1, 0, 363), (0, 31, 2, 0, 322),
        (0, 63, 61, 0, 1369), (0, 63, 62, 0, 1129), (0, 63, 63, 0, 862),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_16_1_1F` (dtype `<i2`)
/// (EXPL, (16, 16), (1, 64, 64, 1), OW, MONOCHROME2, 1)
#[rustfmt::skip]
const EXPL_16_1_1F: Reference = Reference {
    file: "MR_small.dcm",
    values: &[
        (0, 0, 31, 0, 422), (0, 0, 32, 0, 319), (0, 0, 33, 0, 361),
        (0, 31, 0, 0, 366), (0, 31, 1, 0, 363), (0, 31, 2, 0, 322),
        (0, 63, 61, 0, 1369), (0, 63, 62, 0, 1129), (0, 63, 63, 0, 862),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_16_1_1F_PAD` (dtype `<i2`)
/// (EXPL, (16, 16), (1, 64, 64, 1), OW, MONOCHROME2, 1)
/// (Pixel Data with 128 bytes trailing padding)
#[rustfmt::skip]
const EXPL_16_1_1F_PAD: Reference = Reference {
    file: "MR_small_padded.dcm",
    values: &[
        (0, 0, 31, 0, 422), (0, 0, 32, 0, 319), (0, 0, 33, 0, 361),
        (0, 31, 0, 0, 366), (0, 31, 1, 0, 363), (0, 31, 2, 0, 322),
        (0, 63, 61, 0, 1369), (0, 63, 62, 0, 1129), (0, 63, 63, 0, 862),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_16_1_10F` (dtype `<u2`)
/// (EXPL, (16, 12), (10, 64, 64, 1), OW, MONOCHROME2, 0)
#[rustfmt::skip]
const EXPL_16_1_10F: Reference = Reference {
    file: "emri_small.dcm",
    values: &[
        (0, 0, 31, 0, 206), (0, 0, 32, 0, 197), (0, 0, 33, 0, 159),
        (0, 31, 0, 0, 49), (0, 31, 1, 0, 78), (0, 31, 2, 0, 128),
        (0, 63, 61, 0, 362), (0, 63, 62, 0, 219), (0, 63, 63, 0, 135),
        (4, 0, 31, 0, 67), (4, 0, 32, 0, 82), (4, 0, 33, 0, 44),
        (4, 31, 0, 0, 37), (4, 31, 1, 0, 41), (4, 31, 2, 0, 17),
        (4, 63, 61, 0, 225), (4, 63, 62, 0, 380), (4, 63, 63, 0, 355),
        (9, 0, 31, 0, 72), (9, 0, 32, 0, 86), (9, 0, 33, 0, 69),
        (9, 31, 0, 0, 25), (9, 31, 1, 0, 4), (9, 31, 2, 0, 9),
        (9, 63, 61, 0, 227), (9, 63, 62, 0, 300), (9, 63, 63, 0, 147),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_16_3_1F` (dtype `<u2`)
/// (EXPL, (16, 16), (1, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPL_16_3_1F: Reference = Reference {
    file: "SC_rgb_16bit.dcm",
    values: &[
        (0, 5, 50, 0, 65535), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 65535), (0, 15, 50, 1, 32896), (0, 15, 50, 2, 32896),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 65535), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 32896), (0, 35, 50, 1, 65535), (0, 35, 50, 2, 32896),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 65535),
        (0, 55, 50, 0, 32896), (0, 55, 50, 1, 32896), (0, 55, 50, 2, 65535),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 16448), (0, 75, 50, 1, 16448), (0, 75, 50, 2, 16448),
        (0, 85, 50, 0, 49344), (0, 85, 50, 1, 49344), (0, 85, 50, 2, 49344),
        (0, 95, 50, 0, 65535), (0, 95, 50, 1, 65535), (0, 95, 50, 2, 65535),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_16_3_2F` (dtype `<u2`)
/// (EXPL, (16, 16), (2, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPL_16_3_2F: Reference = Reference {
    file: "SC_rgb_16bit_2frame.dcm",
    values: &[
        (0, 5, 50, 0, 65535), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 65535), (0, 15, 50, 1, 32896), (0, 15, 50, 2, 32896),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 65535), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 32896), (0, 35, 50, 1, 65535), (0, 35, 50, 2, 32896),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 65535),
        (0, 55, 50, 0, 32896), (0, 55, 50, 1, 32896), (0, 55, 50, 2, 65535),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 16448), (0, 75, 50, 1, 16448), (0, 75, 50, 2, 16448),
        (0, 85, 50, 0, 49344), (0, 85, 50, 1, 49344), (0, 85, 50, 2, 49344),
        (0, 95, 50, 0, 65535), (0, 95, 50, 1, 65535), (0, 95, 50, 2, 65535),
        (1, 5, 50, 0, 0), (1, 5, 50, 1, 65535), (1, 5, 50, 2, 65535),
        (1, 15, 50, 0, 0), (1, 15, 50, 1, 32639), (1, 15, 50, 2, 32639),
        (1, 25, 50, 0, 65535), (1, 25, 50, 1, 0), (1, 25, 50, 2, 65535),
        (1, 35, 50, 0, 32639), (1, 35, 50, 1, 0), (1, 35, 50, 2, 32639),
        (1, 45, 50, 0, 65535), (1, 45, 50, 1, 65535), (1, 45, 50, 2, 0),
        (1, 55, 50, 0, 32639), (1, 55, 50, 1, 32639), (1, 55, 50, 2, 0),
        (1, 65, 50, 0, 65535), (1, 65, 50, 1, 65535), (1, 65, 50, 2, 65535),
        (1, 75, 50, 0, 49087), (1, 75, 50, 1, 49087), (1, 75, 50, 2, 49087),
        (1, 85, 50, 0, 16191), (1, 85, 50, 1, 16191), (1, 85, 50, 2, 16191),
        (1, 95, 50, 0, 0), (1, 95, 50, 1, 0), (1, 95, 50, 2, 0),
    ],
    ..REFERENCE
};

/// pydicom `IMPL_32_1_1F` (dtype `<u4`)
/// (IMPL, (32, 32), (1, 10, 10, 1), OW, MONOCHROME2, 0)
#[rustfmt::skip]
const IMPL_32_1_1F: Reference = Reference {
    file: "rtdose_1frame.dcm",
    values: &[
        (0, 0, 0, 0, 1249000), (0, 0, 1, 0, 1249000), (0, 0, 2, 0, 1250000),
        (0, 4, 3, 0, 1031000), (0, 4, 4, 0, 1029000), (0, 4, 5, 0, 1027000),
        (0, 9, 7, 0, 803000), (0, 9, 8, 0, 801000), (0, 9, 9, 0, 798000),
    ],
    ..REFERENCE
};

/// pydicom `IMPL_32_1_15F` (dtype `<u4`)
/// (IMPL, (32, 32), (15, 10, 10, 1), OW, MONOCHROME2,)
#[rustfmt::skip]
const IMPL_32_1_15F: Reference = Reference {
    file: "rtdose.dcm",
    values: &[
        (0, 0, 0, 0, 1249000), (0, 0, 1, 0, 1249000), (0, 0, 2, 0, 1250000),
        (0, 4, 3, 0, 1031000), (0, 4, 4, 0, 1029000), (0, 4, 5, 0, 1027000),
        (0, 9, 7, 0, 803000), (0, 9, 8, 0, 801000), (0, 9, 9, 0, 798000),
        (7, 0, 0, 0, 1253000), (7, 0, 1, 0, 1253000), (7, 0, 2, 0, 1249000),
        (7, 4, 3, 0, 1026000), (7, 4, 4, 0, 1023000), (7, 4, 5, 0, 1022000),
        (7, 9, 7, 0, 803000), (7, 9, 8, 0, 803000), (7, 9, 9, 0, 803000),
        (14, 0, 0, 0, 1249000), (14, 0, 1, 0, 1250000), (14, 0, 2, 0, 1251000),
        (14, 4, 3, 0, 1031000), (14, 4, 4, 0, 1031000), (14, 4, 5, 0, 1031000),
        (14, 9, 7, 0, 801000), (14, 9, 8, 0, 800000), (14, 9, 9, 0, 799000),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_32_3_1F` (dtype `<u4`)
/// (EXPL, (32, 32), (1, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPL_32_3_1F: Reference = Reference {
    file: "SC_rgb_32bit.dcm",
    values: &[
        (0, 5, 50, 0, 4294967295), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 4294967295), (0, 15, 50, 1, 2155905152), (0, 15, 50, 2, 2155905152),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 4294967295), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 2155905152), (0, 35, 50, 1, 4294967295), (0, 35, 50, 2, 2155905152),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 4294967295),
        (0, 55, 50, 0, 2155905152), (0, 55, 50, 1, 2155905152), (0, 55, 50, 2, 4294967295),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 1077952576), (0, 75, 50, 1, 1077952576), (0, 75, 50, 2, 1077952576),
        (0, 85, 50, 0, 3233857728), (0, 85, 50, 1, 3233857728), (0, 85, 50, 2, 3233857728),
        (0, 95, 50, 0, 4294967295), (0, 95, 50, 1, 4294967295), (0, 95, 50, 2, 4294967295),
    ],
    ..REFERENCE
};

/// pydicom `EXPL_32_3_2F` (dtype `<u4`)
/// (EXPL, (32, 32), (2, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPL_32_3_2F: Reference = Reference {
    file: "SC_rgb_32bit_2frame.dcm",
    values: &[
        (0, 5, 50, 0, 4294967295), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 4294967295), (0, 15, 50, 1, 2155905152), (0, 15, 50, 2, 2155905152),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 4294967295), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 2155905152), (0, 35, 50, 1, 4294967295), (0, 35, 50, 2, 2155905152),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 4294967295),
        (0, 55, 50, 0, 2155905152), (0, 55, 50, 1, 2155905152), (0, 55, 50, 2, 4294967295),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 1077952576), (0, 75, 50, 1, 1077952576), (0, 75, 50, 2, 1077952576),
        (0, 85, 50, 0, 3233857728), (0, 85, 50, 1, 3233857728), (0, 85, 50, 2, 3233857728),
        (0, 95, 50, 0, 4294967295), (0, 95, 50, 1, 4294967295), (0, 95, 50, 2, 4294967295),
        (1, 5, 50, 0, 0), (1, 5, 50, 1, 4294967295), (1, 5, 50, 2, 4294967295),
        (1, 15, 50, 0, 0), (1, 15, 50, 1, 2139062143), (1, 15, 50, 2, 2139062143),
        (1, 25, 50, 0, 4294967295), (1, 25, 50, 1, 0), (1, 25, 50, 2, 4294967295),
        (1, 35, 50, 0, 2139062143), (1, 35, 50, 1, 0), (1, 35, 50, 2, 2139062143),
        (1, 45, 50, 0, 4294967295), (1, 45, 50, 1, 4294967295), (1, 45, 50, 2, 0),
        (1, 55, 50, 0, 2139062143), (1, 55, 50, 1, 2139062143), (1, 55, 50, 2, 0),
        (1, 65, 50, 0, 4294967295), (1, 65, 50, 1, 4294967295), (1, 65, 50, 2, 4294967295),
        (1, 75, 50, 0, 3217014719), (1, 75, 50, 1, 3217014719), (1, 75, 50, 2, 3217014719),
        (1, 85, 50, 0, 1061109567), (1, 85, 50, 1, 1061109567), (1, 85, 50, 2, 1061109567),
        (1, 95, 50, 0, 0), (1, 95, 50, 1, 0), (1, 95, 50, 2, 0),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_1_1_1F` (dtype `u1`)
/// (EXPB, (1, 1), (1, 512, 512, 1), OB, MONOCHROME2, 0)
#[rustfmt::skip]
const EXPB_1_1_1F: Reference = Reference {
    file: "liver_expb_1frame.dcm",
    values: &[
        (0, 145, 250, 0, 0), (0, 145, 251, 0, 0), (0, 145, 252, 0, 0), (0, 145, 253, 0, 0),
        (0, 145, 254, 0, 1), (0, 145, 255, 0, 1), (0, 145, 256, 0, 1), (0, 145, 257, 0, 1),
        (0, 145, 258, 0, 1), (0, 145, 259, 0, 0),
    ],
    spans: &[
        (Min, All, 0),
        (Max, All, 1),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_1_1_3F` (dtype `u1`)
/// (EXPB, (1, 1), (3, 512, 512, 1), OB, MONOCHROME2, 0)
#[rustfmt::skip]
const EXPB_1_1_3F: Reference = Reference {
    file: "liver_expb.dcm",
    values: &[
        (0, 0, 0, 0, 0),
        (0, 155, 180, 0, 0), (0, 155, 181, 0, 1), (0, 155, 182, 0, 1),
        (0, 155, 310, 0, 1), (0, 155, 311, 0, 0), (0, 155, 312, 0, 1), (0, 155, 313, 0, 0),
        (0, 254, 78, 0, 0), (0, 254, 79, 0, 1), (0, 254, 80, 0, 1),
        (0, 254, 304, 0, 1), (0, 254, 305, 0, 0), (0, 254, 306, 0, 0), (0, 254, 307, 0, 1),
        (0, 254, 308, 0, 1), (0, 254, 309, 0, 0),
        (1, 256, 256, 0, 1),
        (1, 146, 253, 0, 0), (1, 146, 254, 0, 1), (1, 146, 255, 0, 1), (1, 146, 256, 0, 1),
        (1, 146, 257, 0, 1), (1, 146, 258, 0, 1), (1, 146, 259, 0, 0), (1, 146, 260, 0, 1),
        (2, 511, 511, 0, 0),
        (2, 147, 248, 0, 0), (2, 147, 249, 0, 1), (2, 147, 250, 0, 0), (2, 147, 251, 0, 1),
        (2, 147, 252, 0, 1), (2, 147, 253, 0, 1),
        (2, 147, 260, 0, 1), (2, 147, 261, 0, 0), (2, 147, 262, 0, 1), (2, 147, 263, 0, 0),
        (2, 147, 264, 0, 1), (2, 147, 265, 0, 1),
        (2, 364, 137, 0, 0), (2, 364, 138, 0, 1), (2, 364, 139, 0, 0), (2, 364, 140, 0, 1),
        (2, 364, 141, 0, 1), (2, 364, 142, 0, 0), (2, 364, 143, 0, 0), (2, 364, 144, 0, 1),
        (2, 364, 152, 0, 1), (2, 364, 153, 0, 0), (2, 364, 154, 0, 0), (2, 364, 155, 0, 1),
        (2, 364, 156, 0, 0),
    ],
    spans: &[
        (Max, All, 1),
        (Min, All, 0),
        (Max, Row(1, 146, 0..254), 0),
        (Max, Row(1, 146, 261..512), 0),
        (Max, Row(1, 210, 0..97), 0),
        (Max, Row(1, 210, 97..350), 1),
        (Max, Row(1, 210, 350..512), 0),
        (Max, Row(2, 147, 0..249), 0),
        (Max, Row(2, 147, 283..512), 0),
        (Max, Row(2, 364, 0..138), 0),
        (Max, Row(2, 364, 157..512), 0),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_8_1_1F` (dtype `u1`)
/// (EXPB, (8, 8), (1, 600, 800, 1), OW, PALETTE COLOR, 0)
#[rustfmt::skip]
const EXPB_8_1_1F: Reference = Reference {
    file: "OBXXXX1A_expb.dcm",
    values: &[
        (0, 300, 491, 0, 1), (0, 300, 492, 0, 246), (0, 300, 493, 0, 1),
    ],
    spans: &[
        (Min, Row(0, 0, 0..800), 244),
        (Max, Row(0, 0, 0..800), 244),
        (Min, Row(0, 599, 0..800), 0),
        (Max, Row(0, 599, 0..800), 0),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_8_1_2F` (dtype `u1`)
/// (EXPB, (8, 8), (2, 600, 800, 1), OW, PALETTE COLOR, 0)
#[rustfmt::skip]
const EXPB_8_1_2F: Reference = Reference {
    file: "OBXXXX1A_expb_2frame.dcm",
    values: &[
        (0, 300, 491, 0, 1), (0, 300, 492, 0, 246), (0, 300, 493, 0, 1),
        (1, 300, 491, 0, 254), (1, 300, 492, 0, 9), (1, 300, 493, 0, 254),
    ],
    spans: &[
        (Min, Row(0, 0, 0..800), 244),
        (Max, Row(0, 0, 0..800), 244),
        (Min, Row(0, 599, 0..800), 0),
        (Max, Row(0, 599, 0..800), 0),
        (Min, Row(1, 0, 0..800), 11),
        (Max, Row(1, 0, 0..800), 11),
        (Min, Row(1, 599, 0..800), 255),
        (Max, Row(1, 599, 0..800), 255),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_8_3_1F` (dtype `u1`)
/// (EXPB, (8, 8), (1, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPB_8_3_1F: Reference = Reference {
    file: "SC_rgb_expb.dcm",
    values: &[
        (0, 5, 50, 0, 255), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 255), (0, 15, 50, 1, 128), (0, 15, 50, 2, 128),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 255), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 128), (0, 35, 50, 1, 255), (0, 35, 50, 2, 128),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 255),
        (0, 55, 50, 0, 128), (0, 55, 50, 1, 128), (0, 55, 50, 2, 255),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 64), (0, 75, 50, 2, 64),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 192), (0, 85, 50, 2, 192),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 255), (0, 95, 50, 2, 255),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_8_3_1F_ODD` (dtype `u1`)
/// (EXPB, (8, 8), (1, 3, 3, 3), OW, RGB, 0)
#[rustfmt::skip]
const EXPB_8_3_1F_ODD: Reference = Reference {
    file: "SC_rgb_small_odd_big_endian.dcm",
    values: &[
        (0, 0, 0, 0, 166), (0, 0, 0, 1, 141), (0, 0, 0, 2, 52),
        (0, 1, 0, 0, 63), (0, 1, 0, 1, 87), (0, 1, 0, 2, 176),
        (0, 2, 0, 0, 158), (0, 2, 0, 1, 158), (0, 2, 0, 2, 158),
        (0, 2, 2, 0, 158), (0, 2, 2, 1, 158), (0, 2, 2, 2, 158),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_8_8_3_1F_RGB` (dtype `u1`)
/// (EXPB, (8, 8), (1, 60, 80, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPB_8_8_3_1F_RGB: Reference = Reference {
    file: "ExplVR_BigEnd.dcm",
    values: &[
        (0, 9, 3, 0, 171), (0, 9, 3, 1, 171), (0, 9, 3, 2, 171),
        (0, 9, 4, 0, 255), (0, 9, 4, 1, 255), (0, 9, 4, 2, 255),
        (0, 9, 5, 0, 255), (0, 9, 5, 1, 255), (0, 9, 5, 2, 0),
        (0, 58, 8, 0, 255), (0, 58, 8, 1, 236), (0, 58, 8, 2, 0),
        (0, 58, 9, 0, 255), (0, 58, 9, 1, 183), (0, 58, 9, 2, 0),
        (0, 58, 10, 0, 255), (0, 58, 10, 1, 175), (0, 58, 10, 2, 0),
        (0, 58, 11, 0, 255), (0, 58, 11, 1, 183), (0, 58, 11, 2, 0),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_8_3_2F` (dtype `u1`)
/// (EXPB, (8, 8), (2, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPB_8_3_2F: Reference = Reference {
    file: "SC_rgb_expb_2frame.dcm",
    values: &[
        (0, 5, 50, 0, 255), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 255), (0, 15, 50, 1, 128), (0, 15, 50, 2, 128),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 255), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 128), (0, 35, 50, 1, 255), (0, 35, 50, 2, 128),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 255),
        (0, 55, 50, 0, 128), (0, 55, 50, 1, 128), (0, 55, 50, 2, 255),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 64), (0, 75, 50, 2, 64),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 192), (0, 85, 50, 2, 192),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 255), (0, 95, 50, 2, 255),
        (1, 5, 50, 0, 0), (1, 5, 50, 1, 255), (1, 5, 50, 2, 255),
        (1, 15, 50, 0, 0), (1, 15, 50, 1, 127), (1, 15, 50, 2, 127),
        (1, 25, 50, 0, 255), (1, 25, 50, 1, 0), (1, 25, 50, 2, 255),
        (1, 35, 50, 0, 127), (1, 35, 50, 1, 0), (1, 35, 50, 2, 127),
        (1, 45, 50, 0, 255), (1, 45, 50, 1, 255), (1, 45, 50, 2, 0),
        (1, 55, 50, 0, 127), (1, 55, 50, 1, 127), (1, 55, 50, 2, 0),
        (1, 65, 50, 0, 255), (1, 65, 50, 1, 255), (1, 65, 50, 2, 255),
        (1, 75, 50, 0, 191), (1, 75, 50, 1, 191), (1, 75, 50, 2, 191),
        (1, 85, 50, 0, 63), (1, 85, 50, 1, 63), (1, 85, 50, 2, 63),
        (1, 95, 50, 0, 0), (1, 95, 50, 1, 0), (1, 95, 50, 2, 0),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_16_1_1F` (dtype `>i2`)
/// (EXPB, (16, 16), (1, 64, 64, 1), OW, MONOCHROME2, 1)
#[rustfmt::skip]
const EXPB_16_1_1F: Reference = Reference {
    file: "MR_small_expb.dcm",
    values: &[
        (0, 0, 31, 0, 422), (0, 0, 32, 0, 319), (0, 0, 33, 0, 361),
        (0, 31, 0, 0, 366), (0, 31, 1, 0, 363), (0, 31, 2, 0, 322),
        (0, 63, 61, 0, 1369), (0, 63, 62, 0, 1129), (0, 63, 63, 0, 862),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_16_1_10F` (dtype `>u2`)
/// (EXPB, (16, 12), (10, 64, 64, 1), OW, MONOCHROME2, 0)
#[rustfmt::skip]
const EXPB_16_1_10F: Reference = Reference {
    file: "emri_small_big_endian.dcm",
    values: &[
        (0, 0, 31, 0, 206), (0, 0, 32, 0, 197), (0, 0, 33, 0, 159),
        (0, 31, 0, 0, 49), (0, 31, 1, 0, 78), (0, 31, 2, 0, 128),
        (0, 63, 61, 0, 362), (0, 63, 62, 0, 219), (0, 63, 63, 0, 135),
        (4, 0, 31, 0, 67), (4, 0, 32, 0, 82), (4, 0, 33, 0, 44),
        (4, 31, 0, 0, 37), (4, 31, 1, 0, 41), (4, 31, 2, 0, 17),
        (4, 63, 61, 0, 225), (4, 63, 62, 0, 380), (4, 63, 63, 0, 355),
        (9, 0, 31, 0, 72), (9, 0, 32, 0, 86), (9, 0, 33, 0, 69),
        (9, 31, 0, 0, 25), (9, 31, 1, 0, 4), (9, 31, 2, 0, 9),
        (9, 63, 61, 0, 227), (9, 63, 62, 0, 300), (9, 63, 63, 0, 147),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_16_3_1F` (dtype `>u2`)
/// (EXPB, (16, 16), (1, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPB_16_3_1F: Reference = Reference {
    file: "SC_rgb_expb_16bit.dcm",
    values: &[
        (0, 5, 50, 0, 65535), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 65535), (0, 15, 50, 1, 32896), (0, 15, 50, 2, 32896),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 65535), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 32896), (0, 35, 50, 1, 65535), (0, 35, 50, 2, 32896),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 65535),
        (0, 55, 50, 0, 32896), (0, 55, 50, 1, 32896), (0, 55, 50, 2, 65535),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 16448), (0, 75, 50, 1, 16448), (0, 75, 50, 2, 16448),
        (0, 85, 50, 0, 49344), (0, 85, 50, 1, 49344), (0, 85, 50, 2, 49344),
        (0, 95, 50, 0, 65535), (0, 95, 50, 1, 65535), (0, 95, 50, 2, 65535),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_16_3_2F` (dtype `>u2`)
/// (EXPB, (16, 16), (2, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPB_16_3_2F: Reference = Reference {
    file: "SC_rgb_expb_16bit_2frame.dcm",
    values: &[
        (0, 5, 50, 0, 65535), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 65535), (0, 15, 50, 1, 32896), (0, 15, 50, 2, 32896),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 65535), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 32896), (0, 35, 50, 1, 65535), (0, 35, 50, 2, 32896),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 65535),
        (0, 55, 50, 0, 32896), (0, 55, 50, 1, 32896), (0, 55, 50, 2, 65535),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 16448), (0, 75, 50, 1, 16448), (0, 75, 50, 2, 16448),
        (0, 85, 50, 0, 49344), (0, 85, 50, 1, 49344), (0, 85, 50, 2, 49344),
        (0, 95, 50, 0, 65535), (0, 95, 50, 1, 65535), (0, 95, 50, 2, 65535),
        (1, 5, 50, 0, 0), (1, 5, 50, 1, 65535), (1, 5, 50, 2, 65535),
        (1, 15, 50, 0, 0), (1, 15, 50, 1, 32639), (1, 15, 50, 2, 32639),
        (1, 25, 50, 0, 65535), (1, 25, 50, 1, 0), (1, 25, 50, 2, 65535),
        (1, 35, 50, 0, 32639), (1, 35, 50, 1, 0), (1, 35, 50, 2, 32639),
        (1, 45, 50, 0, 65535), (1, 45, 50, 1, 65535), (1, 45, 50, 2, 0),
        (1, 55, 50, 0, 32639), (1, 55, 50, 1, 32639), (1, 55, 50, 2, 0),
        (1, 65, 50, 0, 65535), (1, 65, 50, 1, 65535), (1, 65, 50, 2, 65535),
        (1, 75, 50, 0, 49087), (1, 75, 50, 1, 49087), (1, 75, 50, 2, 49087),
        (1, 85, 50, 0, 16191), (1, 85, 50, 1, 16191), (1, 85, 50, 2, 16191),
        (1, 95, 50, 0, 0), (1, 95, 50, 1, 0), (1, 95, 50, 2, 0),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_32_1_1F` (dtype `>u4`)
/// (EXPB, (32, 32), (1, 10, 10, 1), OW, MONOCHROME2, 0)
#[rustfmt::skip]
const EXPB_32_1_1F: Reference = Reference {
    file: "rtdose_expb_1frame.dcm",
    values: &[
        (0, 0, 0, 0, 1249000), (0, 0, 1, 0, 1249000), (0, 0, 2, 0, 1250000),
        (0, 4, 3, 0, 1031000), (0, 4, 4, 0, 1029000), (0, 4, 5, 0, 1027000),
        (0, 9, 7, 0, 803000), (0, 9, 8, 0, 801000), (0, 9, 9, 0, 798000),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_32_1_15F` (dtype `>u4`)
/// (EXPB, (32, 32), (15, 10, 10, 1), OW, MONOCHROME2, 0)
#[rustfmt::skip]
const EXPB_32_1_15F: Reference = Reference {
    file: "rtdose_expb.dcm",
    values: &[
        (0, 0, 0, 0, 1249000), (0, 0, 1, 0, 1249000), (0, 0, 2, 0, 1250000),
        (0, 4, 3, 0, 1031000), (0, 4, 4, 0, 1029000), (0, 4, 5, 0, 1027000),
        (0, 9, 7, 0, 803000), (0, 9, 8, 0, 801000), (0, 9, 9, 0, 798000),
        (7, 0, 0, 0, 1253000), (7, 0, 1, 0, 1253000), (7, 0, 2, 0, 1249000),
        (7, 4, 3, 0, 1026000), (7, 4, 4, 0, 1023000), (7, 4, 5, 0, 1022000),
        (7, 9, 7, 0, 803000), (7, 9, 8, 0, 803000), (7, 9, 9, 0, 803000),
        (14, 0, 0, 0, 1249000), (14, 0, 1, 0, 1250000), (14, 0, 2, 0, 1251000),
        (14, 4, 3, 0, 1031000), (14, 4, 4, 0, 1031000), (14, 4, 5, 0, 1031000),
        (14, 9, 7, 0, 801000), (14, 9, 8, 0, 800000), (14, 9, 9, 0, 799000),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_32_3_1F` (dtype `>u4`)
/// (EXPB, (32, 32), (1, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPB_32_3_1F: Reference = Reference {
    file: "SC_rgb_expb_32bit.dcm",
    values: &[
        (0, 5, 50, 0, 4294967295), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 4294967295), (0, 15, 50, 1, 2155905152), (0, 15, 50, 2, 2155905152),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 4294967295), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 2155905152), (0, 35, 50, 1, 4294967295), (0, 35, 50, 2, 2155905152),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 4294967295),
        (0, 55, 50, 0, 2155905152), (0, 55, 50, 1, 2155905152), (0, 55, 50, 2, 4294967295),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 1077952576), (0, 75, 50, 1, 1077952576), (0, 75, 50, 2, 1077952576),
        (0, 85, 50, 0, 3233857728), (0, 85, 50, 1, 3233857728), (0, 85, 50, 2, 3233857728),
        (0, 95, 50, 0, 4294967295), (0, 95, 50, 1, 4294967295), (0, 95, 50, 2, 4294967295),
    ],
    ..REFERENCE
};

/// pydicom `EXPB_32_3_2F` (dtype `>u4`)
/// (EXPB, (32, 32), (2, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const EXPB_32_3_2F: Reference = Reference {
    file: "SC_rgb_expb_32bit_2frame.dcm",
    values: &[
        (0, 5, 50, 0, 4294967295), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 4294967295), (0, 15, 50, 1, 2155905152), (0, 15, 50, 2, 2155905152),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 4294967295), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 2155905152), (0, 35, 50, 1, 4294967295), (0, 35, 50, 2, 2155905152),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 4294967295),
        (0, 55, 50, 0, 2155905152), (0, 55, 50, 1, 2155905152), (0, 55, 50, 2, 4294967295),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 1077952576), (0, 75, 50, 1, 1077952576), (0, 75, 50, 2, 1077952576),
        (0, 85, 50, 0, 3233857728), (0, 85, 50, 1, 3233857728), (0, 85, 50, 2, 3233857728),
        (0, 95, 50, 0, 4294967295), (0, 95, 50, 1, 4294967295), (0, 95, 50, 2, 4294967295),
        (1, 5, 50, 0, 0), (1, 5, 50, 1, 4294967295), (1, 5, 50, 2, 4294967295),
        (1, 15, 50, 0, 0), (1, 15, 50, 1, 2139062143), (1, 15, 50, 2, 2139062143),
        (1, 25, 50, 0, 4294967295), (1, 25, 50, 1, 0), (1, 25, 50, 2, 4294967295),
        (1, 35, 50, 0, 2139062143), (1, 35, 50, 1, 0), (1, 35, 50, 2, 2139062143),
        (1, 45, 50, 0, 4294967295), (1, 45, 50, 1, 4294967295), (1, 45, 50, 2, 0),
        (1, 55, 50, 0, 2139062143), (1, 55, 50, 1, 2139062143), (1, 55, 50, 2, 0),
        (1, 65, 50, 0, 4294967295), (1, 65, 50, 1, 4294967295), (1, 65, 50, 2, 4294967295),
        (1, 75, 50, 0, 3217014719), (1, 75, 50, 1, 3217014719), (1, 75, 50, 2, 3217014719),
        (1, 85, 50, 0, 1061109567), (1, 85, 50, 1, 1061109567), (1, 85, 50, 2, 1061109567),
        (1, 95, 50, 0, 0), (1, 95, 50, 1, 0), (1, 95, 50, 2, 0),
    ],
    ..REFERENCE
};

/// pydicom `RLE_8_1_1F` (dtype `u1`)
/// (RLE, (8, 8), (1, 600, 800, 1), OB, PALETTE COLOR, 0)
#[rustfmt::skip]
const RLE_8_1_1F: Reference = Reference {
    file: "OBXXXX1A_rle.dcm",
    values: &[
        (0, 300, 491, 0, 1), (0, 300, 492, 0, 246), (0, 300, 493, 0, 1),
    ],
    spans: &[
        (Min, Row(0, 0, 0..800), 244),
        (Max, Row(0, 0, 0..800), 244),
        (Min, Row(0, 599, 0..800), 0),
        (Max, Row(0, 599, 0..800), 0),
    ],
    ..REFERENCE
};

/// pydicom `RLE_8_1_2F` (dtype `u1`)
/// (RLE, (8, 8), (2, 600, 800, 1), OB, PALETTE COLOR, 0)
#[rustfmt::skip]
const RLE_8_1_2F: Reference = Reference {
    file: "OBXXXX1A_rle_2frame.dcm",
    values: &[
        (0, 300, 491, 0, 1), (0, 300, 492, 0, 246), (0, 300, 493, 0, 1),
        (1, 300, 491, 0, 254), (1, 300, 492, 0, 9), (1, 300, 493, 0, 254),
    ],
    spans: &[
        (Min, Row(0, 0, 0..800), 244),
        (Max, Row(0, 0, 0..800), 244),
        (Min, Row(0, 599, 0..800), 0),
        (Max, Row(0, 599, 0..800), 0),
        (Min, Row(1, 0, 0..800), 11),
        (Max, Row(1, 0, 0..800), 11),
        (Min, Row(1, 599, 0..800), 255),
        (Max, Row(1, 599, 0..800), 255),
    ],
    ..REFERENCE
};

/// pydicom `RLE_8_3_1F` (dtype `u1`)
/// (RLE, (8, 8), (1, 100, 100, 3), OB, PALETTE COLOR, 0)
#[rustfmt::skip]
const RLE_8_3_1F: Reference = Reference {
    file: "SC_rgb_rle.dcm",
    values: &[
        (0, 5, 50, 0, 255), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 255), (0, 15, 50, 1, 128), (0, 15, 50, 2, 128),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 255), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 128), (0, 35, 50, 1, 255), (0, 35, 50, 2, 128),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 255),
        (0, 55, 50, 0, 128), (0, 55, 50, 1, 128), (0, 55, 50, 2, 255),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 64), (0, 75, 50, 2, 64),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 192), (0, 85, 50, 2, 192),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 255), (0, 95, 50, 2, 255),
    ],
    ..REFERENCE
};

/// pydicom `RLE_8_3_2F` (dtype `u1`)
/// (RLE, (8, 8), (2, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const RLE_8_3_2F: Reference = Reference {
    file: "SC_rgb_rle_2frame.dcm",
    values: &[
        (0, 5, 50, 0, 255), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 255), (0, 15, 50, 1, 128), (0, 15, 50, 2, 128),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 255), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 128), (0, 35, 50, 1, 255), (0, 35, 50, 2, 128),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 255),
        (0, 55, 50, 0, 128), (0, 55, 50, 1, 128), (0, 55, 50, 2, 255),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 64), (0, 75, 50, 2, 64),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 192), (0, 85, 50, 2, 192),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 255), (0, 95, 50, 2, 255),
        (1, 5, 50, 0, 0), (1, 5, 50, 1, 255), (1, 5, 50, 2, 255),
        (1, 15, 50, 0, 0), (1, 15, 50, 1, 127), (1, 15, 50, 2, 127),
        (1, 25, 50, 0, 255), (1, 25, 50, 1, 0), (1, 25, 50, 2, 255),
        (1, 35, 50, 0, 127), (1, 35, 50, 1, 0), (1, 35, 50, 2, 127),
        (1, 45, 50, 0, 255), (1, 45, 50, 1, 255), (1, 45, 50, 2, 0),
        (1, 55, 50, 0, 127), (1, 55, 50, 1, 127), (1, 55, 50, 2, 0),
        (1, 65, 50, 0, 255), (1, 65, 50, 1, 255), (1, 65, 50, 2, 255),
        (1, 75, 50, 0, 191), (1, 75, 50, 1, 191), (1, 75, 50, 2, 191),
        (1, 85, 50, 0, 63), (1, 85, 50, 1, 63), (1, 85, 50, 2, 63),
        (1, 95, 50, 0, 0), (1, 95, 50, 1, 0), (1, 95, 50, 2, 0),
    ],
    ..REFERENCE
};

/// pydicom `RLE_16_1_1F` (dtype `<i2`)
/// (RLE, (16, 16), (1, 64, 64, 1), OB, MONOCHROME2, 1)
#[rustfmt::skip]
const RLE_16_1_1F: Reference = Reference {
    file: "MR_small_RLE.dcm",
    values: &[
        (0, 0, 31, 0, 422), (0, 0, 32, 0, 319), (0, 0, 33, 0, 361),
        (0, 31, 0, 0, 366), (0, 31, 1, 0, 363), (0, 31, 2, 0, 322),
        (0, 63, 61, 0, 1369), (0, 63, 62, 0, 1129), (0, 63, 63, 0, 862),
    ],
    ..REFERENCE
};

/// pydicom `RLE_16_1_10F` (dtype `<u2`)
/// (RLE, (16, 12), (10, 64, 64, 1), OB, MONOCHROME2, 0)
#[rustfmt::skip]
const RLE_16_1_10F: Reference = Reference {
    file: "emri_small_RLE.dcm",
    values: &[
        (0, 0, 31, 0, 206), (0, 0, 32, 0, 197), (0, 0, 33, 0, 159),
        (0, 31, 0, 0, 49), (0, 31, 1, 0, 78), (0, 31, 2, 0, 128),
        (0, 63, 61, 0, 362), (0, 63, 62, 0, 219), (0, 63, 63, 0, 135),
        (4, 0, 31, 0, 67), (4, 0, 32, 0, 82), (4, 0, 33, 0, 44),
        (4, 31, 0, 0, 37), (4, 31, 1, 0, 41), (4, 31, 2, 0, 17),
        (4, 63, 61, 0, 225), (4, 63, 62, 0, 380), (4, 63, 63, 0, 355),
        (9, 0, 31, 0, 72), (9, 0, 32, 0, 86), (9, 0, 33, 0, 69),
        (9, 31, 0, 0, 25), (9, 31, 1, 0, 4), (9, 31, 2, 0, 9),
        (9, 63, 61, 0, 227), (9, 63, 62, 0, 300), (9, 63, 63, 0, 147),
    ],
    ..REFERENCE
};

/// pydicom `RLE_16_3_1F` (dtype `<u2`)
/// (RLE, (16, 16), (1, 100, 100, 3), OW, RGB, 0)
#[rustfmt::skip]
const RLE_16_3_1F: Reference = Reference {
    file: "SC_rgb_rle_16bit.dcm",
    values: &[
        (0, 5, 50, 0, 65535), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 65535), (0, 15, 50, 1, 32896), (0, 15, 50, 2, 32896),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 65535), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 32896), (0, 35, 50, 1, 65535), (0, 35, 50, 2, 32896),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 65535),
        (0, 55, 50, 0, 32896), (0, 55, 50, 1, 32896), (0, 55, 50, 2, 65535),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 16448), (0, 75, 50, 1, 16448), (0, 75, 50, 2, 16448),
        (0, 85, 50, 0, 49344), (0, 85, 50, 1, 49344), (0, 85, 50, 2, 49344),
        (0, 95, 50, 0, 65535), (0, 95, 50, 1, 65535), (0, 95, 50, 2, 65535),
    ],
    ..REFERENCE
};

/// pydicom `RLE_16_3_2F` (dtype `<u2`)
/// (RLE, (16, 16), (2, 100, 100, 3), OW, RGB, 0)
#[rustfmt::skip]
const RLE_16_3_2F: Reference = Reference {
    file: "SC_rgb_rle_16bit_2frame.dcm",
    values: &[
        (0, 5, 50, 0, 65535), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 65535), (0, 15, 50, 1, 32896), (0, 15, 50, 2, 32896),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 65535), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 32896), (0, 35, 50, 1, 65535), (0, 35, 50, 2, 32896),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 65535),
        (0, 55, 50, 0, 32896), (0, 55, 50, 1, 32896), (0, 55, 50, 2, 65535),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 16448), (0, 75, 50, 1, 16448), (0, 75, 50, 2, 16448),
        (0, 85, 50, 0, 49344), (0, 85, 50, 1, 49344), (0, 85, 50, 2, 49344),
        (0, 95, 50, 0, 65535), (0, 95, 50, 1, 65535), (0, 95, 50, 2, 65535),
        (1, 5, 50, 0, 0), (1, 5, 50, 1, 65535), (1, 5, 50, 2, 65535),
        (1, 15, 50, 0, 0), (1, 15, 50, 1, 32639), (1, 15, 50, 2, 32639),
        (1, 25, 50, 0, 65535), (1, 25, 50, 1, 0), (1, 25, 50, 2, 65535),
        (1, 35, 50, 0, 32639), (1, 35, 50, 1, 0), (1, 35, 50, 2, 32639),
        (1, 45, 50, 0, 65535), (1, 45, 50, 1, 65535), (1, 45, 50, 2, 0),
        (1, 55, 50, 0, 32639), (1, 55, 50, 1, 32639), (1, 55, 50, 2, 0),
        (1, 65, 50, 0, 65535), (1, 65, 50, 1, 65535), (1, 65, 50, 2, 65535),
        (1, 75, 50, 0, 49087), (1, 75, 50, 1, 49087), (1, 75, 50, 2, 49087),
        (1, 85, 50, 0, 16191), (1, 85, 50, 1, 16191), (1, 85, 50, 2, 16191),
        (1, 95, 50, 0, 0), (1, 95, 50, 1, 0), (1, 95, 50, 2, 0),
    ],
    ..REFERENCE
};

/// pydicom `RLE_32_1_1F` (dtype `<u4`)
/// (RLE, (32, 32), (1, 10, 10, 1), OW, MONOCHROME2, 0)
#[rustfmt::skip]
const RLE_32_1_1F: Reference = Reference {
    file: "rtdose_rle_1frame.dcm",
    values: &[
        (0, 0, 0, 0, 1249000), (0, 0, 1, 0, 1249000), (0, 0, 2, 0, 1250000),
        (0, 4, 3, 0, 1031000), (0, 4, 4, 0, 1029000), (0, 4, 5, 0, 1027000),
        (0, 9, 7, 0, 803000), (0, 9, 8, 0, 801000), (0, 9, 9, 0, 798000),
    ],
    ..REFERENCE
};

/// pydicom `RLE_32_1_15F` (dtype `<u4`)
/// (RLE, (32, 32), (15, 10, 10, 1), OW, MONOCHROME2, 0)
#[rustfmt::skip]
const RLE_32_1_15F: Reference = Reference {
    file: "rtdose_rle.dcm",
    values: &[
        (0, 0, 0, 0, 1249000), (0, 0, 1, 0, 1249000), (0, 0, 2, 0, 1250000),
        (0, 4, 3, 0, 1031000), (0, 4, 4, 0, 1029000), (0, 4, 5, 0, 1027000),
        (0, 9, 7, 0, 803000), (0, 9, 8, 0, 801000), (0, 9, 9, 0, 798000),
        (7, 0, 0, 0, 1253000), (7, 0, 1, 0, 1253000), (7, 0, 2, 0, 1249000),
        (7, 4, 3, 0, 1026000), (7, 4, 4, 0, 1023000), (7, 4, 5, 0, 1022000),
        (7, 9, 7, 0, 803000), (7, 9, 8, 0, 803000), (7, 9, 9, 0, 803000),
        (14, 0, 0, 0, 1249000), (14, 0, 1, 0, 1250000), (14, 0, 2, 0, 1251000),
        (14, 4, 3, 0, 1031000), (14, 4, 4, 0, 1031000), (14, 4, 5, 0, 1031000),
        (14, 9, 7, 0, 801000), (14, 9, 8, 0, 800000), (14, 9, 9, 0, 799000),
    ],
    ..REFERENCE
};

/// pydicom `RLE_32_3_1F` (dtype `<u4`)
/// (RLE, (32, 32), (1, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const RLE_32_3_1F: Reference = Reference {
    file: "SC_rgb_rle_32bit.dcm",
    values: &[
        (0, 5, 50, 0, 4294967295), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 4294967295), (0, 15, 50, 1, 2155905152), (0, 15, 50, 2, 2155905152),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 4294967295), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 2155905152), (0, 35, 50, 1, 4294967295), (0, 35, 50, 2, 2155905152),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 4294967295),
        (0, 55, 50, 0, 2155905152), (0, 55, 50, 1, 2155905152), (0, 55, 50, 2, 4294967295),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 1077952576), (0, 75, 50, 1, 1077952576), (0, 75, 50, 2, 1077952576),
        (0, 85, 50, 0, 3233857728), (0, 85, 50, 1, 3233857728), (0, 85, 50, 2, 3233857728),
        (0, 95, 50, 0, 4294967295), (0, 95, 50, 1, 4294967295), (0, 95, 50, 2, 4294967295),
    ],
    ..REFERENCE
};

/// pydicom `RLE_32_3_2F` (dtype `<u4`)
/// (RLE, (32, 32), (2, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const RLE_32_3_2F: Reference = Reference {
    file: "SC_rgb_rle_32bit_2frame.dcm",
    values: &[
        (0, 5, 50, 0, 4294967295), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 4294967295), (0, 15, 50, 1, 2155905152), (0, 15, 50, 2, 2155905152),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 4294967295), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 2155905152), (0, 35, 50, 1, 4294967295), (0, 35, 50, 2, 2155905152),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 4294967295),
        (0, 55, 50, 0, 2155905152), (0, 55, 50, 1, 2155905152), (0, 55, 50, 2, 4294967295),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 1077952576), (0, 75, 50, 1, 1077952576), (0, 75, 50, 2, 1077952576),
        (0, 85, 50, 0, 3233857728), (0, 85, 50, 1, 3233857728), (0, 85, 50, 2, 3233857728),
        (0, 95, 50, 0, 4294967295), (0, 95, 50, 1, 4294967295), (0, 95, 50, 2, 4294967295),
        (1, 5, 50, 0, 0), (1, 5, 50, 1, 4294967295), (1, 5, 50, 2, 4294967295),
        (1, 15, 50, 0, 0), (1, 15, 50, 1, 2139062143), (1, 15, 50, 2, 2139062143),
        (1, 25, 50, 0, 4294967295), (1, 25, 50, 1, 0), (1, 25, 50, 2, 4294967295),
        (1, 35, 50, 0, 2139062143), (1, 35, 50, 1, 0), (1, 35, 50, 2, 2139062143),
        (1, 45, 50, 0, 4294967295), (1, 45, 50, 1, 4294967295), (1, 45, 50, 2, 0),
        (1, 55, 50, 0, 2139062143), (1, 55, 50, 1, 2139062143), (1, 55, 50, 2, 0),
        (1, 65, 50, 0, 4294967295), (1, 65, 50, 1, 4294967295), (1, 65, 50, 2, 4294967295),
        (1, 75, 50, 0, 3217014719), (1, 75, 50, 1, 3217014719), (1, 75, 50, 2, 3217014719),
        (1, 85, 50, 0, 1061109567), (1, 85, 50, 1, 1061109567), (1, 85, 50, 2, 1061109567),
        (1, 95, 50, 0, 0), (1, 95, 50, 1, 0), (1, 95, 50, 2, 0),
    ],
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_0_1F_YBR_FULL` (dtype `u1`)
/// (0: JPGB, (8, 8), (1, 3, 3, 3), OB, YBR_FULL, 0)
/// (Uses a JFIF APP marker)
#[rustfmt::skip]
const JPGB_08_08_3_0_1F_YBR_FULL: Reference = Reference {
    file: "SC_rgb_small_odd_jpeg.dcm",
    stage: JpegYbr,
    values: &[
        (0, 0, 0, 0, 138), (0, 0, 0, 1, 78), (0, 0, 0, 2, 147),
        (0, 1, 0, 0, 90), (0, 1, 0, 1, 178), (0, 1, 0, 2, 108),
        (0, 2, 0, 0, 158), (0, 2, 0, 1, 126), (0, 2, 0, 2, 129),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_0_1F_RGB_NO_APP14` (dtype `u1`)
/// (JPGB, (8, 8), (1, 256, 256, 3), OB, RGB, 0)
/// (JPEG baseline in RGB colourspace with no APP14 marker)
#[rustfmt::skip]
const JPGB_08_08_3_0_1F_RGB_NO_APP14: Reference = Reference {
    file: "SC_jpeg_no_color_transform.dcm",
    any_of: &[
        ("pillow/gdcm", &[
            (0, 29, 77, 0, 240), (0, 29, 77, 1, 243), (0, 29, 77, 2, 246),
            (0, 29, 78, 0, 214), (0, 29, 78, 1, 210), (0, 29, 78, 2, 213),
            (0, 29, 79, 0, 150), (0, 29, 79, 1, 134), (0, 29, 79, 2, 134),
            (0, 29, 80, 0, 244), (0, 29, 80, 1, 244), (0, 29, 80, 2, 244),
            (0, 224, 253, 0, 231), (0, 224, 253, 1, 236), (0, 224, 253, 2, 238),
            (0, 225, 253, 0, 190), (0, 225, 253, 1, 175), (0, 225, 253, 2, 178),
            (0, 226, 253, 0, 215), (0, 226, 253, 1, 200), (0, 226, 253, 2, 202),
        ]),
        ("pylibjpeg", &[
            (0, 29, 77, 0, 240), (0, 29, 77, 1, 243), (0, 29, 77, 2, 246),
            (0, 29, 78, 0, 214), (0, 29, 78, 1, 210), (0, 29, 78, 2, 213),
            (0, 29, 79, 0, 150), (0, 29, 79, 1, 134), (0, 29, 79, 2, 134),
            (0, 29, 80, 0, 244), (0, 29, 80, 1, 244), (0, 29, 80, 2, 244),
            (0, 224, 253, 0, 232), (0, 224, 253, 1, 236), (0, 224, 253, 2, 238),
            (0, 225, 253, 0, 190), (0, 225, 253, 1, 175), (0, 225, 253, 2, 178),
            (0, 226, 253, 0, 215), (0, 226, 253, 1, 200), (0, 226, 253, 2, 202),
        ]),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_0_1F_RGB_APP14` (dtype `u1`)
/// (JPGB, (8, 8), (1, 256, 256, 3), OB, RGB, 0)
/// (JPEG baseline in RGB colourspace with APP14 Adobe v101 marker)
/// Without a plugin argument pydicom asserts nothing here; values per plugin.
#[rustfmt::skip]
const JPGB_08_08_3_0_1F_RGB_APP14: Reference = Reference {
    file: "SC_jpeg_no_color_transform_2.dcm",
    any_of: &[
        ("pillow/gdcm", &[
            (0, 99, 172, 0, 243), (0, 99, 172, 1, 244), (0, 99, 172, 2, 246),
            (0, 100, 172, 0, 229), (0, 100, 172, 1, 224), (0, 100, 172, 2, 235),
            (0, 101, 172, 0, 204), (0, 101, 172, 1, 190), (0, 101, 172, 2, 213),
            (0, 102, 172, 0, 194), (0, 102, 172, 1, 176), (0, 102, 172, 2, 203),
            (0, 103, 172, 0, 204), (0, 103, 172, 1, 188), (0, 103, 172, 2, 211),
            (0, 84, 239, 0, 229), (0, 84, 239, 1, 225), (0, 84, 239, 2, 234),
            (0, 84, 240, 0, 174), (0, 84, 240, 1, 174), (0, 84, 240, 2, 202),
            (0, 84, 241, 0, 187), (0, 84, 241, 1, 185), (0, 84, 241, 2, 203),
            (0, 84, 242, 0, 210), (0, 84, 242, 1, 207), (0, 84, 242, 2, 225),
        ]),
        ("pylibjpeg", &[
            (0, 99, 172, 0, 243), (0, 99, 172, 1, 244), (0, 99, 172, 2, 246),
            (0, 100, 172, 0, 229), (0, 100, 172, 1, 224), (0, 100, 172, 2, 235),
            (0, 101, 172, 0, 204), (0, 101, 172, 1, 191), (0, 101, 172, 2, 213),
            (0, 102, 172, 0, 194), (0, 102, 172, 1, 176), (0, 102, 172, 2, 203),
            (0, 103, 172, 0, 204), (0, 103, 172, 1, 188), (0, 103, 172, 2, 211),
            (0, 84, 239, 0, 229), (0, 84, 239, 1, 225), (0, 84, 239, 2, 234),
            (0, 84, 240, 0, 174), (0, 84, 240, 1, 174), (0, 84, 240, 2, 202),
            (0, 84, 241, 0, 187), (0, 84, 241, 1, 185), (0, 84, 241, 2, 203),
            (0, 84, 242, 0, 211), (0, 84, 242, 1, 207), (0, 84, 242, 2, 225),
        ]),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_0_1F_RGB_DCMD_APP14` (dtype `u1`)
/// (JPGB, (8, 8), (1, 256, 256, 3), OB, RGB, 0)
/// (JPEG baseline in RGB colourspace with APP14 Adobe v101 marker)
/// Without a plugin argument pydicom asserts nothing here; values per plugin.
#[rustfmt::skip]
const JPGB_08_08_3_0_1F_RGB_DCMD_APP14: Reference = Reference {
    file: "SC_rgb_jpeg_app14_dcmd.dcm",
    any_of: &[
        ("pillow/gdcm", &[
            (0, 99, 172, 0, 243), (0, 99, 172, 1, 244), (0, 99, 172, 2, 246),
            (0, 100, 172, 0, 229), (0, 100, 172, 1, 224), (0, 100, 172, 2, 235),
            (0, 101, 172, 0, 204), (0, 101, 172, 1, 190), (0, 101, 172, 2, 213),
            (0, 102, 172, 0, 194), (0, 102, 172, 1, 176), (0, 102, 172, 2, 203),
            (0, 103, 172, 0, 204), (0, 103, 172, 1, 188), (0, 103, 172, 2, 211),
            (0, 84, 239, 0, 229), (0, 84, 239, 1, 225), (0, 84, 239, 2, 234),
            (0, 84, 240, 0, 174), (0, 84, 240, 1, 174), (0, 84, 240, 2, 202),
            (0, 84, 241, 0, 187), (0, 84, 241, 1, 185), (0, 84, 241, 2, 203),
            (0, 84, 242, 0, 210), (0, 84, 242, 1, 207), (0, 84, 242, 2, 225),
        ]),
        ("pylibjpeg", &[
            (0, 99, 172, 0, 243), (0, 99, 172, 1, 244), (0, 99, 172, 2, 246),
            (0, 100, 172, 0, 229), (0, 100, 172, 1, 224), (0, 100, 172, 2, 235),
            (0, 101, 172, 0, 204), (0, 101, 172, 1, 191), (0, 101, 172, 2, 213),
            (0, 102, 172, 0, 194), (0, 102, 172, 1, 176), (0, 102, 172, 2, 203),
            (0, 103, 172, 0, 204), (0, 103, 172, 1, 188), (0, 103, 172, 2, 211),
            (0, 84, 239, 0, 229), (0, 84, 239, 1, 225), (0, 84, 239, 2, 234),
            (0, 84, 240, 0, 174), (0, 84, 240, 1, 174), (0, 84, 240, 2, 202),
            (0, 84, 241, 0, 187), (0, 84, 241, 1, 185), (0, 84, 241, 2, 203),
            (0, 84, 242, 0, 211), (0, 84, 242, 1, 207), (0, 84, 242, 2, 225),
        ]),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_0_120F_YBR_FULL_422` (dtype `u1`)
/// (JPGB, (8, 8), (120, 480, 640, 3), OB, YBR_FULL_422, 0)
#[rustfmt::skip]
const JPGB_08_08_3_0_120F_YBR_FULL_422: Reference = Reference {
    file: "color3d_jpeg_baseline.dcm",
    stage: JpegYbr,
    any_of: &[
        ("pillow/gdcm", &[
            (0, 278, 300, 0, 64), (0, 278, 300, 1, 128), (0, 278, 300, 2, 128),
            (0, 278, 301, 0, 76), (0, 278, 301, 1, 128), (0, 278, 301, 2, 128),
            (0, 278, 302, 0, 86), (0, 278, 302, 1, 128), (0, 278, 302, 2, 128),
            (0, 278, 303, 0, 95), (0, 278, 303, 1, 128), (0, 278, 303, 2, 128),
            (0, 278, 304, 0, 95), (0, 278, 304, 1, 128), (0, 278, 304, 2, 128),
            (0, 278, 305, 0, 97), (0, 278, 305, 1, 128), (0, 278, 305, 2, 128),
            (0, 278, 306, 0, 98), (0, 278, 306, 1, 128), (0, 278, 306, 2, 128),
            (0, 278, 307, 0, 98), (0, 278, 307, 1, 128), (0, 278, 307, 2, 128),
            (0, 278, 308, 0, 106), (0, 278, 308, 1, 128), (0, 278, 308, 2, 128),
            (0, 278, 309, 0, 108), (0, 278, 309, 1, 128), (0, 278, 309, 2, 128),
            (59, 278, 300, 0, 22), (59, 278, 300, 1, 128), (59, 278, 300, 2, 128),
            (59, 278, 301, 0, 22), (59, 278, 301, 1, 128), (59, 278, 301, 2, 128),
            (59, 278, 302, 0, 27), (59, 278, 302, 1, 128), (59, 278, 302, 2, 128),
            (59, 278, 303, 0, 32), (59, 278, 303, 1, 128), (59, 278, 303, 2, 128),
            (59, 278, 304, 0, 32), (59, 278, 304, 1, 128), (59, 278, 304, 2, 128),
            (59, 278, 305, 0, 29), (59, 278, 305, 1, 128), (59, 278, 305, 2, 128),
            (59, 278, 306, 0, 23), (59, 278, 306, 1, 128), (59, 278, 306, 2, 128),
            (59, 278, 307, 0, 21), (59, 278, 307, 1, 128), (59, 278, 307, 2, 128),
            (59, 278, 308, 0, 24), (59, 278, 308, 1, 128), (59, 278, 308, 2, 128),
            (59, 278, 309, 0, 33), (59, 278, 309, 1, 128), (59, 278, 309, 2, 128),
            (119, 278, 300, 0, 46), (119, 278, 300, 1, 128), (119, 278, 300, 2, 128),
            (119, 278, 301, 0, 55), (119, 278, 301, 1, 128), (119, 278, 301, 2, 128),
            (119, 278, 302, 0, 64), (119, 278, 302, 1, 128), (119, 278, 302, 2, 128),
            (119, 278, 303, 0, 74), (119, 278, 303, 1, 128), (119, 278, 303, 2, 128),
            (119, 278, 304, 0, 80), (119, 278, 304, 1, 128), (119, 278, 304, 2, 128),
            (119, 278, 305, 0, 86), (119, 278, 305, 1, 128), (119, 278, 305, 2, 128),
            (119, 278, 306, 0, 97), (119, 278, 306, 1, 128), (119, 278, 306, 2, 128),
            (119, 278, 307, 0, 104), (119, 278, 307, 1, 128), (119, 278, 307, 2, 128),
            (119, 278, 308, 0, 110), (119, 278, 308, 1, 128), (119, 278, 308, 2, 128),
            (119, 278, 309, 0, 117), (119, 278, 309, 1, 128), (119, 278, 309, 2, 128),
        ]),
        ("pylibjpeg", &[
            (0, 278, 300, 0, 64), (0, 278, 300, 1, 128), (0, 278, 300, 2, 128),
            (0, 278, 301, 0, 76), (0, 278, 301, 1, 128), (0, 278, 301, 2, 128),
            (0, 278, 302, 0, 86), (0, 278, 302, 1, 128), (0, 278, 302, 2, 128),
            (0, 278, 303, 0, 95), (0, 278, 303, 1, 128), (0, 278, 303, 2, 128),
            (0, 278, 304, 0, 95), (0, 278, 304, 1, 128), (0, 278, 304, 2, 128),
            (0, 278, 305, 0, 97), (0, 278, 305, 1, 128), (0, 278, 305, 2, 128),
            (0, 278, 306, 0, 98), (0, 278, 306, 1, 128), (0, 278, 306, 2, 128),
            (0, 278, 307, 0, 98), (0, 278, 307, 1, 128), (0, 278, 307, 2, 128),
            (0, 278, 308, 0, 106), (0, 278, 308, 1, 128), (0, 278, 308, 2, 128),
            (0, 278, 309, 0, 108), (0, 278, 309, 1, 128), (0, 278, 309, 2, 128),
            (59, 278, 300, 0, 22), (59, 278, 300, 1, 128), (59, 278, 300, 2, 128),
            (59, 278, 301, 0, 22), (59, 278, 301, 1, 128), (59, 278, 301, 2, 128),
            (59, 278, 302, 0, 27), (59, 278, 302, 1, 128), (59, 278, 302, 2, 128),
            (59, 278, 303, 0, 32), (59, 278, 303, 1, 128), (59, 278, 303, 2, 128),
            (59, 278, 304, 0, 32), (59, 278, 304, 1, 128), (59, 278, 304, 2, 128),
            (59, 278, 305, 0, 30), (59, 278, 305, 1, 128), (59, 278, 305, 2, 128),
            (59, 278, 306, 0, 23), (59, 278, 306, 1, 128), (59, 278, 306, 2, 128),
            (59, 278, 307, 0, 21), (59, 278, 307, 1, 128), (59, 278, 307, 2, 128),
            (59, 278, 308, 0, 24), (59, 278, 308, 1, 128), (59, 278, 308, 2, 128),
            (59, 278, 309, 0, 33), (59, 278, 309, 1, 128), (59, 278, 309, 2, 128),
            (119, 278, 300, 0, 46), (119, 278, 300, 1, 128), (119, 278, 300, 2, 128),
            (119, 278, 301, 0, 55), (119, 278, 301, 1, 128), (119, 278, 301, 2, 128),
            (119, 278, 302, 0, 64), (119, 278, 302, 1, 128), (119, 278, 302, 2, 128),
            (119, 278, 303, 0, 74), (119, 278, 303, 1, 128), (119, 278, 303, 2, 128),
            (119, 278, 304, 0, 81), (119, 278, 304, 1, 128), (119, 278, 304, 2, 128),
            (119, 278, 305, 0, 86), (119, 278, 305, 1, 128), (119, 278, 305, 2, 128),
            (119, 278, 306, 0, 97), (119, 278, 306, 1, 128), (119, 278, 306, 2, 128),
            (119, 278, 307, 0, 104), (119, 278, 307, 1, 128), (119, 278, 307, 2, 128),
            (119, 278, 308, 0, 110), (119, 278, 308, 1, 128), (119, 278, 308, 2, 128),
            (119, 278, 309, 0, 117), (119, 278, 309, 1, 128), (119, 278, 309, 2, 128),
        ]),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_0_120F_YBR_FULL_422` (dtype `u1`)
/// (JPGB, (8, 8), (120, 480, 640, 3), OB, YBR_FULL_422, 0)
/// The `as_rgb=True, plugin="pylibjpeg", index=0/60/-1` branch of that test.
#[rustfmt::skip]
const JPGB_08_08_3_0_120F_YBR_FULL_422_AS_RGB: Reference = Reference {
    file: "color3d_jpeg_baseline.dcm",
    stage: Rgb,
    values: &[
        (0, 278, 300, 0, 64), (0, 278, 300, 1, 64), (0, 278, 300, 2, 64),
        (0, 278, 301, 0, 76), (0, 278, 301, 1, 76), (0, 278, 301, 2, 76),
        (0, 278, 302, 0, 86), (0, 278, 302, 1, 86), (0, 278, 302, 2, 86),
        (0, 278, 303, 0, 95), (0, 278, 303, 1, 95), (0, 278, 303, 2, 95),
        (0, 278, 304, 0, 95), (0, 278, 304, 1, 95), (0, 278, 304, 2, 95),
        (0, 278, 305, 0, 97), (0, 278, 305, 1, 97), (0, 278, 305, 2, 97),
        (0, 278, 306, 0, 98), (0, 278, 306, 1, 98), (0, 278, 306, 2, 98),
        (0, 278, 307, 0, 98), (0, 278, 307, 1, 98), (0, 278, 307, 2, 98),
        (0, 278, 308, 0, 106), (0, 278, 308, 1, 106), (0, 278, 308, 2, 106),
        (0, 278, 309, 0, 108), (0, 278, 309, 1, 108), (0, 278, 309, 2, 108),
        (60, 278, 300, 0, 36), (60, 278, 300, 1, 36), (60, 278, 300, 2, 36),
        (60, 278, 301, 0, 38), (60, 278, 301, 1, 38), (60, 278, 301, 2, 38),
        (60, 278, 302, 0, 41), (60, 278, 302, 1, 41), (60, 278, 302, 2, 41),
        (60, 278, 303, 0, 47), (60, 278, 303, 1, 47), (60, 278, 303, 2, 47),
        (60, 278, 304, 0, 50), (60, 278, 304, 1, 50), (60, 278, 304, 2, 50),
        (60, 278, 305, 0, 50), (60, 278, 305, 1, 50), (60, 278, 305, 2, 50),
        (60, 278, 306, 0, 53), (60, 278, 306, 1, 53), (60, 278, 306, 2, 53),
        (60, 278, 307, 0, 51), (60, 278, 307, 1, 51), (60, 278, 307, 2, 51),
        (60, 278, 308, 0, 47), (60, 278, 308, 1, 47), (60, 278, 308, 2, 47),
        (60, 278, 309, 0, 38), (60, 278, 309, 1, 38), (60, 278, 309, 2, 38),
        (119, 278, 300, 0, 46), (119, 278, 300, 1, 46), (119, 278, 300, 2, 46),
        (119, 278, 301, 0, 55), (119, 278, 301, 1, 55), (119, 278, 301, 2, 55),
        (119, 278, 302, 0, 64), (119, 278, 302, 1, 64), (119, 278, 302, 2, 64),
        (119, 278, 303, 0, 74), (119, 278, 303, 1, 74), (119, 278, 303, 2, 74),
        (119, 278, 304, 0, 81), (119, 278, 304, 1, 81), (119, 278, 304, 2, 81),
        (119, 278, 305, 0, 86), (119, 278, 305, 1, 86), (119, 278, 305, 2, 86),
        (119, 278, 306, 0, 97), (119, 278, 306, 1, 97), (119, 278, 306, 2, 97),
        (119, 278, 307, 0, 104), (119, 278, 307, 1, 104), (119, 278, 307, 2, 104),
        (119, 278, 308, 0, 110), (119, 278, 308, 1, 110), (119, 278, 308, 2, 110),
        (119, 278, 309, 0, 117), (119, 278, 309, 1, 117), (119, 278, 309, 2, 117),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_1F_YBR_FULL` (dtype `u1`)
/// (JPGB, (8, 8), (1, 100, 100, 3), OB, YBR_FULL, 0)
#[rustfmt::skip]
const JPGB_08_08_3_1F_YBR_FULL: Reference = Reference {
    file: "SC_rgb_jpeg_dcmtk.dcm",
    stage: JpegYbr,
    values: &[
        (0, 5, 50, 0, 76), (0, 5, 50, 1, 85), (0, 5, 50, 2, 255),
        (0, 15, 50, 0, 166), (0, 15, 50, 1, 106), (0, 15, 50, 2, 193),
        (0, 25, 50, 0, 150), (0, 25, 50, 1, 46), (0, 25, 50, 2, 20),
        (0, 35, 50, 0, 203), (0, 35, 50, 1, 86), (0, 35, 50, 2, 75),
        (0, 45, 50, 0, 29), (0, 45, 50, 1, 255), (0, 45, 50, 2, 107),
        (0, 55, 50, 0, 142), (0, 55, 50, 1, 193), (0, 55, 50, 2, 118),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 128), (0, 65, 50, 2, 128),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 128), (0, 75, 50, 2, 128),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 128), (0, 85, 50, 2, 128),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 128), (0, 95, 50, 2, 128),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_0_1F_YBR_FULL_422_411` (dtype `u1`)
/// (JPGB, (8, 8), (1, 100, 100, 3), OB, YBR_FULL_422, 0)
/// (Different subsampling 411, 422, 444)
#[rustfmt::skip]
const JPGB_08_08_3_0_1F_YBR_FULL_422_411: Reference = Reference {
    file: "SC_rgb_dcmtk_+eb+cy+np.dcm",
    stage: JpegYbr,
    any_of: &[
        ("pillow/gdcm", &[
            (0, 5, 50, 0, 76), (0, 5, 50, 1, 85), (0, 5, 50, 2, 254),
            (0, 15, 50, 0, 166), (0, 15, 50, 1, 109), (0, 15, 50, 2, 190),
            (0, 25, 50, 0, 150), (0, 25, 50, 1, 46), (0, 25, 50, 2, 21),
            (0, 35, 50, 0, 203), (0, 35, 50, 1, 85), (0, 35, 50, 2, 74),
            (0, 45, 50, 0, 29), (0, 45, 50, 1, 255), (0, 45, 50, 2, 108),
            (0, 55, 50, 0, 142), (0, 55, 50, 1, 192), (0, 55, 50, 2, 117),
            (0, 65, 50, 0, 0), (0, 65, 50, 1, 128), (0, 65, 50, 2, 128),
            (0, 75, 50, 0, 64), (0, 75, 50, 1, 128), (0, 75, 50, 2, 128),
            (0, 85, 50, 0, 192), (0, 85, 50, 1, 128), (0, 85, 50, 2, 128),
            (0, 95, 50, 0, 255), (0, 95, 50, 1, 128), (0, 95, 50, 2, 128),
        ]),
        ("pylibjpeg", &[
            (0, 5, 50, 0, 76), (0, 5, 50, 1, 85), (0, 5, 50, 2, 254),
            (0, 15, 50, 0, 166), (0, 15, 50, 1, 108), (0, 15, 50, 2, 190),
            (0, 25, 50, 0, 150), (0, 25, 50, 1, 46), (0, 25, 50, 2, 21),
            (0, 35, 50, 0, 203), (0, 35, 50, 1, 86), (0, 35, 50, 2, 74),
            (0, 45, 50, 0, 29), (0, 45, 50, 1, 255), (0, 45, 50, 2, 107),
            (0, 55, 50, 0, 142), (0, 55, 50, 1, 192), (0, 55, 50, 2, 117),
            (0, 65, 50, 0, 0), (0, 65, 50, 1, 128), (0, 65, 50, 2, 128),
            (0, 75, 50, 0, 64), (0, 75, 50, 1, 128), (0, 75, 50, 2, 128),
            (0, 85, 50, 0, 192), (0, 85, 50, 1, 128), (0, 85, 50, 2, 128),
            (0, 95, 50, 0, 255), (0, 95, 50, 1, 128), (0, 95, 50, 2, 128),
        ]),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_0_1F_YBR_FULL_422_422` (dtype `u1`)
/// (JPGB, (8, 8), (1, 100, 100, 3), OB, YBR_FULL_422, 0)
#[rustfmt::skip]
const JPGB_08_08_3_0_1F_YBR_FULL_422_422: Reference = Reference {
    file: "SC_rgb_dcmtk_+eb+cy+s2.dcm",
    stage: JpegYbr,
    values: &[
        (0, 5, 50, 0, 76), (0, 5, 50, 1, 85), (0, 5, 50, 2, 255),
        (0, 15, 50, 0, 166), (0, 15, 50, 1, 106), (0, 15, 50, 2, 193),
        (0, 25, 50, 0, 150), (0, 25, 50, 1, 46), (0, 25, 50, 2, 20),
        (0, 35, 50, 0, 203), (0, 35, 50, 1, 86), (0, 35, 50, 2, 75),
        (0, 45, 50, 0, 29), (0, 45, 50, 1, 255), (0, 45, 50, 2, 107),
        (0, 55, 50, 0, 142), (0, 55, 50, 1, 193), (0, 55, 50, 2, 118),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 128), (0, 65, 50, 2, 128),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 128), (0, 75, 50, 2, 128),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 128), (0, 85, 50, 2, 128),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 128), (0, 95, 50, 2, 128),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_0_1F_YBR_FULL_411` (dtype `u1`)
/// (JPGB, (8, 8), (1, 100, 100, 3), OB, YBR_FULL, 0)
#[rustfmt::skip]
const JPGB_08_08_3_0_1F_YBR_FULL_411: Reference = Reference {
    file: "SC_rgb_dcmtk_+eb+cy+n1.dcm",
    stage: JpegYbr,
    any_of: &[
        ("pillow/gdcm", &[
            (0, 5, 50, 0, 76), (0, 5, 50, 1, 85), (0, 5, 50, 2, 254),
            (0, 15, 50, 0, 166), (0, 15, 50, 1, 109), (0, 15, 50, 2, 190),
            (0, 25, 50, 0, 150), (0, 25, 50, 1, 46), (0, 25, 50, 2, 21),
            (0, 35, 50, 0, 203), (0, 35, 50, 1, 85), (0, 35, 50, 2, 74),
            (0, 45, 50, 0, 29), (0, 45, 50, 1, 255), (0, 45, 50, 2, 108),
            (0, 55, 50, 0, 142), (0, 55, 50, 1, 192), (0, 55, 50, 2, 117),
            (0, 65, 50, 0, 0), (0, 65, 50, 1, 128), (0, 65, 50, 2, 128),
            (0, 75, 50, 0, 64), (0, 75, 50, 1, 128), (0, 75, 50, 2, 128),
            (0, 85, 50, 0, 192), (0, 85, 50, 1, 128), (0, 85, 50, 2, 128),
            (0, 95, 50, 0, 255), (0, 95, 50, 1, 128), (0, 95, 50, 2, 128),
        ]),
        ("pylibjpeg", &[
            (0, 5, 50, 0, 76), (0, 5, 50, 1, 85), (0, 5, 50, 2, 254),
            (0, 15, 50, 0, 166), (0, 15, 50, 1, 108), (0, 15, 50, 2, 190),
            (0, 25, 50, 0, 150), (0, 25, 50, 1, 46), (0, 25, 50, 2, 21),
            (0, 35, 50, 0, 203), (0, 35, 50, 1, 86), (0, 35, 50, 2, 74),
            (0, 45, 50, 0, 29), (0, 45, 50, 1, 255), (0, 45, 50, 2, 107),
            (0, 55, 50, 0, 142), (0, 55, 50, 1, 192), (0, 55, 50, 2, 117),
            (0, 65, 50, 0, 0), (0, 65, 50, 1, 128), (0, 65, 50, 2, 128),
            (0, 75, 50, 0, 64), (0, 75, 50, 1, 128), (0, 75, 50, 2, 128),
            (0, 85, 50, 0, 192), (0, 85, 50, 1, 128), (0, 85, 50, 2, 128),
            (0, 95, 50, 0, 255), (0, 95, 50, 1, 128), (0, 95, 50, 2, 128),
        ]),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_0_1F_YBR_FULL_422` (dtype `u1`)
/// (JPGB, (8, 8), (1, 100, 100, 3), OB, YBR_FULL, 0)
#[rustfmt::skip]
const JPGB_08_08_3_0_1F_YBR_FULL_422: Reference = Reference {
    file: "SC_rgb_dcmtk_+eb+cy+n2.dcm",
    stage: JpegYbr,
    values: &[
        (0, 5, 50, 0, 76), (0, 5, 50, 1, 85), (0, 5, 50, 2, 255),
        (0, 15, 50, 0, 166), (0, 15, 50, 1, 106), (0, 15, 50, 2, 193),
        (0, 25, 50, 0, 150), (0, 25, 50, 1, 46), (0, 25, 50, 2, 20),
        (0, 35, 50, 0, 203), (0, 35, 50, 1, 86), (0, 35, 50, 2, 75),
        (0, 45, 50, 0, 29), (0, 45, 50, 1, 255), (0, 45, 50, 2, 107),
        (0, 55, 50, 0, 142), (0, 55, 50, 1, 193), (0, 55, 50, 2, 118),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 128), (0, 65, 50, 2, 128),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 128), (0, 75, 50, 2, 128),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 128), (0, 85, 50, 2, 128),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 128), (0, 95, 50, 2, 128),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_0_1F_YBR_FULL_444` (dtype `u1`)
/// (JPGB, (8, 8), (1, 100, 100, 3), OB, YBR_FULL, 0)
#[rustfmt::skip]
const JPGB_08_08_3_0_1F_YBR_FULL_444: Reference = Reference {
    file: "SC_rgb_dcmtk_+eb+cy+s4.dcm",
    stage: JpegYbr,
    values: &[
        (0, 5, 50, 0, 76), (0, 5, 50, 1, 85), (0, 5, 50, 2, 255),
        (0, 15, 50, 0, 166), (0, 15, 50, 1, 106), (0, 15, 50, 2, 193),
        (0, 25, 50, 0, 150), (0, 25, 50, 1, 46), (0, 25, 50, 2, 20),
        (0, 35, 50, 0, 203), (0, 35, 50, 1, 86), (0, 35, 50, 2, 75),
        (0, 45, 50, 0, 29), (0, 45, 50, 1, 255), (0, 45, 50, 2, 107),
        (0, 55, 50, 0, 142), (0, 55, 50, 1, 193), (0, 55, 50, 2, 118),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 128), (0, 65, 50, 2, 128),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 128), (0, 75, 50, 2, 128),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 128), (0, 85, 50, 2, 128),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 128), (0, 95, 50, 2, 128),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_0_1F_RGB` (dtype `u1`)
/// (JPGB, (8, 8), (1, 100, 100, 3), OB, RGB, 0)
/// (Uses RGB component IDs)
#[rustfmt::skip]
const JPGB_08_08_3_0_1F_RGB: Reference = Reference {
    file: "SC_rgb_dcmtk_+eb+cr.dcm",
    values: &[
        (0, 5, 50, 0, 255), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 255), (0, 15, 50, 1, 128), (0, 15, 50, 2, 128),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 255), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 128), (0, 35, 50, 1, 255), (0, 35, 50, 2, 128),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 255),
        (0, 55, 50, 0, 128), (0, 55, 50, 1, 128), (0, 55, 50, 2, 255),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 64), (0, 75, 50, 2, 64),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 192), (0, 85, 50, 2, 192),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 255), (0, 95, 50, 2, 255),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGB_08_08_3_1F_YBR_FULL` (dtype `u1`)
/// (JPGB, (8, 8), (1, 100, 100, 3), OB, YBR_FULL, 0)
/// The second binding of this name in pydicom; its PIXEL_REFERENCE lists this one twice,
/// so pydicom's own tests never check the first binding's file.
#[rustfmt::skip]
const JPGB_08_08_3_1F_YBR_FULL_2: Reference = Reference {
    file: "SC_rgb_jpeg_lossy_gdcm.dcm",
    stage: JpegYbr,
    values: &[
        (0, 5, 50, 0, 76), (0, 5, 50, 1, 85), (0, 5, 50, 2, 255),
        (0, 15, 50, 0, 166), (0, 15, 50, 1, 107), (0, 15, 50, 2, 191),
        (0, 25, 50, 0, 150), (0, 25, 50, 1, 44), (0, 25, 50, 2, 21),
        (0, 35, 50, 0, 203), (0, 35, 50, 1, 86), (0, 35, 50, 2, 75),
        (0, 45, 50, 0, 29), (0, 45, 50, 1, 255), (0, 45, 50, 2, 107),
        (0, 55, 50, 0, 142), (0, 55, 50, 1, 191), (0, 55, 50, 2, 118),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 128), (0, 65, 50, 2, 128),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 128), (0, 75, 50, 2, 128),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 128), (0, 85, 50, 2, 128),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 128), (0, 95, 50, 2, 128),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGE_BAD` (dtype `u2`)
/// (JPGE, (16, 12), (1, 1024, 256, 1), OB, MONOCHROME2, 0)
/// (Bad file - scan stop has invalid value)
#[rustfmt::skip]
const JPGE_BAD: Reference = Reference {
    file: "JPEG-lossy.dcm",
    values: &[
        (0, 420, 140, 0, 244),
        (0, 230, 120, 0, 95),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGE_16_12_1_0_1F_M2` (dtype `u2`)
/// (JPGE, (16, 12), (1, 1024, 256, 1), OB, MONOCHROME2,)
/// (Fixed version of JPEG_BAD)
#[rustfmt::skip]
const JPGE_16_12_1_0_1F_M2: Reference = Reference {
    file: "JPGExtended.dcm",
    values: &[
        (0, 420, 140, 0, 244),
        (0, 230, 120, 0, 95),
    ],
    tol: 1,
    ..REFERENCE
};

/// pydicom `JPGS_08_08_1_0_1F` (dtype `u1`)
/// (JPGS, (8, 8), (1, 768, 1024, 1), OB, MONOCHROME2, 0)
#[rustfmt::skip]
const JPGS_08_08_1_0_1F: Reference = Reference {
    file: "JPGLosslessP14SV1_1s_1f_8b.dcm",
    values: &[
        (0, 300, 512, 0, 26), (0, 300, 513, 0, 26), (0, 300, 514, 0, 25), (0, 300, 515, 0, 22),
        (0, 300, 516, 0, 19), (0, 300, 517, 0, 16), (0, 300, 518, 0, 14), (0, 300, 519, 0, 15),
        (0, 600, 512, 0, 45), (0, 600, 513, 0, 43), (0, 600, 514, 0, 41), (0, 600, 515, 0, 38),
        (0, 600, 516, 0, 33), (0, 600, 517, 0, 30), (0, 600, 518, 0, 26), (0, 600, 519, 0, 21),
    ],
    ..REFERENCE
};

/// pydicom `JPGS_16_16_1_1_1F_M2` (dtype `<i2`)
/// (JPGS, (16, 16), (1, 1024, 256, 1), OB, MONOCHROME2, 1)
#[rustfmt::skip]
const JPGS_16_16_1_1_1F_M2: Reference = Reference {
    file: "JPEG-LL.dcm",
    values: &[
        (0, 400, 124, 0, 60), (0, 400, 125, 0, 58), (0, 400, 126, 0, 61), (0, 400, 127, 0, 68),
        (0, 400, 128, 0, 59), (0, 400, 129, 0, 65), (0, 400, 130, 0, 64), (0, 400, 131, 0, 67),
        (0, 600, 124, 0, 3), (0, 600, 125, 0, 1), (0, 600, 126, 0, 2), (0, 600, 127, 0, 0),
        (0, 600, 128, 0, 2), (0, 600, 129, 0, 1), (0, 600, 130, 0, 2), (0, 600, 131, 0, 0),
    ],
    ..REFERENCE
};

/// pydicom `JPGS_08_08_3_1F_RGB` (dtype `u1`)
/// (JPGS, (8, 8), (1, 100, 100, 3), OB, RGB, 0)
#[rustfmt::skip]
const JPGS_08_08_3_1F_RGB: Reference = Reference {
    file: "SC_rgb_jpeg_gdcm.dcm",
    values: &[
        (0, 5, 50, 0, 255), (0, 5, 50, 1, 0), (0, 5, 50, 2, 0),
        (0, 15, 50, 0, 255), (0, 15, 50, 1, 128), (0, 15, 50, 2, 128),
        (0, 25, 50, 0, 0), (0, 25, 50, 1, 255), (0, 25, 50, 2, 0),
        (0, 35, 50, 0, 128), (0, 35, 50, 1, 255), (0, 35, 50, 2, 128),
        (0, 45, 50, 0, 0), (0, 45, 50, 1, 0), (0, 45, 50, 2, 255),
        (0, 55, 50, 0, 128), (0, 55, 50, 1, 128), (0, 55, 50, 2, 255),
        (0, 65, 50, 0, 0), (0, 65, 50, 1, 0), (0, 65, 50, 2, 0),
        (0, 75, 50, 0, 64), (0, 75, 50, 1, 64), (0, 75, 50, 2, 64),
        (0, 85, 50, 0, 192), (0, 85, 50, 1, 192), (0, 85, 50, 2, 192),
        (0, 95, 50, 0, 255), (0, 95, 50, 1, 255), (0, 95, 50, 2, 255),
    ],
    ..REFERENCE
};

/// pydicom `JLSL_08_08_3_0_1F_ILV0` (dtype `u1`)
/// (JLSL, (8, 8), (1, 256, 256, 3), OB, RGB, 0)
/// (Plane interleaved (ILV 0))
#[rustfmt::skip]
const JLSL_08_08_3_0_1F_ILV0: Reference = Reference {
    file: "JLSL_RGB_ILV0.dcm",
    values: &[
        (0, 124, 40, 0, 115), (0, 124, 40, 1, 109), (0, 124, 40, 2, 91),
        (0, 125, 40, 0, 109), (0, 125, 40, 1, 105), (0, 125, 40, 2, 100),
        (0, 126, 40, 0, 100), (0, 126, 40, 1, 111), (0, 126, 40, 2, 94),
        (0, 127, 40, 0, 192), (0, 127, 40, 1, 53), (0, 127, 40, 2, 172),
    ],
    ..REFERENCE
};

/// pydicom `JLSL_08_08_3_0_1F_ILV1` (dtype `u1`)
/// (JLSL, (8, 8), (1, 256, 256, 3), OB, RGB, 0)
/// (Line interleaved (ILV 1))
#[rustfmt::skip]
const JLSL_08_08_3_0_1F_ILV1: Reference = Reference {
    file: "JLSL_RGB_ILV1.dcm",
    values: &[
        (0, 124, 40, 0, 115), (0, 124, 40, 1, 109), (0, 124, 40, 2, 91),
        (0, 125, 40, 0, 109), (0, 125, 40, 1, 105), (0, 125, 40, 2, 100),
        (0, 126, 40, 0, 100), (0, 126, 40, 1, 111), (0, 126, 40, 2, 94),
        (0, 127, 40, 0, 192), (0, 127, 40, 1, 53), (0, 127, 40, 2, 172),
    ],
    ..REFERENCE
};

/// pydicom `JLSL_08_08_3_0_1F_ILV2` (dtype `u1`)
/// (JLSL, (8, 8), (1, 256, 256, 3), OB, RGB, 0)
/// (Sample interleaved (ILV 2))
#[rustfmt::skip]
const JLSL_08_08_3_0_1F_ILV2: Reference = Reference {
    file: "JLSL_RGB_ILV2.dcm",
    values: &[
        (0, 124, 40, 0, 115), (0, 124, 40, 1, 109), (0, 124, 40, 2, 91),
        (0, 125, 40, 0, 109), (0, 125, 40, 1, 105), (0, 125, 40, 2, 100),
        (0, 126, 40, 0, 100), (0, 126, 40, 1, 111), (0, 126, 40, 2, 94),
        (0, 127, 40, 0, 192), (0, 127, 40, 1, 53), (0, 127, 40, 2, 172),
    ],
    ..REFERENCE
};

/// pydicom `JLSL_08_07_1_0_1F` (dtype `u1`)
/// (JLSL, (8, 7), (1, 128, 128, 1), OB, MONOCHROME2, 0)
#[rustfmt::skip]
const JLSL_08_07_1_0_1F: Reference = Reference {
    file: "JLSL_08_07_0_1F.dcm",
    values: &[
        (0, 59, 58, 0, 55), (0, 60, 58, 0, 53), (0, 61, 58, 0, 58), (0, 62, 58, 0, 85),
        (0, 63, 58, 0, 109), (0, 64, 58, 0, 123), (0, 65, 58, 0, 116), (0, 66, 58, 0, 102),
        (0, 67, 58, 0, 98), (0, 68, 58, 0, 89),
    ],
    ..REFERENCE
};

/// pydicom `JLSL_16_15_1_1_1F` (dtype `i2`)
/// (JLSL, (16, 15), (1, 128, 128, 1), OB, MONOCHROME2, 1)
#[rustfmt::skip]
const JLSL_16_15_1_1_1F: Reference = Reference {
    file: "JLSL_16_15_1_1F.dcm",
    values: &[
        (0, 59, 58, 0, -2073), (0, 60, 58, 0, -2629), (0, 61, 58, 0, -1167), (0, 62, 58, 0, 5566),
        (0, 63, 58, 0, 11808), (0, 64, 58, 0, 15604),
    ],
    ..REFERENCE
};

/// pydicom `JLSL_16_16_1_1_1F` (dtype `<i2`)
/// (JLSL, (16, 16), (1, 64, 64, 1), OW, MONOCHROME2, 1)
#[rustfmt::skip]
const JLSL_16_16_1_1_1F: Reference = Reference {
    file: "MR_small_jpeg_ls_lossless.dcm",
    values: &[
        (0, 0, 31, 0, 422), (0, 0, 32, 0, 319), (0, 0, 33, 0, 361),
        (0, 31, 0, 0, 366), (0, 31, 1, 0, 363), (0, 31, 2, 0, 322),
        (0, 63, 61, 0, 1369), (0, 63, 62, 0, 1129), (0, 63, 63, 0, 862),
        (0, 55, 35, 0, 170), (0, 56, 35, 0, 193), (0, 57, 35, 0, 191), (0, 58, 35, 0, 373),
        (0, 59, 35, 0, 1293), (0, 60, 35, 0, 2053), (0, 61, 35, 0, 1879), (0, 62, 35, 0, 1683),
        (0, 63, 35, 0, 1711),
    ],
    ..REFERENCE
};

/// pydicom `JLSN_08_01_1_0_1F` (dtype `u1`)
/// (JLSN, (8, 8), (1, 45, 10, 1), OB, MONOCHROME2, 0)
#[rustfmt::skip]
const JLSN_08_01_1_0_1F: Reference = Reference {
    file: "JPEGLSNearLossless_08.dcm",
    values: &[
        (0, 0, 0, 0, 255),
        (0, 5, 0, 0, 125),
        (0, 10, 0, 0, 65),
        (0, 15, 0, 0, 30),
        (0, 20, 0, 0, 15),
        (0, 25, 0, 0, 5),
        (0, 30, 0, 0, 5),
        (0, 35, 0, 0, 0),
        (0, 40, 0, 0, 0),
    ],
    ..REFERENCE
};

/// pydicom `JLSN_08_08_3_0_1F_ILV0` (dtype `u1`)
/// (JLSN, (8, 8), (1, 256, 256, 3), OB, RGB, 0)
/// (Plane interleaved (ILV 0), lossy error 3)
#[rustfmt::skip]
const JLSN_08_08_3_0_1F_ILV0: Reference = Reference {
    file: "JLSN_RGB_ILV0.dcm",
    values: &[
        (0, 124, 40, 0, 118), (0, 124, 40, 1, 110), (0, 124, 40, 2, 92),
        (0, 125, 40, 0, 110), (0, 125, 40, 1, 103), (0, 125, 40, 2, 99),
        (0, 126, 40, 0, 97), (0, 126, 40, 1, 113), (0, 126, 40, 2, 96),
        (0, 127, 40, 0, 191), (0, 127, 40, 1, 55), (0, 127, 40, 2, 175),
    ],
    ..REFERENCE
};

/// pydicom `JLSN_08_08_1_0_3F_LINE` (dtype `u1`)
/// (JLSN, (8, 8), (1, 100, 100, 3), OB, RGB, 0)
/// (Line interleaved (ILV 1))
#[rustfmt::skip]
const JLSN_08_08_1_0_3F_LINE: Reference = Reference {
    file: "SC_rgb_jls_lossy_line.dcm",
    values: &[
        (0, 0, 0, 0, 255), (0, 0, 0, 1, 0), (0, 0, 0, 2, 0),
        (0, 10, 0, 0, 255), (0, 10, 0, 1, 130), (0, 10, 0, 2, 130),
        (0, 20, 0, 0, 0), (0, 20, 0, 1, 255), (0, 20, 0, 2, 0),
        (0, 30, 0, 0, 130), (0, 30, 0, 1, 255), (0, 30, 0, 2, 130),
        (0, 40, 0, 0, 0), (0, 40, 0, 1, 0), (0, 40, 0, 2, 255),
        (0, 50, 0, 0, 130), (0, 50, 0, 1, 130), (0, 50, 0, 2, 255),
        (0, 60, 0, 0, 0), (0, 60, 0, 1, 0), (0, 60, 0, 2, 0),
        (0, 70, 0, 0, 65), (0, 70, 0, 1, 65), (0, 70, 0, 2, 65),
        (0, 80, 0, 0, 190), (0, 80, 0, 1, 190), (0, 80, 0, 2, 190),
        (0, 90, 0, 0, 255), (0, 90, 0, 1, 255), (0, 90, 0, 2, 255),
    ],
    ..REFERENCE
};

/// pydicom `JLSN_08_08_1_0_3F_SAMPLE` (dtype `u1`)
/// (JLSN, (8, 8), (1, 100, 100, 3), OB, RGB, 0)
/// (Sample interleaved (ILV 2))
#[rustfmt::skip]
const JLSN_08_08_1_0_3F_SAMPLE: Reference = Reference {
    file: "SC_rgb_jls_lossy_sample.dcm",
    values: &[
        (0, 0, 0, 0, 255), (0, 0, 0, 1, 0), (0, 0, 0, 2, 0),
        (0, 10, 0, 0, 255), (0, 10, 0, 1, 130), (0, 10, 0, 2, 130),
        (0, 20, 0, 0, 0), (0, 20, 0, 1, 255), (0, 20, 0, 2, 0),
        (0, 30, 0, 0, 130), (0, 30, 0, 1, 255), (0, 30, 0, 2, 130),
        (0, 40, 0, 0, 0), (0, 40, 0, 1, 0), (0, 40, 0, 2, 255),
        (0, 50, 0, 0, 130), (0, 50, 0, 1, 130), (0, 50, 0, 2, 255),
        (0, 60, 0, 0, 0), (0, 60, 0, 1, 0), (0, 60, 0, 2, 0),
        (0, 70, 0, 0, 65), (0, 70, 0, 1, 65), (0, 70, 0, 2, 65),
        (0, 80, 0, 0, 190), (0, 80, 0, 1, 190), (0, 80, 0, 2, 190),
        (0, 90, 0, 0, 255), (0, 90, 0, 1, 255), (0, 90, 0, 2, 255),
    ],
    ..REFERENCE
};

/// pydicom `JLSN_16_16_1_0_1F` (dtype `u2`)
/// (JLSN, (16, 16), (1, 45, 10, 1), OB, MONOCHROME2, 0)
#[rustfmt::skip]
const JLSN_16_16_1_0_1F: Reference = Reference {
    file: "JPEGLSNearLossless_16.dcm",
    values: &[
        (0, 0, 0, 0, 65535),
        (0, 5, 0, 0, 32765),
        (0, 10, 0, 0, 16385),
        (0, 15, 0, 0, 4095),
        (0, 20, 0, 0, 1025),
        (0, 25, 0, 0, 255),
        (0, 30, 0, 0, 65),
        (0, 35, 0, 0, 15),
        (0, 40, 0, 0, 5),
    ],
    ..REFERENCE
};

/// pydicom `J2KR_16_13_1_1_1F_M2_MISMATCH` (dtype `<i2`)
/// (J2KR, (16, 13), (1, 512, 512, 1), OB, MONOCHROME2, 1)
/// (Mismatch between J2K sign and dataset Pixel Representation)
#[rustfmt::skip]
const J2KR_16_13_1_1_1F_M2_MISMATCH: Reference = Reference {
    file: "J2K_pixelrep_mismatch.dcm",
    values: &[
        (0, 0, 0, 0, -2000),
        (0, 47, 279, 0, 621), (0, 48, 279, 0, 412), (0, 49, 279, 0, 138), (0, 50, 279, 0, -193),
        (0, 51, 279, 0, -520), (0, 52, 279, 0, -767), (0, 53, 279, 0, -907), (0, 54, 279, 0, -966),
        (0, 55, 279, 0, -988), (0, 56, 279, 0, -995),
        (0, 328, 106, 0, -377), (0, 329, 106, 0, -121), (0, 330, 106, 0, 141),
        (0, 331, 106, 0, 383), (0, 332, 106, 0, 633), (0, 333, 106, 0, 910), (0, 334, 106, 0, 1198),
        (0, 335, 106, 0, 1455), (0, 336, 106, 0, 1638), (0, 337, 106, 0, 1732),
    ],
    ..REFERENCE
};

/// pydicom `J2KR_08_08_3_0_1F_YBR_RCT` (dtype `u1`)
/// (J2KR, (8, 8), (1, 400, 400, 3), OB, YBR_RCT, 0)
/// (Non-conformant pixel data -> JP2 header present)
#[rustfmt::skip]
const J2KR_08_08_3_0_1F_YBR_RCT: Reference = Reference {
    file: "GDCMJ2K_TextGBR.dcm",
    values: &[
        (0, 45, 140, 0, 223), (0, 45, 140, 1, 32), (0, 45, 140, 2, 32),
        (0, 46, 140, 0, 255), (0, 46, 140, 1, 0), (0, 46, 140, 2, 0),
        (0, 350, 195, 0, 128), (0, 350, 195, 1, 128), (0, 350, 195, 2, 128),
    ],
    ..REFERENCE
};

/// pydicom `HTJR_08_08_1_1_1F_RGB` (dtype `u1`)
/// (HTJR, (8, 8), (1, 480, 640, 3), OB, RBG, 0)
#[rustfmt::skip]
const HTJR_08_08_1_1_1F_RGB: Reference = Reference {
    file: "HTJ2KLossless_08_RGB.dcm",
    values: &[
        (0, 160, 295, 0, 90), (0, 160, 295, 1, 38), (0, 160, 295, 2, 1),
        (0, 160, 296, 0, 94), (0, 160, 296, 1, 40), (0, 160, 296, 2, 1),
        (0, 160, 297, 0, 97), (0, 160, 297, 1, 42), (0, 160, 297, 2, 5),
        (0, 160, 298, 0, 173), (0, 160, 298, 1, 122), (0, 160, 298, 2, 59),
        (0, 160, 299, 0, 172), (0, 160, 299, 1, 133), (0, 160, 299, 2, 69),
        (0, 160, 300, 0, 169), (0, 160, 300, 1, 135), (0, 160, 300, 2, 75),
        (0, 160, 301, 0, 168), (0, 160, 301, 1, 136), (0, 160, 301, 2, 79),
        (0, 160, 302, 0, 169), (0, 160, 302, 1, 137), (0, 160, 302, 2, 79),
        (0, 160, 303, 0, 169), (0, 160, 303, 1, 137), (0, 160, 303, 2, 81),
        (0, 160, 304, 0, 169), (0, 160, 304, 1, 136), (0, 160, 304, 2, 79),
        (0, 275, 635, 0, 208), (0, 275, 635, 1, 193), (0, 275, 635, 2, 172),
        (0, 276, 635, 0, 238), (0, 276, 635, 1, 228), (0, 276, 635, 2, 215),
        (0, 277, 635, 0, 235), (0, 277, 635, 1, 229), (0, 277, 635, 2, 216),
        (0, 278, 635, 0, 233), (0, 278, 635, 1, 226), (0, 278, 635, 2, 212),
        (0, 279, 635, 0, 239), (0, 279, 635, 1, 231), (0, 279, 635, 2, 218),
        (0, 280, 635, 0, 238), (0, 280, 635, 1, 232), (0, 280, 635, 2, 219),
        (0, 281, 635, 0, 224), (0, 281, 635, 1, 218), (0, 281, 635, 2, 205),
        (0, 282, 635, 0, 239), (0, 282, 635, 1, 234), (0, 282, 635, 2, 223),
        (0, 283, 635, 0, 246), (0, 283, 635, 1, 241), (0, 283, 635, 2, 232),
        (0, 284, 635, 0, 242), (0, 284, 635, 1, 236), (0, 284, 635, 2, 226),
    ],
    ..REFERENCE
};

/// pydicom `HTJI_08_08_1_1_1F_RGB` (dtype `u1`)
/// (HTJI, (8, 8), (1, 480, 640, 3), OB, RBG, 0)
#[rustfmt::skip]
const HTJI_08_08_1_1_1F_RGB: Reference = Reference {
    file: "HTJ2K_08_RGB.dcm",
    values: &[
        (0, 160, 295, 0, 91), (0, 160, 295, 1, 37), (0, 160, 295, 2, 2),
        (0, 160, 296, 0, 94), (0, 160, 296, 1, 40), (0, 160, 296, 2, 1),
        (0, 160, 297, 0, 97), (0, 160, 297, 1, 42), (0, 160, 297, 2, 5),
        (0, 160, 298, 0, 174), (0, 160, 298, 1, 123), (0, 160, 298, 2, 59),
        (0, 160, 299, 0, 172), (0, 160, 299, 1, 132), (0, 160, 299, 2, 69),
        (0, 160, 300, 0, 169), (0, 160, 300, 1, 134), (0, 160, 300, 2, 74),
        (0, 160, 301, 0, 168), (0, 160, 301, 1, 136), (0, 160, 301, 2, 77),
        (0, 160, 302, 0, 168), (0, 160, 302, 1, 137), (0, 160, 302, 2, 80),
        (0, 160, 303, 0, 168), (0, 160, 303, 1, 136), (0, 160, 303, 2, 80),
        (0, 160, 304, 0, 169), (0, 160, 304, 1, 136), (0, 160, 304, 2, 78),
        (0, 275, 635, 0, 207), (0, 275, 635, 1, 193), (0, 275, 635, 2, 171),
        (0, 276, 635, 0, 238), (0, 276, 635, 1, 229), (0, 276, 635, 2, 215),
        (0, 277, 635, 0, 235), (0, 277, 635, 1, 228), (0, 277, 635, 2, 216),
        (0, 278, 635, 0, 233), (0, 278, 635, 1, 226), (0, 278, 635, 2, 213),
        (0, 279, 635, 0, 238), (0, 279, 635, 1, 231), (0, 279, 635, 2, 218),
        (0, 280, 635, 0, 239), (0, 280, 635, 1, 232), (0, 280, 635, 2, 219),
        (0, 281, 635, 0, 225), (0, 281, 635, 1, 218), (0, 281, 635, 2, 206),
        (0, 282, 635, 0, 240), (0, 282, 635, 1, 234), (0, 282, 635, 2, 223),
        (0, 283, 635, 0, 247), (0, 283, 635, 1, 240), (0, 283, 635, 2, 232),
        (0, 284, 635, 0, 242), (0, 284, 635, 1, 236), (0, 284, 635, 2, 227),
    ],
    ..REFERENCE
};

reference_tests! {
    expl_1_1_1f: EXPL_1_1_1F,
    expl_1_1_3f: EXPL_1_1_3F,
    #[ignore = "test file not in the fetched test data (newer pydicom-data)"]
    expl_1_1_3f_nonaligned: EXPL_1_1_3F_NONALIGNED,
    defl_8_1_1f: DEFL_8_1_1F,
    expl_8_1_1f: EXPL_8_1_1F,
    expl_8_1_2f: EXPL_8_1_2F,
    expl_8_3_1f: EXPL_8_3_1F,
    expl_8_3_1f_odd: EXPL_8_3_1F_ODD,
    expl_8_3_1f_ybr422: EXPL_8_3_1F_YBR422,
    expl_8_3_1f_ybr: EXPL_8_3_1F_YBR,
    expl_8_3_1f_ybr_as_rgb: EXPL_8_3_1F_YBR_AS_RGB,
    expl_8_3_2f: EXPL_8_3_2F,
    impl_08_08_3_0_1f_rgb: IMPL_08_08_3_0_1F_RGB,
    expl_16_16_1f: EXPL_16_16_1F,
    impl_16_1_1f: IMPL_16_1_1F,
    expl_16_1_1f: EXPL_16_1_1F,
    expl_16_1_1f_pad: EXPL_16_1_1F_PAD,
    expl_16_1_10f: EXPL_16_1_10F,
    expl_16_3_1f: EXPL_16_3_1F,
    expl_16_3_2f: EXPL_16_3_2F,
    impl_32_1_1f: IMPL_32_1_1F,
    impl_32_1_15f: IMPL_32_1_15F,
    expl_32_3_1f: EXPL_32_3_1F,
    expl_32_3_2f: EXPL_32_3_2F,
    expb_1_1_1f: EXPB_1_1_1F,
    expb_1_1_3f: EXPB_1_1_3F,
    expb_8_1_1f: EXPB_8_1_1F,
    expb_8_1_2f: EXPB_8_1_2F,
    expb_8_3_1f: EXPB_8_3_1F,
    expb_8_3_1f_odd: EXPB_8_3_1F_ODD,
    expb_8_8_3_1f_rgb: EXPB_8_8_3_1F_RGB,
    expb_8_3_2f: EXPB_8_3_2F,
    expb_16_1_1f: EXPB_16_1_1F,
    expb_16_1_10f: EXPB_16_1_10F,
    expb_16_3_1f: EXPB_16_3_1F,
    expb_16_3_2f: EXPB_16_3_2F,
    expb_32_1_1f: EXPB_32_1_1F,
    expb_32_1_15f: EXPB_32_1_15F,
    expb_32_3_1f: EXPB_32_3_1F,
    expb_32_3_2f: EXPB_32_3_2F,
    rle_8_1_1f: RLE_8_1_1F,
    rle_8_1_2f: RLE_8_1_2F,
    rle_8_3_1f: RLE_8_3_1F,
    rle_8_3_2f: RLE_8_3_2F,
    rle_16_1_1f: RLE_16_1_1F,
    rle_16_1_10f: RLE_16_1_10F,
    rle_16_3_1f: RLE_16_3_1F,
    rle_16_3_2f: RLE_16_3_2F,
    rle_32_1_1f: RLE_32_1_1F,
    rle_32_1_15f: RLE_32_1_15F,
    rle_32_3_1f: RLE_32_3_1F,
    rle_32_3_2f: RLE_32_3_2F,
    jpgb_08_08_3_0_1f_ybr_full: JPGB_08_08_3_0_1F_YBR_FULL,
    jpgb_08_08_3_0_1f_rgb_no_app14: JPGB_08_08_3_0_1F_RGB_NO_APP14,
    jpgb_08_08_3_0_1f_rgb_app14: JPGB_08_08_3_0_1F_RGB_APP14,
    jpgb_08_08_3_0_1f_rgb_dcmd_app14: JPGB_08_08_3_0_1F_RGB_DCMD_APP14,
    jpgb_08_08_3_0_120f_ybr_full_422: JPGB_08_08_3_0_120F_YBR_FULL_422,
    jpgb_08_08_3_0_120f_ybr_full_422_as_rgb: JPGB_08_08_3_0_120F_YBR_FULL_422_AS_RGB,
    jpgb_08_08_3_1f_ybr_full: JPGB_08_08_3_1F_YBR_FULL,
    jpgb_08_08_3_0_1f_ybr_full_422_411: JPGB_08_08_3_0_1F_YBR_FULL_422_411,
    jpgb_08_08_3_0_1f_ybr_full_422_422: JPGB_08_08_3_0_1F_YBR_FULL_422_422,
    jpgb_08_08_3_0_1f_ybr_full_411: JPGB_08_08_3_0_1F_YBR_FULL_411,
    jpgb_08_08_3_0_1f_ybr_full_422: JPGB_08_08_3_0_1F_YBR_FULL_422,
    jpgb_08_08_3_0_1f_ybr_full_444: JPGB_08_08_3_0_1F_YBR_FULL_444,
    jpgb_08_08_3_0_1f_rgb: JPGB_08_08_3_0_1F_RGB,
    jpgb_08_08_3_1f_ybr_full_2: JPGB_08_08_3_1F_YBR_FULL_2,
    jpge_bad: JPGE_BAD,
    jpge_16_12_1_0_1f_m2: JPGE_16_12_1_0_1F_M2,
    jpgs_08_08_1_0_1f: JPGS_08_08_1_0_1F,
    jpgs_16_16_1_1_1f_m2: JPGS_16_16_1_1_1F_M2,
    jpgs_08_08_3_1f_rgb: JPGS_08_08_3_1F_RGB,
    #[ignore = "test file not in the fetched test data (newer pydicom-data)"]
    jlsl_08_08_3_0_1f_ilv0: JLSL_08_08_3_0_1F_ILV0,
    #[ignore = "test file not in the fetched test data (newer pydicom-data)"]
    jlsl_08_08_3_0_1f_ilv1: JLSL_08_08_3_0_1F_ILV1,
    #[ignore = "test file not in the fetched test data (newer pydicom-data)"]
    jlsl_08_08_3_0_1f_ilv2: JLSL_08_08_3_0_1F_ILV2,
    #[ignore = "test file not in the fetched test data (newer pydicom-data)"]
    jlsl_08_07_1_0_1f: JLSL_08_07_1_0_1F,
    #[ignore = "test file not in the fetched test data (newer pydicom-data)"]
    jlsl_16_15_1_1_1f: JLSL_16_15_1_1_1F,
    jlsl_16_16_1_1_1f: JLSL_16_16_1_1_1F,
    jlsn_08_01_1_0_1f: JLSN_08_01_1_0_1F,
    #[ignore = "test file not in the fetched test data (newer pydicom-data)"]
    jlsn_08_08_3_0_1f_ilv0: JLSN_08_08_3_0_1F_ILV0,
    jlsn_08_08_1_0_3f_line: JLSN_08_08_1_0_3F_LINE,
    jlsn_08_08_1_0_3f_sample: JLSN_08_08_1_0_3F_SAMPLE,
    jlsn_16_16_1_0_1f: JLSN_16_16_1_0_1F,
    j2kr_16_13_1_1_1f_m2_mismatch: J2KR_16_13_1_1_1F_M2_MISMATCH,
    j2kr_08_08_3_0_1f_ybr_rct: J2KR_08_08_3_0_1F_YBR_RCT,
    #[ignore = "test file not in the fetched test data (newer pydicom-data)"]
    htjr_08_08_1_1_1f_rgb: HTJR_08_08_1_1_1F_RGB,
    #[ignore = "test file not in the fetched test data (newer pydicom-data)"]
    htji_08_08_1_1_1f_rgb: HTJI_08_08_1_1_1F_RGB,
}

// ---------------------------------------------------------------------------------------------
// Modality stage
// ---------------------------------------------------------------------------------------------

/// CT_small.dcm: `EXPL_16_16_1F`'s stored values 520, 802, 930, 1008 at row 24, cols 36..=39,
/// through Rescale Slope 1 / Intercept -1024: Hounsfield units.
#[test]
fn ct_small_hounsfield_units() {
    let img = DicomImage::open(common::data_file("pydicom/CT_small.dcm")).unwrap();
    let hu = img.modality(0).unwrap();
    let got: Vec<f32> = (36..=39).map(|c| hu[(24, c, 0)]).collect();
    assert_eq!(got, [-504.0, -222.0, -94.0, -16.0]);
}

// ---------------------------------------------------------------------------------------------
// Twins: a file's decode equals that of the same image stored another way
// ---------------------------------------------------------------------------------------------

/// Every stored value of every frame of `file` is within `tol` of `twin`'s.
fn assert_twin(file: &str, twin: &str, tol: i64) {
    let open = |name| {
        DicomImage::open(common::find_test_file(name))
            .unwrap_or_else(|e| panic!("{name}: open: {e}"))
    };
    let (a, b) = (open(file), open(twin));
    let frames = a.frames().unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(
        frames,
        b.frames().unwrap_or_else(|e| panic!("{twin}: {e}")),
        "{file} vs {twin}: frame count"
    );
    for f in 0..frames {
        let x = a
            .stored(f)
            .unwrap_or_else(|e| panic!("{file}: frame {f}: {e}"));
        let y = b
            .stored(f)
            .unwrap_or_else(|e| panic!("{twin}: frame {f}: {e}"));
        assert_eq!(x.dim(), y.dim(), "{file} vs {twin}: frame {f} shape");
        let (xs, ys) = (x.to_i64_vec(), y.to_i64_vec());
        let bad: Vec<usize> = (0..xs.len())
            .filter(|&i| (xs[i] - ys[i]).abs() > tol)
            .collect();
        if let Some(&i) = bad.first() {
            let (_, cols, samples) = x.dim();
            let (r, c, s) = (i / samples / cols, i / samples % cols, i % samples);
            panic!(
                "{file} vs {twin}: frame {f}: {} of {} values differ by more than {tol}; first at \
                 (row {r}, col {c}) sample {s}: {} vs {}",
                bad.len(),
                xs.len(),
                xs[i],
                ys[i]
            );
        }
    }
}

macro_rules! twin_tests {
    ($(
        $(#[$attr:meta])*
        $test:ident: $file:literal == $twin:literal $(, tol $tol:literal)?;
    )*) => {$(
        $(#[$attr])*
        #[test]
        fn $test() {
            assert_twin($file, $twin, 0 $(+ $tol)?);
        }
    )*};
}

twin_tests! {
    // pydicom `JLSL_16_12_1_1_10F`: array_equal with emri_small.dcm
    twin_emri_small_jpeg_ls_lossless: "emri_small_jpeg_ls_lossless.dcm" == "emri_small.dcm";
    // pydicom `J2KR_08_08_3_0_1F_YBR_ICT`: array_equal with US1_UNCR.dcm
    twin_us1_j2kr: "US1_J2KR.dcm" == "US1_UNCR.dcm";
    // pydicom `J2KR_16_10_1_0_1F_M1`: array_equal with RG3_UNCR.dcm
    twin_rg3_j2kr: "RG3_J2KR.dcm" == "RG3_UNCR.dcm";
    // pydicom `J2KR_16_12_1_0_1F_M2`: array_equal with MR2_UNCR.dcm
    twin_mr2_j2kr: "MR2_J2KR.dcm" == "MR2_UNCR.dcm";
    // pydicom `J2KR_16_15_1_0_1F_M1`: array_equal with RG1_UNCR.dcm
    twin_rg1_j2kr: "RG1_J2KR.dcm" == "RG1_UNCR.dcm";
    // pydicom `J2KR_16_12_1_0_10F_M2`: array_equal with emri_small.dcm
    twin_emri_small_jpeg_2k_lossless: "emri_small_jpeg_2k_lossless.dcm" == "emri_small.dcm";
    // pydicom `J2KR_16_14_1_1_1F_M2`: array_equal with 693_UNCR.dcm
    twin_693_j2kr: "693_J2KR.dcm" == "693_UNCR.dcm";
    // pydicom `J2KR_16_16_1_1_1F_M2`: array_equal with MR_small.dcm
    twin_mr_small_jp2klossless: "MR_small_jp2klossless.dcm" == "MR_small.dcm";
    // pydicom `J2KI_08_08_3_0_1F_RGB`: array_equal with SC_rgb_gdcm2k_uncompressed.dcm
    twin_sc_rgb_gdcm_ky: "SC_rgb_gdcm_KY.dcm" == "SC_rgb_gdcm2k_uncompressed.dcm";
    // pydicom `J2KI_08_08_3_0_1F_YBR_ICT`: allclose atol=1 with US1_UNCI.dcm
    twin_us1_j2ki: "US1_J2KI.dcm" == "US1_UNCI.dcm", tol 1;
    // pydicom `J2KI_16_10_1_0_1F_M1`: allclose atol=1 with RG3_UNCI.dcm
    twin_rg3_j2ki: "RG3_J2KI.dcm" == "RG3_UNCI.dcm", tol 1;
    // pydicom `J2KI_16_12_1_0_1F_M2`: allclose atol=1 with MR2_UNCI.dcm
    twin_mr2_j2ki: "MR2_J2KI.dcm" == "MR2_UNCI.dcm", tol 1;
    // pydicom `J2KI_16_15_1_0_1F_M1`: allclose atol=1 with RG1_UNCI.dcm
    twin_rg1_j2ki: "RG1_J2KI.dcm" == "RG1_UNCI.dcm", tol 1;
    // pydicom `J2KI_16_14_1_1_1F_M2`: array_equal with 693_UNCI.dcm
    twin_693_j2ki: "693_J2KI.dcm" == "693_UNCI.dcm";
    // pydicom `J2KI_16_16_1_1_1F_M2`: array_equal with JPEG2000_UNC.dcm
    twin_jpeg2000: "JPEG2000.dcm" == "JPEG2000_UNC.dcm";
    // Lossless encodings of the same image found in the data (pydicom's decodes agree too).
    twin_emri_small_rle: "emri_small_RLE.dcm" == "emri_small.dcm";
    twin_emri_small_big_endian: "emri_small_big_endian.dcm" == "emri_small.dcm";
    twin_mr_small_rle: "MR_small_RLE.dcm" == "MR_small.dcm";
    twin_mr_small_jpeg_ls_lossless: "MR_small_jpeg_ls_lossless.dcm" == "MR_small.dcm";
    twin_mr_small_bigendian: "MR_small_bigendian.dcm" == "MR_small.dcm";
    twin_mr_small_expb: "MR_small_expb.dcm" == "MR_small.dcm";
    twin_mr_small_implicit: "MR_small_implicit.dcm" == "MR_small.dcm";
    twin_mr_small_padded: "MR_small_padded.dcm" == "MR_small.dcm";
    twin_sc_rgb_rle: "SC_rgb_rle.dcm" == "SC_rgb.dcm";
    twin_sc_rgb_expb: "SC_rgb_expb.dcm" == "SC_rgb.dcm";
    twin_sc_rgb_jpeg_gdcm: "SC_rgb_jpeg_gdcm.dcm" == "SC_rgb.dcm";
    twin_sc_rgb_rle_2frame: "SC_rgb_rle_2frame.dcm" == "SC_rgb_2frame.dcm";
    twin_sc_rgb_expb_2frame: "SC_rgb_expb_2frame.dcm" == "SC_rgb_2frame.dcm";
    twin_sc_rgb_rle_16bit: "SC_rgb_rle_16bit.dcm" == "SC_rgb_16bit.dcm";
    twin_sc_rgb_expb_16bit: "SC_rgb_expb_16bit.dcm" == "SC_rgb_16bit.dcm";
    twin_sc_rgb_rle_16bit_2frame: "SC_rgb_rle_16bit_2frame.dcm" == "SC_rgb_16bit_2frame.dcm";
    twin_sc_rgb_expb_16bit_2frame: "SC_rgb_expb_16bit_2frame.dcm" == "SC_rgb_16bit_2frame.dcm";
    twin_sc_rgb_rle_32bit: "SC_rgb_rle_32bit.dcm" == "SC_rgb_32bit.dcm";
    twin_sc_rgb_expb_32bit: "SC_rgb_expb_32bit.dcm" == "SC_rgb_32bit.dcm";
    twin_sc_rgb_rle_32bit_2frame: "SC_rgb_rle_32bit_2frame.dcm" == "SC_rgb_32bit_2frame.dcm";
    twin_sc_rgb_expb_32bit_2frame: "SC_rgb_expb_32bit_2frame.dcm" == "SC_rgb_32bit_2frame.dcm";
    twin_sc_rgb_small_odd_big_endian: "SC_rgb_small_odd_big_endian.dcm" == "SC_rgb_small_odd.dcm";
    twin_obxxxx1a_rle: "OBXXXX1A_rle.dcm" == "OBXXXX1A.dcm";
    twin_obxxxx1a_expb: "OBXXXX1A_expb.dcm" == "OBXXXX1A.dcm";
    twin_obxxxx1a_rle_2frame: "OBXXXX1A_rle_2frame.dcm" == "OBXXXX1A_2frame.dcm";
    twin_obxxxx1a_expb_2frame: "OBXXXX1A_expb_2frame.dcm" == "OBXXXX1A_2frame.dcm";
    twin_liver_expb: "liver_expb.dcm" == "liver.dcm";
    twin_liver_expb_1frame: "liver_expb_1frame.dcm" == "liver_1frame.dcm";
    twin_rtdose_rle: "rtdose_rle.dcm" == "rtdose.dcm";
    twin_rtdose_expb: "rtdose_expb.dcm" == "rtdose.dcm";
    twin_rtdose_rle_1frame: "rtdose_rle_1frame.dcm" == "rtdose_1frame.dcm";
    twin_rtdose_expb_1frame: "rtdose_expb_1frame.dcm" == "rtdose_1frame.dcm";
    twin_examples_jpeg2k: "examples_jpeg2k.dcm" == "US1_UNCR.dcm";
    twin_gdcm_us_aloka_16_big: "gdcm-US-ALOKA-16_big.dcm" == "gdcm-US-ALOKA-16.dcm";
    twin_color_pl: "color-pl.dcm" == "color-px.dcm";
}
