//! Every file in the pydicom 3.0.2 and pydicom-data 1.0.0 wheels, decoded by radscreen and
//! compared with the arrays pydicom itself produced (scripts/pydicom_reference.py, run by
//! scripts/fetch-test-data.sh).

mod common;

use radscreen_dicom::{DicomImage, ReadOptions};
use serde_json::Value;

fn s<'a>(e: &'a Value, k: &str) -> &'a str {
    e[k].as_str().unwrap_or("")
}

fn features(e: &Value) -> Vec<&str> {
    e["features"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default()
}

/// Our values for all frames, C order, samples last (as pydicom's array).
fn ours(img: &DicomImage, rgb: bool) -> Result<Vec<f64>, radscreen_dicom::Error> {
    let info = img.pixel_info()?;
    let mut out = Vec::new();
    for f in 0..info.frames {
        if rgb {
            let max = ((1u64 << info.bits_stored) - 1) as f64;
            out.extend(img.rgb(f)?.iter().map(|&v| (f64::from(v) * max).round()));
        } else {
            out.extend(img.stored(f)?.to_i64_vec().into_iter().map(|v| v as f64));
        }
    }
    Ok(out)
}

/// Files pydicom decodes and radscreen does not yet match, with the reason. The test fails if
/// one of them starts matching, so that this list only shrinks.
const KNOWN_GAPS: &[(&str, &str)] = &[
    (
        "pydicom/SC_rgb_jpeg.dcm",
        "declares Explicit VR but is encoded Implicit VR: dicom-object cannot parse it",
    ),
    (
        "cwil/paramap.dcm",
        "Float Pixel Data (a parametric map) is not read: no_pixel_data",
    ),
    (
        "cwil/paramap-float.dcm",
        "Float Pixel Data (a parametric map) is not read: no_pixel_data",
    ),
];

/// Lossy colour JPEG: decoders differ in chroma upsampling, so a few values may move more
/// than the ±2 allowed for lossy greyscale; at most this fraction may.
const LOSSY_COLOUR_OUTLIERS: f64 = 1e-4;

#[test]
fn stored_values_match_pydicom() {
    let mut failures = Vec::new();
    let mut checked = (0, 0); // (monochrome, colour)
    for e in common::reference_entries() {
        let rel = s(&e, "file");
        if e["decodes"] != Value::Bool(true) || e["stored_npy"].is_null() {
            continue;
        }
        let path = common::data_file(rel);
        let mono = s(&e, "photometric").starts_with("MONOCHROME")
            || s(&e, "photometric") == "PALETTE COLOR";
        // pydicom converts YBR to RGB; compare with our RGB conversion there.
        let converted = e["color_space_converted"] == Value::Bool(true);
        let tol = if e["lossy"] == Value::Bool(true) {
            2.0
        } else if converted {
            1.0
        } else {
            0.0
        };
        let img = match DicomImage::open_with(&path, &ReadOptions::new()) {
            Ok(i) => i,
            Err(err) => {
                failures.push(format!("{rel}: open: {err}"));
                continue;
            }
        };
        let got = match ours(&img, converted) {
            Ok(v) => v,
            Err(err) => {
                failures.push(format!("{rel}: decode: {err}"));
                continue;
            }
        };
        let (_shape, want) = common::load_reference_npy(s(&e, "stored_npy"));
        let want = want.to_f64();
        if got.len() != want.len() {
            failures.push(format!(
                "{rel}: {} values, pydicom has {}",
                got.len(),
                want.len()
            ));
            continue;
        }
        let bad: Vec<usize> = (0..got.len())
            .filter(|&i| (got[i] - want[i]).abs() > tol)
            .collect();
        let allowed = if !mono && e["lossy"] == Value::Bool(true) {
            (LOSSY_COLOUR_OUTLIERS * got.len() as f64) as usize
        } else {
            0
        };
        if let Some(&i) = bad.first().filter(|_| bad.len() > allowed) {
            failures.push(format!(
                "{rel} ({}): {} of {} values differ by more than {tol}; first at {i}: ours {} pydicom {}",
                s(&e, "transfer_syntax"),
                bad.len(),
                got.len(),
                got[i],
                want[i]
            ));
            continue;
        }
        if mono { checked.0 += 1 } else { checked.1 += 1 }
    }
    eprintln!(
        "matched pydicom on {} monochrome/palette and {} colour files",
        checked.0, checked.1
    );
    let (known, failures): (Vec<String>, Vec<String>) = failures.into_iter().partition(|f| {
        KNOWN_GAPS
            .iter()
            .any(|(k, _)| f.starts_with(&format!("{k}:")) || f.starts_with(&format!("{k} (")))
    });
    for (k, why) in KNOWN_GAPS {
        assert!(
            known.iter().any(|f| f.starts_with(k)),
            "{k} now matches pydicom: remove it from KNOWN_GAPS ({why})"
        );
    }
    assert!(
        failures.is_empty(),
        "{} file(s) differ from pydicom:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked.0 >= 80,
        "only {} monochrome files checked",
        checked.0
    );
}

/// The size of the rescale slope pydicom read (1 without one).
fn slope(e: &Value) -> f64 {
    e["rescale_slope"][0]
        .as_f64()
        .map_or(1.0, f64::abs)
        .max(1.0)
}

/// Reference entries that have `npy_key`, skipping files whose reference pydicom cannot give
/// (enhanced functional-group rescale) or that are known gaps.
fn comparable(npy_key: &str) -> Vec<Value> {
    common::reference_entries()
        .into_iter()
        .filter(|e| {
            !e[npy_key].is_null()
                && !features(e).contains(&"functional_group_rescale")
                && !KNOWN_GAPS.iter().any(|(k, _)| *k == s(e, "file"))
        })
        .collect()
}

/// One stage's values over every frame, C order; frame errors go to `failures`.
fn all_frames(
    img: &DicomImage,
    rel: &str,
    failures: &mut Vec<String>,
    stage: impl Fn(u32) -> Result<ndarray::Array3<f32>, radscreen_dicom::Error>,
) -> Vec<f64> {
    let mut got = Vec::new();
    for f in 0..img.frames().unwrap() {
        match stage(f) {
            Ok(a) => got.extend(a.iter().map(|&v| f64::from(v))),
            Err(err) => failures.push(format!("{rel}: {err}")),
        }
    }
    got
}

#[test]
fn modality_values_match_pydicom() {
    let mut failures = Vec::new();
    let mut checked = 0;
    // pydicom's apply_modality_lut ignores enhanced functional groups: no reference there.
    for e in comparable("modality_npy") {
        let rel = s(&e, "file");
        let img = DicomImage::open(common::data_file(rel)).unwrap();
        let got = all_frames(&img, rel, &mut failures, |f| img.modality(f));
        let want = common::load_reference_npy(s(&e, "modality_npy")).1.to_f64();
        // lossy decoders differ by ±2 in stored values (stored_values_match_pydicom), which
        // the rescale slope carries into modality values (32 HU a step in an 8-bit CT)
        let tol = if e["lossy"] == Value::Bool(true) {
            2.0 * slope(&e)
        } else {
            0.0
        };
        let bad = got
            .iter()
            .zip(&want)
            .filter(|(g, w)| (*g - *w).abs() > tol + 1e-6 * w.abs().max(1.0))
            .count();
        if got.len() != want.len() || bad > 0 {
            failures.push(format!(
                "{rel}: {bad} values differ (lengths {} / {})",
                got.len(),
                want.len()
            ));
        } else {
            checked += 1;
        }
    }
    eprintln!("modality stage matched pydicom on {checked} files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 60, "only {checked} files checked");
}

/// Files pydicom cannot decode must give a clean error naming the file, never a panic.
#[test]
fn files_pydicom_rejects_fail_cleanly_or_decode() {
    for e in common::reference_entries() {
        if e["decodes"] == Value::Bool(true) {
            continue;
        }
        let rel = s(&e, "file");
        let path = common::data_file(rel);
        let result = DicomImage::open(&path).and_then(|img| {
            let n = img.frames()?;
            (0..n).try_for_each(|f| img.stored(f).map(drop))
        });
        if let Err(err) = result {
            let msg = err.to_string();
            assert!(
                msg.contains(&*path.to_string_lossy()),
                "{rel}: error does not name the file: {msg}"
            );
        }
    }
}

/// The VOI part of the display stage (window or VOI LUT, before Presentation LUT /
/// MONOCHROME1) against pydicom's `apply_voi_lut`, both scaled to 0..1.
#[test]
fn voi_matches_pydicom() {
    use radscreen_dicom::DisplayOptions;
    let opts = DisplayOptions::new().with_presentation(false);
    let mut failures = Vec::new();
    let mut checked = (0, 0); // (windows, LUTs)
    for e in comparable("voi_npy") {
        let rel = s(&e, "file");
        let img = DicomImage::open(common::data_file(rel)).unwrap();
        let got = all_frames(&img, rel, &mut failures, |f| img.display(f, &opts));
        let want = common::load_reference_npy(s(&e, "voi_npy")).1.to_f64();
        // f32 output; lossy files also carry the decoder's ±2 in stored values, through the
        // rescale slope and the window's width (0..1 over the width).
        let tol = if e["lossy"] == Value::Bool(true) {
            let width = e["window_width"][0].as_f64().unwrap_or(4096.0).max(1.0);
            (2.5 / 4096.0f64).max(2.0 * slope(&e) / width)
        } else {
            1e-5
        };
        let bad = got
            .iter()
            .zip(&want)
            .filter(|(g, w)| (*g - *w).abs() > tol)
            .count();
        if got.len() != want.len() || bad > 0 {
            let first = got.iter().zip(&want).find(|(g, w)| (*g - *w).abs() > tol);
            failures.push(format!(
                "{rel} ({}): {bad} values differ, first {first:?}",
                s(&e, "voi_kind")
            ));
        } else if s(&e, "voi_kind") == "lut" {
            checked.1 += 1;
        } else {
            checked.0 += 1;
        }
    }
    eprintln!(
        "VOI matched pydicom on {} windowed and {} VOI LUT files",
        checked.0, checked.1
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked.0 >= 40 && checked.1 >= 1, "{checked:?}");
}
