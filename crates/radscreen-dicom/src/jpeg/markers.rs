//! Marker segments (T.81 Annex B): frame and scan headers, tables, restart interval.

use super::huffman::Huffman;
use crate::CodecError;

/// The coding process, from the SOF marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Process {
    /// SOF0/SOF1: baseline or extended sequential DCT, Huffman-coded.
    Sequential,
    /// SOF3: lossless, Huffman-coded.
    Lossless,
}

#[derive(Debug, Clone)]
pub(super) struct Component {
    pub id: u8,
    /// Sampling factors, 1..=4.
    pub h: u8,
    pub v: u8,
    /// Quantisation table selector (DCT only).
    pub tq: u8,
}

#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub process: Process,
    pub precision: u8,
    pub height: u16,
    pub width: u16,
    pub components: Vec<Component>,
}

impl Frame {
    pub fn h_max(&self) -> u8 {
        self.components.iter().map(|c| c.h).max().unwrap_or(1)
    }
    pub fn v_max(&self) -> u8 {
        self.components.iter().map(|c| c.v).max().unwrap_or(1)
    }
}

#[derive(Debug, Clone)]
pub(super) struct ScanComponent {
    /// Index into the frame's components.
    pub index: usize,
    pub dc: usize,
    pub ac: usize,
}

#[derive(Debug, Clone)]
pub(super) struct Scan {
    pub components: Vec<ScanComponent>,
    /// Lossless: the predictor (0..=7). DCT: spectral start (ignored, as libjpeg does).
    pub ss: u8,
    /// Lossless: the point transform. DCT: successive approximation low bit (ignored).
    pub al: u8,
}

/// Tables in force when a scan starts (they may be redefined between scans).
#[derive(Default)]
pub(super) struct Tables {
    pub dc: [Option<Huffman>; 4],
    pub ac: [Option<Huffman>; 4],
    /// Quantisation tables in zigzag order.
    pub quant: [Option<[u16; 64]>; 4],
    /// MCUs per restart interval; 0: none.
    pub restart_interval: u16,
    /// APP14 "Adobe" colour transform flag.
    pub adobe_transform: Option<u8>,
    /// An APP0 "JFIF" segment was seen (components are then YCbCr).
    pub jfif: bool,
}

pub(super) enum Segment {
    Frame(Frame),
    /// A scan header; its entropy-coded data starts at [`Markers::rest`].
    Scan(Scan),
    /// EOI, or the end of the data.
    End,
}

/// Walks the marker segments of one JPEG stream.
pub(super) struct Markers<'a> {
    data: &'a [u8],
    pos: usize,
    /// The frame's coding process and component ids, once its header is read.
    frame: Option<(Process, Vec<u8>)>,
}

/// The coding process and precision of the first frame header, if the stream has one; a
/// cheap look for dispatch (tables are not parsed).
pub(super) fn peek_frame(data: &[u8]) -> Option<(Process, u8)> {
    let mut m = Markers::new(data).ok()?;
    loop {
        let (marker, body) = m.next_marker().ok()??;
        match marker {
            0xC0 | 0xC1 => return Some((Process::Sequential, *body.first()?)),
            0xC3 => return Some((Process::Lossless, *body.first()?)),
            0xC2 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xDA | 0xD9 => return None,
            _ => {}
        }
    }
}

/// Whether an 8-bit frame has 3 components with neither a JFIF nor an Adobe marker before its
/// frame header and component ids other than "RGB": the colour space is then not stated.
pub(super) fn unmarked_colour(data: &[u8]) -> bool {
    let Ok(mut m) = Markers::new(data) else {
        return false;
    };
    let mut marked = false;
    loop {
        let Ok(Some((marker, body))) = m.next_marker() else {
            return false;
        };
        match marker {
            0xE0 => marked |= body.starts_with(b"JFIF\0"),
            0xEE => marked |= body.starts_with(b"Adobe"),
            0xC0 | 0xC1 => {
                let n = body.get(5).copied().unwrap_or(0);
                let ids: Vec<u8> = (0..usize::from(n))
                    .filter_map(|i| body.get(6 + 3 * i).copied())
                    .collect();
                return !marked && n == 3 && ids != b"RGB";
            }
            // Another frame type, or the scan started: not a sequential 8-bit frame to take.
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xDA | 0xD9 => return false,
            _ => {}
        }
    }
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

impl<'a> Markers<'a> {
    pub fn new(data: &'a [u8]) -> Result<Self, CodecError> {
        if !data.starts_with(&[0xFF, 0xD8]) {
            return Err(CodecError::corrupt(
                "the frame does not start with a JPEG SOI marker",
            ));
        }
        Ok(Markers {
            data,
            pos: 2,
            frame: None,
        })
    }

    /// The bytes after the last segment read (a scan's entropy-coded data).
    pub fn rest(&self) -> &'a [u8] {
        &self.data[self.pos..]
    }

    /// Skips bytes the entropy decoder consumed.
    pub fn skip(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.data.len());
    }

    /// The next marker and its segment's body (empty for markers without one); `None` at
    /// the end of the data. Bytes that are not a marker are skipped, as libjpeg does (some
    /// encoders pad, and DICOM pads fragments to even length).
    fn next_marker(&mut self) -> Result<Option<(u8, &'a [u8])>, CodecError> {
        let d = self.data;
        loop {
            while self.pos < d.len() && d[self.pos] != 0xFF {
                self.pos += 1;
            }
            // Fill bytes: any number of FF before the marker code.
            while self.pos + 1 < d.len() && d[self.pos + 1] == 0xFF {
                self.pos += 1;
            }
            if self.pos + 1 >= d.len() {
                self.pos = d.len();
                return Ok(None);
            }
            let marker = d[self.pos + 1];
            self.pos += 2;
            match marker {
                // A stuffed zero outside a scan is stray data.
                0x00 => continue,
                0x01 | 0xD0..=0xD9 => return Ok(Some((marker, &[]))),
                _ => {}
            }
            if self.pos + 2 > d.len() {
                return Err(CodecError::corrupt(format!(
                    "marker FF{marker:02X} cut off before its length"
                )));
            }
            let len = usize::from(be16(d, self.pos));
            if len < 2 || self.pos + len > d.len() {
                return Err(CodecError::corrupt(format!(
                    "marker FF{marker:02X} segment of {len} bytes runs past the end ({} left)",
                    d.len() - self.pos
                )));
            }
            let body = &d[self.pos + 2..self.pos + len];
            self.pos += len;
            return Ok(Some((marker, body)));
        }
    }

    /// Reads segments up to the next frame header, scan header or the end, filling `tables`.
    pub fn next_segment(&mut self, tables: &mut Tables) -> Result<Segment, CodecError> {
        loop {
            let Some((marker, body)) = self.next_marker()? else {
                return Ok(Segment::End);
            };
            match marker {
                0xD9 => return Ok(Segment::End),
                0xC0 | 0xC1 | 0xC3 => {
                    let process = if marker == 0xC3 {
                        Process::Lossless
                    } else {
                        Process::Sequential
                    };
                    let frame = parse_frame(process, body)?;
                    self.frame = Some((process, frame.components.iter().map(|c| c.id).collect()));
                    return Ok(Segment::Frame(frame));
                }
                0xC2 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                    return Err(CodecError::Unsupported {
                        what: "progressive, hierarchical and arithmetic-coded JPEG processes",
                    });
                }
                0xC4 => parse_huffman(body, tables)?,
                0xDB => parse_quant(body, tables)?,
                0xDD => {
                    if body.len() < 2 {
                        return Err(CodecError::corrupt("DRI segment too short"));
                    }
                    tables.restart_interval = be16(body, 0);
                }
                0xDA => {
                    let (process, ids) = self
                        .frame
                        .as_ref()
                        .ok_or(CodecError::corrupt("scan header before the frame header"))?;
                    return Ok(Segment::Scan(parse_scan(body, *process, ids)?));
                }
                0xDC => {
                    return Err(CodecError::Unsupported {
                        what: "a DNL marker (height defined after the scan)",
                    });
                }
                0xE0 => tables.jfif |= body.starts_with(b"JFIF\0"),
                0xEE if body.starts_with(b"Adobe") && body.len() >= 12 => {
                    tables.adobe_transform = Some(body[11]);
                }
                // SOI again, RSTn outside a scan, TEM, APPn, COM, and reserved markers carry
                // nothing the decoder needs.
                _ => {}
            }
        }
    }
}

fn parse_frame(process: Process, b: &[u8]) -> Result<Frame, CodecError> {
    if b.len() < 6 {
        return Err(CodecError::corrupt("SOF segment too short"));
    }
    let precision = b[0];
    let (height, width, nf) = (be16(b, 1), be16(b, 3), usize::from(b[5]));
    let ok_precision = match process {
        Process::Lossless => (2..=16).contains(&precision),
        Process::Sequential => precision == 8 || precision == 12,
    };
    if !ok_precision {
        return Err(CodecError::corrupt(format!(
            "JPEG precision {precision} not valid for {process:?}"
        )));
    }
    if height == 0 {
        return Err(CodecError::Unsupported {
            what: "JPEG frame height 0 (DNL)",
        });
    }
    if width == 0 || !(1..=4).contains(&nf) || b.len() < 6 + 3 * nf {
        return Err(CodecError::corrupt(format!(
            "bad SOF: width {width}, {nf} components"
        )));
    }
    let mut components: Vec<Component> = Vec::with_capacity(nf);
    for c in b[6..6 + 3 * nf].chunks_exact(3) {
        let (id, h, v, tq) = (c[0], c[1] >> 4, c[1] & 15, c[2]);
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) || tq > 3 {
            return Err(CodecError::corrupt(format!(
                "bad SOF component {id}: sampling {h}x{v}, table {tq}"
            )));
        }
        if components.iter().any(|o| o.id == id) {
            return Err(CodecError::corrupt(format!(
                "SOF component id {id} repeated"
            )));
        }
        components.push(Component { id, h, v, tq });
    }
    Ok(Frame {
        process,
        precision,
        height,
        width,
        components,
    })
}

fn parse_huffman(mut b: &[u8], tables: &mut Tables) -> Result<(), CodecError> {
    while !b.is_empty() {
        if b.len() < 17 {
            return Err(CodecError::corrupt("DHT segment too short"));
        }
        let (class, id) = (b[0] >> 4, usize::from(b[0] & 15));
        let mut counts = [0u8; 16];
        counts.copy_from_slice(&b[1..17]);
        let n: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if class > 1 || id > 3 || n > 256 || b.len() < 17 + n {
            return Err(CodecError::corrupt(format!(
                "bad DHT: class {class}, id {id}, {n} symbols"
            )));
        }
        let table = Huffman::new(&counts, &b[17..17 + n])?;
        if class == 0 {
            tables.dc[id] = Some(table);
        } else {
            tables.ac[id] = Some(table);
        }
        b = &b[17 + n..];
    }
    Ok(())
}

fn parse_quant(mut b: &[u8], tables: &mut Tables) -> Result<(), CodecError> {
    while !b.is_empty() {
        let (pq, id) = (b[0] >> 4, usize::from(b[0] & 15));
        let size = if pq == 0 { 64 } else { 128 };
        if pq > 1 || id > 3 || b.len() < 1 + size {
            return Err(CodecError::corrupt(format!(
                "bad DQT: precision {pq}, id {id}"
            )));
        }
        let mut q = [0u16; 64];
        for (k, v) in q.iter_mut().enumerate() {
            *v = if pq == 0 {
                u16::from(b[1 + k])
            } else {
                be16(b, 1 + 2 * k)
            };
        }
        tables.quant[id] = Some(q);
        b = &b[1 + size..];
    }
    Ok(())
}

fn parse_scan(b: &[u8], process: Process, ids: &[u8]) -> Result<Scan, CodecError> {
    let ns = usize::from(*b.first().ok_or(CodecError::corrupt("empty SOS segment"))?);
    if !(1..=4).contains(&ns) || b.len() < 1 + 2 * ns + 3 {
        return Err(CodecError::corrupt(format!("bad SOS: {ns} components")));
    }
    let mut components: Vec<ScanComponent> = Vec::with_capacity(ns);
    for c in b[1..1 + 2 * ns].chunks_exact(2) {
        let (dc, ac) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
        if dc > 3 || ac > 3 {
            return Err(CodecError::corrupt(format!(
                "SOS table selectors {dc}/{ac} out of range"
            )));
        }
        let index = ids.iter().position(|&id| id == c[0]).ok_or_else(|| {
            CodecError::corrupt(format!("scan component {} is not in the frame", c[0]))
        })?;
        if components.iter().any(|o| o.index == index) {
            return Err(CodecError::corrupt(format!(
                "scan component {} repeated",
                c[0]
            )));
        }
        components.push(ScanComponent { index, dc, ac });
    }
    let tail = &b[1 + 2 * ns..];
    let (ss, al) = (tail[0], tail[2] & 15);
    if process == Process::Lossless && ss > 7 {
        return Err(CodecError::corrupt(format!(
            "lossless predictor {ss} (0..=7 expected)"
        )));
    }
    Ok(Scan { components, ss, al })
}
