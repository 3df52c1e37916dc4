//! glibc's allocator settings for training on the CPU.
//!
//! burn's CPU backends allocate and free tensors of several to tens of MB at every step. With
//! glibc's defaults such blocks go back to the kernel when freed (munmap, or trimming the heap)
//! and are faulted in again, zero-filled, at the next step: `radscreen train` spent about a
//! third of its CPU time in the kernel (2026-12-07, v3's recipe on this 2-core machine). Keeping
//! freed memory in the process removes that: on a one-epoch run on sample-data, 5.6 s of
//! system time became 0.4 s and the epoch took 35 s instead of 40 s, with the same losses
//! (docs/benchmarks.md). Both limits are needed together: either alone disables glibc's
//! adaptive thresholds and made it slower (13 s and 27 s of system time).

/// Raises glibc's mmap and trim thresholds (and pads heap growth) for the rest of the process.
/// Memory freed by the network stays with the process for reuse instead of going back to the
/// kernel; the peak is unchanged. Only on Linux with glibc; elsewhere nothing.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: mallopt only sets allocator parameters; it is called once, at start-up, before
    // the training threads exist, with parameters and values glibc documents (M_MMAP_THRESHOLD
    // at its 64-bit maximum of 32 MiB). A refused value leaves the default: nothing to undo.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
        libc::mallopt(libc::M_TOP_PAD, 256 << 20);
    }
}
