//! Lossless scans (T.81 Annex H): Huffman-coded differences, added to a prediction from
//! the neighbours Ra (left), Rb (above) and Rc (above left), modulo 2^16.
//!
//! A row's differences are decoded first and predicted after, so that the Huffman loop
//! stays small; prediction works on samples before the point transform (H.1.2.1), which
//! is applied once the scan is done.

use super::bits::Bits;
use super::huffman::{Huffman, extend};
use super::markers::{Frame, Scan, Tables};
use crate::CodecError;

/// Decodes one scan into `out`, which holds the interleaved samples of every frame
/// component (a scan writes only its own components); returns the bytes of `data` it used.
pub(super) fn decode_scan(
    frame: &Frame,
    scan: &Scan,
    tables: &Tables,
    data: &[u8],
    out: &mut [u16],
) -> Result<usize, CodecError> {
    let width = usize::from(frame.width);
    let height = usize::from(frame.height);
    let nf = frame.components.len();
    let ns = scan.components.len();
    // With H = V = 1 everywhere, an MCU is one sample of each scan component and every
    // component has the frame's size; a single component's factors do not matter.
    if nf > 1 && frame.components.iter().any(|c| c.h != 1 || c.v != 1) {
        return Err(CodecError::Unsupported {
            what: "subsampled lossless JPEG",
        });
    }
    let (precision, pt) = (u32::from(frame.precision), u32::from(scan.al));
    if pt >= precision {
        return Err(CodecError::corrupt(format!(
            "point transform {pt} with precision {precision}"
        )));
    }
    let row_len = width * nf;
    if out.len() != row_len * height {
        return Err(CodecError::corrupt("lossless output size mismatch"));
    }
    let huff = scan
        .components
        .iter()
        .map(|c| tables.dc[c.dc].as_ref())
        .map(|t| t.map(DiffTable::new))
        .collect::<Option<Vec<DiffTable>>>()
        .ok_or(CodecError::corrupt("scan uses an undefined Huffman table"))?;
    let row = Row {
        width,
        nf,
        ns,
        predictor: scan.ss,
        initial: 1 << (precision - pt - 1),
    };
    let ri = usize::from(tables.restart_interval);
    let mut bits = Bits::new(data);
    let (mut to_go, mut next_rst) = (ri, 0u8);
    let mut diffs = vec![0i32; width * ns];
    // Columns of this row where prediction starts afresh: the scan's start and restarts.
    let mut resets: Vec<usize> = Vec::new();
    for y in 0..height {
        resets.clear();
        if y == 0 {
            resets.push(0);
        }
        let mut x = 0;
        while x < width {
            if ri > 0 && to_go == 0 {
                bits.restart(next_rst)?;
                next_rst = (next_rst + 1) & 7;
                to_go = ri;
                if resets.last() != Some(&x) {
                    resets.push(x);
                }
            }
            let n = if ri > 0 {
                to_go.min(width - x)
            } else {
                width - x
            };
            decode_diffs(&mut bits, &huff, &mut diffs[x * ns..(x + n) * ns])?;
            x += n;
            if ri > 0 {
                to_go -= n;
            }
        }
        // Stop at the first row that read past the data rather than decode zeros.
        if bits.overrun() {
            return Err(CodecError::corrupt(format!(
                "entropy-coded data ends early, in row {y} (truncated)"
            )));
        }
        let (done, rest) = out.split_at_mut(y * row_len);
        let prev = done
            .get(done.len().saturating_sub(row_len)..)
            .filter(|_| y > 0);
        let cur = &mut rest[..row_len];
        for (c, sc) in scan.components.iter().enumerate() {
            row.predict(cur, prev, sc.index, &diffs, c, &resets);
        }
    }
    if pt > 0 {
        for sc in &scan.components {
            for v in out.iter_mut().skip(sc.index).step_by(nf) {
                *v <<= pt;
            }
        }
    }
    bits.finish()
}

/// Bits looked up at once for a whole difference, Huffman code and extra bits together.
const DIFF_BITS: u32 = 12;

/// A difference table: one lookup resolves a code and its extra bits when together they
/// are at most [`DIFF_BITS`] long (nearly every difference in medical images); the rest
/// take the Huffman table.
pub(super) struct DiffTable<'t> {
    huff: &'t Huffman,
    /// By the next `DIFF_BITS` bits: `(difference << 8) | bits used`, or 0.
    fast: Box<[i32; 1 << DIFF_BITS]>,
}

impl<'t> DiffTable<'t> {
    pub fn new(huff: &'t Huffman) -> Self {
        let mut fast = Box::new([0i32; 1 << DIFF_BITS]);
        for (code, len, s) in huff.codes() {
            let s = u32::from(s);
            let extra = if s == 16 { 0 } else { s };
            let total = len + extra;
            if s > 16 || total > DIFF_BITS {
                continue;
            }
            for v in 0..1u32 << extra {
                let d = match s {
                    0 => 0,
                    16 => 32768,
                    _ => extend(v, s),
                };
                let at = (((code << extra) | v) << (DIFF_BITS - total)) as usize;
                let span = 1usize << (DIFF_BITS - total);
                fast[at..at + span].fill((d << 8) | total as i32);
            }
        }
        DiffTable { huff, fast }
    }

    /// One difference (H.1.2.2): category SSSS by Huffman, then SSSS bits; 16 means 32768
    /// with no extra bits.
    #[inline(always)]
    fn diff(&self, bits: &mut Bits) -> Result<i32, CodecError> {
        if bits.count() < 32 {
            bits.refill();
        }
        let e = self.fast[bits.peek(DIFF_BITS) as usize & ((1 << DIFF_BITS) - 1)];
        if e != 0 {
            bits.consume((e & 0xFF) as u32);
            return Ok(e >> 8);
        }
        self.diff_slow(bits)
    }

    #[inline(never)]
    fn diff_slow(&self, bits: &mut Bits) -> Result<i32, CodecError> {
        match self.huff.decode(bits) {
            Some(0) => Ok(0),
            Some(s @ 1..=15) => {
                let s = u32::from(s);
                Ok(extend(bits.take(s), s))
            }
            Some(16) => Ok(32768),
            Some(s) => Err(CodecError::corrupt(format!(
                "difference category {s} (at most 16)"
            ))),
            None => Err(CodecError::corrupt("invalid Huffman code")),
        }
    }
}

#[inline(always)]
fn decode_diffs(bits: &mut Bits, tables: &[DiffTable], out: &mut [i32]) -> Result<(), CodecError> {
    if let [t] = tables {
        // The bit buffer in locals, so that it stays in registers: the loop is one table
        // read and one shift per sample, plus a refill every few samples.
        let fast: &[i32; 1 << DIFF_BITS] = &t.fast;
        let (mut buf, mut count) = (bits.buf, bits.count);
        for d in out.iter_mut() {
            if count < 32 {
                (bits.buf, bits.count) = (buf, count);
                bits.refill();
                (buf, count) = (bits.buf, bits.count);
            }
            let e = fast[(buf >> (64 - DIFF_BITS)) as usize];
            if e != 0 {
                let n = (e & 0xFF) as u32;
                buf <<= n;
                count -= n;
                *d = e >> 8;
            } else {
                (bits.buf, bits.count) = (buf, count);
                *d = t.diff_slow(bits)?;
                (buf, count) = (bits.buf, bits.count);
            }
        }
        (bits.buf, bits.count) = (buf, count);
    } else {
        for mcu in out.chunks_exact_mut(tables.len()) {
            for (d, t) in mcu.iter_mut().zip(tables) {
                *d = t.diff(bits)?;
            }
        }
    }
    Ok(())
}

/// Layout and prediction of one scan's rows.
pub(super) struct Row {
    pub width: usize,
    /// Samples per pixel in the output (frame components).
    pub nf: usize,
    /// Differences per MCU (scan components).
    pub ns: usize,
    /// Predictor selection value, 0..=7 (Table H.1).
    pub predictor: u8,
    /// The prediction at the start of the scan and of each restart interval.
    pub initial: i32,
}

impl Row {
    /// Reconstructs one component of one row: output sample `x` is `cur[x * nf + off]`, its
    /// difference `diffs[x * ns + c]`. Samples from each reset column on use the 1-D
    /// predictor Ra (the first of them `initial`), as the first row of a scan and of a
    /// restart interval do; samples before the first reset use the scan's predictor, with
    /// Rb at column 0.
    pub fn predict(
        &self,
        cur: &mut [u16],
        prev: Option<&[u16]>,
        off: usize,
        diffs: &[i32],
        c: usize,
        resets: &[usize],
    ) {
        let (w, nf, ns) = (self.width, self.nf, self.ns);
        let first_reset = resets.first().copied().unwrap_or(w).min(w);
        if let Some(prev) = prev.filter(|_| first_reset > 0) {
            let n = first_reset;
            let (cur, prev, d) = (&mut cur[off..], &prev[off..], &diffs[c..]);
            match self.predictor {
                0 => two_d(cur, prev, d, n, nf, ns, |_, _, _| 0),
                1 => two_d(cur, prev, d, n, nf, ns, |a, _, _| a),
                2 => two_d(cur, prev, d, n, nf, ns, |_, b, _| b),
                3 => two_d(cur, prev, d, n, nf, ns, |_, _, c| c),
                4 => two_d(cur, prev, d, n, nf, ns, |a, b, c| a + b - c),
                5 => two_d(cur, prev, d, n, nf, ns, |a, b, c| a + ((b - c) >> 1)),
                6 => two_d(cur, prev, d, n, nf, ns, |a, b, c| b + ((a - c) >> 1)),
                _ => two_d(cur, prev, d, n, nf, ns, |a, b, _| (a + b) >> 1),
            }
        }
        for (k, &start) in resets.iter().enumerate() {
            let end = resets.get(k + 1).copied().unwrap_or(w).min(w);
            let mut a = self.initial;
            for x in start..end {
                let v = (a + diffs[x * ns + c]) as u16;
                cur[x * nf + off] = v;
                a = i32::from(v);
            }
        }
    }
}

/// The scan's predictor over the first `n` samples of a row after the first, Rb at
/// column 0. Samples step by `nf` in `out` and `prev`, differences by `ns`.
#[inline(always)]
fn two_d(
    out: &mut [u16],
    prev: &[u16],
    diffs: &[i32],
    n: usize,
    nf: usize,
    ns: usize,
    f: impl Fn(i32, i32, i32) -> i32,
) {
    if n == 0 {
        return;
    }
    let mut a = (i32::from(prev[0]) + diffs[0]) as u16;
    out[0] = a;
    if nf == 1 && ns == 1 {
        // Greyscale: plain slices of one length, so that the bounds checks fold away.
        let (out, prev, diffs) = (&mut out[..n], &prev[..n], &diffs[..n]);
        for x in 1..n {
            let p = f(i32::from(a), i32::from(prev[x]), i32::from(prev[x - 1]));
            a = (p + diffs[x]) as u16;
            out[x] = a;
        }
        return;
    }
    for x in 1..n {
        let p = f(
            i32::from(a),
            i32::from(prev[x * nf]),
            i32::from(prev[(x - 1) * nf]),
        );
        a = (p + diffs[x * ns]) as u16;
        out[x * nf] = a;
    }
}
