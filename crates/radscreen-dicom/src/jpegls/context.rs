//! Coding parameters and context modelling (T.87 A.2 to A.7): gradient quantisation, the 365
//! regular contexts with bias correction, and the two run-interruption contexts.

use super::JpegLsError;
use super::bits::BitReader;
use super::markers::Preset;

/// Run-length order per RUNindex (T.87 A.7.1.1, table A.5 J).
pub(super) const J: [u32; 32] = [
    0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13,
    14, 15,
];

/// CharLS rejects A or B this large as corrupt data; it also keeps every sum in `i32` and
/// the Golomb parameter k at most 25.
const COUNTER_LIMIT: i32 = 1 << 24;

/// The parameters of one scan, defaults filled in (T.87 A.2.1, C.2.4.1.1).
#[derive(Debug, Clone, Copy)]
pub(super) struct Params {
    pub(super) maxval: i32,
    pub(super) near: i32,
    pub(super) range: i32,
    pub(super) qbpp: u32,
    pub(super) limit: u32,
    pub(super) t1: i32,
    pub(super) t2: i32,
    pub(super) t3: i32,
    pub(super) reset: i32,
}

/// T.87 figure C.3: `value`, or `low` when it falls outside `low..=maxval`.
fn clamp_threshold(value: i32, low: i32, maxval: i32) -> i32 {
    if value > maxval || value < low {
        low
    } else {
        value
    }
}

/// Bits needed for values up to `n - 1`: ceil(log2(n)).
fn log2_ceil(n: i32) -> u32 {
    let mut x = 0;
    while x < 31 && n > 1 << x {
        x += 1;
    }
    x
}

impl Params {
    pub(super) fn new(bits: u8, preset: &Preset, near: u8) -> Result<Self, JpegLsError> {
        fn invalid<T>(reason: &'static str) -> Result<T, JpegLsError> {
            Err(JpegLsError::Corrupt {
                reason: reason.into(),
            })
        }
        let full = (1i32 << bits) - 1;
        let maxval = match i32::from(preset.maxval) {
            0 => full,
            m if m > full => return invalid("LSE MAXVAL above the sample precision"),
            m => m,
        };
        let near = i32::from(near);
        if near > (maxval / 2).min(255) {
            return invalid("NEAR too large for MAXVAL");
        }
        // C.2.4.1.1.1: thresholds scaled from the 8-bit ones (3, 7, 21).
        let (d1, d2, d3) = if maxval >= 128 {
            let factor = (maxval.min(4095) + 128) / 256;
            let t1 = clamp_threshold(factor + 2 + 3 * near, near + 1, maxval);
            let t2 = clamp_threshold(factor * 4 + 3 + 5 * near, t1, maxval);
            let t3 = clamp_threshold(factor * 17 + 4 + 7 * near, t2, maxval);
            (t1, t2, t3)
        } else {
            let factor = 256 / (maxval + 1);
            let t1 = clamp_threshold((3 / factor + 3 * near).max(2), near + 1, maxval);
            let t2 = clamp_threshold((7 / factor + 5 * near).max(3), t1, maxval);
            let t3 = clamp_threshold((21 / factor + 7 * near).max(4), t2, maxval);
            (t1, t2, t3)
        };
        // Given values must lie in the ranges of table C.1, as CharLS checks.
        let pick = |given: u16, default: i32, low: i32| -> Result<i32, JpegLsError> {
            match i32::from(given) {
                0 => Ok(default),
                t if t < low || t > maxval => invalid("LSE threshold out of range"),
                t => Ok(t),
            }
        };
        let t1 = pick(preset.t1, d1, near + 1)?;
        let t2 = pick(preset.t2, d2, t1)?;
        let t3 = pick(preset.t3, d3, t2)?;
        let reset = match i32::from(preset.reset) {
            0 => 64,
            r if r < 3 || r > maxval.max(255) => return invalid("LSE RESET out of range"),
            r => r,
        };
        let range = (maxval + 2 * near) / (2 * near + 1) + 1;
        let bpp = log2_ceil(maxval + 1).max(2);
        Ok(Params {
            maxval,
            near,
            range,
            qbpp: log2_ceil(range),
            limit: 2 * (bpp + bpp.max(8)),
            t1,
            t2,
            t3,
            reset,
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Regular {
    a: i32,
    b: i32,
    c: i32,
    n: i32,
}

#[derive(Debug, Clone, Copy)]
struct RunContext {
    a: i32,
    n: i32,
    nn: i32,
}

/// Context statistics of a scan, shared by all its components (as CharLS and T.87 do).
pub(super) struct Coder {
    pub(super) p: Params,
    regular: [Regular; 365],
    run: [RunContext; 2],
    /// Quantised gradients for -T3..=T3 (beyond they are -4 and 4): a table, as CharLS has.
    quantized: Vec<i8>,
}

impl Coder {
    pub(super) fn new(p: Params) -> Self {
        let zero = Regular {
            a: 0,
            b: 0,
            c: 0,
            n: 1,
        };
        let mut coder = Coder {
            p,
            regular: [zero; 365],
            run: [RunContext { a: 0, n: 1, nn: 0 }; 2],
            quantized: (-p.t3..=p.t3).map(|d| Self::quantize_slow(&p, d)).collect(),
        };
        coder.reset();
        coder
    }

    /// Initial statistics (T.87 A.2.1), at the start of a scan and after each restart.
    pub(super) fn reset(&mut self) {
        let a = ((self.p.range + 32) / 64).max(2);
        self.regular = [Regular {
            a,
            b: 0,
            c: 0,
            n: 1,
        }; 365];
        self.run = [RunContext { a, n: 1, nn: 0 }; 2];
    }

    /// T.87 A.3.3: one local gradient quantised to -4..=4.
    fn quantize_slow(p: &Params, d: i32) -> i8 {
        if d <= -p.t3 {
            -4
        } else if d <= -p.t2 {
            -3
        } else if d <= -p.t1 {
            -2
        } else if d < -p.near {
            -1
        } else if d <= p.near {
            0
        } else if d < p.t1 {
            1
        } else if d < p.t2 {
            2
        } else if d < p.t3 {
            3
        } else {
            4
        }
    }

    #[inline]
    fn quantize(&self, d: i32) -> i32 {
        let t3 = self.p.t3;
        i32::from(self.quantized[(d.clamp(-t3, t3) + t3) as usize])
    }

    /// The signed context number of the gradients D1, D2, D3: zero means run mode, the sign is
    /// that of the first non-zero quantised gradient, the magnitude indexes the contexts.
    #[inline]
    pub(super) fn context(&self, d1: i32, d2: i32, d3: i32) -> i32 {
        (self.quantize(d1) * 9 + self.quantize(d2)) * 9 + self.quantize(d3)
    }

    /// T.87 A.4.4 (decoder side): Rx from the prediction and the signed, still quantised
    /// error, with modular reconstruction and clamping.
    #[inline]
    fn reconstruct(&self, predicted: i32, error: i32) -> i32 {
        let p = &self.p;
        let step = 2 * p.near + 1;
        let mut value = predicted + error * step;
        if value < -p.near {
            value += p.range * step;
        } else if value > p.maxval + p.near {
            value -= p.range * step;
        }
        value.clamp(0, p.maxval)
    }

    /// One sample in regular mode (T.87 A.4 to A.6): `qs` from [`Self::context`] (non-zero
    /// except in sample-interleaved scans), `predicted` the MED prediction.
    #[inline]
    pub(super) fn decode_regular(
        &mut self,
        reader: &mut BitReader,
        qs: i32,
        predicted: i32,
    ) -> Result<i32, JpegLsError> {
        let p = &self.p;
        let ctx = &mut self.regular[qs.unsigned_abs() as usize];
        let correction = if qs < 0 { -ctx.c } else { ctx.c };
        let predicted = (predicted + correction).clamp(0, p.maxval);
        let k = golomb_k(ctx.n, ctx.a);
        let mapped = reader.golomb(k, p.limit, p.qbpp)?;
        // A valid MErrval is below RANGE <= 2^qbpp; anything larger is corrupt data.
        if mapped > 1 << p.qbpp {
            return Err(JpegLsError::Corrupt {
                reason: "prediction error out of range".into(),
            });
        }
        let mapped = mapped as i32;
        let mut error = if mapped & 1 == 0 {
            mapped >> 1
        } else {
            -((mapped + 1) >> 1)
        };
        // A.5: with k = 0 in lossless mode the mapping was inverted for negative bias.
        if k == 0 && p.near == 0 && 2 * ctx.b + ctx.n <= 0 {
            error = -error - 1;
        }
        // A.6: statistics, then bias correction.
        ctx.a += error.abs();
        ctx.b += error * (2 * p.near + 1);
        if ctx.a >= COUNTER_LIMIT || ctx.b.abs() >= COUNTER_LIMIT {
            return Err(JpegLsError::Corrupt {
                reason: "context statistics overflow".into(),
            });
        }
        if ctx.n == p.reset {
            ctx.a >>= 1;
            ctx.b >>= 1;
            ctx.n >>= 1;
        }
        ctx.n += 1;
        if ctx.b + ctx.n <= 0 {
            ctx.b = (ctx.b + ctx.n).max(-ctx.n + 1);
            if ctx.c > -128 {
                ctx.c -= 1;
            }
        } else if ctx.b > 0 {
            ctx.b = (ctx.b - ctx.n).min(0);
            if ctx.c < 127 {
                ctx.c += 1;
            }
        }
        let error = if qs < 0 { -error } else { error };
        Ok(self.reconstruct(predicted, error))
    }

    /// The error value of a run-interruption sample (T.87 A.7.2), its context chosen by
    /// RItype; `run_index` is the RUNindex before the interruption.
    fn run_interruption_error(
        &mut self,
        reader: &mut BitReader,
        ritype: usize,
        run_index: usize,
    ) -> Result<i32, JpegLsError> {
        let p = &self.p;
        let ctx = &mut self.run[ritype];
        let ritype = ritype as i32;
        let k = golomb_k(ctx.n, ctx.a + (ctx.n >> 1) * ritype);
        let mapped = reader.golomb(k, p.limit - J[run_index] - 1, p.qbpp)?;
        if mapped > 1 << p.qbpp {
            return Err(JpegLsError::Corrupt {
                reason: "run interruption error out of range".into(),
            });
        }
        let mapped = mapped as i32;
        // A.7.2 inverted: EMErrval + RItype is 2|Errval| - map; map's meaning depends on k
        // and on how often the error was negative (Nn against N).
        let temp = mapped + ritype;
        let map = temp & 1 == 1;
        let magnitude = (temp + i32::from(map)) / 2;
        let error = if (k != 0 || 2 * ctx.nn >= ctx.n) == map {
            -magnitude
        } else {
            magnitude
        };
        // A.7.2: statistics.
        if error < 0 {
            ctx.nn += 1;
        }
        ctx.a += (mapped + 1 - ritype) >> 1;
        if ctx.a >= COUNTER_LIMIT {
            return Err(JpegLsError::Corrupt {
                reason: "context statistics overflow".into(),
            });
        }
        if ctx.n == p.reset {
            ctx.a >>= 1;
            ctx.n >>= 1;
            ctx.nn >>= 1;
        }
        ctx.n += 1;
        Ok(error)
    }

    /// The sample that ends a run, in a single-component line (T.87 A.7.2): predicted from Ra
    /// when Ra and Rb are near (RItype 1), else from Rb with the sign of Rb - Ra.
    pub(super) fn run_interruption(
        &mut self,
        reader: &mut BitReader,
        ra: i32,
        rb: i32,
        run_index: usize,
    ) -> Result<i32, JpegLsError> {
        if (ra - rb).abs() <= self.p.near {
            let error = self.run_interruption_error(reader, 1, run_index)?;
            Ok(self.reconstruct(ra, error))
        } else {
            let error = self.run_interruption_error(reader, 0, run_index)?;
            Ok(self.reconstruct(rb, if rb < ra { -error } else { error }))
        }
    }

    /// One component of the pixel that ends a run in a sample-interleaved scan. CharLS codes
    /// each with RItype 0, predicted from Rb (sign + when Rb = Ra); DICOM files come from it.
    pub(super) fn run_interruption_component(
        &mut self,
        reader: &mut BitReader,
        ra: i32,
        rb: i32,
        run_index: usize,
    ) -> Result<i32, JpegLsError> {
        let error = self.run_interruption_error(reader, 0, run_index)?;
        Ok(self.reconstruct(rb, if rb < ra { -error } else { error }))
    }
}

/// The least k with N << k >= A (T.87 A.5), from the positions of their top bits; both are
/// positive and A below 2^25, so k is at most 25.
#[inline]
fn golomb_k(n: i32, a: i32) -> u32 {
    let k = n.leading_zeros().saturating_sub(a.leading_zeros());
    if n << k < a { k + 1 } else { k }
}

/// The median edge detector (T.87 A.4.1).
#[inline]
pub(super) fn predict(ra: i32, rb: i32, rc: i32) -> i32 {
    if rc >= ra.max(rb) {
        ra.min(rb)
    } else if rc <= ra.min(rb) {
        ra.max(rb)
    } else {
        ra + rb - rc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(bits: u8, near: u8) -> Params {
        Params::new(bits, &Preset::default(), near).unwrap()
    }

    #[test]
    fn default_thresholds_match_t87_table_c3() {
        let p = params(8, 0);
        assert_eq!((p.t1, p.t2, p.t3, p.reset), (3, 7, 21, 64));
        assert_eq!((p.range, p.qbpp, p.limit), (256, 8, 32));
        let p = params(12, 0);
        assert_eq!((p.t1, p.t2, p.t3), (18, 67, 276));
        let p = params(16, 0);
        assert_eq!((p.t1, p.t2, p.t3, p.limit), (18, 67, 276, 64));
        let p = params(8, 3);
        assert_eq!((p.t1, p.t2, p.t3, p.range, p.qbpp), (12, 22, 42, 38, 6));
        let p = params(4, 0);
        assert_eq!((p.t1, p.t2, p.t3), (2, 3, 4));
    }

    #[test]
    fn invalid_presets_are_errors() {
        let bad = Preset {
            maxval: 300,
            ..Preset::default()
        };
        assert!(Params::new(8, &bad, 0).is_err());
        let bad = Preset {
            t1: 10,
            t2: 5,
            ..Preset::default()
        };
        assert!(Params::new(8, &bad, 0).is_err());
        assert!(Params::new(8, &Preset::default(), 128).is_err());
    }

    #[test]
    fn golomb_k_is_least_k() {
        for n in 1..70 {
            for a in 1..3000 {
                let mut k = 0;
                while n << k < a {
                    k += 1;
                }
                assert_eq!(golomb_k(n, a), k, "n {n} a {a}");
            }
        }
    }

    #[test]
    fn quantization_table_matches_thresholds() {
        for near in [0, 3] {
            let coder = Coder::new(params(12, near));
            for d in -5000..5000 {
                let q = i32::from(Coder::quantize_slow(&coder.p, d));
                assert_eq!(coder.quantize(d), q, "d {d}");
            }
        }
    }

    #[test]
    fn med_predictor() {
        assert_eq!(predict(10, 20, 25), 10);
        assert_eq!(predict(10, 20, 5), 20);
        assert_eq!(predict(10, 20, 15), 15);
    }
}
