//! `--device auto` on a machine without a hardware GPU must leave no wgpu device open: an open
//! device keeps CubeCL's device-server thread waking thousands of times a second, which slowed
//! CPU screening by 2–12 % (docs/benchmarks.md). A test binary of its own, so that no other
//! test's wgpu device shares the process.

use radscreen_model::{DeviceOptions, DevicePreference, select_device};

/// Names of this process's threads (Linux); `None` elsewhere.
fn thread_names() -> Option<Vec<String>> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    Some(
        tasks
            .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
            .map(|n| n.trim().to_string())
            .collect(),
    )
}

#[test]
fn auto_without_a_hardware_gpu_opens_no_wgpu_device() {
    let device = select_device(&DeviceOptions::new(DevicePreference::Auto)).unwrap();
    if device.fallback_reason.is_none() {
        // a machine with a GPU: the device is open by design
        assert!(!device.backend.is_cpu(), "{:?}", device.report());
        return;
    }
    assert!(device.backend.is_cpu(), "{:?}", device.report());
    let Some(names) = thread_names() else { return };
    // CubeCL names its device-server threads "DS" + U/D + "-<type>-<index>"
    let servers: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("DSD-") || n.starts_with("DSU-"))
        .collect();
    assert!(
        servers.is_empty(),
        "falling back to the CPU left wgpu device threads running: {servers:?} (threads: {names:?})"
    );
}
