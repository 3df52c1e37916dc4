//! The entropy-coded segment as a bit stream (T.81 F.2.2.5): MSB first, FF00 unstuffed,
//! stopping at the first marker.

use crate::CodecError;

/// Bits of one scan's entropy-coded data.
///
/// Past a marker or the end of the data the reader supplies zero bits, as libjpeg does, so
/// that the decoding loops need no end check per symbol; `padded` counts them, and a scan
/// that consumed any of them was truncated ([`Bits::overrun`]).
pub(super) struct Bits<'a> {
    data: &'a [u8],
    /// Next byte to load.
    pos: usize,
    /// Loaded bits, left-aligned: the next bit is bit 63. Hot loops may keep `buf` and
    /// `count` in locals and write them back before any other call.
    pub(super) buf: u64,
    /// Valid bits in `buf` (padding included).
    pub(super) count: u32,
    /// Zero bits supplied past the data, still counted in `count` or already consumed.
    padded: u64,
    /// Loading stopped at a marker (at `pos`).
    at_marker: bool,
}

impl<'a> Bits<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Bits {
            data,
            pos: 0,
            buf: 0,
            count: 0,
            padded: 0,
            at_marker: false,
        }
    }

    /// Loads bytes until at least 57 bits are buffered.
    #[inline(always)]
    pub fn refill(&mut self) {
        if self.count > 56 {
            return;
        }
        // Fast path: the next 8 bytes hold no FF, so no stuffing and no marker.
        if let Some(chunk) = self.data.get(self.pos..self.pos + 8) {
            let v = u64::from_be_bytes(chunk.try_into().unwrap_or([0xFF; 8]));
            let inv = !v;
            let has_ff = inv.wrapping_sub(0x0101_0101_0101_0101) & !inv & 0x8080_8080_8080_8080;
            if has_ff == 0 {
                let n = (64 - self.count) / 8; // whole bytes that fit, 1..=8
                let top = if n == 8 {
                    v
                } else {
                    v & !(u64::MAX >> (8 * n))
                };
                self.buf |= top >> self.count;
                self.count += 8 * n;
                self.pos += n as usize;
                return;
            }
        }
        self.refill_slow();
    }

    #[cold]
    #[inline(never)]
    fn refill_slow(&mut self) {
        while self.count <= 56 {
            let byte = if self.at_marker {
                None
            } else {
                match (self.data.get(self.pos), self.data.get(self.pos + 1)) {
                    (Some(0xFF), Some(0x00)) => {
                        self.pos += 2;
                        Some(0xFF)
                    }
                    // FF then anything else is a marker (FF FF: fill bytes before one).
                    (Some(0xFF), _) | (None, _) => {
                        self.at_marker = true;
                        None
                    }
                    (Some(&b), _) => {
                        self.pos += 1;
                        Some(b)
                    }
                }
            };
            match byte {
                Some(b) => self.buf |= u64::from(b) << (56 - self.count),
                None => self.padded += 8,
            }
            self.count += 8;
        }
    }

    /// Buffered bits (call [`Bits::refill`] first when fewer than a symbol needs).
    #[inline(always)]
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The next `n` bits (1..=32) without consuming them; needs `n <= count`.
    #[inline(always)]
    pub fn peek(&self, n: u32) -> u32 {
        (self.buf >> (64 - n)) as u32
    }

    /// Consumes `n` bits (0..=count).
    #[inline(always)]
    pub fn consume(&mut self, n: u32) {
        // Callers consume at most 32 bits at once, so the shift never wraps.
        self.buf = self.buf.wrapping_shl(n);
        self.count -= n;
    }

    /// Takes `n` bits (0..=16) as a number.
    #[inline(always)]
    pub fn take(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        let v = self.peek(n);
        self.consume(n);
        v
    }

    /// Whether more bits were consumed than the data held (the scan was cut short).
    pub fn overrun(&self) -> bool {
        self.padded > u64::from(self.count)
    }

    /// Skips to the next marker: where the scan's data ends. Returns its offset.
    fn marker_pos(&mut self) -> usize {
        let d = self.data;
        if !self.at_marker {
            // Bits the decoder left unread before a marker are padding (or garbage, which
            // libjpeg also skips).
            while let Some(&b) = d.get(self.pos) {
                if b == 0xFF && !matches!(d.get(self.pos + 1), Some(0x00)) {
                    break;
                }
                self.pos += if b == 0xFF { 2 } else { 1 };
            }
            self.at_marker = true;
        }
        // Fill bytes before the marker code.
        while d.get(self.pos) == Some(&0xFF) && d.get(self.pos + 1) == Some(&0xFF) {
            self.pos += 1;
        }
        self.pos.min(d.len())
    }

    /// Reads the restart marker RSTn (`n` = 0..=7) that must come next, and starts the next
    /// interval byte-aligned with an empty buffer.
    pub fn restart(&mut self, n: u8) -> Result<(), CodecError> {
        if self.overrun() {
            return Err(CodecError::Truncated);
        }
        let at = self.marker_pos();
        match self.data.get(at..at + 2) {
            Some([0xFF, m]) if *m == 0xD0 + n => {}
            Some([0xFF, m]) => {
                return Err(CodecError::corrupt(format!(
                    "found marker FF{m:02X} where RST{n} was expected"
                )));
            }
            _ => {
                return Err(CodecError::corrupt(format!(
                    "data ends where RST{n} was expected"
                )));
            }
        }
        self.pos = at + 2;
        self.buf = 0;
        self.count = 0;
        self.padded = 0;
        self.at_marker = false;
        Ok(())
    }

    /// Ends the scan: errors if it ran past its data, else returns the offset of the
    /// marker that follows it.
    pub fn finish(mut self) -> Result<usize, CodecError> {
        if self.overrun() {
            return Err(CodecError::Truncated);
        }
        Ok(self.marker_pos())
    }
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn unstuffs_and_stops_at_marker() {
        // 0xA5, stuffed FF, 0x0F, then RST0 and more bytes that must not be read.
        let data = [0xA5, 0xFF, 0x00, 0x0F, 0xFF, 0xD0, 0x12];
        let mut b = Bits::new(&data);
        b.refill();
        assert_eq!(b.take(8), 0xA5);
        assert_eq!(b.take(8), 0xFF);
        assert_eq!(b.take(4), 0x0);
        assert_eq!(b.take(4), 0xF);
        assert!(!b.overrun());
        // Zeros past the marker, and the reader knows it has run over.
        assert_eq!(b.take(8), 0);
        assert!(b.overrun());
        let mut b = Bits::new(&data);
        b.refill();
        b.consume(20);
        assert_eq!(b.finish().unwrap(), 4);
    }

    #[test]
    fn restart_realigns_after_fill_bytes() {
        let data = [0xC0, 0xFF, 0xFF, 0xD3, 0x81];
        let mut b = Bits::new(&data);
        b.refill();
        assert_eq!(b.take(2), 0b11);
        assert!(b.restart(2).is_err());
        let mut b = Bits::new(&data);
        b.refill();
        b.consume(2);
        b.restart(3).unwrap();
        b.refill();
        assert_eq!(b.take(8), 0x81);
    }

    #[test]
    fn fast_path_matches_bytewise_loading() {
        let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37)).collect();
        let mut b = Bits::new(&data);
        let mut got = Vec::new();
        for _ in 0..data.len() {
            if b.count() < 13 {
                b.refill();
            }
            got.push(b.take(8) as u8);
        }
        assert_eq!(got, data);
    }
}
