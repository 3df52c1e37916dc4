//! The entropy-coded data as a bit stream (T.87 A.1): after a 0xFF byte the next byte's top
//! bit is a stuffed zero, so it carries 7 bits; 0xFF followed by a byte with its top bit set
//! is a marker, which ends the data.

use super::JpegLsError;

/// Where the entropy-coded data that starts at `start` ends: at the first marker (the index
/// of its 0xFF), or at the end of `data`.
pub(super) fn segment_end(data: &[u8], start: usize) -> usize {
    let mut i = start.min(data.len());
    while let Some(offset) = data[i..].iter().position(|&b| b == 0xFF) {
        let at = i + offset;
        match data.get(at + 1) {
            // A stuffed byte, part of the data.
            Some(&next) if next < 0x80 => i = at + 2,
            // A marker, or a lone 0xFF at the very end (a cut marker).
            _ => return at,
        }
    }
    data.len()
}

/// Reads bits, most significant first, from one entropy-coded segment (no markers inside).
///
/// Past the end it reads zero bits rather than failing on every call; [`Self::overrun`] tells
/// whether any of them was used, and zeros soon make an invalid code, so a cut stream stops
/// at the first pixel past its end.
pub(super) struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    /// Unread bits, left-aligned.
    cache: u64,
    /// How many bits of `cache` are loaded, padding included.
    bits: u32,
    /// The last byte loaded was 0xFF: the next one carries 7 bits.
    after_ff: bool,
    /// Zero bits loaded past the end of `data`.
    padding: u32,
}

impl<'a> BitReader<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        let mut reader = BitReader {
            data,
            pos: 0,
            cache: 0,
            bits: 0,
            after_ff: false,
            padding: 0,
        };
        reader.refill();
        reader
    }

    /// Whether bits past the end of the data were consumed: the stream is truncated.
    pub(super) fn overrun(&self) -> bool {
        self.padding > self.bits
    }

    /// Loads bytes until more than 56 bits are in the cache.
    fn refill(&mut self) {
        // Fast path: eight bytes without 0xFF (so without stuffing) in one load.
        if !self.after_ff
            && let Some(chunk) = self.data.get(self.pos..self.pos + 8)
        {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let word = u64::from_be_bytes(word);
            if !has_ff_byte(word) {
                let n = (64 - self.bits) / 8;
                let taken = if n >= 8 {
                    word
                } else {
                    word & !(u64::MAX >> (8 * n))
                };
                self.cache |= taken >> self.bits;
                self.bits += 8 * n;
                self.pos += n as usize;
                return;
            }
        }
        while self.bits <= 56 {
            match self.data.get(self.pos) {
                Some(&b) => {
                    self.pos += 1;
                    if self.after_ff {
                        self.cache |= u64::from(b & 0x7F) << (57 - self.bits);
                        self.bits += 7;
                    } else {
                        self.cache |= u64::from(b) << (56 - self.bits);
                        self.bits += 8;
                    }
                    self.after_ff = b == 0xFF;
                }
                None => {
                    self.bits += 8;
                    self.padding += 8;
                }
            }
        }
    }

    #[inline]
    fn consume(&mut self, n: u32) {
        self.cache <<= n;
        self.bits -= n;
    }

    #[inline]
    pub(super) fn read_bit(&mut self) -> bool {
        if self.bits == 0 {
            self.refill();
        }
        let bit = self.cache >> 63 != 0;
        self.consume(1);
        bit
    }

    /// The next `n` bits (at most 32) as a number.
    #[inline]
    pub(super) fn read_bits(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        if self.bits < n {
            self.refill();
        }
        let value = (self.cache >> (64 - n)) as u32;
        self.consume(n);
        value
    }

    /// Counts zero bits up to the next one bit and consumes both; more than `max` zeros is
    /// an invalid code.
    #[inline]
    fn read_unary(&mut self, max: u32) -> Result<u32, JpegLsError> {
        let mut count = 0;
        loop {
            if self.bits < 32 {
                self.refill();
            }
            // At least 33 bits are loaded here, so a count below 32 is all real bits.
            let zeros = self.cache.leading_zeros();
            if zeros < 32 {
                count += zeros;
                self.consume(zeros + 1);
                break;
            }
            count += 32;
            self.consume(32);
            if count > max {
                break;
            }
        }
        if count > max {
            return Err(JpegLsError::Corrupt {
                reason: "Golomb code longer than LIMIT".into(),
            });
        }
        Ok(count)
    }

    /// A mapped error value in the limited-length Golomb code of T.87 A.5: after
    /// `limit - qbpp - 1` zeros (an escape) the value minus one follows in `qbpp` bits.
    #[inline]
    pub(super) fn golomb(&mut self, k: u32, limit: u32, qbpp: u32) -> Result<u32, JpegLsError> {
        // LIMIT exceeds qbpp + J + 1 for every precision, so this never saturates.
        let escape = limit.saturating_sub(qbpp + 1);
        let high = self.read_unary(escape)?;
        if high == escape {
            return Ok(self.read_bits(qbpp) + 1);
        }
        // k is at most 25 (A is bounded) and high below 64, so this fits 32 bits.
        Ok((high << k) | self.read_bits(k))
    }
}

/// Whether any byte of `word` is 0xFF.
fn has_ff_byte(word: u64) -> bool {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let inverted = !word;
    inverted.wrapping_sub(LOW) & !inverted & HIGH != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stuffed_byte_carries_seven_bits() {
        // 0xFF then 0x7F: 8 ones, then 7 ones (the stuffed zero is skipped), then 0x00.
        let data = [0xFF, 0x7F, 0x00];
        let mut r = BitReader::new(&data);
        assert_eq!(r.read_bits(15), 0x7FFF);
        assert_eq!(r.read_bits(8), 0);
        assert!(!r.overrun());
        assert_eq!(r.read_bits(1), 0);
        assert!(r.overrun());
    }

    #[test]
    fn segment_ends_at_marker() {
        assert_eq!(segment_end(&[1, 0xFF, 0x00, 2, 0xFF, 0xD9], 0), 4);
        assert_eq!(segment_end(&[1, 2, 3], 0), 3);
        assert_eq!(segment_end(&[1, 0xFF], 0), 1);
        assert_eq!(segment_end(&[1, 2], 5), 2);
    }

    #[test]
    fn ff_detection() {
        assert!(has_ff_byte(0x00FF_0000_0000_0000));
        assert!(has_ff_byte(0x0000_0000_0000_00FF));
        assert!(!has_ff_byte(0xFEFE_FEFE_7F80_0001));
    }

    #[test]
    fn unary_limit() {
        let data = [0u8; 16];
        let mut r = BitReader::new(&data);
        assert!(r.read_unary(40).is_err());
        let data = [0x00, 0x00, 0x01];
        let mut r = BitReader::new(&data);
        assert_eq!(r.read_unary(40).unwrap(), 23);
    }
}
