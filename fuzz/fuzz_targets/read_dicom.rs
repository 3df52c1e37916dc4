//! The whole reader on arbitrary bytes: open, then stored / modality / display / rgb for
//! each of the first three frames, under tight limits. Every outcome must be `Ok` or an
//! error; a panic that escapes `radscreen-dicom`, an abort, a sanitizer report, a timeout
//! or an out-of-memory is a finding.
//!
//! libfuzzer-sys installs a panic hook that aborts on *every* panic, even one caught
//! further up. radscreen-dicom catches panics inside third-party codecs on purpose (they
//! become `Error::Unsupported`), so by default this target replaces that hook: a panic is
//! only recorded, and the process aborts only when a panic unwinds out of the library.
//! Set `RADSCREEN_FUZZ_STRICT_PANICS=1` to keep libfuzzer-sys's hook (every panic, caught
//! or not, is a crash with its backtrace): useful to hunt codec bugs.
#![no_main]

use std::cell::RefCell;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use radscreen_dicom::{DicomImage, DisplayOptions, Limits, ReadOptions};

thread_local! {
    /// Message and location of the last panic on this thread.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn options() -> ReadOptions {
    ReadOptions::new().with_limits(
        Limits::new()
            .with_max_decoded_bytes(64 << 20)
            .with_max_frames(64),
    )
}

fn exercise(data: &[u8], opts: &ReadOptions) {
    let Ok(img) = DicomImage::from_bytes(data, Path::new("fuzz.dcm"), opts) else {
        return;
    };
    let _ = img.meta();
    let _ = img.pixel_info();
    let Ok(n) = img.frames() else { return };
    let display = DisplayOptions::default();
    for f in 0..n.min(3) {
        let _ = img.stored(f);
        let _ = img.modality(f);
        let _ = img.display(f, &display);
        let _ = img.rgb(f);
    }
}

fuzz_target!(
    init: {
        if std::env::var_os("RADSCREEN_FUZZ_STRICT_PANICS").is_none() {
            std::panic::set_hook(Box::new(|info| {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let at = info.location().map(|l| l.to_string()).unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg} at {at}")));
            }));
        }
    },
    |data: &[u8]| {
        let opts = options();
        let escaped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| exercise(data, &opts)));
        if escaped.is_err() {
            let what = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default();
            eprintln!("panic escaped radscreen-dicom: {what}");
            eprintln!("rerun with RADSCREEN_FUZZ_STRICT_PANICS=1 RUST_BACKTRACE=1 for the stack");
            std::process::abort();
        }
    }
);
