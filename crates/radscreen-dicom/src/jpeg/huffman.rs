//! Huffman tables (T.81 Annex C) and symbol decoding: a lookup on the next [`FAST_BITS`]
//! bits resolves the short codes that carry almost every symbol; longer codes take the
//! canonical-code comparison of F.2.2.3.

use super::bits::Bits;
use crate::CodecError;

/// Bits looked up at once: codes of up to this length decode in one table read.
pub(super) const FAST_BITS: u32 = 9;

#[derive(Clone)]
pub(super) struct Huffman {
    /// By the next `FAST_BITS` bits: `(length << 8) | symbol`, or 0 for a longer code.
    fast: [u16; 1 << FAST_BITS],
    /// `maxcode[l]`: one past the last code of length `l`, left-aligned to 16 bits. For
    /// canonical codes this rises with `l`, so the first `l` whose bound exceeds the next 16
    /// bits is the code's length.
    maxcode: [u32; 17],
    /// `delta[l]`: index in `values` of the first code of length `l`, minus that code.
    delta: [i32; 17],
    values: [u8; 256],
    len: usize,
    counts: [u8; 16],
}

impl Huffman {
    /// Builds a table from a DHT's 16 code counts and its symbols (C.2).
    pub fn new(counts: &[u8; 16], symbols: &[u8]) -> Result<Self, CodecError> {
        let mut t = Huffman {
            fast: [0; 1 << FAST_BITS],
            maxcode: [0; 17],
            delta: [0; 17],
            values: [0; 256],
            len: symbols.len().min(256),
            counts: *counts,
        };
        t.values[..t.len].copy_from_slice(&symbols[..t.len]);
        let mut code: u32 = 0;
        let mut k = 0usize;
        for l in 1..=16u32 {
            t.delta[l as usize] = k as i32 - code as i32;
            for _ in 0..counts[l as usize - 1] {
                // Codes of length l are below 2^l, else the counts over-fill the tree.
                if code >= 1 << l || k >= t.len {
                    return Err(CodecError::corrupt("Huffman table has more codes than fit"));
                }
                if l <= FAST_BITS {
                    let base = (code << (FAST_BITS - l)) as usize;
                    let entry = ((l as u16) << 8) | u16::from(t.values[k]);
                    t.fast[base..base + (1 << (FAST_BITS - l))].fill(entry);
                }
                code += 1;
                k += 1;
            }
            t.maxcode[l as usize] = code << (16 - l);
            code <<= 1;
        }
        Ok(t)
    }

    /// Every `(code, length, symbol)`, canonical codes in order (C.2).
    pub fn codes(&self) -> Vec<(u32, u32, u8)> {
        let mut out = Vec::with_capacity(self.len);
        let mut code = 0u32;
        for (l, &n) in (1..=16u32).zip(&self.counts) {
            for _ in 0..n {
                if let Some(&v) = self.values[..self.len].get(out.len()) {
                    out.push((code, l, v));
                }
                code += 1;
            }
            code <<= 1;
        }
        out
    }

    /// Decodes one symbol; `None` for a bit pattern that is no code. Needs 16 buffered bits.
    #[inline(always)]
    pub fn decode(&self, bits: &mut Bits) -> Option<u8> {
        let e = self.fast[bits.peek(FAST_BITS) as usize];
        if e != 0 {
            bits.consume(u32::from(e >> 8));
            return Some(e as u8);
        }
        self.decode_slow(bits)
    }

    #[inline(never)]
    fn decode_slow(&self, bits: &mut Bits) -> Option<u8> {
        let p16 = bits.peek(16);
        let l = (FAST_BITS + 1..=16).find(|&l| p16 < self.maxcode[l as usize])?;
        let code = (p16 >> (16 - l)) as i32;
        let idx = usize::try_from(code + self.delta[l as usize]).ok()?;
        let v = *self.values[..self.len].get(idx)?;
        bits.consume(l);
        Some(v)
    }
}

/// The signed value of `v`, an `s`-bit magnitude category code (F.2.2.1, Table F.1):
/// a leading 0 bit means negative.
#[inline(always)]
pub(super) fn extend(v: u32, s: u32) -> i32 {
    let v = v as i32;
    if s == 0 {
        0
    } else if v < 1 << (s - 1) {
        v - (1 << s) + 1
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::super::bits::Bits;
    use super::{Huffman, extend};

    /// Table K.3 (luminance DC), whose codes run from 2 to 9 bits.
    const K3_COUNTS: [u8; 16] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    const K3_SYMBOLS: [u8; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    /// Decodes `n` symbols from raw bytes (stuffed here, as an encoder would).
    fn decode_all(t: &Huffman, raw: &[u8], n: usize) -> Vec<Option<u8>> {
        let data: Vec<u8> = raw
            .iter()
            .flat_map(|&b| if b == 0xFF { vec![0xFF, 0] } else { vec![b] })
            .collect();
        let mut b = Bits::new(&data);
        (0..n)
            .map(|_| {
                b.refill();
                t.decode(&mut b)
            })
            .collect()
    }

    #[test]
    fn table_k3_codes() {
        let t = Huffman::new(&K3_COUNTS, &K3_SYMBOLS).unwrap();
        // 00 (0), 010 (1), 1110 (6), 111111110 (11), 1111110 (9): 25 bits, then 1-padding.
        let bits = "0001011101111111101111110";
        let mut v: u32 = u32::from_str_radix(bits, 2).unwrap() << (32 - bits.len());
        v |= (1 << (32 - bits.len())) - 1;
        let got = decode_all(&t, &v.to_be_bytes(), 5);
        assert_eq!(got, [Some(0), Some(1), Some(6), Some(11), Some(9)]);
    }

    #[test]
    fn long_codes_take_the_slow_path() {
        // One code per length 1..=15 and two of length 16: a complete tree, symbol l-1 at
        // length l; the longest codes are 15 ones then 0 or 1.
        let mut counts = [1u8; 16];
        counts[15] = 2;
        let symbols: Vec<u8> = (0..17).collect();
        let t = Huffman::new(&counts, &symbols).unwrap();
        // 1111111110 (length 10: symbol 9), then 16 ones (symbol 16).
        let v: u32 = (0b11_1111_1110 << 22) | (0xFFFF << 6);
        let got = decode_all(&t, &v.to_be_bytes(), 2);
        assert_eq!(got, [Some(9), Some(16)]);
    }

    #[test]
    fn bad_tables_and_codes_are_rejected() {
        // Three codes of length 1 cannot exist.
        let mut counts = [0u8; 16];
        counts[0] = 3;
        assert!(Huffman::new(&counts, &[1, 2, 3]).is_err());
        // An incomplete table: all-ones patterns are no code.
        let t = Huffman::new(&K3_COUNTS, &K3_SYMBOLS).unwrap();
        assert_eq!(decode_all(&t, &[0xFF, 0xFF, 0xFF], 1), [None]);
    }

    #[test]
    fn extend_follows_table_f1() {
        assert_eq!(extend(0, 0), 0);
        assert_eq!(extend(0, 1), -1);
        assert_eq!(extend(1, 1), 1);
        assert_eq!(extend(0b00, 2), -3);
        assert_eq!(extend(0b01, 2), -2);
        assert_eq!(extend(0b10, 2), 2);
        assert_eq!(extend(0x7FFF, 15), 32767);
        assert_eq!(extend(0, 15), -32767);
    }
}
