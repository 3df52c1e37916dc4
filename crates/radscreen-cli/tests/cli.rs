//! The `radscreen` binary on real files: `pixels` output against pydicom's arrays, `inspect`
//! records, PHI handling and error exits.

#[path = "../../radscreen-dicom/tests/common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::NpyData;
use serde_json::Value;

fn radscreen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_radscreen"))
        .args(args)
        .output()
        .expect("run radscreen")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("radscreen-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn dtype(d: &NpyData) -> &'static str {
    match d {
        NpyData::U8(_) => "u1",
        NpyData::I8(_) => "i1",
        NpyData::U16(_) => "u2",
        NpyData::I16(_) => "i2",
        NpyData::U32(_) => "u4",
        NpyData::I32(_) => "i4",
        NpyData::U64(_) => "u8",
        NpyData::I64(_) => "i8",
        NpyData::F32(_) => "f4",
        NpyData::F64(_) => "f8",
    }
}

/// `radscreen pixels --stage stored` equals pydicom's pixel_array (same shape, same dtype, same
/// values) for every monochrome file pydicom decodes losslessly, and within ±2 for lossy JPEG.
/// Integer Pixel Data only: parametric maps' Float Pixel Data is not read (pydicom_parity's
/// known gaps).
#[test]
fn pixels_stored_matches_pydicom_for_every_monochrome_file() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for e in common::reference_entries() {
        let rel = e["file"].as_str().unwrap();
        let mono = e["photometric"]
            .as_str()
            .unwrap_or("")
            .starts_with("MONOCHROME");
        if !mono
            || e["decodes"] != Value::Bool(true)
            || e["stored_npy"].is_null()
            || e["pixel_data_element"] != "PixelData"
        {
            continue;
        }
        let out = tmp("stored.npy");
        let path = common::data_file(rel);
        let o = radscreen(&[
            "pixels",
            path.to_str().unwrap(),
            "--stage",
            "stored",
            "--out",
            out.to_str().unwrap(),
        ]);
        if !o.status.success() {
            failures.push(format!(
                "{rel}: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
            continue;
        }
        let (shape, got) = common::load_npy(&out);
        let (want_shape, want) = common::load_reference_npy(e["stored_npy"].as_str().unwrap());
        let tol = if e["lossy"] == Value::Bool(true) {
            2.0
        } else {
            0.0
        };
        let same_values = got.len() == want.len()
            && got
                .to_f64()
                .iter()
                .zip(want.to_f64())
                .all(|(a, b)| (a - b).abs() <= tol);
        // pydicom returns big-endian dtypes for big-endian files; the stored type is what counts.
        if shape != want_shape || dtype(&got) != dtype(&want) || !same_values {
            failures.push(format!(
                "{rel}: shape {shape:?} dtype {} vs pydicom {want_shape:?} {}; values equal: {same_values}",
                dtype(&got),
                dtype(&want)
            ));
            continue;
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 80, "only {checked} files checked");
}

#[test]
fn ct_small_hounsfield_units() {
    let out = tmp("hu.npy");
    let f = common::data_file("pydicom/CT_small.dcm");
    let o = radscreen(&[
        "pixels",
        f.to_str().unwrap(),
        "--stage",
        "modality",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (shape, data) = common::load_npy(&out);
    assert_eq!(shape, vec![128, 128]);
    let NpyData::F32(v) = data else {
        panic!("modality stage must be float32")
    };
    assert_eq!(
        &v[24 * 128 + 36..24 * 128 + 40],
        &[-504.0, -222.0, -94.0, -16.0]
    );
}

#[test]
fn display_png_and_usage_errors() {
    let f = common::data_file("pydicom/CT_small.dcm");
    let png = tmp("view.png");
    let o = radscreen(&[
        "pixels",
        f.to_str().unwrap(),
        "--stage",
        "display",
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    // PNG of stored values is a usage error (exit 2), not a silent conversion.
    let o = radscreen(&[
        "pixels",
        f.to_str().unwrap(),
        "--stage",
        "stored",
        "--out",
        png.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn errors_name_the_file_and_exit_nonzero() {
    let bad = tmp("not-dicom.dcm");
    std::fs::write(&bad, b"plain text, not an image").unwrap();
    let o = radscreen(&[
        "pixels",
        bad.to_str().unwrap(),
        "--stage",
        "stored",
        "--out",
        tmp("x.npy").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not-dicom.dcm") && err.contains("not a DICOM file"),
        "{err}"
    );
    let o = radscreen(&[
        "pixels",
        common::data_file("pydicom/CT_small.dcm").to_str().unwrap(),
        "--stage",
        "stored",
        "--frame",
        "3",
        "--out",
        tmp("x.npy").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("frame 3 out of range"));
}

/// Patient name and ID of the test files never appear unless --keep-phi is given.
#[test]
fn inspect_json_is_phi_free_by_default() {
    let f = common::data_file("pydicom/CT_small.dcm");
    let o = radscreen(&["inspect", "--json", f.to_str().unwrap()]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["files"][0]["modality"], "CT");
    assert_eq!(doc["files"][0]["rows"], 128);
    assert_eq!(doc["series"].as_array().unwrap().len(), 1);
    let img = radscreen::dicom::DicomImage::open_with(
        &f,
        &radscreen::dicom::ReadOptions::new().with_keep_phi(true),
    )
    .unwrap();
    let phi = img.meta().phi.clone().unwrap();
    let name = phi.patient_name.unwrap();
    let id = phi.patient_id.unwrap();
    assert!(
        !text.contains(&name) && !text.contains(&id),
        "PHI leaked into inspect output"
    );
    let o = radscreen(&["inspect", "--json", "--keep-phi", f.to_str().unwrap()]);
    assert!(String::from_utf8(o.stdout).unwrap().contains(&name));
}

/// A folder of one CT series: files sorted along the slice normal.
#[test]
fn inspect_groups_a_series() {
    let dir = common::test_data_dir().join("pydicom/dicomdirtests/77654033/CT2");
    let o = radscreen(&["inspect", "--json", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let series = doc["series"].as_array().unwrap();
    assert_eq!(series.len(), 1, "{series:?}");
    let s = &series[0];
    assert_eq!(s["images"], 4);
    assert_eq!(s["order"], "position", "{s}");
    // 1.25 mm slices (their Slice Thickness), sorted along the normal: positions increase.
    assert!(
        (s["slice_spacing"].as_f64().unwrap() - 1.25).abs() < 1e-6,
        "{s}"
    );
    // The files are instances 18, 180, 181 and 182: a 202.5 mm gap, then 1.25 mm steps.
    assert_eq!(s["uniform_spacing"], false);
    let z: Vec<f64> = s["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let rec = doc["files"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["path"] == *f)
                .unwrap();
            rec["image_position"][2].as_f64().unwrap()
        })
        .collect();
    assert!(z.windows(2).all(|w| w[0] < w[1]), "{z:?}");
}

/// `--balance-sources` balances the draw of a spacing model's patches by modality group: without
/// `--spacing` it would be silently ignored, so it is refused before any file is read.
#[test]
fn train_refuses_balance_sources_without_spacing() {
    let out = tmp("balance-no-spacing");
    let o = radscreen(&[
        "train",
        "--manifest",
        "no-such-manifest.csv",
        "--out",
        out.to_str().unwrap(),
        "--balance-sources",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--spacing"), "{err}");
    assert!(!out.exists(), "nothing is written");
}

/// `--quiet` (or stderr not a terminal) drops the progress bar, not the epoch lines and notes;
/// `--init` starts a run from a trained model, says so, and a one-head model can start a
/// `--group-heads` run.
#[test]
fn train_quiet_prints_epochs_and_init_starts_from_a_model() {
    let set = tmp("train-set");
    let o = radscreen(&[
        "synth",
        "--out",
        set.to_str().unwrap(),
        "--count",
        "30",
        "--seed",
        "3",
        "--size",
        "64",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let manifest = set.join("manifest.csv");
    let run = |out: &PathBuf, extra: &[&str]| {
        let mut args = vec![
            "train",
            "--manifest",
            manifest.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--epochs",
            "1",
            "--size",
            "64",
            "--device",
            "cpu",
        ];
        args.extend_from_slice(extra);
        let o = radscreen(&args);
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let ok = |out: &PathBuf, extra: &[&str]| {
        let (success, err) = run(out, extra);
        assert!(success, "{err}");
        err
    };
    let first = tmp("train-first");
    let err = ok(&first, &["--quiet"]);
    assert!(err.contains("epoch  1: train loss"), "{err}");
    // without --quiet and with stderr not a terminal the bar is hidden too: the lines stay
    let tuned = tmp("train-tuned");
    let err = ok(
        &tuned,
        &["--init", first.to_str().unwrap(), "--group-heads"],
    );
    assert!(err.contains("epoch  1: train loss"), "{err}");
    assert!(err.contains("started from"), "{err}");
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(tuned.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["net"]["heads"], 3);
    assert_eq!(config["training"]["init"]["heads"], 1);
    // a folder that holds no model is refused by name
    let (success, err) = run(&tmp("train-bad-init"), &["--init", set.to_str().unwrap()]);
    assert!(!success);
    assert!(err.contains("config.json"), "{err}");
}
