//! `radscreen bench` on sample-data: every section present in the JSON, with the numbers
//! consistent with a plain `radscreen screen` of the same folder, and the table printed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn radscreen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_radscreen"))
        .args(args)
        .output()
        .expect("run radscreen")
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "status {:?}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}

fn sample_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data")
}

/// Per finding (TP, FP, TN, FN) from a screen report and the manifest, counted by radscreen-eval
/// from the report's flags (its readers of findings.csv and manifest.csv).
fn confusion(report: &Path, data: &Path, finding: &str) -> (usize, usize, usize, usize) {
    let findings = [finding.to_string()];
    let m = radscreen::eval::io::read_manifest(&data.join("manifest.csv"), &findings, &[]).unwrap();
    let truth: BTreeMap<(String, u64), bool> = m
        .rows
        .iter()
        .map(|r| ((r.path.clone(), r.frame), r.labels[0]))
        .collect();
    let p = radscreen::eval::io::read_predictions(&report.join("findings.csv"), &findings).unwrap();
    let mut c = radscreen::eval::Confusion::default();
    for r in p.rows.iter().filter(|r| r.status.as_str() == "ok") {
        c.add(truth[&(r.path.clone(), r.frame)], r.flags[0] == Some(true));
    }
    (c.tp as usize, c.fp as usize, c.tn as usize, c.fn_ as usize)
}

#[test]
fn bench_json_has_every_section_and_agrees_with_screen() {
    let data = sample_data();
    let d = data.to_str().unwrap();
    let o = radscreen(&[
        "bench",
        d,
        "--device",
        "cpu",
        "--seconds",
        "0.05",
        "--batches",
        "1,3",
        "--json",
    ]);
    ok(&o);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");

    assert_eq!(r["device"]["backend"], "flex");
    let decode = r["decode"].as_array().unwrap();
    let names: Vec<&str> = decode.iter().map(|x| x["name"].as_str().unwrap()).collect();
    // sample-data cycles its series through five transfer syntaxes
    assert_eq!(decode.len(), 5, "{names:?}");
    assert!(names.contains(&"RLE Lossless"), "{names:?}");
    assert!(
        decode
            .iter()
            .all(|x| x["frames_per_s"].as_f64().unwrap() > 0.0)
    );
    assert!(r["preprocess_images_per_s"].as_f64().unwrap() > 0.0);
    let inf = r["inference"].as_array().unwrap();
    assert_eq!(
        inf.iter()
            .map(|x| x["batch"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![1, 3]
    );
    assert!(inf.iter().all(|x| x["iterations"].as_u64().unwrap() >= 3));
    let e = &r["end_to_end"];
    assert_eq!(e["images"], 96);
    assert!(e["images_per_s"].as_f64().unwrap() > 0.0);
    // at least the model and one batch of inputs were resident during screening
    assert!(e["peak_rss_bytes"].as_u64().unwrap() > 1 << 20);
    assert_eq!(r["model"]["inference"], "radscreen-native-cpu");
    assert_eq!(r["cold_start"].as_array().unwrap().len(), 2);
    assert!(r["model"]["weight_bytes"].as_u64().unwrap() > 100_000);
    let t = &r["training"];
    assert!(t["images"].as_u64().unwrap() > 0 && t["seconds_per_epoch"].as_f64().unwrap() > 0.0);

    // the quality rows are what a plain screen of the folder gives
    let report = std::env::temp_dir().join(format!("radscreen-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&report);
    ok(&radscreen(&[
        "screen",
        d,
        "--out",
        report.to_str().unwrap(),
        "--device",
        "cpu",
        "--quiet",
    ]));
    let quality = r["quality"].as_array().unwrap();
    assert_eq!(quality.len(), 2);
    for q in quality {
        let finding = q["finding"].as_str().unwrap();
        let (tp, fp, tn, fn_) = confusion(&report, &data, finding);
        let n = (tp + fp + tn + fn_) as f64;
        assert_eq!(q["images"].as_u64().unwrap() as f64, n);
        assert_eq!(q["positives"].as_u64().unwrap() as usize, tp + fn_);
        let acc = q["accuracy"].as_f64().unwrap();
        assert!(
            (acc - (tp + tn) as f64 / n).abs() < 1e-9,
            "{finding}: {acc}"
        );
        if tp + fp > 0 {
            let p = q["precision"].as_f64().unwrap();
            assert!((p - tp as f64 / (tp + fp) as f64).abs() < 1e-9);
        } else {
            assert!(q["precision"].is_null());
        }
    }
    let _ = std::fs::remove_dir_all(&report);
}

#[test]
fn bench_table_and_usage_errors() {
    let d = sample_data();
    let o = radscreen(&[
        "bench",
        d.to_str().unwrap(),
        "--device",
        "cpu",
        "--seconds",
        "0.02",
        "--batches",
        "2",
        "--no-train",
        "--no-cold-start",
    ]);
    ok(&o);
    let table = String::from_utf8_lossy(&o.stdout);
    for heading in ["Decode", "Inference", "End to end", "Quality", "accuracy"] {
        assert!(table.contains(heading), "{heading} missing:\n{table}");
    }
    let bad = radscreen(&["bench", d.to_str().unwrap(), "--seconds", "0"]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = radscreen(&["bench", d.to_str().unwrap(), "--device", "tpu"]);
    assert_eq!(bad.status.code(), Some(2));
    // f16 runs on GPUs only: asked for on the CPU it is a configuration error naming why
    let bad = radscreen(&[
        "bench",
        d.to_str().unwrap(),
        "--device",
        "cpu",
        "--precision",
        "f16",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("f16"));
}

#[test]
fn bench_rows_per_input_size_and_precision() {
    let d = sample_data();
    let o = radscreen(&[
        "bench",
        d.to_str().unwrap(),
        "--device",
        "flex",
        "--seconds",
        "0.02",
        "--batches",
        "1,2",
        "--sizes",
        "128,256",
        "--precisions",
        "f32",
        "--no-train",
        "--no-cold-start",
        "--json",
    ]);
    ok(&o);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let rows: Vec<(u64, u64, &str)> = r["inference"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["size"].as_u64().unwrap(),
                x["batch"].as_u64().unwrap(),
                x["precision"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (128, 1, "f32"),
            (128, 2, "f32"),
            (256, 1, "f32"),
            (256, 2, "f32")
        ]
    );
    // burn's kernels with BatchNorm folded in (flex named: not the native CPU path)
    assert_eq!(r["model"]["inference"], "burn-folded");
    assert_eq!(r["device"]["precision"], "f32");
    // a side the network's stride does not divide is refused
    let bad = radscreen(&[
        "bench",
        d.to_str().unwrap(),
        "--device",
        "flex",
        "--sizes",
        "100",
    ]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
