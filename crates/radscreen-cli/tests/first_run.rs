//! What a newcomer sees: the README's first command with `--device auto` on a machine without a
//! GPU prints radscreen's own lines and nothing from a loader or driver.

use std::path::Path;
use std::process::Command;

#[test]
fn auto_device_prints_only_radscreens_lines() {
    let root = std::env::temp_dir().join(format!("radscreen-first-run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let out = root.join("report");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data");
    // A headless machine: no session folder, no display. libwayland prints "error:
    // XDG_RUNTIME_DIR is invalid or not set" when anything asks it for a display.
    let o = Command::new(env!("CARGO_BIN_EXE_radscreen"))
        .args([
            "screen",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--device", "auto"])
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env_remove("RADSCREEN_KEY")
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("DISPLAY")
        .output()
        .expect("run radscreen");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let ours = ["device: ", "screened ", "stopped ", "radscreen: "];
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        lines.first().is_some_and(|l| l.starts_with("device: ")),
        "{stderr}"
    );
    for line in &lines {
        let summary = line.contains(" files: ") && line.contains("report: ");
        assert!(
            summary || ours.iter().any(|p| line.starts_with(p)),
            "a line radscreen did not write: {line:?}\n(all of stderr: {stderr})"
        );
    }
    assert!(!stderr.contains("XDG_RUNTIME_DIR"), "{stderr}");
    let _ = std::fs::remove_dir_all(&root);
}
