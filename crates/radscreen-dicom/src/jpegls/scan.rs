//! One scan's entropy-coded data to samples (T.87 A.8 and Annex B): line by line, for each
//! interleave mode, with restart intervals.
//!
//! Each component keeps two lines (the previous and the current) with one extra sample at
//! each end for the edges of T.87 A.2.1: before the first column sits the first sample of the
//! line above (Ra = Rb there, and Rc is the first sample two lines up), after the last one a
//! copy of the last sample above (Rd = Rb there). Before the first line, and after each
//! restart, the previous line is all zeros.

use super::JpegLsError;
use super::bits::{BitReader, segment_end};
use super::context::{Coder, J, Params, predict};
use super::markers::{MAX_COMPONENTS, RST0, Reader, Scan};

/// Where decoded lines go: pixel-interleaved little-endian samples of one frame.
pub(super) struct Output<'a> {
    pub(super) buf: &'a mut [u8],
    pub(super) columns: usize,
    pub(super) samples: usize,
    /// 1 or 2.
    pub(super) bytes: usize,
}

impl Output<'_> {
    /// Stores line `y` of frame component `component`.
    fn put(&mut self, y: usize, component: usize, line: &[i32]) {
        self.put_strided(y, component, line, 1, 0);
    }

    /// Stores line `y` of frame component `component` from every `step`-th value of `line`,
    /// starting at `first`.
    fn put_strided(&mut self, y: usize, component: usize, line: &[i32], step: usize, first: usize) {
        let line = line.iter().skip(first).step_by(step);
        let pixel = self.samples * self.bytes;
        let row = y * self.columns * pixel;
        let Some(row) = self.buf.get_mut(row..row + self.columns * pixel) else {
            return;
        };
        let offset = component * self.bytes;
        if self.bytes == 1 {
            for (px, &v) in row.chunks_exact_mut(pixel).zip(line) {
                px[offset] = v as u8;
            }
        } else {
            for (px, &v) in row.chunks_exact_mut(pixel).zip(line) {
                px[offset..offset + 2].copy_from_slice(&(v as u16).to_le_bytes());
            }
        }
    }
}

/// Decodes the scan whose data starts at `start` into `out`; returns where the data ends (the
/// next marker). `restart` is the restart interval in lines, 0 for none.
pub(super) fn decode_scan(
    data: &[u8],
    start: usize,
    scan: &Scan,
    params: Params,
    restart: u32,
    rows: usize,
    out: &mut Output,
) -> Result<usize, JpegLsError> {
    let width = out.columns;
    let count = scan.components.len();
    let stride = width + 2;
    // Two lines per component; in sample-interleaved scans one pair of lines of pixels.
    let mut lines = vec![0i32; 2 * stride * count];
    let mut run_index = [0usize; MAX_COMPONENTS];
    let interval = match restart {
        0 => rows,
        r => r as usize,
    };
    let mut coder = Coder::new(params);
    let mut pos = start;
    let mut y = 0usize;
    let mut restarts = 0u8;
    loop {
        let end = segment_end(data, pos);
        let mut reader = BitReader::new(&data[pos..end]);
        let stop = rows.min(y.saturating_add(interval));
        while y < stop {
            let result = if scan.interleave == 2 {
                let run_index = &mut run_index[0];
                sample_interleaved_line(
                    &mut coder,
                    &mut reader,
                    &mut lines,
                    y,
                    scan,
                    out,
                    run_index,
                )
            } else {
                component_lines(
                    &mut coder,
                    &mut reader,
                    &mut lines,
                    y,
                    scan,
                    out,
                    &mut run_index,
                )
            };
            // Errors past the end of the data come from its zero padding: the cut is the cause.
            if reader.overrun() {
                return Err(JpegLsError::Truncated);
            }
            result?;
            y += 1;
        }
        if y == rows {
            return Ok(end);
        }
        // A restart marker RSTm (numbered modulo 8), then statistics and lines start afresh.
        let mut markers = Reader::new(data);
        markers.pos = end;
        let marker = markers.marker()?;
        if marker != RST0 + restarts {
            return Err(JpegLsError::BadMarker { marker });
        }
        restarts = (restarts + 1) % 8;
        pos = markers.pos;
        coder.reset();
        run_index = [0; MAX_COMPONENTS];
        lines.fill(0);
    }
}

/// The previous and current line of a pair, by the parity of `y`, with the edges set.
fn line_pair(pair: &mut [i32], y: usize, samples: usize) -> (&[i32], &mut [i32]) {
    let (even, odd) = pair.split_at_mut(pair.len() / 2);
    let (prev, cur) = if y.is_multiple_of(2) {
        (odd, even)
    } else {
        (even, odd)
    };
    let last = prev.len() - samples;
    prev.copy_within(last - samples..last, last);
    cur[..samples].copy_from_slice(&prev[samples..2 * samples]);
    (prev, cur)
}

/// Line `y` of each component of a non-interleaved (one component) or line-interleaved
/// scan. Components share the context statistics but not RUNindex (as in CharLS).
fn component_lines(
    coder: &mut Coder,
    reader: &mut BitReader,
    lines: &mut [i32],
    y: usize,
    scan: &Scan,
    out: &mut Output,
    run_index: &mut [usize],
) -> Result<(), JpegLsError> {
    let stride = out.columns + 2;
    let pairs = lines.chunks_exact_mut(2 * stride);
    for ((pair, &component), run_index) in pairs.zip(&scan.components).zip(run_index) {
        let (prev, cur) = line_pair(pair, y, 1);
        decode_line(coder, reader, prev, cur, run_index)?;
        out.put(y, component, &cur[1..stride - 1]);
    }
    Ok(())
}

/// One line of one component (T.87 A.8): regular mode until the gradients are all within
/// NEAR, then a run.
fn decode_line(
    coder: &mut Coder,
    reader: &mut BitReader,
    prev: &[i32],
    cur: &mut [i32],
    run_index: &mut usize,
) -> Result<(), JpegLsError> {
    let width = cur.len() - 2;
    let mut x = 1;
    while x <= width {
        let ra = cur[x - 1];
        let rc = prev[x - 1];
        let rb = prev[x];
        let rd = prev[x + 1];
        let qs = coder.context(rd - rb, rb - rc, rc - ra);
        if qs != 0 {
            cur[x] = coder.decode_regular(reader, qs, predict(ra, rb, rc))?;
            x += 1;
            continue;
        }
        let (length, interrupted) = run_length(reader, width + 1 - x, run_index)?;
        cur[x..x + length].fill(ra);
        x += length;
        if interrupted {
            cur[x] = coder.run_interruption(reader, ra, prev[x], *run_index)?;
            *run_index = run_index.saturating_sub(1);
            x += 1;
        }
    }
    Ok(())
}

/// Line `y` of a sample-interleaved scan: pixels of all components, each component predicted
/// from its own samples; a run only when every component's gradients are within NEAR, and
/// then whole pixels repeat.
fn sample_interleaved_line(
    coder: &mut Coder,
    reader: &mut BitReader,
    lines: &mut [i32],
    y: usize,
    scan: &Scan,
    out: &mut Output,
    run_index: &mut usize,
) -> Result<(), JpegLsError> {
    let n = scan.components.len();
    let width = out.columns;
    let (prev, cur) = line_pair(lines, y, n);
    let mut x = 1;
    while x <= width {
        let mut qs = [0i32; MAX_COMPONENTS];
        for (c, q) in qs[..n].iter_mut().enumerate() {
            let ra = cur[(x - 1) * n + c];
            let rc = prev[(x - 1) * n + c];
            let rb = prev[x * n + c];
            let rd = prev[(x + 1) * n + c];
            *q = coder.context(rd - rb, rb - rc, rc - ra);
        }
        if qs.iter().any(|&q| q != 0) {
            // Components in context 0 are coded in regular mode too (as CharLS does).
            for (c, &q) in qs[..n].iter().enumerate() {
                let ra = cur[(x - 1) * n + c];
                let rc = prev[(x - 1) * n + c];
                let rb = prev[x * n + c];
                cur[x * n + c] = coder.decode_regular(reader, q, predict(ra, rb, rc))?;
            }
            x += 1;
            continue;
        }
        let (length, interrupted) = run_length(reader, width + 1 - x, run_index)?;
        for i in x..x + length {
            cur.copy_within((x - 1) * n..x * n, i * n);
        }
        x += length;
        if interrupted {
            for c in 0..n {
                let ra = cur[(x - 1) * n + c];
                let rb = prev[x * n + c];
                cur[x * n + c] = coder.run_interruption_component(reader, ra, rb, *run_index)?;
            }
            *run_index = run_index.saturating_sub(1);
            x += 1;
        }
    }
    for (c, &component) in scan.components.iter().enumerate() {
        out.put_strided(y, component, &cur[n..(width + 1) * n], n, c);
    }
    Ok(())
}

/// The length of a run (T.87 A.7.1) of at most `remaining` samples, and whether a
/// run-interruption sample follows it (it does not when the run reaches the end of the line).
fn run_length(
    reader: &mut BitReader,
    remaining: usize,
    run_index: &mut usize,
) -> Result<(usize, bool), JpegLsError> {
    let mut length = 0;
    while reader.read_bit() {
        let block = 1usize << J[*run_index];
        let step = block.min(remaining - length);
        length += step;
        // A shorter block only ends a line; RUNindex then stays.
        if step == block {
            *run_index = (*run_index + 1).min(31);
        }
        if length == remaining {
            return Ok((length, false));
        }
    }
    length += reader.read_bits(J[*run_index]) as usize;
    if length > remaining {
        return Err(JpegLsError::Corrupt {
            reason: "run past the end of the line".into(),
        });
    }
    // A "0" code that still reaches the end of the line is accepted as CharLS does.
    Ok((length, length < remaining))
}
