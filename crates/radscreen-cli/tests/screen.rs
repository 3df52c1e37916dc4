//! `radscreen screen` end to end on sample-data and generated folders: the report's files,
//! broken inputs, PHI, kill-and-resume, shards and merge.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary, with a pseudonym key folder of this test process's own: tests never read or
/// create the user's key, and the runs of one test share a key as shards of one job do.
fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_radscreen"));
    let config =
        std::env::temp_dir().join(format!("radscreen-screen-{}-config", std::process::id()));
    c.env("XDG_CONFIG_HOME", config).env_remove("RADSCREEN_KEY");
    c
}

fn radscreen(args: &[&str]) -> Output {
    bin().args(args).output().expect("run radscreen")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("radscreen-screen-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    dir
}

fn sample_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data")
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// findings.csv as header-keyed records, sorted by (path, frame).
fn rows(report: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(report.join("findings.csv")).unwrap();
    let head = r.headers().unwrap().clone();
    let mut out: Vec<BTreeMap<String, String>> = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            head.iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect();
    out.sort_by(|a, b| {
        (&a["path"], a["frame"].parse::<u32>().unwrap())
            .cmp(&(&b["path"], b["frame"].parse::<u32>().unwrap()))
    });
    out
}

/// `radscreen screen DATA --out OUT --device cpu`, then `extra`.
fn screen_cpu(data: &Path, out: &Path, extra: &[&str]) -> Output {
    let base = [
        "screen",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--device",
        "cpu",
    ];
    radscreen(&[&base[..], extra].concat())
}

/// Each (path, frame) at most once in rows sorted by (path, frame).
fn assert_each_row_once(rows: &[BTreeMap<String, String>]) {
    for w in rows.windows(2) {
        assert!(
            (&w[0]["path"], &w[0]["frame"]) != (&w[1]["path"], &w[1]["frame"]),
            "{} frame {} twice",
            w[0]["path"],
            w[0]["frame"]
        );
    }
}

/// Rows equal except for float noise in scores (batches differ between runs).
fn same_rows(a: &[BTreeMap<String, String>], b: &[BTreeMap<String, String>]) {
    assert_eq!(a.len(), b.len(), "row counts differ");
    for (x, y) in a.iter().zip(b) {
        for (k, v) in x {
            let w = &y[k];
            if k.starts_with("score_") || k == "anomaly" {
                let (p, q) = (
                    v.parse::<f64>().unwrap_or(-1.0),
                    w.parse::<f64>().unwrap_or(-1.0),
                );
                assert!((p - q).abs() < 1e-4, "{} {k}: {v} vs {w}", x["path"]);
            } else if k.starts_with("flag_") || k == "heatmap" {
                // a score within float noise of the threshold could flip: checked via scores
            } else {
                assert_eq!(v, w, "{} column {k}", x["path"]);
            }
        }
    }
}

#[test]
fn sample_data_report_has_every_file_once() {
    let out = tmp("sample");
    let screen = |extra: &[&str]| screen_cpu(&sample_data(), &out, extra);
    ok(&screen(&[]));
    for f in [
        "findings.csv",
        "studies.csv",
        "predicted_lesions.csv",
        "report.html",
        "run.json",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    assert!(!out.join(".partial").exists());
    let rows = rows(&out);
    // every file under sample-data appears, DICOM or not
    let files: Vec<String> = walkdir::WalkDir::new(sample_data())
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(sample_data())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let listed: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["path"].as_str()).collect();
    assert_eq!(listed.len(), files.len());
    for f in &files {
        assert!(listed.contains(f.as_str()), "{f} missing from findings.csv");
    }
    let by_path: BTreeMap<&str, &BTreeMap<String, String>> =
        rows.iter().map(|r| (r["path"].as_str(), r)).collect();
    let status = |p: &str| {
        (
            by_path[p]["status"].as_str(),
            by_path[p]["error_kind"].as_str(),
        )
    };
    assert_eq!(status("broken/not-dicom.dcm"), ("skipped", "not_dicom"));
    assert_eq!(
        status("broken/no-pixel-data.dcm"),
        ("skipped", "no_pixel_data")
    );
    assert_eq!(
        status("broken/mpeg2-syntax.dcm"),
        ("error", "unsupported_transfer_syntax")
    );
    assert_eq!(status("broken/truncated.dcm").0, "error");
    assert_eq!(status("README.md"), ("skipped", "not_dicom"));
    assert!(by_path["broken/truncated.dcm"]["error"].contains("broken/truncated.dcm"));
    let scored = rows.iter().filter(|r| r["status"] == "ok").count();
    assert_eq!(scored, 96);
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["device"]["backend"], "flex");
    assert_eq!(run["counts"]["ok"], 96);
    assert_eq!(
        run["counts"]["files"].as_u64().unwrap() as usize,
        files.len()
    );
    assert_eq!(run["model"]["sha256"].as_str().unwrap().len(), 64);
    // flagged images have heatmaps on disk, and report.html shows them
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let flagged: Vec<_> = rows
        .iter()
        .filter(|r| r["flag_tumor"] == "1" || r["flag_fracture"] == "1")
        .collect();
    assert!(!flagged.is_empty());
    for r in flagged {
        for h in r["heatmap"].split(';') {
            assert!(out.join(h).exists(), "{h}");
            assert!(html.contains(h));
        }
    }
    // the report is what `radscreen eval` reads
    let ev = out.join("eval");
    let o = radscreen(&[
        "eval",
        "--predictions",
        out.join("findings.csv").to_str().unwrap(),
        "--truth",
        sample_data().join("manifest.csv").to_str().unwrap(),
        "--lesions",
        sample_data().join("lesions.csv").to_str().unwrap(),
        "--out",
        ev.to_str().unwrap(),
    ]);
    ok(&o);
    let md = std::fs::read_to_string(ev.join("eval.md")).unwrap();
    assert!(md.contains("tumor") && md.contains("fracture"));
    // screening again into the same folder replaces the report: with (nearly) nothing flagged
    // now, no heatmap of the first run is left behind (they go when the new report is done)
    let first_heatmaps = std::fs::read_dir(out.join("heatmaps")).unwrap().count();
    ok(&screen(&[
        "--threshold",
        "tumor=1",
        "--threshold",
        "fracture=1",
    ]));
    assert!(!out.join(".partial").exists());
    let again = self::rows(&out);
    assert_eq!(again.len(), rows.len());
    let referenced: std::collections::BTreeSet<String> = again
        .iter()
        .flat_map(|r| r["heatmap"].split(';'))
        .filter(|h| !h.is_empty())
        .map(str::to_string)
        .collect();
    let on_disk: std::collections::BTreeSet<String> = std::fs::read_dir(out.join("heatmaps"))
        .unwrap()
        .map(|e| format!("heatmaps/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    assert_eq!(
        on_disk, referenced,
        "stale heatmaps left in the replaced report"
    );
    assert!(on_disk.len() < first_heatmaps);
}

/// Every PHI value synth writes into the files, searched for in every output file.
#[test]
fn reports_carry_no_phi() {
    let data = sample_data();
    let mut values = std::collections::BTreeSet::new();
    for e in walkdir::WalkDir::new(&data)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if e.path().extension().is_none_or(|x| x != "dcm") {
            continue;
        }
        let opts = radscreen::dicom::ReadOptions::new().with_keep_phi(true);
        if let Ok(m) = radscreen::dicom::read_metadata(e.path(), &opts)
            && let Some(phi) = m.phi
        {
            for v in [
                phi.patient_name,
                phi.patient_id,
                phi.patient_birth_date,
                phi.accession_number,
                phi.institution_name,
            ]
            .into_iter()
            .flatten()
            {
                if v.trim().len() >= 4 {
                    values.insert(v.trim().to_string());
                }
            }
        }
    }
    assert!(
        values.len() > 20,
        "sample-data should carry PHI to test with: {values:?}"
    );
    let out = tmp("phi");
    ok(&screen_cpu(&data, &out, &["--quiet"]));
    let mut checked = 0;
    for e in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
    {
        let bytes = std::fs::read(e.path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for v in &values {
            assert!(
                !text.contains(v.as_str()),
                "{} contains PHI value {v}",
                e.path().display()
            );
        }
        checked += 1;
    }
    assert!(checked > 5);
    // --keep-phi opts in
    let out2 = tmp("phi-kept");
    ok(&screen_cpu(&data, &out2, &["--quiet", "--keep-phi"]));
    let text = std::fs::read_to_string(out2.join("findings.csv")).unwrap();
    assert!(values.iter().any(|v| text.contains(v.as_str())));
}

fn synth_folder(name: &str, count: &str) -> PathBuf {
    let dir = tmp(name);
    ok(&radscreen(&[
        "synth",
        "--out",
        dir.to_str().unwrap(),
        "--count",
        count,
        "--seed",
        "5",
        "--size",
        "64",
    ]));
    dir
}

#[test]
fn shards_and_merge_equal_one_run() {
    let data = synth_folder("shard-data", "60");
    let whole = tmp("shard-whole");
    ok(&screen_cpu(&data, &whole, &["--quiet"]));
    let mut dirs = Vec::new();
    let mut total = 0;
    for i in 0..3 {
        let d = tmp(&format!("shard-{i}"));
        ok(&screen_cpu(
            &data,
            &d,
            &["--quiet", "--shard", &format!("{i}/3")],
        ));
        let n = rows(&d).len();
        assert!(n > 0, "shard {i} is empty");
        total += n;
        dirs.push(d);
    }
    let merged = tmp("shard-merged");
    let mut args = vec!["merge".to_string()];
    args.extend(dirs.iter().map(|d| d.to_string_lossy().to_string()));
    args.extend(["--out".into(), merged.to_string_lossy().to_string()]);
    ok(&bin().args(&args).output().unwrap());
    let (a, b) = (rows(&whole), rows(&merged));
    assert_eq!(total, a.len(), "shards overlap or miss files");
    same_rows(&a, &b);
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(merged.join("run.json")).unwrap()).unwrap();
    let run1: serde_json::Value =
        serde_json::from_slice(&std::fs::read(whole.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["counts"], run1["counts"]);
    // merging a shard twice is refused
    let o = radscreen(&[
        "merge",
        dirs[0].to_str().unwrap(),
        dirs[0].to_str().unwrap(),
        "--out",
        tmp("dup").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    // bad shard specs are usage errors
    for bad in ["3/3", "1", "a/b", "0/0"] {
        let o = radscreen(&[
            "screen",
            data.to_str().unwrap(),
            "--out",
            tmp("bad").to_str().unwrap(),
            "--shard",
            bad,
        ]);
        assert_eq!(o.status.code(), Some(2), "--shard {bad}");
    }
}

#[test]
fn killed_run_resumes_without_loss_or_duplicates() {
    let data = synth_folder("resume-data", "400");
    let whole = tmp("resume-whole");
    ok(&screen_cpu(&data, &whole, &["--quiet"]));
    let out = tmp("resume-out");
    let partial = out.join(".partial").join("findings.csv");
    let mut child = bin()
        .args([
            "screen",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--device",
            "cpu",
            "--quiet",
            "--batch",
            "1",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // kill once some rows are on disk, well before the end
    let started = Instant::now();
    loop {
        let n = std::fs::read_to_string(&partial)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if n > 40 || started.elapsed() > Duration::from_secs(120) {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            panic!("the run finished before it could be killed: make the folder larger");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !out.join("findings.csv").exists(),
        "a killed run must not look finished"
    );
    // without --resume the folder is refused
    let o = screen_cpu(&data, &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    ok(&screen_cpu(&data, &out, &["--quiet", "--resume"]));
    let (a, b) = (rows(&whole), rows(&out));
    assert_each_row_once(&b);
    same_rows(&a, &b);
    let lesions = |d: &Path| {
        std::fs::read_to_string(d.join("predicted_lesions.csv"))
            .unwrap()
            .lines()
            .count()
    };
    assert_eq!(lesions(&whole), lesions(&out));
}

#[test]
fn usage_errors_exit_2() {
    let data = sample_data();
    let out = tmp("usage");
    for args in [
        vec![
            "screen",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--device",
            "tpu",
        ],
        vec![
            "screen",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--batch",
            "0",
        ],
        vec![
            "screen",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--threshold",
            "tumour=0.3",
        ],
        vec!["screen", "/no/such/folder", "--out", out.to_str().unwrap()],
        vec![
            "screen",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--model",
            "/no/such/model",
        ],
    ] {
        let o = radscreen(&args);
        assert!(!o.status.success(), "{args:?}");
        assert!(
            !String::from_utf8_lossy(&o.stderr).contains("panicked"),
            "{args:?}"
        );
    }
    let o = radscreen(&[
        "screen",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--device",
        "tpu",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn fail_fast_stops_at_a_broken_file_and_resume_finishes() {
    let out = tmp("fail-fast");
    let args = |extra: &[&str]| screen_cpu(&sample_data(), &out, extra);
    // sample-data/broken/ holds files that fail: the run stops, exit 1, nothing final written
    let o = args(&["--fail-fast", "--quiet"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("--fail-fast"));
    assert!(!out.join("findings.csv").exists());
    let partial = std::fs::read_to_string(out.join(".partial/findings.csv")).unwrap();
    assert!(
        partial.lines().any(|l| l.contains(",error,")),
        "the failing row is kept"
    );
    // --resume (without --fail-fast) finishes: every file once
    ok(&args(&["--resume", "--quiet"]));
    let rows = rows(&out);
    assert_each_row_once(&rows);
    assert_eq!(rows.iter().filter(|r| r["status"] == "ok").count(), 96);
}
