//! RLE Lossless (PS3.5 Annex G), for every Bits Allocated (the registry's codec stops at 16).

use crate::CodecError;

/// Decodes one RLE frame into interleaved little-endian samples.
///
/// Segment `s * bytes + k` holds byte `k` (most significant first) of sample `s`.
pub(crate) fn decode_frame(
    data: &[u8],
    pixels: usize,
    samples: usize,
    bytes_per_sample: usize,
) -> Result<Vec<u8>, CodecError> {
    if data.len() < 64 {
        return Err(CodecError::corrupt(format!(
            "RLE header needs 64 bytes, found {}",
            data.len()
        )));
    }
    let header: Vec<usize> = data[..64]
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect();
    let n = header[0];
    let expected = samples * bytes_per_sample;
    if n != expected {
        return Err(CodecError::corrupt(format!(
            "{n} RLE segments, expected {expected}"
        )));
    }
    let mut out = vec![0u8; pixels * expected];
    for seg in 0..n {
        let start = header[1 + seg];
        let end = if seg + 1 < n {
            header[2 + seg]
        } else {
            data.len()
        };
        if start < 64 || start > end || end > data.len() {
            return Err(CodecError::corrupt(format!(
                "RLE segment {seg} offsets {start}..{end} outside {} bytes",
                data.len()
            )));
        }
        let bytes = unpack_bits(&data[start..end], pixels)
            .map_err(|e| CodecError::corrupt(format!("RLE segment {seg}: {e}")))?;
        let (sample, msb_index) = (seg / bytes_per_sample, seg % bytes_per_sample);
        let offset = sample * bytes_per_sample + (bytes_per_sample - 1 - msb_index);
        for (p, b) in bytes.into_iter().enumerate() {
            out[p * expected + offset] = b;
        }
    }
    Ok(out)
}

/// PackBits, stopping once `len` bytes are out (encoders may pad a segment).
fn unpack_bits(src: &[u8], len: usize) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::with_capacity(len);
    let mut i = 0;
    while out.len() < len && i < src.len() {
        let h = src[i] as i8;
        i += 1;
        match h {
            0..=127 => {
                let n = h as usize + 1;
                let lit = src
                    .get(i..i + n)
                    .ok_or(CodecError::corrupt("literal run past the end"))?;
                out.extend_from_slice(lit);
                i += n;
            }
            -127..=-1 => {
                let b = *src
                    .get(i)
                    .ok_or(CodecError::corrupt("repeat run past the end"))?;
                out.extend(std::iter::repeat_n(b, (1 - i32::from(h)) as usize));
                i += 1;
            }
            -128 => {}
        }
    }
    if out.len() < len {
        return Err(CodecError::corrupt(format!(
            "decoded {} of {len} bytes",
            out.len()
        )));
    }
    out.truncate(len);
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn packbits_literal_and_repeat() {
        // literal [1,2], repeat 7 x3, no-op, literal [9]
        let src = [1u8, 1, 2, (-2i8) as u8, 7, 0x80, 0, 9];
        assert_eq!(super::unpack_bits(&src, 6).unwrap(), vec![1, 2, 7, 7, 7, 9]);
        assert!(super::unpack_bits(&src[..4], 6).is_err());
    }

    #[test]
    fn sixteen_bit_segments_are_msb_first() {
        let mut data = vec![0u8; 64];
        data[0] = 2;
        data[4] = 64;
        data[8] = 66;
        data.extend_from_slice(&[0, 0x12]); // segment 0: high byte
        data.extend_from_slice(&[0, 0x34]); // segment 1: low byte
        assert_eq!(
            super::decode_frame(&data, 1, 1, 2).unwrap(),
            vec![0x34, 0x12]
        );
    }
}
