//! numpy's `.npy` format (version 1.0), written so that `np.load` reads it.

use std::io::Write;
use std::path::Path;

use crate::{Error, Result};

/// The header of an NPY v1.0 file: magic, version, length, and a dict padded with spaces so
/// that the data starts on a 64-byte boundary (as numpy writes it).
pub fn header(descr: &str, shape: &[usize]) -> Vec<u8> {
    let shape_s = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_s}, }}");
    let unpadded = 10 + dict.len() + 1;
    dict.push_str(&" ".repeat(unpadded.next_multiple_of(64) - unpadded));
    dict.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out
}

/// Writes a C-order array given as little-endian bytes with numpy dtype `descr` (e.g. `<u2`).
pub fn write_raw(path: &Path, descr: &str, shape: &[usize], le_bytes: &[u8]) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    f.write_all(&header(descr, shape)).map_err(io)?;
    f.write_all(le_bytes).map_err(io)?;
    f.flush().map_err(io)
}

/// Writes `f32` values.
pub fn write_f32(path: &Path, shape: &[usize], values: &[f32]) -> Result<()> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    write_raw(path, "<f4", shape, &bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn header_is_aligned_and_parsable() {
        for shape in [&[3usize][..], &[512, 512], &[10, 20, 30, 3]] {
            let h = super::header("<u2", shape);
            assert_eq!(h.len() % 64, 0);
            let text = std::str::from_utf8(&h[10..]).unwrap();
            assert!(text.ends_with('\n'));
            assert!(text.contains("'descr': '<u2'"));
        }
        assert!(
            std::str::from_utf8(&super::header("<f4", &[7])[10..])
                .unwrap()
                .contains("(7,)")
        );
    }
}
