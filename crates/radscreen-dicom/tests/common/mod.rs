//! Test support for real-file tests: pydicom's test DICOM files and the
//! pydicom reference decodes that `scripts/fetch-test-data.sh` puts in a cache
//! outside the repository (too big and not ours to vendor).
//!
//! Layout of the cache (see the script): `pydicom/`, `pydicom-data/`,
//! `pydicom-src/tests/`, `reference/index.json`, `reference/{stored,modality}/*.npy`.
#![allow(dead_code)] // each test binary uses a different subset

use std::fs;
use std::path::{Path, PathBuf};

const FETCH_HINT: &str =
    "run `scripts/fetch-test-data.sh` from the workspace root to download the real-file test data";

/// The cache directory, whether or not it has been filled. Same rule as the
/// script: `$RADSCREEN_TEST_DATA`, else `${XDG_CACHE_HOME:-$HOME/.cache}/radscreen/test-data`
/// (empty variables count as unset, like the shell's `:-`).
pub fn cache_dir() -> PathBuf {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("RADSCREEN_TEST_DATA") {
        return dir;
    }
    let base = var("XDG_CACHE_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".cache")))
        .expect("neither XDG_CACHE_HOME nor HOME is set; set RADSCREEN_TEST_DATA");
    base.join("radscreen").join("test-data")
}

/// The filled cache directory; panics with the fetch hint when the script has
/// not completed (it writes `.complete` last).
pub fn test_data_dir() -> PathBuf {
    let dir = cache_dir();
    if !dir.join(".complete").is_file() {
        panic!(
            "real-file test data not found in {}: {FETCH_HINT}",
            dir.display()
        );
    }
    dir
}

/// A file in the cache by its path relative to it, e.g. `"pydicom/CT_small.dcm"`.
pub fn data_file(rel: &str) -> PathBuf {
    let path = test_data_dir().join(rel);
    if !path.is_file() {
        panic!("test data file {} is missing: {FETCH_HINT}", path.display());
    }
    path
}

/// Finds a file by name in `pydicom/`, then `pydicom-data/` (recursively,
/// in sorted order so the answer is stable).
pub fn find_test_file(name: &str) -> PathBuf {
    let root = test_data_dir();
    for sub in ["pydicom", "pydicom-data"] {
        if let Some(found) = find_in(&root.join(sub), name) {
            return found;
        }
    }
    panic!(
        "no test file named {name:?} under {}/{{pydicom,pydicom-data}}: {FETCH_HINT}",
        root.display()
    );
}

fn find_in(dir: &Path, name: &str) -> Option<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    // Files at this level win over files in subfolders.
    if let Some(hit) = entries
        .iter()
        .find(|p| p.is_file() && p.file_name().is_some_and(|n| n == name))
    {
        return Some(hit.clone());
    }
    entries
        .iter()
        .filter(|p| p.is_dir())
        .find_map(|p| find_in(p, name))
}

/// `reference/index.json`: `{"versions": {...}, "files": [entry, ...]}`, one
/// entry per candidate file (see scripts/pydicom_reference.py for the fields).
pub fn reference_index() -> serde_json::Value {
    let path = data_file("reference/index.json");
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// The reference entries as a list.
pub fn reference_entries() -> Vec<serde_json::Value> {
    match reference_index()
        .get_mut("files")
        .map(serde_json::Value::take)
    {
        Some(serde_json::Value::Array(files)) => files,
        _ => panic!("reference/index.json has no \"files\" array: {FETCH_HINT}"),
    }
}

/// The reference entry for `rel` (as in `"pydicom/CT_small.dcm"`).
pub fn reference_entry(rel: &str) -> serde_json::Value {
    reference_entries()
        .into_iter()
        .find(|e| e["file"] == rel)
        .unwrap_or_else(|| panic!("no reference entry for {rel:?}"))
}

/// Element data of a `.npy` file, in its own type.
#[derive(Debug, Clone, PartialEq)]
pub enum NpyData {
    U8(Vec<u8>),
    I8(Vec<i8>),
    U16(Vec<u16>),
    I16(Vec<i16>),
    U32(Vec<u32>),
    I32(Vec<i32>),
    U64(Vec<u64>),
    I64(Vec<i64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl NpyData {
    pub fn len(&self) -> usize {
        match self {
            NpyData::U8(v) => v.len(),
            NpyData::I8(v) => v.len(),
            NpyData::U16(v) => v.len(),
            NpyData::I16(v) => v.len(),
            NpyData::U32(v) => v.len(),
            NpyData::I32(v) => v.len(),
            NpyData::U64(v) => v.len(),
            NpyData::I64(v) => v.len(),
            NpyData::F32(v) => v.len(),
            NpyData::F64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every element as f64 (exact for all integer types up to 2^53).
    pub fn to_f64(&self) -> Vec<f64> {
        match self {
            NpyData::U8(v) => v.iter().map(|&x| x as f64).collect(),
            NpyData::I8(v) => v.iter().map(|&x| x as f64).collect(),
            NpyData::U16(v) => v.iter().map(|&x| x as f64).collect(),
            NpyData::I16(v) => v.iter().map(|&x| x as f64).collect(),
            NpyData::U32(v) => v.iter().map(|&x| x as f64).collect(),
            NpyData::I32(v) => v.iter().map(|&x| x as f64).collect(),
            NpyData::U64(v) => v.iter().map(|&x| x as f64).collect(),
            NpyData::I64(v) => v.iter().map(|&x| x as f64).collect(),
            NpyData::F32(v) => v.iter().map(|&x| x as f64).collect(),
            NpyData::F64(v) => v.clone(),
        }
    }
}

/// Loads a reference array by its index path (`stored_npy` / `modality_npy`,
/// relative to the cache).
pub fn load_reference_npy(rel: &str) -> (Vec<usize>, NpyData) {
    load_npy(data_file(rel))
}

/// Minimal `.npy` reader: format versions 1.0 to 3.0, C order, dtypes
/// `|u1 |i1 |b1 <u2 <i2 <u4 <i4 <u8 <i8 <f4 <f8` and their `>`/`=` variants.
/// Returns the shape (empty for a 0-d array) and the data in C order.
/// Panics with a message naming the file on anything else.
pub fn load_npy(path: impl AsRef<Path>) -> (Vec<usize>, NpyData) {
    let path = path.as_ref();
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let fail =
        |why: String| -> ! { panic!("{}: not a supported .npy file: {why}", path.display()) };

    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        fail("bad magic".into());
    }
    // Version 1 has a u16 header length, versions 2 and 3 a u32 (3 = utf-8 header).
    let (header_len, header_start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        v => fail(format!("unsupported format version {v}.{}", bytes[7])),
    };
    let data_start = header_start + header_len;
    let header = bytes
        .get(header_start..data_start)
        .and_then(|h| std::str::from_utf8(h).ok())
        .unwrap_or_else(|| fail("truncated or non-utf-8 header".into()));

    let descr = dict_value(header, "descr")
        .and_then(|v| {
            let q = v.chars().next().filter(|c| *c == '\'' || *c == '"')?;
            v[1..].split(q).next()
        })
        .unwrap_or_else(|| fail(format!("no descr in header {header:?}")));
    let fortran = dict_value(header, "fortran_order")
        .unwrap_or_else(|| fail(format!("no fortran_order in {header:?}")));
    if fortran.starts_with("True") {
        fail("Fortran-order arrays are not supported".into());
    } else if !fortran.starts_with("False") {
        fail(format!("bad fortran_order in {header:?}"));
    }
    let shape = dict_value(header, "shape")
        .filter(|v| v.starts_with('('))
        .and_then(|v| v[1..].split(')').next())
        .map(|inner| {
            inner
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<usize>()
                        .unwrap_or_else(|_| fail(format!("bad shape entry {s:?}")))
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_else(|| fail(format!("no shape in header {header:?}")));

    let (order, kind, size) = {
        let mut chars = descr.chars();
        let order = chars.next().unwrap_or(' ');
        let kind = chars.next().unwrap_or(' ');
        let size: usize = chars.as_str().parse().unwrap_or(0);
        (order, kind, size)
    };
    let big = match order {
        '<' | '|' => false,
        '>' => true,
        '=' => cfg!(target_endian = "big"),
        _ => fail(format!("unsupported dtype {descr:?}")),
    };
    let count: usize = shape.iter().product();
    let data = &bytes[data_start..];
    if data.len() != count * size {
        fail(format!(
            "{} data bytes for shape {shape:?} of {descr} ({} expected)",
            data.len(),
            count * size
        ));
    }

    let out = match (kind, size) {
        ('u' | 'b', 1) => NpyData::U8(data.to_vec()),
        ('i', 1) => NpyData::I8(data.iter().map(|&b| b as i8).collect()),
        ('u', 2) => NpyData::U16(elements(data, big, u16::from_le_bytes, u16::from_be_bytes)),
        ('i', 2) => NpyData::I16(elements(data, big, i16::from_le_bytes, i16::from_be_bytes)),
        ('u', 4) => NpyData::U32(elements(data, big, u32::from_le_bytes, u32::from_be_bytes)),
        ('i', 4) => NpyData::I32(elements(data, big, i32::from_le_bytes, i32::from_be_bytes)),
        ('u', 8) => NpyData::U64(elements(data, big, u64::from_le_bytes, u64::from_be_bytes)),
        ('i', 8) => NpyData::I64(elements(data, big, i64::from_le_bytes, i64::from_be_bytes)),
        ('f', 4) => NpyData::F32(elements(data, big, f32::from_le_bytes, f32::from_be_bytes)),
        ('f', 8) => NpyData::F64(elements(data, big, f64::from_le_bytes, f64::from_be_bytes)),
        _ => fail(format!("unsupported dtype {descr:?}")),
    };
    (shape, out)
}

/// The text after `'key':` in the header dict, leading spaces trimmed.
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let at = header
        .find(&format!("'{key}':"))
        .or_else(|| header.find(&format!("\"{key}\":")))?;
    Some(header[at + key.len() + 3..].trim_start())
}

fn elements<T, const N: usize>(
    data: &[u8],
    big: bool,
    le: fn([u8; N]) -> T,
    be: fn([u8; N]) -> T,
) -> Vec<T> {
    data.chunks_exact(N)
        .map(|c| {
            let a: [u8; N] = c.try_into().expect("chunks_exact yields N bytes");
            if big { be(a) } else { le(a) }
        })
        .collect()
}
