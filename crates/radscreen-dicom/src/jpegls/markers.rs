//! Marker segments of a JPEG-LS stream (T.87 Annex C): SOF55, SOS, LSE, DRI, and the ones
//! skipped (APPn, COM).

use super::JpegLsError;

pub(super) const SOI: u8 = 0xD8;
pub(super) const EOI: u8 = 0xD9;
pub(super) const SOS: u8 = 0xDA;
pub(super) const DNL: u8 = 0xDC;
pub(super) const DRI: u8 = 0xDD;
pub(super) const SOF55: u8 = 0xF7;
pub(super) const LSE: u8 = 0xF8;
pub(super) const COM: u8 = 0xFE;
pub(super) const RST0: u8 = 0xD0;

/// Most components a frame may have here (T.87 allows 255; DICOM uses 1, 3 or 4).
pub(super) const MAX_COMPONENTS: usize = 4;

/// Reads markers and their segments from a byte stream.
pub(super) struct Reader<'a> {
    data: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    /// The next marker's code. Fill bytes (extra 0xFF) before it are skipped (T.81 B.1.1.2).
    pub(super) fn marker(&mut self) -> Result<u8, JpegLsError> {
        let first = *self.data.get(self.pos).ok_or(JpegLsError::Truncated)?;
        if first != 0xFF {
            return Err(JpegLsError::Corrupt {
                reason: "expected a marker".into(),
            });
        }
        self.pos += 1;
        loop {
            let code = *self.data.get(self.pos).ok_or(JpegLsError::Truncated)?;
            self.pos += 1;
            if code != 0xFF {
                return Ok(code);
            }
        }
    }

    /// The payload of the segment that follows a marker (its length field excluded).
    pub(super) fn segment(&mut self) -> Result<&'a [u8], JpegLsError> {
        let len = self
            .data
            .get(self.pos..self.pos + 2)
            .ok_or(JpegLsError::Truncated)?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        if len < 2 {
            return Err(JpegLsError::Corrupt {
                reason: "marker segment length below 2".into(),
            });
        }
        let payload = self
            .data
            .get(self.pos + 2..self.pos + len)
            .ok_or(JpegLsError::Truncated)?;
        self.pos += len;
        Ok(payload)
    }
}

/// The SOF55 frame header.
#[derive(Debug, Clone)]
pub(super) struct Frame {
    /// Sample precision P, 2..=16.
    pub(super) bits: u8,
    /// Y and X; zero when an LSE segment (or DNL) gives them.
    pub(super) rows: u32,
    pub(super) columns: u32,
    /// Component identifiers, in frame order (the output's sample order).
    pub(super) ids: Vec<u8>,
}

pub(super) fn parse_frame(seg: &[u8]) -> Result<Frame, JpegLsError> {
    let header = seg.get(..6).ok_or(JpegLsError::Corrupt {
        reason: "short SOF55 segment".into(),
    })?;
    let bits = header[0];
    let rows = u32::from(u16::from_be_bytes([header[1], header[2]]));
    let columns = u32::from(u16::from_be_bytes([header[3], header[4]]));
    let count = usize::from(header[5]);
    if !(2..=16).contains(&bits) {
        return Err(JpegLsError::Unsupported {
            what: "sample precision outside 2..16",
        });
    }
    if count == 0 || seg.len() != 6 + 3 * count {
        return Err(JpegLsError::Corrupt {
            reason: "SOF55 component count and length disagree".into(),
        });
    }
    if count > MAX_COMPONENTS {
        return Err(JpegLsError::Unsupported {
            what: "more than 4 components",
        });
    }
    let mut ids = Vec::with_capacity(count);
    for spec in seg[6..].chunks_exact(3) {
        if ids.contains(&spec[0]) {
            return Err(JpegLsError::Corrupt {
                reason: "duplicate component identifier".into(),
            });
        }
        if spec[1] != 0x11 {
            return Err(JpegLsError::Unsupported {
                what: "subsampled components",
            });
        }
        ids.push(spec[0]);
    }
    Ok(Frame {
        bits,
        rows,
        columns,
        ids,
    })
}

/// The SOS scan header.
#[derive(Debug, Clone)]
pub(super) struct Scan {
    /// Indices into the frame's components, in scan order.
    pub(super) components: Vec<usize>,
    pub(super) near: u8,
    /// 0: none (one component), 1: line, 2: sample.
    pub(super) interleave: u8,
}

pub(super) fn parse_scan(seg: &[u8], frame: &Frame) -> Result<Scan, JpegLsError> {
    let count = usize::from(*seg.first().ok_or(JpegLsError::Corrupt {
        reason: "empty SOS segment".into(),
    })?);
    if count == 0 || seg.len() != 4 + 2 * count {
        return Err(JpegLsError::Corrupt {
            reason: "SOS component count and length disagree".into(),
        });
    }
    let mut components = Vec::with_capacity(count);
    for spec in seg[1..1 + 2 * count].chunks_exact(2) {
        let index = frame
            .ids
            .iter()
            .position(|&id| id == spec[0])
            .ok_or(JpegLsError::Corrupt {
                reason: "SOS names a component the frame lacks".into(),
            })?;
        if components.contains(&index) {
            return Err(JpegLsError::Corrupt {
                reason: "SOS names a component twice".into(),
            });
        }
        if spec[1] != 0 {
            return Err(JpegLsError::Unsupported {
                what: "mapping tables (palettes)",
            });
        }
        components.push(index);
    }
    let tail = &seg[1 + 2 * count..];
    let (near, interleave, transform) = (tail[0], tail[1], tail[2]);
    if interleave > 2 || (interleave != 0) != (count > 1) {
        return Err(JpegLsError::Corrupt {
            reason: "interleave mode does not fit the scan's component count".into(),
        });
    }
    if transform & 0x0F != 0 {
        return Err(JpegLsError::Unsupported {
            what: "point transform",
        });
    }
    Ok(Scan {
        components,
        near,
        interleave,
    })
}

/// LSE preset coding parameters (T.87 C.2.4.1.1); zero means "the default".
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Preset {
    pub(super) maxval: u16,
    pub(super) t1: u16,
    pub(super) t2: u16,
    pub(super) t3: u16,
    pub(super) reset: u16,
}

/// What an LSE segment carries.
pub(super) enum Lse {
    Preset(Preset),
    /// Mapping table specification or continuation: skipped, as no scan may use one here.
    Table,
    /// Oversize image dimensions (id 4): rows, columns.
    Dimensions(u32, u32),
}

pub(super) fn parse_lse(seg: &[u8]) -> Result<Lse, JpegLsError> {
    let bad = JpegLsError::Corrupt {
        reason: "bad LSE segment length".into(),
    };
    match seg.first() {
        Some(1) => {
            if seg.len() != 11 {
                return Err(bad);
            }
            let word = |i: usize| u16::from_be_bytes([seg[i], seg[i + 1]]);
            Ok(Lse::Preset(Preset {
                maxval: word(1),
                t1: word(3),
                t2: word(5),
                t3: word(7),
                reset: word(9),
            }))
        }
        Some(2 | 3) => Ok(Lse::Table),
        Some(4) => {
            let width = usize::from(*seg.get(1).ok_or(bad.clone())?);
            if !(2..=4).contains(&width) || seg.len() != 2 + 2 * width {
                return Err(bad);
            }
            let number = |bytes: &[u8]| bytes.iter().fold(0u32, |n, &b| n << 8 | u32::from(b));
            Ok(Lse::Dimensions(
                number(&seg[2..2 + width]),
                number(&seg[2 + width..]),
            ))
        }
        Some(_) => Err(JpegLsError::Unsupported {
            what: "JPEG-LS extension (ISO/IEC 14495-2) parameters",
        }),
        None => Err(bad),
    }
}

/// The restart interval of a DRI segment, in lines (T.87 C.2.5: 2, 3 or 4 bytes).
pub(super) fn parse_dri(seg: &[u8]) -> Result<u32, JpegLsError> {
    if !(2..=4).contains(&seg.len()) {
        return Err(JpegLsError::Corrupt {
            reason: "bad DRI segment length".into(),
        });
    }
    Ok(seg.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)))
}

/// The colour transform an HP "mrfx" APP8 segment names (0: none), if this is one.
pub(super) fn hp_transform(seg: &[u8]) -> Option<u8> {
    match seg {
        [b'm', b'r', b'f', b'x', t] => Some(*t),
        _ => None,
    }
}
