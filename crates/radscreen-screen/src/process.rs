//! Measurements of this process (Linux `/proc`), shared by run.json and the benchmark.

/// The process's peak resident memory (Linux: VmHWM), for "memory stays flat" checks; `None`
/// where `/proc` is not there.
pub fn peak_rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = s
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Resets the peak that [`peak_rss_bytes`] reports to the current resident size (Linux 4.0+),
/// so that a measurement sees only its own peak. A no-op where `/proc` is not there.
pub fn reset_peak_rss() {
    // "5" resets VmHWM (proc(5), clear_refs); failure only means the peak includes earlier work.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
