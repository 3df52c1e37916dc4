//! The inverse DCT of libjpeg's `jpeg_idct_islow` (jidctint.c, the Loeffler-Ligtenberg-
//! Moschytz algorithm in 13-bit fixed point), for 8- and 12-bit samples. It is the accurate
//! integer IDCT that DICOM toolkits built on IJG code (DCMTK, GDCM) use, so results match
//! theirs exactly and other conforming decoders within a unit or two.
//!
//! Arithmetic is in `i64`: libjpeg's `INT32` is a C `long`, and a corrupt stream can hold
//! coefficients whose products overflow 32 bits.

const CONST_BITS: u32 = 13;

const FIX_0_298631336: i64 = 2446;
const FIX_0_390180644: i64 = 3196;
const FIX_0_541196100: i64 = 4433;
const FIX_0_765366865: i64 = 6270;
const FIX_0_899976223: i64 = 7373;
const FIX_1_175875602: i64 = 9633;
const FIX_1_501321110: i64 = 12299;
const FIX_1_847759065: i64 = 15137;
const FIX_1_961570560: i64 = 16069;
const FIX_2_053119869: i64 = 16819;
const FIX_2_562915447: i64 = 20995;
const FIX_3_072711026: i64 = 25172;

/// Rounded right shift (libjpeg's `DESCALE`).
#[inline(always)]
fn descale(x: i64, n: u32) -> i64 {
    (x + (1 << (n - 1))) >> n
}

/// One 1-D pass over 8 values (`v[0..8]`, natural order); returns the 8 outputs before
/// descaling, scaled by 2^CONST_BITS.
#[inline(always)]
fn pass(v: [i64; 8]) -> [i64; 8] {
    // Even part.
    let (z2, z3) = (v[2], v[6]);
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 - z3 * FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    let tmp0 = (v[0] + v[4]) << CONST_BITS;
    let tmp1 = (v[0] - v[4]) << CONST_BITS;
    let (tmp10, tmp13) = (tmp0 + tmp3, tmp0 - tmp3);
    let (tmp11, tmp12) = (tmp1 + tmp2, tmp1 - tmp2);
    // Odd part.
    let (t0, t1, t2, t3) = (v[7], v[5], v[3], v[1]);
    let (z1, z2, z3, z4) = (t0 + t3, t1 + t2, t0 + t2, t1 + t3);
    let z5 = (z3 + z4) * FIX_1_175875602;
    let t0 = t0 * FIX_0_298631336;
    let t1 = t1 * FIX_2_053119869;
    let t2 = t2 * FIX_3_072711026;
    let t3 = t3 * FIX_1_501321110;
    let z1 = -z1 * FIX_0_899976223;
    let z2 = -z2 * FIX_2_562915447;
    let z3 = -z3 * FIX_1_961570560 + z5;
    let z4 = -z4 * FIX_0_390180644 + z5;
    let (t0, t1, t2, t3) = (t0 + z1 + z3, t1 + z2 + z4, t2 + z2 + z3, t3 + z1 + z4);
    [
        tmp10 + t3,
        tmp11 + t2,
        tmp12 + t1,
        tmp13 + t0,
        tmp13 - t0,
        tmp12 - t1,
        tmp11 - t2,
        tmp10 - t3,
    ]
}

/// Inverse DCT of one block of dequantised coefficients (natural order) into 8 rows of
/// `out` (`stride` apart), level-shifted and clamped to `0..2^precision`.
pub(super) fn idct_islow(coef: &[i32; 64], precision: u8, out: &mut [u16], stride: usize) {
    // libjpeg keeps 2 extra bits between passes for 8-bit samples, 1 for 12-bit (so that
    // its 32-bit intermediates do not overflow).
    let pass1_bits: u32 = if precision <= 8 { 2 } else { 1 };
    let center = 1i64 << (precision - 1);
    let max = (1i64 << precision) - 1;
    let mut ws = [0i64; 64];
    // Pass 1: columns.
    for col in 0..8 {
        let v: [i64; 8] = std::array::from_fn(|r| i64::from(coef[r * 8 + col]));
        if v[1..].iter().all(|&x| x == 0) {
            let dc = v[0] << pass1_bits;
            for r in 0..8 {
                ws[r * 8 + col] = dc;
            }
            continue;
        }
        let o = pass(v);
        for r in 0..8 {
            ws[r * 8 + col] = descale(o[r], CONST_BITS - pass1_bits);
        }
    }
    // Pass 2: rows, descaled by the pass-1 bits and the 8 of the 2-D transform.
    for (r, row) in ws.chunks_exact(8).enumerate() {
        let Some(dst) = out.get_mut(r * stride..r * stride + 8) else {
            return;
        };
        let v: [i64; 8] = row.try_into().unwrap_or([0; 8]);
        if v[1..].iter().all(|&x| x == 0) {
            let s = (descale(v[0], pass1_bits + 3) + center).clamp(0, max) as u16;
            dst.fill(s);
            continue;
        }
        let o = pass(v);
        for (d, x) in dst.iter_mut().zip(o) {
            *d = (descale(x, CONST_BITS + pass1_bits + 3) + center).clamp(0, max) as u16;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::idct_islow;

    /// The float IDCT of T.81 A.3.3, for comparison.
    fn reference(coef: &[i32; 64], precision: u8) -> Vec<f64> {
        let c = |u: usize| if u == 0 { 1.0 / 2f64.sqrt() } else { 1.0 };
        let center = f64::from(1u32 << (precision - 1));
        let mut out = vec![0.0; 64];
        for y in 0..8 {
            for x in 0..8 {
                let mut s = 0.0;
                for v in 0..8 {
                    for u in 0..8 {
                        s += c(u)
                            * c(v)
                            * f64::from(coef[v * 8 + u])
                            * (((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI) / 16.0).cos()
                            * (((2 * y + 1) as f64 * v as f64 * std::f64::consts::PI) / 16.0).cos();
                    }
                }
                out[y * 8 + x] = s / 4.0 + center;
            }
        }
        out
    }

    #[test]
    fn dc_only_block_is_flat() {
        let mut coef = [0i32; 64];
        coef[0] = 80; // DC of 80 / 8 = 10 above the centre
        let mut out = [0u16; 64];
        idct_islow(&coef, 12, &mut out, 8);
        assert!(out.iter().all(|&v| v == 2058), "{out:?}");
        idct_islow(&coef, 8, &mut out, 8);
        assert!(out.iter().all(|&v| v == 138), "{out:?}");
    }

    #[test]
    fn close_to_the_float_idct() {
        // A pseudo-random block of mid-sized coefficients.
        let mut seed = 12345u32;
        let mut coef = [0i32; 64];
        for c in coef.iter_mut() {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            *c = ((seed >> 16) % 401) as i32 - 200;
        }
        for precision in [8u8, 12] {
            let mut out = [0u16; 64];
            idct_islow(&coef, precision, &mut out, 8);
            let want = reference(&coef, precision);
            let max = f64::from((1u32 << precision) - 1);
            for (g, w) in out.iter().zip(&want) {
                let w = w.round().clamp(0.0, max);
                assert!((f64::from(*g) - w).abs() <= 1.0, "{precision}: {g} vs {w}");
            }
        }
    }
}
