//! radscreen's own JPEG-LS decoder (ITU-T T.87 | ISO/IEC 14495-1), for transfer syntaxes
//! `.4.80` (lossless) and `.4.81` (near-lossless), in place of CharLS (C++, built by cmake).
//!
//! Covers what DICOM files hold: precisions 2 to 16, 1 to 4 components, NEAR 0 and above,
//! all three interleave modes, restart markers, and LSE preset coding parameters. Where CharLS
//! (which writes most JPEG-LS DICOM files) reads the standard its own way, this decoder does
//! the same: a sample-interleaved run interruption codes each component with RItype 0.
//! Not supported, each an `Unsupported` error: point transform, mapping tables, subsampled
//! components, HP colour transforms, and heights given by DNL.
//!
//! One frame in, pixel-interleaved little-endian samples out. Every length and index comes
//! from the stream and is checked: corrupt or truncated data is an `Err`, never a panic, and
//! nothing is allocated beyond Rows x Columns x Samples (the frame header must agree with the
//! DICOM header).

mod bits;
mod context;
mod encoder;
mod markers;
mod scan;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;

use context::Params;
use markers::{Frame, Lse, Preset, Reader};

/// What the DICOM header says a frame holds; the stream must agree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    pub rows: u32,
    pub columns: u32,
    pub samples: u16,
    /// 1 or 2 (Bits Allocated 8 or 16).
    pub bytes_per_sample: usize,
}

/// Why a frame could not be coded: the crate's [`CodecError`](crate::CodecError).
pub(crate) use crate::error::CodecError as JpegLsError;

/// Encodes one frame losslessly (NEAR 0), one scan per component (interleave mode none, as
/// CharLS writes single-component frames), with the default coding parameters.
/// `samples` are pixel-interleaved, rows x columns x components, each below 2^bits.
pub(crate) fn encode_lossless(
    samples: &[u16],
    rows: usize,
    columns: usize,
    components: usize,
    bits: u8,
) -> Result<Vec<u8>, JpegLsError> {
    let options = encoder::Options {
        bits,
        near: 0,
        interleave: 0,
        restart: 0,
        preset: None,
    };
    encoder::try_encode(samples, rows, columns, components, &options)
}

/// Decodes one JPEG-LS frame into pixel-interleaved little-endian samples
/// (rows * columns * samples * bytes_per_sample bytes), whatever the stream's interleave mode.
pub(crate) fn decode(data: &[u8], target: &Target) -> Result<Vec<u8>, JpegLsError> {
    if !matches!(target.bytes_per_sample, 1 | 2) {
        return Err(JpegLsError::Unsupported {
            what: "samples of other than 8 or 16 bits allocated",
        });
    }
    let mut reader = Reader::new(data);
    match reader.marker()? {
        markers::SOI => {}
        marker => return Err(JpegLsError::BadMarker { marker }),
    }
    let mut preset = Preset::default();
    let mut restart = 0;
    let mut frame: Option<Frame> = None;
    // Oversize dimensions from LSE id 4, for a frame header that leaves them zero.
    let mut oversize: Option<(u32, u32)> = None;
    let mut out: Vec<u8> = Vec::new();
    let mut decoded = [false; markers::MAX_COMPONENTS];
    loop {
        let marker = reader.marker()?;
        match marker {
            markers::SOF55 => {
                if frame.is_some() {
                    return Err(JpegLsError::BadMarker { marker });
                }
                let f = markers::parse_frame(reader.segment()?)?;
                // Fail before any decoding when the header disagrees.
                check_target(&f, f.rows, f.columns, target, true)?;
                frame = Some(f);
            }
            markers::SOS => {
                let f = frame.as_ref().ok_or(JpegLsError::BadMarker { marker })?;
                let scan = markers::parse_scan(reader.segment()?, f)?;
                if out.is_empty() {
                    let (rows, columns) = dimensions(f, oversize)?;
                    check_target(f, rows, columns, target, false)?;
                    out = allocate(target)?;
                }
                for &c in &scan.components {
                    if std::mem::replace(&mut decoded[c], true) {
                        return Err(JpegLsError::Corrupt {
                            reason: "a component coded in two scans".into(),
                        });
                    }
                }
                let params = Params::new(f.bits, &preset, scan.near)?;
                let mut output = scan::Output {
                    buf: &mut out,
                    columns: target.columns as usize,
                    samples: usize::from(target.samples),
                    bytes: target.bytes_per_sample,
                };
                let rows = target.rows as usize;
                reader.pos =
                    scan::decode_scan(data, reader.pos, &scan, params, restart, rows, &mut output)?;
            }
            markers::LSE => match markers::parse_lse(reader.segment()?)? {
                Lse::Preset(p) => preset = p,
                Lse::Table => {}
                Lse::Dimensions(rows, columns) => {
                    if !out.is_empty() {
                        return Err(JpegLsError::BadMarker { marker });
                    }
                    oversize = Some((rows, columns));
                }
            },
            markers::DRI => restart = markers::parse_dri(reader.segment()?)?,
            0xE0..=0xEF => {
                let segment = reader.segment()?;
                if marker == 0xE8 && matches!(markers::hp_transform(segment), Some(t) if t != 0) {
                    return Err(JpegLsError::Unsupported {
                        what: "HP colour transform",
                    });
                }
            }
            markers::COM => {
                reader.segment()?;
            }
            markers::EOI => {
                let Some(f) = &frame else {
                    return Err(JpegLsError::BadMarker { marker });
                };
                if out.is_empty() || decoded[..f.ids.len()].contains(&false) {
                    return Err(JpegLsError::Corrupt {
                        reason: "end of image before every component was coded".into(),
                    });
                }
                // Anything after EOI (DICOM pads frames to even length) is ignored.
                return Ok(out);
            }
            markers::DNL => {
                return Err(JpegLsError::Unsupported {
                    what: "height given by a DNL marker",
                });
            }
            // SOF markers of the other JPEG processes.
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xF9 => {
                return Err(JpegLsError::Unsupported {
                    what: "not a JPEG-LS frame (another JPEG process)",
                });
            }
            _ => return Err(JpegLsError::BadMarker { marker }),
        }
    }
}

/// The frame's rows and columns: from the frame header, or from LSE id 4 where it has zeros.
fn dimensions(frame: &Frame, oversize: Option<(u32, u32)>) -> Result<(u32, u32), JpegLsError> {
    let (rows, columns) = match oversize {
        None => (frame.rows, frame.columns),
        Some((rows, columns)) => {
            let conflict = |header: u32, lse: u32| header != 0 && header != lse;
            if conflict(frame.rows, rows) || conflict(frame.columns, columns) {
                return Err(JpegLsError::Corrupt {
                    reason: "frame header and LSE dimensions disagree".into(),
                });
            }
            (rows, columns)
        }
    };
    if rows == 0 {
        return Err(JpegLsError::Unsupported {
            what: "height given by a DNL marker",
        });
    }
    if columns == 0 {
        return Err(JpegLsError::Corrupt {
            reason: "zero columns".into(),
        });
    }
    Ok((rows, columns))
}

/// The frame must describe the image the DICOM header describes: that bounds every allocation.
/// `partial`: zero rows or columns (given later by LSE) are not checked yet.
fn check_target(
    frame: &Frame,
    rows: u32,
    columns: u32,
    target: &Target,
    partial: bool,
) -> Result<(), JpegLsError> {
    let mismatch = |what, stream: u32, header: u32| {
        Err(JpegLsError::Mismatch {
            what,
            stream,
            header,
        })
    };
    if (rows != 0 || !partial) && rows != target.rows {
        return mismatch("rows", rows, target.rows);
    }
    if (columns != 0 || !partial) && columns != target.columns {
        return mismatch("columns", columns, target.columns);
    }
    let components = frame.ids.len() as u32;
    if components != u32::from(target.samples) {
        return mismatch("component count", components, u32::from(target.samples));
    }
    if frame.bits > 8 && target.bytes_per_sample == 1 {
        return mismatch("sample precision", u32::from(frame.bits), 8);
    }
    Ok(())
}

/// The zeroed output buffer; an allocation failure is an error, not an abort.
fn allocate(target: &Target) -> Result<Vec<u8>, JpegLsError> {
    let too_big = JpegLsError::Unsupported {
        what: "frame too large for memory",
    };
    let len = (target.rows as usize)
        .checked_mul(target.columns as usize)
        .and_then(|n| n.checked_mul(usize::from(target.samples)))
        .and_then(|n| n.checked_mul(target.bytes_per_sample))
        .ok_or(too_big.clone())?;
    let mut out = Vec::new();
    out.try_reserve_exact(len).map_err(|_| too_big)?;
    out.resize(len, 0);
    Ok(out)
}
