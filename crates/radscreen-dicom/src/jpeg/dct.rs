//! Sequential DCT scans (T.81 Annex F; processes 1, 2 and 4: baseline and extended,
//! Huffman-coded, 8- or 12-bit samples), and assembling the component planes into
//! interleaved samples.

use super::bits::Bits;
use super::huffman::{Huffman, extend};
use super::idct::idct_islow;
use super::markers::{Frame, Scan, Tables};
use super::upsample::Source;
use crate::CodecError;

/// Zigzag index to natural (row-major) index (Figure A.6).
const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// One component's samples, padded to whole MCUs.
pub(super) struct Plane {
    pub data: Vec<u16>,
    /// Samples per row.
    pub stride: usize,
}

/// The planes of a frame, each sized to the MCU grid (so that an interleaved scan never
/// writes outside them).
pub(super) fn planes(frame: &Frame) -> Vec<Plane> {
    let (hmax, vmax) = (usize::from(frame.h_max()), usize::from(frame.v_max()));
    let mcus_x = usize::from(frame.width).div_ceil(8 * hmax);
    let mcus_y = usize::from(frame.height).div_ceil(8 * vmax);
    frame
        .components
        .iter()
        .map(|c| {
            let stride = mcus_x * usize::from(c.h) * 8;
            let rows = mcus_y * usize::from(c.v) * 8;
            Plane {
                data: vec![0; stride * rows],
                stride,
            }
        })
        .collect()
}

/// A scan component with its tables resolved.
struct Comp<'t> {
    plane: usize,
    h: usize,
    v: usize,
    dc: &'t Huffman,
    ac: &'t Huffman,
    quant: [u16; 64],
    pred: i32,
}

/// Decodes one scan into the planes; returns the bytes of `data` it used.
pub(super) fn decode_scan(
    frame: &Frame,
    scan: &Scan,
    tables: &Tables,
    data: &[u8],
    planes: &mut [Plane],
) -> Result<usize, CodecError> {
    let mut comps = Vec::with_capacity(scan.components.len());
    for sc in &scan.components {
        let fc = &frame.components[sc.index];
        let (Some(dc), Some(ac)) = (tables.dc[sc.dc].as_ref(), tables.ac[sc.ac].as_ref()) else {
            return Err(CodecError::corrupt("scan uses an undefined Huffman table"));
        };
        let quant = tables.quant[usize::from(fc.tq)].ok_or_else(|| {
            CodecError::corrupt(format!("quantisation table {} is not defined", fc.tq))
        })?;
        comps.push(Comp {
            plane: sc.index,
            h: usize::from(fc.h),
            v: usize::from(fc.v),
            dc,
            ac,
            quant,
            pred: 0,
        });
    }
    let precision = frame.precision;
    let (hmax, vmax) = (usize::from(frame.h_max()), usize::from(frame.v_max()));
    let (width, height) = (usize::from(frame.width), usize::from(frame.height));
    // A scan of one component codes its blocks in raster order over the component's own
    // size, one block per MCU (A.2.2); several components interleave H x V blocks each.
    let (mcus_x, mcus_y) = if let [c] = comps.as_slice() {
        (
            (width * c.h).div_ceil(hmax).div_ceil(8),
            (height * c.v).div_ceil(vmax).div_ceil(8),
        )
    } else {
        (width.div_ceil(8 * hmax), height.div_ceil(8 * vmax))
    };
    let single = comps.len() == 1;
    let ri = usize::from(tables.restart_interval);
    let mut bits = Bits::new(data);
    let mut next_rst = 0u8;
    let mut coef = [0i32; 64];
    for my in 0..mcus_y {
        if bits.overrun() {
            return Err(CodecError::corrupt(format!(
                "entropy-coded data ends early, in MCU row {my} (truncated)"
            )));
        }
        for mx in 0..mcus_x {
            let m = my * mcus_x + mx;
            if ri > 0 && m > 0 && m % ri == 0 {
                bits.restart(next_rst)?;
                next_rst = (next_rst + 1) & 7;
                for c in &mut comps {
                    c.pred = 0;
                }
            }
            for c in &mut comps {
                let (bh, bv) = if single { (1, 1) } else { (c.h, c.v) };
                for v in 0..bv {
                    for h in 0..bh {
                        decode_block(&mut bits, c, &mut coef)?;
                        let plane = &mut planes[c.plane];
                        let (bx, by) = (mx * bh + h, my * bv + v);
                        let at = by * 8 * plane.stride + bx * 8;
                        if let Some(out) = plane.data.get_mut(at..) {
                            idct_islow(&coef, precision, out, plane.stride);
                        }
                    }
                }
            }
        }
    }
    bits.finish()
}

/// Decodes one block's coefficients (F.2.2.1, F.2.2.2), dequantised, in natural order.
fn decode_block(bits: &mut Bits, c: &mut Comp, coef: &mut [i32; 64]) -> Result<(), CodecError> {
    coef.fill(0);
    let dequant = |v: i32, q: u16| (i64::from(v) * i64::from(q)).clamp(-(1 << 30), 1 << 30) as i32;
    if bits.count() < 32 {
        bits.refill();
    }
    let s = u32::from(
        c.dc.decode(bits)
            .ok_or(CodecError::corrupt("invalid Huffman code"))?,
    );
    if s > 16 {
        return Err(CodecError::corrupt(format!("DC difference category {s}")));
    }
    c.pred = c.pred.wrapping_add(extend(bits.take(s), s));
    coef[0] = dequant(c.pred, c.quant[0]);
    let mut k = 1;
    while k < 64 {
        if bits.count() < 32 {
            bits.refill();
        }
        let rs =
            c.ac.decode(bits)
                .ok_or(CodecError::corrupt("invalid Huffman code"))?;
        let (r, s) = (usize::from(rs >> 4), u32::from(rs & 15));
        if s == 0 {
            if r != 15 {
                break; // end of block
            }
            k += 16;
            continue;
        }
        k += r;
        if k > 63 {
            return Err(CodecError::corrupt(
                "AC coefficient run past the end of the block",
            ));
        }
        coef[ZIGZAG[k]] = dequant(extend(bits.take(s), s), c.quant[k]);
        k += 1;
    }
    Ok(())
}

/// Whether a 3-component frame holds YCbCr, by the rules libjpeg and jpeg-decoder follow:
/// component ids "RGB" mean RGB, a JFIF marker means YCbCr, an Adobe marker says which;
/// without markers, YCbCr unless the DICOM says RGB (`rgb_without_markers`).
fn is_ycbcr(frame: &Frame, tables: &Tables, rgb_without_markers: bool) -> bool {
    let ids: Vec<u8> = frame.components.iter().map(|c| c.id).collect();
    frame.components.len() == 3
        && ids != b"RGB"
        && match (tables.jfif, tables.adobe_transform) {
            (true, _) => true,
            (false, Some(t)) => t != 0,
            (false, None) => !rgb_without_markers,
        }
}

/// Interleaved output samples from the planes: cropped, chroma upsampled as libjpeg does,
/// YCbCr converted to RGB (jpeg-decoder does the same for the 8-bit frames it decodes).
pub(super) fn finish(
    frame: &Frame,
    tables: &Tables,
    planes: &[Plane],
    rgb_without_markers: bool,
) -> Vec<u16> {
    let (width, height) = (usize::from(frame.width), usize::from(frame.height));
    let nf = frame.components.len();
    let (hmax, vmax) = (usize::from(frame.h_max()), usize::from(frame.v_max()));
    if let [p] = planes {
        let mut out = Vec::with_capacity(width * height);
        for row in p.data.chunks(p.stride.max(1)).take(height) {
            out.extend(row.iter().take(width));
        }
        out.resize(width * height, 0);
        return out;
    }
    let full: Vec<Vec<u16>> = frame
        .components
        .iter()
        .zip(planes)
        .map(|(c, p)| {
            let (h, v) = (usize::from(c.h), usize::from(c.v));
            Source {
                data: &p.data,
                stride: p.stride,
                cw: (width * h).div_ceil(hmax),
                ch: (height * v).div_ceil(vmax),
                // Factors that do not divide evenly (3 of 4, say) are rounded, as
                // jpeg-decoder's generic upsampler does.
                sh: (hmax / h).max(1),
                sv: (vmax / v).max(1),
            }
            .full_size(width, height)
        })
        .collect();
    let mut out = vec![0u16; width * height * nf];
    for (c, plane) in full.iter().enumerate() {
        for (o, &v) in out.iter_mut().skip(c).step_by(nf).zip(plane) {
            *o = v;
        }
    }
    if is_ycbcr(frame, tables, rgb_without_markers) {
        ycbcr_to_rgb(&mut out, frame.precision);
    }
    out
}

/// JFIF's YCbCr to RGB (full range), at any precision, rounded.
fn ycbcr_to_rgb(samples: &mut [u16], precision: u8) {
    let center = f64::from(1u32 << (precision - 1));
    let max = f64::from((1u32 << precision) - 1);
    for px in samples.chunks_exact_mut(3) {
        let (y, cb, cr) = (
            f64::from(px[0]),
            f64::from(px[1]) - center,
            f64::from(px[2]) - center,
        );
        let rgb = [
            y + 1.402 * cr,
            y - 0.344_136 * cb - 0.714_136 * cr,
            y + 1.772 * cb,
        ];
        for (o, v) in px.iter_mut().zip(rgb) {
            *o = v.round().clamp(0.0, max) as u16;
        }
    }
}
