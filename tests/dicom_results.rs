//! `screen --dicom` on sample-data with the shipped model: every SR and SEG passes dciodvfy
//! (dicom3tools) without errors, and highdicom reads them back to exactly the findings,
//! probabilities and regions of findings.csv and predicted_lesions.csv
//! (scripts/check_dicom_results.py, run in the test data's venv).

use std::path::{Path, PathBuf};
use std::process::Command;

use radscreen::model::{DeviceOptions, DevicePreference};
use radscreen::screen::{PseudonymKey, ReportOptions, ScreenOptions, Screener, screen_to_report};

/// The test data cache (same rule as scripts/fetch-test-data.sh), holding the venv.
fn venv_python() -> PathBuf {
    let var = |n: &str| {
        std::env::var_os(n)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let cache = var("RADSCREEN_TEST_DATA").unwrap_or_else(|| {
        var("XDG_CACHE_HOME")
            .or_else(|| var("HOME").map(|h| h.join(".cache")))
            .expect("HOME or RADSCREEN_TEST_DATA")
            .join("radscreen/test-data")
    });
    let py = cache.join("venv/bin/python");
    assert!(
        py.is_file(),
        "{} missing: run scripts/fetch-test-data.sh (it installs highdicom)",
        py.display()
    );
    py
}

fn screen(keep_phi: bool) -> (tempfile::TempDir, PathBuf, radscreen::screen::RunOutcome) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let screener = Screener::new(
        ScreenOptions::new()
            .with_device(DeviceOptions::new(DevicePreference::Cpu))
            .with_keep_phi(keep_phi)
            .with_key(PseudonymKey::generate().unwrap()),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report");
    let outcome = screen_to_report(
        &screener,
        &root,
        &ReportOptions::new(&report).with_dicom(true),
        &mut |_| {},
    )
    .unwrap();
    (out, report, outcome)
}

fn check_with_highdicom(report: &Path, keep_phi: bool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check_dicom_results.py");
    let mut cmd = Command::new(venv_python());
    cmd.arg(&script).arg(report).arg(&root);
    if keep_phi {
        cmd.arg("--keep-phi");
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "highdicom check failed:\n{text}");
    assert!(text.contains(" 0 problems"), "{text}");
}

/// dciodvfy's errors for one file (warnings are allowed: without --keep-phi the type-2 Patient
/// ID is empty, which dciodvfy notes for DICOMDIR building).
fn dciodvfy_errors(file: &Path) -> Option<Vec<String>> {
    let out = match Command::new("dciodvfy").arg(file).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("dciodvfy: {e}"),
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        text.lines()
            .filter(|l| l.starts_with("Error"))
            .map(String::from)
            .collect(),
    )
}

#[test]
fn sample_data_results_are_valid_dicom_and_read_back_as_the_report() {
    let (_tmp, report, outcome) = screen(false);
    let d = outcome.dicom.expect("--dicom writes results");
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    // sample-data: nine studies with screenable images (broken/ holds files that fail)
    assert!(d.studies >= 8, "{} studies", d.studies);
    let srs = d
        .files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with(".sr.dcm"))
        .count();
    assert_eq!(srs, d.studies, "one SR per study");
    assert!(d.files.len() > srs, "and SEGs");
    let require = std::env::var_os("RADSCREEN_REQUIRE_DICOM_TOOLS").is_some_and(|v| v == "1");
    for f in &d.files {
        match dciodvfy_errors(f) {
            Some(errors) => assert!(errors.is_empty(), "{}: {errors:?}", f.display()),
            None if require => panic!("dciodvfy not found (apt: dicom3tools)"),
            None => {
                eprintln!("dciodvfy not installed: skipping the dicom3tools check");
                break;
            }
        }
    }
    check_with_highdicom(&report, false);
}

#[test]
fn keep_phi_puts_the_patient_into_the_dicom_results() {
    let (_tmp, report, outcome) = screen(true);
    let d = outcome.dicom.unwrap();
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    check_with_highdicom(&report, true);
    let sr = d
        .files
        .iter()
        .find(|f| f.to_string_lossy().ends_with(".sr.dcm"))
        .unwrap();
    let obj = radscreen::dicom::read_header(sr).unwrap();
    let name = obj
        .element_by_name("PatientName")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(!name.trim().is_empty(), "patient name copied with keep_phi");
}
