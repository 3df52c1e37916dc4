//! radscreen's own JPEG decoder (ITU-T T.81), for the two cases jpeg-decoder handles badly:
//!
//! - Lossless, process 14 (transfer syntaxes `.4.57` and `.4.70`): jpeg-decoder is correct
//!   for the common files but slow (it buffers every difference, then predicts), and it
//!   predicts from point-transformed samples and ignores restarts in the prediction;
//! - sequential DCT at 12-bit precision (process 4, `.4.51`), which jpeg-decoder refuses.
//!
//! One frame in, interleaved little-endian samples out, at the byte width the DICOM header
//! asks for. Every length and index comes from the stream, so each is checked: a corrupt or
//! truncated frame is an `Err`, never a panic, and nothing is allocated beyond
//! Rows x Columns x Samples (the SOF must agree with the DICOM header).

mod bits;
mod dct;
#[cfg(test)]
mod encoder;
mod huffman;
mod idct;
mod lossless;
mod markers;
#[cfg(test)]
mod tests;
mod upsample;

use dicom_dictionary_std::uids;
use markers::{Frame, Markers, Process, Segment, Tables};

use crate::CodecError;

/// What the DICOM header says a frame holds; the JPEG stream must agree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    pub rows: u32,
    pub columns: u32,
    pub samples: u16,
    /// 1 or 2: Bits Allocated 8 or 16.
    pub bytes_per_sample: usize,
    /// The DICOM Photometric Interpretation says RGB: a 3-component frame with neither a JFIF
    /// nor an Adobe marker is then taken as RGB, not YCbCr (pydicom trusts the PI the same way).
    pub rgb_without_markers: bool,
}

/// Transfer syntaxes whose frames may come here: lossless always, lossy only at 12 bits.
pub(crate) fn handles(ts: &str) -> bool {
    matches!(
        ts,
        uids::JPEG_LOSSLESS
            | uids::JPEG_LOSSLESS_SV1
            | uids::JPEG_BASELINE8_BIT
            | uids::JPEG_EXTENDED12_BIT
    )
}

/// Whether this decoder should take the frame: lossless frames, DCT frames of more than 8 bits,
/// and 8-bit colour frames that the DICOM calls RGB but whose markers do not say (jpeg-decoder
/// would assume YCbCr). Other 8-bit DCT stays with jpeg-decoder, which matches pydicom there.
pub(crate) fn wants(data: &[u8], target: &Target) -> bool {
    match markers::peek_frame(data) {
        Some((Process::Lossless, _)) => true,
        Some((Process::Sequential, precision)) => {
            precision > 8 || (target.rgb_without_markers && markers::unmarked_colour(data))
        }
        None => false,
    }
}

/// Decodes one JPEG frame into interleaved little-endian samples.
pub(crate) fn decode(data: &[u8], target: &Target) -> Result<Vec<u8>, CodecError> {
    let samples = decode_samples(data, target)?;
    Ok(match target.bytes_per_sample {
        // Values above 255 only come from corrupt streams; keep the low byte as jpeg-decoder.
        1 => samples.iter().map(|&v| v as u8).collect(),
        _ => {
            let mut out = vec![0u8; samples.len() * 2];
            for (o, v) in out.chunks_exact_mut(2).zip(samples) {
                o.copy_from_slice(&v.to_le_bytes());
            }
            out
        }
    })
}

/// The frame's samples, interleaved, `rows * columns * samples` of them.
fn decode_samples(data: &[u8], target: &Target) -> Result<Vec<u16>, CodecError> {
    let mut markers = Markers::new(data)?;
    let mut tables = Tables::default();
    let mut state: Option<State> = None;
    loop {
        match markers.next_segment(&mut tables)? {
            Segment::Frame(frame) => {
                if state.is_some() {
                    return Err(CodecError::corrupt(
                        "a second frame header in one JPEG frame",
                    ));
                }
                check_target(&frame, target)?;
                state = Some(State::new(frame));
            }
            Segment::Scan(scan) => {
                let state = state
                    .as_mut()
                    .ok_or(CodecError::corrupt("scan before the frame header"))?;
                let rest = markers.rest();
                let used = match &mut state.kind {
                    Kind::Lossless(out) => {
                        lossless::decode_scan(&state.frame, &scan, &tables, rest, out)?
                    }
                    Kind::Dct(planes) => {
                        dct::decode_scan(&state.frame, &scan, &tables, rest, planes)?
                    }
                };
                markers.skip(used);
                for c in &scan.components {
                    if let Some(done) = state.decoded.get_mut(c.index) {
                        *done = true;
                    }
                }
            }
            Segment::End => break,
        }
    }
    let state = state.ok_or(CodecError::corrupt(
        "no frame header (SOF) in the JPEG stream",
    ))?;
    if let Some(i) = state.decoded.iter().position(|d| !d) {
        return Err(CodecError::corrupt(format!(
            "no scan for component {i} (truncated stream?)"
        )));
    }
    match state.kind {
        Kind::Lossless(out) => Ok(out),
        Kind::Dct(planes) => Ok(dct::finish(
            &state.frame,
            &tables,
            &planes,
            target.rgb_without_markers,
        )),
    }
}

/// The SOF must describe the image the DICOM header describes: that is what bounds every
/// allocation here.
fn check_target(frame: &Frame, target: &Target) -> Result<(), CodecError> {
    let mismatch = |what, stream: u32, header: u32| {
        (stream != header).then_some(CodecError::Mismatch {
            what,
            stream,
            header,
        })
    };
    let samples = u32::try_from(frame.components.len()).unwrap_or(u32::MAX);
    if let Some(e) = mismatch("rows", u32::from(frame.height), target.rows)
        .or_else(|| mismatch("columns", u32::from(frame.width), target.columns))
        .or_else(|| mismatch("samples per pixel", samples, u32::from(target.samples)))
    {
        return Err(e);
    }
    if !matches!(target.bytes_per_sample, 1 | 2) {
        return Err(CodecError::Unsupported {
            what: "JPEG samples of other than 8 or 16 bits allocated",
        });
    }
    if frame.precision > 8 && target.bytes_per_sample == 1 {
        return Err(CodecError::Mismatch {
            what: "precision (bits)",
            stream: u32::from(frame.precision),
            header: 8,
        });
    }
    Ok(())
}

/// Decoding state of one frame across its scans.
struct State {
    frame: Frame,
    kind: Kind,
    /// Which frame components some scan has decoded.
    decoded: Vec<bool>,
}

enum Kind {
    /// Lossless: the output itself, interleaved samples.
    Lossless(Vec<u16>),
    /// DCT: one plane per component, padded to whole MCUs.
    Dct(Vec<dct::Plane>),
}

impl State {
    fn new(frame: Frame) -> Self {
        let kind = match frame.process {
            Process::Lossless => {
                let n =
                    usize::from(frame.width) * usize::from(frame.height) * frame.components.len();
                Kind::Lossless(vec![0; n])
            }
            Process::Sequential => Kind::Dct(dct::planes(&frame)),
        };
        State {
            decoded: vec![false; frame.components.len()],
            frame,
            kind,
        }
    }
}
