//! Decode throughput per transfer syntax: parse from memory + decode the stored values of one
//! 512x512 16-bit CT frame. Inputs come from scripts/bench-decode.sh (the same files the
//! pydicom peer decodes). Run one core for per-core numbers: `RAYON_NUM_THREADS=1`.

// criterion_group! and criterion_main! generate public functions without docs.
#![allow(missing_docs)]

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use radscreen::dicom::{DicomImage, ReadOptions};

fn bench_dir() -> PathBuf {
    let cache = std::env::var_os("RADSCREEN_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let base = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache")
                });
            base.join("radscreen/test-data")
        });
    cache.join("bench")
}

fn decode(c: &mut Criterion) {
    let dir = bench_dir();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(1));
    for syntax in ["explicit_le", "rle", "jpeg_lossless", "jpeg_ls", "jpeg2000"] {
        let path = dir.join(format!("{syntax}.dcm"));
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("{}: missing; run scripts/bench-decode.sh", path.display());
            continue;
        };
        let opts = ReadOptions::new();
        group.bench_function(syntax, |b| {
            b.iter(|| {
                let img = DicomImage::from_bytes(&bytes, Path::new(syntax), &opts).unwrap();
                img.stored(0).unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
