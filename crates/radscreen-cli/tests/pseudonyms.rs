//! Pseudonyms are secret: two keys give unlinkable reports, no report carries a pseudonym that
//! a public key would give, and the key made on first use is private to its owner.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use radscreen::screen::PseudonymKey;
use sha2::{Digest, Sha256};

/// A fresh folder, removed with everything in it when the guard drops at the end of the test
/// (each test screens sample-data several times: a few hundred MB left behind per run).
fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn sample_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data")
}

/// `radscreen screen sample-data --out OUT --device cpu --quiet` with a config folder of its own.
fn screen(out: &Path, config: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_radscreen"))
        .env("XDG_CONFIG_HOME", config)
        .env_remove("RADSCREEN_KEY")
        .args(["screen", sample_data().to_str().unwrap(), "--out"])
        .arg(out)
        .args(["--device", "cpu", "--quiet"])
        .args(extra)
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

/// Every pseudonym a report holds: study/series/instance keys and heatmap name stems.
fn pseudonyms(report: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut r = csv::Reader::from_path(report.join("findings.csv")).unwrap();
    let head = r.headers().unwrap().clone();
    for rec in r.records() {
        let rec = rec.unwrap();
        for (h, v) in head.iter().zip(rec.iter()) {
            if h.ends_with("_key") && !v.is_empty() {
                out.insert(v.to_string());
            }
            if h == "heatmap" {
                for name in v.split(';').filter(|n| !n.is_empty()) {
                    let stem = name.trim_start_matches("heatmaps/").split('_').next();
                    out.insert(stem.unwrap().to_string());
                }
            }
        }
    }
    out
}

/// The study, series and instance UIDs of sample-data's DICOM files.
fn uids() -> Vec<String> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(sample_data())
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let opts = radscreen::dicom::ReadOptions::new();
        if let Ok(m) = radscreen::dicom::read_metadata(e.path(), &opts) {
            out.extend(
                [
                    m.study_instance_uid,
                    m.series_instance_uid,
                    m.sop_instance_uid,
                ]
                .into_iter()
                .flatten(),
            );
        }
    }
    out
}

#[test]
fn different_keys_give_unlinkable_pseudonyms_and_no_public_key_is_used() {
    let dir = tmp();
    let root = dir.path();
    let config = root.join("config");
    let (k1, k2) = (root.join("k1"), root.join("k2"));
    std::fs::write(&k1, "first secret key of this test\n").unwrap();
    std::fs::write(&k2, "second secret key of this test\n").unwrap();
    let (a, b) = (root.join("a"), root.join("b"));
    ok(&screen(&a, &config, &["--key-file", k1.to_str().unwrap()]));
    ok(&screen(&b, &config, &["--key-file", k2.to_str().unwrap()]));
    let (pa, pb) = (pseudonyms(&a), pseudonyms(&b));
    assert!(pa.len() > 50 && pb.len() > 50, "{} {}", pa.len(), pb.len());
    assert!(
        pa.is_disjoint(&pb),
        "pseudonyms shared by two keys: {:?}",
        pa.intersection(&pb).collect::<Vec<_>>()
    );
    // The same key gives the same pseudonyms (reports under one key can be joined).
    let a2 = root.join("a2");
    ok(&screen(&a2, &config, &["--key-file", k1.to_str().unwrap()]));
    assert_eq!(pseudonyms(&a2), pa);

    // No pseudonym that anyone could compute from a UID with a public key: the old default
    // (SHA-256 of "radscreen", 0, UID) and HMAC under "radscreen".
    let uids = uids();
    assert!(
        uids.len() > 200,
        "sample-data should have UIDs: {}",
        uids.len()
    );
    let public = PseudonymKey::from_secret("radscreen").unwrap();
    let default_run = root.join("default");
    ok(&screen(&default_run, &config, &[]));
    for report in [&a, &b, &default_run] {
        let text = std::fs::read_to_string(report.join("findings.csv")).unwrap()
            + &std::fs::read_to_string(report.join("studies.csv")).unwrap();
        for uid in &uids {
            let mut h = Sha256::new();
            h.update(b"radscreen\0");
            h.update(uid.as_bytes());
            let old = hex::encode(&h.finalize()[..8]);
            for p in [old, public.pseudonym("uid", uid)] {
                assert!(
                    !text.contains(&p),
                    "{}: public pseudonym {p}",
                    report.display()
                );
            }
            assert!(!text.contains(uid.as_str()), "UID {uid} in the report");
        }
    }
}

#[test]
fn the_key_made_on_first_use_is_private_and_kept() {
    let dir = tmp();
    let root = dir.path();
    let config = root.join("config");
    let (a, b) = (root.join("a"), root.join("b"));
    ok(&screen(&a, &config, &[]));
    let key = config.join("radscreen").join("pseudonym.key");
    let meta = std::fs::metadata(&key).expect("a key file made on first use");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    assert!(meta.len() >= 64, "a 256-bit key in hex");
    ok(&screen(&b, &config, &[]));
    assert_eq!(
        pseudonyms(&a),
        pseudonyms(&b),
        "the second run reuses the key"
    );
    // Another user (another config folder) gets another key.
    let c = root.join("c");
    ok(&screen(&c, &root.join("other-config"), &[]));
    assert!(pseudonyms(&a).is_disjoint(&pseudonyms(&c)));
    // The run records the key's public id, not the key.
    let run = std::fs::read_to_string(a.join("run.json")).unwrap();
    let secret = std::fs::read_to_string(&key).unwrap();
    assert!(!run.contains(secret.trim()));
    let id = PseudonymKey::from_file(&key).unwrap().id();
    assert!(run.contains(&id));
}

#[test]
fn reports_made_with_other_keys_are_not_merged_or_resumed() {
    let dir = tmp();
    let root = dir.path();
    let config = root.join("config");
    let (k1, k2) = (root.join("k1"), root.join("k2"));
    std::fs::write(&k1, "one key").unwrap();
    std::fs::write(&k2, "another key").unwrap();
    let (s0, s1) = (root.join("s0"), root.join("s1"));
    ok(&screen(
        &s0,
        &config,
        &["--shard", "0/2", "--key-file", k1.to_str().unwrap()],
    ));
    ok(&screen(
        &s1,
        &config,
        &["--shard", "1/2", "--key-file", k2.to_str().unwrap()],
    ));
    let merged = Command::new(env!("CARGO_BIN_EXE_radscreen"))
        .args(["merge", s0.to_str().unwrap(), s1.to_str().unwrap(), "--out"])
        .arg(root.join("merged"))
        .output()
        .unwrap();
    assert!(!merged.status.success());
    assert!(String::from_utf8_lossy(&merged.stderr).contains("pseudonym key"));
    let resumed = screen(
        &s0,
        &config,
        &[
            "--shard",
            "0/2",
            "--resume",
            "--key-file",
            k2.to_str().unwrap(),
        ],
    );
    assert!(!resumed.status.success());
    assert!(String::from_utf8_lossy(&resumed.stderr).contains("pseudonym key"));
    // an empty key file is refused, not taken as a public key
    let empty = root.join("empty");
    std::fs::write(&empty, "\n").unwrap();
    let o = screen(
        &root.join("e"),
        &config,
        &["--key-file", empty.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
}
