//! RLE Lossless encoding (PS3.5 Annex G): one segment per byte plane, most significant first,
//! each PackBits-compressed row by row.

/// Encodes one 16-bit frame as an RLE Lossless fragment (header + 2 segments, even length).
pub fn encode_u16(pixels: &[u16], rows: usize, cols: usize) -> Vec<u8> {
    let mut segments = Vec::with_capacity(2);
    for shift in [8u32, 0] {
        let mut seg = Vec::new();
        let mut plane = vec![0u8; cols];
        for r in 0..rows {
            for (c, b) in plane.iter_mut().enumerate() {
                *b = (pixels.get(r * cols + c).copied().unwrap_or(0) >> shift) as u8;
            }
            packbits(&plane, &mut seg);
        }
        if seg.len() % 2 == 1 {
            seg.push(0x80); // a no-op byte keeps segments even
        }
        segments.push(seg);
    }
    let mut out = Vec::with_capacity(64 + segments.iter().map(Vec::len).sum::<usize>());
    let mut header = [0u32; 16];
    header[0] = segments.len() as u32;
    let mut offset = 64u32;
    for (i, s) in segments.iter().enumerate() {
        header[i + 1] = offset;
        offset += s.len() as u32;
    }
    for h in header {
        out.extend_from_slice(&h.to_le_bytes());
    }
    for s in segments {
        out.extend_from_slice(&s);
    }
    out
}

/// PackBits: runs of 2..=128 equal bytes as (257 - n, byte), literals as (n - 1, bytes...).
fn packbits(row: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < row.len() {
        let mut run = 1;
        while i + run < row.len() && run < 128 && row[i + run] == row[i] {
            run += 1;
        }
        if run >= 2 {
            out.push((257 - run) as u8);
            out.push(row[i]);
            i += run;
            continue;
        }
        let start = i;
        while i < row.len() && i - start < 128 {
            if i + 1 < row.len() && row[i + 1] == row[i] {
                break;
            }
            i += 1;
        }
        if i == start {
            i += 1;
        }
        out.push((i - start - 1) as u8);
        out.extend_from_slice(&row[start..i]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unpack(seg: &[u8], n: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while out.len() < n && i < seg.len() {
            let h = seg[i] as i8;
            i += 1;
            if h >= 0 {
                let k = h as usize + 1;
                out.extend_from_slice(&seg[i..i + k]);
                i += k;
            } else if h != -128 {
                out.extend(std::iter::repeat_n(seg[i], (1 - h as isize) as usize));
                i += 1;
            }
        }
        out
    }

    #[test]
    fn packbits_round_trip() {
        let row: Vec<u8> = (0..700)
            .map(|i| if i % 50 < 20 { 7 } else { (i * 31 % 251) as u8 })
            .collect();
        let mut seg = Vec::new();
        packbits(&row, &mut seg);
        assert_eq!(unpack(&seg, row.len()), row);
    }
}
