//! A small JPEG-LS encoder, written from the encoder side of T.87 (A.3 to A.7) apart from the
//! decoder's code; like CharLS it codes each component of a sample-interleaved run interruption
//! with RItype 0. Simple rather than fast: it writes synth's JPEG-LS files (lossless) and the
//! round-trip tests' streams, where CharLS (C++, cmake) used to.

use super::JpegLsError;
use super::context::J;
use super::markers::Preset;

/// What to encode, beyond the samples.
#[derive(Debug, Clone, Copy)]
pub(super) struct Options {
    pub(super) bits: u8,
    pub(super) near: u8,
    /// 0 none, 1 line, 2 sample.
    pub(super) interleave: u8,
    /// Lines per restart interval, 0 for none.
    pub(super) restart: u32,
    /// Written as an LSE segment when set; zero fields mean defaults, as in the stream.
    pub(super) preset: Option<Preset>,
}

/// [`try_encode`] for tests, whose parameters are valid by construction.
#[cfg(test)]
pub(super) fn encode(
    samples: &[u16],
    rows: usize,
    columns: usize,
    components: usize,
    o: &Options,
) -> Vec<u8> {
    try_encode(samples, rows, columns, components, o).expect("valid test parameters")
}

/// Encodes pixel-interleaved `samples` (rows x columns x components), each below 2^bits.
pub(super) fn try_encode(
    samples: &[u16],
    rows: usize,
    columns: usize,
    components: usize,
    o: &Options,
) -> Result<Vec<u8>, JpegLsError> {
    let fits = |v: usize| (1..=usize::from(u16::MAX)).contains(&v);
    if !fits(rows) || !fits(columns) || !(1..=4).contains(&components) {
        return Err(JpegLsError::Unsupported {
            what: "an image of 0 or more than 65535 rows or columns, or more than 4 samples",
        });
    }
    if samples.len() != rows * columns * components {
        return Err(JpegLsError::Corrupt {
            reason: "the sample count does not match rows x columns x samples".into(),
        });
    }
    if !(2..=16).contains(&o.bits) || samples.iter().any(|&v| u32::from(v) >> o.bits != 0) {
        return Err(JpegLsError::Corrupt {
            reason: "a sample does not fit the precision".into(),
        });
    }
    let mut out = vec![0xFF, 0xD8];
    let mut sof = vec![o.bits];
    sof.extend((rows as u16).to_be_bytes());
    sof.extend((columns as u16).to_be_bytes());
    sof.push(components as u8);
    for c in 0..components {
        sof.extend([c as u8 + 1, 0x11, 0]);
    }
    segment(&mut out, 0xF7, &sof);
    let preset = o.preset.unwrap_or_default();
    if let Some(p) = o.preset {
        let mut lse = vec![1];
        for v in [p.maxval, p.t1, p.t2, p.t3, p.reset] {
            lse.extend(v.to_be_bytes());
        }
        segment(&mut out, 0xF8, &lse);
    }
    if o.restart != 0 {
        segment(&mut out, 0xDD, &(o.restart as u16).to_be_bytes());
    }
    let p = super::context::Params::new(o.bits, &preset, o.near)?;
    let scans: Vec<Vec<usize>> = if o.interleave == 0 {
        (0..components).map(|c| vec![c]).collect()
    } else {
        vec![(0..components).collect()]
    };
    for scan in scans {
        let mut sos = vec![scan.len() as u8];
        for &c in &scan {
            sos.extend([c as u8 + 1, 0]);
        }
        sos.extend([o.near, o.interleave, 0]);
        segment(&mut out, 0xDA, &sos);
        let mut e = Encoder::new(p);
        let interval = if o.restart == 0 {
            rows
        } else {
            o.restart as usize
        };
        let n = scan.len();
        let width = columns;
        let mut lines = vec![0i32; 2 * (width + 2) * n];
        let mut run_index = vec![0usize; n];
        for y in 0..rows {
            if y > 0 && y.is_multiple_of(interval) {
                e.w.flush();
                out.append(&mut e.w.out);
                out.extend([0xFF, 0xD0 + ((y / interval - 1) % 8) as u8]);
                e = Encoder::new(p);
                lines.fill(0);
                run_index.fill(0);
            }
            let source =
                |x: usize, c: usize| i32::from(samples[(y * columns + x) * components + c]);
            if o.interleave == 2 {
                let (prev, cur) = pair(&mut lines, y, n);
                e.sample_line(prev, cur, n, &mut run_index[0], |x, c| source(x, scan[c]));
            } else {
                for (i, &c) in scan.iter().enumerate() {
                    let chunk = &mut lines[i * 2 * (width + 2)..(i + 1) * 2 * (width + 2)];
                    let (prev, cur) = pair(chunk, y, 1);
                    e.sample_line(prev, cur, 1, &mut run_index[i], |x, _| source(x, c));
                }
            }
        }
        e.w.flush();
        out.append(&mut e.w.out);
    }
    out.extend([0xFF, 0xD9]);
    Ok(out)
}

fn segment(out: &mut Vec<u8>, marker: u8, payload: &[u8]) {
    out.extend([0xFF, marker]);
    out.extend(((payload.len() + 2) as u16).to_be_bytes());
    out.extend(payload);
}

/// Previous and current line (pixels of `n` samples, one spare pixel each side), edges set.
fn pair(lines: &mut [i32], y: usize, n: usize) -> (&[i32], &mut [i32]) {
    let half = lines.len() / 2;
    let (a, b) = lines.split_at_mut(half);
    let (prev, cur) = if y.is_multiple_of(2) { (b, a) } else { (a, b) };
    let w = half / n - 2;
    for c in 0..n {
        prev[(w + 1) * n + c] = prev[w * n + c];
        cur[c] = prev[n + c];
    }
    (prev, cur)
}

/// Bits, with a zero bit stuffed after each 0xFF byte.
struct Writer {
    out: Vec<u8>,
    byte: u32,
    filled: u32,
    capacity: u32,
}

impl Writer {
    fn bit(&mut self, bit: bool) {
        self.byte = self.byte << 1 | u32::from(bit);
        self.filled += 1;
        if self.filled == self.capacity {
            self.out.push(self.byte as u8);
            self.capacity = if self.byte == 0xFF { 7 } else { 8 };
            self.byte = 0;
            self.filled = 0;
        }
    }

    fn bits(&mut self, value: u32, n: u32) {
        for i in (0..n).rev() {
            self.bit(value.checked_shr(i).unwrap_or(0) & 1 == 1);
        }
    }

    /// Pads with zeros to a byte; after a final 0xFF comes its stuffed zero byte.
    fn flush(&mut self) {
        while self.filled != 0 || self.capacity == 7 {
            self.bit(false);
        }
    }
}

struct Encoder {
    p: super::context::Params,
    a: [i32; 367],
    b: [i32; 365],
    c: [i32; 365],
    n: [i32; 367],
    nn: [i32; 2],
    w: Writer,
}

impl Encoder {
    fn new(p: super::context::Params) -> Self {
        let a = ((p.range + 32) / 64).max(2);
        Encoder {
            p,
            a: [a; 367],
            b: [0; 365],
            c: [0; 365],
            n: [1; 367],
            nn: [0; 2],
            w: Writer {
                out: Vec::new(),
                byte: 0,
                filled: 0,
                capacity: 8,
            },
        }
    }

    fn q(&self, d: i32) -> i32 {
        let p = &self.p;
        match d {
            _ if d <= -p.t3 => -4,
            _ if d <= -p.t2 => -3,
            _ if d <= -p.t1 => -2,
            _ if d < -p.near => -1,
            _ if d <= p.near => 0,
            _ if d < p.t1 => 1,
            _ if d < p.t2 => 2,
            _ if d < p.t3 => 3,
            _ => 4,
        }
    }

    /// Errval quantised for NEAR (A.4.4), and the reconstructed sample.
    fn quantize(&self, error: i32, predicted: i32, sign: i32) -> (i32, i32) {
        let p = &self.p;
        let step = 2 * p.near + 1;
        let q = if error > 0 {
            (error + p.near) / step
        } else {
            -((p.near - error) / step)
        };
        let rx = (predicted + sign * q * step).clamp(0, p.maxval);
        // A.4.5 modulo reduction.
        let mut q = q;
        if q < 0 {
            q += p.range;
        }
        if q >= (p.range + 1) / 2 {
            q -= p.range;
        }
        (q, rx)
    }

    fn golomb(&mut self, value: u32, k: u32, limit: u32) {
        let qbpp = self.p.qbpp;
        let high = value >> k;
        if high < limit - qbpp - 1 {
            self.w.bits(0, high);
            self.w.bit(true);
            self.w.bits(value & ((1 << k) - 1), k);
        } else {
            self.w.bits(0, limit - qbpp - 1);
            self.w.bit(true);
            self.w.bits(value - 1, qbpp);
        }
    }

    fn k(n: i32, a: i32) -> u32 {
        let mut k = 0;
        while n << k < a {
            k += 1;
        }
        k
    }

    /// A.4 to A.6: one sample in regular mode; returns the reconstructed value.
    fn regular(&mut self, ix: i32, ra: i32, rb: i32, rc: i32, qs: [i32; 3]) -> i32 {
        let first = qs.iter().copied().find(|&q| q != 0).unwrap_or(0);
        let sign = if first < 0 { -1 } else { 1 };
        let ctx = ((qs[0] * 81 + qs[1] * 9 + qs[2]) * sign) as usize;
        let mut px = if rc >= ra.max(rb) {
            ra.min(rb)
        } else if rc <= ra.min(rb) {
            ra.max(rb)
        } else {
            ra + rb - rc
        };
        px = (px + sign * self.c[ctx]).clamp(0, self.p.maxval);
        let (err, rx) = self.quantize(sign * (ix - px), px, sign);
        let k = Self::k(self.n[ctx], self.a[ctx]);
        let inverted = self.p.near == 0 && k == 0 && 2 * self.b[ctx] <= -self.n[ctx];
        let mapped = match (inverted, err >= 0) {
            (true, true) => 2 * err + 1,
            (true, false) => -2 * (err + 1),
            (false, true) => 2 * err,
            (false, false) => -2 * err - 1,
        };
        self.golomb(mapped as u32, k, self.p.limit);
        // A.6.
        self.b[ctx] += err * (2 * self.p.near + 1);
        self.a[ctx] += err.abs();
        if self.n[ctx] == self.p.reset {
            self.a[ctx] >>= 1;
            self.b[ctx] >>= 1;
            self.n[ctx] >>= 1;
        }
        self.n[ctx] += 1;
        let n = self.n[ctx];
        if self.b[ctx] <= -n {
            self.b[ctx] += n;
            if self.c[ctx] > -128 {
                self.c[ctx] -= 1;
            }
            if self.b[ctx] <= -n {
                self.b[ctx] = -n + 1;
            }
        } else if self.b[ctx] > 0 {
            self.b[ctx] -= n;
            if self.c[ctx] < 127 {
                self.c[ctx] += 1;
            }
            if self.b[ctx] > 0 {
                self.b[ctx] = 0;
            }
        }
        rx
    }

    /// A.7.2: the sample that ends a run; returns the reconstructed value.
    fn interruption(&mut self, ix: i32, ra: i32, rb: i32, ritype: usize, run_index: usize) -> i32 {
        let (px, sign) = if ritype == 1 {
            (ra, 1)
        } else {
            (rb, if ra > rb { -1 } else { 1 })
        };
        let (err, rx) = self.quantize(sign * (ix - px), px, sign);
        let ctx = 365 + ritype;
        let temp = self.a[ctx] + if ritype == 1 { self.n[ctx] >> 1 } else { 0 };
        let k = Self::k(self.n[ctx], temp);
        let nn = self.nn[ritype];
        let n = self.n[ctx];
        let map = (k == 0 && err > 0 && 2 * nn < n) || (err < 0 && (2 * nn >= n || k != 0));
        let mapped = 2 * err.abs() - ritype as i32 - i32::from(map);
        self.golomb(mapped as u32, k, self.p.limit - J[run_index] - 1);
        if err < 0 {
            self.nn[ritype] += 1;
        }
        self.a[ctx] += (mapped + 1 - ritype as i32) >> 1;
        if self.n[ctx] == self.p.reset {
            self.a[ctx] >>= 1;
            self.n[ctx] >>= 1;
            self.nn[ritype] >>= 1;
        }
        self.n[ctx] += 1;
        rx
    }

    /// One line of `n`-sample pixels (n = 1 outside sample-interleaved scans).
    fn sample_line(
        &mut self,
        prev: &[i32],
        cur: &mut [i32],
        n: usize,
        run_index: &mut usize,
        source: impl Fn(usize, usize) -> i32,
    ) {
        let w = cur.len() / n - 2;
        let mut x = 1;
        while x <= w {
            let qs: Vec<[i32; 3]> = (0..n)
                .map(|c| {
                    let at = |line: &[i32], x: usize| line[x * n + c];
                    let (ra, rb, rc, rd) = (
                        at(cur, x - 1),
                        at(prev, x),
                        at(prev, x - 1),
                        at(prev, x + 1),
                    );
                    [self.q(rd - rb), self.q(rb - rc), self.q(rc - ra)]
                })
                .collect();
            if qs.iter().any(|q| q != &[0, 0, 0]) {
                for (c, q) in qs.iter().enumerate() {
                    let at = |line: &[i32], x: usize| line[x * n + c];
                    let (ra, rb, rc) = (at(cur, x - 1), at(prev, x), at(prev, x - 1));
                    cur[x * n + c] = self.regular(source(x - 1, c), ra, rb, rc, *q);
                }
                x += 1;
                continue;
            }
            // A.7.1: the run of pixels within NEAR of Ra.
            let start = x;
            while x <= w
                && (0..n)
                    .all(|c| (source(x - 1, c) - cur[(start - 1) * n + c]).abs() <= self.p.near)
            {
                for c in 0..n {
                    cur[x * n + c] = cur[(start - 1) * n + c];
                }
                x += 1;
            }
            let mut count = x - start;
            while count >= 1 << J[*run_index] {
                self.w.bit(true);
                count -= 1 << J[*run_index];
                *run_index = (*run_index + 1).min(31);
            }
            if x > w {
                if count > 0 {
                    self.w.bit(true);
                }
                continue;
            }
            self.w.bit(false);
            self.w.bits(count as u32, J[*run_index]);
            for c in 0..n {
                let ra = cur[(x - 1) * n + c];
                let rb = prev[x * n + c];
                let ritype = usize::from(n == 1 && (ra - rb).abs() <= self.p.near);
                cur[x * n + c] = self.interruption(source(x - 1, c), ra, rb, ritype, *run_index);
            }
            *run_index = run_index.saturating_sub(1);
            x += 1;
        }
    }
}
