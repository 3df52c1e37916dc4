//! The native CPU path's slower kernels, forced with `RADSCREEN_CPU_KERNEL` on a machine that
//! has faster ones (how a CPU without AVX-512, or without AVX2, is tested here), and its direct
//! convolutions in place of Winograd's (`RADSCREEN_CPU_WINOGRAD=off`) and Winograd F(2×2, 3×3)
//! in place of F(4×4, 3×3) (`RADSCREEN_CPU_WINOGRAD=f2`): screening sample-data with each gives
//! the same scores as the default kernels, to 1e-4.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn sample_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data")
}

/// Screens sample-data with the environment `env` (empty: the default kernels) and returns
/// (path, frame) → the score columns.
fn scores(env: &[(&str, &str)], out: &Path) -> BTreeMap<(String, String), Vec<f64>> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_radscreen"));
    cmd.args(["screen", sample_data().to_str().unwrap(), "--out"])
        .arg(out)
        .args(["--device", "cpu", "--quiet"]);
    cmd.env_remove("RADSCREEN_CPU_KERNEL")
        .env_remove("RADSCREEN_CPU_WINOGRAD")
        .envs(env.iter().copied());
    let o = cmd.output().expect("run radscreen");
    assert!(
        o.status.success(),
        "{env:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut r = csv::Reader::from_path(out.join("findings.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    let cols: Vec<usize> = (0..header.len())
        .filter(|&i| header[i].starts_with("score_"))
        .collect();
    assert_eq!(cols.len(), 2, "{header:?}");
    r.records()
        .map(|row| row.unwrap())
        .filter(|row| &row[2] == "ok")
        .map(|row| {
            let key = (row[0].to_string(), row[1].to_string());
            (key, cols.iter().map(|&i| row[i].parse().unwrap()).collect())
        })
        .collect()
}

#[test]
fn forced_slower_kernels_score_as_the_default_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = scores(&[], &tmp.path().join("default"));
    assert!(reference.len() >= 90, "{} rows", reference.len());
    let forced: [&[(&str, &str)]; 4] = [
        &[("RADSCREEN_CPU_KERNEL", "avx2")],
        &[("RADSCREEN_CPU_KERNEL", "portable")],
        &[("RADSCREEN_CPU_WINOGRAD", "off")],
        &[("RADSCREEN_CPU_WINOGRAD", "f2")],
    ];
    for (n, env) in forced.into_iter().enumerate() {
        let got = scores(env, &tmp.path().join(n.to_string()));
        assert_eq!(got.len(), reference.len(), "{env:?}");
        for (key, want) in &reference {
            let have = &got[key];
            for (a, b) in have.iter().zip(want) {
                assert!((a - b).abs() <= 1e-4, "{env:?}: {key:?} {a} vs {b}");
            }
        }
    }
    // the switch is honoured: bench names the kernels it ran
    let o = Command::new(env!("CARGO_BIN_EXE_radscreen"))
        .args(["bench", sample_data().to_str().unwrap(), "--device", "cpu"])
        .args([
            "--json",
            "--no-train",
            "--no-cold-start",
            "--seconds",
            "0.2",
        ])
        .args(["--batches", "1"])
        .env("RADSCREEN_CPU_KERNEL", "portable")
        .output()
        .expect("run radscreen bench");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["model"]["cpu_kernel"], "portable + winograd");
}
