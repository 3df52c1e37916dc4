//! A small lossless JPEG encoder for tests: every predictor, point transform, restart
//! intervals, interleaved or one scan per component, fill bytes. It predicts sample by
//! sample straight from H.1.2.1, independently of the decoder's row-wise code.

/// What to encode and how.
#[derive(Debug, Clone)]
pub(super) struct Options {
    pub width: usize,
    pub height: usize,
    /// Components (1 or 3).
    pub nf: usize,
    pub precision: u8,
    pub predictor: u8,
    pub pt: u8,
    /// MCUs per restart interval, 0 for none.
    pub restart: u16,
    /// One scan per component instead of one interleaved scan.
    pub separate_scans: bool,
    /// Use a table with codes of 1 to 16 bits (slow decoding path) instead of 5-bit codes.
    pub long_codes: bool,
    /// Put fill bytes (FF FF) before markers inside and after the scans.
    pub fill_bytes: bool,
}

impl Options {
    pub fn new(width: usize, height: usize, nf: usize, precision: u8) -> Self {
        Options {
            width,
            height,
            nf,
            precision,
            predictor: 1,
            pt: 0,
            restart: 0,
            separate_scans: false,
            long_codes: false,
            fill_bytes: false,
        }
    }
}

/// Code lengths by category (0..=16) of the two tables.
fn code_lengths(long: bool) -> [u8; 17] {
    if long {
        // Lengths 1..=15 and two of 16, the categories scattered over them.
        [3, 16, 1, 2, 4, 6, 8, 10, 12, 14, 16, 15, 13, 11, 9, 7, 5]
    } else {
        [5; 17]
    }
}

/// The DHT body of a table: counts per length, symbols by length, and each category's
/// `(code, length)` (canonical codes, C.2).
fn table(long: bool) -> (Vec<u8>, [(u32, u32); 17]) {
    let lengths = code_lengths(long);
    let mut counts = [0u8; 16];
    let mut symbols = Vec::new();
    let mut codes = [(0u32, 0u32); 17];
    let mut code = 0u32;
    for l in 1..=16u8 {
        for (s, _) in lengths.iter().enumerate().filter(|(_, len)| **len == l) {
            counts[usize::from(l) - 1] += 1;
            symbols.push(s as u8);
            codes[s] = (code, u32::from(l));
            code += 1;
        }
        code <<= 1;
    }
    let mut body = counts.to_vec();
    body.extend(symbols);
    (body, codes)
}

struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, len: u32) {
        if len == 0 {
            return;
        }
        self.acc = (self.acc << len) | (u64::from(value) & ((1u64 << len) - 1));
        self.n += len;
        while self.n >= 8 {
            let b = (self.acc >> (self.n - 8)) as u8;
            self.out.push(b);
            if b == 0xFF {
                self.out.push(0);
            }
            self.n -= 8;
        }
    }
    /// Pads the last byte with 1 bits.
    fn align(&mut self) {
        let pad = (8 - self.n % 8) % 8;
        self.put((1 << pad) - 1, pad);
    }
}

fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
    out.extend([0xFF, marker]);
    out.extend(((body.len() + 2) as u16).to_be_bytes());
    out.extend(body);
}

/// Encodes `samples` (interleaved, `nf` per pixel, below 2^precision).
pub(super) fn encode(samples: &[u16], o: &Options) -> Vec<u8> {
    let (body, codes) = table(o.long_codes);
    let mut out = vec![0xFF, 0xD8];
    let mut dht = vec![0x00];
    dht.extend(&body);
    // Table 1 for the second and later components: the other code layout.
    let (body1, codes1) = table(!o.long_codes);
    dht.push(0x01);
    dht.extend(&body1);
    segment(&mut out, 0xC4, &dht);
    let mut sof = vec![o.precision];
    sof.extend((o.height as u16).to_be_bytes());
    sof.extend((o.width as u16).to_be_bytes());
    sof.push(o.nf as u8);
    for c in 0..o.nf {
        sof.extend([c as u8 + 1, 0x11, 0]);
    }
    segment(&mut out, 0xC3, &sof);
    if o.restart > 0 {
        segment(&mut out, 0xDD, &o.restart.to_be_bytes());
    }
    let scans: Vec<Vec<usize>> = if o.separate_scans {
        (0..o.nf).map(|c| vec![c]).collect()
    } else {
        vec![(0..o.nf).collect()]
    };
    for comps in scans {
        let mut sos = vec![comps.len() as u8];
        for &c in &comps {
            sos.extend([c as u8 + 1, if c == 0 { 0x00 } else { 0x10 }]);
        }
        sos.extend([o.predictor, 0, o.pt]);
        segment(&mut out, 0xDA, &sos);
        scan(&mut out, samples, o, &comps, [&codes, &codes1]);
    }
    if o.fill_bytes {
        out.extend([0xFF, 0xFF]);
    }
    out.extend([0xFF, 0xD9]);
    out
}

/// The entropy-coded data of one scan.
fn scan(
    out: &mut Vec<u8>,
    samples: &[u16],
    o: &Options,
    comps: &[usize],
    codes: [&[(u32, u32); 17]; 2],
) {
    let (w, nf) = (o.width, o.nf);
    let at = |x: usize, y: usize, c: usize| i32::from(samples[(y * w + x) * nf + c] >> o.pt);
    let initial = 1i32 << (o.precision - o.pt - 1);
    let mut bw = BitWriter {
        out: std::mem::take(out),
        acc: 0,
        n: 0,
    };
    let ri = usize::from(o.restart);
    let mut rst = 0u8;
    for y in 0..o.height {
        // Where this row's 1-D prediction starts (at a reset), if it does.
        let mut one_d_from: Option<usize> = None;
        for x in 0..w {
            let m = y * w + x;
            let reset = m == 0 || (ri > 0 && m % ri == 0);
            if ri > 0 && m > 0 && m % ri == 0 {
                bw.align();
                if o.fill_bytes {
                    bw.out.extend([0xFF, 0xFF]);
                }
                bw.out.extend([0xFF, 0xD0 + rst]);
                rst = (rst + 1) & 7;
            }
            if reset {
                one_d_from = Some(x);
            }
            for &c in comps {
                let pred = match one_d_from {
                    Some(s) if x == s => initial,
                    Some(_) => at(x - 1, y, c),
                    None if x == 0 => at(0, y - 1, c),
                    None => {
                        let (a, b, cc) = (at(x - 1, y, c), at(x, y - 1, c), at(x - 1, y - 1, c));
                        match o.predictor {
                            0 => 0,
                            1 => a,
                            2 => b,
                            3 => cc,
                            4 => a + b - cc,
                            5 => a + ((b - cc) >> 1),
                            6 => b + ((a - cc) >> 1),
                            _ => (a + b) >> 1,
                        }
                    }
                };
                // The difference modulo 2^16, in -32767..=32768.
                let mut d = (at(x, y, c) - pred).rem_euclid(65536);
                if d > 32768 {
                    d -= 65536;
                }
                let (ssss, extra) = if d == 32768 {
                    (16, 0)
                } else {
                    let s = 32 - d.unsigned_abs().leading_zeros();
                    let v = if d >= 0 { d } else { d + (1 << s) - 1 };
                    (s, v as u32)
                };
                let (code, len) = codes[usize::from(c != 0)][ssss as usize];
                bw.put(code, len);
                if ssss < 16 {
                    bw.put(extra, ssss);
                }
            }
        }
    }
    bw.align();
    *out = bw.out;
}
