//! Inputs the fuzzer found (docs/testing.md): each once made the reader ask for 1–4 GiB
//! before decoding. This test binary's allocator refuses any single allocation over 256 MiB,
//! so a regression fails here instead of passing slowly.

// A global allocator is unsafe by definition; this one only forwards to the system's.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;

use radscreen_dicom::{DicomImage, DisplayOptions, Limits, ReadOptions};

struct Capped;

const CAP: usize = 256 << 20;

unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > CAP {
            // Null is an allocation failure: try_reserve reports it, anything else aborts.
            return std::ptr::null_mut();
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > CAP {
            return std::ptr::null_mut();
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Capped = Capped;

#[test]
fn fuzz_findings_are_rejected_before_allocating() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let opts = ReadOptions::new().with_limits(Limits::new().with_max_decoded_bytes(64 << 20));
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        // A failed allocation inside the parser would surface as an error, never a result
        // built from gigabytes; either way nothing here may panic.
        if let Ok(img) = DicomImage::from_bytes(&bytes, &path, &opts)
            && let Ok(frames) = img.frames()
        {
            for f in 0..frames.min(3) {
                let _ = img.display(f, &DisplayOptions::default());
            }
        }
        n += 1;
    }
    assert!(n >= 7, "only {n} fuzz inputs found in {}", dir.display());
}

#[test]
fn minimised_cases_fail_in_the_pre_scan() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    for name in [
        "min-us-odd-length.dcm",
        "min-undefined-un.dcm",
        "min-deflate-meta-end.dcm",
    ] {
        let path = dir.join(name);
        let e = DicomImage::open(&path).unwrap_err();
        assert_eq!(e.kind(), "malformed", "{name}: {e}");
    }
}
